# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# A pool of simulated XenServer hosts on loopback, for the daemon's tests
# and benchmark (sourced, POSIX sh).  Host i has:
#   - its management address 127.0.0.(10+i), where its own XAPI (the
#     emulator, tests/emulators/xapi.py) listens; host 1 starts as master,
#     the others are its slaves (HOST_IS_SLAVE names 127.0.0.11); and its
#     local socket DIR/xapiI.sock (xapi's /var/lib/xcp/xapi), which its
#     hafenced uses, without a password, as xe does: a slave forwards;
#   - a BMC (OpenIPMI's ipmi_sim, tests/peers/bmc-sim.sh) whose chassis
#     power the ipmi fence method switches;
#   - a hafenced with its own state directory, history and log.
# All emulators share one pool description and one control directory
# (host liveness, the new master after a takeover).
#
#   lab_start DIR COUNT [VMS_PER_HOST]   pool, BMCs, emulators, configs ($LAB_POOL_JQ
#                                        reshapes the pool description first;
#                                        $LAB_XAPI_ARGS: more emulator options)
#   lab_config KEY=VALUE...              add to the pool-wide config
#   lab_daemon_start I [args]            hafenced of host I
#   lab_daemon_restart I [args]          ... stopped, gone, started again
#   lab_host_die I                       host I stops: XAPI, daemon, liveness
#   lab_xapi_start I                     (re)start host I's XAPI
#   lab_wait SECONDS COMMAND...          poll until COMMAND succeeds
#   lab_history I                        host I's fence history (JSON lines)
#   lab_vms                              "name power_state resident-host-uuid" per VM
#   lab_xapi I METHOD [ARG...]           a XAPI call at host I (its master), value as JSON
#   lab_stop                             everything down
#
# sh has no local variables: the helpers' own are named lab_*, so a
# caller's loop counter survives them (an "n" set while waiting for an
# emulator once decided how many daemons a test started).

: "${top_srcdir:?make check sets it}"
LAB_EMU=$top_srcdir/tests/emulators/xapi.py
LAB_SIM=$top_srcdir/tests/peers/bmc-sim.sh
: "${HAFENCED:=$top_builddir/hafenced}"

. "$top_srcdir/tests/peers/pool-json.sh"
lab_uuid() { pool_uuid "$1"; }
lab_addr() { echo "127.0.0.$((10 + $1))"; }

lab_start() {
    LAB=$1 LAB_N=$2 lab_per_host=${3:-2}
    LAB_PIDS=""
    mkdir -p "$LAB/control/live" "$LAB/fence/IPMI"
    printf 'xapi-Lab-pw\n' > "$LAB/xapi.pw"; printf 'adminpw\n' > "$LAB/ipmi.pw"
    printf 'lab-pool-secret-%s\n' "$$" > "$LAB/ptoken"
    chmod 600 "$LAB/xapi.pw" "$LAB/ipmi.pw" "$LAB/ptoken"
    "$LAB_SIM" start "$LAB/bmcs" "$LAB_N" > "$LAB/bmcs.txt" || return 1
    pool_json "$LAB_N" "$lab_per_host" 127.0.0 > "$LAB/pool.json"
    # LAB_POOL_JQ: a jq filter that reshapes the pool before it starts
    # (VM order, vApps, pool other-config)
    if [ -n "${LAB_POOL_JQ:-}" ]; then
        jq "$LAB_POOL_JQ" "$LAB/pool.json" > "$LAB/pool.json.new" && mv "$LAB/pool.json.new" "$LAB/pool.json" || return 1
    fi
    : > "$LAB/fence/IPMI/IPMI.hosts"
    lab_i=1; while [ $lab_i -le "$LAB_N" ]; do
        echo 1 > "$LAB/control/live/$(lab_uuid $lab_i)"
        echo "$(lab_uuid $lab_i):127.0.0.1:$(cat "$LAB/bmcs/bmc$lab_i/port")" >> "$LAB/fence/IPMI/IPMI.hosts"
        lab_i=$((lab_i + 1))
    done
    # every host's XAPI on the same port of its own address; the first
    # emulator picks a free one
    LAB_PORT=0
    lab_xapi_start 1 || return 1
    LAB_PORT=$(cat "$LAB/xapi1.port")
    lab_i=2; while [ $lab_i -le "$LAB_N" ]; do lab_xapi_start $lab_i || return 1; lab_i=$((lab_i + 1)); done
    { pool_conf "$LAB/fence" "$LAB" 127.0.0.1 "$LAB_PORT"; echo HAFENCE_SPLIT_DELAY=2; } > "$LAB/pool.conf"
    lab_i=1; while [ $lab_i -le "$LAB_N" ]; do
        cat > "$LAB/host$lab_i.conf" <<EOF
# host $lab_i's override: its own XAPI's local socket (no password), and a
# reboot the lab can see
HAFENCE_XAPI_UNIX_SOCKET=$LAB/xapi$lab_i.sock
HAFENCE_REBOOT_COMMAND="echo rebooted >> $LAB/host$lab_i.reboots"
EOF
        lab_i=$((lab_i + 1))
    done
}

lab_config() { for kv in "$@"; do echo "$kv" >> "$LAB/pool.conf"; done; }

lab_xapi_start() {
    lab_i=$1
    rm -f "$LAB/xapi$lab_i.port"
    lab_slave=""; [ "$lab_i" -gt 1 ] && lab_slave="--slave-of $(lab_addr 1)"
    # shellcheck disable=SC2086
    python3 "$LAB_EMU" --port-file "$LAB/xapi$lab_i.port" --pool "$LAB/pool.json" --password-file "$LAB/xapi.pw" \
        --bind "$(lab_addr "$lab_i")" --port "$LAB_PORT" --control "$LAB/control" --self "$(lab_uuid "$lab_i")" \
        --log "$LAB/xapi$lab_i.log" --lifetime 600 --unix-socket "$LAB/xapi$lab_i.sock" --pool-secret "$LAB/ptoken" \
        $lab_slave ${LAB_XAPI_ARGS:-} 2>>"$LAB/xapi$lab_i.err" &
    echo $! > "$LAB/xapi$lab_i.pid"
    LAB_PIDS="$LAB_PIDS $!"
    lab_w=0; while [ ! -s "$LAB/xapi$lab_i.port" ] && [ $lab_w -lt 200 ]; do sleep 0.05; lab_w=$((lab_w + 1)); done
    [ -s "$LAB/xapi$lab_i.port" ]
}

lab_daemon_start() {
    lab_i=$1; shift
    "$HAFENCED" --foreground -v -c "$LAB/pool.conf" -o "$LAB/host$lab_i.conf" --state-dir "$LAB/state$lab_i" \
        --runtime-dir "$LAB/run$lab_i" --history "$LAB/history$lab_i.jsonl" --host-uuid "$(lab_uuid "$lab_i")" --plugin-dir "$LAB/no-plugins" "$@" \
        2>>"$LAB/daemon$lab_i.log" &
    echo $! > "$LAB/daemon$lab_i.pid"
    LAB_PIDS="$LAB_PIDS $!"
}

lab_daemon_stop() { [ -f "$LAB/daemon$1.pid" ] && kill "$(cat "$LAB/daemon$1.pid")" 2>/dev/null; rm -f "$LAB/daemon$1.pid"; }
# stopped, gone (its state directory's lock released), started again with
# what the config files say now
lab_daemon_restart() {
    lab_pid=$(cat "$LAB/daemon$1.pid" 2>/dev/null)
    lab_daemon_stop "$1"
    [ -z "$lab_pid" ] || lab_wait 10 sh -c "! kill -0 $lab_pid"
    lab_daemon_start "$@"
}

# The host stops as a whole: its XAPI and its daemon go silent, and the
# pool's heartbeat no longer sees it (XAPI's HOST_IS_LIVE goes false).
# Its BMC stays: that is what fences it.
lab_host_die() {
    lab_i=$1
    kill "$(cat "$LAB/xapi$lab_i.pid")" 2>/dev/null
    lab_daemon_stop "$lab_i"
    echo 0 > "$LAB/control/live/$(lab_uuid "$lab_i")"
    mkdir -p "$LAB/control/domains"; : > "$LAB/control/domains/$(lab_uuid "$lab_i")"  # its VMs died with it
}

# lab_wait SECONDS COMMAND...: poll until COMMAND succeeds.  SECONDS is what
# an idle machine needs; the bound is four times that (LAB_WAIT_SCALE), for
# a loaded or sanitized run: a poll costs its bound only when the thing
# never happens, and a test must not fail because the machine was slow.
lab_wait() {
    lab_limit=$(( $1 * ${LAB_WAIT_SCALE:-4} )); shift
    lab_end=$(( $(date +%s) + lab_limit ))
    while ! "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -ge "$lab_end" ] && return 1
        sleep 0.1
    done
}

# under the shared lock the writers' exclusive one excludes: a line being
# appended is never read half-written (a one-shot jq would fail on it)
lab_history() {
    [ -f "$LAB/history$1.jsonl" ] || return 0
    flock -s "$LAB/history$1.jsonl" cat "$LAB/history$1.jsonl"
}
lab_power() { read -r p _ < "$LAB/bmcs/bmc$1/power"; echo "$p"; }

# The pool's VMs as host I's XAPI sees them (default: any that answers).
lab_vms() {
    python3 - "$(lab_addr "${1:-1}")" "$LAB_PORT" "$(cat "$LAB/xapi.pw")" <<'EOF'
import sys, xmlrpc.client
addr, port, pw = sys.argv[1], sys.argv[2], sys.argv[3]
s = xmlrpc.client.ServerProxy("http://%s:%s/" % (addr, port))
r = s.session.login_with_password("root", pw, "1.0", "lab")
if r["Status"] != "Success" and r["ErrorDescription"][0] == "HOST_IS_SLAVE":
    s = xmlrpc.client.ServerProxy("http://%s:%s/" % (r["ErrorDescription"][1], port))
    r = s.session.login_with_password("root", pw, "1.0", "lab")
sess = r["Value"]
hosts = {ref: rec["uuid"] for ref, rec in s.host.get_all_records(sess)["Value"].items()}
for ref in s.VM.get_all(sess)["Value"]:
    vm = s.VM.get_record(sess, ref)["Value"]
    if not vm["is_control_domain"]:
        print(vm["name_label"], vm["power_state"], hosts.get(vm["resident_on"], "-"))
EOF
}

lab_xapi() {
    lab_i=$1; shift
    python3 - "$(lab_addr "$lab_i")" "$LAB_PORT" "$(cat "$LAB/xapi.pw")" "$@" <<'EOF'
import json, sys, xmlrpc.client
addr, port, pw, method, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
s = xmlrpc.client.ServerProxy("http://%s:%s/" % (addr, port), allow_none=True)
r = s.session.login_with_password("root", pw, "1.0", "lab")
if r["Status"] != "Success" and r["ErrorDescription"][0] == "HOST_IS_SLAVE":
    s = xmlrpc.client.ServerProxy("http://%s:%s/" % (r["ErrorDescription"][1], port), allow_none=True)
    r = s.session.login_with_password("root", pw, "1.0", "lab")
sess = r["Value"]
r = getattr(s, method)(sess, *args)
print(json.dumps(r.get("Value", r)))
sys.exit(0 if r["Status"] == "Success" else 1)
EOF
}

# The pool object's reference (for pool.add_to_other_config and the like).
lab_pool_ref() { lab_xapi "${1:-1}" pool.get_all | tr -d '[]" '; }

lab_stop() {
    lab_pids=$LAB_PIDS
    for p in $lab_pids; do kill "$p" 2>/dev/null || :; done
    LAB_PIDS=""
    [ -d "${LAB:-}/bmcs" ] && "$LAB_SIM" stop "$LAB/bmcs" >/dev/null 2>&1
    # the lab's own processes: a test's other peers (a mail relay) live on
    for p in $lab_pids; do wait "$p" 2>/dev/null; done
    :
}
