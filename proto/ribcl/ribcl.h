/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ribcl: HP's RIBCL (Remote Insight Board Command Language), the XML the
 * iLO 2 to 4 take: POSTed to /ribcl over HTTPS (iLO 3 and 4), or written
 * straight onto a TLS stream to port 443 (iLO 2, and what fence_ilo does).
 * Replies are one <?xml?> document per command, each read with libxml2 and
 * every RESPONSE STATUS checked.
 */
#ifndef HAFENCE_PROTO_RIBCL_H
#define HAFENCE_PROTO_RIBCL_H

#include "proto/http/http-client.h"

typedef enum ribcl_transport {
    RIBCL_AUTO,
    RIBCL_POST,
    RIBCL_RAW
} ribcl_transport;
typedef enum ribcl_command {
    RIBCL_GET_POWER, /* GET_HOST_POWER_STATUS */
    RIBCL_FORCE_OFF, /* HOLD_PWR_BTN TOGGLE="No": off now, never on */
    RIBCL_POWER_ON,  /* SET_HOST_POWER HOST_POWER="Yes" */
    RIBCL_COLD_BOOT  /* COLD_BOOT_SERVER */
} ribcl_command;

typedef struct ribcl_options {
    const char *base_url; /* https://host[:port] */
    const char *username;
    const char *password; /* secret */
    ribcl_transport transport;
    const char *device; /* the caller's name for the device ("iLO 10.0.0.5"); NULL: "RIBCL <url>" */
    http_options http;
} ribcl_options;

typedef struct ribcl ribcl;

ribcl *ribcl_new(const ribcl_options *opt);
void ribcl_free(ribcl *r); /* wipes the secrets */

/* Log in and run one command; for RIBCL_GET_POWER, *power gets the state. */
hf_result ribcl_run(ribcl *r, const hf_context *ctx, ribcl_command cmd, hf_power *power, hf_reply *reply);
/* The transport that answered (after a run with RIBCL_AUTO). */
const char *ribcl_transport_name(const ribcl *r);

/* ---- the reply parser (ribcl-parse.c): untrusted input, no I/O ------------ */
typedef struct ribcl_result {
    int documents;     /* <?xml?> documents read */
    unsigned status;   /* the first non-zero RESPONSE STATUS, else 0 */
    char message[256]; /* its MESSAGE */
    bool has_power;    /* a GET_HOST_POWER was in the reply */
    hf_power power;
} ribcl_result;
#define RIBCL_LOGIN_FAILED 0x005F

/* HF_OK, or HF_E_DEVICE_REFUSED (reply says why) when the reply is not
 * well-formed RIBCL. */
hf_result ribcl_parse(const char *text, size_t len, ribcl_result *res, hf_reply *reply);
/* The request document for cmd; NULL when out of memory.  free() it (the
 * caller wipes it: it holds the password). */
char *ribcl_request(ribcl_command cmd, const char *username, const char *password, size_t *len);

#endif
