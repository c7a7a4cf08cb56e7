/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xvm: HA-Lizard's XVM method.  The pool's hosts are Xen guests of one Dom0
 * (nested test and development pools); a host is fenced by forcing its
 * guest off on that Dom0.
 *   transport=ssh (default): SSH to the Dom0 with libssh2 and its toolstack
 *     (toolstack=xe, xl or virsh; see toolstack.c for the commands); host
 *     keys checked against a known-hosts file; one connection kept for all
 *     of an instance's calls.
 *   transport=xapi: the Dom0's own XAPI (XenServer / XCP-ng), no SSH.
 *   off    = forced off, unless the guest already reads off
 *   on     = start, unless it already reads on
 *   status = the toolstack's power state; only its word for off is off
 *   monitor: log in and list the guests.   list: the Dom0's guests.
 * The target is the guest's UUID or name, from the host map XVM.hosts
 * (<pool-host-uuid>:<guest>), exactly as HA-Lizard's.
 */
#include <hafence/net.h>
#include "plugins/xvm/xvm.h"
#include "proto/trust/trust.h"

#include <pthread.h>

static const char *const transports[] = {"ssh", "xapi", NULL};
static const char *const toolstacks[] = {"xe", "xl", "virsh", NULL};
static const char *const schemes[] = {"https", "http", NULL};

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, HF_PARAM_REQUIRED, NULL, NULL, 0, 0, "the Dom0 (FENCE_IPADDRESS)"},
    {"port", HF_PARAM_INTEGER, 0, "0", NULL, 0, 65535, "0: 22 for ssh, 443 (https) or 80 (http) for xapi"},
    {"transport", HF_PARAM_ENUM, 0, "ssh", transports, 0, 0, "ssh to the toolstack, or the Dom0's own XAPI"},
    {"username", HF_PARAM_STRING, 0, "root", NULL, 0, 0, "account on the Dom0"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "its password (FENCE_PASSWD)"},
    {"key_file", HF_PARAM_PATH, 0, NULL, NULL, 0, 0, "ssh: private key file (tried before the password)"},
    {"key_passphrase", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "ssh: the private key's passphrase"},
    {"known_hosts", HF_PARAM_PATH, 0, NULL, NULL, 0, 0,
     "ssh: known-hosts file the Dom0's key must be in (default ~/.ssh/known_hosts)"},
    {"accept_new_host_key", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0,
     "ssh: trust an unknown host key on first use and add it (a changed key is always refused)"},
    {"toolstack", HF_PARAM_ENUM, 0, "xe", toolstacks, 0, 0, "ssh: xe (XenServer, XCP-ng), xl, or virsh"},
    {"sudo", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0, "ssh: run the toolstack with sudo -n (non-root account)"},
    {"virsh_uri", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "ssh, virsh: connection URI (virsh -c), e.g. xen:///system"},
    {"xl_config_dir", HF_PARAM_PATH, 0, "/etc/xen", NULL, 0, 0, "ssh, xl: on = xl create DIR/<guest>.cfg"},
    {"connect_timeout_ms", HF_PARAM_INTEGER, 0, "10000", NULL, 100, 600000,
     "ssh: connect, handshake and log in within this (never past the call's deadline)"},
    {"scheme", HF_PARAM_ENUM, 0, "https", schemes, 0, 0, "xapi: https (verified), or http"},
    {"ca_file", HF_PARAM_PATH, 0, NULL, NULL, 0, 0, "xapi: CA certificate(s) the Dom0's certificate must chain to"},
    {"insecure", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0, "xapi: do not verify the TLS certificate (logged opt-in)"},
    {"call_timeout_ms", HF_PARAM_INTEGER, 0, "10000", NULL, 100, 600000, "xapi: each call (never past the deadline)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_result create_ssh(xvm *x, const hf_context *ctx, const hf_param *p, hf_reply *reply)
{
    const char *ts = hf_param_str(p, "toolstack", "xe");
    const char *key = hf_param_get(p, "key_file"), *password = hf_param_get(p, "password");
    char host[256], known[1024];
    int port = (int)hf_param_int(p, "port", 0);
    ssh_conn_options o = {0};
    if (!hf_net_split_address(hf_param_str(p, "address", ""), host, sizeof host, &port))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "xvm: address '%s' is not host, host:port or [v6]:port",
                            hf_param_str(p, "address", ""));
    if (!password && !key)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                            "xvm: no password (FENCE_PASSWD) and no key_file to log in to the Dom0 %s with", host);
    x->commands.toolstack = !strcmp(ts, "xl") ? XVM_XL : !strcmp(ts, "virsh") ? XVM_VIRSH : XVM_XE;
    x->commands.sudo = hf_param_bool(p, "sudo", 0);
    snprintf(x->virsh_uri, sizeof x->virsh_uri, "%s", hf_param_str(p, "virsh_uri", ""));
    snprintf(x->xl_config_dir, sizeof x->xl_config_dir, "%s", hf_param_str(p, "xl_config_dir", "/etc/xen"));
    if (*x->virsh_uri && !xvm_word_valid(x->virsh_uri))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "xvm: virsh_uri '%s' holds characters a URI does not",
                            x->virsh_uri);
    if (!xvm_word_valid(x->xl_config_dir))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "xvm: xl_config_dir '%s' is not a plain path", x->xl_config_dir);
    x->commands.virsh_uri = x->virsh_uri;
    x->commands.xl_config_dir = x->xl_config_dir;
    if (hf_param_get(p, "known_hosts"))
        snprintf(known, sizeof known, "%s", hf_param_get(p, "known_hosts"));
    else
        ssh_default_known_hosts(known, sizeof known);
    o.address = host;
    o.port = port ? port : 22;
    o.username = hf_param_str(p, "username", "root");
    o.password = password;
    o.key_file = key;
    o.key_passphrase = hf_param_get(p, "key_passphrase");
    o.known_hosts = known;
    o.accept_new_host_key = hf_param_bool(p, "accept_new_host_key", 0);
    o.connect_timeout_ms = (long)hf_param_int(p, "connect_timeout_ms", 10000);
    if (!(x->output = malloc(sizeof *x->output)) || !(x->ssh = ssh_conn_new(&o)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory (or libssh2 would not start)");
    snprintf(x->dom0, sizeof x->dom0, "%s", ssh_conn_name(x->ssh));
    if (o.accept_new_host_key)
        hf_logf(ctx, HF_LOG_INFO, "Dom0 %s: an unknown host key will be trusted on first use", x->dom0);
    x->transport = &xvm_over_ssh;
    return HF_OK;
}

/* The XAPI module (xvm.h), loaded on first use from beside this plugin,
 * by the trust rule: <dir of xvm.so>/xvm/xapi.so. */
static const xvm_xapi_module *xapi_module(const char *dom0, hf_reply *reply)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static const xvm_xapi_module *loaded;
    const xvm_xapi_module *m;
    char self[4096], path[4096 + sizeof XVM_XAPI_MODULE_PATH];
    char *slash;
    pthread_mutex_lock(&lock);
    if ((m = loaded) != NULL)
        goto out;
    if (!trust_object_path(params, self, sizeof self) || !(slash = strrchr(self, '/'))) {
        hf_reply_set(reply, HF_E_PLUGIN_FAILED,
                     "xvm: Dom0 %s: transport=xapi: cannot tell where the plugin was "
                     "loaded from, to find its XAPI module " XVM_XAPI_MODULE_PATH,
                     dom0);
        goto out;
    }
    slash[1] = '\0';
    snprintf(path, sizeof path, "%s%s", self, XVM_XAPI_MODULE_PATH);
    if (!(m = trust_dlsym(path, XVM_XAPI_MODULE_SYMBOL, reply))) {
        hf_reply_prefix(reply, HF_E_PLUGIN_FAILED,
                        "xvm: Dom0 %s: transport=xapi needs the plugin's XAPI module: ", dom0);
        goto out;
    }
    if (!m->built_by || strcmp(m->built_by, HAFENCE_VERSION) != 0 || m->xvm_size != sizeof(xvm)) {
        hf_reply_set(reply, HF_E_PLUGIN_FAILED,
                     "xvm: Dom0 %s: %s was built by hafence %s, this plugin by %s: install both from one package", dom0,
                     path, m->built_by ? m->built_by : "(unknown)", HAFENCE_VERSION);
        m = NULL;
        goto out;
    }
    loaded = m;
out:
    pthread_mutex_unlock(&lock);
    return m;
}

static hf_result create_xapi(xvm *x, const hf_context *ctx, const hf_param *p, hf_reply *reply)
{
    const xvm_xapi_module *m = xapi_module(hf_param_str(p, "address", ""), reply);
    if (!m)
        return HF_E_PLUGIN_FAILED;
    x->xapi_module = m;
    return m->create(x, ctx, p, reply);
}

static void xvm_destroy(void *instance)
{
    xvm *x = instance;
    if (x->xapi_module)
        x->xapi_module->destroy(x);
    ssh_conn_free(x->ssh);
    free(x->output);
    memset(x, 0, sizeof *x);
    free(x);
}

static hf_result xvm_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    xvm *x = calloc(1, sizeof *x);
    hf_result r;
    if (!x)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    r = strcmp(hf_param_str(p, "transport", "ssh"), "xapi") == 0 ? create_xapi(x, ctx, p, reply)
                                                                 : create_ssh(x, ctx, p, reply);
    if (r != HF_OK) {
        xvm_destroy(x);
        return r;
    }
    *instance = x;
    return HF_OK;
}

/* The guest's state.  An absent guest (xl: not listed) reads off only when
 * this instance saw it listed and destroyed it; otherwise its power is
 * unknown: a stopped guest and a misspelt name look the same to xl. */
static hf_result read_state(xvm *x, const hf_context *ctx, const char *target, guest_state *st, hf_reply *reply)
{
    hf_result r = x->transport->status(x, ctx, target, st, reply);
    if (r != HF_OK || !st->absent)
        return r;
    if (*x->destroyed && strcmp(x->destroyed, target) == 0) {
        st->power = HF_POWER_OFF;
        snprintf(st->word, sizeof st->word, "gone after xl destroy");
        snprintf(st->name, sizeof st->name, "%s", x->destroyed_name);
    } else {
        st->power = HF_POWER_UNKNOWN;
    }
    return HF_OK;
}

static hf_result absent_reply(const xvm *x, const char *target, hf_reply *reply, hf_result code, const char *tail)
{
    return hf_reply_set(reply, code,
                        "Dom0 %s: guest %s: not listed by xl, which lists running guests only: it may be stopped "
                        "or the name may be wrong (XVM.hosts), and xl cannot tell which, so it is not taken for "
                        "off%s. Check the name with `xl list`, or use toolstack=virsh or xe, which know stopped "
                        "guests",
                        x->dom0, target, tail);
}

static hf_result xvm_status(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    xvm *x = instance;
    guest_state st = {0};
    hf_result r = read_state(x, ctx, target, &st, reply);
    if (r != HF_OK)
        return r;
    reply->power = st.power;
    if (st.power == HF_POWER_UNKNOWN && st.absent)
        return absent_reply(x, target, reply, HF_OK, "");
    return hf_reply_set(reply, HF_OK, "Dom0 %s: guest %s: %s", x->dom0, target, st.word);
}

/* off and on: nothing is sent when the guest already reads as wanted; a
 * refusal is looked at once more, in case the guest got there anyway.  A
 * guest xl does not list has nothing to destroy under that name: off is
 * refused (never "already off"); on starts it from its config. */
static hf_result set_power(xvm *x, const hf_context *ctx, const char *target, xvm_op op, hf_reply *reply)
{
    hf_power want = op == XVM_OFF ? HF_POWER_OFF : HF_POWER_ON;
    guest_state st = {0}, after = {0};
    hf_result r = read_state(x, ctx, target, &st, reply);
    if (r != HF_OK)
        return r;
    if (st.power == want)
        return hf_reply_set(reply, HF_OK, "Dom0 %s: guest %s: already %s (%s)", x->dom0, target, hf_power_name(want),
                            st.word);
    if (st.power == HF_POWER_UNKNOWN && st.absent && op == XVM_OFF)
        return absent_reply(x, target, reply, HF_E_BAD_PARAMETER, "; nothing was destroyed");
    r = x->transport->power(x, ctx, op, &st, target, reply);
    if (r == HF_OK && op == XVM_OFF) {
        snprintf(x->destroyed, sizeof x->destroyed, "%s", target);
        snprintf(x->destroyed_name, sizeof x->destroyed_name, "%s", st.name);
    } else if (r == HF_OK) {
        *x->destroyed = '\0'; /* running again: its absence means nothing any more */
    }
    if (r == HF_OK || r == HF_E_TIMED_OUT || r == HF_E_CANCELLED)
        return r;
    {
        hf_reply again = {0};
        if (read_state(x, ctx, target, &after, &again) == HF_OK && after.power == want)
            return hf_reply_set(reply, HF_OK, "Dom0 %s: guest %s: %s (%s) although the command failed", x->dom0, target,
                                hf_power_name(want), after.word);
    }
    return r;
}

static hf_result xvm_off(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    return set_power(instance, ctx, target, XVM_OFF, reply);
}

static hf_result xvm_on(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    return set_power(instance, ctx, target, XVM_ON, reply);
}

static hf_result xvm_list(void *instance, const hf_context *ctx, hf_target_sink *sink, void *arg, hf_reply *reply)
{
    xvm *x = instance;
    int n = 0;
    hf_result r = x->transport->list(x, ctx, sink, arg, &n, reply);
    return r == HF_OK ? hf_reply_set(reply, HF_OK, "Dom0 %s: %d guest%s", x->dom0, n, n == 1 ? "" : "s") : r;
}

static void no_sink(void *arg, const char *target, const char *name)
{
    (void)arg, (void)target, (void)name;
}

static hf_result xvm_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    return xvm_list(instance, ctx, no_sink, NULL, reply);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(xvm_create), HF_DISPATCH_FENCE_DESTROY(xvm_destroy),
    HF_DISPATCH_FENCE_OFF(xvm_off),       HF_DISPATCH_FENCE_ON(xvm_on),
    HF_DISPATCH_FENCE_STATUS(xvm_status), HF_DISPATCH_FENCE_MONITOR(xvm_monitor),
    HF_DISPATCH_FENCE_LIST(xvm_list),     HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "xvm",
    .version = HAFENCE_VERSION,
    .description = "HA-Lizard XVM method: force a Xen guest off on its Dom0 (SSH and xe/xl/virsh, or XAPI)",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
