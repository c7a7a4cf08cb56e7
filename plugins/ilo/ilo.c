/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ilo: HP iLO, in every protocol the boards offer.
 *   protocol=redfish  iLO 4 to 6: PowerState, #ComputerSystem.Reset with a
 *                     ResetType the system allows (proto/redfish)
 *   protocol=ribcl    iLO 2 to 4: RIBCL XML, POSTed to /ribcl or written
 *                     straight onto TLS as iLO 2 takes it (proto/ribcl)
 *   protocol=ssh      iLO 2 and later: the SMASH CLP over SSH, HA-Lizard's
 *                     way (`power`, `stop /system1 -f`, `start /system1`)
 *   protocol=auto     Redfish where the board offers it, then RIBCL, then
 *                     SSH; never past a certificate or host key that is not
 *                     trusted (that is reported, not worked around)
 *   off = forced off (verified by the engine's read-back), on, cycle =
 *   a cold boot, status, monitor (log in and read the power).
 * The target is the iLO's address, from ILO.hosts (<host-uuid>:<address>),
 * exactly HA-Lizard's format; a port there is the HTTPS one.
 */
#include "proto/board/board.h"
#include "plugins/ilo/clp.h"

typedef enum ilo_protocol {
    ILO_AUTO,
    ILO_REDFISH,
    ILO_RIBCL,
    ILO_SSH
} ilo_protocol;

typedef struct ilo {
    board_settings s;
    ilo_protocol want, chosen;
    ribcl_transport ribcl_transport;
    char system[200];
    char address[300]; /* the address parameter: the target when none is given */
    board b;
    bool clp_ready; /* the CLP shell is at its prompt */
} ilo;

static const char *const protocols[] = {"auto", "redfish", "ribcl", "ssh", NULL};
static const char *const ribcl_transports[] = {"auto", "post", "raw", NULL};

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, 0, NULL, NULL, 0, 0,
     "the iLO, when no target is given (ILO.hosts gives one per host)"},
    {"protocol", HF_PARAM_ENUM, 0, "auto", protocols, 0, 0,
     "auto (Redfish, then RIBCL, then SSH), redfish, ribcl, ssh"},
    {"ribcl_transport", HF_PARAM_ENUM, 0, "auto", ribcl_transports, 0, 0,
     "RIBCL: POST to /ribcl (iLO 3, 4), raw over TLS (iLO 2), or auto"},
    {"system", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "Redfish: the system's Id or path (default: the only one)"},
    BOARD_PARAMS("Administrator"),
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static ilo_protocol protocol_of(const char *s)
{
    return !strcmp(s, "redfish") ? ILO_REDFISH
           : !strcmp(s, "ribcl") ? ILO_RIBCL
           : !strcmp(s, "ssh")   ? ILO_SSH
                                 : ILO_AUTO;
}

static const char *protocol_name(ilo_protocol p)
{
    return p == ILO_REDFISH ? "redfish" : p == ILO_RIBCL ? "ribcl" : p == ILO_SSH ? "ssh" : "auto";
}

static void ilo_destroy(void *instance)
{
    ilo *x = instance;
    board_close(&x->b);
    board_settings_wipe(&x->s);
    memset(x, 0, sizeof *x);
    free(x);
}

static hf_result ilo_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    ilo *x = calloc(1, sizeof *x);
    const char *rt = hf_param_str(p, "ribcl_transport", "auto");
    if (!x)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (!board_settings_read(&x->s, "iLO", p, ctx, reply)) {
        ilo_destroy(x);
        return HF_E_BAD_PARAMETER;
    }
    x->want = protocol_of(hf_param_str(p, "protocol", "auto"));
    x->ribcl_transport = !strcmp(rt, "post") ? RIBCL_POST : !strcmp(rt, "raw") ? RIBCL_RAW : RIBCL_AUTO;
    if (!hf_copy(x->system, sizeof x->system, hf_param_str(p, "system", "")) ||
        !hf_copy(x->address, sizeof x->address, hf_param_str(p, "address", ""))) {
        ilo_destroy(x);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "iLO: system or address longer than %zu characters",
                            sizeof x->system - 1);
    }
    *instance = x;
    return HF_OK;
}

/* The board for this target; a new one forgets the old one's protocol
 * and shell. */
static hf_result board_for(ilo *x, const char *target, hf_reply *reply)
{
    bool changed;
    hf_result r = board_select(&x->b, &x->s, target && *target ? target : x->address, &changed, reply);
    if (changed) {
        x->chosen = x->want;
        x->clp_ready = false;
    }
    return r;
}

/* ---- SMASH CLP over SSH ---------------------------------------------------- */
static hf_result clp_run(ilo *x, const hf_context *ctx, const char *command, clp_answer *a, hf_reply *reply)
{
    static const char *const prompt[] = {CLP_PROMPT, NULL};
    char screen[8192], line[128];
    ssh_conn *c = board_ssh(&x->b, &x->s);
    hf_result r;
    int which;
    if (!c)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (x->clp_ready) {
        ssh_shell_drain(c, ctx);
        x->clp_ready = ssh_shell_is_open(c);
    }
    if (!x->clp_ready) {
        if ((r = ssh_shell_open(c, ctx, reply)) != HF_OK ||
            (r = ssh_shell_expect(c, ctx, prompt, &which, screen, sizeof screen, reply)) != HF_OK)
            return r;
        x->clp_ready = true;
    }
    /* Enter is one CR, as a terminal sends it: "\r\n" is a second, empty
     * line whose prompt, when it comes late, reads as the next answer */
    snprintf(line, sizeof line, "%s\r", command);
    if ((r = ssh_shell_send(c, ctx, line, reply)) != HF_OK ||
        (r = ssh_shell_expect(c, ctx, prompt, &which, screen, sizeof screen, reply)) != HF_OK) {
        x->clp_ready = false;
        return r;
    }
    if (!clp_parse(screen, a))
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: `%s`: the answer has no status line", x->b.name, command);
    if (a->status != 0)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: `%s`: status=%d %s%s%s", x->b.name, command, a->status,
                            a->status_tag, *a->error ? ": " : "", a->error);
    return HF_OK;
}

/* ---- choosing the protocol (auto) ------------------------------------------ */
static hf_result choose(ilo *x, const hf_context *ctx, hf_reply *reply)
{
    hf_power power;
    hf_result r;
    ribcl *rb;
    redfish *rf;
    if (x->chosen != ILO_AUTO)
        return HF_OK;
    if (!(rf = board_redfish(&x->b, &x->s, x->system)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    r = redfish_probe(rf, ctx, reply);
    if (r == HF_OK) {
        x->chosen = ILO_REDFISH;
    } else if (board_failure_is_final(r)) {
        return r;
    } else if (r == HF_E_UNSUPPORTED) {
        /* HTTPS answers, without Redfish: RIBCL (it logs in) */
        board_note_attempt(&x->b, "redfish", reply);
        if (!(rb = board_ribcl(&x->b, &x->s, x->ribcl_transport)))
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
        r = ribcl_run(rb, ctx, RIBCL_GET_POWER, &power, reply);
        if (r == HF_OK || r == HF_E_AUTH_REFUSED || board_failure_is_final(r))
            x->chosen = ILO_RIBCL;
        else
            x->chosen = ILO_SSH;
        if (r != HF_OK && x->chosen == ILO_RIBCL)
            return r;
        if (x->chosen == ILO_SSH)
            board_note_attempt(&x->b, "ribcl", reply);
    } else {
        board_note_attempt(&x->b, "redfish and ribcl (https)", reply);
        x->chosen = ILO_SSH; /* no HTTPS at all: an iLO 2 with only SSH */
    }
    hf_logf(ctx, HF_LOG_INFO, "%s: protocol %s", x->b.name, protocol_name(x->chosen));
    return HF_OK;
}

typedef enum ilo_op {
    OP_STATUS,
    OP_OFF,
    OP_ON,
    OP_CYCLE
} ilo_op;

static hf_result act(ilo *x, const hf_context *ctx, const char *target, ilo_op op, hf_reply *reply)
{
    static const redfish_intent rf[] = {0, REDFISH_FORCE_OFF, REDFISH_ON, REDFISH_FORCE_RESTART};
    static const ribcl_command rb[] = {RIBCL_GET_POWER, RIBCL_FORCE_OFF, RIBCL_POWER_ON, RIBCL_COLD_BOOT};
    static const char *const clp[] = {"power", "stop /system1 -f", "start /system1", "reset /system1 -f"};
    hf_power power = HF_POWER_UNKNOWN;
    char word[32] = "";
    clp_answer a;
    hf_result r;
    if ((r = board_for(x, target, reply)) != HF_OK || (r = choose(x, ctx, reply)) != HF_OK)
        return r;
    switch (x->chosen) {
    case ILO_REDFISH: {
        redfish *c = board_redfish(&x->b, &x->s, x->system);
        if (!c)
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
        r = op == OP_STATUS ? redfish_power(c, ctx, &power, word, sizeof word, reply)
                            : redfish_reset(c, ctx, rf[op], reply);
        break;
    }
    case ILO_RIBCL: {
        ribcl *c = board_ribcl(&x->b, &x->s, x->ribcl_transport);
        if (!c)
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
        r = ribcl_run(c, ctx, rb[op], &power, reply);
        break;
    }
    default:
        r = clp_run(x, ctx, clp[op], &a, reply);
        if (r == HF_OK && op == OP_STATUS) {
            if (!a.has_power || a.power == HF_POWER_UNKNOWN)
                return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: `power`: no \"server power is currently\" line",
                                    x->b.name);
            power = a.power;
        }
        if (r == HF_OK)
            hf_reply_set(reply, HF_OK, "%s: `%s`: %s", x->b.name, clp[op], a.status_tag);
    }
    if (r == HF_OK && op == OP_STATUS) {
        reply->power = power;
        return hf_reply_set(reply, HF_OK, "%s (%s): power %s", x->b.name, protocol_name(x->chosen),
                            *word ? word : hf_power_name(power));
    }
    return board_explain(&x->b, r, reply);
}

static hf_result ilo_status(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_STATUS, r);
}
static hf_result ilo_off(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_OFF, r);
}
static hf_result ilo_on(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_ON, r);
}
static hf_result ilo_cycle(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_CYCLE, r);
}

static hf_result ilo_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    return act(instance, ctx, "", OP_STATUS, reply);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(ilo_create),   HF_DISPATCH_FENCE_DESTROY(ilo_destroy),
    HF_DISPATCH_FENCE_OFF(ilo_off),         HF_DISPATCH_FENCE_ON(ilo_on),
    HF_DISPATCH_FENCE_CYCLE(ilo_cycle),     HF_DISPATCH_FENCE_STATUS(ilo_status),
    HF_DISPATCH_FENCE_MONITOR(ilo_monitor), HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .capabilities = HF_CAP_TARGET_IS_DEVICE,
    .name = "ilo",
    .version = HAFENCE_VERSION,
    .description = "HP iLO: Redfish, RIBCL or the SSH CLP (HA-Lizard's ILO method)",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
