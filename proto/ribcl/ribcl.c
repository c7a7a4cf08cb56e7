/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The RIBCL client (ribcl.h): transports; the XML is in ribcl-parse.c. */
#include "proto/ribcl/ribcl.h"

#include <stdbool.h>

#define RIBCL_MAX_REPLY (1u << 20)

struct ribcl {
    ribcl_options opt;
    http_endpoint ep;
    http_client *http;
    ribcl_transport used; /* what answered; RIBCL_AUTO until one did */
};

ribcl *ribcl_new(const ribcl_options *opt)
{
    ribcl *r = calloc(1, sizeof *r);
    http_options h;
    if (!r)
        return NULL;
    r->opt = *opt;
    http_endpoint_set(&r->ep, "RIBCL", opt->base_url, opt->username, opt->password);
    if (opt->device)
        snprintf(r->ep.device, sizeof r->ep.device, "%s (ribcl)", opt->device);
    r->used = opt->transport;
    h = opt->http;
    h.device = r->ep.device;
    h.max_reply = RIBCL_MAX_REPLY;
    if (!(r->http = http_client_new(&h))) {
        free(r);
        return NULL;
    }
    return r;
}

void ribcl_free(ribcl *r)
{
    if (!r)
        return;
    http_client_free(r->http);
    memset(r, 0, sizeof *r);
    free(r);
}

const char *ribcl_transport_name(const ribcl *r)
{
    return r->used == RIBCL_POST ? "POST /ribcl" : r->used == RIBCL_RAW ? "raw TLS" : "none yet";
}

/* iLO 3 and 4: the document POSTed to /ribcl.  HF_E_UNSUPPORTED when the
 * board has no such page (an iLO 2). */
static hf_result over_post(ribcl *r, const hf_context *ctx, const char *doc, size_t len, http_reply *h, hf_reply *reply)
{
    static const char *const headers[] = {"Content-Type: text/xml", NULL};
    char url[400];
    hf_result res;
    snprintf(url, sizeof url, "%s/ribcl", r->ep.base);
    if ((res = http_request(r->http, ctx, "POST", url, headers, doc, len, NULL, NULL, h, reply)) != HF_OK)
        return res;
    if (h->status == 404 || h->status == 405 || h->status == 400 || h->status == 501) {
        res = hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: no /ribcl page (HTTP %ld)", r->ep.device, h->status);
        http_reply_clear(h);
        return res;
    }
    if (h->status != 200) {
        res = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: POST /ribcl: HTTP %ld", r->ep.device, h->status);
        http_reply_clear(h);
    }
    return res;
}

static int documents_ended(const http_reply *h)
{
    int n = 0;
    for (const char *p = h->body; p && (p = strstr(p, "</RIBCL>")); p += 8)
        n++;
    return n;
}

/* Read from the stream into h until `count` documents have ended there, or
 * the board closed the stream. */
static hf_result read_documents(ribcl *r, const hf_context *ctx, http_reply *h, int count, hf_reply *reply)
{
    while (documents_ended(h) < count) {
        char buf[4096], *grown;
        size_t got = 0;
        hf_result res = http_stream_recv(r->http, ctx, buf, sizeof buf, &got, reply);
        if (res != HF_OK)
            return res;
        if (got == 0)
            return HF_OK; /* closed: what came is all there is */
        if (h->len + got > RIBCL_MAX_REPLY)
            return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: reply larger than %u bytes", r->ep.device,
                                RIBCL_MAX_REPLY);
        if (!(grown = realloc(h->body, h->len + got + 1)))
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
        h->body = grown;
        memcpy(h->body + h->len, buf, got);
        h->len += got;
        h->body[h->len] = '\0';
    }
    return HF_OK;
}

/* iLO 2: the XML straight onto a TLS stream.  The board first answers the
 * bare XML declaration, then each command as it reads it. */
static hf_result over_stream(ribcl *r, const hf_context *ctx, const char *doc, size_t len, http_reply *h,
                             hf_reply *reply)
{
    static const char declaration[] = "<?xml version=\"1.0\"?>\r\n";
    char url[400];
    hf_result res;
    memset(h, 0, sizeof *h);
    snprintf(url, sizeof url, "%s/", r->ep.base);
    if ((res = http_stream_open(r->http, ctx, url, reply)) != HF_OK)
        return res;
    res = http_stream_send(r->http, ctx, declaration, sizeof declaration - 1, reply);
    if (res == HF_OK)
        res = read_documents(r, ctx, h, 1, reply);
    if (res == HF_OK) {
        /* the greeting is not part of the answer */
        free(h->body);
        memset(h, 0, sizeof *h);
        /* our document without its own declaration */
        res = http_stream_send(r->http, ctx, doc + sizeof declaration - 1, len - (sizeof declaration - 1), reply);
    }
    if (res == HF_OK)
        res = read_documents(r, ctx, h, 1, reply);
    http_stream_close(r->http);
    if (res == HF_OK && !h->body)
        res =
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: the board closed the stream without an answer", r->ep.device);
    if (res != HF_OK)
        http_reply_clear(h);
    return res;
}

hf_result ribcl_run(ribcl *r, const hf_context *ctx, ribcl_command cmd, hf_power *power, hf_reply *reply)
{
    static const char *const names[] = {"GET_HOST_POWER_STATUS", "HOLD_PWR_BTN", "SET_HOST_POWER", "COLD_BOOT_SERVER"};
    size_t len = 0;
    char *doc = ribcl_request(cmd, r->ep.username, r->ep.password, &len);
    http_reply h = {0};
    ribcl_result result;
    hf_result res = HF_E_UNSUPPORTED;
    if (!doc)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (r->used != RIBCL_RAW) {
        res = over_post(r, ctx, doc, len, &h, reply);
        if (res == HF_OK)
            r->used = RIBCL_POST;
    }
    if (res == HF_E_UNSUPPORTED && r->used != RIBCL_POST) {
        res = over_stream(r, ctx, doc, len, &h, reply);
        if (res == HF_OK)
            r->used = RIBCL_RAW;
    }
    memset(doc, 0, len);
    free(doc);
    if (res != HF_OK)
        return res;
    if ((res = ribcl_parse(h.body, h.len, &result, reply)) != HF_OK) {
        http_reply_clear(&h);
        return hf_reply_prefix(reply, res, "%s: %s: ", r->ep.device, names[cmd]);
    }
    http_reply_clear(&h);
    if (result.status == RIBCL_LOGIN_FAILED)
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "%s: login as %s refused (0x%04X: %s)", r->ep.device,
                            r->ep.username, result.status, result.message);
    if (result.status)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: %s refused (0x%04X: %s)", r->ep.device, names[cmd],
                            result.status, result.message);
    if (cmd == RIBCL_GET_POWER) {
        if (!result.has_power || result.power == HF_POWER_UNKNOWN)
            return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: no HOST_POWER ON or OFF in the reply", r->ep.device);
        *power = result.power;
    }
    return hf_reply_set(reply, HF_OK, "%s: %s done (%s)", r->ep.device, names[cmd], ribcl_transport_name(r));
}
