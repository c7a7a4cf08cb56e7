/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging and secret redaction (core/log.c) */
#ifndef HFC_LOG_H
#define HFC_LOG_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef void hfc_log_sink(hf_log_level level, const char *line, void *arg);
void hfc_log_set_level(hf_log_level max_level);
void hfc_log_set_sink(hfc_log_sink *sink, void *arg); /* NULL: stderr */
void hfc_log(hf_log_level level, const char *fmt, ...) HF_PRINTF(2, 3);
/* Remember a secret so that every log line and message has it redacted. */
void hfc_secret_register(const char *value);
void hfc_secrets_forget(void);
/* Mask every registered secret in text (in place, within size) by the
 * redaction rule of hf_mask_secret() (sdk/hafence/plugin.h). */
void hfc_redact(char *text, size_t size);
/* printf into out, redacted before it is cut to size (hfc_log does the
 * same): no part of a secret survives a cut. */
void hfc_format_redacted(char *out, size_t size, const char *fmt, ...) HF_PRINTF(3, 4);
void hfc_vformat_redacted(char *out, size_t size, const char *fmt, va_list ap);
/* Overwrite memory in a way the compiler does not drop. */
void hfc_wipe(void *p, size_t n);

#endif
