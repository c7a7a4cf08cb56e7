#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $B1, $PW: argument bundles (plugin and parameters), split into words on purpose
# The ipmi plugin against real simulated BMCs: OpenIPMI's ipmi_sim on
# loopback, one per simulated host, whose chassis power really changes.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

SIM=$top_srcdir/tests/peers/bmc-sim.sh
LAB=$TMP/bmcs
command -v ipmi_sim >/dev/null || { fail "ipmi_sim is missing (Debian package openipmi: scripts/setup-debian.sh)"; done_testing; exit 0; }
trap '"$SIM" stop "$LAB" >/dev/null 2>&1; "$SIM" stop "$TMP/more" >/dev/null 2>&1; "$SIM" stop "$TMP/sol" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
run "$SIM" start "$LAB" 9
is 0 "$rc" "nine simulated BMCs started"
[ "$rc" = 0 ] || { diag "$out"; done_testing; exit 0; }
port() { cat "$LAB/bmc$1/port"; }
power() { read -r p _ < "$LAB/bmc$1/power"; echo "$p"; }
printf 'adminpw\n' > "$TMP/pw"; printf 'viewpw\n' > "$TMP/viewpw"; printf 'Xq7-not-it\n' > "$TMP/wrong"
chmod 600 "$TMP/pw" "$TMP/viewpw" "$TMP/wrong"
B1="ipmi address=127.0.0.1:$(port 1) username=admin workarounds=opensesspriv"

# ---- power control, verified ------------------------------------------------
run hafence status $B1 --password-file "$TMP/pw"
is 0 "$rc" "status of a powered host: exit 0"
has "chassis power is on" "$out" "read from the chassis status"
run hafence off $B1 --password-file "$TMP/pw"
is 0 "$rc" "off: exit 0"
has "done (verified)" "$out" "off verified by reading the chassis status back"
check "the history has the device's address and plugin for a direct off" \
    sh -c "tail -1 '$HAFENCE_HISTORY' | jq -e '.address == \"127.0.0.1:$(port 1)\" and .plugin == \"ipmi\" and .action == \"off\"' >/dev/null"
is 0 "$(power 1)" "the simulated chassis is off"
has "set power 0" "$(cat "$LAB/bmc1/log")" "the BMC got a power-down chassis control"
run hafence status $B1 --password-file "$TMP/pw"
is 2 "$rc" "status of an off host: exit 2"
requests=$(grep -c 'set power' "$LAB/bmc1/log")
run hafence off $B1 --password-file "$TMP/pw"
is 0 "$rc" "off of an already-off host: done"
has "already off" "$out" "reported as already off"
is "$requests" "$(grep -c 'set power' "$LAB/bmc1/log")" "no power request sent to an off host"
# a relative --history (console captures are kept beside it): resolved once
run sh -c "cd '$TMP' && '$HAFENCE' on $B1 --password-file '$TMP/pw' --history rel-history.jsonl --plugin-dir '$TMP/no-plugins'"
is 0 "$rc" "a relative --history: the fence works (it was refused: console_dir not absolute)"
check "  ... and is recorded where the operator stood" test -s "$TMP/rel-history.jsonl"
run sh -c "cd '$TMP' && '$HAFENCE' off $B1 --password-file '$TMP/pw' --history rel-history.jsonl --plugin-dir '$TMP/no-plugins'"
is 0 "$rc" "  ... off too"
run hafence on $B1 --password-file "$TMP/pw"
is 0 "$rc" "on: verified"
is 1 "$(power 1)" "the simulated chassis is on"
: > "$LAB/bmc1/log"
run hafence reboot $B1 --password-file "$TMP/pw"
is 0 "$rc" "reboot: off verified, then on"
is "set power 0
set power 1" "$(cat "$LAB/bmc1/log")" "reboot went through the engine: power down, then power up"
is 1 "$(power 1)" "on again after the reboot"
run hafence monitor $B1 --password-file "$TMP/pw"
is 0 "$rc" "monitor: session opened and chassis status read"

# IPMI 1.5 on request
run hafence status ipmi "address=127.0.0.1:$(port 1)" username=admin lanplus=0 --password-file "$TMP/pw"
is 0 "$rc" "IPMI 1.5 LAN (lanplus=0) works too"

# cycle (on request): ipmi_sim powers the chassis back on a second later
run hafence cycle $B1 --password-file "$TMP/pw"
is 0 "$rc" "cycle on request: accepted"
has "power cycle" "$out" "a chassis power cycle was sent"
n=0
while [ "$(power 1)" != 1 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
is 1 "$(power 1)" "the simulated chassis came back on after the cycle"

# ---- errors, each distinguishable -------------------------------------------
run_json hafence status $B1 --password-file "$TMP/wrong" --json
is 1 "$rc" "wrong password: exit 1"
json_check "wrong password: auth-refused" '.result=="auth-refused"'
has "wrong password" "$out" "the message says it was the password"
run hafence status ipmi "address=127.0.0.1:$(port 1)" username=nobody workarounds=opensesspriv --password-file "$TMP/pw"
has "auth-refused" "$out" "wrong user: auth-refused"
has "unknown user" "$out" "the message says it was the user"
run hafence status $B1 cipher=17 --password-file "$TMP/pw"
has "auth-refused" "$out" "a cipher suite the BMC refuses: auth-refused"
has "cipher suite 17" "$out" "the message names the cipher suite"
# (ipmi_sim 2.0.33 with opensesspriv grants a user-level account an
# operator session when asked; a real BMC refuses it.  The refusal of the
# power command itself is what a simulator can show:)
run hafence off ipmi "address=127.0.0.1:$(port 1)" username=viewer privilege=user workarounds=opensesspriv --password-file "$TMP/viewpw"
is 1 "$rc" "power control at user privilege fails"
has "privilege too low" "$out" "the BMC refused the command for privilege"
has "needs workarounds=opensesspriv" "$out" "  ... and the message names the settings that fix it"
is 1 "$(power 1)" "and the host stayed on"
run hafence status $B1 workarounds=bogus --password-file "$TMP/pw"
has "unknown workaround flag 'bogus'" "$out" "an unknown workaround flag is refused by name"

# a port where nothing listens: unreachable, reported by the plugin itself
# before the deadline (not killed at it)
"$SIM" stop "$LAB" 8 >/dev/null
run_json hafence status ipmi "address=127.0.0.1:$(port 8)" username=admin --password-file "$TMP/pw" --timeout 4 --json
is 1 "$rc" "nothing listening: exit 1"
json_check "nothing listening: unreachable, within the deadline" '.result=="unreachable" and (has("signal")|not)'

# a BMC that stops answering in the middle of a fence: never "done"
echo 3000 > "$LAB/bmc9/delay_ms"
"$HAFENCE" off ipmi "address=127.0.0.1:$(port 9)" username=admin workarounds=opensesspriv \
    --password-file "$TMP/pw" --timeout 8 --power-timeout 6 --json --plugin-dir "$TMP/none" > "$TMP/mid.json" 2>"$TMP/mid.err" &
fence=$!
sleep 1
"$SIM" stop "$LAB" 9 >/dev/null
wait $fence
rc=$?
is 1 "$rc" "BMC stopped mid-operation: the fence fails"
check "  ... never reported done or verified" sh -c "jq -e '.result!=\"ok\" and .verified==false' '$TMP/mid.json' >/dev/null"
has "set power 0" "$(cat "$LAB/bmc9/log")" "  (the power-down had been sent before the BMC went away)"

# ---- the HA-Lizard way: 8 hosts at once through a host map --------------------
FL=$TMP/fence
mkdir -p "$FL/IPMI"
uuids=""
for i in 1 2 3 4 5 6 7; do
    u=$(printf '2f4a4020-fe8c-4686-a65d-5%011d' "$i")
    uuids="$uuids $u"
    echo "$u:127.0.0.1:$(port $i)" >> "$FL/IPMI/IPMI.hosts"
done
# the eighth simulated host: a new BMC (8 and 9 were stopped above)
run "$SIM" start "$TMP/more" 1
is 0 "$rc" "one more simulated BMC started"
cat > "$TMP/ha-lizard.conf" <<CONF
FENCE_METHOD=IPMI
FENCE_FILE_LOC=$FL
FENCE_PASSWD_FILE=$TMP/pw
IPMI_USERNAME=admin
IPMI_WORKAROUNDS=opensesspriv
CONF
u8=2f4a4020-fe8c-4686-a65d-500000000008
echo "$u8:127.0.0.1:$(cat "$TMP/more/bmc1/port")" >> "$FL/IPMI/IPMI.hosts"
run_json hafence off -c "$TMP/ha-lizard.conf" $uuids $u8 --json
is 0 "$rc" "8 hosts fenced at once through the engine"
json_check "  ... each verified off" 'length==8 and all(.[]; .result=="ok" and .verified==true)'
all=yes
for i in 1 2 3 4 5 6 7; do [ "$(power $i)" = 0 ] || all=no; done
read -r p8 _ < "$TMP/more/bmc1/power"; [ "$p8" = 0 ] || all=no
is yes "$all" "  ... and every simulated chassis is off"
run_json hafence history --json
json_check "  ... each recorded in the history with its host" '[.[] | select(.plugin=="ipmi" and .host!=null)] | length >= 8'
run hafence on -c "$TMP/ha-lizard.conf" $uuids $u8
is 0 "$rc" "and powered on again"

# ---- console capture before the fence (libipmiconsole, ipmi_sim's SOL) ------------
python3 "$top_srcdir/tests/peers/serial-host.py" "$TMP/serial.port" 60 &
serial=$!
n=0
while [ ! -s "$TMP/serial.port" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
sport=$(cat "$TMP/serial.port")
run "$SIM" start "$TMP/sol" 1 $((sport - 1))
is 0 "$rc" "a simulated BMC whose serial port is a hung host's console"
SOLHOST=2f4a4020-fe8c-4686-a65d-50000000000a
mkdir -p "$TMP/fence-sol/IPMI"
echo "$SOLHOST:127.0.0.1:$(cat "$TMP/sol/bmc1/port")" > "$TMP/fence-sol/IPMI/IPMI.hosts"
cat > "$TMP/sol.conf" <<CONF
FENCE_METHOD=IPMI
FENCE_FILE_LOC=$TMP/fence-sol
FENCE_PASSWD_FILE=$TMP/pw
IPMI_USERNAME=admin
IPMI_WORKAROUNDS=opensesspriv
IPMI_CONSOLE=1
IPMI_CONSOLE_SECONDS=2
IPMI_CONSOLE_WORKAROUNDS=opensesspriv,solchannelsupport,solpayloadsize
CONF
sleep 1
run_json hafence off -c "$TMP/sol.conf" $SOLHOST --json
is 0 "$rc" "fence with console capture: done"
json_check "  ... verified" '.result=="ok" and .verified==true'
read -r p _ < "$TMP/sol/bmc1/power"
is 0 "$p" "  ... the host is off"
run hafence console $SOLHOST
is 0 "$rc" "hafence console shows the capture"
has "soft lockup" "$out" "  ... with what the host printed before it was fenced"
run_json hafence history --host $SOLHOST --json
json_check "the fence record points at the capture" ".[-1].console | test(\"$SOLHOST/.*[.]log\$\")"
echo 1 > "$TMP/sol/bmc1/power"
run hafence console --follow -c "$TMP/sol.conf" $SOLHOST --timeout 2
has "soft lockup" "$out" "hafence console --follow attaches to the live console"
# the capture never delays the fence past its deadline: 60 s asked, 4 s left
run_json hafence off -c "$TMP/sol.conf" $SOLHOST console_seconds=60 --timeout 4 --json
json_check "a long capture within a short deadline: still fenced, not killed" '.result=="ok" and .verified==true and (has("signal")|not)'
kill $serial 2>/dev/null; wait $serial 2>/dev/null
"$SIM" stop "$TMP/sol" >/dev/null
# a BMC without Serial-over-LAN: the capture fails, the fence does not
run_json hafence off $B1 console=1 console_seconds=1 console_workarounds=opensesspriv,solchannelsupport,solpayloadsize --password-file "$TMP/pw" --json
json_check "no console to capture: the fence is still done and verified" '.result=="ok" and .verified==true'
run hafence console "127.0.0.1:$(port 1)"
has "no console capture" "$out" "  ... and the capture says why there is none"
run hafence on $B1 --password-file "$TMP/pw"

# ---- the vendor's conformance run ------------------------------------------------
run hafence check "$top_builddir/plugins/ipmi/.libs/ipmi.so" username=admin workarounds=opensesspriv \
    --password-file "$TMP/pw" --target "127.0.0.1:$(port 2)"
is 0 "$rc" "hafence check passes on the ipmi plugin against a simulated BMC"
has "PASS  off is verified" "$out" "  ... off verified"
has "0 failed" "$out" "  ... nothing failed"

done_testing
