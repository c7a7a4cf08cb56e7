/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A plugin as an older minor (1.0) wrote it, with a dispatch id from the
 * future (ignored) and a descriptor of the 1.0 size: must load. */
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
static hf_result status(void *i, const hf_context *c, const char *t, hf_reply *r)
{
    (void)i;
    (void)c;
    (void)t;
    r->power = HF_POWER_ON;
    return hf_reply_set(r, HF_OK, "on");
}
static hf_result monitor(void *i, const hf_context *c, hf_reply *r)
{
    (void)i;
    (void)c;
    return hf_reply_set(r, HF_OK, "ok");
}
static void future(void) {}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(create),
    HF_DISPATCH_FENCE_DESTROY(destroy),
    HF_DISPATCH_FENCE_OFF(status),
    HF_DISPATCH_FENCE_ON(status),
    HF_DISPATCH_FENCE_STATUS(status),
    HF_DISPATCH_FENCE_MONITOR(monitor),
    {9999, (hf_fn)future}, /* an id this core does not know: ignored */
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    .size = sizeof(hf_plugin_descriptor),
    .abi_major = 1,
    .abi_minor = 0,
    .kind = HF_KIND_FENCE,
    .name = "older",
    .version = "1",
    .description = "older minor for loader tests",
    .params = NULL,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
