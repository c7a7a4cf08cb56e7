/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http-client: HTTP(S) requests with libcurl for the protocol clients
 * (XAPI, Redfish, RIBCL): TLS verified against a CA file by default, or a
 * pinned public key, or (an explicit opt-in) not at all; every request
 * bounded by its own timeout and the call's deadline; replies capped in
 * size; transport failures turned into result codes with a message that
 * names the device.  Also a raw TLS stream for the iLO 2's RIBCL.
 */
#ifndef HAFENCE_PROTO_HTTP_CLIENT_H
#define HAFENCE_PROTO_HTTP_CLIENT_H

#include <hafence/plugin.h>
#include <stdbool.h>

typedef struct http_options {
    const char *device;      /* for messages: "iLO 10.0.0.5:443", "XAPI https://..." */
    const char *ca_file;     /* NULL: the system's CAs */
    const char *pin_sha256;  /* "sha256//<base64>" of the server's public key, or NULL */
    bool insecure;           /* no TLS verification at all */
    long call_timeout_ms;    /* each request (never past the deadline) */
    size_t max_reply;        /* bytes; 0: 16 MiB */
    const char *unix_socket; /* HTTP over this local socket (the URL's host is then only a name), or NULL */
} http_options;

typedef struct http_reply {
    long status;
    char *body; /* NUL-terminated; free with http_reply_clear */
    size_t len;
    char location[512];   /* the Location header */
    char auth_token[256]; /* the X-Auth-Token header (Redfish sessions); a secret */
} http_reply;

/* What a protocol client keeps of its device: the base URL (no '/' at
 * the end), the account, and its name for messages ("Redfish https://..."). */
typedef struct http_endpoint {
    char base[300];
    char username[128];
    char password[256]; /* secret */
    char device[360];
} http_endpoint;
void http_endpoint_set(http_endpoint *e, const char *protocol, const char *base_url, const char *username,
                       const char *password);

typedef struct http_client http_client;

/* Copies the options.  NULL when out of memory. */
http_client *http_client_new(const http_options *opt);
/* Limits a libcurl handle to these protocols ("http,https", or the same
 * as CURLPROTO_* bits for a libcurl before 7.85). */
void http_allow_protocols(void *curl, const char *protocols, long mask);
/* Whether this libcurl speaks HTTP over a local socket (7.40 or later). */
bool http_can_use_unix_socket(void);
void http_client_free(http_client *c);

/* method url: headers ("Name: value", NULL-terminated, may be NULL), body
 * (may be NULL), HTTP Basic credentials (may be NULL).  HF_OK when an
 * answer came, whatever its status; *out then holds it. */
hf_result http_request(http_client *c, const hf_context *ctx, const char *method, const char *url,
                       const char *const *headers, const char *body, size_t body_len, const char *basic_user,
                       const char *basic_password, http_reply *out, hf_reply *reply);
void http_reply_clear(http_reply *r); /* wipes the token */

/* A context for callers that have a deadline and no call (a daemon's
 * own requests, a goodbye at the end): never cancelled, logs nothing. */
void http_deadline_context(hf_context *ctx, int64_t deadline_ms);

/* A raw TLS stream to url's host and port (https://host:port/), verified
 * as requests are.  recv waits until some bytes came, the peer closed
 * (*got = 0) or the deadline. */
hf_result http_stream_open(http_client *c, const hf_context *ctx, const char *url, hf_reply *reply);
hf_result http_stream_send(http_client *c, const hf_context *ctx, const char *data, size_t len, hf_reply *reply);
hf_result http_stream_recv(http_client *c, const hf_context *ctx, char *buf, size_t size, size_t *got, hf_reply *reply);
void http_stream_close(http_client *c);

#endif
