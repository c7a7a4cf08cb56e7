/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Redfish client (redfish.h). */
#include "proto/redfish/redfish.h"

#include <json-c/json.h>

struct redfish {
    redfish_options opt; /* strings are the copies below */
    http_endpoint ep;
    char system_hint[300];
    http_client *http;
    char token[256];   /* X-Auth-Token of our session; a secret */
    char session[512]; /* its path, to delete it */
    bool basic;        /* HTTP Basic: asked for, or the service offers no sessions */
    bool root_read;    /* the service root was read: systems is known */
    char system[512];  /* the system's path, once found */
    char systems[512]; /* the Systems collection's path, from the root */
};

static const char *const json_headers[] = {"Accept: application/json", "OData-Version: 4.0", NULL};

redfish *redfish_new(const redfish_options *opt)
{
    redfish *r = calloc(1, sizeof *r);
    http_options h;
    if (!r)
        return NULL;
    r->opt = *opt;
    r->basic = opt->basic_auth;
    http_endpoint_set(&r->ep, "Redfish", opt->base_url, opt->username, opt->password);
    if (opt->device) /* the caller's name for the device, one way everywhere */
        snprintf(r->ep.device, sizeof r->ep.device, "%s (redfish)", opt->device);
    if (!hf_copy(r->system_hint, sizeof r->system_hint, opt->system)) {
        free(r);
        return NULL; /* the plugins check the system's length before (no cut system) */
    }
    h = opt->http;
    h.device = r->ep.device;
    if (!h.max_reply)
        h.max_reply = 4u << 20;
    if (!(r->http = http_client_new(&h))) {
        free(r);
        return NULL;
    }
    return r;
}

void redfish_free(redfish *r)
{
    if (!r)
        return;
    if (*r->token) {
        hf_reply reply;
        redfish_logout(r, NULL, &reply);
    }
    http_client_free(r->http);
    memset(r, 0, sizeof *r); /* password, token */
    free(r);
}

/* The path part of a Location or @odata.id (absolute URL or path). */
static void path_of(const char *ref, char *out, size_t size)
{
    const char *p = ref;
    if (strncmp(ref, "http://", 7) == 0 || strncmp(ref, "https://", 8) == 0) {
        p = strchr(ref + 8, '/');
        if (!p)
            p = "/";
    }
    snprintf(out, size, "%s", p);
}

/* One request; path relative to the service.  Authenticated unless anon. */
static hf_result call(redfish *r, const hf_context *ctx, const char *method, const char *path, const char *body,
                      bool anon, http_reply *out, hf_reply *reply)
{
    char url[900], token[300];
    const char *headers[5] = {json_headers[0], json_headers[1], NULL, NULL, NULL};
    int n = 2;
    hf_result res;
    snprintf(url, sizeof url, "%s%s", r->ep.base, path);
    if (body)
        headers[n++] = "Content-Type: application/json";
    if (!anon && !r->basic && *r->token) {
        snprintf(token, sizeof token, "X-Auth-Token: %s", r->token);
        headers[n++] = token;
    }
    res =
        http_request(r->http, ctx, method, url, headers, body, body ? strlen(body) : 0,
                     !anon && r->basic ? r->ep.username : NULL, !anon && r->basic ? r->ep.password : NULL, out, reply);
    memset(token, 0, sizeof token);
    return res;
}

/* A reply whose status is not the one wanted, as a result and message. */
static hf_result refused(redfish *r, const char *what, const http_reply *h, hf_reply *reply)
{
    char msg[300];
    redfish_parse_error(h->body, h->len, msg, sizeof msg);
    return hf_reply_set(reply, h->status == 401 || h->status == 403 ? HF_E_AUTH_REFUSED : HF_E_DEVICE_REFUSED,
                        "%s: %s: HTTP %ld%s%s", r->ep.device, what, h->status, *msg ? ": " : "", msg);
}

static hf_result login(redfish *r, const hf_context *ctx, hf_reply *reply)
{
    http_reply h;
    char systems[400], sessions[400] = "", *body;
    hf_result res;
    /* with HTTP Basic the root is read only for what it names: the
     * Systems collection, unless the system's path was given */
    if (*r->token || (r->basic && (r->root_read || *r->system)))
        return HF_OK;
    if ((res = call(r, ctx, "GET", "/redfish/v1/", NULL, true, &h, reply)) != HF_OK)
        return res;
    if (h.status != 200) {
        res = refused(r, "service root", &h, reply);
        http_reply_clear(&h);
        return res;
    }
    if (!redfish_parse_root(h.body, h.len, systems, sizeof systems, sessions, sizeof sessions, reply)) {
        http_reply_clear(&h);
        return hf_reply_prefix(reply, HF_E_DEVICE_REFUSED, "%s: service root: ", r->ep.device);
    }
    http_reply_clear(&h);
    path_of(systems, r->systems, sizeof r->systems);
    r->root_read = true;
    if (r->basic)
        return HF_OK; /* redfish_auth=basic: no session */
    if (!*sessions) {
        /* the root advertises no sessions: HTTP Basic on every call, and
         * the password never goes to a path the service did not name */
        r->basic = true;
        return HF_OK;
    }
    {
        /* json-c writes the credentials, escaped as JSON needs */
        json_object *o = json_object_new_object();
        const char *text;
        json_object_object_add(o, "UserName", json_object_new_string(r->ep.username));
        json_object_object_add(o, "Password", json_object_new_string(r->ep.password));
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        body = text ? strdup(text) : NULL;
        if (text)
            memset((char *)text, 0, strlen(text));
        json_object_put(o);
        if (!body)
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    }
    path_of(sessions, systems, sizeof systems);
    res = call(r, ctx, "POST", systems, body, true, &h, reply);
    memset(body, 0, strlen(body));
    free(body);
    if (res != HF_OK)
        return res;
    if (h.status >= 200 && h.status < 300 && *h.auth_token) {
        /* 201 as the standard says, 200 or 204 as some services answer */
        snprintf(r->token, sizeof r->token, "%s", h.auth_token);
        path_of(*h.location ? h.location : "", r->session, sizeof r->session);
    } else if (h.status == 404 || h.status == 405 || h.status == 501) {
        r->basic = true; /* no sessions here: HTTP Basic on every call */
    } else {
        res = h.status == 400 || h.status == 401 || h.status == 403
                  ? hf_reply_set(reply, HF_E_AUTH_REFUSED, "%s: login as %s refused (HTTP %ld)", r->ep.device,
                                 r->ep.username, h.status)
                  : refused(r, "session", &h, reply);
    }
    http_reply_clear(&h);
    return res;
}

hf_result redfish_logout(redfish *r, const hf_context *ctx, hf_reply *reply)
{
    http_reply h;
    hf_result res = HF_OK;
    hf_context brief;
    if (!*r->token)
        return HF_OK;
    if (!ctx) {
        /* at the end, without a call: a second at most (the session
         * expires on the board anyway) */
        http_deadline_context(&brief, hf_now_ms() + 1000);
        ctx = &brief;
    }
    if (*r->session) {
        res = call(r, ctx, "DELETE", r->session, NULL, false, &h, reply);
        if (res == HF_OK) {
            if (h.status != 200 && h.status != 204)
                res = refused(r, "logout", &h, reply);
            http_reply_clear(&h);
        }
    }
    memset(r->token, 0, sizeof r->token);
    return res;
}

hf_result redfish_probe(redfish *r, const hf_context *ctx, hf_reply *reply)
{
    http_reply h;
    char systems[400], sessions[400];
    hf_result res = call(r, ctx, "GET", "/redfish/v1/", NULL, true, &h, reply);
    if (res != HF_OK)
        return res;
    if (h.status != 200 ||
        !redfish_parse_root(h.body, h.len, systems, sizeof systems, sessions, sizeof sessions, reply))
        res = hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: no Redfish service (HTTP %ld)", r->ep.device, h.status);
    http_reply_clear(&h);
    return res;
}

/* GET path with the session, renewed once when it expired. */
static hf_result get(redfish *r, const hf_context *ctx, const char *path, http_reply *h, hf_reply *reply)
{
    hf_result res;
    if ((res = login(r, ctx, reply)) != HF_OK)
        return res;
    if ((res = call(r, ctx, "GET", path, NULL, false, h, reply)) != HF_OK)
        return res;
    if (h->status == 401 && *r->token) {
        http_reply_clear(h);
        memset(r->token, 0, sizeof r->token);
        if ((res = login(r, ctx, reply)) != HF_OK)
            return res;
        return call(r, ctx, "GET", path, NULL, false, h, reply);
    }
    return HF_OK;
}

/* The system's path: named (an Id or a path), else the only member. */
static hf_result find_system(redfish *r, const hf_context *ctx, hf_reply *reply)
{
    http_reply h;
    char first[400];
    int count;
    hf_result res;
    if (*r->system)
        return HF_OK;
    if (*r->system_hint == '/') {
        snprintf(r->system, sizeof r->system, "%s", r->system_hint);
        return HF_OK;
    }
    if ((res = login(r, ctx, reply)) != HF_OK)
        return res;
    /* login read the service root: r->systems is its Systems collection;
     * a path that does not fit is an error, never a cut path */
    if ((size_t)snprintf(first, sizeof first, "%s", r->systems) >= sizeof first)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "Redfish: the Systems path %.60s... is too long", r->systems);
    if (*r->system_hint) {
        if ((size_t)snprintf(r->system, sizeof r->system, "%s%s%s", first, first[strlen(first) - 1] == '/' ? "" : "/",
                             r->system_hint) >= sizeof r->system) {
            *r->system = '\0';
            return hf_reply_set(reply, HF_E_BAD_PARAMETER, "Redfish: the system path %s/%.60s... is too long", first,
                                r->system_hint);
        }
        return HF_OK;
    }
    if ((res = get(r, ctx, first, &h, reply)) != HF_OK)
        return res;
    if (h.status != 200) {
        res = refused(r, "Systems", &h, reply);
        http_reply_clear(&h);
        return res;
    }
    if (!redfish_parse_collection(h.body, h.len, &count, first, sizeof first, reply)) {
        http_reply_clear(&h);
        return hf_reply_prefix(reply, HF_E_DEVICE_REFUSED, "%s: Systems: ", r->ep.device);
    }
    http_reply_clear(&h);
    if (count == 0)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: the service lists no system", r->ep.device);
    if (count > 1)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "%s: the service lists %d systems: name one with the system parameter", r->ep.device,
                            count);
    path_of(first, r->system, sizeof r->system);
    return HF_OK;
}

static hf_result read_system(redfish *r, const hf_context *ctx, redfish_system *s, hf_reply *reply)
{
    http_reply h;
    hf_result res;
    if ((res = find_system(r, ctx, reply)) != HF_OK || (res = get(r, ctx, r->system, &h, reply)) != HF_OK)
        return res;
    if (h.status != 200) {
        res = refused(r, r->system, &h, reply);
    } else if (!redfish_parse_system(h.body, h.len, s, reply)) {
        res = hf_reply_prefix(reply, HF_E_DEVICE_REFUSED, "%s: %s: ", r->ep.device, r->system);
    }
    http_reply_clear(&h);
    return res;
}

hf_result redfish_power(redfish *r, const hf_context *ctx, hf_power *power, char *word, size_t word_size,
                        hf_reply *reply)
{
    redfish_system s;
    hf_result res = read_system(r, ctx, &s, reply);
    *power = HF_POWER_UNKNOWN;
    if (res != HF_OK)
        return res;
    snprintf(word, word_size, "%s", s.power_state);
    if (strcmp(s.power_state, "Off") == 0)
        *power = HF_POWER_OFF;
    else if (strcmp(s.power_state, "On") == 0 || strcmp(s.power_state, "PoweringOff") == 0 ||
             strcmp(s.power_state, "PoweringOn") == 0 || strcmp(s.power_state, "Paused") == 0)
        *power = HF_POWER_ON; /* not off until it says Off */
    else
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: %s: PowerState '%s' not understood", r->ep.device,
                            r->system, s.power_state);
    return HF_OK;
}

/* The ResetType for an intent, among those the system allows. */
static const char *reset_type(const redfish_system *s, redfish_intent intent)
{
    static const char *const off[] = {"ForceOff", NULL};
    static const char *const on[] = {"On", "ForceOn", NULL};
    static const char *const restart[] = {"ForceRestart", "PowerCycle", NULL};
    const char *const *want = intent == REDFISH_FORCE_OFF ? off : intent == REDFISH_ON ? on : restart;
    if (!s->allowed_listed)
        return want[0]; /* the service does not say: the standard's name */
    for (int i = 0; want[i]; i++)
        for (int t = 0; redfish_reset_type_names[t]; t++)
            if (strcmp(want[i], redfish_reset_type_names[t]) == 0 && (s->allowed & (1u << t)))
                return want[i];
    return NULL;
}

hf_result redfish_reset(redfish *r, const hf_context *ctx, redfish_intent intent, hf_reply *reply)
{
    redfish_system s;
    http_reply h;
    char body[80], target[520];
    const char *type;
    hf_result res = read_system(r, ctx, &s, reply);
    if (res != HF_OK)
        return res;
    if (!*s.reset_target)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: %s offers no #ComputerSystem.Reset action", r->ep.device,
                            r->system);
    if (!(type = reset_type(&s, intent)))
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: %s allows no %s reset", r->ep.device, r->system,
                            intent == REDFISH_FORCE_OFF ? "ForceOff"
                            : intent == REDFISH_ON      ? "On"
                                                        : "ForceRestart");
    snprintf(body, sizeof body, "{\"ResetType\": \"%s\"}", type);
    path_of(s.reset_target, target, sizeof target);
    if ((res = call(r, ctx, "POST", target, body, false, &h, reply)) != HF_OK)
        return res;
    if (h.status != 200 && h.status != 202 && h.status != 204)
        res = refused(r, type, &h, reply);
    else
        res = hf_reply_set(reply, HF_OK, "%s: %s accepted (HTTP %ld)", r->ep.device, type, h.status);
    http_reply_clear(&h);
    return res;
}
