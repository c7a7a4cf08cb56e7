/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config: HA-Lizard's pool-wide configuration in the pool database, as
 * `ha-cfg get|set` keeps it: pool other-config HA_<KEY> entries, which
 * every hafenced reads as the layer between the pool file and the host
 * override, and reloads when they change.
 *
 *   hafence config list [-c CONFIG]          every HA_ entry
 *   hafence config get KEY [-c CONFIG]       one
 *   hafence config set KEY VALUE [-c CONFIG] checked as the daemon would load it, then written
 *   hafence config unset KEY [-c CONFIG]
 *
 * XAPI is reached as hafenced reaches it: the HAFENCE_XAPI_* keys of the
 * configs given (the pool plugin's parameters), by default this host's
 * local socket, without a password. */
#include "core/error.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/method.h"
#include "core/topology.h"
#include "cli/cli.h"

#ifdef HAVE_XAPI_CLIENT
#include "proto/xapi/xapi.h"

#include <ctype.h>
#include <strings.h>

#define POOL_DB_PREFIX "HA_"

typedef struct pool_db {
    hfc_config *files; /* the configs given, for XAPI access and the check */
    hfc_plugin *pool;
    hf_param *params;
    xapi *x;
    char ref[128]; /* the pool object */
    int64_t deadline;
} pool_db;

static void pool_db_close(pool_db *db)
{
    if (db->x) {
        hf_reply reply;
        xapi_logout(db->x, hf_now_ms() + 1000, &reply);
        xapi_free(db->x);
    }
    hfc_params_free(db->params);
    hfc_plugin_unload(db->pool);
    hfc_config_free(db->files);
}

static int pool_db_open(const cli *c, pool_db *db)
{
    hfc_search_path path;
    hfc_paramset *set = hfc_paramset_new();
    hfc_error err = {0};
    xapi_settings xs;
    hf_reply reply = {0};
    xv *pools = NULL;
    int rc = EXIT_OK;
    memset(db, 0, sizeof *db);
    db->files = hfc_config_new();
    db->deadline = hf_now_ms() + (c->timeout_given ? c->engine.timeout_ms : 20000);
    for (size_t i = 0; i < c->config_count; i++)
        if (!hfc_config_load(db->files, c->configs[i], &err))
            return cli_config_error(&err);
    cli_plugin_path(c, &path);
    db->pool = hfc_plugin_find_capable(&path, HF_CAP_POOL_CLIENT, "the pool client", &err);
    hfc_search_path_free(&path);
    if (!db->pool || !hfc_params_from_keys(db->files, "HAFENCE_XAPI", db->pool, set, &err) ||
        !(db->params =
              hfc_params_validate(hfc_plugin_descriptor_of(db->pool)->params, set, hfc_plugin_name(db->pool), &err)))
        rc = cli_config_error(&err);
    hfc_paramset_free(set);
    if (rc != EXIT_OK)
        return rc;
    xapi_settings_from_params(&xs, db->params);
    db->x = xapi_new(&xs.opt);
    xapi_settings_wipe(&xs);
    if (!db->x) {
        fprintf(stderr, "hafence: out of memory\n");
        return EXIT_FAILED;
    }
    if (xapi_call(db->x, "pool.get_all", NULL, 0, &pools, db->deadline, &reply) != HF_OK) {
        fprintf(stderr, "hafence: %s\n", reply.message);
        return EXIT_FAILED;
    }
    if (pools->type != XV_ARRAY || pools->count != 1 || !xv_str(pools->items[0])) {
        fprintf(stderr, "hafence: XAPI %s: pool.get_all: not one pool\n", xapi_url(db->x));
        xv_free(pools);
        return EXIT_FAILED;
    }
    hfc_strlcpy(db->ref, pools->items[0]->str, sizeof db->ref);
    xv_free(pools);
    return EXIT_OK;
}

/* The pool's other-config (a struct), or NULL with the reason printed. */
static xv *other_config(pool_db *db)
{
    hf_reply reply = {0};
    xv *oc = NULL;
    if (xapi_call1(db->x, "pool.get_other_config", db->ref, &oc, db->deadline, &reply) != HF_OK) {
        fprintf(stderr, "hafence: %s\n", reply.message);
        return NULL;
    }
    return oc;
}

static bool is_key(const char *k)
{
    if (!*k || isdigit((unsigned char)*k))
        return false;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_')
            return false;
    return true;
}

static void upper(const char *in, char *out, size_t size)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[i] = '\0';
}

/* Would the configuration load with key=value in the pool database?  The
 * files given, the pool database as it is, the new entry: the settings
 * and the fence method's parameters, as the daemon loads them. */
static bool loads(const cli *c, xv *oc, const char *key, const char *value, hfc_error *err)
{
    hfc_config *cfg = hfc_config_new();
    hfc_settings s;
    bool ok = true;
    for (size_t i = 0; ok && i < c->config_count; i++)
        ok = hfc_config_load(cfg, c->configs[i], err);
    for (size_t i = 0; ok && oc && i < oc->count; i++) {
        char origin[200];
        const char *k = oc->keys[i] + strlen(POOL_DB_PREFIX);
        if (strncmp(oc->keys[i], POOL_DB_PREFIX, strlen(POOL_DB_PREFIX)) != 0 || !*k || !xv_str(oc->items[i]) ||
            strcasecmp(k, key) == 0)
            continue;
        snprintf(origin, sizeof origin, "pool other-config %s", oc->keys[i]);
        ok = hfc_config_set(cfg, origin, k, oc->items[i]->str, err);
    }
    if (ok && value) {
        char origin[200];
        snprintf(origin, sizeof origin, "the new pool other-config %s%s", POOL_DB_PREFIX, key);
        ok = hfc_config_set(cfg, origin, key, value, err);
    }
    if (ok && (ok = hfc_settings_load(cfg, &s, err))) {
        hfc_search_path path;
        hfc_topology *t = NULL;
        cli_plugin_path(c, &path);
        /* fencing off with no method: nothing more to check */
        if (s.fence_enabled || *s.fence_method)
            ok = (t = hfc_topology_load(&path, cfg, &s, cli_history_path(c), NULL, NULL, err)) != NULL;
        hfc_search_path_free(&path);
        hfc_topology_free(t);
        hfc_settings_free(&s);
    }
    hfc_config_free(cfg);
    return ok;
}

static int map_call(pool_db *db, const char *method, const char *key, const char *value)
{
    hf_reply reply = {0};
    xv *args[3] = {xv_string(db->ref), xv_string(key), value ? xv_string(value) : NULL}, *v = NULL;
    hf_result r = xapi_call(db->x, method, args, value ? 3 : 2, &v, db->deadline, &reply);
    for (int i = 0; i < 3; i++)
        xv_free(args[i]);
    xv_free(v);
    if (r != HF_OK)
        fprintf(stderr, "hafence: %s\n", reply.message);
    return r == HF_OK ? EXIT_OK : EXIT_FAILED;
}

static int config_set(const cli *c, pool_db *db, const char *key, const char *value)
{
    char entry[200];
    hfc_error err = {0};
    xv *oc = other_config(db);
    int rc;
    if (!oc)
        return EXIT_FAILED;
    if (value && !loads(c, oc, key, value, &err)) {
        xv_free(oc);
        fprintf(stderr, "hafence: refused, nothing written: %s\n", err.message);
        return EXIT_CONFIG;
    }
    xv_free(oc);
    snprintf(entry, sizeof entry, "%s%s", POOL_DB_PREFIX, key);
    /* a map key is replaced by removing it first (adding one fails) */
    rc = map_call(db, "pool.remove_from_other_config", entry, NULL);
    if (rc == EXIT_OK && value)
        rc = map_call(db, "pool.add_to_other_config", entry, value);
    if (rc == EXIT_OK)
        printf("%s %s%s%s in the pool database (other-config %s): every hafenced reloads on its next read\n", key,
               value ? "set to '" : "removed", value ? value : "", value ? "'" : "", entry);
    return rc;
}

static int config_show(const cli *c, pool_db *db, const char *key)
{
    xv *oc = other_config(db);
    bool found = false;
    (void)c;
    if (!oc)
        return EXIT_FAILED;
    for (size_t i = 0; i < oc->count; i++) {
        const char *k = oc->keys[i] + strlen(POOL_DB_PREFIX);
        const char *v = xv_str(oc->items[i]);
        if (strncmp(oc->keys[i], POOL_DB_PREFIX, strlen(POOL_DB_PREFIX)) != 0 || !*k || !v ||
            (key && strcasecmp(k, key) != 0))
            continue;
        found = true;
        if (key)
            printf("%s\n", hfc_config_key_is_secret(k) ? "(secret: not shown)" : v);
        else
            printf("%s=%s\n", k, hfc_config_key_is_secret(k) ? "(secret: not shown)" : v);
    }
    xv_free(oc);
    if (key && !found) {
        fprintf(stderr, "hafence: %s is not set in the pool database (other-config %s%s)\n", key, POOL_DB_PREFIX, key);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

int cmd_config(cli *c)
{
    const char *verb = c->arg_count ? c->args[0] : "";
    char key[128] = "";
    pool_db db;
    int rc, want = !strcmp(verb, "list")                            ? 1
                   : !strcmp(verb, "get") || !strcmp(verb, "unset") ? 2
                   : !strcmp(verb, "set")                           ? 3
                                                                    : 0;
    if (!want)
        return cli_usage_error("config takes list, get KEY, set KEY VALUE or unset KEY");
    if (c->arg_count != want)
        return cli_usage_error("config %s takes %s", verb,
                               want == 1   ? "nothing more"
                               : want == 2 ? "a KEY"
                                           : "KEY VALUE");
    if (want > 1) {
        if (!is_key(c->args[1]))
            return cli_usage_error("'%s' is not a configuration key", c->args[1]);
        upper(strncasecmp(c->args[1], POOL_DB_PREFIX, strlen(POOL_DB_PREFIX)) == 0 && strlen(c->args[1]) > 3
                  ? c->args[1] + strlen(POOL_DB_PREFIX)
                  : c->args[1],
              key, sizeof key);
    }
    if (want == 3 && hfc_config_key_is_secret(key))
        return cli_usage_error("%s is a secret: the pool database is readable by every pool administrator; "
                               "keep it in a file (%s_FILE)",
                               key, key);
    if ((rc = pool_db_open(c, &db)) == EXIT_OK)
        rc = want == 1                ? config_show(c, &db, NULL)
             : !strcmp(verb, "get")   ? config_show(c, &db, key)
             : !strcmp(verb, "unset") ? config_set(c, &db, key, NULL)
                                      : config_set(c, &db, key, c->args[2]);
    pool_db_close(&db);
    return rc;
}

#else

int cmd_config(cli *c)
{
    (void)c;
    fprintf(stderr, "hafence: config needs the XAPI client, and this hafence was built without libcurl\n");
    return EXIT_FAILED;
}

#endif
