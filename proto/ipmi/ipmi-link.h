/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipmi-link: one IPMI LAN session to one BMC, on FreeIPMI's libfreeipmi.
 * Shared by the plugins that speak IPMI (ipmi, irmc).  FreeIPMI's errors are
 * mapped onto hafence's result codes, with messages that name the BMC and
 * say which: unreachable, authentication refused (user, password, K_g or
 * cipher suite), privilege too low, BMC busy, command refused.
 * FreeIPMI stays behind this header: a plugin speaks the names below and
 * never includes <freeipmi/freeipmi.h>.
 */
#ifndef HAFENCE_PROTO_IPMI_LINK_H
#define HAFENCE_PROTO_IPMI_LINK_H

#include <hafence/plugin.h>
#include <stdbool.h>

/* The specification's limits, as FreeIPMI enforces them (checked against
 * FreeIPMI's own constants where the library is built). */
#define IPMI_LINK_MAX_USERNAME     16
#define IPMI_LINK_MAX_PASSWORD     20 /* IPMI 2.0 */
#define IPMI_LINK_MAX_PASSWORD_1_5 16
#define IPMI_LINK_MAX_K_G          20

typedef enum ipmi_link_privilege {
    IPMI_LINK_PRIVILEGE_USER,
    IPMI_LINK_PRIVILEGE_OPERATOR,
    IPMI_LINK_PRIVILEGE_ADMIN
} ipmi_link_privilege;

typedef enum ipmi_link_authtype { /* IPMI 1.5 sessions */
    IPMI_LINK_AUTH_NONE,
    IPMI_LINK_AUTH_STRAIGHT,
    IPMI_LINK_AUTH_MD2,
    IPMI_LINK_AUTH_MD5
} ipmi_link_authtype;

/* Chassis Control requests */
typedef enum ipmi_link_control {
    IPMI_LINK_POWER_OFF,
    IPMI_LINK_POWER_ON,
    IPMI_LINK_POWER_CYCLE
} ipmi_link_control;

/* Does FreeIPMI speak this RMCP+ cipher suite? */
bool ipmi_link_cipher_suite_supported(int id);

typedef struct ipmi_link_options {
    const char *username;
    const char *password;
    const unsigned char *k_g; /* may be NULL */
    unsigned int k_g_len;
    bool lanplus; /* IPMI 2.0 RMCP+ (else IPMI 1.5 LAN) */
    ipmi_link_privilege privilege;
    unsigned char cipher_suite;  /* lanplus */
    ipmi_link_authtype authtype; /* IPMI 1.5 */
    unsigned int workaround_flags;
    unsigned int session_timeout_ms;
    unsigned int retransmission_timeout_ms;
} ipmi_link_options;

typedef struct ipmi_link ipmi_link;

ipmi_link *ipmi_link_new(void);
void ipmi_link_free(ipmi_link *link);

/* Open a session to host ("name", "name:port", "[v6]:port"), unless one is
 * open to that host already.  The session timeout is cut to timeout_ms. */
hf_result ipmi_link_open(ipmi_link *link, const char *host, const ipmi_link_options *opt, int64_t timeout_ms,
                         hf_reply *reply);
void ipmi_link_close(ipmi_link *link);

/* Get Chassis Status: the current power state. */
hf_result ipmi_link_power_state(ipmi_link *link, hf_power *power, hf_reply *reply);
/* Chassis Control: power off (down), on (up), or cycle. */
hf_result ipmi_link_chassis_control(ipmi_link *link, ipmi_link_control control, hf_reply *reply);

/* A table of flag names, and comma-separated names into flags: false with
 * the unknown word in bad. */
typedef struct ipmi_flag_name {
    const char *name;
    unsigned int flag;
} ipmi_flag_name;
bool ipmi_flag_names_parse(const ipmi_flag_name *table, size_t n, const char *names, unsigned int *flags, char *bad,
                           size_t bad_size);

/* FreeIPMI workaround flag names (as ipmipower -W takes them), comma
 * separated, into flags for a lanplus or IPMI 1.5 session.  Returns false
 * and names the unknown word in bad. */
bool ipmi_workaround_flags_parse(const char *names, bool lanplus, unsigned int *flags, char *bad, size_t bad_size);

#endif
