/*
 * HA-Lizard methods: which plugin serves a FENCE_METHOD, and the plugin's
 * parameters from the config.  The mapping of method names is data here,
 * not knowledge of the devices: the core calls whatever plugin is named.
 */
#include "hafence-core.h"

#include <ctype.h>
#include <strings.h>

static const struct {
    const char *method;
    const char *plugin;
    unsigned hostmap_flags;
} methods[] = {
    {"ILO", "ilo", 0}, {"IRMC", "irmc", 0}, {"XVM", "xvm", 0}, {"POOL", "pool", 0},
    {"IPMI", "ipmi", 0},
    /* a host on several PDUs has one line per PDU */
    {"SNMP-PDU", "snmp-pdu", HF_HOSTMAP_JOIN_LINES},
};

unsigned hf_method_hostmap_flags(const char *method)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcasecmp(methods[i].method, method) == 0)
            return methods[i].hostmap_flags;
    return 0;
}

const char *hf_method_plugin(const char *method)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcasecmp(methods[i].method, method) == 0)
            return methods[i].plugin;
    return "script"; /* any other name is a custom fence script */
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

static void param_key(const char *prefix, const char *name, const char *suffix, char *out,
                      size_t size)
{
    size_t i = (size_t)snprintf(out, size, "%s", prefix);
    for (; *name && i + 1 < size; name++)
        out[i++] = (char)toupper((unsigned char)*name);
    out[i] = '\0';
    snprintf(out + i, size - i, "%s", suffix);
}

bool hf_params_from_keys(const hf_config *cfg, const char *name, const hf_plugin *plugin, hf_paramset *out,
                         hf_error *err)
{
    const hf_plugin_descriptor *d = hf_plugin_descriptor_of(plugin);
    char prefix[96], key[256];
    key_prefix(name, prefix, sizeof prefix);
    for (const hf_param_def *p = d->params; p && p->name; p++) {
        const char *v;
        param_key(prefix, p->name, "", key, sizeof key);
        if ((v = hf_config_get(cfg, key)) != NULL) {
            hf_paramset_set(out, p->name, v);
            continue;
        }
        param_key(prefix, p->name, "_FILE", key, sizeof key);
        if ((p->flags & HF_PARAM_SECRET) && (v = hf_config_get(cfg, key)) != NULL) {
            char *secret = hf_secret_from_file(v, err);
            if (!secret)
                return false;
            hf_paramset_set(out, p->name, secret);
            hf_secret_free(secret);
        }
    }
    /* <NAME>_<X> keys that name no parameter are most likely typos */
    for (size_t i = 0; i < hf_config_count(cfg); i++) {
        const char *k = hf_config_key_at(cfg, i);
        bool known = false;
        if (strncasecmp(k, prefix, strlen(prefix)) != 0)
            continue;
        for (const hf_param_def *p = d->params; p && p->name && !known; p++) {
            param_key(prefix, p->name, "", key, sizeof key);
            known = strcasecmp(k, key) == 0;
            param_key(prefix, p->name, "_FILE", key, sizeof key);
            known = known || ((p->flags & HF_PARAM_SECRET) && strcasecmp(k, key) == 0);
        }
        if (!known)
            hf_log(HF_LOG_WARNING, "%s: %s names no parameter of plugin %s (ignored)",
                   hf_config_origin(cfg, k), k, d->name);
    }
    return true;
}

bool hf_method_params(const hf_config *cfg, const hf_settings *s, const hf_plugin *plugin,
                      hf_paramset *out, hf_error *err)
{
    const hf_plugin_descriptor *d = hf_plugin_descriptor_of(plugin);
    if (!hf_params_from_keys(cfg, s->fence_method, plugin, out, err))
        return false;
    /* HA-Lizard's generic keys feed the parameters of the same meaning,
     * where the method's own keys did not */
    for (const hf_param_def *p = d->params; p && p->name; p++) {
        if (hf_paramset_get(out, p->name))
            continue;
        if (strcmp(p->name, "address") == 0 && s->fence_ipaddress && *s->fence_ipaddress)
            hf_paramset_set(out, p->name, s->fence_ipaddress);
        else if (strcmp(p->name, "password") == 0 && s->fence_passwd && *s->fence_passwd)
            hf_paramset_set(out, p->name, s->fence_passwd);
        else if (strcmp(p->name, "file_loc") == 0)
            hf_paramset_set(out, p->name, s->fence_file_loc);
        else if (strcmp(p->name, "method") == 0)
            hf_paramset_set(out, p->name, s->fence_method);
        else if (strcmp(p->name, "host_forget") == 0)
            hf_paramset_set(out, p->name, s->fence_host_forget ? "1" : "0");
    }
    return true;
}

char *hf_method_hostmap_path(const hf_settings *s)
{
    size_t n = strlen(s->fence_file_loc) + 2 * strlen(s->fence_method) + 16;
    char *path = hf_calloc(1, n);
    snprintf(path, n, "%s/%s/%s.hosts", s->fence_file_loc, s->fence_method, s->fence_method);
    return path;
}

void hf_method_param_defaults(const hf_plugin *plugin, hf_paramset *set, const char *history_path)
{
    const hf_plugin_descriptor *d = hf_plugin_descriptor_of(plugin);
    if (hf_param_def_find(d->params, "console_dir") && !hf_paramset_get(set, "console_dir")) {
        char *dir = hf_console_dir(history_path);
        hf_paramset_set(set, "console_dir", dir);
        free(dir);
    }
}
