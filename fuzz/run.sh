#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the fuzz targets (config, host map, XML-RPC, RIBCL and Redfish
# replies, the iRMC menu and iLO CLP screens) with clang's
# libFuzzer (+ASan+UBSan) and run each
# for a bounded time from the seed corpus in the tree.  A crash, a leak or
# undefined behaviour fails the run.
#   fuzz/run.sh [SECONDS_PER_TARGET]      (default 60)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
seconds=${1:-60}
out=${FUZZ_OUT:-$top/fuzz/out}
mkdir -p "$out"
CLANG=${CLANG:-clang}
FLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/sdk -I$top"
CORE="$top/core/config.c $top/core/keys.c $top/core/hostmap.c $top/core/util.c $top/core/log.c $top/core/error.c $top/core/secret.c $top/core/params.c $top/proto/trust/trust.c"
status=0
for target in config hostmap xmlrpc ribcl redfish screens; do
    bin=$out/fuzz_$target
    if [ $target = ribcl ]; then
        # shellcheck disable=SC2086,SC2046 # flags and pkg-config output split into words
        $CLANG $FLAGS $(pkg-config --cflags libxml-2.0) \
 "$here/fuzz_ribcl.c" "$top/proto/ribcl/ribcl-parse.c" $(pkg-config --libs libxml-2.0) -o "$bin"
    elif [ $target = redfish ]; then
        # shellcheck disable=SC2086,SC2046 # flags and pkg-config output split into words
        $CLANG $FLAGS $(pkg-config --cflags json-c) \
 "$here/fuzz_redfish.c" "$top/proto/redfish/redfish-parse.c" $(pkg-config --libs json-c) -o "$bin"
    elif [ $target = screens ]; then
        # shellcheck disable=SC2086 # the flags, split into words
        $CLANG $FLAGS "$here/fuzz_screens.c" \
            "$top/plugins/ilo/clp.c" "$top/plugins/irmc/menu.c" -o "$bin"
    elif [ $target = xmlrpc ]; then
        # shellcheck disable=SC2086,SC2046 # flags and pkg-config output split into words
        $CLANG $FLAGS $(pkg-config --cflags libxml-2.0) "$here/fuzz_xmlrpc.c" \
            "$top/proto/xapi/xmlrpc.c" $(pkg-config --libs libxml-2.0) -o "$bin"
    else
        # shellcheck disable=SC2086,SC2046 # flags and pkg-config output split into words
        $CLANG $FLAGS "$here/fuzz_$target.c" $CORE -lpthread -o "$bin"
    fi
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
