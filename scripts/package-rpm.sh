#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The RPM packages (hafence.spec, for an XCP-ng / XenServer dom0), built and
# proved: rpmbuild -tb on make dist's tarball, then
#   - each package holds the same files as its Debian twin (built before by
#     scripts/package-debian.sh), paths mapped the RPM way (/usr/lib64,
#     /usr/lib/systemd/system; documentation aside),
#   - the packages' scriptlets are the ones meant (preset, never started),
#   - every .rpm unpacked into a throwaway root passes the smoke test the
#     .debs pass (scripts/package-smoke.sh).
# This machine is Debian: the build dependencies are Debian's -dev
# packages (rpmbuild --nodeps); the spec names the RPM ones with their
# oldest versions.
# Prints PASS/FAIL lines; exit 0 when all passed.
#   scripts/package-rpm.sh [BUILDDIR]      (default ./_build: make dist there)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
out=$top/_build-rpm
debs=$top/_build-deb
failed=0
pass() { echo "PASS: package: rpm: $*"; }
fail() { echo "FAIL: package: rpm: $*"; failed=$((failed + 1)); }
for tool in rpmbuild rpm rpm2cpio cpio; do
    command -v $tool >/dev/null || { fail "$tool is missing (scripts/setup-debian.sh installs it)"; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$build/Makefile")
if ! make -C "$build" dist-gzip >"$out/dist.log" 2>&1; then
    fail "make dist:"
    tail -20 "$out/dist.log"
    exit 1
fi
echo "package: rpmbuild -tb hafence-$version.tar.gz"
if rpmbuild -tb --nodeps --define "_topdir $out/top" "$build/hafence-$version.tar.gz" >"$out/build.log" 2>&1; then
    pass "rpmbuild -tb: $(cd "$out/top/RPMS"/* && echo *.rpm)"
else
    fail "rpmbuild; the end of $out/build.log:"
    tail -30 "$out/build.log"
    exit 1
fi
if grep -A20 '^RPM build warnings' "$out/build.log" >"$out/warnings.log"; then
    fail "rpmbuild warned:"
    cat "$out/warnings.log"
else
    pass "rpmbuild: no warning"
fi

# The files of a package (directories aside), one per line, the Debian twin's paths mapped to
# the RPM layout; documentation and build-ids aside (each format puts its
# own there).
files_of_rpm() {
    rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" 2>/dev/null | awk '$1 !~ /^d/ { print $2 }' |
        grep -v '^/usr/share/doc/\|^/usr/share/licenses/\|^/usr/lib/\.build-id' | sort
}
files_of_deb() {
    dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' | sed -e 's|^\./|/|' \
        -e 's|^/usr/lib/[^/]*-linux-gnu[^/]*/|/usr/lib64/|' -e 's|^/lib/systemd/|/usr/lib/systemd/|' |
        grep -v '^/usr/share/doc/\|^/usr/share/lintian/' | sort
}
twin_of() {
    case $1 in
    hafence-devel) echo libhafence-plugin-dev ;;
    *) echo "$1" ;;
    esac
}
if ls "$debs"/*.deb >/dev/null 2>&1; then
    for rpm in "$out"/top/RPMS/*/*.rpm; do
        name=$(rpm -qp --qf '%{NAME}' "$rpm" 2>/dev/null)
        case $name in *-debuginfo | *-debugsource) continue ;; esac
        deb=$(echo "$debs/$(twin_of "$name")_${version}_"*.deb)
        if [ ! -f "$deb" ]; then
            fail "$name: no Debian twin $(twin_of "$name") in $debs"
            continue
        fi
        # the man pages: compressed or not, as the build host's rpm does
        files_of_rpm "$rpm" | sed 's|\.gz$||' >"$out/$name.rpm.files"
        files_of_deb "$deb" | sed 's|\.gz$||' >"$out/$name.deb.files"
        if cmp -s "$out/$name.rpm.files" "$out/$name.deb.files"; then
            pass "$name holds what $(twin_of "$name") holds ($(wc -l <"$out/$name.rpm.files") files)"
        else
            fail "$name and $(twin_of "$name") differ (< rpm, > deb):"
            diff "$out/$name.rpm.files" "$out/$name.deb.files" | grep '^[<>]' || true
        fi
    done
else
    fail "no Debian packages in $debs to compare with (scripts/package-debian.sh first)"
fi

# the service is enabled the RPM way (presets) and never started
scripts=$(rpm -qp --scripts "$out"/top/RPMS/*/hafence-"$version"-*.rpm 2>/dev/null)
case $scripts in
*"systemctl preset hafenced.service"*)
    if echo "$scripts" | grep -q 'systemctl start\|systemctl restart\|--now'; then
        fail "a scriptlet starts hafenced: $scripts"
    else
        pass "the scriptlets enable hafenced by preset and never start it"
    fi
    ;;
*) fail "no preset in the scriptlets: $scripts" ;;
esac
# the state directory, which systemd 219 (no StateDirectory=) does not make
if rpm -qlvp "$out"/top/RPMS/*/hafence-"$version"-*.rpm 2>/dev/null | grep -q '^drwxr-x---.* /var/lib/hafence$'; then
    pass "/var/lib/hafence is packaged, 0750"
else
    fail "/var/lib/hafence is not packaged 0750"
fi

root=$out/root
mkdir -p "$root"
for rpm in "$out"/top/RPMS/*/*.rpm; do
    (cd "$root" && rpm2cpio "$rpm" | cpio -idm --quiet) || fail "cannot unpack $rpm"
done
"$top/scripts/package-smoke.sh" rpm "$root" /usr/lib/systemd/system "$build" "$out/smoke" || failed=$((failed + 1))
echo "package: rpm: $failed failed; the packages are in $out/top/RPMS"
[ $failed = 0 ]
