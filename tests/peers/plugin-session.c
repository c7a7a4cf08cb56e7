/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin-session: drive one instance of a fence plugin through several
 * calls, in this process, for tests of what an instance keeps between
 * calls (an SSH connection, a session).  Lines on stdin:
 *   status|off|on TARGET    one call (deadline 20 s); prints
 *                           "<action> <result> <on|off|unknown> <message>"
 *   wait                    prints "ready" and waits for the next line
 * Parameters as name=value arguments; name=@FILE reads a secret's value
 * from FILE (never argv).  The plugin's log goes to stderr.
 */
#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"

static void log_line(const hf_context *ctx, hf_log_level level, const char *message)
{
    (void)ctx;
    fprintf(stderr, "[%d] %s\n", (int)level, message);
}
static int never(const hf_context *ctx)
{
    (void)ctx;
    return 0;
}
static int64_t now(const hf_context *ctx)
{
    (void)ctx;
    return hf_now_ms();
}

int main(int argc, char **argv)
{
    hfc_error err = {0};
    hfc_plugin *plugin;
    hfc_paramset *set = hfc_paramset_new();
    hf_param *params;
    const hf_plugin_descriptor *d;
    hf_context ctx = {sizeof ctx, 0, NULL, log_line, never, NULL, now};
    hf_reply reply = {0};
    void *instance = NULL;
    char line[512];
    if (argc < 2) {
        fprintf(stderr, "usage: plugin-session PLUGIN.so [name=value|name=@FILE...]\n");
        return 64;
    }
    if (!(plugin = hfc_plugin_load(argv[1], &err))) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    d = hfc_plugin_descriptor_of(plugin);
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        char value[1024] = "";
        if (!eq)
            return 64;
        *eq = '\0';
        if (eq[1] == '@') {
            FILE *f = fopen(eq + 2, "r");
            if (!f || !fgets(value, sizeof value, f))
                return 64;
            fclose(f);
            value[strcspn(value, "\n")] = '\0';
        } else {
            snprintf(value, sizeof value, "%s", eq + 1);
        }
        hfc_paramset_set(set, argv[i], value);
    }
    if (!(params = hfc_params_validate(d->params, set, d->name, &err))) {
        fprintf(stderr, "%s\n", err.message);
        return 78;
    }
    ctx.deadline_ms = hf_now_ms() + 20000;
    if (hfc_plugin_fence_create(plugin)(&ctx, params, &instance, &reply) != HF_OK) {
        fprintf(stderr, "create: %s\n", reply.message);
        return 1;
    }
    while (fgets(line, sizeof line, stdin)) {
        char action[16] = "", target[400] = "";
        hf_result r;
        hf_fence_power_fn *fn;
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "wait") == 0) {
            printf("ready\n");
            fflush(stdout);
            continue;
        }
        if (sscanf(line, "%15s %399s", action, target) != 2)
            continue;
        fn = !strcmp(action, "off")  ? hfc_plugin_fence_off(plugin)
             : !strcmp(action, "on") ? hfc_plugin_fence_on(plugin)
                                     : hfc_plugin_fence_status(plugin);
        memset(&reply, 0, sizeof reply);
        ctx.deadline_ms = hf_now_ms() + 20000;
        r = fn(instance, &ctx, target, &reply);
        printf("%s %s %s %s\n", action, hf_result_name(r), hf_power_name(reply.power), reply.message);
        fflush(stdout);
    }
    hfc_plugin_fence_destroy(plugin)(instance);
    hfc_params_free(params);
    hfc_paramset_free(set);
    hfc_plugin_unload(plugin);
    return 0;
}
