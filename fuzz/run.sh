#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the fuzz targets (config, host map, XML-RPC, RIBCL and Redfish
# replies, the iRMC menu and iLO CLP screens) with clang's libFuzzer
# (+ASan+UBSan; make fuzz-targets in _build-fuzz) and run each
# for a bounded time from the seed corpus in the tree.  A crash, a leak or
# undefined behaviour fails the run.
#   fuzz/run.sh [SECONDS_PER_TARGET]      (default 60)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
seconds=${1:-60}
out=${FUZZ_OUT:-$top/fuzz/out}
mkdir -p "$out"
# the targets are built by automake, in a tree of their own configured for
# clang's libFuzzer
build=${FUZZ_BUILD:-$top/_build-fuzz}
mkdir -p "$build"
[ -x "$top/configure" ] || "$top/autogen.sh" >/dev/null
if [ ! -f "$build/Makefile" ] || [ -n "$(find "$top/configure" -newer "$build/Makefile")" ]; then
    (cd "$build" && CC=${CLANG:-clang} "$top/configure" --enable-fuzzing > configure.out 2>&1) ||
        { cat "$build/configure.out"; exit 1; }
fi
make -C "$build" -j"$(nproc)" fuzz-targets > "$build/fuzz-make.out" 2>&1 || { cat "$build/fuzz-make.out"; exit 1; }
status=0
for target in config hostmap xmlrpc ribcl redfish screens; do
    bin=$build/fuzz/fuzz_$target
    work=$out/corpus_$target
    mkdir -p "$work" "$out/artifacts_$target"
    echo "fuzz: $target for ${seconds}s"
    # new inputs go to a scratch corpus; the seeds in the tree stay as they are
    if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="$out/artifacts_$target/" "$work" "$here/corpus/$target" \
        > "$out/fuzz_$target.log" 2>&1; then
        echo "fuzz: $target FAILED (see $out/fuzz_$target.log and $out/artifacts_$target/)"
        tail -n 40 "$out/fuzz_$target.log"
        status=1
    else
        echo "fuzz: $target ok ($(grep -c . "$out/fuzz_$target.log") log lines, $(tail -n 1 "$out/fuzz_$target.log"))"
    fi
done
exit $status
