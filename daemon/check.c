/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hafenced --check-config: proves that a configuration can fence, without
 * fencing.  The configuration loaded (files, the pool database as XAPI
 * holds it now, the override), the fence method found and its parameters
 * accepted by its plugin, XAPI reached and the login accepted with a
 * read-only call, every pool host given a well-formed target, and with
 * --probe each host's fence device asked for its power state.
 *
 * One line per item, then a verdict.  Exit 0: it can fence every host;
 * 78: the configuration is wrong (each problem names its file, line and
 * key, or host map line); 1: the configuration is right but something it
 * needs does not work (XAPI, a device).
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/loader.h"
#include "core/engine.h"
#include "core/config.h"
#include "core/hostmap.h"
#include "daemon/hafenced.h"

#include <stdarg.h>
#include <unistd.h>

#define CHECK_PROBE_TIMEOUT_MS 15000 /* each host's status, all at once */

typedef enum item {
    ITEM_OK,
    ITEM_WARN,
    ITEM_CONFIG,
    ITEM_FAILED
} item;

typedef struct report {
    int config_problems; /* -> 78 */
    int other_problems;  /* -> 1 */
    int warnings;
} report;

static void say(report *r, item kind, const char *fmt, ...) HF_PRINTF(3, 4);
static void say(report *r, item kind, const char *fmt, ...)
{
    static const char *const tags[] = {"ok  ", "WARN", "FAIL", "FAIL"};
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    hfc_vformat_redacted(text, sizeof text, fmt, ap);
    va_end(ap);
    printf("  %s  %s\n", tags[kind], text);
    r->warnings += kind == ITEM_WARN;
    r->config_problems += kind == ITEM_CONFIG;
    r->other_problems += kind == ITEM_FAILED;
}

/* XAPI as the daemon reaches it; the pool database's configuration as it
 * is now, loaded again when it differs from the cached one. */
static bool check_xapi(hafenced *d, report *r, pool_view *v)
{
    xapi_settings s;
    xapi *x;
    hfc_error err = {0};
    bool ok;
    char *fresh_db;
    daemon_xapi_settings(&d->dc, &s);
    x = xapi_new(&s.opt);
    ok = x && pool_view_read(x, v, hf_now_ms() + s.opt.call_timeout_ms * 2 + 1000, &err);
    if (!ok) {
        say(r, ITEM_FAILED, "%s", x ? err.message : "XAPI: out of memory");
    } else {
        const pool_host *m = pool_view_host(v, v->master);
        say(r, ITEM_OK, "XAPI %s%s: login accepted; pool of %zu host%s, master %s%s",
            s.opt.unix_socket ? "on this host's socket " : "", s.opt.unix_socket ? s.opt.unix_socket : xapi_url(x),
            v->count, v->count == 1 ? "" : "s", m ? m->name : v->master,
            v->native_ha ? " (XenServer's own HA is on: hafenced stands by while it is)" : "");
    }
    xapi_free(x);
    xapi_settings_wipe(&s);
    if (!ok)
        return false;
    fresh_db = pool_db_entries(v->other_config);
    if (strcmp(fresh_db, d->dc.pool_db ? d->dc.pool_db : "") != 0) {
        daemon_config fresh;
        if (!daemon_config_load(&d->opt, v->other_config, &fresh, &err)) {
            say(r, ITEM_CONFIG, "with the pool database as it is now: %s", err.message);
        } else {
            daemon_config_free(&d->dc);
            d->dc = fresh;
            say(r, ITEM_OK, "the pool database's configuration (other-config HA_*) loaded as it is now");
        }
    }
    free(fresh_db);
    return true;
}

/* The method's plugin creates an instance with these parameters (nothing
 * is sent to the device). */
static void check_method(hafenced *d, const hfc_fence_device *dev, report *r)
{
    hfc_engine_options eo;
    hfc_request req = {.plugin = dev->plugin, .params = dev->params, .target = "", .action = HFC_ACTION_VALIDATE};
    hfc_outcome out = {0};
    const hf_plugin_descriptor *desc = hfc_plugin_descriptor_of(dev->plugin);
    if (d->dc.topology->count == 1)
        say(r, ITEM_OK, "FENCE_METHOD=%s (%s): plugin %s %s, %s", d->dc.settings.fence_method,
            hfc_config_origin(d->dc.config, "FENCE_METHOD"), desc->name, desc->version, hfc_plugin_path(dev->plugin));
    else
        say(r, ITEM_OK, "FENCE_METHOD=%s (%s): level %u %s: plugin %s %s, %s", d->dc.settings.fence_method,
            hfc_config_origin(d->dc.config, "FENCE_METHOD"), dev->method.level, dev->method.name, desc->name,
            desc->version, hfc_plugin_path(dev->plugin));
    hfc_engine_options_init(&eo);
    eo.timeout_ms = 10000;
    hfc_engine_run(&eo, &req, 1, &out);
    if (out.code == HF_OK)
        say(r, ITEM_OK, "%s", out.message);
    else
        say(r, ITEM_CONFIG, "plugin %s refuses the parameters from the configuration: %s", desc->name, out.message);
    hfc_outcome_clear(&out);
}

typedef struct host_check {
    const char *uuid;
    char label[400];
    const char *target; /* NULL: none */
} host_check;

/* Every host the pool has (or, without XAPI, the host map names), with
 * its target. */
static size_t host_targets(hafenced *d, const hfc_fence_device *dev, const pool_view *v, bool probe, report *r,
                           host_check **out)
{
    const hfc_hostmap *map = dev->hostmap;
    bool by_uuid = hfc_plugin_can(dev->plugin, HF_CAP_TARGET_IS_HOST);
    /* with several levels a device that does not reach a host leaves it
     * to the others: the host is a problem when no level reaches it */
    item missing = d->dc.topology->levels > 1 ? ITEM_WARN : ITEM_CONFIG;
    size_t n = v->count ? v->count : map ? hfc_hostmap_count(map) : 0;
    host_check *h = hfc_calloc(n ? n : 1, sizeof *h);
    if (map)
        say(r, ITEM_OK, "host map %s: %zu host%s", dev->hostmap_path, hfc_hostmap_count(map),
            hfc_hostmap_count(map) == 1 ? "" : "s");
    else if (by_uuid)
        say(r, ITEM_OK, "no host map %s: plugin %s's target is the host's UUID", dev->hostmap_path,
            hfc_plugin_name(dev->plugin));
    for (size_t i = 0; i < n; i++) {
        const char *uuid = v->count ? v->hosts[i].uuid : hfc_hostmap_host_at(map, i);
        h[i].uuid = uuid;
        snprintf(h[i].label, sizeof h[i].label, "host %s (%s%s)", v->count ? v->hosts[i].name : "?", uuid,
                 strcmp(uuid, d->self) == 0 ? ", this host" : "");
        if (map && !(h[i].target = hfc_hostmap_lookup(map, uuid)))
            say(r, missing, "%s: %s has no line for it: %s", h[i].label, dev->hostmap_path,
                missing == ITEM_CONFIG ? "it cannot be fenced" : "this level cannot fence it");
        else if (!map && !by_uuid)
            say(r, missing,
                "%s: no host map %s: plugin %s's targets are devices, one line <host-uuid>:<target> "
                "per host",
                h[i].label, dev->hostmap_path, hfc_plugin_name(dev->plugin));
        else if (!map)
            h[i].target = uuid;
        if (h[i].target && !probe)
            say(r, ITEM_OK, "%s: target %s", h[i].label, h[i].target);
    }
    /* lines for hosts the pool does not have: old hosts, or typos */
    for (size_t i = 0; map && v->count && i < hfc_hostmap_count(map); i++)
        if (!pool_view_host(v, hfc_hostmap_host_at(map, i)))
            say(r, ITEM_WARN, "%s names host %s, which is not in the pool", dev->hostmap_path,
                hfc_hostmap_host_at(map, i));
    *out = h;
    return n;
}

/* --probe: each host's fence device asked for its power state, at once. */
static void probe_hosts(hafenced *d, const hfc_fence_device *dev, host_check *h, size_t n, report *r)
{
    hfc_engine_options eo;
    hfc_request *req = hfc_calloc(n ? n : 1, sizeof *req);
    hfc_outcome *out = hfc_calloc(n ? n : 1, sizeof *out);
    size_t k = 0;
    hfc_engine_options_init(&eo);
    eo.timeout_ms = CHECK_PROBE_TIMEOUT_MS;
    eo.cancel = d->stop;
    for (size_t i = 0; i < n; i++)
        if (h[i].target)
            req[k++] = (hfc_request){.plugin = dev->plugin,
                                     .params = dev->params,
                                     .host = h[i].uuid,
                                     .target = h[i].target,
                                     .action = HFC_ACTION_STATUS};
    hfc_engine_run(&eo, req, k, out);
    for (size_t i = 0, j = 0; i < n; i++) {
        hfc_outcome *o;
        if (!h[i].target)
            continue;
        o = &out[j++];
        if (o->code == HF_E_UNSUPPORTED)
            say(r, ITEM_WARN, "%s: target %s: the method cannot read power, not probed (%s)", h[i].label, h[i].target,
                o->message);
        else if (o->code != HF_OK)
            say(r, ITEM_FAILED, "%s: target %s: status: %s: %s", h[i].label, h[i].target, hf_result_name(o->code),
                o->message);
        else if (o->power == HF_POWER_OFF && strcmp(h[i].uuid, d->self) == 0)
            say(r, ITEM_FAILED, "%s: target %s reads off, but this host runs: the line names another machine",
                h[i].label, h[i].target);
        else
            say(r, o->power == HF_POWER_ON ? ITEM_OK : ITEM_WARN, "%s: target %s: power %s (%lld ms)", h[i].label,
                h[i].target, hf_power_name(o->power), (long long)o->duration_ms);
        hfc_outcome_clear(o);
    }
    free(req);
    free(out);
}

/* With levels: every pool host must be reachable by one whole level. */
static void check_levels_reach(hafenced *d, const pool_view *v, report *r)
{
    const hfc_topology *t = d->dc.topology;
    for (size_t i = 0; i < v->count; i++) {
        unsigned reached = 0;
        for (unsigned level = 1; level <= t->levels && !reached; level++) {
            bool all = true;
            for (size_t k = 0; k < t->count; k++)
                if (t->devices[k].method.level == level &&
                    (!hfc_topology_target(&t->devices[k], v->hosts[i].uuid) ||
                     (!t->devices[k].hostmap && !hfc_plugin_can(t->devices[k].plugin, HF_CAP_TARGET_IS_HOST))))
                    all = false;
            if (all)
                reached = level;
        }
        if (reached)
            say(r, ITEM_OK, "host %s (%s): first level that reaches it: %u of %u", v->hosts[i].name, v->hosts[i].uuid,
                reached, t->levels);
        else
            say(r, ITEM_CONFIG,
                "host %s (%s): no level reaches it (every level lacks a host-map line): it cannot be fenced",
                v->hosts[i].name, v->hosts[i].uuid);
    }
}

int daemon_check_config(hafenced *d, bool probe)
{
    report r = {0};
    pool_view v = {0};
    host_check *hosts = NULL;
    size_t n;
    printf("hafenced: checking %s, the pool database (other-config HA_*), %s%s\n", d->opt.config_path,
           d->opt.override_path ? d->opt.override_path : "no override file",
           d->opt.override_path && access(d->opt.override_path, F_OK) != 0 ? " (absent)" : "");
    say(&r, ITEM_OK, "the configuration loads (%s)", *d->self ? d->self : "this host's UUID unknown: no inventory");
    check_xapi(d, &r, &v);
    if (!d->dc.topology) {
        say(&r, ITEM_OK, "fencing is off (FENCE_ENABLED=0, %s): no fence method to check",
            hfc_config_origin(d->dc.config, "FENCE_ENABLED"));
    } else if (r.config_problems == 0) {
        if (!d->dc.settings.fence_enabled)
            say(&r, ITEM_WARN, "fencing is off (FENCE_ENABLED=0, %s); the method is checked all the same",
                hfc_config_origin(d->dc.config, "FENCE_ENABLED"));
        for (size_t k = 0; k < d->dc.topology->count; k++)
            check_method(d, &d->dc.topology->devices[k], &r);
        for (size_t k = 0; k < d->dc.topology->count; k++) {
            const hfc_fence_device *dev = &d->dc.topology->devices[k];
            n = host_targets(d, dev, &v, probe, &r, &hosts);
            if (n == 0)
                say(&r, ITEM_FAILED, "no host to check: XAPI did not answer and there is no host map");
            if (probe && r.config_problems == 0)
                probe_hosts(d, dev, hosts, n, &r);
            free(hosts);
            hosts = NULL;
        }
        if (d->dc.topology->levels > 1)
            check_levels_reach(d, &v, &r);
        if (!probe)
            say(&r, ITEM_OK, "fence devices not contacted (--probe asks each for its host's power state)");
    }
    pool_view_free(&v);
    if (r.config_problems || r.other_problems)
        printf("hafenced: %d problem%s in the configuration, %d elsewhere: it cannot fence every host\n",
               r.config_problems, r.config_problems == 1 ? "" : "s", r.other_problems);
    else
        printf("hafenced: configuration OK%s%s\n", d->dc.topology ? ": it can fence every host" : "",
               r.warnings ? " (see the warnings)" : "");
    return r.config_problems ? 78 : r.other_problems ? 1 : 0;
}
