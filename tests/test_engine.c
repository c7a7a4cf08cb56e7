/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fence engine through the dummy plugin: verify polling, a device that
 * never reports off, timeouts, retries, reboot semantics, parallel targets.
 * Durations are never asserted (no timing assertion in unit tests). */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "tests/tap.h"
#include "tests/test_env.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char state_dir[] = "/tmp/hafence-engine-XXXXXX";
static hfc_plugin *dummy;

static void set_state(const char *target, const char *state)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", state_dir, target);
    f = fopen(path, "w");
    fprintf(f, "%s\n", state);
    fclose(f);
}

/* The state the dummy device shows now (a pending change counts once due). */
static const char *get_state(const char *target)
{
    static char now[16];
    char path[512], next[16] = "";
    long long when = 0;
    struct timespec ts;
    FILE *f;
    int n = 0;
    snprintf(path, sizeof path, "%s/%s", state_dir, target);
    now[0] = '\0';
    if ((f = fopen(path, "r"))) {
        n = fscanf(f, "%15s %15s %lld", now, next, &when);
        fclose(f);
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    if (n == 3 && (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 >= when)
        snprintf(now, sizeof now, "%s", next);
    return now;
}

/* Run one action on target with dummy parameters given as name, value... */
static void run(bool isolate, hfc_action action, const char *target, hfc_engine_options *o, hfc_outcome *out,
                const char *const *pairs)
{
    hfc_paramset *set = hfc_paramset_new();
    hfc_error err = {0};
    hf_param *params;
    hfc_request req;
    hfc_paramset_set(set, "state_dir", state_dir);
    for (; pairs && *pairs; pairs += 2)
        hfc_paramset_set(set, pairs[0], pairs[1]);
    params = hfc_params_validate(hfc_plugin_descriptor_of(dummy)->params, set, "dummy", &err);
    if (!params)
        diag("params: %s", err.message);
    req = (hfc_request){dummy, params, "2f4a4020-fe8c-4686-a65d-501a19a06716", target, action, -1};
    o->isolate = isolate;
    hfc_engine_run(o, &req, 1, out);
    hfc_params_free(params);
    hfc_paramset_free(set);
}

static hfc_engine_options fast(void)
{
    hfc_engine_options o;
    hfc_engine_options_init(&o);
    o.timeout_ms = 10000;
    o.power_timeout_ms = 3000;
    return o;
}

static void both_modes(bool isolate)
{
    const char *mode = isolate ? "isolated" : "in-process";
    hfc_engine_options o = fast();
    hfc_outcome out;

    set_state("h1", "on");
    run(isolate, HFC_ACTION_STATUS, "h1", &o, &out, NULL);
    ok(out.code == HF_OK && out.power == HF_POWER_ON, "%s: status reads on", mode);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_OFF, "h1", &o, &out, NULL);
    ok(out.code == HF_OK && out.verified && !out.already, "%s: off is done and verified: %s", mode, out.message);
    ok(strcmp(get_state("h1"), "off") == 0, "%s: the device really is off", mode);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_OFF, "h1", &o, &out, NULL);
    ok(out.code == HF_OK && out.already && out.verified && out.attempts == 0,
       "%s: already off: done without a request: %s", mode, out.message);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_ON, "h1", &o, &out, NULL);
    ok(out.code == HF_OK && out.verified && strcmp(get_state("h1"), "on") == 0, "%s: on verified", mode);
    hfc_outcome_clear(&out);

    /* the state reads off only after a while: the engine polls until it does */
    run(isolate, HFC_ACTION_OFF, "h1", &o, &out, (const char *const[]){"delay_ms", "700", NULL});
    ok(out.code == HF_OK && out.verified, "%s: slow device: off verified by polling: %s", mode, out.message);
    hfc_outcome_clear(&out);

    /* a device that never reports off: unverified, never "done" */
    set_state("h2", "on");
    o.power_timeout_ms = 600;
    o.retries = 1;
    run(isolate, HFC_ACTION_OFF, "h2", &o, &out, (const char *const[]){"misbehave", "lie", NULL});
    ok(out.code == HF_E_UNVERIFIED && !out.verified, "%s: lying device: unverified, not done: %s", mode, out.message);
    ok(out.attempts == 2, "%s: the request was retried once (%d attempts)", mode, out.attempts);
    hfc_outcome_clear(&out);
    o = fast();

    /* retry: the first request fails, the second works */
    set_state("h3", "on");
    run(isolate, HFC_ACTION_OFF, "h3", &o, &out, (const char *const[]){"misbehave", "fail", "fail_times", "1", NULL});
    ok(out.code == HF_OK && out.verified && out.attempts == 2, "%s: retry after unreachable: %s", mode, out.message);
    hfc_outcome_clear(&out);
    set_state("h3", "on");
    run(isolate, HFC_ACTION_OFF, "h3", &o, &out, (const char *const[]){"misbehave", "fail", "fail_times", "5", NULL});
    ok(out.code == HF_E_UNREACHABLE && out.attempts == 2, "%s: retries exhausted: unreachable: %s", mode, out.message);
    ok(strcmp(get_state("h3"), "on") == 0, "%s: still on", mode);
    hfc_outcome_clear(&out);
    o.retries = 3;
    run(isolate, HFC_ACTION_OFF, "h3", &o, &out, (const char *const[]){"misbehave", "fail", "fail_times", "3", NULL});
    ok(out.code == HF_OK && out.attempts == 4, "%s: retries option honoured (%d attempts)", mode, out.attempts);
    hfc_outcome_clear(&out);
    o = fast();

    set_state("h4", "on");
    run(isolate, HFC_ACTION_OFF, "h4", &o, &out, (const char *const[]){"misbehave", "refuse", NULL});
    ok(out.code == HF_E_DEVICE_REFUSED, "%s: device refusal reported: %s", mode, out.message);
    ok_has(out.message, "dummy device refused off", "%s: the device's own reason is kept", mode);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_OFF, "h4", &o, &out,
        (const char *const[]){"password", "wrong-one", "expect_password", "right-one", NULL});
    ok(out.code == HF_E_AUTH_REFUSED && out.attempts == 0, "%s: auth refused, no power request: %s", mode, out.message);
    hfc_outcome_clear(&out);

    /* the whole operation's deadline */
    set_state("h5", "on");
    o.timeout_ms = 1500;
    o.power_timeout_ms = 20000;
    run(isolate, HFC_ACTION_OFF, "h5", &o, &out, (const char *const[]){"delay_ms", "60000", NULL});
    ok(out.code == HF_E_TIMED_OUT && !out.verified, "%s: deadline passes: timed out: %s", mode, out.message);
    hfc_outcome_clear(&out);
    o = fast();

    /* reboot: off verified, then on */
    set_state("h6", "on");
    run(isolate, HFC_ACTION_REBOOT, "h6", &o, &out, NULL);
    ok(out.code == HF_OK && out.verified && !out.warning && strcmp(get_state("h6"), "on") == 0,
       "%s: reboot: off verified then on: %s", mode, out.message);
    hfc_outcome_clear(&out);
    run(isolate, HFC_ACTION_REBOOT, "h6", &o, &out,
        (const char *const[]){"misbehave", "refuse", "misbehave_on", "on", NULL});
    ok(out.code == HF_OK && out.warning && strcmp(get_state("h6"), "off") == 0,
       "%s: reboot whose power-on fails: fenced, with a warning: %s", mode, out.message);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_CYCLE, "h6", &o, &out, NULL);
    ok(out.code == HF_E_UNSUPPORTED, "%s: cycle without the entry point: unsupported", mode);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_STATUS, "no-such-target", &o, &out, NULL);
    ok(out.code == HF_E_BAD_PARAMETER, "%s: unknown target: bad parameter: %s", mode, out.message);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_OFF, "h6", &o, &out,
        (const char *const[]){"misbehave", "garbage", "misbehave_on", "status", NULL});
    ok(out.code == HF_E_PLUGIN_FAILED, "%s: out-of-range result code: plugin-failed: %s", mode, out.message);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_LIST, "", &o, &out, NULL);
    ok(out.code == HF_OK && out.item_count >= 6, "%s: list returns the device's targets (%zu)", mode, out.item_count);
    hfc_outcome_clear(&out);

    run(isolate, HFC_ACTION_MONITOR, "", &o, &out, NULL);
    ok(out.code == HF_OK, "%s: monitor: %s", mode, out.message);
    hfc_outcome_clear(&out);
}

/* n dummy targets named PREFIX0.., each switched on, one off request per
 * target with the dummy's delay_ms: what the parallel cases fence. */
typedef struct batch {
    int n;
    hfc_request *reqs;
    hfc_outcome *outs;
    char (*names)[16];
    hfc_paramset *set;
    hf_param *params;
} batch;

static batch batch_new(const char *prefix, int n, const char *delay_ms)
{
    batch b = {n,
               hfc_calloc((size_t)n, sizeof *b.reqs),
               hfc_calloc((size_t)n, sizeof *b.outs),
               hfc_calloc((size_t)n, sizeof *b.names),
               hfc_paramset_new(),
               NULL};
    hfc_error err;
    hfc_paramset_set(b.set, "state_dir", state_dir);
    hfc_paramset_set(b.set, "delay_ms", delay_ms);
    b.params = hfc_params_validate(hfc_plugin_descriptor_of(dummy)->params, b.set, "dummy", &err);
    for (int i = 0; i < n; i++) {
        snprintf(b.names[i], sizeof b.names[i], "%s%d", prefix, i);
        b.reqs[i] = (hfc_request){dummy, b.params, NULL, b.names[i], HFC_ACTION_OFF, -1};
    }
    return b;
}

/* Switch every target on, fence them all in one engine call; true when
 * each came back done, verified and off (the first that did not is told). */
static bool batch_fence(batch *b, const hfc_engine_options *o)
{
    bool all = true;
    for (int i = 0; i < b->n; i++)
        set_state(b->names[i], "on");
    hfc_engine_run(o, b->reqs, (size_t)b->n, b->outs);
    for (int i = 0; i < b->n; i++) {
        if (all && !(b->outs[i].code == HF_OK && b->outs[i].verified && strcmp(get_state(b->names[i]), "off") == 0)) {
            diag("%s: %s", b->names[i], b->outs[i].message);
            all = false;
        }
        hfc_outcome_clear(&b->outs[i]);
    }
    return all;
}

static void batch_free(batch *b)
{
    hfc_params_free(b->params);
    hfc_paramset_free(b->set);
    free(b->names);
    free(b->outs);
    free(b->reqs);
}

static void parallel(bool isolate)
{
    hfc_engine_options o = fast();
    batch b = batch_new("p", 8, "300");
    o.isolate = isolate;
    ok(batch_fence(&b, &o), "%s: %d targets fenced in one call, each verified off", isolate ? "isolated" : "in-process",
       b.n);
    o.max_parallel = 3;
    ok(batch_fence(&b, &o), "%s: bounded concurrency (3 at a time) fences all %d", isolate ? "isolated" : "in-process",
       b.n);
    batch_free(&b);
}

/* Many targets in a process with few descriptors: the engine keeps as
 * many running as its open files allow (2 each) and fences them all,
 * where one child per target at once would run out of pipes. */
static void many_bounded(void)
{
    hfc_engine_options o = fast();
    batch b = batch_new("m", 120, "20");
    struct rlimit was, few;
    bool all;
    ok(hfc_engine_width(&o, 1000) == HFC_ENGINE_MAX_PARALLEL, "1000 targets: %d at once at most",
       HFC_ENGINE_MAX_PARALLEL);
    getrlimit(RLIMIT_NOFILE, &was);
    few = was;
    few.rlim_cur = HFC_ENGINE_FD_RESERVE + 32;
    ok(setrlimit(RLIMIT_NOFILE, &few) == 0, "open files limited to %d", (int)few.rlim_cur);
    ok(hfc_engine_width(&o, (size_t)b.n) == 16, "%d descriptors: 16 operations at once", (int)few.rlim_cur);
    all = batch_fence(&b, &o);
    setrlimit(RLIMIT_NOFILE, &was);
    ok(all, "all %d targets fenced and verified off with %d open files", b.n, (int)few.rlim_cur);
    batch_free(&b);
}

static void heuristics(void)
{
    char file[4096];
    hfc_error err = {0};
    hfc_plugin *h = hfc_plugin_load(plugin_file("heur_static", file, sizeof file), &err);
    hfc_paramset *a = hfc_paramset_new(), *b = hfc_paramset_new();
    hf_param *pa, *pb;
    hfc_request reqs[2];
    hfc_outcome outs[2];
    hfc_engine_options o = fast();
    ok(h != NULL, "heuristic test plugin loads: %s", err.message);
    if (!h)
        return;
    hfc_paramset_set(a, "vote", "pass");
    hfc_paramset_set(b, "vote", "fail");
    pa = hfc_params_validate(hfc_plugin_descriptor_of(h)->params, a, "static", &err);
    pb = hfc_params_validate(hfc_plugin_descriptor_of(h)->params, b, "static", &err);
    reqs[0] = (hfc_request){h, pa, NULL, "", HFC_ACTION_CHECK, -1};
    reqs[1] = (hfc_request){h, pb, NULL, "", HFC_ACTION_CHECK, -1};
    o.isolate = false;
    hfc_engine_run(&o, reqs, 2, outs);
    ok(outs[0].vote == HF_VOTE_PASS && outs[1].vote == HF_VOTE_FAIL,
       "two instances of one plugin side by side keep their own parameters");
    hfc_outcome_clear(&outs[0]);
    hfc_outcome_clear(&outs[1]);
    reqs[0].action = HFC_ACTION_OFF;
    hfc_engine_run(&o, reqs, 1, outs);
    ok(outs[0].code == HF_E_UNSUPPORTED, "a heuristic cannot be asked to power off");
    hfc_outcome_clear(&outs[0]);
    hfc_params_free(pa);
    hfc_params_free(pb);
    hfc_paramset_free(a);
    hfc_paramset_free(b);
    hfc_plugin_unload(h);
}

static void cancellation(void)
{
    hfc_engine_options o = fast();
    hfc_paramset *set = hfc_paramset_new();
    hfc_error err;
    hf_param *params;
    hfc_outcome out = {0};
    volatile sig_atomic_t cancel = 1;
    hfc_request req;
    hfc_paramset_set(set, "state_dir", state_dir);
    hfc_paramset_set(set, "delay_ms", "60000");
    params = hfc_params_validate(hfc_plugin_descriptor_of(dummy)->params, set, "dummy", &err);
    set_state("c1", "on");
    req = (hfc_request){dummy, params, NULL, "c1", HFC_ACTION_OFF, -1};
    hfc_engine_execute(&o, &req, hf_now_ms() + 10000, &cancel, &out);
    ok(out.code == HF_E_CANCELLED, "a cancelled operation says so: %s", out.message);
    hfc_outcome_clear(&out);
    hfc_params_free(params);
    hfc_paramset_free(set);
}

TAP_CASE(in_process)
{
    both_modes(false);
}

TAP_CASE(isolated)
{
    both_modes(true);
}

TAP_CASE(parallel_in_process)
{
    parallel(false);
}

TAP_CASE(parallel_isolated)
{
    parallel(true);
}

/* The read-back schedule after a power request: no fixed first pause for
 * a device that answers at once, never busier than the device's own
 * answer time, a slow device asked once a second at most. */
TAP_CASE(readback_schedule)
{
    static const struct {
        const char *row;
        int n;
        int64_t answer_ms, want;
    } rows[] = {
        {"first read-back of a fast device: 5 ms", 0, 1, 5},
        {"then doubling: 10 ms", 1, 1, 10},
        {"the seventh: 320 ms", 6, 2, 320},
        {"at most a second apart", 8, 2, 1000},
        {"far on: still a second", 1000, 0, 1000},
        {"the first does not wait for a device's answer time: a synchronous switch is verified at once", 0, 40, 5},
        {"the second never sooner than the device's own answer (40 ms)", 1, 40, 40},
        {"its answer, until doubling passes it", 4, 40, 80},
        {"a device that took 150 ms (a loaded machine): read back after 150 ms, not a second", 1, 150, 150},
        {"a device that takes 3 s: once a second", 2, 3000, 1000},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ok(hfc_readback_wait_ms(rows[i].n, rows[i].answer_ms) == rows[i].want, "%s (got %lld ms)", rows[i].row,
           (long long)hfc_readback_wait_ms(rows[i].n, rows[i].answer_ms));
}

int main(int argc, char **argv)
{
    char file[4096];
    hfc_error err = {0};
    char cmd[256];
    tap_init(argc, argv);
    /* the fixture of every case: a state directory and the dummy plugin */
    ok(mkdtemp(state_dir) != NULL, "state dir %s", state_dir);
    dummy = hfc_plugin_load(plugin_file("dummy", file, sizeof file), &err);
    ok(dummy != NULL, "dummy plugin loads: %s", err.message);
    if (!dummy)
        return tap_done();
    hfc_log_set_level(HF_LOG_ERROR);
    TAP_RUN(readback_schedule);
    TAP_RUN(in_process);
    TAP_RUN(isolated);
    TAP_RUN(parallel_in_process);
    TAP_RUN(parallel_isolated);
    TAP_RUN(many_bounded);
    TAP_RUN(heuristics);
    TAP_RUN(cancellation);
    hfc_plugin_unload(dummy);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", state_dir);
    ok(system(cmd) == 0, "cleaned up");
    return tap_done();
}
