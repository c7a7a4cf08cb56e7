/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pool view is read from XAPI in a thread of its own, with its own
 * XAPI client: a master that hangs or a link that drops packets costs that
 * thread its call timeout, never the peer checks of the main loop (which
 * would otherwise see a failure seconds late).  The main loop takes the
 * latest result each pass; a poke asks for a read at once (after a
 * takeover, say).
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "daemon/hafenced.h"

#include <pthread.h>

struct view_reader {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, poke, started;
    int64_t interval_ms;
    xapi_settings xs;
    /* the latest result, under lock */
    bool fresh, ok;
    pool_view view;
    char error[HFC_ERROR_MAX];
    char answered_url[512];
};

static void *reader_run(void *arg)
{
    view_reader *r = arg;
    xapi *x = NULL;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        pool_view v = {0};
        hfc_error err = {0};
        bool ok;
        r->poke = false;
        pthread_mutex_unlock(&r->lock);
        if (!x)
            x = xapi_new(&r->xs.opt);
        ok = x && pool_view_read(x, &v, hf_now_ms() + r->xs.opt.call_timeout_ms * 2 + 1000, &err);
        if (!x)
            hfc_error_set(&err, HF_E_PLUGIN_FAILED, "out of memory");
        pthread_mutex_lock(&r->lock);
        r->fresh = true;
        r->ok = ok;
        if (ok) {
            pool_view_free(&r->view);
            r->view = v;
            hfc_strlcpy(r->answered_url, xapi_url(x), sizeof r->answered_url);
        } else {
            pool_view_free(&v);
            hfc_strlcpy(r->error, err.message, sizeof r->error);
            /* the master moved, or this host's XAPI restarted: start over
             * from this host's own XAPI */
            xapi_free(x);
            x = NULL;
        }
        if (!r->stop && !r->poke) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_sec += r->interval_ms / 1000;
            until.tv_nsec += (r->interval_ms % 1000) * 1000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            while (!r->stop && !r->poke && pthread_cond_timedwait(&r->wake, &r->lock, &until) == 0)
                ;
        }
    }
    pthread_mutex_unlock(&r->lock);
    if (x) {
        hf_reply reply;
        xapi_logout(x, hf_now_ms() + 1000, &reply);
        xapi_free(x);
    }
    return NULL;
}

view_reader *view_reader_start(const daemon_config *dc)
{
    view_reader *r = hfc_calloc(1, sizeof *r);
    pthread_condattr_t attr;
    daemon_xapi_settings(dc, &r->xs);
    r->interval_ms = dc->ds.pool_interval * 1000;
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &attr);
    pthread_condattr_destroy(&attr);
    r->started = pthread_create(&r->thread, NULL, reader_run, r) == 0;
    if (!r->started)
        hfc_log(HF_LOG_ERROR, "cannot start the pool view reader: the view comes from the cache only");
    return r;
}

void view_reader_poke(view_reader *r)
{
    pthread_mutex_lock(&r->lock);
    r->poke = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

view_take view_reader_take(view_reader *r, pool_view *into, hfc_error *err, char *url, size_t url_size)
{
    view_take result = VIEW_NOTHING_NEW;
    pthread_mutex_lock(&r->lock);
    if (r->fresh) {
        r->fresh = false;
        if (r->ok) {
            pool_view_free(into);
            *into = r->view;
            memset(&r->view, 0, sizeof r->view);
            hfc_strlcpy(url, r->answered_url, url_size);
            result = VIEW_NEW;
        } else {
            hfc_error_set(err, HF_E_UNREACHABLE, "%s", r->error);
            result = VIEW_FAILED;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return result;
}

void view_reader_stop(view_reader *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    if (r->started)
        pthread_join(r->thread, NULL);
    pool_view_free(&r->view);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    xapi_settings_wipe(&r->xs);
    free(r);
}
