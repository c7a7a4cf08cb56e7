#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages, built and proved: dpkg-buildpackage -us -uc from a
# copy of the tree (debian/), lintian, then every .deb unpacked into a
# throwaway root (nothing is installed on this machine) and smoke-tested
# there (scripts/package-smoke.sh).
# Prints PASS/FAIL lines; exit 0 when all passed.
#   scripts/package-debian.sh [BUILDDIR]      (default ./_build, for the dummy plugin)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
out=$top/_build-deb
failed=0
pass() { echo "PASS: package: $*"; }
fail() { echo "FAIL: package: $*"; failed=$((failed + 1)); }
for tool in dpkg-buildpackage dh lintian python3; do
    command -v $tool >/dev/null || { fail "$tool is missing (scripts/setup-debian.sh installs it)"; exit 1; }
done
rm -rf "$out"
mkdir -p "$out/src"
# the tracked files as they are now
git -C "$top" ls-files -z | (cd "$top" && tar --null -T - -cf -) | tar -xf - -C "$out/src"

echo "package: dpkg-buildpackage -us -uc -b (a few minutes)"
if (cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
    pass "dpkg-buildpackage -us -uc -b: $(cd "$out" && echo *.deb)"
else
    fail "dpkg-buildpackage; the end of $out/build.log:"
    tail -30 "$out/build.log"
    exit 1
fi
# lintian: errors and warnings fail; each remaining tag is justified in
# debian/*lintian-overrides
if lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$out"/*.changes >"$out/lintian.log" 2>&1; then
    pass "lintian: no error or warning ($(grep -c . "$out/lintian.log" || true) lines of info in $out/lintian.log)"
else
    fail "lintian:"
    cat "$out/lintian.log"
fi

root=$out/root
for deb in "$out"/*.deb; do dpkg-deb -x "$deb" "$root"; done
"$top/scripts/package-smoke.sh" deb "$root" /lib/systemd/system "$build" "$out/smoke" || failed=$((failed + 1))
echo "package: $failed failed; the packages are in $out"
[ $failed = 0 ]
