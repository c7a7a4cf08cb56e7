#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks of the core, as whole processes with hyperfine:
#   - hafence --version and hafence (usage) against /bin/true: the CLI's
#     own start-up (target: within 2 ms)
#   - hafence plugins: load and check every plugin (target: < 20 ms)
#   - hafence status through the dummy plugin, isolated and in-process:
#     the cost of running each operation in a child process (target: < 2 ms),
#     beside its floor on this machine: the smallest program that forks a
#     child, reads its outcome from a pipe and reaps it (bench/floor/fork-child.c)
#   - the engine at scale: hafence off of 1, 32 and 256 targets at once
#     through the dummy plugin whose simulated BMCs take a real BMC's
#     second to switch off, so what grows with the targets is the engine's
#     own work (a child each, the read-backs, the waits), not a simulator's
#     (target: 256 within 2x of one); with the CPU it took per target
# Prints medians and ratios; never asserts on time (no pass/fail).
#   bench/run.sh [BUILDDIR]          (default: ./_build, as scripts/build.sh makes)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }

work=$(mktemp -d /tmp/hafence-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results" "$work/dev"
echo on > "$work/dev/t1"
HAFENCE_PLUGIN_PATH=$build/plugins/dummy/.libs:$build/plugins/script/.libs:$build/plugins/ping/.libs:$build/plugins/ipmi/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence"
common="--plugin-dir $work/none --no-history"

# the floor of isolation: fork, a child's outcome through a pipe, its reaping
cc -std=c11 -O2 -o "$work/fork-child" "$top/bench/floor/fork-child.c"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine -N -i --warmup 20 --min-runs 200 --export-json "$results/core.json" \
    -n true "/bin/true" \
    -n floor-no-fork "$work/fork-child" \
    -n floor-fork "$work/fork-child fork" \
    -n version "$hf --version" \
    -n usage "$hf" \
    -n plugins "$hf plugins $common" \
    -n status-in-process "$hf status dummy state_dir=$work/dev t1 --in-process $common" \
    -n status-isolated "$hf status dummy state_dir=$work/dev t1 $common" \
    -n heuristics-ping "$hf heuristics ping addresses=127.0.0.1 $common" \
    >/dev/null 2>"$work/hyperfine.err"

# the engine at scale: 256 simulated BMCs (the dummy plugin's state files)
mkdir -p "$work/many"
all=""
i=1
while [ $i -le 256 ]; do all="${all:+$all }t$i"; i=$((i + 1)); done
t32=$(echo "$all" | cut -d' ' -f1-32)
echo "for t in $all; do echo on > $work/many/\$t; done" > "$work/on-all.sh"
slow="dummy state_dir=$work/many delay_ms=1000"
hyperfine -N --warmup 1 --runs "${BENCH_SCALE_RUNS:-10}" --export-json "$results/engine-scale.json" \
    --prepare "sh $work/on-all.sh" -n one "$hf off $slow t1 $common" \
    --prepare "sh $work/on-all.sh" -n thirty-two "$hf off $slow $t32 $common" \
    --prepare "sh $work/on-all.sh" -n all-256 "$hf off $slow $all $common" >/dev/null 2>"$work/scale.err" ||
    { cat "$work/scale.err"; exit 1; }

median() { jq -r --arg n "$1" '.results[] | select(.command==$n) | .median * 1000' "${2:-$results/core.json}"; }
cpu() { jq -r --arg n "$1" '.results[] | select(.command==$n) | (.user + .system) * 1000' "$results/engine-scale.json"; }
t=$(median true)
v=$(median version)
u=$(median usage)
p=$(median plugins)
i=$(median status-in-process)
s=$(median status-isolated)
h=$(median heuristics-ping)
# shellcheck disable=SC2086 # the common options, split into words
nplugins=$("$hf" plugins $common | tail -n +2 | wc -l)
echo "hafence core benchmarks (medians over >= 200 runs, whole processes)"
printf '  %-40s %8.2f ms\n' "/bin/true" "$t"
printf '  %-40s %8.2f ms   (+%.2f ms; target within 2 ms)\n' "hafence --version" "$v" "$(echo "$v - $t" | bc -l)"
printf '  %-40s %8.2f ms   (+%.2f ms; target within 2 ms)\n' "hafence (usage, exit 64)" "$u" "$(echo "$u - $t" | bc -l)"
printf '  %-40s %8.2f ms   (target < 20 ms)\n' "hafence plugins ($nplugins plugins loaded)" "$p"
printf '  %-40s %8.2f ms\n' "hafence status, in-process" "$i"
printf '  %-40s %8.2f ms\n' "hafence status, isolated" "$s"
printf '  %-40s %8.2f ms   (target < 2 ms)\n' "isolation cost per operation" "$(echo "$s - $i" | bc -l)"
printf '  %-40s %8.2f ms   (the floor: bench/floor/fork-child.c; hafence %.2fx it)\n' "isolation floor: fork, pipe, reap" \
    "$(echo "$(median floor-fork) - $(median floor-no-fork)" | bc -l)" \
    "$(echo "($s - $i) / ($(median floor-fork) - $(median floor-no-fork))" | bc -l)"
printf '  %-40s %8.2f x\n' "isolated / in-process" "$(echo "$s / $i" | bc -l)"
printf '  %-40s %8.2f ms\n' "hafence heuristics ping 127.0.0.1" "$h"
e1=$(median one "$results/engine-scale.json")
e32=$(median thirty-two "$results/engine-scale.json")
e256=$(median all-256 "$results/engine-scale.json")
printf '  %-40s %8.1f ms   (the BMC switches off after 1000 ms)\n' "engine: off + verify, 1 target" "$e1"
printf '  %-40s %8.1f ms   (%.2fx one; target <= 1.5)\n' "engine: 32 targets at once" "$e32" "$(echo "$e32 / $e1" | bc -l)"
printf '  %-40s %8.1f ms   (%.2fx one; target <= 2)\n' "engine: 256 targets at once" "$e256" "$(echo "$e256 / $e1" | bc -l)"
printf '  %-40s %8.2f ms   (1 target: %.2f ms)\n' "engine: CPU per target at 256" "$(echo "$(cpu all-256) / 256" | bc -l)" "$(cpu one)"
echo "  load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after, $(nproc) cores"
case "$load_before" in 0.[0-4]*) ;; *) printf '  NOTE: the machine was not idle before the run (load %s): figures are high\n' "$load_before" ;; esac
echo "raw results: $results/core.json"
