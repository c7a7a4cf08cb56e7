/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * script: HA-Lizard custom fence scripts, and fence-agents style agents.
 *
 * HA-Lizard mode: FILE_LOC/NAME/NAME.sh <host-uuid> <start|stop|reset>;
 * exit 0 is success, anything else failure.  There is no status: the
 * script's own word is all there is, so the engine reports "done
 * (unverified by hafence)".
 *
 * fence-agent mode (agent=/usr/sbin/fence_xxx): key=value lines on stdin
 * (action, plug, ip, username, password, options), as the whole fence-agents
 * family reads them; status from the exit code (0 on, 2 off, 1 error).
 *
 * Secrets travel in the environment (script) or on stdin (agent), never in
 * argv.  The program is held by the trust rule (proto/trust): it and every
 * directory above it owned by root or us and writable by nobody else; it is
 * opened once, checked through that descriptor, and that descriptor is
 * what runs (fexecve), so it cannot be swapped between check and exec.
 */
#include "proto/run/run.h"
#include "proto/trust/trust.h"

#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct script {
    char program[1024];
    int fd;    /* the checked program, executed by descriptor */
    int agent; /* fence-agent mode */
    char address[256];
    char username[256];
    char password[512];
    char options[1024]; /* agent: extra key=value lines */
} script;

static const hf_param_def params[] = {
    {"method", HF_PARAM_STRING, 0, NULL, NULL, 0, 0,
     "HA-Lizard method name: runs FILE_LOC/METHOD/METHOD.sh (FENCE_METHOD)"},
    {"file_loc", HF_PARAM_PATH, 0, "/etc/ha-lizard/fence", NULL, 0, 0, "directory of method folders (FENCE_FILE_LOC)"},
    {"agent", HF_PARAM_PATH, 0, NULL, NULL, 0, 0, "a fence-agents style agent (fence_*) to run instead of a script"},
    {"address", HF_PARAM_ADDRESS, 0, NULL, NULL, 0, 0, "device address: FENCE_IPADDRESS for scripts, ip= for agents"},
    {"username", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "agent login (username=)"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0,
     "device password: FENCE_PASSWD in the script's environment, password= on the agent's stdin"},
    {"agent_options", HF_PARAM_STRING, 0, NULL, NULL, 0, 0,
     "more key=value pairs for the agent, separated by commas (e.g. lanplus=1,ssl_insecure=1)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static int valid_method_name(const char *m)
{
    if (!m || !*m || strcmp(m, ".") == 0 || strcmp(m, "..") == 0)
        return 0;
    for (; *m; m++)
        if (!isalnum((unsigned char)*m) && *m != '_' && *m != '-' && *m != '.')
            return 0;
    return 1;
}

/* The program, opened and checked by the trust rule; *fd keeps it. */
static hf_result program_open(const char *path, int *fd, hf_reply *reply)
{
    struct stat st;
    if ((*fd = trust_open(path, reply)) < 0)
        return hf_reply_prefix(reply, HF_E_BAD_PARAMETER, "fence program ");
    if (fstat(*fd, &st) != 0 || !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
        close(*fd);
        *fd = -1;
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "fence program %s is not executable", path);
    }
    return HF_OK;
}

static hf_result script_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    const char *method = hf_param_get(p, "method"), *agent = hf_param_get(p, "agent");
    const char *v;
    script *s;
    hf_result r;

    if (!agent && !method)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "script: give method=NAME (HA-Lizard script) or agent=/path/fence_x");
    if (agent && method)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "script: method and agent exclude each other");
    if (method && !valid_method_name(method))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "script: method '%s' must be letters, digits, '_', '-' or '.'",
                            method);
    s = calloc(1, sizeof *s);
    if (!s)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    s->agent = agent != NULL;
    /* the program, the address and the login are never cut to fit: a cut
     * path would name another program */
    if ((agent ? !hf_copy(s->program, sizeof s->program, agent)
               : (size_t)snprintf(s->program, sizeof s->program, "%s/%s/%s.sh",
                                  hf_param_str(p, "file_loc", "/etc/ha-lizard/fence"), method,
                                  method) >= sizeof s->program) ||
        !hf_copy(s->address, sizeof s->address, hf_param_get(p, "address")) ||
        !hf_copy(s->username, sizeof s->username, hf_param_get(p, "username")) ||
        !hf_copy(s->password, sizeof s->password, hf_param_get(p, "password"))) {
        memset(s, 0, sizeof *s);
        free(s);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "script: the program path, address, username or password is too long");
    }
    if ((v = hf_param_get(p, "agent_options"))) {
        /* a=b,c=d -> "a=b\nc=d\n": one option per line, as agents read them */
        size_t o = 0;
        for (; *v && o + 2 < sizeof s->options; v++)
            s->options[o++] = *v == ',' ? '\n' : *v;
        if (o)
            s->options[o++] = '\n';
        s->options[o] = '\0';
        if (strstr(s->options, "password") || strstr(s->options, "passwd")) {
            memset(s, 0, sizeof *s);
            free(s);
            return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                                "script: give the password as the secret parameter, not in agent_options");
        }
    }
    if ((r = program_open(s->program, &s->fd, reply)) != HF_OK) {
        memset(s, 0, sizeof *s);
        free(s);
        return r;
    }
    hf_logf(ctx, HF_LOG_DEBUG, "fence program %s (%s mode)", s->program, s->agent ? "fence-agent" : "HA-Lizard script");
    *instance = s;
    return HF_OK;
}

static void script_destroy(void *instance)
{
    script *s = instance;
    if (s->fd >= 0)
        close(s->fd);
    memset(s, 0, sizeof *s);
    free(s);
}

static hf_result outcome(const script *s, const char *what, const run_result *res, int rc_err, hf_reply *reply)
{
    char last[512];
    if (rc_err)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "cannot run %s: %s", s->program, strerror(rc_err));
    run_last_line(res, s->password, last, sizeof last);
    if (res->cancelled)
        return hf_reply_set(reply, HF_E_CANCELLED, "%s %s: cancelled on request, stopped with its process group%s%s",
                            s->program, what, *last ? ": " : "", last);
    if (res->timed_out)
        return hf_reply_set(reply, HF_E_TIMED_OUT, "%s %s: killed at the deadline%s%s", s->program, what,
                            *last ? ": " : "", last);
    if (res->signal)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s %s: killed by signal %d%s%s", s->program, what, res->signal,
                            *last ? ": " : "", last);
    if (res->exit_status == 127 && !*last)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s %s: could not be executed", s->program, what);
    return hf_reply_set(reply, res->exit_status == 0 ? HF_OK : HF_E_DEVICE_REFUSED, "%s %s: exit status %d%s%s",
                        s->program, what, res->exit_status, *last ? ": " : "", last);
}

/* HA-Lizard mode: NAME.sh <host-uuid> <start|stop|reset> */
static hf_result run_script(script *s, const hf_context *ctx, const char *target, const char *action, hf_reply *reply,
                            run_result *res)
{
    /* HA-Lizard hands its scripts the host UUID and lets them map it; the
     * target (a host map's entry, when there is one) goes in the environment */
    const char *host = ctx->host && *ctx->host ? ctx->host : target;
    char env_host[128], env_target[600], env_action[64], env_pw[600], env_addr[300], env_script[1100];
    char *argv[] = {s->program, (char *)host, (char *)action, NULL};
    char *envp[10];
    int n = 0, rc;
    if (!host || !*host)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "a fence script needs the host UUID as target");
    envp[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    snprintf(env_host, sizeof env_host, "HAFENCE_HOST=%s", host);
    envp[n++] = env_host;
    snprintf(env_target, sizeof env_target, "HAFENCE_TARGET=%s", target ? target : "");
    envp[n++] = env_target;
    snprintf(env_action, sizeof env_action, "HAFENCE_ACTION=%s", action);
    envp[n++] = env_action;
    /* run by descriptor, a script's $0 is /dev/fd/N: its own path is here */
    snprintf(env_script, sizeof env_script, "HAFENCE_SCRIPT=%s", s->program);
    envp[n++] = env_script;
    if (*s->address) {
        snprintf(env_addr, sizeof env_addr, "FENCE_IPADDRESS=%s", s->address);
        envp[n++] = env_addr;
    }
    if (*s->password) {
        snprintf(env_pw, sizeof env_pw, "FENCE_PASSWD=%s", s->password);
        envp[n++] = env_pw;
    }
    envp[n] = NULL;
    rc = run_program(ctx, s->fd, argv, envp, NULL, res);
    memset(env_pw, 0, sizeof env_pw);
    return outcome(s, action, res, rc, reply);
}

/* fence-agent mode: options on stdin */
static int run_agent(script *s, const hf_context *ctx, const char *target, const char *action, run_result *res)
{
    char *argv[] = {s->program, NULL};
    char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    size_t size = 4096 + strlen(s->options);
    char *input = calloc(1, size);
    size_t o = 0;
    int rc;
    if (!input)
        return ENOMEM;
    o += (size_t)snprintf(input + o, size - o, "action=%s\n", action);
    if (target && *target)
        o += (size_t)snprintf(input + o, size - o, "plug=%s\n", target);
    if (*s->address)
        o += (size_t)snprintf(input + o, size - o, "ip=%s\n", s->address);
    if (*s->username)
        o += (size_t)snprintf(input + o, size - o, "username=%s\n", s->username);
    if (*s->password)
        o += (size_t)snprintf(input + o, size - o, "password=%s\n", s->password);
    snprintf(input + o, size - o, "%s", s->options);
    rc = run_program(ctx, s->fd, argv, envp, input, res);
    memset(input, 0, size);
    free(input);
    return rc;
}

static hf_result power(void *instance, const hf_context *ctx, const char *target, const char *script_action,
                       const char *agent_action, hf_reply *reply)
{
    script *s = instance;
    run_result *res = calloc(1, sizeof *res);
    hf_result r;
    if (!res)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (s->agent)
        r = outcome(s, agent_action, res, run_agent(s, ctx, target, agent_action, res), reply);
    else
        r = run_script(s, ctx, target, script_action, reply, res);
    free(res);
    return r;
}

static hf_result script_off(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return power(i, ctx, t, "stop", "off", r);
}

static hf_result script_on(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return power(i, ctx, t, "start", "on", r);
}

static hf_result script_reboot(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return power(i, ctx, t, "reset", "reboot", r);
}

static hf_result script_status(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    script *s = instance;
    run_result *res;
    char last[512];
    int rc;
    if (!s->agent)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "HA-Lizard fence scripts cannot report power state");
    res = calloc(1, sizeof *res);
    if (!res)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    rc = run_agent(s, ctx, target, "status", res);
    run_last_line(res, s->password, last, sizeof last);
    if (rc || res->timed_out || res->signal || res->exit_status == 1 || res->exit_status > 2) {
        hf_result r = outcome(s, "status", res, rc, reply);
        free(res);
        return r == HF_OK ? HF_E_DEVICE_REFUSED : r;
    }
    /* fence-agents: 0 on, 2 off */
    reply->power = res->exit_status == 0 ? HF_POWER_ON : HF_POWER_OFF;
    free(res);
    return hf_reply_set(reply, HF_OK, "%s status: %s%s%s", s->program, reply->power == HF_POWER_ON ? "on" : "off",
                        *last ? ": " : "", last);
}

static hf_result script_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    script *s = instance;
    run_result *res;
    hf_result r;
    if (!s->agent) {
        /* nothing to ask a script: it is (still) there and nobody else can
         * change it */
        int fd;
        r = program_open(s->program, &fd, reply);
        if (r == HF_OK)
            close(fd);
        return r == HF_OK ? hf_reply_set(reply, HF_OK, "fence script %s is in place", s->program) : r;
    }
    res = calloc(1, sizeof *res);
    if (!res)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    r = outcome(s, "monitor", res, run_agent(s, ctx, NULL, "monitor", res), reply);
    free(res);
    return r;
}

static hf_result script_list(void *instance, const hf_context *ctx, hf_target_sink *sink, void *sink_arg,
                             hf_reply *reply)
{
    script *s = instance;
    run_result *res;
    hf_result r;
    int n = 0;
    if (!s->agent)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "HA-Lizard fence scripts cannot list targets");
    res = calloc(1, sizeof *res);
    if (!res)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    r = outcome(s, "list", res, run_agent(s, ctx, NULL, "list", res), reply);
    if (r == HF_OK) {
        /* "plug,alias" per line */
        char *save = NULL;
        for (char *line = strtok_r(res->output, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *comma = strchr(line, ',');
            line[strcspn(line, "\r")] = '\0';
            if (comma)
                *comma++ = '\0';
            if (*line) {
                sink(sink_arg, line, comma ? comma : "");
                n++;
            }
        }
        hf_reply_set(reply, HF_OK, "%d targets", n);
    }
    free(res);
    return r;
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(script_create),
    HF_DISPATCH_FENCE_DESTROY(script_destroy),
    HF_DISPATCH_FENCE_OFF(script_off),
    HF_DISPATCH_FENCE_ON(script_on),
    HF_DISPATCH_FENCE_REBOOT(script_reboot),
    HF_DISPATCH_FENCE_STATUS(script_status),
    HF_DISPATCH_FENCE_MONITOR(script_monitor),
    HF_DISPATCH_FENCE_LIST(script_list),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "script",
    .version = HAFENCE_VERSION,
    .description = "HA-Lizard custom fence scripts and fence-agents style agents",
    .params = params,
    .dispatch = dispatch,
    .capabilities = HF_CAP_TARGET_IS_HOST | HF_CAP_CUSTOM_SCRIPT,
};

HAFENCE_PLUGIN(descriptor)
