/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Peer liveness, as HA-Lizard judges it: a peer is checked by ICMP and by a
 * TCP connection to its management port; after XAPI_COUNT failed checks
 * XAPI_DELAY seconds apart it is failed, and a peer that answers in the
 * meantime starts over.  The watch is a small state machine (no I/O); the
 * TCP probe is here too, bounded by its timeout.
 */
#include "core/keys.h"
#include "core/liveness.h"
#include "core/util.h"

#include <hafence/net.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

void hfc_peer_watch_init(hfc_peer_watch *w)
{
    memset(w, 0, sizeof *w);
    w->next_check_ms = 0; /* check at once */
}

bool hfc_peer_check_due(const hfc_peer_watch *w, int64_t now_ms)
{
    return w->state != HFC_PEER_FAILED && now_ms >= w->next_check_ms;
}

hfc_peer_state hfc_peer_observe(hfc_peer_watch *w, bool answered, const hfc_settings *s, int64_t now_ms)
{
    if (answered) {
        /* an answer in the meantime clears the suspicion */
        w->misses = 0;
        w->state = HFC_PEER_OK;
        w->next_check_ms = now_ms + s->xapi_delay * 1000;
        return w->state;
    }
    if (w->state == HFC_PEER_FAILED)
        return w->state;
    w->misses++;
    /* XAPI_COUNT is the number of retries after the first failed check,
     * as HA-Lizard reads it */
    w->state = w->misses > s->xapi_count ? HFC_PEER_FAILED : HFC_PEER_SUSPECT;
    w->next_check_ms = now_ms + s->xapi_delay * 1000;
    return w->state;
}

const char *hfc_peer_state_name(hfc_peer_state state)
{
    switch (state) {
    case HFC_PEER_SUSPECT: return "suspect";
    case HFC_PEER_FAILED: return "failed";
    default: return "ok";
    }
}

/* One host's connection under way: its addresses, the one tried now. */
typedef struct tcp_try {
    struct addrinfo *list, *next;
    int fd; /* the connect in flight; -1: none (done, or not begun) */
    int error;
} tcp_try;

/* Start a connect to the host's next address; false when none is left. */
static bool tcp_try_next(tcp_try *t)
{
    while (t->next) {
        const struct addrinfo *a = t->next;
        t->next = a->ai_next;
        if ((t->fd = hf_net_connect_start(a, &t->error)) >= 0)
            return true; /* a connect done at once is seen by the poll too */
    }
    return false;
}

void hfc_probe_tcp_all(hfc_tcp_probe *probes, size_t n, const char *port, int64_t timeout_ms)
{
    tcp_try *tries = hfc_calloc(n ? n : 1, sizeof *tries);
    struct pollfd *fds = hfc_calloc(n ? n : 1, sizeof *fds);
    size_t *which = hfc_calloc(n ? n : 1, sizeof *which);
    int64_t end = hf_now_ms() + timeout_ms;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV; /* the pool's addresses: no resolver wait */
    for (size_t i = 0; i < n; i++) {
        int e = getaddrinfo(probes[i].host, port, &hints, &tries[i].list);
        probes[i].answered = false;
        tries[i].fd = -1;
        tries[i].error = ETIMEDOUT;
        if (e != 0) {
            snprintf(probes[i].why, sizeof probes[i].why, "%s: %s", probes[i].host, gai_strerror(e));
            tries[i].list = NULL;
            continue;
        }
        tries[i].next = tries[i].list;
        tcp_try_next(&tries[i]);
    }
    for (;;) {
        size_t waiting = 0;
        int64_t left = end - hf_now_ms();
        int got;
        for (size_t i = 0; i < n; i++) {
            if (tries[i].fd < 0)
                continue;
            fds[waiting] = (struct pollfd){.fd = tries[i].fd, .events = POLLOUT};
            which[waiting++] = i;
        }
        if (!waiting || left <= 0)
            break;
        got = poll(fds, waiting, (int)left);
        if (got < 0 && errno != EINTR)
            break;
        for (size_t k = 0; got > 0 && k < waiting; k++) {
            tcp_try *t = &tries[which[k]];
            bool connected;
            if (!fds[k].revents)
                continue;
            connected = hf_net_connect_done(t->fd, &t->error);
            close(t->fd);
            t->fd = -1;
            if (connected)
                probes[which[k]].answered = true;
            else
                tcp_try_next(t); /* the host's next address, if it has one */
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (tries[i].fd >= 0) {
            close(tries[i].fd); /* the deadline passed: no answer */
            tries[i].error = ETIMEDOUT;
        }
        if (tries[i].list && probes[i].answered)
            snprintf(probes[i].why, sizeof probes[i].why, "%s port %s answered", probes[i].host, port);
        else if (tries[i].list)
            snprintf(probes[i].why, sizeof probes[i].why, "%s port %s: %s", probes[i].host, port,
                     tries[i].error == ETIMEDOUT ? "no answer" : strerror(tries[i].error));
        freeaddrinfo(tries[i].list);
    }
    free(which);
    free(fds);
    free(tries);
}

bool hfc_probe_tcp(const char *host, const char *port, int64_t timeout_ms, char *why, size_t why_size)
{
    hfc_tcp_probe p = {.host = host};
    hfc_probe_tcp_all(&p, 1, port, timeout_ms);
    snprintf(why, why_size, "%s", p.why);
    return p.answered;
}
