#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The split-brain campaign in full: the scripted scenarios and 100 random
# fault sequences on a 2-host and on a 3-host pool of real hafenced in
# network namespaces (tests/lab/campaign.py; root).  The two pool sizes run
# side by side (each lab is its own set of namespaces).  Prints a line per
# run and the counts; keeps every run's logs and histories in OUT (default
# bench/results/campaign/n2 and n3), the counts in OUT/n*/summary.json.
#   bench/campaign.sh [BUILDDIR] [RANDOM_RUNS]     (default ./_build, 100)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-100}
out=${CAMPAIGN_OUT:-$top/bench/results/campaign}
[ "$(id -u)" = 0 ] || { echo "bench: the pool lab needs root (network namespaces)" >&2; exit 1; }
[ -x "$build/hafenced" ] || { echo "bench: no $build/hafenced (scripts/build.sh)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
trap '"$top/tests/lab/lab.sh" down-all - >/dev/null 2>&1' EXIT
pids=""
for n in 2 3; do
    top_builddir=$build python3 "$top/tests/lab/campaign.py" --sizes $n --random "$runs" --out "$out/n$n" \
        ${CAMPAIGN_SEED:+--seed "$CAMPAIGN_SEED"} > "$out/n$n.txt" 2>&1 &
    pids="$pids $!"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
cat "$out/n2.txt" "$out/n3.txt"
exit $rc
