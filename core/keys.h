/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys a config may hold (core/keys.c) */
#ifndef HFC_KEYS_H
#define HFC_KEYS_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"
#include "core/engine.h"
#include "core/config.h"

typedef enum hfc_key_type {
    HFC_KEY_BOOL,
    HFC_KEY_INT,
    HFC_KEY_ACTION,
    HFC_KEY_METHOD,
    HFC_KEY_PATH,
    HFC_KEY_ADDRESS,
    HFC_KEY_STRING,
    HFC_KEY_SECRET,
    HFC_KEY_LIST,
    HFC_KEY_COMMAND,
    HFC_KEY_ENUM
} hfc_key_type;
typedef struct hfc_key_def {
    const char *name;
    hfc_key_type type;
    long long min, max; /* HFC_KEY_INT, HFC_KEY_BOOL */
    const char *dflt;   /* NULL: none (required where it matters) */
    const char *meaning;
    bool honoured;           /* false: accepted, and has no effect ... */
    const char *ignored_why; /* ... for this reason */
} hfc_key_def;
/* The table, and one of its keys (case-insensitive), or NULL: static,
 * never freed. */
const hfc_key_def *hfc_keys(size_t *count);
const hfc_key_def *hfc_key_find(const char *name);
const char *hfc_key_type_name(hfc_key_type type);
/* A key's value in cfg, else its default (the table's); checked by
 * hfc_settings_load() before.  Belongs to cfg or to the table: not freed. */
const char *hfc_key_value(const hfc_config *cfg, const char *name);
long long hfc_key_int(const hfc_config *cfg, const char *name);
/* The known key nearest to word (hfc_nearest among the table's keys). */
const char *hfc_key_nearest(const char *word);

typedef enum hfc_fence_action {
    HFC_FENCE_STOP,
    HFC_FENCE_START,
    HFC_FENCE_RESET
} hfc_fence_action;

typedef struct hfc_settings {
    bool fence_enabled;
    hfc_fence_action fence_action;
    char *fence_method;
    char *fence_file_loc;
    char *fence_ipaddress;
    char *fence_passwd; /* secret */
    long long fence_min_hosts;
    bool fence_quorum_required;
    bool fence_use_ip_heuristics;
    char *fence_heuristics_ips;
    bool fence_ha_onfail;
    bool fence_reboot_lone_host;
    bool fence_host_forget;
    long long xapi_count; /* retries after the first failed check */
    long long xapi_delay;
    bool global_vm_ha;    /* 1: every VM of a failed host is recovered; 0: those flagged */
    int op_mode;          /* 2: VMs, 1: vApps (appliances) */
    char *disabled_vapps; /* OP_MODE=1: ':'-separated appliance UUIDs never started */
    bool slave_ha;        /* the promoted slave recovers the old master's VMs */
    bool promote_slave;   /* the autopromote slave may fence and replace the master */
} hfc_settings;
/* Validate the FENCE_* keys and fill settings with defaults for the rest.
 * Unknown keys (other than <METHOD>_<PARAM> and HA-Lizard's own) warn. */
bool hfc_settings_load(const hfc_config *cfg, hfc_settings *settings, hfc_error *err);
void hfc_settings_free(hfc_settings *settings);
hfc_action hfc_fence_action_to_action(hfc_fence_action a);
bool hfc_config_key_is_secret(const char *key);

#endif
