/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A third party's peer probe from before ABI 1.3: HF_CAP_PEER_PROBE with
 * a check and no probe entry point, built against the frozen 1.2 header
 * (tests/fixtures/abi/1.2), so that the daemon checks its peers one by one
 * through it.  An address "answers" when it is a numeric IPv4 or IPv6
 * address, as every loopback address answers ICMP: in the loopback pool a
 * dead host is told by its silent management port. */
#include <hafence/plugin.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reach {
    char addresses[1024];
} reach;

static const hf_param_def params[] = {
    {"addresses", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "numeric addresses, ',' or ':' separated"},
    {"timeout_ms", HF_PARAM_INTEGER, 0, "1000", NULL, 10, 60000, "unused"},
    {"tries", HF_PARAM_INTEGER, 0, "3", NULL, 1, 20, "unused"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_result create(const hf_context *c, const hf_param *p, void **i, hf_reply *r)
{
    reach *h = calloc(1, sizeof *h);
    const char *a = hf_param_get(p, "addresses");
    (void)c;
    if (!h)
        return hf_reply_set(r, HF_E_PLUGIN_FAILED, "out of memory");
    snprintf(h->addresses, sizeof h->addresses, "%s", a ? a : "");
    *i = h;
    return HF_OK;
}

static void destroy(void *i)
{
    free(i);
}

static int numeric(const char *a)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, a, buf) == 1 || inet_pton(AF_INET6, a, buf) == 1;
}

static hf_result check(void *i, const hf_context *c, hf_reply *r)
{
    reach *h = i;
    char list[sizeof h->addresses], *save = NULL, *a;
    const char *sep = strchr(h->addresses, ',') ? ", " : ": ";
    size_t n = 0;
    (void)c;
    r->vote = HF_VOTE_PASS;
    if (numeric(h->addresses)) /* the daemon's: one address a call */
        return hf_reply_set(r, HF_OK, "%s reached", h->addresses);
    snprintf(list, sizeof list, "%s", h->addresses);
    for (a = strtok_r(list, sep, &save); a; a = strtok_r(NULL, sep, &save), n++)
        if (!numeric(a)) {
            r->vote = HF_VOTE_FAIL;
            return hf_reply_set(r, HF_OK, "%s: not a numeric address", a);
        }
    if (!n)
        r->vote = HF_VOTE_UNKNOWN;
    return hf_reply_set(r, HF_OK, "%zu addresses reached", n);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_HEUR_CREATE(create),
    HF_DISPATCH_HEUR_DESTROY(destroy),
    HF_DISPATCH_HEUR_CHECK(check),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_HEURISTIC,
    .name = "reach",
    .version = "1",
    .description = "a peer probe of ABI 1.2: one address a check",
    .params = params,
    .dispatch = dispatch,
    .capabilities = HF_CAP_PEER_PROBE,
};

HAFENCE_PLUGIN(descriptor)
