/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host maps (core/hostmap.c) */
#ifndef HFC_HOSTMAP_H
#define HFC_HOSTMAP_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

typedef struct hfc_hostmap hfc_hostmap;
/* HFC_HOSTMAP_JOIN_LINES: a host may have several lines (a host on several
 * PDUs); its target is their targets joined with ';', in file order.
 * Without it a second line for a host is an error. */
#define HFC_HOSTMAP_JOIN_LINES 0x1u
/* A new host map (NULL with err set); the caller frees it with
 * hfc_hostmap_free().  The strings lookup and host_at return belong to the
 * map. */
hfc_hostmap *hfc_hostmap_parse(const char *origin, const char *text, size_t len, unsigned flags, hfc_error *err);
hfc_hostmap *hfc_hostmap_load(const char *path, unsigned flags, hfc_error *err);
void hfc_hostmap_free(hfc_hostmap *map);
const char *hfc_hostmap_lookup(const hfc_hostmap *map, const char *host_uuid);
size_t hfc_hostmap_count(const hfc_hostmap *map);
/* The i-th host UUID of the map, in file order (NULL past the end). */
const char *hfc_hostmap_host_at(const hfc_hostmap *map, size_t i);

#endif
