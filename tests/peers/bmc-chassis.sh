#!/bin/sh
# Chassis power of one simulated host, for ipmi_sim's chassis_control hook:
#   bmc-chassis.sh DIR get power         -> prints "power:1" or "power:0"
#   bmc-chassis.sh DIR set power "0|1"
# DIR/power holds the state ("1"/"0", or "OLD NEW WHEN_MS" while a change
# is pending); DIR/delay_ms, when present, delays a change (a slow BMC);
# DIR/log records every request.
dir=$1; shift
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
current() {
    read -r cur new when < "$dir/power" 2>/dev/null || cur=1
    if [ -n "${when:-}" ] && [ "$(now_ms)" -ge "$when" ]; then cur=$new; fi
    echo "${cur:-1}"
}
case "$1" in
get)
    shift
    for name in "$@"; do
        [ "$name" = power ] && echo "power:$(current)"
    done
    ;;
set)
    shift
    while [ $# -ge 2 ]; do
        if [ "$1" = power ]; then
            val=$(echo "$2" | tr -d '"')
            echo "set power $val" >> "$dir/log"
            delay=$(cat "$dir/delay_ms" 2>/dev/null || echo 0)
            if [ "$delay" -gt 0 ]; then
                echo "$(current) $val $(( $(now_ms) + delay ))" > "$dir/power.tmp"
            else
                echo "$val" > "$dir/power.tmp"
            fi
            mv "$dir/power.tmp" "$dir/power"
        fi
        shift 2
    done
    ;;
esac
exit 0
