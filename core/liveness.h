/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Peer liveness (core/liveness.c) */
#ifndef HFC_LIVENESS_H
#define HFC_LIVENESS_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/keys.h"

typedef enum hfc_peer_state {
    HFC_PEER_OK,
    HFC_PEER_SUSPECT,
    HFC_PEER_FAILED
} hfc_peer_state;
typedef struct hfc_peer_watch {
    hfc_peer_state state;
    long long misses;      /* failed checks in a row */
    int64_t next_check_ms; /* when the next check is due (CLOCK_MONOTONIC) */
} hfc_peer_watch;
void hfc_peer_watch_init(hfc_peer_watch *watch);
bool hfc_peer_check_due(const hfc_peer_watch *watch, int64_t now_ms);
/* One check's result: the first miss and XAPI_COUNT retries after it,
 * XAPI_DELAY apart, unanswered make a peer failed (HA-Lizard's reading);
 * an answer before that starts over. */
hfc_peer_state hfc_peer_observe(hfc_peer_watch *watch, bool answered, const hfc_settings *settings, int64_t now_ms);
const char *hfc_peer_state_name(hfc_peer_state state);
/* Does each host (a numeric address) accept a TCP connection on port
 * within timeout_ms?  All at once from this thread (non-blocking connects
 * and one poll), each address of a host in turn, up to
 * HFC_TCP_PROBE_TRIES connects to an address that does not answer, spread
 * over the timeout (a lost SYN is not the host's silence); answered and
 * why (what happened) are set for each probe. */
#define HFC_TCP_PROBE_TRIES 3
typedef struct hfc_tcp_probe {
    const char *host;
    bool answered;
    char why[200];
} hfc_tcp_probe;
void hfc_probe_tcp_all(hfc_tcp_probe *probes, size_t n, const char *port, int64_t timeout_ms);
/* The same for one host. */
bool hfc_probe_tcp(const char *host, const char *port, int64_t timeout_ms, char *why, size_t why_size);

#endif
