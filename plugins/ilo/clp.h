/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clp: the iLO's SMASH CLP command line over SSH, HA-Lizard's way of
 * fencing with an iLO: `power` (reads "server power is currently: On"),
 * `stop /system1 -f`, `start /system1`, `reset /system1 -f`.  Every
 * answer carries "status=N" (0: done) and, on error, an "error_tag".
 */
#ifndef HAFENCE_ILO_CLP_H
#define HAFENCE_ILO_CLP_H

#include <hafence/plugin.h>
#include <stdbool.h>

#define CLP_PROMPT "hpiLO->"

typedef struct clp_answer {
    int status; /* -1 when the answer had no status line */
    char status_tag[64];
    char error[200]; /* error_tag and the text after it */
    bool has_power;
    hf_power power;
} clp_answer;

/* Read one command's answer (the text between the command and the next
 * prompt).  False when it is not a CLP answer at all. */
bool clp_parse(const char *text, clp_answer *a);

#endif
