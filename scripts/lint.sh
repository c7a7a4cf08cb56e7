#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The conventions a machine can check, as CI checks them:
#   - clang-format: every C file is formatted as .clang-format says
#   - the shell checker: every shell script is clean (.shellcheckrc)
#   - spdx: every source file names its license
# Prints one line per check ("PASS: lint: NAME" or "FAIL: lint: NAME" with
# what is wrong) and exits non-zero when one fails.
#   scripts/lint.sh [CHECK...]        (default: all three)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
checks=${*:-clang-format shellcheck spdx}
list=$(mktemp) || exit 1
trap 'rm -f "$list"' EXIT
rc=0

# The tree's files without git (a release tarball has no .git): every file
# under the source folders and the top, the build trees and the old ABI
# headers kept verbatim as test fixtures left out.
tree_files() {
    find . -path ./.git -prune -o -path './_build*' -prune -o -path ./autom4te.cache -prune \
        -o -path ./tests/fixtures/abi -prune -o -path ./fuzz/out -prune -o -path ./bench/results -prune \
        -o -path ./build-aux -prune -o -path ./m4 -prune -o -type f -print | sed 's|^\./||' | sort
}

c_files() { tree_files | grep -E '\.[ch]$' | grep -v '^config\.h$'; }

shell_files() {
    tree_files | while read -r f; do
        case $f in
            configure | *.in | *.py | *.c | *.h | *.md | *.json | *.xml | *.conf | *.txt) continue ;;
            *.sh | *.bash) echo "$f" ;;
            *) head -n 1 "$f" 2>/dev/null | grep -q '^#!/bin/\(ba\)\?sh' && echo "$f" ;;
        esac
    done
}

report() { # NAME STATUS
    if [ "$2" = 0 ]; then echo "PASS: lint: $1"; else echo "FAIL: lint: $1"; rc=1; fi
}

for check in $checks; do
    case $check in
    clang-format)
        c_files > "$list"
        out=$(xargs clang-format --dry-run --Werror < "$list" 2>&1)
        [ -z "$out" ] || printf '%s\n' "$out" | head -40
        report "clang-format ($(wc -l < "$list") C files)" "$([ -z "$out" ] && echo 0 || echo 1)"
        ;;
    shellcheck)
        shell_files > "$list"
        out=$(xargs shellcheck -f gcc < "$list" 2>&1)
        [ -z "$out" ] || printf '%s\n' "$out" | head -40
        report "shellcheck ($(wc -l < "$list") scripts)" "$([ -z "$out" ] && echo 0 || echo 1)"
        ;;
    spdx)
        { c_files; shell_files; tree_files | grep -E '\.(py|am|ac)$|^doc/|\.pc\.in$'; } | sort -u > "$list"
        missing=$(while read -r f; do head -n 3 "$f" | grep -q 'SPDX-License-Identifier: ' || echo "$f"; done < "$list")
        [ -z "$missing" ] || printf 'no SPDX-License-Identifier line: %s\n' "$missing"
        report "SPDX lines ($(wc -l < "$list") files)" "$([ -z "$missing" ] && echo 0 || echo 1)"
        ;;
    *) echo "lint: no check '$check' (clang-format, shellcheck, spdx)" >&2; exit 2 ;;
    esac
done
exit $rc
