/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers: allocation, strings, number and boolean words, files. */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "proto/trust/trust.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
    fputs("hafence: out of memory\n", stderr);
    abort();
}

char *hfc_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        out_of_memory();
    return d;
}

char *hfc_strndup(const char *s, size_t n)
{
    char *d = strndup(s ? s : "", n);
    if (!d)
        out_of_memory();
    return d;
}

void *hfc_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *hfc_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory();
    return q;
}

int hfc_strcaseeq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

bool hfc_strlcpy(char *dst, const char *src, size_t size)
{
    if (!size)
        return false;
    return (size_t)snprintf(dst, size, "%s", src ? src : "") < size;
}

bool hfc_parse_ll(const char *s, long long *out)
{
    char *end;
    long long v;
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

int hfc_parse_bool(const char *s)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    if (!s)
        return -1;
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

bool hfc_is_uuid(const char *s)
{
    return hf_is_uuid_text(s) != 0;
}

/* Read all of fd (a regular file, at most max bytes); closes fd. */
static char *read_fd(int fd, const char *path, size_t max, size_t *len, hfc_error *err)
{
    struct stat st;
    char *buf;
    size_t have = 0;
    if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    buf = hfc_calloc(1, max + 1);
    for (;;) {
        ssize_t r = read(fd, buf + have, max + 1 - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: cannot read: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        have += (size_t)r;
        if (have > max) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: larger than %zu bytes", path, max);
            goto fail;
        }
    }
    close(fd);
    buf[have] = '\0';
    if (len)
        *len = have;
    return buf;
fail:
    close(fd);
    hfc_wipe(buf, max + 1);
    free(buf);
    return NULL;
}

char *hfc_read_file(const char *path, size_t max, size_t *len, hfc_error *err)
{
    /* O_NONBLOCK: opening a FIFO named by a config must not hang us; the
     * regular-file check refuses it */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    return read_fd(fd, path, max, len, err);
}

char *hfc_read_trusted(const char *path, size_t max, size_t *len, hfc_error *err)
{
    hf_reply why;
    int fd = trust_open(path, &why);
    if (fd < 0) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s", why.message);
        return NULL;
    }
    return read_fd(fd, path, max, len, err);
}

bool hfc_sleep_ms(int64_t ms, volatile sig_atomic_t *cancel)
{
    int64_t end = hf_now_ms() + ms;
    while (!(cancel && *cancel)) {
        int64_t left = end - hf_now_ms();
        struct timespec ts;
        if (left <= 0)
            return true;
        if (left > 100)
            left = 100; /* wake up to look at *cancel (set by a signal
                         * another thread may have taken): ten times a
                         * second, what an idle daemon costs */
        ts.tv_sec = left / 1000;
        ts.tv_nsec = (long)(left % 1000) * 1000000L;
        nanosleep(&ts, NULL);
    }
    return false;
}

void hfc_process_protect(void)
{
    setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
    prctl(PR_SET_DUMPABLE, 0);
}

char *hfc_absolute_path(const char *path)
{
    char cwd[4096], *out;
    size_t n;
    if (!path || path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return path ? hfc_strdup(path) : NULL;
    n = strlen(cwd) + strlen(path) + 2;
    out = hfc_calloc(1, n);
    snprintf(out, n, "%s/%s", cwd, path);
    return out;
}

/* Levenshtein distance, case-insensitive, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), prev[130], cur[130];
    if (la > 128 || lb > 128)
        return 999;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]));
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof cur);
    }
    return prev[lb];
}

const char *hfc_nearest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_d = 999, limit = strlen(word) / 4 + 1;
    if (limit > 3)
        limit = 3;
    for (size_t i = 0; i < count; i++) {
        size_t d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* a word that differs only in case (IPMI for ipmi) is close too */
    return best && best_d <= limit && strcmp(best, word) != 0 ? best : NULL;
}
