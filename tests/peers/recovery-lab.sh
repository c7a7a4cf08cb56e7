# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC2034,SC2154 # variables the tests use; top_srcdir: make check sets it
# What tests/test_recovery.sh and tests/test_pool_switches.sh ask of a pool
# lab (tests/peers/pool-lab.sh): new_lab, a pool with its daemons settled;
# ready; what a host's history says (actions, fenced_by, decided, started);
# a VM's state; pool_set, the pool's other-config as XenCenter sets it.
# Sourced after the test's own lines: it sources tests/lib.sh and
# tests/peers/pool-lab.sh, and stops the lab when the test ends.
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
# settled: every peer answers (a disabled one, in maintenance or fenced, is not watched)
ready() { lab_wait 30 sh -c "[ -s '$LAB/state$1/status.json' ] && jq -e '.peers | length > 0 and all(.state == \"ok\" or .state == \"disabled\")' '$LAB/state$1/status.json'"; }
pool_set() { # KEY VALUE: the pool's other-config, as ha-cfg, XenCenter or XO set it
    lab_xapi 1 pool.remove_from_other_config "$(lab_pool_ref 1)" "$1" >/dev/null
    lab_xapi 1 pool.add_to_other_config "$(lab_pool_ref 1)" "$1" "$2" >/dev/null
}
