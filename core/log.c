/* Logging with levels, and redaction of every secret the process knows. */
#include "hafence-core.h"

#include <pthread.h>

static hf_log_level log_max = HF_LOG_WARNING;
static hf_log_sink *log_sink;
static void *log_sink_arg;

/* Secrets registered for redaction.  Few per process (one per device). */
#define SECRETS_MAX 64
static char *secrets[SECRETS_MAX];
static size_t secret_count;
static pthread_mutex_t secret_lock = PTHREAD_MUTEX_INITIALIZER;

void hf_log_set_level(hf_log_level max_level) { log_max = max_level; }

void hf_log_set_sink(hf_log_sink *sink, void *arg)
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

void hf_log(hf_log_level level, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    if (level > log_max)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    hf_redact(line, sizeof line);
    if (log_sink) {
        log_sink(level, line, log_sink_arg);
        return;
    }
    fprintf(stderr, "hafence: %s: %s\n", level_name(level), line);
}

void hf_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void hf_secret_register(const char *value)
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
        secrets[secret_count++] = hf_strdup(value);
out:
    pthread_mutex_unlock(&secret_lock);
}

void hf_secrets_forget(void)
{
    pthread_mutex_lock(&secret_lock);
    for (size_t i = 0; i < secret_count; i++) {
        hf_wipe(secrets[i], strlen(secrets[i]));
        free(secrets[i]);
    }
    secret_count = 0;
    pthread_mutex_unlock(&secret_lock);
}

void hf_redact(char *text, size_t size)
{
    static const char mask[] = "***";
    if (!text || !size)
        return;
    pthread_mutex_lock(&secret_lock);
    for (size_t i = 0; i < secret_count; i++) {
        size_t slen = strlen(secrets[i]);
        char *hit, *from = text;
        /* search on after each mask: a secret made of '*' is in the mask */
        while ((hit = strstr(from, secrets[i])) != NULL) {
            size_t tail = strlen(hit + slen);
            /* mask is never longer than the room the secret leaves, so the
             * text only shrinks or keeps its length within size */
            size_t mlen = slen < sizeof mask - 1 ? slen : sizeof mask - 1;
            memcpy(hit, mask, mlen);
            memmove(hit + mlen, hit + slen, tail + 1);
            from = hit + mlen;
        }
    }
    pthread_mutex_unlock(&secret_lock);
}
