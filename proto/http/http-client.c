/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HTTP(S) requests and raw TLS streams with libcurl (http-client.h). */
#include "proto/http/http-client.h"

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <curl/curl.h>
#include <poll.h>
#include <pthread.h>
#include <strings.h>

struct http_client {
    http_options opt; /* strings are the copies below */
    char *device, *ca_file, *pin, *unix_socket;
    CURL *curl;   /* requests: kept, so that connections are reused */
    CURL *stream; /* the raw TLS stream, when open */
};

typedef struct transfer {
    http_reply *out;
    size_t max;
    bool overflow;
    const hf_context *ctx;
} transfer;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

http_client *http_client_new(const http_options *opt)
{
    http_client *c = calloc(1, sizeof *c);
    pthread_once(&curl_once, curl_init);
    if (!c)
        return NULL;
    c->opt = *opt;
    c->device = strdup(opt->device ? opt->device : "device");
    c->ca_file = dup_or_null(opt->ca_file);
    c->pin = dup_or_null(opt->pin_sha256);
    c->unix_socket = dup_or_null(opt->unix_socket);
    c->opt.unix_socket = c->unix_socket;
    c->opt.device = c->device;
    c->opt.ca_file = c->ca_file;
    c->opt.pin_sha256 = c->pin;
    if (!c->opt.max_reply)
        c->opt.max_reply = 16u << 20;
    if (c->opt.call_timeout_ms <= 0)
        c->opt.call_timeout_ms = 10000;
    c->curl = curl_easy_init();
    if (!c->device || !c->curl || (opt->ca_file && *opt->ca_file && !c->ca_file) ||
        (opt->pin_sha256 && *opt->pin_sha256 && !c->pin)) {
        http_client_free(c);
        return NULL;
    }
    return c;
}

void http_client_free(http_client *c)
{
    if (!c)
        return;
    http_stream_close(c);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->device);
    free(c->ca_file);
    free(c->pin);
    free(c->unix_socket);
    free(c);
}

void http_reply_clear(http_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

static size_t on_body(char *ptr, size_t size, size_t n, void *arg)
{
    transfer *t = arg;
    size_t add = size * n;
    char *grown;
    if (t->out->len + add > t->max) {
        t->overflow = true;
        return 0; /* abort the transfer */
    }
    if (!(grown = realloc(t->out->body, t->out->len + add + 1)))
        return 0;
    t->out->body = grown;
    memcpy(grown + t->out->len, ptr, add);
    t->out->len += add;
    grown[t->out->len] = '\0';
    return add;
}

/* Keep the value of a header we need, trimmed. */
static void take_header(const char *line, size_t len, const char *name, char *dst, size_t size)
{
    size_t n = strlen(name), v;
    if (len <= n || strncasecmp(line, name, n) != 0)
        return;
    line += n;
    len -= n;
    while (len && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    for (v = len; v && (line[v - 1] == '\r' || line[v - 1] == '\n' || line[v - 1] == ' '); v--)
        ;
    if (v < size) {
        memcpy(dst, line, v);
        dst[v] = '\0';
    }
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    transfer *t = arg;
    take_header(line, size * n, "Location:", t->out->location, sizeof t->out->location);
    take_header(line, size * n, "X-Auth-Token:", t->out->auth_token, sizeof t->out->auth_token);
    return size * n;
}

/* Each call of libcurl's progress callback looks at the caller's cancel:
 * a transfer stops within a second of it.  Before 7.32 (CentOS 7's 7.29)
 * the callback has the older signature, in doubles. */
#if HAVE_DECL_CURLOPT_XFERINFOFUNCTION
typedef curl_off_t progress_count;
#define HTTP_OPT_PROGRESS      CURLOPT_XFERINFOFUNCTION
#define HTTP_OPT_PROGRESS_DATA CURLOPT_XFERINFODATA
#else
typedef double progress_count;
#define HTTP_OPT_PROGRESS      CURLOPT_PROGRESSFUNCTION
#define HTTP_OPT_PROGRESS_DATA CURLOPT_PROGRESSDATA
#endif
static int on_progress(void *arg, progress_count a, progress_count b, progress_count c, progress_count d)
{
    transfer *t = arg;
    (void)a, (void)b, (void)c, (void)d;
    return t->ctx->cancelled(t->ctx) ? 1 : 0;
}

/* A "sha256//" public key pin needs libcurl 7.44 */
#define HTTP_CAN_PIN (HAVE_DECL_CURLOPT_PINNEDPUBLICKEY && LIBCURL_VERSION_NUM >= 0x072c00)

void http_allow_protocols(void *h, const char *protocols, long mask)
{
#if HAVE_DECL_CURLOPT_PROTOCOLS_STR
    (void)mask;
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
#else
    /* libcurl before 7.85 */
    (void)protocols;
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, mask);
#endif
}

bool http_can_use_unix_socket(void)
{
    return HAVE_DECL_CURLOPT_UNIX_SOCKET_PATH;
}

/* The TLS settings every connection gets; what this libcurl cannot do is
 * refused, never silently dropped (a pin left out is trust widened). */
static hf_result set_tls(const http_client *c, CURL *h, hf_reply *reply)
{
#if !HTTP_CAN_PIN
    if (c->pin && !c->opt.insecure)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "%s: pinning the certificate's public key (fingerprint) needs libcurl 7.44 or later, this "
                            "is %s: give its CA with ca_file instead",
                            c->device, curl_version_info(CURLVERSION_NOW)->version);
#endif
#if !HAVE_DECL_CURLOPT_UNIX_SOCKET_PATH
    if (c->unix_socket)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "%s: HTTP over the local socket %s needs libcurl 7.40 or later, this is %s: give the "
                            "host's address instead",
                            c->device, c->unix_socket, curl_version_info(CURLVERSION_NOW)->version);
#endif
    http_allow_protocols(h, "http,https", (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->opt.insecure || c->pin ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->opt.insecure || c->pin ? 0L : 2L);
    if (c->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
#if HTTP_CAN_PIN
    /* a pinned key stands instead of the CA: a board's self-signed
     * certificate is trusted for exactly its key */
    if (c->pin && !c->opt.insecure)
        curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
#endif
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
#if HAVE_DECL_CURLOPT_UNIX_SOCKET_PATH
    if (c->unix_socket)
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->unix_socket);
#endif
    return HF_OK;
}

static long step_timeout(const http_client *c, const hf_context *ctx)
{
    int64_t left = hf_ctx_remaining_ms(ctx);
    return left < c->opt.call_timeout_ms ? (long)left : c->opt.call_timeout_ms;
}

static hf_result transport_error(const http_client *c, const hf_context *ctx, CURLcode rc, long timeout,
                                 const char *msg, hf_reply *reply)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: cannot reach it: %s", c->device, msg);
    case CURLE_OPERATION_TIMEDOUT:
        return hf_reply_set(reply, hf_ctx_remaining_ms(ctx) == 0 ? HF_E_TIMED_OUT : HF_E_UNREACHABLE,
                            "%s: no answer within %ld ms", c->device, timeout);
    case CURLE_ABORTED_BY_CALLBACK:
        return hf_reply_set(reply, hf_ctx_remaining_ms(ctx) == 0 ? HF_E_TIMED_OUT : HF_E_CANCELLED, "%s: stopped: %s",
                            c->device, hf_ctx_remaining_ms(ctx) == 0 ? "deadline passed" : "cancelled");
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED,
                            "%s: TLS: its public key is not the pinned one (a man in the middle, or a new "
                            "certificate): refused",
                            c->device);
    case CURLE_PEER_FAILED_VERIFICATION:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED,
                            "%s: TLS: its certificate is not trusted (%s); give its CA with ca_file, pin its "
                            "key with fingerprint, or opt out with insecure=1",
                            c->device, msg);
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: TLS: the CA or certificate file cannot be used: %s",
                            c->device, msg);
    case CURLE_SSL_CONNECT_ERROR:
        /* the handshake itself failed: plain TCP or garbage on the port, or
         * a TLS the device does not speak; a protocol error, not a refused
         * credential (and worth a retry) */
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED,
                            "%s: TLS handshake failed (%s): is this port a TLS (HTTPS) service?", c->device, msg);
    default: return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: %s", c->device, msg);
    }
}

hf_result http_request(http_client *c, const hf_context *ctx, const char *method, const char *url,
                       const char *const *headers, const char *body, size_t body_len, const char *basic_user,
                       const char *basic_password, http_reply *out, hf_reply *reply)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *list = NULL;
    transfer t = {out, c->opt.max_reply, false, ctx};
    long timeout = step_timeout(c, ctx);
    CURLcode rc;
    CURL *h = c->curl;
    hf_result r;
    memset(out, 0, sizeof *out);
    if (timeout <= 0)
        return hf_reply_set(reply, HF_E_TIMED_OUT, "%s: %s %s: no time left", c->device, method, url);
    curl_easy_reset(h);
    if ((r = set_tls(c, h, reply)) != HF_OK)
        return r;
    for (; headers && *headers; headers++)
        list = curl_slist_append(list, *headers);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body_len);
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    if (basic_user) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, basic_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, basic_password ? basic_password : "");
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, HTTP_OPT_PROGRESS, on_progress);
    curl_easy_setopt(h, HTTP_OPT_PROGRESS_DATA, &t);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    rc = curl_easy_perform(h);
    curl_slist_free_all(list);
    /* the handle keeps the credentials given: forget them */
    curl_easy_setopt(h, CURLOPT_USERNAME, NULL);
    curl_easy_setopt(h, CURLOPT_PASSWORD, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    if (rc != CURLE_OK) {
        r = t.overflow ? hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: %s %s: reply larger than %zu bytes", c->device,
                                      method, url, t.max)
                       : transport_error(c, ctx, rc, timeout, *errbuf ? errbuf : curl_easy_strerror(rc), reply);
        http_reply_clear(out);
        return r;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    if (!out->body && !(out->body = calloc(1, 1)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    return HF_OK;
}

/* ---- the raw TLS stream ------------------------------------------------------- */
void http_stream_close(http_client *c)
{
    if (c->stream)
        curl_easy_cleanup(c->stream);
    c->stream = NULL;
}

hf_result http_stream_open(http_client *c, const hf_context *ctx, const char *url, hf_reply *reply)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    long timeout = step_timeout(c, ctx);
    CURLcode rc;
    hf_result r;
    http_stream_close(c);
    if (!(c->stream = curl_easy_init()))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if ((r = set_tls(c, c->stream, reply)) != HF_OK) {
        http_stream_close(c);
        return r;
    }
    curl_easy_setopt(c->stream, CURLOPT_URL, url);
    curl_easy_setopt(c->stream, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c->stream, CURLOPT_CONNECTTIMEOUT_MS, timeout > 0 ? timeout : 1L);
    curl_easy_setopt(c->stream, CURLOPT_ERRORBUFFER, errbuf);
    rc = curl_easy_perform(c->stream);
    if (rc != CURLE_OK) {
        r = transport_error(c, ctx, rc, timeout, *errbuf ? errbuf : curl_easy_strerror(rc), reply);
        http_stream_close(c);
        return r;
    }
    return HF_OK;
}

/* Wait for the stream's socket to be readable (or writable) by the
 * deadline: false when the time ran out. */
static bool stream_wait(http_client *c, const hf_context *ctx, bool for_read, int64_t until)
{
    curl_socket_t fd = CURL_SOCKET_BAD;
#if HAVE_DECL_CURLINFO_ACTIVESOCKET
    curl_easy_getinfo(c->stream, CURLINFO_ACTIVESOCKET, &fd);
#else
    /* libcurl before 7.45: the socket as a long (the same on Linux) */
    long last = -1;
    if (curl_easy_getinfo(c->stream, CURLINFO_LASTSOCKET, &last) == CURLE_OK && last >= 0)
        fd = (curl_socket_t)last;
#endif
    for (;;) {
        struct pollfd p = {.fd = (int)fd, .events = for_read ? POLLIN : POLLOUT};
        int64_t left = until - hf_now_ms();
        if (left <= 0 || ctx->cancelled(ctx) || fd == CURL_SOCKET_BAD)
            return false;
        if (poll(&p, 1, (int)(left > 200 ? 200 : left)) > 0)
            return true;
    }
}

static int64_t stream_until(const http_client *c, const hf_context *ctx)
{
    return hf_now_ms() + step_timeout(c, ctx);
}

hf_result http_stream_send(http_client *c, const hf_context *ctx, const char *data, size_t len, hf_reply *reply)
{
    int64_t until = stream_until(c, ctx);
    while (len > 0) {
        size_t sent = 0;
        CURLcode rc = curl_easy_send(c->stream, data, len, &sent);
        if (rc == CURLE_AGAIN) {
            if (!stream_wait(c, ctx, false, until))
                return hf_reply_set(reply, hf_ctx_remaining_ms(ctx) ? HF_E_UNREACHABLE : HF_E_TIMED_OUT,
                                    "%s: could not send in time", c->device);
            continue;
        }
        if (rc != CURLE_OK)
            return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: connection lost: %s", c->device, curl_easy_strerror(rc));
        data += sent;
        len -= sent;
    }
    return HF_OK;
}

hf_result http_stream_recv(http_client *c, const hf_context *ctx, char *buf, size_t size, size_t *got, hf_reply *reply)
{
    int64_t until = stream_until(c, ctx);
    *got = 0;
    for (;;) {
        CURLcode rc = curl_easy_recv(c->stream, buf, size, got);
        if (rc == CURLE_OK)
            return HF_OK; /* *got == 0: the board closed the stream */
        if (rc != CURLE_AGAIN)
            return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: connection lost: %s", c->device, curl_easy_strerror(rc));
        if (!stream_wait(c, ctx, true, until))
            return hf_reply_set(reply, hf_ctx_remaining_ms(ctx) ? HF_E_UNREACHABLE : HF_E_TIMED_OUT,
                                "%s: no answer in time", c->device);
    }
}

static int never_cancelled(const hf_context *ctx)
{
    (void)ctx;
    return 0;
}

static void no_log(const hf_context *ctx, hf_log_level level, const char *message)
{
    (void)ctx, (void)level, (void)message;
}

static int64_t monotonic_now(const hf_context *ctx)
{
    (void)ctx;
    return hf_now_ms();
}

void http_deadline_context(hf_context *ctx, int64_t deadline_ms)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->size = sizeof *ctx;
    ctx->deadline_ms = deadline_ms;
    ctx->log = no_log;
    ctx->cancelled = never_cancelled;
    ctx->now_ms = monotonic_now;
}

void http_endpoint_set(http_endpoint *e, const char *protocol, const char *base_url, const char *username,
                       const char *password)
{
    size_t n;
    snprintf(e->base, sizeof e->base, "%s", base_url ? base_url : "");
    for (n = strlen(e->base); n > 0 && e->base[n - 1] == '/'; n--)
        e->base[n - 1] = '\0';
    snprintf(e->username, sizeof e->username, "%s", username ? username : "");
    snprintf(e->password, sizeof e->password, "%s", password ? password : "");
    snprintf(e->device, sizeof e->device, "%s %s", protocol, e->base);
}
