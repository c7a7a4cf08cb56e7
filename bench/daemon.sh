#!/bin/sh
# hafenced's reaction time in the loopback pool (tests/peers/pool-lab.sh):
# three hosts, XAPI_COUNT=2 XAPI_DELAY=1 as HA-Lizard's fastest setting
# would be, a slave dies (its XAPI and daemon stop, its BMC stays), and we
# measure from that moment to
#   - the verified fence of it (the master's history record), and
#   - its managed VM started on a survivor.
# Target: fenced within 5 s.  The floor is detection itself: XAPI_COUNT
# checks XAPI_DELAY apart, the first up to XAPI_DELAY after the death.
# HA-Lizard cannot run here (it needs XenServer's xe); for scale, its own
# documentation puts its recovery at about XAPI_COUNT x 10 s on top of
# its loop.  Prints each run, the median and the worst; never asserts.
#   bench/daemon.sh [BUILDDIR]        (default ./_build; BENCH_RUNS, default 5)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in jq ipmi_sim python3 bc; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
RUNS=${BENCH_RUNS:-5}
work=$(mktemp -d /tmp/hafence-bench-daemon.XXXXXX)
top_srcdir=$top top_builddir=$build HAFENCED=$build/hafenced
BMC_POWER_MODULE=$build/tests/peers/.libs/bmc-power.so
HAFENCE_PLUGIN_PATH=$build/plugins/ipmi/.libs:$build/plugins/pool/.libs:$build/plugins/ping/.libs:$build/plugins/script/.libs
export BMC_POWER_MODULE HAFENCE_PLUGIN_PATH
. "$top/tests/peers/pool-lab.sh"
LAB_PIDS="" LAB=$work/none
trap 'lab_stop; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"
now_ms() { date +%s%3N; }

: > "$work/times"
run=1
while [ $run -le "$RUNS" ]; do
    lab_stop
    LAB=$work/run$run
    mkdir -p "$LAB"
    lab_start "$LAB" 3 1 || { echo "bench: the lab did not start" >&2; exit 1; }
    for i in 1 2 3; do lab_daemon_start $i; done
    lab_wait 15 sh -c "jq -e '(.peers | length == 2) and all(.peers[]; .state == \"ok\") and .autopromote != \"\"' '$LAB/state1/status.json'" ||
        { echo "bench: the pool did not settle" >&2; exit 1; }
    sleep 1
    t0=$(now_ms)
    lab_host_die 3
    lab_wait 30 sh -c "jq -e -s 'map(select(.action == \"vm-start\" and .result == \"ok\")) | length > 0' '$LAB/history1.jsonl'" ||
        { echo "bench: run $run: no fence and VM start within 30 s" >&2; cat "$LAB/daemon1.log" >&2; exit 1; }
    fenced=$(jq -s "map(select(.action == \"fence\" and .result == \"ok\" and .verified)) | .[0].time_ms - $t0" "$LAB/history1.jsonl")
    started=$(jq -s "map(select(.action == \"vm-start\" and .result == \"ok\")) | .[0].time_ms - $t0" "$LAB/history1.jsonl")
    [ "$(lab_power 3)" = 0 ] || { echo "bench: run $run: the chassis is not off" >&2; exit 1; }
    printf 'run %d: death -> verified fence %5d ms, -> managed VM started %5d ms\n' $run "$fenced" "$started"
    echo "$fenced $started" >> "$work/times"
    run=$((run + 1))
done
lab_stop

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
worst() { sort -n | tail -1; }
fm=$(cut -d' ' -f1 "$work/times" | median) fw=$(cut -d' ' -f1 "$work/times" | worst)
sm=$(cut -d' ' -f2 "$work/times" | median) sw=$(cut -d' ' -f2 "$work/times" | worst)
verdict=met; [ "$fw" -le 5000 ] || verdict=MISSED
printf '\nhafenced, 3 hosts, XAPI_COUNT=2 XAPI_DELAY=1, %d runs:\n' "$RUNS"
printf '  death -> verified fence:     median %5d ms, worst %5d ms  (target 5000 ms: %s, %s x inside it)\n' \
    "$fm" "$fw" "$verdict" "$(echo "scale=1; 5000 / $fw" | bc)"
printf '  death -> managed VM started: median %5d ms, worst %5d ms\n' "$sm" "$sw"
printf '  detection alone takes 1000..2000 ms here (XAPI_COUNT checks XAPI_DELAY apart)\n'
printf '{"runs": %d, "fence_median_ms": %d, "fence_worst_ms": %d, "vm_median_ms": %d, "vm_worst_ms": %d}\n' \
    "$RUNS" "$fm" "$fw" "$sm" "$sw" > "$results/daemon.json"
