#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure and build hafence in a build directory (default _build), with
# warnings as errors.  Extra arguments go to ./configure.
#   scripts/build.sh [BUILDDIR] [configure options...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
[ $# -gt 0 ] && shift
[ -x "$top/configure" ] || "$top/autogen.sh" >/dev/null
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || [ -n "$(find "$top/configure" -newer Makefile)" ]; then
    "$top/configure" --enable-werror "$@" >configure.out || { cat configure.out; exit 1; }
    sed -n '/^hafence .* configured$/,$p' configure.out
fi
make -j"$(nproc)" >make.out 2>&1 || { cat make.out; exit 1; }
make -j"$(nproc)" check TESTS= >>make.out 2>&1 || { cat make.out; exit 1; }
echo "build: $build"
