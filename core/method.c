/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HA-Lizard methods: which plugin serves a FENCE_METHOD, and the plugin's
 * parameters from the config.  The mapping of method names is data here,
 * not knowledge of the devices: the core calls whatever plugin is named.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/method.h"
#include "core/hostmap.h"
#include "core/secret.h"
#include "core/history.h"

#include "proto/trust/trust.h"

#include <ctype.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned hfc_method_hostmap_flags(const hfc_plugin *plugin)
{
    return hfc_plugin_can(plugin, HF_CAP_HOSTMAP_LINES) ? HFC_HOSTMAP_JOIN_LINES : 0;
}

typedef struct by_name {
    const char *name;
    hfc_plugin *found;
    char **names; /* every fence plugin seen, for "did you mean" */
    size_t count;
} by_name;

static void visit(const char *file, hfc_plugin *plugin, const hfc_error *err, void *arg)
{
    by_name *b = arg;
    (void)file, (void)err;
    if (!plugin)
        return;
    if (hfc_plugin_descriptor_of(plugin)->kind == HF_KIND_FENCE) {
        b->names = hfc_realloc(b->names, (b->count + 1) * sizeof *b->names);
        b->names[b->count++] = hfc_strdup(hfc_plugin_name(plugin));
    }
    if (!b->found && hfc_method_same_name(hfc_plugin_name(plugin), b->name)) {
        b->found = plugin;
        return;
    }
    hfc_plugin_unload(plugin);
}

/* The installed plugin the name names: its file (lower case, '-' and '_'
 * alike) first, so that one plugin is loaded, not all; else every plugin's
 * own name (a vendor's file may be called otherwise). */
static hfc_plugin *plugin_named(const hfc_search_path *path, const char *name, by_name *b)
{
    char lower[96], dash[96];
    hfc_error ignored = {0};
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof lower; i++) {
        lower[i] = (char)tolower((unsigned char)name[i]);
        dash[i] = lower[i] == '_' ? '-' : lower[i];
    }
    lower[i] = dash[i] = '\0';
    for (int k = 0; k < 2; k++) {
        hfc_plugin *p = hfc_plugin_find(path, k ? lower : dash, &ignored);
        if (p && hfc_method_same_name(hfc_plugin_name(p), name))
            return p;
        hfc_plugin_unload(p);
    }
    b->name = name;
    hfc_plugin_discover(path, visit, b);
    return b->found;
}

/* The script plugin for a custom script, which must be one hafence may
 * run as root (the trust rule) and executable: found out now, when the
 * config is read, not at the first fence. */
static hfc_plugin *script_checked(const hfc_search_path *path, const char *script, const char *where,
                                  const char *method, hfc_error *err)
{
    hf_reply why;
    struct stat st;
    int fd = trust_open(script, &why);
    bool exec = fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
    if (fd >= 0)
        close(fd);
    if (fd < 0 || !exec) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: FENCE_METHOD=%s: the custom script %s%s", where, method,
                      fd < 0 ? why.message : script, fd < 0 ? "" : " is not executable");
        return NULL;
    }
    return hfc_plugin_find_capable(path, HF_CAP_CUSTOM_SCRIPT, "the runner of custom fence scripts", err);
}

hfc_plugin *hfc_method_resolve(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s,
                               const hfc_method_entry *m, hfc_error *err)
{
    const char *method = *m->plugin ? m->plugin : m->name, *where = hfc_config_origin(cfg, "FENCE_METHOD");
    size_t n = strlen(s->fence_file_loc) + 2 * strlen(m->name) + 8;
    char *script = hfc_calloc(1, n);
    by_name b = {0};
    hfc_plugin *plugin;
    bool has_script;
    if (!*method) {
        free(script);
        hfc_error_set(err, HF_E_BAD_PARAMETER, "FENCE_METHOD is not set: name a fence plugin or a custom script");
        return NULL;
    }
    snprintf(script, n, "%s/%s/%s.sh", s->fence_file_loc, m->name, m->name);
    has_script = !*m->plugin && access(script, F_OK) == 0; /* NAME:PLUGIN names a plugin */
    plugin = plugin_named(path, method, &b);
    if (plugin && hfc_plugin_descriptor_of(plugin)->kind != HF_KIND_FENCE) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: FENCE_METHOD=%s: plugin %s (%s) is a heuristic, not a fence method",
                      where, method, hfc_plugin_name(plugin), hfc_plugin_path(plugin));
        hfc_plugin_unload(plugin);
        plugin = NULL;
    } else if (plugin && has_script) {
        hfc_error_set(err, HF_E_BAD_PARAMETER,
                      "%s: FENCE_METHOD=%s is ambiguous: the installed plugin %s (%s) and the custom script %s both "
                      "answer to it; rename the script's folder",
                      where, method, hfc_plugin_name(plugin), hfc_plugin_path(plugin), script);
        hfc_plugin_unload(plugin);
        plugin = NULL;
    } else if (!plugin && has_script) {
        plugin = script_checked(path, script, where, method, err);
    } else if (!plugin) {
        const char *near = hfc_nearest(method, (const char *const *)b.names, b.count);
        hfc_error_set(
            err, HF_E_BAD_PARAMETER,
            "%s: FENCE_METHOD=%s: no installed fence plugin is named so, and there is no custom script %s%s%s%s", where,
            method, script, near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
    }
    for (size_t i = 0; i < b.count; i++)
        free(b.names[i]);
    free(b.names);
    free(script);
    return plugin;
}

/* "SNMP-PDU" -> "SNMP_PDU_" */
static void key_prefix(const char *method, char *out, size_t size)
{
    size_t i = 0;
    for (; method[i] && i + 2 < size; i++)
        out[i] = method[i] == '-' || method[i] == '.' ? '_' : (char)toupper((unsigned char)method[i]);
    out[i++] = '_';
    out[i] = '\0';
}

static void param_key(const char *prefix, const char *name, const char *suffix, char *out, size_t size)
{
    size_t i = (size_t)snprintf(out, size, "%s", prefix);
    for (; *name && i + 1 < size; name++)
        out[i++] = (char)toupper((unsigned char)*name);
    out[i] = '\0';
    snprintf(out + i, size - i, "%s", suffix);
}

/* A parameter's value from a config key, checked against the plugin's
 * table where it is read: a bad one names file:line and key. */
static bool take(const hfc_config *cfg, const char *key, const hf_param_def *p, const char *plugin, const char *v,
                 hfc_paramset *out, hfc_error *err)
{
    hfc_error why;
    if (!*v) {
        /* IPMI_PORT= : most likely a value left out, never a value */
        hfc_log(HF_LOG_WARNING, "%s: %s is empty: taken as not set (%s%s)", hfc_config_origin(cfg, key), key,
                p->default_value ? "the default, " : "no value", p->default_value ? p->default_value : "");
        return true;
    }
    if (!hfc_param_value_valid(p, v, &why)) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s: %s: %s", hfc_config_origin(cfg, key), key, plugin, why.message);
        return false;
    }
    hfc_paramset_set(out, p->name, v);
    return true;
}

/* A secret parameter from the file a <KEY>_FILE key names. */
static bool take_file(const hfc_config *cfg, const char *key, const hf_param_def *p, const char *plugin,
                      hfc_paramset *out, hfc_error *err)
{
    hfc_error why = {0};
    char *secret = hfc_secret_from_file(hfc_config_get(cfg, key), &why);
    bool ok;
    if (!secret) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s: %s", hfc_config_origin(cfg, key), key, why.message);
        return false;
    }
    ok = take(cfg, key, p, plugin, secret, out, err);
    hfc_secret_free(secret);
    return ok;
}

/* <NAME>_<X> keys that name no parameter are most likely typos: each gets
 * a warning, with the nearest of the plugin's keys. */
static void warn_unknown_keys(const hfc_config *cfg, const char *prefix, const hf_plugin_descriptor *d)
{
    char **names = NULL, key[256];
    size_t n = 0;
    for (const hf_param_def *p = d->params; p && p->name; p++) {
        names = hfc_realloc(names, (n + 2) * sizeof *names);
        param_key(prefix, p->name, "", key, sizeof key);
        names[n++] = hfc_strdup(key);
        if (p->flags & HF_PARAM_SECRET) {
            param_key(prefix, p->name, "_FILE", key, sizeof key);
            names[n++] = hfc_strdup(key);
        }
    }
    for (size_t i = 0; i < hfc_config_count(cfg); i++) {
        const char *k = hfc_config_key_at(cfg, i), *near;
        bool known = false;
        if (strncasecmp(k, prefix, strlen(prefix)) != 0)
            continue;
        for (size_t j = 0; j < n && !known; j++)
            known = strcasecmp(k, names[j]) == 0;
        if (known)
            continue;
        near = hfc_nearest(k, (const char *const *)names, n);
        hfc_log(HF_LOG_WARNING, "%s: %s names no parameter of plugin %s (ignored)%s%s%s", hfc_config_origin(cfg, k), k,
                d->name, near ? ": did you mean " : "", near ? near : "", near ? "?" : "");
    }
    for (size_t j = 0; j < n; j++)
        free(names[j]);
    free(names);
}

bool hfc_params_from_keys(const hfc_config *cfg, const char *name, const hfc_plugin *plugin, hfc_paramset *out,
                          hfc_error *err)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(plugin);
    char prefix[96], key[256];
    key_prefix(name, prefix, sizeof prefix);
    for (const hf_param_def *p = d->params; p && p->name; p++) {
        const char *v;
        param_key(prefix, p->name, "", key, sizeof key);
        if ((v = hfc_config_get(cfg, key)) != NULL) {
            if (!take(cfg, key, p, d->name, v, out, err))
                return false;
            continue;
        }
        param_key(prefix, p->name, "_FILE", key, sizeof key);
        if ((p->flags & HF_PARAM_SECRET) && hfc_config_get(cfg, key) && !take_file(cfg, key, p, d->name, out, err))
            return false;
    }
    warn_unknown_keys(cfg, prefix, d);
    return true;
}

bool hfc_method_params(const hfc_config *cfg, const hfc_settings *s, const hfc_method_entry *m, bool first,
                       const hfc_plugin *plugin, hfc_paramset *out, hfc_error *err)
{
    /* HA-Lizard's generic keys feed the parameters of the same meaning,
     * where the method's own keys did not; the values as the settings hold
     * them (FENCE_PASSWD_FILE read, defaults applied) */
    const struct {
        const char *param, *key, *value;
    } generic[] = {
        {HF_PARAM_NAME_ADDRESS, "FENCE_IPADDRESS", first ? s->fence_ipaddress : NULL},
        {HF_PARAM_NAME_PASSWORD, "FENCE_PASSWD", first ? s->fence_passwd : NULL},
        {HF_PARAM_NAME_FILE_LOC, "FENCE_FILE_LOC", s->fence_file_loc},
        {HF_PARAM_NAME_METHOD, "FENCE_METHOD", m->name},
        {HF_PARAM_NAME_HOST_FORGET, "FENCE_HOST_FORGET", s->fence_host_forget ? "1" : "0"},
    };
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(plugin);
    if (!hfc_params_from_keys(cfg, m->name, plugin, out, err))
        return false;
    for (const hf_param_def *p = d->params; p && p->name; p++)
        for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
            if (strcmp(p->name, generic[i].param) == 0 && !hfc_paramset_get(out, p->name) && generic[i].value &&
                *generic[i].value && !take(cfg, generic[i].key, p, d->name, generic[i].value, out, err))
                return false;
    return true;
}

char *hfc_method_hostmap_path(const hfc_settings *s, const hfc_method_entry *m)
{
    size_t n = strlen(s->fence_file_loc) + 2 * strlen(m->name) + 16;
    char *path = hfc_calloc(1, n);
    snprintf(path, n, "%s/%s/%s.hosts", s->fence_file_loc, m->name, m->name);
    return path;
}

void hfc_method_param_defaults(const hfc_plugin *plugin, hfc_paramset *set, const char *history_path)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(plugin);
    if (hfc_param_def_find(d->params, HF_PARAM_NAME_CONSOLE_DIR) && !hfc_paramset_get(set, HF_PARAM_NAME_CONSOLE_DIR)) {
        char *dir = hfc_console_dir(history_path);
        hfc_paramset_set(set, HF_PARAM_NAME_CONSOLE_DIR, dir);
        free(dir);
    }
}
