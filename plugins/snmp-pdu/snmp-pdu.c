/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snmp-pdu: cut a host's power at its switched PDU outlets over SNMP
 * (net-snmp): v1, v2c or v3.  A host may sit on several outlets of several
 * PDUs (dual power supplies): off switches every one off and the host is
 * off only when every outlet reads off; on switches them all on.
 *   status = every outlet's state: off when all are off
 *   off, on, cycle (the profile's reboot) = a SET per outlet
 *   monitor: the PDU's sysObjectID and its profile.   list: outlet names.
 * The profile (which MIB table) is detected from sysObjectID, or named;
 * `generic` takes the OIDs and values from parameters.  Targets:
 * "<pdu-address>:<outlet>[,<outlet>...]" (';' between PDUs), from
 * SNMP-PDU.hosts, where a host may have one line per PDU.
 */
#include <hafence/net.h>
#include "plugins/snmp-pdu/profiles.h"
#include "plugins/snmp-pdu/snmp.h"
#include "plugins/snmp-pdu/targets.h"

#define NAME_WALK_MAX 512

typedef struct pdu_conn {
    char address[256];
    snmp_link *link;
    const pdu_profile *profile;
} pdu_conn;

typedef struct snmp_pdu {
    snmp_options opt; /* the strings below */
    char address[256], community[128], username[128], auth_key[128], priv_key[128];
    char auth_protocol[16], priv_protocol[16], profile[24];
    pdu_profile generic;
    long default_port;
    pdu_conn conns[PDU_MAX_PDUS];
    int nconns;
} snmp_pdu;

static const char *const versions[] = {"1", "2c", "3", NULL};
static const char *const profiles[] = {"auto", "apc-rpdu", "apc-rpdu2", "eaton-epdu", "raritan-px", "generic", NULL};
static const char *const auth_protocols[] = {"SHA", "SHA-256", "MD5", NULL};
static const char *const priv_protocols[] = {"AES", "DES", NULL};

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, 0, NULL, NULL, 0, 0, "the PDU when a target names none (FENCE_IPADDRESS)"},
    {"port", HF_PARAM_INTEGER, 0, "161", NULL, 1, 65535, "SNMP UDP port"},
    {"version", HF_PARAM_ENUM, 0, "2c", versions, 0, 0, "SNMP version"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0,
     "FENCE_PASSWD: the community (v1, v2c) or the v3 authentication passphrase, when those are not given"},
    {"community", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "v1, v2c: a community that may write"},
    {"username", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "v3: the USM user"},
    {"auth_protocol", HF_PARAM_ENUM, 0, "SHA", auth_protocols, 0, 0, "v3: authentication"},
    {"auth_password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "v3: authentication passphrase"},
    {"priv_protocol", HF_PARAM_ENUM, 0, "AES", priv_protocols, 0, 0, "v3: privacy (with priv_password: authPriv)"},
    {"priv_password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "v3: privacy passphrase (none: authNoPriv)"},
    {"profile", HF_PARAM_ENUM, 0, "auto", profiles, 0, 0, "the PDU's MIB: detected from sysObjectID, or named"},
    {"generic_status_oid", HF_PARAM_STRING, 0, NULL, NULL, 0, 0,
     "generic: the outlet state column (.<outlet> appended)"},
    {"generic_status_on", HF_PARAM_INTEGER, 0, "1", NULL, 0, 0, "generic: the state value for on"},
    {"generic_status_off", HF_PARAM_INTEGER, 0, "2", NULL, 0, 0, "generic: the state value for off"},
    {"generic_control_oid", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "generic: the outlet command column"},
    {"generic_on", HF_PARAM_INTEGER, 0, "1", NULL, 0, 0, "generic: the command value for on"},
    {"generic_off", HF_PARAM_INTEGER, 0, "2", NULL, 0, 0, "generic: the command value for off"},
    {"generic_reboot", HF_PARAM_INTEGER, 0, "3", NULL, 0, 0, "generic: the command value for a power cycle"},
    {"generic_name_oid", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "generic: the outlet name column (outlets by name)"},
    {"timeout_ms", HF_PARAM_INTEGER, 0, "1000", NULL, 10, 60000, "each request's wait for an answer"},
    {"retries", HF_PARAM_INTEGER, 0, "2", NULL, 0, 10, "requests sent again (never past the deadline)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static bool oid_text(const char *s)
{
    return s && *s && strspn(s, ".0123456789") == strlen(s) && strlen(s) < sizeof((pdu_command *)0)->base;
}

static void pdu_destroy(void *instance)
{
    snmp_pdu *p = instance;
    for (int i = 0; i < p->nconns; i++)
        snmp_link_free(p->conns[i].link);
    memset(p, 0, sizeof *p);
    free(p);
}

static hf_result pdu_create(const hf_context *ctx, const hf_param *prm, void **instance, hf_reply *reply)
{
    snmp_pdu *p = calloc(1, sizeof *p);
    const char *v = hf_param_str(prm, "version", "2c"), *password = hf_param_get(prm, "password");
    (void)ctx;
    if (!p)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (!hf_copy(p->address, sizeof p->address, hf_param_str(prm, "address", "")) ||
        !hf_copy(p->community, sizeof p->community, hf_param_str(prm, "community", password ? password : "")) ||
        !hf_copy(p->username, sizeof p->username, hf_param_str(prm, "username", "")) ||
        !hf_copy(p->auth_key, sizeof p->auth_key, hf_param_str(prm, "auth_password", password ? password : "")) ||
        !hf_copy(p->priv_key, sizeof p->priv_key, hf_param_str(prm, "priv_password", ""))) {
        pdu_destroy(p);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "snmp-pdu: the address, community, username or a passphrase is too long");
    }
    snprintf(p->auth_protocol, sizeof p->auth_protocol, "%s", hf_param_str(prm, "auth_protocol", "SHA"));
    snprintf(p->priv_protocol, sizeof p->priv_protocol, "%s", hf_param_str(prm, "priv_protocol", "AES"));
    snprintf(p->profile, sizeof p->profile, "%s", hf_param_str(prm, "profile", "auto"));
    p->default_port = hf_param_int(prm, "port", 161);
    p->opt.version = strcmp(v, "1") == 0 ? 1 : strcmp(v, "3") == 0 ? 3 : 2;
    p->opt.community = p->community;
    p->opt.username = p->username;
    p->opt.auth_protocol = p->auth_protocol;
    p->opt.auth_key = p->auth_key;
    p->opt.priv_protocol = p->priv_protocol;
    p->opt.priv_key = p->priv_key;
    p->opt.timeout_ms = (long)hf_param_int(prm, "timeout_ms", 1000);
    p->opt.retries = (int)hf_param_int(prm, "retries", 2);
    if (p->opt.version == 3 && (!*p->username || !*p->auth_key)) {
        pdu_destroy(p);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "snmp-pdu: v3 needs username and auth_password");
    }
    if (p->opt.version != 3 && !*p->community) {
        pdu_destroy(p);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "snmp-pdu: v%s needs a community (or FENCE_PASSWD)", v);
    }
    if (strcmp(p->profile, "generic") == 0) {
        pdu_profile *g = &p->generic;
        const char *st = hf_param_str(prm, "generic_status_oid", ""),
                   *ct = hf_param_str(prm, "generic_control_oid", "");
        const char *nm = hf_param_str(prm, "generic_name_oid", "");
        if (!oid_text(st) || !oid_text(ct) || (*nm && !oid_text(nm))) {
            pdu_destroy(p);
            return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                                "snmp-pdu: profile=generic needs generic_status_oid and generic_control_oid as "
                                "numeric OIDs (and generic_name_oid, if given)");
        }
        snprintf(g->name, sizeof g->name, "generic");
        snprintf(g->description, sizeof g->description, "generic (the operator's OIDs)");
        snprintf(g->status_base, sizeof g->status_base, "%s", st + (*st == '.'));
        snprintf(g->name_base, sizeof g->name_base, "%s", *nm == '.' ? nm + 1 : nm);
        g->status_on[0] = (long)hf_param_int(prm, "generic_status_on", 1);
        g->status_off[0] = (long)hf_param_int(prm, "generic_status_off", 2);
        g->status_on_count = g->status_off_count = 1;
        snprintf(g->off.base, sizeof g->off.base, "%s", ct + (*ct == '.'));
        snprintf(g->on.base, sizeof g->on.base, "%s", ct + (*ct == '.'));
        snprintf(g->reboot.base, sizeof g->reboot.base, "%s", ct + (*ct == '.'));
        g->off.value = (long)hf_param_int(prm, "generic_off", 2);
        g->on.value = (long)hf_param_int(prm, "generic_on", 1);
        g->reboot.value = (long)hf_param_int(prm, "generic_reboot", 3);
    }
    *instance = p;
    return HF_OK;
}

/* The session to one PDU, with its profile (detected once). */
static hf_result conn_for(snmp_pdu *p, const hf_context *ctx, const char *address, pdu_conn **out, hf_reply *reply)
{
    char sys[256], host[256];
    pdu_conn *c;
    hf_result r;
    int port;
    if (!*address)
        address = p->address;
    if (!*address)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "snmp-pdu: no PDU address (in the target or address=)");
    c = NULL;
    for (int i = 0; i < p->nconns && !c; i++)
        if (strcmp(p->conns[i].address, address) == 0)
            c = &p->conns[i];
    if (!c) {
        if (p->nconns == PDU_MAX_PDUS)
            return hf_reply_set(reply, HF_E_BAD_PARAMETER, "snmp-pdu: more than %d PDUs", PDU_MAX_PDUS);
        c = &p->conns[p->nconns];
        memset(c, 0, sizeof *c);
        if (!hf_copy(c->address, sizeof c->address, address))
            return hf_reply_set(reply, HF_E_BAD_PARAMETER, "snmp-pdu: PDU address '%.60s...' is too long", address);
        /* "host", "host:port", "[v6]" or "[v6]:port": a port there wins */
        port = (int)p->default_port;
        if (!hf_net_split_address(address, host, sizeof host, &port))
            return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                                "snmp-pdu: PDU address '%s' is not host, host:port or [v6]:port", address);
        p->opt.address = host;
        p->opt.port = port;
        if (!(c->link = snmp_link_new(&p->opt, reply)))
            return HF_E_BAD_PARAMETER;
        p->nconns++;
    }
    /* the profile: named, or detected (again, if an earlier try failed) */
    if (c->profile) {
        /* known */
    } else if (strcmp(p->profile, "generic") == 0) {
        c->profile = &p->generic;
    } else if (strcmp(p->profile, "auto") != 0) {
        c->profile = pdu_profile_find(p->profile);
    } else {
        const pdu_profile *found;
        if ((r = snmp_get_text(c->link, ctx, "1.3.6.1.2.1.1.2.0", sys, sizeof sys, reply)) != HF_OK)
            return r;
        if (!(found = pdu_profile_detect(sys)))
            return hf_reply_set(reply, HF_E_UNSUPPORTED,
                                "%s: sysObjectID %s is no PDU hafence knows (%s): name the profile, or use "
                                "profile=generic with the PDU's OIDs",
                                snmp_link_name(c->link), sys, pdu_profile_names());
        c->profile = found;
        hf_logf(ctx, HF_LOG_INFO, "%s: sysObjectID %s: profile %s", snmp_link_name(c->link), sys, c->profile->name);
    }
    *out = c;
    return HF_OK;
}

/* Walk the profile's outlet name column (at most NAME_WALK_MAX rows):
 * visit gets each outlet's number (the row's last sub-identifier) and
 * name, and returns true to stop. */
typedef bool outlet_visit_fn(void *arg, long number, const char *name);
static hf_result walk_outlet_names(pdu_conn *c, const hf_context *ctx, outlet_visit_fn *visit, void *arg,
                                   hf_reply *reply)
{
    char from[300], next[300], text[128];
    bool done = false;
    snprintf(from, sizeof from, "%s", c->profile->name_base);
    for (int i = 0; i < NAME_WALK_MAX; i++) {
        const char *last;
        hf_result r = snmp_next_text(c->link, ctx, c->profile->name_base, from, next, sizeof next, text, sizeof text,
                                     &done, reply);
        if (r != HF_OK || done)
            return r;
        last = strrchr(next, '.');
        if (visit(arg, last ? strtol(last + 1, NULL, 10) : 0, text))
            return HF_OK;
        snprintf(from, sizeof from, "%s", next);
    }
    return HF_OK;
}

static bool find_named(void *arg, long number, const char *name)
{
    pdu_outlet *o = arg;
    if (number > 0 && strcmp(name, o->name) == 0)
        o->number = number;
    return o->number > 0;
}

/* An outlet given by name: its number, from the profile's name column. */
static hf_result outlet_number(pdu_conn *c, const hf_context *ctx, pdu_outlet *o, hf_reply *reply)
{
    hf_result r;
    if (o->number)
        return HF_OK;
    if (!*c->profile->name_base)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: outlet '%s': this profile names no outlets: give its number",
                            snmp_link_name(c->link), o->name);
    if ((r = walk_outlet_names(c, ctx, find_named, o, reply)) != HF_OK)
        return r;
    if (o->number > 0)
        return HF_OK;
    return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: no outlet is named '%s'", snmp_link_name(c->link), o->name);
}

typedef enum pdu_op {
    OP_STATUS,
    OP_OFF,
    OP_ON,
    OP_CYCLE
} pdu_op;

/* Append to the reply's message (what each outlet did or read). */
static void note(hf_reply *reply, const char *fmt, ...) HF_PRINTF(2, 3);
static void note(hf_reply *reply, const char *fmt, ...)
{
    size_t n = strlen(reply->message);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reply->message + n, sizeof reply->message - n, fmt, ap);
    va_end(ap);
}

static hf_result act(snmp_pdu *p, const hf_context *ctx, const char *target, pdu_op op, hf_reply *reply)
{
    pdu_target t[PDU_MAX_PDUS];
    int count, on = 0, off = 0;
    char summary[HF_MESSAGE_MAX] = "";
    hf_reply step;
    hf_result r;
    if (!pdu_targets_parse(target ? target : "", t, &count, reply))
        return hf_reply_prefix(reply, HF_E_BAD_PARAMETER, "snmp-pdu: target '%.200s': ", target ? target : "");
    for (int i = 0; i < count; i++) {
        pdu_conn *c;
        memset(&step, 0, sizeof step);
        if ((r = conn_for(p, ctx, t[i].address, &c, &step)) != HF_OK)
            return hf_reply_set(reply, r, "%s", step.message);
        for (int k = 0; k < t[i].count; k++) {
            pdu_outlet *o = &t[i].outlets[k];
            const pdu_profile *pr = c->profile;
            const pdu_command *cmd = op == OP_OFF ? &pr->off : op == OP_ON ? &pr->on : &pr->reboot;
            char oid[200];
            long value = 0;
            hf_power power;
            if ((r = outlet_number(c, ctx, o, &step)) != HF_OK)
                return hf_reply_set(reply, r, "%s", step.message);
            if (op == OP_STATUS) {
                snprintf(oid, sizeof oid, "%s.%ld%s", pr->status_base, o->number, pr->status_suffix);
                if ((r = snmp_get_int(c->link, ctx, oid, &value, &step)) != HF_OK)
                    return hf_reply_set(reply, r, "%s", step.message);
                power = pdu_profile_power(pr, value);
                if (power == HF_POWER_UNKNOWN)
                    return hf_reply_set(reply, HF_E_DEVICE_REFUSED,
                                        "%s: outlet %ld reads %ld, neither on nor off in %s (not taken for off)",
                                        snmp_link_name(c->link), o->number, value, pr->name);
                on += power == HF_POWER_ON;
                off += power == HF_POWER_OFF;
                snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%s%s outlet %ld %s",
                         *summary ? ", " : " ", c->address, o->number, hf_power_name(power));
                continue;
            }
            if (!*cmd->base)
                return hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: %s has no such command", snmp_link_name(c->link),
                                    pr->name);
            snprintf(oid, sizeof oid, "%s.%ld", cmd->base, o->number);
            if ((r = snmp_set_int(c->link, ctx, oid, cmd->value, &step)) != HF_OK)
                return hf_reply_set(reply, r, "%s", step.message);
            snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%s%s outlet %ld",
                     *summary ? ", " : " ", c->address, o->number);
        }
    }
    if (op == OP_STATUS && on + off == 0) /* absent is never off */
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "no outlet was read: nothing to call off");
    if (op == OP_STATUS) {
        /* off only when every outlet is off: one live supply keeps the host up */
        reply->power = on ? HF_POWER_ON : HF_POWER_OFF;
        r = hf_reply_set(reply, HF_OK, "%s", on && off ? "partly off:" : on ? "on:" : "off:");
        note(reply, "%s", summary);
        return r;
    }
    r = hf_reply_set(reply, HF_OK, "switched %s:", op == OP_OFF ? "off" : op == OP_ON ? "on" : "through a cycle");
    note(reply, "%s", summary);
    return r;
}

static hf_result pdu_status(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_STATUS, r);
}
static hf_result pdu_off(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_OFF, r);
}
static hf_result pdu_on(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_ON, r);
}
static hf_result pdu_cycle(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_CYCLE, r);
}

static hf_result pdu_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    snmp_pdu *p = instance;
    pdu_conn *c;
    char sys[256];
    hf_result r = conn_for(p, ctx, "", &c, reply);
    if (r != HF_OK || (r = snmp_get_text(c->link, ctx, "1.3.6.1.2.1.1.2.0", sys, sizeof sys, reply)) != HF_OK)
        return r;
    return hf_reply_set(reply, HF_OK, "%s: sysObjectID %s, profile %s", snmp_link_name(c->link), sys, c->profile->name);
}

typedef struct list_walk {
    const pdu_conn *c;
    hf_target_sink *sink;
    void *arg;
    int count;
} list_walk;

static bool list_one(void *arg, long number, const char *name)
{
    list_walk *w = arg;
    char target[400];
    snprintf(target, sizeof target, "%s:%ld", w->c->address, number);
    w->sink(w->arg, target, name);
    w->count++;
    return false;
}

static hf_result pdu_list(void *instance, const hf_context *ctx, hf_target_sink *sink, void *arg, hf_reply *reply)
{
    snmp_pdu *p = instance;
    pdu_conn *c;
    list_walk w = {NULL, sink, arg, 0};
    hf_result r = conn_for(p, ctx, "", &c, reply);
    if (r != HF_OK)
        return r;
    if (!*c->profile->name_base)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: this profile names no outlets", snmp_link_name(c->link));
    w.c = c;
    if ((r = walk_outlet_names(c, ctx, list_one, &w, reply)) != HF_OK)
        return r;
    return hf_reply_set(reply, HF_OK, "%s: %d outlets", snmp_link_name(c->link), w.count);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(pdu_create),
    HF_DISPATCH_FENCE_DESTROY(pdu_destroy),
    HF_DISPATCH_FENCE_OFF(pdu_off),
    HF_DISPATCH_FENCE_ON(pdu_on),
    HF_DISPATCH_FENCE_CYCLE(pdu_cycle),
    HF_DISPATCH_FENCE_STATUS(pdu_status),
    HF_DISPATCH_FENCE_MONITOR(pdu_monitor),
    HF_DISPATCH_FENCE_LIST(pdu_list),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "snmp-pdu",
    .version = HAFENCE_VERSION,
    .description = "switched PDU outlets over SNMP v1/v2c/v3 (APC, Eaton, Raritan, generic)",
    .params = params,
    .dispatch = dispatch,
    .capabilities = HF_CAP_HOSTMAP_LINES,
};

HAFENCE_PLUGIN(descriptor)
