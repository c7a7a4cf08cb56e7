#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The split-brain campaign in full: the scripted scenarios and RANDOM_RUNS
# random fault sequences (crashes, splits, partial and one-way partitions,
# lossy and flapping links, the daemon killed, stopped or its disk full,
# dead, slow and flaky BMCs) on 2-, 3- and 5-host pools of real hafenced in
# network namespaces (tests/lab/campaign.py; root).  The three pool sizes
# run side by side (each lab is its own set of namespaces).  Prints a line
# per run, then a table per size (runs, rules broken, fences, self-fences,
# VMs recovered, worst time from a fault to the last VM back), with the
# seed and the load it ran under; keeps every run's logs and histories in
# OUT (default bench/results/campaign/n2, n3, n5), the counts in
# OUT/n*/summary.json.
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
seed=${CAMPAIGN_SEED:-$(date +%s)}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
pids=""
for n in 2 3 5; do
    top_builddir=$build python3 "$top/tests/lab/campaign.py" --sizes $n --random "$runs" --out "$out/n$n" \
        --seed "$seed" > "$out/n$n.txt" 2>&1 &
    pids="$pids $!"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
cat "$out/n2.txt" "$out/n3.txt" "$out/n5.txt"
echo
echo "campaign: seed $seed, load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after ($(nproc) cores)"
echo "| hosts | runs | rules broken | fences | self-fences | VMs recovered | worst fault -> last VM |"
echo "|---|---|---|---|---|---|---|"
for n in 2 3 5; do
    jq -r --arg n "$n" '"| \($n) | \(.runs) | \(.broken) | \(.fences) | \(."self-fences") | \(."vms-recovered") | \(."worst-fault-to-vm-ms") ms |"' \
        "$out/n$n/summary.json" 2>/dev/null || echo "| $n | (no summary: see $out/n$n.txt) |"
done
exit $rc
