/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fence engine: the same semantics for every plugin.
 *  off    - read status; already off: done.  Else ask for off and poll the
 *           state (short first interval, growing) until it reads off or the
 *           power timeout passes; retry the request `retries` times.
 *  on     - ask for on, verify it reads on.
 *  reboot - off (verified), then on; a failed power-on after a verified off
 *           is a warning, not a failed fence.
 *  cycle  - the plugin's single power-cycle command (unverifiable).
 *  status, monitor, list, check - passed through.
 * A plugin without a verifiable status (its status says unsupported) gets
 * ok with verified false, shown as "done (unverified by hafence)": the
 * device's own word is all there is.
 */
#include "core/log.h"
#include "core/util.h"
#include "core/loader.h"
#include "core/engine.h"

#include <pthread.h>
#include <sys/resource.h>

typedef struct call_scope {
    const hfc_request *req;
    volatile sig_atomic_t *cancel;
} call_scope;

static void context_log(const hf_context *ctx, hf_log_level level, const char *message)
{
    const call_scope *scope = ctx->core_data;
    const hfc_request *req = scope->req;
    char cut[HF_MESSAGE_MAX];
    if (strlen(message) + 1 >= sizeof cut) {
        /* the plugin's line filled its buffer: it may end in part of a
         * secret, which the rule masks only at the end of its own buffer */
        hfc_strlcpy(cut, message, sizeof cut);
        hfc_redact(cut, sizeof cut);
        message = cut;
    }
    hfc_log(level, "%s%s%s%s%s: %s", hfc_plugin_name(req->plugin), req->host ? " host " : "",
            req->host ? req->host : "", req->target && *req->target ? " target " : "",
            req->target && *req->target ? req->target : "", message);
}

static int context_cancelled(const hf_context *ctx)
{
    const call_scope *scope = ctx->core_data;
    return (scope->cancel && *scope->cancel) || hf_now_ms() >= ctx->deadline_ms;
}

static int64_t context_now_ms(const hf_context *ctx)
{
    (void)ctx;
    return hf_now_ms();
}

/* A context for a call outside any plugin operation (a program the core
 * runs): its deadline, no other cancellation, log lines named by who. */
static void plain_log(const hf_context *ctx, hf_log_level level, const char *message)
{
    hfc_log(level, "%s: %s", (const char *)ctx->core_data, message);
}

static int plain_cancelled(const hf_context *ctx)
{
    return hf_now_ms() >= ctx->deadline_ms;
}

void hfc_context_plain(hf_context *ctx, int64_t deadline_ms, const char *who)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->size = sizeof *ctx;
    ctx->deadline_ms = deadline_ms;
    ctx->log = plain_log;
    ctx->cancelled = plain_cancelled;
    ctx->now_ms = context_now_ms;
    ctx->core_data = (void *)who;
}

static void context_init(hf_context *ctx, call_scope *scope, int64_t deadline_ms)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->size = sizeof *ctx;
    ctx->deadline_ms = deadline_ms;
    ctx->host = scope->req->host;
    ctx->log = context_log;
    ctx->cancelled = context_cancelled;
    ctx->core_data = scope;
    ctx->now_ms = context_now_ms;
}

const char *hfc_action_name(hfc_action action)
{
    static const char *const names[] = {"off",  "on",    "reboot",  "cycle",    "status", "monitor",
                                        "list", "check", "console", "validate", "probe"};
    return (unsigned)action < sizeof names / sizeof names[0] ? names[action] : "unknown";
}

bool hfc_action_parse(const char *word, hfc_action *out)
{
    for (int a = HFC_ACTION_OFF; a <= HFC_ACTION_VALIDATE; a++) {
        if (strcmp(word, hfc_action_name((hfc_action)a)) == 0) {
            *out = (hfc_action)a;
            return true;
        }
    }
    return false;
}

void hfc_engine_options_init(hfc_engine_options *opts)
{
    opts->timeout_ms = 60000;
    opts->power_timeout_ms = 20000;
    opts->retries = 1;
    opts->isolate = true;
    opts->max_parallel = 0;
    opts->thread_stack = 0;
    opts->cancel = NULL;
    opts->on_orphan = NULL;
    opts->orphan_arg = NULL;
    opts->on_progress = NULL;
    opts->progress_arg = NULL;
}

void hfc_outcome_clear(hfc_outcome *out)
{
    for (size_t i = 0; i < out->item_count; i++) {
        free(out->items[i].target);
        free(out->items[i].name);
    }
    free(out->items);
    memset(out, 0, sizeof *out);
}

/* Errors that retrying the same request cannot mend. */
static bool final_error(hf_result code)
{
    return code == HF_E_BAD_PARAMETER || code == HF_E_AUTH_REFUSED || code == HF_E_UNSUPPORTED ||
           code == HF_E_CANCELLED || code == HF_E_PLUGIN_FAILED;
}

/* One plugin call's reply normalised: an empty message gets the code's name,
 * an out-of-range code is a protocol breach. */
static hf_result settle(hf_result code, hf_reply *reply)
{
    if ((unsigned)code >= HF_RESULT_COUNT) {
        snprintf(reply->message, sizeof reply->message, "plugin returned result code %d, which is not part of the ABI",
                 (int)code);
        return HF_E_PLUGIN_FAILED;
    }
    reply->message[sizeof reply->message - 1] = '\0';
    if (!reply->message[0])
        snprintf(reply->message, sizeof reply->message, "%s", hf_result_name(code));
    hfc_redact(reply->message, sizeof reply->message);
    return code;
}

typedef struct fence_call {
    const hfc_request *req;
    void *instance;
    hf_context ctx;
    call_scope scope;
    const hfc_engine_options *opts;
    int64_t deadline_ms;
    int64_t answer_ms; /* how long the device took to answer the last call */
} fence_call;

int64_t hfc_readback_wait_ms(int n, int64_t answer_ms)
{
    int64_t wait = n >= 8 ? HFC_READBACK_MAX_MS : HFC_READBACK_FIRST_MS << n;
    if (n > 0 && wait < answer_ms)
        wait = answer_ms;
    return wait > HFC_READBACK_MAX_MS ? HFC_READBACK_MAX_MS : wait;
}

static hf_result call_status(fence_call *c, hf_power *power, hf_reply *reply)
{
    hf_fence_status_fn *fn = hfc_plugin_fence_status(c->req->plugin);
    hf_result r;
    int64_t start = hf_now_ms();
    memset(reply, 0, sizeof *reply);
    r = settle(fn(c->instance, &c->ctx, c->req->target, reply), reply);
    c->answer_ms = hf_now_ms() - start;
    *power = r == HF_OK ? reply->power : HF_POWER_UNKNOWN;
    if (r == HF_OK && *power != HF_POWER_ON && *power != HF_POWER_OFF)
        *power = HF_POWER_UNKNOWN;
    return r;
}

static hf_result call_power(fence_call *c, hf_fence_power_fn *fn, hf_reply *reply)
{
    int64_t start = hf_now_ms();
    hf_result r;
    memset(reply, 0, sizeof *reply);
    if (!fn)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "%s does not offer this action", hfc_plugin_name(c->req->plugin));
    r = settle(fn(c->instance, &c->ctx, c->req->target, reply), reply);
    c->answer_ms = hf_now_ms() - start;
    return r;
}

static bool timed_out(const fence_call *c)
{
    return hf_now_ms() >= c->deadline_ms || (c->scope.cancel && *c->scope.cancel);
}

static void finish(hfc_outcome *out, hf_result code, const char *fmt, ...) HF_PRINTF(3, 4);
static void finish(hfc_outcome *out, hf_result code, const char *fmt, ...)
{
    va_list ap;
    out->code = code;
    va_start(ap, fmt);
    hfc_vformat_redacted(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

/* -v: the engine's steps, with the time the operation has left. */
static void trace(const fence_call *c, const char *fmt, ...) HF_PRINTF(2, 3);
static void trace(const fence_call *c, const char *fmt, ...)
{
    char step[HF_MESSAGE_MAX + 256];
    va_list ap;
    const char *t = c->req->target;
    va_start(ap, fmt);
    vsnprintf(step, sizeof step, fmt, ap);
    va_end(ap);
    hfc_log(HF_LOG_INFO, "%s%s%s: %s (%.1f s left)", hfc_plugin_name(c->req->plugin), t && *t ? " " : "", t ? t : "",
            step, (double)(c->deadline_ms - hf_now_ms()) / 1000.0);
}

/* Ask for `want` (via action id) and poll until the state reads `want`. */
static void power_verified(fence_call *c, hf_fence_power_fn *fn, hf_power want, hfc_outcome *out)
{
    const char *word = hf_power_name(want);
    hf_reply reply;
    hf_power now;
    hf_result r = call_status(c, &now, &reply);
    int reads = 0;

    trace(c, "status before power %s: %s", word, r == HF_OK ? hf_power_name(now) : reply.message);
    if (r == HF_E_UNSUPPORTED) {
        /* no way to read the state back: the device's word is all we have */
        r = call_power(c, fn, &reply);
        out->attempts = 1;
        out->verified = false;
        out->unverifiable = true;
        if (r == HF_OK)
            finish(out, HF_OK, "%s", reply.message); /* verified stays false */
        else
            finish(out, r, "%s", reply.message);
        return;
    }
    if (r == HF_OK && now == want) {
        out->already = out->verified = true;
        out->power = now;
        finish(out, HF_OK, "already %s (read from the device)", word);
        return;
    }
    if (final_error(r)) {
        finish(out, r, "status before power %s: %s", word, reply.message);
        return;
    }

    hf_result last = r;
    char last_msg[HF_MESSAGE_MAX];
    snprintf(last_msg, sizeof last_msg, "%s", reply.message);
    for (int attempt = 0; attempt <= c->opts->retries && !timed_out(c); attempt++) {
        int64_t until;
        int nth = 0; /* read-backs after this request */
        out->attempts++;
        trace(c, "power %s request %d of %d sent", word, attempt + 1, c->opts->retries + 1);
        r = call_power(c, fn, &reply);
        if (r == HF_OK)
            trace(c, "power %s request %d accepted (%s); reading back", word, attempt + 1, reply.message);
        if (r != HF_OK) {
            last = r;
            snprintf(last_msg, sizeof last_msg, "power %s request: %.960s", word, reply.message);
            hfc_log(HF_LOG_WARNING, "%s: attempt %d: %s", hfc_plugin_name(c->req->plugin), attempt + 1, last_msg);
            if (final_error(r))
                break;
            /* a busy or flapping device gets a moment before the next try */
            if (attempt < c->opts->retries) {
                int64_t left = c->deadline_ms - hf_now_ms();
                hfc_sleep_ms(left < 250 ? left : 250, c->scope.cancel);
            }
            continue;
        }
        until = hf_now_ms() + c->opts->power_timeout_ms;
        if (until > c->deadline_ms)
            until = c->deadline_ms;
        for (;;) {
            int64_t left = until - hf_now_ms();
            if (left <= 0)
                break;
            int64_t wait = hfc_readback_wait_ms(nth++, c->answer_ms);
            hfc_sleep_ms(wait < left ? wait : left, c->scope.cancel);
            if (timed_out(c))
                break;
            r = call_status(c, &now, &reply);
            out->power = now;
            trace(c, "read back %d: %s", ++reads, r == HF_OK ? hf_power_name(now) : reply.message);
            if (r == HF_OK && now == want) {
                out->verified = true;
                finish(out, HF_OK, "power %s verified (read back %s after %d request%s)", word, word, out->attempts,
                       out->attempts > 1 ? "s" : "");
                return;
            }
            last = r == HF_OK ? HF_E_UNVERIFIED : r;
            snprintf(last_msg, sizeof last_msg, "asked for power %s, device still reads %s%s%.900s", word,
                     hf_power_name(now), r == HF_OK ? "" : ": ", r == HF_OK ? "" : reply.message);
            if (final_error(r))
                break;
        }
        if (final_error(last))
            break;
    }
    if (timed_out(c) && last != HF_E_AUTH_REFUSED && last != HF_E_BAD_PARAMETER) {
        finish(out, c->scope.cancel && *c->scope.cancel ? HF_E_CANCELLED : HF_E_TIMED_OUT,
               "deadline passed before power %s was read back; last: %s", word, last_msg);
        return;
    }
    if (last == HF_OK)
        last = HF_E_UNVERIFIED;
    finish(out, last, "%s", last_msg);
}

static void list_sink(void *arg, const char *target, const char *name)
{
    hfc_outcome *out = arg;
    if (!target || out->item_count >= 100000)
        return;
    out->items = hfc_realloc(out->items, (out->item_count + 1) * sizeof *out->items);
    out->items[out->item_count].target = hfc_strdup(target);
    out->items[out->item_count].name = hfc_strdup(name ? name : "");
    out->item_count++;
}

/* probe: an address that answered has the empty name; one that did not,
 * why (never empty) */
static void probe_sink(void *arg, const char *address, const char *why)
{
    list_sink(arg, address, !why ? "" : *why ? why : "no answer");
}

static void run_fence(fence_call *c, hfc_outcome *out)
{
    hf_reply reply;
    hf_result r;
    switch (c->req->action) {
    case HFC_ACTION_OFF: power_verified(c, hfc_plugin_fence_off(c->req->plugin), HF_POWER_OFF, out); return;
    case HFC_ACTION_ON: power_verified(c, hfc_plugin_fence_on(c->req->plugin), HF_POWER_ON, out); return;
    case HFC_ACTION_REBOOT: {
        hf_power now;
        /* a plugin that cannot read state back: its own reboot, if any */
        if (call_status(c, &now, &reply) == HF_E_UNSUPPORTED && hfc_plugin_fence_reboot(c->req->plugin)) {
            r = call_power(c, hfc_plugin_fence_reboot(c->req->plugin), &reply);
            out->attempts = 1;
            out->unverifiable = true;
            if (r == HF_OK)
                finish(out, HF_OK, "%s", reply.message); /* verified stays false */
            else
                finish(out, r, "%s", reply.message);
            return;
        }
        power_verified(c, hfc_plugin_fence_off(c->req->plugin), HF_POWER_OFF, out);
        if (out->code != HF_OK)
            return;
        {
            bool off_verified = out->verified;
            char off_msg[HF_MESSAGE_MAX];
            hfc_outcome on = {0};
            snprintf(off_msg, sizeof off_msg, "%s", out->message);
            power_verified(c, hfc_plugin_fence_on(c->req->plugin), HF_POWER_ON, &on);
            out->attempts += on.attempts;
            out->power = on.power;
            if (on.code == HF_OK) {
                snprintf(out->message, sizeof out->message, "rebooted: %.480s; %.480s", off_msg, on.message);
                out->verified = off_verified && on.verified;
            } else {
                /* fenced all the same: the off was verified */
                out->warning = true;
                out->verified = off_verified;
                snprintf(out->message, sizeof out->message, "fenced (%.400s); warning: power on failed: %s: %.400s",
                         off_msg, hf_result_name(on.code), on.message);
            }
            hfc_outcome_clear(&on);
        }
        return;
    }
    case HFC_ACTION_CYCLE:
        r = call_power(c, hfc_plugin_fence_cycle(c->req->plugin), &reply);
        out->attempts = 1;
        if (r == HF_OK)
            finish(out, HF_OK, "power cycled (unverifiable by design): %s", reply.message);
        else
            finish(out, r, "%s", reply.message);
        return;
    case HFC_ACTION_STATUS:
        r = call_status(c, &out->power, &reply);
        out->verified = r == HF_OK && out->power != HF_POWER_UNKNOWN;
        finish(out, r, "%s", reply.message);
        return;
    case HFC_ACTION_MONITOR: {
        hf_fence_monitor_fn *fn = hfc_plugin_fence_monitor(c->req->plugin);
        memset(&reply, 0, sizeof reply);
        r = settle(fn(c->instance, &c->ctx, &reply), &reply);
        finish(out, r, "%s", reply.message);
        return;
    }
    case HFC_ACTION_LIST: {
        hf_fence_list_fn *fn = hfc_plugin_fence_list(c->req->plugin);
        memset(&reply, 0, sizeof reply);
        if (!fn) {
            finish(out, HF_E_UNSUPPORTED, "%s cannot list targets", hfc_plugin_name(c->req->plugin));
            return;
        }
        r = settle(fn(c->instance, &c->ctx, list_sink, out, &reply), &reply);
        finish(out, r, "%s", reply.message);
        return;
    }
    case HFC_ACTION_CONSOLE: {
        hf_fence_console_fn *fn = hfc_plugin_fence_console(c->req->plugin);
        memset(&reply, 0, sizeof reply);
        if (!fn) {
            finish(out, HF_E_UNSUPPORTED, "%s cannot show a console", hfc_plugin_name(c->req->plugin));
            return;
        }
        r = settle(fn(c->instance, &c->ctx, c->req->target, c->req->console_fd, &reply), &reply);
        finish(out, r, "%s", reply.message);
        return;
    }
    case HFC_ACTION_VALIDATE: finish(out, HF_OK, "%s accepts the parameters", hfc_plugin_name(c->req->plugin)); return;
    case HFC_ACTION_CHECK:
    case HFC_ACTION_PROBE: break;
    }
    finish(out, HF_E_UNSUPPORTED, "action %s does not apply to a fence plugin", hfc_action_name(c->req->action));
}

static void run_heuristic(const hfc_request *req, hf_context *ctx, hfc_outcome *out)
{
    hf_heur_create_fn *create = hfc_plugin_heur_create(req->plugin);
    hf_heur_destroy_fn *destroy = hfc_plugin_heur_destroy(req->plugin);
    hf_heur_check_fn *check = hfc_plugin_heur_check(req->plugin);
    hf_heur_probe_fn *probe = hfc_plugin_heur_probe(req->plugin);
    hf_reply reply = {0};
    void *instance = NULL;
    hf_result r;

    out->vote = HF_VOTE_UNKNOWN;
    if (req->action != HFC_ACTION_CHECK && req->action != HFC_ACTION_PROBE) {
        finish(out, HF_E_UNSUPPORTED, "a heuristic plugin only checks (asked: %s)", hfc_action_name(req->action));
        return;
    }
    if (req->action == HFC_ACTION_PROBE && !probe) {
        finish(out, HF_E_UNSUPPORTED, "%s cannot report each address (no probe entry point)",
               hfc_plugin_name(req->plugin));
        return;
    }
    r = settle(create(ctx, req->params, &instance, &reply), &reply);
    if (r != HF_OK) {
        finish(out, r, "create: %s", reply.message);
        return;
    }
    memset(&reply, 0, sizeof reply);
    if (req->action == HFC_ACTION_PROBE) {
        r = settle(probe(instance, ctx, probe_sink, out, &reply), &reply);
    } else {
        r = settle(check(instance, ctx, &reply), &reply);
        out->vote = r == HF_OK ? reply.vote : HF_VOTE_UNKNOWN;
        if (out->vote != HF_VOTE_PASS && out->vote != HF_VOTE_FAIL)
            out->vote = HF_VOTE_UNKNOWN;
    }
    finish(out, r, "%s", reply.message);
    destroy(instance);
}

void hfc_engine_execute(const hfc_engine_options *opts, const hfc_request *req, int64_t deadline_ms,
                        volatile sig_atomic_t *cancel, hfc_outcome *out)
{
    fence_call c = {.req = req, .opts = opts, .deadline_ms = deadline_ms};
    int64_t start = hf_now_ms();
    hf_reply reply = {0};
    hf_result r;

    c.scope.req = req;
    c.scope.cancel = cancel;
    context_init(&c.ctx, &c.scope, deadline_ms);
    out->power = HF_POWER_UNKNOWN;

    if (hfc_plugin_descriptor_of(req->plugin)->kind == HF_KIND_HEURISTIC) {
        run_heuristic(req, &c.ctx, out);
    } else {
        hf_fence_create_fn *create = hfc_plugin_fence_create(req->plugin);
        hf_fence_destroy_fn *destroy = hfc_plugin_fence_destroy(req->plugin);
        r = settle(create(&c.ctx, req->params, &c.instance, &reply), &reply);
        if (r != HF_OK) {
            finish(out, r, "create: %s", reply.message);
        } else {
            run_fence(&c, out);
            destroy(c.instance);
        }
    }
    if (cancel && *cancel && out->code != HF_OK && out->code != HF_E_CANCELLED) {
        /* what a stop request cut short is cancelled, whatever the plugin
         * made of its interrupted exchange (a script killed by SIGTERM) */
        char was[HF_MESSAGE_MAX];
        snprintf(was, sizeof was, "%s", out->message);
        out->code = HF_E_CANCELLED;
        snprintf(out->message, sizeof out->message, "cancelled on request: %.1000s", was);
    }
    hfc_redact(out->message, sizeof out->message);
    out->duration_ms = hf_now_ms() - start;
}

/* ---- running many requests ---------------------------------------------- */

/* The plugin's own deadline comes a little before the one the core enforces,
 * so that a well-behaved plugin reports instead of being killed. */
static int64_t plugin_deadline(int64_t deadline_ms, int64_t timeout_ms)
{
    int64_t margin = timeout_ms / 10;
    if (margin > 500)
        margin = 500;
    return deadline_ms - margin;
}

typedef struct job {
    const hfc_engine_options *opts;
    const hfc_request *req;
    hfc_outcome *out;
    int64_t deadline_ms;
    volatile sig_atomic_t cancel;
} job;

static void isolated_entry(void *arg, int64_t deadline_ms, volatile sig_atomic_t *cancel, hfc_outcome *out)
{
    job *j = arg;
    hfc_engine_execute(j->opts, j->req, deadline_ms, cancel, out);
}

static void isolated_orphan(void *arg, hfc_outcome *out)
{
    job *j = arg;
    if (j->opts->on_orphan)
        j->opts->on_orphan(j->opts->orphan_arg, j->req, out);
}

/* Isolated: at most `width` children at once; as one ends the next starts,
 * each with its whole timeout from its own start. */
static void run_isolated(job *jobs, size_t n, size_t width)
{
    hfc_child **slots = hfc_calloc(width, sizeof *slots);
    size_t *slot_job = hfc_calloc(width, sizeof *slot_job);
    size_t next = 0, active = 0, done = 0, failed = 0;
    const hfc_engine_options *opts = jobs[0].opts;
    while (next < n || active) {
        for (size_t s = 0; s < width && next < n; s++) {
            if (slots[s])
                continue;
            jobs[next].deadline_ms = hf_now_ms() + jobs[next].opts->timeout_ms;
            /* no orphan function where nothing is recorded: the child
             * then watches without a thread (isolate.c) */
            slots[s] = hfc_child_start(isolated_entry, jobs[next].opts->on_orphan ? isolated_orphan : NULL, &jobs[next],
                                       jobs[next].deadline_ms, jobs[next].out);
            slot_job[s] = next;
            next++;
            active++;
        }
        hfc_children_step(slots, width);
        if (jobs[0].opts->cancel && *jobs[0].opts->cancel) {
            next = n; /* start nothing more */
            for (size_t s = 0; s < width; s++)
                if (slots[s])
                    hfc_child_cancel(slots[s]);
        }
        for (size_t s = 0; s < width; s++) {
            if (slots[s] && hfc_child_finished(slots[s])) {
                hfc_child_free(slots[s]);
                slots[s] = NULL;
                active--;
                done++;
                failed += jobs[slot_job[s]].out->code != HF_OK;
            }
        }
        if (opts->on_progress)
            opts->on_progress(opts->progress_arg, done, failed, active, n);
    }
    free(slot_job);
    free(slots);
}

/* In-process: `width` worker threads take the next request in turn.  The
 * deadline is the plugin's to honour here: nothing can kill a thread. */
typedef struct pool {
    job *jobs;
    size_t n, next;
    pthread_mutex_t lock;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        job *j;
        pthread_mutex_lock(&p->lock);
        j = p->next < p->n ? &p->jobs[p->next++] : NULL;
        pthread_mutex_unlock(&p->lock);
        if (!j)
            return NULL;
        j->deadline_ms = hf_now_ms() + j->opts->timeout_ms;
        /* the caller's cancel flag, when it has one, reaches running calls */
        hfc_engine_execute(j->opts, j->req, plugin_deadline(j->deadline_ms, j->opts->timeout_ms),
                           j->opts->cancel ? j->opts->cancel : &j->cancel, j->out);
    }
}

static void run_in_process(job *jobs, size_t n, size_t width, size_t stack)
{
    pool p = {jobs, n, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t *threads = hfc_calloc(width, sizeof *threads);
    pthread_attr_t attr;
    size_t started = 0;
    /* small stacks fit glibc's cache of freed stacks: a daemon that runs
     * its probes every second reuses them instead of mapping them anew */
    pthread_attr_init(&attr);
    if (stack)
        pthread_attr_setstacksize(&attr, stack);
    while (started < width && pthread_create(&threads[started], &attr, worker, &p) == 0)
        started++;
    pthread_attr_destroy(&attr);
    if (!started)
        worker(&p); /* no thread to be had: one after the other, here */
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
}

size_t hfc_engine_width(const hfc_engine_options *opts, size_t n)
{
    size_t width = opts->max_parallel && opts->max_parallel < n ? opts->max_parallel : n;
    struct rlimit files;
    if (width > HFC_ENGINE_MAX_PARALLEL)
        width = HFC_ENGINE_MAX_PARALLEL;
    if (opts->isolate && getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
        size_t fit = files.rlim_cur > HFC_ENGINE_FD_RESERVE + 2 ? (files.rlim_cur - HFC_ENGINE_FD_RESERVE) / 2 : 1;
        width = width < fit ? width : fit;
    }
    return width ? width : 1;
}

void hfc_engine_run(const hfc_engine_options *opts, const hfc_request *requests, size_t n, hfc_outcome *outcomes)
{
    size_t width = hfc_engine_width(opts, n);
    job *jobs;
    if (!n)
        return;
    jobs = hfc_calloc(n, sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        memset(&outcomes[i], 0, sizeof outcomes[i]);
        jobs[i].opts = opts;
        jobs[i].req = &requests[i];
        jobs[i].out = &outcomes[i];
    }
    if (opts->isolate)
        run_isolated(jobs, n, width);
    else
        run_in_process(jobs, n, width, opts->thread_stack);
    free(jobs);
}
