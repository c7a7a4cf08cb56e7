#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $CFG: argument bundles (plugin and parameters), split into words on purpose
# HA-Lizard's pool-wide switches and roles, on a pool hafenced took over
# (tests/peers/pool-lab.sh): the pool switch and XenServer's own HA,
# maintenance, PROMOTE_SLAVE and SLAVE_HA, the master always fenced with
# stop, FENCE_METHOD=POOL's takeover, a server without host.declare_dead,
# the configuration in the pool database.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/peers/recovery-lab.sh
. "$top_srcdir/tests/peers/recovery-lab.sh"

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

# the only slave of a two-host pool put in maintenance: nobody could take over
new_lab no-autopromote 2 1
H2=$(lab_xapi 1 host.get_by_uuid "$U2" | tr -d '"')
lab_xapi 1 host.disable "$H2" >/dev/null
said_none() { actions 1 autopromote | grep -q "^$U1 none no host can be the autopromote slave: of the 1 other hosts, 0 are enabled"; }
chosen_again() { actions 1 autopromote | tail -n 1 | grep -q "^$U2 ok"; }
check "no host can be the autopromote slave (the only slave in maintenance): the master says so" lab_wait 30 said_none
sleep 2 # two passes more
is 1 "$(actions 1 autopromote | grep -c ' none ')" "  ... once"
lab_xapi 1 host.enable "$H2" >/dev/null
check "  ... back from maintenance: the slave is chosen again" lab_wait 30 chosen_again

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
