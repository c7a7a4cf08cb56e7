#!/bin/sh
# A third party builds plugins against the installed SDK alone
# (make install DESTDIR=..., pkg-config hafence-plugin, nothing from the
# source tree), and they load and pass hafence check.
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
check "hafence-plugin.pc names the installed plugin directory" test -f "$ROOT${pdir#$ROOT}/script.so"
has "-I$ROOT" "$cflags" "pkg-config points into the installed tree"
hasnt "$top_srcdir" "$cflags" "and not into the source tree"

mkdir -p "$TMP/vendor"
cp "$top_srcdir/tests/out-of-tree/vendor.c" "$TMP/vendor/witness.c"
cp "$top_srcdir/sdk/example/vendor.c" "$TMP/vendor/relay.c"
cp "$top_srcdir/tests/out-of-tree/Makefile" "$TMP/vendor/Makefile"
run make -C "$TMP/vendor" witness.so relay.so CC="${CC:-cc}"
is 0 "$rc" "the vendor's plugins build with cc -shared -fPIC \$(pkg-config --cflags hafence-plugin)"
[ "$rc" = 0 ] || diag "$out"

run hafence plugins --plugin-dir "$plugindir"
has "script       fence" "$out" "hafence plugins lists the installed plugins"

# the heuristic: a witness that answers, and one that does not
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(8); s.settimeout(20)
end = time.time() + 20
while time.time() < end:
    try: c, _ = s.accept(); c.close()
    except Exception: break
" &
listener=$!
sleep 0.5
run hafence check "$TMP/vendor/witness.so" host=127.0.0.1 port=$port
is 0 "$rc" "hafence check passes on the out-of-tree heuristic"
has "PASS  check returns by its deadline" "$out" "its check returned in time"
run hafence heuristics "$TMP/vendor/witness.so" host=127.0.0.1 port=$port
is 0 "$rc" "the witness answers: pass"
kill $listener 2>/dev/null; wait $listener 2>/dev/null
run hafence heuristics "$TMP/vendor/witness.so" host=127.0.0.1 port=$port
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

done_testing
