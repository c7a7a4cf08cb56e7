#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every comparison and floor in one go, then the README's figures table
# rewritten from their results (bench/table.py) with the date, the machine
# (cores, CPU model) and the load average before and after:
#   bench/run.sh       start-up against /bin/true, plugin loading, isolation
#   bench/snmp-pdu.sh  against fence_apc_snmp, floor snmpget
#   bench/boards.sh    against fence_redfish and fence_ilo, floor curl
#   bench/xapi.sh      the pool status against fence_xenapi, floor libcurl
#   bench/xvm.sh       against fence_virsh and plain ssh (root: the sshd peer)
#   bench/ipmi.sh      against fence_ipmilan and ipmitool, floor libfreeipmi,
#                      32 and 256 hosts at once (last: its 256 simulated
#                      BMCs load the machine for a while after)
# Each bench starts once the load average is below 0.5 (waiting at most 5
# minutes); a table measured above it says so.  Never asserts on time.
#   bench/all.sh [BUILDDIR]            (default ./_build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
BENCH_RESULTS=$(mktemp -d /tmp/hafence-bench-all.XXXXXX)
export BENCH_RESULTS
load1() { cut -d' ' -f1 /proc/loadavg; }
quiet() { # wait (at most 5 min) for a load average below 0.5
    n=0
    while [ "$(echo "$(load1) >= 0.5" | bc -l)" = 1 ] && [ $n -lt 60 ]; do sleep 5; n=$((n + 1)); done
}
quiet
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
highest=$(load1)
benches="run.sh snmp-pdu.sh boards.sh xapi.sh ipmi.sh"
if [ "$(id -u)" = 0 ]; then benches="run.sh snmp-pdu.sh boards.sh xapi.sh xvm.sh ipmi.sh"; else echo "bench: not root: xvm.sh (an sshd peer) left out"; fi
for b in $benches; do
    quiet
    l=$(load1)
    [ "$(echo "$l > $highest" | bc -l)" = 1 ] && highest=$l
    echo "==== bench/$b (load average $l)"
    "$top/bench/$b" "$build"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="Measured $(date -u +%Y-%m-%d) by \`bench/all.sh\` on $(nproc) cores ($model); load average ${load_before} before, ${load_after} after, at most $highest when a bench began."
[ "$(echo "$highest >= 0.5" | bc -l)" = 1 ] && machine="$machine **The machine was not idle (load >= 0.5): figures are high.**"
python3 "$top/bench/table.py" "$BENCH_RESULTS" --machine "$machine" --readme "$top/README.md"
echo "results: $BENCH_RESULTS"
