/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fencing topology: levels of devices, and the walk that fences a host
 * through them (core/topology.c) */
#ifndef HFC_TOPOLOGY_H
#define HFC_TOPOLOGY_H

#include <hafence/plugin.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/engine.h"
#include "core/hostmap.h"
#include "core/method.h"
#include "core/history.h"

typedef struct hfc_fence_device {
    hfc_method_entry method; /* its FENCE_METHOD entry: name, plugin, level */
    hfc_plugin *plugin;      /* owned */
    hf_param *params;        /* validated; owned */
    char *hostmap_path;      /* FENCE_FILE_LOC/NAME/NAME.hosts; owned */
    hfc_hostmap *hostmap;    /* NULL: no such file, the host UUID is the target; owned */
} hfc_fence_device;

typedef struct hfc_topology {
    hfc_fence_device *devices; /* in level order */
    size_t count;
    unsigned levels;
} hfc_topology;

/* Called for each device before its parameters are validated, to add or
 * override some (the CLI's name=value words and secrets); NULL: none. */
typedef bool hfc_topology_params_fn(void *arg, const hfc_fence_device *device, hfc_paramset *set, hfc_error *err);

/* The devices FENCE_METHOD names, each with its plugin, validated
 * parameters and host map.  NULL with err naming the method, key or file. */
hfc_topology *hfc_topology_load(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s,
                                const char *history_path, hfc_topology_params_fn *more, void *arg, hfc_error *err);
void hfc_topology_free(hfc_topology *t);
/* Does any device have the capability (e.g. HF_CAP_VIA_POOL_MASTER)? */
bool hfc_topology_can(const hfc_topology *t, uint32_t capability);
/* The device's target for host: its host-map line, the UUID itself where
 * the device has no host map; NULL when the map has no line for it. */
const char *hfc_topology_target(const hfc_fence_device *device, const char *host);

/* One device tried during a walk. */
typedef struct hfc_fence_try {
    const hfc_fence_device *device;
    const char *target; /* NULL: its host map has no line for the host (not tried) */
    int64_t time_ms;    /* wall clock, when it was started */
    bool counted;       /* the caller's rule took it for done */
    hfc_outcome outcome;
} hfc_fence_try;

typedef struct hfc_fence_walk {
    hfc_fence_try *tries; /* every device of every level tried, in order; owned */
    size_t count;
    unsigned level_done; /* the level that fenced the host; 0: none did */
    int64_t duration_ms;
    char summary[HF_MESSAGE_MAX];
} hfc_fence_walk;

/* Whether a device's outcome counts as done (the daemon does not take an
 * unverified done unless the operator said so); NULL: HF_OK counts. */
typedef bool hfc_outcome_counts_fn(void *arg, const hfc_outcome *out);

/* Fence host: level after level, in order, until one fenced it.  A level
 * is done only when every device in it was (they run in parallel); the
 * next is tried only when it was not.  The levels share opts->timeout_ms:
 * each gets what is left divided by the levels still to try, so that a
 * dead first device leaves the others their time.  A host no level
 * reached is not fenced (level_done 0). */
void hfc_topology_fence(const hfc_engine_options *opts, const hfc_topology *t, const char *host, hfc_action action,
                        hfc_outcome_counts_fn *counts, void *arg, hfc_fence_walk *walk);
/* Done and read back: a level fenced the host and every device of that
 * level read the power back (not one's own word). */
bool hfc_fence_walk_verified(const hfc_fence_walk *walk);
/* HF_OK when a level fenced the host; else what stopped the last level
 * tried (its last device that did not count; HF_E_UNVERIFIED where that
 * one reported done without a read-back), HF_E_TIMED_OUT when nothing
 * was tried. */
hf_result hfc_fence_walk_result(const hfc_fence_walk *walk);
void hfc_fence_walk_clear(hfc_fence_walk *walk);
/* The walk's tries as history entries (out: walk->count of them; they
 * point into the walk and its topology). */
void hfc_fence_walk_history(const hfc_fence_walk *walk, hfc_history_try *out);

#endif
