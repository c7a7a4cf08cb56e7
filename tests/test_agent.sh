#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fence_hafence_<plugin> as fence-agents are run: stdin name=value lines or
# the command-line form, fence-agents' names, exit codes a fencer reads,
# metadata valid against fence-agents' own schema, secrets never in argv.
# Through the dummy plugin (its targets are files); Pacemaker's real fencer
# drives the agents in test_pacemaker.sh.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

DEV=$TMP/dev
mkdir -p "$DEV" "$TMP/bin"
echo on > "$DEV/node1"
echo on > "$DEV/node2"
AGENT=$TMP/bin/fence_hafence_dummy
ln -s "$HAFENCE" "$AGENT"
ln -s "$HAFENCE" "$TMP/bin/fence_hafence_nonesuch"
power() { cat "$DEV/$1"; }
# agent INPUT: the agent with INPUT on stdin, as the fencer runs it
agent() { out=$(printf '%s\n' "$1" | "$AGENT" 2>"$TMP/err"); rc=$?; err=$(cat "$TMP/err"); }
RNG=/usr/share/cluster/relaxng/metadata.rng
[ -f "$RNG" ] || { echo "Bail out! $RNG is missing (package fence-agents: scripts/setup-debian.sh)"; exit 1; }

# ---- metadata -----------------------------------------------------------------------------
agent "action=metadata"
is 0 "$rc" "action=metadata on stdin: exit 0"
printf '%s\n' "$out" > "$TMP/meta.xml"
check "  ... valid against fence-agents' metadata.rng" xmllint --noout --relaxng "$RNG" "$TMP/meta.xml"
has '<resource-agent name="fence_hafence_dummy"' "$out" "  ... named as the executable"
has '<parameter name="plug" unique="0" required="0" obsoletes="port">' "$out" "  ... plug, obsoleting port"
has '<parameter name="port" unique="0" required="0" deprecated="1">' "$out" "  ... port, deprecated (Pacemaker passes the target as port)"
has '<content type="string" default="reboot"/>' "$out" "  ... action defaults to reboot"
has '<parameter name="state_dir" unique="0" required="1">' "$out" "  ... the plugin's own parameters, required marked"
has '<action name="on" automatic="0"/>' "$out" "  ... on is never automatic"
for a in off reboot status monitor metadata validate-all list; do
    has "<action name=\"$a\"/>" "$out" "  ... action $a"
done
run "$AGENT" -o metadata
is 0 "$rc" "-o metadata: exit 0"
is "$(cat "$TMP/meta.xml")" "$out" "  ... the same metadata"
out=$(echo "action=metadata" | "$TMP/bin/fence_hafence_nonesuch" 2>"$TMP/err"); rc=$?
is 0 "$rc" "metadata never fails, not even for a plugin that is not there"
printf '%s\n' "$out" > "$TMP/meta2.xml"
check "  ... and is still valid" xmllint --noout --relaxng "$RNG" "$TMP/meta2.xml"
has "not found" "$(cat "$TMP/err")" "  ... the reason on stderr"
for so in "$top_builddir"/plugins/*/.libs/*.so; do
    name=$(basename "$so" .so)
    [ "$name" = ping ] && continue
    ln -sf "$HAFENCE" "$TMP/bin/fence_hafence_$(echo "$name" | tr - _)"
    echo action=metadata | "$TMP/bin/fence_hafence_$(echo "$name" | tr - _)" > "$TMP/m-$name.xml" 2>/dev/null
    check "fence_hafence_$(echo "$name" | tr - _): metadata valid against metadata.rng" \
        xmllint --noout --relaxng "$RNG" "$TMP/m-$name.xml"
done
if [ -f "$TMP/m-ipmi.xml" ]; then
    has '<parameter name="ipport" unique="0" required="0">' "$(cat "$TMP/m-ipmi.xml")" "ipmi: the device's network port is ipport"
    has 'Not used: this device fences the one host' "$(cat "$TMP/m-ipmi.xml")" "  ... its plug is not used (one BMC, one host)"
    hasnt '<action name="list"/>' "$(cat "$TMP/m-ipmi.xml")" "  ... and it offers no list"
fi

# ---- hafence agents: the links, for a vendor's plugin too -----------------------------------
mkdir -p "$TMP/agents"
echo "not ours" > "$TMP/agents/fence_hafence_script"
run hafence agents --agent-dir "$TMP/agents"
is 0 "$rc" "hafence agents: lists the agents"
has "fence_hafence_dummy" "$out" "  ... one per fence plugin found (dummy: a plugin from HAFENCE_PLUGIN_PATH)"
has "missing (hafence agents --install)" "$out" "  ... missing ones said so"
hasnt "fence_hafence_ping" "$out" "  ... none for a heuristic plugin"
has "note: Pacemaker's fencer runs agents from /usr/sbin only" "$out" "  ... and where Pacemaker looks"
run hafence agents --install --agent-dir "$TMP/agents"
is 1 "$rc" "agents --install: exit 1 when a name is someone else's file"
is "$(readlink -f "$HAFENCE")" "$(readlink -f "$TMP/agents/fence_hafence_dummy")" "  ... the missing links made, to this hafence"
is "not ours" "$(cat "$TMP/agents/fence_hafence_script")" "  ... the foreign file left alone"
rm "$TMP/agents/fence_hafence_script"
run hafence agents --install --agent-dir "$TMP/agents"
is 0 "$rc" "agents --install again: exit 0"
hasnt "missing" "$out" "  ... nothing missing"
run sh -c "echo action=metadata | '$TMP/agents/fence_hafence_dummy'"
has '<resource-agent name="fence_hafence_dummy"' "$out" "  ... and the link is an agent"

# ---- actions from stdin -------------------------------------------------------------------
agent "action=status
state_dir=$DEV
port=node1
nodename=node1"
is 0 "$rc" "status of an on target: exit 0"
has "Status: ON" "$out" "  ... says so"
agent "action=off
state_dir=$DEV
port=node1
nodename=node1"
is 0 "$rc" "off through port= (as Pacemaker passes the target): exit 0"
is off "$(power node1)" "  ... the target is off"
has "(verified)" "$out" "  ... verified"
agent "action=status
state_dir=$DEV
plug=node1"
is 2 "$rc" "status of an off target: exit 2"
agent "  # a comment, then blank lines and spaces

  option = on
 state-dir = $TMP/nowhere
state_dir=$DEV
plug=node2
plug=node1
nodeid=1
frobnicate=yes"
is 0 "$rc" "comments, blanks, spaces trimmed, option as action, '-' as '_', the last value wins"
is on "$(power node1)" "  ... node1 (the last plug) is on"
is on "$(power node2)" "  ... node2 untouched"
has "ignored (of no use to hafence's dummy plugin): nodeid, frobnicate" "$err" "  ... ignored keys named in one line on stderr"
agent "action=list
state_dir=$DEV"
is 0 "$rc" "list: exit 0"
has "node1," "$out" "  ... node1 listed"
has "node2," "$out" "  ... node2 listed"
agent "action=monitor
state_dir=$DEV"
is 0 "$rc" "monitor: exit 0"
agent "action=validate-all
state_dir=$DEV"
is 0 "$rc" "validate-all with valid parameters: exit 0"
agent "action=validate-all
misbehave=sometimes
state_dir=$DEV"
is 1 "$rc" "validate-all with a bad value: exit 1 (never 64)"
has "misbehave" "$err" "  ... names the parameter"
agent "action=off
plug=node1"
is 1 "$rc" "a required parameter missing: exit 1 (hafence's 78 is 1 here)"
has "state_dir" "$err" "  ... names it"
agent "action=frobnicate
state_dir=$DEV
plug=node1"
is 1 "$rc" "an unknown action: exit 1"
agent "action=off
state_dir=$DEV"
is 1 "$rc" "off with no target (the plugin needs one): exit 1"
has "plug" "$err" "  ... says plug is missing"
agent "state_dir=$DEV
plug=node2"
is 0 "$rc" "no action: reboot, as fence-agents"
has "reboot of node2" "$out" "  ... rebooted"
is on "$(power node2)" "  ... and on again"
agent "action=off
state_dir=$DEV
plug=node2
misbehave=lie
power_timeout=1
timeout=5"
is 1 "$rc" "a device that never reads back off: exit 1"
has "Failed" "$err" "  ... Failed"
is on "$(power node2)" "  ... (the lie: still on)"

# ---- the command-line form ----------------------------------------------------------------
run "$AGENT" -o off -n node2 --state-dir="$DEV"
is 0 "$rc" "-o off -n PLUG --name=value: exit 0"
is off "$(power node2)" "  ... node2 off"
run "$AGENT" --action on --plug node2 --state_dir "$DEV"
is 0 "$rc" "--action on --plug PLUG --name value: exit 0"
is on "$(power node2)" "  ... node2 on"
run "$AGENT" -o status -n node2 --state-dir="$DEV" --password=s3cret-Word
is 1 "$rc" "a password as an argument is refused: exit 1"
has "visible to every user" "$out" "  ... saying why"
hasnt "s3cret-Word" "$out" "  ... without repeating it"
run "$AGENT" --bogus
is 1 "$rc" "an unknown option: exit 1, never 64"
run "$AGENT" -h
is 0 "$rc" "-h: exit 0"
has "usage: fence_hafence_dummy" "$out" "  ... usage"

# ---- secrets: stdin or password_script, never passed on -----------------------------------
printf '#!/bin/sh\necho "pw-from-Script-9"\necho "a second line"\n' > "$TMP/pwscript"
chmod 755 "$TMP/pwscript"
agent "action=off
state_dir=$DEV
plug=node1
expect_password=pw-from-Script-9
password_script=$TMP/pwscript"
is 0 "$rc" "password_script: its first line is the password (the dummy refuses any other)"
agent "action=on
state_dir=$DEV
plug=node1
expect_password=pw-from-Script-9
passwd=wrong-Pass-1"
is 1 "$rc" "passwd (the old name) given and wrong: refused by the device"
hasnt "wrong-Pass-1" "$err$out" "  ... the password is in no message"
agent "action=on
state_dir=$DEV
plug=node1
expect_password=pw-from-Script-9
password=pw-from-Script-9"
is 0 "$rc" "password on stdin: on"
agent "action=status
state_dir=$DEV
plug=node1
password_script=exit 3"
is 1 "$rc" "a password_script that fails: exit 1"
has "password_script" "$err" "  ... says so"

# ---- history: who asked --------------------------------------------------------------------
out=$(printf 'action=off\nstate_dir=%s\nport=node1\nnodename=node1\n' "$DEV" | PCMK_service=pacemaker-fenced "$AGENT" 2>&1); rc=$?
is 0 "$rc" "off, run as the fencer runs it (PCMK_service set)"
run sh -c "tail -1 '$HAFENCE_HISTORY' | jq -r '.requested_by + \" \" + .target + \" \" + .action + \" \" + .result'"
has "pacemaker-fenced on $(uname -n) (fence_hafence_dummy, pid" "$out" "the history says who asked: the fencer, on this node"
has " node1 off ok" "$out" "  ... and what it did to which node"

# ---- the operation dies with the agent -----------------------------------------------------
echo on > "$DEV/node3"
printf 'action=off\nstate_dir=%s\nplug=node3\nmisbehave=hang\nmisbehave_on=off\n' "$DEV" > "$TMP/hang.in"
setsid sh -c "exec '$AGENT' < '$TMP/hang.in' > /dev/null 2>&1" &
n=0
while ! pgrep -f "^$TMP/bin/fence_hafence_dummy" > "$TMP/pids" && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
n=0
while [ "$(pgrep -f "^$TMP/bin/fence_hafence_dummy" | wc -l)" -lt 2 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
pids=$(pgrep -f "^$TMP/bin/fence_hafence_dummy" | tr '\n' ' ')
check "a hanging off: the agent and its operation's child run (pids $pids)" [ "$(echo "$pids" | wc -w)" -ge 2 ]
# the fencer's timeout: SIGKILL to the agent's process group
pgid=$(ps -o pgid= -p "${pids%% *}" | tr -d ' ')
kill -s KILL -- "-$pgid"
n=0
while pgrep -f "^$TMP/bin/fence_hafence_dummy" >/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
is "" "$(pgrep -f "^$TMP/bin/fence_hafence_dummy")" "  ... killed with its process group: nothing of it is left"
check "  ... and the history has the interrupted off" sh -c "tail -1 '$HAFENCE_HISTORY' | jq -e '.action == \"off\" and .result != \"ok\" and (.message | test(\"died\"))' >/dev/null"
wait

done_testing
