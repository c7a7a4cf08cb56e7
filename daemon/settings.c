/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration: the pool-wide HA-Lizard file and this host's
 * override, the FENCE_* settings, the daemon's own keys, and the plugins it
 * acts with (the fence method, the pool plugin for marking hosts dead and
 * reaching XAPI, the ping plugin for ICMP and the IP heuristic), each with
 * validated parameters.  Built whole or not at all, so that a reload that
 * fails leaves the running configuration as it was.
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
#include "core/log.h"
#include "daemon/hafenced.h"

#include <errno.h>
#include <json-c/json.h>
#include <unistd.h>

/* "$HOSTNAME" in MAIL_SUBJECT, as HA-Lizard's shell expands it. */
static char *expand_hostname(const char *text)
{
    const char *at = strstr(text, "$HOSTNAME");
    char host[256] = "";
    size_t n;
    char *out;
    if (!at)
        return hfc_strdup(text);
    gethostname(host, sizeof host - 1);
    n = strlen(text) + strlen(host) + 1;
    out = hfc_calloc(1, n);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, host, at + strlen("$HOSTNAME"));
    return out;
}

/* MAIL_*, SMTP_*, ENABLE_ALERTS and HAFENCE_ALERT_* (alerts.c). */
static bool alert_settings_load(const hfc_config *cfg, alert_settings *a, hfc_error *err)
{
    const char *tls = hfc_key_value(cfg, "HAFENCE_SMTP_TLS"), *pass_file = hfc_config_get(cfg, "SMTP_PASS_FILE");
    long long port = 0;
    a->mail_on = hfc_key_int(cfg, "MAIL_ON") != 0;
    a->xapi_messages = hfc_key_int(cfg, "ENABLE_ALERTS") != 0;
    a->mail_from = hfc_strdup(hfc_key_value(cfg, "MAIL_FROM"));
    a->mail_to = hfc_strdup(hfc_key_value(cfg, "MAIL_TO"));
    a->mail_subject = expand_hostname(hfc_key_value(cfg, "MAIL_SUBJECT"));
    a->smtp_server = hfc_strdup(hfc_key_value(cfg, "SMTP_SERVER"));
    a->smtp_user = hfc_strdup(hfc_key_value(cfg, "SMTP_USER"));
    a->smtp_ca_file = hfc_strdup(hfc_key_value(cfg, "HAFENCE_SMTP_CA_FILE"));
    a->hooks_dir = hfc_strdup(hfc_key_value(cfg, "HAFENCE_ALERT_HOOKS"));
    a->screen_time = hfc_key_int(cfg, "MAIL_SCREEN_TIME");
    a->hook_timeout = hfc_key_int(cfg, "HAFENCE_ALERT_HOOK_TIMEOUT");
    a->remind = hfc_key_int(cfg, "HAFENCE_ALERT_REMIND");
    if (pass_file && *pass_file && !*hfc_key_value(cfg, "SMTP_PASS")) {
        if (!(a->smtp_pass = hfc_secret_from_file(pass_file, err))) {
            hfc_error prefix = *err;
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: SMTP_PASS_FILE: %s", hfc_config_origin(cfg, "SMTP_PASS_FILE"),
                          prefix.message);
            return false;
        }
        char *copy = hfc_strdup(a->smtp_pass); /* freed with free() like the others */
        hfc_secret_free(a->smtp_pass);
        a->smtp_pass = copy;
    } else {
        a->smtp_pass = hfc_strdup(hfc_key_value(cfg, "SMTP_PASS"));
    }
    if (*a->smtp_pass)
        hfc_secret_register(a->smtp_pass);
    if (!hfc_parse_ll(hfc_key_value(cfg, "SMTP_PORT"), &port) || port < 1 || port > 65535) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: SMTP_PORT=%s: expected a port (1-65535)",
                      hfc_config_origin(cfg, "SMTP_PORT"), hfc_key_value(cfg, "SMTP_PORT"));
        return false;
    }
    a->smtp_port = port;
    if (hfc_strcaseeq(tls, "auto"))
        a->smtp_tls = SMTP_TLS_AUTO;
    else if (hfc_strcaseeq(tls, "required"))
        a->smtp_tls = SMTP_TLS_REQUIRED;
    else if (hfc_strcaseeq(tls, "off"))
        a->smtp_tls = SMTP_TLS_OFF;
    else {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: HAFENCE_SMTP_TLS=%s: expected auto, required or off",
                      hfc_config_origin(cfg, "HAFENCE_SMTP_TLS"), tls);
        return false;
    }
    if (a->mail_on && (!*a->mail_to || !*a->mail_from || !*a->smtp_server)) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "MAIL_ON=1 needs MAIL_FROM, MAIL_TO and SMTP_SERVER (%s)",
                      hfc_config_origin(cfg, "MAIL_ON"));
        return false;
    }
    return true;
}

/* The daemon's keys, checked with the others against the key table
 * (core/keys.c) by hfc_settings_load() before. */
static bool daemon_settings_load(const hfc_config *cfg, daemon_settings *ds, hfc_error *err)
{
    const char *field = hfc_key_value(cfg, "XC_FIELD_NAME");
    const char *unverified = hfc_key_value(cfg, "HAFENCE_UNVERIFIED_FENCE");
    if (!*field || strpbrk(field, " \t\r\n")) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: XC_FIELD_NAME='%s': expected an other-config key",
                      hfc_config_origin(cfg, "XC_FIELD_NAME"), field);
        return false;
    }
    ds->unverified_fence = hfc_strcaseeq(unverified, "trust")  ? UNVERIFIED_TRUST
                           : hfc_strcaseeq(unverified, "fail") ? UNVERIFIED_FAIL
                                                               : UNVERIFIED_AUTO;
    ds->xc_field_name = hfc_strdup(field);
    ds->reboot_command = hfc_strdup(hfc_key_value(cfg, "HAFENCE_REBOOT_COMMAND"));
    ds->split_delay = hfc_key_int(cfg, "HAFENCE_SPLIT_DELAY");
    ds->pool_interval = hfc_key_int(cfg, "HAFENCE_POOL_INTERVAL");
    ds->fence_timeout = hfc_key_int(cfg, "HAFENCE_FENCE_TIMEOUT");
    ds->vm_start_parallel = hfc_key_int(cfg, "HAFENCE_VM_START_PARALLEL");
    ds->metrics_file = hfc_strdup(hfc_key_value(cfg, "HAFENCE_METRICS_FILE"));
    ds->monitor_interval = hfc_key_int(cfg, "HAFENCE_MONITOR_INTERVAL");
    ds->monitor_parallel = hfc_key_int(cfg, "HAFENCE_MONITOR_PARALLEL");
    return alert_settings_load(cfg, &ds->alerts, err);
}

static void daemon_settings_free(daemon_settings *ds)
{
    free(ds->xc_field_name);
    free(ds->reboot_command);
    free(ds->metrics_file);
    alert_settings_free(&ds->alerts);
    memset(ds, 0, sizeof *ds);
}

/* A loaded plugin's validated parameters: from the config keys of
 * key_name (NAME_<PARAM>), then extra. */
static bool plugin_setup(const daemon_options *o, daemon_config *dc, hfc_plugin *plugin, const char *key_name,
                         hfc_paramset *extra, hf_param **params, hfc_error *err)
{
    hfc_paramset *set = hfc_paramset_new();
    bool ok = false;
    if (!plugin)
        goto out;
    if (key_name && !hfc_params_from_keys(dc->config, key_name, plugin, set, err))
        goto out;
    for (size_t i = 0; extra && i < hfc_paramset_count(extra); i++)
        hfc_paramset_set(set, hfc_paramset_name(extra, i), hfc_paramset_get(extra, hfc_paramset_name(extra, i)));
    hfc_method_param_defaults(plugin, set, o->history_path);
    ok = (*params = hfc_params_validate(hfc_plugin_descriptor_of(plugin)->params, set, hfc_plugin_name(plugin), err)) !=
         NULL;
out:
    hfc_paramset_free(set);
    return ok;
}

#define POOL_DB_PREFIX "HA_" /* HA-Lizard's ha-cfg: pool other-config HA_<KEY> */

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

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
            lines = hfc_realloc(lines, (n + 1) * sizeof *lines);
            lines[n] = hfc_calloc(1, k);
            snprintf(lines[n++], k, "%s=%s", key + strlen(POOL_DB_PREFIX), json_object_get_string(value));
            len += k;
        }
    }
    if (n)
        qsort(lines, n, sizeof *lines, by_text);
    text = hfc_calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        strcat(text, lines[i]);
        strcat(text, "\n");
        free(lines[i]);
    }
    free(lines);
    return text;
}

/* The pool database's layer: each KEY=VALUE line of pool_db_entries(). */
static bool load_pool_db(hfc_config *cfg, const char *entries, hfc_error *err)
{
    char *copy = hfc_strdup(entries), *line, *save = NULL;
    bool ok = true;
    for (line = strtok_r(copy, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save)) {
        char origin[200], *eq = strchr(line, '=');
        *eq = '\0';
        snprintf(origin, sizeof origin, "pool other-config %s%s", POOL_DB_PREFIX, line);
        ok = hfc_config_set(cfg, origin, line, eq + 1, err);
    }
    hfc_wipe(copy, strlen(entries));
    free(copy);
    return ok;
}

bool daemon_config_load(const daemon_options *o, json_object *pool_oc, daemon_config *dc, hfc_error *err)
{
    hfc_search_path path;
    hfc_paramset *extra = hfc_paramset_new();
    bool ok = false;
    memset(dc, 0, sizeof *dc);
    dc->config = hfc_config_new();
    hfc_search_path_init(&path, o->plugin_dir ? o->plugin_dir : HAFENCE_PLUGINDIR);
    if (!hfc_config_load(dc->config, o->config_path, err))
        goto out;
    dc->pool_db = pool_db_entries(pool_oc);
    if (!load_pool_db(dc->config, dc->pool_db, err))
        goto out;
    /* the host's override file is optional, as HA-Lizard's is */
    if (o->override_path && access(o->override_path, F_OK) == 0 && !hfc_config_load(dc->config, o->override_path, err))
        goto out;
    if (!hfc_settings_load(dc->config, &dc->settings, err) || !daemon_settings_load(dc->config, &dc->ds, err))
        goto out;
    if (dc->settings.fence_action == HFC_FENCE_START) {
        hfc_error_set(err, HF_E_BAD_PARAMETER,
                      "%s: FENCE_ACTION=start powers nothing off: hafenced fences with stop or reset (the master "
                      "always with stop)",
                      hfc_config_origin(dc->config, "FENCE_ACTION"));
        goto out;
    }

    /* fencing off: no method is needed (and none is loaded when unset) */
    if ((dc->settings.fence_enabled || *dc->settings.fence_method) &&
        !(dc->topology = hfc_topology_load(&path, dc->config, &dc->settings, o->history_path, NULL, NULL, err)))
        goto out;

    /* XAPI: the pool plugin's parameters under HAFENCE_XAPI_ keys; the
     * generic FENCE_IPADDRESS/FENCE_PASSWD belong to the fence device */
    dc->pool_plugin = hfc_plugin_find_capable(&path, HF_CAP_POOL_CLIENT, "the pool client", err);
    if (!plugin_setup(o, dc, dc->pool_plugin, DAEMON_XAPI_KEYS, NULL, &dc->pool_params, err))
        goto out;

    if (dc->settings.fence_heuristics_ips && *dc->settings.fence_heuristics_ips)
        hfc_paramset_set(extra, "addresses", dc->settings.fence_heuristics_ips);
    dc->ping_plugin = hfc_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", err);
    if (!plugin_setup(o, dc, dc->ping_plugin, NULL, extra, &dc->heuristic_params, err))
        goto out;
    ok = true;
out:
    hfc_paramset_free(extra);
    hfc_search_path_free(&path);
    if (!ok)
        daemon_config_free(dc);
    return ok;
}

void daemon_config_free(daemon_config *dc)
{
    hfc_topology_free(dc->topology);
    hfc_params_free(dc->pool_params);
    hfc_params_free(dc->heuristic_params);
    hfc_plugin_unload(dc->pool_plugin);
    hfc_plugin_unload(dc->ping_plugin);
    daemon_settings_free(&dc->ds);
    if (dc->pool_db)
        hfc_wipe(dc->pool_db, strlen(dc->pool_db));
    free(dc->pool_db);
    if (dc->config)
        hfc_settings_free(&dc->settings);
    hfc_config_free(dc->config);
    memset(dc, 0, sizeof *dc);
}

void daemon_xapi_settings(const daemon_config *dc, xapi_settings *s)
{
    xapi_settings_from_params(s, dc->pool_params);
}

bool daemon_read_inventory(const char *path, char *uuid, hfc_error *err)
{
    hfc_config *inv = hfc_config_new();
    const char *v;
    bool ok = false;
    /* KEY='value' lines: the config parser reads them as they are */
    if (hfc_config_load(inv, path, err)) {
        v = hfc_config_get(inv, "INSTALLATION_UUID");
        if (v && hfc_is_uuid(v)) {
            hfc_strlcpy(uuid, v, UUID_TEXT);
            ok = true;
        } else {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: no INSTALLATION_UUID (this host's UUID)", path);
        }
    }
    hfc_config_free(inv);
    return ok;
}
