/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The switched PDUs hafence knows (profiles.h), from their vendors' MIBs:
 *   APC PowerNet-MIB sPDUOutletCtl (rPDU, MasterSwitch): one column both
 *     read (outletOn 1, outletOff 2) and written (immediateOn 1,
 *     immediateOff 2, immediateReboot 3)
 *   APC PowerNet-MIB rPDU2OutletSwitched (AP8xxx): status off 1 / on 2,
 *     control immediateOn 1 / immediateOff 2 / immediateReboot 3
 *   Eaton EATON-EPDU-MIB outletControl (unit 0): status off 0 / on 1 /
 *     pendingOff 2 / pendingOn 3; separate Off/On/Reboot command columns,
 *     0 = at once
 *   Raritan PDU2-MIB (PX2, PX3, pdu 1): switchingOperation off 0 / on 1 /
 *     cycle 2; state from the outlet's onOff sensor (type 14): on 7, off 8
 */
#include "plugins/snmp-pdu/profiles.h"

static const pdu_profile profiles[] = {
    {"apc-rpdu",
     "APC rPDU / MasterSwitch (PowerNet-MIB sPDUOutletCtl)",
     {"1.3.6.1.4.1.318.1.3.4", NULL},
     "1.3.6.1.4.1.318.1.1.4.4.2.1.3",
     "",
     {1},
     {2},
     1,
     1,
     "1.3.6.1.4.1.318.1.1.4.4.2.1.4",
     {"1.3.6.1.4.1.318.1.1.4.4.2.1.3", 2},
     {"1.3.6.1.4.1.318.1.1.4.4.2.1.3", 1},
     {"1.3.6.1.4.1.318.1.1.4.4.2.1.3", 3}},
    {"apc-rpdu2",
     "APC rPDU2 (PowerNet-MIB rPDU2OutletSwitched)",
     {"1.3.6.1.4.1.318.1.3.4.6", "1.3.6.1.4.1.318.1.3.27", NULL},
     "1.3.6.1.4.1.318.1.1.26.9.2.3.1.5",
     "",
     {2},
     {1},
     1,
     1,
     "1.3.6.1.4.1.318.1.1.26.9.2.3.1.3",
     {"1.3.6.1.4.1.318.1.1.26.9.2.4.1.5", 2},
     {"1.3.6.1.4.1.318.1.1.26.9.2.4.1.5", 1},
     {"1.3.6.1.4.1.318.1.1.26.9.2.4.1.5", 3}},
    {"eaton-epdu",
     "Eaton ePDU (EATON-EPDU-MIB outletControl)",
     {"1.3.6.1.4.1.534.6.6.7", NULL},
     "1.3.6.1.4.1.534.6.6.7.6.6.1.2.0",
     "",
     {1},
     {0},
     1,
     1,
     "1.3.6.1.4.1.534.6.6.7.6.1.1.3.0",
     {"1.3.6.1.4.1.534.6.6.7.6.6.1.3.0", 0},
     {"1.3.6.1.4.1.534.6.6.7.6.6.1.4.0", 0},
     {"1.3.6.1.4.1.534.6.6.7.6.6.1.5.0", 0}},
    {"raritan-px",
     "Raritan PX2/PX3 (PDU2-MIB)",
     {"1.3.6.1.4.1.13742.6", NULL},
     "1.3.6.1.4.1.13742.6.5.4.3.1.3.1",
     ".14",
     {7},
     {8},
     1,
     1,
     "1.3.6.1.4.1.13742.6.3.5.3.1.3.1",
     {"1.3.6.1.4.1.13742.6.4.1.2.1.2.1", 0},
     {"1.3.6.1.4.1.13742.6.4.1.2.1.2.1", 1},
     {"1.3.6.1.4.1.13742.6.4.1.2.1.2.1", 2}},
};
#define PROFILE_COUNT (sizeof profiles / sizeof profiles[0])

const pdu_profile *pdu_profile_find(const char *name)
{
    for (size_t i = 0; i < PROFILE_COUNT; i++)
        if (strcmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

/* Does oid start with prefix, at a sub-identifier boundary? */
static bool under(const char *oid, const char *prefix)
{
    size_t n = strlen(prefix);
    if (*oid == '.')
        oid++;
    return strncmp(oid, prefix, n) == 0 && (oid[n] == '\0' || oid[n] == '.');
}

const pdu_profile *pdu_profile_detect(const char *sys_object_id)
{
    const pdu_profile *best = NULL;
    size_t best_len = 0;
    /* the longest matching prefix wins (rPDU2 within the APC family) */
    for (size_t i = 0; i < PROFILE_COUNT; i++)
        for (int k = 0; profiles[i].sys_object_ids[k]; k++)
            if (under(sys_object_id, profiles[i].sys_object_ids[k]) &&
                strlen(profiles[i].sys_object_ids[k]) > best_len) {
                best = &profiles[i];
                best_len = strlen(profiles[i].sys_object_ids[k]);
            }
    return best;
}

const char *pdu_profile_names(void)
{
    return "apc-rpdu, apc-rpdu2, eaton-epdu, raritan-px";
}

hf_power pdu_profile_power(const pdu_profile *p, long value)
{
    for (int i = 0; i < p->status_on_count; i++)
        if (p->status_on[i] == value)
            return HF_POWER_ON;
    for (int i = 0; i < p->status_off_count; i++)
        if (p->status_off[i] == value)
            return HF_POWER_OFF;
    return HF_POWER_UNKNOWN;
}
