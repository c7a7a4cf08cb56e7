/* SPDX-License-Identifier: MIT */
/*
 * witness: a third-party heuristic plugin, built out of tree against the
 * installed SDK alone:
 *     cc -shared -fPIC $(pkg-config --cflags hafence-plugin) witness.c -o witness.so
 * It votes pass when a TCP connection to a witness host (a quorum witness,
 * a storage head) succeeds before the deadline, fail when it is refused or
 * times out.
 */
#include <hafence/plugin.h>
#include <hafence/net.h> /* hf_net_connect(): a connect bounded by the deadline */

typedef struct witness {
    char host[256];
    char port[8];
    long long timeout_ms;
} witness;

static const hf_param_def params[] = {
    {"host", HF_PARAM_ADDRESS, HF_PARAM_REQUIRED, NULL, NULL, 0, 0, "witness host (numeric address)"},
    {"port", HF_PARAM_INTEGER, 0, "22", NULL, 1, 65535, "TCP port on the witness"},
    {"timeout_ms", HF_PARAM_INTEGER, 0, "1000", NULL, 10, 60000, "connect timeout"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_result w_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    witness *w = calloc(1, sizeof *w);
    (void)ctx;
    if (!w)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    snprintf(w->host, sizeof w->host, "%s", hf_param_str(p, "host", ""));
    snprintf(w->port, sizeof w->port, "%s", hf_param_str(p, "port", "22"));
    w->timeout_ms = hf_param_int(p, "timeout_ms", 1000);
    *instance = w;
    return HF_OK;
}

static void w_destroy(void *instance)
{
    free(instance);
}

static hf_result w_check(void *instance, const hf_context *ctx, hf_reply *reply)
{
    witness *w = instance;
    struct addrinfo hints, *ai = NULL;
    int fd, err = 0, e;
    int64_t until = ctx->now_ms(ctx) + w->timeout_ms;

    if (until > ctx->deadline_ms)
        until = ctx->deadline_ms;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST; /* no blocking name lookup */
    if ((e = getaddrinfo(w->host, w->port, &hints, &ai)) != 0)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "witness %s: %s", w->host, gai_strerror(e));
    fd = hf_net_connect(ai, ctx, until, &err);
    freeaddrinfo(ai);
    if (fd >= 0)
        close(fd);
    if (err == ECANCELED)
        return hf_reply_set(reply, HF_E_CANCELLED, "witness %s: cancelled", w->host);
    reply->vote = fd < 0 ? HF_VOTE_FAIL : HF_VOTE_PASS;
    return hf_reply_set(reply, HF_OK, "witness %s port %s %s%s", w->host, w->port,
                        fd < 0 ? "did not answer: " : "answered", fd < 0 ? strerror(err) : "");
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_HEUR_CREATE(w_create),
    HF_DISPATCH_HEUR_DESTROY(w_destroy),
    HF_DISPATCH_HEUR_CHECK(w_check),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_HEURISTIC,
    .name = "witness",
    .version = "2.1.0",
    .description = "votes pass when a TCP witness host accepts a connection",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
