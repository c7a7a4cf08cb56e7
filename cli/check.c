/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check: the conformance run a vendor uses before shipping a plugin.
 * Loads it, validates its descriptor and parameter table, confirms invalid
 * parameters are refused, that every entry point returns by a short
 * deadline, and (with --target) that off is verified and status agrees.
 * One line per item, pass or fail, and an exit code.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "cli/cli.h"

#include "core/json.h"

#define CHECK_DEADLINE_MS 2000

typedef struct report {
    const cli *c;
    json_object *items;
    int passed, failed, skipped;
} report;

static void item(report *r, const char *verdict, const char *name, const char *fmt, ...) HF_PRINTF(4, 5);
static void item(report *r, const char *verdict, const char *name, const char *fmt, ...)
{
    char detail[HF_MESSAGE_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    hfc_redact(detail, sizeof detail);
    if (strcmp(verdict, "pass") == 0)
        r->passed++;
    else if (strcmp(verdict, "fail") == 0)
        r->failed++;
    else
        r->skipped++;
    if (r->c->json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "item", json_object_new_string(name));
        json_object_object_add(o, "verdict", json_object_new_string(verdict));
        json_object_object_add(o, "detail", json_object_new_string(detail));
        json_object_array_add(r->items, o);
    } else {
        printf("%-4s  %-38s %s\n",
               strcmp(verdict, "pass") == 0   ? "PASS"
               : strcmp(verdict, "fail") == 0 ? "FAIL"
                                              : "SKIP",
               name, detail);
    }
}

/* A value each type must refuse. */
static const char *bad_value(hf_param_type type)
{
    switch (type) {
    case HF_PARAM_INTEGER: return "not-a-number";
    case HF_PARAM_BOOLEAN: return "maybe";
    case HF_PARAM_ENUM: return "no-such-choice";
    case HF_PARAM_ADDRESS: return "not an address!";
    case HF_PARAM_PATH: return "relative/path";
    default: return NULL;
    }
}

/* Does the core refuse the given parameters, less `drop`, plus name=value?
 * (either may be NULL) */
static bool refused(const hf_plugin_descriptor *d, const hfc_paramset *given, const char *drop, const char *name,
                    const char *value, hfc_error *err)
{
    hfc_paramset *set = hfc_paramset_new();
    hf_param *v;
    bool refusal;
    for (size_t i = 0; i < hfc_paramset_count(given); i++) {
        const char *n = hfc_paramset_name(given, i);
        if (!drop || strcmp(n, drop) != 0)
            hfc_paramset_set(set, n, hfc_paramset_get(given, n));
    }
    if (name)
        hfc_paramset_set(set, name, value);
    v = hfc_params_validate(d->params, set, d->name, err);
    refusal = v == NULL;
    hfc_params_free(v);
    hfc_paramset_free(set);
    return refusal;
}

static void check_refusals(report *r, const hfc_plugin *p, const hfc_paramset *given)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(p);
    hfc_error err;
    int required = 0, typed = 0, bad = 0;

    if (refused(d, given, NULL, "hafence_check_no_such_parameter", "1", &err))
        item(r, "pass", "refuses an unknown parameter", "%s", err.message);
    else
        item(r, "fail", "refuses an unknown parameter", "an unknown parameter was accepted");

    for (const hf_param_def *q = d->params; q && q->name; q++) {
        if (q->flags & HF_PARAM_REQUIRED && !q->default_value) {
            required++;
            if (!refused(d, given, q->name, NULL, NULL, &err)) {
                bad++;
                item(r, "fail", "refuses a missing required parameter", "'%s' missing was accepted", q->name);
            }
        }
        if (bad_value(q->type)) {
            typed++;
            if (!refused(d, given, NULL, q->name, bad_value(q->type), &err) || !strstr(err.message, q->name)) {
                bad++;
                item(r, "fail", "refuses a value of the wrong type", "%s='%s' was not refused by name", q->name,
                     bad_value(q->type));
            }
        }
    }
    if (!bad)
        item(r, "pass", "refuses missing and mistyped values", "%d required, %d typed parameters tried", required,
             typed);
}

static void run_one(const cli *c, const hfc_plugin *p, const hf_param *params, const char *target, hfc_action action,
                    int64_t timeout_ms, hfc_outcome *out)
{
    hfc_engine_options opts = c->engine;
    hfc_request req = {p, params, NULL, target ? target : "", action, -1};
    opts.isolate = true; /* a hanging plugin must not hang the check */
    opts.timeout_ms = timeout_ms;
    time_t start = time(NULL);
    if (opts.power_timeout_ms > timeout_ms)
        opts.power_timeout_ms = timeout_ms;
    hfc_engine_run(&opts, &req, 1, out);
    /* a check's power changes are real ones: the history has them */
    if (!c->no_history && (action == HFC_ACTION_OFF || action == HFC_ACTION_ON)) {
        char who[256];
        cli_record(c, p, params, NULL, req.target, action, out, cli_requested_by(c, who, sizeof who), start);
    }
}

static bool check_deadlines(report *r, const hfc_plugin *p, const hf_param *params, const char *target)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(p);
    hfc_action fence[] = {HFC_ACTION_MONITOR, HFC_ACTION_STATUS, HFC_ACTION_LIST};
    hfc_action heur[] = {HFC_ACTION_CHECK};
    hfc_action *acts = d->kind == HF_KIND_FENCE ? fence : heur;
    size_t n = d->kind == HF_KIND_FENCE ? 3 : 1;
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        hfc_outcome out;
        char name[64];
        if (acts[i] == HFC_ACTION_LIST && !hfc_plugin_fence_list(p))
            continue;
        snprintf(name, sizeof name, "%s returns by its deadline", hfc_action_name(acts[i]));
        run_one(r->c, p, params, target, acts[i], CHECK_DEADLINE_MS, &out);
        if (out.signal == SIGKILL) {
            item(r, "fail", name, "killed after %d ms: the plugin ignored its deadline", CHECK_DEADLINE_MS);
            all = false;
        } else if (out.code == HF_E_PLUGIN_FAILED) {
            item(r, "fail", name, "%s", out.message);
            all = false;
        } else {
            item(r, "pass", name, "%s in %lld ms: %s", hf_result_name(out.code), (long long)out.duration_ms,
                 out.message);
        }
        hfc_outcome_clear(&out);
    }
    return all;
}

/* Two items: the action reads back verified, then status agrees. */
static void power_and_agree(report *r, const hfc_plugin *p, const hf_param *params, const char *target,
                            hfc_action action, hf_power want)
{
    int64_t t = r->c->engine.timeout_ms;
    char verified[64], agrees[64];
    hfc_outcome done, after;
    snprintf(verified, sizeof verified, "%s is verified", hfc_action_name(action));
    snprintf(agrees, sizeof agrees, "status agrees: %s", hf_power_name(want));
    run_one(r->c, p, params, target, action, t, &done);
    if (done.code == HF_OK && done.verified)
        item(r, "pass", verified, "%s", done.message);
    else
        item(r, "fail", verified, "%s: %s", hf_result_name(done.code), done.message);
    hfc_outcome_clear(&done);
    run_one(r->c, p, params, target, HFC_ACTION_STATUS, t, &after);
    if (after.code == HF_OK && after.power == want)
        item(r, "pass", agrees, "%s", after.message);
    else
        item(r, "fail", agrees, "%s, reads %s: %s", hf_result_name(after.code), hf_power_name(after.power),
             after.message);
    hfc_outcome_clear(&after);
}

static void check_target(report *r, const hfc_plugin *p, const hf_param *params, const char *target)
{
    hfc_outcome st;
    hf_power initial;
    int64_t t = r->c->engine.timeout_ms;

    run_one(r->c, p, params, target, HFC_ACTION_STATUS, t, &st);
    initial = st.power;
    if (st.code == HF_E_UNSUPPORTED) {
        item(r, "skip", "off is verified", "the plugin cannot read power state: %s", st.message);
        hfc_outcome_clear(&st);
        return;
    }
    if (st.code != HF_OK) {
        item(r, "fail", "status of the test target", "%s: %s", hf_result_name(st.code), st.message);
        hfc_outcome_clear(&st);
        return;
    }
    item(r, "pass", "status of the test target", "%s", hf_power_name(initial));
    hfc_outcome_clear(&st);

    power_and_agree(r, p, params, target, HFC_ACTION_OFF, HF_POWER_OFF);
    power_and_agree(r, p, params, target, HFC_ACTION_ON, HF_POWER_ON);
    if (initial == HF_POWER_OFF) {
        /* leave the target as it was found */
        run_one(r->c, p, params, target, HFC_ACTION_OFF, t, &st);
        hfc_outcome_clear(&st);
    }
}

int cmd_check(cli *c)
{
    report r = {c, NULL, 0, 0, 0};
    hfc_error err = {0};
    hfc_plugin *p;
    hfc_paramset *set;
    hf_param *params = NULL;
    char **rest = NULL;
    int rest_count = 0, rc;

    if (c->arg_count < 1)
        return cli_usage_error("check takes a plugin file (and its parameters)");
    if (c->json)
        r.items = json_object_new_array();
    p = hfc_plugin_load(c->args[0], &err);
    if (!p) {
        item(&r, "fail", "loads as a plugin", "%s", err.message);
        goto done;
    }
    {
        const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(p);
        size_t np = 0, ns = 0;
        item(&r, "pass", "loads as a plugin", "%s %s (%s)", d->name, d->version, hfc_plugin_path(p));
        item(&r, "pass", "ABI version accepted", "built for %u.%u, this hafence %d.%d", d->abi_major, d->abi_minor,
             HAFENCE_ABI_MAJOR, HAFENCE_ABI_MINOR);
        for (const hf_param_def *q = d->params; q && q->name; q++, np++)
            ns += (q->flags & HF_PARAM_SECRET) != 0;
        item(&r, "pass", "descriptor and parameter table",
             "%zu parameters (%zu secret), names unique, "
             "types, defaults and help valid",
             np, ns);
    }
    set = hfc_paramset_new();
    rc = cli_params(c, p, c->args + 1, c->arg_count - 1, set, &rest, &rest_count);
    if (rc == EXIT_OK && rest_count)
        rc = cli_usage_error("check: '%s' is not name=value (use --target)", rest[0]);
    if (rc != EXIT_OK) {
        hfc_paramset_free(set);
        free(rest);
        hfc_plugin_unload(p);
        json_object_put(r.items);
        return rc;
    }
    free(rest);
    if (!cli_secrets(c, p, set, &err)) {
        hfc_paramset_free(set);
        hfc_plugin_unload(p);
        json_object_put(r.items);
        return cli_config_error(&err);
    }
    cli_param_defaults(c, p, set); /* as every other command: console_dir beside the history */
    check_refusals(&r, p, set);
    params = hfc_params_validate(hfc_plugin_descriptor_of(p)->params, set, hfc_plugin_name(p), &err);
    hfc_paramset_free(set);
    if (!params) {
        item(&r, "skip", "entry points", "no valid parameter set to create an instance with: %s", err.message);
    } else {
        bool timely = check_deadlines(&r, p, params, c->target);
        if (c->target && hfc_plugin_descriptor_of(p)->kind == HF_KIND_FENCE && !timely)
            item(&r, "skip", "off is verified", "not tried on a plugin that ignores its deadline");
        else if (c->target && hfc_plugin_descriptor_of(p)->kind == HF_KIND_FENCE)
            check_target(&r, p, params, c->target);
        else if (hfc_plugin_descriptor_of(p)->kind == HF_KIND_FENCE)
            item(&r, "skip", "off is verified", "no --target given");
    }
    hfc_params_free(params);
    hfc_plugin_unload(p);
done:
    if (c->json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "items", r.items);
        json_object_object_add(o, "passed", json_object_new_int(r.passed));
        json_object_object_add(o, "failed", json_object_new_int(r.failed));
        json_object_object_add(o, "skipped", json_object_new_int(r.skipped));
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    } else {
        printf("check: %d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skipped);
    }
    return r.failed ? EXIT_FAILED : EXIT_OK;
}
