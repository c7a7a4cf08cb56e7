/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A XAPI client: XML-RPC (xmlrpc.c) over HTTP(S) (proto/http) (xapi.h). */
#include "proto/xapi/xapi.h"

#include "proto/http/http-client.h"

#include <sys/stat.h>

struct xapi {
    xapi_options opt; /* its strings are the copies below */
    char *username, *password, *ca_file, *unix_socket;
    char *url;
    char *session;
    char error[128];
    char error_arg[256]; /* the ErrorDescription's second element */
    http_client *http;   /* made again when the URL changes (a slave names its master) */
};

static http_client *http_for(xapi *x);

xapi *xapi_new(const xapi_options *opt)
{
    xapi *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->opt = *opt;
    x->url = strdup(opt->url);
    x->username = strdup(opt->username ? opt->username : "");
    x->password = strdup(opt->password ? opt->password : "");
    x->ca_file = opt->ca_file ? strdup(opt->ca_file) : NULL;
    x->unix_socket = opt->unix_socket ? strdup(opt->unix_socket) : NULL;
    x->opt.unix_socket = x->unix_socket;
    x->opt.username = x->username;
    x->opt.password = x->password;
    x->opt.ca_file = x->ca_file;
    if (!x->url || !x->username || !x->password || (opt->ca_file && !x->ca_file) ||
        (opt->unix_socket && !x->unix_socket) || !http_for(x)) {
        xapi_free(x);
        return NULL;
    }
    return x;
}

void xapi_free(xapi *x)
{
    if (!x)
        return;
    http_client_free(x->http);
    free(x->url);
    free(x->session);
    free(x->username);
    if (x->password)
        memset(x->password, 0, strlen(x->password));
    free(x->password);
    free(x->ca_file);
    free(x->unix_socket);
    free(x);
}

bool xapi_logged_in(const xapi *x)
{
    return x->session != NULL;
}
const char *xapi_error(const xapi *x)
{
    return x->error;
}
const char *xapi_url(const xapi *x)
{
    return x->url;
}

/* The HTTP client for the current URL: XAPI over HTTP(S), TLS verified
 * against ca_file unless insecure. */
static http_client *http_for(xapi *x)
{
    char device[600];
    http_options o = {0};
    http_client_free(x->http);
    if (x->opt.unix_socket)
        snprintf(device, sizeof device, "XAPI %s (local socket)", x->opt.unix_socket);
    else
        snprintf(device, sizeof device, "XAPI %s", x->url);
    o.device = device;
    o.unix_socket = x->opt.unix_socket;
    o.ca_file = x->opt.ca_file;
    o.insecure = x->opt.insecure;
    o.call_timeout_ms = x->opt.call_timeout_ms > 0 ? x->opt.call_timeout_ms : 10000;
    o.max_reply = XMLRPC_MAX_RESPONSE;
    x->http = http_client_new(&o);
    return x->http;
}

/* One XML-RPC exchange: method(params) -> the response's value. */
static hf_result rpc(xapi *x, const char *method, xv *const *params, size_t count, xv **out, int64_t deadline_ms,
                     hf_reply *reply)
{
    static const char *const headers[] = {"Content-Type: text/xml", NULL};
    http_reply h;
    hf_context ctx;
    size_t len;
    char *request;
    hf_result r;
    bool fault;
    *out = NULL;
    if (!x->http)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "XAPI: out of memory");
    http_deadline_context(&ctx, deadline_ms);
    request = xmlrpc_request(method, params, count, &len);
    if (!request)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "XAPI: out of memory");
    r = http_request(x->http, &ctx, "POST", x->url, headers, request, len, NULL, NULL, &h, reply);
    memset(request, 0, len); /* it may have held the password */
    free(request);
    if (r != HF_OK) {
        size_t n = strlen(reply->message);
        /* say what was being done */
        snprintf(reply->message + n, sizeof reply->message - n, " (%s)", method);
        return r;
    }
    if (h.status != 200) {
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI %s: %s: HTTP status %ld", x->url, method, h.status);
        http_reply_clear(&h);
        return r;
    }
    *out = xmlrpc_parse_response(h.body, h.len, &fault, reply);
    http_reply_clear(&h);
    if (!*out)
        return hf_reply_prefix(reply, HF_E_DEVICE_REFUSED, "XAPI %s: %s: unreadable reply: ", x->url, method);
    if (fault) {
        const char *fs = xv_str(xv_get(*out, "faultString"));
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI %s: %s: XML-RPC fault: %s", x->url, method,
                         fs ? fs : "(no faultString)");
        xv_free(*out);
        *out = NULL;
        return r;
    }
    return HF_OK;
}

/* A XAPI reply {Status, Value} / {Status, ErrorDescription}. */
static hf_result unwrap(xapi *x, const char *method, xv *reply_value, xv **value, hf_reply *reply)
{
    const char *status = xv_str(xv_get(reply_value, "Status"));
    const xv *desc;
    char text[600] = "";
    const char *code;
    x->error[0] = '\0';
    x->error_arg[0] = '\0';
    if (status && strcmp(status, "Success") == 0) {
        const xv *v = xv_get(reply_value, "Value");
        /* take Value out of the reply */
        for (size_t i = 0; v && i < reply_value->count; i++) {
            if (reply_value->items[i] == v) {
                reply_value->items[i] = xv_string("");
                break;
            }
        }
        *value = (xv *)v;
        xv_free(reply_value);
        return *value
                   ? HF_OK
                   : hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI %s: %s: Success without a Value", x->url, method);
    }
    desc = xv_get(reply_value, "ErrorDescription");
    if (!status || strcmp(status, "Failure") != 0 || !desc || desc->type != XV_ARRAY || !desc->count ||
        !xv_str(desc->items[0])) {
        xv_free(reply_value);
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED,
                            "XAPI %s: %s: a reply that is neither Success nor "
                            "Failure with an ErrorDescription",
                            x->url, method);
    }
    for (size_t i = 0; i < desc->count; i++) {
        size_t used = strlen(text);
        const char *s = xv_str(desc->items[i]);
        snprintf(text + used, sizeof text - used, "%s%s", i ? " " : "", s ? s : "?");
    }
    code = xv_str(desc->items[0]);
    snprintf(x->error, sizeof x->error, "%s", code);
    snprintf(x->error_arg, sizeof x->error_arg, "%s",
             desc->count > 1 && xv_str(desc->items[1]) ? xv_str(desc->items[1]) : "");
    xv_free(reply_value);
    if (strcmp(x->error, "SESSION_AUTHENTICATION_FAILED") == 0)
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "XAPI %s: login refused: %s", x->url, text);
    if (strcmp(x->error, "HANDLE_INVALID") == 0 || strcmp(x->error, "UUID_INVALID") == 0)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "XAPI %s: %s: no such object: %s", x->url, method, text);
    if (strcmp(x->error, "MESSAGE_METHOD_UNKNOWN") == 0)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "XAPI %s: %s: not offered by this server: %s", x->url, method,
                            text);
    if (strcmp(x->error, "HOST_IS_SLAVE") == 0)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI %s: %s: this host is not the pool master: %s", x->url,
                            method, text);
    return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI %s: %s: %s", x->url, method, text);
}

/* A slave answers a login with HOST_IS_SLAVE and the master's address:
 * the same URL, with that host. */
static bool follow_master(xapi *x, hf_reply *reply)
{
    const char *scheme_end = strstr(x->url, "://"), *host, *rest;
    char *url;
    size_t n;
    /* over the local socket a slave forwards to its master itself */
    if (x->opt.unix_socket || !scheme_end || !*x->error_arg || strpbrk(x->error_arg, "/@?# "))
        return false;
    host = scheme_end + 3;
    rest = host + strcspn(host, ":/");
    if (*host == '[')
        rest = strchr(host, ']') ? strchr(host, ']') + 1 : rest;
    n = (size_t)(host - x->url) + strlen(x->error_arg) + strlen(rest) + 3;
    if (!(url = malloc(n)))
        return false;
    snprintf(url, n, "%.*s%s%s%s%s", (int)(host - x->url), x->url, strchr(x->error_arg, ':') ? "[" : "", x->error_arg,
             strchr(x->error_arg, ':') ? "]" : "", rest);
    hf_reply_set(reply, HF_OK, "XAPI %s is a pool slave: the master is %s", x->url, url);
    free(x->url);
    x->url = url;
    return http_for(x) != NULL;
}

static hf_result login_once(xapi *x, int64_t deadline_ms, hf_reply *reply);

hf_result xapi_login(xapi *x, int64_t deadline_ms, hf_reply *reply)
{
    hf_result r = login_once(x, deadline_ms, reply);
    if (r != HF_OK && !x->opt.slave_local && strcmp(x->error, "HOST_IS_SLAVE") == 0 && follow_master(x, reply))
        r = login_once(x, deadline_ms, reply);
    return r;
}

static hf_result login_once(xapi *x, int64_t deadline_ms, hf_reply *reply)
{
    xv *params[4] = {xv_string(x->opt.username), xv_string(x->opt.password), xv_string("1.0"), xv_string("hafence")};
    xv *raw = NULL, *value = NULL;
    const char *method = x->opt.slave_local ? "session.slave_local_login_with_password" : "session.login_with_password";
    hf_result r = rpc(x, method, params, x->opt.slave_local ? 2 : 4, &raw, deadline_ms, reply);
    for (int i = 0; i < 4; i++) {
        if (params[i] && params[i]->str)
            memset(params[i]->str, 0, strlen(params[i]->str));
        xv_free(params[i]);
    }
    if (r != HF_OK)
        return r;
    r = unwrap(x, method, raw, &value, reply);
    if (r != HF_OK)
        return r;
    if (!xv_str(value)) {
        xv_free(value);
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "XAPI %s: login returned no session", x->url);
    }
    free(x->session);
    x->session = strdup(value->str);
    xv_free(value);
    return x->session ? hf_reply_set(reply, HF_OK, "XAPI %s: logged in as %s", x->url, x->opt.username)
                      : hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
}

hf_result xapi_logout(xapi *x, int64_t deadline_ms, hf_reply *reply)
{
    xv *session, *raw = NULL, *value = NULL;
    hf_result r;
    if (!x->session)
        return HF_OK;
    session = xv_string(x->session);
    r = rpc(x, "session.logout", &session, 1, &raw, deadline_ms, reply);
    xv_free(session);
    free(x->session);
    x->session = NULL;
    if (r == HF_OK && (r = unwrap(x, "session.logout", raw, &value, reply)) == HF_OK)
        xv_free(value);
    return r;
}

hf_result xapi_call(xapi *x, const char *method, xv *const *args, size_t count, xv **value, int64_t deadline_ms,
                    hf_reply *reply)
{
    hf_result r = HF_OK;
    *value = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        xv **params;
        xv *raw = NULL;
        if (!x->session && (r = xapi_login(x, deadline_ms, reply)) != HF_OK)
            return r;
        params = calloc(count + 1, sizeof *params);
        if (!params)
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
        params[0] = xv_string(x->session);
        for (size_t i = 0; i < count; i++)
            params[i + 1] = args[i];
        r = rpc(x, method, params, count + 1, &raw, deadline_ms, reply);
        xv_free(params[0]);
        free(params);
        if (r != HF_OK)
            return r;
        r = unwrap(x, method, raw, value, reply);
        if (r == HF_OK || strcmp(x->error, "SESSION_INVALID") != 0)
            return r;
        /* the session expired (or the master restarted): once more */
        free(x->session);
        x->session = NULL;
    }
    return r;
}

hf_result xapi_call1(xapi *x, const char *method, const char *arg, xv **value, int64_t deadline_ms, hf_reply *reply)
{
    xv *a = xv_string(arg);
    hf_result r = xapi_call(x, method, &a, 1, value, deadline_ms, reply);
    xv_free(a);
    return r;
}

void xapi_settings_from_params(xapi_settings *s, const hf_param *p)
{
    const char *scheme = hf_param_str(p, "scheme", "https"), *address = hf_param_str(p, "address", "localhost");
    const char *sock = hf_param_str(p, "unix_socket", XAPI_UNIX_SOCKET);
    long long port = hf_param_int(p, "port", 0);
    bool v6 = strchr(address, ':') != NULL;
    struct stat st;
    memset(s, 0, sizeof *s);
    if (*sock && strcmp(address, "localhost") == 0 && http_can_use_unix_socket() && stat(sock, &st) == 0 &&
        S_ISSOCK(st.st_mode)) {
        /* this host's own XAPI, as xe reaches it (else over HTTPS, with
         * the password) */
        snprintf(s->unix_socket, sizeof s->unix_socket, "%s", sock);
        snprintf(s->url, sizeof s->url, "http://localhost/");
    } else if (port) {
        snprintf(s->url, sizeof s->url, "%s://%s%s%s:%lld/", scheme, v6 ? "[" : "", address, v6 ? "]" : "", port);
    } else {
        snprintf(s->url, sizeof s->url, "%s://%s%s%s/", scheme, v6 ? "[" : "", address, v6 ? "]" : "");
    }
    snprintf(s->username, sizeof s->username, "%s", hf_param_str(p, "username", "root"));
    snprintf(s->password, sizeof s->password, "%s", hf_param_str(p, "password", ""));
    snprintf(s->ca_file, sizeof s->ca_file, "%s", hf_param_str(p, "ca_file", ""));
    s->opt.url = s->url;
    s->opt.username = s->username;
    s->opt.password = s->password;
    s->opt.ca_file = *s->ca_file ? s->ca_file : NULL;
    s->opt.insecure = hf_param_bool(p, "insecure", 0);
    s->opt.call_timeout_ms = (long)hf_param_int(p, "call_timeout_ms", 10000);
    s->opt.unix_socket = *s->unix_socket ? s->unix_socket : NULL;
}

void xapi_settings_copy(xapi_settings *to, const xapi_settings *from)
{
    *to = *from;
    to->opt.url = to->url;
    to->opt.username = to->username;
    to->opt.password = to->password;
    to->opt.ca_file = from->opt.ca_file ? to->ca_file : NULL;
    to->opt.unix_socket = from->opt.unix_socket ? to->unix_socket : NULL;
}

void xapi_settings_wipe(xapi_settings *s)
{
    memset(s, 0, sizeof *s);
}
