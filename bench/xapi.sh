#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The pool plugin's status over XAPI against the XAPI emulator
# (tests/emulators/xapi.py, plain HTTP on loopback), as whole processes
# (hyperfine), in one run:
#   hafence status pool HOST   vs the floor: bench/floor/xapi-status.c, the
#                              same six XML-RPC calls with libcurl on one
#                              connection, built here
#                              vs fence_xenapi -o status (fence-agents' XAPI
#                              agent: a VM's power state, three calls)
# Prints medians and the ratios.  Never asserts on time.
#   bench/xapi.sh [BUILDDIR]          (default ./_build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in hyperfine jq python3 fence_xenapi bc cc pkg-config; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
RUNS=${BENCH_RUNS:-30}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /tmp/hafence-bench-xapi.XXXXXX)
trap '[ -s "$work/xapi.pid" ] && kill "$(cat "$work/xapi.pid")" 2>/dev/null; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"

# shellcheck source=tests/peers/pool-json.sh
. "$top/tests/peers/pool-json.sh"
pool_json 3 2 127.0.0 > "$work/pool.json"
printf 'xapi-bench-pw\n' > "$work/pw"; chmod 600 "$work/pw"
python3 "$top/tests/emulators/xapi.py" --port-file "$work/port" --pool "$work/pool.json" --password-file "$work/pw" \
    --lifetime 1800 2>"$work/xapi.err" &
echo $! > "$work/xapi.pid"
n=0
while [ ! -s "$work/port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
[ -s "$work/port" ] || { echo "bench: the XAPI emulator did not start: $(cat "$work/xapi.err")" >&2; exit 1; }
port=$(cat "$work/port")
host=$(jq -r '.hosts[2].uuid' "$work/pool.json")
vm=$(jq -r '.vms[0].uuid' "$work/pool.json")
# shellcheck disable=SC2046 # pkg-config's flags, split into words
cc -std=c11 -O2 -o "$work/floor" "$top/bench/floor/xapi-status.c" $(pkg-config --cflags --libs libcurl)
HAFENCE_PLUGIN_PATH=$build/plugins/pool/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence status pool address=127.0.0.1 port=$port scheme=http $host --password-file $work/pw --no-history --plugin-dir $work/none"
fa="fence_xenapi -s http://127.0.0.1:$port -l root -p $(cat "$work/pw") -n $vm -o status"

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$results/xapi-status.json" \
    -n hafence "$hf" \
    -n floor "$work/floor http://127.0.0.1:$port/ root $work/pw $host" \
    -n fence_xenapi "$fa" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }

median() { jq -r --arg n "$1" '.results[] | select(.command==$n) | .median * 1000' "$results/xapi-status.json"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
h=$(median hafence)
f=$(median floor)
x=$(median fence_xenapi)
echo "pool status over XAPI (medians of $RUNS runs, whole processes, the XAPI emulator on loopback)"
printf '  %-40s %8.1f ms   hafence/floor        = %sx (target <= 2)\n' "hafence status pool (6 calls)" "$h" "$(ratio "$h" "$f")"
printf '  %-40s %8.1f ms\n' "floor (libcurl, the same 6 calls)" "$f"
printf '  %-40s %8.1f ms   fence_xenapi/hafence = %sx\n' "fence_xenapi -o status (a VM, 3 calls)" "$x" "$(ratio "$x" "$h")"
echo "  load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after, $(nproc) cores"
case "$load_before" in 0.[0-4]*) ;; *) printf '  NOTE: the machine was not idle before the run (load %s): figures are high\n' "$load_before" ;; esac
echo "raw results: $results/xapi-status.json"
