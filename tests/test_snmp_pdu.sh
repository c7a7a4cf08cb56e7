#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $V3, $G, $RW: argument bundles (plugin and parameters), split into words on purpose
# The snmp-pdu plugin against net-snmp's real snmpd on loopback (tests/peers/
# pdu-snmpd.sh), one per profile, each serving its MIB's outlet tables
# through a pass_persist program that keeps the outlets' states: every
# profile, detection by sysObjectID, outlets by name, a host on two PDUs,
# a read-only community, v3 authPriv and authNoPriv and a wrong v3 key, a
# PDU that does not answer, a PDU that accepts the SET and does not switch,
# the generic profile, hafence check, and fence_apc_snmp on the same snmpd.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

PEER=$top_srcdir/tests/peers/pdu-snmpd.sh
[ -x /usr/sbin/snmpd ] || { echo "Bail out! /usr/sbin/snmpd is missing (package snmpd; scripts/setup-debian.sh installs it)"; exit 1; }
# neither snmpd nor the plugin writes under /var/lib/snmp
SNMP_PERSISTENT_DIR=$TMP/persist
export SNMP_PERSISTENT_DIR
trap 'for d in apc apc2 eaton raritan; do "$PEER" stop "$TMP/$d"; done; rm -rf "$TMP"' EXIT
"$PEER" start "$TMP/apc" apc-rpdu .1.3.6.1.4.1.318.1.3.4.2 web1 web2 db1 spare
"$PEER" start "$TMP/apc2" apc-rpdu2 .1.3.6.1.4.1.318.1.3.4.6 a b c d
"$PEER" start "$TMP/eaton" eaton-epdu .1.3.6.1.4.1.534.6.6.7 psu-a psu-b
"$PEER" start "$TMP/raritan" raritan-px .1.3.6.1.4.1.13742.6 r1 r2 r3
port() { cat "$TMP/$1/port"; }
state() { awk -v n="$2" '$1 == n { print $3 }' "$TMP/$1/state/outlets"; }
printf 'private-rw\n' > "$TMP/rw"; printf 'public-ro\n' > "$TMP/ro"; printf 'wrong-community\n' > "$TMP/bad"
printf 'auth-Pass-123\n' > "$TMP/auth"; printf 'priv-Pass-123\n' > "$TMP/priv"; printf 'auth-Pass-456\n' > "$TMP/auth2"
printf 'not-the-Key-1\n' > "$TMP/wrongkey"
chmod 600 "$TMP/rw" "$TMP/ro" "$TMP/bad" "$TMP/auth" "$TMP/priv" "$TMP/auth2" "$TMP/wrongkey"
RW="--secret-file community=$TMP/rw"

# ---- every profile, detected from sysObjectID -------------------------------------
for d in apc apc2 eaton raritan; do
    P="snmp-pdu port=$(port $d)"
    run hafence status $P 127.0.0.1:1 $RW -v
    is 0 "$rc" "$d: status on"
    case $d in apc) prof=apc-rpdu ;; apc2) prof=apc-rpdu2 ;; eaton) prof=eaton-epdu ;; raritan) prof=raritan-px ;; esac
    has "profile $prof" "$out" "  ... detected as $prof from its sysObjectID"
    run hafence off $P 127.0.0.1:1 $RW
    is 0 "$rc" "$d: off"
    has "done (verified)" "$out" "  ... verified by reading the outlet back"
    is off "$(state $d 1)" "  ... outlet 1 is off"
    is on "$(state $d 2)" "  ... and outlet 2 untouched"
    run hafence status $P 127.0.0.1:1 $RW
    is 2 "$rc" "$d: status off"
    run hafence on $P 127.0.0.1:1 $RW
    is 0 "$rc" "$d: on"
    is on "$(state $d 1)" "  ... outlet 1 on again"
done
run hafence reboot snmp-pdu "port=$(port raritan)" profile=raritan-px 127.0.0.1:2 $RW
is 0 "$rc" "raritan, profile named: reboot (off verified, then on)"

# ---- outlets by name, several outlets ------------------------------------------------
run hafence off snmp-pdu "port=$(port apc)" 127.0.0.1:web2,db1 $RW
is 0 "$rc" "outlets by name (web2, db1): off"
is "off off" "$(state apc 2) $(state apc 3)" "  ... both off"
run hafence on snmp-pdu "port=$(port apc)" 127.0.0.1:web2,db1 $RW
run hafence off snmp-pdu "port=$(port apc)" 127.0.0.1:nosuch $RW
is 1 "$rc" "an outlet name the PDU does not have: refused"
has "no outlet is named 'nosuch'" "$out" "  ... saying so"
run hafence list snmp-pdu "port=$(port eaton)" address=127.0.0.1 $RW
has "127.0.0.1:2,psu-b" "$out" "list: the PDU's outlets and their names"

# ---- a host on two PDUs (dual power supplies), through an HA-Lizard config ---------------
HOST=2f4a4020-fe8c-4686-a65d-501a19a06716
mkdir -p "$TMP/fence/SNMP-PDU"
printf '%s:127.0.0.1:%s:web1\n%s:127.0.0.1:%s:psu-a\n' "$HOST" "$(port apc)" "$HOST" "$(port eaton)" \
    > "$TMP/fence/SNMP-PDU/SNMP-PDU.hosts"
cat > "$TMP/ha.conf" <<CONF
FENCE_METHOD=SNMP-PDU
FENCE_FILE_LOC=$TMP/fence
FENCE_PASSWD_FILE=$TMP/rw
CONF
chmod 600 "$TMP/ha.conf"
# (the two PDUs listen on different ports: the port is part of each address)
run hafence status -c "$TMP/ha.conf" $HOST
is 0 "$rc" "a host on two PDUs (SNMP-PDU.hosts, one line each): on"
run hafence off -c "$TMP/ha.conf" $HOST
is 0 "$rc" "  ... off: both outlets switched"
is "off off" "$(state apc 1) $(state eaton 1)" "  ... the outlet on each PDU is off"
run hafence on -c "$TMP/ha.conf" $HOST
is "on on" "$(state apc 1) $(state eaton 1)" "  ... on switches both on"
touch "$TMP/eaton/state/stuck"
run_json hafence off -c "$TMP/ha.conf" $HOST --power-timeout 2 --json
json_check "one PDU accepts the SET and does not switch: not fenced (unverified)" '.result=="unverified"'
run hafence status -c "$TMP/ha.conf" $HOST
has "partly off" "$out" "  ... status: partly off, so on"
has "$(port eaton) outlet 1 on" "$out" "  ... naming the outlet still on"
is off "$(state apc 1)" "  ... (the other supply is off: off succeeds only when every outlet reads off)"
rm -f "$TMP/eaton/state/stuck"
run hafence on -c "$TMP/ha.conf" $HOST

# ---- access ---------------------------------------------------------------------------
run_json hafence off snmp-pdu "port=$(port apc)" 127.0.0.1:4 --secret-file community="$TMP/ro" --json
json_check "a read-only community: refused (auth-refused)" '.result=="auth-refused"'
has "read-only" "$out" "  ... with a clear message"
is on "$(state apc 4)" "  ... the outlet is untouched"
run_json hafence status snmp-pdu "port=$(port apc)" 127.0.0.1:4 --secret-file community="$TMP/ro" --json
json_check "  ... but it may read" '.result=="ok"'
V3="snmp-pdu port=$(port raritan) version=3 username=fenceuser --secret-file auth_password=$TMP/auth"
run hafence off $V3 --secret-file priv_password="$TMP/priv" 127.0.0.1:3
is 0 "$rc" "v3 authPriv (SHA, AES): off"
run hafence on $V3 --secret-file priv_password="$TMP/priv" 127.0.0.1:3
run hafence off snmp-pdu "port=$(port raritan)" version=3 username=authonly auth_protocol=MD5 --secret-file auth_password="$TMP/auth2" 127.0.0.1:3
is 0 "$rc" "v3 authNoPriv (MD5): off"
run hafence on snmp-pdu "port=$(port raritan)" version=3 username=authonly auth_protocol=MD5 --secret-file auth_password="$TMP/auth2" 127.0.0.1:3
run_json hafence status snmp-pdu "port=$(port raritan)" version=3 username=fenceuser --secret-file auth_password="$TMP/wrongkey" \
    --secret-file priv_password="$TMP/priv" 127.0.0.1:3 --json
json_check "a wrong v3 key: auth-refused" '.result=="auth-refused"'
has "Authentication failure" "$out" "  ... net-snmp's reason"
run hafence off snmp-pdu version=1 "port=$(port apc)" 127.0.0.1:4 $RW
is 0 "$rc" "v1: off"
run hafence on snmp-pdu version=1 "port=$(port apc)" 127.0.0.1:4 $RW
hasnt "private-rw" "$(cat "$HAFENCE_HISTORY"; ps -eo args)" "the community is in no history and no argv"

# ---- a PDU that does not answer -------------------------------------------------------------
dead=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$(date +%s)
run_json hafence off snmp-pdu port="$dead" 127.0.0.1:1 $RW --timeout 3 --json
t1=$(date +%s)
json_check "a PDU that does not answer: the fence fails" '.result=="unreachable" or .result=="timed-out"'
check "  ... within the deadline (3 s; $((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
has "no answer" "$out" "  ... saying so"
run_json hafence status snmp-pdu "port=$(port apc)" 127.0.0.1:1 --secret-file community="$TMP/bad" timeout_ms=300 retries=1 --json
json_check "a wrong community (the agent stays silent): unreachable, never off" '.result=="unreachable"'

# ---- the generic profile ----------------------------------------------------------------------
G="snmp-pdu port=$(port apc) profile=generic generic_status_oid=.1.3.6.1.4.1.318.1.1.4.4.2.1.3 generic_control_oid=.1.3.6.1.4.1.318.1.1.4.4.2.1.3 generic_name_oid=.1.3.6.1.4.1.318.1.1.4.4.2.1.4"
run hafence off $G generic_status_on=1 generic_status_off=2 generic_on=1 generic_off=2 127.0.0.1:spare $RW
is 0 "$rc" "generic profile (the operator's OIDs and values): off by name"
is off "$(state apc 4)" "  ... off"
run hafence on $G 127.0.0.1:spare $RW
run_json hafence status snmp-pdu "port=$(port apc)" profile=generic 127.0.0.1:1 $RW --json
json_check "generic without its OIDs: refused (bad-parameter)" '.result=="bad-parameter"'

# ---- hafence check, and fence-agents on the same snmpd -----------------------------------------
run hafence check "$top_builddir/plugins/snmp-pdu/.libs/snmp-pdu.so" "port=$(port eaton)" --target 127.0.0.1:2 $RW
is 0 "$rc" "hafence check passes on snmp-pdu"
if command -v fence_apc_snmp >/dev/null; then
    out=$(printf 'ipaddr=127.0.0.1\nipport=%s\ncommunity=private-rw\nsnmp_version=2c\nplug=2\naction=off\n' "$(port apc)" | fence_apc_snmp 2>&1)
    has "Success" "$out" "fence_apc_snmp switches the emulated APC outlet off"
    is off "$(state apc 2)" "  ... and it is off"
    printf 'ipaddr=127.0.0.1\nipport=%s\ncommunity=private-rw\nsnmp_version=2c\nplug=2\naction=on\n' "$(port apc)" | fence_apc_snmp >/dev/null 2>&1
else
    fail "fence_apc_snmp is missing (package fence-agents)"
fi

done_testing
