#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A switched PDU on loopback: net-snmp's own snmpd with its own config,
# serving a profile's outlet tables through tests/peers/pdu-agent
# (pass_persist), with its sysObjectID, a read-only and a read-write
# community, and two v3 users.
#   pdu-snmpd.sh start DIR PROFILE SYS-OBJECT-ID OUTLET-NAME...   (outlets 1..N, all on)
#   pdu-snmpd.sh stop DIR
# start writes DIR/port.  Communities: public-ro (read), private-rw (write).
# v3: fenceuser (SHA "auth-Pass-123", AES "priv-Pass-123", authPriv, may
# write), authonly (MD5 "auth-Pass-456", authNoPriv, may write).  The state
# is DIR/state/outlets; touch DIR/state/stuck to make SETs do nothing.
# SNMP_PERSISTENT_DIR is DIR/persist: nothing is written under /var/lib/snmp.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: pdu-snmpd.sh start|stop DIR ...}
dir=${2:?usage: pdu-snmpd.sh start|stop DIR ...}
stop() {
    [ -s "$dir/snmpd.pid" ] || return 0
    pid=$(cat "$dir/snmpd.pid")
    kill "$pid" 2>/dev/null || true
    n=0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
    rm -f "$dir/snmpd.pid"
}
if [ "$cmd" = stop ]; then stop; exit 0; fi
[ -x /usr/sbin/snmpd ] || { echo "pdu-snmpd: /usr/sbin/snmpd missing (package snmpd)" >&2; exit 1; }
profile=${3:?profile}; sysoid=${4:?sysObjectID}; shift 4
mkdir -p "$dir/state" "$dir/persist"
: > "$dir/state/outlets"
i=1
for name in "$@"; do printf '%d %s on\n' $i "$name" >> "$dir/state/outlets"; i=$((i + 1)); done
# PDU_SNMPD_ADDRESS and _PORT: where it listens (default 127.0.0.1, a free
# port); PDU_SNMPD_SOURCE: who may use the communities (default 127.0.0.1)
addr=${PDU_SNMPD_ADDRESS:-127.0.0.1}
source=${PDU_SNMPD_SOURCE:-127.0.0.1}
port=${PDU_SNMPD_PORT:-$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
cat > "$dir/snmpd.conf" <<CFG
agentAddress udp:$addr:$port
sysObjectID $sysoid
sysDescr hafence test PDU ($profile)
sysName test-pdu
rocommunity public-ro $source
rwcommunity private-rw $source
createUser fenceuser SHA "auth-Pass-123" AES "priv-Pass-123"
createUser authonly MD5 "auth-Pass-456"
rwuser fenceuser priv
rwuser authonly auth
pass_persist .1.3.6.1.4.1 /usr/bin/python3 $here/pdu-agent $profile $dir/state
CFG
stop
SNMP_PERSISTENT_DIR=$dir/persist /usr/sbin/snmpd -f -C -c "$dir/snmpd.conf" -Lf "$dir/snmpd.log" \
    -p "$dir/snmpd.pid" >/dev/null 2>&1 </dev/null &
echo $! > "$dir/snmpd.pid"
printf '%s\n' "$port" > "$dir/port"
n=0
until SNMP_PERSISTENT_DIR=$dir/persist snmpget -v2c -c public-ro -t 0.2 -r 0 -On "$addr:$port" .1.3.6.1.2.1.1.2.0 >/dev/null 2>&1; do
    n=$((n + 1))
    if [ $n -ge 100 ] || ! kill -0 "$(cat "$dir/snmpd.pid")" 2>/dev/null; then
        echo "pdu-snmpd: snmpd did not start:" >&2
        cat "$dir/snmpd.log" >&2
        stop
        exit 1
    fi
    sleep 0.05
done
