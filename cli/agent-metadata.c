/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A plugin's fence-agents metadata, as fence_hafence_<plugin> answers
 * action=metadata: valid against fence-agents' metadata.rng, the names
 * fence-agents users know first, then the plugin's own parameters. */
#include "core/params.h"
#include "core/loader.h"
#include "cli/agent.h"

#include <libxml/xmlwriter.h>
#include <string.h>

/* Whether key k means something for plugin p (NULL: not loaded). */
static bool key_applies(const agent_key *k, const hfc_plugin *p, const hf_param_def **def)
{
    const hf_param_def *defs = p ? hfc_plugin_descriptor_of(p)->params : NULL;
    *def = NULL;
    switch (k->kind) {
    case AGENT_KEY_PARAM: return defs && (*def = hfc_param_def_find(defs, k->param)) != NULL;
    case AGENT_KEY_PASSWORD_SCRIPT: return defs && hfc_param_def_find(defs, k->param) != NULL;
    case AGENT_KEY_PARAM_SECONDS: return agent_key_param(k, p) != NULL;
    default: return true;
    }
}

static const char *content_type(hf_param_type t)
{
    return t == HF_PARAM_ENUM      ? "select"
           : t == HF_PARAM_BOOLEAN ? "boolean"
           : t == HF_PARAM_INTEGER ? "integer"
                                   : "string";
}

static void write_parameter(xmlTextWriterPtr w, const char *name, char short_option, bool required,
                            const char *obsoletes, bool deprecated, const char *type, const char *default_value,
                            const char *const *options, const char *help)
{
    char getopt_str[256];
    bool flag = strcmp(type, "boolean") == 0;
    snprintf(getopt_str, sizeof getopt_str, "%s%c%s--%s%s%s%s", short_option ? "-" : "",
             short_option ? short_option : ' ', short_option ? ", " : "", name, flag ? "" : "=[", flag ? "" : name,
             flag ? "" : "]");
    xmlTextWriterStartElement(w, BAD_CAST "parameter");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
    xmlTextWriterWriteAttribute(w, BAD_CAST "unique", BAD_CAST "0");
    xmlTextWriterWriteAttribute(w, BAD_CAST "required", BAD_CAST(required ? "1" : "0"));
    if (deprecated)
        xmlTextWriterWriteAttribute(w, BAD_CAST "deprecated", BAD_CAST "1");
    if (obsoletes)
        xmlTextWriterWriteAttribute(w, BAD_CAST "obsoletes", BAD_CAST obsoletes);
    xmlTextWriterStartElement(w, BAD_CAST "getopt");
    xmlTextWriterWriteAttribute(w, BAD_CAST "mixed", BAD_CAST(getopt_str + (short_option ? 0 : 1)));
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "content");
    xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type);
    if (default_value && *default_value)
        xmlTextWriterWriteAttribute(w, BAD_CAST "default", BAD_CAST default_value);
    for (const char *const *o = options; o && *o; o++) {
        xmlTextWriterStartElement(w, BAD_CAST "option");
        xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST * o);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "shortdesc");
    xmlTextWriterWriteAttribute(w, BAD_CAST "lang", BAD_CAST "en");
    xmlTextWriterWriteString(w, BAD_CAST(help ? help : ""));
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
}

/* A plugin parameter an agent name stands for (address as ip...) is
 * listed under that name only. */
static bool covered_by_key(const hf_param_def *q, const hfc_plugin *p)
{
    for (const agent_key *k = agent_keys; k->name; k++) {
        const hf_param_def *def;
        if (k->kind == AGENT_KEY_PARAM && key_applies(k, p, &def) && def == q)
            return true;
    }
    return false;
}

static bool device_is_target(const hf_plugin_descriptor *d)
{
    return d && (d->capabilities & HF_CAP_TARGET_IS_DEVICE);
}

static void write_action(xmlTextWriterPtr w, const char *name, bool manual)
{
    xmlTextWriterStartElement(w, BAD_CAST "action");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
    if (manual)
        xmlTextWriterWriteAttribute(w, BAD_CAST "automatic", BAD_CAST "0");
    xmlTextWriterEndElement(w);
}

bool agent_metadata_write(const hfc_plugin *p, const char *agent_name, FILE *out)
{
    const hf_plugin_descriptor *d = p ? hfc_plugin_descriptor_of(p) : NULL;
    bool fence = !d || d->kind == HF_KIND_FENCE;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    char longdesc[1024];
    snprintf(longdesc, sizeof longdesc,
             "%s%s%s%s. The hafence plugin behind %s reports a fence done only once the power state read back "
             "as off.",
             d ? d->description : "hafence fence agent", d ? " (hafence plugin " : "", d ? d->name : "", d ? ")" : "",
             agent_name);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "resource-agent");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST agent_name);
    xmlTextWriterWriteAttribute(w, BAD_CAST "shortdesc", BAD_CAST(d ? d->description : "hafence fence agent"));
    xmlTextWriterWriteElement(w, BAD_CAST "longdesc", BAD_CAST longdesc);
    xmlTextWriterWriteElement(w, BAD_CAST "vendor-url", BAD_CAST(d && d->vendor_url ? d->vendor_url : ""));
    xmlTextWriterStartElement(w, BAD_CAST "parameters");
    for (const agent_key *k = agent_keys; fence && k->name; k++) {
        const hf_param_def *def;
        if (!k->listed || !key_applies(k, p, &def))
            continue;
        if (def)
            write_parameter(w, k->name, k->short_option, !k->deprecated && (def->flags & HF_PARAM_REQUIRED),
                            k->obsoletes, k->deprecated, content_type(def->type),
                            (def->flags & HF_PARAM_SECRET) ? NULL : def->default_value,
                            def->type == HF_PARAM_ENUM ? def->enum_values : NULL, k->help);
        else
            write_parameter(w, k->name, k->short_option, false, k->obsoletes, k->deprecated, k->type, k->default_value,
                            NULL,
                            k->kind == AGENT_KEY_PLUG && !k->deprecated && device_is_target(d)
                                ? "Not used: this device fences the one host it belongs to (name the node with "
                                  "pcmk_host_list)"
                                : k->help);
    }
    /* the loader's copy, in this core's layout */
    for (const hf_param_def *q = d ? d->params : NULL; q && q->name; q++) {
        if (fence && covered_by_key(q, p))
            continue;
        /* never a secret's default (the loader refuses those anyway) */
        write_parameter(w, q->name, 0, q->flags & HF_PARAM_REQUIRED, NULL, false, content_type(q->type),
                        (q->flags & HF_PARAM_SECRET) ? NULL : q->default_value,
                        q->type == HF_PARAM_ENUM ? q->enum_values : NULL, q->help);
    }
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "actions");
    if (fence) {
        /* on is never Pacemaker's to do on its own (automatic="0") */
        write_action(w, "on", true);
        write_action(w, "off", false);
        write_action(w, "reboot", false);
        write_action(w, "status", false);
        if (!p || hfc_plugin_fence_list(p))
            write_action(w, "list", false);
        write_action(w, "monitor", false);
        write_action(w, "validate-all", false);
    }
    write_action(w, "metadata", false);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    fputs((const char *)xmlBufferContent(buf), out);
    xmlBufferFree(buf);
    return fflush(out) == 0;
}

int agent_metadata_main(const char *plugin_file, const char *agent_name)
{
    hfc_error err = {0};
    hfc_plugin *p = *plugin_file ? hfc_plugin_load(plugin_file, &err) : NULL;
    bool written;
    if (*plugin_file && !p)
        fprintf(stderr, "%s: %s\n", agent_name, err.message);
    written = agent_metadata_write(p, agent_name, stdout);
    if (p)
        hfc_plugin_unload(p);
    return written ? 0 : 1;
}
