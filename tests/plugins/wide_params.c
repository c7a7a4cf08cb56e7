/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A plugin of a later minor whose parameter table elements are larger than
 * this core's hf_param_def (fields appended): the core must walk the table
 * with the plugin's param_def_size, and see every parameter whole. */
#include <hafence/plugin.h>

typedef struct wide_param_def {
    hf_param_def def;
    const char *future_a; /* what a later minor might append */
    long long future_b;
} wide_param_def;

static const wide_param_def params[] = {
    {{"address", HF_PARAM_ADDRESS, HF_PARAM_REQUIRED, NULL, NULL, 0, 0, "where"}, "x", 1},
    {{"port", HF_PARAM_INTEGER, 0, "623", NULL, 1, 65535, "which port"}, "y", 2},
    {{"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "the secret"}, "z", 3},
    {{NULL, 0, 0, NULL, NULL, 0, 0, NULL}, NULL, 0},
};

static hf_result create(const hf_context *c, const hf_param *p, void **i, hf_reply *r)
{
    (void)c;
    *i = NULL;
    /* the core validated what it read through the stride */
    return hf_param_get(p, "port") ? HF_OK : hf_reply_set(r, HF_E_BAD_PARAMETER, "no port");
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

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(create),
    HF_DISPATCH_FENCE_DESTROY(destroy),
    HF_DISPATCH_FENCE_OFF(status),
    HF_DISPATCH_FENCE_ON(status),
    HF_DISPATCH_FENCE_STATUS(status),
    HF_DISPATCH_FENCE_MONITOR(monitor),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    .size = sizeof(hf_plugin_descriptor),
    .abi_major = HAFENCE_ABI_MAJOR,
    .abi_minor = HAFENCE_ABI_MINOR,
    .kind = HF_KIND_FENCE,
    .name = "wide",
    .version = "1",
    .description = "parameter table of a later minor, for loader tests",
    .params = &params[0].def,
    .dispatch = dispatch,
    .param_def_size = sizeof(wide_param_def),
    .vendor_url = "https://vendor.example/wide",
};

HAFENCE_PLUGIN(descriptor)
