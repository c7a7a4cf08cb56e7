/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One IPMI LAN session to one BMC, on FreeIPMI (see ipmi-link.h). */
#include "proto/ipmi/ipmi-link.h"

#include <freeipmi/freeipmi.h>
#include <strings.h>

_Static_assert(IPMI_LINK_MAX_USERNAME == IPMI_MAX_USER_NAME_LENGTH, "user name limit");
_Static_assert(IPMI_LINK_MAX_PASSWORD == IPMI_2_0_MAX_PASSWORD_LENGTH, "IPMI 2.0 password limit");
_Static_assert(IPMI_LINK_MAX_PASSWORD_1_5 == IPMI_1_5_MAX_PASSWORD_LENGTH, "IPMI 1.5 password limit");
_Static_assert(IPMI_LINK_MAX_K_G == IPMI_MAX_K_G_LENGTH, "K_g limit");

/* Our names to FreeIPMI's (ipmi-console.c maps privileges to its own) */
static uint8_t privilege_level(ipmi_link_privilege p)
{
    return p == IPMI_LINK_PRIVILEGE_USER    ? IPMI_PRIVILEGE_LEVEL_USER
           : p == IPMI_LINK_PRIVILEGE_ADMIN ? IPMI_PRIVILEGE_LEVEL_ADMIN
                                            : IPMI_PRIVILEGE_LEVEL_OPERATOR;
}

static uint8_t authentication_type(ipmi_link_authtype a)
{
    return a == IPMI_LINK_AUTH_NONE       ? IPMI_AUTHENTICATION_TYPE_NONE
           : a == IPMI_LINK_AUTH_STRAIGHT ? IPMI_AUTHENTICATION_TYPE_STRAIGHT_PASSWORD_KEY
           : a == IPMI_LINK_AUTH_MD2      ? IPMI_AUTHENTICATION_TYPE_MD2
                                          : IPMI_AUTHENTICATION_TYPE_MD5;
}

bool ipmi_link_cipher_suite_supported(int id)
{
    return id >= 0 && id <= 255 && IPMI_CIPHER_SUITE_ID_SUPPORTED(id);
}

struct ipmi_link {
    ipmi_ctx_t ctx;
    char host[300];
    bool open;
};

ipmi_link *ipmi_link_new(void)
{
    return calloc(1, sizeof(ipmi_link));
}

void ipmi_link_close(ipmi_link *link)
{
    if (link->ctx) {
        if (link->open)
            ipmi_ctx_close(link->ctx);
        ipmi_ctx_destroy(link->ctx);
    }
    link->ctx = NULL;
    link->open = false;
    link->host[0] = '\0';
}

void ipmi_link_free(ipmi_link *link)
{
    if (!link)
        return;
    ipmi_link_close(link);
    free(link);
}

/* FreeIPMI's error on the context, as a result code and a message naming
 * the BMC. */
static hf_result link_error(ipmi_link *link, const char *what, hf_reply *reply)
{
    int e = link->ctx ? ipmi_ctx_errnum(link->ctx) : IPMI_ERR_OUT_OF_MEMORY;
    const char *msg = link->ctx ? ipmi_ctx_errormsg(link->ctx) : "out of memory";
    const char *host = link->host;
    switch (e) {
    case IPMI_ERR_USERNAME_INVALID:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "BMC %s: %s: authentication refused: unknown user (%s)", host,
                            what, msg);
    case IPMI_ERR_PASSWORD_INVALID:
    case IPMI_ERR_PASSWORD_VERIFICATION_TIMEOUT:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "BMC %s: %s: authentication refused: wrong password (%s)", host,
                            what, msg);
    case IPMI_ERR_K_G_INVALID:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "BMC %s: %s: authentication refused: wrong K_g key (%s)", host,
                            what, msg);
    case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED,
                            "BMC %s: %s: authentication refused: cipher suite not supported by the BMC (%s)", host,
                            what, msg);
    case IPMI_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED,
                            "BMC %s: %s: authentication refused: authentication type not supported (%s)", host, what,
                            msg);
    case IPMI_ERR_IPMI_2_0_UNAVAILABLE:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "BMC %s: %s: the BMC does not offer IPMI 2.0 (try lanplus=0): %s",
                            host, what, msg);
    case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED,
                            "BMC %s: %s: privilege too low: power control needs an operator or admin account "
                            "(privilege=operator, the default, or admin); an account that has it on a BMC that "
                            "refuses the session's privilege request needs workarounds=opensesspriv (%s)",
                            host, what, msg);
    case IPMI_ERR_CONNECTION_TIMEOUT:
    case IPMI_ERR_SESSION_TIMEOUT:
    case IPMI_ERR_MESSAGE_TIMEOUT:
        return hf_reply_set(reply, HF_E_UNREACHABLE, "BMC %s: %s: cannot reach the BMC: %s", host, what, msg);
    case IPMI_ERR_HOSTNAME_INVALID:
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "BMC %s: %s: invalid host name: %s", host, what, msg);
    case IPMI_ERR_BMC_BUSY:
    case IPMI_ERR_DRIVER_BUSY:
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: %s: BMC busy, try again: %s", host, what, msg);
    case IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED:
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: %s: command refused (not supported): %s", host, what,
                            msg);
    case IPMI_ERR_BAD_COMPLETION_CODE:
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: %s: command refused: %s", host, what, msg);
    case IPMI_ERR_BAD_RMCPPLUS_STATUS_CODE:
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "BMC %s: %s: session refused: %s", host, what, msg);
    case IPMI_ERR_SYSTEM_ERROR:
        return hf_reply_set(reply, HF_E_UNREACHABLE, "BMC %s: %s: system error: %s", host, what, msg);
    default: return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: %s: %s", host, what, msg);
    }
}

hf_result ipmi_link_open(ipmi_link *link, const char *host, const ipmi_link_options *opt, int64_t timeout_ms,
                         hf_reply *reply)
{
    unsigned int session = opt->session_timeout_ms ? opt->session_timeout_ms : IPMI_SESSION_TIMEOUT_DEFAULT;
    unsigned int retrans =
        opt->retransmission_timeout_ms ? opt->retransmission_timeout_ms : IPMI_RETRANSMISSION_TIMEOUT_DEFAULT;
    int rc;
    if (link->open && strcmp(link->host, host) == 0)
        return HF_OK;
    ipmi_link_close(link);
    snprintf(link->host, sizeof link->host, "%s", host);
    if (timeout_ms <= 0)
        return hf_reply_set(reply, HF_E_TIMED_OUT, "BMC %s: no time left to open a session", host);
    /* FreeIPMI gives up some time after the session timeout (measured: up
     * to a retransmission more): keep both well inside our deadline */
    if ((int64_t)session > timeout_ms / 2)
        session = (unsigned int)(timeout_ms / 2);
    if (session < 1)
        session = 1;
    if (retrans > session / 4)
        retrans = session / 4 ? session / 4 : 1;
    link->ctx = ipmi_ctx_create();
    if (!link->ctx)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "BMC %s: cannot create an IPMI context", host);
    if (opt->lanplus)
        rc = ipmi_ctx_open_outofband_2_0(link->ctx, host, opt->username, opt->password, opt->k_g, opt->k_g_len,
                                         privilege_level(opt->privilege), opt->cipher_suite, session, retrans,
                                         opt->workaround_flags, IPMI_FLAGS_DEFAULT);
    else
        rc = ipmi_ctx_open_outofband(link->ctx, host, opt->username, opt->password, authentication_type(opt->authtype),
                                     privilege_level(opt->privilege), session, retrans, opt->workaround_flags,
                                     IPMI_FLAGS_DEFAULT);
    if (rc < 0) {
        int e = ipmi_ctx_errnum(link->ctx);
        hf_result r;
        if (opt->lanplus &&
            (e == IPMI_ERR_IPMI_ERROR || e == IPMI_ERR_INTERNAL_ERROR || e == IPMI_ERR_BAD_RMCPPLUS_STATUS_CODE))
            /* FreeIPMI reports a refused RMCP+ open-session (e.g. status 04h,
             * invalid authentication algorithm) this way */
            r = hf_reply_set(reply, HF_E_AUTH_REFUSED,
                             "BMC %s: open IPMI 2.0 session: authentication refused at the RMCP+ "
                             "handshake: the BMC most likely does not support cipher suite %u (%s)",
                             host, (unsigned)opt->cipher_suite, ipmi_ctx_errormsg(link->ctx));
        else
            r = link_error(link, opt->lanplus ? "open IPMI 2.0 session" : "open IPMI 1.5 session", reply);
        ipmi_ctx_destroy(link->ctx);
        link->ctx = NULL;
        return r;
    }
    link->open = true;
    return HF_OK;
}

hf_result ipmi_link_power_state(ipmi_link *link, hf_power *power, hf_reply *reply)
{
    fiid_obj_t rs = fiid_obj_create(tmpl_cmd_get_chassis_status_rs);
    uint64_t on = 0;
    hf_result r = HF_OK;
    *power = HF_POWER_UNKNOWN;
    if (!rs)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "BMC %s: out of memory", link->host);
    if (ipmi_cmd_get_chassis_status(link->ctx, rs) < 0)
        r = link_error(link, "get chassis status", reply);
    else if (FIID_OBJ_GET(rs, "current_power_state.power_is_on", &on) < 0)
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "BMC %s: chassis status without a power state: %s", link->host,
                         fiid_obj_errormsg(rs));
    else {
        *power = on ? HF_POWER_ON : HF_POWER_OFF;
        r = hf_reply_set(reply, HF_OK, "BMC %s: chassis power is %s", link->host, on ? "on" : "off");
    }
    fiid_obj_destroy(rs);
    if (r != HF_OK && r != HF_E_DEVICE_REFUSED)
        ipmi_link_close(link); /* a broken session is not reused */
    return r;
}

hf_result ipmi_link_chassis_control(ipmi_link *link, ipmi_link_control control, hf_reply *reply)
{
    static const uint8_t code[] = {IPMI_CHASSIS_CONTROL_POWER_DOWN, IPMI_CHASSIS_CONTROL_POWER_UP,
                                   IPMI_CHASSIS_CONTROL_POWER_CYCLE};
    static const char *const names[] = {"power down", "power up", "power cycle"};
    const char *name = names[control];
    fiid_obj_t rs = fiid_obj_create(tmpl_cmd_chassis_control_rs);
    hf_result r;
    if (!rs)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "BMC %s: out of memory", link->host);
    if (ipmi_cmd_chassis_control(link->ctx, code[control], rs) < 0) {
        char what[64];
        snprintf(what, sizeof what, "chassis control %s", name);
        r = link_error(link, what, reply);
        if (r != HF_E_DEVICE_REFUSED)
            ipmi_link_close(link);
    } else {
        r = hf_reply_set(reply, HF_OK, "BMC %s: chassis control %s accepted", link->host, name);
    }
    fiid_obj_destroy(rs);
    return r;
}

static const ipmi_flag_name lanplus_workarounds[] = {
    {"authcap", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES},
    {"intel20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_INTEL_2_0_SESSION},
    {"supermicro20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUPERMICRO_2_0_SESSION},
    {"sun20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUN_2_0_SESSION},
    {"opensesspriv", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE},
    {"integritycheckvalue", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NON_EMPTY_INTEGRITY_CHECK_VALUE},
    {"nochecksumcheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NO_CHECKSUM_CHECK},
};

static const ipmi_flag_name lan_workarounds[] = {
    {"authcap", IPMI_WORKAROUND_FLAGS_OUTOFBAND_AUTHENTICATION_CAPABILITIES},
    {"idzero", IPMI_WORKAROUND_FLAGS_OUTOFBAND_ACCEPT_SESSION_ID_ZERO},
    {"forcepermsg", IPMI_WORKAROUND_FLAGS_OUTOFBAND_FORCE_PERMSG_AUTHENTICATION},
    {"unexpectedauth", IPMI_WORKAROUND_FLAGS_OUTOFBAND_CHECK_UNEXPECTED_AUTHCODE},
    {"endianseq", IPMI_WORKAROUND_FLAGS_OUTOFBAND_BIG_ENDIAN_SEQUENCE_NUMBER},
    {"noauthcodecheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_NO_AUTH_CODE_CHECK},
    {"nochecksumcheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_NO_CHECKSUM_CHECK},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

bool ipmi_flag_names_parse(const ipmi_flag_name *table, size_t n, const char *names, unsigned int *flags, char *bad,
                           size_t bad_size)
{
    const char *p = names;
    *flags = 0;
    while (p && *p) {
        size_t len = strcspn(p, ", ");
        bool known = false;
        for (size_t i = 0; len && i < n; i++) {
            if (strlen(table[i].name) == len && strncasecmp(table[i].name, p, len) == 0) {
                *flags |= table[i].flag;
                known = true;
            }
        }
        if (len && !known) {
            snprintf(bad, bad_size, "%.*s", (int)len, p);
            return false;
        }
        p += len;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return true;
}

bool ipmi_workaround_flags_parse(const char *names, bool lanplus, unsigned int *flags, char *bad, size_t bad_size)
{
    unsigned int other;
    char ignored[8];
    if (lanplus ? ipmi_flag_names_parse(lanplus_workarounds, COUNT(lanplus_workarounds), names, flags, bad, bad_size)
                : ipmi_flag_names_parse(lan_workarounds, COUNT(lan_workarounds), names, flags, bad, bad_size))
        return true;
    /* a flag of the other IPMI version: say so */
    if (lanplus ? ipmi_flag_names_parse(lan_workarounds, COUNT(lan_workarounds), bad, &other, ignored, sizeof ignored)
                : ipmi_flag_names_parse(lanplus_workarounds, COUNT(lanplus_workarounds), bad, &other, ignored,
                                        sizeof ignored))
        strncat(bad, lanplus ? " (only for IPMI 1.5)" : " (only for IPMI 2.0)", bad_size - strlen(bad) - 1);
    return false;
}
