#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs every Debian package hafence's build, tests, fuzzers and benchmarks need.
# Idempotent: packages already present are left alone and apt is not touched.
set -eu

PACKAGES="
  build-essential autoconf automake libtool libltdl-dev pkg-config
  clang libclang-rt-dev
  libjson-c-dev
  libfreeipmi-dev libsnmp-dev libssh2-1-dev libcurl4-openssl-dev libxml2-dev libexpat1-dev
  libsystemd-dev openssh-server openssh-client gnutls-bin redfishtool ilorest snmpd snmp
  iproute2 iputils-ping procps util-linux jq libxml2-utils bc python3
  hyperfine clang-format shellcheck
  prometheus python3-aiosmtpd
  openipmi libopenipmi-dev ipmitool fence-agents freeipmi-tools libipmiconsole-dev
  pacemaker pacemaker-cli-utils corosync
  nftables iptables libnetfilter-queue-dev
  debhelper lintian fakeroot dpkg-dev
  rpm rpm2cpio cpio
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "setup-debian: all packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "setup-debian: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
# Pacemaker's fencer and corosync are test peers here, started by
# tests/test_pacemaker.sh in namespaces of its own: installed for that, they
# do not run on this machine (a cluster node installs them on purpose)
case " $missing " in
*" pacemaker "* | *" corosync "*)
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now pacemaker.service corosync.service >/dev/null 2>&1 || :
    fi
    ;;
esac
