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
#include "core/hostmap.h"
#include "core/history.h"
#include "core/hastate.h"
#include "cli/cli.h"

#include <json-c/json.h>
#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything one command acts with. */
typedef struct setup {
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
    hfc_params_free(s->params);
    if (s->have_settings)
        hfc_settings_free(&s->settings);
    hfc_config_free(s->config);
    hfc_plugin_unload(s->plugin);
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

/* Config mode: method -> plugin (for the heuristic: the peer probe, with
 * FENCE_HEURISTICS_IPS), parameters from the config (command-line
 * name=value pairs override), host UUIDs -> targets through the host map. */
static int setup_from_config(const cli *c, setup *s, bool needs_targets, bool heuristic)
{
    hfc_search_path path;
    hfc_paramset *set = hfc_paramset_new();
    hfc_error err = {0};
    char **rest = NULL;
    int rest_count = 0, rc = EXIT_OK;

    if (!load_config(c, s, &rc))
        goto out;
    cli_plugin_path(c, &path);
    s->plugin = heuristic ? hfc_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", &err)
                          : hfc_method_resolve(&path, s->config, &s->settings, &err);
    hfc_search_path_free(&path);
    if (!s->plugin) {
        rc = cli_config_error(&err);
        goto out;
    }
    if (heuristic) {
        if (s->settings.fence_heuristics_ips && *s->settings.fence_heuristics_ips)
            hfc_paramset_set(set, "addresses", s->settings.fence_heuristics_ips);
    } else if (!hfc_method_params(s->config, &s->settings, s->plugin, set, &err)) {
        rc = cli_config_error(&err);
        goto out;
    }
    if ((rc = cli_params(c, s->plugin, c->args, c->arg_count, set, &rest, &rest_count)) != EXIT_OK)
        goto out;
    if (!cli_secrets(c, s->plugin, set, &err)) {
        rc = cli_config_error(&err);
        goto out;
    }
    cli_param_defaults(c, s->plugin, set);
    s->params = hfc_params_validate(hfc_plugin_descriptor_of(s->plugin)->params, set, hfc_plugin_name(s->plugin), &err);
    if (!s->params) {
        rc = cli_config_error(&err);
        goto out;
    }
    if (needs_targets && rest_count == 0) {
        rc = cli_usage_error("name the host UUID(s) to act on");
        goto out;
    }
    if (rest_count) {
        char *map_path = hfc_method_hostmap_path(&s->settings);
        hfc_hostmap *map = NULL;
        if (access(map_path, F_OK) == 0 &&
            !(map = hfc_hostmap_load(map_path, hfc_method_hostmap_flags(s->plugin), &err))) {
            free(map_path);
            rc = cli_config_error(&err);
            goto out;
        }
        if (!map)
            hfc_log(HF_LOG_INFO, "no host map %s: the host UUID is the target", map_path);
        for (int i = 0; i < rest_count; i++) {
            const char *target = rest[i];
            if (!hfc_is_uuid(rest[i])) {
                hfc_hostmap_free(map);
                free(map_path);
                rc = cli_usage_error("'%s' is not a host UUID", rest[i]);
                goto out;
            }
            if (map && !(target = hfc_hostmap_lookup(map, rest[i]))) {
                hfc_error_set(&err, HF_E_BAD_PARAMETER, "%s: no line for host %s", map_path, rest[i]);
                hfc_hostmap_free(map);
                free(map_path);
                rc = cli_config_error(&err);
                goto out;
            }
            add_target(s, rest[i], target);
        }
        hfc_hostmap_free(map);
        free(map_path);
    }
out:
    free(rest);
    hfc_paramset_free(set);
    return rc;
}

/* Direct mode: PLUGIN name=value... TARGET... */
static int setup_direct(const cli *c, setup *s)
{
    hfc_search_path path;
    hfc_paramset *set;
    hfc_error err = {0};
    char **rest = NULL;
    int rest_count = 0, rc;
    if (c->arg_count < 1)
        return cli_usage_error("name a plugin, or give a HA-Lizard config with -c");
    cli_plugin_path(c, &path);
    s->plugin = hfc_plugin_find(&path, c->args[0], &err);
    hfc_search_path_free(&path);
    if (!s->plugin) {
        fprintf(stderr, "hafence: %s\n", err.message);
        return err.code == HF_E_BAD_PARAMETER ? EXIT_USAGE : EXIT_FAILED;
    }
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

static const char *requested_by(const cli *c, char *buf, size_t size)
{
    struct passwd *pw;
    if (c->requested_by)
        return c->requested_by;
    pw = getpwuid(getuid());
    snprintf(buf, size, "hafence cli (user %s, pid %ld)", pw ? pw->pw_name : "?", (long)getpid());
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
    } else {
        json_object_object_add(j, "verified", json_object_new_boolean(o->verified));
        if (action != HFC_ACTION_MONITOR && action != HFC_ACTION_LIST)
            json_object_object_add(j, "power", json_object_new_string(hf_power_name(o->power)));
    }
    if (o->warning)
        json_object_object_add(j, "warning", json_object_new_boolean(1));
    if (o->signal)
        json_object_object_add(j, "signal", json_object_new_int(o->signal));
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

static void print_text(const setup *s, size_t i, hfc_action action, const hfc_outcome *o)
{
    const char *who = s->hosts && s->hosts[i] ? s->hosts[i]
                      : *s->targets[i]        ? s->targets[i]
                                              : hfc_plugin_name(s->plugin);
    FILE *out = o->code == HF_OK ? stdout : stderr;
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

static void record_one(const cli *c, const setup *s, size_t i, hfc_action action, const hfc_outcome *out,
                       const char *who, time_t start)
{
    hfc_error err = {0};
    hfc_history_record rec;
    char *capture;
    rec.time_ms = hfc_wall_ms();
    rec.host = s->hosts ? s->hosts[i] : NULL;
    rec.target = s->targets[i];
    rec.plugin = hfc_plugin_name(s->plugin);
    rec.action = hfc_action_name(action);
    rec.result = hf_result_name(out->code);
    rec.verified = out->verified;
    rec.message = out->message;
    rec.duration_ms = out->duration_ms;
    rec.requested_by = who;
    capture = hf_param_get(s->params, HF_PARAM_NAME_CONSOLE_DIR)
                  ? capture_since(c, rec.host, rec.target, hf_param_get(s->params, HF_PARAM_NAME_ADDRESS), start)
                  : NULL;
    rec.console = capture;
    if (!hfc_history_append(cli_history_path(c), &rec, &err))
        fprintf(stderr, "hafence: warning: not recorded: %s (use --history FILE)\n", err.message);
    free(capture);
}

static void record(const cli *c, const setup *s, hfc_action action, const hfc_outcome *outs, time_t start)
{
    char who_buf[256];
    const char *who;
    if (c->no_history || !is_fence_action(action))
        return;
    who = requested_by(c, who_buf, sizeof who_buf); /* once, not per target */
    for (size_t i = 0; i < s->count; i++)
        record_one(c, s, i, action, &outs[i], who, start);
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
    if (o->c->no_history || !is_fence_action(req->action))
        return;
    record_one(o->c, o->s, (size_t)(req - o->reqs), req->action, out, o->who, o->start);
}

static int run_requests(cli *c, setup *s, hfc_action action)
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
    orphan_scope orphan = {c, s, reqs, start, requested_by(c, who_buf, sizeof who_buf)};
    if (action == HFC_ACTION_CONSOLE)
        fflush(stdout);
    c->engine.on_orphan = record_orphan;
    c->engine.orphan_arg = &orphan;
    hfc_engine_run(&c->engine, reqs, s->count, outs);
    c->engine.on_orphan = NULL;
    record(c, s, action, outs, start);
    if (c->json) {
        json_object *j;
        if (s->count == 1) {
            j = outcome_json(s, 0, action, &outs[0]);
        } else {
            json_object *arr = json_object_new_array();
            bool all_ok = true;
            j = json_object_new_object();
            for (size_t i = 0; i < s->count; i++) {
                json_object_array_add(arr, outcome_json(s, i, action, &outs[i]));
                all_ok = all_ok && outs[i].code == HF_OK;
            }
            json_object_object_add(j, "action", json_object_new_string(hfc_action_name(action)));
            json_object_object_add(j, "result", json_object_new_string(all_ok ? "ok" : "failed"));
            json_object_object_add(j, "results", arr);
        }
        puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(j);
    } else {
        for (size_t i = 0; i < s->count; i++)
            print_text(s, i, action, &outs[i]);
    }
    rc = exit_code(action, outs, s->count);
    for (size_t i = 0; i < s->count; i++)
        hfc_outcome_clear(&outs[i]);
    free(outs);
    free(reqs);
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
        rc = setup_from_config(c, &s, needs, false);
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
        else
            rc = run_requests(c, &s, action);
    }
    setup_free(&s);
    return rc;
}

int cmd_heuristics(cli *c)
{
    setup s;
    int rc;
    memset(&s, 0, sizeof s);
    if (c->config_count) {
        rc = setup_from_config(c, &s, false, true);
        if (rc == EXIT_OK && !s.settings.fence_use_ip_heuristics) {
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
        rc = run_requests(c, &s, HFC_ACTION_CHECK);
    }
    setup_free(&s);
    return rc;
}
