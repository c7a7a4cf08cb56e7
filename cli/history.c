/* SPDX-License-Identifier: GPL-2.0-or-later */
/* history: who fenced what, when, and did it work. */
#include "core/error.h"
#include "core/history.h"
#include "cli/cli.h"

#include <json-c/json.h>

typedef struct history_walk {
    const cli *c;
    json_object *list;
    size_t count;
} history_walk;

static const char *field(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return "-";
    return json_object_get_string(v);
}

static bool visit(const char *line, void *arg)
{
    history_walk *w = arg;
    json_object *o = json_tokener_parse(line);
    if (!o)
        return true;
    w->count++;
    if (w->c->json) {
        json_object_array_add(w->list, o);
        return true;
    }
    printf("%s  %-36s %-7s %-15s %-8s %s%s  %sms  %s  [%s]\n", field(o, "time"),
           strcmp(field(o, "host"), "-") != 0 ? field(o, "host") : field(o, "target"), field(o, "action"),
           field(o, "result"), field(o, "plugin"),
           strcmp(field(o, "verified"), "true") == 0 ? "verified" : "unverified", "", field(o, "duration_ms"),
           field(o, "message"), field(o, "requested_by"));
    json_object_put(o);
    return true;
}

int cmd_history(cli *c)
{
    history_walk w = {c, NULL, 0};
    hfc_error err = {0};
    const char *path = c->history ? c->history : hfc_history_default_path();
    if (c->arg_count)
        return cli_usage_error("history takes no arguments (filters: --host, --since, --until)");
    if (c->json)
        w.list = json_object_new_array();
    if (!hfc_history_read(path, c->host_filter, c->since_ms, c->until_ms, visit, &w, &err)) {
        json_object_put(w.list);
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    if (c->json) {
        puts(json_object_to_json_string_ext(w.list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(w.list);
    } else if (!w.count) {
        fprintf(stderr, "hafence: no fence operations recorded in %s%s\n", path,
                c->host_filter || c->since_ms || c->until_ms ? " that match" : "");
    }
    return EXIT_OK;
}
