/* SPDX-License-Identifier: GPL-2.0-or-later */
/* History (core/history.c) */
#ifndef HFC_HISTORY_H
#define HFC_HISTORY_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

/* One device tried during a fence through levels. */
typedef struct hfc_history_try {
    unsigned level;
    const char *method; /* its FENCE_METHOD name */
    const char *plugin;
    const char *target; /* NULL: its host map has no line for the host */
    const char *result; /* hf_result_name */
    bool verified;
    bool counted; /* taken for done */
    bool already; /* done without a switch: the device read the wanted state first */
    int64_t time_ms;
    int64_t duration_ms;
    const char *message;
    const char *address; /* the device's address parameter, or NULL */
} hfc_history_try;

typedef struct hfc_history_record {
    int64_t time_ms; /* wall clock, ms since the epoch */
    const char *host;
    const char *target;
    const char *plugin;
    const char *action;
    const char *result; /* hf_result_name */
    bool verified;
    const char *message;
    int64_t duration_ms;
    const char *requested_by;
    const char *console;          /* a console capture taken before the fence, or NULL */
    const hfc_history_try *tries; /* every level and device tried ("levels"), or NULL */
    size_t try_count;
    const char *address; /* the device's address parameter (the last level's), or NULL */
} hfc_history_record;
/* Append one JSON line, atomically (O_APPEND, one write, flock). */
bool hfc_history_append(const char *path, const hfc_history_record *rec, hfc_error *err);
typedef bool hfc_history_visit_fn(const char *json_line, void *arg);
/* Read records, filtered by host (NULL: all) and [since, until] (0: open). */
bool hfc_history_read(const char *path, const char *host, int64_t since_ms, int64_t until_ms, hfc_history_visit_fn *fn,
                      void *arg, hfc_error *err);
const char *hfc_history_default_path(void); /* the environment's or a constant: not freed */
/* Where console captures are kept: $HAFENCE_CONSOLE_DIR, else "console"
 * beside the history file.  Captures of a host are <dir>/<host>/<time>.log.
 * A copy: free() it. */
char *hfc_console_dir(const char *history_path);

/* Wall-clock ms as ISO 8601 UTC with milliseconds: 2026-12-01T23:15:03.123Z
 * (the history's "time"; alerts say it the same way). */
void hfc_iso_time(int64_t ms, char *out, size_t size);

#endif
