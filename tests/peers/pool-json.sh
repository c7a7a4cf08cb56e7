# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# A simulated pool's description for the XAPI emulator, shared by the
# loopback pool (pool-lab.sh) and the namespace lab (tests/lab/lab.sh).
# Sourced (POSIX sh).
#   pool_uuid I, pool_vm_uuid I V     the UUIDs of host I and of its VM V
#   pool_json COUNT VMS NET           hosts 1..COUNT at NET.(10+I) (NET: "127.0.0",
#                                     "10.77.0"), VMS per host; the first VM of
#                                     every host is flagged for HA as XenCenter
#                                     sets it (other-config:XenCenter.CustomFields.
#                                     ha-lizard-enabled=true), the others false

pool_uuid() { printf '6a1e5e00-0000-4000-8000-%012d\n' "$1"; }
pool_vm_uuid() { printf 'c0ffee00-0000-4000-8000-%06d%06d\n' "$1" "$2"; }

pool_json() {
    printf '{"hosts": ['
    i=1; while [ $i -le "$1" ]; do
        [ $i -gt 1 ] && printf ', '
        printf '{"uuid": "%s", "name": "xs%d", "address": "%s.%d", "live": true}' "$(pool_uuid $i)" $i "$3" $((10 + i))
        i=$((i + 1))
    done
    printf '], "vms": ['
    i=1; first=1; while [ $i -le "$1" ]; do
        v=1; while [ $v -le "$2" ]; do
            [ $first = 1 ] || printf ', '; first=0
            managed=false; [ $v = 1 ] && managed=true
            printf '{"uuid": "%s", "name": "vm%d-%d", "host": "%s", "other_config": {"XenCenter.CustomFields.ha-lizard-enabled": "%s"}}' \
                "$(pool_vm_uuid $i $v)" $i $v "$(pool_uuid $i)" $managed
            v=$((v + 1))
        done
        i=$((i + 1))
    done
    printf ']}\n'
}

# The keys both pools share in their pool-wide HA-Lizard config: IPMI
# fencing through FENCE_FILE_LOC's host map, quorum with the heuristic at
# HEURISTIC, a failed check and two retries a second apart, XAPI over http
# on PORT (hosts reached on their local socket need no password: the
# namespace lab adds one), only the VMs flagged for HA recovered
# (GLOBAL_VM_HA=0); no alert mail (MAIL_ON=0: a test never mails a relay
# it did not start) and no pool messages (ENABLE_ALERTS=0): tests/test_alerts.sh
# turns both on.
#   pool_conf FENCE_FILE_LOC SECRETS_DIR HEURISTIC PORT
pool_conf() {
    cat <<EOF2
FENCE_ENABLED=1
FENCE_METHOD=IPMI
FENCE_ACTION=stop
FENCE_FILE_LOC=$1
IPMI_USERNAME=admin
IPMI_PASSWORD_FILE=$2/ipmi.pw
IPMI_WORKAROUNDS=opensesspriv
FENCE_MIN_HOSTS=2
FENCE_QUORUM_REQUIRED=1
FENCE_USE_IP_HEURISTICS=1
FENCE_HEURISTICS_IPS=$3
XAPI_COUNT=2
XAPI_DELAY=1
GLOBAL_VM_HA=0
MAIL_ON=0
ENABLE_ALERTS=0
HAFENCE_MONITOR_INTERVAL=0
HAFENCE_XAPI_SCHEME=http
HAFENCE_XAPI_PORT=$4
HAFENCE_POOL_INTERVAL=1
EOF2
}
