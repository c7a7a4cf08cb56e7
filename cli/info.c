/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plugins and info: what is installed and what each plugin takes. */
#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"
#include "cli/cli.h"
#include "cli/agent.h"

#include "core/json.h"
#include <string.h>

typedef struct plugins_walk {
    const cli *c;
    json_object *list;
    int failures;
} plugins_walk;

static const char *kind_name(hf_kind kind)
{
    return kind == HF_KIND_FENCE ? "fence" : kind == HF_KIND_HEURISTIC ? "heuristic" : "?";
}

/* Every plugin found, loaded or not, as JSON objects: printed as they
 * are (--json) or as a table whose columns fit the longest names. */
static void visit(const char *file, hfc_plugin *p, const hfc_error *err, void *arg)
{
    plugins_walk *w = arg;
    json_object *o = json_object_new_object();
    if (!p) {
        w->failures++;
        json_object_object_add(o, "file", json_object_new_string(file));
        json_object_object_add(o, "error", json_object_new_string(err->message));
        if (!w->c->json)
            fprintf(stderr, "hafence: %s\n", err->message);
    } else {
        const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(p);
        char abi[32];
        snprintf(abi, sizeof abi, "%u.%u", d->abi_major, d->abi_minor);
        json_object_object_add(o, "name", json_object_new_string(d->name));
        json_object_object_add(o, "kind", json_object_new_string(kind_name(d->kind)));
        json_object_object_add(o, "version", json_object_new_string(d->version));
        json_object_object_add(o, "abi", json_object_new_string(abi));
        json_object_object_add(o, "file", json_object_new_string(file));
        json_object_object_add(o, "description", json_object_new_string(d->description));
        hfc_plugin_unload(p);
    }
    json_object_array_add(w->list, o);
}

static const char *field(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static void print_table(json_object *list)
{
    static const char *const columns[] = {"name", "kind", "version", "abi", "file"};
    static const char *const titles[] = {"NAME", "KIND", "VERSION", "ABI", "FILE"};
    int width[5];
    size_t n = json_object_array_length(list);
    for (int k = 0; k < 5; k++) {
        width[k] = (int)strlen(titles[k]);
        for (size_t i = 0; i < n; i++) {
            const char *v = field(json_object_array_get_idx(list, i), columns[k]);
            if (v && field(json_object_array_get_idx(list, i), "name") && (int)strlen(v) > width[k])
                width[k] = (int)strlen(v);
        }
    }
    printf("%-*s %-*s %-*s %-*s %s\n", width[0], titles[0], width[1], titles[1], width[2], titles[2], width[3],
           titles[3], titles[4]);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(list, i);
        if (field(o, "name"))
            printf("%-*s %-*s %-*s %-*s %s\n", width[0], field(o, "name"), width[1], field(o, "kind"), width[2],
                   field(o, "version"), width[3], field(o, "abi"), field(o, "file"));
    }
}

int cmd_plugins(cli *c)
{
    hfc_search_path path;
    plugins_walk w = {c, json_object_new_array(), 0};
    int rc;
    cli_plugin_path(c, &path);
    hfc_plugin_discover(&path, visit, &w);
    if (json_object_array_length(w.list) == 0) {
        char dirs[2048];
        hfc_search_path_text(&path, dirs, sizeof dirs);
        fprintf(stderr,
                "hafence: no plugins found (looked in %s; --plugin-dir DIR or HAFENCE_PLUGIN_PATH name others)\n",
                dirs);
    }
    if (c->json)
        puts(json_object_to_json_string_ext(w.list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    else if (json_object_array_length(w.list))
        print_table(w.list);
    rc = w.failures || json_object_array_length(w.list) == 0 ? EXIT_FAILED : EXIT_OK;
    json_object_put(w.list);
    hfc_search_path_free(&path);
    return rc;
}

int cmd_info(cli *c)
{
    hfc_plugin *p;
    int rc;
    const hf_plugin_descriptor *d;
    if (c->arg_count != 1)
        return cli_usage_error("info takes one plugin name or file");
    if (!(p = cli_plugin_find(c, c->args[0], &rc)))
        return rc;
    d = hfc_plugin_descriptor_of(p);
    rc = EXIT_OK;
    if (c->xml) {
        /* what the plugin's fence agent answers to action=metadata */
        char agent[128];
        agent_name_of(d->name, agent, sizeof agent);
        rc = agent_metadata_write(p, agent, stdout) ? EXIT_OK : EXIT_FAILED;
    } else if (c->json) {
        json_object *o = json_object_new_object(), *ps = json_object_new_array();
        json_object_object_add(o, "name", json_object_new_string(d->name));
        json_object_object_add(o, "kind", json_object_new_string(kind_name(d->kind)));
        json_object_object_add(o, "version", json_object_new_string(d->version));
        json_object_object_add(o, "description", json_object_new_string(d->description));
        json_object_object_add(o, "file", json_object_new_string(hfc_plugin_path(p)));
        for (const hf_param_def *q = d->params; q && q->name; q++) {
            json_object *j = json_object_new_object();
            json_object_object_add(j, "name", json_object_new_string(q->name));
            json_object_object_add(j, "type", json_object_new_string(hfc_param_type_name(q->type)));
            json_object_object_add(j, "required", json_object_new_boolean(q->flags & HF_PARAM_REQUIRED));
            json_object_object_add(j, "secret", json_object_new_boolean(q->flags & HF_PARAM_SECRET));
            if (q->default_value && !(q->flags & HF_PARAM_SECRET))
                json_object_object_add(j, "default", json_object_new_string(q->default_value));
            json_object_object_add(j, "help", json_object_new_string(q->help));
            json_object_array_add(ps, j);
        }
        json_object_object_add(o, "parameters", ps);
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    } else {
        printf("%s %s (%s plugin, ABI %u.%u)\n%s\nfile: %s\n\nparameters:\n", d->name, d->version, kind_name(d->kind),
               d->abi_major, d->abi_minor, d->description, hfc_plugin_path(p));
        for (const hf_param_def *q = d->params; q && q->name; q++) {
            printf("  %-18s %-8s%s%s", q->name, hfc_param_type_name(q->type),
                   (q->flags & HF_PARAM_REQUIRED) ? " required" : "", (q->flags & HF_PARAM_SECRET) ? " secret" : "");
            if (q->default_value && *q->default_value)
                printf(" (default %s)", q->default_value);
            printf("\n      %s\n", q->help);
            if (q->type == HF_PARAM_ENUM) {
                printf("      one of:");
                for (const char *const *e = q->enum_values; *e; e++)
                    printf(" %s", *e);
                printf("\n");
            }
        }
    }
    hfc_plugin_unload(p);
    return rc;
}
