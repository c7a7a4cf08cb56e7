/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A recovery in flight, written down.
 *
 * host.declare_dead (or the pool method's disable + VM.power_state_reset)
 * resets a dead host's VMs in XAPI: Halted, resident nowhere.  From then
 * on nothing in the pool says which of them ran there and must be started:
 * only the plan this daemon read before the marking.  A daemon killed
 * between the marking and the starts (SIGKILL, the watchdog, an OOM kill)
 * would leave them down for good, since the restarted daemon sees a host
 * disabled and no failure to act on.  So the plan goes to the state
 * directory, synced, before the marking, and is removed once the starts
 * are done; a restarted daemon starts what is still halted
 * (act_resume_recoveries).
 *
 * A master that dies itself between the marking and the starts (a second
 * failure) takes its state directory with it.  So the same plan goes to
 * the pool database too, as the pool's other-config
 * hafence-recovery-<host uuid>, before the marking: a pool database that
 * holds the marking holds the plan, and the next master starts what of it
 * is still halted (act_adopt_recoveries).
 *
 * The plan, in the file recovery-<host uuid>.json and in the pool:
 *   {"host": UUID, "by": UUID of the master that wrote it, "written_ms":
 *    wall clock, "pid": N, "boot_id": "...",
 *    "vms": [{"uuid", "ref", "name", "order", "start_delay"}, ...],
 *    "appliances": [{"ref", "name"}, ...]}
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include "core/json.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PLAN_PREFIX "recovery-"
#define PLAN_SUFFIX ".json"
#define PLAN_MAX    (8u << 20) /* a thousand VMs take some 200 KiB */
#define PLANS_MAX   256        /* one per host a recovery was under way for */

void vm_list_free(vm_list *l)
{
    free(l->vm);
    free(l->appliance);
    free(l->appliance_name);
    memset(l, 0, sizeof *l);
}

void vm_list_add_vm(vm_list *l, const vm_item *vm)
{
    l->vm = hfc_realloc(l->vm, (l->count + 1) * sizeof *l->vm);
    l->vm[l->count++] = *vm;
}

void vm_list_add_appliance(vm_list *l, const char *ref, const char *name)
{
    l->appliance = hfc_realloc(l->appliance, (l->appliances + 1) * sizeof *l->appliance);
    l->appliance_name = hfc_realloc(l->appliance_name, (l->appliances + 1) * sizeof *l->appliance_name);
    hfc_strlcpy(l->appliance[l->appliances], ref, sizeof *l->appliance);
    hfc_strlcpy(l->appliance_name[l->appliances], name, sizeof *l->appliance_name);
    l->appliances++;
}

/* The kernel's id of this boot: a plan from before a reboot of this host
 * is no recovery in flight (the host itself was down, maybe fenced). */
static void boot_id(char *buf, size_t size)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
    buf[0] = '\0';
    if (f) {
        if (fgets(buf, (int)size, f))
            buf[strcspn(buf, "\n")] = '\0';
        fclose(f);
    }
}

static void plan_name(const char *host, char *buf, size_t size)
{
    snprintf(buf, size, PLAN_PREFIX "%s" PLAN_SUFFIX, host);
}

char *recovery_plan_json(const hafenced *d, const char *host, const vm_list *vms)
{
    json_object *o = json_object_new_object(), *list = json_object_new_array(), *apps = json_object_new_array();
    char boot[64], *text;
    boot_id(boot, sizeof boot);
    json_object_object_add(o, "host", json_object_new_string(host));
    json_object_object_add(o, "by", json_object_new_string(d->self));
    json_object_object_add(o, "written_ms", json_object_new_int64(hfc_wall_ms()));
    json_object_object_add(o, "pid", json_object_new_int64(getpid()));
    json_object_object_add(o, "boot_id", json_object_new_string(boot));
    for (size_t i = 0; i < vms->count; i++) {
        json_object *v = json_object_new_object();
        json_object_object_add(v, "uuid", json_object_new_string(vms->vm[i].uuid));
        json_object_object_add(v, "ref", json_object_new_string(vms->vm[i].ref));
        json_object_object_add(v, "name", json_object_new_string(vms->vm[i].name));
        json_object_object_add(v, "order", json_object_new_int64(vms->vm[i].order));
        json_object_object_add(v, "start_delay", json_object_new_int64(vms->vm[i].start_delay));
        json_object_array_add(list, v);
    }
    for (size_t i = 0; i < vms->appliances; i++) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "ref", json_object_new_string(vms->appliance[i]));
        json_object_object_add(a, "name", json_object_new_string(vms->appliance_name[i]));
        json_object_array_add(apps, a);
    }
    json_object_object_add(o, "vms", list);
    json_object_object_add(o, "appliances", apps);
    text = hfc_strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}

bool recovery_save(const hafenced *d, const char *host, const char *plan, hfc_error *err)
{
    char name[UUID_TEXT + 32];
    plan_name(host, name, sizeof name);
    return hfc_state_write(d->opt.state_dir, name, plan, err);
}

void recovery_forget(const hafenced *d, const char *host)
{
    char name[UUID_TEXT + 32], *path;
    plan_name(host, name, sizeof name);
    path = hfc_state_path(d->opt.state_dir, name);
    if (unlink(path) != 0 && errno != ENOENT)
        hfc_log(HF_LOG_ERROR,
                "cannot remove the finished recovery plan %s: %s (a restarted hafenced would start "
                "what of it is halted then)",
                path, strerror(errno));
    free(path);
}

static const char *get_string(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                             : NULL;
}

static bool get_int(json_object *o, const char *key, int64_t *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_int64(v);
    return true;
}

bool recovery_plan_parse(const char *text, const char *expected, recovery_plan_file *p, char *why, size_t why_size)
{
    json_object *o = json_tokener_parse(text), *list, *apps;
    const char *host, *boot, *by;
    char now[64];
    int64_t pid = 0;
    bool ok = false;
    if (!o || !json_object_is_type(o, json_type_object)) {
        snprintf(why, why_size, "not a JSON object");
        goto out;
    }
    host = get_string(o, "host");
    if (!host || !hfc_is_uuid(host)) {
        snprintf(why, why_size, "no host UUID");
        goto out;
    }
    if (strcasecmp(expected, host) != 0) {
        snprintf(why, why_size, "it names host %s, not %s", host, expected);
        goto out;
    }
    if (!get_int(o, "written_ms", &p->written_ms) || !json_object_object_get_ex(o, "vms", &list) ||
        !json_object_is_type(list, json_type_array) || !json_object_object_get_ex(o, "appliances", &apps) ||
        !json_object_is_type(apps, json_type_array)) {
        snprintf(why, why_size, "written_ms, vms or appliances missing or of the wrong type");
        goto out;
    }
    hfc_strlcpy(p->host, host, sizeof p->host);
    by = get_string(o, "by"); /* absent in the files of hafence 1.x before it */
    hfc_strlcpy(p->by, by && hfc_is_uuid(by) ? by : "", sizeof p->by);
    get_int(o, "pid", &pid);
    p->pid = pid;
    boot = get_string(o, "boot_id");
    boot_id(now, sizeof now);
    p->same_boot = boot && *now && strcmp(boot, now) == 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *v = json_object_array_get_idx(list, i);
        const char *uuid = get_string(v, "uuid"), *ref = get_string(v, "ref"), *vname = get_string(v, "name");
        vm_item it = {0};
        int64_t n = 0;
        if (!uuid || !hfc_is_uuid(uuid) || !ref || !vname) {
            snprintf(why, why_size, "VM %zu: uuid, ref or name missing", i + 1);
            goto out;
        }
        hfc_strlcpy(it.uuid, uuid, sizeof it.uuid);
        hfc_strlcpy(it.ref, ref, sizeof it.ref);
        hfc_strlcpy(it.name, vname, sizeof it.name);
        it.order = get_int(v, "order", &n) ? n : 0;
        it.start_delay = get_int(v, "start_delay", &n) ? n : 0;
        vm_list_add_vm(&p->vms, &it);
    }
    for (size_t i = 0; i < json_object_array_length(apps); i++) {
        json_object *a = json_object_array_get_idx(apps, i);
        const char *ref = get_string(a, "ref"), *aname = get_string(a, "name");
        if (!ref || !aname) {
            snprintf(why, why_size, "vApp %zu: ref or name missing", i + 1);
            goto out;
        }
        vm_list_add_appliance(&p->vms, ref, aname);
    }
    ok = true;
out:
    if (o)
        json_object_put(o);
    if (!ok)
        vm_list_free(&p->vms);
    return ok;
}

static int by_age(const void *a, const void *b)
{
    const recovery_plan_file *x = a, *y = b;
    return x->written_ms < y->written_ms ? -1 : x->written_ms > y->written_ms;
}

size_t recovery_plans_load(const hafenced *d, recovery_plan_file **plans, hfc_error *err)
{
    DIR *dir = opendir(d->opt.state_dir);
    struct dirent *e;
    size_t n = 0;
    *plans = NULL;
    if (!dir) {
        if (errno != ENOENT)
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "state directory %s: %s", d->opt.state_dir, strerror(errno));
        return 0;
    }
    while ((e = readdir(dir)) && n < PLANS_MAX) {
        size_t len = strlen(e->d_name);
        recovery_plan_file p = {0};
        hfc_error read_err = {0};
        char *text, why[256] = "", path[4096], host[UUID_TEXT + 64];
        if (strncmp(e->d_name, PLAN_PREFIX, strlen(PLAN_PREFIX)) != 0 || len <= strlen(PLAN_SUFFIX) ||
            strcmp(e->d_name + len - strlen(PLAN_SUFFIX), PLAN_SUFFIX) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", d->opt.state_dir, e->d_name);
        /* the host the file name says */
        snprintf(host, sizeof host, "%.*s", (int)(len - strlen(PLAN_PREFIX) - strlen(PLAN_SUFFIX)),
                 e->d_name + strlen(PLAN_PREFIX));
        text = hfc_is_uuid(host) ? hfc_read_file(path, PLAN_MAX, NULL, &read_err) : NULL;
        if (!hfc_is_uuid(host))
            snprintf(read_err.message, sizeof read_err.message, "its name names no host UUID");
        if (text ? recovery_plan_parse(text, host, &p, why, sizeof why) : false) {
            *plans = hfc_realloc(*plans, (n + 1) * sizeof **plans);
            (*plans)[n++] = p;
        } else {
            /* set aside, for the operator to read, not tried again */
            char aside[sizeof path + 16];
            snprintf(aside, sizeof aside, "%s.unreadable", path);
            if (rename(path, aside) != 0)
                unlink(path);
            hfc_error_set(err, HF_E_BAD_PARAMETER, "recovery plan %s: %s (moved to %s)", path,
                          text ? why : read_err.message, aside);
        }
        free(text);
    }
    closedir(dir);
    if (n)
        qsort(*plans, n, sizeof **plans, by_age);
    return n;
}

void recovery_plans_free(recovery_plan_file *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vm_list_free(&plans[i].vms);
    free(plans);
}
