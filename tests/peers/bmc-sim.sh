#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Simulated BMCs for the tests, the demo and the benchmarks: OpenIPMI's
# ipmi_sim on loopback UDP ports, one per simulated host, each with its own
# configuration, users and chassis power (the bmc-power ipmi_sim module,
# built by make check: $BMC_POWER_MODULE, else looked for in the build).
#   bmc-sim.sh start DIR COUNT [SOL_BASE_PORT]   prints "INDEX PORT" per BMC
#   bmc-sim.sh stop DIR [INDEX]                  stops all (or one)
# Users on every BMC: admin/adminpw (admin), oper/operpw (operator),
# viewer/viewpw (user).  With SOL_BASE_PORT, BMC i connects its serial port
# to tcp:127.0.0.1:(SOL_BASE_PORT+i) (a server the caller runs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
module=${BMC_POWER_MODULE:-}
[ -n "$module" ] || for m in "${top_builddir:-}/tests/peers/.libs/bmc-power.so" "$here/../../_build/tests/peers/.libs/bmc-power.so"; do
    [ -f "$m" ] && module=$m && break
done
cmd=${1:?usage: bmc-sim.sh start|stop DIR ...}
dir=${2:?usage: bmc-sim.sh start|stop DIR ...}

# BMC_SIM_ADDRESS (a printf format of the BMC's index, default 127.0.0.1)
# and BMC_SIM_PORT (default: a free one) place the BMCs elsewhere: the pool
# lab puts them on its out-of-band network, port 623 each.
# shellcheck disable=SC2059 # the format is the operator's, by design
address_of() { printf "${BMC_SIM_ADDRESS:-127.0.0.1}" "$1"; }
port_free() { ! ss -Hlun "sport = :$1" 2>/dev/null | grep -q "${2:-}"; }

start_one() { # INDEX
    i=$1
    d=$dir/bmc$i
    mkdir -p "$d/state"
    [ -f "$d/power" ] || echo 1 > "$d/power"
    tries=0
    addr=$(address_of "$i")
    while [ -z "${BMC_SIM_PORT:-}" ]; do
        # below 32768: libipmiconsole 1.6 fails on higher ports (it reports
        # "hostname invalid"), and the console tests need it
        port=$(( 20000 + ( $(od -An -N2 -tu2 /dev/urandom) % 12000 ) ))
        port_free "$port" && break
        tries=$((tries + 1))
        [ $tries -lt 50 ] || { echo "bmc-sim: no free UDP port" >&2; exit 1; }
    done
    [ -z "${BMC_SIM_PORT:-}" ] || port=$BMC_SIM_PORT
    sol=""
    if [ -n "${3:-}" ]; then
        sol="sol \"tcp:127.0.0.1:$(( $3 + i ))\" 115200"
    fi
    cat > "$d/lan.conf" <<CONF
name "hafence-bmc$i"
set_working_mc 0x20
  startlan 1
    addr $addr $port
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user md2 md5 straight
    allowed_auths_operator md2 md5 straight
    allowed_auths_admin md2 md5 straight
    guid a123456789abcdefa123456789ab$(printf '%04x' "$i")
  endlan
  loadlib "$module" "$d"
  $sol
  user 2 true "admin"  "adminpw" admin    10 md2 md5 straight
  user 3 true "oper"   "operpw"  operator 10 md2 md5 straight
  user 4 true "viewer" "viewpw"  user     10 md2 md5 straight
CONF
    cat > "$d/bmc.emu" <<EMU
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EMU
    ipmi_sim -c "$d/lan.conf" -f "$d/bmc.emu" -s "$d/state" -n > "$d/sim.log" 2>&1 &
    echo $! > "$d/pid"
    echo "$port" > "$d/port"
    # bounded wait until it listens
    n=0
    while port_free "$port" "$addr:"; do
        n=$((n + 1))
        if [ $n -gt 100 ] || ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
            echo "bmc-sim: ipmi_sim $i did not start:" >&2
            cat "$d/sim.log" >&2
            exit 1
        fi
        sleep 0.05
    done
    echo "$i $port"
}

# stop_all DIR/bmcN...: ask each simulator to end, wait for them all at
# once (at most 2 s in total, not 2 s each), then kill what is left
stop_all() {
    pids=
    for d in "$@"; do
        [ -f "$d/pid" ] || continue
        pid=$(cat "$d/pid")
        kill "$pid" 2>/dev/null && pids="$pids $pid"
        rm -f "$d/pid"
    done
    n=0
    while [ $n -lt 40 ]; do
        alive=
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
        pids=$alive
        [ -z "$pids" ] && return 0
        sleep 0.05
        n=$((n + 1))
    done
    for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
}

case "$cmd" in
start)
    [ -f "${module:-}" ] || { echo "bmc-sim: the bmc-power module is not built (make check builds it; or set BMC_POWER_MODULE)" >&2; exit 1; }
    count=${3:?usage: bmc-sim.sh start DIR COUNT [SOL_BASE_PORT]}
    mkdir -p "$dir"
    i=1
    while [ $i -le "$count" ]; do start_one $i "$count" "${4:-}"; i=$((i + 1)); done
    ;;
stop)
    if [ -n "${3:-}" ]; then
        stop_all "$dir/bmc$3"
    else
        stop_all "$dir"/bmc*
    fi
    ;;
*)
    echo "usage: bmc-sim.sh start DIR COUNT [SOL_BASE_PORT] | stop DIR [INDEX]" >&2
    exit 64
    ;;
esac
