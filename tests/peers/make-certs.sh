#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A test CA and a server certificate for 127.0.0.1 signed by it, and a
# second, untrusted CA with its own certificate for 127.0.0.1 (the "not
# signed by our CA" case).  Everything in DIR, made with openssl.
#   make-certs.sh DIR
set -eu
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
mk_ca() { # NAME
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hafence test $1" \
        -keyout "$1.key" -out "$1.pem" >/dev/null 2>&1
}
mk_server() { # NAME CA
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$1.key" -out "$1.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
        -extfile "$1.ext" -out "$1.pem" >/dev/null 2>&1
}
mk_ca ca
mk_server server ca
mk_ca rogue-ca
mk_server rogue rogue-ca
chmod 600 ./*.key
