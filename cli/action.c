/* SPDX-License-Identifier: GPL-2.0-or-later */
/* off/on/reboot/cycle/status/monitor/list/fence and heuristics: build the
 * requests (from a HA-Lizard config or the command line), run them through
 * the engine, print and record the outcomes. */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/method.h"
#include "core/topology.h"
#include "core/hostmap.h"
#include "core/history.h"
#include "core/hastate.h"
#include "cli/cli.h"

#include "core/json.h"
#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything one command acts with. */
typedef struct setup {
    hfc_topology *topology; /* config mode: FENCE_METHOD's devices (plugin and params are one of them) */
    hfc_plugin *plugin;
    hf_param *params;
    char **hosts; /* host UUIDs (config mode) or NULL */
    char **targets;
    size_t count;
    hfc_settings settings;
    bool have_settings;
    hfc_config *config;
} setup;

static void setup_free(setup *s)
{
    for (size_t i = 0; i < s->count; i++) {
        if (s->hosts)
            free(s->hosts[i]);
        free(s->targets[i]);
    }
    free(s->hosts);
    free(s->targets);
    if (s->topology) {
        hfc_topology_free(s->topology);
    } else {
        hfc_params_free(s->params);
        hfc_plugin_unload(s->plugin);
    }
    if (s->have_settings)
        hfc_settings_free(&s->settings);
    hfc_config_free(s->config);
}

static void add_target(setup *s, const char *host, const char *target)
{
    s->targets = hfc_realloc(s->targets, (s->count + 1) * sizeof(char *));
    s->targets[s->count] = hfc_strdup(target);
    if (host || s->hosts) {
        s->hosts = hfc_realloc(s->hosts, (s->count + 1) * sizeof(char *));
        s->hosts[s->count] = host ? hfc_strdup(host) : NULL;
    }
    s->count++;
}

static bool load_config(const cli *c, setup *s, int *rc)
{
    hfc_error err = {0};
    s->config = hfc_config_new();
    for (size_t i = 0; i < c->config_count; i++) {
        if (!hfc_config_load(s->config, c->configs[i], &err)) {
            *rc = cli_config_error(&err);
            return false;
        }
    }
    if (!hfc_settings_load(s->config, &s->settings, &err)) {
        *rc = cli_config_error(&err);
        return false;
    }
    s->have_settings = true;
    return true;
}

/* The heuristic from a config: the peer probe, with FENCE_HEURISTICS_IPS. */
static int setup_heuristic_from_config(const cli *c, setup *s)
{
    hfc_search_path path;
    hfc_paramset *set = hfc_paramset_new();
    hfc_error err = {0};
    char **rest = NULL;
    int rest_count = 0, rc = EXIT_OK;

    if (!load_config(c, s, &rc))
        goto out;
    cli_plugin_path(c, &path);
    s->plugin = hfc_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", &err);
    hfc_search_path_free(&path);
    if (!s->plugin) {
        rc = cli_config_error(&err);
        goto out;
    }
    if (s->settings.fence_heuristics_ips && *s->settings.fence_heuristics_ips)
        hfc_paramset_set(set, "addresses", s->settings.fence_heuristics_ips);
    if ((rc = cli_params(c, s->plugin, c->args, c->arg_count, set, &rest, &rest_count)) != EXIT_OK)
        goto out;
    cli_param_defaults(c, s->plugin, set);
    s->params = hfc_params_validate(hfc_plugin_descriptor_of(s->plugin)->params, set, hfc_plugin_name(s->plugin), &err);
    if (!s->params)
        rc = cli_config_error(&err);
out:
    free(rest);
    hfc_paramset_free(set);
    return rc;
}

/* What the command line adds to each device's parameters. */
typedef struct cli_device_words {
    const cli *c;
    bool several; /* FENCE_METHOD names more than one device */
    int rc;       /* a usage error already printed */
    char **rest;  /* the words that are not name=value: host UUIDs */
    int rest_count;
} cli_device_words;

static bool secret_options(const cli *c)
{
    return c->password_file || c->password_env || c->password_stdin || c->secret_count;
}

static bool device_words(void *arg, const hfc_fence_device *d, hfc_paramset *set, hfc_error *err)
{
    cli_device_words *w = arg;
    char **rest = NULL;
    int rest_count = 0;
    if ((w->rc = cli_params(w->c, d->plugin, w->c->args, w->c->arg_count, set, &rest, &rest_count)) != EXIT_OK) {
        free(rest);
        hfc_error_set(err, HF_E_BAD_PARAMETER, "the command line");
        return false;
    }
    if (w->several && (rest_count < w->c->arg_count || secret_options(w->c))) {
        free(rest);
        w->rc = cli_usage_error("FENCE_METHOD names several devices: give their parameters and secrets in the config "
                                "(NAME_<PARAM> and NAME_<PARAM>_FILE keys of each), not on the command line");
        hfc_error_set(err, HF_E_BAD_PARAMETER, "the command line");
        return false;
    }
    if (!w->rest) {
        w->rest = rest;
        w->rest_count = rest_count;
    } else {
        free(rest);
    }
    if (!w->several && !cli_secrets(w->c, d->plugin, set, err))
        return false;
    cli_param_defaults(w->c, d->plugin, set);
    return true;
}

/* Targets of device for the host UUIDs: its host map's lines. */
static int device_targets(setup *s, const hfc_fence_device *d, char **hosts, int n)
{
    hfc_error err = {0};
    if (!d->hostmap && n)
        hfc_log(HF_LOG_INFO, "no host map %s: the host UUID is the target", d->hostmap_path);
    for (int i = 0; i < n; i++) {
        const char *target = hfc_topology_target(d, hosts[i]);
        if (!target) {
            hfc_error_set(&err, HF_E_BAD_PARAMETER, "%s: no line for host %s", d->hostmap_path, hosts[i]);
            return cli_config_error(&err);
        }
        add_target(s, hosts[i], target);
    }
    return EXIT_OK;
}

/* Whether word names an installed plugin (a file word.so in the path). */
static bool names_a_plugin(const cli *c, const char *word)
{
    hfc_search_path path;
    bool found = false;
    cli_plugin_path(c, &path);
    for (size_t i = 0; i < path.count && !found && !strchr(word, '/'); i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s.so", path.dirs[i], word);
        found = access(file, F_OK) == 0;
    }
    hfc_search_path_free(&path);
    return found;
}

/* Config mode: FENCE_METHOD's devices (plugin, parameters from the config,
 * command-line name=value pairs override where there is one device), host
 * UUIDs -> targets through each device's host map. */
static int setup_from_config(const cli *c, setup *s, bool needs_targets)
{
    hfc_search_path path;
    hfc_method_list list;
    hfc_error err = {0};
    cli_device_words words = {.c = c};
    int rc = EXIT_OK;

    if (!load_config(c, s, &rc))
        return rc;
    words.several = hfc_method_list_parse(s->settings.fence_method, &list, &err) && list.count > 1;
    cli_plugin_path(c, &path);
    s->topology = hfc_topology_load(&path, s->config, &s->settings, cli_history_path(c), device_words, &words, &err);
    hfc_search_path_free(&path);
    if (!s->topology) {
        rc = words.rc != EXIT_OK ? words.rc : cli_config_error(&err);
        goto out;
    }
    s->plugin = s->topology->devices[0].plugin;
    s->params = s->topology->devices[0].params;
    if (needs_targets && words.rest_count == 0) {
        rc = cli_usage_error("name the host UUID(s) to act on");
        goto out;
    }
    for (int i = 0; i < words.rest_count; i++)
        if (!hfc_is_uuid(words.rest[i])) {
            rc = names_a_plugin(c, words.rest[i])
                     ? cli_usage_error("'%s' is a plugin, and -c takes the plugin from the config (FENCE_METHOD=%s): "
                                       "give host UUIDs with -c, or the plugin and its parameters without it",
                                       words.rest[i], s->settings.fence_method ? s->settings.fence_method : "")
                     : cli_usage_error("'%s' is not a host UUID", words.rest[i]);
            goto out;
        }
    rc = device_targets(s, &s->topology->devices[0], words.rest, words.rest_count);
out:
    free(words.rest);
    return rc;
}

/* Direct mode: PLUGIN name=value... TARGET... */
static int setup_direct(const cli *c, setup *s)
{
    hfc_paramset *set;
    hfc_error err = {0};
    char **rest = NULL;
    int rest_count = 0, rc;
    if (c->arg_count < 1)
        return cli_usage_error("name a plugin, or give a HA-Lizard config with -c");
    if (!(s->plugin = cli_plugin_find(c, c->args[0], &rc)))
        return rc;
    set = hfc_paramset_new();
    rc = cli_params(c, s->plugin, c->args + 1, c->arg_count - 1, set, &rest, &rest_count);
    if (rc == EXIT_OK && !cli_secrets(c, s->plugin, set, &err))
        rc = cli_config_error(&err);
    if (rc == EXIT_OK) {
        cli_param_defaults(c, s->plugin, set);
        s->params =
            hfc_params_validate(hfc_plugin_descriptor_of(s->plugin)->params, set, hfc_plugin_name(s->plugin), &err);
        if (!s->params)
            rc = cli_usage_error("%s", err.message);
    }
    for (int i = 0; rc == EXIT_OK && i < rest_count; i++)
        add_target(s, NULL, rest[i]);
    if (rc == EXIT_OK && s->count == 0)
        add_target(s, NULL, ""); /* the device itself is the target */
    free(rest);
    hfc_paramset_free(set);
    return rc;
}

const char *cli_requested_by(const cli *c, char *buf, size_t size)
{
    struct passwd *pw;
    if (c->requested_by)
        return c->requested_by;
    pw = getpwuid(getuid());
    snprintf(buf, size, "hafence %s (user %s, pid %ld)", c->command, pw ? pw->pw_name : "?", (long)getpid());
    return buf;
}

static bool is_fence_action(hfc_action a)
{
    return a == HFC_ACTION_OFF || a == HFC_ACTION_ON || a == HFC_ACTION_REBOOT || a == HFC_ACTION_CYCLE;
}

static json_object *outcome_json(const setup *s, size_t i, hfc_action action, const hfc_outcome *o)
{
    json_object *j = json_object_new_object();
    if (s->hosts && s->hosts[i])
        json_object_object_add(j, "host", json_object_new_string(s->hosts[i]));
    json_object_object_add(j, "target", json_object_new_string(s->targets[i]));
    json_object_object_add(j, "plugin", json_object_new_string(hfc_plugin_name(s->plugin)));
    json_object_object_add(j, "action", json_object_new_string(hfc_action_name(action)));
    json_object_object_add(j, "result", json_object_new_string(hf_result_name(o->code)));
    json_object_object_add(j, "message", json_object_new_string(o->message));
    json_object_object_add(j, "duration_ms", json_object_new_int64(o->duration_ms));
    if (action == HFC_ACTION_CHECK) {
        json_object_object_add(j, "vote", json_object_new_string(hfc_vote_name(o->vote)));
    } else if (action != HFC_ACTION_PROBE) {
        json_object_object_add(j, "verified", json_object_new_boolean(o->verified));
        if (action != HFC_ACTION_MONITOR && action != HFC_ACTION_LIST)
            json_object_object_add(j, "power", json_object_new_string(hf_power_name(o->power)));
    }
    if (o->warning)
        json_object_object_add(j, "warning", json_object_new_boolean(1));
    if (o->signal)
        json_object_object_add(j, "signal", json_object_new_int(o->signal));
    if (action == HFC_ACTION_PROBE) {
        json_object *items = json_object_new_array();
        for (size_t k = 0; k < o->item_count; k++) {
            json_object *it = json_object_new_object();
            json_object_object_add(it, "address", json_object_new_string(o->items[k].target));
            json_object_object_add(it, "answered", json_object_new_boolean(!*o->items[k].name));
            if (*o->items[k].name)
                json_object_object_add(it, "why", json_object_new_string(o->items[k].name));
            json_object_array_add(items, it);
        }
        json_object_object_add(j, "addresses", items);
    }
    if (action == HFC_ACTION_LIST) {
        json_object *items = json_object_new_array();
        for (size_t k = 0; k < o->item_count; k++) {
            json_object *it = json_object_new_object();
            json_object_object_add(it, "target", json_object_new_string(o->items[k].target));
            json_object_object_add(it, "name", json_object_new_string(o->items[k].name));
            json_object_array_add(items, it);
        }
        json_object_object_add(j, "targets", items);
    }
    return j;
}

static const char *who_of(const setup *s, size_t i)
{
    return s->hosts && s->hosts[i] ? s->hosts[i] : *s->targets[i] ? s->targets[i] : hfc_plugin_name(s->plugin);
}

static void print_text(const setup *s, size_t i, hfc_action action, const hfc_outcome *o)
{
    const char *who = who_of(s, i);
    /* several results stay in the order asked, on one stream */
    FILE *out = o->code == HF_OK || s->count > 1 ? stdout : stderr;
    if (action == HFC_ACTION_STATUS && o->code == HF_OK) {
        printf("%s: %s (%s)\n", who, hf_power_name(o->power), o->message);
        return;
    }
    if (action == HFC_ACTION_CHECK) {
        fprintf(out, "%s: vote %s%s%s%s: %s\n", hfc_plugin_name(s->plugin), hfc_vote_name(o->vote),
                o->code == HF_OK ? "" : " (", o->code == HF_OK ? "" : hf_result_name(o->code),
                o->code == HF_OK ? "" : ")", o->message);
        return;
    }
    if (action == HFC_ACTION_CONSOLE && o->code == HF_OK) {
        fprintf(stderr, "\n[hafence: %s]\n", o->message);
        return;
    }
    if (action == HFC_ACTION_PROBE && o->code == HF_OK) {
        for (size_t k = 0; k < o->item_count; k++)
            printf("%s: %s%s%s\n", o->items[k].target, *o->items[k].name ? "silent (" : "answers", o->items[k].name,
                   *o->items[k].name ? ")" : "");
        return;
    }
    if (action == HFC_ACTION_LIST && o->code == HF_OK) {
        for (size_t k = 0; k < o->item_count; k++)
            printf("%s%s%s\n", o->items[k].target, *o->items[k].name ? "," : "", o->items[k].name);
        return;
    }
    fprintf(out, "%s: %s: %s%s: %s [%lld ms]\n", who, hfc_action_name(action),
            o->code == HF_OK ? (o->warning ? "done with warning" : "done") : hf_result_name(o->code),
            o->code == HF_OK && is_fence_action(action) && action != HFC_ACTION_CYCLE
                ? (o->verified ? " (verified)" : " (unverified by hafence)")
                : "",
            o->message, (long long)o->duration_ms);
}

static int exit_code(hfc_action action, const hfc_outcome *outs, size_t n)
{
    int rc = EXIT_OK;
    if (action == HFC_ACTION_STATUS) {
        bool all_off = true;
        for (size_t i = 0; i < n; i++) {
            if (outs[i].code != HF_OK || outs[i].power == HF_POWER_UNKNOWN)
                return EXIT_FAILED;
            all_off = all_off && outs[i].power == HF_POWER_OFF;
        }
        return all_off ? EXIT_STATUS_OFF : EXIT_OK;
    }
    if (action == HFC_ACTION_CHECK) {
        if (outs[0].code != HF_OK || outs[0].vote == HF_VOTE_UNKNOWN)
            return EXIT_VOTE_UNKNOWN;
        return outs[0].vote == HF_VOTE_PASS ? EXIT_OK : EXIT_FAILED;
    }
    if (action == HFC_ACTION_PROBE) {
        if (outs[0].code != HF_OK)
            return EXIT_VOTE_UNKNOWN;
        for (size_t k = 0; k < outs[0].item_count; k++)
            if (*outs[0].items[k].name)
                rc = EXIT_FAILED;
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        if (outs[i].code != HF_OK)
            rc = EXIT_FAILED;
    return rc;
}

/* The newest console capture of a host taken since start (wall clock, s),
 * or NULL. */
static char *capture_since(const cli *c, const char *host, const char *target, const char *address, time_t start)
{
    char name[300], *dir = hfc_console_dir(cli_history_path(c)), *best = NULL;
    char folder[4096];
    time_t best_time = 0;
    DIR *d;
    struct dirent *de;
    hf_capture_folder_name(host, target, address, name, sizeof name);
    snprintf(folder, sizeof folder, "%s/%s", dir, name);
    free(dir);
    if (!(d = opendir(folder)))
        return NULL;
    while ((de = readdir(d)) != NULL) {
        char file[4400];
        struct stat st;
        if (de->d_name[0] == '.')
            continue;
        snprintf(file, sizeof file, "%s/%s", folder, de->d_name);
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime >= start && st.st_mtime >= best_time) {
            free(best);
            best = hfc_strdup(file);
            best_time = st.st_mtime;
        }
    }
    closedir(d);
    return best;
}

void cli_record(const cli *c, const hfc_plugin *plugin, const hf_param *params, const char *host, const char *target,
                hfc_action action, const hfc_outcome *out, const char *who, time_t start)
{
    hfc_error err = {0};
    hfc_history_record rec = {0};
    char *capture;
    rec.time_ms = hfc_wall_ms();
    rec.host = host;
    rec.target = target;
    rec.plugin = hfc_plugin_name(plugin);
    rec.address = hf_param_get(params, HF_PARAM_NAME_ADDRESS);
    rec.action = hfc_action_name(action);
    rec.result = hf_result_name(out->code);
    rec.verified = out->verified;
    rec.message = out->message;
    rec.duration_ms = out->duration_ms;
    rec.requested_by = who;
    capture =
        hf_param_get(params, HF_PARAM_NAME_CONSOLE_DIR) ? capture_since(c, host, target, rec.address, start) : NULL;
    rec.console = capture;
    if (!hfc_history_append(cli_history_path(c), &rec, &err))
        fprintf(stderr, "hafence: warning: not recorded: %s (use --history FILE)\n", err.message);
    free(capture);
}

static void record_one(const cli *c, const setup *s, size_t i, hfc_action action, const hfc_outcome *out,
                       const char *who, time_t start)
{
    cli_record(c, s->plugin, s->params, s->hosts ? s->hosts[i] : NULL, s->targets[i], action, out, who, start);
}

static void record(const cli *c, const setup *s, hfc_action action, const hfc_outcome *outs, time_t start)
{
    char who_buf[256];
    const char *who;
    if (c->no_history || !is_fence_action(action))
        return;
    who = cli_requested_by(c, who_buf, sizeof who_buf); /* once, not per target */
    for (size_t i = 0; i < s->count; i++)
        record_one(c, s, i, action, &outs[i], who, start);
}

/* Several results: a table (host, action, result, verified, time; the
 * level that did it for walks through levels) and a one-line total. */
typedef struct summary_row {
    const char *who, *result;
    char via[96]; /* "level 2 PDU_A", or "" */
    bool ok, verified;
    int64_t duration_ms;
} summary_row;

static void print_summary_rows(const summary_row *rows, size_t n, hfc_action action, const char *noun, bool via)
{
    int w = (int)strlen("HOST/TARGET"), rw = (int)strlen("RESULT"), vw = (int)strlen("BY");
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        w = (int)strlen(rows[i].who) > w ? (int)strlen(rows[i].who) : w;
        rw = (int)strlen(rows[i].result) > rw ? (int)strlen(rows[i].result) : rw;
        vw = (int)strlen(rows[i].via) > vw ? (int)strlen(rows[i].via) : vw;
    }
    printf("\n%-*s  %-7s  %-*s  ", w, "HOST/TARGET", "ACTION", rw, "RESULT");
    if (via)
        printf("%-*s  ", vw, "BY");
    printf("%-8s  %s\n", "VERIFIED", "TIME");
    for (size_t i = 0; i < n; i++) {
        failed += !rows[i].ok;
        printf("%-*s  %-7s  %-*s  ", w, rows[i].who, hfc_action_name(action), rw, rows[i].result);
        if (via)
            printf("%-*s  ", vw, *rows[i].via ? rows[i].via : "-");
        printf("%-8s  %lld ms\n", rows[i].verified ? "verified" : "-", (long long)rows[i].duration_ms);
    }
    printf("%zu %s: %zu done, %zu failed\n", n, noun, n - failed, failed);
}

static void print_summary(const setup *s, hfc_action action, const hfc_outcome *outs)
{
    summary_row *rows = hfc_calloc(s->count, sizeof *rows);
    for (size_t i = 0; i < s->count; i++) {
        const hfc_outcome *o = &outs[i];
        rows[i].who = who_of(s, i);
        rows[i].result =
            action == HFC_ACTION_STATUS && o->code == HF_OK ? hf_power_name(o->power) : hf_result_name(o->code);
        rows[i].ok = o->code == HF_OK;
        rows[i].verified = o->verified;
        rows[i].duration_ms = o->duration_ms;
    }
    print_summary_rows(rows, s->count, action, s->hosts ? "hosts" : "targets", false);
    free(rows);
}

/* A live line on a terminal while operations run ("off: 3 of 5 done, 2
 * running, 4 s"): never in a pipe or a log, never with -v (whose lines it
 * would cut). */
typedef struct progress_line {
    const char *action, *who;
    int64_t start_ms, shown_ms;
} progress_line;

static void show_progress(void *arg, size_t done, size_t failed, size_t running, size_t total)
{
    progress_line *p = arg;
    int64_t now = hf_now_ms();
    if (now - p->start_ms < 1000 || now - p->shown_ms < 250 || !running)
        return;
    p->shown_ms = now;
    if (total == 1)
        fprintf(stderr, "\r%s %s: sent, waiting for the device to read back... %lld s ", p->action, p->who,
                (long long)(now - p->start_ms) / 1000);
    else
        fprintf(stderr, "\r%s: %zu of %zu done (%zu failed), %zu running, %lld s ", p->action, done, total, failed,
                running, (long long)(now - p->start_ms) / 1000);
}

/* What an operation's child records when this process died during it. */
typedef struct orphan_scope {
    const cli *c;
    const setup *s;
    const hfc_request *reqs;
    time_t start;
    const char *who;
} orphan_scope;

static void record_orphan(void *arg, const hfc_request *req, const hfc_outcome *out)
{
    const orphan_scope *o = arg;
    record_one(o->c, o->s, (size_t)(req - o->reqs), req->action, out, o->who, o->start);
}

/* Run the action on every target of s; prints the outcomes (or, with
 * --json and collect, adds their object to collect). */
static int run_requests(cli *c, setup *s, hfc_action action, json_object *collect)
{
    hfc_request *reqs = hfc_calloc(s->count, sizeof *reqs);
    hfc_outcome *outs = hfc_calloc(s->count, sizeof *outs);
    time_t start = time(NULL);
    int rc;
    for (size_t i = 0; i < s->count; i++) {
        reqs[i].plugin = s->plugin;
        reqs[i].params = s->params;
        reqs[i].host = s->hosts ? s->hosts[i] : NULL;
        reqs[i].target = s->targets[i];
        reqs[i].action = action;
        reqs[i].console_fd = STDOUT_FILENO;
    }
    char who_buf[256];
    orphan_scope orphan = {c, s, reqs, start, NULL};
    if (action == HFC_ACTION_CONSOLE)
        fflush(stdout);
    progress_line progress = {hfc_action_name(action), who_of(s, 0), hf_now_ms(), 0};
    if (!c->no_history && is_fence_action(action)) {
        /* the user's name (a passwd lookup) only where it is recorded */
        orphan.who = cli_requested_by(c, who_buf, sizeof who_buf);
        c->engine.on_orphan = record_orphan;
        c->engine.orphan_arg = &orphan;
    }
    if (isatty(STDERR_FILENO) && !c->verbose && action != HFC_ACTION_CONSOLE) {
        c->engine.on_progress = show_progress;
        c->engine.progress_arg = &progress;
    }
    hfc_engine_run(&c->engine, reqs, s->count, outs);
    if (progress.shown_ms)
        fputs("\r\033[K", stderr);
    c->engine.on_orphan = NULL;
    c->engine.on_progress = NULL;
    record(c, s, action, outs, start);
    if (c->json) {
        json_object *j;
        if (s->count == 1) {
            j = outcome_json(s, 0, action, &outs[0]);
        } else {
            /* several: one array, in the order asked */
            j = json_object_new_array();
            for (size_t i = 0; i < s->count; i++)
                json_object_array_add(j, outcome_json(s, i, action, &outs[i]));
        }
        if (collect) {
            json_object_array_add(collect, j);
        } else {
            puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(j);
        }
    } else {
        for (size_t i = 0; i < s->count; i++)
            print_text(s, i, action, &outs[i]);
        if (s->count > 1 && action != HFC_ACTION_LIST)
            print_summary(s, action, outs);
    }
    rc = exit_code(action, outs, s->count);
    for (size_t i = 0; i < s->count; i++)
        hfc_outcome_clear(&outs[i]);
    free(outs);
    free(reqs);
    return rc;
}

/* ---- several devices (FENCE_METHOD levels) ------------------------------ */
static void print_walk(const char *host, hfc_action action, const hfc_fence_walk *w)
{
    FILE *out = w->level_done ? stdout : stderr;
    fprintf(out, "%s: %s: %s: %s [%lld ms]\n", host, hfc_action_name(action), w->level_done ? "done" : "FAILED",
            w->summary, (long long)w->duration_ms);
    for (size_t i = 0; i < w->count; i++) {
        const hfc_fence_try *t = &w->tries[i];
        fprintf(out, "  level %u %s (%s) %s: %s%s: %s [%lld ms]\n", t->device->method.level, t->device->method.name,
                hfc_plugin_name(t->device->plugin), t->target ? (*t->target ? t->target : "-") : "(no target)",
                hf_result_name(t->outcome.code),
                t->outcome.code == HF_OK ? (t->outcome.verified ? " (verified)" : " (unverified by hafence)") : "",
                t->outcome.message, (long long)t->outcome.duration_ms);
    }
}

static json_object *walk_json(const char *host, hfc_action action, const hfc_fence_walk *w)
{
    json_object *j = json_object_new_object(), *levels = json_object_new_array();
    for (size_t i = 0; i < w->count; i++) {
        const hfc_fence_try *t = &w->tries[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "level", json_object_new_int((int)t->device->method.level));
        json_object_object_add(o, "method", json_object_new_string(t->device->method.name));
        json_object_object_add(o, "plugin", json_object_new_string(hfc_plugin_name(t->device->plugin)));
        json_object_object_add(o, "target", t->target ? json_object_new_string(t->target) : NULL);
        json_object_object_add(o, "result", json_object_new_string(hf_result_name(t->outcome.code)));
        json_object_object_add(o, "verified", json_object_new_boolean(t->outcome.verified));
        json_object_object_add(o, "message", json_object_new_string(t->outcome.message));
        json_object_object_add(o, "duration_ms", json_object_new_int64(t->outcome.duration_ms));
        json_object_array_add(levels, o);
    }
    json_object_object_add(j, "host", json_object_new_string(host));
    json_object_object_add(j, "action", json_object_new_string(hfc_action_name(action)));
    json_object_object_add(j, "result", json_object_new_string(hf_result_name(hfc_fence_walk_result(w))));
    json_object_object_add(j, "level", json_object_new_int((int)w->level_done));
    json_object_object_add(j, "verified", json_object_new_boolean(hfc_fence_walk_verified(w)));
    json_object_object_add(j, "message", json_object_new_string(w->summary));
    json_object_object_add(j, "duration_ms", json_object_new_int64(w->duration_ms));
    json_object_object_add(j, "levels", levels);
    return j;
}

static void record_walk(const cli *c, const char *host, hfc_action action, const hfc_fence_walk *w, const char *who)
{
    hfc_history_try *tries = hfc_calloc(w->count ? w->count : 1, sizeof *tries);
    hfc_history_record rec = {0};
    hfc_error err = {0};
    const hfc_fence_try *last = w->count ? &w->tries[w->count - 1] : NULL;
    hfc_fence_walk_history(w, tries);
    rec.time_ms = hfc_wall_ms();
    rec.host = host;
    rec.target = last && last->target ? last->target : "";
    rec.plugin = last ? hfc_plugin_name(last->device->plugin) : "";
    rec.address = last ? tries[w->count - 1].address : NULL;
    rec.action = hfc_action_name(action);
    rec.result = hf_result_name(hfc_fence_walk_result(w));
    rec.verified = hfc_fence_walk_verified(w);
    rec.message = w->summary;
    rec.duration_ms = w->duration_ms;
    rec.requested_by = who;
    rec.tries = tries;
    rec.try_count = w->count;
    if (!hfc_history_append(cli_history_path(c), &rec, &err))
        fprintf(stderr, "hafence: warning: not recorded: %s (use --history FILE)\n", err.message);
    free(tries);
}

/* "level 2 PDU_A+PDU_B": the level that fenced the host, by its methods;
 * "" when none did. */
static void walk_done_by(const hfc_fence_walk *w, char *out, size_t size)
{
    size_t len, named = 0;
    *out = '\0';
    if (!w->level_done)
        return;
    snprintf(out, size, "level %u", w->level_done);
    for (size_t i = 0; i < w->count; i++) {
        if (w->tries[i].device->method.level != w->level_done)
            continue;
        len = strlen(out);
        snprintf(out + len, size - len, "%s%s", named++ ? "+" : " ", w->tries[i].device->method.name);
    }
}

/* A fence action on hosts through the levels, host after host. */
static int run_walks(cli *c, setup *s, hfc_action action)
{
    json_object *all = c->json ? json_object_new_array() : NULL;
    char who_buf[256];
    const char *who = cli_requested_by(c, who_buf, sizeof who_buf);
    int rc = EXIT_OK;
    summary_row *rows = hfc_calloc(s->count ? s->count : 1, sizeof *rows);
    for (size_t i = 0; i < s->count; i++) {
        hfc_fence_walk w;
        hfc_topology_fence(&c->engine, s->topology, s->hosts[i], action, NULL, NULL, &w);
        if (!c->no_history)
            record_walk(c, s->hosts[i], action, &w, who);
        if (all)
            json_object_array_add(all, walk_json(s->hosts[i], action, &w));
        else
            print_walk(s->hosts[i], action, &w);
        rows[i].who = s->hosts[i];
        rows[i].result = hf_result_name(hfc_fence_walk_result(&w));
        rows[i].ok = w.level_done;
        rows[i].verified = hfc_fence_walk_verified(&w);
        rows[i].duration_ms = w.duration_ms;
        walk_done_by(&w, rows[i].via, sizeof rows[i].via);
        if (!w.level_done)
            rc = EXIT_FAILED;
        hfc_fence_walk_clear(&w);
    }
    if (!all && s->count > 1)
        print_summary_rows(rows, s->count, action, "hosts", true);
    free(rows);
    if (all) {
        json_object *j = json_object_array_length(all) == 1 ? json_object_get(json_object_array_get_idx(all, 0)) : all;
        if (j != all)
            json_object_put(all);
        puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(j);
    }
    return rc;
}

/* Any other action with several devices: on each device, level by level. */
static int run_each_device(cli *c, setup *s, hfc_action action)
{
    json_object *all = c->json ? json_object_new_array() : NULL;
    size_t n = s->count;
    char **hosts = hfc_calloc(n ? n : 1, sizeof *hosts);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n; i++)
        hosts[i] = s->hosts && s->hosts[i] ? hfc_strdup(s->hosts[i]) : NULL;
    for (size_t d = 0; d < s->topology->count && rc != EXIT_CONFIG; d++) {
        const hfc_fence_device *dev = &s->topology->devices[d];
        int one;
        for (size_t i = 0; i < s->count; i++) {
            free(s->targets[i]);
            if (s->hosts)
                free(s->hosts[i]);
        }
        s->count = 0;
        s->plugin = dev->plugin;
        s->params = dev->params;
        if (!hosts[0]) {
            add_target(s, NULL, "");
        } else if ((one = device_targets(s, dev, hosts, (int)n)) != EXIT_OK) {
            rc = one;
            break;
        }
        if (!all)
            printf("# level %u: %s (%s)\n", dev->method.level, dev->method.name, hfc_plugin_name(dev->plugin));
        one = run_requests(c, s, action, all);
        if (one != EXIT_OK && (rc == EXIT_OK || one == EXIT_FAILED))
            rc = one;
    }
    if (all) {
        puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(all);
    }
    for (size_t i = 0; i < n; i++)
        free(hosts[i]);
    free(hosts);
    return rc;
}

int cmd_action(cli *c, hfc_action action, bool from_config_action)
{
    setup s;
    int rc;
    memset(&s, 0, sizeof s);
    if (from_config_action && c->config_count == 0)
        return cli_usage_error("fence takes its action from a HA-Lizard config: give -c CONFIG");
    if (c->config_count) {
        bool needs = action != HFC_ACTION_MONITOR && action != HFC_ACTION_LIST;
        rc = setup_from_config(c, &s, needs);
        if (rc == EXIT_OK && from_config_action)
            action = hfc_fence_action_to_action(s.settings.fence_action);
        if (rc == EXIT_OK && s.count == 0)
            add_target(&s, NULL, "");
        if (rc == EXIT_OK && is_fence_action(action) && !s.settings.fence_enabled)
            fprintf(stderr,
                    "hafence: note: FENCE_ENABLED=0 stops the daemon from fencing; "
                    "this manual %s goes ahead\n",
                    hfc_action_name(action));
    } else {
        rc = setup_direct(c, &s);
    }
    if (rc == EXIT_OK) {
        if (hfc_plugin_descriptor_of(s.plugin)->kind != HF_KIND_FENCE)
            rc = cli_usage_error("%s is a heuristic plugin: use 'hafence heuristics'", hfc_plugin_name(s.plugin));
        else if (s.topology && s.topology->count > 1 && is_fence_action(action))
            rc = run_walks(c, &s, action);
        else if (s.topology && s.topology->count > 1)
            rc = run_each_device(c, &s, action);
        else
            rc = run_requests(c, &s, action, NULL);
    }
    setup_free(&s);
    return rc;
}

/* heuristics (the vote) and probe (each address's answer): one run of
 * the heuristic plugin, named or configured */
static int run_heuristic(cli *c, hfc_action action)
{
    setup s;
    int rc;
    memset(&s, 0, sizeof s);
    if (c->config_count) {
        rc = setup_heuristic_from_config(c, &s);
        if (rc == EXIT_OK && action == HFC_ACTION_CHECK && !s.settings.fence_use_ip_heuristics) {
            if (c->json)
                puts("{ \"vote\": \"unknown\", \"result\": \"ok\", \"message\": \"FENCE_USE_IP_HEURISTICS=0\" }");
            else
                puts("heuristics: FENCE_USE_IP_HEURISTICS=0: no vote");
            setup_free(&s);
            return EXIT_VOTE_UNKNOWN;
        }
    } else {
        rc = setup_direct(c, &s);
    }
    if (rc == EXIT_OK && hfc_plugin_descriptor_of(s.plugin)->kind != HF_KIND_HEURISTIC)
        rc = cli_usage_error("%s is not a heuristic plugin", hfc_plugin_name(s.plugin));
    if (rc == EXIT_OK) {
        /* one check of the plugin, not one per target */
        for (size_t i = 1; i < s.count; i++) {
            free(s.targets[i]);
            if (s.hosts)
                free(s.hosts[i]);
        }
        s.count = s.count ? 1 : 0;
        if (!s.count)
            add_target(&s, NULL, "");
        rc = run_requests(c, &s, action, NULL);
    }
    setup_free(&s);
    return rc;
}

int cmd_heuristics(cli *c)
{
    return run_heuristic(c, HFC_ACTION_CHECK);
}

int cmd_probe(cli *c)
{
    return run_heuristic(c, HFC_ACTION_PROBE);
}
