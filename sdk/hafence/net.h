/* SPDX-License-Identifier: MIT */
/*
 * hafence plugin SDK, network helpers: what every network plugin would
 * otherwise write again.  Optional and POSIX: include it after
 * <hafence/plugin.h> in a plugin that talks TCP; like the rest of the SDK
 * it is all inline, so a plugin links nothing of hafence's.
 *
 *   hf_net_split_address()  an address as operators write it, split
 *   hf_net_connect()        a TCP connect bounded by the call's deadline
 *   hf_net_connect_start()  its two halves, for a plugin that waits on
 *   hf_net_connect_done()   several connects in one poll() of its own
 *
 * In strict ISO modes (-std=c99/c11 without GNU extensions) define
 * _POSIX_C_SOURCE 200809L before the first include, as for any POSIX API.
 */
#ifndef HAFENCE_NET_H
#define HAFENCE_NET_H

#if defined(__STRICT_ANSI__) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && !defined(_GNU_SOURCE) && \
    !defined(__cplusplus)
#error "hafence/net.h uses POSIX sockets: define _POSIX_C_SOURCE 200809L before the first #include"
#endif

#include <hafence/plugin.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* Split an address as operators write it: "host", "host:port", "[v6]" or
 * "[v6]:port" (a bare IPv6 address has no port).  host gets the host
 * without brackets; *port the port when the text has one (else it is left
 * as it was: set your default first).  False when the text is no such
 * address, its port is not 1..65535, or the host does not fit host_size
 * (never a cut host). */
static inline bool hf_net_split_address(const char *text, char *host, size_t host_size, int *port)
{
    const char *colon = strrchr(text, ':'), *digits = NULL, *end = NULL;
    size_t n;
    if (!*text)
        return false;
    if (*text == '[') {
        if (!(end = strchr(text, ']')) || (end[1] && end[1] != ':'))
            return false;
        digits = end[1] ? end + 2 : NULL;
        text++;
        n = (size_t)(end - text);
    } else if (colon && strchr(text, ':') == colon) { /* one colon: host:port */
        digits = colon + 1;
        n = (size_t)(colon - text);
    } else { /* a name, an IPv4 address or a bare IPv6 address */
        n = strlen(text);
    }
    if (n == 0 || n >= host_size)
        return false;
    if (digits) {
        char *stop;
        long v = strtol(digits, &stop, 10);
        if (!*digits || *stop || v < 1 || v > 65535)
            return false;
        *port = (int)v;
    }
    memcpy(host, text, n);
    host[n] = '\0';
    return true;
}

/* Start a TCP connect to one address (a getaddrinfo() result) without
 * waiting for it.  Returns the socket, non-blocking and close-on-exec,
 * connected or with the connect in progress (poll it for POLLOUT, then ask
 * hf_net_connect_done()); or -1 with *error set. */
static inline int hf_net_connect_start(const struct addrinfo *ai, int *error)
{
    int type = ai->ai_socktype ? ai->ai_socktype : SOCK_STREAM;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    /* both flags in the one call where the system has them (Linux, the
     * BSDs): a daemon probing a whole pool every second opens many */
    int fd = socket(ai->ai_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    int flagged = fd >= 0;
#else
    int fd = socket(ai->ai_family, type, ai->ai_protocol), flagged = 0;
#endif
    if (fd < 0) {
        *error = errno;
        return -1;
    }
    if ((!flagged && (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)) ||
        (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)) {
        *error = errno;
        close(fd);
        return -1;
    }
    return fd;
}

/* After poll() said POLLOUT (or POLLERR/POLLHUP) on a socket from
 * hf_net_connect_start(): true when the connect succeeded; false with
 * *error set to why it failed (the socket stays open: the caller closes
 * it either way). */
static inline bool hf_net_connect_done(int fd, int *error)
{
    int e = 0;
    socklen_t len = sizeof e;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
        e = errno;
    *error = e;
    return e == 0;
}

/* Connect a TCP socket to one address (a getaddrinfo() result) before
 * until_ms (the clock of hf_context.deadline_ms: pass ctx->deadline_ms, or
 * less to leave time for the protocol), giving up early when ctx says the
 * call is cancelled (ctx may be NULL).  Returns the connected socket,
 * non-blocking and close-on-exec, which the caller closes; or -1 with
 * *error set (ETIMEDOUT when the deadline passed, ECANCELED when
 * cancelled, else the connect error).  Resolving a name is not covered by
 * the deadline: getaddrinfo() with AI_NUMERICHOST never waits. */
static inline int hf_net_connect(const struct addrinfo *ai, const hf_context *ctx, int64_t until_ms, int *error)
{
    int fd = hf_net_connect_start(ai, error);
    if (fd < 0)
        return -1;
    for (;;) { /* wait for the connect in slices, to see a cancel in time */
        struct pollfd p;
        int64_t left = until_ms - hf_now_ms();
        int n;
        p.fd = fd;
        p.events = POLLOUT;
        p.revents = 0;
        if (left <= 0 || (ctx && ctx->cancelled(ctx))) {
            *error = left <= 0 ? ETIMEDOUT : ECANCELED;
            close(fd);
            return -1;
        }
        n = poll(&p, 1, (int)(left > 200 ? 200 : left));
        if (n < 0 && errno != EINTR) {
            *error = errno;
            close(fd);
            return -1;
        }
        if (n <= 0)
            continue;
        if (!hf_net_connect_done(fd, error)) {
            close(fd);
            return -1;
        }
        return fd;
    }
}

#endif
