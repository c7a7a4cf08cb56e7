/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SNMP sessions with net-snmp (snmp.h). */
#include "plugins/snmp-pdu/snmp.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <pthread.h>

struct snmp_link {
    void *sess;     /* snmp_sess_open's handle */
    char name[300]; /* "PDU 10.0.0.7:161 (v2c)" */
    long timeout_ms;
    int retries;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void snmp_setup(void)
{
    /* a library for a plugin: no MIB files, no config files, no state
     * written to the system's persistent directory */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OID_OUTPUT_FORMAT, NETSNMP_OID_OUTPUT_NUMERIC);
    netsnmp_set_mib_directory("");
    if (!getenv("MIBS"))
        setenv("MIBS", "", 0); /* no MIB modules: every OID is numeric here */
    snmp_disable_log();        /* errors come back through snmp_sess_error(), into messages */
    init_snmp("hafence");
}

static const oid *auth_oid(const char *name, size_t *len)
{
    if (strcmp(name, "MD5") == 0) {
        *len = OID_LENGTH(usmHMACMD5AuthProtocol);
        return usmHMACMD5AuthProtocol;
    }
    if (strcmp(name, "SHA-256") == 0) {
        *len = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
        return usmHMAC192SHA256AuthProtocol;
    }
    *len = OID_LENGTH(usmHMACSHA1AuthProtocol);
    return usmHMACSHA1AuthProtocol;
}

snmp_link *snmp_link_new(const snmp_options *o, hf_reply *reply)
{
    netsnmp_session s;
    snmp_link *l = calloc(1, sizeof *l);
    char peer[300];
    bool v6 = strchr(o->address, ':') != NULL; /* the address comes without brackets */
    pthread_once(&once, snmp_setup);
    if (!l) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "out of memory");
        return NULL;
    }
    snprintf(peer, sizeof peer, "%s:%s%s%s:%d", v6 ? "udp6" : "udp", v6 ? "[" : "", o->address, v6 ? "]" : "", o->port);
    snprintf(l->name, sizeof l->name, "PDU %s%s%s:%d (v%s)", v6 ? "[" : "", o->address, v6 ? "]" : "", o->port,
             o->version == 1   ? "1"
             : o->version == 2 ? "2c"
                               : "3");
    l->timeout_ms = o->timeout_ms;
    l->retries = o->retries;
    snmp_sess_init(&s);
    s.peername = peer;
    if (o->version == 3) {
        size_t alen;
        const oid *a = auth_oid(o->auth_protocol ? o->auth_protocol : "SHA", &alen);
        s.version = SNMP_VERSION_3;
        s.securityName = (char *)o->username;
        s.securityNameLen = strlen(o->username);
        s.securityLevel = o->priv_key && *o->priv_key ? SNMP_SEC_LEVEL_AUTHPRIV : SNMP_SEC_LEVEL_AUTHNOPRIV;
        s.securityAuthProto = snmp_duplicate_objid(a, alen);
        s.securityAuthProtoLen = alen;
        s.securityAuthKeyLen = USM_AUTH_KU_LEN;
        if (generate_Ku(a, (u_int)alen, (const u_char *)o->auth_key, strlen(o->auth_key), s.securityAuthKey,
                        &s.securityAuthKeyLen) != SNMPERR_SUCCESS) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER,
                         "%s: cannot make a key from the v3 authentication passphrase (8 characters at least)",
                         l->name);
            free(s.securityAuthProto);
            free(l);
            return NULL;
        }
        if (s.securityLevel == SNMP_SEC_LEVEL_AUTHPRIV) {
            bool des = o->priv_protocol && strcmp(o->priv_protocol, "DES") == 0;
            s.securityPrivProto =
                snmp_duplicate_objid(des ? usmDESPrivProtocol : usmAESPrivProtocol, OID_LENGTH(usmAESPrivProtocol));
            s.securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
            s.securityPrivKeyLen = USM_PRIV_KU_LEN;
            if (generate_Ku(a, (u_int)alen, (const u_char *)o->priv_key, strlen(o->priv_key), s.securityPrivKey,
                            &s.securityPrivKeyLen) != SNMPERR_SUCCESS) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER,
                             "%s: cannot make a key from the v3 privacy passphrase (8 characters at least)", l->name);
                free(s.securityAuthProto);
                free(s.securityPrivProto);
                free(l);
                return NULL;
            }
        }
    } else {
        s.version = o->version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
        s.community = (u_char *)o->community;
        s.community_len = strlen(o->community);
    }
    l->sess = snmp_sess_open(&s);
    free(s.securityAuthProto);
    free(s.securityPrivProto);
    memset(s.securityAuthKey, 0, sizeof s.securityAuthKey);
    memset(s.securityPrivKey, 0, sizeof s.securityPrivKey);
    if (!l->sess) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: cannot open an SNMP session", l->name);
        free(l);
        return NULL;
    }
    return l;
}

void snmp_link_free(snmp_link *l)
{
    if (!l)
        return;
    if (l->sess)
        snmp_sess_close(l->sess);
    free(l);
}

const char *snmp_link_name(const snmp_link *l)
{
    return l->name;
}

/* Send pdu, wait within the deadline: the response, or NULL with reply set. */
static hf_result exchange(snmp_link *l, const hf_context *ctx, netsnmp_pdu *pdu, const char *oid_text,
                          netsnmp_pdu **response, hf_reply *reply)
{
    netsnmp_session *s = snmp_sess_session(l->sess);
    int64_t left = hf_ctx_remaining_ms(ctx);
    long timeout = l->timeout_ms < left ? l->timeout_ms : (long)left;
    int retries = l->retries, status;
    *response = NULL;
    if (timeout <= 0) {
        snmp_free_pdu(pdu);
        return hf_reply_set(reply, HF_E_TIMED_OUT, "%s: no time left", l->name);
    }
    /* every try must fit in what is left */
    while (retries > 0 && (retries + 1) * timeout > left)
        retries--;
    s->timeout = timeout * 1000L;
    s->retries = retries;
    status = snmp_sess_synch_response(l->sess, pdu, response);
    if (status == STAT_TIMEOUT)
        return hf_reply_set(reply, hf_ctx_remaining_ms(ctx) == 0 ? HF_E_TIMED_OUT : HF_E_UNREACHABLE,
                            "%s: no answer (%d tries of %ld ms)%s", l->name, retries + 1, timeout,
                            s->version == SNMP_VERSION_3 ? "" : " (or a wrong community: the PDU stays silent)");
    if (status != STAT_SUCCESS || !*response) {
        char *msg = NULL;
        int e1 = 0, e2 = 0;
        snmp_sess_error(l->sess, &e1, &e2, &msg);
        hf_result r = (e2 == SNMPERR_AUTHENTICATION_FAILURE || e2 == SNMPERR_UNKNOWN_USER_NAME ||
                       e2 == SNMPERR_DECRYPTION_ERR || e2 == SNMPERR_USM_AUTHENTICATIONFAILURE ||
                       e2 == SNMPERR_USM_UNKNOWNSECURITYNAME || e2 == SNMPERR_USM_DECRYPTIONERROR)
                          ? HF_E_AUTH_REFUSED
                          : HF_E_UNREACHABLE;
        hf_reply_set(reply, r, "%s: %s: %s", l->name, oid_text, msg ? msg : "SNMP error");
        free(msg);
        if (*response)
            snmp_free_pdu(*response);
        *response = NULL;
        return r;
    }
    if ((*response)->errstat != SNMP_ERR_NOERROR) {
        long e = (*response)->errstat;
        hf_result r = e == SNMP_ERR_NOACCESS || e == SNMP_ERR_NOTWRITABLE || e == SNMP_ERR_READONLY ||
                              e == SNMP_ERR_AUTHORIZATIONERROR
                          ? HF_E_AUTH_REFUSED
                      : e == SNMP_ERR_NOSUCHNAME ? HF_E_BAD_PARAMETER
                                                 : HF_E_DEVICE_REFUSED;
        hf_reply_set(reply, r, "%s: %s: %s%s", l->name, oid_text, snmp_errstring((int)e),
                     r == HF_E_AUTH_REFUSED ? " (a read-only community or user: give one that may write)" : "");
        snmp_free_pdu(*response);
        *response = NULL;
        return r;
    }
    return HF_OK;
}

/* A dotted numeric OID; always absolute (net-snmp reads "1.3..." without
 * the leading dot as relative to mib-2). */
static bool parse_oid(const char *text, oid *out, size_t *len)
{
    char abs[300];
    if (strspn(text, ".0123456789") != strlen(text) || strlen(text) + 2 > sizeof abs)
        return false;
    snprintf(abs, sizeof abs, "%s%s", text[0] == '.' ? "" : ".", text);
    *len = MAX_OID_LEN;
    return read_objid(abs, out, len) != 0;
}

/* A GET or GETNEXT of one OID: its variable, or NULL with reply set. */
static hf_result get_var(snmp_link *l, const hf_context *ctx, int type, const char *oid_text, netsnmp_pdu **response,
                         netsnmp_variable_list **var, hf_reply *reply)
{
    oid name[MAX_OID_LEN];
    size_t len;
    netsnmp_pdu *pdu;
    hf_result r;
    if (!parse_oid(oid_text, name, &len))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: '%s' is not an OID", l->name, oid_text);
    pdu = snmp_pdu_create(type);
    snmp_add_null_var(pdu, name, len);
    if ((r = exchange(l, ctx, pdu, oid_text, response, reply)) != HF_OK)
        return r;
    *var = (*response)->variables;
    if (!*var || (type == SNMP_MSG_GET && ((*var)->type == SNMP_NOSUCHOBJECT || (*var)->type == SNMP_NOSUCHINSTANCE))) {
        snmp_free_pdu(*response);
        *response = NULL;
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: %s: no such object on this PDU", l->name, oid_text);
    }
    return HF_OK;
}

hf_result snmp_get_int(snmp_link *l, const hf_context *ctx, const char *oid_text, long *value, hf_reply *reply)
{
    netsnmp_pdu *resp;
    netsnmp_variable_list *v;
    hf_result r = get_var(l, ctx, SNMP_MSG_GET, oid_text, &resp, &v, reply);
    if (r != HF_OK)
        return r;
    if (v->type != ASN_INTEGER || !v->val.integer)
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: %s: not an INTEGER (type 0x%02x)", l->name, oid_text,
                         v->type);
    else
        *value = *v->val.integer;
    snmp_free_pdu(resp);
    return r;
}

/* A variable's value as text: strings as they are, OIDs dotted, integers in decimal. */
static void value_text(const netsnmp_variable_list *v, char *text, size_t size)
{
    if (v->type == ASN_OCTET_STR) {
        size_t n = v->val_len < size - 1 ? v->val_len : size - 1;
        memcpy(text, v->val.string, n);
        text[n] = '\0';
    } else if (v->type == ASN_OBJECT_ID) {
        size_t used = 0;
        text[0] = '\0';
        for (size_t i = 0; i < v->val_len / sizeof(oid) && used + 12 < size; i++)
            used += (size_t)snprintf(text + used, size - used, "%s%lu", i ? "." : "", (unsigned long)v->val.objid[i]);
    } else if (v->type == ASN_INTEGER && v->val.integer) {
        snprintf(text, size, "%ld", *v->val.integer);
    } else {
        text[0] = '\0';
    }
}

hf_result snmp_get_text(snmp_link *l, const hf_context *ctx, const char *oid_text, char *text, size_t size,
                        hf_reply *reply)
{
    netsnmp_pdu *resp;
    netsnmp_variable_list *v;
    hf_result r = get_var(l, ctx, SNMP_MSG_GET, oid_text, &resp, &v, reply);
    if (r != HF_OK)
        return r;
    value_text(v, text, size);
    snmp_free_pdu(resp);
    return HF_OK;
}

hf_result snmp_next_text(snmp_link *l, const hf_context *ctx, const char *base, const char *from, char *next_oid,
                         size_t oid_size, char *text, size_t size, bool *done, hf_reply *reply)
{
    netsnmp_pdu *resp;
    netsnmp_variable_list *v;
    oid b[MAX_OID_LEN];
    size_t blen;
    hf_result r;
    *done = false;
    if (!parse_oid(base, b, &blen))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: '%s' is not an OID", l->name, base);
    if ((r = get_var(l, ctx, SNMP_MSG_GETNEXT, from, &resp, &v, reply)) != HF_OK)
        return r;
    if (v->type == SNMP_ENDOFMIBVIEW || v->name_length <= blen || snmp_oid_compare(b, blen, v->name, blen) != 0) {
        *done = true;
    } else {
        size_t used = 0;
        next_oid[0] = '\0';
        for (size_t i = 0; i < v->name_length && used + 12 < oid_size; i++)
            used +=
                (size_t)snprintf(next_oid + used, oid_size - used, "%s%lu", i ? "." : "", (unsigned long)v->name[i]);
        value_text(v, text, size);
    }
    snmp_free_pdu(resp);
    return HF_OK;
}

hf_result snmp_set_int(snmp_link *l, const hf_context *ctx, const char *oid_text, long value, hf_reply *reply)
{
    oid name[MAX_OID_LEN];
    size_t len;
    netsnmp_pdu *pdu, *resp;
    hf_result r;
    if (!parse_oid(oid_text, name, &len))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: '%s' is not an OID", l->name, oid_text);
    pdu = snmp_pdu_create(SNMP_MSG_SET);
    snmp_pdu_add_variable(pdu, name, len, ASN_INTEGER, &value, sizeof value);
    if ((r = exchange(l, ctx, pdu, oid_text, &resp, reply)) != HF_OK)
        return r;
    snmp_free_pdu(resp);
    return HF_OK;
}
