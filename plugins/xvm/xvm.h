/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xvm: inside the plugin.  The plugin's actions (xvm.c) run over one of
 * two transports: SSH to the Dom0's toolstack (over-ssh.c) or the Dom0's
 * XAPI (over-xapi.c).  The XAPI transport is a module of its own (below),
 * loaded only by an instance that uses it.
 */
#ifndef HAFENCE_XVM_H
#define HAFENCE_XVM_H

#include "proto/ssh/ssh-conn.h"
#include "plugins/xvm/toolstack.h"

typedef struct xvm xvm;

/* What a guest's power state read says: power, the Dom0's own word for
 * it, and (xl) the name the guest runs under.  absent: the toolstack has
 * no record of the guest (xl lists running guests only); power UNKNOWN. */
typedef struct guest_state {
    hf_power power;
    bool absent;
    char word[64];
    char name[256];
} guest_state;

typedef struct xvm_transport {
    const char *name;
    hf_result (*status)(xvm *x, const hf_context *ctx, const char *guest, guest_state *st, hf_reply *reply);
    /* Ask for op (XVM_OFF or XVM_ON); HF_OK when the Dom0 accepted it. */
    hf_result (*power)(xvm *x, const hf_context *ctx, xvm_op op, const guest_state *st, const char *guest,
                       hf_reply *reply);
    hf_result (*list)(xvm *x, const hf_context *ctx, hf_target_sink *sink, void *arg, int *count, hf_reply *reply);
} xvm_transport;

struct xvm {
    const xvm_transport *transport;
    char dom0[300]; /* the Dom0, for messages: user@address:port or the XAPI URL */
    /* ssh */
    ssh_conn *ssh;
    ssh_output *output; /* the last command's (one call at a time) */
    xvm_commands commands;
    char virsh_uri[256];
    char xl_config_dir[512];
    /* xapi: the module's own state, and the module */
    struct xvm_xapi *xapi;
    const struct xvm_xapi_module *xapi_module;
    /* the guest this instance saw listed and then destroyed, and the name
     * it ran under: the only guest whose absence may read as off */
    char destroyed[256];
    char destroyed_name[256];
};

extern const xvm_transport xvm_over_ssh;

/* The XAPI transport's module, <dir of xvm.so>/xvm/xapi.so (installed in
 * <plugin dir>/xvm/, out of the plugin scan): libcurl and the thirty
 * libraries under it are loaded only for transport=xapi, never for an SSH
 * fence (they are most of the time it takes to load the plugin).  Loaded
 * by the trust rule (proto/trust), once, never unloaded.  Both halves come
 * from one build: the plugin refuses a module another hafence built. */
#define XVM_XAPI_MODULE_PATH   "xvm/xapi.so" /* relative to the plugin's directory */
#define XVM_XAPI_MODULE_SYMBOL "xvm_xapi_entry"
typedef struct xvm_xapi_module {
    const char *built_by; /* HAFENCE_VERSION */
    size_t xvm_size;      /* sizeof(xvm) where it was built: the layout both share */
    /* Sets x->transport, x->dom0 and x->xapi. */
    hf_result (*create)(xvm *x, const hf_context *ctx, const hf_param *params, hf_reply *reply);
    /* Logs out (best effort) and frees x->xapi. */
    void (*destroy)(xvm *x);
} xvm_xapi_module;

#endif
