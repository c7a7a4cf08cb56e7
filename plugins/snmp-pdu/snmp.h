/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snmp: one SNMP session to one PDU with net-snmp's single-session API
 * (snmp_sess_*), v1, v2c or v3 (USM: authNoPriv or authPriv).  Every
 * request is bounded by the call's deadline: its timeout and retries are
 * cut to what is left.  Errors name the PDU and say which: no answer,
 * authentication (community, v3 user or key), read-only access, no such
 * object, a value the PDU refuses.
 */
#ifndef HAFENCE_SNMP_PDU_SNMP_H
#define HAFENCE_SNMP_PDU_SNMP_H

#include <hafence/plugin.h>
#include <stdbool.h>

typedef struct snmp_options {
    const char *address; /* host, IPv4, IPv6 or [IPv6] */
    int port;
    int version;               /* 1, 2 (v2c) or 3 */
    const char *community;     /* secret: v1, v2c */
    const char *username;      /* v3 */
    const char *auth_protocol; /* "SHA", "SHA-256", "MD5" */
    const char *auth_key;      /* secret: v3 (authNoPriv and up) */
    const char *priv_protocol; /* "AES", "DES" */
    const char *priv_key;      /* secret: v3 authPriv, or NULL */
    long timeout_ms;
    int retries;
} snmp_options;

typedef struct snmp_link snmp_link;

snmp_link *snmp_link_new(const snmp_options *opt, hf_reply *reply);
void snmp_link_free(snmp_link *s);
const char *snmp_link_name(const snmp_link *s);

/* GET oid (numeric, dotted): an integer value, or a string (name, OID). */
hf_result snmp_get_int(snmp_link *s, const hf_context *ctx, const char *oid, long *value, hf_reply *reply);
hf_result snmp_get_text(snmp_link *s, const hf_context *ctx, const char *oid, char *text, size_t size, hf_reply *reply);
/* SET oid to an INTEGER. */
hf_result snmp_set_int(snmp_link *s, const hf_context *ctx, const char *oid, long value, hf_reply *reply);
/* GETNEXT from oid: the next OID (dotted) and its value as text; *done
 * when the walk left base. */
hf_result snmp_next_text(snmp_link *s, const hf_context *ctx, const char *base, const char *from, char *next_oid,
                         size_t oid_size, char *text, size_t size, bool *done, hf_reply *reply);

#endif
