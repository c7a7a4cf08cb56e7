#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $I, $R, $S, $M, $Q, $PW: argument bundles (plugin and parameters), split into words on purpose
# The ilo and irmc plugins against emulated boards (no iLO or iRMC can run
# here): tests/emulators/bmc_https.py for Redfish and RIBCL over HTTPS with
# a test CA, the iLO CLP and iRMC menu programs behind a real sshd
# (tests/peers/sshd-peer.sh), ipmi_sim for iRMC's IPMI.  Each: status, off
# (verified), on, reboot, bad credentials, a certificate the CA did not
# sign, a board that never powers off, malformed replies, a board that does
# not answer, hafence check.  The emulators are proved faithful with
# clients no one here wrote: fence_redfish, fence_ilo, fence_ilo_ssh,
# redfishtool and ilorest.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/sshd ]; then
    echo "Bail out! needs root and /usr/sbin/sshd (openssh-server; scripts/setup-debian.sh installs it)"
    exit 1
fi
EMU=$top_srcdir/tests/emulators/bmc_https.py
PEER=$top_srcdir/tests/peers/sshd-peer.sh
SIM=$top_srcdir/tests/peers/bmc-sim.sh
D=$TMP/sshd
pids=""
trap '"$PEER" stop "$D"; "$SIM" stop "$TMP/bmcs" >/dev/null 2>&1; for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$TMP"' EXIT
"$top_srcdir/tests/peers/make-certs.sh" "$TMP/certs"
CA=$TMP/certs/ca.pem
printf 'Board-Secret-1\n' > "$TMP/pw"; printf 'not-the-one\n' > "$TMP/wrong"; chmod 600 "$TMP/pw" "$TMP/wrong"
PW="--password-file $TMP/pw"

# start_board NAME FLAVOR [CERT]: an emulated board; sets $port
start_board() {
    name=$1 flavor=$2 cert=${3:-server}
    mkdir -p "$TMP/$name"
    python3 "$EMU" --port-file "$TMP/$name/port" --cert "$TMP/certs/$cert.pem" --key "$TMP/certs/$cert.key" \
        --state "$TMP/$name" --flavor "$flavor" --user Administrator --password-file "$TMP/pw" \
        --log "$TMP/$name/log" --lifetime 600 2>"$TMP/$name/err" &
    pids="$pids $!"
    n=0
    while [ ! -s "$TMP/$name/port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    port=$(cat "$TMP/$name/port")
}
power() { cat "$TMP/$1/power"; }
sent() { cat "$TMP/$1/log"; }
start_board ilo ilo; ILO=127.0.0.1:$port
start_board ilo2 ilo2; ILO2=127.0.0.1:$port
start_board rogue ilo rogue; ROGUE=127.0.0.1:$port
start_board irmc irmc; IRMC=127.0.0.1:$port
start_board irmc-rogue irmc rogue; IRMC_ROGUE=127.0.0.1:$port
"$PEER" start "$D" >/dev/null 2>"$TMP/peer.err" || { echo "Bail out! sshd peer: $(cat "$TMP/peer.err")"; exit 1; }
CLP=$(cat "$D/port3"); MENU=$(cat "$D/port4"); SSHUSER=$(cat "$D/user")
board_power() { cat "$D/home/board/power"; }

# ---- ilo over Redfish ------------------------------------------------------------
I="ilo ca_file=$CA"
run hafence status $I protocol=redfish "$ILO" $PW
is 0 "$rc" "ilo redfish: status on"
has "(redfish): power On" "$out" "  ... the board's PowerState"
check "  ... with a session, deleted at the end" sh -c "grep -q 'POST /redfish/v1/SessionService/Sessions' '$TMP/ilo/log' && grep -q 'DELETE /redfish/v1/SessionService/Sessions/' '$TMP/ilo/log'"
run hafence off $I protocol=redfish "$ILO" $PW
is 0 "$rc" "ilo redfish: off"
has "done (verified)" "$out" "  ... verified off"
has "RESET ForceOff" "$(sent ilo)" "  ... with ResetType ForceOff"
is Off "$(power ilo)" "  ... the board is off"
run hafence on $I protocol=redfish "$ILO" $PW
is 0 "$rc" "ilo redfish: on"
is On "$(power ilo)" "  ... on again"
run hafence reboot $I protocol=redfish "$ILO" $PW
is 0 "$rc" "ilo redfish: reboot (off verified, then on)"
run hafence status $I "$ILO" $PW -v
is 0 "$rc" "ilo auto: status"
has "protocol redfish" "$out" "  ... auto picked Redfish where the board offers it"

# ---- ilo over RIBCL ------------------------------------------------------------------
: > "$TMP/ilo/log"
run hafence off $I protocol=ribcl "$ILO" $PW
is 0 "$rc" "ilo ribcl (POST /ribcl): off"
has "POST /ribcl" "$(sent ilo)" "  ... POSTed"
has "RIBCL HOLD_PWR_BTN TOGGLE=No" "$(sent ilo)" "  ... HOLD_PWR_BTN TOGGLE=No (forced, never a toggle on)"
is Off "$(power ilo)" "  ... off"
run hafence on $I protocol=ribcl "$ILO" $PW
is 0 "$rc" "ilo ribcl: on (SET_HOST_POWER)"
run hafence status $I protocol=ribcl ribcl_transport=raw "$ILO2" $PW
is 0 "$rc" "ilo ribcl raw over TLS (iLO 2): status"
run hafence reboot $I protocol=ribcl ribcl_transport=raw "$ILO2" $PW
is 0 "$rc" "ilo ribcl raw: reboot"
check "  ... no HTTP request was made" sh -c "! grep -q '^POST' '$TMP/ilo2/log'"

# ---- ilo over the SSH CLP ------------------------------------------------------------
S="ilo protocol=ssh username=$SSHUSER ssh_port=$CLP known_hosts=$D/known_hosts"
run hafence status $S 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "ilo ssh (CLP): status"
run hafence off $S 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "ilo ssh: off"
is Off "$(board_power)" "  ... off"
has "clp stop /system1 -f" "$(cat "$D/home/board/commands.log")" "  ... with stop /system1 -f (HA-Lizard's command)"
run hafence on $S 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "ilo ssh: on (start /system1)"
run hafence reboot $S 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "ilo ssh: reboot"

# ---- refusals and misbehaving boards ---------------------------------------------------
for p in redfish ribcl; do
    run_json hafence status $I protocol=$p "$ILO" --password-file "$TMP/wrong" --json
    json_check "ilo $p: wrong password: auth-refused" '.result=="auth-refused"'
done
has "Login failed" "$out" "  ... RIBCL's own words (0x005F)"
run_json hafence status $S 127.0.0.1 --password-file "$TMP/wrong" --json
json_check "ilo ssh: wrong password: auth-refused" '.result=="auth-refused"'
run_json hafence status $I protocol=redfish "$ROGUE" $PW --json
json_check "a certificate our CA did not sign: auth-refused" '.result=="auth-refused"'
has "not trusted" "$out" "  ... saying the certificate is not trusted"
is "" "$(sent rogue)" "  ... and nothing was sent to it"
pin=$(openssl x509 -in "$TMP/certs/rogue.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
run hafence status ilo protocol=redfish fingerprint=sha256//"$pin" "$ROGUE" $PW
# a libcurl before 7.44 (a CentOS 7 dom0's) cannot pin: configure says so
# in config.h, and the pin is then refused, never dropped
if grep -q '^#define HAVE_DECL_CURLOPT_PINNEDPUBLICKEY 1' "$top_builddir/config.h"; then
    is 0 "$rc" "the same board trusted by its pinned key (fingerprint=)"
    other=$(openssl x509 -in "$TMP/certs/server.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
    run_json hafence status ilo protocol=redfish fingerprint=sha256//"$other" "$ROGUE" $PW --json
    json_check "  ... and refused with another key pinned" '.result=="auth-refused"'
else
    is 1 "$rc" "a libcurl that cannot pin: the pinned board is refused, not trusted"
    has "bad-parameter" "$out" "  ... as a bad parameter (what the operator gave cannot be honoured)"
    has "needs libcurl 7.44 or later" "$out" "  ... saying why, and what to give instead"
fi
run hafence status ilo protocol=redfish insecure=1 "$ROGUE" $PW
is 0 "$rc" "insecure=1: accepted, as the operator explicitly asked"
has "TLS verification is OFF" "$out" "  ... and said loudly"
touch "$TMP/ilo/stuck"
for p in redfish ribcl; do
    run_json hafence off $I protocol=$p "$ILO" $PW --power-timeout 2 --json
    json_check "ilo $p: a board that accepts off and never powers off: unverified, not fenced" '.result=="unverified"'
done
touch "$D/home/board/stuck"
run_json hafence off $S 127.0.0.1 --password-file "$D/password" --power-timeout 2 --json
json_check "ilo ssh: the same: unverified" '.result=="unverified"'
rm -f "$TMP/ilo/stuck" "$D/home/board/stuck"
# A terminal's Enter is one CR: "\r\n" is two lines to the board, whose
# second prompt, late on a loaded board, was read as the next answer
: >"$D/home/board/commands.log"
touch "$D/home/board/lateprompt"
run_json hafence off $S 127.0.0.1 --password-file "$D/password" --json
json_check "ilo ssh: a late prompt is not taken for the next answer" '.result=="ok" and (.message|test("after 1 request"))'
is "" "$(grep -F '(empty line)' "$D/home/board/commands.log")" "  ... one line per command: no empty line sent"
rm -f "$D/home/board/lateprompt"
echo On >"$D/home/board/power"
touch "$TMP/ilo/malformed"
for p in redfish ribcl; do
    run_json hafence status $I protocol=$p "$ILO" $PW --json
    json_check "ilo $p: malformed replies: an error, no crash" '.result=="device-refused"'
done
has "not well-formed" "$out" "  ... RIBCL: the XML is not well-formed"
rm -f "$TMP/ilo/malformed"
touch "$D/home/board/malformed"
run_json hafence status $S 127.0.0.1 --password-file "$D/password" --json
json_check "ilo ssh: an answer without a status line: an error" '.result=="device-refused"'
rm -f "$D/home/board/malformed"
touch "$TMP/ilo/silent"
t0=$(date +%s)
run_json hafence off $I protocol=redfish "$ILO" $PW --timeout 3 --json
t1=$(date +%s)
json_check "ilo: a board that does not answer: the fence fails" '.result=="timed-out" or .result=="unreachable"'
check "  ... within the deadline (3 s; $((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
rm -f "$TMP/ilo/silent"
run_json hafence off ilo protocol=redfish ca_file="$CA" 127.0.0.1:1 $PW --json
json_check "ilo: nothing listening: unreachable, never done" '.result=="unreachable"'

# ---- Redfish services no one here wrote: what they answer must not lose a fence -----------
touch "$TMP/ilo/no-sessions"
: > "$TMP/ilo/log"
run hafence off $I protocol=redfish "$ILO" $PW
is 0 "$rc" "a Redfish service without sessions (root names none): fenced with HTTP Basic"
is Off "$(power ilo)" "  ... the board is off"
hasnt "POST /redfish/v1/SessionService/Sessions" "$(sent ilo)" "  ... the password went to no path the service did not advertise"
run_json hafence status $I protocol=redfish "$ILO" --password-file "$TMP/wrong" --json
json_check "  ... a wrong password with Basic: still auth-refused" '.result=="auth-refused"'
rm -f "$TMP/ilo/no-sessions"
run hafence on $I protocol=redfish "$ILO" $PW
touch "$TMP/ilo/session-204"
: > "$TMP/ilo/log"
run hafence off $I protocol=redfish "$ILO" $PW
is 0 "$rc" "a session created with 204 and X-Auth-Token (DMTF's mockup server): accepted, fenced"
has "DELETE /redfish/v1/SessionService/Sessions/" "$(sent ilo)" "  ... and the session deleted at the end"
rm -f "$TMP/ilo/session-204"
run hafence on $I protocol=redfish "$ILO" $PW
# redfish_auth=basic: HTTP Basic on each request and no session, as fence_redfish
: > "$TMP/ilo/log"
run hafence status $I protocol=redfish redfish_auth=basic "$ILO" $PW
is 0 "$rc" "ilo redfish_auth=basic: status"
has "(redfish): power On" "$out" "  ... the board's PowerState"
has "BASIC Administrator ok" "$(sent ilo)" "  ... with HTTP Basic"
hasnt "SessionService/Sessions" "$(sent ilo)" "  ... and no session made or deleted"
: > "$TMP/ilo/log"
run hafence status $I protocol=redfish redfish_auth=basic system=/redfish/v1/Systems/1 "$ILO" $PW
is 0 "$rc" "ilo redfish_auth=basic with the system's path: status"
is "GET /redfish/v1/Systems/1" "$(grep '^GET' "$TMP/ilo/log")" "  ... in one request, as curl"
run hafence off $I protocol=redfish redfish_auth=basic "$ILO" $PW
is 0 "$rc" "ilo redfish_auth=basic: off"
has "done (verified)" "$out" "  ... verified off"
is Off "$(power ilo)" "  ... the board is off"
run_json hafence status $I protocol=redfish redfish_auth=basic "$ILO" --password-file "$TMP/wrong" --json
json_check "  ... a wrong password: auth-refused" '.result=="auth-refused"'
run hafence status $I protocol=redfish redfish_auth=token "$ILO" $PW
is 64 "$rc" "redfish_auth=token: refused as a bad parameter (exit 64)"
has "redfish_auth" "$out" "  ... naming the parameter"
run hafence on $I protocol=redfish "$ILO" $PW
touch "$TMP/ilo/refuse-reset"
run_json hafence off $I protocol=redfish "$ILO" $PW --json
json_check "a refused reset: device-refused" '.result=="device-refused"'
has "Base.1.0.GeneralError: Power operation not allowed: the system is in POST" "$out" \
    "  ... with the board's reason beside its MessageId"
rm -f "$TMP/ilo/refuse-reset"
run_json hafence status $I 127.0.0.1:1 ssh_port=1 $PW --json
json_check "protocol=auto, nothing answers: unreachable" '.result=="unreachable"'
has "protocol=auto tried before it: redfish" "$out" "  ... saying what the HTTPS attempt answered, not only SSH's"
has "iLO 127.0.0.1:1 (redfish)" "$out" "  ... naming the device one way"

# ---- irmc: Redfish, IPMI, the SSH menu -------------------------------------------------
R="irmc username=Administrator ca_file=$CA"
run hafence status $R protocol=redfish "$IRMC" $PW
is 0 "$rc" "irmc redfish: status"
has "GET /redfish/v1/Systems/0" "$(sent irmc)" "  ... the same Redfish client finds iRMC's system 0"
: > "$TMP/irmc/log"
run hafence status $R protocol=redfish redfish_auth=basic "$IRMC" $PW
is 0 "$rc" "irmc redfish_auth=basic: status"
has "BASIC Administrator ok" "$(sent irmc)" "  ... with HTTP Basic, no session"
run hafence off $R "$IRMC" $PW
is 0 "$rc" "irmc auto (Redfish): off"
is Off "$(power irmc)" "  ... off"
run hafence on $R "$IRMC" $PW
is 0 "$rc" "irmc: on"
run hafence reboot $R protocol=redfish "$IRMC" $PW
is 0 "$rc" "irmc redfish: reboot"
run_json hafence status $R protocol=redfish "$IRMC" --password-file "$TMP/wrong" --json
json_check "irmc redfish: wrong password: auth-refused" '.result=="auth-refused"'
run_json hafence status $R "$IRMC_ROGUE" $PW --json
json_check "irmc: a certificate our CA did not sign: auth-refused (auto does not fall back)" '.result=="auth-refused"'
is "" "$(sent irmc-rogue)" "  ... nothing was sent to it"
touch "$TMP/irmc/silent"
t0=$(date +%s)
run_json hafence off $R protocol=redfish "$IRMC" $PW --timeout 3 --json
t1=$(date +%s)
json_check "irmc redfish: a board that does not answer: the fence fails" '.result=="timed-out" or .result=="unreachable"'
check "  ... within the deadline (3 s; $((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
rm -f "$TMP/irmc/silent"
touch "$TMP/irmc/stuck"
run_json hafence off $R protocol=redfish "$IRMC" $PW --power-timeout 2 --json
json_check "irmc redfish: never powers off: unverified" '.result=="unverified"'
rm -f "$TMP/irmc/stuck"
touch "$TMP/irmc/malformed"
run_json hafence status $R protocol=redfish "$IRMC" $PW --json
json_check "irmc redfish: malformed JSON: an error, no crash" '.result=="device-refused"'
rm -f "$TMP/irmc/malformed"

M="irmc protocol=ssh username=$SSHUSER ssh_port=$MENU known_hosts=$D/known_hosts"
: > "$D/home/board/commands.log"
run hafence status $M 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "irmc ssh (text menu): status"
has "(ssh): power on" "$out" "  ... read from the Power Status line"
run hafence off $M 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "irmc ssh: off (Immediate Power Off, confirmed)"
is Off "$(board_power)" "  ... off"
has "irmc power 1" "$(cat "$D/home/board/commands.log")" "  ... item 1 of the Power Management menu"
run hafence on $M 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "irmc ssh: on"
run hafence reboot $M 127.0.0.1 --password-file "$D/password"
is 0 "$rc" "irmc ssh: reboot"
run_json hafence status $M 127.0.0.1 --password-file "$TMP/wrong" --json
json_check "irmc ssh: wrong password: auth-refused" '.result=="auth-refused"'
touch "$D/home/board/stuck"
run_json hafence off $M 127.0.0.1 --password-file "$D/password" --power-timeout 2 --json
json_check "irmc ssh: never powers off: unverified" '.result=="unverified"'
rm -f "$D/home/board/stuck"
touch "$D/home/board/malformed"
run_json hafence status $M 127.0.0.1 --password-file "$D/password" --json
json_check "irmc ssh: a screen without Power Status: an error" '.result=="device-refused"'
rm -f "$D/home/board/malformed"
printf '2\n' > "$D/home/board/slow"
t0=$(date +%s)
run_json hafence off $M 127.0.0.1 --password-file "$D/password" --timeout 3 --json
t1=$(date +%s)
json_check "irmc ssh: a menu that answers too slowly: the fence fails" '.result=="timed-out"'
check "  ... within the deadline (3 s; $((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
rm -f "$D/home/board/slow"
run_json hafence off irmc protocol=redfish ca_file="$CA" 127.0.0.1:1 $PW --json
json_check "irmc: a board that cannot be reached is a failed fence (not HA-Lizard's 'no ping = done')" '.result=="unreachable"'

if command -v ipmi_sim >/dev/null; then
    "$SIM" start "$TMP/bmcs" 1 >/dev/null
    printf 'adminpw\n' > "$TMP/ipmipw"; chmod 600 "$TMP/ipmipw"
    Q="irmc protocol=ipmi username=admin ipmi_port=$(cat "$TMP/bmcs/bmc1/port") ipmi_workarounds=opensesspriv"
    run hafence status $Q 127.0.0.1 --password-file "$TMP/ipmipw"
    is 0 "$rc" "irmc ipmi (S4): status, through the ipmi plugin's session code"
    run hafence off $Q 127.0.0.1 --password-file "$TMP/ipmipw"
    is 0 "$rc" "irmc ipmi: off, verified"
    run hafence on $Q 127.0.0.1 --password-file "$TMP/ipmipw"
    is 0 "$rc" "irmc ipmi: on"
else
    fail "ipmi_sim is missing (package openipmi)"
fi

# ---- hafence check -----------------------------------------------------------------------
run hafence check "$top_builddir/plugins/ilo/.libs/ilo.so" ca_file="$CA" --target "$ILO" $PW
is 0 "$rc" "hafence check passes on ilo"
run hafence check "$top_builddir/plugins/irmc/.libs/irmc.so" username=Administrator ca_file="$CA" --target "$IRMC" $PW
is 0 "$rc" "hafence check passes on irmc"

# ---- the emulators, proved with clients no one here wrote -----------------------------------
P=${ILO#*:}
if command -v fence_redfish >/dev/null; then
    out=$(printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=Administrator\npasswd=%s\nssl_insecure=1\naction=status\n' "$P" "$(cat "$TMP/pw")" | fence_redfish 2>&1)
    has "Status: ON" "$out" "fence_redfish reads the emulated board's power"
    printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=Administrator\npasswd=%s\nssl_insecure=1\naction=off\n' "$P" "$(cat "$TMP/pw")" | fence_redfish >/dev/null 2>&1
    is Off "$(power ilo)" "  ... and powers it off"
    printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=Administrator\npasswd=%s\nssl_insecure=1\naction=on\n' "$P" "$(cat "$TMP/pw")" | fence_redfish >/dev/null 2>&1
else
    fail "fence_redfish is missing (package fence-agents)"
fi
P2=${ILO2#*:}
if command -v fence_ilo >/dev/null && command -v gnutls-cli >/dev/null; then
    out=$(printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=Administrator\npasswd=%s\nssl_insecure=1\naction=status\n' "$P2" "$(cat "$TMP/pw")" | fence_ilo 2>&1)
    has "Status: ON" "$out" "fence_ilo (RIBCL raw over TLS) reads the emulated iLO 2"
    printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=Administrator\npasswd=%s\nssl_insecure=1\naction=off\n' "$P2" "$(cat "$TMP/pw")" | fence_ilo >/dev/null 2>&1
    is Off "$(power ilo2)" "  ... and powers it off"
else
    fail "fence_ilo or gnutls-cli missing (packages fence-agents, gnutls-bin)"
fi
if command -v fence_ilo_ssh >/dev/null; then
    out=$(printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=%s\npasswd=%s\nsecure=1\naction=status\nssh_options=-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes\n' \
        "$CLP" "$SSHUSER" "$(cat "$D/password")" "$D/known_hosts" | fence_ilo_ssh 2>&1)
    has "Status: ON" "$out" "fence_ilo_ssh reads the emulated CLP"
else
    fail "fence_ilo_ssh is missing (package fence-agents)"
fi
if command -v redfishtool >/dev/null; then
    out=$(redfishtool -r "$ILO" -u Administrator -p "$(cat "$TMP/pw")" -S Always Systems -I 1 get 2>&1)
    has '"PowerState": "On"' "$out" "redfishtool (DMTF's client) reads the power state"
    redfishtool -r "$ILO" -u Administrator -p "$(cat "$TMP/pw")" -S Always Systems -I 1 reset ForceOff >/dev/null 2>&1
    is Off "$(power ilo)" "  ... and resets the host with ForceOff"
    echo On > "$TMP/ilo/power"
else
    fail "redfishtool is missing (package redfishtool)"
fi
if command -v ilorest >/dev/null; then
    (
        cd "$TMP" && export HOME="$TMP"
        timeout 60 ilorest --nologo login "https://$ILO" -u Administrator -p "$(cat "$TMP/pw")" >"$TMP/ilorest.out" 2>&1
        timeout 30 ilorest --nologo rawget /redfish/v1/Systems/1/ >>"$TMP/ilorest.out" 2>&1
        printf '{"path": "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/", "body": {"ResetType": "ForceOff"}}' > "$TMP/reset.json"
        timeout 30 ilorest --nologo rawpost "$TMP/reset.json" >>"$TMP/ilorest.out" 2>&1
        timeout 30 ilorest --nologo logout >/dev/null 2>&1
    )
    has '"PowerState": "On"' "$(cat "$TMP/ilorest.out")" "ilorest (HPE's iLO CLI) reads the power state"
    is Off "$(power ilo)" "  ... and resets the host (rawpost ForceOff)"
else
    fail "ilorest is missing (package ilorest)"
fi

done_testing
