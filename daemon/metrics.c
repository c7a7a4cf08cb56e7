/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's Prometheus metrics, as a text-format file for
 * node_exporter's textfile collector (HAFENCE_METRICS_FILE, a .prom file
 * in its --collector.textfile.directory).  Written atomically (a reader
 * sees the old file or the new one), when it changed or every half
 * minute, so that the file's age says the daemon is alive.  Every name is
 * hafence_*; counters end in _total; times are seconds.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/decide.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRICS_REFRESH_MS 30000

static const double bucket_le[METRICS_BUCKETS - 1] = {1, 2, 5, 10, 20, 30, 60, 120}; /* then +Inf */

void metrics_count(hafenced *d, const char *action, const char *result, int64_t duration_ms)
{
    daemon_metrics *m = &d->metrics;
    const char *method = strcmp(action, "fence") == 0 ? d->dc.settings.fence_method : "";
    metrics_series *s = NULL;
    for (size_t i = 0; i < m->event_series && !s; i++)
        if (strcmp(m->events[i].action, action) == 0 && strcmp(m->events[i].result, result) == 0 &&
            strcmp(m->events[i].method, method) == 0)
            s = &m->events[i];
    if (!s && m->event_series < METRICS_MAX_SERIES) {
        s = &m->events[m->event_series++];
        hfc_strlcpy(s->action, action, sizeof s->action);
        hfc_strlcpy(s->result, result, sizeof s->result);
        hfc_strlcpy(s->method, method, sizeof s->method);
    }
    if (s) /* past the bound (a result of its own per event, never seen) the event is only in the history */
        s->count++;
    if (strcmp(action, "fence") == 0 && duration_ms >= 0) { /* every fence, however fast */
        double seconds = (double)duration_ms / 1000.0;
        for (int b = 0; b < METRICS_BUCKETS; b++)
            if (b == METRICS_BUCKETS - 1 || seconds <= bucket_le[b])
                m->fence_buckets[b]++;
        m->fence_seconds_sum += seconds;
        m->fence_count++;
    }
}

/* The text being built: grows as needed. */
typedef struct text {
    char *buf;
    size_t len, size;
} text;

static void add(text *t, const char *fmt, ...) HF_PRINTF(2, 3);
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < t->size - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->size = t->size * 2 + (size_t)(n > 0 ? n : 0) + 256;
        t->buf = hfc_realloc(t->buf, t->size);
    }
}

/* A label value as the text format wants it: \, " and newline escaped. */
static const char *label(const char *value, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = value ? value : ""; *p && o + 3 < size; p++) {
        if (*p == '\\' || *p == '"')
            out[o++] = '\\', out[o++] = *p;
        else if (*p == '\n')
            out[o++] = '\\', out[o++] = 'n';
        else
            out[o++] = *p;
    }
    out[o] = '\0';
    return out;
}

static void gauge(text *t, const char *name, const char *help, double value)
{
    add(t, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name, name, value);
}

static void pool_metrics(text *t, const hafenced *d)
{
    static const hfc_role roles[] = {HFC_ROLE_MASTER, HFC_ROLE_AUTOPROMOTE, HFC_ROLE_SLAVE};
    const pool_host *self = pool_view_host(&d->view, d->self);
    char a[128], b[600];
    long long live = live_hosts(d), enabled = enabled_hosts(d);
    add(t, "# HELP hafence_info This host, as hafenced knows it.\n# TYPE hafence_info gauge\n");
    add(t, "hafence_info{host=\"%s\",name=\"%s\",version=\"%s\",fence_method=\"%s\"} 1\n", d->self,
        label(self ? self->name : "", a, sizeof a), HAFENCE_VERSION, label(d->dc.settings.fence_method, b, sizeof b));
    add(t, "# HELP hafence_role This host's role in the pool (1 for the one it has).\n# TYPE hafence_role gauge\n");
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        add(t, "hafence_role{role=\"%s\"} %d\n", hfc_role_name(roles[i]), d->role == roles[i]);
    gauge(t, "hafence_pool_hosts", "Hosts in the pool view.", (double)d->view.count);
    gauge(t, "hafence_pool_enabled_hosts", "Hosts enabled in the pool (the quorum's base).", (double)enabled);
    gauge(t, "hafence_pool_live_hosts", "Hosts that answer, this one included.", (double)live);
    gauge(t, "hafence_quorum", "1 when live hosts are more than half the enabled ones.", 2 * live > enabled);
    gauge(t, "hafence_pool_ha_enabled", "0 when HA is switched off for the pool (custom field, native HA).",
          !*d->ha_off);
    gauge(t, "hafence_fencing_enabled", "FENCE_ENABLED.", d->dc.settings.fence_enabled);
    gauge(t, "hafence_suspended", "1 while this host is suspended after a self-fence (hafence recover ends it).",
          d->suspended);
    gauge(t, "hafence_pool_view_cached", "1 when the pool view is the cached one (XAPI did not answer).",
          d->view.cached);
}

static void peer_metrics(text *t, const hafenced *d)
{
    static const char *const states[] = {
        "ok", "suspect", "failed", "failed, not fenced", "fenced", "fenced (unverified)", "disabled"};
    char a[128];
    add(t, "# HELP hafence_peer_state Each peer's state (1 for the one it is in).\n"
           "# TYPE hafence_peer_state gauge\n");
    for (size_t i = 0; i < d->peer_count; i++) {
        const peer *p = &d->peers[i];
        const pool_host *h = pool_view_host(&d->view, p->uuid);
        const char *now = peer_state_text(d, p);
        for (size_t s = 0; s < sizeof states / sizeof states[0]; s++)
            add(t, "hafence_peer_state{peer=\"%s\",name=\"%s\",state=\"%s\"} %d\n", p->uuid,
                label(h ? h->name : "", a, sizeof a), states[s], strcmp(now, states[s]) == 0);
    }
    add(t, "# HELP hafence_peer_misses Checks a peer missed in a row.\n# TYPE hafence_peer_misses gauge\n");
    for (size_t i = 0; i < d->peer_count; i++)
        add(t, "hafence_peer_misses{peer=\"%s\"} %lld\n", d->peers[i].uuid, (long long)d->peers[i].watch.misses);
}

/* Readiness: each checked fence path, ready or not, and when it was checked. */
static void fence_path_metrics(text *t, const hafenced *d)
{
    const readiness *r = &d->readiness;
    char a[128], b[128], c[96], e[300];
    add(t, "# HELP hafence_fence_path_ready Whether the last check of a peer's fence path (one device of one "
           "level) found it working.\n# TYPE hafence_fence_path_ready gauge\n");
    for (size_t i = 0; i < r->count; i++) {
        const fence_path *p = &r->paths[i];
        const pool_host *h = pool_view_host(&d->view, p->host);
        if (p->state != FENCE_PATH_UNCHECKED)
            add(t, "hafence_fence_path_ready{peer=\"%s\",name=\"%s\",level=\"%u\",device=\"%s\",plugin=\"%s\"} %d\n",
                p->host, label(h ? h->name : "", a, sizeof a), p->level, label(p->device, b, sizeof b),
                label(p->plugin, c, sizeof c), p->state == FENCE_PATH_READY);
    }
    add(t, "# HELP hafence_fence_path_checked_timestamp_seconds When a peer's fence path was last checked.\n"
           "# TYPE hafence_fence_path_checked_timestamp_seconds gauge\n");
    for (size_t i = 0; i < r->count; i++) {
        const fence_path *p = &r->paths[i];
        if (p->state != FENCE_PATH_UNCHECKED)
            add(t, "hafence_fence_path_checked_timestamp_seconds{peer=\"%s\",level=\"%u\",device=\"%s\"} %.3f\n",
                p->host, p->level, label(p->device, e, sizeof e), (double)p->checked_ms / 1000.0);
    }
}

static void event_metrics(text *t, const daemon_metrics *m)
{
    char a[96], b[96], c[160];
    add(t, "# HELP hafence_events_total Events of the fence history by action, result and (for fences) "
           "method.\n# TYPE hafence_events_total counter\n");
    for (size_t i = 0; i < m->event_series; i++)
        add(t, "hafence_events_total{action=\"%s\",result=\"%s\",method=\"%s\"} %lld\n",
            label(m->events[i].action, a, sizeof a), label(m->events[i].result, b, sizeof b),
            label(m->events[i].method, c, sizeof c), m->events[i].count);
    add(t, "# HELP hafence_fence_duration_seconds Time of each fence, from the request to its end.\n"
           "# TYPE hafence_fence_duration_seconds histogram\n");
    for (int i = 0; i < METRICS_BUCKETS - 1; i++)
        add(t, "hafence_fence_duration_seconds_bucket{le=\"%g\"} %lld\n", bucket_le[i], m->fence_buckets[i]);
    add(t, "hafence_fence_duration_seconds_bucket{le=\"+Inf\"} %lld\n", m->fence_buckets[METRICS_BUCKETS - 1]);
    add(t, "hafence_fence_duration_seconds_sum %.3f\nhafence_fence_duration_seconds_count %lld\n", m->fence_seconds_sum,
        m->fence_count);
}

void metrics_write(hafenced *d)
{
    daemon_metrics *m = &d->metrics;
    const char *path = d->dc.ds.metrics_file;
    text t = {0};
    char *dir, *slash;
    size_t stable;
    hfc_error err = {0};
    if (!path || !*path)
        return;
    pool_metrics(&t, d);
    peer_metrics(&t, d);
    fence_path_metrics(&t, d);
    event_metrics(&t, m);
    /* what changes only with events; the view's age, last, changes every
     * pass and is written with the rest */
    stable = t.len;
    if (m->text && strlen(m->text) == stable && memcmp(m->text, t.buf, stable) == 0 &&
        hf_now_ms() - m->written_ms < METRICS_REFRESH_MS) {
        free(t.buf);
        return;
    }
    gauge(&t, "hafence_pool_view_age_seconds", "Age of the pool view read from XAPI (-1: none read yet).",
          d->view.read_ms ? (double)(hfc_wall_ms() - d->view.read_ms) / 1000.0 : -1);
    dir = hfc_strdup(path);
    slash = strrchr(dir, '/');
    *slash = '\0'; /* the key is an absolute path (checked as HFC_KEY_PATH) */
    if (hfc_file_replace(*dir ? dir : "/", slash + 1, t.buf, 0644, &err)) {
        free(m->text);
        t.buf[stable] = '\0';
        m->text = t.buf;
        m->written_ms = hf_now_ms();
        if (m->error_told)
            hfc_log(HF_LOG_WARNING, "metrics: %s written again", path);
        m->error_told = false;
    } else {
        if (!m->error_told)
            hfc_log(HF_LOG_ERROR, "metrics: cannot write %s: %s", path, err.message);
        m->error_told = true;
        free(t.buf);
    }
    free(dir);
}

void metrics_free(daemon_metrics *m)
{
    free(m->text);
    m->text = NULL;
}
