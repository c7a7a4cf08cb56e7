#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $P: an argument bundle (plugin and parameters), split into words on purpose
# The pool plugin and the XAPI client against the XAPI emulator (no XAPI
# can run here): a full fence of a host with running VMs, a second fence,
# a wrong password, an unknown host, a master that does not answer, TLS with
# a test CA and a certificate it did not sign, an older server without
# host.declare_dead, FENCE_HOST_FORGET, and fence-agents' fence_xenapi
# (with XenServer's own XenAPI.py) working unchanged against the emulator.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

EMU=$top_srcdir/tests/emulators/xapi.py
DEAD=33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b    # failed: not live, VMs still "running" on it
LIVE=2f4a4020-fe8c-4686-a65d-501a19a06716    # alive
THIRD=9b9a243a-abf3-485f-bb37-e43b29555cbe   # failed too, no VMs
printf 'xapi-Secret-1\n' > "$TMP/pw"; chmod 600 "$TMP/pw"
printf 'wrong-one\n' > "$TMP/wrong"; chmod 600 "$TMP/wrong"
cat > "$TMP/pool.json" <<JSON
{"hosts": [{"uuid": "$LIVE", "name": "xs1", "live": true},
           {"uuid": "$DEAD", "name": "xs2", "live": false},
           {"uuid": "$THIRD", "name": "xs3", "live": false}],
 "vms": [{"uuid": "0838afcc-1c6c-549b-a28c-d7916ca7753a", "name": "web01", "host": "$DEAD"},
         {"uuid": "2372bc81-0709-c8e8-6e34-3ccb085cf1ab", "name": "web02", "host": "$DEAD", "power_state": "Paused"},
         {"uuid": "2dcea2bd-b47c-cee3-fcda-c7b6f3953555", "name": "db01", "host": "$LIVE"}]}
JSON
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
# start_emulator NAME [options]: sets $port
start_emulator() {
    name=$1; shift
    python3 "$EMU" --port-file "$TMP/$name.port" --pool "$TMP/pool.json" --password-file "$TMP/pw" \
        --log "$TMP/$name.log" --lifetime 120 "$@" 2>"$TMP/$name.err" &
    pids="$pids $!"
    n=0
    while [ ! -s "$TMP/$name.port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    port=$(cat "$TMP/$name.port")
}
"$top_srcdir/tests/peers/make-certs.sh" "$TMP/certs"

start_emulator http
P="pool address=127.0.0.1 port=$port scheme=http"

# ---- a full fence of a host with running VMs -------------------------------------
run hafence status $P $DEAD --password-file "$TMP/pw"
is 0 "$rc" "status of a failed host still in the pool's plans: on"
has "2 VMs running on it" "$out" "  ... its VMs still count as running"
run hafence off $P $DEAD --password-file "$TMP/pw"
is 0 "$rc" "off (pool): done"
has "done (verified)" "$out" "  ... verified by reading the host back from XAPI"
has "host.declare_dead" "$(cat "$TMP/http.log")" "  ... through host.declare_dead"
run hafence status $P $DEAD --password-file "$TMP/pw"
is 2 "$rc" "status now: off"
has "disabled" "$out" "  ... the host is disabled"
has "0 VMs running" "$out" "  ... and its VMs' power state was reset"
run hafence off $P $DEAD --password-file "$TMP/pw"
is 0 "$rc" "a second fence of the same host: harmless"
has "already off" "$out" "  ... reported as already done"
run hafence list $P --password-file "$TMP/pw"
has "$DEAD,xs2" "$out" "list: the pool's hosts with their names"
run hafence monitor $P --password-file "$TMP/pw"
is 0 "$rc" "monitor: logged in and out"
check "  ... the session was closed" grep -q "session.logout" "$TMP/http.log"

# ---- refusals -------------------------------------------------------------------
run_json hafence off $P $LIVE --password-file "$TMP/pw" --json
is 1 "$rc" "a live host: refused"
has "HOST_IS_LIVE" "$out" "  ... XAPI's HOST_IS_LIVE is reported"
has "nothing is forced" "$out" "  ... and nothing is forced"
check "  ... its VM is still running" sh -c "grep -q 'VM.power_state_reset' '$TMP/http.log' && false || true"
run_json hafence status $P $LIVE --password-file "$TMP/wrong" --json
json_check "wrong password: auth-refused" '.result=="auth-refused"'
has "SESSION_AUTHENTICATION_FAILED" "$out" "  ... with XAPI's own reason"
run_json hafence off $P 00000000-0000-4000-8000-000000000000 --password-file "$TMP/pw" --json
json_check "an unknown host UUID: bad-parameter" '.result=="bad-parameter"'
has "UUID_INVALID" "$out" "  ... XAPI's UUID_INVALID"
run hafence off $P not-a-uuid --password-file "$TMP/pw"
has "is not a host UUID" "$out" "a target that is not a UUID is refused before any call"

# ---- a slave points at its master (HOST_IS_SLAVE), as a real pool does -----------
start_emulator slave --slave-of 127.0.0.2
slave=$port
start_emulator master --bind 127.0.0.2 --port "$slave"
run hafence status pool address=127.0.0.1 port="$slave" scheme=http $DEAD --password-file "$TMP/pw" -v
is 0 "$rc" "asking a slave: the client follows HOST_IS_SLAVE to the master"
has "the master is http://127.0.0.2:$slave/" "$out" "  ... and says where the master is"

# ---- an older server without host.declare_dead -------------------------------------
start_emulator old --no-declare-dead
run hafence off pool address=127.0.0.1 port="$port" scheme=http $DEAD --password-file "$TMP/pw"
is 0 "$rc" "without host.declare_dead: done"
check "  ... host.disable, then VM.power_state_reset per resident VM" sh -c "grep -q '^host.disable' '$TMP/old.log' && [ \$(grep -c '^VM.power_state_reset' '$TMP/old.log') = 2 ]"
run hafence off pool address=127.0.0.1 port="$port" scheme=http $LIVE --password-file "$TMP/pw"
has "HOST_IS_LIVE" "$out" "  ... and a live host's VMs are still not reset"

# ---- FENCE_HOST_FORGET through a HA-Lizard config --------------------------------
start_emulator forget
cat > "$TMP/ha-lizard.conf" <<CONF
FENCE_METHOD=POOL
FENCE_IPADDRESS=127.0.0.1
FENCE_PASSWD_FILE=$TMP/pw
FENCE_HOST_FORGET=1
POOL_PORT=$port
POOL_SCHEME=http
CONF
run hafence fence -c "$TMP/ha-lizard.conf" $THIRD
is 0 "$rc" "FENCE_HOST_FORGET=1: fenced through the config"
check "  ... and removed with host.destroy" grep -q '^host.destroy' "$TMP/forget.log"
n0=$(grep -c '^host.destroy' "$TMP/forget.log")
run hafence fence -c "$TMP/ha-lizard.conf" $THIRD
is 1 "$rc" "  ... a second run: the pool has no record of the host: absent is never off"
has "not in the pool" "$out" "  ... saying so"
hasnt "already off" "$out" "  ... never 'already off'"
is "$n0" "$(grep -c '^host.destroy' "$TMP/forget.log")" "  ... and harmless: nothing more was done"

# ---- TLS: verified against a CA file; a certificate the CA did not sign ----------
start_emulator tls --tls "$TMP/certs/server.pem" "$TMP/certs/server.key"
run hafence status pool address=127.0.0.1 port="$port" ca_file="$TMP/certs/ca.pem" $DEAD --password-file "$TMP/pw"
is 0 "$rc" "https with the test CA: verified and working"
run hafence status pool address=127.0.0.1 port="$port" $DEAD --password-file "$TMP/pw"
has "not trusted" "$out" "https without the CA: refused (verification is on by default)"
start_emulator rogue --tls "$TMP/certs/rogue.pem" "$TMP/certs/rogue.key"
run_json hafence status pool address=127.0.0.1 port="$port" ca_file="$TMP/certs/ca.pem" $DEAD --password-file "$TMP/pw" --json
json_check "a certificate the CA did not sign: auth-refused" '.result=="auth-refused"'
has "not trusted" "$out" "  ... the message says the certificate is not trusted"
run hafence status pool address=127.0.0.1 port="$port" insecure=1 $DEAD --password-file "$TMP/pw" -v
is 0 "$rc" "insecure=1: an explicit opt-in works"
has "TLS verification is OFF" "$out" "  ... and is logged"

# plain HTTP (or garbage) on the HTTPS port: a protocol error, not a refused credential
start_emulator plain
run_json hafence status pool address=127.0.0.1 port="$port" insecure=1 $DEAD --password-file "$TMP/pw" --json
json_check "https to a plain-TCP port with insecure=1: not auth-refused (nothing was refused)" '.result!="auth-refused" and .result!="ok"'
json_check "  ... a protocol error the engine may retry (device-refused)" '.result=="device-refused"'
has "TLS handshake failed" "$out" "  ... saying the handshake failed"
run_json hafence status pool address=127.0.0.1 port="$port" ca_file="$TMP/certs/ca.pem" $DEAD --password-file "$TMP/pw" --json
json_check "  ... the same with a CA file" '.result=="device-refused"'

# ---- a master that does not answer ------------------------------------------------
start_emulator hang --hang
run_json hafence status pool address=127.0.0.1 port="$port" scheme=http $DEAD --password-file "$TMP/pw" --timeout 3 --json
is 1 "$rc" "a master that does not answer: fails"
json_check "  ... by itself within the deadline (not killed)" '(.result=="timed-out" or .result=="unreachable") and (has("signal")|not)'

# ---- the vendor's conformance run --------------------------------------------------
start_emulator check
# (no --target: check powers its target back on at the end, and XAPI does
# not enable a host that is not live; off is verified above)
run hafence check "$top_builddir/plugins/pool/.libs/pool.so" address=127.0.0.1 port="$port" scheme=http \
    --password-file "$TMP/pw"
is 0 "$rc" "hafence check passes on the pool plugin"
has "PASS  monitor returns by its deadline" "$out" "  ... its calls return by their deadline"

# ---- fence-agents' fence_xenapi (XenServer's XenAPI.py) against the emulator ------------
if command -v fence_xenapi >/dev/null; then
    start_emulator fa
    FA="fence_xenapi --session-url=http://127.0.0.1:$port --username=root --password=xapi-Secret-1"
    run $FA --plug=web01 -o status
    is 0 "$rc" "fence_xenapi status: exit 0 (on)"
    has "Status: ON" "$out" "  ... reads the VM on"
    run $FA --plug=web01 -o off
    is 0 "$rc" "fence_xenapi off: done"
    run $FA --plug=web01 -o status
    is 2 "$rc" "  ... and the VM reads off (exit 2)"
    run $FA --plug=web01 -o on
    is 0 "$rc" "fence_xenapi on: done"
    run $FA -o list
    has "2dcea2bd-b47c-cee3-fcda-c7b6f3953555,db01" "$out" "fence_xenapi list: the emulator's VMs"
else
    fail "fence_xenapi is missing (Debian package fence-agents: scripts/setup-debian.sh)"
fi

done_testing
