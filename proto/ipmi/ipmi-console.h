/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipmi-console: a Serial-over-LAN console session with FreeIPMI's
 * libipmiconsole, to capture what a host printed before it is fenced, or
 * to follow its console live.
 */
#ifndef HAFENCE_PROTO_IPMI_CONSOLE_H
#define HAFENCE_PROTO_IPMI_CONSOLE_H

#include "proto/ipmi/ipmi-link.h"

typedef struct ipmi_console ipmi_console;

/* Open a SOL session to host, bounded by timeout_ms.  workarounds are
 * libipmiconsole's (see ipmi_console_workarounds_parse). */
hf_result ipmi_console_open(const char *host, const ipmi_link_options *opt, unsigned int workarounds,
                            int64_t timeout_ms, ipmi_console **out, hf_reply *reply);
/* Read what arrives until deadline_ms (absolute, CLOCK_MONOTONIC) or until
 * *stop, writing it to fd.  Returns bytes copied, or -1 when the session
 * broke (reply says why). */
long ipmi_console_copy(ipmi_console *console, int fd, int64_t deadline_ms, int (*stop)(void *arg), void *stop_arg,
                       hf_reply *reply);
void ipmi_console_close(ipmi_console *console);

/* libipmiconsole workaround names, as ipmiconsole -W takes them. */
bool ipmi_console_workarounds_parse(const char *names, unsigned int *flags, char *bad, size_t bad_size);

#endif
