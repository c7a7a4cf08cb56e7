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

/* One host's connection under way: its addresses, the one tried now and
 * the connects in flight to it.  A SYN lost on a lossy link is sent again
 * by the kernel only after a second (TCP's first retransmission timeout),
 * later than a check's timeout: the probe sends its own fresh SYNs meanwhile,
 * HFC_TCP_PROBE_TRIES in all, spread over the timeout, as the ICMP probe
 * sends its echoes.  A healthy host answers the first at once; behind a
 * link that loses 30 % of the packets each way, the connect fails one
 * check in eight rather than one in two, and a peer is not fenced for its
 * link's bad luck (campaign 3, n5-lossy-30-master). */
typedef struct tcp_try {
    struct addrinfo *list, *next;
    const struct addrinfo *current; /* the address tried now, NULL: done */
    int fd[HFC_TCP_PROBE_TRIES];    /* connects in flight to it, -1: none */
    int sent;                       /* connects begun to it */
    int64_t begun_ms;               /* the first of them */
    int error;
} tcp_try;

static int tcp_in_flight(const tcp_try *t)
{
    int n = 0;
    for (int k = 0; k < HFC_TCP_PROBE_TRIES; k++)
        n += t->fd[k] >= 0;
    return n;
}

static void tcp_close_all(tcp_try *t)
{
    for (int k = 0; k < HFC_TCP_PROBE_TRIES; k++)
        if (t->fd[k] >= 0) {
            close(t->fd[k]);
            t->fd[k] = -1;
        }
}

/* One more connect to the current address, in a free slot. */
static void tcp_send(tcp_try *t)
{
    for (int k = 0; k < HFC_TCP_PROBE_TRIES; k++)
        if (t->fd[k] < 0) {
            t->sent++;
            t->fd[k] = hf_net_connect_start(t->current, &t->error);
            return;
        }
}

/* Start on the host's next address; false when none is left. */
static bool tcp_try_next(tcp_try *t, int64_t now_ms)
{
    tcp_close_all(t);
    while ((t->current = t->next)) {
        t->next = t->current->ai_next;
        t->sent = 0;
        t->begun_ms = now_ms;
        tcp_send(t);
        if (tcp_in_flight(t))
            return true; /* a connect done at once is seen by the poll too */
    }
    return false;
}

/* When the next fresh connect to the current address is due. */
static int64_t tcp_resend_at(const tcp_try *t, int64_t timeout_ms)
{
    if (!t->current || t->sent >= HFC_TCP_PROBE_TRIES)
        return INT64_MAX;
    return t->begun_ms + timeout_ms * t->sent / HFC_TCP_PROBE_TRIES;
}

void hfc_probe_tcp_all(hfc_tcp_probe *probes, size_t n, const char *port, int64_t timeout_ms)
{
    size_t slots = (n ? n : 1) * HFC_TCP_PROBE_TRIES;
    tcp_try *tries = hfc_calloc(n ? n : 1, sizeof *tries);
    struct pollfd *fds = hfc_calloc(slots, sizeof *fds);
    size_t *which = hfc_calloc(slots, sizeof *which);
    int *slot = hfc_calloc(slots, sizeof *slot);
    int64_t now = hf_now_ms(), end = now + timeout_ms;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV; /* the pool's addresses: no resolver wait */
    for (size_t i = 0; i < n; i++) {
        int e = getaddrinfo(probes[i].host, port, &hints, &tries[i].list);
        probes[i].answered = false;
        for (int k = 0; k < HFC_TCP_PROBE_TRIES; k++)
            tries[i].fd[k] = -1;
        tries[i].error = ETIMEDOUT;
        if (e != 0) {
            snprintf(probes[i].why, sizeof probes[i].why, "%s: %s", probes[i].host, gai_strerror(e));
            tries[i].list = NULL;
            continue;
        }
        tries[i].next = tries[i].list;
        tcp_try_next(&tries[i], now);
    }
    for (;;) {
        size_t waiting = 0;
        int64_t wake = end;
        int got;
        now = hf_now_ms();
        for (size_t i = 0; i < n; i++) {
            tcp_try *t = &tries[i];
            int64_t due;
            if (!tcp_in_flight(t))
                continue;
            due = tcp_resend_at(t, timeout_ms);
            if (due <= now) {
                tcp_send(t);
                /* a connect that could not even begin: the next address */
                if (!tcp_in_flight(t) && !tcp_try_next(t, now))
                    continue;
                due = tcp_resend_at(t, timeout_ms);
            }
            if (due < wake)
                wake = due;
            for (int k = 0; k < HFC_TCP_PROBE_TRIES; k++)
                if (t->fd[k] >= 0) {
                    fds[waiting] = (struct pollfd){.fd = t->fd[k], .events = POLLOUT};
                    which[waiting] = i;
                    slot[waiting++] = k;
                }
        }
        if (!waiting || now >= end)
            break;
        got = poll(fds, waiting, (int)(wake > now ? wake - now : 0));
        if (got < 0 && errno != EINTR)
            break;
        for (size_t w = 0; got > 0 && w < waiting; w++) {
            tcp_try *t = &tries[which[w]];
            int *fd = &t->fd[slot[w]];
            bool connected;
            if (!fds[w].revents || *fd < 0)
                continue;
            connected = hf_net_connect_done(*fd, &t->error);
            close(*fd);
            *fd = -1;
            if (connected) {
                probes[which[w]].answered = true;
                tcp_close_all(t);
                t->current = NULL;
            } else {
                /* refused or unreachable: the host answered for this
                 * address; its next address, if it has one */
                tcp_try_next(t, hf_now_ms());
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (tcp_in_flight(&tries[i])) {
            tcp_close_all(&tries[i]); /* the deadline passed: no answer */
            tries[i].error = ETIMEDOUT;
        }
        if (tries[i].list && probes[i].answered)
            snprintf(probes[i].why, sizeof probes[i].why, "%s port %s answered", probes[i].host, port);
        else if (tries[i].list)
            snprintf(probes[i].why, sizeof probes[i].why, "%s port %s: %s", probes[i].host, port,
                     tries[i].error == ETIMEDOUT ? "no answer" : strerror(tries[i].error));
        freeaddrinfo(tries[i].list);
    }
    free(slot);
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
