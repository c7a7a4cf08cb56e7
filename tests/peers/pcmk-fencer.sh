#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Pacemaker's fencer as a test peer: Debian's corosync (one node, node1, on
# loopback) and pacemaker-fenced, with fence agents laid over /usr/sbin (the
# only place the fencer runs agents from).  Run it inside a mount and
# network namespace of the caller's own (unshare --mount --net
# --propagation private): it mounts over /usr/sbin, /dev/shm and the
# cluster's state directories there, and brings loopback up.
#   pcmk-fencer.sh start DIR AGENT=PROGRAM...   e.g. fence_hafence_ipmi=/path/to/hafence
#   pcmk-fencer.sh stop DIR
# start returns once stonith_admin gets answers; logs in DIR.
set -eu
cmd=${1:?usage: pcmk-fencer.sh start|stop DIR ...}
dir=${2:?usage: pcmk-fencer.sh start|stop DIR ...}
fenced=/usr/lib/pacemaker/pacemaker-fenced

stop_pid() {
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    kill "$pid" 2>/dev/null || :
    n=0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    kill -s KILL "$pid" 2>/dev/null || :
    rm -f "$1"
}
if [ "$cmd" = stop ]; then
    stop_pid "$dir/fenced.pid"
    stop_pid "$dir/corosync.pid"
    exit 0
fi
shift 2
for p in corosync corosync-cmapctl stonith_admin; do
    command -v "$p" >/dev/null || { echo "pcmk-fencer: $p is missing (packages corosync, pacemaker-cli-utils)" >&2; exit 1; }
done
[ -x "$fenced" ] || { echo "pcmk-fencer: $fenced is missing (package pacemaker)" >&2; exit 1; }
# wait_for SECONDS COMMAND...: until the command succeeds, bounded
wait_for() {
    n=$(($1 * 10)); shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        [ $n -gt 0 ] || return 1
        sleep 0.1
    done
}

ip link set lo up
for d in /dev/shm /var/lib/corosync /var/lib/pacemaker /var/log/pacemaker /var/log/corosync /run/corosync; do
    if [ -d "$d" ]; then mount -t tmpfs -o mode=0755 tmpfs "$d"; fi
done
chmod 1777 /dev/shm
mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores
chown -R hacluster:haclient /var/lib/pacemaker 2>/dev/null || :

mkdir -p "$dir/sbin"
for a in "$@"; do ln -sf "${a#*=}" "$dir/sbin/${a%%=*}"; done
if ! mount -t overlay overlay -o "lowerdir=$dir/sbin:/usr/sbin" /usr/sbin 2>"$dir/overlay.err"; then
    # no overlayfs: a directory of links to the real /usr/sbin's files
    mkdir -p "$dir/sbin-real"
    mount --bind /usr/sbin "$dir/sbin-real"
    for f in "$dir"/sbin-real/*; do [ -e "$dir/sbin/${f##*/}" ] || ln -s "$f" "$dir/sbin/"; done
    mount --bind "$dir/sbin" /usr/sbin
fi

cat > "$dir/corosync.conf" <<CONF
totem {
    version: 2
    cluster_name: hafence-test
    crypto_cipher: none
    crypto_hash: none
}
logging {
    to_stderr: yes
    to_logfile: no
    to_syslog: no
}
quorum {
    provider: corosync_votequorum
}
nodelist {
    node {
        name: node1
        nodeid: 1
        ring0_addr: 127.0.0.1
    }
}
CONF
corosync -f -c "$dir/corosync.conf" > "$dir/corosync.log" 2>&1 &
echo $! > "$dir/corosync.pid"
wait_for 60 corosync-cmapctl totem.cluster_name || { echo "pcmk-fencer: corosync did not start:" >&2; tail -5 "$dir/corosync.log" >&2; exit 1; }
# the fencer keeps trying the CIB manager (none here) for a while first
PCMK_logfile=$dir/fenced.log PCMK_blackbox=no "$fenced" > "$dir/fenced.out" 2>&1 &
echo $! > "$dir/fenced.pid"
wait_for 120 stonith_admin --list-registered || { echo "pcmk-fencer: pacemaker-fenced does not answer:" >&2; tail -5 "$dir/fenced.log" >&2; exit 1; }
