/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status-pool: the dom0 daemon's view (role, peers, quorum, suspension),
 * read from its state directory; simulate: what the daemon would do were a
 * host failing now; recover: clear a self-fence suspension (HA-Lizard's
 * recover_fenced_host). */
#include "core/error.h"
#include "core/util.h"
#include "core/history.h"
#include "core/hastate.h"
#include "cli/cli.h"

#include "core/json.h"
#include <unistd.h>

static const char *text(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static int64_t number(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_int64(v) : 0;
}

static bool flag(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v && json_object_get_boolean(v);
}

/* The daemon writes its status every pass (at least every second); one
 * much older than its check interval is from a daemon that is not running. */
static bool stale(json_object *o)
{
    int64_t age = hfc_wall_ms() - number(o, "time_ms"), interval = number(o, "interval_ms");
    return age > 10000 + 3 * interval;
}

/* The daemon's newest status: the state directory's, or the runtime
 * directory's when the daemon could not write the former (full,
 * read-only).  *where gets its path; NULL with err when there is none. */
static json_object *daemon_status(const cli *c, const char *state_dir, char **where, hfc_error *err)
{
    const char *dirs[2] = {state_dir, c->runtime_dir ? c->runtime_dir : hfc_runtime_dir_default()};
    json_object *best = NULL;
    *where = NULL;
    for (int i = 0; i < 2; i++) {
        char *path = hfc_state_path(dirs[i], "status.json"), *body;
        hfc_error e = {0};
        json_object *o;
        body = hfc_read_file(path, 4u << 20, NULL, &e);
        o = body ? json_tokener_parse(body) : NULL;
        free(body);
        if (o && (!best || number(o, "time_ms") > number(best, "time_ms"))) {
            json_object_put(best);
            best = o;
            free(*where);
            *where = path;
            continue;
        }
        json_object_put(o);
        if (i == 0 && body == NULL && access(path, F_OK) != 0)
            hfc_error_set(err, HF_E_BAD_PARAMETER,
                          "hafenced is not running on this host, or has never run here: no status in %s "
                          "(--state-dir names another state directory)",
                          path);
        else if (i == 0)
            hfc_error_set(err, HF_E_BAD_PARAMETER, "no daemon status in %s: %s", path,
                          e.message[0] ? e.message : "not JSON");
        free(path);
    }
    if (best)
        json_object_object_add(best, "stale", json_object_new_boolean(stale(best)));
    return best;
}

/* A suspension the running daemon holds in memory, its marker unwritten. */
static bool held_in_memory(json_object *o)
{
    json_object *v;
    return o && !flag(o, "stale") && flag(o, "suspended") && json_object_object_get_ex(o, "suspension_recorded", &v) &&
           !json_object_get_boolean(v);
}

static void print_peers(json_object *o)
{
    json_object *peers;
    if (!json_object_object_get_ex(o, "peers", &peers) || !json_object_array_length(peers))
        return;
    printf("\n%-36s  %-16s %-15s %-19s %s\n", "PEER", "NAME", "ADDRESS", "STATE", "LAST CHECK / DECISION");
    for (size_t i = 0; i < json_object_array_length(peers); i++) {
        json_object *p = json_object_array_get_idx(peers, i);
        char state[64];
        snprintf(state, sizeof state, "%s%s", text(p, "state"), flag(p, "master") ? " (master)" : "");
        printf("%-36s  %-16s %-15s %-19s %s%s%s\n", text(p, "uuid"), text(p, "name"), text(p, "address"), state,
               text(p, "check"), *text(p, "decision") ? "; " : "", text(p, "decision"));
    }
}

/* "12 s ago", "3 min ago", "2 h ago" */
static const char *ago(int64_t wall_ms, char *buf, size_t size)
{
    int64_t s = (hfc_wall_ms() - wall_ms) / 1000;
    if (!wall_ms)
        snprintf(buf, size, "never");
    else if (s < 120)
        snprintf(buf, size, "%lld s ago", (long long)(s < 0 ? 0 : s));
    else if (s < 7200)
        snprintf(buf, size, "%lld min ago", (long long)s / 60);
    else
        snprintf(buf, size, "%lld h ago", (long long)s / 3600);
    return buf;
}

/* Every peer's fence path as hafenced last checked it (readiness). */
static void print_fence_paths(json_object *o)
{
    json_object *peers;
    bool header = false;
    if (!json_object_object_get_ex(o, "peers", &peers))
        return;
    for (size_t i = 0; i < json_object_array_length(peers); i++) {
        json_object *p = json_object_array_get_idx(peers, i), *paths;
        if (!json_object_object_get_ex(p, "fence_paths", &paths))
            continue;
        for (size_t k = 0; k < json_object_array_length(paths); k++) {
            json_object *f = json_object_array_get_idx(paths, k);
            char device[160], when[32];
            if (!header) {
                printf("\n%-16s %-5s %-24s %-22s %-9s %-12s %s\n", "FENCE PATH TO", "LEVEL", "DEVICE", "TARGET",
                       "STATE", "CHECKED", "RESULT");
                header = true;
            }
            snprintf(device, sizeof device, "%s (%s)", text(f, "device"), text(f, "plugin"));
            printf("%-16s %-5lld %-24s %-22s %-9s %-12s %s%s%s\n", *text(p, "name") ? text(p, "name") : text(p, "uuid"),
                   (long long)number(f, "level"), device, *text(f, "target") ? text(f, "target") : "-",
                   text(f, "state"), ago(number(f, "checked_ms"), when, sizeof when), text(f, "how"),
                   *text(f, "how") ? ": " : "", text(f, "message"));
        }
    }
}

int cmd_status_pool(cli *c)
{
    const char *dir = c->state_dir ? c->state_dir : hfc_state_dir_default();
    char *where;
    hfc_error err = {0};
    hfc_suspension s;
    json_object *o;
    bool suspended;
    bool memory_only;
    if (c->arg_count)
        return cli_usage_error("status-pool takes no arguments (--state-dir DIR)");
    if (!(o = daemon_status(c, dir, &where, &err))) {
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    free(where);
    /* the marker itself is the truth about suspension, even with no
     * daemon; and a running daemon that could not write it says so */
    suspended = hfc_suspension_read(dir, &s, &err) != HFC_MARKER_NONE;
    memory_only = !suspended && held_in_memory(o);
    if (memory_only)
        hfc_strlcpy(s.reason, text(o, "suspension"), sizeof s.reason);
    json_object_object_add(o, "suspended", json_object_new_boolean(suspended || memory_only));
    if (suspended || memory_only)
        json_object_object_add(o, "suspension", json_object_new_string(s.reason));
    if (c->json) {
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        printf("host        %s (%s)\n", text(o, "name"), text(o, "host"));
        printf("role        %s%s\n", text(o, "role"),
               flag(o, "stale") ? "   [STALE: the daemon has not written its status lately; is it running?]" : "");
        printf("master      %s\nautopromote %s\n", text(o, "master"),
               *text(o, "autopromote") ? text(o, "autopromote") : "-");
        printf("pool view   %s%s%s\n", flag(o, "view_cached") ? "cached (XAPI does not answer: " : "from XAPI",
               flag(o, "view_cached") ? text(o, "view_error") : "", flag(o, "view_cached") ? ")" : "");
        printf("quorum      %s: %lld of %lld hosts live (without the heuristic vote)\n",
               flag(o, "quorum") ? "yes" : "no", (long long)number(o, "live_hosts"), (long long)number(o, "pool_size"));
        printf("fencing     %s, method %s\n", flag(o, "fence_enabled") ? "enabled" : "DISABLED (FENCE_ENABLED=0)",
               text(o, "fence_method"));
        if (memory_only)
            printf("SUSPENDED   %s\n            IN MEMORY ONLY: the daemon cannot write its suspension marker "
                   "(%s);\n            it does not reboot and fences nobody; clear with 'hafence recover'\n",
                   s.reason, text(o, "suspension_error"));
        else if (suspended)
            printf("SUSPENDED   %s\n            since this host fenced itself; clear with 'hafence recover' once "
                   "the pool is whole\n",
                   s.reason);
        else
            printf("suspended   no\n");
        print_peers(o);
        print_fence_paths(o);
    }
    json_object_put(o);
    return suspended || memory_only ? EXIT_STATUS_OFF : EXIT_OK;
}

static bool confirmed(const cli *c, const char *reason, int *rc)
{
    char line[16];
    fprintf(stderr,
            "WARNING: this host fenced itself: %s\n"
            "Clear the suspension only once the pool is whole again (one master, every host accounted for):\n"
            "afterwards this host may fence its peers and start VMs again.\n",
            reason);
    if (c->yes)
        return true;
    if (!isatty(STDIN_FILENO)) {
        *rc = cli_usage_error("not a terminal: confirm with --yes");
        return false;
    }
    fprintf(stderr, "Press Enter to clear the suspension, Ctrl-C to keep it: ");
    *rc = EXIT_FAILED;
    return fgets(line, sizeof line, stdin) != NULL;
}

static void record_recover(const cli *c, const char *message)
{
    hfc_history_record rec = {0};
    hfc_error err = {0};
    rec.time_ms = hfc_wall_ms();
    rec.plugin = "hafence";
    rec.action = "recover";
    rec.result = "ok";
    rec.message = message;
    rec.requested_by = c->requested_by ? c->requested_by : "hafence recover";
    if (!c->no_history && !hfc_history_append(cli_history_path(c), &rec, &err))
        fprintf(stderr, "hafence: %s\n", err.message);
}

/* The daemon holds the suspension in memory (no marker): ask it, through
 * the runtime directory, to clear that very suspension. */
static int recover_in_memory(const cli *c, json_object *o, const char *where)
{
    const char *runtime = c->runtime_dir ? c->runtime_dir : hfc_runtime_dir_default();
    char message[768];
    hfc_error err = {0};
    int rc = EXIT_OK;
    if (!confirmed(c, text(o, "suspension"), &rc))
        return rc;
    if (!hfc_recover_request_write(runtime, number(o, "suspension_since_ms"), &err)) {
        fprintf(stderr, "hafence: cannot ask the daemon to resume: %s\n", err.message);
        return EXIT_FAILED;
    }
    snprintf(message, sizeof message,
             "suspension held in memory by the daemon (pid %lld, status %s) cleared by "
             "the operator (was: %.400s)",
             (long long)number(o, "pid"), where, text(o, "suspension"));
    record_recover(c, message);
    printf("hafence: the daemon holds this suspension in memory only (its marker could not be written);\n"
           "asked it to resume HA (%s/recover): it does on its next pass\n",
           runtime);
    return EXIT_OK;
}

int cmd_recover(cli *c)
{
    const char *dir = c->state_dir ? c->state_dir : hfc_state_dir_default();
    hfc_error err = {0};
    hfc_suspension s;
    char message[768];
    hfc_marker_state state;
    int rc = EXIT_OK;
    if (c->arg_count)
        return cli_usage_error("recover takes no arguments (--state-dir DIR, --yes)");
    state = hfc_suspension_read(dir, &s, &err);
    if (state == HFC_MARKER_NONE) {
        char *where;
        hfc_error e = {0};
        json_object *o = daemon_status(c, dir, &where, &e);
        if (held_in_memory(o))
            rc = recover_in_memory(c, o, where);
        else
            printf("hafence: HA is not suspended on this host (%s)\n", dir);
        json_object_put(o);
        free(where);
        return rc;
    }
    if (!confirmed(c, state == HFC_MARKER_UNREADABLE ? err.message : s.reason, &rc))
        return rc;
    if (!hfc_suspension_clear(dir, &err)) {
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    snprintf(message, sizeof message, "suspension cleared by the operator (was: %s)", s.reason);
    record_recover(c, message);
    printf("hafence: suspension cleared; the daemon resumes HA on its next pass\n");
    return EXIT_OK;
}

/* ---- simulate ---------------------------------------------------------------- */
#define SIMULATE_WAIT_MS 30000 /* the daemon answers between passes; a fence may hold it */

static void print_decision(json_object *o, const char *key, const char *prefix)
{
    json_object *d;
    if (json_object_object_get_ex(o, key, &d))
        printf("%s%s: %s\n", prefix, text(d, "decision"), text(d, "reason"));
}

static void print_simulation(json_object *o)
{
    json_object *paths, *vms, *hosts;
    char when[32];
    const char *who = *text(o, "name") ? text(o, "name") : text(o, "host");
    printf("%s failing now%s, as hafenced on %s (%s) sees it:\n", who,
           strcmp(text(o, "state"), "ok") == 0 ? "" : " (it is not ok now either)", text(o, "by"), text(o, "role"));
    printf("  quorum      %lld of %lld enabled hosts live with %s failed (pool of %lld)%s%s\n",
           (long long)number(o, "live_hosts"), (long long)number(o, "enabled_hosts"), who,
           (long long)number(o, "pool_size"), flag(o, "peer_is_master") ? "; it is the pool master" : "",
           flag(o, "in_maintenance") ? "; this host is in maintenance" : "");
    printf("  heuristic   %s (%s)\n", text(o, "heuristic"), text(o, "heuristic_why"));
    print_decision(o, "now", "  decision    ");
    if (json_object_object_get_ex(o, "after_wait", &paths)) {
        printf("              then, after %lld s, were it still failed:\n", (long long)number(o, "wait_s"));
        print_decision(o, "after_wait", "              ");
    }
    printf("  fence plan  FENCE_METHOD=%s, %s, %lld level%s\n", text(o, "fence_method"), text(o, "fence_action"),
           (long long)number(o, "levels"), number(o, "levels") == 1 ? "" : "s");
    if (json_object_object_get_ex(o, "fence_paths", &paths))
        for (size_t i = 0; i < json_object_array_length(paths); i++) {
            json_object *f = json_object_array_get_idx(paths, i);
            printf("              level %lld %s (%s) %s: %s", (long long)number(f, "level"), text(f, "device"),
                   text(f, "plugin"), *text(f, "target") ? text(f, "target") : "-", text(f, "state"));
            if (number(f, "checked_ms"))
                printf(" (%s %s, %s)", text(f, "how"), ago(number(f, "checked_ms"), when, sizeof when),
                       text(f, "message"));
            else
                printf(" (not checked yet: HAFENCE_MONITOR_INTERVAL)");
            putchar('\n');
        }
    if (json_object_object_get_ex(o, "vms", &vms) && json_object_object_get_ex(o, "start_on", &hosts)) {
        size_t n = json_object_array_length(vms);
        if (*text(o, "vm_error"))
            printf("  VMs         cannot read them: %s\n", text(o, "vm_error"));
        else if (*text(o, "vm_note"))
            printf("  VMs         %zu managed on %s; %s\n", n, who, text(o, "vm_note"));
        else {
            printf("  VMs         %zu would start on", n);
            for (size_t i = 0; i < json_object_array_length(hosts); i++)
                printf("%s %s", i ? "," : "", json_object_get_string(json_object_array_get_idx(hosts, i)));
            if (!json_object_array_length(hosts))
                printf(" no host (none is left that answers)");
            printf("%s", n ? ":" : "");
            for (size_t i = 0; i < n; i++)
                printf("%s %s", i ? "," : "", json_object_get_string(json_object_array_get_idx(vms, i)));
            putchar('\n');
        }
    }
}

int cmd_simulate(cli *c)
{
    const char *dir = c->state_dir ? c->state_dir : hfc_state_dir_default();
    const char *runtime = c->runtime_dir ? c->runtime_dir : hfc_runtime_dir_default();
    int64_t wait_ms = c->timeout_given ? c->engine.timeout_ms : SIMULATE_WAIT_MS, end;
    char id[64], file[128], *where, *path, *body = NULL;
    hfc_error err = {0};
    json_object *status, *o;
    int rc;
    if (c->arg_count != 1)
        return cli_usage_error("simulate takes one host: its name or UUID");
    if (!(status = daemon_status(c, dir, &where, &err))) {
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    free(where);
    if (flag(status, "stale")) {
        fprintf(stderr, "hafence: hafenced has not written its status lately: is it running?\n");
        json_object_put(status);
        return EXIT_FAILED;
    }
    json_object_put(status);
    snprintf(id, sizeof id, "%ld-%lld", (long)getpid(), (long long)hfc_wall_ms());
    if (!hfc_simulate_request_write(runtime, c->args[0], id, &err)) {
        fprintf(stderr, "hafence: cannot ask hafenced: %s\n", err.message);
        return EXIT_FAILED;
    }
    path = hfc_state_path(runtime, hfc_simulate_answer_name(id, file, sizeof file));
    end = hf_now_ms() + wait_ms;
    while (!(body = hfc_read_file(path, 1u << 20, NULL, &err)) && hf_now_ms() < end)
        hfc_sleep_ms(100, NULL);
    unlink(path);
    free(path);
    if (!body) {
        fprintf(stderr, "hafence: hafenced did not answer within %lld s (busy fencing? not running?)\n",
                (long long)(wait_ms / 1000));
        return EXIT_FAILED;
    }
    o = json_tokener_parse(body);
    free(body);
    if (!o) {
        fprintf(stderr, "hafence: hafenced's answer is not JSON\n");
        return EXIT_FAILED;
    }
    if (c->json)
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    else if (*text(o, "error"))
        fprintf(stderr, "hafence: simulate %s: %s\n", c->args[0], text(o, "error"));
    else
        print_simulation(o);
    rc = *text(o, "error") ? EXIT_FAILED : EXIT_OK;
    json_object_put(o);
    return rc;
}
