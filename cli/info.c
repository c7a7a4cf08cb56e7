/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plugins and info: what is installed and what each plugin takes. */
#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"
#include "cli/cli.h"

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

static const char *const fence_actions[] = {"on", "off", "reboot", "status", "monitor", "metadata", NULL};

/* fence-agents metadata, so a plugin can be offered to Pacemaker. */
static int print_xml(const hfc_plugin *p)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(p);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    char name[128];
    snprintf(name, sizeof name, "hafence_%s", d->name);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "resource-agent");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
    xmlTextWriterWriteAttribute(w, BAD_CAST "shortdesc", BAD_CAST d->description);
    xmlTextWriterWriteElement(w, BAD_CAST "longdesc", BAD_CAST d->description);
    /* the plugin's own home page (ABI 1.2); optional in fence-agents' schema */
    if (d->vendor_url && *d->vendor_url)
        xmlTextWriterWriteElement(w, BAD_CAST "vendor-url", BAD_CAST d->vendor_url);
    xmlTextWriterStartElement(w, BAD_CAST "parameters");
    for (const hf_param_def *q = d->params; q && q->name; q++) {
        char getopt_str[256];
        snprintf(getopt_str, sizeof getopt_str, "--%s=[%s]", q->name, hfc_param_type_name(q->type));
        xmlTextWriterStartElement(w, BAD_CAST "parameter");
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST q->name);
        xmlTextWriterWriteAttribute(w, BAD_CAST "unique", BAD_CAST "0");
        xmlTextWriterWriteAttribute(w, BAD_CAST "required", BAD_CAST((q->flags & HF_PARAM_REQUIRED) ? "1" : "0"));
        if (q->flags & HF_PARAM_SECRET)
            xmlTextWriterWriteAttribute(w, BAD_CAST "secret", BAD_CAST "1");
        xmlTextWriterStartElement(w, BAD_CAST "getopt");
        xmlTextWriterWriteAttribute(w, BAD_CAST "mixed", BAD_CAST getopt_str);
        xmlTextWriterEndElement(w);
        xmlTextWriterStartElement(w, BAD_CAST "content");
        xmlTextWriterWriteAttribute(w, BAD_CAST "type",
                                    BAD_CAST(q->type == HF_PARAM_ENUM      ? "select"
                                             : q->type == HF_PARAM_BOOLEAN ? "boolean"
                                             : q->type == HF_PARAM_INTEGER ? "integer"
                                                                           : "string"));
        /* never a secret's default (the loader refuses those anyway) */
        if (q->default_value && *q->default_value && !(q->flags & HF_PARAM_SECRET))
            xmlTextWriterWriteAttribute(w, BAD_CAST "default", BAD_CAST q->default_value);
        for (const char *const *e = q->type == HF_PARAM_ENUM ? q->enum_values : NULL; e && *e; e++) {
            xmlTextWriterStartElement(w, BAD_CAST "option");
            xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST * e);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
        xmlTextWriterStartElement(w, BAD_CAST "shortdesc");
        xmlTextWriterWriteAttribute(w, BAD_CAST "lang", BAD_CAST "en");
        xmlTextWriterWriteString(w, BAD_CAST q->help);
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "actions");
    for (const char *const *a = fence_actions; d->kind == HF_KIND_FENCE && *a; a++) {
        xmlTextWriterStartElement(w, BAD_CAST "action");
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST * a);
        if (strcmp(*a, "on") == 0)
            xmlTextWriterWriteAttribute(w, BAD_CAST "automatic", BAD_CAST "0");
        xmlTextWriterEndElement(w);
    }
    if (d->kind == HF_KIND_FENCE && hfc_plugin_fence_list(p)) {
        xmlTextWriterStartElement(w, BAD_CAST "action");
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "list");
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    fputs((const char *)xmlBufferContent(buf), stdout);
    xmlBufferFree(buf);
    return EXIT_OK;
}

int cmd_info(cli *c)
{
    hfc_search_path path;
    hfc_error err = {0};
    hfc_plugin *p;
    const hf_plugin_descriptor *d;
    if (c->arg_count != 1)
        return cli_usage_error("info takes one plugin name or file");
    cli_plugin_path(c, &path);
    p = hfc_plugin_find(&path, c->args[0], &err);
    hfc_search_path_free(&path);
    if (!p) {
        fprintf(stderr, "hafence: %s\n", err.message);
        return EXIT_FAILED;
    }
    d = hfc_plugin_descriptor_of(p);
    if (c->xml) {
        print_xml(p);
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
