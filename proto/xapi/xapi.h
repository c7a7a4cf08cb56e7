/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xapi: a small client of the XenServer / XCP-ng management API (XML-RPC
 * over HTTP(S) with libcurl), shared by the pool plugin and the dom0
 * daemon.  Session login and logout, calls with the session prepended,
 * XAPI's {Status, Value} / {Status, ErrorDescription} replies turned into
 * result codes and messages, TLS verified against a CA file by default, a
 * timeout on every call.
 */
#ifndef HAFENCE_PROTO_XAPI_H
#define HAFENCE_PROTO_XAPI_H

#include "proto/xapi/xmlrpc.h"
#include <hafence/plugin.h>

typedef struct xapi_options {
    const char *url; /* https://master[:port]/ */
    const char *username;
    const char *password; /* secret */
    const char *ca_file;  /* NULL: the system's CAs */
    bool insecure;        /* no TLS verification: an explicit opt-in */
    long call_timeout_ms; /* each call, never past the deadline */
    /* this host's XAPI over its local socket (/var/lib/xcp/xapi), as xe
     * talks to it: root on the socket needs no password, and a slave's
     * XAPI forwards the calls to its master; NULL: over the network */
    const char *unix_socket;
    /* log in to this host's own XAPI even when it is a slave
     * (session.slave_local_login_with_password): the emergency calls a
     * slave makes when its master is gone */
    bool slave_local;
} xapi_options;

/* The XAPI parameters plugins and the daemon share, read from a validated
 * parameter set: address (IPv6 bracketed), port (0: the scheme's),
 * scheme, username (root), password, ca_file, insecure, call_timeout_ms,
 * unix_socket.  This host's XAPI (address localhost, the default) is
 * reached over unix_socket when that socket exists: no password needed,
 * as for xe; any other address over the network. */
#define XAPI_UNIX_SOCKET "/var/lib/xcp/xapi"
typedef struct xapi_settings {
    char url[512];
    char username[256];
    char password[512];
    char ca_file[1024];
    char unix_socket[512];
    xapi_options opt; /* points into this struct: do not copy it by value */
} xapi_settings;
void xapi_settings_from_params(xapi_settings *s, const hf_param *params);
void xapi_settings_wipe(xapi_settings *s);
/* A copy whose opt points into the copy. */
void xapi_settings_copy(xapi_settings *to, const xapi_settings *from);

typedef struct xapi xapi;

/* Copies the options, strings included. */
xapi *xapi_new(const xapi_options *opt);
void xapi_free(xapi *x); /* does not log out: call xapi_logout */

hf_result xapi_login(xapi *x, int64_t deadline_ms, hf_reply *reply);
hf_result xapi_logout(xapi *x, int64_t deadline_ms, hf_reply *reply);
bool xapi_logged_in(const xapi *x);

/* method(session, args...): *value gets the Value (free with xv_free).  A
 * Failure becomes a result code, its ErrorDescription in the message and
 * its first element in xapi_error(); an expired session is renewed once. */
hf_result xapi_call(xapi *x, const char *method, xv *const *args, size_t count, xv **value, int64_t deadline_ms,
                    hf_reply *reply);
/* Shorthand: method(session, one string argument). */
hf_result xapi_call1(xapi *x, const char *method, const char *arg, xv **value, int64_t deadline_ms, hf_reply *reply);
/* The URL in use: the configured one, or the master's a slave named. */
const char *xapi_url(const xapi *x);
/* The XAPI error code of the last failed call ("HOST_IS_LIVE"...), or "". */
const char *xapi_error(const xapi *x);

#endif
