/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hafenced: options, logging (syslog/journald, or stderr in the
 * foreground), signals (SIGHUP reloads, SIGTERM stops), one instance per
 * state directory, and the main loop around hafenced_cycle().
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/keys.h"
#include "core/decide.h"
#include "core/history.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE  64
#define EXIT_CONFIG 78

static volatile sig_atomic_t stop_requested, reload_requested, woken;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_requested = 1;
    else
        stop_requested = 1;
    woken = 1;
}

static void syslog_sink(hf_log_level level, const char *line, void *arg)
{
    static const int priority[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
    (void)arg;
    syslog(priority[level <= HF_LOG_DEBUG ? level : HF_LOG_DEBUG], "%s", line);
}

static void stderr_sink(hf_log_level level, const char *line, void *arg)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    struct timespec now;
    struct tm tm;
    (void)arg;
    clock_gettime(CLOCK_REALTIME, &now);
    localtime_r(&now.tv_sec, &tm);
    fprintf(stderr, "%02d:%02d:%02d.%03ld hafenced: %s: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000,
            names[level <= HF_LOG_DEBUG ? level : HF_LOG_DEBUG], line);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hafenced [options]\n"
            "  -c, --config FILE     pool-wide HA-Lizard config (default /etc/ha-lizard/ha-lizard.pool.conf)\n"
            "  -o, --override FILE   this host's override file (default /etc/ha-lizard/ha-lizard.conf)\n"
            "      --state-dir DIR   cached pool view, status, suspension (default %s)\n"
            "      --runtime-dir DIR status when the state directory does not take it, recover requests\n"
            "                        (default %s)\n"
            "      --history FILE    fence history (default %s)\n"
            "      --plugin-dir DIR  where plugins are (default %s)\n"
            "      --host-uuid UUID  this host (default: INSTALLATION_UUID of --inventory)\n"
            "      --inventory FILE  default /etc/xensource-inventory\n"
            "  -f, --foreground      do not detach; log to stderr (unless --syslog)\n"
            "      --syslog          log to syslog (journald) also in the foreground\n"
            "      --check-config    prove the configuration can fence, without fencing: exit 0 yes,\n"
            "                        78 the configuration is wrong, 1 XAPI or a device does not work\n"
            "      --probe           with --check-config: ask each host's fence device for its power\n"
            "      --keys            list every configuration key (name, default, effect, meaning)\n"
            "  -v, --verbose         more detail (twice: debug)\n"
            "  -h, --help, --version\n",
            hfc_state_dir_default(), hfc_runtime_dir_default(), hfc_history_default_path(), HAFENCE_PLUGINDIR);
}

/* --keys: every configuration key, tab-separated: name, default,
 * honoured or ignored, meaning (and why it is ignored).  hafenced(8) shows
 * the same table. */
static void print_keys(void)
{
    size_t n;
    const hfc_key_def *k = hfc_keys(&n);
    printf("KEY\tDEFAULT\tEFFECT\tMEANING\n");
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%s%s%s\n", k[i].name, k[i].dflt ? (*k[i].dflt ? k[i].dflt : "\"\"") : "(required)",
               k[i].honoured ? "honoured" : "ignored", k[i].meaning,
               k[i].honoured ? "" : "; ignored: ", k[i].honoured ? "" : k[i].ignored_why);
    printf("<METHOD>_<PARAM>\t\thonoured\tthe fence method's plugin's parameter (IPMI_USERNAME: ipmi's username; "
           "'-' in a name is '_'; secrets also as <METHOD>_<PARAM>_FILE)\n");
    printf("HAFENCE_XAPI_<PARAM>\t\thonoured\thow hafenced reaches XAPI: the pool plugin's parameters "
           "(ADDRESS, USERNAME, PASSWORD_FILE, ...)\n");
}

/* One daemon per state directory: a second would fence the same peers. */
static int lock_state_dir(const char *dir, hfc_error *err)
{
    char *path = hfc_state_path(dir, "hafenced.lock");
    int fd = mkdir(dir, 0750) == 0 || errno == EEXIST ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640) : -1;
    if (fd < 0) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: %s", path, strerror(errno));
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: another hafenced uses this state directory", path);
        close(fd);
        fd = -1;
    } else {
        char pid[32];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n)
            hfc_log(HF_LOG_WARNING, "%s: cannot write the pid", path);
    }
    free(path);
    return fd;
}

/* The alert thread's copy of what it sends with. */
static void configure_alerts(hafenced *d)
{
    xapi_settings xs;
    daemon_xapi_settings(&d->dc, &xs);
    alerts_configure(d->alerts, &d->dc.ds.alerts, &xs, d->self);
    xapi_settings_wipe(&xs);
}

static void reload(hafenced *d)
{
    daemon_config fresh;
    hfc_error err = {0};
    if (!daemon_config_load(&d->opt, d->view.other_config, &fresh, &err)) {
        char text[HF_MESSAGE_MAX + 64];
        hfc_log(HF_LOG_ERROR, "reload refused, the running configuration stays: %s", err.message);
        snprintf(text, sizeof text, "reload refused, the running configuration stays: %s", err.message);
        alerts_post(d->alerts, "reload-refused", HF_LOG_ERROR, d->self, NULL, text);
        free(d->pool_db_refused);
        d->pool_db_refused = pool_db_entries(d->view.other_config);
        return;
    }
    /* XAPI credentials may have changed: new clients, the view read anew */
    view_reader_stop(d->reader);
    daemon_config_free(&d->dc);
    d->dc = fresh;
    readiness_reload(d);
    d->reader = view_reader_start(&d->dc);
    xapi_free(d->x);
    d->x = NULL;
    configure_alerts(d);
    hfc_log(HF_LOG_WARNING, "configuration reloaded from %s%s%s%s", d->opt.config_path,
            *d->dc.pool_db ? ", the pool database (other-config HA_*)" : "",
            d->opt.override_path && access(d->opt.override_path, F_OK) == 0 ? " and " : "",
            d->opt.override_path && access(d->opt.override_path, F_OK) == 0 ? d->opt.override_path : "");
}

/* The options' paths made absolute (freed at exit, whichever way). */
static char *absolute[6];

static void free_paths(void)
{
    for (size_t i = 0; i < sizeof absolute / sizeof absolute[0]; i++)
        free(absolute[i]);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"override", required_argument, NULL, 'o'},
        {"state-dir", required_argument, NULL, 'S'},
        {"history", required_argument, NULL, 'H'},
        {"plugin-dir", required_argument, NULL, 'P'},
        {"host-uuid", required_argument, NULL, 'U'},
        {"inventory", required_argument, NULL, 'I'},
        {"foreground", no_argument, NULL, 'f'},
        {"syslog", no_argument, NULL, 'L'},
        {"check-config", no_argument, NULL, 'C'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"runtime-dir", required_argument, NULL, 'R'},
        {"probe", no_argument, NULL, 'p'},
        {"keys", no_argument, NULL, 'K'},
        {NULL, 0, NULL, 0},
    };
    hafenced d;
    hfc_error err = {0};
    struct sigaction sa;
    bool check_only = false, probe = false;
    int opt, lock_fd;
    hfc_process_protect(); /* before any secret is read */
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    /* one malloc arena: glibc gives each thread that allocates (the view
     * reader, the VM starts) an arena of its own, which keeps its pages;
     * a daemon of a few threads that mostly wait gains nothing from them
     * (measured at 64 hosts: RSS 19.0 -> 18.4 MiB) */
    mallopt(M_ARENA_MAX, 1);
#endif
    atexit(free_paths);
    memset(&d, 0, sizeof d);
    d.opt.config_path = "/etc/ha-lizard/ha-lizard.pool.conf";
    d.opt.override_path = "/etc/ha-lizard/ha-lizard.conf";
    d.opt.state_dir = hfc_state_dir_default();
    d.opt.runtime_dir = hfc_runtime_dir_default();
    d.opt.history_path = hfc_history_default_path();
    d.opt.inventory = "/etc/xensource-inventory";
    while ((opt = getopt_long(argc, argv, "c:o:fvh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': d.opt.config_path = optarg; break;
        case 'o': d.opt.override_path = optarg; break;
        case 'S': d.opt.state_dir = optarg; break;
        case 'R': d.opt.runtime_dir = optarg; break;
        case 'H': d.opt.history_path = optarg; break;
        case 'P': d.opt.plugin_dir = optarg; break;
        case 'U': d.opt.host_uuid = optarg; break;
        case 'I': d.opt.inventory = optarg; break;
        case 'f': d.opt.foreground = true; break;
        case 'L': d.opt.syslog = true; break;
        case 'C':
            check_only = true;
            d.opt.foreground = true;
            break;
        case 'v': d.opt.verbose++; break;
        case 'p': probe = true; break;
        case 'K': print_keys(); return 0;
        case 'h': usage(stdout); return 0;
        case 'V': printf("hafenced %s\n", HAFENCE_VERSION); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (probe && !check_only) {
        fprintf(stderr, "hafenced: --probe goes with --check-config\n");
        return EXIT_USAGE;
    }
    /* -o '': no override file */
    if (!*d.opt.override_path)
        d.opt.override_path = NULL;
    if (optind < argc) {
        fprintf(stderr, "hafenced: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    /* it detaches into /: relative paths resolved against where it started */
    d.opt.state_dir = absolute[0] = hfc_absolute_path(d.opt.state_dir);
    d.opt.runtime_dir = absolute[1] = hfc_absolute_path(d.opt.runtime_dir);
    d.opt.history_path = absolute[2] = hfc_absolute_path(d.opt.history_path);
    d.opt.config_path = absolute[3] = hfc_absolute_path(d.opt.config_path);
    if (d.opt.override_path)
        d.opt.override_path = absolute[4] = hfc_absolute_path(d.opt.override_path);
    if (d.opt.plugin_dir)
        d.opt.plugin_dir = absolute[5] = hfc_absolute_path(d.opt.plugin_dir);
    /* warnings and up always: every decision is logged at warning */
    hfc_log_set_level(d.opt.verbose >= 2 ? HF_LOG_DEBUG : d.opt.verbose ? HF_LOG_INFO : HF_LOG_WARNING);
    if (!d.opt.foreground || d.opt.syslog) {
        openlog("hafenced", LOG_PID, LOG_DAEMON);
        hfc_log_set_sink(syslog_sink, NULL);
    } else {
        hfc_log_set_sink(stderr_sink, NULL);
    }

    if (d.opt.host_uuid) {
        if (!hfc_is_uuid(d.opt.host_uuid)) {
            fprintf(stderr, "hafenced: --host-uuid %s: not a UUID\n", d.opt.host_uuid);
            return EXIT_USAGE;
        }
        hfc_strlcpy(d.self, d.opt.host_uuid, sizeof d.self);
    } else if (!daemon_read_inventory(d.opt.inventory, d.self, &err)) {
        fprintf(stderr, "hafenced: %s (or give --host-uuid)\n", err.message);
        /* a configuration may be checked on any machine */
        if (!check_only)
            return EXIT_CONFIG;
        memset(&err, 0, sizeof err);
    }
    /* the pool database's configuration as this host last saw it; a fresh
     * read that differs reloads */
    if (!pool_view_load(&d.view, d.opt.state_dir, &err))
        memset(&err, 0, sizeof err);
    if (!daemon_config_load(&d.opt, d.view.other_config, &d.dc, &err)) {
        if (check_only) {
            printf("  FAIL  %s\nhafenced: the configuration does not load\n", err.message);
            pool_view_free(&d.view);
            return EXIT_CONFIG;
        }
        hfc_log(HF_LOG_ERROR, "%s", err.message);
        if (!d.opt.foreground || d.opt.syslog)
            fprintf(stderr, "hafenced: %s\n", err.message);
        pool_view_free(&d.view);
        return EXIT_CONFIG;
    }
    if (check_only) {
        int rc;
        d.stop = &stop_requested;
        rc = daemon_check_config(&d, probe);
        hafenced_free(&d);
        return rc;
    }
    if (!d.opt.foreground && daemon(0, 0) != 0) {
        fprintf(stderr, "hafenced: cannot detach: %s\n", strerror(errno));
        hafenced_free(&d);
        return 1;
    }
    if ((lock_fd = lock_state_dir(d.opt.state_dir, &err)) < 0) {
        hfc_log(HF_LOG_ERROR, "%s", err.message);
        hafenced_free(&d);
        return 1;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    d.stop = &stop_requested;

    hfc_log(HF_LOG_WARNING,
            "hafenced %s started: host %s, config %s, method %s, XAPI_COUNT=%lld XAPI_DELAY=%lld, peer probe %s (%s: "
            "%s)",
            HAFENCE_VERSION, d.self, d.opt.config_path, d.dc.settings.fence_method, d.dc.settings.xapi_count,
            d.dc.settings.xapi_delay, hfc_plugin_name(d.dc.ping_plugin), hfc_plugin_path(d.dc.ping_plugin),
            hfc_plugin_heur_probe(d.dc.ping_plugin) ? "every peer in one call"
                                                    : "one peer a call, it has no probe entry point");
    d.alerts = alerts_start();
    configure_alerts(&d);
    d.reader = view_reader_start(&d.dc);
    notify_ready();
    while (!stop_requested) {
        int64_t wait_ms;
        if (reload_requested || d.reload_wanted) {
            reload_requested = 0;
            d.reload_wanted = false;
            reload(&d);
        }
        wait_ms = hafenced_cycle(&d);
        notify_alive();
        notify_status("%s; %zu peers; %s", hfc_role_name(d.role), d.peer_count,
                      !d.suspended              ? "watching"
                      : d.suspension_unrecorded ? "SUSPENDED (in memory only: marker not written)"
                                                : "SUSPENDED");
        if (!stop_requested && !reload_requested) {
            woken = 0;
            readiness_wait(&d, wait_ms, &woken);
        }
    }
    notify_stopping();
    hfc_log(HF_LOG_WARNING, "hafenced stopping");
    alerts_stop(d.alerts, 5000); /* what is queued gets a moment to go out */
    d.alerts = NULL;
    hafenced_free(&d);
    close(lock_fd);
    hfc_secrets_forget();
    return 0;
}
