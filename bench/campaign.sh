#!/bin/sh
# The split-brain campaign in full: the scripted scenarios and 100 random
# fault sequences on a 2-host and on a 3-host pool of real hafenced in
# network namespaces (tests/lab/campaign.py; root).  Prints a line per run
# and the counts; keeps every run's logs and histories in OUT (default
# bench/results/campaign) and the counts in OUT/summary.json.
#   bench/campaign.sh [BUILDDIR] [RANDOM_RUNS]     (default ./_build, 100)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-100}
out=${CAMPAIGN_OUT:-$top/bench/results/campaign}
[ "$(id -u)" = 0 ] || { echo "bench: the pool lab needs root (network namespaces)" >&2; exit 1; }
[ -x "$build/hafenced" ] || { echo "bench: no $build/hafenced (scripts/build.sh)" >&2; exit 1; }
rm -rf "$out"
trap '"$top/tests/lab/lab.sh" down-all - >/dev/null 2>&1' EXIT
top_builddir=$build python3 "$top/tests/lab/campaign.py" --sizes 2,3 --random "$runs" --out "$out" ${CAMPAIGN_SEED:+--seed "$CAMPAIGN_SEED"}
