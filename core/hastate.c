/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dom0 daemon's state directory, shared with the harness CLI: the
 * suspension marker a self-fenced host keeps until the operator clears it
 * (HA-Lizard's recover_fenced_host), and small files written atomically
 * (the cached pool view, the daemon's status).
 *
 * The marker is what keeps a host that fenced itself from fencing or
 * starting VMs after its reboot, so it fails safe: a marker that cannot be
 * read still means "suspended".
 */
#include "core/error.h"
#include "core/util.h"
#include "core/hastate.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SUSPENSION_FILE "suspended"
#define RECOVER_FILE    "recover"
#define SIMULATE_FILE   "simulate.request"

const char *hfc_state_dir_default(void)
{
    const char *env = getenv("HAFENCE_STATE_DIR");
    return env && *env ? env : HAFENCE_STATEDIR;
}

const char *hfc_runtime_dir_default(void)
{
    const char *env = getenv("HAFENCE_RUNTIME_DIR");
    return env && *env ? env : HAFENCE_RUNDIR;
}

int64_t hfc_wall_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

char *hfc_state_path(const char *state_dir, const char *name)
{
    size_t n = strlen(state_dir) + strlen(name) + 2;
    char *p = hfc_calloc(1, n);
    snprintf(p, n, "%s/%s", state_dir, name);
    return p;
}

bool hfc_state_write(const char *state_dir, const char *name, const char *text, hfc_error *err)
{
    if (mkdir(state_dir, 0750) != 0 && errno != EEXIST) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "state directory %s: %s", state_dir, strerror(errno));
        return false;
    }
    return hfc_file_replace(state_dir, name, text, 0640, err);
}

bool hfc_file_replace(const char *dir, const char *name, const char *text, mode_t mode, hfc_error *err)
{
    char *path = hfc_state_path(dir, name);
    size_t n = strlen(path) + 16, len = strlen(text);
    char *tmp = hfc_calloc(1, n);
    bool ok = false;
    int fd;
    snprintf(tmp, n, "%s.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    if (!ok)
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: cannot write: %s", tmp, strerror(errno));
    if (close(fd) != 0 && ok) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: %s", tmp, strerror(errno));
        ok = false;
    }
    if (ok && rename(tmp, path) != 0) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
out:
    free(tmp);
    free(path);
    return ok;
}

hfc_marker_state hfc_suspension_read(const char *state_dir, hfc_suspension *s, hfc_error *err)
{
    char *path = hfc_state_path(state_dir, SUSPENSION_FILE);
    char *text;
    json_object *o, *v;
    memset(s, 0, sizeof *s);
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        free(path);
        return HFC_MARKER_NONE;
    }
    text = hfc_read_file(path, 64 * 1024, NULL, err);
    o = text ? json_tokener_parse(text) : NULL;
    free(text);
    if (!o || !json_object_is_type(o, json_type_object)) {
        /* fail safe: whatever is there, the host stays suspended */
        snprintf(s->reason, sizeof s->reason, "suspension marker %s is unreadable", path);
        s->rebooted = true;
        if (!err->message[0])
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: not a suspension record", path);
        json_object_put(o);
        free(path);
        return HFC_MARKER_UNREADABLE;
    }
    if (json_object_object_get_ex(o, "since_ms", &v))
        s->since_ms = json_object_get_int64(v);
    if (json_object_object_get_ex(o, "reason", &v))
        hfc_strlcpy(s->reason, json_object_get_string(v), sizeof s->reason);
    if (json_object_object_get_ex(o, "rebooted", &v))
        s->rebooted = json_object_get_boolean(v);
    json_object_put(o);
    free(path);
    return HFC_MARKER_SUSPENDED;
}

bool hfc_suspension_write(const char *state_dir, const hfc_suspension *s, hfc_error *err)
{
    json_object *o = json_object_new_object();
    bool ok;
    json_object_object_add(o, "since_ms", json_object_new_int64(s->since_ms));
    json_object_object_add(o, "reason", json_object_new_string(s->reason));
    json_object_object_add(o, "rebooted", json_object_new_boolean(s->rebooted));
    ok = hfc_state_write(state_dir, SUSPENSION_FILE, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), err);
    json_object_put(o);
    return ok;
}

bool hfc_suspension_clear(const char *state_dir, hfc_error *err)
{
    char *path = hfc_state_path(state_dir, SUSPENSION_FILE);
    bool ok = unlink(path) == 0 || errno == ENOENT;
    if (!ok)
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: %s", path, strerror(errno));
    free(path);
    return ok;
}

/* The operator's word, for a suspension the daemon holds in memory only
 * (its marker could not be written): 'hafence recover' leaves the
 * suspension's start time in the runtime directory (tmpfs), where the
 * daemon takes it. */
bool hfc_recover_request_write(const char *runtime_dir, int64_t since_ms, hfc_error *err)
{
    char text[32];
    snprintf(text, sizeof text, "%lld\n", (long long)since_ms);
    return hfc_state_write(runtime_dir, RECOVER_FILE, text, err);
}

bool hfc_recover_request_take(const char *runtime_dir, int64_t since_ms)
{
    char *path = hfc_state_path(runtime_dir, RECOVER_FILE), *text;
    hfc_error err = {0};
    long long asked = 0;
    bool match;
    text = hfc_read_file(path, 64, NULL, &err);
    match = text && hfc_parse_ll(strtok(text, "\n") ? text : "", &asked) && asked == since_ms;
    if (text)
        unlink(path); /* one answer per request, matching or stale */
    free(text);
    free(path);
    return match;
}

static bool simulate_id_ok(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++)
        if (!isalnum((unsigned char)id[n]) && id[n] != '-')
            return false;
    return n > 0 && n < 64;
}

bool hfc_simulate_request_write(const char *runtime_dir, const char *host, const char *id, hfc_error *err)
{
    char text[512];
    if (!simulate_id_ok(id) || strchr(host, '\n') || strlen(host) > 300) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "simulate: a host name or UUID of one line, please");
        return false;
    }
    snprintf(text, sizeof text, "%s\n%s\n", id, host);
    return hfc_state_write(runtime_dir, SIMULATE_FILE, text, err);
}

bool hfc_simulate_request_take(const char *runtime_dir, char *host, size_t host_size, char *id, size_t id_size)
{
    char *path = hfc_state_path(runtime_dir, SIMULATE_FILE), *text, *nl, *end;
    hfc_error err = {0};
    bool ok = false;
    text = hfc_read_file(path, 1024, NULL, &err);
    if (text) {
        unlink(path); /* one answer per request */
        if ((nl = strchr(text, '\n')) && (end = strchr(nl + 1, '\n'))) {
            *nl = *end = '\0';
            ok = simulate_id_ok(text) && strlen(text) < id_size && strlen(nl + 1) < host_size && nl[1];
            if (ok) {
                hfc_strlcpy(id, text, id_size);
                hfc_strlcpy(host, nl + 1, host_size);
            }
        }
    }
    free(text);
    free(path);
    return ok;
}

const char *hfc_simulate_answer_name(const char *id, char *buf, size_t size)
{
    snprintf(buf, size, "simulate-%s.json", id);
    return buf;
}
