#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The soak: a 3-host pool lab of real hafenced (tests/lab/lab.sh, root)
# under random faults for SOAK_MINUTES (default 30): each half minute a
# fault drawn at random (lossy, slow or flapping links, a partial or
# one-way partition, the heuristic lost, XAPI hung, a BMC flaky, a daemon
# stopped or killed, a full state disk), then healed; a host fenced
# meanwhile is powered on again, as an operator would.  Every minute the
# RSS and open file descriptors of each running hafenced are sampled; at
# the end, each daemon's growth from its first sample to its last and from
# its sixth (target 0: no leak) and the fences, self-fences and restarts
# seen.  Never asserts.
#   bench/soak.sh [BUILDDIR]        (SOAK_MINUTES, default 30; SOAK_SEED)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
[ "$(id -u)" = 0 ] || { echo "bench: the pool lab needs root (network namespaces)" >&2; exit 1; }
[ -x "$build/hafenced" ] || { echo "bench: no $build/hafenced (scripts/build.sh)" >&2; exit 1; }
MINUTES=${SOAK_MINUTES:-30}
SEED=${SOAK_SEED:-$(date +%s)}
lab=$top/tests/lab/lab.sh
dir=$(mktemp -d /tmp/hafence-soak.XXXXXX)
top_builddir=$build
export top_builddir
trap '"$lab" down "$dir" >/dev/null 2>&1; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$dir"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$lab" up "$dir" 3 > "$dir/up.log" 2>&1 || { cat "$dir/up.log" >&2; exit 1; }
# shellcheck source=tests/peers/pool-json.sh
. "$top/tests/peers/pool-json.sh"

# a pseudo-random number in 1..N from the seed, the same sequence each
# run: in $r (a command substitution would lose the state, every draw the same)
state=$SEED
draw() { state=$(( (state * 1103515245 + 12345) % 2147483648 )); r=$(( state / 65536 % $1 + 1 )); }
fault() { "$lab" fault "$dir" "$@" >> "$dir/faults.out" 2>&1 || true; }

sample() { # MINUTE: each running hafenced's RSS and open fds
    for i in 1 2 3; do
        pid=$(cat "$dir/h$i/daemon.pid" 2>/dev/null) || continue
        [ -r "/proc/$pid/status" ] || continue
        rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")
        fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
        echo "$1 $i $pid $rss $fds" >> "$dir/samples"
    done
}

: > "$dir/samples"
end=$(( $(date +%s) + MINUTES * 60 ))
next_sample=0 minute=0
while [ "$(date +%s)" -lt "$end" ]; do
    if [ "$(date +%s)" -ge "$next_sample" ]; then
        sample $minute
        minute=$((minute + 1)); next_sample=$(( $(date +%s) + 60 ))
    fi
    draw 3; h=$r; o=$(( h % 3 + 1 ))
    draw 3; pct=$(( r * 20 ))
    draw 10
    case $r in
    1) fault lossy "$h" "$pct"; undo="heal" ;;
    2) fault slow "$h" 300 100; undo="heal" ;;
    3) fault flap "$h" 2000 10; undo="steady $h" ;;
    4) fault cut "$h" "$o"; undo="heal" ;;
    5) fault deaf "$h" "$o"; undo="heal" ;;
    6) fault heuristic-loss "$h"; undo="heuristic-back $h" ;;
    7) fault xapi-hang "$h"; undo="xapi-resume $h" ;;
    8) fault bmc-flaky "$h"; undo="heal" ;;
    9) fault daemon-stop "$h"; undo="daemon-cont $h" ;;
    *) fault disk-full "$h"; undo="disk-free $h" ;;
    esac
    draw 8; [ "$r" = 1 ] && fault daemon-kill "$o"
    sleep 15
    # shellcheck disable=SC2086 # the undo's words
    fault $undo
    sleep 15
    # a host fenced (off) is powered on again, as an operator would
    for i in 1 2 3; do
        [ "$(cat "$dir/control/live/$(pool_uuid $i)")" = 0 ] || continue
        # the BMC's and the outlet's state too, or the next fence would read "off" of a running host
        echo 1 > "$dir/bmcs/bmc$i/power"
        sed -i "s/^$i \([^ ]*\) off$/$i \1 on/" "$dir/pdu/state/outlets" 2>/dev/null || true
        "$lab" power "$dir" $i 1 >> "$dir/faults.out" 2>&1
    done
done
sample $minute
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

fences=$(cat "$dir"/h*/history.jsonl 2>/dev/null | jq -s 'map(select(.action == "fence" and .result == "ok")) | length')
selfs=$(cat "$dir"/h*/reboots 2>/dev/null | wc -l)
starts=$(grep -c "hafenced 0.1.0 started\|hafenced .* started: host" "$dir"/h*/daemon.log | awk -F: '{ s += $2 } END { print s }')
printf '\nsoak: %d minutes of random faults on 3 hosts, seed %s; %s fences, %s self-fences, %s daemon starts\n' \
    "$MINUTES" "$SEED" "$fences" "$selfs" "$starts"
# the growth over a daemon's whole life, and from its sixth sample on
# (after its first five minutes: what a leak keeps doing once the first
# faults have been handled and every buffer has reached its size)
printf '| host | pid | minutes sampled | RSS first -> last (KiB) | RSS from minute 5 -> last (KiB) | fds first -> last |\n|---|---|---|---|---|---|\n'
awk '{ k = $2 " " $3; if (!(k in first)) { first[k] = $4 " " $5; n[k] = 0; order[++m] = k } last[k] = $4 " " $5; n[k]++
       if (n[k] == 6) warm[k] = $4 }
     END { for (j = 1; j <= m; j++) { k = order[j]; split(k, hp, " "); split(first[k], f, " "); split(last[k], l, " ");
           w = (k in warm) ? sprintf("%d -> %d (%+d)", warm[k], l[1], l[1] - warm[k]) : "(under 6 samples)"
           printf "| %s | %s | %d | %d -> %d (%+d) | %s | %d -> %d (%+d) |\n", hp[1], hp[2], n[k], f[1], l[1], l[1] - f[1], w, f[2], l[2], l[2] - f[2] } }' \
    "$dir/samples"
printf 'load average before: %s, after: %s (%d cores)\n' "$load_before" "$load_after" "$(nproc)"
cp "$dir/samples" "$results/soak-samples.txt"
