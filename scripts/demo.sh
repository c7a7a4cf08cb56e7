#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: installs what is needed, builds hafence, and
#  - with no arguments, runs the demo lab: three simulated hosts whose BMCs
#    are OpenIPMI's ipmi_sim on loopback, a HA-Lizard config and host map;
#    fences one host with hafence, shows the power states before and after,
#    then stops the lab;
#  - with a HA-Lizard config that names real BMCs, fences those instead:
#      scripts/demo.sh -c /etc/ha-lizard/ha-lizard.conf <host-uuid>...
#  - "pool": a pool of three hosts in network namespaces (tests/lab/lab.sh),
#    the real hafenced on each; the master crashes, the autopromote slave
#    fences it and takes over; its history at the end (root: namespaces)
#  - with a hafence command, runs it:
#      scripts/demo.sh status ipmi address=10.0.0.5 username=admin --password-file /root/bmc.pw
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup-debian.sh" >/dev/null
"$top/scripts/build.sh" "$top/_build"
build=$top/_build
HAFENCE_PLUGIN_PATH=$build/plugins/ipmi/.libs:$build/plugins/script/.libs:$build/plugins/ping/.libs:$build/plugins/pool/.libs
export HAFENCE_PLUGIN_PATH
hafence=$build/hafence

show() { echo "\$ hafence $*" | sed "s|${lab:-/nonexistent}|\$LAB|g"; "$hafence" "$@" 2>&1 | sed "s|${lab:-/nonexistent}|\$LAB|g" || true; echo; }

# Fence the hosts a config names: power state before, the fence, after.
fence_with_config() { # -c CONFIG [-c OVERRIDE] UUID...
    echo "-- power state before"
    show status "$@"
    echo "-- fence (the configured FENCE_ACTION; off is verified by reading the BMC back)"
    show fence "$@"
    echo "-- power state after"
    show status "$@"
    echo "-- the record"
    show history
}

# The pool mode: real daemons, a master that crashes, a slave that takes over.
pool_demo() {
    [ "$(id -u)" = 0 ] || { echo "demo: the pool lab needs root (network namespaces)" >&2; exit 1; }
    labsh=$top/tests/lab/lab.sh
    lab=$(mktemp -d /tmp/hafence-pool.XXXXXX)
    trap 'top_builddir="$build" "$labsh" down "$lab" >/dev/null 2>&1; rm -rf "$lab"' EXIT
    echo "== a pool of three hosts, each a network namespace running hafenced and its XAPI; BMCs are ipmi_sim =="
    top_builddir=$build "$labsh" up "$lab" 3
    n=0
    until jq -e '.role == "autopromote slave" and all(.peers[]; .state == "ok")' "$lab/h2/state/status.json" >/dev/null 2>&1; do
        n=$((n + 1)); [ $n -lt 200 ] || { echo "demo: the pool did not settle" >&2; exit 1; }; sleep 0.1
    done
    echo "-- xs2's view: xs1 is master, xs2 the autopromote slave"
    show status-pool --state-dir "$lab/h2/state"
    echo "-- xs1, the master, crashes (its processes frozen, its link silent)"
    top_builddir=$build "$labsh" fault "$lab" crash 1
    n=0
    until grep -q '"action":"vm-start"' "$lab/h2/history.jsonl" 2>/dev/null; do
        n=$((n + 1)); [ $n -lt 300 ] || { echo "demo: no takeover within 30 s" >&2; break; }; sleep 0.1
    done
    sleep 2
    echo "-- xs2 fenced xs1 (its BMC reads off), became master, and chose xs3 as autopromote slave"
    show status-pool --state-dir "$lab/h2/state"
    echo "-- xs1's BMC: power $(cat "$lab/bmcs/bmc1/power")"
    echo
    echo "-- xs2's fence history"
    show history --history "$lab/h2/history.jsonl"
}

case "${1:-}" in
"") ;;
-c) fence_with_config "$@"; exit 0 ;;
pool) pool_demo; exit 0 ;;
*) exec "$hafence" "$@" ;;
esac

lab=$(mktemp -d /tmp/hafence-lab.XXXXXX)
sim=$top/tests/peers/bmc-sim.sh
BMC_POWER_MODULE=$build/tests/peers/.libs/bmc-power.so
HAFENCE_HISTORY=$lab/history.jsonl
export BMC_POWER_MODULE HAFENCE_HISTORY
trap '"$sim" stop "$lab/bmcs" >/dev/null 2>&1; rm -rf "$lab"' EXIT

echo "== hafence demo lab: three hosts, each with a simulated BMC (ipmi_sim) on loopback =="
"$sim" start "$lab/bmcs" 3 >/dev/null
hosts="2f4a4020-fe8c-4686-a65d-501a19a06716 33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b 9b9a243a-abf3-485f-bb37-e43b29555cbe"
mkdir -p "$lab/fence/IPMI"
i=1
for h in $hosts; do
    echo "$h:127.0.0.1:$(cat "$lab/bmcs/bmc$i/port")" >> "$lab/fence/IPMI/IPMI.hosts"
    i=$((i + 1))
done
printf 'operpw\n' > "$lab/bmc.pw"
chmod 600 "$lab/bmc.pw"
cat > "$lab/ha-lizard.conf" <<CONF
FENCE_ENABLED=1
FENCE_ACTION=stop
FENCE_METHOD=IPMI
FENCE_FILE_LOC=$lab/fence
FENCE_PASSWD_FILE=$lab/bmc.pw
FENCE_MIN_HOSTS=2
FENCE_QUORUM_REQUIRED=1
FENCE_USE_IP_HEURISTICS=1
FENCE_HEURISTICS_IPS=127.0.0.1:[::1]
IPMI_USERNAME=oper
# ipmi_sim needs this FreeIPMI workaround, as some real BMCs do
IPMI_WORKAROUNDS=opensesspriv
CONF
chmod 600 "$lab/ha-lizard.conf"
echo "\$LAB/ha-lizard.conf:"; sed "s|$lab|\$LAB|g; s/^/    /" "$lab/ha-lizard.conf"
echo "\$LAB/fence/IPMI/IPMI.hosts:"; sed 's/^/    /' "$lab/fence/IPMI/IPMI.hosts"
echo
# shellcheck disable=SC2086 # the host list, one word each
set -- $hosts
echo "-- the heuristic vote a survivor would add to its quorum count"
show heuristics -c "$lab/ha-lizard.conf"
echo "-- power state of the pool before"
show status -c "$lab/ha-lizard.conf" "$@"
echo "-- host $2 has failed: fence it (FENCE_ACTION=stop, verified off)"
show fence -c "$lab/ha-lizard.conf" "$2"
echo "-- power state of the pool after"
show status -c "$lab/ha-lizard.conf" "$@"
echo "-- what the simulated BMC of $2 was asked"
sed 's/^/    /' "$lab/bmcs/bmc2/log"; echo
echo "-- the record"
show history
echo "-- stopping the lab"
