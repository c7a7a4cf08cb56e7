#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Safety rules an attacker or an accident would test (SPEC.md sections 3, 7
# and 9): an operation never outlives its caller or its deadline, a stop
# request is "cancelled", no process holding a secret leaves a core file,
# code and config run as root cannot be replaced by anyone else, bad
# numbers on the command line are refused.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

UUID=2f4a4020-fe8c-4686-a65d-501a19a06716
FL=$TMP/fence
H=$TMP/history.jsonl
printf 'Core-Pa55word-Canary\n' > "$TMP/pw"; chmod 600 "$TMP/pw"

mkscript() { # NAME BODY
    mkdir -p "$FL/$1"
    printf '#!/bin/sh\n%s\n' "$2" > "$FL/$1/$1.sh"
    chmod 755 "$FL/$1/$1.sh"
}

# gone PIDFILE SECONDS: the process in PIDFILE has ended within SECONDS (a
# zombie nobody reaps counts as ended; an empty PIDFILE is a failure, never
# a process that ended)
gone() {
    pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] || return 1
    n=0
    while [ $n -lt $(($2 * 10)) ]; do
        st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 0
        [ "$st" = Z ] && return 0
        sleep 0.1; n=$((n + 1))
    done
    return 1
}
alive() { pid=$(cat "$1" 2>/dev/null) && [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; }
wait_file() { n=0; while [ ! -s "$1" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done; [ -s "$1" ]; }

# A fence script that starts a helper of its own and then takes its time:
# what a caller's death or a stop request must take down, both of them.
mkscript LINGER "sleep 300 & echo \$! > '$TMP/helper.pid'; echo \$\$ > '$TMP/script.pid'; wait"
# one that ignores SIGTERM, as a careless script does
mkscript DEAF "trap '' TERM; sleep 300 & echo \$! > '$TMP/helper.pid'; echo \$\$ > '$TMP/script.pid'; while :; do sleep 1; done"

# start_fence METHOD: hafence off through METHOD in the background; waits
# until the script runs
# (a shell starts background commands with SIGINT and SIGQUIT ignored: env
# gives them back their default, as a terminal's foreground job has them)
start_fence() {
    rm -f "$TMP/helper.pid" "$TMP/script.pid" "$H"
    env --default-signal=INT,QUIT "$HAFENCE" off script method="$1" file_loc="$FL" $UUID --timeout 60 --history "$H" \
        --plugin-dir "$TMP/no-plugins" >"$TMP/fence.out" 2>&1 &
    echo $! > "$TMP/hafence.pid"
    wait_file "$TMP/helper.pid" && wait_file "$TMP/script.pid"
}

# ---- the caller dies: the operation ends with it, and is recorded -----------------
for sig in KILL QUIT; do
    check "SIG$sig to hafence during a fence: (the script runs)" start_fence LINGER
    kill -$sig "$(cat "$TMP/hafence.pid")"
    check "  ... the script ends with its caller" gone "$TMP/script.pid" 5
    check "  ... and so does what the script started" gone "$TMP/helper.pid" 5
    check "  ... the operation is recorded in the history" wait_file "$H"
    has '"result":"cancelled"' "$(cat "$H" 2>/dev/null)" "  ... as cancelled"
    has "the caller (pid" "$(cat "$H" 2>/dev/null)" "  ... saying the caller died"
done
check "a caller's death with a script that ignores SIGTERM: (it runs)" start_fence DEAF
kill -KILL "$(cat "$TMP/hafence.pid")"
check "  ... killed all the same, within a couple of seconds" gone "$TMP/script.pid" 5
check "  ... its helper too" gone "$TMP/helper.pid" 5

# start_hung TIMEOUT HISTORY-OPTION...: hafence off in the background through a
# plugin that hangs and ignores every request to stop (dummy misbehave=hang);
# $hpid is hafence, $TMP/child.pid the operation's child.  With a history
# the child watches its caller with a thread (it has something to record),
# without one with a timer and signals only: both are tried.
mkdir -p "$TMP/dummy"; echo on > "$TMP/dummy/t1"
start_hung() {
    t=$1; shift
    "$HAFENCE" off dummy state_dir="$TMP/dummy" misbehave=hang misbehave_on=off t1 --timeout "$t" "$@" \
        --plugin-dir "$TMP/no-plugins" >/dev/null 2>&1 &
    hpid=$!
    n=0; while [ -z "$(pgrep -P $hpid)" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
    pgrep -P $hpid > "$TMP/child.pid"
}
for hist in "--history $TMP/hung.jsonl" --no-history; do
    rm -f "$TMP/hung.jsonl"
    # shellcheck disable=SC2086 # the history option, split into words
    start_hung 60 $hist
    kill -KILL $hpid
    check "a hung plugin whose caller died ($hist): its process ends within the grace, not at the 60 s deadline" \
        gone "$TMP/child.pid" 5
    [ "$hist" = --no-history ] ||
        has "did not stop within a second" "$(cat "$TMP/hung.jsonl" 2>/dev/null)" "  ... recorded as not stopping"
done

# a caller that stops being scheduled (SIGSTOP) enforces nothing: the hung
# plugin's child ends itself at its deadline and a grace of 2 s
for hist in "--history $TMP/hung.jsonl" --no-history; do
    # shellcheck disable=SC2086 # the history option, split into words
    start_hung 2 $hist
    kill -STOP $hpid
    check "a hung plugin whose caller is stopped ($hist): its process ends after the deadline (2 s) and grace (2 s)" \
        gone "$TMP/child.pid" 30
    kill -KILL $hpid; kill -CONT $hpid; wait $hpid 2>/dev/null
done

# ---- stop requests are "cancelled" --------------------------------------------------
for sig in HUP INT TERM; do
    check "SIG$sig to hafence during a fence: (the script runs)" start_fence LINGER
    kill -$sig "$(cat "$TMP/hafence.pid")"
    wait "$(cat "$TMP/hafence.pid")"
    rc=$?
    out=$(cat "$TMP/fence.out")
    is 1 "$rc" "  ... hafence stops, the fence failed (exit 1)"
    has "cancelled" "$out" "  ... reported as cancelled"
    hasnt "timed-out" "$out" "  ... not as timed out"
    hasnt "device-refused" "$out" "  ... nor as refused by the device"
    check "  ... the script is gone" gone "$TMP/script.pid" 3
    check "  ... its helper too" gone "$TMP/helper.pid" 3
    has '"result":"cancelled"' "$(cat "$H" 2>/dev/null)" "  ... recorded as cancelled"
done

# ---- no core file with the password in it ------------------------------------------
mkdir -p "$TMP/cwd"
(
    # shellcheck disable=SC3045 # dash and bash both have ulimit -c
    cd "$TMP/cwd" && ulimit -c unlimited 2>/dev/null
    exec env --default-signal=QUIT "$HAFENCE" off script method=LINGER file_loc="$FL" $UUID --password-file "$TMP/pw" --no-history \
        --plugin-dir "$TMP/no-plugins" >/dev/null 2>&1
) &
hpid=$!
wait_file "$TMP/script.pid" >/dev/null
sleep 0.3
is 0 "$(awk '/^Max core file size/ {print $5}' /proc/$hpid/limits)" "hafence holding a password: no core file allowed (RLIMIT_CORE 0)"
kill -QUIT $hpid; wait $hpid 2>/dev/null
is "" "$(ls "$TMP/cwd")" "  ... SIGQUIT leaves no core file behind"
hasnt "Core-Pa55word-Canary" "$(cat "$TMP"/cwd/* 2>/dev/null)" "  ... and the password is nowhere"
gone "$TMP/script.pid" 5 >/dev/null

# ---- code and config run as root: nobody else may be able to replace them ----------
DUMMY_SO=$top_builddir/plugins/dummy/.libs/dummy.so
plug() { mkdir -p "$TMP/$1"; cp "$DUMMY_SO" "$TMP/$1/dummy.so"; chmod 755 "$TMP/$1/dummy.so"; }
plug p777; chmod 777 "$TMP/p777"
run hafence info "$TMP/p777/dummy.so"
is 1 "$rc" "a plugin in a directory anyone may write to (0777): refused"
has "$TMP/p777: writable by others (mode 0777)" "$out" "  ... naming the directory and why"
plug pgw; chmod 775 "$TMP/pgw/dummy.so"
run hafence info "$TMP/pgw/dummy.so"
is 1 "$rc" "a group-writable plugin: refused"
has "writable by its group" "$out" "  ... saying so"
plug pnobody; chown nobody "$TMP/pnobody/dummy.so"
run hafence info "$TMP/pnobody/dummy.so"
is 1 "$rc" "a plugin owned by nobody: refused"
has "owned by nobody" "$out" "  ... saying whose it is"
plug psticky; chmod 1777 "$TMP/psticky"
run hafence info "$TMP/psticky/dummy.so"
is 0 "$rc" "a root-owned plugin in a sticky directory (as /tmp): loads (nobody else may rename or remove it)"
plug pok; ln -s "$TMP/p777/dummy.so" "$TMP/pok/link.so"
run hafence info "$TMP/pok/link.so"
is 1 "$rc" "a link from a safe directory to a plugin in an unsafe one: refused (the link is followed and checked)"
has "$TMP/p777" "$out" "  ... naming the unsafe directory"
run "$HAFENCE" plugins --plugin-dir "$TMP/p777"
has "writable by others" "$out" "hafence plugins shows why a plugin in an unsafe directory is not used"
HAFENCE_PLUGIN_PATH=$TMP/p777 "$HAFENCE" status dummy state_dir="$TMP/dummy" t1 --plugin-dir "$TMP/no-plugins" >"$TMP/o" 2>&1
rc=$?; out=$(cat "$TMP/o")
is 1 "$rc" "  ... and no command loads it"
has "writable by others" "$out" "  ... saying why"

# fence scripts: the issue's case, a 0777 method directory and the script
# replaced by a link to /bin/true
mkscript POWEROFF "exit 1"
chmod 777 "$FL/POWEROFF"
rm "$FL/POWEROFF/POWEROFF.sh"; ln -s /bin/true "$FL/POWEROFF/POWEROFF.sh"
run hafence off script method=POWEROFF file_loc="$FL" $UUID
is 1 "$rc" "a fence script in a directory anyone may write to: refused"
has "$FL/POWEROFF: writable by others" "$out" "  ... naming the directory"
hasnt "done" "$out" "  ... never done"
chmod 755 "$FL/POWEROFF"
run hafence off script method=POWEROFF file_loc="$FL" $UUID
is 0 "$rc" "  ... the same link in a safe directory to a safe program runs (root's own choice)"
mkscript GROUPDIR "exit 0"
chmod 775 "$FL/GROUPDIR"
run hafence off script method=GROUPDIR file_loc="$FL" $UUID
is 1 "$rc" "a fence script in a group-writable directory: refused"
mkscript NOBODYS "exit 0"
chown nobody "$FL/NOBODYS/NOBODYS.sh"
run hafence off script method=NOBODYS file_loc="$FL" $UUID
is 1 "$rc" "a fence script owned by another user: refused"
# shellcheck disable=SC2016 # expanded later, by the program it is written for
mkscript SHOWME 'echo "script=$HAFENCE_SCRIPT" > "$(dirname "$HAFENCE_SCRIPT")/seen"'
run hafence off script method=SHOWME file_loc="$FL" $UUID
is "script=$FL/SHOWME/SHOWME.sh" "$(cat "$FL/SHOWME/seen" 2>/dev/null)" "a script run by descriptor finds its own path in HAFENCE_SCRIPT"

# config files and host maps (HAFENCE_REBOOT_COMMAND, FENCE_METHOD... run as root)
mkdir -p "$TMP/etc/IPMI" && chmod 755 "$TMP/etc"
printf 'FENCE_METHOD=IPMI\nFENCE_FILE_LOC=%s\nIPMI_USERNAME=admin\n' "$TMP/etc" > "$TMP/etc/ha.conf"
chmod 644 "$TMP/etc/ha.conf"
printf '%s:127.0.0.1:1\n' $UUID > "$TMP/etc/IPMI/IPMI.hosts"; chmod 644 "$TMP/etc/IPMI/IPMI.hosts"
chmod 664 "$TMP/etc/ha.conf"
run hafence status -c "$TMP/etc/ha.conf" $UUID
is 78 "$rc" "a group-writable config file: refused (configuration error), not warned about"
has "$TMP/etc/ha.conf: writable by its group" "$out" "  ... naming the file"
chmod 644 "$TMP/etc/ha.conf"; chmod 777 "$TMP/etc"
run hafence status -c "$TMP/etc/ha.conf" $UUID
is 78 "$rc" "a config file in a directory anyone may write to: refused"
chmod 755 "$TMP/etc"; chmod 666 "$TMP/etc/IPMI/IPMI.hosts"
run hafence status -c "$TMP/etc/ha.conf" $UUID
is 78 "$rc" "a host map anyone may write to: refused"
has "IPMI.hosts: writable by others" "$out" "  ... naming it"
chmod 664 "$TMP/etc/ha.conf"
run "$HAFENCED" --check-config -c "$TMP/etc/ha.conf" -o /nonexistent --host-uuid $UUID --plugin-dir "$TMP/no-plugins"
is 78 "$rc" "hafenced refuses a writable config too"
has "writable by its group" "$out" "  ... saying why"

# ---- a message cut in the middle of a password keeps no part of it ----------------
LONGPW=$(head -c 2000 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 496)
printf '%s\n' "$LONGPW" > "$TMP/longpw"; chmod 600 "$TMP/longpw"
# shellcheck disable=SC2016 # expanded later, by the program it is written for
mkscript ECHOPW 'printf "%030d%s\n" 0 "$FENCE_PASSWD"; exit 1'
run_json hafence off script method=ECHOPW file_loc="$FL" $UUID --password-file "$TMP/longpw" --history "$H" --json
piece=$(printf '%s' "$LONGPW" | cut -c 100-140)
hasnt "$piece" "$out$err" "a script echoing a 496-character password past the message's end: no piece of it in the output"
hasnt "$piece" "$(cat "$H")" "  ... nor in the history"
json_check "  ... the message is still there, masked" '.message | test("exit status 1: 0+\\*\\*\\*")'

# ---- bad numbers ---------------------------------------------------------------
for v in nan inf -1 0 1e400 86401 '' 5s; do
    run hafence status dummy state_dir="$TMP/dummy" t1 --timeout "$v"
    is 64 "$rc" "--timeout '$v' refused (usage error)"
    run hafence status dummy state_dir="$TMP/dummy" t1 --power-timeout "$v"
    is 64 "$rc" "--power-timeout '$v' refused"
done

done_testing
