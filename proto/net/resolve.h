/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve: name resolution within a deadline.  getaddrinfo() cannot be
 * interrupted, so each name is resolved on a thread of its own and the
 * caller stops waiting at its deadline; whoever finishes last (the thread
 * or the caller giving up) frees the job.  Numeric addresses are answered
 * at once, without a thread.
 */
#ifndef HAFENCE_PROTO_NET_RESOLVE_H
#define HAFENCE_PROTO_NET_RESOLVE_H

#include <hafence/plugin.h>
#include <netdb.h>

typedef struct net_resolve net_resolve;

/* Start resolving name (port may be NULL) for sockets of socktype.  NULL
 * when out of memory or threads. */
net_resolve *net_resolve_start(const char *name, const char *port, int socktype);
/* Wait until every job (NULL entries skipped) is done, `until` (monotonic
 * ms) has passed, or ctx (may be NULL) is cancelled. */
void net_resolve_wait(net_resolve *const *jobs, size_t n, int64_t until, const hf_context *ctx);
/* The addresses found (free with freeaddrinfo), or NULL with reply saying
 * why ("name not resolved in time", "cannot resolve: ...").  The job is
 * gone after this call, finished or not. */
struct addrinfo *net_resolve_finish(net_resolve *job, hf_reply *reply);

#endif
