/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's state directory: the suspension marker fails safe (a marker
 * that cannot be read still suspends), state files are replaced whole. */
#include "core/error.h"
#include "core/util.h"
#include "core/hastate.h"
#include "tests/tap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *dir, const char *name, const char *text)
{
    char *path = hfc_state_path(dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(path);
}

static char dir[] = "/tmp/hafence-state-XXXXXX"; /* made by main for every case */

TAP_CASE(suspension_marker)
{
    hfc_suspension s = {0}, got;
    hfc_error err = {0};
    struct stat st;
    char *path;
    ok(hfc_suspension_read(dir, &got, &err) == HFC_MARKER_NONE, "no marker: not suspended");
    s.since_ms = 1795600000000LL;
    hfc_strlcpy(s.reason, "no quorum: 1 live host of a pool of 3", sizeof s.reason);
    s.rebooted = true;
    ok(hfc_suspension_write(dir, &s, &err), "a marker is written");
    ok(hfc_suspension_read(dir, &got, &err) == HFC_MARKER_SUSPENDED, "  ... and read back: suspended");
    ok(got.since_ms == s.since_ms && strcmp(got.reason, s.reason) == 0 && got.rebooted,
       "  ... with its time, reason and reboot");
    path = hfc_state_path(dir, "suspended");
    ok(stat(path, &st) == 0 && (st.st_mode & 0007) == 0, "  ... not readable by others");
    free(path);

    put(dir, "suspended", "{ half a rec");
    memset(&err, 0, sizeof err);
    ok(hfc_suspension_read(dir, &got, &err) == HFC_MARKER_UNREADABLE,
       "a marker that is not JSON: -1 (still suspended)");
    ok(strstr(got.reason, "unreadable") != NULL && got.rebooted, "  ... with a reason, and no second reboot");
    ok(strstr(err.message, "not a suspension record") != NULL, "  ... and says why");
    put(dir, "suspended", "");
    memset(&err, 0, sizeof err);
    ok(hfc_suspension_read(dir, &got, &err) == HFC_MARKER_UNREADABLE,
       "an empty marker (a crash mid-write): still suspended");

    ok(hfc_suspension_clear(dir, &err), "recover clears it");
    ok(hfc_suspension_read(dir, &got, &err) == HFC_MARKER_NONE, "  ... not suspended any more");
    ok(hfc_suspension_clear(dir, &err), "clearing twice is harmless");
}

TAP_CASE(state_files)
{
    hfc_error err = {0};
    char *path, *text;
    ok(hfc_state_write(dir, "status.json", "{\"role\":\"master\"}", &err), "a state file is written");
    ok(hfc_state_write(dir, "status.json", "{}", &err), "  ... and replaced");
    path = hfc_state_path(dir, "status.json");
    text = hfc_read_file(path, 1024, NULL, &err);
    ok(text && strcmp(text, "{}") == 0, "  ... whole, by the new content");
    free(text);
    unlink(path);
    free(path);
    {
        char sub[512];
        snprintf(sub, sizeof sub, "%s/new", dir);
        ok(hfc_state_write(sub, "x", "1", &err), "a missing state directory is created");
        path = hfc_state_path(sub, "x");
        unlink(path);
        free(path);
        rmdir(sub);
    }
    memset(&err, 0, sizeof err);
    ok(!hfc_state_write("/proc/no-such-dir/x", "y", "1", &err) && strstr(err.message, "/proc/no-such-dir/x"),
       "a state directory that cannot be made: an error naming it");
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    if (!mkdtemp(dir))
        return 1;
    TAP_RUN(suspension_marker);
    TAP_RUN(state_files);
    rmdir(dir);
    return tap_done();
}
