#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The ipmi plugin against the tools people use today, on the same simulated
# BMCs (ipmi_sim on loopback) in one run, as whole processes (hyperfine):
#   status:      hafence   vs fence_ipmilan (fence-agents)   vs ipmitool -I lanplus
#                vs the floor: bench/floor/ipmi-status.c, the smallest
#                libfreeipmi client doing the same (one session, one Get
#                Chassis Status), built here
#   off+verify:  hafence   vs fence_ipmilan -o off (which also checks the state)
#   fence 32 and 256 hosts at once with hafence vs one host (256: the
#   engine's bound on operations at once, HFC_ENGINE_MAX_PARALLEL), and vs
#   the floor doing the same at once (the floor client with "off", one
#   process per host, xargs -P): what the engine adds at scale
# Prints medians and the ratios peer/hafence.  Never asserts on time.
#   bench/ipmi.sh [BUILDDIR]          (default ./_build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in hyperfine jq ipmi_sim ipmitool fence_ipmilan bc cc pkg-config; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
RUNS=${BENCH_RUNS:-30}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /tmp/hafence-bench-ipmi.XXXXXX)
sim=$top/tests/peers/bmc-sim.sh
BMC_POWER_MODULE=$build/tests/peers/.libs/bmc-power.so
export BMC_POWER_MODULE
trap '"$sim" stop "$work/one" >/dev/null 2>&1; "$sim" stop "$work/many" >/dev/null 2>&1; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"

"$sim" start "$work/one" 1 >/dev/null
port=$(cat "$work/one/bmc1/port")
printf 'adminpw\n' > "$work/pw"; chmod 600 "$work/pw"
HAFENCE_PLUGIN_PATH=$build/plugins/ipmi/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence"
hfopts="--plugin-dir $work/none --no-history --password-file $work/pw"
bmc="ipmi address=127.0.0.1:$port username=admin workarounds=opensesspriv"
# fence_ipmilan and ipmitool with the cipher suite named: without it both
# first ask the BMC for its cipher suites, which ipmi_sim does not answer
# (a 10 s timeout each time), and that would not be a fair comparison
fa="fence_ipmilan --ip=127.0.0.1 --ipport=$port --username=admin --password=adminpw --lanplus --cipher=3"
it="ipmitool -I lanplus -C 3 -H 127.0.0.1 -p $port -U admin -P adminpw"
power_on="echo 1 > $work/one/bmc1/power"
# shellcheck disable=SC2046 # pkg-config's flags, split into words
cc -std=c11 -O2 -o "$work/floor" "$top/bench/floor/ipmi-status.c" $(pkg-config --cflags --libs libfreeipmi)
floor="$work/floor 127.0.0.1 $port admin $work/pw"

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$results/ipmi-status.json" \
    -n hafence "$hf status $bmc $hfopts" \
    -n floor "$floor" \
    -n fence_ipmilan "$fa -o status" \
    -n ipmitool "$it chassis power status" >/dev/null 2>"$work/err1" || { cat "$work/err1"; exit 1; }

hyperfine --warmup 2 --runs "$RUNS" --prepare "$power_on" --export-json "$results/ipmi-off.json" \
    -n hafence "$hf off $bmc $hfopts" \
    -n fence_ipmilan "$fa -o off" >/dev/null 2>"$work/err2" || { cat "$work/err2"; exit 1; }

# the 256 BMCs only now: idle ipmi_sim processes still cost the single-host runs
"$sim" start "$work/many" 256 >/dev/null
targets=""
on_all=""
i=1
while [ $i -le 256 ]; do
    targets="${targets:+$targets }127.0.0.1:$(cat "$work/many/bmc$i/port")"
    on_all="$on_all echo 1 > $work/many/bmc$i/power;"
    i=$((i + 1))
done
echo "$on_all" > "$work/on-all.sh"
t32=$(echo "$targets" | cut -d' ' -f1-32)
many="ipmi username=admin workarounds=opensesspriv"
# the floor's argument lines, one per host: HOST PORT USER PASSWORD-FILE off
for t in $targets; do echo "${t%:*} ${t##*:} admin $work/pw off"; done > "$work/floor-256"
head -1 "$work/floor-256" > "$work/floor-1"
head -32 "$work/floor-256" > "$work/floor-32"
hyperfine --warmup 2 --runs "$RUNS" --export-json "$results/ipmi-fence32.json" \
    --prepare "sh $work/on-all.sh" -n one "$hf off $many ${targets%% *} $hfopts" \
    --prepare "sh $work/on-all.sh" -n thirty-two "$hf off $many $t32 $hfopts" \
    --prepare "sh $work/on-all.sh" -n all-256 "$hf off $many $targets $hfopts" \
    --prepare "sh $work/on-all.sh" -n floor-one "xargs -P 1 -L 1 -a $work/floor-1 $work/floor" \
    --prepare "sh $work/on-all.sh" -n floor-thirty-two "xargs -P 32 -L 1 -a $work/floor-32 $work/floor" \
    --prepare "sh $work/on-all.sh" -n floor-all-256 "xargs -P 256 -L 1 -a $work/floor-256 $work/floor" \
    >/dev/null 2>"$work/err3" || { cat "$work/err3"; exit 1; }

median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median * 1000' "$1"; }
s_hf=$(median "$results/ipmi-status.json" hafence)
s_fl=$(median "$results/ipmi-status.json" floor)
s_fa=$(median "$results/ipmi-status.json" fence_ipmilan)
s_it=$(median "$results/ipmi-status.json" ipmitool)
o_hf=$(median "$results/ipmi-off.json" hafence)
o_fa=$(median "$results/ipmi-off.json" fence_ipmilan)
f_1=$(median "$results/ipmi-fence32.json" one)
f_32=$(median "$results/ipmi-fence32.json" thirty-two)
f_256=$(median "$results/ipmi-fence32.json" all-256)
fl_1=$(median "$results/ipmi-fence32.json" floor-one)
fl_32=$(median "$results/ipmi-fence32.json" floor-thirty-two)
fl_256=$(median "$results/ipmi-fence32.json" floor-all-256)
ratio() { echo "scale=2; $1 / $2" | bc -l; }

echo "ipmi plugin vs fence-agents and ipmitool (medians of $RUNS runs, whole processes, simulated BMCs)"
printf '  %-34s %9.1f ms   hafence/floor         = %sx (target <= 2)\n' "status: hafence" "$s_hf" "$(ratio "$s_hf" "$s_fl")"
printf '  %-34s %9.1f ms\n' "status: floor (libfreeipmi, 50 lines)" "$s_fl"
printf '  %-34s %9.1f ms   fence_ipmilan/hafence = %sx (target >= 10)\n' "status: fence_ipmilan" "$s_fa" "$(ratio "$s_fa" "$s_hf")"
printf '  %-34s %9.1f ms   ipmitool/hafence      = %sx (target >= 1)\n' "status: ipmitool -I lanplus" "$s_it" "$(ratio "$s_it" "$s_hf")"
printf '  %-34s %9.1f ms\n' "off + verify: hafence" "$o_hf"
printf '  %-34s %9.1f ms   fence_ipmilan/hafence = %sx (target >= 10)\n' "off + verify: fence_ipmilan" "$o_fa" "$(ratio "$o_fa" "$o_hf")"
printf '  %-34s %9.1f ms\n' "fence 1 host (hafence)" "$f_1"
printf '  %-34s %9.1f ms   32 hosts / 1 host     = %sx (target <= 1.5)\n' "fence 32 hosts at once (hafence)" "$f_32" "$(ratio "$f_32" "$f_1")"
printf '  %-34s %9.1f ms   256 hosts / 1 host    = %sx (target <= 2)\n' "fence 256 hosts at once (hafence)" "$f_256" "$(ratio "$f_256" "$f_1")"
printf '  %-34s %9.1f ms   hafence/floor         = %sx\n' "fence 1 host: floor" "$fl_1" "$(ratio "$f_1" "$fl_1")"
printf '  %-34s %9.1f ms   hafence/floor         = %sx\n' "fence 32 hosts at once: floor" "$fl_32" "$(ratio "$f_32" "$fl_32")"
printf '  %-34s %9.1f ms   hafence/floor         = %sx\n' "fence 256 hosts at once: floor" "$fl_256" "$(ratio "$f_256" "$fl_256")"
echo "  load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after, $(nproc) cores; the 256 simulated BMCs run on the same cores"
case "$load_before" in 0.[0-4]*) ;; *) printf '  NOTE: the machine was not idle before the run (load %s): figures are high\n' "$load_before" ;; esac
echo "raw results: $results/ipmi-*.json"
