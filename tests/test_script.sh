#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $A: argument bundles (plugin and parameters), split into words on purpose
# The script shim with real scripts: HA-Lizard custom fence scripts
# (NAME.sh <host-uuid> <start|stop|reset>) and fence-agents style agents
# (key=value on stdin).
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

UUID=2f4a4020-fe8c-4686-a65d-501a19a06716
FL=$TMP/fence
SECRET='Pdu-Pa55word'
printf '%s\n' "$SECRET" > "$TMP/pw"; chmod 600 "$TMP/pw"

mkscript() { # NAME BODY
    mkdir -p "$FL/$1"
    printf '#!/bin/sh\n%s\n' "$2" > "$FL/$1/$1.sh"
    chmod 755 "$FL/$1/$1.sh"
}

# a script that records its argv and environment
mkscript POWEROFF "echo \"argv: \$*\" > '$TMP/argv'; env > '$TMP/env'; ps -o args= -p \$\$ > '$TMP/ps'; exit 0"
run hafence off script method=POWEROFF file_loc="$FL" address=127.0.0.5 $UUID --password-file "$TMP/pw"
is 0 "$rc" "exit 0 from the script: success"
has "done (unverified by hafence)" "$out" "reported as unverified by hafence"
is "argv: $UUID stop" "$(cat "$TMP/argv")" "script called with <host-uuid> stop"
has "FENCE_PASSWD=$SECRET" "$(cat "$TMP/env")" "password passed in the environment"
has "FENCE_IPADDRESS=127.0.0.5" "$(cat "$TMP/env")" "FENCE_IPADDRESS in the environment"
hasnt "$SECRET" "$(cat "$TMP/ps")" "password not in the script's argv"
hasnt "$SECRET" "$out" "password not in the output"
run hafence on script method=POWEROFF file_loc="$FL" $UUID
is "argv: $UUID start" "$(cat "$TMP/argv")" "on -> start"
run hafence reboot script method=POWEROFF file_loc="$FL" $UUID
is "argv: $UUID reset" "$(cat "$TMP/argv")" "reboot -> reset (the script's own, nothing to verify between)"
run hafence status script method=POWEROFF file_loc="$FL" $UUID
is 1 "$rc" "status of a script: exit 1 (unknown)"
has "unsupported" "$out" "scripts cannot report power state"
run hafence monitor script method=POWEROFF file_loc="$FL"
is 0 "$rc" "monitor: the script is in place"

mkscript FAILS "echo 'PDU said no' >&2; exit 1"
run hafence off script method=FAILS file_loc="$FL" $UUID
is 1 "$rc" "exit 1 from the script: failure"
has "exit status 1: PDU said no" "$out" "the script's status and last line reported"

mkscript SLOW "sleep 30"
run hafence off script method=SLOW file_loc="$FL" $UUID --timeout 1.5
is 1 "$rc" "a script past the deadline fails"
has "timed-out" "$out" "killed at the deadline"

mkscript WRITABLE "exit 0"
chmod 775 "$FL/WRITABLE/WRITABLE.sh"
run hafence off script method=WRITABLE file_loc="$FL" $UUID
is 1 "$rc" "a group-writable script is refused"
has "writable by its group" "$out" "the refusal says why"
chmod 757 "$FL/WRITABLE/WRITABLE.sh"
run hafence off script method=WRITABLE file_loc="$FL" $UUID
has "writable by others" "$out" "a world-writable script is refused"

run hafence off script method=MISSING file_loc="$FL" $UUID
is 1 "$rc" "a missing script fails"
has "$FL/MISSING/MISSING.sh" "$out" "the missing script is named"
run hafence off script method=../etc file_loc="$FL" $UUID
is 1 "$rc" "a method name with a path is refused"

# ---- fence-agents mode ------------------------------------------------------
# An agent of the fence-agents family: reads key=value lines on stdin, keeps
# each plug's state in a file, exit 0/2 for status on/off.
cat > "$TMP/fence_fake" <<AGENT
#!/bin/sh
while IFS= read -r line; do
    case "\$line" in
        action=*) action=\${line#action=} ;;
        plug=*) plug=\${line#plug=} ;;
        password=*) password=\${line#password=} ;;
        ip=*) ip=\${line#ip=} ;;
        username=*) username=\${line#username=} ;;
    esac
    echo "\$line" >> "$TMP/agent-stdin"
done
ps -o args= -p \$\$ >> "$TMP/agent-ps"
[ "\$password" = "$SECRET" ] || { echo "Failed: Unable to obtain correct plug status or plug is not available" >&2; exit 1; }
state=$TMP/plug-\$plug
case "\$action" in
    off) echo off > "\$state" ;;
    on) echo on > "\$state" ;;
    status) [ "\$(cat "\$state" 2>/dev/null || echo on)" = off ] && { echo "Status: OFF"; exit 2; }; echo "Status: ON"; exit 0 ;;
    monitor) exit 0 ;;
    list) echo "1,web01"; echo "2,db01" ;;
    *) exit 1 ;;
esac
exit 0
AGENT
chmod 755 "$TMP/fence_fake"
A="script agent=$TMP/fence_fake address=127.0.0.9 username=admin agent_options=lanplus=1,power_wait=0"
run hafence off $A 1 --password-file "$TMP/pw"
is 0 "$rc" "agent off: exit 0"
has "done (verified)" "$out" "agent off verified through its status"
is off "$(cat "$TMP/plug-1")" "the agent turned the plug off"
has "action=off" "$(cat "$TMP/agent-stdin")" "action on stdin"
has "plug=1" "$(cat "$TMP/agent-stdin")" "plug on stdin"
has "ip=127.0.0.9" "$(cat "$TMP/agent-stdin")" "ip on stdin"
has "lanplus=1" "$(cat "$TMP/agent-stdin")" "agent options on stdin, one per line"
hasnt "$SECRET" "$(cat "$TMP/agent-ps")" "password not in the agent's argv"
run hafence status $A 1 --password-file "$TMP/pw"
is 2 "$rc" "agent status off: exit 2"
run hafence on $A 1 --password-file "$TMP/pw"
is 0 "$rc" "agent on verified"
run hafence list $A --password-file "$TMP/pw"
has "2,db01" "$out" "agent list"
run hafence off $A 1
is 1 "$rc" "agent without the password fails"
has "Unable to obtain correct plug status" "$out" "the agent's own message is reported"
run hafence off script agent="$TMP"/fence_fake agent_options=password=x 1
is 1 "$rc" "a password smuggled in agent_options is refused"

done_testing
