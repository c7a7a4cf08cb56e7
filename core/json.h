/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json-c, as hafence uses it: one include for what the oldest supported
 * json-c (0.11, a CentOS 7-based XCP-ng/XenServer dom0) lacks.
 */
#ifndef HAFENCE_CORE_JSON_H
#define HAFENCE_CORE_JSON_H

#include <json-c/json.h>

/* before 0.13 json-c writes every '/' as "\/": the same JSON, less readable */
#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif

#endif
