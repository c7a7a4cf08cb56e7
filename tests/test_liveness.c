/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Peer liveness: the first miss and XAPI_COUNT retries XAPI_DELAY apart
 * make a peer failed (HA-Lizard's reading of XAPI_COUNT), an
 * answer in between starts over; the TCP probe against a listener on
 * loopback and a port where nothing listens. */
#include "core/error.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/liveness.h"
#include <hafence/net.h>
#include "tests/tap.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static void settings(hfc_settings *s, const char *text)
{
    hfc_config *cfg = hfc_config_new();
    hfc_error err;
    hfc_config_parse(cfg, "t", text, strlen(text), &err);
    hfc_settings_load(cfg, s, &err);
    hfc_config_free(cfg);
}

TAP_CASE(retries_apart)
{
    hfc_settings s;
    hfc_peer_watch w;
    int64_t t = 1000000;
    settings(&s, "FENCE_METHOD=IPMI\nXAPI_COUNT=3\nXAPI_DELAY=2\n");
    hfc_peer_watch_init(&w);
    ok(hfc_peer_check_due(&w, t), "a new peer is checked at once");
    ok(hfc_peer_observe(&w, false, &s, t) == HFC_PEER_SUSPECT, "one miss: suspect");
    ok(!hfc_peer_check_due(&w, t + 1999) && hfc_peer_check_due(&w, t + 2000), "next check XAPI_DELAY later");
    ok(hfc_peer_observe(&w, false, &s, t + 2000) == HFC_PEER_SUSPECT, "two misses: still suspect");
    ok(hfc_peer_observe(&w, true, &s, t + 4000) == HFC_PEER_OK && w.misses == 0,
       "a peer that answers in the meantime starts over");
    ok(hfc_peer_observe(&w, false, &s, t + 6000) == HFC_PEER_SUSPECT, "the first miss again");
    ok(hfc_peer_observe(&w, false, &s, t + 8000) == HFC_PEER_SUSPECT, "retry 1 of 3 missed");
    ok(hfc_peer_observe(&w, false, &s, t + 10000) == HFC_PEER_SUSPECT, "retry 2 of 3 missed");
    ok(hfc_peer_observe(&w, false, &s, t + 12000) == HFC_PEER_FAILED, "retry 3 of 3 (XAPI_COUNT) missed: failed");
    ok(!hfc_peer_check_due(&w, t + 99999), "a failed peer is not checked again (it is the fence's now)");
    hfc_settings_free(&s);
}

TAP_CASE(one_retry)
{
    hfc_settings s;
    hfc_peer_watch w;
    int64_t t = 1000000;
    settings(&s, "FENCE_METHOD=IPMI\nXAPI_COUNT=1\n");
    hfc_peer_watch_init(&w);
    ok(hfc_peer_observe(&w, false, &s, t) == HFC_PEER_SUSPECT, "XAPI_COUNT=1: the first miss is not enough");
    ok(hfc_peer_observe(&w, false, &s, t + 1) == HFC_PEER_FAILED, "  ... its one retry missed fails it");
    hfc_settings_free(&s);
}

TAP_CASE(tcp_probe)
{
    char why[256];
    /* the TCP probe */
    {
        int l = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {0};
        socklen_t len = sizeof a;
        char port[16];
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok(bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 4) == 0 &&
               getsockname(l, (struct sockaddr *)&a, &len) == 0,
           "a listener on loopback");
        snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
        ok(hfc_probe_tcp("127.0.0.1", port, 1000, why, sizeof why), "TCP probe of the listener: answered (%s)", why);
        close(l);
        ok(!hfc_probe_tcp("127.0.0.1", port, 1000, why, sizeof why), "after it closed: no answer (%s)", why);
        ok(!hfc_probe_tcp("not-an-address", port, 1000, why, sizeof why), "a name is refused (no resolver wait): %s",
           why);
    }
    /* every peer's probe in one call: each gets its own answer */
    {
        int l = socket(AF_INET, SOCK_STREAM, 0), gone = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {0}, b = {0};
        socklen_t len = sizeof a, blen = sizeof b;
        char port[16];
        hfc_tcp_probe p[4] = {
            {.host = "127.0.0.1"}, {.host = "127.0.0.2"}, {.host = "peer-name"}, {.host = "127.0.0.1"}};
        a.sin_family = b.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        b.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
        ok(bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 8) == 0 &&
               getsockname(l, (struct sockaddr *)&a, &len) == 0,
           "a listener on 127.0.0.1");
        /* 127.0.0.2 on the same port: bound, never listening (refused) */
        b.sin_port = a.sin_port;
        ok(bind(gone, (struct sockaddr *)&b, sizeof b) == 0 && getsockname(gone, (struct sockaddr *)&b, &blen) == 0,
           "127.0.0.2 on that port does not listen");
        snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
        hfc_probe_tcp_all(p, 4, port, 2000);
        ok(p[0].answered && p[3].answered, "all at once: the listener answered both probes (%s)", p[0].why);
        ok(!p[1].answered && strstr(p[1].why, "refused"), "  ... the host that does not listen refused: %s", p[1].why);
        ok(!p[2].answered && strstr(p[2].why, "peer-name"), "  ... a name is refused, named: %s", p[2].why);
        close(gone);
        close(l);
    }
}

/* ListenOverflows of /proc/net/netstat: the SYNs the kernel dropped on a
 * full accept queue (this network namespace), or -1. */
static long long listen_overflows(void)
{
    FILE *f = fopen("/proc/net/netstat", "r");
    char names[4096], values[4096];
    long long got = -1;
    if (!f)
        return -1;
    while (got < 0 && fgets(names, sizeof names, f) && fgets(values, sizeof values, f)) {
        char *ns, *vs, *n = strtok_r(names, " \n", &ns), *v = strtok_r(values, " \n", &vs);
        if (!n || strcmp(n, "TcpExt:") != 0)
            continue;
        while ((n = strtok_r(NULL, " \n", &ns)) && (v = strtok_r(NULL, " \n", &vs)))
            if (strcmp(n, "ListenOverflows") == 0) {
                got = strtoll(v, NULL, 10);
                break;
            }
    }
    fclose(f);
    return got;
}

/* A SYN lost on the way (a lossy link) is not sent again by the kernel
 * within a check's timeout (its first retransmission comes after a
 * second): the probe sends fresh ones.  A listener whose accept queue is
 * full drops every SYN, and counts each: the lossy link, made exact. */
TAP_CASE(tcp_probe_lost_syn)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), filler = socket(AF_INET, SOCK_STREAM, 0), accepted;
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    char port[16], why[256];
    long long before, after;
    bool answered;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok(bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 0) == 0 &&
           getsockname(l, (struct sockaddr *)&a, &len) == 0,
       "a listener with an accept queue of one");
    ok(connect(filler, (struct sockaddr *)&a, sizeof a) == 0, "  ... filled by a connection it does not accept");
    snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
    before = listen_overflows();
    answered = hfc_probe_tcp("127.0.0.1", port, 900, why, sizeof why);
    after = listen_overflows();
    ok(!answered, "every SYN dropped: no answer (%s)", why);
    ok(before >= 0 && after >= 0 && after - before >= HFC_TCP_PROBE_TRIES,
       "  ... %d SYNs sent within the 900 ms timeout, not one: %lld dropped (ListenOverflows %lld -> %lld)",
       HFC_TCP_PROBE_TRIES, after - before, before, after);
    accepted = accept(l, NULL, NULL);
    ok(accepted >= 0 && hfc_probe_tcp("127.0.0.1", port, 900, why, sizeof why),
       "the queue has room again: answered (%s)", why);
    close(accepted);
    close(filler);
    close(l);
}

TAP_CASE(address_split)
{
    {
        /* the SDK's address splitting, which the plugins use */
        char host[16];
        int port = 623;
        ok(hf_net_split_address("10.0.0.12", host, sizeof host, &port) && strcmp(host, "10.0.0.12") == 0 && port == 623,
           "an address without a port keeps the default");
        ok(hf_net_split_address("bmc1:6230", host, sizeof host, &port) && strcmp(host, "bmc1") == 0 && port == 6230,
           "host:port");
        ok(hf_net_split_address("[fe80::1]:24", host, sizeof host, &port) && strcmp(host, "fe80::1") == 0 && port == 24,
           "[v6]:port");
        port = 1;
        ok(hf_net_split_address("fe80::1", host, sizeof host, &port) && strcmp(host, "fe80::1") == 0 && port == 1,
           "a bare IPv6 address has no port");
        ok(!hf_net_split_address("host:0", host, sizeof host, &port) &&
               !hf_net_split_address("host:65536", host, sizeof host, &port) &&
               !hf_net_split_address("[::1]x", host, sizeof host, &port) &&
               !hf_net_split_address("", host, sizeof host, &port) &&
               !hf_net_split_address(":22", host, sizeof host, &port),
           "bad ports, stray text, empty hosts refused");
        ok(!hf_net_split_address("a-very-long-bmc-name.example:623", host, sizeof host, &port) &&
               !hf_net_split_address("[1234:5678:9abc::1]", host, sizeof host, &port),
           "a host that does not fit is refused, never cut");
    }
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(retries_apart);
    TAP_RUN(one_retry);
    TAP_RUN(tcp_probe);
    TAP_RUN(tcp_probe_lost_syn);
    TAP_RUN(address_split);
    return tap_done();
}
