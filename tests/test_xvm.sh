#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $X, $XA, $PW: argument bundles (plugin and parameters), split into words on purpose
# The xvm plugin against a real OpenSSH sshd on loopback (tests/peers/
# sshd-peer.sh: its own account, keys and config, a fake xe/xl/virsh that
# keep each guest's power state), and against the XAPI emulator for
# transport=xapi: status/off/on/reboot per toolstack, password, key and
# keyboard-interactive logins, a wrong password, unknown and changed host
# keys, trust on first use, hostile guests refused before anything is
# sent, output no toolstack prints, a Dom0 that lies, hangs or goes away,
# one connection per operation (re-opened when it drops), and hafence check.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/sshd ]; then
    echo "Bail out! needs root and /usr/sbin/sshd (openssh-server; scripts/setup-debian.sh installs it)"
    exit 1
fi
PEER=$top_srcdir/tests/peers/sshd-peer.sh
D=$TMP/dom0
XS1=0838afcc-1c6c-549b-a28c-d7916ca7753a
XS2=2372bc81-0709-c8e8-6e34-3ccb085cf1ab
XS3=2dcea2bd-b47c-cee3-fcda-c7b6f3953555
HOST1=9b9a243a-abf3-485f-bb37-e43b29555cbe
HOST2=1ae14847-6169-4cb0-ad8b-79ef0219e1ee
HOST3=8b8470a5-8848-41a4-bf31-7ce6f1c7ea5e
pids=""
cleanup() { "$PEER" stop "$D"; for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
if ! "$PEER" start "$D" "$XS1:xs1:running" "$XS2:xs2:halted" "$XS3:xs3:running" 2>"$TMP/peer.err"; then
    echo "Bail out! the sshd peer did not start: $(cat "$TMP/peer.err")"
    exit 1
fi
PORT=$(cat "$D/port"); PORT2=$(cat "$D/port2"); USER=$(cat "$D/user")
PW="--password-file $D/password"
X="xvm address=127.0.0.1 port=$PORT username=$USER known_hosts=$D/known_hosts"
state() { cat "$D/home/guests/$1/state"; }
set_state() { echo "$2" > "$D/home/guests/$1/state"; }
sent() { cat "$D/home/commands.log"; }
logins() { grep -c "^Accepted " "$D/sshd.log"; }

# ---- xe (XenServer / XCP-ng), password login ------------------------------------
run hafence status $X $XS1 $PW
is 0 "$rc" "xe: status of a running guest: on (exit 0)"
has "running" "$out" "  ... the toolstack's word is shown"
has "$USER@127.0.0.1:$PORT" "$out" "  ... and the Dom0 it came from"
has "xe vm-param-get uuid=$XS1 param-name=power-state" "$(sent)" "  ... read with xe vm-param-get (the issue's command)"
check "  ... logged in with the password" grep -q "Accepted password for $USER" "$D/sshd.log"
before=$(logins)
run hafence off $X $XS1 $PW
is 0 "$rc" "xe: off"
has "done (verified)" "$out" "  ... verified by reading the power state back"
is halted "$(state $XS1)" "  ... the guest is halted on the Dom0"
has "xe vm-shutdown --force uuid=$XS1" "$(sent)" "  ... forced: xe vm-shutdown --force"
is $((before + 1)) "$(logins)" "  ... one SSH connection served every command of the operation"
run hafence status $X $XS1 $PW
is 2 "$rc" "xe: status now off (exit 2)"
run hafence off $X $XS1 $PW
is 0 "$rc" "xe: off again: harmless"
has "already off" "$out" "  ... nothing sent, reported as already off"
run hafence on $X $XS1 $PW
is 0 "$rc" "xe: on"
is running "$(state $XS1)" "  ... xe vm-start ran"
: > "$D/home/commands.log"
run hafence reboot $X xs3 $PW
is 0 "$rc" "xe: reboot of a guest by name (off then on through the engine)"
has "xe vm-shutdown --force vm=xs3" "$(sent)" "  ... forced off by name"
has "xe vm-start vm=xs3" "$(sent)" "  ... and started"
is running "$(state $XS3)" "  ... running again"
run hafence list $X $PW
has "$XS2,xs2" "$out" "xe: list gives the guests' UUIDs and names"
run hafence monitor $X $PW
is 0 "$rc" "xe: monitor"
has "3 guests" "$out" "  ... counts the guests"
run_json hafence status $X 00000000-0000-4000-8000-000000000000 $PW --json
json_check "xe: an unknown guest UUID: bad-parameter" '.result=="bad-parameter"'
has "no guest with UUID" "$out" "  ... xe's own reason, turned into words"

# ---- xl and virsh ---------------------------------------------------------------
for ts in xl virsh; do
    extra=""
    [ $ts = virsh ] && extra="virsh_uri=xen:///system"
    : > "$D/home/commands.log"
    set_state $XS3 running
    run hafence status $X toolstack=$ts $extra xs3 $PW
    is 0 "$rc" "$ts: status of a running guest: on"
    run hafence off $X toolstack=$ts $extra xs3 $PW
    is 0 "$rc" "$ts: off"
    has "done (verified)" "$out" "  ... verified"
    [ $ts = xl ] && has "xl destroy xs3" "$(sent)" "xl: off is xl destroy"
    is halted "$(state $XS3)" "  ... the guest is off"
    run hafence status $X toolstack=$ts $extra xs3 $PW
    if [ $ts = xl ]; then
        # xl lists running guests only: stopped and misspelt look the same
        is 1 "$rc" "xl: status of a guest it no longer lists: unknown (exit 1), never off"
        has "not taken for off" "$out" "  ... saying why"
        has "toolstack=virsh or xe" "$out" "  ... and what to use instead"
    else
        is 2 "$rc" "$ts: status off"
    fi
    run hafence on $X toolstack=$ts $extra xs3 $PW
    is 0 "$rc" "$ts: on"
    is running "$(state $XS3)" "  ... running"
    run hafence reboot $X toolstack=$ts $extra xs3 $PW
    is 0 "$rc" "$ts: reboot"
    is running "$(state $XS3)" "  ... running again"
    run hafence status $X toolstack=$ts $extra xs2 $PW
    if [ $ts = xl ]; then
        is 1 "$rc" "xl: a halted guest (not listed): unknown, not off"
    else
        is 2 "$rc" "$ts: a halted guest: off"
    fi
done
has "virsh -c xen:///system destroy xs3" "$(sent)" "virsh: off is virsh destroy, with the URI"
has "virsh -c xen:///system start xs3" "$(sent)" "virsh: on is virsh start"
# a typo in the host map (xs-3 for xs3) with xl: never "already off"
: > "$D/home/commands.log"
run hafence off $X toolstack=xl xs-3 $PW
is 1 "$rc" "xl: off of a name xl does not list (a typo): fails"
hasnt "already off" "$out" "  ... never reported as already off"
hasnt "done" "$out" "  ... nor as done"
has "nothing was destroyed" "$out" "  ... saying nothing was destroyed"
hasnt "xl destroy" "$(sent)" "  ... and no destroy was sent"
is running "$(state $XS3)" "  ... the real guest still runs (the operator is told, not misled)"
run hafence status $X toolstack=xl $XS1 $PW
is 0 "$rc" "xl: a running guest found by its UUID"
run hafence on $X toolstack=xl $XS2 $PW
is 1 "$rc" "xl: on by UUID refused (xl create needs the name)"
has "not its UUID" "$out" "  ... saying why"

# ---- logins ---------------------------------------------------------------------
printf 'key-Phrase-7\n' > "$TMP/phrase"; chmod 600 "$TMP/phrase"
printf 'not-the-phrase\n' > "$TMP/badphrase"; chmod 600 "$TMP/badphrase"
run hafence status $X key_file="$D"/id_ed25519 $XS1 --secret-file key_passphrase="$TMP/phrase"
is 0 "$rc" "key login (ed25519 with a passphrase), no password at all"
check "  ... sshd accepted the public key" grep -q "Accepted publickey for $USER" "$D/sshd.log"
run_json hafence status $X key_file="$D"/id_ed25519 $XS1 --secret-file key_passphrase="$TMP/badphrase" --json
json_check "a wrong key passphrase: bad-parameter" '.result=="bad-parameter"'
has "cannot use private key $D/id_ed25519" "$out" "  ... naming the key file"
# the configured method is tried first, without asking for the list; the
# list comes only after a refusal, for the fallback
ssh-keygen -q -t ed25519 -N '' -f "$TMP/stranger_key"
before=$(grep -c "Accepted password for $USER" "$D/sshd.log" || true)
run hafence status $X key_file="$TMP/stranger_key" $XS1 $PW
is 0 "$rc" "a key the Dom0 does not know, and the password: logged in"
check "  ... with the password, after the key was refused" \
    sh -c "[ \$(grep -c 'Accepted password for $USER' '$D/sshd.log') -gt $before ]"
run hafence status xvm address=127.0.0.1 port="$PORT2" username="$USER" known_hosts="$D"/known_hosts $XS1 $PW
is 0 "$rc" "keyboard-interactive where the server offers no 'password' method"
check "  ... sshd accepted keyboard-interactive" grep -q "Accepted keyboard-interactive/pam for $USER" "$D/sshd.log"
# the XAPI transport is a module of its own (xvm/xapi.so beside the
# plugin), never loaded for SSH
set_state "$XS1" running
run env LD_DEBUG=files "$HAFENCE" status $X $XS1 $PW --plugin-dir "$TMP/no-plugins"
is 0 "$rc" "ssh: status"
hasnt "libcurl" "$out" "  ... without loading libcurl (the XAPI module is not loaded for SSH)"
P=$TMP/plugins-alone
mkdir -p "$P"
cp "$top_builddir/plugins/xvm/.libs/xvm.so" "$P/"
alone() { out=$(HAFENCE_PLUGIN_PATH=$P "$HAFENCE" "$@" --plugin-dir "$TMP/no-plugins" 2>&1); rc=$?; }
alone status $X $XS1 $PW
is 0 "$rc" "the plugin without its XAPI module: SSH works"
printf 'wrong-one\n' > "$TMP/wrong"; chmod 600 "$TMP/wrong"
run_json hafence off $X $XS1 --password-file "$TMP/wrong" --json
json_check "a wrong password: auth-refused" '.result=="auth-refused"'
has "$USER@127.0.0.1:$PORT" "$out" "  ... naming the account and the Dom0"
is running "$(state $XS1)" "  ... and the guest was not touched"
run_json hafence status xvm address=127.0.0.1 port="$PORT" known_hosts="$D"/known_hosts $XS1 --json
json_check "no password and no key: bad-parameter" '.result=="bad-parameter"'
has "no password" "$out" "  ... saying so"
hasnt "$(cat "$D/password")" "$(cat "$D/sshd.log" "$HAFENCE_HISTORY" 2>/dev/null; ps -eo args)" "the password is in no log, history or argv"

# ---- host keys --------------------------------------------------------------------
: > "$TMP/empty_known"
: > "$D/home/commands.log"
n0=$(logins)
run_json hafence off xvm address=127.0.0.1 port="$PORT" username="$USER" known_hosts="$TMP"/empty_known $XS1 $PW --json
json_check "an unknown host key: refused (auth-refused)" '.result=="auth-refused"'
has "unknown host key" "$out" "  ... saying so"
has "SHA256:" "$out" "  ... with its fingerprint, as ssh-keygen -l shows it"
fp=$(ssh-keygen -lf "$D/hostkeys/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
has "$fp" "$out" "  ... the server's real ed25519 fingerprint"
is "$n0" "$(logins)" "  ... no login was attempted"
is "" "$(sent)" "  ... and nothing was run"
run hafence status xvm address=127.0.0.1 port="$PORT" username="$USER" known_hosts="$TMP"/tofu_known accept_new_host_key=1 $XS1 $PW
is 0 "$rc" "trust on first use (accept_new_host_key=1): accepted"
check "  ... the key was added to the known-hosts file" grep -q "^\[127.0.0.1\]:$PORT ssh-ed25519 " "$TMP/tofu_known"
is 600 "$(stat -c %a "$TMP/tofu_known")" "  ... a file created 0600"
run hafence status xvm address=127.0.0.1 port="$PORT" username="$USER" known_hosts="$TMP"/tofu_known $XS1 $PW
is 0 "$rc" "  ... and known from then on without the opt-in"
cp "$D/known_hosts" "$TMP/hashed_known"
ssh-keygen -q -H -f "$TMP/hashed_known" >/dev/null 2>&1
run hafence status xvm address=127.0.0.1 port="$PORT" username="$USER" known_hosts="$TMP"/hashed_known $XS1 $PW
is 0 "$rc" "a known-hosts file with hashed names (ssh-keygen -H) works"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/other_key"
{ printf '# a comment the operator wrote\n'; printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1-2 "$TMP/other_key.pub")"; } > "$TMP/changed_known"
run_json hafence off xvm address=127.0.0.1 port="$PORT" username="$USER" known_hosts="$TMP"/changed_known accept_new_host_key=1 $XS1 $PW --json
json_check "a changed host key: refused, even with accept_new_host_key=1" '.result=="auth-refused"'
has "HOST KEY CHANGED" "$out" "  ... loudly"
is running "$(state $XS1)" "  ... the guest was not touched"
is 2 "$(wc -l < "$TMP/changed_known")" "  ... and the known-hosts file was left as it was"

# ---- hostile guests: refused before anything is sent ---------------------------------
: > "$D/home/commands.log"
n0=$(logins)
# shellcheck disable=SC2016 # expanded later, by the program it is written for
for g in "'; reboot; '" '$(reboot)' '`reboot`' 'xs1;reboot' '-force' 'a|b'; do
    run_json hafence off $X "$g" $PW --json
    json_check "hostile guest '$g': bad-parameter" '.result=="bad-parameter"'
done
is "$n0" "$(logins)" "  ... no connection was even made"
is "" "$(sent)" "  ... nothing reached the Dom0"
mkdir -p "$TMP/fence/XVM"
cat > "$TMP/fence/XVM/XVM.hosts" <<MAP
$HOST1:$XS1
$HOST2:xs2;reboot
$HOST3:xs3
MAP
cat > "$TMP/ha.conf" <<CONF
FENCE_METHOD=XVM
FENCE_FILE_LOC=$TMP/fence
FENCE_IPADDRESS=127.0.0.1
FENCE_PASSWD=$(cat "$D/password")
XVM_PORT=$PORT
XVM_USERNAME=$USER
XVM_KNOWN_HOSTS=$D/known_hosts
CONF
chmod 600 "$TMP/ha.conf"
run hafence off -c "$TMP/ha.conf" $HOST2
is 1 "$rc" "a host map line with a shell command: the fence fails"
has "holds ';'" "$out" "  ... the guest is refused, naming the character"
is "" "$(sent)" "  ... nothing was sent"
run hafence off -c "$TMP/ha.conf" $HOST1
is 0 "$rc" "HA-Lizard's XVM config (FENCE_IPADDRESS, FENCE_PASSWD, XVM.hosts): the good host is fenced"
is halted "$(state $XS1)" "  ... its guest is off"
set_state $XS1 running
# the issue's case: XVM.hosts names xs-3 where the guest is xs3, toolstack xl
sed -e "s/^$HOST3:xs3/$HOST3:xs-3/" "$TMP/fence/XVM/XVM.hosts" > "$TMP/typo.hosts"
mkdir -p "$TMP/typo/XVM" && mv "$TMP/typo.hosts" "$TMP/typo/XVM/XVM.hosts"
sed -e "s|^FENCE_FILE_LOC=.*|FENCE_FILE_LOC=$TMP/typo|" "$TMP/ha.conf" > "$TMP/xl.conf"
echo XVM_TOOLSTACK=xl >> "$TMP/xl.conf"; chmod 600 "$TMP/xl.conf"
: > "$D/home/commands.log"
run_json hafence off -c "$TMP/xl.conf" $HOST3 --json
json_check "xl, a typo in XVM.hosts: the fence fails (not 'already off')" '.result!="ok" and .verified==false'
hasnt "xl destroy" "$(sent)" "  ... nothing was destroyed"
is running "$(state $XS3)" "  ... and the real guest runs on"
printf 'key-Phrase-7\n' > "$TMP/phrase.file"; chmod 600 "$TMP/phrase.file"
sed -e '/^FENCE_PASSWD=/d' "$TMP/ha.conf" > "$TMP/key.conf"
printf 'XVM_KEY_FILE=%s\nXVM_KEY_PASSPHRASE_FILE=%s\n' "$D/id_ed25519" "$TMP/phrase.file" >> "$TMP/key.conf"
chmod 600 "$TMP/key.conf"
run hafence status -c "$TMP/key.conf" $HOST3
is 0 "$rc" "a config with XVM_KEY_FILE and XVM_KEY_PASSPHRASE_FILE (no password): key login"

# ---- a Dom0 that misbehaves --------------------------------------------------------
touch "$D/home/garbage"
run hafence status $X $XS1 $PW
is 1 "$rc" "output no toolstack prints: status unknown (exit 1), never off"
has "not taken for off" "$out" "  ... saying so"
run hafence off $X $XS1 $PW
is 1 "$rc" "  ... and off fails rather than claim a fence"
run hafence status $X toolstack=virsh xs1 $PW
is 1 "$rc" "virsh printing what a missing sudo prints: unknown for hafence"
# what fence_virsh does with the same answer (its password on stdin)
if command -v fence_virsh >/dev/null; then
    fv=$(printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=%s\npasswd=%s\nplug=xs1\naction=status\n%s\n' "$PORT" "$USER" \
        "$(cat "$D/password")" "ssh_options=-o UserKnownHostsFile=$D/known_hosts -o StrictHostKeyChecking=yes -t '/bin/bash -c \"PS1=\\\\[EXPECT\\\\]# /bin/bash --noprofile --norc\"'" |
        fence_virsh 2>&1)
    has "Status: OFF" "$fv" "  ... where fence_virsh reports OFF for a guest that runs (what we must not do)"
else
    fail "fence_virsh is missing (package fence-agents)"
fi
rm -f "$D/home/garbage"
touch "$D/home/sticky"
run_json hafence off $X $XS1 $PW --power-timeout 2 --json
json_check "a toolstack that accepts off and does nothing: not fenced" '(.result) != "ok"'
is running "$(state $XS1)" "  ... (the guest still runs)"
rm -f "$D/home/sticky"
touch "$D/home/hang"
t0=$(date +%s)
run_json hafence off $X $XS1 $PW --timeout 3 --json
t1=$(date +%s)
json_check "a Dom0 whose toolstack hangs: timed out" '(.result)=="timed-out"'
check "  ... within the deadline (3 s, ended after $((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
rm -f "$D/home/hang"

# ---- one connection for the instance, re-opened when it drops -------------------------
PS="$top_builddir/tests/peers/plugin-session $top_builddir/plugins/xvm/.libs/xvm.so address=127.0.0.1 port=$PORT username=$USER known_hosts=$D/known_hosts password=@$D/password"
mkfifo "$TMP/in"
$PS < "$TMP/in" > "$TMP/session.out" 2> "$TMP/session.err" &
pids="$pids $!"
exec 7> "$TMP/in"
n0=$(logins)
printf 'status %s\nstatus %s\nwait\n' $XS1 $XS3 >&7
n=0; while ! grep -q ready "$TMP/session.out" && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
is $((n0 + 1)) "$(logins)" "two calls on one instance: one login"
# drop the kept connection under the plugin: end this peer's sessions
"$PEER" drop "$D"
sleep 0.3
printf 'status %s\n' $XS1 >&7
exec 7>&-
wait_n=0; while kill -0 "${pids##* }" 2>/dev/null && [ $wait_n -lt 100 ]; do sleep 0.05; wait_n=$((wait_n + 1)); done
is 3 "$(grep -c '^status ok on' "$TMP/session.out")" "the call after the connection dropped still succeeds"
has "connecting again" "$(cat "$TMP/session.err")" "  ... on a connection opened again (logged)"
is $((n0 + 2)) "$(logins)" "  ... one new login"

# ---- hafence check ----------------------------------------------------------------------
run hafence check "$top_builddir/plugins/xvm/.libs/xvm.so" address=127.0.0.1 port="$PORT" username="$USER" \
    known_hosts="$D"/known_hosts --target xs3 $PW
is 0 "$rc" "hafence check passes on the plugin (with a test guest powered off and on)"
hasnt "FAIL" "$out" "  ... no item fails"

# ---- the Dom0 goes away mid-operation ------------------------------------------------------
touch "$D/home/hang"
t0=$(date +%s)
( hafence off $X $XS1 $PW --timeout 20 --json > "$TMP/away.json" 2>"$TMP/away.err" ) &
bg=$!
sleep 1
"$PEER" stop "$D"
wait $bg
t1=$(date +%s)
out=$(cat "$TMP/away.json")
json_check "the Dom0 goes away mid-operation: the fence fails" '(.result)=="unreachable"'
check "  ... saying the connection was lost, or refused on the engine's retry" \
    sh -c "printf '%s' '$out' | grep -Eq 'connection lost|cannot connect: Connection refused'"
check "  ... at once, well within the deadline (20 s; ended after $((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
run_json hafence status $X $XS1 $PW --timeout 5 --json
json_check "a Dom0 that is gone: unreachable" '(.result)=="unreachable"'
has "cannot connect" "$out" "  ... cannot connect"

# ---- transport=xapi: the Dom0's own XAPI (emulator) ------------------------------------------
cat > "$TMP/dom0.json" <<JSON
{"hosts": [{"uuid": "$HOST1", "name": "dom0", "live": true}],
 "vms": [{"uuid": "$XS1", "name": "xs1", "host": "$HOST1"},
         {"uuid": "$XS2", "name": "xs2", "host": "$HOST1", "power_state": "Halted"}]}
JSON
printf 'xapi-Secret-1\n' > "$TMP/xpw"; chmod 600 "$TMP/xpw"
python3 "$top_srcdir/tests/emulators/xapi.py" --port-file "$TMP/xapi.port" --pool "$TMP/dom0.json" \
    --password-file "$TMP/xpw" --log "$TMP/xapi.log" --lifetime 120 2>"$TMP/xapi.err" &
pids="$pids $!"
n=0; while [ ! -s "$TMP/xapi.port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
XA="xvm transport=xapi scheme=http address=127.0.0.1 port=$(cat "$TMP/xapi.port")"
run hafence status $XA $XS1 --password-file "$TMP/xpw"
is 0 "$rc" "xapi: status of a running guest: on"
run hafence off $XA $XS1 --password-file "$TMP/xpw"
is 0 "$rc" "xapi: off"
has "done (verified)" "$out" "  ... verified"
has "VM.hard_shutdown" "$(cat "$TMP/xapi.log")" "  ... through VM.hard_shutdown"
run hafence status $XA xs1 --password-file "$TMP/xpw"
is 2 "$rc" "xapi: status by name: off"
run hafence on $XA $XS1 --password-file "$TMP/xpw"
is 0 "$rc" "xapi: on (VM.start)"
run hafence reboot $XA xs1 --password-file "$TMP/xpw"
is 0 "$rc" "xapi: reboot"
run_json hafence status $XA $XS1 --password-file "$TMP/wrong" --json
json_check "xapi: a wrong password: auth-refused" '(.result)=="auth-refused"'
run_json hafence off $XA "no-such-guest" --password-file "$TMP/xpw" --json
json_check "xapi: an unknown guest: bad-parameter" '(.result)=="bad-parameter"'
run hafence list $XA --password-file "$TMP/xpw"
has "$XS2,xs2" "$out" "xapi: list"
hard_before=$(grep -c VM.hard_shutdown "$TMP/xapi.log")

# ---- the XAPI module: loaded only for transport=xapi, by the trust rule ----------------------
run env LD_DEBUG=files "$HAFENCE" status $XA $XS1 --password-file "$TMP/xpw" --plugin-dir "$TMP/no-plugins"
has "libcurl" "$out" "xapi: the module brings libcurl when it is used"
alone status $XA $XS1 --password-file "$TMP/xpw" --json
has '"result":"plugin-failed"' "$out" "  ... transport=xapi: plugin-failed"
has "$P/xvm/xapi.so" "$out" "  ... naming the module it needs"
has "127.0.0.1" "$out" "  ... and the Dom0"
mkdir -p "$P/xvm"
cp "$top_builddir/plugins/xvm/xapi/.libs/xapi.so" "$P/xvm/"
chmod 775 "$P/xvm"
alone off $XA $XS1 --password-file "$TMP/xpw"
is 1 "$rc" "a module in a directory others may write: refused (SPEC 9)"
has "plugins-alone/xvm: writable by its group" "$out" "  ... saying why (the directory the module is in)"
is "$hard_before" "$(grep -c VM.hard_shutdown "$TMP/xapi.log")" "  ... and nothing was sent"
chmod 755 "$P/xvm"
alone status $XA $XS1 --password-file "$TMP/xpw"
is 0 "$rc" "the module beside the plugin, trusted: transport=xapi works"

done_testing
