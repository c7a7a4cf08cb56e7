# A simulated pool's description for the XAPI emulator, shared by the
# loopback pool (pool-lab.sh) and the namespace lab (tests/lab/lab.sh).
# Sourced (POSIX sh).
#   pool_uuid I, pool_vm_uuid I V     the UUIDs of host I and of its VM V
#   pool_json COUNT VMS NET           hosts 1..COUNT at NET.(10+I) (NET: "127.0.0",
#                                     "10.77.0"), VMS per host; the first VM of
#                                     every host is managed by HA
#                                     (ha-lizard-enabled=true), the others not

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
            printf '{"uuid": "%s", "name": "vm%d-%d", "host": "%s", "other_config": {"ha-lizard-enabled": "%s"}}' \
                "$(pool_vm_uuid $i $v)" $i $v "$(pool_uuid $i)" $managed
            v=$((v + 1))
        done
        i=$((i + 1))
    done
    printf ']}\n'
}
