#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fencing levels against real peers on loopback: OpenIPMI's ipmi_sim as the
# hosts' BMCs (level 1) and net-snmp's snmpd as two switched PDUs feeding
# every host (level 2, both must switch off), through `hafence off -c` and
# through hafenced in the pool lab (tests/peers/pool-lab.sh).  A dead BMC
# leaves the host to its outlets; a level counts only when every device in
# it read back off; a host no level fenced is never done.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
# shellcheck source=tests/peers/pool-lab.sh
. "$top_srcdir/tests/peers/pool-lab.sh"

command -v ipmi_sim >/dev/null || { echo "Bail out! ipmi_sim is missing (package openipmi; scripts/setup-debian.sh)"; exit 1; }
[ -x /usr/sbin/snmpd ] || { echo "Bail out! /usr/sbin/snmpd is missing (package snmpd; scripts/setup-debian.sh)"; exit 1; }
PEER=$top_srcdir/tests/peers/pdu-snmpd.sh
SNMP_PERSISTENT_DIR=$TMP/persist
export SNMP_PERSISTENT_DIR
trap 'lab_stop; for d in pdu_a pdu_b; do "$PEER" stop "$TMP/$d"; done; [ -n "${HAFENCE_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT

LAB=$TMP/lab
mkdir -p "$LAB"
lab_start "$LAB" 3 || { echo "Bail out! the pool lab did not start: $(cat "$LAB"/*.err 2>/dev/null)"; exit 1; }
U1=$(lab_uuid 1) U2=$(lab_uuid 2) U3=$(lab_uuid 3)
for d in pdu_a pdu_b; do
    "$PEER" start "$TMP/$d" apc-rpdu .1.3.6.1.4.1.318.1.3.4.2 xs1 xs2 xs3 || { echo "Bail out! PDU $d did not start"; exit 1; }
done
outlet() { awk -v n="$2" '$1 == n { print $3 }' "$TMP/$1/state/outlets"; }
outlets_on() { for d in pdu_a pdu_b; do hafence on snmp-pdu "port=$(cat "$TMP/$d/port")" "127.0.0.1:$1" --secret-file "community=$LAB/rw" >/dev/null 2>&1; done; }
printf 'private-rw\n' > "$LAB/rw"
chmod 600 "$LAB/rw"
for m in PDU_A PDU_B; do
    mkdir -p "$LAB/fence/$m"
    for i in 1 2 3; do echo "$(lab_uuid $i):127.0.0.1:$i" >> "$LAB/fence/$m/$m.hosts"; done
done
# level 1: the lab's ipmi (its keys already in pool.conf); level 2: both PDUs
lab_config "FENCE_METHOD=IPMI,PDU_A:SNMP-PDU+PDU_B:SNMP-PDU" \
    "PDU_A_PORT=$(cat "$TMP/pdu_a/port")" "PDU_A_COMMUNITY_FILE=$LAB/rw" \
    "PDU_B_PORT=$(cat "$TMP/pdu_b/port")" "PDU_B_COMMUNITY_FILE=$LAB/rw" HAFENCE_FENCE_TIMEOUT=30
C="-c $LAB/pool.conf --history $LAB/cli-history.jsonl --timeout 30"

# ---- hafence off -c: the same levels by hand ------------------------------------------------
# shellcheck disable=SC2086
run_json hafence off $C "$U3" --json
json_check "off -c: the BMC answers: level 1 fences" '.result=="ok" and .level==1 and (.levels|length)==1 and .verified'
is 0 "$(lab_power 3)" "  ... the chassis is off"
is "on on" "$(outlet pdu_a 3) $(outlet pdu_b 3)" "  ... and no outlet was touched"
# shellcheck disable=SC2086
run hafence on $C "$U3"
is 0 "$rc" "on -c: back on through level 1"

"$LAB_SIM" stop "$LAB/bmcs" 3 >/dev/null 2>&1
# shellcheck disable=SC2086
run_json hafence off $C "$U3" --json
json_check "the BMC is dead: level 2, both PDUs, fences the host" \
    '.result=="ok" and .level==2 and (.levels|map(.level)) == [1,2,2] and .levels[0].result!="ok" and .verified'
is "off off" "$(outlet pdu_a 3) $(outlet pdu_b 3)" "  ... both of its outlets are off"
is "on on on on" "$(outlet pdu_a 1) $(outlet pdu_a 2) $(outlet pdu_b 1) $(outlet pdu_b 2)" "  ... and only its outlets"
check "  ... the history holds every level and device, with result and time" \
    jq -e -s 'last | .result=="ok" and (.levels|length)==3 and .levels[0].method=="IPMI" and .levels[0].counted==false and (.levels[1:]|all(.counted and .verified and .time and .result=="ok"))' "$LAB/cli-history.jsonl"
# shellcheck disable=SC2086
run hafence off $C "$U3"
has "level 1 IPMI (ipmi)" "$out" "  ... the text says each level and device"
check "  ... a walk that switched records already=false; one that found the outlets off, already=true" \
    jq -e -s '(.[-2] | .levels[1:] | all(.already == false)) and (last | .levels[1:] | all(.counted and .already))' "$LAB/cli-history.jsonl"
# two hosts: each walks its levels, then one table says which level did it
outlets_on 3
# shellcheck disable=SC2086
run hafence off $C "$U2" "$U3"
is 0 "$rc" "off -c, two hosts (one BMC alive, one dead): exit 0"
check "  ... the summary: host 2 by its BMC" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^$U2 +off +ok +level 1 IPMI +verified'" _ "$out"
check "  ... host 3 by both PDUs of level 2" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^$U3 +off +ok +level 2 PDU_A\+PDU_B +verified'" _ "$out"
has "2 hosts: 2 done, 0 failed" "$out" "  ... and the total"
# shellcheck disable=SC2086
run hafence on $C "$U2"
is 1 "$(lab_power 2)" "  ... (host 2 back on)"

outlets_on 3
touch "$TMP/pdu_b/state/stuck"
# shellcheck disable=SC2086
run_json hafence off $C "$U3" --json --power-timeout 3
json_check "one of the level's two PDUs does not switch off: not fenced" '.result!="ok" and .level==0 and .verified==false'
is 1 "$rc" "  ... exit 1"
is "off on" "$(outlet pdu_a 3) $(outlet pdu_b 3)" "  ... (one outlet off, the other still on)"
rm -f "$TMP/pdu_b/state/stuck"
outlets_on 3
# the other way round: the level's first PDU does not switch off, its second does
touch "$TMP/pdu_a/state/stuck"
# shellcheck disable=SC2086
run_json hafence off $C "$U3" --json --power-timeout 3
json_check "the level's first PDU does not switch off, the second does: not fenced" '.result=="unverified" and .level==0'
check "  ... nor recorded done in the history (the device that failed the level says why)" \
    sh -c "tail -1 '$LAB/cli-history.jsonl' | jq -e '.result==\"unverified\" and .verified==false'"
rm -f "$TMP/pdu_a/state/stuck"
outlets_on 3

"$PEER" stop "$TMP/pdu_a"
"$PEER" stop "$TMP/pdu_b"
# shellcheck disable=SC2086
run_json hafence off $C "$U3" --json --timeout 15
json_check "every level dead: failed, never done" '.result!="ok" and .level==0 and (.levels|length)==3'
is 1 "$rc" "  ... exit 1"
for d in pdu_a pdu_b; do "$PEER" start "$TMP/$d" apc-rpdu .1.3.6.1.4.1.318.1.3.4.2 xs1 xs2 xs3 >/dev/null; done
# the PDUs come back on other ports
sed -i "s/^PDU_A_PORT=.*/PDU_A_PORT=$(cat "$TMP/pdu_a/port")/; s/^PDU_B_PORT=.*/PDU_B_PORT=$(cat "$TMP/pdu_b/port")/" "$LAB/pool.conf"

# ---- hafenced: a host dies with its BMC; the PDUs fence it and its VMs come back ----------
run "$HAFENCED" --check-config -c "$LAB/pool.conf" -o "$LAB/host1.conf" --host-uuid "$U1" --plugin-dir "$LAB/no-plugins"
has "level 2 PDU_A: plugin snmp-pdu" "$out" "hafenced --check-config checks every device of every level"
lab_config HAFENCE_MONITOR_INTERVAL=3 "HAFENCE_METRICS_FILE=$LAB/hafence.prom"
for i in 1 2 3; do lab_daemon_start $i; done
ready() { lab_wait 30 sh -c "[ -s '$LAB/state$1/status.json' ] && jq -e '.peers | length > 0 and all(.state == \"ok\")' '$LAB/state$1/status.json'"; }
check "three daemons see their peers" ready 1

# ---- readiness: every peer's fence path checked before it is needed --------------------------
# paths NAME: "level device state" of the master's fence paths to host NAME
paths() { jq -r --arg n "$1" '.peers[] | select(.name == $n) | .fence_paths[] | "\(.level) \(.device) \(.state)"' "$LAB/state1/status.json" | tr '\n' ' '; }
check "readiness: the master checked every device of every level for each peer" \
    lab_wait 30 sh -c "[ \"\$(jq '[.peers[].fence_paths[] | select(.state != \"unchecked\")] | length' '$LAB/state1/status.json')\" = 6 ]"
is "1 IPMI ready 2 PDU_A ready 2 PDU_B ready " "$(paths xs2)" "  ... xs2: all three ready"
is "1 IPMI broken 2 PDU_A ready 2 PDU_B ready " "$(paths xs3)" "  ... xs3: its BMC (stopped above) broken, its outlets ready"
check "  ... the broken path is in the history (and so alerted)" \
    flock -s "$LAB/history1.jsonl" jq -e -s "map(select(.action==\"fence-path\" and .result==\"broken\" and .host==\"$U3\")) | length == 1" "$LAB/history1.jsonl"
run "$HAFENCE" status-pool --state-dir "$LAB/state1"
check "  ... hafence status-pool lists the paths, with their state" \
    sh -c "printf '%s\\n' \"\$1\" | grep -q '^xs3 *1 *IPMI (ipmi) .* broken .*cannot reach the BMC'" - "$out"
# the metrics file is written just after status.json: waited for, briefly
check "  ... and the metrics file holds them" lab_wait 15 grep -q 'hafence_fence_path_ready{peer="'"$U3"'",name="xs3",level="1",device="IPMI",plugin="ipmi"} 0' "$LAB/hafence.prom"
if command -v promtool >/dev/null; then
    run sh -c "promtool check metrics < '$LAB/hafence.prom'"
    is 0 "$rc" "  ... which promtool check metrics accepts"
fi
# a BMC that stops answering while its host is healthy: frozen, then thawed
kill -STOP "$(cat "$LAB/bmcs/bmc2/pid")"
t0=$(date +%s)
check "xs2's BMC stops answering while xs2 runs: reported broken" \
    lab_wait 30 sh -c "jq -e -s 'map(select(.action==\"fence-path\" and .result==\"broken\" and .host==\"$U2\")) | length == 1' '$LAB/history1.jsonl'"
diag "reported $(( $(date +%s) - t0 )) s after (interval 3 s, a check's deadline 15 s)"
paths_are() { [ "$(paths "$1")" = "$2" ]; }
check "  ... only its BMC (status-pool --json)" lab_wait 10 paths_are xs2 "1 IPMI broken 2 PDU_A ready 2 PDU_B ready "
diag "xs2's paths: $(paths xs2)"
kill -CONT "$(cat "$LAB/bmcs/bmc2/pid")"
check "  ... answering again: reported recovered" \
    lab_wait 30 sh -c "jq -e -s 'map(select(.action==\"fence-path\" and .result==\"recovered\" and .host==\"$U2\")) | length == 1' '$LAB/history1.jsonl'"
# ---- hafence simulate: the real decision and plan, nothing done ------------------------------
simulate() { # I HOST [--json]: hafence simulate HOST, asking host I's daemon
    i=$1; shift
    run_json "$HAFENCE" simulate "$@" --state-dir "$LAB/state$i" --runtime-dir "$LAB/run$i"
}
acted() { cat "$LAB"/history*.jsonl | jq -s 'map(select(.action | test("^(fence|mark-dead|vm-start|promote|recover-slaves)$"))) | length'; }
before=$(acted)
simulate 1 xs2
is 0 "$rc" "simulate xs2 on the master"
diag "$out"
has "xs2 failing now, as hafenced on xs1 (master) sees it" "$out" "  ... says who decides"
has "quorum      2 of 3 enabled hosts live with xs2 failed" "$out" "  ... counts xs2 failed"
has "decision    fence: master may fence" "$out" "  ... the master's decision (decision table: master, quorum: fence)"
has "level 1 IPMI (ipmi) 127.0.0.1:$(cat "$LAB/bmcs/bmc2/port"): ready (status" "$out" "  ... level 1 with its readiness"
has "level 2 PDU_B (snmp-pdu) 127.0.0.1:2: ready" "$out" "  ... level 2"
has "VMs         1 would start on xs1, xs3: vm2-1" "$out" "  ... the VMs HA manages (GLOBAL_VM_HA=0: the flagged one) and where"
simulate 2 xs1 --json
json_check "simulate the master on the autopromote slave: wait, then fence (table: autopromote, master failed, quorum)" \
    '.now.decision=="wait" and .after_wait.decision=="fence" and .wait_s > 0 and .peer_is_master and .fence_action=="off" and .live_hosts==2'
simulate 3 xs2 --json
json_check "simulate on a plain slave: nothing (table: a slave never fences)" '.now.decision=="nothing" and .role=="slave"'
simulate 1 xs9
is 1 "$rc" "simulate a host not in the pool: exit 1"
has "no host of that name or UUID" "$err" "  ... saying so"
simulate 1 xs1
has "its peers decide about it" "$err" "simulate this host: its peers decide"
is "$before" "$(acted)" "simulate fenced, marked, promoted and started nothing (the histories)"
is "1 on" "$(lab_power 2) $(outlet pdu_a 2)" "  ... and touched no power"

lab_host_die 3
check "host 3 dies, its BMC dead: the master fences it through level 2" \
    lab_wait 60 sh -c "jq -e -s 'map(select(.action==\"fence\" and .result==\"ok\")) | length == 1' '$LAB/history1.jsonl'"
check "  ... the record holds the failed level 1 and both PDUs of level 2" \
    flock -s "$LAB/history1.jsonl" jq -e -s 'map(select(.action=="fence")) | last | (.levels|map(.method)) == ["IPMI","PDU_A","PDU_B"] and .levels[0].counted==false and .levels[1].counted and .levels[2].counted' "$LAB/history1.jsonl"
is "off off" "$(outlet pdu_a 3) $(outlet pdu_b 3)" "  ... its outlets are off"
check "  ... its VMs are started on the survivors" lab_wait 30 grep -q 'VM.start_on' "$LAB/xapi1.log"
sleep 3
twice=$(awk '$1 == "VM.start_on" { print $2 }' "$LAB/xapi1.log" | sort | uniq -d)
is "" "$twice" "  ... each once"
hasnt "$U3" "$(lab_vms 1 | awk '$2 == "Running" { print $3 }')" "  ... none of them runs on the fenced host"
done_testing
