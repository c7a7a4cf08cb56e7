/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xvm over SSH: the Dom0's toolstack (xe, xl or virsh) run through one
 * kept SSH connection (proto/ssh).  Every guest is validated and quoted
 * before it reaches the remote command line (toolstack.c).
 */
#include "plugins/xvm/xvm.h"

#include <ctype.h>

/* The first line of a command's standard error, printable, for messages. */
static void stderr_line(const ssh_output *o, char *out, size_t size)
{
    size_t n = 0;
    const char *s = o->err;
    while (*s == '\n' || *s == ' ')
        s++;
    for (; s[n] && s[n] != '\n' && n + 1 < size; n++)
        out[n] = isprint((unsigned char)s[n]) ? s[n] : '?';
    out[n] = '\0';
    if (!n)
        snprintf(out, size, "nothing on stderr");
}

static hf_result run(xvm *x, const hf_context *ctx, xvm_op op, const char *guest, char *command, size_t size,
                     ssh_output *o, hf_reply *reply)
{
    if (!xvm_command(&x->commands, op, guest, command, size, reply))
        return hf_reply_prefix(reply, HF_E_BAD_PARAMETER, "Dom0 %s: ", x->dom0);
    hf_logf(ctx, HF_LOG_DEBUG, "Dom0 %s: %s", x->dom0, command);
    return ssh_conn_exec(x->ssh, ctx, command, o, reply);
}

static hf_result ssh_status(xvm *x, const hf_context *ctx, const char *guest, guest_state *st, hf_reply *reply)
{
    char command[1024];
    ssh_output *o = x->output;
    hf_result r;
    r = run(x, ctx, XVM_STATUS, guest, command, sizeof command, o, reply);
    if (r == HF_OK) {
        r = xvm_parse_status(x->commands.toolstack, guest, o->exit_status, o->out, o->err, &st->power, &st->absent,
                             st->word, sizeof st->word, st->name, sizeof st->name, reply);
        if (r != HF_OK)
            hf_reply_prefix(reply, r, "Dom0 %s: guest %s: ", x->dom0, guest);
    }
    return r;
}

/* A command that ran and failed: its exit status (or signal) and the first
 * line of its standard error. */
static hf_result command_failed(const xvm *x, const char *guest, const char *command, const ssh_output *o,
                                hf_reply *reply)
{
    char err[200], how[64];
    stderr_line(o, err, sizeof err);
    if (*o->exit_signal)
        snprintf(how, sizeof how, "killed by signal %s", o->exit_signal);
    else
        snprintf(how, sizeof how, "exited %d", o->exit_status);
    return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "Dom0 %s: %s%s`%s` %s: %s", x->dom0, guest ? "guest " : "",
                        guest ? guest : "", command, how, err);
}

static hf_result ssh_power(xvm *x, const hf_context *ctx, xvm_op op, const guest_state *st, const char *guest,
                           hf_reply *reply)
{
    char command[1024];
    ssh_output *o = x->output;
    hf_result r;
    /* xl acts on the name the guest runs under */
    r = run(x, ctx, op, x->commands.toolstack == XVM_XL ? st->name : guest, command, sizeof command, o, reply);
    if (r == HF_OK)
        r = o->exit_status != 0 ? command_failed(x, guest, command, o, reply)
                                : hf_reply_set(reply, HF_OK, "Dom0 %s: guest %s: `%s` done", x->dom0, guest, command);
    return r;
}

static hf_result ssh_list(xvm *x, const hf_context *ctx, hf_target_sink *sink, void *arg, int *count, hf_reply *reply)
{
    char command[1024];
    ssh_output *o = x->output;
    hf_result r;
    r = run(x, ctx, XVM_LIST, NULL, command, sizeof command, o, reply);
    if (r == HF_OK && o->exit_status != 0)
        r = command_failed(x, NULL, command, o, reply);
    else if (r == HF_OK && (*count = xvm_parse_list(x->commands.toolstack, o->out, sink, arg)) < 0) {
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "Dom0 %s: the output of `%s` is not understood", x->dom0, command);
    }
    return r;
}

const xvm_transport xvm_over_ssh = {"ssh", ssh_status, ssh_power, ssh_list};
