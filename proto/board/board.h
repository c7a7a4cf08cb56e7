/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * board: a server's management board (iLO, iRMC) reached by whichever of
 * its protocols a plugin speaks: Redfish and RIBCL over HTTPS, a command
 * line or menu over SSH.  The settings every such plugin shares (account,
 * TLS trust, SSH host keys, timeouts) are read here once, and each board
 * (one per target address) gets its protocol clients when first needed.
 */
#ifndef HAFENCE_PROTO_BOARD_H
#define HAFENCE_PROTO_BOARD_H

#include "proto/redfish/redfish.h"
#include "proto/ribcl/ribcl.h"
#include "proto/ssh/ssh-conn.h"

typedef struct board_settings {
    const char *kind; /* "iLO", "iRMC": for messages */
    char username[128];
    char password[256]; /* secret */
    char ca_file[1024];
    char pin[160]; /* "sha256//<base64>" or "" */
    bool insecure;
    char known_hosts[1024];
    bool accept_new_host_key;
    int https_port, ssh_port; /* 0: 443, 22 */
    long call_timeout_ms;
    long connect_timeout_ms;
    bool redfish_basic; /* redfish_auth=basic: HTTP Basic on every call, no session */
} board_settings;

/* redfish_auth's values (board.c) */
extern const char *const board_redfish_auths[];

/* The shared parameters: username, password, ca_file, insecure,
 * fingerprint, redfish_auth, known_hosts, accept_new_host_key, https_port,
 * ssh_port, call_timeout_ms, connect_timeout_ms. */
#define BOARD_PARAMS(default_user)                                                                                     \
    {"username", HF_PARAM_STRING, 0, default_user, NULL, 0, 0, "the board's account"},                                 \
        {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "its password (FENCE_PASSWD)"},               \
        {"ca_file", HF_PARAM_PATH, 0, NULL, NULL, 0, 0, "HTTPS: CA certificate(s) the board's must chain to"},         \
        {"fingerprint",                                                                                                \
         HF_PARAM_STRING,                                                                                              \
         0,                                                                                                            \
         NULL,                                                                                                         \
         NULL,                                                                                                         \
         0,                                                                                                            \
         0,                                                                                                            \
         "HTTPS: trust the board's (self-signed) certificate by its public key: sha256//<base64>"},                    \
        {"insecure", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0, "HTTPS: no TLS verification (an explicit, logged opt-in)"}, \
        {"redfish_auth",                                                                                               \
         HF_PARAM_ENUM,                                                                                                \
         0,                                                                                                            \
         "session",                                                                                                    \
         board_redfish_auths,                                                                                          \
         0,                                                                                                            \
         0,                                                                                                            \
         "Redfish: session (log in, delete the session at the end) or basic (HTTP Basic on each request)"},            \
        {"known_hosts",                                                                                                \
         HF_PARAM_PATH,                                                                                                \
         0,                                                                                                            \
         NULL,                                                                                                         \
         NULL,                                                                                                         \
         0,                                                                                                            \
         0,                                                                                                            \
         "SSH: known-hosts file the board's key must be in (default ~/.ssh/known_hosts)"},                             \
        {"accept_new_host_key",                                                                                        \
         HF_PARAM_BOOLEAN,                                                                                             \
         0,                                                                                                            \
         "0",                                                                                                          \
         NULL,                                                                                                         \
         0,                                                                                                            \
         0,                                                                                                            \
         "SSH: trust an unknown host key on first use (a changed key is always refused)"},                             \
        {"https_port", HF_PARAM_INTEGER, 0, "443", NULL, 1, 65535, "HTTPS port, when the address has none"},           \
        {"ssh_port", HF_PARAM_INTEGER, 0, "22", NULL, 1, 65535, "SSH port (a port in the address is the HTTPS one)"},  \
        {"call_timeout_ms",                                                                                            \
         HF_PARAM_INTEGER,                                                                                             \
         0,                                                                                                            \
         "10000",                                                                                                      \
         NULL,                                                                                                         \
         100,                                                                                                          \
         600000,                                                                                                       \
         "each request or dialogue step (never past the call's deadline)"},                                            \
    {                                                                                                                  \
        "connect_timeout_ms", HF_PARAM_INTEGER, 0, "10000", NULL, 100, 600000, "SSH: connect and log in within this"   \
    }

/* From a validated parameter set; false (with reply set) on a bad value. */
bool board_settings_read(board_settings *s, const char *kind, const hf_param *p, const hf_context *ctx,
                         hf_reply *reply);
void board_settings_wipe(board_settings *s);

typedef struct board {
    bool open;
    char address[300]; /* as given: the target */
    char host[256];
    int https_port;
    char url[300];  /* https://host:port */
    char name[340]; /* "iLO 10.0.0.5": for messages */
    redfish *redfish;
    ribcl *ribcl;
    ssh_conn *ssh;
    char tried[700]; /* protocol=auto: what the protocols passed over said */
} board;

/* A board for target (else the address parameter).  False with reply set
 * when the address is not host, host:port or [v6]:port. */
bool board_open(board *b, const board_settings *s, const char *target, hf_reply *reply);
void board_close(board *b);

/* The board for address, kept while the address stays the same:
 * *changed tells the plugin to forget what it learnt of the old one
 * (the protocol chosen, a shell).  An error when the address is bad. */
hf_result board_select(board *b, const board_settings *s, const char *address, bool *changed, hf_reply *reply);

/* A failure protocol=auto must not walk past to a weaker protocol: the
 * board answered and refused us (certificate, host key, login), or the
 * time is up. */
bool board_failure_is_final(hf_result r);
/* protocol=auto passes over a protocol: remember what it answered ... */
void board_note_attempt(board *b, const char *protocol, const hf_reply *reply);
/* ... and tell it with a failure of the protocol finally used, so that the
 * operator sees every answer, not only the last. */
hf_result board_explain(const board *b, hf_result r, hf_reply *reply);

/* Its clients, made when first asked for (NULL when out of memory). */
redfish *board_redfish(board *b, const board_settings *s, const char *system);
ribcl *board_ribcl(board *b, const board_settings *s, ribcl_transport transport);
ssh_conn *board_ssh(board *b, const board_settings *s);

#endif
