/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xvm over XAPI: where the Dom0 is a XenServer or XCP-ng host, its own
 * management API instead of SSH (proto/xapi): VM.get_record for the power
 * state, VM.hard_shutdown, VM.start.  The Dom0 itself (the control domain)
 * is never a target.  Built as the plugin's XAPI module (xvm/xapi.so, see
 * xvm.h): the one place the plugin touches libcurl.
 */
#include "plugins/xvm/xvm.h"
#include "proto/xapi/xapi.h"

struct xvm_xapi {
    xapi_settings xs;
    xapi *x;
};

/* The guest's reference: by UUID, or by name when exactly one has it. */
static hf_result vm_ref(xvm *x, const hf_context *ctx, const char *guest, char **ref, hf_reply *reply)
{
    xv *v = NULL;
    hf_result r;
    *ref = NULL;
    if (!xvm_guest_valid(guest, reply))
        return hf_reply_prefix(reply, HF_E_BAD_PARAMETER, "Dom0 %s: ", x->dom0);
    if (hf_is_uuid_text(guest)) {
        if ((r = xapi_call1(x->xapi->x, "VM.get_by_uuid", guest, &v, ctx->deadline_ms, reply)) != HF_OK)
            return strcmp(xapi_error(x->xapi->x), "UUID_INVALID") == 0
                       ? hf_reply_set(reply, HF_E_BAD_PARAMETER, "Dom0 %s: no guest with UUID %s", x->dom0, guest)
                       : r;
        *ref = xv_str(v) ? strdup(v->str) : NULL;
    } else {
        if ((r = xapi_call1(x->xapi->x, "VM.get_by_name_label", guest, &v, ctx->deadline_ms, reply)) != HF_OK)
            return r;
        if (v->type != XV_ARRAY || v->count != 1) {
            size_t n = v->type == XV_ARRAY ? v->count : 0;
            xv_free(v);
            return hf_reply_set(reply, HF_E_BAD_PARAMETER, "Dom0 %s: %s guest is named '%s'%s", x->dom0,
                                n ? "more than one" : "no", guest, n ? ": give its UUID" : "");
        }
        *ref = xv_str(v->items[0]) ? strdup(v->items[0]->str) : NULL;
    }
    xv_free(v);
    return *ref ? HF_OK : hf_reply_set(reply, HF_E_DEVICE_REFUSED, "Dom0 %s: XAPI gave no reference", x->dom0);
}

static hf_result xapi_status(xvm *x, const hf_context *ctx, const char *guest, guest_state *st, hf_reply *reply)
{
    char *ref;
    xv *rec = NULL;
    const char *state;
    const xv *dom0;
    hf_result r = vm_ref(x, ctx, guest, &ref, reply);
    if (r != HF_OK)
        return r;
    r = xapi_call1(x->xapi->x, "VM.get_record", ref, &rec, ctx->deadline_ms, reply);
    free(ref);
    if (r != HF_OK)
        return r;
    state = xv_str(xv_get(rec, "power_state"));
    dom0 = xv_get(rec, "is_control_domain");
    snprintf(st->word, sizeof st->word, "%s", state ? state : "");
    snprintf(st->name, sizeof st->name, "%s",
             xv_str(xv_get(rec, "name_label")) ? xv_get(rec, "name_label")->str : guest);
    if (dom0 && dom0->num)
        r = hf_reply_set(reply, HF_E_BAD_PARAMETER, "Dom0 %s: %s is the control domain itself: never a target", x->dom0,
                         guest);
    else if (state && strcmp(state, "Halted") == 0)
        st->power = HF_POWER_OFF;
    else if (state && (!strcmp(state, "Running") || !strcmp(state, "Paused") || !strcmp(state, "Suspended")))
        st->power = HF_POWER_ON;
    else
        r = hf_reply_set(reply, HF_E_DEVICE_REFUSED,
                         "Dom0 %s: guest %s: power state '%s' not understood (not taken for off)", x->dom0, guest,
                         state ? state : "(none)");
    xv_free(rec);
    return r;
}

static hf_result xapi_power(xvm *x, const hf_context *ctx, xvm_op op, const guest_state *st, const char *guest,
                            hf_reply *reply)
{
    char *ref;
    xv *v = NULL, *args[3];
    const char *method = op == XVM_OFF ? "VM.hard_shutdown" : "VM.start";
    hf_result r = vm_ref(x, ctx, guest, &ref, reply);
    (void)st;
    if (r != HF_OK)
        return r;
    args[0] = xv_string(ref);
    args[1] = xv_bool(false); /* start_paused */
    args[2] = xv_bool(false); /* force */
    r = xapi_call(x->xapi->x, method, args, op == XVM_OFF ? 1 : 3, &v, ctx->deadline_ms, reply);
    for (int i = 0; i < 3; i++)
        xv_free(args[i]);
    xv_free(v);
    free(ref);
    if (r != HF_OK)
        return r;
    return hf_reply_set(reply, HF_OK, "Dom0 %s: guest %s: %s done", x->dom0, guest, method);
}

static hf_result xapi_list(xvm *x, const hf_context *ctx, hf_target_sink *sink, void *arg, int *count, hf_reply *reply)
{
    xv *vms = NULL;
    hf_result r = xapi_call(x->xapi->x, "VM.get_all", NULL, 0, &vms, ctx->deadline_ms, reply);
    *count = 0;
    for (size_t i = 0; r == HF_OK && vms->type == XV_ARRAY && i < vms->count; i++) {
        xv *rec = NULL;
        const xv *skip[3];
        const char *ref = xv_str(vms->items[i]);
        if (!ref || (r = xapi_call1(x->xapi->x, "VM.get_record", ref, &rec, ctx->deadline_ms, reply)) != HF_OK)
            break;
        skip[0] = xv_get(rec, "is_control_domain");
        skip[1] = xv_get(rec, "is_a_template");
        skip[2] = xv_get(rec, "is_a_snapshot");
        if (!(skip[0] && skip[0]->num) && !(skip[1] && skip[1]->num) && !(skip[2] && skip[2]->num) &&
            xv_str(xv_get(rec, "uuid"))) {
            sink(arg, xv_get(rec, "uuid")->str, xv_str(xv_get(rec, "name_label")));
            (*count)++;
        }
        xv_free(rec);
    }
    xv_free(vms);
    return r;
}

static const xvm_transport over_xapi = {"xapi", xapi_status, xapi_power, xapi_list};

static hf_result xapi_create(xvm *x, const hf_context *ctx, const hf_param *p, hf_reply *reply)
{
    if (!(x->xapi = calloc(1, sizeof *x->xapi)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    xapi_settings_from_params(&x->xapi->xs, p);
    if (x->xapi->xs.opt.insecure && strcmp(hf_param_str(p, "scheme", "https"), "https") == 0)
        hf_logf(ctx, HF_LOG_WARNING, "XAPI %s: TLS verification is OFF (insecure=1)", x->xapi->xs.url);
    if (!(x->xapi->x = xapi_new(&x->xapi->xs.opt)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    hf_copy(x->dom0, sizeof x->dom0, x->xapi->xs.url);
    x->transport = &over_xapi;
    return HF_OK;
}

static void xapi_destroy(xvm *x)
{
    if (!x->xapi)
        return;
    if (x->xapi->x) {
        hf_reply reply;
        xapi_logout(x->xapi->x, hf_now_ms() + 1000, &reply); /* best effort: a session expires on its own */
        xapi_free(x->xapi->x);
    }
    xapi_settings_wipe(&x->xapi->xs);
    free(x->xapi);
    x->xapi = NULL;
}

/* what xvm.so looks up (the module's only exported symbol) */
extern const xvm_xapi_module xvm_xapi_entry;
const xvm_xapi_module xvm_xapi_entry = {HAFENCE_VERSION, sizeof(xvm), xapi_create, xapi_destroy};
