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

#include <hafence/net.h>
#include <errno.h>
#include <netdb.h>
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

bool hfc_probe_tcp(const char *host, const char *port, int64_t timeout_ms, char *why, size_t why_size)
{
    struct addrinfo hints, *ai = NULL, *a;
    int64_t end = hf_now_ms() + timeout_ms;
    bool ok = false;
    int e;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV; /* the pool's addresses: no resolver wait */
    if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
        snprintf(why, why_size, "%s: %s", host, gai_strerror(e));
        return false;
    }
    snprintf(why, why_size, "%s port %s: no answer", host, port);
    for (a = ai; a && !ok; a = a->ai_next) {
        int err = 0, fd = hf_net_connect(a, NULL, end, &err);
        ok = fd >= 0;
        if (ok)
            close(fd);
        else
            snprintf(why, why_size, "%s port %s: %s", host, port, err == ETIMEDOUT ? "no answer" : strerror(err));
    }
    freeaddrinfo(ai);
    if (ok)
        snprintf(why, why_size, "%s port %s answered", host, port);
    return ok;
}
