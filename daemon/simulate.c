/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 'hafence simulate HOST': what this daemon would do, were HOST failing
 * now, without doing any of it.
 *
 * The CLI leaves a request in the runtime directory; the main loop takes it
 * between passes and answers with the real inputs: the situation a failure
 * would be decided on (the live pool view, this host's role, the live
 * count with HOST counted failed, the heuristic vote asked as a decision
 * asks it), the pure decision (core/decide.c), the fence plan (the levels
 * and devices, with the readiness of each path), and the VMs the recovery
 * would start (read from XAPI by the same rule that starts them).  Nothing
 * is fenced, marked or started; the history is not written.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/decide.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include "core/json.h"
#include <string.h>

static peer *find_peer(hafenced *d, const char *name)
{
    for (size_t i = 0; i < d->peer_count; i++) {
        const pool_host *h = pool_view_host(&d->view, d->peers[i].uuid);
        if (strcmp(d->peers[i].uuid, name) == 0 || (h && strcmp(h->name, name) == 0))
            return &d->peers[i];
    }
    return NULL;
}

static void add_string(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value ? value : ""));
}

static void add_decision(json_object *o, const char *key, hfc_decision decision, const char *reason)
{
    json_object *j = json_object_new_object();
    add_string(j, "decision", hfc_decision_name(decision));
    add_string(j, "reason", reason);
    json_object_object_add(o, key, j);
}

static json_object *simulate(hafenced *d, const char *name)
{
    json_object *o = json_object_new_object(), *vms, *hosts;
    const pool_host *self = pool_view_host(&d->view, d->self), *h;
    hfc_situation s;
    hfc_decision decision;
    char reason[512], vote_why[256], label[512];
    hfc_error err = {0};
    peer *p;
    add_string(o, "asked", name);
    add_string(o, "by", self ? self->name : d->self);
    add_string(o, "role", hfc_role_name(d->role));
    if (!d->view.count) {
        add_string(o, "error", "this daemon has no pool view yet");
        return o;
    }
    if (strcmp(name, d->self) == 0 || (self && strcmp(name, self->name) == 0)) {
        add_string(o, "error", "that is this host: its peers decide about it (ask one of them)");
        return o;
    }
    if (!(p = find_peer(d, name))) {
        add_string(o, "error", "no host of that name or UUID in the pool view");
        return o;
    }
    h = pool_view_host(&d->view, p->uuid);
    add_string(o, "host", p->uuid);
    add_string(o, "name", h ? h->name : "");
    add_string(o, "label", host_label(d, p->uuid, label, sizeof label));
    add_string(o, "state", peer_state_text(d, p));
    peer_situation(d, p, false, true, &s, vote_why, sizeof vote_why);
    json_object_object_add(o, "peer_is_master", json_object_new_boolean(s.peer_is_master));
    json_object_object_add(o, "pool_size", json_object_new_int64(s.pool_size));
    json_object_object_add(o, "enabled_hosts", json_object_new_int64(s.enabled_hosts));
    json_object_object_add(o, "live_hosts", json_object_new_int64(s.live_hosts));
    json_object_object_add(o, "in_maintenance", json_object_new_boolean(s.in_maintenance));
    json_object_object_add(o, "suspended", json_object_new_boolean(s.suspended));
    add_string(o, "pool_ha_off", s.ha_off);
    add_string(o, "heuristic", hfc_vote_name(s.heuristic));
    add_string(o, "heuristic_why", vote_why);
    decision = hfc_decide(&s, reason, sizeof reason);
    add_decision(o, "now", decision, reason);
    if (decision == HFC_DECIDE_WAIT) {
        /* the autopromote slave's second look, the peer still failed */
        hfc_decision later;
        char why[512];
        s.waited = true;
        later = hfc_decide(&s, why, sizeof why);
        json_object_object_add(o, "wait_s", json_object_new_int64(split_wait_s(d)));
        add_decision(o, "after_wait", later, why);
        decision = later;
    }
    add_string(o, "fence_method", d->dc.settings.fence_method);
    add_string(o, "fence_action",
               s.peer_is_master ? "off" : hfc_action_name(hfc_fence_action_to_action(d->dc.settings.fence_action)));
    json_object_object_add(o, "levels", json_object_new_int64(d->dc.topology ? d->dc.topology->levels : 0));
    json_object_object_add(o, "fence_paths", readiness_json(d, p->uuid));
    vms = json_object_new_array();
    hosts = json_object_new_array();
    if (!recovery_preview(d, p->uuid, vms, hosts, &err))
        add_string(o, "vm_error", err.message);
    json_object_object_add(o, "vms", vms);
    json_object_object_add(o, "start_on", hosts);
    add_string(o, "vm_note",
               decision != HFC_DECIDE_FENCE                   ? "none: this host would not fence it"
               : s.peer_is_master && !d->dc.settings.slave_ha ? "none: SLAVE_HA=0 (the old master's VMs stay down)"
                                                              : "");
    return o;
}

void simulate_serve(hafenced *d)
{
    char name[320], id[64], file[128];
    json_object *o;
    hfc_error err = {0};
    if (!hfc_simulate_request_take(d->opt.runtime_dir, name, sizeof name, id, sizeof id))
        return;
    hfc_log(HF_LOG_INFO, "simulating a failure of %s (hafence simulate): nothing is done", name);
    o = simulate(d, name);
    if (!hfc_state_write(d->opt.runtime_dir, hfc_simulate_answer_name(id, file, sizeof file),
                         json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
                         &err))
        hfc_log(HF_LOG_ERROR, "cannot answer hafence simulate: %s", err.message);
    json_object_put(o);
}
