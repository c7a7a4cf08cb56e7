/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Redfish replies read with json-c: every field checked for presence and
 * type, nothing trusted (redfish.h). */
#include "proto/redfish/redfish.h"

#include <json-c/json.h>

const char *const redfish_reset_type_names[REDFISH_RESET_TYPES + 1] = {
    "On",      "ForceOff",        "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi",
    "ForceOn", "PushPowerButton", "PowerCycle",       "Suspend",         "Pause",        "Resume",
    NULL};

/* Parse at most len bytes; NULL with reply saying why. */
static json_object *parse(const char *json, size_t len, hf_reply *reply)
{
    json_tokener *tok = json_tokener_new_ex(32);
    json_object *o;
    if (!tok) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "out of memory");
        return NULL;
    }
    if (len > (size_t)INT32_MAX)
        len = (size_t)INT32_MAX;
    o = json_tokener_parse_ex(tok, json ? json : "", (int)len);
    if (!o || json_tokener_get_error(tok) != json_tokener_success) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "not JSON: %s", json_tokener_error_desc(json_tokener_get_error(tok)));
        json_object_put(o);
        o = NULL;
    } else if (!json_object_is_type(o, json_type_object)) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "JSON, but not an object");
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

/* The string at a path of member names, or NULL. */
static const char *str_at(json_object *o, const char *a, const char *b)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, a, &v))
        return NULL;
    if (b && !json_object_object_get_ex(v, b, &v))
        return NULL;
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool copy(char *dst, size_t size, const char *src)
{
    if (!src || strlen(src) >= size)
        return false;
    memcpy(dst, src, strlen(src) + 1);
    return true;
}

bool redfish_parse_root(const char *json, size_t len, char *systems, size_t systems_size, char *sessions,
                        size_t sessions_size, hf_reply *reply)
{
    json_object *o = parse(json, len, reply);
    const char *s, *ss;
    bool ok;
    if (!o)
        return false;
    s = str_at(o, "Systems", "@odata.id");
    ss = str_at(o, "Links", "Sessions");
    if (!ss) {
        json_object *links = NULL, *sess = NULL;
        if (json_object_object_get_ex(o, "Links", &links) && json_object_object_get_ex(links, "Sessions", &sess))
            ss = str_at(sess, "@odata.id", NULL);
    }
    ok = copy(systems, systems_size, s);
    if (!ok)
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "the service root names no Systems collection");
    if (!copy(sessions, sessions_size, ss))
        sessions[0] = '\0';
    json_object_put(o);
    return ok;
}

bool redfish_parse_collection(const char *json, size_t len, int *count, char *first, size_t first_size, hf_reply *reply)
{
    json_object *o = parse(json, len, reply), *members = NULL, *m;
    bool ok = false;
    *count = 0;
    if (!o)
        return false;
    if (!json_object_object_get_ex(o, "Members", &members) || !json_object_is_type(members, json_type_array)) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "a collection without Members");
    } else {
        *count = (int)json_object_array_length(members);
        m = *count ? json_object_array_get_idx(members, 0) : NULL;
        ok = *count == 0 || copy(first, first_size, str_at(m, "@odata.id", NULL));
        if (!ok)
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "a collection member without @odata.id");
    }
    json_object_put(o);
    return ok;
}

bool redfish_parse_system(const char *json, size_t len, redfish_system *s, hf_reply *reply)
{
    json_object *o = parse(json, len, reply), *actions = NULL, *reset = NULL, *allowed = NULL;
    memset(s, 0, sizeof *s);
    if (!o)
        return false;
    copy(s->power_state, sizeof s->power_state, str_at(o, "PowerState", NULL));
    if (json_object_object_get_ex(o, "Actions", &actions) &&
        json_object_object_get_ex(actions, "#ComputerSystem.Reset", &reset)) {
        copy(s->reset_target, sizeof s->reset_target, str_at(reset, "target", NULL));
        if (json_object_object_get_ex(reset, "ResetType@Redfish.AllowableValues", &allowed) &&
            json_object_is_type(allowed, json_type_array)) {
            s->allowed_listed = true;
            for (size_t i = 0; i < json_object_array_length(allowed); i++) {
                json_object *v = json_object_array_get_idx(allowed, i);
                if (!json_object_is_type(v, json_type_string))
                    continue;
                for (int t = 0; redfish_reset_type_names[t]; t++)
                    if (strcmp(json_object_get_string(v), redfish_reset_type_names[t]) == 0)
                        s->allowed |= 1u << t;
            }
        }
    }
    json_object_put(o);
    return true;
}

void redfish_parse_error(const char *json, size_t len, char *msg, size_t size)
{
    hf_reply ignored;
    json_object *o = parse(json, len, &ignored), *err = NULL, *info = NULL;
    const char *id = NULL, *text = NULL;
    msg[0] = '\0';
    if (!o)
        return;
    if (json_object_object_get_ex(o, "error", &err)) {
        /* the board's reason: the extended info's MessageId, with its
         * Message, else the error's own message (which is where boards put
         * the why when the extended info carries only an id) */
        if (json_object_object_get_ex(err, "@Message.ExtendedInfo", &info) &&
            json_object_is_type(info, json_type_array) && json_object_array_length(info) > 0) {
            json_object *first = json_object_array_get_idx(info, 0);
            id = str_at(first, "MessageId", NULL);
            text = str_at(first, "Message", NULL);
        }
        if (!id)
            id = str_at(err, "code", NULL);
        if (!text)
            text = str_at(err, "message", NULL);
    }
    if (id && text)
        snprintf(msg, size, "%s: %s", id, text);
    else if (id || text)
        snprintf(msg, size, "%s", id ? id : text);
    json_object_put(o);
}
