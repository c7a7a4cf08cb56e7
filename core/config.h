/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configuration (core/config.c) */
#ifndef HFC_CONFIG_H
#define HFC_CONFIG_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

typedef struct hfc_config hfc_config;
/* A new, empty configuration; the caller frees it with hfc_config_free(). */
hfc_config *hfc_config_new(void);
void hfc_config_free(hfc_config *cfg);
/* Parse KEY=VALUE text; later files and lines override earlier ones.
 * A bad line is an error naming origin and line. */
bool hfc_config_parse(hfc_config *cfg, const char *origin, const char *text, size_t len, hfc_error *err);
bool hfc_config_load(hfc_config *cfg, const char *path, hfc_error *err);
/* One KEY and its value text (as a file's line would hold it after '='),
 * from origin (e.g. "pool other-config HA_FENCE_METHOD"): the same
 * checks as a file's line; later sets override. */
bool hfc_config_set(hfc_config *cfg, const char *origin, const char *key, const char *text, hfc_error *err);
/* Value of a key (case-insensitive), NULL when unset.  The strings the
 * getters below return belong to cfg: valid until the key is set again or
 * cfg is freed. */
const char *hfc_config_get(const hfc_config *cfg, const char *key);
/* Where a key was set: "file:line", for messages ("(default)" when unset;
 * never NULL). */
const char *hfc_config_origin(const hfc_config *cfg, const char *key);
size_t hfc_config_count(const hfc_config *cfg);
const char *hfc_config_key_at(const hfc_config *cfg, size_t i);

#endif
