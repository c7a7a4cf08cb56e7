/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ping: HA-Lizard's IP heuristic.  ICMP echo to every address of a list,
 * all at once, a few tries, a per-address timeout; the vote passes only if
 * every address answers.  No address configured: unknown, never pass.
 * The same echoes, each address reported, are the daemon's peer probe
 * (probe: the whole pool in one call).
 *
 * Sockets: an unprivileged ICMP datagram socket where the kernel allows it
 * (net.ipv4.ping_group_range), else a raw socket (CAP_NET_RAW), else a
 * clear error.  Names are resolved with the call's deadline.
 */
#include "proto/net/resolve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <linux/filter.h>
#include <poll.h>
#include <stdatomic.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

/* a heuristic's list, or every peer of the largest pool (XCP-ng: 64
 * hosts) in one probe, with room */
#define PING_MAX_ADDRESSES 256

typedef struct ping_target {
    char name[256];
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int resolved;
    int answered;
    char why[128]; /* why it did not answer, when known */
} ping_target;

typedef struct ping {
    ping_target targets[PING_MAX_ADDRESSES];
    size_t count;
    long long timeout_ms;
    long long tries;
} ping;

static const hf_param_def params[] = {
    {"addresses", HF_PARAM_STRING, 0, NULL, NULL, 0, 0,
     "addresses or names to ping, separated by ':' (HA-Lizard's FENCE_HEURISTICS_IPS), ',' or "
     "spaces; IPv6 in brackets when ':'-separated"},
    {"timeout_ms", HF_PARAM_INTEGER, 0, "1000", NULL, 10, 60000,
     "time each address has to answer, spread over its tries"},
    {"tries", HF_PARAM_INTEGER, 0, "3", NULL, 1, 20, "echo requests per address before it counts as silent"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static int add_target(ping *p, const char *s, size_t len, hf_reply *reply)
{
    if (len == 0)
        return 1;
    if (p->count >= PING_MAX_ADDRESSES) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "ping: more than %d addresses", PING_MAX_ADDRESSES);
        return 0;
    }
    if (s[0] == '[' && len > 2 && s[len - 1] == ']') {
        s++;
        len -= 2;
    }
    if (len >= sizeof p->targets[0].name) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "ping: address '%.40s...' too long", s);
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)s[i]) && !strchr(".-:_%", s[i])) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "ping: '%.*s' is not an address or name", (int)len, s);
            return 0;
        }
    }
    memcpy(p->targets[p->count].name, s, len);
    p->targets[p->count].name[len] = '\0';
    p->count++;
    return 1;
}

/* "a:b:c", "a,b c", "[::1]:10.0.0.1", or a single bare IPv6 literal */
static int parse_list(ping *p, const char *list, hf_reply *reply)
{
    struct in6_addr a6;
    const char *seps = strpbrk(list, ", \t") ? ", \t" : ":";
    const char *s = list;
    if (inet_pton(AF_INET6, list, &a6) == 1)
        return add_target(p, list, strlen(list), reply);
    while (*s) {
        const char *e = s;
        if (*s == '[') {
            e = strchr(s, ']');
            if (!e) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "ping: unterminated '[' in '%s'", list);
                return 0;
            }
            e++;
        } else {
            while (*e && !strchr(seps, *e))
                e++;
        }
        if (!add_target(p, s, (size_t)(e - s), reply))
            return 0;
        s = e;
        while (*s && strchr(seps, *s))
            s++;
    }
    return 1;
}

static hf_result ping_create(const hf_context *ctx, const hf_param *prm, void **instance, hf_reply *reply)
{
    ping *p = calloc(1, sizeof *p);
    const char *list = hf_param_get(prm, "addresses");
    (void)ctx;
    if (!p)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    p->timeout_ms = hf_param_int(prm, "timeout_ms", 1000);
    p->tries = hf_param_int(prm, "tries", 3);
    if (list && !parse_list(p, list, reply)) {
        free(p);
        return HF_E_BAD_PARAMETER;
    }
    *instance = p;
    return HF_OK;
}

static void ping_destroy(void *instance)
{
    free(instance);
}

/* Resolve every target at once (numeric ones without a thread), all
 * bounded by the call's deadline: a name has as long to resolve as an
 * address has to answer. */
static void resolve_all(ping *p, const hf_context *ctx)
{
    int64_t until = hf_now_ms() + p->timeout_ms, deadline = ctx->deadline_ms;
    net_resolve *jobs[PING_MAX_ADDRESSES] = {0};
    for (size_t i = 0; i < p->count; i++)
        if (!(jobs[i] = net_resolve_start(p->targets[i].name, NULL, SOCK_RAW)))
            snprintf(p->targets[i].why, sizeof p->targets[i].why, "cannot start name resolution");
    net_resolve_wait(jobs, p->count, until < deadline ? until : deadline, ctx);
    for (size_t i = 0; i < p->count; i++) {
        ping_target *t = &p->targets[i];
        struct addrinfo *res;
        hf_reply why;
        if (!jobs[i])
            continue;
        if (!(res = net_resolve_finish(jobs[i], &why))) {
            snprintf(t->why, sizeof t->why, "%.120s", why.message); /* a detail of the target's line */
        } else {
            memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
            t->addr_len = res->ai_addrlen;
            t->resolved = 1;
            freeaddrinfo(res);
        }
    }
}

typedef struct icmp_socket {
    int fd;
    int raw; /* raw sockets see every ICMP packet (and the IPv4 header) */
} icmp_socket;

/* A raw socket is handed every ICMP packet the host receives: with one
 * socket per probe (the daemon checks all its peers at once) each would
 * wake for every other probe's replies, a cost that grows with the square
 * of the pool.  The kernel drops all but our echo replies instead, as
 * iputils' ping does: IPv4 raw sockets see the IP header (its length in
 * the low nibble of the first byte), ICMPv6 ones start at the ICMP header.
 * Failing to attach costs only speed: receive() checks the same. */
static void accept_only_ours(const icmp_socket *s, int family, uint16_t id)
{
    struct sock_filter v4[] = {
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), /* X = IP header length */
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),  /* ICMP identifier */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 3),
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), /* ICMP type */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHOREPLY, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_filter v6[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4), /* ICMPv6 identifier */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = family == AF_INET ? (struct sock_fprog){sizeof v4 / sizeof v4[0], v4}
                                               : (struct sock_fprog){sizeof v6 / sizeof v6[0], v6};
    if (s->raw)
        setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

/* Each check's own echo identifier: checks run at once in one process
 * (the daemon's probes, one a peer) and their replies are told apart by
 * it.  (The instance's address is no good: each thread allocates from its
 * own malloc arena, at the same offset in each.) */
static uint16_t echo_id(void)
{
    static atomic_uint next;
    return (uint16_t)((unsigned)getpid() * 977u + atomic_fetch_add(&next, 1));
}

static int open_icmp(int family, icmp_socket *s, char *why, size_t why_size)
{
    int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
    int dgram_errno;
    s->raw = 0;
    s->fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
    if (s->fd >= 0)
        return 1;
    dgram_errno = errno;
    s->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
    if (s->fd >= 0) {
        s->raw = 1;
        if (family == AF_INET6) {
            /* only echo replies */
            struct icmp6_filter f;
            ICMP6_FILTER_SETBLOCKALL(&f);
            ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
            setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
        }
        return 1;
    }
    snprintf(why, why_size,
             "cannot open an ICMP%s socket: datagram: %s (see sysctl net.ipv4.ping_group_range); "
             "raw: %s (needs CAP_NET_RAW)",
             family == AF_INET ? "" : "v6", strerror(dgram_errno), strerror(errno));
    return 0;
}

static uint16_t checksum(const void *data, size_t len)
{
    const uint8_t *b = data;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (len & 1)
        sum += (uint32_t)(b[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

static void send_echo(const icmp_socket *s, ping_target *t, uint16_t id, uint16_t seq)
{
    unsigned char pkt[16];
    memset(pkt, 0, sizeof pkt);
    pkt[0] = t->addr.ss_family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
    memcpy(pkt + 4, &(uint16_t){htons(id)}, 2);
    memcpy(pkt + 6, &(uint16_t){htons(seq)}, 2);
    memcpy(pkt + 8, "hafence!", 8);
    if (t->addr.ss_family == AF_INET && s->raw) {
        uint16_t c = checksum(pkt, sizeof pkt);
        memcpy(pkt + 2, &c, 2);
    }
    /* datagram sockets and ICMPv6 have the kernel fill in the checksum */
    if (sendto(s->fd, pkt, sizeof pkt, 0, (const struct sockaddr *)&t->addr, t->addr_len) < 0)
        snprintf(t->why, sizeof t->why, "send: %s", strerror(errno));
}

static int same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr,
                  sizeof(struct in6_addr)) == 0;
}

static void receive(const icmp_socket *s, ping *p, uint16_t id)
{
    for (int n = 0; n < 256; n++) {
        unsigned char buf[1500];
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t len = recvfrom(s->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        const unsigned char *icmp = buf;
        uint16_t rid;
        if (len <= 0)
            return;
        if (s->raw && from.ss_family == AF_INET) {
            size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
            if ((size_t)len < ihl + 8)
                continue;
            icmp += ihl;
            len -= (ssize_t)ihl;
        }
        if (len < 8)
            continue;
        if (icmp[0] != (from.ss_family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY))
            continue;
        memcpy(&rid, icmp + 4, 2);
        /* a datagram socket's id is the kernel's; only raw replies need ours */
        if (s->raw && ntohs(rid) != id)
            continue;
        for (size_t i = 0; i < p->count; i++)
            if (p->targets[i].resolved && same_host(&p->targets[i].addr, &from))
                p->targets[i].answered = 1;
    }
}

/* Echo every address at once, a few tries each, from one socket per
 * family; afterwards each target says whether it answered (or why not).
 * 0, with why, when no ICMP socket can be had. */
static int echo_all(ping *p, const hf_context *ctx, char *why, size_t why_size)
{
    icmp_socket sock[2] = {{-1, 0}, {-1, 0}};
    uint16_t id = echo_id();
    int need[2] = {0, 0};

    for (size_t i = 0; i < p->count; i++)
        p->targets[i].answered = p->targets[i].resolved = 0, p->targets[i].why[0] = '\0';
    resolve_all(p, ctx);
    for (size_t i = 0; i < p->count; i++)
        if (p->targets[i].resolved)
            need[p->targets[i].addr.ss_family == AF_INET6] = 1;
    for (int f = 0; f < 2; f++) {
        if (need[f] && !open_icmp(f ? AF_INET6 : AF_INET, &sock[f], why, why_size)) {
            if (sock[0].fd >= 0)
                close(sock[0].fd);
            return 0;
        }
        if (need[f])
            accept_only_ours(&sock[f], f ? AF_INET6 : AF_INET, id);
    }
    for (long long round = 0; round < p->tries && !hf_ctx_cancelled(ctx); round++) {
        int64_t until = hf_now_ms() + p->timeout_ms / p->tries + (round + 1 == p->tries ? p->timeout_ms % p->tries : 0);
        size_t waiting = 0;
        for (size_t i = 0; i < p->count; i++) {
            ping_target *t = &p->targets[i];
            if (t->resolved && !t->answered) {
                send_echo(&sock[t->addr.ss_family == AF_INET6], t, id, (uint16_t)round);
                waiting++;
            }
        }
        if (!waiting)
            break;
        if (until > ctx->deadline_ms)
            until = ctx->deadline_ms;
        for (;;) {
            struct pollfd pfd[2];
            int n = 0;
            int64_t left = until - hf_now_ms();
            size_t open = 0;
            for (size_t i = 0; i < p->count; i++)
                open += p->targets[i].resolved && !p->targets[i].answered;
            if (left <= 0 || !open)
                break;
            for (int f = 0; f < 2; f++)
                if (sock[f].fd >= 0) {
                    pfd[n].fd = sock[f].fd;
                    pfd[n++].events = POLLIN;
                }
            if (poll(pfd, (nfds_t)n, (int)left) > 0)
                for (int f = 0; f < 2; f++)
                    if (sock[f].fd >= 0)
                        receive(&sock[f], p, id);
        }
    }
    for (int f = 0; f < 2; f++)
        if (sock[f].fd >= 0)
            close(sock[f].fd);
    return 1;
}

/* Why a target did not answer, as check and probe report it. */
static const char *silence(const ping_target *t)
{
    return *t->why ? t->why : "no answer";
}

static hf_result ping_check(void *instance, const hf_context *ctx, hf_reply *reply)
{
    ping *p = instance;
    char why[256] = "", failed[HF_MESSAGE_MAX] = "";
    size_t answered = 0;

    if (p->count == 0) {
        reply->vote = HF_VOTE_UNKNOWN;
        return hf_reply_set(reply, HF_OK, "no heuristic address configured: vote unknown");
    }
    if (!echo_all(p, ctx, why, sizeof why)) {
        reply->vote = HF_VOTE_UNKNOWN;
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "ping: %s", why);
    }
    for (size_t i = 0; i < p->count; i++) {
        ping_target *t = &p->targets[i];
        if (t->answered) {
            answered++;
            continue;
        }
        size_t used = strlen(failed);
        snprintf(failed + used, sizeof failed - used, "%s%s (%s)", used ? ", " : "", t->name, silence(t));
    }
    if (answered == p->count) {
        reply->vote = HF_VOTE_PASS;
        return hf_reply_set(reply, HF_OK, "all %zu addresses answered", p->count);
    }
    reply->vote = HF_VOTE_FAIL;
    return hf_reply_set(reply, HF_OK, "%zu of %zu addresses answered; silent: %s", answered, p->count, failed);
}

/* The daemon's peer check: the same echoes as check, each address
 * reported. */
static hf_result ping_probe(void *instance, const hf_context *ctx, hf_probe_sink *sink, void *sink_arg, hf_reply *reply)
{
    ping *p = instance;
    char why[256] = "";
    size_t answered = 0;

    if (!echo_all(p, ctx, why, sizeof why))
        return hf_reply_set(reply, HF_E_UNSUPPORTED, "ping: %s", why);
    for (size_t i = 0; i < p->count; i++) {
        ping_target *t = &p->targets[i];
        answered += t->answered != 0;
        sink(sink_arg, t->name, t->answered ? NULL : silence(t));
    }
    return hf_reply_set(reply, HF_OK, "%zu of %zu addresses answered", answered, p->count);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_HEUR_CREATE(ping_create),
    HF_DISPATCH_HEUR_DESTROY(ping_destroy),
    HF_DISPATCH_HEUR_CHECK(ping_check),
    HF_DISPATCH_HEUR_PROBE(ping_probe),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_HEURISTIC,
    .name = "ping",
    .version = HAFENCE_VERSION,
    .description = "IP heuristic: passes only if every address answers ICMP echo",
    .params = params,
    .dispatch = dispatch,
    .capabilities = HF_CAP_PEER_PROBE,
};

HAFENCE_PLUGIN(descriptor)
