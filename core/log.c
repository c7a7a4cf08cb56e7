/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging with levels, and redaction of every secret the process knows. */
#include "core/log.h"
#include "core/util.h"

#include <pthread.h>

static hf_log_level log_max = HF_LOG_WARNING;
static hfc_log_sink *log_sink;
static void *log_sink_arg;

/* Secrets registered for redaction.  Few per process (one per device). */
#define SECRETS_MAX 64
static char *secrets[SECRETS_MAX];
static size_t secret_count;
static pthread_mutex_t secret_lock = PTHREAD_MUTEX_INITIALIZER;

void hfc_log_set_level(hf_log_level max_level)
{
    log_max = max_level;
}

void hfc_log_set_sink(hfc_log_sink *sink, void *arg)
{
    log_sink = sink;
    log_sink_arg = arg;
}

static const char *level_name(hf_log_level level)
{
    switch (level) {
    case HF_LOG_ERROR: return "error";
    case HF_LOG_WARNING: return "warning";
    case HF_LOG_INFO: return "info";
    default: return "debug";
    }
}

/* fmt formatted with room for the masks to grow (a one-character secret
 * becomes three stars), redacted whole: a cut before redaction could leave
 * part of a secret.  NULL when out of memory; free with hfc_wipe + free. */
static char *format_redacted(size_t *size, const char *fmt, va_list ap)
{
    va_list again;
    char *text;
    int n;
    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || !(text = malloc(*size = 3 * (size_t)n + 4))) {
        va_end(again);
        return NULL;
    }
    vsnprintf(text, *size, fmt, again);
    va_end(again);
    hfc_redact(text, *size);
    return text;
}

void hfc_vformat_redacted(char *out, size_t size, const char *fmt, va_list ap)
{
    size_t whole_size;
    char *whole = format_redacted(&whole_size, fmt, ap);
    hfc_strlcpy(out, whole ? whole : "(out of memory)", size);
    if (whole) {
        hfc_wipe(whole, whole_size);
        free(whole);
    }
}

void hfc_format_redacted(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hfc_vformat_redacted(out, size, fmt, ap);
    va_end(ap);
}

void hfc_log(hf_log_level level, const char *fmt, ...)
{
    char line[2048], *whole;
    size_t whole_size;
    va_list ap;
    if (level > log_max)
        return;
    va_start(ap, fmt);
    whole = format_redacted(&whole_size, fmt, ap);
    va_end(ap);
    hfc_strlcpy(line, whole ? whole : "(out of memory formatting a log line)", sizeof line);
    if (whole) {
        hfc_wipe(whole, whole_size);
        free(whole);
    }
    if (log_sink) {
        log_sink(level, line, log_sink_arg);
        return;
    }
    fprintf(stderr, "hafence: %s: %s\n", level_name(level), line);
}

void hfc_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void hfc_secret_register(const char *value)
{
    /* Very short values would redact ordinary words: still register them,
     * a leaked one-character password is still a leak. */
    if (!value || !*value)
        return;
    pthread_mutex_lock(&secret_lock);
    for (size_t i = 0; i < secret_count; i++)
        if (strcmp(secrets[i], value) == 0)
            goto out;
    if (secret_count < SECRETS_MAX)
        secrets[secret_count++] = hfc_strdup(value);
out:
    pthread_mutex_unlock(&secret_lock);
}

void hfc_secrets_forget(void)
{
    pthread_mutex_lock(&secret_lock);
    for (size_t i = 0; i < secret_count; i++) {
        hfc_wipe(secrets[i], strlen(secrets[i]));
        free(secrets[i]);
    }
    secret_count = 0;
    pthread_mutex_unlock(&secret_lock);
}

void hfc_redact(char *text, size_t size)
{
    if (!text || !size)
        return;
    pthread_mutex_lock(&secret_lock);
    for (size_t i = 0; i < secret_count; i++)
        hf_mask_secret(text, size, secrets[i]); /* the rule: sdk/hafence/plugin.h */
    pthread_mutex_unlock(&secret_lock);
}
