/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pool: HA-Lizard's POOL method.  No power is cut: a failed host is taken
 * out of the pool's plans through the pool master's XAPI, so the survivors
 * can restart its VMs.
 *   off    = host.declare_dead where the server has it; else host.disable
 *            and VM.power_state_reset for every VM resident on it; then
 *            host.destroy when host_forget (FENCE_HOST_FORGET=1).  Each step
 *            is checked; a second run is harmless.  XAPI refuses to reset
 *            the VMs of a live host (HOST_IS_LIVE): reported, never forced.
 *   status = "off" when the host is disabled and no VM is left running on
 *            it (or this same operation removed it from the pool); "on"
 *            otherwise.  A host the pool has no record of is an error,
 *            never off: a removed host and a wrong UUID look the same.
 *   on     = host.enable.
 *   monitor: log in, read the pool, log out.   list: the pool's hosts.
 * The target is the host UUID; the master's address comes from the config,
 * or this host's own XAPI is used over its local socket (no password, as
 * HA-Lizard's xe; a slave's XAPI forwards to the master).
 */
#include "proto/http/http-client.h"
#include "proto/xapi/xapi.h"

typedef struct pool_plugin {
    xapi_settings xs;
    bool host_forget;
    bool told_master;
    xapi *x;
    char forgotten[40]; /* the host this instance removed with host.destroy */
} pool_plugin;

static const char *const schemes[] = {"https", "http", NULL};

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, 0, "localhost", NULL, 0, 0,
     "the pool master (a slave answers with the master's address); FENCE_IPADDRESS. localhost: this host's "
     "XAPI over unix_socket where it exists (no password, as xe)"},
    {"unix_socket", HF_PARAM_PATH, 0, XAPI_UNIX_SOCKET, NULL, 0, 0,
     "this host's XAPI socket, used for address localhost when it exists"},
    {"port", HF_PARAM_INTEGER, 0, "0", NULL, 0, 65535, "XAPI port (0: 443 for https, 80 for http)"},
    {"scheme", HF_PARAM_ENUM, 0, "https", schemes, 0, 0, "https (verified), or http"},
    {"username", HF_PARAM_STRING, 0, "root", NULL, 0, 0, "XAPI user"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "XAPI password (FENCE_PASSWD)"},
    {"ca_file", HF_PARAM_PATH, 0, NULL, NULL, 0, 0, "CA certificate(s) the master's certificate must chain to"},
    {"insecure", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0,
     "do not verify the master's TLS certificate (an explicit, logged opt-in)"},
    {"host_forget", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0,
     "also remove the fenced host from the pool (FENCE_HOST_FORGET, deprecated)"},
    {"call_timeout_ms", HF_PARAM_INTEGER, 0, "10000", NULL, 100, 600000, "each XAPI call (never past the deadline)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_result pool_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    pool_plugin *pp = calloc(1, sizeof *pp);
    if (!pp)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    xapi_settings_from_params(&pp->xs, p);
    pp->host_forget = hf_param_bool(p, "host_forget", 0);
    /* only this host's own socket takes no password: found out here, not
     * at the first fence */
    if (!pp->xs.opt.unix_socket && !*pp->xs.password) {
        hf_result r = hf_reply_set(reply, HF_E_BAD_PARAMETER,
                                   "XAPI %s needs a password (password, FENCE_PASSWD); only this host's own socket "
                                   "%s takes none, and it is %s",
                                   pp->xs.url, hf_param_str(p, "unix_socket", XAPI_UNIX_SOCKET),
                                   strcmp(hf_param_str(p, "address", "localhost"), "localhost") != 0
                                       ? "not used for another address"
                                   : http_can_use_unix_socket() ? "not there (is xapi running?)"
                                                                : "out of reach of this libcurl (7.40 or later)");
        xapi_settings_wipe(&pp->xs);
        free(pp);
        return r;
    }
    if (pp->xs.opt.insecure && strcmp(hf_param_str(p, "scheme", "https"), "https") == 0)
        hf_logf(ctx, HF_LOG_WARNING, "XAPI %s: TLS verification is OFF (insecure=1)", pp->xs.url);
    pp->x = xapi_new(&pp->xs.opt);
    if (!pp->x) {
        memset(pp, 0, sizeof *pp);
        free(pp);
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    }
    *instance = pp;
    return HF_OK;
}

static void pool_destroy(void *instance)
{
    pool_plugin *pp = instance;
    hf_reply reply;
    /* best effort, briefly: a session left open expires on its own */
    xapi_logout(pp->x, hf_now_ms() + 1000, &reply);
    xapi_free(pp->x);
    memset(pp, 0, sizeof *pp);
    free(pp);
}

/* The host's reference, HF_E_BAD_PARAMETER when the pool has no such
 * host (*gone set when the pool says so: UUID_INVALID). */
static hf_result host_ref(pool_plugin *pp, const hf_context *ctx, const char *uuid, char **ref, bool *gone,
                          hf_reply *reply)
{
    xv *v = NULL;
    hf_result r;
    *ref = NULL;
    *gone = false;
    if (!hf_is_uuid_text(uuid))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "pool: target '%s' is not a host UUID", uuid ? uuid : "");
    r = xapi_call1(pp->x, "host.get_by_uuid", uuid, &v, ctx->deadline_ms, reply);
    if (!pp->told_master && strcmp(xapi_url(pp->x), pp->xs.url) != 0) {
        pp->told_master = true;
        hf_logf(ctx, HF_LOG_INFO, "XAPI %s is a pool slave: the master is %s", pp->xs.url, xapi_url(pp->x));
    }
    if (r != HF_OK) {
        *gone = strcmp(xapi_error(pp->x), "UUID_INVALID") == 0;
        return r;
    }
    if (!xv_str(v)) {
        xv_free(v);
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI: host.get_by_uuid returned no reference");
    }
    *ref = strdup(v->str);
    xv_free(v);
    return *ref ? HF_OK : hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
}

/* The records of the VMs resident on the host, with one call (a pool of
 * a thousand VMs costs one call, not a thousand): a map ref -> record. */
static hf_result resident_vms(pool_plugin *pp, const hf_context *ctx, const char *ref, xv **vms, hf_reply *reply)
{
    char query[200];
    xv *expr;
    hf_result r;
    snprintf(query, sizeof query, "field \"resident_on\" = \"%s\"", ref);
    expr = xv_string(query);
    r = xapi_call(pp->x, "VM.get_all_records_where", &expr, 1, vms, ctx->deadline_ms, reply);
    xv_free(expr);
    if (r == HF_OK && (!*vms || (*vms)->type != XV_STRUCT)) {
        xv_free(*vms);
        *vms = NULL;
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI: VM.get_all_records_where: not a map of records");
    }
    return r;
}

static bool is_dom0(const xv *rec)
{
    const xv *v = xv_get(rec, "is_control_domain");
    return v && v->num;
}

/* Reset the power state of every VM (not the control domain) resident on
 * the host: what host.declare_dead does where the server lacks it. */
static hf_result reset_resident_vms(pool_plugin *pp, const hf_context *ctx, const char *ref, int *count,
                                    hf_reply *reply)
{
    xv *vms = NULL;
    hf_result r = resident_vms(pp, ctx, ref, &vms, reply);
    *count = 0;
    if (r != HF_OK)
        return r;
    for (size_t i = 0; i < vms->count && r == HF_OK; i++) {
        xv *done = NULL;
        if (is_dom0(vms->items[i]))
            continue;
        if ((r = xapi_call1(pp->x, "VM.power_state_reset", vms->keys[i], &done, ctx->deadline_ms, reply)) == HF_OK)
            (*count)++;
        xv_free(done);
    }
    xv_free(vms);
    return r;
}

/* Absent is never off: the pool has no record of the host. */
static hf_result not_in_pool(const char *uuid, hf_reply *reply)
{
    return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                        "host %s is not in the pool (XAPI: UUID_INVALID): removed earlier, or a wrong UUID; "
                        "not taken for off, nothing done",
                        uuid);
}

static hf_result live_refusal(pool_plugin *pp, const char *uuid, hf_result r, hf_reply *reply)
{
    if (strcmp(xapi_error(pp->x), "HOST_IS_LIVE") == 0)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED,
                            "host %s: XAPI says the host is live (HOST_IS_LIVE): its VMs are not reset "
                            "and nothing is forced; power it off first",
                            uuid);
    return r;
}

static hf_result pool_off(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    pool_plugin *pp = instance;
    char *ref = NULL, steps[300] = "";
    xv *v = NULL;
    bool gone;
    int reset = -1;
    hf_result r = host_ref(pp, ctx, target, &ref, &gone, reply);
    if (r != HF_OK)
        return gone ? not_in_pool(target, reply) : r;
    r = xapi_call1(pp->x, "host.declare_dead", ref, &v, ctx->deadline_ms, reply);
    if (r == HF_OK) {
        snprintf(steps, sizeof steps, "declared dead (VMs reset)");
    } else if (r == HF_E_UNSUPPORTED) {
        /* an older server: disable the host, reset its VMs one by one */
        hf_logf(ctx, HF_LOG_INFO, "host.declare_dead not offered: host.disable + VM.power_state_reset");
        if ((r = xapi_call1(pp->x, "host.disable", ref, &v, ctx->deadline_ms, reply)) != HF_OK)
            goto out;
        xv_free(v);
        v = NULL;
        if ((r = reset_resident_vms(pp, ctx, ref, &reset, reply)) != HF_OK) {
            r = live_refusal(pp, target, r, reply);
            goto out;
        }
        snprintf(steps, sizeof steps, "disabled, power state of %d VM%s reset", reset, reset == 1 ? "" : "s");
    } else {
        r = live_refusal(pp, target, r, reply);
        goto out;
    }
    xv_free(v);
    v = NULL;
    if (pp->host_forget) {
        if ((r = xapi_call1(pp->x, "host.destroy", ref, &v, ctx->deadline_ms, reply)) != HF_OK) {
            r = live_refusal(pp, target, r, reply);
            goto out;
        }
        strncat(steps, ", removed from the pool", sizeof steps - strlen(steps) - 1);
        snprintf(pp->forgotten, sizeof pp->forgotten, "%s", target);
    }
    r = hf_reply_set(reply, HF_OK, "host %s: %s", target, steps);
out:
    xv_free(v);
    free(ref);
    return r;
}

static hf_result pool_on(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    pool_plugin *pp = instance;
    char *ref = NULL;
    xv *v = NULL;
    bool gone;
    hf_result r = host_ref(pp, ctx, target, &ref, &gone, reply);
    if (r != HF_OK)
        return r;
    r = xapi_call1(pp->x, "host.enable", ref, &v, ctx->deadline_ms, reply);
    xv_free(v);
    free(ref);
    return r == HF_OK ? hf_reply_set(reply, HF_OK, "host %s enabled", target) : r;
}

static hf_result pool_status(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    pool_plugin *pp = instance;
    char *ref = NULL;
    xv *rec = NULL, *live = NULL, *vms = NULL, *ref_v;
    const xv *enabled, *metrics;
    int running = 0;
    bool gone;
    hf_result r = host_ref(pp, ctx, target, &ref, &gone, reply);
    if (r != HF_OK) {
        if (gone && strcmp(pp->forgotten, target) == 0) {
            reply->power = HF_POWER_OFF; /* this operation removed it */
            return hf_reply_set(reply, HF_OK, "host %s: removed from the pool by this operation", target);
        }
        return gone ? not_in_pool(target, reply) : r;
    }
    r = xapi_call1(pp->x, "host.get_record", ref, &rec, ctx->deadline_ms, reply);
    ref_v = xv_string(ref);
    free(ref);
    if (r != HF_OK) {
        xv_free(ref_v);
        return r;
    }
    enabled = xv_get(rec, "enabled");
    metrics = xv_get(rec, "metrics");
    if (!enabled || enabled->type != XV_BOOL) {
        xv_free(rec);
        xv_free(ref_v);
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI: host %s: record without enabled", target);
    }
    if ((r = resident_vms(pp, ctx, ref_v->str, &vms, reply)) == HF_OK) {
        for (size_t i = 0; i < vms->count; i++) {
            const char *state = xv_str(xv_get(vms->items[i], "power_state"));
            running += !is_dom0(vms->items[i]) && (!state || strcmp(state, "Halted") != 0);
        }
        xv_free(vms);
    }
    xv_free(ref_v);
    if (r == HF_OK && xv_str(metrics))
        xapi_call1(pp->x, "host_metrics.get_live", metrics->str, &live, ctx->deadline_ms, reply);
    if (r == HF_OK) {
        reply->power = !enabled->num && running == 0 ? HF_POWER_OFF : HF_POWER_ON;
        r = hf_reply_set(reply, HF_OK, "host %s: %s, %s, %d VM%s running on it", target,
                         enabled->num ? "enabled" : "disabled",
                         !live       ? "liveness unknown"
                         : live->num ? "live"
                                     : "not live",
                         running, running == 1 ? "" : "s");
    }
    xv_free(live);
    xv_free(rec);
    return r;
}

static hf_result pool_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    pool_plugin *pp = instance;
    xv *v = NULL;
    hf_result r = xapi_call(pp->x, "pool.get_all", NULL, 0, &v, ctx->deadline_ms, reply);
    xv_free(v);
    if (r != HF_OK)
        return r;
    r = xapi_logout(pp->x, ctx->deadline_ms, reply);
    return r == HF_OK ? hf_reply_set(reply, HF_OK, "XAPI %s: logged in and out", pp->xs.url) : r;
}

static hf_result pool_list(void *instance, const hf_context *ctx, hf_target_sink *sink, void *arg, hf_reply *reply)
{
    pool_plugin *pp = instance;
    xv *hosts = NULL;
    int n = 0;
    hf_result r = xapi_call(pp->x, "host.get_all", NULL, 0, &hosts, ctx->deadline_ms, reply);
    if (r != HF_OK)
        return r;
    for (size_t i = 0; hosts->type == XV_ARRAY && i < hosts->count && r == HF_OK; i++) {
        xv *rec = NULL;
        const char *href = xv_str(hosts->items[i]);
        if (!href || (r = xapi_call1(pp->x, "host.get_record", href, &rec, ctx->deadline_ms, reply)) != HF_OK)
            break;
        if (xv_str(xv_get(rec, "uuid"))) {
            sink(arg, xv_str(xv_get(rec, "uuid")), xv_str(xv_get(rec, "name_label")));
            n++;
        }
        xv_free(rec);
    }
    xv_free(hosts);
    return r == HF_OK ? hf_reply_set(reply, HF_OK, "%d hosts", n) : r;
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(pool_create), HF_DISPATCH_FENCE_DESTROY(pool_destroy),
    HF_DISPATCH_FENCE_OFF(pool_off),       HF_DISPATCH_FENCE_ON(pool_on),
    HF_DISPATCH_FENCE_STATUS(pool_status), HF_DISPATCH_FENCE_MONITOR(pool_monitor),
    HF_DISPATCH_FENCE_LIST(pool_list),     HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "pool",
    .version = HAFENCE_VERSION,
    .description = "HA-Lizard POOL method: mark a failed host dead in its pool through XAPI",
    .params = params,
    .dispatch = dispatch,
    .capabilities = HF_CAP_TARGET_IS_HOST | HF_CAP_VIA_POOL_MASTER | HF_CAP_POOL_CLIENT,
};

HAFENCE_PLUGIN(descriptor)
