#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# hafenced at XCP-ng's largest pool, 64 hosts, in the loopback pool
# (tests/peers/pool-lab.sh): one real hafenced, the master's, watching 63
# peers, each an emulated XAPI on its own address and an ipmi_sim BMC.
# Measured, for VMS_LIST VMs per host (default "1 10"):
#   - idle: the daemon's CPU (its own and its children's, from /proc) over
#     BENCH_IDLE_S seconds (default 60) as a share of one core (target
#     < 1 %), its RSS and peak RSS (target < 16 MiB), and the XAPI calls it
#     puts on the master per minute, by method (target: the same whatever
#     the number of VMs);
#   - a host dies: detection, its verified fence, its last VM started,
#     against the XAPI_COUNT x XAPI_DELAY window (target: within 1 s of it).
# Prints the load average before and after; never asserts.
#   bench/scale.sh [BUILDDIR]       (BENCH_HOSTS, default 64; VMS_LIST; BENCH_IDLE_S)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
HOSTS=${BENCH_HOSTS:-64}
IDLE_S=${BENCH_IDLE_S:-60}
NAME=scale
# shellcheck source=bench/pool-bench.sh
. "$top/bench/pool-bench.sh"
tick=$(getconf CLK_TCK)
# CPU ticks of a process and its waited-for children (utime stime cutime cstime)
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"; }
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

load_before=$(load)
printf '| VMs per host | idle CPU (%% of a core) | RSS / peak | XAPI calls per minute on the master | death -> detected | -> verified fence | -> last VM |\n' > "$work/table"
printf '|---|---|---|---|---|---|---|\n' >> "$work/table"
for vms in ${VMS_LIST:-1 10}; do
    lab_stop || :  # (a killed peer's status is no error here)
    LAB=$work/vms$vms
    mkdir -p "$LAB"
    lab_start "$LAB" "$HOSTS" "$vms" || { echo "bench: the lab did not start" >&2; exit 1; }
    lab_config GLOBAL_VM_HA=1
    lab_daemon_start 1
    lab_wait 60 sh -c "jq -e '(.peers | length == $((HOSTS - 1))) and all(.peers[]; .state == \"ok\")' '$LAB/state1/status.json'" ||
        { echo "bench: $HOSTS hosts: the pool did not settle" >&2; tail -5 "$LAB/daemon1.log" >&2; exit 1; }
    sleep 2
    pid=$(cat "$LAB/daemon1.pid")
    : > "$LAB/xapi1.log"
    c0=$(cpu_ticks "$pid"); t0=$(now_ms)
    sleep "$IDLE_S"
    c1=$(cpu_ticks "$pid"); t1=$(now_ms)
    calls=$(wc -l < "$LAB/xapi1.log")
    per_min=$(echo "$calls * 60000 / ($t1 - $t0)" | bc)
    cpu=$(echo "scale=2; ($c1 - $c0) * 100000 / $tick / ($t1 - $t0)" | bc)
    rss=$(kib "$pid" VmRSS); hwm=$(kib "$pid" VmHWM)
    # what of the RSS this daemon wrote itself (heap, stacks, relocated
    # library data): the rest are library pages read from their files,
    # shared with every process that maps them (Private_Clean counts those
    # too while no other process happens to map them: not counted here)
    private=$(awk '$1 == "Private_Dirty:" { s += $2 } END { print s + 0 }' "/proc/$pid/smaps_rollup")
    awk '{ print $1 }' "$LAB/xapi1.log" | sort | uniq -c | sort -rn > "$work/calls$vms"
    # a host dies: the last one
    td=$(now_ms)
    lab_host_die "$HOSTS"
    lab_wait 120 sh -c "[ \$(jq -s 'map(select(.action == \"vm-start\" and .result == \"ok\")) | length' '$LAB/history1.jsonl') -ge $vms ]" ||
        { echo "bench: $vms VMs of host $HOSTS not started" >&2; tail -5 "$LAB/daemon1.log" >&2; exit 1; }
    h=$LAB/history1.jsonl
    detected=$(jq -s "map(select(.action == \"peer-failed\")) | .[0].time_ms - $td" "$h")
    fenced=$(jq -s "map(select(.action == \"fence\" and .result == \"ok\" and .verified)) | .[0].time_ms - $td" "$h")
    last=$(jq -s "map(select(.action == \"vm-start\" and .result == \"ok\")) | max_by(.time_ms) | .time_ms - $td" "$h")
    printf '%d VMs per host: idle %s %% of a core over %d s, RSS %d KiB (peak %d KiB; written by it %d KiB, the rest library pages), %d XAPI calls a minute; death -> detected %d ms, fenced %d ms, last VM %d ms\n' \
        "$vms" "$cpu" "$IDLE_S" "$rss" "$hwm" "$private" "$per_min" "$detected" "$fenced" "$last"
    printf '| %d | %s %% | %d / %d KiB (written by it %d KiB) | %d | %d ms | %d ms | %d ms |\n' "$vms" "$cpu" "$rss" "$hwm" "$private" "$per_min" \
        "$detected" "$fenced" "$last" >> "$work/table"
    printf '{"hosts": %d, "vms_per_host": %d, "idle_cpu_percent": %s, "rss_kib": %d, "peak_rss_kib": %d, "private_kib": %d, "xapi_calls_per_minute": %d, "detected_ms": %d, "fenced_ms": %d, "last_vm_ms": %d, "load_before": "%s"}\n' \
        "$HOSTS" "$vms" "$cpu" "$rss" "$hwm" "$private" "$per_min" "$detected" "$fenced" "$last" "$load_before" > "$results/scale-$HOSTS-hosts-$vms-vms.json"
done
lab_stop || :
load_after=$(load)
printf '\nhafenced, master of a %d-host pool (63 peers watched), XAPI_COUNT=2 XAPI_DELAY=1 (window 2..3 s):\n' "$HOSTS"
cat "$work/table"
for vms in ${VMS_LIST:-1 10}; do
    printf '  idle XAPI calls of the master, %d VMs per host, by method:\n' "$vms"
    sed 's/^/    /' "$work/calls$vms"
done
printf '  load average before: %s, after: %s (%d cores)\n' "$load_before" "$load_after" "$(nproc)"
case "$load_before" in 0.[0-4]*) ;; *) printf '  NOTE: the machine was not idle before the run (load %s): figures are high\n' "$load_before" ;; esac
