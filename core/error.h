/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors (core/error.c) */
#ifndef HFC_ERROR_H
#define HFC_ERROR_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HFC_ERROR_MAX 1024
typedef struct hfc_error {
    hf_result code; /* closest result code, for programs */
    char message[HFC_ERROR_MAX];
} hfc_error;

void hfc_error_set(hfc_error *err, hf_result code, const char *fmt, ...) HF_PRINTF(3, 4);
const char *hfc_vote_name(hf_vote vote); /* "pass", "fail", "unknown" */

#endif
