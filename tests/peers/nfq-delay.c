/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfq-delay: a link's delay with jitter, for a kernel without netem.  The
 * packets an iptables NFQUEUE rule queues (in the namespace this runs in)
 * are held, each for DELAY_MS +/- JITTER_MS at random, then let through;
 * as with netem's jitter, packets may overtake each other.
 *
 *   nfq-delay QUEUE DELAY_MS JITTER_MS SECONDS
 *
 * Exits after SECONDS (bounded, as every peer of the tests), or at SIGTERM,
 * letting what it holds through first; rules with --queue-bypass let
 * traffic pass undelayed once it is gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define HELD_MAX 8192 /* the queue's length: what the kernel keeps for us */

typedef struct held {
    uint32_t id;
    int64_t due_ms;
} held;

static held packets[HELD_MAX];
static size_t count;
static long delay_ms, jitter_ms;
static volatile sig_atomic_t stop;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *msg, struct nfq_data *nfa, void *arg)
{
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    long d = delay_ms + (jitter_ms ? random() % (2 * jitter_ms + 1) - jitter_ms : 0);
    (void)msg, (void)arg;
    if (!ph)
        return 0;
    if (count == HELD_MAX) /* cannot hold it: through, undelayed */
        return nfq_set_verdict(q, ntohl(ph->packet_id), NF_ACCEPT, 0, NULL);
    packets[count].id = ntohl(ph->packet_id);
    packets[count].due_ms = now_ms() + (d > 0 ? d : 0);
    count++;
    return 0;
}

/* Let through what is due (everything, when all is true); returns the
 * milliseconds to the next one due, at most 100. */
static int release(struct nfq_q_handle *q, int all)
{
    int64_t now = now_ms(), next = now + 100;
    for (size_t i = 0; i < count;) {
        if (all || packets[i].due_ms <= now) {
            nfq_set_verdict(q, packets[i].id, NF_ACCEPT, 0, NULL);
            packets[i] = packets[--count];
            continue;
        }
        if (packets[i].due_ms < next)
            next = packets[i].due_ms;
        i++;
    }
    return (int)(next - now);
}

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    struct nfq_handle *h;
    struct nfq_q_handle *q;
    char buf[65536] __attribute__((aligned));
    int64_t end;
    int fd;
    if (argc != 5) {
        fprintf(stderr, "usage: nfq-delay QUEUE DELAY_MS JITTER_MS SECONDS\n");
        return 2;
    }
    delay_ms = atol(argv[2]);
    jitter_ms = atol(argv[3]);
    end = now_ms() + atol(argv[4]) * 1000;
    srandom((unsigned)now_ms());
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    if (!(h = nfq_open())) {
        perror("nfq-delay: nfq_open");
        return 1;
    }
    if (!(q = nfq_create_queue(h, (uint16_t)atoi(argv[1]), on_packet, NULL))) {
        fprintf(stderr, "nfq-delay: queue %s: cannot bind it (root? another listener?)\n", argv[1]);
        nfq_close(h);
        return 1;
    }
    nfq_set_mode(q, NFQNL_COPY_META, 0);
    nfq_set_queue_maxlen(q, HELD_MAX);
    fd = nfq_fd(h);
    while (!stop && now_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, release(q, 0)) > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0)
                nfq_handle_packet(h, buf, (int)n);
            else if (n < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EINTR)
                break;
        }
    }
    release(q, 1);
    nfq_destroy_queue(q);
    nfq_close(h);
    return 0;
}
