# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by the loopback pool's benchmarks (bench/daemon.sh, bench/scale.sh)
# after they set top, build and NAME: checks the tools, makes $work, sources
# the pool (tests/peers/pool-lab.sh) with this build's daemon and plugins,
# stops it at exit, and gives now_ms and load.
# shellcheck disable=SC2154 # NAME, top, build: the caller's
for tool in jq ipmi_sim python3 bc; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d "/tmp/hafence-bench-$NAME.XXXXXX")
# shellcheck disable=SC2034,SC2154 # top and build: the caller's; these: read by pool-lab.sh
top_srcdir=$top top_builddir=$build HAFENCED=$build/hafenced
BMC_POWER_MODULE=$build/tests/peers/.libs/bmc-power.so
# every plugin this build has, as an install has them all in one directory:
# the daemon's memory is measured as an operator runs it
HAFENCE_PLUGIN_PATH=$(for d in "$build"/plugins/*/.libs; do [ -d "$d" ] && [ "$d" != "$build/plugins/dummy/.libs" ] && printf '%s:' "$d"; done)
HAFENCE_PLUGIN_PATH=${HAFENCE_PLUGIN_PATH%:}
export BMC_POWER_MODULE HAFENCE_PLUGIN_PATH
# shellcheck source=tests/peers/pool-lab.sh
. "$top/tests/peers/pool-lab.sh"
LAB_PIDS="" LAB=$work/none
# (a peer killed at the end exits with its signal's status: no error here)
trap 'lab_stop || :; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"
now_ms() { date +%s%3N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
