#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The smoke test of installed packages, the same for the Debian and the RPM
# ones: run on a throwaway root the packages were unpacked into (nothing is
# installed on this machine),
#   - hafence plugins lists the packaged plugins, the fence agents are links
#     to hafence, the unit, completion and man page are where they belong,
#   - hafence check passes on the test plugin (from BUILDDIR: not packaged),
#   - hafenced --check-config passes on HA-Lizard's own sample files against
#     the XAPI emulator,
#   - the SDK example builds against the packaged headers with pkg-config
#     alone, and hafence loads it.
# Prints PASS/FAIL lines; exit 0 when all passed.
#   scripts/package-smoke.sh FORMAT ROOT UNITDIR BUILDDIR WORKDIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
format=$1 root=$2 unitdir=$3 build=$4 work=$5
failed=0
pass() { echo "PASS: package: $format: $*"; }
fail() { echo "FAIL: package: $format: $*"; failed=$((failed + 1)); }
mkdir -p "$work"
hafence=$root/usr/bin/hafence
hafenced=$root/usr/sbin/hafenced
plugindir=$(find "$root/usr" -type d -path "*/hafence/plugins" | head -1)
mkdir -p "$work"
HAFENCE_PLUGIN_PATH=
HAFENCE_HISTORY=$work/history.jsonl
export HAFENCE_PLUGIN_PATH HAFENCE_HISTORY

listed=$("$hafence" plugins --plugin-dir "$plugindir" 2>&1 | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')
if [ "$listed" = "ilo ipmi irmc ping pool script snmp-pdu xvm " ]; then
    pass "hafence plugins lists the packaged plugins: $listed"
else
    fail "hafence plugins: '$listed'"
fi
agents=""
for a in ipmi snmp_pdu ilo irmc pool xvm script; do
    [ "$(readlink "$root/usr/sbin/fence_hafence_$a")" = ../bin/hafence ] || agents="$agents fence_hafence_$a"
done
if [ -z "$agents" ]; then pass "the fence agents are links to hafence in /usr/sbin"; else fail "not links to hafence:$agents"; fi
# hafence runs hafence-full (config, agent metadata) from /usr/libexec/hafence
full=$root/usr/libexec/hafence/hafence-full
if [ -x "$full" ] && grep -q /usr/libexec/hafence "$hafence" &&
    "$full" info ipmi --xml --plugin-dir "$plugindir" 2>&1 | grep -q '<resource-agent name="fence_hafence_ipmi"'; then
    pass "hafence-full in /usr/libexec/hafence, where hafence looks, writes an agent's metadata"
else
    fail "hafence-full is not in /usr/libexec/hafence, or hafence looks elsewhere, or it writes no metadata"
fi
if [ -f "$root$unitdir/hafenced.service" ]; then pass "the systemd unit in $unitdir"; else fail "no systemd unit in $unitdir"; fi
if [ -f "$root/usr/share/bash-completion/completions/hafence" ]; then pass "the bash completion"; else fail "no bash completion"; fi
man1=$(find "$root/usr/share/man/man1" -name 'hafence.1*' | head -1)
if [ -n "$man1" ] && zcat -f "$man1" | grep -q '/var/lib/hafence'; then
    pass "hafence(1) names the packaged state directory, /var/lib/hafence"
else
    fail "hafence(1) does not name /var/lib/hafence"
fi

mkdir -p "$work/dev"
echo on >"$work/dev/t1"
if "$hafence" check "$build/plugins/dummy/.libs/dummy.so" "state_dir=$work/dev" --target t1 \
    --plugin-dir "$plugindir" >"$work/check.out" 2>&1; then
    pass "the packaged hafence check passes on the test plugin ($(tail -1 "$work/check.out"))"
else
    fail "hafence check:"
    cat "$work/check.out"
fi

# hafenced --check-config: HA-Lizard's install.params and ha-lizard.conf
# (FENCE_METHOD=POOL), with the pool's XAPI reached over HTTP on loopback
# (the emulator) instead of this host's socket
# shellcheck source=tests/peers/pool-json.sh
. "$top/tests/peers/pool-json.sh"
pool_json 3 1 127.0.0 >"$work/pool.json"
printf 'smoke-pw\n' >"$work/xapi.pw"
chmod 600 "$work/xapi.pw"
python3 "$top/tests/emulators/xapi.py" --port-file "$work/xapi.port" --pool "$work/pool.json" \
    --password-file "$work/xapi.pw" --log "$work/xapi.log" 2>"$work/xapi.err" &
emulator=$!
trap 'kill $emulator 2>/dev/null' EXIT
n=0
while [ ! -s "$work/xapi.port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
cp "$top/tests/fixtures/ha-lizard/ha-lizard.conf" "$work/ha-lizard.conf"
cat >>"$work/ha-lizard.conf" <<EOF
HAFENCE_XAPI_ADDRESS=127.0.0.1
HAFENCE_XAPI_PORT=$(cat "$work/xapi.port")
HAFENCE_XAPI_SCHEME=http
HAFENCE_XAPI_PASSWORD_FILE=$work/xapi.pw
FENCE_IPADDRESS=127.0.0.1
POOL_PORT=$(cat "$work/xapi.port")
POOL_SCHEME=http
FENCE_PASSWD_FILE=$work/xapi.pw
EOF
chmod 600 "$work/ha-lizard.conf"
if "$hafenced" --check-config -c "$top/tests/fixtures/ha-lizard/install.params" -o "$work/ha-lizard.conf" \
    --host-uuid "$(pool_uuid 1)" --state-dir "$work/state" --plugin-dir "$plugindir" >"$work/checkcfg.out" 2>&1 &&
    grep -q "configuration OK: it can fence every host" "$work/checkcfg.out"; then
    pass "the packaged hafenced --check-config passes on HA-Lizard's own files"
else
    fail "hafenced --check-config:"
    cat "$work/checkcfg.out"
fi

# the SDK example, against the packaged header with pkg-config alone
pc=$(dirname "$(find "$root/usr" -name hafence-plugin.pc | head -1)")
example=$(find "$root/usr/share/doc" -name vendor.c | head -1)
cflags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$pc pkg-config --cflags hafence-plugin)
# shellcheck disable=SC2086 # the flags, split into words
if cc -shared -fPIC -Wall -Wextra -Werror $cflags "$example" \
    -o "$work/vendor.so" >"$work/sdk.out" 2>&1 && "$hafence" info "$work/vendor.so" >>"$work/sdk.out" 2>&1; then
    pass "the SDK example builds against the packaged SDK alone ($cflags) and loads"
else
    fail "the SDK example:"
    cat "$work/sdk.out"
fi
[ $failed = 0 ]
