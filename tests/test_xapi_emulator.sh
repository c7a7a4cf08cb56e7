#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What the XAPI emulator offers the dom0 daemon, checked through Python's
# XML-RPC client (the one XenServer's XenAPI.py is built on): pool
# other_config, a slave's emergency transition to master and
# recover_slaves (the other slaves then name the new master),
# host.get_all_records, VM.start_on, host liveness from a control directory, and
# a master that stops answering (SIGUSR1) and answers again, and a database
# that reaches the slaves (--replicate) or not.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

EMU=$top_srcdir/tests/emulators/xapi.py
M=2f4a4020-fe8c-4686-a65d-501a19a06716
S1=33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b
S2=9b9a243a-abf3-485f-bb37-e43b29555cbe
printf 'xapi-Secret-1\n' > "$TMP/pw"; chmod 600 "$TMP/pw"
cat > "$TMP/pool.json" <<JSON
{"hosts": [{"uuid": "$M", "name": "xs1", "live": true},
           {"uuid": "$S1", "name": "xs2", "live": true},
           {"uuid": "$S2", "name": "xs3", "live": true}],
 "vms": [{"uuid": "0838afcc-1c6c-549b-a28c-d7916ca7753a", "name": "web01", "power_state": "Halted",
          "other_config": {"ha-lizard-enabled": "true"}}]}
JSON
mkdir -p "$TMP/control/live"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
start() { # NAME [options]: sets $port and $pid
    name=$1; shift
    python3 "$EMU" --port-file "$TMP/$name.port" --pool "$TMP/pool.json" --password-file "$TMP/pw" \
        --lifetime 120 --control "$TMP/control" "$@" >/dev/null 2>"$TMP/$name.err" &
    pid=$!
    pids="$pids $pid"
    n=0
    while [ ! -s "$TMP/$name.port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    port=$(cat "$TMP/$name.port")
}
# xapi PORT PYTHON: run Python with x = the server proxy, s = a session
xapi() {
    python3 - "$1" <<PY 2>&1
import sys, xmlrpc.client
x = xmlrpc.client.ServerProxy("http://127.0.0.1:%s/" % sys.argv[1])
def ok(r):
    if r["Status"] != "Success":
        raise SystemExit("Failure: " + " ".join(r["ErrorDescription"]))
    return r["Value"]
s = ok(x.session.login_with_password("root", "xapi-Secret-1", "1.0", "test"))
$2
PY
}

start master
master=$port
master_pid=$pid
pool_ref='p = ok(x.pool.get_all(s))[0]'
run xapi "$master" "$pool_ref
ok(x.pool.add_to_other_config(s, p, 'ha-lizard-autopromote', '$S1'))
print(ok(x.pool.get_other_config(s, p)))
r = x.pool.add_to_other_config(s, p, 'ha-lizard-autopromote', 'x')
print(r['ErrorDescription'][0])
ok(x.pool.remove_from_other_config(s, p, 'ha-lizard-autopromote'))
print('after:', ok(x.pool.get_record(s, p))['other_config'])"
has "'ha-lizard-autopromote': '$S1'" "$out" "pool other_config: add and read (the autopromote choice)"
has "MAP_DUPLICATE_KEY" "$out" "  ... a second add of the key is refused as XAPI does"
has "after: {}" "$out" "  ... and removed"

run xapi "$master" "h = ok(x.host.get_by_uuid(s, '$S2'))
vm = ok(x.VM.get_by_name_label(s, 'web01'))[0]
ok(x.VM.start_on(s, vm, h, False, False))
r = ok(x.VM.get_record(s, vm))
print(r['power_state'], r['resident_on'] == h)"
is "Running True" "$out" "VM.start_on starts a VM on the chosen host"

echo 0 > "$TMP/control/live/$S1"
run xapi "$master" "h = ok(x.host.get_by_uuid(s, '$S1'))
print(ok(x.host_metrics.get_live(s, ok(x.host.get_metrics(s, h)))))"
is "False" "$out" "host liveness follows the control directory"
echo 1 > "$TMP/control/live/$S1"

# a slave that takes over: local login, emergency transition, recover slaves
start slave --slave-of 127.0.0.2 --self $S1
slave=$port
echo 0 > "$TMP/control/live/$M"
run python3 - "$slave" <<'PY'
import sys, xmlrpc.client
x = xmlrpc.client.ServerProxy("http://127.0.0.1:%s/" % sys.argv[1])
r = x.session.login_with_password("root", "xapi-Secret-1", "1.0", "t")
print("login:", r["Status"], r.get("ErrorDescription"))
s = x.session.slave_local_login_with_password("root", "xapi-Secret-1")["Value"]
print("host.get_all as local:", x.host.get_all(s)["ErrorDescription"][0])
print("transition:", x.pool.emergency_transition_to_master(s)["Status"])
s2 = x.session.login_with_password("root", "xapi-Secret-1", "1.0", "t")["Value"]
p = x.pool.get_all(s2)["Value"][0]
m = x.pool.get_master(s2, p)["Value"]
print("master:", x.host.get_uuid(s2, m)["Value"])
print("recovered:", len(x.pool.recover_slaves(s2)["Value"]))
PY
has "login: Failure ['HOST_IS_SLAVE', '127.0.0.2']" "$out" "a slave answers a login with HOST_IS_SLAVE and the master's address"
has "host.get_all as local: HOST_IS_SLAVE" "$out" "  ... its local login is good for the emergency calls only"
has "transition: Success" "$out" "pool.emergency_transition_to_master"
has "master: $S1" "$out" "  ... the slave is the pool master now"
has "recovered: 1" "$out" "pool.recover_slaves: the one live slave left"
check "  ... the new master is in the control directory" grep -qx "$S1 127.0.0.1" "$TMP/control/master"
start slave2 --slave-of 127.0.0.2 --self $S2
run python3 - "$port" <<'PY'
import sys, xmlrpc.client
x = xmlrpc.client.ServerProxy("http://127.0.0.1:%s/" % sys.argv[1])
print("login:", x.session.login_with_password("root", "xapi-Secret-1", "1.0", "t").get("ErrorDescription"))
PY
has "login: ['HOST_IS_SLAVE', '127.0.0.1']" "$out" "  ... and the other slaves name it as their master"

run xapi "$master" "r = ok(x.host.get_all_records(s))
print(len(r), sorted(h['uuid'] for h in r.values()) == sorted(['$M', '$S1', '$S2']), all('address' in h and 'enabled' in h for h in r.values()))"
is "3 True True" "$out" "host.get_all_records: every host's record by reference"

# the master stops answering, then answers again
kill -USR1 $master_pid
run timeout 3 python3 -c "
import socket, xmlrpc.client
socket.setdefaulttimeout(1)
x = xmlrpc.client.ServerProxy('http://127.0.0.1:$master/')
try:
    x.pool.get_all('OpaqueRef:x'); print('answered')
except Exception as e:
    print('no answer:', type(e).__name__)"
has "no answer" "$out" "SIGUSR1: the master stops answering"
kill -USR1 $master_pid
run xapi "$master" "print(len(ok(x.host.get_all(s))))"
is "3" "$out" "  ... and a second SIGUSR1 makes it answer again"

# --replicate: what the master changed is what a slave that takes over
# starts from (a database with a redo log); without it, the pool as it was
for mode in replicate plain; do
    opt=""; [ $mode = plain ] || opt=--replicate
    mkdir -p "$TMP/$mode/live"
    # shellcheck disable=SC2086
    start "master-$mode" --control "$TMP/$mode" $opt
    run xapi "$port" "p = ok(x.pool.get_all(s))[0]
ok(x.pool.add_to_other_config(s, p, 'hafence-recovery-x', 'plan'))
ok(x.VM.start_on(s, ok(x.VM.get_by_name_label(s, 'web01'))[0], ok(x.host.get_by_uuid(s, '$S2')), False, False))"
    # shellcheck disable=SC2086
    start "slave-$mode" --control "$TMP/$mode" --slave-of 127.0.0.2 --self $S1 $opt
    echo 0 > "$TMP/$mode/live/$M"
    run python3 - "$port" <<'PY'
import sys, xmlrpc.client
x = xmlrpc.client.ServerProxy("http://127.0.0.1:%s/" % sys.argv[1])
s = x.session.slave_local_login_with_password("root", "xapi-Secret-1")["Value"]
x.pool.emergency_transition_to_master(s)
s = x.session.login_with_password("root", "xapi-Secret-1", "1.0", "t")["Value"]
p = x.pool.get_all(s)["Value"][0]
vm = x.VM.get_by_name_label(s, "web01")["Value"][0]
print("plan:", x.pool.get_other_config(s, p)["Value"].get("hafence-recovery-x"), "web01:",
      x.VM.get_power_state(s, vm)["Value"])
PY
    if [ $mode = replicate ]; then
        is "plan: plan web01: Running" "$out" "--replicate: a slave that takes over has what the master wrote (a pool key, a VM started)"
    else
        is "plan: None web01: Halted" "$out" "  ... without it, the database the pool started with"
    fi
done

done_testing
