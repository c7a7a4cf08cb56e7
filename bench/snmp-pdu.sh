#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The snmp-pdu plugin against fence-agents' fence_apc_snmp on the same
# snmpd (tests/peers/pdu-snmpd.sh, the APC sPDUOutletCtl table) in one run,
# as whole processes (hyperfine): status and off (each reads the outlet
# back), and the floor for status: net-snmp's own snmpget reading the
# device's sysObjectID and the outlet in one GET (no MIBs loaded), the same
# library hafence uses.  Prints medians and the ratios.  Never asserts on
# time.
#   bench/snmp-pdu.sh [BUILDDIR]          (default ./_build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in hyperfine jq fence_apc_snmp snmpget bc; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
RUNS=${BENCH_RUNS:-30}
work=$(mktemp -d /tmp/hafence-bench-pdu.XXXXXX)
trap '"$top/tests/peers/pdu-snmpd.sh" stop "$work/pdu"; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"
SNMP_PERSISTENT_DIR=$work/persist
export SNMP_PERSISTENT_DIR
"$top/tests/peers/pdu-snmpd.sh" start "$work/pdu" apc-rpdu .1.3.6.1.4.1.318.1.3.4.2 web1 web2 db1 spare
port=$(cat "$work/pdu/port")
printf 'private-rw\n' > "$work/rw"; chmod 600 "$work/rw"
HAFENCE_PLUGIN_PATH=$build/plugins/snmp-pdu/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence"
hfopts="--plugin-dir $work/none --no-history --secret-file community=$work/rw"
for a in status off; do
    printf 'ipaddr=127.0.0.1\nipport=%s\ncommunity=private-rw\nsnmp_version=2c\nplug=2\naction=%s\n' "$port" $a > "$work/fa-$a"
    chmod 600 "$work/fa-$a"
done
on="sed -i 's/^2 web2 off/2 web2 on/' $work/pdu/state/outlets"

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$results/pdu-status.json" \
    -n hafence "$hf status snmp-pdu port=$port 127.0.0.1:2 $hfopts" \
    -n floor "snmpget -m NONE -On -v2c -c private-rw 127.0.0.1:$port .1.3.6.1.2.1.1.2.0 .1.3.6.1.4.1.318.1.1.4.4.2.1.3.2" \
    -n fence_apc_snmp "sh -c 'fence_apc_snmp < $work/fa-status'" >/dev/null 2>"$work/e1" || { cat "$work/e1"; exit 1; }
hyperfine --warmup 2 --runs "$RUNS" --prepare "$on" --export-json "$results/pdu-off.json" \
    -n hafence "$hf off snmp-pdu port=$port 127.0.0.1:2 $hfopts" \
    -n fence_apc_snmp "fence_apc_snmp < $work/fa-off" >/dev/null 2>"$work/e2" || { cat "$work/e2"; exit 1; }

median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median * 1000' "$1"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo "snmp-pdu plugin vs fence_apc_snmp (medians of $RUNS runs, whole processes, one snmpd on loopback)"
for f in status off; do
    h=$(median "$results/pdu-$f.json" hafence); p=$(median "$results/pdu-$f.json" fence_apc_snmp)
    printf '  %-14s hafence %8.1f ms   fence_apc_snmp %8.1f ms   fence_apc_snmp/hafence = %sx\n' "$f" "$h" "$p" "$(ratio "$p" "$h")"
done
fl=$(median "$results/pdu-status.json" floor)
printf '  %-14s snmpget %8.1f ms   hafence/floor = %sx (target <= 2)\n' "status floor" "$fl" "$(ratio "$(median "$results/pdu-status.json" hafence)" "$fl")"

echo "raw results: $results/pdu-*.json"
