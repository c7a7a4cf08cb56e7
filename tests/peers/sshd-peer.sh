#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Devices reached over SSH, behind OpenSSH's own sshd on loopback with its
# own config, host keys and test account:
#   port   a Dom0: the fake toolstack (xe, xl, virsh from tests/peers/
#          dom0-tools) first on the account's PATH
#   port2  the same, without the "password" method (keyboard-interactive)
#   port3  an iLO's SMASH CLP (tests/peers/board-shells/ilo-clp) as the
#          login's forced command
#   port4  an iRMC's text menu (tests/peers/board-shells/irmc-menu)
#
#   sshd-peer.sh start DIR [GUEST-UUID:NAME:STATE...]
#   sshd-peer.sh drop DIR      end this peer's open sessions (the connections drop)
#   sshd-peer.sh stop DIR
#
# sshd runs in private mount and PID namespaces (root needed): copies of
# /etc/passwd, /etc/group and /etc/shadow with the test account added, its
# own PAM stack, the fake tools over /usr/local/bin, and tmpfs over /run and
# /var/log are bind-mounted there, so the machine's accounts and files are
# never touched.  Killing the namespace's first process ends every session.
#
# start writes into DIR: port, port2, port3, port4 (above),
# password, user, id_ed25519 (+ .pub, passphrase "key-Phrase-7"),
# known_hosts (the server's keys, [127.0.0.1]:PORT form), home/ (the
# account's HOME: guests/, commands.log; touch hang, sticky or garbage
# there to make the Dom0 misbehave; board/power and board/commands.log for
# the board shells, with their own misbehaviour files), sshd.log, ns.pid.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: sshd-peer.sh start|stop DIR}
dir=${2:?usage: sshd-peer.sh start|stop DIR}
SSHD_USER=hfdom0
SSHD_UID=64990

stop() {
    [ -s "$dir/ns.pid" ] || return 0
    # unshare ignores SIGTERM while it waits; SIGKILL reaches its child
    # (--kill-child), the namespace's first process, and with it every other
    kill -KILL "$(cat "$dir/ns.pid")" 2>/dev/null || true
    n=0
    while kill -0 "$(cat "$dir/ns.pid")" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
    rm -f "$dir/ns.pid"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi
if [ "$cmd" = drop ]; then
    # the listener is the namespace's first process; each connection is a
    # child of it (the monitor) with the session under it: only this peer's
    # sessions go, never another test's
    listener=$(pgrep -P "$(cat "$dir/ns.pid")")
    for monitor in $(pgrep -P "$listener"); do
        pkill -KILL -P "$monitor" || true
        kill -KILL "$monitor" 2>/dev/null || true
    done
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "sshd-peer: needs root (mount and PID namespaces)" >&2; exit 77; }
[ -x /usr/sbin/sshd ] || { echo "sshd-peer: /usr/sbin/sshd missing (package openssh-server)" >&2; exit 77; }
shift 2
mkdir -p "$dir/etc" "$dir/pam.d" "$dir/home/.ssh" "$dir/home/guests" "$dir/hostkeys" "$dir/bin"
chmod 755 "$dir"
cp "$here/dom0-tools/xe" "$here/dom0-tools/xl" "$here/dom0-tools/virsh" "$here/dom0-tools/guests.sh" \
    "$here/board-shells/ilo-clp" "$here/board-shells/irmc-menu" "$dir/bin/"
chmod 755 "$dir/bin/xe" "$dir/bin/xl" "$dir/bin/virsh" "$dir/bin/ilo-clp" "$dir/bin/irmc-menu"

# the test account, its password and key
password="dom0-Secret-$$"
printf '%s\n' "$password" > "$dir/password"
printf '%s\n' "$SSHD_USER" > "$dir/user"
chmod 600 "$dir/password"
hash=$(printf '%s' "$password" | openssl passwd -6 -stdin)
cp /etc/passwd /etc/group "$dir/etc/"
cp /etc/shadow "$dir/etc/shadow"
grep -v "^$SSHD_USER:" /etc/passwd > "$dir/etc/passwd" || true
printf '%s:x:%d:%d:hafence test Dom0:%s:/bin/sh\n' "$SSHD_USER" $SSHD_UID $SSHD_UID "$dir/home" >> "$dir/etc/passwd"
printf '%s:x:%d:\n' "$SSHD_USER" $SSHD_UID >> "$dir/etc/group"
grep -v "^$SSHD_USER:" /etc/shadow > "$dir/etc/shadow" || true
printf '%s:%s:19000:0:99999:7:::\n' "$SSHD_USER" "$hash" >> "$dir/etc/shadow"
chmod 640 "$dir/etc/shadow"
rm -f "$dir/id_ed25519" "$dir/id_ed25519.pub"
ssh-keygen -q -t ed25519 -N key-Phrase-7 -C hafence-test -f "$dir/id_ed25519"
cp "$dir/id_ed25519.pub" "$dir/home/.ssh/authorized_keys"

# guests: UUID:NAME:STATE
for g in "$@"; do
    u=${g%%:*}; rest=${g#*:}
    mkdir -p "$dir/home/guests/$u"
    printf '%s\n' "${rest%%:*}" > "$dir/home/guests/$u/name"
    printf '%s\n' "${rest#*:}" > "$dir/home/guests/$u/state"
done
: > "$dir/home/commands.log"
mkdir -p "$dir/home/board"
echo On > "$dir/home/board/power"
chown -R $SSHD_UID:$SSHD_UID "$dir/home"
if ! setpriv --reuid=$SSHD_UID --regid=$SSHD_UID --clear-groups test -w "$dir/home/commands.log"; then
    echo "sshd-peer: the test account cannot reach $dir/home (a parent directory is not searchable by others)" >&2
    exit 1
fi

# its own PAM stack: passwords from the shadow copy, nothing else
cat > "$dir/pam.d/sshd" <<'PAM'
auth     required pam_unix.so
account  required pam_unix.so
password required pam_deny.so
session  required pam_permit.so
PAM

# the server: two ports, the second without the "password" method
for t in ed25519 ecdsa; do
    [ -s "$dir/hostkeys/ssh_host_${t}_key" ] || ssh-keygen -q -t $t -N '' -f "$dir/hostkeys/ssh_host_${t}_key"
done
port=$(free_port); port2=$(free_port); port3=$(free_port); port4=$(free_port)
while [ "$(printf '%s\n' "$port" "$port2" "$port3" "$port4" | sort -u | wc -l)" -ne 4 ]; do
    port2=$(free_port); port3=$(free_port); port4=$(free_port)
done
cat > "$dir/sshd_config" <<CFG
Port $port
Port $port2
Port $port3
Port $port4
ListenAddress 127.0.0.1
HostKey $dir/hostkeys/ssh_host_ed25519_key
HostKey $dir/hostkeys/ssh_host_ecdsa_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/home/.ssh/authorized_keys
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $SSHD_USER
StrictModes no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 100
MaxSessions 100
LoginGraceTime 30
Match LocalPort $port2
    PasswordAuthentication no
Match LocalPort $port3
    ForceCommand /usr/local/bin/ilo-clp
Match LocalPort $port4
    ForceCommand /usr/local/bin/irmc-menu
CFG
printf '%s\n' "$port" > "$dir/port"
printf '%s\n' "$port2" > "$dir/port2"
printf '%s\n' "$port3" > "$dir/port3"
printf '%s\n' "$port4" > "$dir/port4"
for p in $port $port2 $port3 $port4; do
    for t in ed25519 ecdsa; do
        printf '[127.0.0.1]:%s %s\n' "$p" "$(cut -d' ' -f1-2 "$dir/hostkeys/ssh_host_${t}_key.pub")"
    done
done > "$dir/known_hosts"

stop
: > "$dir/sshd.log"
# shellcheck disable=SC2016 # expanded later, by the program it is written for
unshare --mount --pid --fork --kill-child --propagation private sh -c '
    d=$1
    mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && chmod 755 /run/sshd
    mount -t tmpfs tmpfs /var/log
    for f in passwd group shadow; do mount --bind "$d/etc/$f" /etc/$f; done
    mount --bind "$d/pam.d/sshd" /etc/pam.d/sshd
    mount --bind "$d/bin" /usr/local/bin
    exec /usr/sbin/sshd -D -e -f "$d/sshd_config"
' sshd-peer "$dir" >>"$dir/sshd.log" 2>&1 </dev/null &
echo $! > "$dir/ns.pid"
# ready when both ports accept connections
n=0
until python3 - "$port" "$port2" "$port3" "$port4" <<'PY' 2>/dev/null
import socket, sys
for p in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(p)), 0.2).close()
PY
do
    n=$((n + 1))
    if [ $n -ge 100 ] || ! kill -0 "$(cat "$dir/ns.pid")" 2>/dev/null; then
        echo "sshd-peer: sshd did not start:" >&2
        cat "$dir/sshd.log" >&2
        stop
        exit 1
    fi
    sleep 0.05
done
