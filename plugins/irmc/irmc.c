/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irmc: Fujitsu iRMC, in every protocol the boards offer.
 *   protocol=redfish  iRMC S5 and S6: the same Redfish client as ilo
 *   protocol=ipmi     iRMC S4 and older: IPMI over LAN, the same session
 *                     code as the ipmi plugin (proto/ipmi)
 *   protocol=ssh      every generation: the SSH text menu, HA-Lizard's way
 *                     (Power Management -> Immediate Power Off, "yes")
 *   protocol=auto     Redfish where the board offers it, then IPMI, then
 *                     the menu; never past a certificate, host key or login
 *                     that is refused (reported, not worked around)
 * A board that cannot be reached is a failed fence, never a done one
 * (HA-Lizard's IRMC script took "no ping" for success).
 * The target is the iRMC's address, from IRMC.hosts (<host-uuid>:<address>).
 */
#include "proto/board/board.h"
#include "proto/ipmi/ipmi-link.h"
#include "plugins/irmc/menu.h"

#define IPMI_PROBE_MS 3000

typedef enum irmc_protocol {
    IRMC_AUTO,
    IRMC_REDFISH,
    IRMC_IPMI,
    IRMC_SSH
} irmc_protocol;

typedef struct irmc {
    board_settings s;
    irmc_protocol want, chosen;
    char system[200];
    char address[300];
    board b;
    ipmi_link *ipmi;
    ipmi_link_options ipmi_opt;
    int ipmi_port;
} irmc;

static const char *const protocols[] = {"auto", "redfish", "ipmi", "ssh", NULL};

static const hf_param_def params[] = {
    {"address", HF_PARAM_ADDRESS, 0, NULL, NULL, 0, 0,
     "the iRMC, when no target is given (IRMC.hosts gives one per host)"},
    {"protocol", HF_PARAM_ENUM, 0, "auto", protocols, 0, 0, "auto (Redfish, then IPMI, then SSH), redfish, ipmi, ssh"},
    {"system", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "Redfish: the system's Id or path (default: the only one)"},
    {"ipmi_port", HF_PARAM_INTEGER, 0, "623", NULL, 1, 65535, "IPMI: UDP port"},
    {"ipmi_cipher", HF_PARAM_INTEGER, 0, "3", NULL, 0, 17, "IPMI: 2.0 cipher suite id"},
    {"ipmi_workarounds", HF_PARAM_STRING, 0, NULL, NULL, 0, 0, "IPMI: FreeIPMI workaround flags, comma separated"},
    BOARD_PARAMS("admin"),
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static irmc_protocol protocol_of(const char *s)
{
    return !strcmp(s, "redfish") ? IRMC_REDFISH
           : !strcmp(s, "ipmi")  ? IRMC_IPMI
           : !strcmp(s, "ssh")   ? IRMC_SSH
                                 : IRMC_AUTO;
}

static const char *protocol_name(irmc_protocol p)
{
    return p == IRMC_REDFISH ? "redfish" : p == IRMC_IPMI ? "ipmi" : p == IRMC_SSH ? "ssh" : "auto";
}

static void irmc_destroy(void *instance)
{
    irmc *x = instance;
    board_close(&x->b);
    ipmi_link_free(x->ipmi);
    board_settings_wipe(&x->s);
    memset(x, 0, sizeof *x);
    free(x);
}

static hf_result irmc_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    irmc *x = calloc(1, sizeof *x);
    char bad[64];
    if (!x)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (!board_settings_read(&x->s, "iRMC", p, ctx, reply)) {
        irmc_destroy(x);
        return HF_E_BAD_PARAMETER;
    }
    x->want = protocol_of(hf_param_str(p, "protocol", "auto"));
    if (!hf_copy(x->system, sizeof x->system, hf_param_str(p, "system", "")) ||
        !hf_copy(x->address, sizeof x->address, hf_param_str(p, "address", ""))) {
        irmc_destroy(x);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "iRMC: system or address longer than %zu characters",
                            sizeof x->system - 1);
    }
    x->ipmi_port = (int)hf_param_int(p, "ipmi_port", 623);
    x->ipmi_opt.username = x->s.username;
    x->ipmi_opt.password = x->s.password;
    x->ipmi_opt.lanplus = true;
    x->ipmi_opt.privilege = IPMI_LINK_PRIVILEGE_OPERATOR;
    x->ipmi_opt.cipher_suite = (unsigned char)hf_param_int(p, "ipmi_cipher", 3);
    x->ipmi_opt.session_timeout_ms = (unsigned int)x->s.call_timeout_ms;
    x->ipmi_opt.retransmission_timeout_ms = 500;
    if (!ipmi_workaround_flags_parse(hf_param_str(p, "ipmi_workarounds", ""), true, &x->ipmi_opt.workaround_flags, bad,
                                     sizeof bad)) {
        irmc_destroy(x);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "iRMC: unknown IPMI workaround '%s'", bad);
    }
    if (!(x->ipmi = ipmi_link_new())) {
        irmc_destroy(x);
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    }
    *instance = x;
    return HF_OK;
}

/* The board for this target; a new one forgets the old one's protocol
 * and IPMI session. */
static hf_result board_for(irmc *x, const char *target, hf_reply *reply)
{
    bool changed;
    hf_result r = board_select(&x->b, &x->s, target && *target ? target : x->address, &changed, reply);
    if (changed) {
        ipmi_link_close(x->ipmi);
        x->chosen = x->want;
    }
    return r;
}

/* ---- IPMI ------------------------------------------------------------------ */
/* A session within limit_ms (0: the call's time). */
static hf_result ipmi_open(irmc *x, const hf_context *ctx, int64_t limit_ms, hf_reply *reply)
{
    char host[300];
    int64_t left = hf_ctx_remaining_ms(ctx);
    bool v6 = strchr(x->b.host, ':') != NULL;
    snprintf(host, sizeof host, "%s%s%s:%d", v6 ? "[" : "", x->b.host, v6 ? "]" : "", x->ipmi_port);
    return ipmi_link_open(x->ipmi, host, &x->ipmi_opt, limit_ms && limit_ms < left ? limit_ms : left, reply);
}

/* ---- the SSH text menu ------------------------------------------------------- */
/* Open the menu and go to its Power Management screen (in screen). */
static hf_result menu_power_screen(irmc *x, const hf_context *ctx, ssh_conn *c, char *screen, size_t size,
                                   hf_reply *reply)
{
    static const char *const prompt[] = {MENU_PROMPT, NULL};
    char key, line[8];
    int which;
    hf_result r;
    if ((r = ssh_shell_open(c, ctx, reply)) != HF_OK ||
        (r = ssh_shell_expect(c, ctx, prompt, &which, screen, size, reply)) != HF_OK)
        return r;
    if (!menu_item_key(screen, "Power Management", &key))
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: the menu offers no Power Management", x->b.name);
    snprintf(line, sizeof line, "%c\r", key);
    if ((r = ssh_shell_send(c, ctx, line, reply)) != HF_OK ||
        (r = ssh_shell_expect(c, ctx, prompt, &which, screen, size, reply)) != HF_OK)
        return r;
    return HF_OK;
}

/* status (item NULL), or choose the item and confirm it. */
static hf_result menu_run(irmc *x, const hf_context *ctx, const char *item, hf_power *power, hf_reply *reply)
{
    static const char *const confirm[] = {MENU_CONFIRM, MENU_PROMPT, NULL};
    static const char *const after[] = {MENU_CONTINUE, MENU_PROMPT, NULL};
    char screen[8192], key, line[8];
    ssh_conn *c = board_ssh(&x->b, &x->s);
    menu_screen m;
    hf_result r;
    int which;
    if (!c)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if ((r = menu_power_screen(x, ctx, c, screen, sizeof screen, reply)) != HF_OK)
        goto out;
    if (!item) {
        menu_read(screen, &m);
        if (!m.has_power || m.power == HF_POWER_UNKNOWN)
            r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: the Power Management screen has no Power Status",
                             x->b.name);
        else
            *power = m.power;
        goto out;
    }
    if (!menu_item_key(screen, item, &key)) {
        r = hf_reply_set(reply, HF_E_UNSUPPORTED, "%s: the Power Management menu offers no %s", x->b.name, item);
        goto out;
    }
    snprintf(line, sizeof line, "%c\r", key);
    if ((r = ssh_shell_send(c, ctx, line, reply)) != HF_OK ||
        (r = ssh_shell_expect(c, ctx, confirm, &which, screen, sizeof screen, reply)) != HF_OK)
        goto out;
    if (which != 0) {
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: %s asked for no confirmation", x->b.name, item);
        goto out;
    }
    if ((r = ssh_shell_send(c, ctx, "yes\r", reply)) != HF_OK ||
        (r = ssh_shell_expect(c, ctx, after, &which, screen, sizeof screen, reply)) != HF_OK)
        goto out;
    if (!strstr(screen, "successfully") && !strstr(screen, "already"))
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: %s: the menu did not confirm it", x->b.name, item);
    else
        r = hf_reply_set(reply, HF_OK, "%s: %s done", x->b.name, item);
out:
    ssh_shell_close(c, ctx); /* the menu ends with its session */
    return r;
}

/* ---- choosing the protocol (auto) ------------------------------------------ */
static hf_result choose(irmc *x, const hf_context *ctx, hf_reply *reply)
{
    redfish *rf;
    hf_result r;
    if (x->chosen != IRMC_AUTO)
        return HF_OK;
    if (!(rf = board_redfish(&x->b, &x->s, x->system)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    r = redfish_probe(rf, ctx, reply);
    if (r == HF_OK) {
        x->chosen = IRMC_REDFISH;
    } else if (board_failure_is_final(r)) {
        return r;
    } else {
        /* a board without IPMI must not cost the fence its time */
        board_note_attempt(&x->b, "redfish", reply);
        r = ipmi_open(x, ctx, IPMI_PROBE_MS, reply);
        if (r == HF_OK)
            x->chosen = IRMC_IPMI;
        else if (board_failure_is_final(r))
            return r;
        else
            x->chosen = IRMC_SSH;
        if (x->chosen == IRMC_SSH)
            board_note_attempt(&x->b, "ipmi", reply);
    }
    hf_logf(ctx, HF_LOG_INFO, "%s: protocol %s", x->b.name, protocol_name(x->chosen));
    return HF_OK;
}

typedef enum irmc_op {
    OP_STATUS,
    OP_OFF,
    OP_ON,
    OP_CYCLE
} irmc_op;

static hf_result act(irmc *x, const hf_context *ctx, const char *target, irmc_op op, hf_reply *reply)
{
    static const redfish_intent rf[] = {0, REDFISH_FORCE_OFF, REDFISH_ON, REDFISH_FORCE_RESTART};
    static const ipmi_link_control chassis[] = {0, IPMI_LINK_POWER_OFF, IPMI_LINK_POWER_ON, IPMI_LINK_POWER_CYCLE};
    static const char *const item[] = {NULL, "Immediate Power Off", "Power On", "Power Cycle"};
    hf_power power = HF_POWER_UNKNOWN;
    char word[32] = "";
    hf_result r;
    if ((r = board_for(x, target, reply)) != HF_OK || (r = choose(x, ctx, reply)) != HF_OK)
        return r;
    switch (x->chosen) {
    case IRMC_REDFISH: {
        redfish *c = board_redfish(&x->b, &x->s, x->system);
        if (!c)
            return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
        r = op == OP_STATUS ? redfish_power(c, ctx, &power, word, sizeof word, reply)
                            : redfish_reset(c, ctx, rf[op], reply);
        break;
    }
    case IRMC_IPMI:
        if ((r = ipmi_open(x, ctx, 0, reply)) == HF_OK)
            r = op == OP_STATUS ? ipmi_link_power_state(x->ipmi, &power, reply)
                                : ipmi_link_chassis_control(x->ipmi, chassis[op], reply);
        break;
    default: r = menu_run(x, ctx, item[op], &power, reply);
    }
    if (r == HF_OK && op == OP_STATUS) {
        reply->power = power;
        return hf_reply_set(reply, HF_OK, "%s (%s): power %s", x->b.name, protocol_name(x->chosen),
                            *word ? word : hf_power_name(power));
    }
    return board_explain(&x->b, r, reply);
}

static hf_result irmc_status(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_STATUS, r);
}
static hf_result irmc_off(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_OFF, r);
}
static hf_result irmc_on(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_ON, r);
}
static hf_result irmc_cycle(void *i, const hf_context *ctx, const char *t, hf_reply *r)
{
    return act(i, ctx, t, OP_CYCLE, r);
}

static hf_result irmc_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    return act(instance, ctx, "", OP_STATUS, reply);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(irmc_create),   HF_DISPATCH_FENCE_DESTROY(irmc_destroy),
    HF_DISPATCH_FENCE_OFF(irmc_off),         HF_DISPATCH_FENCE_ON(irmc_on),
    HF_DISPATCH_FENCE_CYCLE(irmc_cycle),     HF_DISPATCH_FENCE_STATUS(irmc_status),
    HF_DISPATCH_FENCE_MONITOR(irmc_monitor), HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .capabilities = HF_CAP_TARGET_IS_DEVICE,
    .name = "irmc",
    .version = HAFENCE_VERSION,
    .description = "Fujitsu iRMC: Redfish, IPMI or the SSH text menu (HA-Lizard's IRMC method)",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
