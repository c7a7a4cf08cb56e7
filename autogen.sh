#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Generate ./configure from configure.ac and Makefile.am.
set -eu
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force
# automake's TAP driver, which the test suite uses
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
