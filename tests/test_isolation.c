/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Isolation: plugins that segfault, hang, exit or leave children behind
 * cost their operation, never the caller. */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "tests/tap.h"
#include "tests/test_env.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/hafence-isolation-XXXXXX";
static hfc_plugin *dummy, *script;

static void run(hfc_plugin *p, hfc_action action, const char *target, int64_t timeout_ms, const char *const *pairs,
                hfc_outcome *out)
{
    hfc_paramset *set = hfc_paramset_new();
    hfc_error err = {0};
    hf_param *params;
    hfc_engine_options o;
    hfc_request req;
    hfc_engine_options_init(&o);
    o.timeout_ms = timeout_ms;
    for (; pairs && *pairs; pairs += 2)
        hfc_paramset_set(set, pairs[0], pairs[1]);
    params = hfc_params_validate(hfc_plugin_descriptor_of(p)->params, set, hfc_plugin_name(p), &err);
    if (!params)
        diag("params: %s", err.message);
    req = (hfc_request){p, params, NULL, target, action, -1};
    hfc_engine_run(&o, &req, 1, out);
    hfc_params_free(params);
    hfc_paramset_free(set);
}

static volatile sig_atomic_t caller_signalled;
static void on_signal(int sig)
{
    (void)sig;
    caller_signalled = 1;
}

/* Is the process in pidfile still running?  A zombie (killed, waiting for
 * a parent that may never reap it in a container) counts as gone.  Polls a
 * bounded while: SIGKILL is delivered asynchronously. */
static bool pid_alive(const char *pidfile)
{
    FILE *f = fopen(pidfile, "r");
    long pid = 0;
    if (!f)
        return false;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    for (int i = 0; pid > 0 && i < 100; i++) {
        char path[64], stat[256] = "";
        const char *state;
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        if (!(f = fopen(path, "r")))
            return false;
        if (!fgets(stat, sizeof stat, f))
            stat[0] = '\0';
        fclose(f);
        state = strrchr(stat, ')');
        if (!state || state[2] == 'Z')
            return false;
        hfc_sleep_ms(20, NULL);
    }
    return pid > 0;
}

TAP_CASE(segfault)
{
    hfc_outcome out;
    run(dummy, HFC_ACTION_OFF, "t1", 5000, (const char *const[]){"state_dir", dir, "misbehave", "crash", NULL}, &out);
    ok(out.code == HF_E_PLUGIN_FAILED && out.signal == SIGSEGV, "segfaulting plugin: plugin-failed with SIGSEGV: %s",
       out.message);
    ok_has(out.message, "signal 11", "the message names the signal");
    hfc_outcome_clear(&out);
}

TAP_CASE(hang_killed)
{
    hfc_outcome out;
    run(dummy, HFC_ACTION_OFF, "t1", 1500, (const char *const[]){"state_dir", dir, "misbehave", "hang", NULL}, &out);
    ok(out.code == HF_E_TIMED_OUT && out.signal == SIGKILL, "hanging plugin: killed at the deadline, timed-out: %s",
       out.message);
    hfc_outcome_clear(&out);
}

TAP_CASE(exit_called)
{
    hfc_outcome out;
    run(dummy, HFC_ACTION_OFF, "t1", 5000, (const char *const[]){"state_dir", dir, "misbehave", "exit", NULL}, &out);
    ok(out.code == HF_E_PLUGIN_FAILED && strstr(out.message, "exit status 3"),
       "plugin calling exit(): plugin-failed: %s", out.message);
    hfc_outcome_clear(&out);
}

TAP_CASE(crash_in_create)
{
    hfc_outcome out;
    run(dummy, HFC_ACTION_OFF, "t1", 5000,
        (const char *const[]){"state_dir", dir, "misbehave", "crash", "misbehave_on", "create", NULL}, &out);
    ok(out.code == HF_E_PLUGIN_FAILED, "crash inside create: plugin-failed");
    hfc_outcome_clear(&out);
}

TAP_CASE(script_group_killed)
{
    hfc_outcome out;
    FILE *f;
    /* a fence script that hangs and leaves a child: both killed */
    {
        char mdir[4300], sh[4400], pidfile[4400];
        snprintf(mdir, sizeof mdir, "%s/HANG", dir);
        mkdir(mdir, 0755);
        snprintf(sh, sizeof sh, "%s/HANG.sh", mdir);
        snprintf(pidfile, sizeof pidfile, "%s/child.pid", dir);
        f = fopen(sh, "w");
        fprintf(f, "#!/bin/sh\nsleep 300 &\necho $! > '%s'\nexec sleep 300\n", pidfile);
        fclose(f);
        chmod(sh, 0755);
        run(script, HFC_ACTION_OFF, "2f4a4020-fe8c-4686-a65d-501a19a06716", 1500,
            (const char *const[]){"method", "HANG", "file_loc", dir, NULL}, &out);
        ok(out.code == HF_E_TIMED_OUT, "hanging script: timed out: %s", out.message);
        hfc_outcome_clear(&out);
        ok(!pid_alive(pidfile), "the script's background child was killed with its group");
    }
}

TAP_CASE(status_hang)
{
    hfc_outcome out;
    {
        /* the plugin ignores the deadline while the script sleeps: the
         * isolation layer still ends it, and the caller is untouched */
        run(dummy, HFC_ACTION_STATUS, "t1", 800,
            (const char *const[]){"state_dir", dir, "misbehave", "hang", "misbehave_on", "status", NULL}, &out);
        ok(out.code == HF_E_TIMED_OUT, "status that hangs: timed out");
        hfc_outcome_clear(&out);
    }
}

TAP_CASE(caller_untouched)
{
    hfc_outcome out;
    ok(!caller_signalled, "the caller was never signalled");

    run(dummy, HFC_ACTION_OFF, "t1", 5000, (const char *const[]){"state_dir", dir, NULL}, &out);
    ok(out.code == HF_OK && out.verified, "after all that, a good operation works: %s", out.message);
    hfc_outcome_clear(&out);
}

int main(int argc, char **argv)
{
    char file[4096], path[4200];
    hfc_error err = {0};
    FILE *f;
    tap_init(argc, argv);
    /* the fixture of every case: signals noted, a directory, the plugins */
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    hfc_log_set_level(HF_LOG_ERROR);
    ok(mkdtemp(dir) != NULL, "temp dir");
    dummy = hfc_plugin_load(plugin_file("dummy", file, sizeof file), &err);
    script = hfc_plugin_load(plugin_file("script", file, sizeof file), &err);
    ok(dummy && script, "plugins load");
    if (!dummy || !script)
        return tap_done();
    snprintf(path, sizeof path, "%s/t1", dir);
    f = fopen(path, "w");
    fputs("on\n", f);
    fclose(f);

    TAP_RUN(segfault);
    TAP_RUN(hang_killed);
    TAP_RUN(exit_called);
    TAP_RUN(crash_in_create);
    TAP_RUN(script_group_killed);
    TAP_RUN(status_hang);
    TAP_RUN(caller_untouched);
    hfc_plugin_unload(dummy);
    hfc_plugin_unload(script);
    {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        ok(system(cmd) == 0, "cleaned up");
    }
    return tap_done();
}
