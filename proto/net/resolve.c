/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name resolution within a deadline (resolve.h). */
#include "proto/net/resolve.h"

#include <pthread.h>

/* One lock and condition for every job, so that a caller can wait on many
 * jobs at once; they are static, so an abandoned job's thread may still
 * use them after its caller has gone. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

struct net_resolve {
    char name[256];
    char port[16];
    int socktype;
    struct addrinfo *res;
    int error; /* EAI_*, 0 when resolved */
    int done;
    int abandoned;
};

static void job_free(net_resolve *job)
{
    if (job->res)
        freeaddrinfo(job->res);
    free(job);
}

static void *resolve_thread(void *arg)
{
    net_resolve *job = arg;
    struct addrinfo hints, *res = NULL;
    int e, abandoned;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = job->socktype;
    e = getaddrinfo(job->name, *job->port ? job->port : NULL, &hints, &res);
    pthread_mutex_lock(&lock);
    job->res = res;
    job->error = e ? e : (res ? 0 : EAI_NONAME);
    job->done = 1;
    abandoned = job->abandoned;
    pthread_cond_broadcast(&done_cond);
    pthread_mutex_unlock(&lock);
    if (abandoned)
        job_free(job);
    return NULL;
}

net_resolve *net_resolve_start(const char *name, const char *port, int socktype)
{
    net_resolve *job = calloc(1, sizeof *job);
    struct addrinfo hints;
    pthread_t th;
    pthread_attr_t attr;
    int started;
    if (!job)
        return NULL;
    snprintf(job->name, sizeof job->name, "%s", name);
    snprintf(job->port, sizeof job->port, "%s", port ? port : "");
    job->socktype = socktype;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(name, port, &hints, &job->res) == 0 && job->res) {
        job->done = 1;
        return job;
    }
    job->res = NULL;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    started = pthread_create(&th, &attr, resolve_thread, job) == 0;
    pthread_attr_destroy(&attr);
    if (!started) {
        free(job);
        return NULL;
    }
    return job;
}

void net_resolve_wait(net_resolve *const *jobs, size_t n, int64_t until, const hf_context *ctx)
{
    pthread_mutex_lock(&lock);
    for (;;) {
        size_t pending = 0;
        int64_t left = until - hf_now_ms();
        struct timespec ts;
        for (size_t i = 0; i < n; i++)
            pending += jobs[i] && !jobs[i]->done;
        if (!pending || left <= 0 || (ctx && ctx->cancelled(ctx)))
            break;
        if (ctx && left > 200) /* wake to look at cancellation */
            left = 200;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (left % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&done_cond, &lock, &ts);
    }
    pthread_mutex_unlock(&lock);
}

struct addrinfo *net_resolve_finish(net_resolve *job, hf_reply *reply)
{
    struct addrinfo *res = NULL;
    pthread_mutex_lock(&lock);
    if (!job->done) {
        job->abandoned = 1; /* the thread frees it */
        pthread_mutex_unlock(&lock);
        hf_reply_set(reply, HF_E_TIMED_OUT, "name not resolved in time");
        return NULL;
    }
    pthread_mutex_unlock(&lock);
    if (job->error)
        hf_reply_set(reply, HF_E_UNREACHABLE, "cannot resolve: %s", gai_strerror(job->error));
    res = job->res;
    job->res = NULL;
    job_free(job);
    return res;
}
