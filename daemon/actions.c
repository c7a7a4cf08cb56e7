/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daemon does to a failed peer it may fence, in HA-Lizard's order:
 *   fence it (FENCE_METHOD, FENCE_ACTION, through the engine: off is off
 *   only when read back); when it was the master, promote this host
 *   (pool.emergency_transition_to_master, pool.recover_slaves); mark it
 *   dead in XAPI (the pool plugin's steps: its VMs' power state reset);
 *   start the VMs HA manages (other-config XC_FIELD_NAME=true) on
 *   surviving hosts.  A failed fence leaves its VMs down unless
 *   FENCE_HA_ONFAIL=1; the autopromote slave that cannot fence the master
 *   fences itself instead.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/loader.h"
#include "core/engine.h"
#include "core/keys.h"
#include "core/decide.h"
#include "core/liveness.h"
#include "core/hostmap.h"
#include "daemon/hafenced.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int64_t step_deadline(const hafenced *d)
{
    return hf_now_ms() + d->dc.ds.fence_timeout * 1000;
}

static xapi *own_xapi(hafenced *d)
{
    if (!d->x) {
        xapi_settings s;
        daemon_xapi_settings(&d->dc, &s);
        d->x = xapi_new(&s.opt);
        xapi_settings_wipe(&s);
    }
    return d->x;
}

/* XAPI sends int fields as strings (int64 in XML-RPC), or as ints. */
static long long int_field(const xv *rec, const char *key)
{
    const xv *v = xv_get(rec, key);
    long long n = 0;
    if (v && v->type == XV_STRING && hfc_parse_ll(v->str, &n))
        return n;
    return v && (v->type == XV_INT || v->type == XV_BOOL) ? (long long)v->num : 0;
}

/* Is this VM HA-managed?  HA-Lizard's per-VM flag is the XenCenter custom
 * field other-config:XenCenter.CustomFields.<XC_FIELD_NAME> (XenCenter and
 * Xen Orchestra show it); the bare key is read too.  GLOBAL_VM_HA=1 (the
 * default) manages every VM. */
static bool vm_managed(const hafenced *d, const xv *rec)
{
    char key[300];
    const xv *oc = xv_get(rec, "other_config");
    const char *flag;
    if (d->dc.settings.global_vm_ha)
        return true;
    snprintf(key, sizeof key, "%s%s", XC_CUSTOM_FIELD, d->dc.ds.xc_field_name);
    flag = oc ? xv_str(xv_get(oc, key)) : NULL;
    if (!flag && oc)
        flag = xv_str(xv_get(oc, d->dc.ds.xc_field_name));
    return flag && strcasecmp(flag, "true") == 0;
}

static bool listed(const char *list, const char *uuid)
{
    size_t n = strlen(uuid);
    for (const char *p = list; p && *p; p += strcspn(p, ":"), p += *p == ':')
        if (strncasecmp(p, uuid, n) == 0 && (p[n] == ':' || !p[n]))
            return true;
    return false;
}

static int by_order(const void *a, const void *b)
{
    const vm_item *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order ? 1 : strcmp(x->name, y->name);
}

/* OP_MODE=1: the appliances of the failed host's VMs, but DISABLED_VAPPS. */
static hf_result plan_appliances(hafenced *d, xv *vms, vm_list *out, int64_t deadline, hf_reply *reply)
{
    xv *apps = NULL;
    hf_result r = xapi_call(own_xapi(d), "VM_appliance.get_all_records", NULL, 0, &apps, deadline, reply);
    if (r != HF_OK)
        return r;
    for (size_t i = 0; i < vms->count; i++) {
        const char *aref = xv_str(xv_get(vms->items[i], "appliance"));
        const xv *app = aref ? xv_get(apps, aref) : NULL;
        const char *auuid = app ? xv_str(xv_get(app, "uuid")) : NULL;
        bool seen = false;
        if (!auuid || listed(d->dc.settings.disabled_vapps, auuid))
            continue;
        for (size_t k = 0; k < out->appliances && !seen; k++)
            seen = strcmp(out->appliance[k], aref) == 0;
        if (seen)
            continue;
        vm_list_add_appliance(out, aref, xv_str(xv_get(app, "name_label")) ? xv_str(xv_get(app, "name_label")) : auuid);
    }
    xv_free(apps);
    return HF_OK;
}

/* What to recover of host: its VMs read with one call (not one per VM),
 * those HA manages, in XAPI's start order; or, in OP_MODE=1, its vApps.
 * Read before the host is marked dead (its VMs still name it). */
static bool recovery_plan(hafenced *d, const char *host, int64_t deadline, vm_list *out, hfc_error *err)
{
    xapi *x = own_xapi(d);
    const pool_host *h = pool_view_host(&d->view, host);
    hf_reply reply = {0};
    xv *ref = NULL, *vms = NULL, *expr;
    char query[200];
    hf_result r = HF_OK;
    memset(out, 0, sizeof *out);
    if (!x) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "out of memory");
        return false;
    }
    if (h && *h->ref) {
        ref = xv_string(h->ref);
    } else {
        r = xapi_call1(x, "host.get_by_uuid", host, &ref, deadline, &reply);
    }
    if (r == HF_OK && !xv_str(ref))
        r = hf_reply_set(&reply, HF_E_DEVICE_REFUSED, "XAPI: host.get_by_uuid gave no reference");
    if (r == HF_OK) {
        snprintf(query, sizeof query, "field \"resident_on\" = \"%s\"", ref->str);
        expr = xv_string(query);
        r = xapi_call(x, "VM.get_all_records_where", &expr, 1, &vms, deadline, &reply);
        xv_free(expr);
    }
    if (r == HF_OK && (!vms || vms->type != XV_STRUCT))
        r = hf_reply_set(&reply, HF_E_DEVICE_REFUSED, "XAPI: VM.get_all_records_where: not a map of records");
    if (r == HF_OK && d->dc.settings.op_mode == 1) {
        r = plan_appliances(d, vms, out, deadline, &reply);
    } else {
        for (size_t i = 0; r == HF_OK && i < vms->count; i++) {
            const xv *rec = vms->items[i];
            const char *uuid = xv_str(xv_get(rec, "uuid")), *state = xv_str(xv_get(rec, "power_state"));
            const char *name = xv_str(xv_get(rec, "name_label"));
            vm_item it = {0};
            if (!uuid || !hfc_is_uuid(uuid) || int_field(rec, "is_control_domain") || int_field(rec, "is_a_template") ||
                int_field(rec, "is_a_snapshot") || (state && strcmp(state, "Halted") == 0) || !vm_managed(d, rec))
                continue;
            hfc_strlcpy(it.uuid, uuid, sizeof it.uuid);
            hfc_strlcpy(it.ref, vms->keys[i], sizeof it.ref);
            hfc_strlcpy(it.name, name ? name : "", sizeof it.name);
            it.order = int_field(rec, "order");
            it.start_delay = int_field(rec, "start_delay");
            vm_list_add_vm(out, &it);
        }
        if (out->count)
            qsort(out->vm, out->count, sizeof *out->vm, by_order);
    }
    xv_free(ref);
    xv_free(vms);
    if (r != HF_OK) {
        hfc_error_set(err, r, "the VMs of %s: %s", host, reply.message);
        vm_list_free(out);
        return false;
    }
    return true;
}

/* Run one operation on host through the engine, isolated, bounded. */
static void run_plugin(hafenced *d, const hfc_plugin *plugin, const hf_param *params, const char *host,
                       const char *target, hfc_action action, hfc_outcome *out)
{
    hfc_engine_options eo;
    hfc_request req = {.plugin = plugin, .params = params, .host = host, .target = target, .action = action};
    hfc_engine_options_init(&eo);
    eo.timeout_ms = d->dc.ds.fence_timeout * 1000;
    eo.cancel = d->stop;
    memset(out, 0, sizeof *out);
    hfc_engine_run(&eo, &req, 1, out);
    notify_alive();
}

/* A done nothing read back: trusted only where the method cannot read
 * power at all (HA-Lizard's custom scripts, whose exit 0 HA-Lizard trusts)
 * unless the operator said otherwise; a method that can read power and did
 * not read it back has not fenced (SPEC 7: VMs start after a verified
 * fence). */
static bool trust_unverified(const hafenced *d, const hfc_outcome *out)
{
    switch (d->dc.ds.unverified_fence) {
    case UNVERIFIED_TRUST: return true;
    case UNVERIFIED_FAIL: return false;
    default: return out->unverifiable;
    }
}

static bool counts_as_fenced(void *arg, const hfc_outcome *out)
{
    return out->code == HF_OK && (out->verified || trust_unverified(arg, out));
}

/* "level 1 ipmi (ipmi, target 10.0.0.12): FAILED: ..." for one device */
static size_t describe_try(const hfc_fence_try *t, bool with_level, char *buf, size_t size)
{
    bool done = t->outcome.code == HF_OK;
    char where[HFC_METHOD_NAME_MAX + 32] = "";
    int n;
    if (with_level)
        snprintf(where, sizeof where, "level %u %s ", t->device->method.level, t->device->method.name);
    n = snprintf(buf, size, "%s(%s, target %s): %s%s: %s", where, hfc_plugin_name(t->device->plugin),
                 t->target ? t->target : "none",
                 t->counted ? "done"
                 : done     ? "NOT TAKEN FOR FENCED"
                            : "FAILED",
                 !done || t->outcome.verified ? ""
                 : t->counted ? " (unverified: the method's own word, trusted: HAFENCE_UNVERIFIED_FENCE)"
                              : " (reported done, but the power was not read back: HAFENCE_UNVERIFIED_FENCE)",
                 t->outcome.message);
    return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* Every device of the level that fenced found the host off already. */
static bool found_off(const hfc_fence_walk *w)
{
    bool any = false;
    for (size_t i = 0; i < w->count; i++) {
        if (!w->tries[i].counted)
            continue;
        if (!w->tries[i].outcome.already)
            return false;
        any = true;
    }
    return any;
}

/* Fence a peer.  again: this daemon fenced it off before and nothing
 * answered since (a takeover to retry): the walk reads its power all the
 * same, since someone may have switched it on, and what finds it still off
 * is recorded as "verify-off", not as another fence. */
static bool fence_peer(hafenced *d, peer *p, const char *label, bool master, bool again)
{
    /* the master is always powered off, as HA-Lizard fences it with stop:
     * a master that reboots would come back a second master */
    hfc_action action = master ? HFC_ACTION_OFF : hfc_fence_action_to_action(d->dc.settings.fence_action);
    const hfc_topology *t = d->dc.topology;
    hfc_engine_options eo;
    hfc_fence_walk w;
    hfc_history_try *tries;
    char detail[HF_MESSAGE_MAX * 2] = "";
    size_t used = 0;
    bool fenced, verified;
    const char *result;
    hfc_engine_options_init(&eo);
    eo.timeout_ms = d->dc.ds.fence_timeout * 1000;
    eo.cancel = d->stop;
    hfc_topology_fence(&eo, t, p->uuid, action, counts_as_fenced, d, &w);
    notify_alive();
    fenced = w.level_done != 0;
    verified = hfc_fence_walk_verified(&w);
    for (size_t i = 0; i < w.count; i++) {
        if (used + 3 < sizeof detail) {
            if (i)
                used += (size_t)snprintf(detail + used, sizeof detail - used, "; ");
            used += describe_try(&w.tries[i], t->count > 1, detail + used, sizeof detail - used);
        }
    }
    p->fenced_unverified = fenced && !verified;
    result = hf_result_name(hfc_fence_walk_result(&w));
    tries = hfc_calloc(w.count ? w.count : 1, sizeof *tries);
    hfc_fence_walk_history(&w, tries);
    if (again && fenced && verified && found_off(&w))
        hafenced_record_tries(d, tries, w.count, HF_LOG_WARNING, p->uuid, "verify-off", result, verified, w.duration_ms,
                              "%s is still off since this host fenced it (read from the device): %s", label, w.summary);
    else if (t->count == 1)
        hafenced_record_tries(d, tries, w.count, fenced ? HF_LOG_WARNING : HF_LOG_ERROR, p->uuid, "fence", result,
                              verified, w.duration_ms, "fence %s of %s %s", hfc_action_name(action), label,
                              w.count ? detail : "(FAILED: no time left)");
    else
        hafenced_record_tries(d, tries, w.count, fenced ? HF_LOG_WARNING : HF_LOG_ERROR, p->uuid, "fence", result,
                              verified, w.duration_ms, "fence %s of %s: %s: %s: %s", hfc_action_name(action), label,
                              fenced ? "done" : "FAILED", w.summary, detail);
    free(tries);
    hfc_fence_walk_clear(&w);
    return fenced;
}

/* The pool plugin's steps against this host's XAPI (a slave's redirects
 * to the master): host.declare_dead, or disable + VM.power_state_reset. */
static bool mark_dead(hafenced *d, const peer *p, const char *label)
{
    hfc_outcome out;
    bool ok;
    run_plugin(d, d->dc.pool_plugin, d->dc.pool_params, p->uuid, p->uuid, HFC_ACTION_OFF, &out);
    ok = out.code == HF_OK;
    hafenced_record(d, ok ? HF_LOG_WARNING : HF_LOG_ERROR, p->uuid, "mark-dead", hf_result_name(out.code), out.verified,
                    out.duration_ms, "%s %s dead in the pool: %s", ok ? "marked" : "could not mark", label,
                    out.message);
    hfc_outcome_clear(&out);
    return ok;
}

/* Survivors: this host and the peers that are enabled and answer, but a
 * host HA-Lizard's health mark calls failed. */
static size_t survivors(const hafenced *d, const char *fenced, char (*out)[UUID_TEXT], size_t max)
{
    size_t n = 0;
    const pool_host *self = pool_view_host(&d->view, d->self);
    if (self && self->enabled && n < max)
        hfc_strlcpy(out[n++], d->self, UUID_TEXT);
    for (size_t i = 0; i < d->peer_count && n < max; i++) {
        const peer *p = &d->peers[i];
        const pool_host *h = pool_view_host(&d->view, p->uuid);
        const char *health = h ? pool_host_field(h, d->dc.ds.xc_field_name) : NULL;
        if (strcmp(p->uuid, fenced) != 0 && p->phase == PEER_WATCHED && h && h->enabled &&
            p->watch.state == HFC_PEER_OK && !(health && strcmp(health, "failed") == 0))
            hfc_strlcpy(out[n++], p->uuid, UUID_TEXT);
    }
    return n;
}

static hf_result start_vm_on(hafenced *d, xapi *x, const vm_item *vm, const char *host, hf_reply *reply)
{
    int64_t deadline = step_deadline(d);
    const pool_host *h = pool_view_host(&d->view, host);
    xv *vref = NULL, *href = NULL, *v = NULL, *args[4];
    hf_result r = *vm->ref ? ((vref = xv_string(vm->ref)), HF_OK)
                           : xapi_call1(x, "VM.get_by_uuid", vm->uuid, &vref, deadline, reply);
    if (r == HF_OK)
        r = h && *h->ref ? ((href = xv_string(h->ref)), HF_OK)
                         : xapi_call1(x, "host.get_by_uuid", host, &href, deadline, reply);
    if (r == HF_OK && (!xv_str(vref) || !xv_str(href)))
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI: get_by_uuid returned no reference");
    if (r == HF_OK) {
        args[0] = xv_string(vref->str);
        args[1] = xv_string(href->str);
        args[2] = xv_bool(false); /* start_paused */
        args[3] = xv_bool(false); /* force */
        r = xapi_call(x, "VM.start_on", args, 4, &v, deadline, reply);
        for (int i = 0; i < 4; i++)
            xv_free(args[i]);
    }
    xv_free(v);
    xv_free(vref);
    xv_free(href);
    return r;
}

/* Starting one order group: workers, each with an XAPI client of its own,
 * take the next VM and the next survivor in turn (a VM a host refuses
 * tries the next host). */
typedef struct start_batch {
    hafenced *d;
    const peer *p;
    const char *label;
    const vm_item *vm;
    size_t count;
    char (*hosts)[UUID_TEXT];
    size_t n;
    atomic_size_t next_vm, next_host;
} start_batch;

static void start_one(start_batch *b, xapi *x, const vm_item *vm)
{
    char host_text[512];
    hf_reply reply = {0};
    hf_result r = HF_E_DEVICE_REFUSED;
    int64_t t0 = hf_now_ms();
    size_t at = 0;
    hfc_strlcpy(reply.message, "no surviving host", sizeof reply.message);
    for (size_t tries = 0; tries < b->n && r != HF_OK; tries++) {
        at = atomic_fetch_add(&b->next_host, 1) % b->n;
        if ((r = start_vm_on(b->d, x, vm, b->hosts[at], &reply)) != HF_OK)
            hfc_log(HF_LOG_WARNING, "VM %s (%s) does not start on %s: %s", vm->name, vm->uuid,
                    host_label(b->d, b->hosts[at], host_text, sizeof host_text), reply.message);
    }
    hafenced_record(b->d, r == HF_OK ? HF_LOG_WARNING : HF_LOG_ERROR, b->p->uuid, "vm-start", hf_result_name(r),
                    r == HF_OK, hf_now_ms() - t0, "VM %s (%s) of %s %s %s", vm->name, vm->uuid, b->label,
                    r == HF_OK ? "started on" : "could not be started:",
                    r == HF_OK ? host_label(b->d, b->hosts[at], host_text, sizeof host_text) : reply.message);
}

static void *start_worker(void *arg)
{
    start_batch *b = arg;
    xapi_settings s;
    xapi *x;
    size_t i;
    daemon_xapi_settings(&b->d->dc, &s);
    x = xapi_new(&s.opt);
    xapi_settings_wipe(&s);
    while ((i = atomic_fetch_add(&b->next_vm, 1)) < b->count && !*b->d->stop) {
        if (x)
            start_one(b, x, &b->vm[i]);
        else
            hafenced_record(b->d, HF_LOG_ERROR, b->p->uuid, "vm-start", "plugin-failed", false, 0,
                            "VM %s (%s) of %s could not be started: out of memory", b->vm[i].name, b->vm[i].uuid,
                            b->label);
    }
    if (x) {
        hf_reply reply;
        xapi_logout(x, hf_now_ms() + 1000, &reply);
        xapi_free(x);
    }
    return NULL;
}

/* The VMs of one order group, HAFENCE_VM_START_PARALLEL at a time (as
 * HA-Lizard starts each VM in a process of its own; XAPI queues them). */
static void start_group(hafenced *d, start_batch *b)
{
    size_t width = (size_t)d->dc.ds.vm_start_parallel, started = 0;
    pthread_t threads[64];
    if (width > b->count)
        width = b->count;
    if (width > sizeof threads / sizeof threads[0])
        width = sizeof threads / sizeof threads[0];
    for (; started < width; started++)
        if (pthread_create(&threads[started], NULL, start_worker, b) != 0)
            break;
    if (!started)
        start_worker(b); /* no thread to be had: one after the other, here */
    while (started && atomic_load(&b->next_vm) < b->count && !*d->stop) {
        hfc_sleep_ms(200, d->stop);
        notify_alive(); /* a thousand VMs take a while: the watchdog must not bite */
    }
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

/* OP_MODE=1: XAPI starts each vApp's VMs in the appliance's own order. */
static void start_appliances(hafenced *d, const peer *p, const vm_list *vms, const char *label)
{
    for (size_t a = 0; a < vms->appliances && !*d->stop; a++) {
        hf_reply reply = {0};
        xv *args[2] = {xv_string(vms->appliance[a]), xv_bool(false)}, *v = NULL;
        int64_t t0 = hf_now_ms();
        hf_result r = xapi_call(own_xapi(d), "VM_appliance.start", args, 2, &v, step_deadline(d), &reply);
        xv_free(args[0]);
        xv_free(args[1]);
        xv_free(v);
        hafenced_record(d, r == HF_OK ? HF_LOG_WARNING : HF_LOG_ERROR, p->uuid, "vm-start", hf_result_name(r),
                        r == HF_OK, hf_now_ms() - t0, "vApp %s of %s %s%s", vms->appliance_name[a], label,
                        r == HF_OK ? "started (VM_appliance.start, in the appliance's order)"
                                   : "could not be started: ",
                        r == HF_OK ? "" : reply.message);
        notify_alive();
    }
}

/* Spread the VMs over the survivors, in XAPI's start order: a group of one
 * order starts (in parallel), then the group's largest start_delay passes,
 * then the next (what XenServer's own HA restart does with VM.order and
 * start_delay). */
static void start_vms(hafenced *d, const peer *p, const vm_list *vms, const char *label)
{
    char hosts[64][UUID_TEXT];
    size_t n = survivors(d, p->uuid, hosts, 64);
    if (d->dc.settings.op_mode == 1) {
        if (!vms->appliances)
            hafenced_record(d, HF_LOG_INFO, p->uuid, "vm-start", "ok", false, 0,
                            "%s ran no VM of a vApp HA manages (OP_MODE=1, DISABLED_VAPPS)", label);
        start_appliances(d, p, vms, label);
        return;
    }
    if (!vms->count) {
        hafenced_record(d, HF_LOG_INFO, p->uuid, "vm-start", "ok", false, 0, "%s ran no VM that HA manages (%s)", label,
                        d->dc.settings.global_vm_ha ? "GLOBAL_VM_HA=1" : "GLOBAL_VM_HA=0, none flagged true");
        return;
    }
    for (size_t v = 0; v < vms->count && !*d->stop;) {
        start_batch b = {.d = d, .p = p, .label = label, .vm = &vms->vm[v], .hosts = hosts, .n = n};
        size_t end = v;
        long long delay = 0;
        while (end < vms->count && vms->vm[end].order == vms->vm[v].order) {
            if (vms->vm[end].start_delay > delay)
                delay = vms->vm[end].start_delay;
            end++;
        }
        b.count = end - v;
        atomic_init(&b.next_vm, 0);
        atomic_init(&b.next_host, 0);
        start_group(d, &b);
        if (end < vms->count && delay > 0) {
            hfc_log(HF_LOG_INFO, "VMs of order %lld started: %lld s before order %lld", vms->vm[v].order, delay,
                    vms->vm[end].order);
            for (long long s = 0; s < delay && !*d->stop; s++) {
                hfc_sleep_ms(1000, d->stop);
                notify_alive();
            }
        }
        v = end;
    }
}

/* The autopromote slave takes over a pool whose master it fenced. */
static bool promote(hafenced *d, const char *old_master_label)
{
    xapi_settings s;
    xapi *local;
    hf_reply reply = {0};
    xv *v = NULL;
    hf_result r;
    int64_t t0 = hf_now_ms(), deadline = step_deadline(d);
    daemon_xapi_settings(&d->dc, &s);
    s.opt.slave_local = true;
    local = xapi_new(&s.opt);
    xapi_settings_wipe(&s);
    if (!local)
        return false;
    r = xapi_call(local, "pool.emergency_transition_to_master", NULL, 0, &v, deadline, &reply);
    xv_free(v);
    v = NULL;
    xapi_logout(local, hf_now_ms() + 1000, &(hf_reply){0});
    xapi_free(local);
    hafenced_record(d, r == HF_OK ? HF_LOG_WARNING : HF_LOG_ERROR, d->self, "promote", hf_result_name(r), r == HF_OK,
                    hf_now_ms() - t0, "%s: pool.emergency_transition_to_master after fencing the master %s%s%s",
                    r == HF_OK ? "this host is the pool master now" : "promotion FAILED", old_master_label,
                    r == HF_OK ? "" : ": ", r == HF_OK ? "" : reply.message);
    if (r != HF_OK)
        return false;
    /* the client followed the old master: start over at this host, which
     * may take a moment to serve as master */
    xapi_free(d->x);
    d->x = NULL;
    do {
        r = xapi_call(own_xapi(d), "pool.recover_slaves", NULL, 0, &v, deadline, &reply);
        if (r != HF_OK) {
            xapi_free(d->x);
            d->x = NULL;
            hfc_sleep_ms(500, d->stop);
            notify_alive();
        }
    } while (r != HF_OK && hf_now_ms() < deadline && !*d->stop);
    hafenced_record(d, r == HF_OK ? HF_LOG_WARNING : HF_LOG_ERROR, d->self, "recover-slaves", hf_result_name(r),
                    r == HF_OK, hf_now_ms() - t0, "pool.recover_slaves: %s%s",
                    r == HF_OK ? "the slaves follow this master" : "FAILED: ", r == HF_OK ? "" : reply.message);
    xv_free(v);
    /* this host is master now: read the view from it and choose a new
     * autopromote slave */
    view_reader_poke(d->reader);
    hfc_strlcpy(d->view.master, d->self, sizeof d->view.master);
    d->view.autopromote[0] = '\0';
    d->role = HFC_ROLE_MASTER;
    return true;
}

/* Are the VMs of a fenced host started elsewhere?  Not the old master's
 * under SLAVE_HA=0. */
static bool fenced_vms_restart(const hafenced *d, bool was_master)
{
    return !was_master || d->dc.settings.slave_ha;
}

static void plan_key(const char *host, char *buf, size_t size)
{
    snprintf(buf, size, RECOVERY_KEY_PREFIX "%s", host);
}

static size_t foreign_plans(hafenced *d, json_object *oc, bool adopt);

/* A plan another master left in the pool for host (it died amid the
 * starts, or before them) is a recovery in flight: what of it is still
 * halted is started before this daemon writes its own plan for host under
 * the same key, or those VMs would be forgotten (the view that would have
 * shown the plan to act_adopt_recoveries may be cached or older). */
static void take_up_plan(hafenced *d, const char *host, const char *label)
{
    hfc_error err = {0};
    json_object *oc, *value, *one;
    char key[UUID_TEXT + 32];
    plan_key(host, key, sizeof key);
    if (!(oc = pool_config_read(own_xapi(d), hf_now_ms() + 5000, &err))) {
        hfc_log(HF_LOG_ERROR,
                "cannot read the pool's other-config for a recovery of %s another master left unfinished: %s", label,
                err.message);
        return;
    }
    if (json_object_object_get_ex(oc, key, &value) && (one = json_object_new_object())) {
        json_object_object_add(one, key, json_object_get(value));
        foreign_plans(d, one, true);
        json_object_put(one);
    }
    json_object_put(oc);
}

/* Write the plan down before a step that resets the host's VMs in XAPI
 * (recovery.c): in the state directory, for this daemon's next life, and
 * in the pool database, for the next master, once a plan in flight there is
 * taken up; a plan that cannot be written is no reason to stop. */
static void keep_plan(hafenced *d, const peer *p, const vm_list *vms, const char *label)
{
    hfc_error err = {0};
    char *plan, key[UUID_TEXT + 32];
    take_up_plan(d, p->uuid, label);
    plan = recovery_plan_json(d, p->uuid, vms);
    if (!recovery_save(d, p->uuid, plan, &err))
        hfc_log(HF_LOG_ERROR,
                "cannot write down the recovery of %s: %s; should this daemon die before its VMs are started, "
                "the next one will not know them",
                label, err.message);
    memset(&err, 0, sizeof err);
    plan_key(p->uuid, key, sizeof key);
    if (strlen(plan) > RECOVERY_SHARED_MAX)
        hfc_log(HF_LOG_WARNING,
                "the recovery of %s (%zu bytes) is too large for the pool's other-config: should this host die "
                "before its VMs are started, the next master will not know them",
                label, strlen(plan));
    else if (!pool_config_set(own_xapi(d), key, plan, hf_now_ms() + 5000, &err))
        hfc_log(HF_LOG_ERROR,
                "cannot keep the recovery of %s in the pool's other-config %s: %s; should this host die before "
                "its VMs are started, the next master will not know them",
                label, key, err.message);
    free(plan);
}

/* The pool's other-config key of a plan removed (a finished plan, or one
 * that is no plan). */
static void drop_pool_plan(hafenced *d, const char *key)
{
    hfc_error err = {0};
    if (!pool_config_set(own_xapi(d), key, NULL, hf_now_ms() + 5000, &err))
        hfc_log(HF_LOG_ERROR,
                "cannot remove the recovery plan %s from the pool's other-config: %s (a next master would take "
                "it up: start what of it is halted within %d s, or name it)",
                key, err.message, RECOVERY_RESUME_MAX_S);
}

/* The recovery of host is done (or was never begun): its plan goes, here
 * and in the pool. */
static void forget_plan(hafenced *d, const char *host)
{
    char key[UUID_TEXT + 32];
    recovery_forget(d, host);
    plan_key(host, key, sizeof key);
    drop_pool_plan(d, key);
}

/* What of a plan is halted now: its VMs (one read of the pool's halted
 * VMs), or its vApps of which a VM is halted. */
static bool still_halted(hafenced *d, const vm_list *plan, vm_list *out, hfc_error *err)
{
    hf_reply reply = {0};
    xv *expr = xv_string("field \"power_state\" = \"Halted\""), *halted = NULL;
    hf_result r = xapi_call(own_xapi(d), "VM.get_all_records_where", &expr, 1, &halted, step_deadline(d), &reply);
    xv_free(expr);
    memset(out, 0, sizeof *out);
    if (r == HF_OK && (!halted || halted->type != XV_STRUCT))
        r = hf_reply_set(&reply, HF_E_DEVICE_REFUSED, "XAPI: VM.get_all_records_where: not a map of records");
    for (size_t i = 0; r == HF_OK && i < plan->count; i++)
        for (size_t k = 0; k < halted->count; k++) {
            const char *uuid = xv_str(xv_get(halted->items[k], "uuid"));
            if (uuid && strcasecmp(uuid, plan->vm[i].uuid) == 0) {
                vm_list_add_vm(out, &plan->vm[i]);
                break;
            }
        }
    for (size_t a = 0; r == HF_OK && a < plan->appliances; a++) {
        xv *rec = NULL;
        const xv *members;
        bool any = false;
        r = xapi_call1(own_xapi(d), "VM_appliance.get_record", plan->appliance[a], &rec, step_deadline(d), &reply);
        members = r == HF_OK ? xv_get(rec, "VMs") : NULL;
        for (size_t m = 0; members && members->type == XV_ARRAY && m < members->count && !any; m++)
            any = xv_str(members->items[m]) && xv_get(halted, xv_str(members->items[m]));
        if (any)
            vm_list_add_appliance(out, plan->appliance[a], plan->appliance_name[a]);
        xv_free(rec);
    }
    xv_free(halted);
    if (r != HF_OK) {
        hfc_error_set(err, r, "which VMs are halted: %s", reply.message);
        vm_list_free(out);
        return false;
    }
    return true;
}

/* What a recovery counts: vApps in OP_MODE=1 (their VMs start as a
 * whole), else VMs. */
static size_t vm_list_units(const hafenced *d, const vm_list *l)
{
    return d->dc.settings.op_mode == 1 ? l->appliances : l->count;
}

/* A marking that failed part-way (host.disable, then one
 * VM.power_state_reset per VM, where the server lacks host.declare_dead)
 * has reset some VMs (halted, resident nowhere): the host was fenced, so
 * they are started now, or nothing would (the disabled host is no longer
 * watched); the others XAPI still counts as running there. */
static void start_reset_part(hafenced *d, const peer *p, const vm_list *vms, const char *label)
{
    vm_list reset = {0};
    hfc_error err = {0};
    size_t n = 0;
    if (fenced_vms_restart(d, p->failed_as_master) && still_halted(d, vms, &reset, &err))
        n = vm_list_units(d, &reset);
    if (n) {
        hafenced_record(d, HF_LOG_ERROR, p->uuid, "vm-start", "partial", false, 0,
                        "the marking of %s failed part-way: %zu of its %s were reset (halted, resident nowhere) and "
                        "are started now; the others XAPI still counts as running there: they stay down",
                        label, n, d->dc.settings.op_mode == 1 ? "vApps" : "VMs");
        start_vms(d, p, &reset, label);
    } else {
        hafenced_record(d, HF_LOG_ERROR, p->uuid, "vm-start", "skipped", false, 0,
                        "the VMs of %s are not started: XAPI still counts them as running there", label);
    }
    vm_list_free(&reset);
}

void act_fence(hafenced *d, peer *p)
{
    char label[512];
    /* after the takeover the view names this host master: a retry (the
     * marking failed, the old master was watched again) must still treat
     * it as the old master, or SLAVE_HA=0 would be bypassed */
    bool was_master = p->failed_as_master || strcmp(p->uuid, d->view.master) == 0;
    bool must_promote = was_master && strcmp(d->view.master, d->self) != 0;
    bool pool_method = hfc_topology_can(d->dc.topology, HF_CAP_VIA_POOL_MASTER);
    bool fenced, promoted = false, planned = false, kept = false;
    vm_list vms = {0};
    hfc_error err = {0};
    host_label(d, p->uuid, label, sizeof label);
    p->failed_as_master = was_master;
    readiness_before_fence(d);

    /* the pool method works through the master: with the master gone,
     * this host must be master before it can mark the old one dead */
    if (must_promote && pool_method && !(promoted = promote(d, label))) {
        if (!*d->stop)
            self_fence(d, "could not take over the pool to fence its master");
        return;
    }
    /* the plan is read while the VMs still name the host: before the fence
     * where XAPI answers (the pool method's fence resets them), else once
     * this host is master */
    if (!must_promote || promoted) {
        planned = true;
        if (!recovery_plan(d, p->uuid, step_deadline(d), &vms, &err))
            hfc_log(HF_LOG_ERROR, "cannot read the VMs of %s: %s", label, err.message);
    }
    if (pool_method && fenced_vms_restart(d, was_master)) {
        keep_plan(d, p, &vms, label);
        kept = true;
    }
    fenced = fence_peer(d, p, label, was_master, p->off_since_fence);
    if (!fenced && *d->stop) {
        /* a fence cancelled because the daemon stops is no verdict on the
         * peer: no self-fence, no VM starts; the next daemon decides again
         * (and starts what a marking in flight reset: the plan stays) */
        hfc_log(HF_LOG_WARNING, "stopping: the fence of %s was cancelled; nothing more is done about it", label);
        vm_list_free(&vms);
        return;
    }
    if (!fenced) {
        /* only this fence's own plan: one another master left stays for
         * act_adopt_recoveries */
        if (kept)
            forget_plan(d, p->uuid);
        if (was_master) {
            vm_list_free(&vms);
            self_fence(d, "could not fence the unreachable master");
            return;
        }
        if (!d->dc.settings.fence_ha_onfail) {
            hafenced_record(d, HF_LOG_ERROR, p->uuid, "vm-start", "skipped", false, 0,
                            "the fence of %s failed: its VMs stay down (FENCE_HA_ONFAIL=0); trying again after "
                            "another %lld checks",
                            label, d->dc.settings.xapi_count + 1);
            vm_list_free(&vms);
            peer_check_again(d, p);
            return;
        }
        hafenced_record(d, HF_LOG_WARNING, p->uuid, "vm-start", "onfail", false, 0,
                        "the fence of %s failed; FENCE_HA_ONFAIL=1: restarting its VMs all the same", label);
    }
    if (must_promote && !promoted && !(promoted = promote(d, label))) {
        /* the next try reads the power again before it promotes */
        p->off_since_fence = fenced && !p->fenced_unverified;
        vm_list_free(&vms);
        return;
    }
    p->phase = PEER_FENCED;
    p->not_fenced = false;
    p->off_since_fence = false;
    mark_health(d, p->uuid, "failed");
    if (!planned && !recovery_plan(d, p->uuid, step_deadline(d), &vms, &err))
        hfc_log(HF_LOG_ERROR, "cannot read the VMs of %s: %s", label, err.message);
    /* the pool method's fence was the marking itself */
    if (!pool_method || !fenced) {
        bool marked;
        if (fenced_vms_restart(d, was_master)) {
            keep_plan(d, p, &vms, label);
            kept = true;
        }
        marked = mark_dead(d, p, label);
        p->marked_ms = hf_now_ms();
        if (!marked) {
            start_reset_part(d, p, &vms, label);
            if (kept)
                forget_plan(d, p->uuid);
            vm_list_free(&vms);
            return;
        }
    } else {
        p->marked_ms = hf_now_ms(); /* the pool method's fence was the marking */
    }
    if (!fenced_vms_restart(d, was_master))
        hafenced_record(d, HF_LOG_WARNING, p->uuid, "vm-start", "skipped", false, 0,
                        "SLAVE_HA=0: the promoted slave does not start the old master %s's VMs", label);
    else
        start_vms(d, p, &vms, label);
    /* a daemon stopped amid the starts leaves the plan to the next one */
    if (kept && !*d->stop)
        forget_plan(d, p->uuid);
    vm_list_free(&vms);
    view_reader_poke(d->reader);
}

/* "2026-12-02 14:39:05" in this host's time zone */
static void local_time(int64_t wall_ms, char *buf, size_t size)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, size, "%lld ms after the epoch", (long long)wall_ms);
}

/* Start what of a plan left unfinished is still halted: one this host's
 * daemon wrote in an earlier life (state directory), or another master
 * (the pool's other-config, adopted). */
static void resume_one(hafenced *d, const recovery_plan_file *plan, bool adopted)
{
    char label[512], when[64], writer[600], by[512];
    peer dead = {0};
    vm_list todo;
    hfc_error err = {0};
    int64_t age_s = (hfc_wall_ms() - plan->written_ms) / 1000;
    size_t planned = vm_list_units(d, &plan->vms), left;
    host_label(d, plan->host, label, sizeof label);
    hfc_strlcpy(dead.uuid, plan->host, sizeof dead.uuid);
    local_time(plan->written_ms, when, sizeof when);
    if (adopted)
        snprintf(writer, sizeof writer, "hafenced pid %lld on the master %s left unfinished at %s, kept in the pool",
                 plan->pid, *plan->by ? host_label(d, plan->by, by, sizeof by) : "(unnamed)", when);
    else
        snprintf(writer, sizeof writer, "hafenced pid %lld left unfinished at %s", plan->pid, when);
    /* a boot of this host since says nothing of another host's plan */
    if ((!adopted && !plan->same_boot) || age_s < 0 || age_s > RECOVERY_RESUME_MAX_S) {
        hafenced_record(d, HF_LOG_ERROR, plan->host, "vm-start", "skipped", false, 0,
                        "a recovery of %s that %s is not resumed: %s; %zu of its VMs or vApps may still be down: "
                        "start them by hand",
                        label, writer,
                        !adopted && !plan->same_boot ? "this host has rebooted since"
                                                     : "it is older than the bound (900 s)",
                        planned);
        return;
    }
    if (!still_halted(d, &plan->vms, &todo, &err)) {
        hafenced_record(d, HF_LOG_ERROR, plan->host, "vm-start", "failed", false, 0,
                        "a recovery of %s that %s cannot be resumed: %s", label, writer, err.message);
        return;
    }
    left = vm_list_units(d, &todo);
    hafenced_record(d, HF_LOG_WARNING, plan->host, "vm-resume", "ok", false, 0,
                    "resuming the recovery of %s that %s: %zu of its %zu %s still halted%s", label, writer, left,
                    planned, d->dc.settings.op_mode == 1 ? "vApps are" : "VMs are",
                    left ? ": starting them" : ": nothing to start");
    if (left)
        start_vms(d, &dead, &todo, label);
    vm_list_free(&todo);
}

void act_resume_recoveries(hafenced *d)
{
    recovery_plan_file *plans;
    hfc_error err = {0};
    size_t n;
    if (d->recoveries_resumed)
        return;
    d->recoveries_resumed = true;
    n = recovery_plans_load(d, &plans, &err);
    if (*err.message)
        hafenced_record(d, HF_LOG_ERROR, d->self, "vm-resume", "failed", false, 0, "%s", err.message);
    for (size_t i = 0; i < n && !*d->stop; i++) {
        resume_one(d, &plans[i], false);
        if (!*d->stop)
            forget_plan(d, plans[i].host);
    }
    recovery_plans_free(plans, n);
    if (n)
        view_reader_poke(d->reader);
}

/* A plan in the pool's other-config this daemon wrote in this life: a
 * recovery it runs itself (or ran: the view may be older than its end). */
static bool own_plan(const hafenced *d, const recovery_plan_file *plan)
{
    return strcasecmp(plan->by, d->self) == 0 && plan->pid == (long long)getpid() && plan->same_boot;
}

/* Was the plan under key (written at written_ms) taken in this life?  With
 * take, it is now. */
static bool adopted_before(hafenced *d, const char *key, int64_t written_ms, bool take)
{
    struct adopted_plan *a;
    for (size_t i = 0; i < d->adopted_count && i < sizeof d->adopted / sizeof *d->adopted; i++)
        if (strncmp(d->adopted[i].key, key, sizeof d->adopted[i].key - 1) == 0 &&
            d->adopted[i].written_ms == written_ms)
            return true;
    if (take) {
        a = &d->adopted[d->adopted_count++ % (sizeof d->adopted / sizeof *d->adopted)];
        hfc_strlcpy(a->key, key, sizeof a->key);
        a->written_ms = written_ms;
    }
    return false;
}

/* The plans in a pool other-config other than this daemon's own and not
 * taken before; with adopt, each is started and removed (an unreadable one
 * removed, named). */
static size_t foreign_plans(hafenced *d, json_object *oc, bool adopt)
{
    size_t n = 0;
    if (!oc || !json_object_is_type(oc, json_type_object))
        return 0;
    json_object_object_foreach(oc, key, value)
    {
        const char *host = key + strlen(RECOVERY_KEY_PREFIX);
        recovery_plan_file plan = {0};
        char why[256] = "";
        bool read;
        if (strncmp(key, RECOVERY_KEY_PREFIX, strlen(RECOVERY_KEY_PREFIX)) != 0 ||
            !json_object_is_type(value, json_type_string))
            continue;
        read = hfc_is_uuid(host) && recovery_plan_parse(json_object_get_string(value), host, &plan, why, sizeof why);
        if ((read && own_plan(d, &plan)) || adopted_before(d, key, read ? plan.written_ms : 0, adopt)) {
            vm_list_free(&plan.vms);
            continue;
        }
        n++;
        if (!adopt) {
            vm_list_free(&plan.vms);
            continue;
        }
        if (read)
            resume_one(d, &plan, true);
        else
            hafenced_record(d, HF_LOG_ERROR, hfc_is_uuid(host) ? host : d->self, "vm-resume", "failed", false, 0,
                            "the pool's other-config %s is no recovery plan: %s; removed (it held %zu bytes: %.160s)",
                            key, hfc_is_uuid(host) ? why : "the key names no host UUID",
                            strlen(json_object_get_string(value)), json_object_get_string(value));
        vm_list_free(&plan.vms);
        if (*d->stop)
            break;
        if (hfc_is_uuid(host))
            forget_plan(d, host);
        else
            drop_pool_plan(d, key);
    }
    return n;
}

void act_adopt_recoveries(hafenced *d)
{
    json_object *fresh;
    hfc_error err = {0};
    /* the view is read in the background and may be older than the end of
     * a recovery: a plan it shows is looked up again before it is acted on */
    if (!foreign_plans(d, d->view.other_config, false))
        return;
    if (!(fresh = pool_config_read(own_xapi(d), hf_now_ms() + 5000, &err))) {
        hfc_log(HF_LOG_ERROR, "cannot read the pool's other-config for the recoveries left unfinished: %s",
                err.message);
        return;
    }
    if (foreign_plans(d, fresh, true))
        view_reader_poke(d->reader);
    json_object_put(fresh);
}

void mark_health(hafenced *d, const char *host, const char *health)
{
    pool_host *h = (pool_host *)pool_view_host(&d->view, host);
    const char *now = h ? pool_host_field(h, d->dc.ds.xc_field_name) : NULL;
    char key[300], label[512];
    hf_reply reply = {0};
    xv *args[3], *v = NULL;
    hf_result r;
    if (!h || !*h->ref || d->view.cached || (now && strcmp(now, health) == 0) || !own_xapi(d))
        return;
    snprintf(key, sizeof key, "%s%s", XC_CUSTOM_FIELD, d->dc.ds.xc_field_name);
    args[0] = xv_string(h->ref);
    args[1] = xv_string(key);
    args[2] = xv_string(health);
    /* a map key is replaced by removing it first (adding an existing key fails) */
    r = xapi_call(d->x, "host.remove_from_other_config", args, 2, &v, hf_now_ms() + 5000, &reply);
    xv_free(v);
    v = NULL;
    if (r == HF_OK)
        r = xapi_call(d->x, "host.add_to_other_config", args, 3, &v, hf_now_ms() + 5000, &reply);
    xv_free(v);
    for (int i = 0; i < 3; i++)
        xv_free(args[i]);
    if (r != HF_OK) {
        hfc_log(HF_LOG_WARNING, "cannot mark %s %s in the pool (%s): %s", host_label(d, host, label, sizeof label),
                health, key, reply.message);
        return;
    }
    if (!h->fields)
        h->fields = json_object_new_object();
    json_object_object_add(h->fields, key, json_object_new_string(health));
    hfc_log(HF_LOG_INFO, "%s marked %s (host other-config %s)", host_label(d, host, label, sizeof label), health, key);
}

void mark_pool_health(hafenced *d)
{
    if (d->role != HFC_ROLE_MASTER || d->view.cached || *d->ha_off || d->suspended)
        return;
    mark_health(d, d->self, "master");
    for (size_t i = 0; i < d->peer_count; i++) {
        const peer *p = &d->peers[i];
        const pool_host *h = pool_view_host(&d->view, p->uuid);
        if (p->phase == PEER_WATCHED && h && h->enabled && p->watch.state == HFC_PEER_OK)
            mark_health(d, p->uuid, "healthy");
    }
}

void choose_autopromote(hafenced *d)
{
    const char *keep = NULL, *pick = NULL;
    char label[512];
    hfc_error err = {0};
    size_t enabled = 0, answering = 0; /* for the word when none can hold it */
    for (size_t i = 0; i < d->peer_count; i++) {
        const peer *p = &d->peers[i];
        const pool_host *h = pool_view_host(&d->view, p->uuid);
        if (!h || !h->enabled || p->phase != PEER_WATCHED)
            continue;
        enabled++;
        answering += p->watch.state == HFC_PEER_OK;
        /* the one chosen keeps the role until it is fenced or leaves the
         * pool, even while it fails to answer: what this master cannot
         * reach may be alive and sure it holds the role (the master's own
         * link may be the fault), and a second holder would fence and
         * promote too (two masters, every VM started twice) */
        if (strcmp(p->uuid, d->view.autopromote) == 0)
            keep = p->uuid;
        if (!pick && p->watch.state == HFC_PEER_OK && !p->not_fenced)
            pick = p->uuid;
    }
    if (keep && d->autopromote_missing) {
        d->autopromote_missing = false;
        hafenced_record(d, HF_LOG_WARNING, keep, "autopromote", "ok", false, 0,
                        "%s can take over the pool again: it is the autopromote slave (pool other-config %s)",
                        host_label(d, keep, label, sizeof label), AUTOPROMOTE_KEY);
    }
    if (!keep && !pick && d->peer_count && !d->autopromote_missing) {
        /* said once, when it happens: the pool is exposed from now on */
        d->autopromote_missing = true;
        hafenced_record(d, HF_LOG_ERROR, d->self, "autopromote", "none", false, 0,
                        "no host can be the autopromote slave: of the %zu other hosts, %zu are enabled (not in "
                        "maintenance, not fenced) and %zu of those answer; should the master %s fail now, no host "
                        "takes over the pool",
                        d->peer_count, enabled, answering, host_label(d, d->self, label, sizeof label));
    }
    if (keep || !pick)
        return;
    /* just recorded, and the view read before that: not a new choice */
    if (strcmp(pick, d->autopromote_recorded) == 0 && hf_now_ms() - d->autopromote_recorded_ms < 5000)
        return;
    if (!own_xapi(d) || !pool_config_set(d->x, AUTOPROMOTE_KEY, pick, hf_now_ms() + 5000, &err)) {
        hfc_log(HF_LOG_ERROR, "cannot record the autopromote slave %s: %s", pick, d->x ? err.message : "no XAPI");
        xapi_free(d->x);
        d->x = NULL;
        return;
    }
    hfc_strlcpy(d->view.autopromote, pick, sizeof d->view.autopromote);
    hfc_strlcpy(d->autopromote_recorded, pick, sizeof d->autopromote_recorded);
    d->autopromote_recorded_ms = hf_now_ms();
    d->autopromote_missing = false;
    hafenced_record(d, HF_LOG_WARNING, pick, "autopromote", "ok", false, 0,
                    "%s is the autopromote slave now (pool other-config %s)", host_label(d, pick, label, sizeof label),
                    AUTOPROMOTE_KEY);
    hfc_error save_err = {0};
    if (!pool_view_save(&d->view, d->opt.state_dir, &d->pool_cache, &save_err))
        hfc_log(HF_LOG_ERROR, "cannot cache the pool view: %s", save_err.message);
}

#define PREVIEW_TIMEOUT_MS 5000

bool recovery_preview(hafenced *d, const char *host, struct json_object *vms, struct json_object *hosts, hfc_error *err)
{
    vm_list plan;
    char(*alive)[UUID_TEXT] = hfc_calloc(d->peer_count + 1, sizeof *alive);
    size_t n = survivors(d, host, alive, d->peer_count + 1);
    for (size_t i = 0; i < n; i++) {
        const pool_host *h = pool_view_host(&d->view, alive[i]);
        json_object_array_add(hosts, json_object_new_string(h && *h->name ? h->name : alive[i]));
    }
    free(alive);
    /* the main loop waits meanwhile: a short bound, and no try at all
     * while XAPI does not answer */
    if (d->view.cached) {
        hfc_error_set(err, HF_E_UNREACHABLE, "XAPI does not answer (the pool view is the cached one)");
        return false;
    }
    if (!recovery_plan(d, host, hf_now_ms() + PREVIEW_TIMEOUT_MS, &plan, err))
        return false;
    if (plan.appliances)
        for (size_t i = 0; i < plan.appliances; i++)
            json_object_array_add(vms, json_object_new_string(plan.appliance_name[i]));
    else
        for (size_t i = 0; i < plan.count; i++)
            json_object_array_add(vms, json_object_new_string(plan.vm[i].name));
    vm_list_free(&plan);
    return true;
}
