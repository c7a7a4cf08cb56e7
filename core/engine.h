/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fence engine (core/engine.c, core/isolate.c) */
#ifndef HFC_ENGINE_H
#define HFC_ENGINE_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/loader.h"

typedef enum hfc_action {
    HFC_ACTION_OFF,
    HFC_ACTION_ON,
    HFC_ACTION_REBOOT,
    HFC_ACTION_CYCLE,
    HFC_ACTION_STATUS,
    HFC_ACTION_MONITOR,
    HFC_ACTION_LIST,
    HFC_ACTION_CHECK,    /* heuristic vote */
    HFC_ACTION_CONSOLE,  /* follow the live console (to hfc_request.console_fd) */
    HFC_ACTION_VALIDATE, /* the plugin accepts the parameters (create, destroy): nothing is sent to the device */
    HFC_ACTION_PROBE     /* a peer probe: each address's answer, as items (target: the address; name: "" when it
                          * answered, else why not) */
} hfc_action;
const char *hfc_action_name(hfc_action action);
bool hfc_action_parse(const char *word, hfc_action *out);

struct hfc_request;
struct hfc_outcome;
typedef struct hfc_engine_options {
    int64_t timeout_ms;       /* whole operation; default 60000 */
    int64_t power_timeout_ms; /* wait for the state to read back; default 20000 */
    int retries;              /* extra power requests; default 1 */
    bool isolate;             /* child process per operation; default true */
    size_t max_parallel;      /* 0: all at once, up to hfc_engine_width's bound */
    size_t thread_stack;      /* in-process: each worker's stack size; 0: the system's default */
    /* when it becomes non-zero (a signal handler sets it), running
     * operations are asked to stop and killed a second later */
    volatile sig_atomic_t *cancel;
    /* isolated: called in an operation's child when the caller died during
     * it (the caller cannot record it any more); NULL: nothing */
    void (*on_orphan)(void *arg, const struct hfc_request *req, const struct hfc_outcome *out);
    void *orphan_arg;
    /* isolated: called as the operations run (a few times a second) with
     * how many are done, failed and running, of total; NULL: nothing */
    void (*on_progress)(void *arg, size_t done, size_t failed, size_t running, size_t total);
    void *progress_arg;
} hfc_engine_options;
void hfc_engine_options_init(hfc_engine_options *opts);

/* The most operations one run keeps going at once, whatever max_parallel
 * asks: the rest wait for a free slot, so that children and open files
 * stay bounded.  Isolated, each running operation holds 2 descriptors in
 * the caller (its pipe and pidfd): the bound is also kept within half of
 * what RLIMIT_NOFILE leaves after HFC_ENGINE_FD_RESERVE. */
#define HFC_ENGINE_MAX_PARALLEL 256
#define HFC_ENGINE_FD_RESERVE   64
size_t hfc_engine_width(const hfc_engine_options *opts, size_t n);

/* A context for a call outside any plugin operation (a program run by the
 * core or a front end): deadline_ms (CLOCK_MONOTONIC), no other
 * cancellation, log lines prefixed with who (kept, not copied). */
void hfc_context_plain(hf_context *ctx, int64_t deadline_ms, const char *who);

typedef struct hfc_request {
    const hfc_plugin *plugin;
    const hf_param *params; /* validated */
    const char *host;       /* host UUID, or NULL */
    const char *target;     /* "" when the device is the target */
    hfc_action action;
    int console_fd; /* HFC_ACTION_CONSOLE: where the console goes */
} hfc_request;

typedef struct hfc_list_item {
    char *target;
    char *name;
} hfc_list_item;

typedef struct hfc_outcome {
    hf_result code;
    hf_power power;    /* status, and the state last read */
    hf_vote vote;      /* heuristics */
    bool verified;     /* the wanted state was read back from the device */
    bool already;      /* off/on: the target was already in that state */
    bool warning;      /* done, with a warning in message (reboot's power-on) */
    bool unverifiable; /* the method cannot read power (its status is unsupported):
                           * a done is the method's own word */
    int signal;        /* isolated child died of this signal */
    int attempts;      /* power requests sent */
    int64_t duration_ms;
    char message[HF_MESSAGE_MAX];
    hfc_list_item *items; /* list, probe */
    size_t item_count;
} hfc_outcome;
void hfc_outcome_clear(hfc_outcome *out); /* frees items */

/* The read-back schedule after a power request: the wait before read n
 * (0: the first), given how long the device took to answer its last call.
 * Short first (HFC_READBACK_FIRST_MS), doubling, so a device that switches
 * at once (a BMC, a PDU, a toolstack's synchronous destroy) is verified at
 * once; from the second on never shorter than the device's own answer
 * time (one still switching spends at most half its time answering us; one
 * slow because the machine is loaded is not kept waiting a second more);
 * at most HFC_READBACK_MAX_MS apart: a device slow to switch is not asked
 * more than once a second after the first. */
enum {
    HFC_READBACK_FIRST_MS = 5,
    HFC_READBACK_MAX_MS = 1000
};
int64_t hfc_readback_wait_ms(int n, int64_t answer_ms);

/* Run n requests, in parallel, each bounded by opts->timeout_ms.  Never
 * fails as a whole: each outcome says what happened to its request. */
void hfc_engine_run(const hfc_engine_options *opts, const hfc_request *requests, size_t n, hfc_outcome *outcomes);
/* One request in the calling thread (what the isolated child runs). */
void hfc_engine_execute(const hfc_engine_options *opts, const hfc_request *req, int64_t deadline_ms,
                        volatile sig_atomic_t *cancel, hfc_outcome *out);

/* Isolation (isolate.c): run fn in a child process of its own process
 * group; kill the group at the deadline; carry the outcome back as data. */
typedef void hfc_isolated_fn(void *arg, int64_t deadline_ms, volatile sig_atomic_t *cancel, hfc_outcome *out);
/* Called in the child, once, when its caller died during the operation
 * (the operation was cancelled; out says how it ended): the caller can no
 * longer record it.  The child then kills its whole process group. */
typedef void hfc_isolated_orphan_fn(void *arg, hfc_outcome *out);
typedef struct hfc_child hfc_child;
/* The child is also bound to its caller: when the caller dies (even by
 * SIGKILL) the operation is cancelled, orphan(arg) runs, and the child's
 * group ends within a second; it never outlives its deadline.  orphan may
 * be NULL (nothing to record): the child then watches with a timer and
 * signals instead of a thread, which saves most of a millisecond. */
hfc_child *hfc_child_start(hfc_isolated_fn *fn, hfc_isolated_orphan_fn *orphan, void *arg, int64_t deadline_ms,
                           hfc_outcome *out);
/* Ask a running child to stop (SIGTERM to its group); killed a second
 * later if it has not ended by then. */
void hfc_child_cancel(hfc_child *child);
/* One round of waiting (at most 100 ms) on many children at once (NULL
 * entries are skipped): reads what they send, settles those that ended or
 * passed their deadline.  Returns how many are still running. */
size_t hfc_children_step(hfc_child **children, size_t n);
bool hfc_child_finished(const hfc_child *child);
void hfc_child_free(hfc_child *child);
/* Step until every child finished or was killed at its deadline; frees them. */
void hfc_children_wait(hfc_child **children, size_t n);

#endif
