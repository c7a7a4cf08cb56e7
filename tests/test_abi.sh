#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ABI 1.3 keeps every older plugin working, and the installed header stands
# alone: plugins built as vendors built them against the released 1.0, 1.1
# and 1.2 headers (tests/fixtures/abi) load, show their parameters and pass
# hafence check with the core of today; sdk/hafence/plugin.h compiles by
# itself as C99, C11, C17 (-pedantic) and C++.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

for v in 10 11 12; do
    so=$top_builddir/tests/plugins/.libs/relay_abi$v.so
    abi=$(echo $v | sed 's/./&./')
    run hafence info "$so"
    is 0 "$rc" "a plugin built against the ABI $abi header loads"
    has "(fence plugin, ABI $abi)" "$out" "  ... and says which ABI it was built for"
    has "base_dir" "$out" "  ... its parameter table is read"
    mkdir -p "$TMP/board$v/gpio17" && echo 1 > "$TMP/board$v/gpio17/value"
    run hafence check "$so" base_dir="$TMP/board$v" --target 17
    is 0 "$rc" "  ... and passes hafence check with a test target"
    has "PASS  off is verified" "$out" "  ... off verified"
    run hafence off "$so" base_dir="$TMP/board$v" 17
    is 0 "$rc" "  ... and fences"
done

run hafence info "$top_builddir/tests/plugins/.libs/wide_params.so" --xml
is 0 "$rc" "a plugin with a later minor's parameter elements: info --xml"
has '<parameter name="port"' "$out" "  ... every parameter"
has "https://vendor.example/wide" "$out" "  ... its vendor_url in the metadata"

printf '#include <hafence/plugin.h>\nint main(void) { return hf_power_name(HF_POWER_OFF)[0] == 0; }\n' > "$TMP/alone.c"
cp "$TMP/alone.c" "$TMP/alone.cc"
for std in c99 c11 c17; do
    run ${CC:-cc} -std=$std -pedantic -Wall -Wextra -Werror -I"$top_srcdir/sdk" -c "$TMP/alone.c" -o "$TMP/alone.o"
    is 0 "$rc" "the SDK header compiles alone: -std=$std -pedantic"
    [ "$rc" = 0 ] || diag "$out"
done
# the network helpers: POSIX, said so in strict modes rather than failing obscurely
printf '#include <hafence/net.h>\nint main(void) { char h[64]; int p = 0; return !hf_net_split_address("[::1]:22", h, sizeof h, &p); }\n' > "$TMP/net.c"
cp "$TMP/net.c" "$TMP/net.cc"
for std in c99 c11; do
    run ${CC:-cc} -std=$std -pedantic -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -I"$top_srcdir/sdk" -c "$TMP/net.c" -o "$TMP/net.o"
    is 0 "$rc" "hafence/net.h compiles alone: -std=$std -pedantic -D_POSIX_C_SOURCE=200809L"
done
run ${CC:-cc} -std=c11 -pedantic -I"$top_srcdir/sdk" -c "$TMP/net.c" -o "$TMP/net.o"
has "define _POSIX_C_SOURCE 200809L" "$out" "  ... and without POSIX in strict C11, the error says what to define"
run ${CC:-cc} -Wall -Wextra -Werror -I"$top_srcdir/sdk" "$TMP/net.c" -o "$TMP/net"
is 0 "$rc" "  ... and in the compiler's default mode it needs nothing"
if command -v c++ >/dev/null; then
    run c++ -std=c++17 -pedantic -Wall -Wextra -Werror -I"$top_srcdir/sdk" -c "$TMP/net.cc" -o "$TMP/net.o"
    is 0 "$rc" "hafence/net.h compiles alone: c++17"
fi
if command -v c++ >/dev/null; then
    for std in c++11 c++17; do
        run c++ -std=$std -pedantic -Wall -Wextra -Werror -I"$top_srcdir/sdk" -c "$TMP/alone.cc" -o "$TMP/alone.o"
        is 0 "$rc" "the SDK header compiles alone: $std"
        [ "$rc" = 0 ] || diag "$out"
    done
else
    fail "no C++ compiler (g++: scripts/setup-debian.sh)"
fi
done_testing
