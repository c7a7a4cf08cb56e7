/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pool as the master's XAPI shows it: hosts (UUID, name, management
 * address, enabled), which host is master, and the autopromote slave the
 * master recorded in the pool's other-config.  Every host caches the last
 * view in its state directory: when the master is gone, XAPI does not
 * answer, and the cache is what a slave knows of its pool.
 */
#include "core/error.h"
#include "core/util.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include <json-c/json.h>

#define POOL_CACHE "pool.json"

void pool_view_free(pool_view *v)
{
    for (size_t i = 0; i < v->count; i++)
        json_object_put(v->hosts[i].fields);
    free(v->hosts);
    json_object_put(v->other_config);
    memset(v, 0, sizeof *v);
}

static const char *json_text(struct json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

const char *pool_view_config(const pool_view *v, const char *key)
{
    return json_text(v->other_config, key);
}

const char *pool_host_field(const pool_host *h, const char *field)
{
    char key[300];
    snprintf(key, sizeof key, "%s%s", XC_CUSTOM_FIELD, field);
    return json_text(h->fields, key);
}

/* A XAPI map as a JSON object: every entry, or those under prefix. */
static json_object *map_json(const xv *map, const char *prefix)
{
    json_object *o = json_object_new_object();
    for (size_t i = 0; map && map->type == XV_STRUCT && i < map->count && i < 1000; i++)
        if (xv_str(map->items[i]) && (!prefix || strncmp(map->keys[i], prefix, strlen(prefix)) == 0))
            json_object_object_add(o, map->keys[i], json_object_new_string(map->items[i]->str));
    return o;
}

const pool_host *pool_view_host(const pool_view *v, const char *uuid)
{
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->hosts[i].uuid, uuid) == 0)
            return &v->hosts[i];
    return NULL;
}

static bool xapi_failed(hf_result r, const hf_reply *reply, hfc_error *err)
{
    if (r == HF_OK)
        return false;
    hfc_error_set(err, r, "%s", reply->message);
    return true;
}

/* The one pool object's reference. */
static bool pool_ref(xapi *x, char *ref, size_t size, int64_t deadline_ms, hfc_error *err)
{
    hf_reply reply = {0};
    xv *v = NULL;
    bool ok;
    if (xapi_failed(xapi_call(x, "pool.get_all", NULL, 0, &v, deadline_ms, &reply), &reply, err))
        return false;
    ok = v && v->type == XV_ARRAY && v->count == 1 && xv_str(v->items[0]);
    if (ok)
        hfc_strlcpy(ref, v->items[0]->str, size);
    else
        hfc_error_set(err, HF_E_DEVICE_REFUSED, "XAPI %s: pool.get_all: not one pool reference", xapi_url(x));
    xv_free(v);
    return ok;
}

static const char *member(const xv *record, const char *key)
{
    const char *s = xv_str(xv_get(record, key));
    return s ? s : "";
}

bool pool_view_read(xapi *x, pool_view *out, int64_t deadline_ms, hfc_error *err)
{
    hf_reply reply = {0};
    char pref[256], master_ref[256] = "";
    xv *pool = NULL, *hosts = NULL;
    const xv *oc;
    pool_view v = {0};
    bool ok = false;

    v.asked_ms = hf_now_ms();
    if (!pool_ref(x, pref, sizeof pref, deadline_ms, err))
        return false;
    if (xapi_failed(xapi_call1(x, "pool.get_record", pref, &pool, deadline_ms, &reply), &reply, err) ||
        xapi_failed(xapi_call(x, "host.get_all_records", NULL, 0, &hosts, deadline_ms, &reply), &reply, err))
        goto out;
    if (!pool || pool->type != XV_STRUCT || !hosts || hosts->type != XV_STRUCT) {
        hfc_error_set(err, HF_E_DEVICE_REFUSED, "XAPI %s: pool or host records are not structs", xapi_url(x));
        goto out;
    }
    hfc_strlcpy(master_ref, member(pool, "master"), sizeof master_ref);
    oc = xv_get(pool, "other_config");
    if (oc && oc->type == XV_STRUCT && hfc_is_uuid(member(oc, AUTOPROMOTE_KEY)))
        hfc_strlcpy(v.autopromote, member(oc, AUTOPROMOTE_KEY), sizeof v.autopromote);
    v.other_config = map_json(oc, NULL);
    v.native_ha =
        xv_get(pool, "ha_enabled") && xv_get(pool, "ha_enabled")->type == XV_BOOL && xv_get(pool, "ha_enabled")->num;

    v.hosts = hfc_calloc(hosts->count ? hosts->count : 1, sizeof *v.hosts);
    for (size_t i = 0; i < hosts->count; i++) {
        const xv *h = hosts->items[i], *enabled = xv_get(h, "enabled");
        pool_host *ph = &v.hosts[v.count];
        if (h->type != XV_STRUCT || !hfc_is_uuid(member(h, "uuid"))) {
            hfc_error_set(err, HF_E_DEVICE_REFUSED, "XAPI %s: host %s: a record without a UUID", xapi_url(x),
                          hosts->keys[i]);
            goto out;
        }
        hfc_strlcpy(ph->uuid, member(h, "uuid"), sizeof ph->uuid);
        /* its reference and address are never cut: a cut address would
         * be checked, found silent and fenced */
        if (!hfc_strlcpy(ph->ref, hosts->keys[i], sizeof ph->ref) ||
            !hfc_strlcpy(ph->address, member(h, "address"), sizeof ph->address)) {
            hfc_error_set(err, HF_E_DEVICE_REFUSED, "XAPI %s: host %s: its reference or address is too long",
                          xapi_url(x), ph->uuid);
            goto out;
        }
        ph->fields = map_json(xv_get(h, "other_config"), XC_CUSTOM_FIELD);
        hfc_strlcpy(ph->name, member(h, "name_label"), sizeof ph->name);
        ph->enabled = enabled && enabled->type == XV_BOOL && enabled->num;
        if (strcmp(hosts->keys[i], master_ref) == 0)
            hfc_strlcpy(v.master, ph->uuid, sizeof v.master);
        v.count++;
    }
    if (!*v.master) {
        hfc_error_set(err, HF_E_DEVICE_REFUSED, "XAPI %s: the pool's master %s is not one of its hosts", xapi_url(x),
                      master_ref);
        goto out;
    }
    v.read_ms = hfc_wall_ms();
    pool_view_free(out);
    *out = v;
    memset(&v, 0, sizeof v);
    ok = true;
out:
    pool_view_free(&v);
    xv_free(pool);
    xv_free(hosts);
    return ok;
}

#define POOL_CACHE_REFRESH_MS 60000

bool pool_view_save(const pool_view *v, const char *state_dir, pool_cache_write *saved, hfc_error *err)
{
    json_object *o = json_object_new_object(), *hosts = json_object_new_array();
    const char *text;
    bool ok = true;
    json_object_object_add(o, "master", json_object_new_string(v->master));
    json_object_object_add(o, "autopromote", json_object_new_string(v->autopromote));
    for (size_t i = 0; i < v->count; i++) {
        json_object *h = json_object_new_object();
        json_object_object_add(h, "uuid", json_object_new_string(v->hosts[i].uuid));
        json_object_object_add(h, "name", json_object_new_string(v->hosts[i].name));
        json_object_object_add(h, "address", json_object_new_string(v->hosts[i].address));
        json_object_object_add(h, "enabled", json_object_new_boolean(v->hosts[i].enabled));
        json_object_object_add(h, "ref", json_object_new_string(v->hosts[i].ref));
        json_object_object_add(h, "fields", json_object_get(v->hosts[i].fields));
        json_object_array_add(hosts, h);
    }
    json_object_object_add(o, "hosts", hosts);
    json_object_object_add(o, "native_ha", json_object_new_boolean(v->native_ha));
    json_object_object_add(o, "other_config", json_object_get(v->other_config));
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    if (!saved->text || strcmp(text, saved->text) != 0 || hf_now_ms() - saved->written_ms >= POOL_CACHE_REFRESH_MS) {
        free(saved->text);
        saved->text = hfc_strdup(text);
        json_object_object_add(o, "read_ms", json_object_new_int64(v->read_ms));
        ok = hfc_state_write(state_dir, POOL_CACHE, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY), err);
        saved->written_ms = hf_now_ms();
        if (!ok) { /* try again next time */
            free(saved->text);
            saved->text = NULL;
        }
    }
    json_object_put(o);
    return ok;
}

void pool_cache_write_free(pool_cache_write *saved)
{
    free(saved->text);
    memset(saved, 0, sizeof *saved);
}

static bool text_field(json_object *o, const char *key, char *out, size_t size, bool uuid)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return false;
    if (uuid && *json_object_get_string(v) && !hfc_is_uuid(json_object_get_string(v)))
        return false;
    hfc_strlcpy(out, json_object_get_string(v), size);
    return true;
}

bool pool_view_load(pool_view *out, const char *state_dir, hfc_error *err)
{
    char *path = hfc_state_path(state_dir, POOL_CACHE);
    char *text = hfc_read_file(path, 4u << 20, NULL, err);
    json_object *o = text ? json_tokener_parse(text) : NULL, *hosts, *t;
    pool_view v = {0};
    bool ok = false, readable = text != NULL;
    free(text);
    if (!readable)
        goto out;
    if (!o || !json_object_object_get_ex(o, "hosts", &hosts) || !json_object_is_type(hosts, json_type_array) ||
        !text_field(o, "master", v.master, sizeof v.master, true) || !hfc_is_uuid(v.master) ||
        !text_field(o, "autopromote", v.autopromote, sizeof v.autopromote, true)) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: not a pool view", path);
        goto out;
    }
    if (json_object_object_get_ex(o, "read_ms", &t))
        v.read_ms = json_object_get_int64(t);
    v.hosts = hfc_calloc(json_object_array_length(hosts) + 1, sizeof *v.hosts);
    for (size_t i = 0; i < json_object_array_length(hosts); i++) {
        json_object *h = json_object_array_get_idx(hosts, i), *en;
        pool_host *ph = &v.hosts[v.count];
        if (!json_object_is_type(h, json_type_object) || !text_field(h, "uuid", ph->uuid, sizeof ph->uuid, true) ||
            !hfc_is_uuid(ph->uuid) || !text_field(h, "name", ph->name, sizeof ph->name, false) ||
            !text_field(h, "address", ph->address, sizeof ph->address, false)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: host %zu: not a host record", path, i);
            goto out;
        }
        ph->enabled = json_object_object_get_ex(h, "enabled", &en) && json_object_get_boolean(en);
        text_field(h, "ref", ph->ref, sizeof ph->ref, false);
        if (json_object_object_get_ex(h, "fields", &en) && json_object_is_type(en, json_type_object))
            ph->fields = json_object_get(en);
        v.count++;
    }
    if (json_object_object_get_ex(o, "native_ha", &t))
        v.native_ha = json_object_get_boolean(t);
    if (json_object_object_get_ex(o, "other_config", &t) && json_object_is_type(t, json_type_object))
        v.other_config = json_object_get(t);
    v.cached = true;
    pool_view_free(out);
    *out = v;
    memset(&v, 0, sizeof v);
    ok = true;
out:
    json_object_put(o);
    pool_view_free(&v);
    free(path);
    return ok;
}

bool pool_config_set(xapi *x, const char *key, const char *value, int64_t deadline_ms, hfc_error *err)
{
    hf_reply reply = {0};
    char pref[256];
    xv *args[3], *v = NULL;
    hf_result r;
    if (!pool_ref(x, pref, sizeof pref, deadline_ms, err))
        return false;
    /* a map key is replaced by removing it first (adding an existing key
     * fails; removing an absent one does nothing) */
    args[0] = xv_string(pref);
    args[1] = xv_string(key);
    r = xapi_call(x, "pool.remove_from_other_config", args, 2, &v, deadline_ms, &reply);
    xv_free(v);
    v = NULL;
    if (r == HF_OK && value) {
        args[2] = xv_string(value);
        r = xapi_call(x, "pool.add_to_other_config", args, 3, &v, deadline_ms, &reply);
        xv_free(args[2]);
        xv_free(v);
    }
    xv_free(args[0]);
    xv_free(args[1]);
    return !xapi_failed(r, &reply, err);
}

struct json_object *pool_config_read(xapi *x, int64_t deadline_ms, hfc_error *err)
{
    hf_reply reply = {0};
    char pref[256];
    xv *oc = NULL;
    json_object *o = NULL;
    if (!pool_ref(x, pref, sizeof pref, deadline_ms, err) ||
        xapi_failed(xapi_call1(x, "pool.get_other_config", pref, &oc, deadline_ms, &reply), &reply, err))
        return NULL;
    if (oc && oc->type == XV_STRUCT)
        o = map_json(oc, NULL);
    else
        hfc_error_set(err, HF_E_DEVICE_REFUSED, "XAPI %s: pool.get_other_config: not a map", xapi_url(x));
    xv_free(oc);
    return o;
}
