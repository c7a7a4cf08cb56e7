/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plugins and info: what is installed and what each plugin takes. */
#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"
#include "cli/cli.h"
#include "cli/agent.h"

#include <json-c/json.h>
#include <libxml/xmlwriter.h>

typedef struct plugins_walk {
    const cli *c;
    json_object *list;
    int failures;
} plugins_walk;

static const char *kind_name(hf_kind kind)
{
    return kind == HF_KIND_FENCE ? "fence" : kind == HF_KIND_HEURISTIC ? "heuristic" : "?";
}

static void visit(const char *file, hfc_plugin *p, const hfc_error *err, void *arg)
{
    plugins_walk *w = arg;
    if (!p) {
        w->failures++;
        if (w->c->json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "file", json_object_new_string(file));
            json_object_object_add(o, "error", json_object_new_string(err->message));
            json_object_array_add(w->list, o);
        } else {
            fprintf(stderr, "hafence: %s\n", err->message);
        }
        return;
    }
    {
        const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(p);
        char abi[32];
        snprintf(abi, sizeof abi, "%u.%u", d->abi_major, d->abi_minor);
        if (w->c->json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "name", json_object_new_string(d->name));
            json_object_object_add(o, "kind", json_object_new_string(kind_name(d->kind)));
            json_object_object_add(o, "version", json_object_new_string(d->version));
            json_object_object_add(o, "abi", json_object_new_string(abi));
            json_object_object_add(o, "file", json_object_new_string(file));
            json_object_object_add(o, "description", json_object_new_string(d->description));
            json_object_array_add(w->list, o);
        } else {
            printf("%-12s %-10s %-10s %-5s %s\n", d->name, kind_name(d->kind), d->version, abi, file);
        }
    }
    hfc_plugin_unload(p);
}

int cmd_plugins(cli *c)
{
    hfc_search_path path;
    plugins_walk w = {c, NULL, 0};
    cli_plugin_path(c, &path);
    if (c->json)
        w.list = json_object_new_array();
    else
        printf("%-12s %-10s %-10s %-5s %s\n", "NAME", "KIND", "VERSION", "ABI", "FILE");
    hfc_plugin_discover(&path, visit, &w);
    hfc_search_path_free(&path);
    if (c->json) {
        puts(json_object_to_json_string_ext(w.list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(w.list);
    }
    return w.failures ? EXIT_FAILED : EXIT_OK;
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
    if (c->xml) {
        /* what the plugin's fence agent answers to action=metadata */
        char agent[128];
        agent_name_of(d->name, agent, sizeof agent);
        agent_metadata_write(p, agent, stdout);
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
    return EXIT_OK;
}
