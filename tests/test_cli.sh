#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $D: an argument bundle (plugin and parameters), split into words on purpose
# The hafence harness end to end, through the dummy plugin and the script
# shim: plugins, info, actions, exit codes, secrets, config mode, history,
# check.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

UUID1=2f4a4020-fe8c-4686-a65d-501a19a06716
UUID2=33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b
DEV=$TMP/dev
mkdir -p "$DEV"
echo on > "$DEV/t1"
echo on > "$DEV/t2"
D="dummy state_dir=$DEV"

# ---- help, usage, plugins, info -------------------------------------------
run hafence --help
is 0 "$rc" "--help exits 0"
has "  check         a plugin's conformance run" "$out" "--help lists the commands"
run hafence frobnicate
is 64 "$rc" "unknown command: exit 64"
run hafence status nonesuch
is 64 "$rc" "unknown plugin: exit 64"
has "plugin 'nonesuch' not found" "$out" "unknown plugin named"

# ---- start-up: hafence maps no heavy library ---------------------------------
# (issue 23) what needs libcurl or libxml2 lives in hafence-full, which
# hafence runs for those commands alone
needed=$(readelf -d "$HAFENCE" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
heavy=$(echo "$needed" | tr ' ' '\n' | grep -E '^lib(curl|xml2|ssl|crypto|gnutls|netsnmp|freeipmi|ssh2|icu)' | tr '\n' ' ')
is "" "$heavy" "hafence links no heavy library (it needs: $needed)"
light=$TMP/light
mkdir -p "$light"
cp "$HAFENCE" "$light/hafence"
run "$light/hafence" config list --plugin-dir "$TMP/no-plugins"
is 1 "$rc" "hafence config without hafence-full beside it or installed: exit 1"
has "hafence-full is needed for config" "$out" "  ... saying what is missing"
run "$light/hafence" info --xml dummy --plugin-dir "$top_builddir/plugins/dummy/.libs"
is 1 "$rc" "info --xml without hafence-full: exit 1, not an empty success"
has "hafence-full is needed for a fence agent's metadata" "$out" "  ... saying what is missing"

# ---- helping people recover: per-command help, did you mean, one exit code per mistake ----
run hafence stauts dummy
is 64 "$rc" "a mistyped command: exit 64"
has "unknown command 'stauts' (did you mean 'status'?)" "$out" "  ... with the nearest command"
run hafence status dumy state_dir=$DEV t1
is 64 "$rc" "a mistyped plugin: exit 64"
has "plugin 'dumy' not found (did you mean 'dummy'?)" "$out" "  ... with the nearest plugin"
run hafence status DUMMY state_dir=$DEV t1
is 64 "$rc" "a plugin named in upper case (as HA-Lizard's FENCE_METHOD): exit 64"
has "'DUMMY' is not a plugin name (did you mean 'dummy'?)" "$out" "  ... with its name"
run hafence info dumy
is 64 "$rc" "info of a plugin not found: 64, as in status"
run hafence status $D t1 stat_dir=/x
is 64 "$rc" "a mistyped parameter: exit 64"
has "unknown parameter 'stat_dir': did you mean 'state_dir'?" "$out" "  ... with the nearest parameter"
run hafence status $D t1 --pasword-file /x
is 64 "$rc" "a mistyped option: exit 64"
has "unknown option '--pasword-file' (did you mean '--password-file'?)" "$out" "  ... with the nearest option"
run "$HAFENCE" status $D t1 --timeout
is 64 "$rc" "an option without its value: exit 64"
has "option '--timeout' needs a value" "$out" "  ... said so"
run hafence status --help
is 0 "$rc" "status --help: exit 0"
has "usage: hafence status PLUGIN [name=value...] [TARGET...]" "$out" "  ... the command's own usage"
has "exit: 0 done; 1 failed; status: 0 on, 2 off, 1 unknown" "$out" "  ... and its exit codes"
run hafence history -h
has "usage: hafence history [--host UUID]" "$out" "history -h: its own usage"
run "$HAFENCE" help agents
is 0 "$rc" "help COMMAND: exit 0"
has "usage: hafence agents [--install]" "$out" "  ... that command's usage"
run "$HAFENCE" -V
has "hafence " "$out" "-V: the version"

run hafence plugins
is 0 "$rc" "plugins exits 0"
has "dummy" "$out" "plugins lists dummy"
check "plugins lists ping as a heuristic" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^ping +heuristic '" - "$out"
abi_minor=$(sed -n 's/^#define HAFENCE_ABI_MINOR //p' "$top_srcdir/sdk/hafence/plugin.h")
check "plugins shows ABI and file" sh -c "printf '%s\n' \"\$1\" | grep -Eq ' 1\.$abi_minor +$top_builddir/plugins/script/\.libs/script\.so\$'" - "$out"
check "  ... in columns as wide as the longest name" sh -c "printf '%s\n' \"\$1\" | awk 'NR > 1 && \$1 != \"\" { if (index(\$0, \$2) != p && p) bad = 1; p = index(\$0, \$2) } END { exit bad }'" - "$out"
run env HAFENCE_PLUGIN_PATH= "$HAFENCE" plugins --plugin-dir "$TMP/empty"
is 1 "$rc" "plugins with none found: exit 1"
has "no plugins found (looked in" "$out" "  ... saying where it looked"
run hafence status-pool --state-dir "$TMP/no-state" --runtime-dir "$TMP/no-run"
is 1 "$rc" "status-pool where no daemon ever ran: exit 1"
has "hafenced is not running on this host, or has never run here" "$out" "  ... said so"
run_json hafence plugins --json
json_check "plugins --json is JSON with names" '.[] | select(.name=="script") | .kind=="fence"'

run hafence info dummy
is 0 "$rc" "info exits 0"
has "password           string   secret" "$out" "info marks the secret parameter"
has "state_dir          path     required" "$out" "info marks required parameters"
run hafence info dummy --xml
printf '%s\n' "$out" > "$TMP/meta.xml"
check "info --xml is well-formed XML" xmllint --noout "$TMP/meta.xml"
has '<resource-agent name="fence_hafence_dummy"' "$out" "fence-agents <resource-agent> root, named as the plugin's fence agent"
has '<parameter name="password" unique="0" required="0" obsoletes="passwd">' "$out" "the password under fence-agents' name"
has '<action name="off"/>' "$out" "actions listed"
check "metadata has no secret default" sh -c "! xmllint --xpath '//parameter[@name=\"password\" or @name=\"expect_password\"]/content/@default' '$TMP/meta.xml' 2>/dev/null | grep -q ."

# ---- actions and exit codes -----------------------------------------------
run hafence status $D t1
is 0 "$rc" "status on: exit 0 (fence-agents convention)"
has "t1: on" "$out" "status prints the state"
run hafence off $D t1
is 0 "$rc" "off: exit 0"
has "t1: off: done (verified)" "$out" "off reported verified"
is off "$(cat "$DEV/t1")" "device is off"
run hafence status $D t1
is 2 "$rc" "status off: exit 2"
run hafence status $D nosuch
is 1 "$rc" "status of an unknown target: exit 1"
run_json hafence off $D t1 --json
is 0 "$rc" "off of an off target: exit 0"
json_check "--json: result ok, verified, power off" '.result=="ok" and .verified==true and .power=="off" and (.duration_ms|type)=="number"'
run_json hafence on $D t1 t2 --json
json_check "several targets: one JSON array, in the order asked" 'type == "array" and length == 2 and all(.[]; .result == "ok")'
json_check "  ... t1 first, t2 second" '.[0].target == "t1" and .[1].target == "t2"'
out=$("$HAFENCE" status $D t2 nosuch t1 --plugin-dir "$TMP/no-plugins" 2>/dev/null); rc=$?
is 1 "$rc" "several targets, one unknown: exit 1"
is "t2 nosuch t1 " "$(printf '%s\n' "$out" | head -3 | sed 's/:.*//' | tr '\n' ' ')" \
    "  ... every result on standard output, in the order asked"
has "HOST/TARGET" "$out" "  ... then a summary table"
check "  ... with a line per target" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^nosuch +status +bad-parameter +- +[0-9]+ ms\$'" - "$out"
has "3 targets: 2 done, 1 failed" "$out" "  ... and the total"
hasnt "$(printf '\r')" "$out" "  ... and no progress line in a pipe"
run hafence off $D t1 -v
has "info: dummy t1: status before power off" "$out" "-v after the command: the engine's steps (status before)"
run hafence on $D t1 -v
has "power on request 1 of 2 sent" "$out" "  ... each request"
has "read back 1: on" "$out" "  ... each read-back"
has "s left)" "$out" "  ... with the time left"
run hafence on $D t1 -vv
has "debug: dummy" "$out" "-vv: the plugin's own debug lines too"
run hafence off $D misbehave=lie t2 --power-timeout 0.5 --retries 0
is 1 "$rc" "a device that never reads off: exit 1"
has "unverified" "$out" "reported unverified"
run hafence off $D misbehave=crash t2
is 1 "$rc" "crashing plugin: exit 1, harness survives"
has "plugin-failed" "$out" "crash reported as plugin-failed"
run hafence off $D misbehave=hang t2 --timeout 1
is 1 "$rc" "hanging plugin: exit 1"
has "timed-out" "$out" "hang reported as timed-out"
run hafence list $D
has "t1,t1" "$out" "list prints the device's targets"
run hafence monitor $D
is 0 "$rc" "monitor: exit 0"
run hafence off $D colour=red t1
is 64 "$rc" "unknown parameter: exit 64"
has "unknown parameter 'colour'" "$out" "unknown parameter named"
run hafence off dummy t1
is 64 "$rc" "missing required parameter: exit 64"
has "missing required parameter 'state_dir'" "$out" "missing parameter named"

# ---- parallel: several targets in one call ----------------------------------
for t in a b c d e f; do echo on > "$DEV/$t"; done
run hafence off $D delay_ms=300 a b c d e f
is 0 "$rc" "six targets fenced in one call"
all_off=yes
for t in a b c d e f; do [ "$(hafence status $D $t >/dev/null 2>&1; echo $?)" = 2 ] || all_off=no; done
is yes "$all_off" "all six read off"

# ---- secrets ---------------------------------------------------------------
SECRET='Sw0rdf1sh-Secret'
printf '%s\n' "$SECRET" > "$TMP/pw"; chmod 600 "$TMP/pw"
printf '%s\n' "$SECRET" > "$TMP/expect"; chmod 600 "$TMP/expect"
run hafence status $D password="$SECRET" t1
is 64 "$rc" "a secret on the command line is refused"
has "--password-file" "$out" "the refusal says how to pass it"
hasnt "$SECRET" "$out" "the refusal does not echo the secret"
has "HAFENCE_PASSWORD" "$out" "  ... and names the variable as it is read (HAFENCE_PASSWORD)"
run hafence status $D expect_password="$SECRET" t1
has "HAFENCE_EXPECT_PASSWORD" "$out" "another secret's refusal names HAFENCE_EXPECT_PASSWORD"
has "--secret-file expect_password=FILE" "$out" "  ... and the option that works"
run hafence status $D t1 --password-file "$TMP/pw" --secret-file expect_password="$TMP/expect"
is 0 "$rc" "password from a file accepted"
run sh -c "printf '%s\n' '$SECRET' | \"$HAFENCE\" status $D t1 --password-stdin --secret-file expect_password='$TMP/expect' --plugin-dir /nonexistent"
is 0 "$rc" "password from stdin accepted"
run env HAFENCE_PASSWORD="$SECRET" HAFENCE_EXPECT_PASSWORD="$SECRET" "$HAFENCE" status $D t1
is 0 "$rc" "password from the environment accepted"
echo wrong > "$TMP/wrong"; chmod 600 "$TMP/wrong"
run hafence off $D t1 -v -v --password-file "$TMP/wrong" --secret-file expect_password="$TMP/expect"
is 1 "$rc" "wrong password: exit 1"
has "auth-refused" "$out" "wrong password: auth-refused"
hasnt "$SECRET" "$out" "no secret in verbose output"
chmod 644 "$TMP/pw"
run hafence status $D t1 --password-file "$TMP/pw"
has "readable by others" "$out" "a world-readable password file warns"
chmod 600 "$TMP/pw"
# while an operation runs, its argv (ps) holds no secret
echo on > "$DEV/slow"
"$HAFENCE" off $D delay_ms=3000 slow --password-file "$TMP/pw" --no-history >/dev/null 2>&1 &
bg=$!
sleep 1
ps_out=$(ps -eo args)
wait $bg
hasnt "$SECRET" "$ps_out" "no secret in any process's arguments while fencing"
hasnt "$SECRET" "$(cat "$HAFENCE_HISTORY")" "no secret in the history"

# ---- history ---------------------------------------------------------------
run hafence history
has "off" "$out" "history shows operations"
run_json hafence history --json
json_check "history --json: records with result, duration and who asked" 'length >= 5 and (.[0] | has("result") and has("duration_ms") and has("requested_by"))'
run_json hafence history --since 2000-01-01 --until 2000-01-02 --json
json_check "history filtered by time: nothing in 2000" 'length == 0'
run_json hafence history --since 1d --json
json_check "history --since 1d: an age, all of today's" 'length >= 5'
run hafence history --since 2d3
is 64 "$rc" "  ... a time that is none: exit 64"
run hafence history
check "history: a table with a header" sh -c "printf '%s\n' \"\$1\" | head -1 | grep -q '^TIME  *HOST/TARGET  *ACTION  *RESULT  *VERIFIED  *PLUGIN  *ADDRESS'" - "$out"
check "  ... whose columns line up however long the values (the result column)" sh -c "printf '%s\n' \"\$1\" | awk '{ p = index(\$0, \" \" \$4 \" \"); if (NR > 1 && p != q) bad = 1; q = p } END { exit bad }'" - "$out"

# ---- HA-Lizard config mode (custom script method) ---------------------------
FL=$TMP/fence
mkdir -p "$FL/POWEROFF"
cat > "$FL/POWEROFF/POWEROFF.sh" <<SH
#!/bin/sh
echo "\$1 \$2 target=\$HAFENCE_TARGET" >> "$TMP/calls"
exit 0
SH
chmod 755 "$FL/POWEROFF/POWEROFF.sh"
printf '%s:%s\n' "$UUID1" "outlet-3" > "$FL/POWEROFF/POWEROFF.hosts"
cat > "$TMP/pool.conf" <<CONF
# pool-wide
FENCE_ENABLED=1
FENCE_ACTION=stop
FENCE_METHOD=POWEROFF
FENCE_FILE_LOC=$FL
FENCE_HEURISTICS_IPS=127.0.0.1
CONF
cat > "$TMP/host.conf" <<CONF
fence_action=reset
CONF
run hafence off -c "$TMP/pool.conf" $UUID1
is 0 "$rc" "config mode: off through the custom script"
has "done (unverified by hafence)" "$out" "script result reported unverified by hafence"
has "$UUID1 stop target=outlet-3" "$(cat "$TMP/calls")" "script got UUID and stop; host map entry in the environment"
run hafence fence -c "$TMP/pool.conf" -c "$TMP/host.conf" $UUID1
is 0 "$rc" "fence with an override file"
has "$UUID1 reset" "$(cat "$TMP/calls")" "the override's FENCE_ACTION=reset wins"
run hafence off -c "$TMP/pool.conf" $UUID2
is 78 "$rc" "host missing from the host map: exit 78"
has "POWEROFF.hosts: no line for host $UUID2" "$out" "the map and host are named"
run hafence off -c "$TMP/pool.conf" not-a-uuid
is 64 "$rc" "not a UUID: exit 64"
printf 'FENCE_ENABLED=1\nFENCE_METHOD=DUMMY\nDUMMY_STATE_DIR=%s\nFENCE_ACTION=stop\nDUMMY_MISBEHAVE=\nFENCE_ACTION=reset\n' "$DEV" > "$TMP/dup.conf"
run hafence status -c "$TMP/dup.conf" $UUID1
has "dup.conf:6: FENCE_ACTION given again (first at $TMP/dup.conf:4): the later value is taken" "$out" "a key twice in one file: warned, naming both lines"
has "dup.conf:5: DUMMY_MISBEHAVE is empty: taken as not set (the default, none)" "$out" "an empty plugin parameter: warned, not taken"
run hafence status -c "$TMP/pool.conf" -c "$TMP/host.conf" $UUID1
hasnt "given again" "$out" "  ... while an override file's key is no repetition"
run hafence off -c "$TMP/pool.conf" dummy $UUID1
is 64 "$rc" "-c and a plugin name: exit 64"
has "'dummy' is a plugin, and -c takes the plugin from the config (FENCE_METHOD=POWEROFF)" "$out" "  ... saying -c names the plugin already"
printf 'FENCE_MIN_HOSTS=many\n' > "$TMP/bad.conf"
run hafence off -c "$TMP/bad.conf" $UUID1
is 78 "$rc" "bad config value: exit 78"
has "$TMP/bad.conf:1: FENCE_MIN_HOSTS=many" "$out" "config error names file, line and key"
run hafence heuristics -c "$TMP/pool.conf"
is 0 "$rc" "heuristics from the config: 127.0.0.1 passes"
has "vote pass" "$out" "the vote is printed"
printf 'FENCE_METHOD=POOL\nFENCE_USE_IP_HEURISTICS=0\n' > "$TMP/noheur.conf"
run hafence heuristics -c "$TMP/noheur.conf"
is 2 "$rc" "heuristics disabled: no vote (exit 2)"
run_json hafence history --host $UUID1 --json
json_check "history filtered by host" "length == 2 and all(.[]; .host==\"$UUID1\")"

# ---- check: the vendor's conformance run -------------------------------------
echo on > "$DEV/ct"
run hafence check "$top_builddir/plugins/dummy/.libs/dummy.so" state_dir="$DEV" --target ct
is 0 "$rc" "check passes on the dummy plugin with a test target"
has "PASS  off is verified" "$out" "check verifies off"
has "PASS  status agrees: off" "$out" "check compares status"
has "PASS  refuses an unknown parameter" "$out" "check confirms refusals"
has "0 failed" "$out" "check summary"
is on "$(cat "$DEV/ct")" "check leaves the target as found (on)"
run_json hafence history --json
json_check "check --target: its power changes are in the history, with who asked" \
    'map(select(.target == "ct")) | length >= 2 and all(.[]; .plugin == "dummy" and (.requested_by | startswith("hafence check (user ")))'
run hafence check "$top_builddir/plugins/dummy/.libs/dummy.so" state_dir="$DEV" misbehave=hang misbehave_on=status --target ct
is 1 "$rc" "check fails a plugin that ignores its deadline"
has "FAIL  status returns by its deadline" "$out" "the deadline item fails"
run hafence check "$HAFENCE_TEST_BAD_PLUGINS/bad_descriptor.so"
is 1 "$rc" "check fails an inconsistent descriptor"
has "FAIL  loads as a plugin" "$out" "and says why"
run hafence check "$HAFENCE_TEST_BAD_PLUGINS/abi_newer_minor.so"
has "plugin built for ABI 1.99" "$out" "check names a newer minor"
run_json hafence check "$top_builddir/plugins/ping/.libs/ping.so" addresses=127.0.0.1 --json
is 0 "$rc" "check passes on ping"
json_check "check --json counts items" '.failed==0 and .passed>=5'

done_testing
