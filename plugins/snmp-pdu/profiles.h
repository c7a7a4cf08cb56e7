/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * profiles: switched PDUs' outlet tables, as their MIBs define them.  For
 * each: the sysObjectID prefixes that identify it, where an outlet's state
 * is read and its name found, and which OID and value switches it off, on
 * or reboots it.  An outlet's OIDs are the base, ".<outlet>", then an
 * optional suffix (Raritan's sensor type).
 */
#ifndef HAFENCE_SNMP_PDU_PROFILES_H
#define HAFENCE_SNMP_PDU_PROFILES_H

#include <hafence/plugin.h>
#include <stdbool.h>

typedef struct pdu_command {
    char base[128]; /* "" when the PDU has no such command */
    long value;
} pdu_command;

typedef struct pdu_profile {
    char name[24];
    char description[80];
    const char *sys_object_ids[4]; /* prefixes, NULL-terminated */
    char status_base[128];
    char status_suffix[16];
    long status_on[4], status_off[4]; /* values read; 0-terminated lists need a count: */
    int status_on_count, status_off_count;
    char name_base[128];
    pdu_command off, on, reboot;
} pdu_profile;

/* The built-in profiles; the generic one is made from parameters. */
const pdu_profile *pdu_profile_find(const char *name);
/* The profile whose sysObjectID prefix matches oid ("1.3.6.1.4.1.318..."), or NULL. */
const pdu_profile *pdu_profile_detect(const char *sys_object_id);
/* The names of the built-in profiles, ", "-separated (for messages). */
const char *pdu_profile_names(void);

/* A profile's state value as power: ON, OFF, or UNKNOWN (a value the MIB
 * does not define, or a pending state: not off yet). */
hf_power pdu_profile_power(const pdu_profile *p, long value);

#endif
