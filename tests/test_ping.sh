#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The ping heuristic: loopback answers; an address that does not answer,
# inside a network namespace this test creates; the three socket paths
# (ICMP datagram, raw, neither).
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

run hafence heuristics ping addresses=127.0.0.1
is 0 "$rc" "127.0.0.1 answers: vote pass (exit 0)"
has "vote pass" "$out" "the vote is printed"
run hafence heuristics ping addresses=::1
is 0 "$rc" "::1 answers (ICMPv6)"
run hafence heuristics ping addresses=localhost
is 0 "$rc" "a name is resolved and answers"
run hafence heuristics ping "addresses=127.0.0.1:[::1]:127.0.0.2"
is 0 "$rc" "HA-Lizard ':'-separated list with a bracketed IPv6"
has "all 3 addresses answered" "$out" "all three counted"
run hafence heuristics ping "addresses=127.0.0.1, 127.0.0.3"
is 0 "$rc" "comma-separated list"
run hafence heuristics ping
is 2 "$rc" "no address configured: unknown, never pass (exit 2)"
has "vote unknown" "$out" "says unknown"
run hafence heuristics ping "addresses=127.0.0.1;reboot"
is 2 "$rc" "shell metacharacters: refused, no vote (exit 2)"
has "bad-parameter" "$out" "reported as a bad parameter"

# In a network namespace of our own: 192.0.2.2 sits behind a veth pair with
# a static neighbour entry, so echo requests leave and nothing answers.
if ! unshare -n true 2>/dev/null; then
    fail "cannot create a network namespace (unshare -n): run as root"
    done_testing
    exit 0
fi
NS_SETUP='ip link set lo up &&
  ip link add hf0 type veth peer name hf1 &&
  ip addr add 192.0.2.1/24 dev hf0 && ip link set hf0 up && ip link set hf1 up &&
  ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev hf0 nud permanent'
export NS_SETUP
in_ns() { unshare -n sh -c "$NS_SETUP && $1"; }

run in_ns "'$HAFENCE' heuristics ping addresses=127.0.0.1:192.0.2.2 timeout_ms=600 tries=2 --plugin-dir /nonexistent"
is 1 "$rc" "in a namespace: one silent address fails the vote"
has "1 of 2 addresses answered" "$out" "counts the answers"
has "192.0.2.2 (no answer)" "$out" "names the silent address"
# the daemon's peer check: every address in one call, each reported
run in_ns "'$HAFENCE' probe ping addresses=127.0.0.1,192.0.2.2,::1 timeout_ms=600 tries=2 --plugin-dir /nonexistent"
is 1 "$rc" "probe: one silent address of three (exit 1)"
has "127.0.0.1: answers" "$out" "  ... each address on its line"
has "192.0.2.2: silent (no answer)" "$out" "  ... the silent one said so"
has "::1: answers" "$out" "  ... IPv6 beside IPv4 in the same call"
run in_ns "'$HAFENCE' probe ping addresses=127.0.0.1,::1 --json --plugin-dir /nonexistent"
is 0 "$rc" "probe: all answer (exit 0)"
has '"answered":true' "$out" "  ... --json: each address's answer"
run in_ns "'$HAFENCE' heuristics ping addresses=192.0.2.1 timeout_ms=600 --plugin-dir /nonexistent"
is 0 "$rc" "in a namespace: its own address answers"
# a name that does not resolve (inside the namespace, so that no DNS query
# can leave this machine)
run in_ns "'$HAFENCE' heuristics ping addresses=no-such-host.invalid timeout_ms=500 --plugin-dir /nonexistent"
is 1 "$rc" "a name that does not resolve: fail"
has "no-such-host.invalid (cannot resolve" "$out" "and why"

# socket paths: datagram (unprivileged, allowed by ping_group_range), raw
# (root, datagram not allowed), and neither (unprivileged, not allowed)
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
run in_ns "sysctl -qw net.ipv4.ping_group_range='0 2147483647' && $NOBODY '$HAFENCE' heuristics ping addresses=127.0.0.1 --plugin-dir /nonexistent"
is 0 "$rc" "unprivileged ICMP datagram socket: pass"
run in_ns "sysctl -qw net.ipv4.ping_group_range='1 0' && '$HAFENCE' heuristics ping addresses=127.0.0.1 --plugin-dir /nonexistent"
is 0 "$rc" "raw socket as root when datagram sockets are not allowed: pass"
run in_ns "sysctl -qw net.ipv4.ping_group_range='1 0' && $NOBODY '$HAFENCE' heuristics ping addresses=127.0.0.1 --plugin-dir /nonexistent"
is 2 "$rc" "neither socket: unknown, not a pass"
has "ping_group_range" "$out" "the error says what to change"
has "CAP_NET_RAW" "$out" "and what the raw socket needs"

done_testing
