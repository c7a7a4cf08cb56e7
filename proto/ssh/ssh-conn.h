/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ssh-conn: one SSH connection to a device (a Dom0, an iLO, an iRMC) with
 * libssh2, shared by every plugin that speaks SSH.
 *
 *  - TCP connect, handshake, authentication and every read are bounded by
 *    the call's deadline (libssh2 in non-blocking mode, poll()).
 *  - The server's host key is checked against a known-hosts file; a
 *    changed key is refused, an unknown one too unless trusting it on
 *    first use was asked for (it is then added to the file, and logged).
 *  - Public key (with passphrase), password, or keyboard-interactive
 *    authentication, as the server offers.
 *  - One connection serves several commands; a connection that dropped is
 *    re-opened once, before the command is sent, never after.
 */
#ifndef HAFENCE_PROTO_SSH_CONN_H
#define HAFENCE_PROTO_SSH_CONN_H

#include <hafence/plugin.h>
#include <stdbool.h>

typedef struct ssh_conn_options {
    const char *address; /* host name or address (no port) */
    int port;            /* 22 */
    const char *username;
    const char *password;       /* secret: password / keyboard-interactive */
    const char *key_file;       /* private key file, or NULL */
    const char *key_passphrase; /* secret, or NULL */
    const char *known_hosts;    /* the file host keys are checked against */
    bool accept_new_host_key;   /* trust an unknown key on first use (opt-in) */
    long connect_timeout_ms;    /* connect + handshake + authentication */
} ssh_conn_options;

/* What a remote command did. */
typedef struct ssh_output {
    int exit_status;      /* -1 when the server sent none */
    char exit_signal[32]; /* "" unless it was killed by a signal */
    char out[16384];      /* standard output, NUL-terminated (truncated) */
    char err[4096];       /* standard error, NUL-terminated (truncated) */
} ssh_output;

typedef struct ssh_conn ssh_conn;

/* Copies the options (strings included).  NULL when out of memory. */
ssh_conn *ssh_conn_new(const ssh_conn_options *opt);
/* Disconnects (briefly, best effort) and wipes the secrets. */
void ssh_conn_free(ssh_conn *c);

/* Connect and authenticate now (exec does it when needed). */
hf_result ssh_conn_open(ssh_conn *c, const hf_context *ctx, hf_reply *reply);
void ssh_conn_close(ssh_conn *c);

/* Run command on the device, wait for it to end; out gets what it wrote and
 * its exit status.  HF_OK means the command ran, whatever its status. */
hf_result ssh_conn_exec(ssh_conn *c, const hf_context *ctx, const char *command, ssh_output *out, hf_reply *reply);

/* An interactive shell on a terminal, as a person's login gets: for
 * devices that offer only a command line or a menu (iLO's CLP, iRMC's
 * text menu).  expect reads until one of the patterns (substrings) shows
 * in what came since the last expect, and gives its index in *which; the
 * text that came is in screen (NUL-terminated, its end kept when long). */
hf_result ssh_shell_open(ssh_conn *c, const hf_context *ctx, hf_reply *reply);
hf_result ssh_shell_send(ssh_conn *c, const hf_context *ctx, const char *text, hf_reply *reply);
hf_result ssh_shell_expect(ssh_conn *c, const hf_context *ctx, const char *const *patterns, int *which, char *screen,
                           size_t size, hf_reply *reply);
/* Throw away what the shell printed since the last expect (a stray
 * prompt), without waiting, so that a kept shell's next answer starts
 * clean.  A shell the device ended meanwhile (an idle timeout), or one
 * that keeps printing, is closed: ssh_shell_is_open() says whether the
 * caller must open a new one. */
void ssh_shell_drain(ssh_conn *c, const hf_context *ctx);
bool ssh_shell_is_open(const ssh_conn *c);
/* Close the shell (ctx NULL: no time for a goodbye, the connection goes too). */
void ssh_shell_close(ssh_conn *c, const hf_context *ctx);

/* The known-hosts file when none is configured: ~/.ssh/known_hosts of the
 * user hafence runs as, as OpenSSH's own client would read. */
void ssh_default_known_hosts(char *out, size_t size);

/* "user@address:port", for messages. */
const char *ssh_conn_name(const ssh_conn *c);

/* Quote s for a POSIX shell ('...' with ' written '\''), into out.  False
 * when it does not fit. */
bool ssh_shell_quote(const char *s, char *out, size_t size);

#endif
