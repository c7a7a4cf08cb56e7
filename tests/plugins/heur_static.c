/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A heuristic whose vote is a parameter, with per-instance state, to show
 * two instances of one plugin side by side. */
#include <hafence/plugin.h>

typedef struct heur {
    char vote[16];
} heur;
static const char *const votes[] = {"pass", "fail", "unknown", NULL};

static const hf_param_def params[] = {
    {"vote", HF_PARAM_ENUM, HF_PARAM_REQUIRED, NULL, votes, 0, 0, "the vote to cast"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_result create(const hf_context *c, const hf_param *p, void **i, hf_reply *r)
{
    heur *h = calloc(1, sizeof *h);
    (void)c;
    if (!h)
        return hf_reply_set(r, HF_E_PLUGIN_FAILED, "out of memory");
    snprintf(h->vote, sizeof h->vote, "%s", hf_param_get(p, "vote"));
    *i = h;
    return HF_OK;
}
static void destroy(void *i)
{
    free(i);
}
static hf_result check(void *i, const hf_context *c, hf_reply *r)
{
    heur *h = i;
    (void)c;
    r->vote = strcmp(h->vote, "pass") == 0   ? HF_VOTE_PASS
              : strcmp(h->vote, "fail") == 0 ? HF_VOTE_FAIL
                                             : HF_VOTE_UNKNOWN;
    return hf_reply_set(r, HF_OK, "static vote %s", h->vote);
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
    .name = "static",
    .version = "1",
    .description = "static vote for tests",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
