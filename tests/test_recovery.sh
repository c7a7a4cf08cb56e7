#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $CFG: argument bundles (plugin and parameters), split into words on purpose
# A pool HA-Lizard runs today, taken over by hafenced (tests/peers/pool-lab.sh:
# XAPI emulators with their local sockets, ipmi_sim BMCs, one daemon per
# host): which VMs come back and in what order (GLOBAL_VM_HA and the
# XenCenter custom field, VM.order and start_delay, vApps with
# DISABLED_VAPPS), the pool switch and XenServer's own HA, HA-Lizard's
# health marks, the configuration in the pool database, quorum among
# enabled hosts, maintenance, PROMOTE_SLAVE and SLAVE_HA, the master always
# fenced with stop, no password on the local socket.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
# shellcheck source=tests/peers/pool-lab.sh
. "$top_srcdir/tests/peers/pool-lab.sh"

command -v ipmi_sim >/dev/null || { fail "ipmi_sim is missing (Debian package openipmi: scripts/setup-debian.sh)"; done_testing; exit 0; }
trap 'lab_stop; [ -n "${HAFENCE_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT

U1=$(lab_uuid 1) U2=$(lab_uuid 2) U3=$(lab_uuid 3)
XC=XenCenter.CustomFields.ha-lizard-enabled
actions() { lab_history "$1" | jq -r -s "map(select(.action==\"$2\")) | .[] | \"\(.host) \(.result) \(.message)\""; }
fenced_by() { actions "$1" fence | grep -q "^$2 ok"; }
vm_state() { lab_vms "${2:-1}" | awk -v n="$1" '$1 == n { print $2, $3 }'; }
started() { actions "${2:-1}" vm-start | grep -c "VM $1 .* started on"; }
decided() { actions "$1" decision | grep -q "$2"; } # host I decided about a failed peer, saying WHAT
started_once() { [ "$(started "$1")" = 1 ]; }
starts() { actions "${1:-1}" vm-start | grep -c "started on"; }
starts_are() { [ "$(starts "$2")" = "$1" ]; }
appliance_started() { grep 'appliance started VM' "$LAB/xapi1.log" | sed -n "$1p" | grep -q "$2"; }
# new_lab NAME COUNT [VMS_PER_HOST] [CONFIG...]: a pool, its daemons running and settled
new_lab() {
    lab_stop
    name=$1 count=$2 vms=${3:-2}; shift 3 2>/dev/null || shift $#
    LAB=$TMP/$name; mkdir -p "$LAB"
    lab_start "$LAB" "$count" "$vms" || { fail "lab $name did not start"; diag "$(cat "$LAB"/*.err 2>/dev/null)"; done_testing; exit 0; }
    [ $# -gt 0 ] && lab_config "$@"
    i=1; while [ $i -le "$count" ]; do lab_daemon_start $i; i=$((i + 1)); done
    i=1; while [ $i -le "$count" ]; do ready $i; i=$((i + 1)); done
    lab_wait 30 sh -c "jq -e '.role==\"autopromote slave\"' '$LAB/state2/status.json'"
}
ready() { lab_wait 30 sh -c "[ -s '$LAB/state$1/status.json' ] && jq -e '.peers | length > 0 and all(.state == \"ok\")' '$LAB/state$1/status.json'"; }
pool_set() { # KEY VALUE: the pool's other-config, as ha-cfg, XenCenter or XO set it
    lab_xapi 1 pool.remove_from_other_config "$(lab_pool_ref 1)" "$1" >/dev/null
    lab_xapi 1 pool.add_to_other_config "$(lab_pool_ref 1)" "$1" "$2" >/dev/null
}

# ---- a default HA-Lizard pool: GLOBAL_VM_HA=1 recovers every VM of the host ---------
new_lab default-pool 3 2 GLOBAL_VM_HA=1
check "no password in the config: the daemons use their host's local socket" \
    sh -c "! grep -q HAFENCE_XAPI_PASSWORD '$LAB/pool.conf' '$LAB/host1.conf' && grep -q 'login_with_password (local socket)' '$LAB/xapi1.log'"
check "  ... a slave's XAPI forwards to the master" grep -q "(forwarded)" "$LAB/xapi2.log"
check "the master marks itself and its healthy peers, as HA-Lizard does (host other-config $XC)" \
    lab_wait 30 sh -c "grep -q 'host.add_to_other_config .* $XC master' '$LAB/xapi1.log' && [ \$(grep -c 'host.add_to_other_config .* $XC healthy' '$LAB/xapi1.log') -ge 2 ]"
: > "$LAB/xapi1.log"
lab_host_die 3
check "host 3 dies: fenced by the master" lab_wait 20 fenced_by 1 "$U3"
check "  ... both its VMs come back (GLOBAL_VM_HA=1, vm3-2's flag is false)" \
    lab_wait 30 sh -c "[ \$(grep -c '^VM.start_on' '$LAB/xapi1.log') -eq 2 ]"
is 1 "$(started vm3-1)" "  ... vm3-1 started once"
is 1 "$(started vm3-2)" "  ... vm3-2 started once"
check "  ... its VMs read with one call (VM.get_all_records_where)" grep -q '^VM.get_all_records_where field "resident_on"' "$LAB/xapi1.log"
is 0 "$(grep -c '^VM.get_record ' "$LAB/xapi1.log")" "  ... never one call per VM (the fence's own status checks neither)"
check "  ... host 3 marked failed in the pool (XenCenter and XO show it)" grep -q "host.add_to_other_config .* $XC failed" "$LAB/xapi1.log"
# quorum among the enabled hosts: host 3 is fenced and disabled, host 2 fails next
lab_host_die 2
check "a second failure after the first fence (3-host pool, 1 of 2 enabled live + heuristic): fenced" \
    lab_wait 20 fenced_by 1 "$U2"
has "1 of 2 enabled hosts live" "$(actions 1 decision)" "  ... quorum counted among the enabled hosts, as HA-Lizard counts them"

# ---- GLOBAL_VM_HA=0: only the VMs flagged true in the XenCenter custom field ---------
new_lab flagged 3 2 GLOBAL_VM_HA=0
lab_host_die 3
check "GLOBAL_VM_HA=0: host 3 fenced" lab_wait 20 fenced_by 1 "$U3"
check "  ... vm3-1 (flagged true by XenCenter's key) comes back" lab_wait 30 started_once vm3-1
sleep 1
is "Halted -" "$(vm_state vm3-2)" "  ... vm3-2 (flagged false) stays down"

# ---- start order: VM.order and start_delay ---------------------------------------------
LAB_POOL_JQ='(.vms[] | select(.name=="vm3-1")) += {"order": 1} | (.vms[] | select(.name=="vm3-2")) += {"order": 0, "start_delay": 2}' \
    new_lab order 3 2 GLOBAL_VM_HA=1
lab_host_die 3
check "start order: both VMs of host 3 come back" lab_wait 25 starts_are 2 1
t_first=$(lab_history 1 | jq -s 'map(select(.action=="vm-start" and (.message|test("VM vm3-2 ")))) | .[0].time_ms')
t_second=$(lab_history 1 | jq -s 'map(select(.action=="vm-start" and (.message|test("VM vm3-1 ")))) | .[0].time_ms')
check "  ... order 0 (vm3-2) first, order 1 (vm3-1) after vm3-2's start_delay of 2 s" \
    [ "$t_second" -ge $((t_first + 2000)) ]

# ---- the daemon killed amid the VM starts: the next one finishes the recovery --------
# vm3-2 (order 0) starts, then the daemon waits out its start_delay before
# vm3-1 (order 1): it is killed there.  The marking has reset vm3-1 in XAPI
# (Halted, resident nowhere) and host 3 is disabled: only the plan written
# down before the marking still says vm3-1 must come back.
LAB_POOL_JQ='(.vms[] | select(.name=="vm3-1")) += {"order": 1} | (.vms[] | select(.name=="vm3-2")) += {"order": 0, "start_delay": 60}' \
    new_lab killed-amid-starts 3 2 GLOBAL_VM_HA=1
PLAN=$LAB/state1/recovery-$U3.json
lab_host_die 3
check "killed amid the starts: host 3 is fenced and its first VM started" lab_wait 25 started_once vm3-2
check "  ... the plan is written down in the state directory, naming both VMs" \
    jq -e '(.host == "'"$U3"'") and ([.vms[].name] | sort == ["vm3-1", "vm3-2"])' "$PLAN"
kill -9 "$(cat "$LAB/daemon1.pid")"
is "Halted -" "$(vm_state vm3-1)" "  ... hafenced killed (SIGKILL) before vm3-1: it is down, resident nowhere"
lab_daemon_start 1
check "  ... the restarted daemon resumes the recovery" lab_wait 30 started_once vm3-1
is 1 "$(started vm3-2)" "  ... vm3-2, running already, is not started again"
has "1 of its 2 VMs are still halted" "$(actions 1 vm-resume)" "  ... the history says what it resumed and why"
is 1 "$(actions 1 fence | grep -c "^$U3 ")" "  ... host 3 is not fenced again"
check "  ... the plan is removed once done" lab_wait 10 sh -c "[ ! -e '$PLAN' ]"

# a plan from before this host rebooted is no recovery in flight: named, not acted on
new_lab stale-plan 3 2 GLOBAL_VM_HA=1
lab_daemon_stop 1
jq -n --arg h "$U3" --arg v "$(lab_xapi 1 VM.get_by_name_label vm2-1 | jq -r '.[0]')" \
    '{host: $h, written_ms: (now * 1000 | floor), pid: 1, boot_id: "another-boot",
      vms: [{uuid: "00000000-0000-4000-8000-000000000099", ref: $v, name: "vm-gone", order: 0, start_delay: 0}],
      appliances: []}' > "$LAB/state1/recovery-$U3.json"
printf '{"host": "not json' > "$LAB/state1/recovery-$U2.json"
lab_daemon_start 1
check "a plan written before this host last booted is not resumed, saying so" \
    lab_wait 30 sh -c "grep -q 'is not resumed: this host has rebooted since' '$LAB/history1.jsonl'"
is 0 "$(actions 1 vm-start | grep -c 'started on')" "  ... nothing is started"
check "  ... an unreadable plan is set aside, named in the history" \
    sh -c "[ -e '$LAB/state1/recovery-$U2.json.unreadable' ] && grep -q 'recovery plan .*recovery-$U2.json: not a JSON object' '$LAB/history1.jsonl'"
check "  ... and the daemon goes on watching the pool" ready 1

# ---- OP_MODE=1: vApps, DISABLED_VAPPS ------------------------------------------------------
A1=aaaa0000-0000-4000-8000-000000000001 A2=aaaa0000-0000-4000-8000-000000000002
LAB_POOL_JQ=".appliances = [{\"uuid\": \"$A1\", \"name\": \"web-app\"}, {\"uuid\": \"$A2\", \"name\": \"lab-app\"}]
  | (.vms[] | select(.name==\"vm3-1\")) += {\"appliance\": \"$A1\", \"order\": 1}
  | (.vms[] | select(.name==\"vm3-2\")) += {\"appliance\": \"$A1\", \"order\": 0, \"start_delay\": 1}
  | (.vms[] | select(.name==\"vm3-3\")) += {\"appliance\": \"$A2\"}" \
    new_lab vapps 3 3 OP_MODE=1 "DISABLED_VAPPS=($A2)"
lab_host_die 3
check "OP_MODE=1: the vApp of host 3's VMs is started (VM_appliance.start)" lab_wait 20 grep -q "^VM_appliance.start" "$LAB/xapi1.log"
check "  ... its VMs in the appliance's order (vm3-2, then vm3-1 after its start_delay)" \
    lab_wait 30 sh -c "grep 'appliance started VM' '$LAB/xapi1.log' | sed -n 2p | grep -q vm3-1"
check "  ... vm3-2 first" appliance_started 1 vm3-2
is 1 "$(grep -c '^VM_appliance.start' "$LAB/xapi1.log")" "  ... the vApp in DISABLED_VAPPS is not started"
is "Halted -" "$(vm_state vm3-3)" "  ... (its VM stays down)"

# ---- the pool switch: HA off in XenCenter / XO / ha-cfg ----------------------------------
new_lab switch 3 2 GLOBAL_VM_HA=1
pool_set "$XC" false
check "the pool's custom field $XC=false: every daemon sees HA off" \
    lab_wait 30 sh -c "jq -e '.pool_ha==\"off\"' '$LAB/state1/status.json' && jq -e '.pool_ha==\"off\"' '$LAB/state2/status.json'"
run "$HAFENCE" status-pool --state-dir "$LAB/state1" --json
json_check "  ... status-pool says so" '.pool_ha=="off" and (.pool_ha_off | test("switched off"))'
: > "$LAB/xapi1.log"
lab_host_die 3
check "  ... a host dies meanwhile: the master decides, saying why" lab_wait 30 decided 1 "switched off"
hasnt '"action":"fence"' "$(lab_history 1)" "  ... nothing is fenced"
is 0 "$(grep -c '^VM.start' "$LAB/xapi1.log")" "  ... nothing is started"
pool_set "$XC" true
check "switched on again: the dead host is fenced now" lab_wait 25 fenced_by 1 "$U3"

new_lab native-ha 3 2
lab_xapi 1 pool.set_ha_enabled_for_tests "$(lab_pool_ref 1)" true >/dev/null
check "XenServer's own HA enabled on the pool (pool.ha_enabled): hafenced stands aside" \
    lab_wait 30 sh -c "jq -e '.pool_ha==\"off\" and (.pool_ha_off|test(\"own HA\"))' '$LAB/state1/status.json'"
lab_host_die 3
check "  ... a host dies: the master decides, saying why" lab_wait 30 decided 1 "own HA"
hasnt '"action":"fence"' "$(lab_history 1)" "  ... and fences nothing"

# ---- maintenance, PROMOTE_SLAVE, SLAVE_HA, the master fenced with stop --------------------
new_lab maintenance 3 2
lab_xapi 1 host.disable "$(lab_xapi 1 host.get_by_uuid "$U1" | tr -d '"')" >/dev/null
check "the master is put in maintenance (disabled)" lab_wait 30 sh -c "jq -e '.enabled_hosts==2' '$LAB/state1/status.json'"
lab_host_die 3
check "  ... a host dies: the master in maintenance decides, saying why" lab_wait 30 decided 1 "maintenance"
hasnt '"action":"fence"' "$(lab_history 1)" "  ... and fences nobody"

new_lab no-promote 3 2 PROMOTE_SLAVE=0
lab_host_die 1
check "PROMOTE_SLAVE=0: the master dies, the autopromote slave decides, saying the operator must act" \
    lab_wait 30 decided 2 "PROMOTE_SLAVE=0"
hasnt '"action":"fence"' "$(lab_history 2)" "  ... and fences nothing"

new_lab slave-ha-off 3 2 SLAVE_HA=0 FENCE_ACTION=reset GLOBAL_VM_HA=1
lab_host_die 1
check "the master dies: the autopromote slave fences it" lab_wait 20 fenced_by 2 "$U1"
has "fence off of xs1" "$(actions 2 fence)" "  ... with power off, although FENCE_ACTION=reset (HA-Lizard fences the master with stop)"
check "  ... and takes over" lab_wait 30 grep -q "pool.emergency_transition_to_master" "$LAB/xapi2.log"
check "  ... SLAVE_HA=0: the old master's VMs are not started" lab_wait 30 grep -q 'SLAVE_HA=0' "$LAB/history2.jsonl"
is 0 "$(grep -c '^VM.start_on' "$LAB/xapi2.log")" "  ... (no VM.start_on)"

# FENCE_METHOD=POOL: the old master's fence is its marking (host.declare_dead
# through the new master), which resets its VMs: they are read before it
new_lab pool-method-master 3 2 FENCE_METHOD=POOL GLOBAL_VM_HA=1
# the pool method's XAPI is each host's own socket (/var/lib/xcp/xapi in a dom0)
for i in 2 3; do echo "POOL_UNIX_SOCKET=$LAB/xapi$i.sock" >> "$LAB/host$i.conf"; lab_daemon_restart $i; done
ready 2 && ready 3
lab_wait 30 sh -c "jq -e '.role==\"autopromote slave\"' '$LAB/state2/status.json'"
lab_host_die 1
check "FENCE_METHOD=POOL: the master dies, the autopromote slave takes over and marks it dead" \
    lab_wait 30 grep -q '"action":"fence".*"result":"ok"' "$LAB/history2.jsonl"
check "  ... both of the old master's VMs come back" lab_wait 30 starts_are 2 2

# A server without host.declare_dead: the marking is host.disable, then one
# VM.power_state_reset per VM; the second reset fails.  The first VM is
# reset (halted, resident nowhere) and the host disabled, so no retry comes:
# that VM is started now, the other, still "running" there, stays down.
partial_said() { actions 1 vm-start | grep -q "^$U3 partial .*failed part-way: 1 of its VMs"; }
LAB_XAPI_ARGS=--no-declare-dead new_lab partial-marking 3 2 GLOBAL_VM_HA=1
# (every later reset fails too: the engine's retry of the marking as well)
mkdir -p "$LAB/control/fail" && echo "5 after 1" > "$LAB/control/fail/VM.power_state_reset"
lab_host_die 3
check "the marking fails part-way (the second VM.power_state_reset): said in the history" \
    lab_wait 30 partial_said
check "  ... the VM it reset is started" lab_wait 30 starts_are 1 1
is "1 1" "$(lab_vms | awk -v h="$U3" '$1 ~ /^vm3-/ && $2 == "Running" { if ($3 == h) there++; else moved++ } END { print moved + 0, there + 0 }')" \
    "  ... and only that one: the other, not reset, XAPI still counts as running on host 3"

# The first marking of the old master fails (the new master's XAPI is busy):
# the host stays enabled, is watched again and fails again, now as a plain
# slave of this master.  It failed as the master: SLAVE_HA=0 still holds.
new_lab slave-ha-off-retry 3 2 SLAVE_HA=0 GLOBAL_VM_HA=1
mkdir -p "$LAB/control/fail" && echo 2 > "$LAB/control/fail/host.declare_dead"
lab_host_die 1
check "the master dies, the first marking of it fails" lab_wait 30 grep -q '"action":"mark-dead".*could not mark' "$LAB/history2.jsonl"
check "  ... it is marked dead at the next try" lab_wait 30 grep -q '"action":"mark-dead".*"marked ' "$LAB/history2.jsonl"
check "  ... SLAVE_HA=0 still holds: it failed as the master" lab_wait 30 grep -q 'SLAVE_HA=0' "$LAB/history2.jsonl"
is 0 "$(grep -c '^VM.start_on' "$LAB/xapi2.log")" "  ... (no VM.start_on)"

# ---- the configuration in the pool database (ha-cfg set: other-config HA_<KEY>) ----------
new_lab pool-db 3 2
CFG="-c $LAB/pool.conf -c $LAB/host2.conf"
run "$HAFENCE" config set FENCE_HA_ONFAIL 1 $CFG
is 0 "$rc" "hafence config set FENCE_HA_ONFAIL 1 (on a slave, through its local socket, no password)"
check "  ... written as ha-cfg writes it (pool other-config HA_FENCE_HA_ONFAIL)" \
    grep -q 'pool.add_to_other_config .* HA_FENCE_HA_ONFAIL 1' "$LAB/xapi1.log"
check "  ... every daemon reloads" \
    lab_wait 30 sh -c "grep -q 'configuration reloaded.*pool database' '$LAB/daemon1.log' && grep -q 'configuration reloaded.*pool database' '$LAB/daemon3.log'"
run "$HAFENCE" config get FENCE_HA_ONFAIL $CFG
is "1" "$out" "hafence config get FENCE_HA_ONFAIL"
run "$HAFENCE" config list $CFG
has "FENCE_HA_ONFAIL=1" "$out" "hafence config list"
run "$HAFENCE" config set XAPI_COUNT many $CFG
is 78 "$rc" "hafence config set XAPI_COUNT many: refused (a configuration error)"
has "nothing written" "$out" "  ... before anything is written"
has "XAPI_COUNT" "$out" "  ... naming the key"
run "$HAFENCE" config get XAPI_COUNT $CFG
is 1 "$rc" "  ... (it is not in the pool database)"
run "$HAFENCE" config set FENCE_PASSWD secret $CFG
is 64 "$rc" "a secret is not written to the pool database (readable by every pool administrator)"
# an entry that does not load, as an older tool may write it
pool_set HA_XAPI_COUNT many
check "a value that does not load: the reload is refused, naming the entry" \
    lab_wait 30 grep -q "reload refused.*pool other-config HA_XAPI_COUNT" "$LAB/daemon1.log"
is 1 "$(grep -c 'reload refused.*HA_XAPI_COUNT' "$LAB/daemon1.log")" "  ... once, not every pass"
run "$HAFENCED" --check-config -c "$LAB/pool.conf" -o "$LAB/host1.conf" --state-dir "$LAB/state1" --host-uuid "$U1" \
    --plugin-dir "$LAB/no-plugins"
is 78 "$rc" "  ... hafenced --check-config (the pool database as last seen) refuses it too"
has "pool other-config HA_XAPI_COUNT" "$out" "  ... naming it"

# FENCE_ACTION=start powers nothing off
printf 'FENCE_ACTION=start\n' > "$LAB/start.conf"
run "$HAFENCED" --check-config -c "$LAB/pool.conf" -o "$LAB/start.conf" --host-uuid "$U1" --plugin-dir "$LAB/no-plugins" \
    --state-dir "$LAB/state-none"
is 78 "$rc" "FENCE_ACTION=start is refused by hafenced"
has "powers nothing off" "$out" "  ... saying why"

done_testing
