/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * targets: which outlets of which PDUs feed a host.  A target is
 * "<pdu-address>:<outlet>[,<outlet>...]", several joined with ';' when the
 * host is on more than one PDU (one SNMP-PDU.hosts line each); an outlet is
 * a number or a name.  A part without a PDU address ("3,4") is on the
 * address parameter's PDU.
 */
#ifndef HAFENCE_SNMP_PDU_TARGETS_H
#define HAFENCE_SNMP_PDU_TARGETS_H

#include <hafence/plugin.h>
#include <stdbool.h>
#include <stddef.h>

#define PDU_MAX_PDUS    8
#define PDU_MAX_OUTLETS 16

typedef struct pdu_outlet {
    char name[64]; /* as given */
    long number;   /* 0 until known (a name is looked up) */
} pdu_outlet;

typedef struct pdu_target {
    char address[256]; /* "" : the address parameter's */
    pdu_outlet outlets[PDU_MAX_OUTLETS];
    int count;
} pdu_target;

/* False with reply saying why when the text is not such a list. */
bool pdu_targets_parse(const char *text, pdu_target *out, int *count, hf_reply *reply);

#endif
