#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A third party builds plugins against the installed SDK alone
# (make install DESTDIR=..., pkg-config hafence-plugin, nothing from the
# source tree), and they load and pass hafence check.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

ROOT=$TMP/root
run ${MAKE:-make} -C "$top_builddir" install DESTDIR="$ROOT"
is 0 "$rc" "make install DESTDIR=... succeeds"
[ "$rc" = 0 ] || diag "$out"

pc=$(find "$ROOT" -name hafence-plugin.pc | head -n 1)
check "hafence-plugin.pc is installed" test -n "$pc"
header=$(find "$ROOT" -path '*/include/hafence/plugin.h' | head -n 1)
check "the SDK header is installed under include/hafence/" test -n "$header"
plugindir=$(find "$ROOT" -type d -path '*/lib*/hafence/plugins' | head -n 1)
check "installed plugins: script and ping" test -f "$plugindir/script.so" -a -f "$plugindir/ping.so"
check "the test plugin is not installed" test ! -e "$plugindir/dummy.so"

# a vendor's build: only pkg-config, with the staged root as sysroot
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR=$ROOT
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
cflags=$(pkg-config --cflags hafence-plugin)
abi=$(sed -n 's/^#define HAFENCE_ABI_MINOR \([0-9]*\)$/\1/p' "$top_srcdir/sdk/hafence/plugin.h")
is "$abi" "$(pkg-config --variable=abi_minor hafence-plugin)" "hafence-plugin.pc states the SDK's ABI minor"
pdir=$(pkg-config --variable=plugindir hafence-plugin)
check "hafence-plugin.pc names the installed plugin directory" test -f "$ROOT${pdir#"$ROOT"}/script.so"
has "-I$ROOT" "$cflags" "pkg-config points into the installed tree"
hasnt "$top_srcdir" "$cflags" "and not into the source tree"

mkdir -p "$TMP/vendor"
cp "$top_srcdir/sdk/example/witness.c" "$TMP/vendor/witness.c"
cp "$top_srcdir/sdk/example/vendor.c" "$TMP/vendor/relay.c"
cp "$top_srcdir/tests/out-of-tree/Makefile" "$TMP/vendor/Makefile"
run make -C "$TMP/vendor" witness.so relay.so CC="${CC:-cc}"
is 0 "$rc" "the vendor's plugins build with cc -shared -fPIC \$(pkg-config --cflags hafence-plugin)"
[ "$rc" = 0 ] || diag "$out"

run hafence plugins --plugin-dir "$plugindir"
check "hafence plugins lists the installed plugins" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^script +fence '" - "$out"

# the heuristic: a witness that answers, and one that does not
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# the witness: answers until this test kills it (or, should the test die,
# notices it is orphaned): no lifetime a slow run could outlast
python3 -c "
import os, socket
parent = os.getppid()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(64); s.settimeout(1)
open('$TMP/witness.ready', 'w').close()
while os.getppid() == parent:
    try:
        c, _ = s.accept(); c.close()
    except socket.timeout:
        pass
    except OSError:
        pass
" &
listener=$!
n=0; while [ ! -e "$TMP/witness.ready" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
run hafence check "$TMP/vendor/witness.so" host=127.0.0.1 port="$port"
is 0 "$rc" "hafence check passes on the out-of-tree heuristic"
has "PASS  check returns by its deadline" "$out" "its check returned in time"
run hafence heuristics "$TMP/vendor/witness.so" host=127.0.0.1 port="$port"
is 0 "$rc" "the witness answers: pass"
kill $listener 2>/dev/null; wait $listener 2>/dev/null
run hafence heuristics "$TMP/vendor/witness.so" host=127.0.0.1 port="$port"
is 1 "$rc" "the witness is gone: fail"

# the SDK example fence plugin, on a fake relay board
mkdir -p "$TMP/gpio/gpio17"
echo 1 > "$TMP/gpio/gpio17/value"
run hafence check "$TMP/vendor/relay.so" base_dir="$TMP/gpio" --target 17
is 0 "$rc" "hafence check passes on the SDK example with a test target"
has "PASS  off is verified" "$out" "off verified through the example's status"
run hafence off "$TMP/vendor/relay.so" base_dir="$TMP/gpio" 17
is 0 "$rc" "the example fences relay 17"
is 0 "$(cat "$TMP/gpio/gpio17/value")" "relay 17 is open"
run hafence off "$TMP/vendor/relay.so" base_dir="$TMP/gpio" ../17
is 1 "$rc" "a target that is not a relay number is refused"

# ---- the vendor's plugin in the daemon: a pool fences with FENCE_METHOD=RELAY ----
# installed under a file name of the vendor's choosing: found by its own name
# shellcheck source=tests/peers/pool-lab.sh
. "$top_srcdir/tests/peers/pool-lab.sh"
if ! command -v ipmi_sim >/dev/null || [ ! -x "$HAFENCED" ]; then
    fail "the pool lab needs ipmi_sim and hafenced (scripts/setup-debian.sh)"
    done_testing
    exit 0
fi
trap 'lab_stop; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/vendor-plugins"
cp "$TMP/vendor/relay.so" "$TMP/vendor-plugins/acme-relay-1.0.so"
LAB=$TMP/lab
mkdir -p "$LAB"
lab_start "$LAB" 3 1 || { fail "the pool lab did not start"; done_testing; exit 0; }
mkdir -p "$LAB/fence/RELAY"
for i in 1 2 3; do
    mkdir -p "$TMP/board/gpio$i" && echo 1 > "$TMP/board/gpio$i/value"
    echo "$(lab_uuid $i):$i" >> "$LAB/fence/RELAY/RELAY.hosts"
done
lab_config FENCE_METHOD=RELAY "RELAY_BASE_DIR=$TMP/board"
run "$HAFENCED" --check-config -c "$LAB/pool.conf" -o "$LAB/host1.conf" --host-uuid "$(lab_uuid 1)" \
    --state-dir "$LAB/state1" --plugin-dir "$TMP/vendor-plugins" --probe
is 0 "$rc" "hafenced --check-config --probe: FENCE_METHOD=RELAY is the vendor's plugin"
has "plugin relay 1.0.0, $TMP/vendor-plugins/acme-relay-1.0.so" "$out" "  ... found by its own name, whatever the file's"
for i in 1 2 3; do lab_daemon_start $i --plugin-dir "$TMP/vendor-plugins"; done
U3=$(lab_uuid 3)
check "three daemons watch the pool" lab_wait 60 sh -c "jq -e '.peers | length == 2 and all(.state == \"ok\")' '$LAB/state1/status.json'"
lab_host_die 3
fenced() { lab_history 1 | jq -e -s "map(select(.action==\"fence\" and .host==\"$U3\" and .result==\"ok\" and .verified)) | length == 1"; }
check "host 3 dies: the master fences it through the vendor's plugin, verified" lab_wait 60 fenced
is 0 "$(cat "$TMP/board/gpio3/value")" "  ... relay 3 is open"
has "(relay, target 3)" "$(lab_history 1 | jq -r 'select(.action=="fence") | .message')" "  ... the history names the plugin and target"
vm_back() { lab_vms 1 | grep -q '^vm3-1 Running'; }
check "  ... and its VM is started on a survivor" lab_wait 60 vm_back
lab_stop

done_testing
