/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Isolation: each operation runs in a child process of its own process
 * group.  The parent waits for all children at once, kills a child's whole
 * group at its deadline, and reads the outcome back as structured data over
 * a pipe (never by parsing stderr).  A child that crashes, hangs or writes
 * garbage costs that operation and never its caller.
 */
#include "core/util.h"
#include "core/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WIRE_MAGIC 0x68664f31u /* "hfO1" */
#define WIRE_MAX   (4u << 20)  /* what a child may send back at most */

/* The fixed part of an outcome on the wire. */
typedef struct wire_outcome {
    uint32_t magic;
    int32_t code, power, vote, verified, already, warning, unverifiable, attempts;
    int64_t duration_ms;
    char message[HF_MESSAGE_MAX];
    uint32_t item_count;
} wire_outcome;

struct hfc_child {
    pid_t pid;
    int fd;    /* read end; -1 once EOF was seen */
    int pidfd; /* readable when the child exits; -1 where unsupported */
    int64_t deadline_ms;
    hfc_outcome *out;
    unsigned char *buf;
    size_t len;
    bool overflow;
    bool killed;
    int status;
    bool reaped;
    bool cancelled;
    int64_t start_ms;
};

static volatile sig_atomic_t child_cancel, caller_gone;
static pid_t child_caller; /* the process that started this child */

static void on_term(int sig)
{
    (void)sig;
    child_cancel = 1;
    /* SIGTERM is also what the caller's death sends (PR_SET_PDEATHSIG) */
    if (getppid() != child_caller)
        caller_gone = 1;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const unsigned char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static bool write_string(int fd, const char *s)
{
    uint32_t len = (uint32_t)strlen(s);
    return write_all(fd, &len, sizeof len) && write_all(fd, s, len);
}

static void send_outcome(int fd, const hfc_outcome *out)
{
    wire_outcome w;
    memset(&w, 0, sizeof w);
    w.magic = WIRE_MAGIC;
    w.code = out->code;
    w.power = out->power;
    w.vote = out->vote;
    w.verified = out->verified;
    w.already = out->already;
    w.warning = out->warning;
    w.unverifiable = out->unverifiable;
    w.attempts = out->attempts;
    w.duration_ms = out->duration_ms;
    memcpy(w.message, out->message, sizeof w.message);
    w.item_count = (uint32_t)out->item_count;
    if (!write_all(fd, &w, sizeof w))
        return;
    for (size_t i = 0; i < out->item_count; i++)
        if (!write_string(fd, out->items[i].target) || !write_string(fd, out->items[i].name))
            return;
}

/* The child's own watch: its caller may die (SIGKILL, a dropped SSH
 * session) and then nobody enforces the deadline or records the outcome.
 * The caller's death cancels the operation; whatever happens, the child's
 * whole group (a script's children too) ends by the deadline. */
typedef struct child_watch {
    int64_t deadline_ms;
    hfc_isolated_orphan_fn *orphan;
    void *arg;
    atomic_flag recorded;
} child_watch;

#define ORPHAN_GRACE_MS 1000 /* to stop after the caller died */
#define CALLER_GRACE_MS 2000 /* past the deadline: the caller kills first */

/* The caller is gone: record the outcome once (the caller cannot), then
 * take the whole process group down with this process. */
static _Noreturn void end_orphaned(child_watch *w, hfc_outcome *out)
{
    if (!atomic_flag_test_and_set(&w->recorded) && w->orphan) {
        char was[HF_MESSAGE_MAX];
        snprintf(was, sizeof was, "%s", out->message);
        if (out->code != HF_OK)
            out->code = HF_E_CANCELLED;
        snprintf(out->message, sizeof out->message, "the caller (pid %ld) died during the operation: %s%.900s",
                 (long)child_caller, out->code == HF_OK ? "done all the same: " : "stopped: ", was);
        w->orphan(w->arg, out);
    }
    kill(0, SIGKILL);
    _exit(1);
}

static void *watch_caller(void *arg)
{
    child_watch *w = arg;
    int64_t kill_at = w->deadline_ms + CALLER_GRACE_MS;
    bool told = false;
    for (;;) {
        int64_t now = hf_now_ms();
        if (!told && (caller_gone || getppid() != child_caller)) {
            told = true;
            caller_gone = child_cancel = 1;
            if (now + ORPHAN_GRACE_MS < kill_at)
                kill_at = now + ORPHAN_GRACE_MS;
            kill(0, SIGTERM); /* the plugin's programs hear it too */
        }
        if (now >= kill_at) {
            hfc_outcome out;
            memset(&out, 0, sizeof out);
            out.code = told ? HF_E_CANCELLED : HF_E_TIMED_OUT;
            snprintf(out.message, sizeof out.message, "%s: killed with its process group",
                     told ? "the plugin did not stop within a second" : "deadline passed and nobody enforced it");
            if (told)
                end_orphaned(w, &out);
            kill(0, SIGKILL);
            _exit(1);
        }
        hfc_sleep_ms(kill_at - now < 100 ? kill_at - now : 100, NULL);
    }
    return NULL;
}

/* The same watch without a thread, where nothing must be recorded in a
 * normal context (no orphan function): the caller's death arrives as
 * SIGTERM, the kill time as a timer's signal, and both handlers do only
 * what is async-signal-safe (flags, signals to the group, the timer, exit).
 * A thread costs about a millisecond of every operation (its creation, its
 * wake-up at exit), most of what isolation costs beyond the fork. */
static timer_t watch_timer;
static volatile sig_atomic_t watch_told;
static int64_t watch_kill_at; /* changed only with both signals blocked */

static int watch_signal(void)
{
    return SIGRTMIN; /* not SIGALRM: a plugin may use alarm() */
}

static bool watch_timer_set(int64_t at_ms)
{
    struct itimerspec it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)(at_ms / 1000);
    it.it_value.tv_nsec = (long)(at_ms % 1000) * 1000000L;
    return timer_settime(watch_timer, TIMER_ABSTIME, &it, NULL) == 0;
}

/* The caller is gone: cancel, tell the plugin's programs, and end the
 * group a second later if the plugin has not stopped by then. */
static void watch_caller_died(void)
{
    int64_t soon = hf_now_ms() + ORPHAN_GRACE_MS;
    if (watch_told)
        return;
    watch_told = 1;
    caller_gone = child_cancel = 1;
    if (soon < watch_kill_at) {
        watch_kill_at = soon;
        watch_timer_set(soon);
    }
    kill(0, SIGTERM); /* this process too: on_term only sets flags again */
}

static void on_watch_timer(int sig)
{
    (void)sig;
    if (hf_now_ms() < watch_kill_at)
        return;
    kill(0, SIGKILL);
    _exit(1);
}

static void on_term_watched(int sig)
{
    on_term(sig);
    if (caller_gone)
        watch_caller_died();
}

/* Arms the timer at the kill time; false where timers are not available
 * (the thread watches then). */
static bool watch_by_signals(int64_t kill_at)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = watch_signal();
    if (timer_create(CLOCK_MONOTONIC, &ev, &watch_timer) != 0)
        return false;
    watch_kill_at = kill_at;
    if (!watch_timer_set(kill_at)) {
        timer_delete(watch_timer);
        return false;
    }
    return true;
}

static _Noreturn void child_main(int fd, hfc_isolated_fn *fn, hfc_isolated_orphan_fn *orphan, void *arg,
                                 int64_t deadline_ms, int64_t timeout_ms)
{
    struct sigaction sa;
    sigset_t none, watched;
    hfc_outcome out;
    int64_t margin = timeout_ms / 10 > 500 ? 500 : timeout_ms / 10;
    static child_watch watch = {.recorded = ATOMIC_FLAG_INIT};
    pthread_t watcher;
    bool watch_by_timer;

    setpgid(0, 0);
    /* a plugin crashing here must not leave a core file with the device's
     * password in it */
    setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
    prctl(PR_SET_DUMPABLE, 0);
    sigemptyset(&watched);
    sigaddset(&watched, SIGTERM);
    sigaddset(&watched, watch_signal());
    sigprocmask(SIG_BLOCK, &watched, NULL);
    watch_by_timer = !orphan && watch_by_signals(deadline_ms + CALLER_GRACE_MS);
    memset(&sa, 0, sizeof sa);
    sa.sa_mask = watched; /* neither handler interrupts the other */
    sa.sa_handler = watch_by_timer ? on_term_watched : on_term;
    sigaction(SIGTERM, &sa, NULL);
    if (watch_by_timer) {
        sa.sa_handler = on_watch_timer;
        sa.sa_flags = SA_RESTART;
        sigaction(watch_signal(), &sa, NULL);
        sa.sa_flags = 0;
    }
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* the terminal going away is the caller's business */
    /* the caller's death reaches us as SIGTERM; it may have died already */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != child_caller) {
        caller_gone = child_cancel = 1;
        if (watch_by_timer)
            watch_caller_died();
    }
    watch.deadline_ms = deadline_ms;
    watch.orphan = orphan;
    watch.arg = arg;
    if (!watch_by_timer && pthread_create(&watcher, NULL, watch_caller, &watch) == 0)
        pthread_detach(watcher);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    memset(&out, 0, sizeof out);
    /* the plugin's deadline comes before the one the parent enforces */
    fn(arg, deadline_ms - margin, &child_cancel, &out);
    if (caller_gone || getppid() != child_caller)
        end_orphaned(&watch, &out);
    send_outcome(fd, &out);
    close(fd);
    _exit(0);
}

hfc_child *hfc_child_start(hfc_isolated_fn *fn, hfc_isolated_orphan_fn *orphan, void *arg, int64_t deadline_ms,
                           hfc_outcome *out)
{
    hfc_child *c = hfc_calloc(1, sizeof *c);
    int fds[2];
    c->out = out;
    c->deadline_ms = deadline_ms;
    c->start_ms = hf_now_ms();
    c->fd = -1;
    c->pidfd = -1;
    c->pid = -1;
    if (pipe2(fds, O_CLOEXEC) != 0) {
        out->code = HF_E_PLUGIN_FAILED;
        snprintf(out->message, sizeof out->message, "cannot create a pipe for the child: %s", strerror(errno));
        return c;
    }
    fflush(NULL); /* nothing buffered may be written twice */
    child_caller = getpid();
    c->pid = fork();
    if (c->pid < 0) {
        out->code = HF_E_PLUGIN_FAILED;
        snprintf(out->message, sizeof out->message, "cannot fork the operation's child: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return c;
    }
    if (c->pid == 0) {
        close(fds[0]);
        child_main(fds[1], fn, orphan, arg, deadline_ms, deadline_ms - c->start_ms);
    }
    setpgid(c->pid, c->pid); /* the child does it too: whichever runs first */
    /* poll()able exit notification, so waiting costs no sleeping */
    c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    close(fds[1]);
    c->fd = fds[0];
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    return c;
}

static bool read_string(const unsigned char **p, const unsigned char *end, char **out)
{
    uint32_t len;
    if ((size_t)(end - *p) < sizeof len)
        return false;
    memcpy(&len, *p, sizeof len);
    *p += sizeof len;
    if ((size_t)(end - *p) < len)
        return false;
    *out = hfc_calloc(1, (size_t)len + 1);
    memcpy(*out, *p, len);
    *p += len;
    return true;
}

/* Parse what the child sent; false when it is not a whole outcome. */
static bool decode(hfc_child *c)
{
    wire_outcome w;
    const unsigned char *p = c->buf, *end = c->buf + c->len;
    hfc_outcome *out = c->out;
    if (c->overflow || c->len < sizeof w)
        return false;
    memcpy(&w, p, sizeof w);
    p += sizeof w;
    if (w.magic != WIRE_MAGIC || w.code < 0 || w.code >= HF_RESULT_COUNT)
        return false;
    out->code = (hf_result)w.code;
    out->power = (w.power == HF_POWER_ON || w.power == HF_POWER_OFF) ? (hf_power)w.power : HF_POWER_UNKNOWN;
    out->vote = (w.vote == HF_VOTE_PASS || w.vote == HF_VOTE_FAIL) ? (hf_vote)w.vote : HF_VOTE_UNKNOWN;
    out->verified = w.verified != 0;
    out->already = w.already != 0;
    out->warning = w.warning != 0;
    out->unverifiable = w.unverifiable != 0;
    out->attempts = w.attempts;
    memcpy(out->message, w.message, sizeof out->message);
    out->message[sizeof out->message - 1] = '\0';
    if (w.item_count > (end - p) / 8)
        return false;
    out->items = hfc_calloc(w.item_count, sizeof *out->items);
    for (uint32_t i = 0; i < w.item_count; i++) {
        if (!read_string(&p, end, &out->items[i].target) || !read_string(&p, end, &out->items[i].name)) {
            free(out->items[i].target);
            out->item_count = i;
            return false;
        }
        out->item_count = i + 1;
    }
    return p == end;
}

static void drain(hfc_child *c)
{
    for (;;) {
        unsigned char chunk[8192];
        ssize_t r = read(c->fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return; /* EAGAIN: come back later */
        if (r == 0) {
            close(c->fd);
            c->fd = -1;
            return;
        }
        if (c->len + (size_t)r > WIRE_MAX) {
            c->overflow = true;
            continue;
        }
        c->buf = hfc_realloc(c->buf, c->len + (size_t)r);
        memcpy(c->buf + c->len, chunk, (size_t)r);
        c->len += (size_t)r;
    }
}

static void kill_group(hfc_child *c)
{
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
}

static void settle_child(hfc_child *c)
{
    hfc_outcome *out = c->out;
    bool whole;
    if (c->pid < 0)
        return; /* never started: the message says why */
    whole = !c->killed && WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0 && decode(c);
    if (!whole) {
        for (size_t i = 0; i < out->item_count; i++) {
            free(out->items[i].target);
            free(out->items[i].name);
        }
        free(out->items);
        out->items = NULL;
        out->item_count = 0;
        out->power = HF_POWER_UNKNOWN;
        out->vote = HF_VOTE_UNKNOWN;
        out->verified = out->already = out->warning = out->unverifiable = false;
    }
    if (c->killed && c->cancelled) {
        out->code = HF_E_CANCELLED;
        out->signal = SIGKILL;
        snprintf(out->message, sizeof out->message,
                 "cancelled: the operation did not stop within a second of being asked: killed with SIGKILL");
    } else if (c->killed) {
        out->code = HF_E_TIMED_OUT;
        out->signal = SIGKILL;
        snprintf(out->message, sizeof out->message,
                 "operation did not finish by its deadline (%lld ms): killed with SIGKILL",
                 (long long)(c->deadline_ms - c->start_ms));
    } else if (WIFSIGNALED(c->status)) {
        out->code = HF_E_PLUGIN_FAILED;
        out->signal = WTERMSIG(c->status);
        snprintf(out->message, sizeof out->message, "plugin crashed: killed by signal %d (%s)", out->signal,
                 strsignal(out->signal));
    } else if (!whole && WIFEXITED(c->status) && WEXITSTATUS(c->status) != 0) {
        out->code = HF_E_PLUGIN_FAILED;
        snprintf(out->message, sizeof out->message,
                 "plugin ended the operation's process with exit status %d, without a result", WEXITSTATUS(c->status));
    } else if (!whole) {
        out->code = HF_E_PLUGIN_FAILED;
        snprintf(out->message, sizeof out->message, "operation's process sent no valid result (%zu bytes%s)", c->len,
                 c->overflow ? ", over the limit" : "");
    }
    out->duration_ms = hf_now_ms() - c->start_ms;
}

/* Has the child ended?  Leaves it unreaped (WNOWAIT). */
static bool exited(hfc_child *c)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    return waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == c->pid;
}

void hfc_child_cancel(hfc_child *c)
{
    if (c->pid <= 0 || c->reaped || c->cancelled)
        return;
    c->cancelled = true;
    kill(-c->pid, SIGTERM);
    if (c->deadline_ms > hf_now_ms() + 1000)
        c->deadline_ms = hf_now_ms() + 1000;
}

bool hfc_child_finished(const hfc_child *c)
{
    return c->pid <= 0 || c->reaped;
}

void hfc_child_free(hfc_child *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    if (c->pidfd >= 0)
        close(c->pidfd);
    free(c->buf);
    free(c);
}

size_t hfc_children_step(hfc_child **children, size_t n)
{
    struct pollfd *pfd = hfc_calloc(2 * n, sizeof *pfd);
    int64_t now = hf_now_ms(), wait = 100;
    size_t np = 0, running = 0;
    for (size_t i = 0; i < n; i++) {
        hfc_child *c = children[i];
        if (!c || hfc_child_finished(c))
            continue;
        if (c->deadline_ms - now < wait)
            wait = c->deadline_ms - now;
        if (c->fd >= 0) {
            pfd[np].fd = c->fd;
            pfd[np].events = POLLIN;
            np++;
        }
        if (c->pidfd >= 0) {
            pfd[np].fd = c->pidfd;
            pfd[np].events = POLLIN;
            np++;
        } else if (c->fd < 0 && wait > 1) {
            wait = 1; /* no pidfd: look for its exit every millisecond */
        }
    }
    if (wait < 0)
        wait = 0;
    if (np)
        poll(pfd, np, (int)wait);
    else if (wait)
        hfc_sleep_ms(wait, NULL);
    free(pfd);
    now = hf_now_ms();
    for (size_t i = 0; i < n; i++) {
        hfc_child *c = children[i];
        if (!c || hfc_child_finished(c))
            continue;
        if (c->fd >= 0)
            drain(c);
        if (exited(c)) {
            if (c->fd >= 0)
                drain(c); /* what was written before exit */
            /* whatever the operation left behind in its group goes with
             * it; killed before reaping so the group id cannot have been
             * reused */
            kill(-c->pid, SIGKILL);
            while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
                ;
            c->reaped = true;
        } else if (now >= c->deadline_ms) {
            c->killed = true;
            kill_group(c);
            while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
                ;
            c->reaped = true;
        }
        if (c->reaped)
            settle_child(c);
        else
            running++;
    }
    return running;
}

void hfc_children_wait(hfc_child **children, size_t n)
{
    while (hfc_children_step(children, n))
        ;
    for (size_t i = 0; i < n; i++)
        hfc_child_free(children[i]);
}
