/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fence_hafence_<plugin>: the hafence binary run under an agent's name is a
 * fence agent as Pacemaker's fencer runs them (fence-agents' conventions):
 * name=value lines on stdin when there are no arguments, or -o ACTION and
 * --name=value; exit 0 done, 1 failed, and for status 0 on, 2 off, 1
 * unknown.  Never 64: a fencer knows no usage error. */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "core/method.h"
#include "core/secret.h"
#include "core/history.h"
#include "core/hastate.h"
#include "proto/run/run.h"
#include "proto/trust/trust.h"
#include "cli/agent.h"

#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define AGENT_INPUT_MAX          (256 * 1024) /* stdin: far more than any device's parameters */
#define AGENT_TIMEOUT_MS         40000        /* under Pacemaker's default 60 s action timeout */
#define AGENT_PASSWORD_SCRIPT_MS 10000
#define AGENT_STATUS_OK          0
#define AGENT_STATUS_FAILED      1
#define AGENT_STATUS_OFF         2

typedef struct agent_pair {
    char *key;
    char *value;
    bool from_argv;
} agent_pair;

typedef struct agent {
    char name[128]; /* fence_hafence_<plugin> */
    const char *plugin_name;
    hfc_plugin *plugin;
    agent_pair *pairs;
    size_t count;
    const char *action, *plug, *node, *password_script;
    hfc_paramset *set;
    hfc_engine_options engine;
    int64_t delay_ms;
    bool verbose, help, version;
    char ignored[512];
    char *input; /* stdin as read; wiped */
    size_t input_len;
} agent;

static void agent_error(const agent *a, const char *fmt, ...) HF_PRINTF(2, 3);
static void agent_error(const agent *a, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    hfc_vformat_redacted(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", a->name, msg);
}

static void add_pair(agent *a, const char *key, size_t key_len, const char *value, bool from_argv)
{
    agent_pair *p;
    a->pairs = hfc_realloc(a->pairs, (a->count + 1) * sizeof *a->pairs);
    p = &a->pairs[a->count++];
    p->key = hfc_strndup(key, key_len);
    for (char *c = p->key; *c; c++)
        if (*c == '-')
            *c = '_';
    p->value = hfc_strdup(value);
    p->from_argv = from_argv;
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* stdin as fence-agents read it: name=value per line, # comments and blank
 * lines skipped, spaces around both trimmed; a name alone is an empty
 * value (a flag). */
static bool read_stdin(agent *a)
{
    size_t cap = 4096;
    char *line, *next;
    a->input = hfc_calloc(1, cap + 1);
    for (;;) {
        ssize_t r;
        if (a->input_len == cap) {
            char *bigger;
            if (cap >= AGENT_INPUT_MAX) {
                agent_error(a, "standard input is larger than %d KiB: not a fence agent's parameters",
                            AGENT_INPUT_MAX / 1024);
                return false;
            }
            bigger = hfc_calloc(1, cap * 2 + 1);
            memcpy(bigger, a->input, a->input_len);
            hfc_wipe(a->input, cap);
            free(a->input);
            a->input = bigger;
            cap *= 2;
        }
        r = read(STDIN_FILENO, a->input + a->input_len, cap - a->input_len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            agent_error(a, "reading standard input: %s", strerror(errno));
            return false;
        }
        if (r == 0)
            break;
        a->input_len += (size_t)r;
    }
    a->input[a->input_len] = '\0';
    for (line = a->input; line && *line; line = next) {
        char *eq, *key;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line = trim(line);
        if (!*line || *line == '#')
            continue;
        eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        key = trim(line);
        add_pair(a, key, strlen(key), eq ? trim(eq + 1) : "", false);
    }
    return true;
}

static bool is_flag(const agent *a, const char *name)
{
    const agent_key *k = agent_key_find(name);
    const hf_param_def *d;
    if (k)
        return k->kind == AGENT_KEY_VERBOSE;
    d = a->plugin ? hfc_param_def_find(hfc_plugin_descriptor_of(a->plugin)->params, name) : NULL;
    return d && d->type == HF_PARAM_BOOLEAN;
}

/* The command-line form: -o ACTION, -X VALUE for fence-agents' short
 * options, --name=value, --name value, --flag; -h, -V. */
static bool read_argv(agent *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            a->help = true;
        } else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
            a->version = true;
        } else if (strncmp(arg, "--", 2) == 0 && arg[2]) {
            const char *eq = strchr(arg + 2, '=');
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(eq ? (size_t)(eq - arg - 2) : strlen(arg + 2)), arg + 2);
            if (eq) {
                add_pair(a, name, strlen(name), eq + 1, true);
            } else if (is_flag(a, name)) {
                add_pair(a, name, strlen(name), "1", true);
            } else if (i + 1 < argc) {
                add_pair(a, name, strlen(name), argv[++i], true);
            } else {
                agent_error(a, "--%s needs a value", name);
                return false;
            }
        } else if (arg[0] == '-' && arg[1] && !arg[2]) {
            const agent_key *k = agent_key_by_option(arg[1]);
            if (!k) {
                agent_error(a, "unknown option %s (%s -h lists them)", arg, a->name);
                return false;
            }
            if (k->kind == AGENT_KEY_VERBOSE)
                add_pair(a, k->name, strlen(k->name), "1", true);
            else if (i + 1 < argc)
                add_pair(a, k->name, strlen(k->name), argv[++i], true);
            else {
                agent_error(a, "%s needs a value", arg);
                return false;
            }
        } else if (arg[0] == '-' && arg[1] && arg[2]) {
            const agent_key *k = agent_key_by_option(arg[1]);
            if (!k || k->kind == AGENT_KEY_VERBOSE) {
                agent_error(a, "unknown option %s (%s -h lists them)", arg, a->name);
                return false;
            }
            add_pair(a, k->name, strlen(k->name), arg + 2, true);
        } else {
            agent_error(a, "unexpected argument '%s': options are -o ACTION and --name=value (%s -h)", arg, a->name);
            return false;
        }
    }
    return true;
}

static void note_ignored(agent *a, const char *key)
{
    size_t n = strlen(a->ignored);
    snprintf(a->ignored + n, sizeof a->ignored - n, "%s%s", n ? ", " : "", key);
}

static bool seconds_ms(agent *a, const agent_pair *p, int64_t *out)
{
    char *end;
    double s;
    errno = 0;
    s = strtod(p->value, &end);
    if (errno || end == p->value || *trim(end) || !isfinite(s) || s < 0 || s > 86400) {
        agent_error(a, "%s: '%s' is not a number of seconds", p->key, p->value);
        return false;
    }
    *out = (int64_t)llround(s * 1000);
    return true;
}

static void set_param(agent *a, const hf_param_def *def, const agent_pair *p)
{
    if (def->flags & HF_PARAM_SECRET)
        hfc_secret_register(p->value);
    /* a flag given by name alone is on */
    hfc_paramset_set(a->set, def->name, def->type == HF_PARAM_BOOLEAN && !*p->value ? "1" : p->value);
}

/* Every pair, in order (the last value wins), to what it means. */
static bool apply_pairs(agent *a)
{
    const hf_param_def *defs = hfc_plugin_descriptor_of(a->plugin)->params;
    for (size_t i = 0; i < a->count; i++) {
        agent_pair *p = &a->pairs[i];
        const agent_key *k = agent_key_find(p->key);
        const hf_param_def *def = NULL;
        const char *param;
        int64_t ms;
        if (!k) {
            def = hfc_param_def_find(defs, p->key); /* hafence's own name */
        } else if (k->kind == AGENT_KEY_PARAM) {
            def = hfc_param_def_find(defs, k->param);
        }
        if (def && (def->flags & HF_PARAM_SECRET) && p->from_argv) {
            agent_error(a,
                        "%s on the command line is visible to every user (ps): give it on standard input "
                        "(%s=...) or with --password-script",
                        p->key, p->key);
            return false;
        }
        if (def) {
            set_param(a, def, p);
            continue;
        }
        switch (k ? k->kind : AGENT_KEY_UNUSED) {
        case AGENT_KEY_ACTION: a->action = p->value; break;
        case AGENT_KEY_PLUG: a->plug = p->value; break;
        case AGENT_KEY_NODE: a->node = p->value; break;
        case AGENT_KEY_PASSWORD_SCRIPT:
            if (hfc_param_def_find(defs, k->param))
                a->password_script = p->value;
            else
                note_ignored(a, p->key);
            break;
        case AGENT_KEY_TIMEOUT:
            if (!seconds_ms(a, p, &ms))
                return false;
            a->engine.timeout_ms = ms;
            break;
        case AGENT_KEY_POWER_TIMEOUT:
            if (!seconds_ms(a, p, &ms))
                return false;
            a->engine.power_timeout_ms = ms;
            break;
        case AGENT_KEY_DELAY:
            if (!seconds_ms(a, p, &ms))
                return false;
            a->delay_ms = ms;
            break;
        case AGENT_KEY_PARAM_SECONDS:
            if (!(param = agent_key_param(k, a->plugin))) {
                note_ignored(a, p->key);
            } else {
                char v[32];
                if (!seconds_ms(a, p, &ms))
                    return false;
                snprintf(v, sizeof v, "%lld", (long long)ms);
                hfc_paramset_set(a->set, param, v);
            }
            break;
        case AGENT_KEY_RETRY_ON: {
            char *end;
            long n = strtol(p->value, &end, 10);
            if (end == p->value || *end || n < 1 || n > 10) {
                agent_error(a, "retry_on: '%s' is not a number of power requests from 1 to 10", p->value);
                return false;
            }
            a->engine.retries = (int)n - 1;
            break;
        }
        case AGENT_KEY_VERBOSE:
            a->verbose = !*p->value || strcmp(p->value, "1") == 0 || strcasecmp(p->value, "yes") == 0 ||
                         strcasecmp(p->value, "true") == 0 || strcasecmp(p->value, "on") == 0;
            break;
        default: /* AGENT_KEY_PARAM the plugin lacks, AGENT_KEY_UNUSED, unknown */ note_ignored(a, p->key); break;
        }
    }
    if (*a->ignored)
        fprintf(stderr, "%s: ignored (of no use to hafence's %s plugin): %s\n", a->name, a->plugin_name, a->ignored);
    return true;
}

/* password_script: its first line of output is the password (stderr goes
 * to ours, for the fencer's log). */
static bool run_password_script(agent *a)
{
    char script[4200], reason[256];
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    hf_reply why;
    run_result *res;
    hf_context ctx;
    int sh, err_fd;
    size_t n;
    if (!a->password_script)
        return true;
    if ((sh = trust_open("/bin/sh", &why)) < 0) {
        agent_error(a, "password_script: %s", why.message);
        return false;
    }
    /* the shell's stderr: ours, through a descriptor the child inherits */
    err_fd = dup(STDERR_FILENO);
    snprintf(script, sizeof script, "exec 2>&%d %d>&-\n%s", err_fd, err_fd, a->password_script);
    hfc_context_plain(&ctx, hf_now_ms() + AGENT_PASSWORD_SCRIPT_MS, "password_script");
    res = hfc_calloc(1, sizeof *res);
    if ((n = (size_t)run_program(&ctx, sh, argv, envp, NULL, res)) != 0 || !res->exited || res->exit_status != 0) {
        snprintf(reason, sizeof reason, "%s",
                 n                ? strerror((int)n)
                 : res->timed_out ? "did not finish within 10 s"
                 : res->exited    ? "exited non-zero"
                                  : "was killed");
        agent_error(a, "password_script %s (exit %d): no password", reason, res->exited ? res->exit_status : -1);
        close(err_fd);
        close(sh);
        hfc_wipe(res, sizeof *res);
        free(res);
        return false;
    }
    close(err_fd);
    close(sh);
    n = strcspn(res->output, "\r\n");
    res->output[n] = '\0';
    if (!n) {
        agent_error(a, "password_script printed no password");
        hfc_wipe(res, sizeof *res);
        free(res);
        return false;
    }
    hfc_secret_register(res->output);
    hfc_paramset_set(a->set, HF_PARAM_NAME_PASSWORD, res->output);
    hfc_wipe(res, sizeof *res);
    free(res);
    return true;
}

/* Who asked, for the history: the fencer (it sets PCMK_service) on this
 * node, or the user. */
static void requested_by(const agent *a, char *buf, size_t size)
{
    const char *service = getenv("PCMK_service");
    struct utsname u;
    if (uname(&u) != 0)
        snprintf(u.nodename, sizeof u.nodename, "?");
    if (service && *service) {
        snprintf(buf, size, "%s on %s (%s, pid %ld)", service, u.nodename, a->name, (long)getpid());
    } else {
        struct passwd *pw = getpwuid(getuid());
        snprintf(buf, size, "%s (user %s on %s, pid %ld)", a->name, pw ? pw->pw_name : "?", u.nodename, (long)getpid());
    }
}

typedef struct agent_record {
    const agent *a;
    const char *target;
    const char *address; /* the device's */
    char who[512];
} agent_record;

static void record(const agent_record *r, hfc_action action, const hfc_outcome *out)
{
    hfc_history_record rec = {0};
    hfc_error err = {0};
    rec.time_ms = hfc_wall_ms();
    rec.target = r->target;
    rec.plugin = r->a->plugin_name;
    rec.address = r->address;
    rec.action = hfc_action_name(action);
    rec.result = hf_result_name(out->code);
    rec.verified = out->verified;
    rec.message = out->message;
    rec.duration_ms = out->duration_ms;
    rec.requested_by = r->who;
    if (!hfc_history_append(hfc_history_default_path(), &rec, &err))
        fprintf(stderr, "%s: warning: not recorded in the history: %s (HAFENCE_HISTORY names the file)\n", r->a->name,
                err.message);
}

/* The agent was killed during the operation (the fencer's timeout kills
 * its process group): the operation's child records it, then stops. */
static void record_orphan(void *arg, const hfc_request *req, const hfc_outcome *out)
{
    record(arg, req->action, out);
}

static void print_help(const agent *a)
{
    printf("usage: %s [-o ACTION] [-n PLUG] [-a IP] [-l LOGIN] [--name=value...]\n"
           "       %s < name=value lines (as Pacemaker's fencer runs it)\n"
           "hafence's %s plugin as a fence agent.  Actions: on off reboot status monitor%s metadata "
           "validate-all.\nParameters (metadata lists them with their types): ",
           a->name, a->name, a->plugin_name, a->plugin && hfc_plugin_fence_list(a->plugin) ? " list" : "");
    for (const agent_key *k = agent_keys; k->name; k++)
        if (k->listed && !k->deprecated)
            printf("%s ", k->name);
    for (const hf_param_def *d = a->plugin ? hfc_plugin_descriptor_of(a->plugin)->params : NULL; d && d->name; d++)
        printf("%s ", d->name);
    printf("\nSecrets only on standard input or through password_script, never as arguments.\n"
           "Exit: 0 done; 1 failed; status: 0 on, 2 off, 1 unknown.\n");
}

static bool plugin_targets(const agent *a)
{
    return !(hfc_plugin_descriptor_of(a->plugin)->capabilities & HF_CAP_TARGET_IS_DEVICE);
}

/* The operation, once everything is in place. */
static int act(agent *a, hfc_action action, const hf_param *params, volatile sig_atomic_t *cancel)
{
    hfc_request req = {0};
    hfc_outcome out = {0};
    agent_record rec = {.a = a};
    bool fence = action == HFC_ACTION_OFF || action == HFC_ACTION_ON || action == HFC_ACTION_REBOOT;
    int rc;
    const char *target = "";
    if (action != HFC_ACTION_MONITOR && action != HFC_ACTION_LIST && plugin_targets(a)) {
        if (!a->plug || !*a->plug) {
            agent_error(a, "%s needs a target: plug (Pacemaker passes it as port unless pcmk_host_argument=none)",
                        hfc_action_name(action));
            return AGENT_STATUS_FAILED;
        }
        target = a->plug;
    } else if (a->plug && *a->plug && a->verbose) {
        fprintf(stderr, "%s: plug '%s' not used: the %s device fences one host (%s)\n", a->name, a->plug,
                a->plugin_name,
                action == HFC_ACTION_MONITOR || action == HFC_ACTION_LIST ? "this action has none" : "its address");
    }
    rec.target = *target ? target : a->node ? a->node : "";
    rec.address = hf_param_get(params, HF_PARAM_NAME_ADDRESS);
    requested_by(a, rec.who, sizeof rec.who);
    if (a->delay_ms && (action == HFC_ACTION_OFF || action == HFC_ACTION_REBOOT)) {
        if (a->delay_ms >= a->engine.timeout_ms) {
            agent_error(a, "delay (%lld s) leaves no time of timeout (%lld s)", (long long)a->delay_ms / 1000,
                        (long long)a->engine.timeout_ms / 1000);
            return AGENT_STATUS_FAILED;
        }
        if (!hfc_sleep_ms(a->delay_ms, cancel)) {
            agent_error(a, "stopped during the delay");
            return AGENT_STATUS_FAILED;
        }
        a->engine.timeout_ms -= a->delay_ms;
    }
    req.plugin = a->plugin;
    req.params = params;
    req.target = target;
    req.action = action;
    req.console_fd = -1;
    a->engine.cancel = cancel;
    if (fence) {
        a->engine.on_orphan = record_orphan;
        a->engine.orphan_arg = &rec;
    }
    hfc_engine_run(&a->engine, &req, 1, &out);
    if (fence)
        record(&rec, action, &out);
    if (out.code != HF_OK) {
        fprintf(stderr, "Failed: %s of %s: %s: %s [%lld ms]\n", hfc_action_name(action),
                *rec.target ? rec.target : a->plugin_name, hf_result_name(out.code), out.message,
                (long long)out.duration_ms);
        rc = AGENT_STATUS_FAILED;
    } else if (action == HFC_ACTION_STATUS) {
        printf("Status: %s (%s)\n",
               out.power == HF_POWER_ON    ? "ON"
               : out.power == HF_POWER_OFF ? "OFF"
                                           : "UNKNOWN",
               out.message);
        rc = out.power == HF_POWER_ON    ? AGENT_STATUS_OK
             : out.power == HF_POWER_OFF ? AGENT_STATUS_OFF
                                         : AGENT_STATUS_FAILED;
    } else if (action == HFC_ACTION_LIST) {
        for (size_t i = 0; i < out.item_count; i++)
            printf("%s,%s\n", out.items[i].target, out.items[i].name);
        rc = AGENT_STATUS_OK;
    } else {
        printf("Success: %s of %s%s: %s [%lld ms]\n", hfc_action_name(action),
               *rec.target ? rec.target : a->plugin_name,
               fence ? (out.verified ? " (verified)" : " (unverified by hafence)") : "", out.message,
               (long long)out.duration_ms);
        rc = AGENT_STATUS_OK;
    }
    hfc_outcome_clear(&out);
    return rc;
}

static void agent_free(agent *a)
{
    for (size_t i = 0; i < a->count; i++) {
        hfc_wipe(a->pairs[i].value, strlen(a->pairs[i].value));
        free(a->pairs[i].key);
        free(a->pairs[i].value);
    }
    free(a->pairs);
    if (a->input) {
        hfc_wipe(a->input, a->input_len);
        free(a->input);
    }
    hfc_paramset_free(a->set);
    hfc_plugin_unload(a->plugin);
}

int agent_main(int argc, char **argv, const char *plugin, volatile sig_atomic_t *cancel)
{
    agent a;
    hfc_search_path path;
    hfc_error err = {0};
    hfc_action action = HFC_ACTION_REBOOT;
    hf_param *params = NULL;
    int rc = AGENT_STATUS_FAILED;

    memset(&a, 0, sizeof a);
    agent_name_of(plugin, a.name, sizeof a.name);
    a.plugin_name = plugin;
    a.set = hfc_paramset_new();
    hfc_engine_options_init(&a.engine);
    a.engine.timeout_ms = AGENT_TIMEOUT_MS;
    hfc_log_set_level(HF_LOG_WARNING);

    hfc_search_path_init(&path, HAFENCE_PLUGINDIR);
    a.plugin = hfc_plugin_find(&path, plugin, &err);
    hfc_search_path_free(&path);
    if (!(argc > 1 ? read_argv(&a, argc, argv) : read_stdin(&a)))
        goto out;
    /* the action first: metadata never fails, whatever else is wrong */
    for (size_t i = 0; i < a.count; i++) {
        const agent_key *k = agent_key_find(a.pairs[i].key);
        if (k && k->kind == AGENT_KEY_ACTION)
            a.action = a.pairs[i].value;
    }
    if (a.action && strcmp(a.action, "metadata") == 0) {
        if (!a.plugin)
            fprintf(stderr, "%s: %s\n", a.name, err.message);
        rc = agent_metadata_write(a.plugin, a.name, stdout) ? AGENT_STATUS_OK : AGENT_STATUS_FAILED;
        goto out;
    }
    if (a.version) {
        printf("%s (hafence %s, plugin %s %s)\n", a.name, HAFENCE_VERSION, plugin,
               a.plugin ? hfc_plugin_descriptor_of(a.plugin)->version : "not found");
        rc = AGENT_STATUS_OK;
        goto out;
    }
    if (a.help) {
        print_help(&a);
        rc = AGENT_STATUS_OK;
        goto out;
    }
    if (!a.plugin) {
        agent_error(&a, "%s", err.message);
        goto out;
    }
    if (hfc_plugin_descriptor_of(a.plugin)->kind != HF_KIND_FENCE) {
        agent_error(&a, "%s is not a fence plugin", plugin);
        goto out;
    }
    if (!apply_pairs(&a))
        goto out;
    if (a.verbose)
        hfc_log_set_level(HF_LOG_DEBUG);
    if (!a.action)
        a.action = "reboot";
    if (strcmp(a.action, "validate-all") != 0 &&
        (!hfc_action_parse(a.action, &action) || action == HFC_ACTION_CHECK || action == HFC_ACTION_CONSOLE)) {
        agent_error(&a, "unknown action '%s': on, off, reboot, status, monitor, list, metadata or validate-all",
                    a.action);
        goto out;
    }
    if (action == HFC_ACTION_LIST && !hfc_plugin_fence_list(a.plugin)) {
        agent_error(&a, "the %s plugin cannot list targets", plugin);
        goto out;
    }
    if (!run_password_script(&a))
        goto out;
    hfc_method_param_defaults(a.plugin, a.set, hfc_history_default_path());
    params = hfc_params_validate(hfc_plugin_descriptor_of(a.plugin)->params, a.set, plugin, &err);
    if (!params) {
        agent_error(&a, "%s", err.message);
        goto out;
    }
    if (strcmp(a.action, "validate-all") == 0) {
        printf("%s: the parameters are valid\n", a.name);
        rc = AGENT_STATUS_OK;
        goto out;
    }
    rc = act(&a, action, params, cancel);
out:
    hfc_params_free(params);
    agent_free(&a);
    return rc;
}
