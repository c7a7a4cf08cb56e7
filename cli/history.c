/* SPDX-License-Identifier: GPL-2.0-or-later */
/* history: who fenced what, when, and did it work. */
#include "core/error.h"
#include "core/history.h"
#include "cli/cli.h"

#include "core/json.h"
#include <string.h>

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
    json_object_array_add(w->list, o);
    return true;
}

/* One text column of a record. */
static const char *column(json_object *o, int k, char *buf, size_t size)
{
    switch (k) {
    case 0: return field(o, "time");
    case 1: return strcmp(field(o, "host"), "-") != 0 ? field(o, "host") : field(o, "target");
    case 2: return field(o, "action");
    case 3: return field(o, "result");
    case 4: return strcmp(field(o, "verified"), "true") == 0 ? "verified" : "-";
    case 5: return field(o, "plugin");
    case 6: return field(o, "address");
    case 7: snprintf(buf, size, "%sms", field(o, "duration_ms")); return buf;
    default: return "";
    }
}

/* The records as a table whose columns fit the longest value. */
static void print_table(json_object *list)
{
    static const char *const titles[] = {"TIME",     "HOST/TARGET", "ACTION",  "RESULT",
                                         "VERIFIED", "PLUGIN",      "ADDRESS", "TOOK"};
    enum {
        COLUMNS = sizeof titles / sizeof titles[0]
    };
    int width[COLUMNS];
    char buf[64];
    size_t n = json_object_array_length(list);
    for (int k = 0; k < COLUMNS; k++) {
        width[k] = (int)strlen(titles[k]);
        for (size_t i = 0; i < n; i++) {
            int len = (int)strlen(column(json_object_array_get_idx(list, i), k, buf, sizeof buf));
            width[k] = len > width[k] ? len : width[k];
        }
    }
    for (int k = 0; k < COLUMNS; k++)
        printf("%-*s  ", width[k], titles[k]);
    puts("MESSAGE [WHO ASKED]");
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(list, i);
        for (int k = 0; k < COLUMNS; k++)
            printf("%-*s  ", width[k], column(o, k, buf, sizeof buf));
        printf("%s  [%s]\n", field(o, "message"), field(o, "requested_by"));
    }
}

int cmd_history(cli *c)
{
    history_walk w = {c, NULL, 0};
    hfc_error err = {0};
    const char *path = c->history ? c->history : hfc_history_default_path();
    if (c->arg_count)
        return cli_usage_error("history takes no arguments (filters: --host, --since, --until)");
    w.list = json_object_new_array();
    if (!hfc_history_read(path, c->host_filter, c->since_ms, c->until_ms, visit, &w, &err)) {
        json_object_put(w.list);
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    if (c->json)
        puts(json_object_to_json_string_ext(w.list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    else if (w.count)
        print_table(w.list);
    else
        fprintf(stderr, "hafence: no fence operations recorded in %s%s\n", path,
                c->host_filter || c->since_ms || c->until_ms ? " that match" : "");
    json_object_put(w.list);
    return EXIT_OK;
}
