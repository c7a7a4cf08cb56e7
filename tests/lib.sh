# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Shell test helpers: TAP output for automake's tap-driver.sh.
# Every test sources this, then calls check/is/has, then done_testing.

tap_n=0
pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
fail() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
    desc=$1; shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# run COMMAND...: sets $out (stdout+stderr) and $rc, never fails
run() {
    out=$("$@" 2>&1); rc=$?
}

# shellcheck disable=SC2034 # $rc, $out, $err: read by the test that ran it
# run_json COMMAND...: like run, but $out is stdout alone (for jq) and
# $err is stderr
run_json() {
    out=$("$@" 2>"$TMP/.stderr"); rc=$?
    err=$(cat "$TMP/.stderr")
}

# json_check DESCRIPTION JQ_EXPRESSION: passes when jq finds the expression
# true of $out (the JSON a run_json printed)
json_check() {
    if printf '%s' "$out" | jq -e "$2" >/dev/null 2>&1; then pass "$1"; else fail "$1"; diag "jq: $2" "on:" "$out"; fi
}

# is EXPECTED ACTUAL DESCRIPTION
is() {
    if [ "$1" = "$2" ]; then pass "$3"; else fail "$3"; diag "wanted: $1" "got:    $2" "output:" "${out:-}"; fi
}

# has NEEDLE HAYSTACK DESCRIPTION
has() {
    case "$2" in
        *"$1"*) pass "$3" ;;
        *) fail "$3"; diag "wanted: $1" "in:" "$2" ;;
    esac
}

# hasnt NEEDLE HAYSTACK DESCRIPTION
hasnt() {
    case "$2" in
        *"$1"*) fail "$3"; diag "did not want: $1" "in:" "$2" ;;
        *) pass "$3" ;;
    esac
}

done_testing() { echo "1..$tap_n"; }

# A private directory removed at exit.
TMP=$(mktemp -d /tmp/hafence-test.XXXXXX)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT

: "${HAFENCE:?make check sets HAFENCE}"
HAFENCE_PLUGIN_PATH=$HAFENCE_TEST_PLUGINS
HAFENCE_HISTORY=$TMP/history.jsonl
export HAFENCE_PLUGIN_PATH HAFENCE_HISTORY
# the built-in plugin directory is not where make check's plugins are
hafence() { "$HAFENCE" "$@" --plugin-dir "$TMP/no-plugins"; }
