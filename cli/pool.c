/* status-pool: the dom0 daemon's view (role, peers, quorum, suspension),
 * read from its state directory; recover: clear a self-fence suspension
 * (HA-Lizard's recover_fenced_host). */
#include "cli.h"

#include <json-c/json.h>
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
    int64_t age = hf_wall_ms() - number(o, "time_ms"), interval = number(o, "interval_ms");
    return age > 10000 + 3 * interval;
}

int cmd_status_pool(cli *c)
{
    const char *dir = c->state_dir ? c->state_dir : hf_state_dir_default();
    char *path = hf_state_path(dir, "status.json"), *body;
    hf_error err = {0};
    hf_suspension s;
    json_object *o, *peers;
    int suspended;
    if (c->arg_count)
        return free(path), cli_usage_error("status-pool takes no arguments (--state-dir DIR)");
    body = hf_read_file(path, 4u << 20, NULL, &err);
    o = body ? json_tokener_parse(body) : NULL;
    free(body);
    if (!o) {
        fprintf(stderr, "hafence: no daemon status in %s: %s\n", path,
                err.message[0] ? err.message : "not JSON");
        free(path);
        return EXIT_FAILED;
    }
    free(path);
    /* the marker itself is the truth about suspension, even with no daemon */
    suspended = hf_suspension_read(dir, &s, &err);
    json_object_object_add(o, "stale", json_object_new_boolean(stale(o)));
    json_object_object_add(o, "suspended", json_object_new_boolean(suspended != 0));
    if (suspended)
        json_object_object_add(o, "suspension", json_object_new_string(s.reason));
    if (c->json) {
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return EXIT_OK;
    }
    printf("host        %s (%s)\n", text(o, "name"), text(o, "host"));
    printf("role        %s%s\n", text(o, "role"),
           flag(o, "stale") ? "   [STALE: the daemon has not written its status lately; is it running?]" : "");
    printf("master      %s\nautopromote %s\n", text(o, "master"), *text(o, "autopromote") ? text(o, "autopromote") : "-");
    printf("pool view   %s%s%s\n", flag(o, "view_cached") ? "cached (XAPI does not answer: " : "from XAPI",
           flag(o, "view_cached") ? text(o, "view_error") : "", flag(o, "view_cached") ? ")" : "");
    printf("quorum      %s: %lld of %lld hosts live (without the heuristic vote)\n",
           flag(o, "quorum") ? "yes" : "no", (long long)number(o, "live_hosts"), (long long)number(o, "pool_size"));
    printf("fencing     %s, method %s\n", flag(o, "fence_enabled") ? "enabled" : "DISABLED (FENCE_ENABLED=0)",
           text(o, "fence_method"));
    if (suspended)
        printf("SUSPENDED   %s\n            since this host fenced itself; clear with 'hafence recover' once the "
               "pool is whole\n", s.reason);
    else
        printf("suspended   no\n");
    if (json_object_object_get_ex(o, "peers", &peers) && json_object_array_length(peers)) {
        printf("\n%-36s  %-16s %-15s %-19s %s\n", "PEER", "NAME", "ADDRESS", "STATE", "LAST CHECK / DECISION");
        for (size_t i = 0; i < json_object_array_length(peers); i++) {
            json_object *p = json_object_array_get_idx(peers, i);
            char state[64];
            snprintf(state, sizeof state, "%s%s", text(p, "state"), flag(p, "master") ? " (master)" : "");
            printf("%-36s  %-16s %-15s %-19s %s%s%s\n", text(p, "uuid"), text(p, "name"), text(p, "address"), state,
                   text(p, "check"), *text(p, "decision") ? "; " : "", text(p, "decision"));
        }
    }
    json_object_put(o);
    return suspended ? EXIT_STATUS_OFF : EXIT_OK;
}

int cmd_recover(cli *c)
{
    const char *dir = c->state_dir ? c->state_dir : hf_state_dir_default();
    hf_error err = {0};
    hf_suspension s;
    hf_history_record rec = {0};
    char line[16], message[768];
    int state;
    if (c->arg_count)
        return cli_usage_error("recover takes no arguments (--state-dir DIR, --yes)");
    state = hf_suspension_read(dir, &s, &err);
    if (state == 0) {
        printf("hafence: HA is not suspended on this host (%s)\n", dir);
        return EXIT_OK;
    }
    fprintf(stderr,
            "WARNING: this host fenced itself: %s\n"
            "Clear the suspension only once the pool is whole again (one master, every host accounted for):\n"
            "afterwards this host may fence its peers and start VMs again.\n",
            state < 0 ? err.message : s.reason);
    if (!c->yes) {
        if (!isatty(STDIN_FILENO))
            return cli_usage_error("not a terminal: confirm with --yes");
        fprintf(stderr, "Press Enter to clear the suspension, Ctrl-C to keep it: ");
        if (!fgets(line, sizeof line, stdin))
            return EXIT_FAILED;
    }
    if (!hf_suspension_clear(dir, &err)) {
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    snprintf(message, sizeof message, "suspension cleared by the operator (was: %s)", s.reason);
    rec.time_ms = hf_wall_ms();
    rec.plugin = "hafence";
    rec.action = "recover";
    rec.result = "ok";
    rec.message = message;
    rec.requested_by = c->requested_by ? c->requested_by : "hafence recover";
    if (!c->no_history && !hf_history_append(cli_history_path(c), &rec, &err))
        fprintf(stderr, "hafence: %s\n", err.message);
    printf("hafence: suspension cleared; the daemon resumes HA on its next pass\n");
    return EXIT_OK;
}
