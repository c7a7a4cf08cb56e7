/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Alerts: what an operator must hear about (a peer failed, a fence done or
 * failed, a level fallback, a promotion, a self-fence, a suspension and its
 * reminders, HA switched off for the pool, a refused reload) goes out by
 * mail (mail.c), as a message in the pool (message.create: XenCenter and
 * Xen Orchestra show it) and to the alert hooks (hooks.c).
 *
 * Nothing here may delay a fence: alerts_post() only queues, under a
 * mutex, and returns; one thread of its own sends, with bounded retries.
 * A full queue drops its oldest alert (and says so); the same alert is not
 * repeated within MAIL_SCREEN_TIME minutes, as HA-Lizard holds mail back.
 */
#include "core/util.h"
#include "core/log.h"
#include "core/hastate.h"
#include "core/history.h"
#include "daemon/hafenced.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define ALERT_QUEUE_MAX       64
#define ALERT_SCREEN_MAX      128 /* alerts remembered for MAIL_SCREEN_TIME */
#define ALERT_MAIL_TRIES      3
#define ALERT_XAPI_TIMEOUT_MS 10000

typedef struct alert {
    char event[32];
    hf_log_level level;
    char host[UUID_TEXT];
    char host_name[128];
    char message[HF_MESSAGE_MAX * 2];
    int64_t time_ms; /* wall clock */
    unsigned long sequence;
} alert;

struct alerts {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stopping;
    alert queue[ALERT_QUEUE_MAX];
    size_t head, count;
    unsigned long sequence, dropped;
    /* what the thread sends with: a copy made by alerts_configure() */
    alert_settings settings;
    xapi_settings xapi;
    char self[UUID_TEXT];
    /* the last alerts sent, for MAIL_SCREEN_TIME (thread only) */
    struct {
        unsigned long hash;
        int64_t at_ms;
    } screen[ALERT_SCREEN_MAX];
    size_t screen_next;
};

static void settings_free(alert_settings *s)
{
    free(s->mail_from);
    free(s->mail_to);
    free(s->mail_subject);
    free(s->smtp_server);
    free(s->smtp_user);
    if (s->smtp_pass)
        hfc_wipe(s->smtp_pass, strlen(s->smtp_pass));
    free(s->smtp_pass);
    free(s->smtp_ca_file);
    free(s->hooks_dir);
    memset(s, 0, sizeof *s);
}

static void settings_copy(alert_settings *to, const alert_settings *from)
{
    *to = *from;
    to->mail_from = hfc_strdup(from->mail_from ? from->mail_from : "");
    to->mail_to = hfc_strdup(from->mail_to ? from->mail_to : "");
    to->mail_subject = hfc_strdup(from->mail_subject ? from->mail_subject : "");
    to->smtp_server = hfc_strdup(from->smtp_server ? from->smtp_server : "");
    to->smtp_user = hfc_strdup(from->smtp_user ? from->smtp_user : "");
    to->smtp_pass = hfc_strdup(from->smtp_pass ? from->smtp_pass : "");
    to->smtp_ca_file = hfc_strdup(from->smtp_ca_file ? from->smtp_ca_file : "");
    to->hooks_dir = hfc_strdup(from->hooks_dir ? from->hooks_dir : "");
}

void alert_settings_free(alert_settings *s)
{
    settings_free(s);
}

/* ---- the channels -------------------------------------------------------- */
static const char *level_word(hf_log_level level)
{
    return level <= HF_LOG_ERROR ? "error" : level == HF_LOG_WARNING ? "warning" : "info";
}

static void send_mail(const alert_settings *s, const alert *a)
{
    char subject[512], body[HF_MESSAGE_MAX * 3], when[64], why[1024] = "", self[256] = "";
    gethostname(self, sizeof self - 1);
    hfc_iso_time(a->time_ms, when, sizeof when);
    snprintf(subject, sizeof subject, "%s: %s%s%s", s->mail_subject, a->event, *a->host_name ? " " : "", a->host_name);
    snprintf(body, sizeof body,
             "%s\n\nevent:    %s (%s)\nhost:     %s%s%s%s\ntime:     %s\nsent by:  hafenced %s on %s\n", a->message,
             a->event, level_word(a->level), *a->host_name ? a->host_name : "-", *a->host ? " (" : "", a->host,
             *a->host ? ")" : "", when, HAFENCE_VERSION, self);
    for (int attempt = 1; attempt <= ALERT_MAIL_TRIES; attempt++) {
        if (mail_send(s, subject, body, why, sizeof why)) {
            hfc_log(HF_LOG_INFO, "alert %s mailed to %s", a->event, s->mail_to);
            return;
        }
        if (attempt < ALERT_MAIL_TRIES)
            sleep((unsigned)(attempt * 2)); /* 2 s, then 4 s: a relay that restarts */
    }
    hfc_log(HF_LOG_WARNING, "alert %s not mailed after %d tries: %s", a->event, ALERT_MAIL_TRIES, why);
}

/* XenCenter's priorities: 1 critical ... 5 informational. */
static void send_xapi_message(alerts *al, const alert *a, const char *self)
{
    xapi_settings xs;
    xapi *x;
    pthread_mutex_lock(&al->lock);
    xapi_settings_copy(&xs, &al->xapi);
    pthread_mutex_unlock(&al->lock);
    x = xapi_new(&xs.opt);
    hf_reply reply = {0};
    char name[64];
    xv *args[5], *v = NULL;
    hf_result r;
    if (!x) {
        xapi_settings_wipe(&xs);
        return;
    }
    snprintf(name, sizeof name, "HAFENCE_%s", a->event);
    for (char *c = name; *c; c++)
        *c = *c == '-' ? '_' : (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    args[0] = xv_string(name);
    args[1] = xv_int(a->level <= HF_LOG_ERROR ? 2 : a->level == HF_LOG_WARNING ? 3 : 5);
    args[2] = xv_string("Host");
    args[3] = xv_string(*a->host ? a->host : self);
    args[4] = xv_string(a->message);
    r = xapi_call(x, "message.create", args, 5, &v, hf_now_ms() + ALERT_XAPI_TIMEOUT_MS, &reply);
    for (int i = 0; i < 5; i++)
        xv_free(args[i]);
    xv_free(v);
    xapi_logout(x, hf_now_ms() + 2000, &reply);
    xapi_free(x);
    if (r != HF_OK)
        hfc_log(HF_LOG_WARNING, "alert %s not posted to the pool (message.create): %s", a->event, reply.message);
    xapi_settings_wipe(&xs);
}

static void run_hooks(const alert_settings *s, const alert *a, const char *self)
{
    char env[9][HF_MESSAGE_MAX * 2 + 64], when[64];
    char *envp[10];
    hfc_iso_time(a->time_ms, when, sizeof when);
    snprintf(env[0], sizeof env[0], "HAFENCE_ALERT_EVENT=%s", a->event);
    snprintf(env[1], sizeof env[1], "HAFENCE_ALERT_LEVEL=%s", level_word(a->level));
    snprintf(env[2], sizeof env[2], "HAFENCE_ALERT_HOST=%s", a->host);
    snprintf(env[3], sizeof env[3], "HAFENCE_ALERT_HOST_NAME=%s", a->host_name);
    snprintf(env[4], sizeof env[4], "HAFENCE_ALERT_MESSAGE=%s", a->message);
    snprintf(env[5], sizeof env[5], "HAFENCE_ALERT_TIME=%s", when);
    snprintf(env[6], sizeof env[6], "HAFENCE_ALERT_SEQUENCE=%lu", a->sequence);
    snprintf(env[7], sizeof env[7], "HAFENCE_ALERT_NODE=%s", self);
    snprintf(env[8], sizeof env[8], "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    for (int i = 0; i < 9; i++)
        envp[i] = env[i];
    envp[9] = NULL;
    hooks_run(s->hooks_dir, s->hook_timeout * 1000, envp);
}

/* ---- the thread ------------------------------------------------------------ */
static unsigned long alert_hash(const alert *a)
{
    unsigned long h = 5381;
    for (const char *p = a->event; *p; p++)
        h = h * 33 + (unsigned char)*p;
    for (const char *p = a->host; *p; p++)
        h = h * 33 + (unsigned char)*p;
    for (const char *p = a->message; *p; p++)
        h = h * 33 + (unsigned char)*p;
    return h;
}

/* Was the same alert sent within MAIL_SCREEN_TIME?  If not, remember it. */
static bool screened(alerts *al, const alert *a, long long screen_min)
{
    unsigned long h = alert_hash(a);
    int64_t now = hf_now_ms();
    for (size_t i = 0; i < ALERT_SCREEN_MAX; i++)
        if (al->screen[i].at_ms && al->screen[i].hash == h && now - al->screen[i].at_ms < screen_min * 60000)
            return true;
    al->screen[al->screen_next].hash = h;
    al->screen[al->screen_next].at_ms = now;
    al->screen_next = (al->screen_next + 1) % ALERT_SCREEN_MAX;
    return false;
}

static void *alert_thread(void *arg)
{
    alerts *al = arg;
    for (;;) {
        alert a;
        alert_settings s;
        char self[UUID_TEXT];
        unsigned long dropped;
        pthread_mutex_lock(&al->lock);
        while (!al->count && !al->stopping)
            pthread_cond_wait(&al->wake, &al->lock);
        if (!al->count) {
            pthread_mutex_unlock(&al->lock);
            return NULL;
        }
        a = al->queue[al->head];
        al->head = (al->head + 1) % ALERT_QUEUE_MAX;
        al->count--;
        dropped = al->dropped;
        al->dropped = 0;
        settings_copy(&s, &al->settings);
        hfc_strlcpy(self, al->self, sizeof self);
        pthread_mutex_unlock(&al->lock);

        if (dropped)
            hfc_log(HF_LOG_WARNING, "alerts: %lu older alert%s dropped (the queue was full: is the mail relay slow?)",
                    dropped, dropped == 1 ? "" : "s");
        if (!screened(al, &a, s.screen_time)) {
            if (s.mail_on)
                send_mail(&s, &a);
            if (s.xapi_messages)
                send_xapi_message(al, &a, self);
            if (*s.hooks_dir)
                run_hooks(&s, &a, self);
        }
        settings_free(&s);
    }
}

alerts *alerts_start(void)
{
    alerts *al = hfc_calloc(1, sizeof *al);
    curl_global_init(CURL_GLOBAL_DEFAULT); /* before the thread: not thread-safe itself */
    pthread_mutex_init(&al->lock, NULL);
    pthread_cond_init(&al->wake, NULL);
    sigset_t all, old;
    /* signals (SIGHUP, SIGTERM) are the main loop's: the thread takes none */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    al->running = pthread_create(&al->thread, NULL, alert_thread, al) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!al->running)
        hfc_log(HF_LOG_ERROR, "alerts: no thread to send them: alerts go to the log only");
    return al;
}

void alerts_configure(alerts *al, const alert_settings *s, const xapi_settings *pool_xapi, const char *self)
{
    if (!al)
        return;
    pthread_mutex_lock(&al->lock);
    settings_free(&al->settings);
    settings_copy(&al->settings, s);
    xapi_settings_wipe(&al->xapi);
    xapi_settings_copy(&al->xapi, pool_xapi);
    hfc_strlcpy(al->self, self, sizeof al->self);
    pthread_mutex_unlock(&al->lock);
}

void alerts_post(alerts *al, const char *event, hf_log_level level, const char *host, const char *host_name,
                 const char *message)
{
    alert *a;
    if (!al || !al->running)
        return;
    pthread_mutex_lock(&al->lock);
    if (al->count == ALERT_QUEUE_MAX) { /* the oldest goes: the newest says most about now */
        al->head = (al->head + 1) % ALERT_QUEUE_MAX;
        al->count--;
        al->dropped++;
    }
    a = &al->queue[(al->head + al->count) % ALERT_QUEUE_MAX];
    memset(a, 0, sizeof *a);
    hfc_strlcpy(a->event, event, sizeof a->event);
    a->level = level;
    hfc_strlcpy(a->host, host ? host : "", sizeof a->host);
    hfc_strlcpy(a->host_name, host_name ? host_name : "", sizeof a->host_name);
    hfc_strlcpy(a->message, message, sizeof a->message);
    a->time_ms = hfc_wall_ms();
    a->sequence = ++al->sequence;
    al->count++;
    pthread_cond_signal(&al->wake);
    pthread_mutex_unlock(&al->lock);
}

void alerts_stop(alerts *al, int64_t wait_ms)
{
    int64_t until = hf_now_ms() + wait_ms;
    bool drained = false;
    if (!al)
        return;
    pthread_mutex_lock(&al->lock);
    al->stopping = true;
    pthread_cond_signal(&al->wake);
    pthread_mutex_unlock(&al->lock);
    /* what is queued gets wait_ms to go out; a hung relay is left behind */
    while (al->running && hf_now_ms() < until) {
        pthread_mutex_lock(&al->lock);
        drained = al->count == 0;
        pthread_mutex_unlock(&al->lock);
        if (drained)
            break;
        usleep(50000);
    }
    if (al->running && drained) {
        struct timespec ts;
        int64_t left = until - hf_now_ms();
        clock_gettime(CLOCK_REALTIME, &ts);
        left = left > 0 ? left : 0;
        ts.tv_sec += (time_t)(left / 1000);
        ts.tv_nsec += (long)(left % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        /* the last one may still be on its way: it gets what is left */
        drained = pthread_timedjoin_np(al->thread, NULL, &ts) == 0;
    }
    if (al->running && drained) {
        pthread_mutex_destroy(&al->lock);
        pthread_cond_destroy(&al->wake);
        settings_free(&al->settings);
        xapi_settings_wipe(&al->xapi);
        free(al);
        return;
    }
    if (al->running)
        hfc_log(HF_LOG_WARNING, "alerts: %s still being sent at exit: left behind", drained ? "one" : "some");
    /* the thread may still use al: it is left to the process's end */
}
