/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serial-over-LAN console sessions with libipmiconsole (ipmi-console.h). */
#include "proto/ipmi/ipmi-console.h"

#include <errno.h>
#include <freeipmi/freeipmi.h>
#include <ipmiconsole.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

struct ipmi_console {
    ipmiconsole_ctx_t ctx;
    char host[300];
};

/* libipmiconsole's engine is process-wide: started by the first console,
 * stopped with the last. */
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static int engine_users;

static bool engine_get(void)
{
    bool ok = true;
    pthread_mutex_lock(&engine_lock);
    if (engine_users == 0 && ipmiconsole_engine_init(1, 0) < 0)
        ok = false;
    if (ok)
        engine_users++;
    pthread_mutex_unlock(&engine_lock);
    return ok;
}

static void engine_put(void)
{
    pthread_mutex_lock(&engine_lock);
    if (engine_users > 0 && --engine_users == 0)
        ipmiconsole_engine_teardown(1);
    pthread_mutex_unlock(&engine_lock);
}

static hf_result console_error(ipmiconsole_ctx_t ctx, const char *host, hf_reply *reply)
{
    int e = ipmiconsole_ctx_errnum(ctx);
    const char *msg = ipmiconsole_ctx_errormsg(ctx);
    switch (e) {
    case IPMICONSOLE_ERR_USERNAME_INVALID:
    case IPMICONSOLE_ERR_PASSWORD_INVALID:
    case IPMICONSOLE_ERR_K_G_INVALID:
    case IPMICONSOLE_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMICONSOLE_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
    case IPMICONSOLE_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
    case IPMICONSOLE_ERR_IPMI_2_0_UNAVAILABLE:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "BMC %s: console: authentication refused: %s", host, msg);
    case IPMICONSOLE_ERR_SESSION_TIMEOUT:
    case IPMICONSOLE_ERR_CONNECTION_TIMEOUT:
        return hf_reply_set(reply, HF_E_UNREACHABLE, "BMC %s: console: cannot reach the BMC: %s", host, msg);
    case IPMICONSOLE_ERR_HOSTNAME_INVALID:
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "BMC %s: console: invalid host name: %s", host, msg);
    case IPMICONSOLE_ERR_SOL_UNAVAILABLE:
    case IPMICONSOLE_ERR_SOL_INUSE:
    case IPMICONSOLE_ERR_SOL_REQUIRES_ENCRYPTION:
    case IPMICONSOLE_ERR_SOL_REQUIRES_NO_ENCRYPTION:
    case IPMICONSOLE_ERR_BMC_BUSY:
    case IPMICONSOLE_ERR_BMC_ERROR:
    case IPMICONSOLE_ERR_BMC_IMPLEMENTATION:
    default: return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: console: %s", host, msg);
    }
}

hf_result ipmi_console_open(const char *host, const ipmi_link_options *opt, unsigned int workarounds,
                            int64_t timeout_ms, ipmi_console **out, hf_reply *reply)
{
    struct ipmiconsole_ipmi_config ic;
    struct ipmiconsole_protocol_config pc;
    struct ipmiconsole_engine_config ec;
    ipmi_console *c;
    int session = timeout_ms > 60000 ? 60000 : (int)timeout_ms;
    *out = NULL;
    if (!opt->lanplus)
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "BMC %s: Serial-over-LAN needs IPMI 2.0 (lanplus)", host);
    if (session < 100)
        return hf_reply_set(reply, HF_E_TIMED_OUT, "BMC %s: console: no time left", host);
    {
        /* libipmiconsole 1.6 mangles ports above 32767 (and then says the
         * host name is invalid): say what is really wrong */
        const char *colon = strrchr(host, ':');
        if (colon && strchr(host, '.') && atol(colon + 1) > 32767)
            return hf_reply_set(reply, HF_E_UNSUPPORTED,
                                "BMC %s: console: libipmiconsole cannot reach ports above 32767", host);
    }
    if (!engine_get())
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "BMC %s: console: cannot start libipmiconsole: %s", host,
                            strerror(errno));
    memset(&ic, 0, sizeof ic);
    ic.username = (char *)opt->username;
    ic.password = (char *)opt->password;
    ic.k_g = (unsigned char *)opt->k_g;
    ic.k_g_len = opt->k_g_len;
    ic.privilege_level = opt->privilege == IPMI_LINK_PRIVILEGE_USER    ? IPMICONSOLE_PRIVILEGE_USER
                         : opt->privilege == IPMI_LINK_PRIVILEGE_ADMIN ? IPMICONSOLE_PRIVILEGE_ADMIN
                                                                       : IPMICONSOLE_PRIVILEGE_OPERATOR;
    ic.cipher_suite_id = opt->cipher_suite;
    ic.workaround_flags = workarounds;
    /* all within the bound: libipmiconsole insists keepalive < session */
    memset(&pc, 0, sizeof pc);
    pc.session_timeout_len = session;
    pc.retransmission_timeout_len = session / 8 > 500 ? 500 : session / 8 + 1;
    pc.keepalive_timeout_len = session / 2;
    pc.retransmission_keepalive_timeout_len = session / 4;
    memset(&ec, 0, sizeof ec);
    c = calloc(1, sizeof *c);
    if (!c) {
        engine_put();
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    }
    snprintf(c->host, sizeof c->host, "%s", host);
    c->ctx = ipmiconsole_ctx_create(host, &ic, &pc, &ec);
    if (!c->ctx) {
        int e = errno;
        free(c);
        engine_put();
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "BMC %s: console: %s", host, strerror(e));
    }
    if (ipmiconsole_engine_submit_block(c->ctx) < 0) {
        hf_result r = console_error(c->ctx, host, reply);
        ipmiconsole_ctx_destroy(c->ctx);
        free(c);
        engine_put();
        return r;
    }
    *out = c;
    return hf_reply_set(reply, HF_OK, "BMC %s: console session established", host);
}

long ipmi_console_copy(ipmi_console *c, int fd, int64_t deadline_ms, int (*stop)(void *arg), void *stop_arg,
                       hf_reply *reply)
{
    int in = ipmiconsole_ctx_fd(c->ctx);
    long total = 0;
    for (;;) {
        struct pollfd p = {in, POLLIN, 0};
        int64_t left = deadline_ms - hf_now_ms();
        char buf[4096];
        ssize_t n;
        if (left <= 0 || (stop && stop(stop_arg)))
            return total;
        if (poll(&p, 1, (int)(left < 100 ? left : 100)) <= 0)
            continue;
        n = read(in, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
            if (ipmiconsole_ctx_status(c->ctx) == IPMICONSOLE_CTX_STATUS_ERROR) {
                console_error(c->ctx, c->host, reply);
                return -1;
            }
            return total; /* the BMC closed the session */
        }
        for (ssize_t off = 0; n > 0 && off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: console: cannot write the capture: %s", c->host,
                             strerror(errno));
                return -1;
            }
            off += w;
            total += w;
        }
    }
}

void ipmi_console_close(ipmi_console *c)
{
    if (!c)
        return;
    ipmiconsole_ctx_destroy(c->ctx);
    free(c);
    engine_put();
}

static const ipmi_flag_name workarounds[] = {
    {"authcap", IPMICONSOLE_WORKAROUND_AUTHENTICATION_CAPABILITIES},
    {"intel20", IPMICONSOLE_WORKAROUND_INTEL_2_0_SESSION},
    {"supermicro20", IPMICONSOLE_WORKAROUND_SUPERMICRO_2_0_SESSION},
    {"sun20", IPMICONSOLE_WORKAROUND_SUN_2_0_SESSION},
    {"opensesspriv", IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE},
    {"integritycheckvalue", IPMICONSOLE_WORKAROUND_NON_EMPTY_INTEGRITY_CHECK_VALUE},
    {"nochecksumcheck", IPMICONSOLE_WORKAROUND_NO_CHECKSUM_CHECK},
    {"serialalertsdeferred", IPMICONSOLE_WORKAROUND_SERIAL_ALERTS_DEFERRED},
    {"incrementsolpacketsequence", IPMICONSOLE_WORKAROUND_INCREMENT_SOL_PACKET_SEQUENCE},
    {"solpayloadsize", IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE},
    {"solport", IPMICONSOLE_WORKAROUND_IGNORE_SOL_PORT},
    {"solstatus", IPMICONSOLE_WORKAROUND_SKIP_SOL_ACTIVATION_STATUS},
    {"solchannelsupport", IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT},
};

bool ipmi_console_workarounds_parse(const char *names, unsigned int *flags, char *bad, size_t bad_size)
{
    return ipmi_flag_names_parse(workarounds, sizeof workarounds / sizeof workarounds[0], names, flags, bad, bad_size);
}
