#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Pacemaker's own fencer drives hafence's fence agents: Debian's corosync
# (one node, on loopback) and pacemaker-fenced, started here in a private
# mount and network namespace where /usr/sbin (the only place the fencer
# runs agents from) gets fence_hafence_ipmi and fence_hafence_snmp_pdu laid
# over it; ipmi_sim is the node's BMC, net-snmp's snmpd a switched PDU.
# Devices are registered with stonith_admin and no port or plug, so the
# fencer passes the node as port=, as it does for fence-agents.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP the fencer and its namespace need root (CI runs as root)"
    exit 0
fi
for p in unshare ipmi_sim ipmitool snmpget stonith_admin; do
    command -v "$p" >/dev/null || { echo "Bail out! $p is missing (packages util-linux, openipmi, ipmitool, snmp, pacemaker-cli-utils: scripts/setup-debian.sh)"; exit 1; }
done
if [ -z "${HAFENCE_PCMK_NS:-}" ]; then
    # everything below in namespaces of its own: the fencer's IPC (abstract
    # sockets), corosync's ring, /dev/shm and /usr/sbin are the test's alone
    HAFENCE_PCMK_NS=1 exec unshare --mount --net --propagation private sh "$0" "$@"
fi
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
SIM=$top_srcdir/tests/peers/bmc-sim.sh
PDU=$top_srcdir/tests/peers/pdu-snmpd.sh
SNMP_PERSISTENT_DIR=$TMP/persist
export SNMP_PERSISTENT_DIR
FENCER=$top_srcdir/tests/peers/pcmk-fencer.sh
cleanup() {
    "$FENCER" stop "$TMP/pcmk" >/dev/null 2>&1
    "$SIM" stop "$TMP/bmcs" >/dev/null 2>&1
    "$PDU" stop "$TMP/pdu" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
# wait_for SECONDS COMMAND...: until the command succeeds, bounded
wait_for() {
    w_n=$(($1 * 10)); shift
    while ! "$@" >/dev/null 2>&1; do
        w_n=$((w_n - 1))
        [ $w_n -gt 0 ] || return 1
        sleep 0.1
    done
}

# ---- the peers: two BMCs, a PDU -------------------------------------------------------------
ip link set lo up
run "$SIM" start "$TMP/bmcs" 2
is 0 "$rc" "two simulated BMCs (ipmi_sim)"
bmc_port() { cat "$TMP/bmcs/bmc$1/port"; }
power() { read -r p _ < "$TMP/bmcs/bmc$1/power"; echo "$p"; }
"$PDU" start "$TMP/pdu" apc-rpdu .1.3.6.1.4.1.318.1.3.4.2 node4 node5 spare > "$TMP/pdu.log" 2>&1
check "a switched PDU (snmpd) with outlets named node4, node5, spare" test -s "$TMP/pdu/port"
outlet() { awk -v n="$1" '$2 == n { print $3 }' "$TMP/pdu/state/outlets"; }

# ---- corosync (one node) and the fencer, the agents in the namespace's /usr/sbin ------------
run "$FENCER" start "$TMP/pcmk" "fence_hafence_ipmi=$HAFENCE" "fence_hafence_snmp_pdu=$HAFENCE"
is 0 "$rc" "corosync (one node on loopback) and pacemaker-fenced run"
[ "$rc" = 0 ] || { diag "$out"; done_testing; exit 0; }
check "the agents are in the namespace's /usr/sbin" test -x /usr/sbin/fence_hafence_ipmi
run stonith_admin --list-installed
has "fence_hafence_ipmi" "$out" "the fencer lists fence_hafence_ipmi among the installed agents"
has "fence_hafence_snmp_pdu" "$out" "  ... and fence_hafence_snmp_pdu"
run stonith_admin --metadata --agent fence_hafence_ipmi
is 0 "$rc" "the fencer reads the agent's metadata"
has '<action name="reboot"/>' "$out" "  ... with its actions"

# ---- ipmi: a BMC per node, no plug: the fencer passes port=node2 ----------------------------
printf 'adminpw\n' > "$TMP/pw" && chmod 600 "$TMP/pw"
IPMI_PORT=$(bmc_port 1)
run stonith_admin --register hf-ipmi --agent fence_hafence_ipmi -o ip=127.0.0.1 -o "ipport=$IPMI_PORT" \
    -o username=admin -o password=adminpw -o workarounds=opensesspriv -o delay=1
is 0 "$rc" "register an ipmi device with stonith_admin (no port, no plug)"
run stonith_admin --query hf-ipmi --timeout 20
is 0 "$rc" "--query hf-ipmi: the device answers (the agent's monitor)"
run stonith_admin --list node2 --timeout 20
is 0 "$rc" "--list node2: the fencer asks the agent's status with port=node2"
has "hf-ipmi" "$out" "  ... and finds hf-ipmi can fence node2"
# the password, while the agent runs: in no process's arguments or environment
(
    end=$(($(date +%s) + 6))
    while [ "$(date +%s)" -lt $end ]; do
        for p in $(pgrep -f '^/usr/sbin/fence_hafence_'); do
            echo "$p" >> "$TMP/agents-seen"
            grep -q 'admin[p]w' "/proc/$p/environ" 2>/dev/null && echo "environ of $p" >> "$TMP/leaks"
        done
        grep -l 'admin[p]w' /proc/[0-9]*/cmdline 2>/dev/null | sed 's/^/cmdline: /' >> "$TMP/leaks"
        sleep 0.1
    done
) &
scan=$!
start=$(date +%s)
run stonith_admin --fence node2 --timeout 40
is 0 "$rc" "--fence node2: done"
is 0 "$(power 1)" "  ... the BMC's chassis is off (ipmi_sim)"
ipmi_tool() { ipmitool -I lanplus -H 127.0.0.1 -p "$IPMI_PORT" -U admin -f "$TMP/pw" chassis power "$1"; }
run ipmi_tool status
has "Chassis Power is off" "$out" "  ... and ipmitool reads it off too"
wait "$scan"
check "  ... the agent was seen running (delay=1) while the password was looked for" test -s "$TMP/agents-seen"
is "" "$(sort -u "$TMP/leaks" 2>/dev/null)" "  ... and the password was in no /proc/*/cmdline nor an agent's environment"
run ipmi_tool on
check "ipmitool powers node2 on again" wait_for 10 sh -c "[ \"\$(cut -d' ' -f1 '$TMP/bmcs/bmc1/power')\" = 1 ]"
: > "$TMP/bmcs/bmc1/log"
run stonith_admin --reboot node2 --timeout 40
is 0 "$rc" "--reboot node2: done"
is "set power 0
set power 1" "$(grep 'set power' "$TMP/bmcs/bmc1/log")" "  ... the BMC got off, then on"
is 1 "$(power 1)" "  ... and the chassis is on again"
run stonith_admin --history node2 --verbose
has "turning off of node2 successful" "$out" "--history node2 --verbose: the fence"
has "reboot of node2 successful" "$out" "  ... and the reboot"
run jq -s -r 'map(select(.target == "node2")) | map(.action + " " + .result + " " + (.verified|tostring) + " " + .requested_by) | .[]' "$HAFENCE_HISTORY"
has "off ok true pacemaker-fenced on" "$out" "hafence's history: the off, verified, asked by pacemaker-fenced"
has "reboot ok true pacemaker-fenced on" "$out" "  ... and the reboot"
run stonith_admin --deregister hf-ipmi
is 0 "$rc" "deregister hf-ipmi"

# ---- a dead BMC: the fencer's timeout kills the agent, nothing of it is left -----------------
kill -s STOP "$(cat "$TMP/bmcs/bmc2/pid")"
run stonith_admin --register hf-dead --agent fence_hafence_ipmi -o ip=127.0.0.1 -o "ipport=$(bmc_port 2)" \
    -o username=admin -o password=adminpw -o workarounds=opensesspriv -o pcmk_host_list=node3 -o pcmk_off_timeout=5
is 0 "$rc" "register a device whose BMC answers nothing (pcmk_off_timeout=5)"
start=$(date +%s)
run stonith_admin --fence node3 --timeout 30
took=$(($(date +%s) - start))
check "--fence node3 fails ($rc after ${took} s)" [ "$rc" != 0 ]
check "  ... within the fencer's timeout" [ "$took" -le 35 ]
check "  ... and no agent nor its operation is left running" wait_for 5 sh -c "! pgrep -f '^/usr/sbin/fence_hafence_'"
run jq -s -r 'map(select(.target == "node3")) | map(.action + " " + .result + " " + .message) | .[]' "$HAFENCE_HISTORY"
has "off cancelled the caller" "$out" "  ... hafence's history has the off the fencer killed"
is 1 "$(power 2)" "  ... and the chassis was never touched"
kill -s CONT "$(cat "$TMP/bmcs/bmc2/pid")"
stonith_admin --deregister hf-dead >/dev/null 2>&1

# ---- snmp-pdu: outlets named as the nodes, the fencer lists them ----------------------------
run stonith_admin --register hf-pdu --agent fence_hafence_snmp_pdu -o ip=127.0.0.1 -o "ipport=$(cat "$TMP/pdu/port")" \
    -o community=private-rw
is 0 "$rc" "register a PDU device (no host list: the fencer asks the agent's list)"
run stonith_admin --list-targets hf-pdu --timeout 20
is 0 "$rc" "--list-targets hf-pdu: the agent's list"
has "node4" "$out" "  ... lists node4"
has "node5" "$out" "  ... and node5"
run stonith_admin --list node4 --timeout 20
has "hf-pdu" "$out" "--list node4: hf-pdu can fence it (node4 is in its list)"
run stonith_admin --fence node4 --timeout 40
is 0 "$rc" "--fence node4: done"
is off "$(outlet node4)" "  ... outlet node4 is off (snmpd's state)"
is on "$(outlet node5)" "  ... node5 untouched"
run snmpget -v2c -c public-ro -Oqv "127.0.0.1:$(cat "$TMP/pdu/port")" .1.3.6.1.4.1.318.1.1.4.4.2.1.3.1
is 2 "$out" "  ... and snmpget reads outlet 1 off (PowerNet-MIB sPDUOutletCtl 2)"
run stonith_admin --reboot node5 --timeout 40
is 0 "$rc" "--reboot node5: done"
is on "$(outlet node5)" "  ... node5 on again"
is "outlet 2 off outlet 2 on " "$(grep -o 'outlet 2 [a-z]*' "$TMP/pdu/state/sets.log" | tr '\n' ' ')" "  ... after it was off"
run stonith_admin --history node4
has "turning off of node4 successful" "$out" "--history node4: the fence"

done_testing
