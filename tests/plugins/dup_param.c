/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A heuristic plugin whose parameter table names one parameter twice. */
#include <hafence/plugin.h>

static hf_result create(const hf_context *c, const hf_param *p, void **i, hf_reply *r)
{
    (void)c;
    (void)p;
    (void)r;
    *i = NULL;
    return HF_OK;
}
static void destroy(void *i)
{
    (void)i;
}
static hf_result check(void *i, const hf_context *c, hf_reply *r)
{
    (void)i;
    (void)c;
    r->vote = HF_VOTE_PASS;
    return HF_OK;
}

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, HF_PARAM_REQUIRED, NULL, NULL, 0, 0, "where"},
    {"address", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "again"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_HEUR_CREATE(create),
    HF_DISPATCH_HEUR_DESTROY(destroy),
    HF_DISPATCH_HEUR_CHECK(check),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_HEURISTIC,
    .name = "dup",
    .version = "1",
    .description = "duplicate parameter for loader tests",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
