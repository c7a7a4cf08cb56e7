/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration: the pool-wide HA-Lizard file and this host's
 * override, the FENCE_* settings, the daemon's own keys, and the plugins it
 * acts with (the fence method, the pool plugin for marking hosts dead and
 * reaching XAPI, the ping plugin for ICMP and the IP heuristic), each with
 * validated parameters.  Built whole or not at all, so that a reload that
 * fails leaves the running configuration as it was.
 */
#include "hafenced.h"

#include <errno.h>
#include <json-c/json.h>
#include <unistd.h>

/* The daemon's keys, checked with the others against the key table
 * (core/keys.c) by hf_settings_load() before. */
static bool daemon_settings_load(const hf_config *cfg, daemon_settings *ds, hf_error *err)
{
    const char *field = hf_key_value(cfg, "XC_FIELD_NAME");
    const char *unverified = hf_key_value(cfg, "HAFENCE_UNVERIFIED_FENCE");
    if (!*field || strpbrk(field, " \t\r\n")) {
        hf_error_set(err, HF_E_BAD_PARAMETER, "%s: XC_FIELD_NAME='%s': expected an other-config key",
                     hf_config_origin(cfg, "XC_FIELD_NAME"), field);
        return false;
    }
    ds->unverified_fence = hf_strcaseeq(unverified, "trust")  ? UNVERIFIED_TRUST
                           : hf_strcaseeq(unverified, "fail") ? UNVERIFIED_FAIL
                                                              : UNVERIFIED_AUTO;
    ds->xc_field_name = hf_strdup(field);
    ds->reboot_command = hf_strdup(hf_key_value(cfg, "HAFENCE_REBOOT_COMMAND"));
    ds->split_delay = hf_key_int(cfg, "HAFENCE_SPLIT_DELAY");
    ds->pool_interval = hf_key_int(cfg, "HAFENCE_POOL_INTERVAL");
    ds->fence_timeout = hf_key_int(cfg, "HAFENCE_FENCE_TIMEOUT");
    ds->vm_start_parallel = hf_key_int(cfg, "HAFENCE_VM_START_PARALLEL");
    return true;
}

static void daemon_settings_free(daemon_settings *ds)
{
    free(ds->xc_field_name);
    free(ds->reboot_command);
    memset(ds, 0, sizeof *ds);
}

/* A loaded plugin's validated parameters: from the config keys of the
 * method (<METHOD>_<PARAM>, and FENCE_IPADDRESS/FENCE_PASSWD: keys) or of
 * key_name (NAME_<PARAM>), then extra. */
static bool plugin_setup(const daemon_options *o, daemon_config *dc, hf_plugin *plugin, const hf_settings *keys,
                         const char *key_name, hf_paramset *extra, hf_param **params, hf_error *err)
{
    hf_paramset *set = hf_paramset_new();
    bool ok = false;
    if (!plugin)
        goto out;
    if (keys && !hf_method_params(dc->config, keys, plugin, set, err))
        goto out;
    if (key_name && !hf_params_from_keys(dc->config, key_name, plugin, set, err))
        goto out;
    for (size_t i = 0; extra && i < hf_paramset_count(extra); i++)
        hf_paramset_set(set, hf_paramset_name(extra, i), hf_paramset_get(extra, hf_paramset_name(extra, i)));
    hf_method_param_defaults(plugin, set, o->history_path);
    ok = (*params = hf_params_validate(hf_plugin_descriptor_of(plugin)->params, set, hf_plugin_name(plugin), err)) !=
         NULL;
out:
    hf_paramset_free(set);
    return ok;
}

#define POOL_DB_PREFIX "HA_" /* HA-Lizard's ha-cfg: pool other-config HA_<KEY> */

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char *pool_db_entries(json_object *pool_oc)
{
    char **lines = NULL, *text;
    size_t n = 0, len = 1;
    if (pool_oc && json_object_is_type(pool_oc, json_type_object)) {
        json_object_object_foreach(pool_oc, key, value)
        {
            size_t k;
            if (strncmp(key, POOL_DB_PREFIX, strlen(POOL_DB_PREFIX)) != 0 || !key[strlen(POOL_DB_PREFIX)])
                continue;
            k = strlen(key) + strlen(json_object_get_string(value)) + 2;
            lines = hf_realloc(lines, (n + 1) * sizeof *lines);
            lines[n] = hf_calloc(1, k);
            snprintf(lines[n++], k, "%s=%s", key + strlen(POOL_DB_PREFIX), json_object_get_string(value));
            len += k;
        }
    }
    if (n)
        qsort(lines, n, sizeof *lines, by_text);
    text = hf_calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        strcat(text, lines[i]);
        strcat(text, "\n");
        free(lines[i]);
    }
    free(lines);
    return text;
}

/* The pool database's layer: each KEY=VALUE line of pool_db_entries(). */
static bool load_pool_db(hf_config *cfg, const char *entries, hf_error *err)
{
    char *copy = hf_strdup(entries), *line, *save = NULL;
    bool ok = true;
    for (line = strtok_r(copy, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save)) {
        char origin[200], *eq = strchr(line, '=');
        *eq = '\0';
        snprintf(origin, sizeof origin, "pool other-config %s%s", POOL_DB_PREFIX, line);
        ok = hf_config_set(cfg, origin, line, eq + 1, err);
    }
    hf_wipe(copy, strlen(entries));
    free(copy);
    return ok;
}

bool daemon_config_load(const daemon_options *o, json_object *pool_oc, daemon_config *dc, hf_error *err)
{
    hf_search_path path;
    hf_paramset *extra = hf_paramset_new();
    bool ok = false;
    memset(dc, 0, sizeof *dc);
    dc->config = hf_config_new();
    hf_search_path_init(&path, o->plugin_dir ? o->plugin_dir : HAFENCE_PLUGINDIR);
    if (!hf_config_load(dc->config, o->config_path, err))
        goto out;
    dc->pool_db = pool_db_entries(pool_oc);
    if (!load_pool_db(dc->config, dc->pool_db, err))
        goto out;
    /* the host's override file is optional, as HA-Lizard's is */
    if (o->override_path && access(o->override_path, F_OK) == 0 &&
        !hf_config_load(dc->config, o->override_path, err))
        goto out;
    if (!hf_settings_load(dc->config, &dc->settings, err) || !daemon_settings_load(dc->config, &dc->ds, err))
        goto out;
    if (dc->settings.fence_action == HF_FENCE_START) {
        hf_error_set(err, HF_E_BAD_PARAMETER,
                     "%s: FENCE_ACTION=start powers nothing off: hafenced fences with stop or reset (the master "
                     "always with stop)", hf_config_origin(dc->config, "FENCE_ACTION"));
        goto out;
    }

    /* fencing off: no method is needed (and none is loaded when unset) */
    if (dc->settings.fence_enabled || *dc->settings.fence_method) {
        dc->fence_plugin = hf_method_resolve(&path, dc->config, &dc->settings, err);
        if (!plugin_setup(o, dc, dc->fence_plugin, &dc->settings, NULL, NULL, &dc->fence_params, err))
            goto out;
        dc->hostmap_path = hf_method_hostmap_path(&dc->settings);
    }
    if (dc->hostmap_path && access(dc->hostmap_path, F_OK) == 0) {
        if (!(dc->hostmap = hf_hostmap_load(dc->hostmap_path, hf_method_hostmap_flags(dc->fence_plugin), err)))
            goto out;
    } else if (dc->hostmap_path && errno != ENOENT) {
        hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s", dc->hostmap_path, strerror(errno));
        goto out;
    }

    /* XAPI: the pool plugin's parameters under HAFENCE_XAPI_ keys; the
     * generic FENCE_IPADDRESS/FENCE_PASSWD belong to the fence device */
    dc->pool_plugin = hf_plugin_find_capable(&path, HF_CAP_POOL_CLIENT, "the pool client", err);
    if (!plugin_setup(o, dc, dc->pool_plugin, NULL, DAEMON_XAPI_KEYS, NULL, &dc->pool_params, err))
        goto out;

    if (dc->settings.fence_heuristics_ips && *dc->settings.fence_heuristics_ips)
        hf_paramset_set(extra, "addresses", dc->settings.fence_heuristics_ips);
    dc->ping_plugin = hf_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", err);
    if (!plugin_setup(o, dc, dc->ping_plugin, NULL, NULL, extra, &dc->heuristic_params, err))
        goto out;
    ok = true;
out:
    hf_paramset_free(extra);
    hf_search_path_free(&path);
    if (!ok)
        daemon_config_free(dc);
    return ok;
}

void daemon_config_free(daemon_config *dc)
{
    hf_params_free(dc->fence_params);
    hf_params_free(dc->pool_params);
    hf_params_free(dc->heuristic_params);
    hf_plugin_unload(dc->fence_plugin);
    hf_plugin_unload(dc->pool_plugin);
    hf_plugin_unload(dc->ping_plugin);
    hf_hostmap_free(dc->hostmap);
    free(dc->hostmap_path);
    daemon_settings_free(&dc->ds);
    if (dc->pool_db)
        hf_wipe(dc->pool_db, strlen(dc->pool_db));
    free(dc->pool_db);
    if (dc->config)
        hf_settings_free(&dc->settings);
    hf_config_free(dc->config);
    memset(dc, 0, sizeof *dc);
}

void daemon_xapi_settings(const daemon_config *dc, xapi_settings *s)
{
    xapi_settings_from_params(s, dc->pool_params);
}

bool daemon_read_inventory(const char *path, char *uuid, hf_error *err)
{
    hf_config *inv = hf_config_new();
    const char *v;
    bool ok = false;
    /* KEY='value' lines: the config parser reads them as they are */
    if (hf_config_load(inv, path, err)) {
        v = hf_config_get(inv, "INSTALLATION_UUID");
        if (v && hf_is_uuid(v)) {
            hf_strlcpy(uuid, v, UUID_TEXT);
            ok = true;
        } else {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: no INSTALLATION_UUID (this host's UUID)", path);
        }
    }
    hf_config_free(inv);
    return ok;
}
