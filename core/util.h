/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strings and small helpers (core/util.c) */
#ifndef HFC_UTIL_H
#define HFC_UTIL_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

char *hfc_strdup(const char *s);            /* aborts on out-of-memory */
char *hfc_strndup(const char *s, size_t n); /* at most n bytes of s */
void *hfc_calloc(size_t n, size_t size);    /* aborts on out-of-memory */
void *hfc_realloc(void *p, size_t size);    /* aborts on out-of-memory; free() what they return */
int hfc_strcaseeq(const char *a, const char *b);
/* Copy, cut to fit (prose); false when it was cut: an identifier that
 * must not be cut checks it. */
bool hfc_strlcpy(char *dst, const char *src, size_t size);
/* Parse a decimal integer; whole string, no overflow. */
bool hfc_parse_ll(const char *s, long long *out);
/* Normalise a boolean word into 1/0; -1 when not a boolean. */
int hfc_parse_bool(const char *s);
bool hfc_is_uuid(const char *s);
/* Read a whole small file (<= max bytes); NUL-terminated; free() it. */
char *hfc_read_file(const char *path, size_t max, size_t *len, hfc_error *err);
/* The same for a file hafence believes as root (a config, a host map):
 * refused unless it and every directory above it are owned by root or the
 * running user and writable by nobody else (proto/trust: SPEC 9); free() it. */
char *hfc_read_trusted(const char *path, size_t max, size_t *len, hfc_error *err);
/* path made absolute against the working directory, once, before anything
 * derives other paths from it or the process changes directory (a copy;
 * free() it). */
char *hfc_absolute_path(const char *path);
/* Every process that holds a secret calls this first: no core file (the
 * password would be in it), not dumpable (no ptrace or /proc/PID/mem by
 * other users).  Children inherit both. */
void hfc_process_protect(void);
/* The candidate nearest to word (a typo's correction: a few letters off,
 * case aside), or NULL when none is close.  One of the candidates, not a
 * copy. */
const char *hfc_nearest(const char *word, const char *const *candidates, size_t count);
/* Sleep up to ms, returning early (false) when *cancel becomes non-zero
 * (seen within 100 ms). */
bool hfc_sleep_ms(int64_t ms, volatile sig_atomic_t *cancel);

#endif
