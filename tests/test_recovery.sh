#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $CFG: argument bundles (plugin and parameters), split into words on purpose
# A pool HA-Lizard runs today, taken over by hafenced (tests/peers/pool-lab.sh:
# XAPI emulators with their local sockets, ipmi_sim BMCs, one daemon per
# host): which VMs come back and in what order (GLOBAL_VM_HA and the
# XenCenter custom field, VM.order and start_delay, vApps with
# DISABLED_VAPPS), HA-Lizard's health marks, quorum among enabled hosts, a
# recovery that outlives its daemon or its master, no password on the local
# socket.  The pool-wide switches: tests/test_pool_switches.sh.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/peers/recovery-lab.sh
. "$top_srcdir/tests/peers/recovery-lab.sh"

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
pool_plan() { lab_xapi 1 pool.get_other_config "$(lab_pool_ref 1)" | jq -r --arg k "hafence-recovery-$U3" '.[$k] // empty'; }
pool_plan > "$LAB/pool-plan.json"
check "  ... and in the pool's other-config hafence-recovery-<host>, for the next master" \
    jq -e '(.host == "'"$U3"'") and (.by == "'"$U1"'") and ([.vms[].name] | sort == ["vm3-1", "vm3-2"])' "$LAB/pool-plan.json"
kill -9 "$(cat "$LAB/daemon1.pid")"
is "Halted -" "$(vm_state vm3-1)" "  ... hafenced killed (SIGKILL) before vm3-1: it is down, resident nowhere"
lab_daemon_start 1
check "  ... the restarted daemon resumes the recovery" lab_wait 30 started_once vm3-1
is 1 "$(started vm3-2)" "  ... vm3-2, running already, is not started again"
has "1 of its 2 VMs are still halted" "$(actions 1 vm-resume)" "  ... the history says what it resumed and why"
is 1 "$(actions 1 fence | grep -c "^$U3 ")" "  ... host 3 is not fenced again"
check "  ... the plan is removed once done" lab_wait 10 sh -c "[ ! -e '$PLAN' ]"
is "" "$(pool_plan)" "  ... from the pool's other-config too"

# ---- a second failure: the master dies itself before the VMs of the host it marked dead ----
# are started.  Its state directory dies with it; the pool database the next
# master reads holds the marking (host 3 disabled, its VMs halted, resident
# nowhere) and the plan written before it, in the pool's other-config.  The
# pool starts in that state: the plan another master (host 2, before it
# handed over) left for host 3, one for a host long gone (older than the
# bound) and one that is no plan.
vm_ref() { python3 -c 'import sys, uuid; print("OpaqueRef:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xapi-emulator/VM/" + sys.argv[1])))' "$1"; }
GONE=00000000-0000-4000-8000-0000000000aa BAD=00000000-0000-4000-8000-0000000000bb
ADOPT_JQ="(.hosts[] | select(.uuid == \"$U3\")) += {\"enabled\": false, \"live\": false}
| (.vms[] | select(.name == \"vm3-1\" or .name == \"vm3-2\")) += {\"power_state\": \"Halted\", \"host\": null}
| .pool_other_config = {
    \"hafence-recovery-$U3\": ({host: \"$U3\", by: \"$U2\", written_ms: (now * 1000 | floor), pid: 4242, boot_id: \"x\",
        vms: [{uuid: \"$(pool_vm_uuid 3 1)\", ref: \"$(vm_ref "$(pool_vm_uuid 3 1)")\", name: \"vm3-1\", order: 0, start_delay: 0},
              {uuid: \"$(pool_vm_uuid 2 1)\", ref: \"$(vm_ref "$(pool_vm_uuid 2 1)")\", name: \"vm2-1\", order: 0, start_delay: 0}],
        appliances: []} | tojson),
    \"hafence-recovery-$GONE\": ({host: \"$GONE\", by: \"$U2\", written_ms: ((now - 7200) * 1000 | floor), pid: 4242,
        vms: [{uuid: \"$(pool_vm_uuid 3 2)\", ref: \"$(vm_ref "$(pool_vm_uuid 3 2)")\", name: \"vm3-2\"}], appliances: []} | tojson),
    \"hafence-recovery-$BAD\": \"{\\\"host\\\": \\\"not json\"}"
LAB_POOL_JQ=$ADOPT_JQ new_lab adopted 3 2 GLOBAL_VM_HA=1
check "a plan another master left in the pool's other-config: the master starts what of it is halted" \
    lab_wait 30 started_once vm3-1
has "that hafenced pid 4242 on the master xs2 " "$(actions 1 vm-resume)" \
    "  ... the history says whose recovery it took over"
is 0 "$(started vm2-1)" "  ... vm2-1, running already, is not started again"
is "Halted -" "$(vm_state vm3-2)" "  ... a plan older than the bound (900 s) is not resumed"
has "is older than the bound" "$(actions 1 vm-start)" "  ... saying so"
has "hafence-recovery-$BAD is no recovery plan" "$(lab_history 1)" "  ... one that is no plan is named"
no_plans_left() { ! lab_xapi 1 pool.get_other_config "$(lab_pool_ref 1)" | grep -q hafence-recovery; }
check "  ... and every such plan is removed from the pool" lab_wait 10 no_plans_left
is "0 0" "$(actions 2 vm-resume | wc -l) $(actions 3 vm-resume | wc -l)" "  ... the slaves leave them to the master"
# a plan whose removal XAPI refuses stays in the pool: taken once, not every pass
mkdir -p "$LAB/control/fail"
echo 1 > "$LAB/control/fail/pool.remove_from_other_config"
lab_xapi 1 pool.add_to_other_config "$(lab_pool_ref 1)" "hafence-recovery-$U3" "$(jq -cn --arg h "$U3" --arg b "$U2" \
    --arg u "$(pool_vm_uuid 3 1)" --arg r "$(vm_ref "$(pool_vm_uuid 3 1)")" \
    '{host: $h, by: $b, written_ms: (now * 1000 | floor), pid: 4343, vms: [{uuid: $u, ref: $r, name: "vm3-1"}], appliances: []}')" >/dev/null
check "a plan XAPI refuses to remove: taken once" lab_wait 20 sh -c "grep -q 'hafenced pid 4343' '$LAB/history1.jsonl'"
check "  ... its removal refused" lab_wait 10 sh -c "[ \"\$(cat '$LAB/control/fail/pool.remove_from_other_config')\" = 0 ]"
sleep 4 # four passes more
is 1 "$(grep -c 'hafenced pid 4343' "$LAB/history1.jsonl")" "  ... and not taken again every pass"
is 1 "$(started vm3-1)" "  ... vm3-1, running already, not started again"

# ---- a fence of a host whose recovery another master left in flight ---------------------
# The master that fenced host 3 (host 2, before it handed over) reset vm3-1
# and died before it started it; the plan in the pool names vm3-1.  This
# master's view is stale (pool.get_record fails: the cached view, with
# which it adopts nothing) and host 3, still enabled, is fenced again: the
# plan it writes under the same key must not make vm3-1 forgotten.
view_cached() { jq -e '.view_cached' "$LAB/state1/status.json"; }
new_lab plan-in-flight 3 2 GLOBAL_VM_HA=1
mkdir -p "$LAB/control/fail" && echo 1000000 > "$LAB/control/fail/pool.get_record"
check "a master whose pool view is the cached one (pool.get_record fails)" lab_wait 20 view_cached
check "  ... vm3-1 halted, resident nowhere, as a marking leaves it" \
    lab_xapi 1 VM.hard_shutdown "$(lab_xapi 1 VM.get_by_name_label vm3-1 | jq -r '.[0]')"
lab_xapi 1 pool.add_to_other_config "$(lab_pool_ref 1)" "hafence-recovery-$U3" "$(jq -cn --arg h "$U3" --arg b "$U2" \
    --arg u "$(pool_vm_uuid 3 1)" --arg r "$(vm_ref "$(pool_vm_uuid 3 1)")" \
    '{host: $h, by: $b, written_ms: (now * 1000 | floor), pid: 4545, vms: [{uuid: $u, ref: $r, name: "vm3-1"}], appliances: []}')" >/dev/null
lab_host_die 3
check "  ... fences host 3, for which another master left a recovery in the pool" lab_wait 20 fenced_by 1 "$U3"
check "  ... starts the VM that master reset and did not start (vm3-1)" lab_wait 30 started_once vm3-1
check "  ... and the one still resident on host 3 (vm3-2)" lab_wait 30 started_once vm3-2
has "that hafenced pid 4545 on the master xs2 " "$(actions 1 vm-resume)" "  ... the history says whose recovery it took up"
check "  ... no plan is left in the pool" lab_wait 10 no_plans_left

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

done_testing
