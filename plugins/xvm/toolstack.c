/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toolstack: the remote commands and their answers (see toolstack.h).
 *
 *            status                              off                        on
 *   xe       xe vm-param-get uuid=U              xe vm-shutdown --force     xe vm-start
 *              param-name=power-state              uuid=U (vm=NAME)           uuid=U (vm=NAME)
 *            (by name: xe vm-list name-label=N params=power-state --minimal)
 *   xl       xl list -v (a guest not listed      xl destroy NAME            xl create DIR/NAME.cfg
 *              is absent, not off)
 *   virsh    virsh domstate G                    virsh destroy G            virsh start G
 *
 * Only the toolstack's word for "off" (halted, shut off) is off.  Output
 * that is not understood is an error, never off: that is fence_virsh's
 * mistake (a missing sudo reads as OFF).  xl keeps no record of a guest
 * that is not running, so it cannot tell a stopped guest from a name it
 * never had: a guest xl does not list is "absent", power unknown; only the
 * plugin, which saw it listed and destroyed it itself, may read that as
 * off (xvm.c).
 */
#include "plugins/xvm/toolstack.h"
#include "proto/ssh/ssh-conn.h"

#include <ctype.h>
#include <strings.h>

const char *xvm_toolstack_name(xvm_toolstack ts)
{
    return ts == XVM_XE ? "xe" : ts == XVM_XL ? "xl" : "virsh";
}

/* Append printf-style text to out; false when it does not fit. */
static bool add(char *out, size_t size, const char *fmt, ...) HF_PRINTF(3, 4);
static bool add(char *out, size_t size, const char *fmt, ...)
{
    size_t used = strlen(out);
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(out + used, size - used, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < size - used;
}

bool xvm_command(const xvm_commands *cmd, xvm_op op, const char *guest, char *out, size_t size, hf_reply *reply)
{
    char q[300] = "", cfg[1400];
    bool uuid = guest && hf_is_uuid_text(guest), ok;
    *out = '\0';
    if (op != XVM_LIST && !xvm_guest_valid(guest, reply))
        return false;
    if (op != XVM_LIST && !ssh_shell_quote(guest, q, sizeof q)) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "guest name too long");
        return false;
    }
    if (cmd->sudo)
        add(out, size, "sudo -n ");
    switch (cmd->toolstack) {
    case XVM_XE:
        ok = op == XVM_STATUS ? (uuid ? add(out, size, "xe vm-param-get uuid=%s param-name=power-state", q)
                                      : add(out, size, "xe vm-list name-label=%s params=power-state --minimal", q))
             : op == XVM_OFF  ? add(out, size, "xe vm-shutdown --force %s=%s", uuid ? "uuid" : "vm", q)
             : op == XVM_ON   ? add(out, size, "xe vm-start %s=%s", uuid ? "uuid" : "vm", q)
                              : add(out, size, "xe vm-list is-control-domain=false params=uuid,name-label");
        break;
    case XVM_XL:
        if ((op == XVM_OFF || op == XVM_ON) && uuid) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "xl: off and on take the guest's name, not its UUID");
            return false;
        }
        if (op == XVM_ON) {
            if (!xvm_word_valid(cmd->xl_config_dir)) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "xl: config directory '%s' is not a plain path",
                             cmd->xl_config_dir);
                return false;
            }
            snprintf(cfg, sizeof cfg, "%s/%s.cfg", cmd->xl_config_dir, guest);
            if (!ssh_shell_quote(cfg, q, sizeof q)) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "xl: config path too long");
                return false;
            }
        }
        ok = op == XVM_OFF  ? add(out, size, "xl destroy %s", q)
             : op == XVM_ON ? add(out, size, "xl create %s", q)
                            : add(out, size, "xl list -v");
        break;
    default:
        ok = add(out, size, "virsh ");
        if (cmd->virsh_uri && *cmd->virsh_uri) {
            if (!xvm_word_valid(cmd->virsh_uri)) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "virsh: URI '%s' is not a plain URI", cmd->virsh_uri);
                return false;
            }
            ok = ok && add(out, size, "-c '%s' ", cmd->virsh_uri);
        }
        ok = ok && (op == XVM_STATUS ? add(out, size, "domstate %s", q)
                    : op == XVM_OFF  ? add(out, size, "destroy %s", q)
                    : op == XVM_ON   ? add(out, size, "start %s", q)
                                     : add(out, size, "list --all"));
    }
    if (!ok)
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "command too long");
    return ok;
}

/* The first line of s, trimmed, into out. */
static void first_line(const char *s, char *out, size_t size)
{
    size_t n = 0;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    while (s[n] && s[n] != '\n' && s[n] != '\r' && n + 1 < size) {
        out[n] = s[n];
        n++;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

static bool contains(const char *a, const char *b, const char *needle)
{
    return (a && strstr(a, needle)) || (b && strstr(b, needle));
}

/* A short, printable excerpt of what the command said, for messages. */
static void excerpt(const char *out, const char *err, char *buf, size_t size)
{
    char o[120], e[200];
    first_line(out ? out : "", o, sizeof o);
    first_line(err ? err : "", e, sizeof e);
    for (char *p = o; *p; p++)
        if (!isprint((unsigned char)*p))
            *p = '?';
    for (char *p = e; *p; p++)
        if (!isprint((unsigned char)*p))
            *p = '?';
    snprintf(buf, size, "%s%s%s%s%s", *o ? "output '" : "", o, *o ? "'" : "", *o && *e ? ", " : "", *e ? e : "");
    if (!*o && !*e)
        snprintf(buf, size, "no output");
}

static hf_result not_understood(const char *tool, int status, const char *out, const char *err, hf_reply *reply)
{
    char ex[360];
    excerpt(out, err, ex, sizeof ex);
    hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: exit %d, %s: power state not understood (not taken for off)", tool,
                 status, ex);
    return HF_E_DEVICE_REFUSED;
}

static hf_result xe_status(const char *guest, int status, const char *out, const char *err, hf_power *power,
                           char *state, size_t state_size, hf_reply *reply)
{
    char word[64];
    if (status != 0 && contains(out, err, "uuid you supplied was invalid")) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "xe: the Dom0 has no guest with UUID %s", guest);
        return HF_E_BAD_PARAMETER;
    }
    if (status != 0)
        return not_understood("xe", status, out, err, reply);
    first_line(out, word, sizeof word);
    if (!*word && !hf_is_uuid_text(guest)) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "xe: the Dom0 has no guest named '%s'", guest);
        return HF_E_BAD_PARAMETER;
    }
    if (strchr(word, ',')) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "xe: more than one guest is named '%s': give its UUID", guest);
        return HF_E_BAD_PARAMETER;
    }
    snprintf(state, state_size, "%s", word);
    if (strcmp(word, "halted") == 0)
        *power = HF_POWER_OFF;
    else if (strcmp(word, "running") == 0 || strcmp(word, "paused") == 0 || strcmp(word, "suspended") == 0)
        *power = HF_POWER_ON; /* a suspended guest can be resumed: not fenced */
    else
        return not_understood("xe", status, out, err, reply);
    return HF_OK;
}

/* xl list -v: a header "Name ID Mem VCPUs State Time(s) UUID ...", then one
 * row per domain.  row_fn gets each row's name, uuid and state. */
static int xl_rows(const char *out, int (*row_fn)(void *, const char *, const char *, const char *), void *arg)
{
    const char *line = out;
    char name[256], id[32], mem[32], vcpus[32], state[32], time[32], uuid[64];
    int rows = 0;
    if (!out || strncmp(out, "Name", 4) != 0 || !strstr(out, "State") || !strstr(out, "UUID"))
        return -1;
    while ((line = strchr(line, '\n')) != NULL) {
        line++;
        if (!*line)
            break;
        if (sscanf(line, "%255s %31s %31s %31s %31s %31s %63s", name, id, mem, vcpus, state, time, uuid) != 7)
            continue;
        rows++;
        if (row_fn(arg, name, uuid, state))
            break;
    }
    return rows;
}

typedef struct xl_find {
    const char *guest;
    bool found;
    char name[256];
    char state[32];
} xl_find;

static int xl_match(void *arg, const char *name, const char *uuid, const char *state)
{
    xl_find *f = arg;
    if (strcmp(name, f->guest) != 0 && strcasecmp(uuid, f->guest) != 0)
        return 0;
    f->found = true;
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->state, sizeof f->state, "%s", state);
    return 1;
}

static hf_result xl_status(const char *guest, int status, const char *out, const char *err, hf_power *power,
                           bool *absent, char *state, size_t state_size, char *name, size_t name_size, hf_reply *reply)
{
    xl_find f = {.guest = guest};
    if (status != 0 || xl_rows(out, xl_match, &f) < 0)
        return not_understood("xl", status, out, err, reply);
    if (!f.found) {
        /* xl keeps no record of a domain that is not running: a stopped
         * guest and a misspelt name look the same.  Absent is never off. */
        *power = HF_POWER_UNKNOWN;
        *absent = true;
        snprintf(state, state_size, "not listed");
        snprintf(name, name_size, "%s", guest);
        return HF_OK;
    }
    *power = HF_POWER_ON; /* even shut down ('s') or crashed ('c'): it still holds its resources */
    snprintf(state, state_size, "%s", f.state);
    snprintf(name, name_size, "%s", f.name);
    return HF_OK;
}

static hf_result virsh_status(const char *guest, int status, const char *out, const char *err, hf_power *power,
                              char *state, size_t state_size, hf_reply *reply)
{
    static const char *const on[] = {"running",     "idle",    "paused",   "in shutdown", "blocked",
                                     "pmsuspended", "crashed", "no state", NULL};
    char word[64];
    if (status != 0 && contains(out, err, "failed to get domain")) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "virsh: the Dom0 has no guest '%s'", guest);
        return HF_E_BAD_PARAMETER;
    }
    if (status != 0)
        return not_understood("virsh", status, out, err, reply);
    first_line(out, word, sizeof word);
    snprintf(state, state_size, "%s", word);
    if (strcmp(word, "shut off") == 0) {
        *power = HF_POWER_OFF;
        return HF_OK;
    }
    for (int i = 0; on[i]; i++)
        if (strcmp(word, on[i]) == 0) {
            *power = HF_POWER_ON;
            return HF_OK;
        }
    return not_understood("virsh", status, out, err, reply);
}

hf_result xvm_parse_status(xvm_toolstack ts, const char *guest, int exit_status, const char *out, const char *err,
                           hf_power *power, bool *absent, char *state, size_t state_size, char *name, size_t name_size,
                           hf_reply *reply)
{
    *power = HF_POWER_UNKNOWN;
    *absent = false;
    *state = '\0';
    if (name_size)
        snprintf(name, name_size, "%s", guest);
    switch (ts) {
    case XVM_XE: return xe_status(guest, exit_status, out, err, power, state, state_size, reply);
    case XVM_XL:
        return xl_status(guest, exit_status, out, err, power, absent, state, state_size, name, name_size, reply);
    default: return virsh_status(guest, exit_status, out, err, power, state, state_size, reply);
    }
}

typedef struct list_sink {
    hf_target_sink *sink;
    void *arg;
    int count;
} list_sink;

static int xl_list_row(void *arg, const char *name, const char *uuid, const char *state)
{
    list_sink *s = arg;
    (void)state;
    if (strcmp(name, "Domain-0") != 0) {
        s->sink(s->arg, name, uuid);
        s->count++;
    }
    return 0;
}

/* xe's record format: "uuid ( RO)    : U" then "     name-label ( RW): N". */
static int xe_list(const char *out, hf_target_sink *sink, void *arg)
{
    char uuid[64] = "", value[256];
    int n = 0;
    for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *colon = strchr(line, ':');
        const char *end = strchr(line, '\n');
        size_t len;
        while (*line == ' ')
            line++;
        if (!colon || (end && colon > end))
            continue;
        colon++;
        while (*colon == ' ')
            colon++;
        len = end ? (size_t)(end - colon) : strlen(colon);
        snprintf(value, sizeof value, "%.*s", (int)len, colon);
        if (strncmp(line, "uuid ", 5) == 0) {
            /* a value too long for a UUID is not one: no cut UUID is named */
            if ((size_t)snprintf(uuid, sizeof uuid, "%s", value) >= sizeof uuid)
                *uuid = '\0';
        } else if (strncmp(line, "name-label ", 11) == 0 && *uuid) {
            sink(arg, uuid, value);
            *uuid = '\0';
            n++;
        }
    }
    return n;
}

/* virsh list --all: " Id   Name   State", a rule, then " 1    g1     running". */
static int virsh_list(const char *out, hf_target_sink *sink, void *arg)
{
    const char *line = strchr(out, '\n');
    char id[32], name[256];
    int n = 0;
    if (!strstr(out, "Id") || !strstr(out, "Name") || !line)
        return -1;
    while ((line = strchr(line, '\n')) != NULL) {
        line++;
        if (*line == '-' || sscanf(line, "%31s %255s", id, name) != 2)
            continue;
        sink(arg, name, NULL);
        n++;
    }
    return n;
}

int xvm_parse_list(xvm_toolstack ts, const char *out, hf_target_sink *sink, void *arg)
{
    list_sink s = {sink, arg, 0};
    switch (ts) {
    case XVM_XE: return xe_list(out, sink, arg);
    case XVM_XL: return xl_rows(out, xl_list_row, &s) < 0 ? -1 : s.count;
    default: return virsh_list(out, sink, arg);
    }
}
