/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hafence: the plugin test harness and operator's command line. */
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
#include "cli/cli.h"
#include "cli/agent.h"
#include "proto/trust/trust.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <strings.h>
#include <unistd.h>

extern char **environ;

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("hafence: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(hafence --help for usage)\n", stderr);
    return EXIT_USAGE;
}

void cli_program_path(const char *name, const char *installed_dir, char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        char *slash;
        self[n] = '\0';
        if ((slash = strrchr(self, '/')) != NULL &&
            snprintf(out, size, "%.*s/%s", (int)(slash - self), self, name) < (int)size && access(out, X_OK) == 0)
            return;
    }
    snprintf(out, size, "%s/%s", installed_dir, name);
}

void cli_program_exec(const char *name, const char *installed_dir, const char *what, char *const argv[])
{
    char path[PATH_MAX];
    hf_reply reply = {0};
    int fd;
    cli_program_path(name, installed_dir, path, sizeof path);
    fflush(stdout);
    if ((fd = trust_open(path, &reply)) < 0) {
        fprintf(stderr, "hafence: %s is needed for %s: %s\n", path, what, reply.message);
        return;
    }
    fexecve(fd, argv, environ);
    fprintf(stderr, "hafence: %s is needed for %s, and would not run: %s\n", path, what, strerror(errno));
    close(fd);
}

int cli_config_error(const hfc_error *err)
{
    fprintf(stderr, "hafence: configuration error: %s\n", err->message);
    return EXIT_CONFIG;
}

const char *cli_history_path(const cli *c)
{
    return c->history ? c->history : hfc_history_default_path();
}

void cli_param_defaults(const cli *c, const hfc_plugin *plugin, hfc_paramset *set)
{
    hfc_method_param_defaults(plugin, set, cli_history_path(c));
}

void cli_plugin_path(const cli *c, hfc_search_path *path)
{
    hfc_search_path_init(path, c->plugin_dir ? c->plugin_dir : HAFENCE_PLUGINDIR);
}

hfc_plugin *cli_plugin_find(const cli *c, const char *name, int *rc)
{
    hfc_search_path path;
    hfc_error err = {0};
    hfc_plugin *p;
    cli_plugin_path(c, &path);
    p = hfc_plugin_find(&path, name, &err);
    hfc_search_path_free(&path);
    if (!p) {
        fprintf(stderr, "hafence: %s\n", err.message);
        *rc = err.code == HF_E_BAD_PARAMETER ? EXIT_USAGE : EXIT_FAILED;
    }
    return p;
}

static bool take_secret(hfc_paramset *set, const char *name, char *value)
{
    if (!value)
        return false;
    hfc_paramset_set(set, name, value);
    hfc_secret_free(value);
    return true;
}

bool cli_secrets(const cli *c, const hfc_plugin *plugin, hfc_paramset *set, hfc_error *err)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(plugin);
    for (const hf_param_def *p = d->params; p && p->name; p++) {
        char env_name[128];
        const char *v;
        if (!(p->flags & HF_PARAM_SECRET))
            continue;
        if (strcmp(p->name, HF_PARAM_NAME_PASSWORD) == 0) {
            if (c->password_file) {
                if (!take_secret(set, p->name, hfc_secret_from_file(c->password_file, err)))
                    return false;
                continue;
            }
            if (c->password_stdin) {
                if (!take_secret(set, p->name, hfc_secret_from_fd(0, "password", err)))
                    return false;
                continue;
            }
            if (c->password_env) {
                v = getenv(c->password_env);
                if (!v || !*v) {
                    hfc_error_set(err, HF_E_BAD_PARAMETER, "environment variable %s is not set", c->password_env);
                    return false;
                }
                hfc_secret_register(v);
                hfc_paramset_set(set, p->name, v);
                continue;
            }
        }
        for (size_t i = 0; i < c->secret_count; i++) {
            const secret_source *s = &c->secrets[i];
            if (strcmp(s->name, p->name) != 0)
                continue;
            if (s->file) {
                if (!take_secret(set, p->name, hfc_secret_from_file(s->file, err)))
                    return false;
            } else if ((v = getenv(s->env)) && *v) {
                hfc_secret_register(v);
                hfc_paramset_set(set, p->name, v);
            } else {
                hfc_error_set(err, HF_E_BAD_PARAMETER, "environment variable %s is not set", s->env);
                return false;
            }
            goto next;
        }
        /* HAFENCE_<NAME>, when nothing else gave a value */
        if (!hfc_paramset_get(set, p->name)) {
            size_t i = (size_t)snprintf(env_name, sizeof env_name, "HAFENCE_");
            for (const char *n = p->name; *n && i + 1 < sizeof env_name; n++)
                env_name[i++] = (char)(*n >= 'a' && *n <= 'z' ? *n - 32 : *n);
            env_name[i] = '\0';
            if ((v = getenv(env_name)) && *v) {
                hfc_secret_register(v);
                hfc_paramset_set(set, p->name, v);
            }
        }
    next:;
    }
    return true;
}

int cli_params(const cli *c, const hfc_plugin *plugin, char **args, int n, hfc_paramset *set, char ***rest,
               int *rest_count)
{
    const hf_plugin_descriptor *d = hfc_plugin_descriptor_of(plugin);
    (void)c;
    *rest = hfc_calloc((size_t)n + 1, sizeof(char *));
    *rest_count = 0;
    for (int i = 0; i < n; i++) {
        char *eq = strchr(args[i], '=');
        const hf_param_def *def;
        char name[128];
        if (!eq) {
            (*rest)[(*rest_count)++] = args[i];
            continue;
        }
        snprintf(name, sizeof name, "%.*s", (int)(eq - args[i]), args[i]);
        def = hfc_param_def_find(d->params, name);
        if (def && (def->flags & HF_PARAM_SECRET)) {
            /* it is already in this process's argv, visible in ps: say so,
             * naming the variable exactly as it is read (upper case) */
            char env[160];
            size_t k = 0;
            for (const char *q = name; *q && k + 1 < sizeof env; q++)
                env[k++] = (char)toupper((unsigned char)*q);
            env[k] = '\0';
            hfc_wipe(eq + 1, strlen(eq + 1));
            if (strcmp(name, "password") == 0)
                return cli_usage_error("parameter 'password' is secret and is refused on the command line (it "
                                       "shows in ps and shell history): use --password-file FILE, "
                                       "--password-stdin, --password-env VAR, or the environment variable "
                                       "HAFENCE_PASSWORD");
            return cli_usage_error("parameter '%s' is secret and is refused on the command line (it shows in ps "
                                   "and shell history): use --secret-file %s=FILE, --secret-env %s=VAR, or the "
                                   "environment variable HAFENCE_%s",
                                   name, name, name, env);
        }
        hfc_paramset_set(set, name, eq + 1);
    }
    return EXIT_OK;
}

/* Seconds, finite, in (0, 86400], at least a millisecond. */
static bool parse_seconds(const char *arg, int64_t *ms)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(arg, &end);
    if (end == arg || *end || errno || !isfinite(v) || !(v >= 0.001) || v > 86400)
        return false;
    *ms = (int64_t)(v * 1000);
    return true;
}

/* epoch seconds, YYYY-MM-DD[THH:MM:SS] (UTC), or an age: 30m, 12h, 1d, 2w
 * (that long before now) */
static bool parse_time(const char *arg, int64_t *ms)
{
    struct tm tm;
    long long secs;
    const char *end;
    size_t len = strlen(arg);
    if (hfc_parse_ll(arg, &secs)) {
        *ms = secs * 1000;
        return true;
    }
    if (len >= 2 && strchr("smhdw", arg[len - 1])) {
        static const int64_t unit_s[] = {
            ['s' - 'a'] = 1, ['m' - 'a'] = 60, ['h' - 'a'] = 3600, ['d' - 'a'] = 86400, ['w' - 'a'] = 604800};
        char number[32];
        snprintf(number, sizeof number, "%.*s", (int)(len - 1), arg);
        if (hfc_parse_ll(number, &secs) && secs >= 0 && secs <= 100LL * 365 * 86400) {
            *ms = hfc_wall_ms() - secs * unit_s[arg[len - 1] - 'a'] * 1000;
            return true;
        }
    }
    memset(&tm, 0, sizeof tm);
    end = strptime(arg, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end) {
        memset(&tm, 0, sizeof tm);
        end = strptime(arg, "%Y-%m-%d", &tm);
    }
    if (!end || *end)
        return false;
    *ms = (int64_t)timegm(&tm) * 1000;
    return true;
}

static bool add_secret_source(cli *c, const char *arg, bool file)
{
    const char *eq = strchr(arg, '=');
    secret_source *s;
    if (!eq || eq == arg || !eq[1] || c->secret_count >= sizeof c->secrets / sizeof c->secrets[0])
        return false;
    s = &c->secrets[c->secret_count++];
    s->name = hfc_calloc(1, (size_t)(eq - arg) + 1);
    memcpy(s->name, arg, (size_t)(eq - arg));
    if (file)
        s->file = hfc_strdup(eq + 1);
    else
        s->env = hfc_strdup(eq + 1);
    return true;
}

enum {
    OPT_PLUGIN_DIR = 256,
    OPT_HISTORY,
    OPT_NO_HISTORY,
    OPT_JSON,
    OPT_XML,
    OPT_PASSWORD_FILE,
    OPT_PASSWORD_STDIN,
    OPT_PASSWORD_ENV,
    OPT_SECRET_FILE,
    OPT_SECRET_ENV,
    OPT_TIMEOUT,
    OPT_POWER_TIMEOUT,
    OPT_RETRIES,
    OPT_PARALLEL,
    OPT_IN_PROCESS,
    OPT_HOST,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_TARGET,
    OPT_REQUESTED_BY,
    OPT_VERSION,
    OPT_FOLLOW,
    OPT_STATE_DIR,
    OPT_YES,
    OPT_RUNTIME_DIR,
    OPT_PROBE,
    OPT_HOST_UUID,
    OPT_INSTALL,
    OPT_AGENT_DIR
};

static const struct option options[] = {
    {"config", required_argument, NULL, 'c'},
    {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
    {"history", required_argument, NULL, OPT_HISTORY},
    {"no-history", no_argument, NULL, OPT_NO_HISTORY},
    {"json", no_argument, NULL, OPT_JSON},
    {"xml", no_argument, NULL, OPT_XML},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"password-env", required_argument, NULL, OPT_PASSWORD_ENV},
    {"secret-file", required_argument, NULL, OPT_SECRET_FILE},
    {"secret-env", required_argument, NULL, OPT_SECRET_ENV},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"power-timeout", required_argument, NULL, OPT_POWER_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"in-process", no_argument, NULL, OPT_IN_PROCESS},
    {"host", required_argument, NULL, OPT_HOST},
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"target", required_argument, NULL, OPT_TARGET},
    {"requested-by", required_argument, NULL, OPT_REQUESTED_BY},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"yes", no_argument, NULL, OPT_YES},
    {"runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR},
    {"probe", no_argument, NULL, OPT_PROBE},
    {"host-uuid", required_argument, NULL, OPT_HOST_UUID},
    {"install", no_argument, NULL, OPT_INSTALL},
    {"agent-dir", required_argument, NULL, OPT_AGENT_DIR},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static int run(cli *c)
{
    static const char *const actions[] = {"off", "on", "reboot", "cycle", "status", "monitor", "list"};
    hfc_action action;
    if (strcmp(c->command, "plugins") == 0)
        return cmd_plugins(c);
    if (strcmp(c->command, "info") == 0)
        return cmd_info(c);
    if (strcmp(c->command, "heuristics") == 0)
        return cmd_heuristics(c);
    if (strcmp(c->command, "probe") == 0)
        return cmd_probe(c);
    if (strcmp(c->command, "check") == 0)
        return cmd_check(c);
    if (strcmp(c->command, "history") == 0)
        return cmd_history(c);
    if (strcmp(c->command, "console") == 0)
        return cmd_console(c);
    if (strcmp(c->command, "status-pool") == 0)
        return cmd_status_pool(c);
    if (strcmp(c->command, "simulate") == 0)
        return cmd_simulate(c);
    if (strcmp(c->command, "recover") == 0)
        return cmd_recover(c);
    if (strcmp(c->command, "config") == 0)
        return cmd_config(c);
    if (strcmp(c->command, "check-config") == 0)
        return cmd_check_config(c);
    if (strcmp(c->command, "agents") == 0)
        return cmd_agents(c);
    if (strcmp(c->command, "fence") == 0)
        return cmd_action(c, HFC_ACTION_OFF, true);
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(c->command, actions[i]) == 0 && hfc_action_parse(actions[i], &action))
            return cmd_action(c, action, false);
    return cli_usage_error("unknown command '%s'", c->command); /* cli_command_known said otherwise */
}

static int print_version(void)
{
    printf("hafence %s (plugin ABI %d.%d)\n", HAFENCE_VERSION, HAFENCE_ABI_MAJOR, HAFENCE_ABI_MINOR);
    return EXIT_OK;
}

/* An option getopt did not take: named, with the nearest one. */
static int option_error(const char *arg)
{
    const char *names[sizeof options / sizeof options[0]], *near;
    char word[64];
    size_t n = 0;
    if (strncmp(arg, "--", 2) != 0)
        return cli_usage_error("unknown option '%s'", arg);
    snprintf(word, sizeof word, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
    for (const struct option *o = options; o->name; o++)
        names[n++] = o->name;
    near = hfc_nearest(word, names, n);
    return cli_usage_error("unknown option '--%s'%s%s%s", word, near ? " (did you mean '--" : "", near ? near : "",
                           near ? "'?)" : "");
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    cli c;
    int opt, rc;
    long long n;
    /* before any secret is read: no core file, no ptrace by others */
    hfc_process_protect();
    memset(&c, 0, sizeof c);
    hfc_engine_options_init(&c.engine);
    /* Ctrl-C, a TERM, or the terminal going away (an SSH session that
     * drops): running operations are asked to stop, then killed */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    c.engine.cancel = &interrupted;
    /* run as fence_hafence_<plugin>: a fence agent (Pacemaker's fencer) */
    {
        char plugin[96];
        if (argc > 0 && agent_plugin_of(argv[0], plugin, sizeof plugin))
            return agent_main(argc, argv, plugin, &interrupted);
    }

    if (argc < 2)
        return cli_usage(stderr), EXIT_USAGE;
#ifdef HAFENCE_CLI_FULL
    /* the light hafence asks for a fence agent's metadata this way */
    if (argc == 4 && strcmp(argv[1], "--agent-metadata") == 0)
        return agent_metadata_main(argv[2], argv[3]);
#endif
    c.argv = argv;
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
        return cli_command_help(argc > 2 ? argv[2] : "help");
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
        return print_version();
    c.command = argv[1];
    if (!cli_command_known(c.command)) {
        const char *near = cli_command_nearest(c.command);
        if (c.command[0] == '-')
            return cli_usage_error("'%s' before a command: hafence COMMAND [options]", c.command);
        return cli_usage_error("unknown command '%s'%s%s%s", c.command, near ? " (did you mean '" : "",
                               near ? near : "", near ? "'?)" : "");
    }
    optind = 2;
    opterr = 0; /* the mistakes are said here, with the nearest option */
    while ((opt = getopt_long(argc, argv, ":c:vhV", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (c.config_count >= sizeof c.configs / sizeof c.configs[0])
                return cli_usage_error("too many -c options");
            c.configs[c.config_count++] = optarg;
            break;
        case OPT_PLUGIN_DIR: c.plugin_dir = optarg; break;
        case OPT_HISTORY: c.history = optarg; break;
        case OPT_NO_HISTORY: c.no_history = true; break;
        case OPT_JSON: c.json = true; break;
        case OPT_XML: c.xml = true; break;
        case OPT_PASSWORD_FILE: c.password_file = optarg; break;
        case OPT_PASSWORD_STDIN: c.password_stdin = true; break;
        case OPT_PASSWORD_ENV: c.password_env = optarg; break;
        case OPT_SECRET_FILE:
        case OPT_SECRET_ENV:
            if (!add_secret_source(&c, optarg, opt == OPT_SECRET_FILE))
                return cli_usage_error("--secret-%s takes NAME=%s", opt == OPT_SECRET_FILE ? "file" : "env",
                                       opt == OPT_SECRET_FILE ? "FILE" : "VARIABLE");
            break;
        case OPT_TIMEOUT:
            if (!parse_seconds(optarg, &c.engine.timeout_ms))
                return cli_usage_error("--timeout takes seconds (0 < s <= 86400), not '%s'", optarg);
            c.timeout_given = true;
            break;
        case OPT_POWER_TIMEOUT:
            if (!parse_seconds(optarg, &c.engine.power_timeout_ms))
                return cli_usage_error("--power-timeout takes seconds, not '%s'", optarg);
            break;
        case OPT_RETRIES:
            if (!hfc_parse_ll(optarg, &n) || n < 0 || n > 100)
                return cli_usage_error("--retries takes 0 to 100, not '%s'", optarg);
            c.engine.retries = (int)n;
            break;
        case OPT_PARALLEL:
            if (!hfc_parse_ll(optarg, &n) || n < 1 || n > 100000)
                return cli_usage_error("--parallel takes a positive number, not '%s'", optarg);
            c.engine.max_parallel = (size_t)n;
            break;
        case OPT_IN_PROCESS: c.engine.isolate = false; break;
        case OPT_HOST: c.host_filter = optarg; break;
        case OPT_SINCE:
        case OPT_UNTIL:
            if (!parse_time(optarg, opt == OPT_SINCE ? &c.since_ms : &c.until_ms))
                return cli_usage_error("'%s' is not a time (epoch seconds, YYYY-MM-DD[THH:MM:SS], or an age: "
                                       "30m, 12h, 1d, 2w)",
                                       optarg);
            break;
        case OPT_TARGET: c.target = optarg; break;
        case OPT_REQUESTED_BY: c.requested_by = optarg; break;
        case OPT_FOLLOW: c.follow = true; break;
        case OPT_STATE_DIR: c.state_dir = optarg; break;
        case OPT_YES: c.yes = true; break;
        case OPT_RUNTIME_DIR: c.runtime_dir = optarg; break;
        case OPT_PROBE: c.probe = true; break;
        case OPT_HOST_UUID: c.host_uuid = optarg; break;
        case OPT_INSTALL: c.install = true; break;
        case OPT_AGENT_DIR: c.agent_dir = optarg; break;
        case 'v': c.verbose++; break;
        case 'h': return cli_command_help(c.command);
        case 'V':
        case OPT_VERSION: return print_version();
        case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return option_error(argv[optind - 1]);
        }
    }
    if ((c.password_file != NULL) + c.password_stdin + (c.password_env != NULL) > 1)
        return cli_usage_error("give the password one way only");
    c.args = argv + optind;
    c.arg_count = argc - optind;
    /* relative paths resolved once, against where the operator stands:
     * paths derived from them (console captures beside the history) must
     * not depend on it later */
    c.history = c.history_buf = hfc_absolute_path(c.history ? c.history : hfc_history_default_path());
    c.state_dir = c.state_dir_buf = hfc_absolute_path(c.state_dir);
    c.runtime_dir = c.runtime_dir_buf = hfc_absolute_path(c.runtime_dir);
    hfc_log_set_level(c.verbose >= 2 ? HF_LOG_DEBUG : c.verbose ? HF_LOG_INFO : HF_LOG_WARNING);
    rc = run(&c);
    free(c.history_buf);
    free(c.state_dir_buf);
    free(c.runtime_dir_buf);
    hfc_secrets_forget();
    for (size_t i = 0; i < c.secret_count; i++) {
        free(c.secrets[i].name);
        free(c.secrets[i].file);
        free(c.secrets[i].env);
    }
    return rc;
}
