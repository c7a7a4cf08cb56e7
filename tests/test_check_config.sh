#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Configuration as HA-Lizard users have it, and hafenced --check-config
# (hafence check-config: the same code) proving that it can fence:
#   - HA-Lizard 1.8.9's own install.params and ha-lizard.conf, unchanged
#     (tests/fixtures/ha-lizard), load and check OK against a pool whose
#     XAPI answers on /var/lib/xcp/xapi (a private mount namespace);
#   - every key they hold is in the key table (hafenced --keys), and the
#     table is in hafenced(8);
#   - misspellings and configurations that cannot fence are found, each
#     naming file:line:key, with the exit codes hafence(1) documents;
#   - FENCE_METHOD finds a plugin by its own name, in any case, '-' or '_'.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
# shellcheck source=tests/peers/pool-lab.sh
. "$top_srcdir/tests/peers/pool-lab.sh"

command -v ipmi_sim >/dev/null || { fail "ipmi_sim is missing (Debian package openipmi: scripts/setup-debian.sh)"; done_testing; exit 0; }
trap 'lab_stop; [ -n "${HAFENCE_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
FIX=$top_srcdir/tests/fixtures/ha-lizard
U1=$(lab_uuid 1) U2=$(lab_uuid 2) U3=$(lab_uuid 3)

# hafenced --check-config; stdout in $out, stderr (the warnings) in $err
checkcfg() {
    "$HAFENCED" --check-config --state-dir "$TMP/state" --plugin-dir "$TMP/no-plugins" "$@" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    out=$(cat "$TMP/out") err=$(cat "$TMP/err")
}

# ---- HA-Lizard's own files, unchanged -----------------------------------------
# xapi's local socket where XenServer has it: a tmpfs over /var/lib in a
# mount namespace of this test's own, the emulator serving the socket
cat > "$TMP/ns.sh" <<'EOF'
set -u
mount -t tmpfs -o mode=0755 hafence-test /var/lib || exit 90
mkdir -p /var/lib/xcp
python3 "$top_srcdir/tests/emulators/xapi.py" --port-file "$TMP/ns.port" --pool "$TMP/ns-pool.json" \
    --password-file "$TMP/ns.pw" --unix-socket /var/lib/xcp/xapi --log "$TMP/ns-xapi.log" 2>"$TMP/ns-xapi.err" &
emu=$!
n=0; while [ ! -S /var/lib/xcp/xapi ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
"$@"
rc=$?
kill $emu
exit $rc
EOF
pool_json 3 1 127.0.0 > "$TMP/ns-pool.json"
printf 'ns-pw\n' > "$TMP/ns.pw"
export TMP
in_ns() { unshare -m sh "$TMP/ns.sh" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?; out=$(cat "$TMP/out") err=$(cat "$TMP/err"); }
hl_check() {
    in_ns "$HAFENCED" --check-config -c "$FIX/install.params" -o "$FIX/ha-lizard.conf" --host-uuid "$U1" \
        --state-dir "$TMP/state" --plugin-dir "$TMP/no-plugins" "$@"
}
hl_check
is 0 "$rc" "HA-Lizard's install.params and ha-lizard.conf, unchanged: --check-config exits 0"
[ "$rc" = 0 ] || diag "$out" "$err"
has "configuration OK: it can fence every host" "$out" "  ... it can fence every host"
has "XAPI on this host's socket /var/lib/xcp/xapi: login accepted; pool of 3 hosts" "$out" \
    "  ... XAPI reached as xe reaches it, the login accepted"
has "FENCE_METHOD=POOL ($FIX/install.params:" "$out" "  ... the method named with its file and line"
has "host xs2 ($U2): target $U2" "$out" "  ... one line per host"
hasnt "unknown key" "$err" "  ... every key of both files is known"
hasnt "accepted and has no effect" "$err" "  ... and no ignored key warns at HA-Lizard's defaults"
hl_check --probe
is 0 "$rc" "  ... and with --probe (each host's power asked of XAPI)"
has "host xs3 ($U3): target $U3: power on" "$out" "  ... power on for each host"
in_ns "$HAFENCE" check-config -c "$FIX/install.params" -c "$FIX/ha-lizard.conf" --host-uuid "$U1" \
    --state-dir "$TMP/state" --plugin-dir "$TMP/no-plugins"
is 0 "$rc" "hafence check-config -c install.params -c ha-lizard.conf: the same check, exit 0"
has "configuration OK" "$out" "  ... the same report"

# the key table: every key of HA-Lizard's files, and hafenced(8) shows it
"$HAFENCED" --keys > "$TMP/keys"
missing=""
# shellcheck disable=SC2013 # key names: one word each
for k in $(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$FIX/install.params" "$FIX/ha-lizard.conf"); do
    grep -q "^$k	" "$TMP/keys" || missing="$missing $k"
done
is "" "$missing" "every key of install.params and ha-lizard.conf is in the key table (hafenced --keys)"
has "SLAVE_VM_STAT	0	ignored	" "$(cat "$TMP/keys")" "  ... an ignored key says so, with its default"
has "GLOBAL_VM_HA	1	honoured	" "$(cat "$TMP/keys")" "  ... a honoured one too"
undocumented=""
# shellcheck disable=SC2013 # key names: one word each
for k in $(cut -f1 "$TMP/keys" | sed 1d | grep -v '^LOG_\|^MAIL_[a-z]\|^PRIORITY_\|^<\|^HAFENCE_XAPI_<'); do
    grep -q "^\.B $k\$\|^\.BR $k " "$top_srcdir/doc/hafenced.8.in" || undocumented="$undocumented $k"
done
is "" "$undocumented" "  ... and every key of the table is in hafenced(8)"

# ---- a pool on loopback: IPMI through ipmi_sim, XAPI on each host's socket ---
LAB=$TMP/lab
mkdir -p "$LAB"
lab_start "$LAB" 3 1 || { fail "the lab did not start"; diag "$(cat "$LAB"/*.err 2>/dev/null)"; done_testing; exit 0; }
cp "$LAB/host1.conf" "$TMP/o.conf"
# the override: host 1's, plus LINES
override() { cp "$LAB/host1.conf" "$TMP/o.conf"; for l in "$@"; do echo "$l" >> "$TMP/o.conf"; done; }
line_of() { grep -n "^$1" "$2" | tail -n 1 | cut -d: -f1; }

checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 0 "$rc" "the lab's configuration: --check-config exits 0"
[ "$rc" = 0 ] || diag "$out" "$err"
has "plugin ipmi" "$out" "  ... IPMI is the ipmi plugin"
has "host map $LAB/fence/IPMI/IPMI.hosts: 3 hosts" "$out" "  ... the host map is read"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1" --probe
is 0 "$rc" "  ... --probe: each BMC answers"
has "host xs2 ($U2): target 127.0.0.1:$(cat "$LAB/bmcs/bmc2/port"): power on" "$out" "  ... with its power state"


# misspellings
sed '/^FENCE_METHOD=/s/^FENCE_METHOD/FENCE_METOD/' "$LAB/pool.conf" > "$TMP/metod.conf"
checkcfg -c "$TMP/metod.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "FENCE_METOD=IPMI: exit 78, no silent default method"
has "FENCE_METHOD is required with FENCE_ENABLED=1" "$out" "  ... FENCE_METHOD is required"
has "$TMP/metod.conf:$(line_of FENCE_METOD "$TMP/metod.conf") is a key close to it" "$out" "  ... the typo's file and line named"
has "unknown key FENCE_METOD (ignored): did you mean FENCE_METHOD?" "$err" "  ... and a did-you-mean warning"

override MONITOR_TYPO=3 SLAVE_VM_STAT=1 IPMI_USERNAM=admin
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 0 "$rc" "unknown and ignored keys: still OK"
has "$TMP/o.conf:$(line_of MONITOR_TYPO "$TMP/o.conf"): unknown key MONITOR_TYPO (ignored)" "$err" \
    "  ... MONITOR_TYPO=3 warns, whatever its prefix"
has "SLAVE_VM_STAT=1 is accepted and has no effect: " "$err" "  ... an ignored key set off its default says why"
has "IPMI_USERNAM names no parameter of plugin ipmi (ignored): did you mean IPMI_USERNAME?" "$err" \
    "  ... a plugin key's typo: did you mean"

override IPMI_PORT=sixhundred
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "IPMI_PORT=sixhundred: exit 78"
has "$TMP/o.conf:$(line_of IPMI_PORT "$TMP/o.conf"): IPMI_PORT: ipmi: parameter 'port': 'sixhundred' is not an integer" \
    "$out" "  ... naming file:line, key, plugin and parameter"

override FENCE_METHOD=IPMII
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "FENCE_METHOD=IPMII: exit 78"
has "$TMP/o.conf:$(line_of FENCE_METHOD "$TMP/o.conf"): FENCE_METHOD=IPMII: no installed fence plugin is named so" "$out" \
    "  ... naming the key's file and line"
has "(did you mean ipmi?)" "$out" "  ... and the plugin meant"
run "$HAFENCE" off -c "$LAB/pool.conf" -c "$TMP/o.conf" --plugin-dir "$TMP/no-plugins" "$U2"
is 78 "$rc" "  ... hafence off -c: the same lookup, exit 78"
has "FENCE_METHOD=IPMII" "$out" "  ... naming the key"
is 1 "$(lab_power 2)" "  ... and nothing was powered off"

for m in ipmi Ipmi; do
    # the host map is in the folder named as FENCE_METHOD is written, as HA-Lizard has it
    mkdir -p "$LAB/fence/$m" && cp "$LAB/fence/IPMI/IPMI.hosts" "$LAB/fence/$m/$m.hosts"
    override "FENCE_METHOD=$m"
    checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
    is 0 "$rc" "FENCE_METHOD=$m: the ipmi plugin (case does not matter)"
done
override FENCE_METHOD=snmp_pdu SNMP_PDU_ADDRESS=127.0.0.1 SNMP_PDU_COMMUNITY_FILE="$LAB/ipmi.pw"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
has "FENCE_METHOD=snmp_pdu" "$out" "FENCE_METHOD=snmp_pdu: '_' for '-' ..."
has "plugin snmp-pdu" "$out" "  ... finds the snmp-pdu plugin"

# methods that cannot fence
override FENCE_METHOD=ILO ILO_USERNAME=admin
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "FENCE_METHOD=ILO without ILO.hosts: exit 78"
has "no host map $LAB/fence/ILO/ILO.hosts: plugin ilo's targets are devices" "$out" "  ... the missing map named, per host"

head -n 2 "$LAB/fence/IPMI/IPMI.hosts" > "$TMP/two.hosts" && cp "$LAB/fence/IPMI/IPMI.hosts" "$TMP/three.hosts"
cp "$TMP/two.hosts" "$LAB/fence/IPMI/IPMI.hosts"
checkcfg -c "$LAB/pool.conf" -o "$LAB/host1.conf" --host-uuid "$U1"
is 78 "$rc" "a pool host missing from IPMI.hosts: exit 78"
has "host xs3 ($U3): $LAB/fence/IPMI/IPMI.hosts has no line for it" "$out" "  ... naming the host and the map"
cp "$TMP/three.hosts" "$LAB/fence/IPMI/IPMI.hosts"

override FENCE_METHOD=MYSCRIPT
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "a custom method whose script does not exist: exit 78"
has "there is no custom script $LAB/fence/MYSCRIPT/MYSCRIPT.sh" "$out" "  ... naming the script looked for"

mkdir -p "$LAB/fence/MYSCRIPT"
printf '#!/bin/sh\nexit 0\n' > "$LAB/fence/MYSCRIPT/MYSCRIPT.sh"
chmod 775 "$LAB/fence/MYSCRIPT/MYSCRIPT.sh"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "a custom script others may change: exit 78 (the trust rule)"
has "writable by" "$out" "  ... saying why"
chmod 755 "$LAB/fence/MYSCRIPT/MYSCRIPT.sh"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 0 "$rc" "  ... safe: OK (the script plugin, the host UUID as target)"
has "plugin script" "$out" "  ... served by the script plugin"

mkdir -p "$LAB/fence/IPMI" && cp "$LAB/fence/MYSCRIPT/MYSCRIPT.sh" "$LAB/fence/IPMI/IPMI.sh"
checkcfg -c "$LAB/pool.conf" -o "$LAB/host1.conf" --host-uuid "$U1"
is 78 "$rc" "FENCE_METHOD=IPMI with a custom script IPMI/IPMI.sh too: ambiguous, exit 78"
has "is ambiguous" "$out" "  ... says so"
rm -f "$LAB/fence/IPMI/IPMI.sh"

override FENCE_METHOD=POOL POOL_ADDRESS=127.0.0.1 POOL_SCHEME=http "POOL_PORT=$LAB_PORT"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "FENCE_METHOD=POOL with a remote XAPI and no password: exit 78"
has "needs a password" "$out" "  ... says what is missing"

override HAFENCE_XAPI_UNIX_SOCKET="$LAB/none.sock" HAFENCE_XAPI_ADDRESS=127.0.0.1 HAFENCE_XAPI_PORT=1 \
    HAFENCE_XAPI_PASSWORD_FILE="$LAB/xapi.pw"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 1 "$rc" "XAPI that does not answer: exit 1"
has "FAIL  XAPI http://127.0.0.1:1/" "$out" "  ... naming it"
echo 'wrong' > "$TMP/wrong.pw"; chmod 600 "$TMP/wrong.pw"
override HAFENCE_XAPI_UNIX_SOCKET="$LAB/none.sock" HAFENCE_XAPI_ADDRESS=127.0.0.11 "HAFENCE_XAPI_PORT=$LAB_PORT" \
    HAFENCE_XAPI_PASSWORD_FILE="$TMP/wrong.pw"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 1 "$rc" "XAPI refusing the login: exit 1"
has "SESSION_AUTHENTICATION_FAILED" "$out" "  ... with XAPI's reason"
override HAFENCE_XAPI_PASSWORD_FILE="$TMP/absent.pw"
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "a credential file that cannot be read: exit 78"
has "$TMP/o.conf:$(line_of HAFENCE_XAPI_PASSWORD_FILE "$TMP/o.conf"): HAFENCE_XAPI_PASSWORD_FILE: " "$out" "  ... naming the key"

# shell forms: $HOSTNAME where HA-Lizard's files use it; nothing else
# shellcheck disable=SC2016 # expanded later, by the program it is written for
override 'MAIL_SUBJECT="alert from $HOSTNAME"' 'DISABLED_VAPPS=()'
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 0 "$rc" "MAIL_SUBJECT=\"... \$HOSTNAME\" and DISABLED_VAPPS=(): accepted"
# shellcheck disable=SC2016 # expanded later, by the program it is written for
override 'FENCE_IPADDRESS=$(reboot)'
checkcfg -c "$LAB/pool.conf" -o "$TMP/o.conf" --host-uuid "$U1"
is 78 "$rc" "FENCE_IPADDRESS=\$(reboot): refused, never run"
has "shell expansion" "$out" "  ... saying why"

run "$HAFENCE" check-config -c "$LAB/pool.conf" -c "$LAB/host1.conf" --host-uuid "$U1" --plugin-dir "$TMP/no-plugins" \
    --state-dir "$TMP/state" --probe
is 0 "$rc" "hafence check-config --probe -c pool.conf -c host1.conf: exit 0"
has "power on" "$out" "  ... the same probe"
run "$HAFENCE" check-config -c "$TMP/metod.conf" --host-uuid "$U1" --plugin-dir "$TMP/no-plugins" --state-dir "$TMP/state"
is 78 "$rc" "hafence check-config: the same exit code for a broken configuration"

"$LAB_SIM" stop "$LAB/bmcs" 3 >/dev/null 2>&1
checkcfg -c "$LAB/pool.conf" -o "$LAB/host1.conf" --host-uuid "$U1" --probe
is 1 "$rc" "a BMC that does not answer: --probe exits 1 (the configuration is right, a device is not)"
has "FAIL  host xs3 ($U3): target 127.0.0.1:" "$out" "  ... naming the host and its target"

run "$HAFENCE" plugins --plugin-dir "$TMP/no-plugins"
has "$top_builddir/plugins/ipmi/.libs/ipmi.so" "$out" "hafence plugins says which file each plugin came from"

lab_stop
done_testing
