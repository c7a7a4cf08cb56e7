/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fencing topology: FENCE_METHOD's levels resolved to devices (plugin,
 * parameters, host map), and the walk that fences one host through them.
 * The CLI's off/fence -c and hafenced use the same walk, so a host is
 * fenced the same way by hand and by the daemon.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/engine.h"
#include "core/hostmap.h"
#include "core/method.h"
#include "core/hastate.h"
#include "core/history.h"
#include "core/topology.h"

#include <errno.h>
#include <unistd.h>

static bool device_load(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s,
                        const char *history_path, hfc_topology_params_fn *more, void *arg, bool first,
                        hfc_fence_device *d, hfc_error *err)
{
    hfc_paramset *set = hfc_paramset_new();
    bool ok = false;
    if (!(d->plugin = hfc_method_resolve(path, cfg, s, &d->method, err)))
        goto out;
    if (!hfc_method_params(cfg, s, &d->method, first, d->plugin, set, err))
        goto out;
    if (more && !more(arg, d, set, err))
        goto out;
    hfc_method_param_defaults(d->plugin, set, history_path);
    if (!(d->params =
              hfc_params_validate(hfc_plugin_descriptor_of(d->plugin)->params, set, hfc_plugin_name(d->plugin), err)))
        goto out;
    d->hostmap_path = hfc_method_hostmap_path(s, &d->method);
    if (access(d->hostmap_path, F_OK) == 0) {
        if (!(d->hostmap = hfc_hostmap_load(d->hostmap_path, hfc_method_hostmap_flags(d->plugin), err)))
            goto out;
    } else if (errno != ENOENT) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s", d->hostmap_path, strerror(errno));
        goto out;
    }
    ok = true;
out:
    hfc_paramset_free(set);
    return ok;
}

hfc_topology *hfc_topology_load(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s,
                                const char *history_path, hfc_topology_params_fn *more, void *arg, hfc_error *err)
{
    hfc_method_list list;
    hfc_topology *t;
    if (!*s->fence_method) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "FENCE_METHOD is not set: name a fence plugin or a custom script");
        return NULL;
    }
    if (!hfc_method_list_parse(s->fence_method, &list, err)) {
        hfc_error prefix = *err;
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: FENCE_METHOD=%s: %s", hfc_config_origin(cfg, "FENCE_METHOD"),
                      s->fence_method, prefix.message);
        return NULL;
    }
    t = hfc_calloc(1, sizeof *t);
    t->devices = hfc_calloc(list.count, sizeof *t->devices);
    t->levels = list.levels;
    for (size_t i = 0; i < list.count; i++) {
        t->devices[i].method = list.entries[i];
        t->count++;
        if (!device_load(path, cfg, s, history_path, more, arg, i == 0, &t->devices[i], err)) {
            hfc_topology_free(t);
            return NULL;
        }
    }
    return t;
}

void hfc_topology_free(hfc_topology *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++) {
        hfc_params_free(t->devices[i].params);
        hfc_plugin_unload(t->devices[i].plugin);
        hfc_hostmap_free(t->devices[i].hostmap);
        free(t->devices[i].hostmap_path);
    }
    free(t->devices);
    free(t);
}

bool hfc_topology_can(const hfc_topology *t, uint32_t capability)
{
    for (size_t i = 0; t && i < t->count; i++)
        if (hfc_plugin_can(t->devices[i].plugin, capability))
            return true;
    return false;
}

const char *hfc_topology_target(const hfc_fence_device *device, const char *host)
{
    return device->hostmap ? hfc_hostmap_lookup(device->hostmap, host) : host;
}

/* Run one level's devices at once within budget_ms; true when every one
 * counts as done. */
static bool try_level(const hfc_engine_options *opts, const hfc_topology *t, unsigned level, const char *host,
                      hfc_action action, hfc_outcome_counts_fn *counts, void *arg, int64_t budget_ms,
                      hfc_fence_walk *walk)
{
    size_t first = walk->count, n = 0;
    hfc_request *reqs;
    hfc_outcome *outs;
    hfc_engine_options o = *opts;
    bool all = true;
    for (size_t i = 0; i < t->count; i++)
        if (t->devices[i].method.level == level) {
            hfc_fence_try *tr;
            walk->tries = hfc_realloc(walk->tries, (walk->count + 1) * sizeof *walk->tries);
            tr = &walk->tries[walk->count++];
            memset(tr, 0, sizeof *tr);
            tr->device = &t->devices[i];
            tr->target = hfc_topology_target(&t->devices[i], host);
            tr->time_ms = hfc_wall_ms();
            if (!tr->target) {
                tr->outcome.code = HF_E_BAD_PARAMETER;
                snprintf(tr->outcome.message, sizeof tr->outcome.message, "%s has no line for host %s",
                         t->devices[i].hostmap_path, host);
                all = false;
            } else {
                n++;
            }
        }
    if (!all) { /* a level that cannot reach the host is not half-tried */
        for (size_t k = first; k < walk->count; k++)
            if (walk->tries[k].target) {
                walk->tries[k].outcome.code = HF_E_BAD_PARAMETER;
                snprintf(walk->tries[k].outcome.message, sizeof walk->tries[k].outcome.message,
                         "not tried: another device of level %u cannot reach the host", level);
            }
        return false;
    }
    reqs = hfc_calloc(n, sizeof *reqs);
    outs = hfc_calloc(n, sizeof *outs);
    for (size_t k = 0; k < n; k++) {
        const hfc_fence_try *tr = &walk->tries[first + k];
        reqs[k] = (hfc_request){.plugin = tr->device->plugin,
                                .params = tr->device->params,
                                .host = host,
                                .target = tr->target,
                                .action = action,
                                .console_fd = -1};
    }
    o.timeout_ms = budget_ms;
    hfc_engine_run(&o, reqs, n, outs);
    for (size_t k = 0; k < n; k++) {
        hfc_fence_try *tr = &walk->tries[first + k];
        tr->outcome = outs[k];
        tr->counted = counts ? counts(arg, &outs[k]) : outs[k].code == HF_OK;
        all = all && tr->counted;
    }
    free(outs);
    free(reqs);
    return all;
}

void hfc_topology_fence(const hfc_engine_options *opts, const hfc_topology *t, const char *host, hfc_action action,
                        hfc_outcome_counts_fn *counts, void *arg, hfc_fence_walk *walk)
{
    int64_t start = hf_now_ms(), deadline = start + opts->timeout_ms;
    memset(walk, 0, sizeof *walk);
    for (unsigned level = 1; level <= t->levels && !walk->level_done; level++) {
        int64_t left = deadline - hf_now_ms();
        if (left <= 0 || (opts->cancel && *opts->cancel))
            break;
        if (level > 1)
            hfc_log(HF_LOG_WARNING, "host %s: level %u did not fence it; trying level %u (%lld ms left)", host,
                    level - 1, level, (long long)left);
        if (try_level(opts, t, level, host, action, counts, arg, left / (int64_t)(t->levels - level + 1), walk))
            walk->level_done = level;
    }
    walk->duration_ms = hf_now_ms() - start;
    if (walk->level_done)
        snprintf(walk->summary, sizeof walk->summary, "fenced by level %u of %u", walk->level_done, t->levels);
    else
        snprintf(walk->summary, sizeof walk->summary, "no level fenced it (%zu device%s tried in %u level%s)",
                 walk->count, walk->count == 1 ? "" : "s", t->levels, t->levels == 1 ? "" : "s");
}

bool hfc_fence_walk_verified(const hfc_fence_walk *walk)
{
    bool verified = walk->level_done != 0;
    for (size_t i = 0; i < walk->count; i++)
        if (walk->tries[i].device->method.level == walk->level_done)
            verified = verified && walk->tries[i].outcome.verified;
    return verified;
}

hf_result hfc_fence_walk_result(const hfc_fence_walk *walk)
{
    if (walk->level_done)
        return HF_OK;
    /* what stopped the last level tried: its last device that did not count */
    for (size_t i = walk->count; i-- > 0;)
        if (!walk->tries[i].counted)
            return walk->tries[i].outcome.code == HF_OK ? HF_E_UNVERIFIED : walk->tries[i].outcome.code;
    return HF_E_TIMED_OUT; /* nothing was tried: no time left */
}

void hfc_fence_walk_clear(hfc_fence_walk *walk)
{
    for (size_t i = 0; i < walk->count; i++)
        hfc_outcome_clear(&walk->tries[i].outcome);
    free(walk->tries);
    memset(walk, 0, sizeof *walk);
}

void hfc_fence_walk_history(const hfc_fence_walk *walk, hfc_history_try *out)
{
    for (size_t i = 0; i < walk->count; i++) {
        const hfc_fence_try *t = &walk->tries[i];
        out[i] = (hfc_history_try){.level = t->device->method.level,
                                   .method = t->device->method.name,
                                   .plugin = hfc_plugin_name(t->device->plugin),
                                   .address = hf_param_get(t->device->params, HF_PARAM_NAME_ADDRESS),
                                   .target = t->target,
                                   .result = hf_result_name(t->outcome.code),
                                   .verified = t->outcome.verified,
                                   .counted = t->counted,
                                   .already = t->outcome.code == HF_OK && t->outcome.already,
                                   .time_ms = t->time_ms,
                                   .duration_ms = t->outcome.duration_ms,
                                   .message = t->outcome.message};
    }
}
