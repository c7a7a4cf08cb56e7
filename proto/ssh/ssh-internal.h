/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside proto/ssh: what its files share. */
#ifndef HAFENCE_PROTO_SSH_INTERNAL_H
#define HAFENCE_PROTO_SSH_INTERNAL_H

#include "proto/ssh/ssh-conn.h"

#include <libssh2.h>

struct ssh_conn {
    ssh_conn_options opt; /* strings point into the copies below */
    char address[256];
    char username[128];
    char password[256];
    char key_file[1024];
    char key_passphrase[256];
    char known_hosts[1024];
    char name[420]; /* user@address:port */
    int fd;
    LIBSSH2_SESSION *session;
    LIBSSH2_CHANNEL *shell; /* the interactive shell, when open */
    int64_t until;          /* the current step's end (monotonic ms) */
    const hf_context *ctx;
};

/* A TCP connection to address:port by `until` (and the call's deadline).
 * -1 with *code and reply saying why (a name not resolved is unreachable). */
int ssh_socket_connect(const char *address, int port, const hf_context *ctx, int64_t until, hf_result *code,
                       hf_reply *reply);

/* Before the handshake: prefer the host key types the known-hosts file
 * holds for this server, as OpenSSH does, so a known key is the one
 * offered. */
void ssh_hostkey_prefer_known(ssh_conn *c);
/* After the handshake: the server's key must be in the known-hosts file
 * (or trusted now, on first use, when that was asked for). */
hf_result ssh_hostkey_verify(ssh_conn *c, const hf_context *ctx, hf_reply *reply);

/* After a libssh2 call returned rc: true when it must be called again
 * (EAGAIN), having waited for the socket; false when it finished or the
 * step's time ran out (c->until passed: then *timed_out is set). */
bool ssh_again(ssh_conn *c, int rc, bool *timed_out);

#endif
