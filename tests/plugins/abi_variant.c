/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A well-formed fence plugin claiming another ABI version (set at build
 * time): the loader must refuse a newer minor or another major. */
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
    return hf_reply_set(r, HF_E_UNSUPPORTED, "variant");
}
static hf_result monitor(void *i, const hf_context *c, hf_reply *r)
{
    (void)i;
    (void)c;
    return hf_reply_set(r, HF_OK, "variant");
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(create),
    HF_DISPATCH_FENCE_DESTROY(destroy),
    HF_DISPATCH_FENCE_OFF(power),
    HF_DISPATCH_FENCE_ON(power),
    HF_DISPATCH_FENCE_STATUS(power),
    HF_DISPATCH_FENCE_MONITOR(monitor),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    .size = sizeof(hf_plugin_descriptor),
    .abi_major = VARIANT_MAJOR,
    .abi_minor = VARIANT_MINOR,
    .kind = HF_KIND_FENCE,
    .name = "variant",
    .version = "1",
    .description = "ABI variant for loader tests",
    .params = NULL,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
