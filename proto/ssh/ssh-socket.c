/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A TCP connection made within a deadline: the name resolved within it
 * (proto/net), each address tried in turn with a non-blocking connect().
 */
#include "proto/net/resolve.h"
#include <hafence/net.h>
#include "proto/ssh/ssh-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The addresses of name:port, by `until`.  NULL with reply saying why. */
static struct addrinfo *resolve(const char *name, int port, const hf_context *ctx, int64_t until, hf_reply *reply)
{
    char portstr[8];
    net_resolve *job;
    snprintf(portstr, sizeof portstr, "%d", port);
    if (!(job = net_resolve_start(name, portstr, SOCK_STREAM))) {
        hf_reply_set(reply, HF_E_UNREACHABLE, "cannot start name resolution");
        return NULL;
    }
    net_resolve_wait(&job, 1, until, ctx);
    return net_resolve_finish(job, reply);
}

int ssh_socket_connect(const char *address, int port, const hf_context *ctx, int64_t until, hf_result *code,
                       hf_reply *reply)
{
    struct addrinfo *res = resolve(address, port, ctx, until, reply), *ai;
    int fd = -1, err = 0, one = 1;
    *code = HF_E_UNREACHABLE;
    if (!res)
        return -1;
    for (ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = hf_net_connect(ai, ctx, until, &err);
    freeaddrinfo(res);
    if (fd < 0) {
        if (err == ECANCELED)
            *code = HF_E_CANCELLED;
        else if (err == ETIMEDOUT && hf_ctx_remaining_ms(ctx) == 0)
            *code = HF_E_TIMED_OUT;
        hf_reply_set(reply, *code, "cannot connect: %s",
                     err == ETIMEDOUT   ? "no answer in time"
                     : err == ECANCELED ? "cancelled"
                                        : strerror(err));
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}
