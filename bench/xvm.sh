#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The xvm plugin against fence-agents' fence_virsh (the nearest peer), on
# the same real sshd (tests/peers/sshd-peer.sh, a fake virsh on the
# account's PATH) in one run, as whole processes (hyperfine):
#   status:   hafence (toolstack=virsh)  vs fence_virsh -o status  vs a plain ssh + virsh domstate
#             vs the floor: bench/floor/ssh-command.c, the smallest libssh2
#             client doing the same (handshake, host key checked, password,
#             one command), built here
#   off:      hafence off (then verified) vs fence_virsh -o off (which also reads the state back)
#   reboot:   hafence reboot (off, verify, on, verify: one SSH connection) vs fence_virsh -o reboot
# Prints medians and the ratios fence_virsh/hafence.  Never asserts on time.
# fence_virsh gets its own known-hosts file through --ssh-options (else it
# writes to root's), and the password on stdin (never argv).
#   bench/xvm.sh [BUILDDIR]          (default ./_build; needs root for the sshd peer)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in hyperfine jq fence_virsh ssh bc cc pkg-config; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
RUNS=${BENCH_RUNS:-30}
work=$(mktemp -d /tmp/hafence-bench-xvm.XXXXXX)
chmod 755 "$work" # the Dom0's test account lives below it
peer=$top/tests/peers/sshd-peer.sh
D=$work/dom0
trap '"$peer" stop "$D" >/dev/null 2>&1; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"

GUEST=0838afcc-1c6c-549b-a28c-d7916ca7753a
"$peer" start "$D" "$GUEST:xs1:running"
port=$(cat "$D/port"); user=$(cat "$D/user")
# a key without passphrase for the plain ssh baseline
ssh-keygen -q -t ed25519 -N '' -f "$work/plain_key"
cat "$work/plain_key.pub" >> "$D/home/.ssh/authorized_keys"

HAFENCE_PLUGIN_PATH=$build/plugins/xvm/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence"
hfopts="--plugin-dir $work/none --no-history --password-file $D/password"
xvm="xvm address=127.0.0.1 port=$port username=$user known_hosts=$D/known_hosts toolstack=virsh"
# fence_virsh's options on stdin; its default ssh options (a bash with the
# prompt it expects) kept after our known-hosts ones
fv_opts() {
    printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=%s\npasswd=%s\nplug=xs1\naction=%s\n' "$port" "$user" "$(cat "$D/password")" "$1"
    printf '%s\n' "ssh_options=-o UserKnownHostsFile=$D/known_hosts -o StrictHostKeyChecking=yes -t '/bin/bash -c \"PS1=\\\\[EXPECT\\\\]# /bin/bash --noprofile --norc\"'"
}
for a in status off reboot; do fv_opts $a > "$work/fv-$a"; chmod 600 "$work/fv-$a"; done
plain="ssh -q -o BatchMode=yes -o UserKnownHostsFile=$D/known_hosts -o StrictHostKeyChecking=yes -i $work/plain_key -p $port $user@127.0.0.1 virsh domstate xs1"
running="echo running > $D/home/guests/$GUEST/state"
# shellcheck disable=SC2046 # pkg-config's flags, split into words
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -o "$work/floor" "$top/bench/floor/ssh-command.c" $(pkg-config --cflags --libs libssh2)
floor="$work/floor 127.0.0.1 $port $user $D/password $D/known_hosts virsh\ domstate\ xs1"

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$results/xvm-status.json" \
    -n hafence "$hf status $xvm xs1 $hfopts" \
    -n floor "$floor" \
    -n fence_virsh "sh -c 'fence_virsh < $work/fv-status'" \
    -n ssh "$plain" >/dev/null 2>"$work/err1" || { cat "$work/err1"; exit 1; }
hyperfine --warmup 2 --runs "$RUNS" --prepare "$running" --export-json "$results/xvm-off.json" \
    -n hafence "$hf off $xvm xs1 $hfopts" \
    -n fence_virsh "fence_virsh < $work/fv-off" >/dev/null 2>"$work/err2" || { cat "$work/err2"; exit 1; }
hyperfine --warmup 2 --runs "$RUNS" --prepare "$running" --export-json "$results/xvm-reboot.json" \
    -n hafence "$hf reboot $xvm xs1 $hfopts" \
    -n fence_virsh "fence_virsh < $work/fv-reboot" >/dev/null 2>"$work/err3" || { cat "$work/err3"; exit 1; }

median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median * 1000' "$1"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
s_hf=$(median "$results/xvm-status.json" hafence); s_fv=$(median "$results/xvm-status.json" fence_virsh)
s_ssh=$(median "$results/xvm-status.json" ssh)
s_fl=$(median "$results/xvm-status.json" floor)
o_hf=$(median "$results/xvm-off.json" hafence); o_fv=$(median "$results/xvm-off.json" fence_virsh)
r_hf=$(median "$results/xvm-reboot.json" hafence); r_fv=$(median "$results/xvm-reboot.json" fence_virsh)

echo "xvm plugin vs fence_virsh (medians of $RUNS runs, whole processes, one real sshd on loopback)"
printf '  %-32s %9.1f ms   hafence/floor       = %sx (target <= 2)\n' "status: hafence" "$s_hf" "$(ratio "$s_hf" "$s_fl")"
printf '  %-32s %9.1f ms\n' "status: floor (libssh2, one command)" "$s_fl"
printf '  %-32s %9.1f ms   fence_virsh/hafence = %sx\n' "status: fence_virsh" "$s_fv" "$(ratio "$s_fv" "$s_hf")"
printf '  %-32s %9.1f ms   ssh/hafence         = %sx\n' "status: plain ssh + virsh" "$s_ssh" "$(ratio "$s_ssh" "$s_hf")"
printf '  %-32s %9.1f ms\n' "off + verify: hafence" "$o_hf"
printf '  %-32s %9.1f ms   fence_virsh/hafence = %sx\n' "off + verify: fence_virsh" "$o_fv" "$(ratio "$o_fv" "$o_hf")"
printf '  %-32s %9.1f ms\n' "reboot: hafence" "$r_hf"
printf '  %-32s %9.1f ms   fence_virsh/hafence = %sx\n' "reboot: fence_virsh" "$r_fv" "$(ratio "$r_fv" "$r_hf")"
echo "raw results: $results/xvm-*.json"
