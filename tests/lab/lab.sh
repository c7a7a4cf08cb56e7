#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The pool lab: a pool of N simulated XenServer hosts on one machine, each
# host a network namespace running the real hafenced and its own XAPI (the
# emulator), joined by a bridge for the management network; an
# out-of-band network for the BMCs (ipmi_sim), whose power-off really
# stops the host (its processes killed, its links down), and a switched PDU
# (net-snmp's snmpd) feeding every host, outlet I host I: FENCE_METHOD is
# IPMI, then the PDU (IPMI,PDU:SNMP-PDU), as a pool that survives a dead BMC
# is built.  Root only.
#
#   lab.sh up DIR N                 build it (hosts 1..N, host 1 master)
#   lab.sh down DIR                 tear it all down (also after a crash)
#   lab.sh down-all -               every lab's namespaces and processes, even
#                                   with their directories gone
#   lab.sh start DIR I | stop DIR I the host's XAPI and daemon
#   lab.sh power DIR I 0|1          what the BMC's power does (its hook)
#   lab.sh reboot DIR I             a host's self-fence reboot (its daemon runs it)
#   lab.sh fault DIR FAULT ARGS     inject:
#       crash I         the host hangs: its processes frozen, no answer (thaw I)
#       link-down I     its management link goes down (link-up I)
#       split "I J" "K"   the management network splits into groups (heal)
#       heuristic-loss I  the heuristic target stops answering host I (heuristic-back I)
#       bmc-dead I      the host's BMC stops answering (bmc-back I)
#       pdu-dead        the PDU stops answering (pdu-back)
#       xapi-hang I     the host's XAPI stops answering (xapi-resume I)
#       maintenance I   the host is put in maintenance (host.disable at the master)
#       ha-off          HA switched off for the pool (its XenCenter custom field =false)
#       cut I J         a partial partition: I and J lose each other only (heal)
#       deaf I J        I no longer hears J (one direction dropped; heal)
#       lossy I PCT     PCT % lost each way on I's management link (heal)
#       lossy-between "I J" "K" PCT   PCT % lost between two groups (heal)
#       slow I MS [JITTER]             I's link delays MS +/- JITTER each way (fast I, heal)
#       slow-between "I J" "K" MS JITTER   between two groups (heal)
#       flap I [PERIOD_MS SECONDS]     I's link down and up, for a while (steady I)
#       daemon-kill I   hafenced killed (SIGKILL), restarted 5 s later as systemd would
#       daemon-stop I   hafenced stopped (SIGSTOP) until daemon-cont I
#       disk-full I     its state directory's disk full (disk-free I)
#       bmc-slow I MS   its BMC's power changes read back MS later (bmc-fast I)
#       bmc-flaky I     its BMC answers every other request (heal)
#   lab.sh exec DIR I CMD...        run in host I's namespace
#
# up reads LAB_VMS (VMs per host, default 2), LAB_POOL_JQ (a jq filter that
# reshapes the pool description: VM order, vApps) and LAB_CONFIG (more lines
# for the pool-wide config), LAB_XAPI_REPLICATE=1 (the master's XAPI
# database reaches the slaves, as with XenServer's redo log: a slave that
# takes over starts from it; else from the pool as it was at the start,
# a backup older than the faults).  The pool is HA-Lizard's default one: every VM
# of a failed host comes back (GLOBAL_VM_HA=1), the first of each host
# flagged true in its XenCenter custom field, the others false.
#
# Addresses exist only inside the lab's namespaces: management 10.77.0.0/24
# (host I at .1I, the heuristic target at .1), out-of-band 10.78.0.0/24 (BMC
# I at .10I, host I at .1I, the PDU at .100).  LAB_PDU=0: no PDU (IPMI alone).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${top_builddir:-$top/_build}
HAFENCED=${HAFENCED:-$build/hafenced}
BMC_POWER_MODULE=${BMC_POWER_MODULE:-$build/tests/peers/.libs/bmc-power.so}
NFQ_DELAY=${NFQ_DELAY:-$build/tests/peers/nfq-delay}
HAFENCE_PLUGIN_PATH=${HAFENCE_PLUGIN_PATH:-$build/plugins/ipmi/.libs:$build/plugins/snmp-pdu/.libs:$build/plugins/pool/.libs:$build/plugins/ping/.libs:$build/plugins/script/.libs}
export BMC_POWER_MODULE HAFENCE_PLUGIN_PATH
cmd=${1:?usage: lab.sh up|down|start|stop|power|reboot|fault|exec DIR ...}
DIR=${2:?usage: lab.sh COMMAND DIR ...}
shift 2

# shellcheck source=tests/peers/pool-json.sh
. "$top/tests/peers/pool-json.sh"
uuid() { pool_uuid "$1"; }
mgmt() { echo "10.77.0.$((10 + $1))"; }
oob() { echo "10.78.0.$((10 + $1))"; }
bmc() { echo "10.78.0.$((100 + $1))"; }
PDU_ADDRESS=10.78.0.100
die() { echo "lab: $*" >&2; exit 1; }
# shellcheck source=/dev/null # the lab's env, written by "up"
load() { [ -f "$DIR/env" ] || die "$DIR: no lab here"; . "$DIR/env"; }
ns() { echo "${P}h$1"; }
in_ns() { n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

host_start() {
    i=$1
    mkdir -p "$DIR/h$i"
    slave=""; [ "$i" -gt 1 ] && slave="--slave-of $(mgmt 1)"
    [ ! -e "$DIR/xapi.replicate" ] || slave="$slave --replicate"
    # shellcheck disable=SC2086
    in_ns "$i" setsid python3 "$top/tests/emulators/xapi.py" --port-file "$DIR/h$i/xapi.port" \
        --pool "$DIR/pool.json" --password-file "$DIR/xapi.pw" --bind "$(mgmt "$i")" --port 80 \
        --control "$DIR/control" --self "$(uuid "$i")" --log "$DIR/h$i/xapi.log" --lifetime 7200 \
        $slave >>"$DIR/h$i/xapi.err" 2>&1 < /dev/null &
    n=0; while [ ! -s "$DIR/h$i/xapi.port" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
    ns_pid "$i" "--port-file $DIR/h$i/xapi.port" > "$DIR/h$i/xapi.pid"
    daemon_start "$i"
}

# The pid of the process in host I's namespace whose command line holds
# TEXT ($! is the shell's, not the process' that ip netns exec started);
# waits for it a little (bounded).
ns_pid() {
    n=0
    while [ $n -lt 100 ]; do
        for p in $(ip netns pids "$(ns "$1")" 2>/dev/null); do
            tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$2" && { echo "$p"; return 0; }
        done
        sleep 0.05; n=$((n + 1))
    done
}

daemon_start() {
    i=$1
    in_ns "$i" setsid "$HAFENCED" --foreground -v -c "$DIR/pool.conf" -o "$DIR/h$i/host.conf" \
        --state-dir "$DIR/h$i/state" --history "$DIR/h$i/history.jsonl" --host-uuid "$(uuid "$i")" \
        --plugin-dir "$DIR/no-plugins" >>"$DIR/h$i/daemon.log" 2>&1 < /dev/null &
    ns_pid "$i" "--state-dir $DIR/h$i/state" > "$DIR/h$i/daemon.pid"
}

host_stop() {
    for p in $(ip netns pids "$(ns "$1")" 2>/dev/null); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
    rm -f "$DIR/h$1/xapi.port" "$DIR/h$1/xapi.pid" "$DIR/h$1/daemon.pid" "$DIR/h$1/slow.pid"
}

up() {
    N=${1:?lab.sh up DIR N}
    [ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces)"
    [ ! -f "$DIR/env" ] || die "$DIR: a lab is already up (lab.sh down $DIR)"
    mkdir -p "$DIR/control/live" "$DIR/fence/IPMI"
    P="hfl$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
    printf 'P=%s\nN=%s\n' "$P" "$N" > "$DIR/env"
    printf 'xapi-Lab-pw\n' > "$DIR/xapi.pw"; printf 'adminpw\n' > "$DIR/ipmi.pw"
    chmod 600 "$DIR/xapi.pw" "$DIR/ipmi.pw"
    # the switch: management and out-of-band bridges, the heuristic target
    ip netns add "${P}sw" || die "cannot create network namespaces"
    ip -n "${P}sw" link set lo up
    for br in mgmt oob; do
        ip -n "${P}sw" link add "$br" type bridge
        ip -n "${P}sw" link set "$br" up
    done
    ip -n "${P}sw" addr add 10.77.0.1/24 dev mgmt
    i=1; while [ $i -le "$N" ]; do
        ip netns add "$(ns $i)"
        ip -n "$(ns $i)" link set lo up
        ip link add eth0 netns "$(ns $i)" type veth peer name "m$i" netns "${P}sw"
        ip link add bmc0 netns "$(ns $i)" type veth peer name "o$i" netns "${P}sw"
        ip -n "${P}sw" link set "m$i" master mgmt up
        ip -n "${P}sw" link set "o$i" master oob up
        ip -n "$(ns $i)" addr add "$(mgmt $i)/24" dev eth0
        ip -n "$(ns $i)" addr add "$(oob $i)/24" dev bmc0
        ip -n "$(ns $i)" link set eth0 up
        ip -n "$(ns $i)" link set bmc0 up
        ip -n "${P}sw" addr add "$(bmc $i)/24" dev oob
        i=$((i + 1))
    done
    # the BMCs, on the out-of-band network; power-off stops the host
    BMC_SIM_ADDRESS="10.78.0.10%d" BMC_SIM_PORT=623 ip netns exec "${P}sw" \
        "$top/tests/peers/bmc-sim.sh" start "$DIR/bmcs" "$N" > "$DIR/bmcs.txt" 2>&1 || { cat "$DIR/bmcs.txt" >&2; die "BMCs did not start"; }
    i=1; while [ $i -le "$N" ]; do
        # shellcheck disable=SC2016 # expanded later, by the program it is written for
        printf '#!/bin/sh\nexec "%s" power "%s" %d "$1"\n' "$here/lab.sh" "$DIR" $i > "$DIR/bmcs/bmc$i/hook"
        chmod 755 "$DIR/bmcs/bmc$i/hook"
        echo "$(uuid $i):$(bmc $i):623" >> "$DIR/fence/IPMI/IPMI.hosts"
        echo 1 > "$DIR/control/live/$(uuid $i)"
        i=$((i + 1))
    done
    if [ "${LAB_PDU:-1}" != 0 ]; then
        # the PDU: outlet I feeds host I; switching it off stops the host
        mkdir -p "$DIR/fence/PDU"
        ip -n "${P}sw" addr add "$PDU_ADDRESS/24" dev oob
        names=""; i=1; while [ $i -le "$N" ]; do names="$names xs$i"; i=$((i + 1)); done
        # shellcheck disable=SC2086 # one outlet name per host
        SNMP_PERSISTENT_DIR=$DIR/pdu/persist PDU_SNMPD_ADDRESS=$PDU_ADDRESS PDU_SNMPD_PORT=161 PDU_SNMPD_SOURCE=10.78.0.0/24 \
            ip netns exec "${P}sw" "$top/tests/peers/pdu-snmpd.sh" start "$DIR/pdu" apc-rpdu .1.3.6.1.4.1.318.1.3.4.2 $names \
            > "$DIR/pdu.txt" 2>&1 || { cat "$DIR/pdu.txt" >&2; die "the PDU did not start"; }
        # shellcheck disable=SC2016 # expanded later, by the program it is written for
        printf '#!/bin/sh\nexec "%s" power "%s" "$1" "$([ "$2" = on ] && echo 1 || echo 0)"\n' "$here/lab.sh" "$DIR" \
            > "$DIR/pdu/state/hook"
        chmod 755 "$DIR/pdu/state/hook"
        printf 'private-rw\n' > "$DIR/pdu.rw"; chmod 600 "$DIR/pdu.rw"
        i=1; while [ $i -le "$N" ]; do echo "$(uuid $i):$PDU_ADDRESS:$i" >> "$DIR/fence/PDU/PDU.hosts"; i=$((i + 1)); done
    fi
    pool_json "$N" "${LAB_VMS:-2}" 10.77.0 > "$DIR/pool.json"
    # kept for every host started later (a host powered on again)
    if [ "${LAB_XAPI_REPLICATE:-0}" = 1 ]; then : > "$DIR/xapi.replicate"; else rm -f "$DIR/xapi.replicate"; fi
    if [ -n "${LAB_POOL_JQ:-}" ]; then
        # shellcheck disable=SC2015 # die when either step fails
        jq "$LAB_POOL_JQ" "$DIR/pool.json" > "$DIR/pool.json.new" && mv "$DIR/pool.json.new" "$DIR/pool.json" ||
            die "LAB_POOL_JQ: $LAB_POOL_JQ"
    fi
    {
        # the loopback pool's config, with this lab's values for the keys it sets below
        pool_conf "$DIR/fence" "$DIR" 10.77.0.1 80 | grep -v '^GLOBAL_VM_HA=' |
            if [ "${LAB_PDU:-1}" = 0 ]; then cat; else grep -v '^FENCE_METHOD='; fi
        echo "GLOBAL_VM_HA=1"
        [ -z "${LAB_CONFIG:-}" ] || printf '%s\n' "$LAB_CONFIG"
        # a BMC that does not answer, a master that hangs: bounded tighter
        printf 'IPMI_SESSION_TIMEOUT_MS=3000\nHAFENCE_XAPI_CALL_TIMEOUT_MS=2000\nFENCE_HA_ONFAIL=0\n'
        # XAPI over the management network, as from another host: a password
        printf 'HAFENCE_XAPI_PASSWORD_FILE=%s/xapi.pw\n' "$DIR"
        printf 'HAFENCE_SPLIT_DELAY=3\nHAFENCE_FENCE_TIMEOUT=10\n'
        [ "${LAB_PDU:-1}" = 0 ] ||
            printf 'FENCE_METHOD=IPMI,PDU:SNMP-PDU\nPDU_PORT=161\nPDU_COMMUNITY_FILE=%s/pdu.rw\n' "$DIR"
    } > "$DIR/pool.conf"
    i=1; while [ $i -le "$N" ]; do
        mkdir -p "$DIR/h$i/state"
        # the state directory on a disk of its own, small enough to fill (disk-full)
        mount -t tmpfs -o size=4m,mode=0750 "hafence-lab-$P" "$DIR/h$i/state" || die "cannot mount the state directory of host $i"
        printf 'HAFENCE_XAPI_ADDRESS=%s\nHAFENCE_REBOOT_COMMAND="%s reboot %s %d"\n' "$(mgmt $i)" "$here/lab.sh" "$DIR" $i \
            > "$DIR/h$i/host.conf"
        host_start $i
        i=$((i + 1))
    done
    echo "lab: $N hosts up in $DIR (namespaces ${P}h1..${P}h$N, switch ${P}sw)"
}

down() {
    [ -f "$DIR/env" ] || return 0
    # shellcheck source=/dev/null # written by this script at "up"
    . "$DIR/env"
    i=1; while [ $i -le "$N" ]; do host_stop $i; i=$((i + 1)); done
    [ -d "$DIR/bmcs" ] && ip netns exec "${P}sw" "$top/tests/peers/bmc-sim.sh" stop "$DIR/bmcs" >/dev/null 2>&1
    [ -d "$DIR/pdu" ] && ip netns exec "${P}sw" "$top/tests/peers/pdu-snmpd.sh" stop "$DIR/pdu" >/dev/null 2>&1
    for n in $(ip netns list | awk '{print $1}' | grep "^$P"); do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
        ip netns delete "$n"
    done
    unmount_states "^hafence-lab-$P\$"
    rm -f "$DIR/env"
}

# The state directories' disks: the tmpfs mounts whose source matches RE
# (one lab's: ^hafence-lab-P$; every lab's: ^hafence-lab-).
unmount_states() {
    awk -v re="$1" '$1 ~ re { print $2 }' /proc/mounts | while read -r m; do umount -l "$m" 2>/dev/null; done
}

# Every namespace of a lab (hfl<4 hex digits>h<N> or ...sw), its processes killed.
down_all() {
    for n in $(ip netns list | awk '{print $1}' | grep -E '^hfl[0-9a-f]{4}(h[0-9]+|sw)$'); do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
        ip netns delete "$n"
    done
    unmount_states "^hafence-lab-"
}

power() { # I 0|1: the host's BMC switched its power
    i=$1
    if [ "$2" = 0 ]; then
        host_stop "$i"
        ip -n "$(ns "$i")" link set eth0 down 2>/dev/null
        echo 0 > "$DIR/control/live/$(uuid "$i")"
        mkdir -p "$DIR/control/domains"; : > "$DIR/control/domains/$(uuid "$i")"  # off: its VMs are gone
        echo "$(date +%s%3N) power 0" >> "$DIR/h$i/power.log"
    else
        ip -n "$(ns "$i")" link set eth0 up 2>/dev/null
        echo 1 > "$DIR/control/live/$(uuid "$i")"
        echo "$(date +%s%3N) power 1" >> "$DIR/h$i/power.log"
        host_start "$i"
    fi
}

reboot_host() { # I: the daemon's self-fence runs this; the host comes back
    i=$1
    echo "$(date +%s%3N) reboot" >> "$DIR/h$i/reboots"
    mkdir -p "$DIR/control/domains"; : > "$DIR/control/domains/$(uuid "$i")"  # a reboot ends its VMs
    # out of the daemon's process group, or stopping the host stops us too
    ip netns exec "${P}sw" setsid sh -c "sleep 0.2; '$here/lab.sh' stop '$DIR' $i; sleep 1; '$here/lab.sh' start '$DIR' $i" \
        >/dev/null 2>&1 < /dev/null &
}

# A XAPI call at the pool's master, from the switch (as an operator's
# console would make it): METHOD ARGS..., "host:UUID" is replaced by that
# host's reference and "pool" by the pool's.
xapi_call() {
    ip netns exec "${P}sw" python3 - "$(cat "$DIR/xapi.pw")" "$@" <<'EOF'
import sys, xmlrpc.client
pw, method, args = sys.argv[1], sys.argv[2], sys.argv[3:]
addr = "10.77.0.11"
for _ in range(3):
    s = xmlrpc.client.ServerProxy("http://%s:80/" % addr, allow_none=True)
    r = s.session.login_with_password("root", pw, "1.0", "lab")
    if r["Status"] == "Success":
        break
    if r["ErrorDescription"][0] != "HOST_IS_SLAVE":
        sys.exit("login: %s" % r["ErrorDescription"])
    addr = r["ErrorDescription"][1]
sess = r["Value"]
def ref(a):
    if a.startswith("host:"):
        return s.host.get_by_uuid(sess, a[5:])["Value"]
    if a == "pool":
        return s.pool.get_all(sess)["Value"][0]
    return a
r = getattr(s, method)(sess, *[ref(a) for a in args])
sys.exit(0 if r["Status"] == "Success" else "%s: %s" % (method, r["ErrorDescription"]))
EOF
}

routes() { # I ACTION ADDRESS: a route in host I that makes ADDRESS unreachable (add) or not (del)
    ip -n "$(ns "$1")" route "$2" unreachable "$3/32" 2>/dev/null
}

# Packet filters (nftables): a table of the lab's own in a namespace, its
# chains' rules added by the faults below and removed by "heal".
nft_rule() { # NAMESPACE input|output RULE...
    nft_ns=$1; shift
    ip netns exec "$nft_ns" nft list table inet lab >/dev/null 2>&1 ||
        ip netns exec "$nft_ns" nft 'add table inet lab
            add chain inet lab input { type filter hook input priority 0; policy accept; }
            add chain inet lab output { type filter hook output priority 0; policy accept; }' ||
        die "nft: cannot filter in $nft_ns"
    ip netns exec "$nft_ns" nft add rule inet lab "$@" || die "nft: cannot add to $nft_ns: $*"
}

# A slow link, without netem: host I's packets (to ADDRESSES, or all on
# eth0) queued by iptables and held DELAY_MS +/- JITTER_MS by nfq-delay in
# its namespace, each way; --queue-bypass lets them through when it is gone.
slow() { # I DELAY_MS JITTER_MS [ADDRESS...]
    # sh has no local variables: slow_*, so that a caller's loop survives
    slow_i=$1 slow_delay=$2 slow_jitter=$3; shift 3
    [ -x "$NFQ_DELAY" ] || die "no $NFQ_DELAY (make check builds it; needs libnetfilter-queue-dev)"
    if [ $# = 0 ]; then
        for slow_chain in "INPUT -i" "OUTPUT -o"; do
            # shellcheck disable=SC2086 # the chain and its interface option
            in_ns "$slow_i" iptables-legacy -A $slow_chain eth0 -j NFQUEUE --queue-num 0 --queue-bypass ||
                die "iptables in host $slow_i"
        done
    else
        for slow_address in "$@"; do
            in_ns "$slow_i" iptables-legacy -A OUTPUT -o eth0 -d "$slow_address" -j NFQUEUE --queue-num 0 --queue-bypass ||
                die "iptables in host $slow_i"
        done
    fi
    [ -f "$DIR/h$slow_i/slow.pid" ] && return 0
    in_ns "$slow_i" setsid "$NFQ_DELAY" 0 "$slow_delay" "$slow_jitter" 3600 >>"$DIR/h$slow_i/slow.log" 2>&1 </dev/null &
    echo $! > "$DIR/h$slow_i/slow.pid"
}
fast() { # I: the link's packets no longer held
    in_ns "$1" iptables-legacy -F INPUT 2>/dev/null; in_ns "$1" iptables-legacy -F OUTPUT 2>/dev/null
    [ -f "$DIR/h$1/slow.pid" ] && kill "$(cat "$DIR/h$1/slow.pid")" 2>/dev/null
    rm -f "$DIR/h$1/slow.pid"
}

# A link that goes down and up every PERIOD_MS for SECONDS (bounded), from
# the switch: the host's side never sees why.
flap() {
    i=$1 period=$2 seconds=$3
    ip netns exec "${P}sw" setsid sh -c "end=\$((\$(date +%s) + $seconds))
        while [ \$(date +%s) -lt \$end ]; do
            ip link set m$i down; sleep $(echo "$period" | awk '{ print $1 / 2000 }')
            ip link set m$i up; sleep $(echo "$period" | awk '{ print $1 / 2000 }')
        done; ip link set m$i up" >/dev/null 2>&1 </dev/null &
    echo $! > "$DIR/h$i/flap.pid"
}

fault() {
    f=${1:?lab.sh fault DIR FAULT ...}; shift
    # shellcheck disable=SC2015 # "a && b || die": die when either step fails
    case "$f" in
    crash) # a hung host: nothing runs, nothing answers (not even ICMP)
        for p in $(ip netns pids "$(ns "$1")"); do kill -STOP "$p"; done
        ip -n "${P}sw" link set "m$1" down ;;
    thaw) for p in $(ip netns pids "$(ns "$1")"); do kill -CONT "$p"; done
        ip -n "${P}sw" link set "m$1" up ;;
    link-down) ip -n "$(ns "$1")" link set eth0 down ;;
    link-up) ip -n "$(ns "$1")" link set eth0 up ;;
    split)
        # every host of one group loses every host of the others
        for a in $1; do for b in $2; do
            routes "$a" add "$(mgmt "$b")"; routes "$b" add "$(mgmt "$a")"
        done; done ;;
    cut) # a partial partition: I and J lose each other, each still reaches the rest
        routes "$1" add "$(mgmt "$2")"; routes "$2" add "$(mgmt "$1")" ;;
    deaf) # I no longer hears J (J's packets dropped at I); J still hears I
        nft_rule "$(ns "$1")" input iifname eth0 ip saddr "$(mgmt "$2")" drop ;;
    lossy) # I loses PCT % of what it receives on its management link, each way
        nft_rule "$(ns "$1")" input iifname eth0 numgen random mod 100 "<" "$2" drop
        nft_rule "$(ns "$1")" output oifname eth0 numgen random mod 100 "<" "$2" drop ;;
    lossy-between) # "I J" "K": PCT % of what one group sends the other is lost
        for a in $1; do for b in $2; do
            nft_rule "$(ns "$a")" input ip saddr "$(mgmt "$b")" numgen random mod 100 "<" "$3" drop
            nft_rule "$(ns "$b")" input ip saddr "$(mgmt "$a")" numgen random mod 100 "<" "$3" drop
        done; done ;;
    slow) slow "$1" "$2" "${3:-0}" ;; # I DELAY_MS [JITTER_MS]: each way (fast I)
    slow-between) # "I J" "K" DELAY_MS JITTER_MS: what one group sends the other, delayed
        for a in $1; do for b in $2; do
            slow "$a" "$3" "$4" "$(mgmt "$b")"; slow "$b" "$3" "$4" "$(mgmt "$a")"
        done; done ;;
    fast) fast "$1" ;;
    flap) flap "$1" "${2:-2000}" "${3:-15}" ;; # I [PERIOD_MS SECONDS]: down and up, bounded
    steady) [ -f "$DIR/h$1/flap.pid" ] && kill "$(cat "$DIR/h$1/flap.pid")" 2>/dev/null
        rm -f "$DIR/h$1/flap.pid"; ip -n "${P}sw" link set "m$1" up ;;
    heal)
        i=1; while [ $i -le "$N" ]; do j=1; while [ $j -le "$N" ]; do
            routes $i del "$(mgmt $j)"; j=$((j + 1)); done
            ip netns exec "$(ns $i)" nft delete table inet lab 2>/dev/null
            fast $i
            i=$((i + 1)); done
        ip netns exec "${P}sw" nft delete table inet lab 2>/dev/null ;;
    daemon-kill) # I: hafenced killed (SIGKILL); restarted after RestartSec (5 s), as systemd does
        kill -KILL "$(cat "$DIR/h$1/daemon.pid")" 2>/dev/null
        ip netns exec "${P}sw" setsid sh -c "sleep ${LAB_RESTART_SEC:-5}; '$here/lab.sh' daemon-restart '$DIR' $1" \
            >/dev/null 2>&1 </dev/null & ;;
    daemon-stop) kill -STOP "$(cat "$DIR/h$1/daemon.pid")" ;; # I: not scheduled any more (daemon-cont I)
    daemon-cont) kill -CONT "$(cat "$DIR/h$1/daemon.pid")" ;;
    disk-full) # I: its state directory's disk full (disk-free I)
        dd if=/dev/zero of="$DIR/h$1/state/filler" bs=64k 2>/dev/null; sync ;;
    disk-free) rm -f "$DIR/h$1/state/filler" ;;
    bmc-slow) echo "$2" > "$DIR/bmcs/bmc$1/delay_ms" ;; # I MS: a power change reads back MS later
    bmc-fast) rm -f "$DIR/bmcs/bmc$1/delay_ms" ;;
    bmc-flaky) # I: the BMC answers every other request (the others are lost)
        nft_rule "${P}sw" input ip daddr "$(bmc "$1")" udp dport 623 numgen inc mod 2 == 0 drop ;;
    heuristic-loss) routes "$1" add 10.77.0.1 ;;
    heuristic-back) routes "$1" del 10.77.0.1 ;;
    bmc-dead) kill -STOP "$(cat "$DIR/bmcs/bmc$1/pid")" ;;
    bmc-back) kill -CONT "$(cat "$DIR/bmcs/bmc$1/pid")" ;;
    pdu-dead) kill -STOP "$(cat "$DIR/pdu/snmpd.pid")" ;;
    pdu-back) kill -CONT "$(cat "$DIR/pdu/snmpd.pid")" ;;
    xapi-hang | xapi-resume) kill -USR1 "$(cat "$DIR/h$1/xapi.pid")" ;;
    maintenance) xapi_call host.disable "host:$(uuid "$1")" || die "maintenance $1 failed" ;;
    ha-off) xapi_call pool.remove_from_other_config pool XenCenter.CustomFields.ha-lizard-enabled &&
        xapi_call pool.add_to_other_config pool XenCenter.CustomFields.ha-lizard-enabled false || die "ha-off failed" ;;
    *) die "unknown fault $f" ;;
    esac
    echo "$(date +%s%3N) fault $f $*" >> "$DIR/faults.log"
}

case "$cmd" in
up) up "$@" ;;
down) down ;;
down-all) down_all ;;
start) load; host_start "$1" ;;
stop) load; host_stop "$1" ;;
power) load; power "$1" "$2" ;;
reboot) load; reboot_host "$1" ;;
fault) load; fault "$@" ;;
daemon-restart) load
    # a host powered off meanwhile stays off; a daemon running is not doubled
    [ "$(cat "$DIR/control/live/$(uuid "$1")")" = 1 ] && ! kill -0 "$(cat "$DIR/h$1/daemon.pid" 2>/dev/null)" 2>/dev/null &&
        daemon_start "$1" ;;
exec) load; n=$1; shift; in_ns "$n" "$@" ;;
*) die "unknown command $cmd" ;;
esac
