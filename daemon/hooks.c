/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Alert hooks, as Pacemaker's alert agents: every executable file in
 * HAFENCE_ALERT_HOOKS, in name order, run once per alert with the alert in
 * its environment (HAFENCE_ALERT_*, below) and nothing on its command line.
 * Each is run as root, so each must pass the trust rule (SPEC 9: owned by
 * root, writable by nobody else, nor any directory on the way); what was
 * checked is what runs (fexecve).  Each has HAFENCE_ALERT_HOOK_TIMEOUT
 * seconds, in a process group of its own that is killed at the deadline.
 */
#include "core/util.h"
#include "core/log.h"
#include "daemon/hafenced.h"

#include "core/engine.h"
#include "proto/run/run.h"
#include "proto/trust/trust.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hooks' file names, sorted; NULL (and *n 0) when the directory has none. */
static char **hook_names(const char *dir, size_t *n, char *why, size_t why_size)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    *n = 0;
    if (!d) {
        snprintf(why, why_size, "HAFENCE_ALERT_HOOKS %s: %s", dir, strerror(errno));
        return NULL;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        names = hfc_realloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = hfc_strdup(de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, by_name);
    return names;
}

/* One hook; false with why when it could not be run or did not succeed. */
static bool run_hook(const char *path, char *const envp[], int64_t timeout_ms, char *why, size_t why_size)
{
    hf_reply refused = {0};
    hf_context ctx;
    char *argv[] = {(char *)path, NULL};
    run_result *res;
    struct stat st;
    int fd = trust_open(path, &refused), e;
    bool ok;
    if (fd < 0) {
        snprintf(why, why_size, "refused: %.900s", refused.message);
        return false;
    }
    if (fstat(fd, &st) != 0 || !(st.st_mode & S_IXUSR)) {
        close(fd);
        snprintf(why, why_size, "%s: not executable (skipped)", path);
        return false;
    }
    hfc_context_plain(&ctx, hf_now_ms() + timeout_ms, "alert hook");
    res = hfc_calloc(1, sizeof *res);
    e = run_program(&ctx, fd, argv, envp, NULL, res);
    close(fd);
    if (e) {
        snprintf(why, why_size, "%s: could not be started: %s", path, strerror(e));
        free(res);
        return false;
    }
    ok = res->exited && res->exit_status == 0;
    if (res->timed_out)
        snprintf(why, why_size, "%s: killed at its deadline (%lld s)", path, (long long)(timeout_ms / 1000));
    else if (!ok) {
        char last[256];
        run_last_line(res, NULL, last, sizeof last);
        snprintf(why, why_size, "%s: %s %d%s%s", path, res->exited ? "exit" : "signal",
                 res->exited ? res->exit_status : res->signal, *last ? ": " : "", last);
    }
    free(res);
    return ok;
}

size_t hooks_run(const char *dir, int64_t timeout_ms, char *const envp[])
{
    char why[1024] = "";
    size_t n, failed = 0;
    char **names = hook_names(dir, &n, why, sizeof why);
    if (!names && *why) {
        hfc_log(HF_LOG_WARNING, "alert hooks: %s", why);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = hfc_calloc(1, len);
        snprintf(path, len, "%s/%s", dir, names[i]);
        why[0] = '\0';
        if (!run_hook(path, envp, timeout_ms, why, sizeof why)) {
            hfc_log(HF_LOG_WARNING, "alert hook %s", why);
            failed++;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return failed;
}
