/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dom0 daemon's state directory (core/hastate.c) */
#ifndef HFC_HASTATE_H
#define HFC_HASTATE_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

/* $HAFENCE_STATE_DIR, else the built-in /var/lib/hafence (the
 * environment's or a constant: not freed; so for the runtime directory). */
const char *hfc_state_dir_default(void);
/* $HAFENCE_RUNTIME_DIR, else the built-in /run/hafence (tmpfs): where the
 * daemon's status goes when the state directory does not take it, and the
 * operator's recover request for a suspension held in memory only. */
const char *hfc_runtime_dir_default(void);
char *hfc_state_path(const char *state_dir, const char *name); /* free() it */
/* Replace dir/name with text atomically (a temporary file beside it,
 * fsync, rename: a reader sees the old file or the new one, never half),
 * created with mode (less the umask); the directory must exist. */
bool hfc_file_replace(const char *dir, const char *name, const char *text, mode_t mode, hfc_error *err);
/* The same in state_dir (made when missing), mode 0640. */
bool hfc_state_write(const char *state_dir, const char *name, const char *text, hfc_error *err);
int64_t hfc_wall_ms(void); /* ms since the epoch */

/* A host that fenced itself stays suspended (no fencing, no VM starts)
 * until the operator clears the marker with 'hafence recover'. */
typedef struct hfc_suspension {
    int64_t since_ms; /* wall clock */
    char reason[512];
    bool rebooted; /* the one reboot was started */
} hfc_suspension;
/* What the suspension marker says.  Anything but NONE is suspended: a
 * marker that cannot be read still is (fail safe). */
typedef enum hfc_marker_state {
    HFC_MARKER_UNREADABLE = -1, /* there, but not readable (err says why; s has a reason) */
    HFC_MARKER_NONE = 0,        /* no marker: not suspended */
    HFC_MARKER_SUSPENDED = 1    /* suspended, s filled */
} hfc_marker_state;
hfc_marker_state hfc_suspension_read(const char *state_dir, hfc_suspension *s, hfc_error *err);
bool hfc_suspension_write(const char *state_dir, const hfc_suspension *s, hfc_error *err);
bool hfc_suspension_clear(const char *state_dir, hfc_error *err); /* no marker: true */
/* 'hafence recover' for a suspension whose marker could not be written: a
 * request naming the suspension (its since_ms) in the runtime directory.
 * take: true when one names since_ms; any request found is removed. */
bool hfc_recover_request_write(const char *runtime_dir, int64_t since_ms, hfc_error *err);
bool hfc_recover_request_take(const char *runtime_dir, int64_t since_ms);
/* 'hafence simulate HOST': the request in the runtime directory, which the
 * daemon takes (one at a time: a newer request replaces an unserved one)
 * and answers in simulate-ID.json; id is the CLI's, [A-Za-z0-9-] only. */
bool hfc_simulate_request_write(const char *runtime_dir, const char *host, const char *id, hfc_error *err);
bool hfc_simulate_request_take(const char *runtime_dir, char *host, size_t host_size, char *id, size_t id_size);
/* The answer's file name for id: "simulate-ID.json", in buf. */
const char *hfc_simulate_answer_name(const char *id, char *buf, size_t size);

#endif
