/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Readiness: every peer's fence path checked before it is needed.
 *
 * Every HAFENCE_MONITOR_INTERVAL (jittered by a tenth, so that the hosts
 * of a pool do not all ask one PDU at the same second) each device of each
 * level is asked about each peer: `status` of the peer's own target (its
 * host-map line), which proves the device answers, takes the credentials
 * and knows the target; a method that cannot read power (a custom script)
 * is asked `monitor`.  A device whose host map has no line for the peer
 * is broken without asking.
 *
 * The checks run as isolated children of the engine, at most
 * HAFENCE_MONITOR_PARALLEL at once, stepped while the main loop would
 * otherwise sleep: a hung device costs its deadline in a child, never a
 * missed peer check.  A fence cancels the running checks (the device is
 * the fence's alone) and the round starts again later.
 *
 * A path that breaks or recovers is written to the history (and so
 * alerted); the first good result only to the log.
 */
#include "core/log.h"
#include "core/util.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK_TIMEOUT_MS   15000 /* one check, at most; less when the fence timeout is shorter */
#define FIRST_ROUND_MAX_MS 5000  /* the first round, soon after the start (jittered) */
#define AFTER_FENCE_MS     10000 /* the round cancelled by a fence starts again after */

const char *fence_path_state_name(fence_path_state s)
{
    switch (s) {
    case FENCE_PATH_READY: return "ready";
    case FENCE_PATH_BROKEN: return "broken";
    default: return "unchecked";
    }
}

/* A random spread of +/- a tenth around ms: hosts started together do not
 * stay in step. */
static int64_t jittered(int64_t ms)
{
    static unsigned seed;
    if (!seed)
        seed = (unsigned)(hf_now_ms() ^ (getpid() << 16));
    return ms - ms / 10 + (int64_t)((double)rand_r(&seed) / RAND_MAX * (double)(ms / 5));
}

static int64_t check_timeout_ms(const hafenced *d)
{
    int64_t t = d->dc.ds.fence_timeout * 1000;
    return t < CHECK_TIMEOUT_MS ? t : CHECK_TIMEOUT_MS;
}

/* In the child: status of the target, monitor where power cannot be read. */
static void check_path(void *arg, int64_t deadline_ms, volatile sig_atomic_t *cancel, hfc_outcome *out)
{
    const fence_path_job *j = arg;
    hfc_engine_options eo;
    hfc_request req = {.plugin = j->device->plugin,
                       .params = j->device->params,
                       .host = j->host,
                       .target = j->target,
                       .action = HFC_ACTION_STATUS};
    hfc_engine_options_init(&eo);
    eo.timeout_ms = j->timeout_ms;
    eo.isolate = false;
    hfc_engine_execute(&eo, &req, deadline_ms, cancel, out);
    if (out->code == HF_E_UNSUPPORTED) {
        hfc_outcome_clear(out);
        memset(out, 0, sizeof *out);
        req.action = HFC_ACTION_MONITOR;
        hfc_engine_execute(&eo, &req, deadline_ms, cancel, out);
        /* the outcome is all that crosses to the parent: a monitor's
         * answer is marked as one by the flag a power read leaves unset */
        out->unverifiable = true;
    }
}

static fence_path *find_path(readiness *r, const char *host, const char *device)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->paths[i].host, host) == 0 && strcmp(r->paths[i].device, device) == 0)
            return &r->paths[i];
    return NULL;
}

/* The result of one check: logged, and a change of state recorded. */
static void settle_path(hafenced *d, fence_path *p, bool ready, const char *how, int64_t duration_ms,
                        const char *message)
{
    fence_path_state was = p->state, now = ready ? FENCE_PATH_READY : FENCE_PATH_BROKEN;
    char label[512];
    host_label(d, p->host, label, sizeof label);
    p->checked_ms = hfc_wall_ms();
    p->duration_ms = duration_ms;
    hfc_strlcpy(p->how, how, sizeof p->how);
    hfc_strlcpy(p->message, message, sizeof p->message);
    if (was != now)
        p->since_ms = p->checked_ms;
    p->state = now;
    if (now == FENCE_PATH_BROKEN && was != FENCE_PATH_BROKEN)
        hafenced_record(d, HF_LOG_ERROR, p->host, "fence-path", "broken", false, duration_ms,
                        "the fence path to %s is BROKEN: level %u %s (%s%s%s), %s: %s", label, p->level, p->device,
                        p->plugin, *p->target ? ", target " : "", p->target, how, message);
    else if (now == FENCE_PATH_READY && was == FENCE_PATH_BROKEN)
        hafenced_record(d, HF_LOG_WARNING, p->host, "fence-path", "recovered", true, duration_ms,
                        "the fence path to %s works again: level %u %s (%s%s%s), %s: %s", label, p->level, p->device,
                        p->plugin, *p->target ? ", target " : "", p->target, how, message);
    else if (now == FENCE_PATH_READY && was == FENCE_PATH_UNCHECKED)
        hfc_log(HF_LOG_INFO, "the fence path to %s is ready: level %u %s (%s), %s: %s", label, p->level, p->device,
                p->plugin, how, message);
    else
        hfc_log(HF_LOG_DEBUG, "fence path to %s, level %u %s: %s: %s", label, p->level, p->device,
                fence_path_state_name(now), message);
}

/* A new round: the paths of every peer the view holds, through every
 * device of the topology; results of paths that still exist are kept. */
static void start_round(hafenced *d)
{
    readiness *r = &d->readiness;
    const hfc_topology *t = d->dc.topology;
    fence_path *paths = NULL;
    size_t count = 0;
    for (size_t h = 0; t && h < d->view.count; h++) {
        const char *host = d->view.hosts[h].uuid;
        if (strcmp(host, d->self) == 0)
            continue;
        for (size_t i = 0; i < t->count; i++) {
            const hfc_fence_device *dev = &t->devices[i];
            const char *target = hfc_topology_target(dev, host);
            fence_path *old = find_path(r, host, dev->method.name), *p;
            paths = hfc_realloc(paths, (count + 1) * sizeof *paths);
            p = &paths[count++];
            if (old)
                *p = *old;
            else
                memset(p, 0, sizeof *p);
            hfc_strlcpy(p->host, host, sizeof p->host);
            hfc_strlcpy(p->device, dev->method.name, sizeof p->device);
            hfc_strlcpy(p->plugin, hfc_plugin_name(dev->plugin), sizeof p->plugin);
            hfc_strlcpy(p->target, target ? target : "", sizeof p->target);
            p->level = dev->method.level;
            p->device_index = i;
            p->no_target = !target;
        }
    }
    free(r->paths);
    r->paths = paths;
    r->count = count;
    r->next = 0;
    r->round_active = true;
    r->generation++;
}

static size_t running(const readiness *r)
{
    size_t n = 0;
    for (size_t s = 0; s < READINESS_SLOTS_MAX; s++)
        n += r->slot[s].child != NULL;
    return n;
}

static void start_checks(hafenced *d)
{
    readiness *r = &d->readiness;
    size_t width = (size_t)d->dc.ds.monitor_parallel, s = 0;
    if (width > READINESS_SLOTS_MAX)
        width = READINESS_SLOTS_MAX;
    while (s < width && r->next < r->count) {
        readiness_slot *slot = &r->slot[s];
        fence_path *p = &r->paths[r->next];
        if (slot->child) {
            s++;
            continue;
        }
        if (p->no_target) { /* nothing to ask: the slot stays free */
            char why[HF_MESSAGE_MAX];
            const hfc_fence_device *dev = &d->dc.topology->devices[p->device_index];
            snprintf(why, sizeof why, "its host map %s has no line for this host",
                     dev->hostmap_path ? dev->hostmap_path : "");
            settle_path(d, p, false, "host map", 0, why);
            r->next++;
            continue;
        }
        memset(&slot->out, 0, sizeof slot->out);
        slot->job.device = &d->dc.topology->devices[p->device_index];
        hfc_strlcpy(slot->job.host, p->host, sizeof slot->job.host);
        hfc_strlcpy(slot->job.target, p->target, sizeof slot->job.target);
        slot->job.timeout_ms = check_timeout_ms(d);
        slot->path = r->next++;
        slot->generation = r->generation;
        slot->child = hfc_child_start(check_path, NULL, &slot->job, hf_now_ms() + slot->job.timeout_ms, &slot->out);
        s++;
    }
}

static void collect_checks(hafenced *d)
{
    readiness *r = &d->readiness;
    for (size_t s = 0; s < READINESS_SLOTS_MAX; s++) {
        readiness_slot *slot = &r->slot[s];
        if (!slot->child || !hfc_child_finished(slot->child))
            continue;
        /* a check cancelled by a fence or a reload says nothing of the path */
        if (!slot->discard && slot->generation == r->generation && slot->path < r->count)
            settle_path(d, &r->paths[slot->path], slot->out.code == HF_OK,
                        slot->out.unverifiable ? "monitor" : "status", slot->out.duration_ms,
                        slot->out.message[0] ? slot->out.message : hf_result_name(slot->out.code));
        hfc_outcome_clear(&slot->out);
        hfc_child_free(slot->child);
        slot->child = NULL;
        slot->discard = false;
    }
}

static bool round_wanted(const hafenced *d)
{
    return d->dc.ds.monitor_interval > 0 && d->dc.topology && d->peer_count && !d->suspended;
}

void readiness_wait(hafenced *d, int64_t wait_ms, volatile sig_atomic_t *woken)
{
    readiness *r = &d->readiness;
    int64_t end = hf_now_ms() + wait_ms;
    for (;;) {
        int64_t now = hf_now_ms();
        if (*d->stop || (woken && *woken) || now >= end)
            return;
        if (!r->round_active && round_wanted(d)) {
            if (!r->due_ms)
                r->due_ms = now + jittered(FIRST_ROUND_MAX_MS);
            if (now >= r->due_ms)
                start_round(d);
        }
        if (r->round_active)
            start_checks(d);
        if (running(r)) {
            hfc_child *children[READINESS_SLOTS_MAX];
            for (size_t s = 0; s < READINESS_SLOTS_MAX; s++)
                children[s] = r->slot[s].child;
            hfc_children_step(children, READINESS_SLOTS_MAX); /* at most 100 ms */
            collect_checks(d);
        } else {
            int64_t until = end;
            if (r->round_active && r->next >= r->count) {
                r->round_active = false;
                r->due_ms = now + jittered(d->dc.ds.monitor_interval * 1000);
            }
            if (!r->round_active && round_wanted(d) && r->due_ms < until)
                until = r->due_ms;
            if (r->round_active) /* more to start (a slot was settled without a child) */
                continue;
            hfc_sleep_ms(until > now ? until - now : 0, woken ? woken : d->stop);
        }
    }
}

/* Running checks are cancelled and their results dropped; the round
 * starts again after delay_ms. */
static void readiness_cancel(hafenced *d, int64_t delay_ms)
{
    readiness *r = &d->readiness;
    for (size_t s = 0; s < READINESS_SLOTS_MAX; s++)
        if (r->slot[s].child) {
            hfc_child_cancel(r->slot[s].child);
            r->slot[s].discard = true;
        }
    if (r->round_active || r->due_ms) {
        r->round_active = false;
        r->due_ms = hf_now_ms() + delay_ms;
    }
}

void readiness_before_fence(hafenced *d)
{
    readiness_cancel(d, AFTER_FENCE_MS);
}

void readiness_reload(hafenced *d)
{
    /* the devices the children were given are the old configuration's */
    readiness_cancel(d, jittered(FIRST_ROUND_MAX_MS));
    d->readiness.generation++;
    if (!d->dc.topology || !d->dc.ds.monitor_interval) { /* nothing checked any more: nothing shown */
        free(d->readiness.paths);
        d->readiness.paths = NULL;
        d->readiness.count = 0;
    }
}

void readiness_free(hafenced *d)
{
    readiness *r = &d->readiness;
    hfc_child *children[READINESS_SLOTS_MAX];
    readiness_cancel(d, 0);
    for (size_t s = 0; s < READINESS_SLOTS_MAX; s++)
        children[s] = r->slot[s].child;
    hfc_children_wait(children, READINESS_SLOTS_MAX);
    for (size_t s = 0; s < READINESS_SLOTS_MAX; s++)
        hfc_outcome_clear(&r->slot[s].out);
    free(r->paths);
    memset(r, 0, sizeof *r);
}

struct json_object *readiness_json(const hafenced *d, const char *host)
{
    json_object *a = json_object_new_array();
    const readiness *r = &d->readiness;
    for (size_t i = 0; i < r->count; i++) {
        const fence_path *p = &r->paths[i];
        json_object *o;
        if (strcmp(p->host, host) != 0)
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "level", json_object_new_int64(p->level));
        json_object_object_add(o, "device", json_object_new_string(p->device));
        json_object_object_add(o, "plugin", json_object_new_string(p->plugin));
        json_object_object_add(o, "target", json_object_new_string(p->target));
        json_object_object_add(o, "state", json_object_new_string(fence_path_state_name(p->state)));
        json_object_object_add(o, "how", json_object_new_string(p->how));
        json_object_object_add(o, "message", json_object_new_string(p->message));
        json_object_object_add(o, "checked_ms", json_object_new_int64(p->checked_ms));
        json_object_object_add(o, "since_ms", json_object_new_int64(p->since_ms));
        json_object_object_add(o, "duration_ms", json_object_new_int64(p->duration_ms));
        json_object_array_add(a, o);
    }
    return a;
}
