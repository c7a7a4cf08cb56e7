/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipmi: power control through a host's BMC with FreeIPMI.
 * IPMI 2.0 lanplus (RMCP+) by default, IPMI 1.5 LAN on request.
 *   off    = Chassis Control power down (hard)
 *   on     = Chassis Control power up
 *   cycle  = Chassis Control power cycle (on request only)
 *   status = Get Chassis Status, current power state
 *   monitor: open a session and read the chassis status
 * The target is a BMC address ("bmc", "bmc:port", "[v6]:port"), from a
 * host map (IPMI.hosts) or the address parameter.  One session serves all
 * the calls of an instance (the engine's status polls reuse it).
 *
 * Console capture (console=1): before the first power-down, the host's
 * Serial-over-LAN console is captured for console_seconds (never more than
 * a third of the time the call has left) into console_dir/<host>/<time>.log,
 * so an operator can later read why the host hung.  A capture that fails
 * is logged and never fails the fence.  The console entry point follows the
 * live console.
 */
#include "proto/ipmi/ipmi-console.h"
#include "proto/ipmi/ipmi-link.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct ipmi_plugin {
    ipmi_link_options opt;
    ipmi_link *link;
    char address[300];
    long long port;
    char username[64];
    char password[64];
    unsigned char k_g[IPMI_LINK_MAX_K_G];
    bool console;
    bool captured;
    long long console_seconds;
    unsigned int console_workarounds;
    char console_dir[1024];
} ipmi_plugin;

static const char *const privileges[] = {"user", "operator", "admin", NULL};
static const char *const authtypes[] = {"none", "straight", "md2", "md5", NULL};

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, 0, NULL, NULL, 0, 0,
     "BMC address when no target is given (a host map gives one per host)"},
    {"port", HF_PARAM_INTEGER, 0, "623", NULL, 1, 65535, "BMC UDP port, when the address has none"},
    {"username", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "BMC user (empty: the anonymous user)"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "BMC password (FENCE_PASSWD)"},
    {"kg_key", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0,
     "IPMI 2.0 K_g key: text, or hexadecimal with a 0x prefix"},
    {"lanplus", HF_PARAM_BOOLEAN, 0, "1", NULL, 0, 0, "IPMI 2.0 RMCP+ (0: IPMI 1.5 LAN)"},
    {"privilege", HF_PARAM_ENUM, 0, "operator", privileges, 0, 0, "privilege level of the session"},
    {"cipher", HF_PARAM_INTEGER, 0, "3", NULL, 0, 17, "IPMI 2.0 cipher suite id (3, 17, ...)"},
    {"authtype", HF_PARAM_ENUM, 0, "md5", authtypes, 0, 0, "IPMI 1.5 authentication type"},
    {"workarounds", HF_PARAM_STRING, 0, NULL, NULL, 0, 0,
     "FreeIPMI workaround flags for broken BMCs, comma separated (e.g. opensesspriv,authcap)"},
    {"session_timeout_ms", HF_PARAM_INTEGER, 0, "10000", NULL, 100, 600000,
     "how long one session exchange may take (never past the call's deadline)"},
    {"retransmission_timeout_ms", HF_PARAM_INTEGER, 0, "500", NULL, 10, 60000,
     "resend a packet the BMC did not answer after this long"},
    {"console", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0, "capture the Serial-over-LAN console before powering a host off"},
    {"console_seconds", HF_PARAM_INTEGER, 0, "5", NULL, 1, 60,
     "how long to capture (at most a third of the time the fence has left)"},
    {"console_workarounds", HF_PARAM_STRING, 0, NULL, NULL, 0, 0,
     "libipmiconsole workaround flags, comma separated (e.g. solchannelsupport,solpayloadsize)"},
    {"console_dir", HF_PARAM_PATH, 0, "/var/lib/hafence/console", NULL, 0, 0,
     "where captures are kept (the harness sets it beside its history)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* K_g: text, or 0x followed by up to 20 bytes in hex. */
static bool parse_kg(const char *v, unsigned char *out, unsigned int *len)
{
    size_t n = strlen(v);
    if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        v += 2;
        n -= 2;
        if (n % 2 || n / 2 > IPMI_LINK_MAX_K_G)
            return false;
        for (size_t i = 0; i < n / 2; i++) {
            unsigned int b;
            if (!isxdigit((unsigned char)v[2 * i]) || !isxdigit((unsigned char)v[2 * i + 1]) ||
                sscanf(v + 2 * i, "%2x", &b) != 1)
                return false;
            out[i] = (unsigned char)b;
        }
        *len = (unsigned int)(n / 2);
        return true;
    }
    if (n > IPMI_LINK_MAX_K_G)
        return false;
    memcpy(out, v, n);
    *len = (unsigned int)n;
    return true;
}

static hf_result ipmi_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    ipmi_plugin *ip = calloc(1, sizeof *ip);
    const char *v, *priv = hf_param_str(p, "privilege", "operator"), *auth = hf_param_str(p, "authtype", "md5");
    char bad[128];
    int cipher;
    (void)ctx;
    if (!ip)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (!hf_copy(ip->address, sizeof ip->address, hf_param_str(p, "address", ""))) {
        free(ip);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: address longer than %zu characters",
                            sizeof ip->address - 1);
    }
    ip->port = hf_param_int(p, "port", 623);
    if (strlen(hf_param_str(p, "username", "")) > IPMI_LINK_MAX_USERNAME ||
        strlen(hf_param_str(p, "password", "")) > IPMI_LINK_MAX_PASSWORD) {
        free(ip);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: user name over %d or password over %d characters",
                            IPMI_LINK_MAX_USERNAME, IPMI_LINK_MAX_PASSWORD);
    }
    snprintf(ip->username, sizeof ip->username, "%s", hf_param_str(p, "username", ""));
    snprintf(ip->password, sizeof ip->password, "%s", hf_param_str(p, "password", ""));
    ip->opt.username = ip->username;
    ip->opt.password = ip->password;
    ip->opt.lanplus = hf_param_bool(p, "lanplus", 1);
    if (!ip->opt.lanplus && strlen(ip->password) > IPMI_LINK_MAX_PASSWORD_1_5) {
        free(ip);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: IPMI 1.5 passwords have at most %d characters",
                            IPMI_LINK_MAX_PASSWORD_1_5);
    }
    if ((v = hf_param_get(p, "kg_key")) && *v) {
        if (!parse_kg(v, ip->k_g, &ip->opt.k_g_len)) {
            memset(ip, 0, sizeof *ip);
            free(ip);
            return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                                "ipmi: kg_key is up to %d characters, or 0x and up to %d hex bytes", IPMI_LINK_MAX_K_G,
                                IPMI_LINK_MAX_K_G);
        }
        ip->opt.k_g = ip->k_g;
    }
    ip->opt.privilege = strcmp(priv, "user") == 0    ? IPMI_LINK_PRIVILEGE_USER
                        : strcmp(priv, "admin") == 0 ? IPMI_LINK_PRIVILEGE_ADMIN
                                                     : IPMI_LINK_PRIVILEGE_OPERATOR;
    cipher = (int)hf_param_int(p, "cipher", 3);
    if (!ipmi_link_cipher_suite_supported(cipher)) {
        free(ip);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: FreeIPMI does not support cipher suite %d", cipher);
    }
    ip->opt.cipher_suite = (unsigned char)cipher;
    ip->opt.authtype = strcmp(auth, "none") == 0       ? IPMI_LINK_AUTH_NONE
                       : strcmp(auth, "straight") == 0 ? IPMI_LINK_AUTH_STRAIGHT
                       : strcmp(auth, "md2") == 0      ? IPMI_LINK_AUTH_MD2
                                                       : IPMI_LINK_AUTH_MD5;
    if (!ipmi_workaround_flags_parse(hf_param_str(p, "workarounds", ""), ip->opt.lanplus, &ip->opt.workaround_flags,
                                     bad, sizeof bad)) {
        free(ip);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: unknown workaround flag '%s'", bad);
    }
    if (!ipmi_console_workarounds_parse(hf_param_str(p, "console_workarounds", ""), &ip->console_workarounds, bad,
                                        sizeof bad)) {
        free(ip);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: unknown console workaround flag '%s'", bad);
    }
    ip->console = hf_param_bool(p, "console", 0);
    ip->console_seconds = hf_param_int(p, "console_seconds", 5);
    snprintf(ip->console_dir, sizeof ip->console_dir, "%s", hf_param_str(p, "console_dir", "/var/lib/hafence/console"));
    ip->opt.session_timeout_ms = (unsigned int)hf_param_int(p, "session_timeout_ms", 10000);
    ip->opt.retransmission_timeout_ms = (unsigned int)hf_param_int(p, "retransmission_timeout_ms", 500);
    ip->link = ipmi_link_new();
    if (!ip->link) {
        free(ip);
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    }
    *instance = ip;
    return HF_OK;
}

static void ipmi_destroy(void *instance)
{
    ipmi_plugin *ip = instance;
    ipmi_link_free(ip->link);
    memset(ip, 0, sizeof *ip);
    free(ip);
}

/* The BMC to talk to: the target, else the address parameter; the port
 * parameter applies when neither names a port.  Returns false when there
 * is none or it has characters no address has. */
static bool bmc_host(const ipmi_plugin *ip, const char *target, char *out, size_t size)
{
    const char *a = target && *target ? target : ip->address;
    size_t colons = 0;
    if (!*a || strlen(a) > 255)
        return false;
    for (const char *c = a; *c; c++) {
        if (!isalnum((unsigned char)*c) && !strchr(".-_:[]%", *c))
            return false;
        colons += *c == ':';
    }
    if (a[0] == '[' ? strstr(a, "]:") != NULL : colons == 1)
        snprintf(out, size, "%s", a); /* has its port */
    else if (colons > 1 && a[0] != '[')
        snprintf(out, size, "[%s]:%lld", a, ip->port); /* bare IPv6 */
    else if (ip->port == 623)
        snprintf(out, size, "%s", a);
    else
        snprintf(out, size, "%s:%lld", a, ip->port);
    return true;
}

static hf_result session(ipmi_plugin *ip, const hf_context *ctx, const char *target, hf_reply *reply)
{
    char host[300];
    if (!bmc_host(ip, target, host, sizeof host))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: no BMC address (target '%s', address parameter '%s')",
                            target ? target : "", ip->address);
    if (hf_ctx_cancelled(ctx))
        return hf_reply_set(reply, HF_E_TIMED_OUT, "BMC %s: deadline passed before the session", host);
    return ipmi_link_open(ip->link, host, &ip->opt, hf_ctx_remaining_ms(ctx), reply);
}

static hf_result control(void *instance, const hf_context *ctx, const char *target, ipmi_link_control what,
                         hf_reply *reply)
{
    ipmi_plugin *ip = instance;
    hf_result r = session(ip, ctx, target, reply);
    if (r != HF_OK)
        return r;
    return ipmi_link_chassis_control(ip->link, what, reply);
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0700) != 0 && errno != EEXIST) {
                *p = '/';
                return -1;
            }
            *p = '/';
        }
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Capture the console for a bounded while before the power-down. */
static void capture_console(ipmi_plugin *ip, const hf_context *ctx, const char *target)
{
    char host[300], name[300], dir[1400], path[1500], stamp[32];
    int64_t window = ip->console_seconds * 1000, start = hf_now_ms();
    ipmi_console *console = NULL;
    hf_reply reply;
    time_t now = time(NULL);
    struct tm tm;
    long got;
    int fd;

    ip->captured = true;
    if (window > hf_ctx_remaining_ms(ctx) / 3)
        window = hf_ctx_remaining_ms(ctx) / 3;
    if (!bmc_host(ip, target, host, sizeof host) || window < 200) {
        hf_logf(ctx, HF_LOG_WARNING, "console capture skipped: %s",
                window < 200 ? "no time left for it" : "no BMC address");
        return;
    }
    hf_capture_folder_name(ctx->host, target, ip->address, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/%s", ip->console_dir, name);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(path, sizeof path, "%s/%s.log", dir, stamp);
    if (mkdir_p(dir) != 0 || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        hf_logf(ctx, HF_LOG_WARNING, "console capture skipped: %s: %s", path, strerror(errno));
        return;
    }
    memset(&reply, 0, sizeof reply);
    if (ipmi_console_open(host, &ip->opt, ip->console_workarounds, window, &console, &reply) != HF_OK) {
        dprintf(fd, "[hafence: no console capture: %s]\n", reply.message);
        hf_logf(ctx, HF_LOG_WARNING, "console capture failed: %s", reply.message);
        close(fd);
        return;
    }
    got = ipmi_console_copy(console, fd, start + window, NULL, NULL, &reply);
    ipmi_console_close(console);
    close(fd);
    hf_logf(ctx, got < 0 ? HF_LOG_WARNING : HF_LOG_INFO, "console of %s captured to %s (%ld bytes)%s%s", host, path,
            got < 0 ? 0 : got, got < 0 ? ": " : "", got < 0 ? reply.message : "");
}

static hf_result ipmi_off(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    ipmi_plugin *ip = instance;
    if (ip->console && !ip->captured)
        capture_console(ip, ctx, target);
    return control(instance, ctx, target, IPMI_LINK_POWER_OFF, reply);
}

static int console_stop(void *arg)
{
    return hf_ctx_cancelled(arg);
}

static hf_result ipmi_follow_console(void *instance, const hf_context *ctx, const char *target, int fd, hf_reply *reply)
{
    ipmi_plugin *ip = instance;
    ipmi_console *console = NULL;
    char host[300];
    hf_result r;
    long got;
    if (!bmc_host(ip, target, host, sizeof host))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "ipmi: no BMC address");
    r = ipmi_console_open(host, &ip->opt, ip->console_workarounds, hf_ctx_remaining_ms(ctx), &console, reply);
    if (r != HF_OK)
        return r;
    got = ipmi_console_copy(console, fd, ctx->deadline_ms, console_stop, (void *)ctx, reply);
    ipmi_console_close(console);
    if (got < 0)
        return HF_E_UNREACHABLE;
    return hf_reply_set(reply, HF_OK, "BMC %s: console followed (%ld bytes)", host, got);
}

static hf_result ipmi_on(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    return control(instance, ctx, target, IPMI_LINK_POWER_ON, reply);
}

static hf_result ipmi_cycle(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    return control(instance, ctx, target, IPMI_LINK_POWER_CYCLE, reply);
}

static hf_result ipmi_status(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    ipmi_plugin *ip = instance;
    hf_result r = session(ip, ctx, target, reply);
    if (r != HF_OK)
        return r;
    return ipmi_link_power_state(ip->link, &reply->power, reply);
}

static hf_result ipmi_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    hf_power power;
    ipmi_plugin *ip = instance;
    hf_result r = session(ip, ctx, "", reply);
    if (r != HF_OK)
        return r;
    return ipmi_link_power_state(ip->link, &power, reply);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(ipmi_create),
    HF_DISPATCH_FENCE_DESTROY(ipmi_destroy),
    HF_DISPATCH_FENCE_OFF(ipmi_off),
    HF_DISPATCH_FENCE_ON(ipmi_on),
    HF_DISPATCH_FENCE_CYCLE(ipmi_cycle),
    HF_DISPATCH_FENCE_STATUS(ipmi_status),
    HF_DISPATCH_FENCE_MONITOR(ipmi_monitor),
    HF_DISPATCH_FENCE_CONSOLE(ipmi_follow_console),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .capabilities = HF_CAP_TARGET_IS_DEVICE,
    .name = "ipmi",
    .version = HAFENCE_VERSION,
    .description = "IPMI 2.0 (lanplus) and 1.5 chassis power control through the BMC, with FreeIPMI",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
