#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, from a fresh Debian 12 machine:
#   1. installs the Debian packages it needs (scripts/setup-debian.sh)
#   2. builds with -Werror, checks the conventions (scripts/lint.sh: clang-format,
#      the shell checker, SPDX lines) and runs every test (make check)
#   3. the benchmarks' short form (bench/short.sh: ratios, a gross
#      regression fails), then the pool lab's split-brain campaign, short form (real hafenced in
#      network namespaces: the scripted scenarios and a few random ones);
#      beside it at the lowest priority, each fuzz target for a bounded time
#      (FUZZ_SECONDS, default 30), and a build with the oldest libcurl's
#      fallbacks forced, its clients' tests run on it
#   4. builds again with ASan+UBSan and runs the tests once more
#   5. make distcheck (the unit tests in the tarball; every tracked file in it)
#   6. builds the Debian packages, runs lintian on them and smoke-tests them
#      unpacked in a throwaway root (scripts/package-debian.sh), then the
#      RPM ones, compared with them (scripts/package-rpm.sh)
# and ends with one line: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
passed=0
failed=0
log=$top/_build/test-summary.log

# each step says when it began: where CI's minutes go
started=$(date +%s)
step() { printf '\n==== %s (at %d min)\n' "$*" $((($(date +%s) - started) / 60)); }

# Add the counts of an automake test run (its "# PASS:" lines) to the totals.
count_make_check() {
    p=$(sed -n 's/^# PASS: *//p' "$1" | tail -n 1)
    f=$(sed -n 's/^# FAIL: *//p' "$1" | tail -n 1)
    e=$(sed -n 's/^# ERROR: *//p' "$1" | tail -n 1)
    x=$(sed -n 's/^# XPASS: *//p' "$1" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
    if [ -z "$p" ]; then failed=$((failed + 1)); fi # the run did not even report
}

one() { # NAME STATUS: a step that counts as one test
    if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "PASS: $1"; else failed=$((failed + 1)); echo "FAIL: $1"; fi
}

step "setup: Debian packages"
"$top/scripts/setup-debian.sh" || { echo "0 passed, 1 failed"; exit 1; }

step "build (-Werror)"
if "$top/scripts/build.sh" "$top/_build"; then one "build with -Werror" 0; else one "build with -Werror" 1; fi

step "lint: clang-format, shellcheck, SPDX lines (scripts/lint.sh)"
"$top/scripts/lint.sh" > "$top/_build/lint.log" 2>&1
cat "$top/_build/lint.log"
passed=$((passed + $(grep -c '^PASS: lint' "$top/_build/lint.log")))
failed=$((failed + $(grep -c '^FAIL: lint' "$top/_build/lint.log")))

# Twice as many tests at once as there are CPUs: the daemon's tests are pools
# waiting on their timers (a third of a core each), listed first in TESTS;
# every wait in them is bounded by what a loaded machine needs.
jobs=$(($(nproc) * 2))

step "make check"
make -C "$top/_build" -j"$jobs" check >"$top/_build/check.out" 2>&1
rc=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$top/_build/check.out" | grep -v '^PASS' || true
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$top/_build/check.out" || true
count_make_check "$top/_build/check.out"
[ $rc = 0 ] || { echo "make check failed; logs:"; for f in "$top"/_build/tests/*.log; do grep -l '^not ok\|^ERROR' "$f" >/dev/null 2>&1 && { echo "--- $f"; grep -B2 -A8 '^not ok\|^ERROR\|^Bail' "$f" | head -60; }; done; }

step "benchmarks, short form: ratios side by side, failing on a gross regression only (bench/short.sh)"
"$top/bench/short.sh" "$top/_build" >"$top/_build/bench-short.out" 2>&1
rc=$?
cat "$top/_build/bench-short.out"
p=$(grep -c '^PASS: bench' "$top/_build/bench-short.out")
f=$(grep -c '^FAIL: bench' "$top/_build/bench-short.out")
passed=$((passed + p))
failed=$((failed + f))
if [ $rc != 0 ] && [ "$f" = 0 ]; then failed=$((failed + 1)); echo "FAIL: bench/short.sh did not run to its end"; fi

# the fuzzers run beside the campaign, at the lowest priority: the labs'
# daemons mostly wait on their timers and must come first
( FUZZ_OUT="$top/_build/fuzz" nice -n 19 "$top/fuzz/run.sh" "$FUZZ_SECONDS" > "$top/_build/fuzz.out" 2>&1
  echo $? > "$top/_build/fuzz.rc" ) &
fuzzing=$!
# and the oldest libcurl's code paths, at the lowest priority too: every
# fallback forced, as configure would find a CentOS 7 dom0's libcurl 7.29
# (doc/development.md; the older options are deprecated in this libcurl's
# header, not errors), and the HTTP and SSH clients' tests run on that build
( if nice -n 19 "$top/scripts/build.sh" "$top/_build-compat" CFLAGS="-g -O2 -Wno-deprecated-declarations" \
        ac_cv_have_decl_CURLOPT_XFERINFOFUNCTION=no ac_cv_have_decl_CURLOPT_PINNEDPUBLICKEY=no \
        ac_cv_have_decl_CURLOPT_UNIX_SOCKET_PATH=no ac_cv_have_decl_CURLINFO_ACTIVESOCKET=no \
        ac_cv_have_decl_CURLOPT_PROTOCOLS_STR=no > "$top/_build/compat-build.out" 2>&1; then
      nice -n 19 make -C "$top/_build-compat" -j"$jobs" check \
          TESTS="tests/test_boards.sh tests/test_pool.sh tests/test_xvm.sh" >"$top/_build-compat/check.out" 2>&1
      echo 0 > "$top/_build/compat.rc"
  else
      echo 1 > "$top/_build/compat.rc"
  fi ) &
compat_pid=$!

step "pool lab: the split-brain campaign, short form (the fuzzers and the oldest libcurl's build beside it)"
if [ "$(id -u)" = 0 ] && [ -x "$top/_build/hafenced" ]; then
    # the short form's scripted runs (every fault class once, the five-host
    # quorum cases) and a random one per size, in two labs side by side
    # (each half of the runs; one seed, so that both draw the same ones)
    seed=$(date +%s)
    campaign() { # SHARD: half of the runs
        top_builddir="$top/_build" python3 "$top/tests/lab/campaign.py" --sizes 2,3,5 --short --seed "$seed" \
            --random "${CAMPAIGN_RANDOM:-1}" --shard "$1/2" --watch 9 --out "$top/_build/campaign$1" \
            > "$top/_build/campaign$1.out" 2>&1
    }
    campaign 0 &
    first=$!
    rc=0
    campaign 1 || rc=1
    wait "$first" || rc=1
    cat "$top/_build/campaign0.out" "$top/_build/campaign1.out" > "$top/_build/campaign.out"
    cat "$top/_build/campaign.out"
    # each run counts as a test
    p=$(grep -c '^ok ' "$top/_build/campaign.out"); f=$(grep -c '^FAIL ' "$top/_build/campaign.out")
    passed=$((passed + p)); failed=$((failed + f))
    [ $rc = 0 ] || [ "$f" -gt 0 ] || one "the campaign ran" $rc
    "$top/tests/lab/lab.sh" down-all - >/dev/null 2>&1
else
    # not skipped silently: a suite that cannot run its lab has not passed
    one "the pool lab (needs root for network namespaces, and hafenced: libcurl)" 1
fi

step "the oldest libcurl's code paths (built and run beside the campaign)"
wait "$compat_pid"
if [ "$(cat "$top/_build/compat.rc" 2>/dev/null)" = 0 ]; then
    grep -E '^(FAIL|ERROR|XPASS):' "$top/_build-compat/check.out" || true
    grep -E '^# (TOTAL|PASS|FAIL|ERROR):' "$top/_build-compat/check.out" || true
    count_make_check "$top/_build-compat/check.out"
else
    tail -n 30 "$top/_build/compat-build.out"
    one "build with the oldest libcurl's fallbacks" 1
fi

step "fuzz: ${FUZZ_SECONDS}s per target (run beside the campaign)"
wait "$fuzzing"
cat "$top/_build/fuzz.out"
one "fuzz targets (config, hostmap, xmlrpc, ribcl, redfish, screens) without a crash" "$(cat "$top/_build/fuzz.rc" 2>/dev/null || echo 1)"

step "every test again under ASan+UBSan"
if "$top/scripts/build.sh" "$top/_build-san" --enable-sanitizers; then
    # the unit tests, and the end-to-end tests too: the harness runs sanitized
    make -C "$top/_build-san" -j"$jobs" check >"$top/_build-san/check.out" 2>&1
    rc=$?
    grep -E '^(FAIL|ERROR|XPASS):' "$top/_build-san/check.out" || true
    grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$top/_build-san/check.out" || true
    count_make_check "$top/_build-san/check.out"
    [ $rc = 0 ] || for f in "$top"/_build-san/tests/*.log; do grep -q 'ERROR\|not ok\|Sanitizer' "$f" && { echo "--- $f"; grep -B2 -A20 'not ok\|ERROR:\|Sanitizer' "$f" | head -80; }; done
else
    one "build with sanitizers" 1
fi

step "make distcheck: the tarball builds, installs and uninstalls; every tracked file is in it"
# The whole suite ran twice above; in the unpacked tarball the unit tests
# run, and that the tarball holds every test (and everything else) is
# checked file by file below.
# shellcheck disable=SC2016 # $(unit_tests): make's variable, expanded by make
make -C "$top/_build" distcheck TESTS='$(unit_tests)' >"$top/_build/distcheck.out" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 40 "$top/_build/distcheck.out"
one "make distcheck (the unit tests in the unpacked tarball)" $rc
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top/_build/Makefile")
# debian/ is the Debian packaging, not the upstream tarball's
tar -tzf "$top/_build/hafence-$version.tar.gz" | sed "s|^hafence-$version/||" | sort >"$top/_build/dist.files"
missing=$(git -C "$top" ls-files | grep -v '^debian/\|^\.gitignore$' | sort | comm -23 - "$top/_build/dist.files")
[ -z "$missing" ] || echo "not in the tarball: $missing"
one "the dist tarball holds every tracked file (debian/ aside)" "$([ -z "$missing" ] && echo 0 || echo 1)"

step "Debian packages: build, lintian, smoke test in a throwaway root"
"$top/scripts/package-debian.sh" "$top/_build" >"$top/_build/package.out" 2>&1
cat "$top/_build/package.out"
step "RPM packages (hafence.spec): build, the Debian packages' files, smoke test"
"$top/scripts/package-rpm.sh" "$top/_build" >"$top/_build/package-rpm.out" 2>&1
cat "$top/_build/package-rpm.out"
for f in package.out package-rpm.out; do
    passed=$((passed + $(grep -c '^PASS: package' "$top/_build/$f")))
    failed=$((failed + $(grep -c '^FAIL: package' "$top/_build/$f")))
done

printf '\n%s passed, %s failed\n' "$passed" "$failed" | tee "$log"
[ "$failed" = 0 ]
