/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fencing decision of a pool host (core/decide.c) */
#ifndef HFC_DECIDE_H
#define HFC_DECIDE_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/keys.h"

typedef enum hfc_role {
    HFC_ROLE_MASTER,
    HFC_ROLE_AUTOPROMOTE,
    HFC_ROLE_SLAVE
} hfc_role;
typedef enum hfc_decision {
    HFC_DECIDE_NOTHING,
    HFC_DECIDE_FENCE,     /* fence the failed peer */
    HFC_DECIDE_WAIT,      /* two-host split, slave side: wait, check again */
    HFC_DECIDE_SELF_FENCE /* suspend HA and reboot once */
} hfc_decision;

typedef struct hfc_situation {
    hfc_role role;        /* this host's */
    bool peer_is_master;  /* the failed peer is the pool master */
    long long pool_size;  /* hosts in the pool */
    long long live_hosts; /* hosts that answer, this one included */
    hf_vote heuristic;    /* the heuristics' vote */
    bool suspended;       /* this host fenced itself earlier */
    bool waited;          /* two-host split: the slave's delay is over */
    const hfc_settings *settings;
    /* quorum is counted among the pool's enabled hosts, as HA-Lizard
     * counts them: one in maintenance, or fenced and disabled, is not a
     * voter (0: all pool_size are) */
    long long enabled_hosts;
    bool in_maintenance; /* this host is disabled: it fences nobody */
    const char *ha_off;  /* why HA is off for the pool (its switch, native HA), or NULL */
} hfc_situation;

hfc_decision hfc_decide(const hfc_situation *situation, char *reason, size_t size);
const char *hfc_decision_name(hfc_decision decision);
const char *hfc_role_name(hfc_role role); /* "master", "autopromote slave", "slave" */

#endif
