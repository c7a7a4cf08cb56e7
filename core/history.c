/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fence history: one JSON object per line, appended atomically, so an
 * operator can always answer "who fenced what, when, and did it work".
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/history.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sys/file.h>
#include <unistd.h>

#define HISTORY_LINE_MAX (64u << 10)

const char *hfc_history_default_path(void)
{
    const char *env = getenv("HAFENCE_HISTORY");
    return env && *env ? env : HAFENCE_STATEDIR "/history.jsonl";
}

char *hfc_console_dir(const char *history)
{
    const char *env = getenv("HAFENCE_CONSOLE_DIR");
    const char *slash = strrchr(history, '/');
    size_t n;
    char *dir;
    if (env && *env)
        return hfc_strdup(env);
    n = slash ? (size_t)(slash - history) : 1;
    dir = hfc_calloc(1, n + sizeof "/console");
    if (slash)
        memcpy(dir, history, n);
    else
        dir[0] = '.';
    strcat(dir, "/console");
    return dir;
}

void hfc_iso_time(int64_t ms, char *out, size_t size)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void add_string(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

static json_object *tries_json(const hfc_history_try *tries, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_new_object();
        char when[64];
        hfc_iso_time(tries[i].time_ms, when, sizeof when);
        json_object_object_add(t, "level", json_object_new_int((int)tries[i].level));
        add_string(t, "method", tries[i].method);
        add_string(t, "plugin", tries[i].plugin);
        if (tries[i].address)
            add_string(t, "address", tries[i].address);
        add_string(t, "target", tries[i].target);
        add_string(t, "time", when);
        add_string(t, "result", tries[i].result);
        json_object_object_add(t, "verified", json_object_new_boolean(tries[i].verified));
        json_object_object_add(t, "counted", json_object_new_boolean(tries[i].counted));
        json_object_object_add(t, "already", json_object_new_boolean(tries[i].already));
        json_object_object_add(t, "duration_ms", json_object_new_int64(tries[i].duration_ms));
        add_string(t, "message", tries[i].message);
        json_object_array_add(a, t);
    }
    return a;
}

bool hfc_history_append(const char *path, const hfc_history_record *rec, hfc_error *err)
{
    json_object *o = json_object_new_object();
    char when[64], *line;
    const char *text;
    size_t len;
    int fd;
    bool ok = true;

    hfc_iso_time(rec->time_ms, when, sizeof when);
    add_string(o, "time", when);
    json_object_object_add(o, "time_ms", json_object_new_int64(rec->time_ms));
    add_string(o, "host", rec->host);
    add_string(o, "target", rec->target);
    add_string(o, "plugin", rec->plugin);
    if (rec->address)
        add_string(o, "address", rec->address);
    add_string(o, "action", rec->action);
    add_string(o, "result", rec->result);
    json_object_object_add(o, "verified", json_object_new_boolean(rec->verified));
    add_string(o, "message", rec->message);
    json_object_object_add(o, "duration_ms", json_object_new_int64(rec->duration_ms));
    add_string(o, "requested_by", rec->requested_by);
    if (rec->console)
        add_string(o, "console", rec->console);
    if (rec->try_count)
        json_object_object_add(o, "levels", tries_json(rec->tries, rec->try_count));
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    len = strlen(text);
    line = hfc_calloc(1, len + 2);
    memcpy(line, text, len);
    hfc_redact(line, len + 1);
    len = strlen(line);
    line[len++] = '\n';
    json_object_put(o);

    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "history %s: cannot open: %s", path, strerror(errno));
        free(line);
        return false;
    }
    /* one write() of the whole line under an exclusive lock: concurrent
     * writers (daemon, CLI) never interleave */
    flock(fd, LOCK_EX);
    if (write(fd, line, len) != (ssize_t)len) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "history %s: cannot write: %s", path, strerror(errno));
        ok = false;
    }
    flock(fd, LOCK_UN);
    close(fd);
    free(line);
    return ok;
}

bool hfc_history_read(const char *path, const char *host, int64_t since_ms, int64_t until_ms, hfc_history_visit_fn *fn,
                      void *arg, hfc_error *err)
{
    FILE *f = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    if (!f) {
        if (errno == ENOENT)
            return true; /* nothing fenced yet */
        hfc_error_set(err, HF_E_BAD_PARAMETER, "history %s: cannot open: %s", path, strerror(errno));
        return false;
    }
    flock(fileno(f), LOCK_SH);
    while ((n = getline(&line, &cap, f)) > 0) {
        json_object *o, *v;
        int64_t t;
        lineno++;
        if ((size_t)n > HISTORY_LINE_MAX) {
            hfc_log(HF_LOG_WARNING, "history %s:%zu: line too long, skipped", path, lineno);
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        o = json_tokener_parse(line);
        if (!o || !json_object_is_type(o, json_type_object)) {
            hfc_log(HF_LOG_WARNING, "history %s:%zu: not a JSON record, skipped", path, lineno);
            json_object_put(o);
            continue;
        }
        t = json_object_object_get_ex(o, "time_ms", &v) ? json_object_get_int64(v) : 0;
        if ((!host || (json_object_object_get_ex(o, "host", &v) && json_object_is_type(v, json_type_string) &&
                       strcmp(json_object_get_string(v), host) == 0)) &&
            (!since_ms || t >= since_ms) && (!until_ms || t <= until_ms)) {
            bool go_on = fn(line, arg);
            json_object_put(o);
            if (!go_on)
                break;
            continue;
        }
        json_object_put(o);
    }
    free(line);
    flock(fileno(f), LOCK_UN);
    fclose(f);
    return true;
}
