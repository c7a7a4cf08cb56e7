/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One pass of the daemon: learn the pool (XAPI, else the cache), know this
 * host's role, check the peers that are due, and for a peer that has just
 * failed ask the decision (core/decide.c) and act on it.  Then write the
 * status that 'hafence status-pool' shows.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/decide.h"
#include "core/liveness.h"
#include "core/history.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include <json-c/json.h>
#include <strings.h>
#include <stdarg.h>
#include <unistd.h>

const char *host_label(const hafenced *d, const char *uuid, char *buf, size_t size)
{
    const pool_host *h = pool_view_host(&d->view, uuid);
    if (h && *h->name)
        snprintf(buf, size, "%s (%s, %s)", h->name, uuid, *h->address ? h->address : "no address");
    else
        snprintf(buf, size, "%s", uuid);
    return buf;
}

/* What an operator must hear about: these always, anything else when it
 * went wrong (a VM that did not start, a host not marked dead). */
static bool alert_worthy(const char *action, hf_log_level level)
{
    static const char *const always[] = {"peer-failed", "fence",   "promote",    "self-fence",
                                         "pool-ha",     "recover", "fence-path", NULL};
    for (size_t i = 0; always[i]; i++)
        if (strcmp(action, always[i]) == 0)
            return true;
    return level <= HF_LOG_ERROR;
}

static void record_v(hafenced *d, const hfc_history_try *tries, size_t try_count, hf_log_level level, const char *host,
                     const char *action, const char *result, bool verified, int64_t duration_ms, const char *fmt,
                     va_list ap)
{
    char message[HF_MESSAGE_MAX];
    hfc_history_record rec = {0};
    hfc_error err = {0};
    hfc_vformat_redacted(message, sizeof message, fmt, ap);
    hfc_log(level, "%s", message);
    rec.time_ms = hfc_wall_ms();
    rec.host = host;
    rec.target = host;
    rec.plugin = "hafenced";
    rec.action = action;
    rec.result = result;
    rec.verified = verified;
    rec.message = message;
    rec.duration_ms = duration_ms;
    rec.requested_by = d->requested_by;
    rec.tries = tries;
    rec.try_count = try_count;
    metrics_count(d, action, result, duration_ms);
    if (!hfc_history_append(d->opt.history_path, &rec, &err))
        hfc_log(HF_LOG_ERROR, "%s", err.message);
    if (alert_worthy(action, level)) {
        const pool_host *h = host ? pool_view_host(&d->view, host) : NULL;
        alerts_post(d->alerts, action, level, host, h ? h->name : NULL, message);
    }
}

void hafenced_record(hafenced *d, hf_log_level level, const char *host, const char *action, const char *result,
                     bool verified, int64_t duration_ms, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_v(d, NULL, 0, level, host, action, result, verified, duration_ms, fmt, ap);
    va_end(ap);
}

void hafenced_record_tries(hafenced *d, const hfc_history_try *tries, size_t try_count, hf_log_level level,
                           const char *host, const char *action, const char *result, bool verified, int64_t duration_ms,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_v(d, tries, try_count, level, host, action, result, verified, duration_ms, fmt, ap);
    va_end(ap);
}

/* ---- the pool view and this host's role ---------------------------------- */

static void set_role(hafenced *d)
{
    hfc_role role = strcmp(d->view.master, d->self) == 0        ? HFC_ROLE_MASTER
                    : strcmp(d->view.autopromote, d->self) == 0 ? HFC_ROLE_AUTOPROMOTE
                                                                : HFC_ROLE_SLAVE;
    if (role != d->role || !*d->requested_by) {
        char self[512];
        if (*d->requested_by)
            hfc_log(HF_LOG_WARNING, "this host is now the pool's %s (was %s)", hfc_role_name(role),
                    hfc_role_name(d->role));
        else
            hfc_log(HF_LOG_INFO, "this host %s is the pool's %s", host_label(d, d->self, self, sizeof self),
                    hfc_role_name(role));
        d->role = role;
    }
    snprintf(d->requested_by, sizeof d->requested_by, "hafenced on %s (%s)",
             pool_view_host(&d->view, d->self) ? pool_view_host(&d->view, d->self)->name : d->self,
             hfc_role_name(d->role));
}

/* Peers follow the view: new hosts are watched, forgotten ones dropped,
 * a fenced host is watched again once the operator enabled it. */
static void sync_peers(hafenced *d)
{
    size_t kept = 0;
    for (size_t i = 0; i < d->peer_count; i++)
        d->peers[i].seen = false;
    for (size_t h = 0; h < d->view.count; h++) {
        const pool_host *ph = &d->view.hosts[h];
        peer *p = NULL;
        if (strcmp(ph->uuid, d->self) == 0)
            continue;
        for (size_t i = 0; i < d->peer_count && !p; i++)
            if (strcmp(d->peers[i].uuid, ph->uuid) == 0)
                p = &d->peers[i];
        if (!p) {
            d->peers = hfc_realloc(d->peers, (d->peer_count + 1) * sizeof *d->peers);
            p = &d->peers[d->peer_count++];
            memset(p, 0, sizeof *p);
            hfc_strlcpy(p->uuid, ph->uuid, sizeof p->uuid);
            hfc_peer_watch_init(&p->watch);
        }
        p->seen = true;
        if (p->phase == PEER_FENCED && ph->enabled && !d->view.cached && d->view.asked_ms > p->marked_ms) {
            char label[512];
            hfc_log(HF_LOG_WARNING, "%s is enabled in the pool again: watching it",
                    host_label(d, p->uuid, label, sizeof label));
            p->phase = PEER_WATCHED;
            p->not_fenced = false;
            hfc_peer_watch_init(&p->watch);
        }
    }
    for (size_t i = 0; i < d->peer_count; i++)
        if (d->peers[i].seen)
            d->peers[kept++] = d->peers[i];
    d->peer_count = kept;
}

/* HA for the whole pool, as HA-Lizard reads it: off while the pool's
 * XenCenter custom field (XC_FIELD_NAME, set by ha-cfg, XenCenter or Xen
 * Orchestra) reads false, and while XenServer's own HA runs the pool
 * (pool.ha_enabled).  hafenced then watches and reports, and neither fences
 * nor starts a VM.  A field that is absent leaves it on (FENCE_ENABLED is
 * hafenced's switch); a value other than true or false is taken for off. */
static void note_pool_ha(hafenced *d)
{
    char key[300], why[sizeof d->ha_off] = "";
    const char *v;
    snprintf(key, sizeof key, "%s%s", XC_CUSTOM_FIELD, d->dc.ds.xc_field_name);
    v = pool_view_config(&d->view, key);
    if (d->view.native_ha)
        snprintf(why, sizeof why, "XenServer's own HA is enabled on the pool (pool.ha_enabled): hafenced stands aside");
    else if (v && strcasecmp(v, "false") == 0)
        snprintf(why, sizeof why, "HA is switched off for the pool (its custom field %s=false)",
                 d->dc.ds.xc_field_name);
    else if (v && strcasecmp(v, "true") != 0)
        snprintf(why, sizeof why, "the pool's custom field %s reads '%.60s', neither true nor false: HA stays off",
                 d->dc.ds.xc_field_name, v);
    if (strcmp(why, d->ha_off) != 0)
        hafenced_record(d, HF_LOG_WARNING, d->self, "pool-ha", *why ? "off" : "on", false, 0, "%s",
                        *why ? why : "HA is switched on for the pool: hafenced fences and recovers VMs again");
    hfc_strlcpy(d->ha_off, why, sizeof d->ha_off);
}

static void refresh_view(hafenced *d)
{
    char url[512] = "";
    hfc_error err = {0}, failed = {0};
    view_take got = d->reader ? view_reader_take(d->reader, &d->view, &failed, url, sizeof url) : VIEW_NOTHING_NEW;
    if (got == VIEW_NEW) {
        char *db = pool_db_entries(d->view.other_config);
        if (*d->view_error)
            hfc_log(HF_LOG_WARNING, "XAPI answers again (%s)", url);
        d->view_error[0] = '\0';
        /* ha-cfg set (or hafence config set) changed the pool-wide
         * configuration: reload, unless these very entries were refused */
        if (strcmp(db, d->dc.pool_db ? d->dc.pool_db : "") != 0 &&
            (!d->pool_db_refused || strcmp(db, d->pool_db_refused) != 0)) {
            hfc_log(HF_LOG_WARNING, "the pool database's configuration (other-config HA_*) changed: reloading");
            d->reload_wanted = true;
        }
        free(db);
        if (!pool_view_save(&d->view, d->opt.state_dir, &d->pool_cache, &err))
            hfc_log(HF_LOG_ERROR, "cannot cache the pool view: %s", err.message);
    } else if (got == VIEW_FAILED) {
        if (strcmp(d->view_error, failed.message) != 0)
            hfc_log(HF_LOG_WARNING, "the pool's XAPI does not answer: %s; using the pool view cached in %s",
                    failed.message, d->opt.state_dir);
        hfc_strlcpy(d->view_error, failed.message, sizeof d->view_error);
        if (!d->view.count && !pool_view_load(&d->view, d->opt.state_dir, &err))
            hfc_log(HF_LOG_ERROR, "no pool view: XAPI does not answer and there is no cache: %s", err.message);
        d->view.cached = true;
    } else if (!d->view.count && pool_view_load(&d->view, d->opt.state_dir, &err)) {
        /* before the first read: what this host knew when it stopped */
        hfc_log(HF_LOG_INFO, "starting from the pool view cached in %s", d->opt.state_dir);
    }
    sync_peers(d);
    set_role(d);
    note_pool_ha(d);
}

/* ---- checks --------------------------------------------------------------- */

static int64_t probe_timeout_ms(const hafenced *d)
{
    int64_t t = d->dc.settings.xapi_delay * 500;
    return t < 300 ? 300 : t > 2000 ? 2000 : t;
}

static bool peer_checked(const hafenced *d, const peer *p)
{
    const pool_host *h = pool_view_host(&d->view, p->uuid);
    /* maintenance mode (disabled) is skipped, as in HA-Lizard */
    return p->phase == PEER_WATCHED && h && h->enabled && *h->address;
}

static void observe(hafenced *d, peer *p, const probe_result *r)
{
    hfc_peer_state before = p->watch.state, now;
    char label[512];
    bool answered = r->icmp && r->tcp;
    now = hfc_peer_observe(&p->watch, answered, &d->dc.settings, hf_now_ms());
    hfc_strlcpy(p->why, r->why, sizeof p->why);
    host_label(d, p->uuid, label, sizeof label);
    hfc_log(HF_LOG_DEBUG, "check of %s: %s", label, r->why);
    if (now == HFC_PEER_SUSPECT)
        hfc_log(HF_LOG_WARNING, "%s missed check %lld of %lld: %s", label, p->watch.misses,
                d->dc.settings.xapi_count + 1, r->why);
    else if (now == HFC_PEER_OK && before != HFC_PEER_OK)
        hfc_log(HF_LOG_WARNING, "%s answers again: not failed (%s)", label, r->why);
    else if (now == HFC_PEER_FAILED && before != HFC_PEER_FAILED)
        hafenced_record(d, HF_LOG_ERROR, p->uuid, "peer-failed", "failed", false, 0,
                        "%s failed: %lld checks %lld s apart unanswered (XAPI_COUNT=%lld retries): %s", label,
                        d->dc.settings.xapi_count + 1, d->dc.settings.xapi_delay, d->dc.settings.xapi_count, r->why);
    if (now == HFC_PEER_OK)
        p->not_fenced = p->off_since_fence = false;
    if (answered)
        p->failed_as_master = false;
}

static void check_peers(hafenced *d)
{
    int64_t now = hf_now_ms();
    const char **addresses = hfc_calloc(d->peer_count + 1, sizeof *addresses);
    peer **due = hfc_calloc(d->peer_count + 1, sizeof *due);
    probe_result *results;
    size_t n = 0;
    for (size_t i = 0; i < d->peer_count; i++) {
        if (!peer_checked(d, &d->peers[i]) || !hfc_peer_check_due(&d->peers[i].watch, now))
            continue;
        due[n] = &d->peers[i];
        addresses[n++] = pool_view_host(&d->view, d->peers[i].uuid)->address;
    }
    if (n) {
        results = hfc_calloc(n, sizeof *results);
        probe_peers(&d->dc, addresses, n, probe_timeout_ms(d), results);
        for (size_t i = 0; i < n; i++)
            observe(d, due[i], &results[i]);
        free(results);
    }
    free(due);
    free(addresses);
}

/* ---- deciding -------------------------------------------------------------- */

/* Hosts that answer: this one and the peers whose last check passed. */
long long live_hosts(const hafenced *d)
{
    long long live = 1;
    for (size_t i = 0; i < d->peer_count; i++)
        if (peer_checked(d, &d->peers[i]) && d->peers[i].watch.state == HFC_PEER_OK)
            live++;
    return live;
}

/* For a decision the count must be now's: a suspect peer (it missed a
 * check, but is not failed yet) is asked once more rather than counted
 * either way, since two hosts dying at once are seldom seen failing in
 * the same pass. */
static long long live_hosts_now(hafenced *d, const peer *failed)
{
    const char **addresses = hfc_calloc(d->peer_count + 1, sizeof *addresses);
    probe_result *r = hfc_calloc(d->peer_count + 1, sizeof *r);
    long long live = live_hosts(d);
    size_t n = 0;
    for (size_t i = 0; i < d->peer_count; i++)
        if (&d->peers[i] != failed && peer_checked(d, &d->peers[i]) && d->peers[i].watch.state == HFC_PEER_SUSPECT)
            addresses[n++] = pool_view_host(&d->view, d->peers[i].uuid)->address;
    if (n)
        probe_peers(&d->dc, addresses, n, probe_timeout_ms(d), r);
    for (size_t i = 0; i < n; i++)
        live += r[i].icmp && r[i].tcp;
    free(r);
    free(addresses);
    return live;
}

long long enabled_hosts(const hafenced *d)
{
    long long n = 0;
    for (size_t i = 0; i < d->view.count; i++)
        n += d->view.hosts[i].enabled;
    return n;
}

void peer_situation(hafenced *d, const peer *p, bool waited, bool assume_failed, hfc_situation *s, char *vote_why,
                    size_t size)
{
    const pool_host *self = pool_view_host(&d->view, d->self);
    memset(s, 0, sizeof *s);
    s->role = d->role;
    s->peer_is_master = strcmp(p->uuid, d->view.master) == 0;
    s->pool_size = (long long)d->view.count;
    s->enabled_hosts = enabled_hosts(d);
    s->in_maintenance = self && !self->enabled;
    s->ha_off = *d->ha_off ? d->ha_off : NULL;
    s->live_hosts = live_hosts_now(d, p);
    /* a simulation: the peer, live now, counted as failed */
    if (assume_failed && peer_checked(d, p) && p->watch.state == HFC_PEER_OK)
        s->live_hosts--;
    s->suspended = d->suspended;
    s->waited = waited;
    s->settings = &d->dc.settings;
    s->heuristic = HF_VOTE_UNKNOWN;
    snprintf(vote_why, size, "not asked");
    /* the vote is only worth the pings when this host could fence */
    if (!d->suspended && !s->ha_off && !s->in_maintenance && d->role != HFC_ROLE_SLAVE &&
        d->dc.settings.fence_quorum_required && d->dc.settings.fence_use_ip_heuristics)
        s->heuristic = heuristic_vote(&d->dc, vote_why, size);
}

long long split_wait_s(const hafenced *d)
{
    /* with levels, the master reaches this host's last level only after
     * the earlier ones had their share of the fence timeout (a dead BMC
     * costs its whole share): the head start covers that walk too */
    unsigned levels = d->dc.topology ? d->dc.topology->levels : 1;
    return d->dc.ds.split_delay + (levels > 1 ? d->dc.ds.fence_timeout * (levels - 1) / levels : 0);
}

/* The autopromote slave gives the master its head start, then
 * looks again: the peer that answers now was not dead. */
static bool still_failed_after_split_delay(hafenced *d, peer *p)
{
    const pool_host *h = pool_view_host(&d->view, p->uuid);
    const char *address = h ? h->address : "";
    probe_result r = {0};
    char label[512];
    long long wait = split_wait_s(d);
    for (long long s = 0; s < wait && !*d->stop; s++) {
        hfc_sleep_ms(1000, d->stop);
        notify_alive();
    }
    probe_peers(&d->dc, &address, 1, probe_timeout_ms(d), &r);
    if (r.icmp && r.tcp) {
        hafenced_record(d, HF_LOG_WARNING, p->uuid, "decision", "nothing", false, 0,
                        "%s answers again after the split delay (%lld s): not fenced (%s)",
                        host_label(d, p->uuid, label, sizeof label), wait, r.why);
        hfc_peer_watch_init(&p->watch);
        hfc_peer_observe(&p->watch, true, &d->dc.settings, hf_now_ms());
        return false;
    }
    return true;
}

void peer_check_again(const hafenced *d, peer *p)
{
    p->not_fenced = true;
    hfc_peer_watch_init(&p->watch);
    p->watch.state = HFC_PEER_SUSPECT;
    p->watch.next_check_ms = hf_now_ms() + d->dc.settings.xapi_delay * 1000;
}

static void decide_and_act(hafenced *d, peer *p)
{
    hfc_situation s;
    char reason[512], vote_why[256], label[512];
    hfc_decision decision;
    host_label(d, p->uuid, label, sizeof label);
    peer_situation(d, p, false, false, &s, vote_why, sizeof vote_why);
    decision = hfc_decide(&s, reason, sizeof reason);
    if (decision == HFC_DECIDE_WAIT) {
        hafenced_record(d, HF_LOG_WARNING, p->uuid, "decision", "wait", false, 0, "%s: %s (wait %lld s)", label, reason,
                        split_wait_s(d));
        if (!still_failed_after_split_delay(d, p))
            return;
        peer_situation(d, p, true, false, &s, vote_why, sizeof vote_why);
        decision = hfc_decide(&s, reason, sizeof reason);
    }
    /* a reason is prose: cut to fit, with room for the decision's name */
    snprintf(p->decision, sizeof p->decision, "%s: %.480s", hfc_decision_name(decision), reason);
    hafenced_record(d, decision == HFC_DECIDE_NOTHING && d->role == HFC_ROLE_SLAVE ? HF_LOG_INFO : HF_LOG_WARNING,
                    p->uuid, "decision", hfc_decision_name(decision), false, 0,
                    "%s failed; %s decides: %s: %s (heuristic vote %s: %s)", label, hfc_role_name(d->role),
                    hfc_decision_name(decision), reason, hfc_vote_name(s.heuristic), vote_why);
    switch (decision) {
    case HFC_DECIDE_FENCE: act_fence(d, p); break;
    case HFC_DECIDE_SELF_FENCE: self_fence(d, reason); break;
    default:
        /* not ours to fence, or not now */
        peer_check_again(d, p);
        break;
    }
}

/* ---- status ---------------------------------------------------------------- */

const char *peer_state_text(const hafenced *d, const peer *p)
{
    const pool_host *h = pool_view_host(&d->view, p->uuid);
    if (p->phase == PEER_FENCED)
        return p->fenced_unverified ? "fenced (unverified)" : "fenced";
    if (h && !h->enabled)
        return "disabled";
    if (p->not_fenced)
        return "failed, not fenced";
    return hfc_peer_state_name(p->watch.state);
}

#define STATUS_REFRESH_MS 5000 /* well inside what status-pool calls stale (10 s) */

static void write_status(hafenced *d)
{
    json_object *o = json_object_new_object(), *peers = json_object_new_array();
    hfc_error err = {0};
    long long live = live_hosts(d);
    const pool_host *self = pool_view_host(&d->view, d->self);
    const char *text;
    json_object_object_add(o, "host", json_object_new_string(d->self));
    json_object_object_add(o, "name", json_object_new_string(self ? self->name : ""));
    json_object_object_add(o, "role", json_object_new_string(hfc_role_name(d->role)));
    json_object_object_add(o, "master", json_object_new_string(d->view.master));
    json_object_object_add(o, "autopromote", json_object_new_string(d->view.autopromote));
    json_object_object_add(o, "view_cached", json_object_new_boolean(d->view.cached));
    json_object_object_add(o, "view_error", json_object_new_string(d->view_error));
    json_object_object_add(o, "pool_size", json_object_new_int64((int64_t)d->view.count));
    json_object_object_add(o, "live_hosts", json_object_new_int64(live));
    json_object_object_add(o, "enabled_hosts", json_object_new_int64(enabled_hosts(d)));
    json_object_object_add(o, "quorum", json_object_new_boolean(2 * live > enabled_hosts(d)));
    json_object_object_add(o, "pool_ha", json_object_new_string(*d->ha_off ? "off" : "on"));
    json_object_object_add(o, "pool_ha_off", json_object_new_string(d->ha_off));
    json_object_object_add(o, "fence_enabled", json_object_new_boolean(d->dc.settings.fence_enabled));
    json_object_object_add(o, "fence_method", json_object_new_string(d->dc.settings.fence_method));
    json_object_object_add(o, "suspended", json_object_new_boolean(d->suspended));
    json_object_object_add(o, "suspension", json_object_new_string(d->suspended ? d->suspension.reason : ""));
    json_object_object_add(o, "suspension_since_ms", json_object_new_int64(d->suspended ? d->suspension.since_ms : 0));
    json_object_object_add(o, "suspension_recorded", json_object_new_boolean(!d->suspension_unrecorded));
    if (d->suspension_unrecorded)
        json_object_object_add(o, "suspension_error", json_object_new_string(d->suspension_error));
    json_object_object_add(o, "interval_ms", json_object_new_int64(d->dc.settings.xapi_delay * 1000));
    for (size_t i = 0; i < d->peer_count; i++) {
        const peer *p = &d->peers[i];
        const pool_host *h = pool_view_host(&d->view, p->uuid);
        json_object *j = json_object_new_object();
        json_object_object_add(j, "uuid", json_object_new_string(p->uuid));
        json_object_object_add(j, "name", json_object_new_string(h ? h->name : ""));
        json_object_object_add(j, "address", json_object_new_string(h ? h->address : ""));
        json_object_object_add(j, "master", json_object_new_boolean(strcmp(p->uuid, d->view.master) == 0));
        json_object_object_add(j, "state", json_object_new_string(peer_state_text(d, p)));
        json_object_object_add(j, "misses", json_object_new_int64(p->watch.misses));
        json_object_object_add(j, "check", json_object_new_string(p->why));
        json_object_object_add(j, "decision", json_object_new_string(p->decision));
        json_object_object_add(j, "fence_paths", readiness_json(d, p->uuid));
        json_object_array_add(peers, j);
    }
    json_object_object_add(o, "peers", peers);
    /* written (and synced) when it changed, else every few seconds to
     * show the daemon alive: not on every pass */
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    if (d->status_text && strcmp(text, d->status_text) == 0 && hf_now_ms() - d->status_written_ms < STATUS_REFRESH_MS) {
        json_object_put(o);
        return;
    }
    free(d->status_text);
    d->status_text = hfc_strdup(text);
    d->status_written_ms = hf_now_ms();
    /* the times change every pass: not a change of state on their own */
    json_object_object_add(o, "view_read_ms", json_object_new_int64(d->view.read_ms));
    json_object_object_add(o, "time_ms", json_object_new_int64(hfc_wall_ms()));
    json_object_object_add(o, "pid", json_object_new_int64(getpid()));
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    if (!hfc_state_write(d->opt.state_dir, "status.json", text, &err)) {
        /* a full or read-only state directory must not hide the daemon's
         * state (a suspension above all): the runtime directory (tmpfs),
         * which status-pool reads too */
        hfc_error err2 = {0};
        if (!hfc_state_write(d->opt.runtime_dir, "status.json", text, &err2)) {
            hfc_log(HF_LOG_ERROR, "cannot write the status: %s; nor %s", err.message, err2.message);
            free(d->status_text); /* try again next pass */
            d->status_text = NULL;
        } else if (!d->status_fallback) {
            hfc_log(HF_LOG_ERROR, "cannot write the status: %s; written to %s instead", err.message,
                    d->opt.runtime_dir);
        }
        d->status_fallback = true;
    } else if (d->status_fallback) {
        char *old = hfc_state_path(d->opt.runtime_dir, "status.json");
        unlink(old); /* the state directory has it again */
        free(old);
        d->status_fallback = false;
    }
    json_object_put(o);
}

/* While this host is suspended, a reminder every HAFENCE_ALERT_REMIND
 * (HA-Lizard's hourly one): a suspension is cleared by a person. */
static void remind_suspension(hafenced *d)
{
    int64_t now = hf_now_ms();
    char text[1024];
    if (!d->suspended) {
        d->suspension_reminded_ms = 0;
        return;
    }
    if (!d->suspension_reminded_ms) { /* its start was an alert of its own */
        d->suspension_reminded_ms = now;
        return;
    }
    if (now - d->suspension_reminded_ms < d->dc.ds.alerts.remind * 1000)
        return;
    d->suspension_reminded_ms = now;
    snprintf(text, sizeof text,
             "reminder: HA is suspended on this host (%lld min so far): %s; it neither fences nor starts VMs until "
             "someone clears it (hafence recover) once the pool is whole",
             d->suspension.since_ms ? (long long)((hfc_wall_ms() - d->suspension.since_ms) / 60000) : 0LL,
             *d->suspension.reason ? d->suspension.reason : "no reason recorded");
    hfc_log(HF_LOG_WARNING, "%s", text);
    alerts_post(d->alerts, "suspended", HF_LOG_WARNING, d->self,
                pool_view_host(&d->view, d->self) ? pool_view_host(&d->view, d->self)->name : NULL, text);
}

int64_t hafenced_cycle(hafenced *d)
{
    int64_t next, now;
    suspension_refresh(d);
    remind_suspension(d);
    refresh_view(d);
    if (d->view.count) {
        check_peers(d);
        /* a recovery a killed daemon left unfinished, once XAPI answers
         * and this host may start VMs: after a first check of the peers,
         * so that its VMs go to hosts that answered */
        if (!d->view.cached && !d->suspended && !*d->ha_off)
            act_resume_recoveries(d);
        for (size_t i = 0; i < d->peer_count && !*d->stop; i++) {
            peer *p = &d->peers[i];
            if (p->phase == PEER_WATCHED && p->watch.state == HFC_PEER_FAILED && peer_checked(d, p))
                decide_and_act(d, p);
        }
        if (d->role == HFC_ROLE_MASTER && !d->view.cached && !d->suspended) {
            /* a recovery a master that died itself left unfinished */
            if (!*d->ha_off)
                act_adopt_recoveries(d);
            choose_autopromote(d);
            mark_pool_health(d);
        }
    }
    write_status(d);
    metrics_write(d);
    simulate_serve(d);
    now = hf_now_ms();
    next = now + 1000;
    for (size_t i = 0; i < d->peer_count; i++)
        if (peer_checked(d, &d->peers[i]) && d->peers[i].watch.next_check_ms < next)
            next = d->peers[i].watch.next_check_ms;
    next -= now;
    return next < 20 ? 20 : next > 1000 ? 1000 : next;
}

void hafenced_free(hafenced *d)
{
    hf_reply reply;
    readiness_free(d);
    view_reader_stop(d->reader);
    d->reader = NULL;
    if (d->x) {
        xapi_logout(d->x, hf_now_ms() + 1000, &reply);
        xapi_free(d->x);
    }
    pool_view_free(&d->view);
    free(d->peers);
    free(d->status_text);
    pool_cache_write_free(&d->pool_cache);
    metrics_free(&d->metrics);
    free(d->pool_db_refused);
    daemon_config_free(&d->dc);
}
