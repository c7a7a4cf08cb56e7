#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmarks' short form, for CI: ratios measured side by side in one
# run, never absolute times, each with a bound far above today's figure so
# that only a gross regression fails (a loaded CI machine must not):
#   hafence --version / /bin/true            today ~1.5x   fails above 8x
#     (a heavy library linked into hafence again: 18x)
#   ipmi status: hafence / the floor         today ~1.4x   fails above 4x
#     (bench/floor/ipmi-status.c, the same libfreeipmi exchange)
#   ipmi off + verify / ipmi status          today ~1.9x   fails above 5x
#     (a fixed pause before the first read-back again: ~14x)
# Prints PASS/FAIL lines with the figures; exit 0 when all passed.
#   bench/short.sh [BUILDDIR]          (default ./_build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in hyperfine jq ipmi_sim bc cc pkg-config; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/hafence-bench-short.XXXXXX)
sim=$top/tests/peers/bmc-sim.sh
BMC_POWER_MODULE=$build/tests/peers/.libs/bmc-power.so
export BMC_POWER_MODULE
trap '"$sim" stop "$work/bmc" >/dev/null 2>&1; rm -rf "$work"' EXIT
failed=0
# check NAME RATIO BOUND: one line, PASS when RATIO <= BOUND
check() {
    if [ "$(echo "$2 <= $3" | bc -l)" = 1 ]; then
        echo "PASS: bench: $1: ${2}x (fails above ${3}x)"
    else
        echo "FAIL: bench: $1: ${2}x, above ${3}x"
        failed=$((failed + 1))
    fi
}
median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median' "$1"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine -N --warmup 10 --runs 100 --export-json "$work/start.json" \
    -n true /bin/true -n version "$build/hafence --version" >/dev/null 2>"$work/e1" || { cat "$work/e1"; exit 1; }
check "hafence --version / /bin/true" "$(ratio "$(median "$work/start.json" version)" "$(median "$work/start.json" true)")" 8

"$sim" start "$work/bmc" 1 >/dev/null
port=$(cat "$work/bmc/bmc1/port")
printf 'adminpw\n' > "$work/pw"; chmod 600 "$work/pw"
# shellcheck disable=SC2046 # pkg-config's flags, split into words
cc -std=c11 -O2 -o "$work/floor" "$top/bench/floor/ipmi-status.c" $(pkg-config --cflags --libs libfreeipmi)
HAFENCE_PLUGIN_PATH=$build/plugins/ipmi/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence"
bmc="ipmi address=127.0.0.1:$port username=admin workarounds=opensesspriv --plugin-dir $work/none --no-history --password-file $work/pw"
hyperfine -N --warmup 3 --runs 20 --export-json "$work/ipmi.json" \
    -n hafence "$hf status $bmc" -n floor "$work/floor 127.0.0.1 $port admin $work/pw" >/dev/null 2>"$work/e2" || { cat "$work/e2"; exit 1; }
hyperfine --warmup 2 --runs 20 --prepare "echo 1 > $work/bmc/bmc1/power" --export-json "$work/off.json" \
    -n off "$hf off $bmc" >/dev/null 2>"$work/e3" || { cat "$work/e3"; exit 1; }
status=$(median "$work/ipmi.json" hafence)
check "ipmi status: hafence / floor" "$(ratio "$status" "$(median "$work/ipmi.json" floor)")" 4
check "ipmi off + verify / ipmi status" "$(ratio "$(median "$work/off.json" off)" "$status")" 5
echo "bench: load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after, $(nproc) cores"
[ $failed = 0 ]
