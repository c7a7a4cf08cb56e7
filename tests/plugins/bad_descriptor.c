/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fence plugin missing a required entry point (status). */
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
static hf_result power(void *i, const hf_context *c, const char *t, hf_reply *r)
{
    (void)i;
    (void)c;
    (void)t;
    (void)r;
    return HF_OK;
}
static hf_result monitor(void *i, const hf_context *c, hf_reply *r)
{
    (void)i;
    (void)c;
    (void)r;
    return HF_OK;
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(create), HF_DISPATCH_FENCE_DESTROY(destroy), HF_DISPATCH_FENCE_OFF(power),
    HF_DISPATCH_FENCE_ON(power),      HF_DISPATCH_FENCE_MONITOR(monitor), HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "nostatus",
    .version = "1",
    .description = "missing status for loader tests",
    .params = NULL,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
