/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toolstack: what the xvm plugin says to a Dom0's toolstack over SSH, and
 * how it reads the answers.  `xe` (XenServer / XCP-ng), `xl` (plain Xen),
 * `virsh` (libvirt).  Pure functions: no I/O, so every parser is tested on
 * its own.
 */
#ifndef HAFENCE_XVM_TOOLSTACK_H
#define HAFENCE_XVM_TOOLSTACK_H

#include <hafence/plugin.h>
#include <stdbool.h>

typedef enum xvm_toolstack {
    XVM_XE,
    XVM_XL,
    XVM_VIRSH
} xvm_toolstack;
typedef enum xvm_op {
    XVM_STATUS,
    XVM_OFF,
    XVM_ON,
    XVM_LIST
} xvm_op;

typedef struct xvm_commands {
    xvm_toolstack toolstack;
    bool sudo;                 /* prefix "sudo -n" (a non-root account) */
    const char *virsh_uri;     /* virsh -c URI, or NULL */
    const char *xl_config_dir; /* xl create DIR/<name>.cfg */
} xvm_commands;

/* A guest is a UUID, or a name of letters, digits and . _ - + @ : and
 * spaces, not starting with '-' or a space.  Anything else is refused
 * before a byte is sent (no remote command injection). */
bool xvm_guest_valid(const char *guest, hf_reply *reply);
/* A virsh URI or xl config directory: no quotes, spaces or shell
 * metacharacters. */
bool xvm_word_valid(const char *word);

/* The remote command for op on guest (validated first; every value is
 * quoted).  For xl, off and on take the guest's name as xl lists it. */
bool xvm_command(const xvm_commands *cmd, xvm_op op, const char *guest, char *out, size_t size, hf_reply *reply);

/* What a status command's output says.  HF_OK with *power ON or OFF and
 * state set to the toolstack's word; HF_E_BAD_PARAMETER when the Dom0 has
 * no such guest; HF_E_DEVICE_REFUSED when the output is not understood
 * (then the power is unknown: never taken for off).  xl lists running
 * guests only: one it does not list is HF_OK with *absent set and the
 * power UNKNOWN (stopped, or a name it never had: absent is never off).
 * For xl, name gets the guest's name (off and on need it). */
hf_result xvm_parse_status(xvm_toolstack ts, const char *guest, int exit_status, const char *out, const char *err,
                           hf_power *power, bool *absent, char *state, size_t state_size, char *name, size_t name_size,
                           hf_reply *reply);

/* Guests in a list command's output, (target, name) to sink; the number
 * found, or -1 when the output is not understood. */
int xvm_parse_list(xvm_toolstack ts, const char *out, hf_target_sink *sink, void *arg);

const char *xvm_toolstack_name(xvm_toolstack ts);

#endif
