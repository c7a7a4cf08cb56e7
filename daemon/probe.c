/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checking peers, as HA-Lizard does: an ICMP echo (through the ping plugin,
 * the same code as the IP heuristic) and a TCP connection to the
 * management port XAPI listens on.  A peer whose XAPI no longer accepts
 * connections fails its check even when it still pings: the pool cannot
 * manage it, and the log says which of the two went silent.  All peers are
 * checked at once, each within the same timeout.
 */
#include "core/error.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "core/liveness.h"
#include "daemon/hafenced.h"

#include <pthread.h>

/* The probes' threads, every XAPI_DELAY (the ICMP probes': one a peer
 * with a probe that cannot report each address in one call):
 * stacks this small stay in glibc's cache of freed stacks (40 MiB) even
 * for a 64-host pool, so each pass reuses them rather than mapping,
 * faulting in and unmapping 8 MiB apiece.  A probe needs a few KiB. */
#define PROBE_STACK (128 * 1024)

/* Every peer's TCP probe, in one thread beside the ICMP probes. */
typedef struct tcp_batch {
    hfc_tcp_probe *probes;
    size_t n;
    const char *port;
    int64_t timeout_ms;
} tcp_batch;

static void *tcp_batch_run(void *arg)
{
    tcp_batch *b = arg;
    hfc_probe_tcp_all(b->probes, b->n, b->port, b->timeout_ms);
    return NULL;
}

static void management_port(const daemon_config *dc, char *out, size_t size)
{
    long long port = hf_param_int(dc->pool_params, "port", 0);
    if (!port)
        port = strcmp(hf_param_str(dc->pool_params, "scheme", "https"), "https") == 0 ? 443 : 80;
    snprintf(out, size, "%lld", port);
}

/* The peer probe's parameters for addresses (one, or a list), as every
 * ICMP probe of the peers uses them: three tries within the timeout, as
 * the TCP probe makes three connects (a lost packet is not silence).  NULL,
 * with err, for addresses the plugin refuses. */
static hf_param *probe_params(const daemon_config *dc, const char *addresses, int64_t timeout_ms, hfc_error *err)
{
    hfc_paramset *set = hfc_paramset_new();
    hf_param *params;
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%lld", (long long)(timeout_ms > 10 ? timeout_ms : 10));
    hfc_paramset_set(set, "addresses", addresses);
    hfc_paramset_set(set, "timeout_ms", timeout);
    hfc_paramset_set(set, "tries", "3");
    params = hfc_params_validate(hfc_plugin_descriptor_of(dc->ping_plugin)->params, set,
                                 hfc_plugin_name(dc->ping_plugin), err);
    hfc_paramset_free(set);
    return params;
}

/* In-process (they only read sockets), in small threads, bounded a little
 * beyond the probe's own timeout. */
static void probe_engine_options(hfc_engine_options *eo, int64_t timeout_ms)
{
    hfc_engine_options_init(eo);
    eo->isolate = false;
    eo->thread_stack = PROBE_STACK;
    eo->timeout_ms = timeout_ms + 500;
}

/* Ping requests for each address, run in-process through the engine, all
 * at once. */
static void icmp_probes(const daemon_config *dc, const char *const *addresses, size_t n, int64_t timeout_ms,
                        hfc_outcome *outcomes)
{
    hfc_engine_options eo;
    hfc_request *req = hfc_calloc(n, sizeof *req);
    hf_param **params = hfc_calloc(n, sizeof *params);
    hfc_outcome *got = hfc_calloc(n, sizeof *got);
    size_t *index = hfc_calloc(n, sizeof *index), runs = 0;
    probe_engine_options(&eo, timeout_ms);
    for (size_t i = 0; i < n; i++) {
        hfc_error err = {0};
        if ((params[i] = probe_params(dc, addresses[i], timeout_ms, &err))) {
            req[runs] =
                (hfc_request){.plugin = dc->ping_plugin, .params = params[i], .target = "", .action = HFC_ACTION_CHECK};
            index[runs++] = i;
        } else {
            /* an address the ping plugin refuses: the peer does not answer */
            hfc_outcome_clear(&outcomes[i]);
            outcomes[i].code = HF_E_BAD_PARAMETER;
            hfc_strlcpy(outcomes[i].message, err.message, sizeof outcomes[i].message);
        }
    }
    hfc_engine_run(&eo, req, runs, got);
    for (size_t r = 0; r < runs; r++)
        outcomes[index[r]] = got[r]; /* moved, items and all */
    for (size_t i = 0; i < n; i++)
        hfc_params_free(params[i]);
    free(index);
    free(got);
    free(params);
    free(req);
}

/* Every address in one call of the probe's probe entry point (ABI 1.3):
 * one socket and no thread per peer, where a check per peer costs a
 * thread, a socket and the wake-ups of every other peer's replies.  False
 * when the plugin has no such entry point or the call did not report each
 * address (one the plugin refuses fails the list): the caller then checks
 * them one by one. */
static bool icmp_probe_all(const daemon_config *dc, const char *const *addresses, size_t n, int64_t timeout_ms,
                           hfc_outcome *outcomes)
{
    hfc_engine_options eo;
    hf_param *params;
    hfc_error err = {0};
    hfc_outcome got = {0};
    char *list, *end;
    size_t len = 1;
    bool ok = false;
    if (!n || !hfc_plugin_heur_probe(dc->ping_plugin))
        return false;
    for (size_t i = 0; i < n; i++)
        len += strlen(addresses[i]) + 1;
    end = list = hfc_calloc(1, len);
    for (size_t i = 0; i < n; i++)
        end += sprintf(end, "%s%s", i ? "," : "", addresses[i]);
    params = probe_params(dc, list, timeout_ms, &err);
    free(list);
    if (!params)
        return false;
    probe_engine_options(&eo, timeout_ms);
    hfc_engine_run(
        &eo, &(hfc_request){.plugin = dc->ping_plugin, .params = params, .target = "", .action = HFC_ACTION_PROBE}, 1,
        &got);
    hfc_params_free(params);
    if (got.code == HF_OK && got.item_count == n) {
        for (size_t i = 0; i < n; i++) {
            const char *why = got.items[i].name;
            hfc_outcome_clear(&outcomes[i]);
            outcomes[i].code = HF_OK;
            outcomes[i].vote = *why ? HF_VOTE_FAIL : HF_VOTE_PASS;
            hfc_strlcpy(outcomes[i].message, *why ? why : "answered", sizeof outcomes[i].message);
        }
        ok = true;
    }
    hfc_outcome_clear(&got);
    return ok;
}

void probe_peers(const daemon_config *dc, const char *const *addresses, size_t n, int64_t timeout_ms, probe_result *out)
{
    hfc_tcp_probe *tcp = hfc_calloc(n ? n : 1, sizeof *tcp);
    hfc_outcome *icmp = hfc_calloc(n ? n : 1, sizeof *icmp);
    char port[8];
    tcp_batch batch = {tcp, n, port, timeout_ms};
    pthread_t thread;
    pthread_attr_t attr;
    bool started;
    management_port(dc, port, sizeof port);
    for (size_t i = 0; i < n; i++)
        tcp[i].host = addresses[i];
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PROBE_STACK);
    started = pthread_create(&thread, &attr, tcp_batch_run, &batch) == 0;
    pthread_attr_destroy(&attr);
    if (!started)
        tcp_batch_run(&batch); /* no thread to be had: one after the other */
    if (!icmp_probe_all(dc, addresses, n, timeout_ms, icmp))
        icmp_probes(dc, addresses, n, timeout_ms, icmp);
    if (started)
        pthread_join(thread, NULL);
    for (size_t i = 0; i < n; i++) {
        out[i].tcp = tcp[i].answered;
        out[i].icmp = icmp[i].code == HF_OK && icmp[i].vote == HF_VOTE_PASS;
        if (out[i].icmp && out[i].tcp)
            snprintf(out[i].why, sizeof out[i].why, "answers ICMP and port %s", port);
        else if (out[i].icmp)
            snprintf(out[i].why, sizeof out[i].why, "answers ICMP, but %s", tcp[i].why);
        else
            snprintf(out[i].why, sizeof out[i].why, "no ICMP answer (%.100s); %s", icmp[i].message, tcp[i].why);
        hfc_outcome_clear(&icmp[i]);
    }
    free(icmp);
    free(tcp);
}

hf_vote heuristic_vote(const daemon_config *dc, char *why, size_t why_size)
{
    hfc_engine_options eo;
    hfc_request req = {
        .plugin = dc->ping_plugin, .params = dc->heuristic_params, .target = "", .action = HFC_ACTION_CHECK};
    hfc_outcome out = {0};
    hf_vote vote;
    hfc_engine_options_init(&eo);
    eo.isolate = false;
    eo.timeout_ms = 10000;
    hfc_engine_run(&eo, &req, 1, &out);
    vote = out.code == HF_OK ? out.vote : HF_VOTE_UNKNOWN;
    snprintf(why, why_size, "%s", out.message);
    hfc_outcome_clear(&out);
    return vote;
}
