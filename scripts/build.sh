#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure and build hafence in a build directory (default _build), with
# warnings as errors.  Extra arguments go to ./configure.  Prints what it is
# doing and configure's summary (which plugins are built, and why not);
# the tools' own output goes to BUILDDIR/*.out, shown only when a step fails.
#   scripts/build.sh [BUILDDIR] [configure options...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
[ $# -gt 0 ] && shift
mkdir -p "$build"
build=$(cd "$build" && pwd)
# fail LOG: a step failed: its output, then stop
fail() { echo "build: failed; $1:" >&2; cat "$1" >&2; exit 1; }
if [ ! -x "$top/configure" ]; then
    echo "build: generating ./configure (autoreconf)"
    "$top/autogen.sh" >"$build/autogen.out" 2>&1 || fail "$build/autogen.out"
fi
cd "$build"
if [ ! -f Makefile ] || [ -n "$(find "$top/configure" -newer Makefile)" ]; then
    echo "build: configuring $build"
    # configure's own cleanup ("rm -f core ...") meets the core/ object
    # directory of an earlier build and says so on stderr: kept in the log
    "$top/configure" --enable-werror "$@" >configure.out 2>&1 || fail "$build/configure.out"
    sed -n '/^hafence .* configured$/,/^  dummy /p' configure.out
fi
echo "build: compiling in $build (a few minutes the first time)"
make -j"$(nproc)" >make.out 2>&1 || fail "$build/make.out"
make -j"$(nproc)" check TESTS= >>make.out 2>&1 || fail "$build/make.out"
echo "build: $build"
