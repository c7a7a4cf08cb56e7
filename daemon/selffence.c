/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-fence, as HA-Lizard does it: a slave that fails to fence the master,
 * or lacks quorum to, suspends its own HA and reboots once.  The marker in
 * the state directory survives the reboot and keeps this host from fencing
 * or starting VMs until the operator clears it ('hafence recover').  The
 * reboot command is configurable (HAFENCE_REBOOT_COMMAND) so that a lab
 * can stand in for it.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/hastate.h"
#include "daemon/hafenced.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define REBOOT_WAIT_MS 30000

/* The command by /bin/sh, bounded: a reboot that neither happens nor
 * returns must not stall the daemon (systemd's watchdog would). */
static void run_reboot(hafenced *d)
{
    const char *cmd = d->dc.ds.reboot_command;
    int64_t end = hf_now_ms() + REBOOT_WAIT_MS;
    int status = 0;
    pid_t pid, got = 0;
    hfc_log(HF_LOG_ERROR, "self-fence: rebooting this host once: %s", cmd);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (pid < 0) {
        hfc_log(HF_LOG_ERROR, "self-fence: cannot run '%s': %s; HA stays suspended", cmd, strerror(errno));
        return;
    }
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && hf_now_ms() < end) {
        hfc_sleep_ms(100, NULL);
        notify_alive();
    }
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        hfc_log(HF_LOG_ERROR, "self-fence: '%s' did not return within %d s; HA stays suspended", cmd,
                REBOOT_WAIT_MS / 1000);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        hfc_log(HF_LOG_ERROR, "self-fence: '%s' failed (status %d); HA stays suspended", cmd,
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
}

/* The marker could not be written: the suspension lives in this process
 * only.  Rebooting would lose it, and the host would come back unsuspended
 * to fence itself again (a reboot loop): it stays up, suspended, fencing
 * nobody and starting nothing, until the marker is written or the operator
 * clears it. */
static void hold_in_memory(hafenced *d, const char *why)
{
    d->suspension_unrecorded = true;
    d->suspension.rebooted = false;
    hfc_strlcpy(d->suspension_error, why, sizeof d->suspension_error);
    d->suspension_told_ms = hf_now_ms();
}

void self_fence(hafenced *d, const char *reason)
{
    hfc_error err = {0};
    if (d->suspended)
        return;
    memset(&d->suspension, 0, sizeof d->suspension);
    d->suspension.since_ms = hfc_wall_ms();
    hfc_strlcpy(d->suspension.reason, reason, sizeof d->suspension.reason);
    /* marked "rebooted" before the reboot starts: one reboot, never a loop */
    d->suspension.rebooted = true;
    d->suspended = true;
    if (!hfc_suspension_write(d->opt.state_dir, &d->suspension, &err)) {
        hold_in_memory(d, err.message);
        hafenced_record(d, HF_LOG_ERROR, d->self, "self-fence", "suspended-unrecorded", false, 0,
                        "self-fence: HA SUSPENDED on this host (%s), IN MEMORY ONLY: the suspension marker cannot "
                        "be written (%s). NOT rebooting: a reboot would lose the suspension. Free the state "
                        "directory and the marker is written and the host reboots once; or clear it with "
                        "'hafence recover'",
                        reason, err.message);
        return;
    }
    hafenced_record(d, HF_LOG_ERROR, d->self, "self-fence", "suspended", false, 0,
                    "self-fence: HA suspended on this host and rebooting once: %s; clear with 'hafence recover' "
                    "once the pool is whole again",
                    reason);
    run_reboot(d);
}

/* A suspension held in memory: the operator's recover request ends it;
 * else the marker is written as soon as it can be, then the one reboot. */
static void keep_unrecorded(hafenced *d)
{
    hfc_error err = {0};
    if (hfc_recover_request_take(d->opt.runtime_dir, d->suspension.since_ms)) {
        d->suspended = d->suspension_unrecorded = false;
        hafenced_record(d, HF_LOG_WARNING, d->self, "recover", "ok", false, 0,
                        "the suspension (held in memory, its marker was never written) was cleared by the "
                        "operator: HA resumes on this host");
        return;
    }
    d->suspension.rebooted = true;
    if (hfc_suspension_write(d->opt.state_dir, &d->suspension, &err)) {
        d->suspension_unrecorded = false;
        hfc_log(HF_LOG_ERROR, "self-fence: the suspension marker is written now (%s); rebooting once",
                d->suspension.reason);
        run_reboot(d);
        return;
    }
    d->suspension.rebooted = false;
    hfc_strlcpy(d->suspension_error, err.message, sizeof d->suspension_error);
    if (hf_now_ms() - d->suspension_told_ms >= 60000) {
        d->suspension_told_ms = hf_now_ms();
        hfc_log(HF_LOG_ERROR,
                "HA is SUSPENDED on this host in memory only (%s): the marker still cannot be "
                "written (%s); not rebooting; 'hafence recover' clears it",
                d->suspension.reason, err.message);
    }
}

void suspension_refresh(hafenced *d)
{
    hfc_suspension s;
    hfc_error err = {0};
    hfc_marker_state state;
    if (d->suspended && d->suspension_unrecorded) {
        keep_unrecorded(d);
        return;
    }
    state = hfc_suspension_read(d->opt.state_dir, &s, &err);
    if (state == HFC_MARKER_NONE) {
        if (d->suspended)
            hafenced_record(d, HF_LOG_WARNING, d->self, "recover", "ok", false, 0,
                            "the suspension was cleared by the operator: HA resumes on this host");
        d->suspended = false;
        return;
    }
    if (state == HFC_MARKER_UNREADABLE && !d->suspended)
        hfc_log(HF_LOG_ERROR, "%s: this host stays suspended", err.message);
    if (!d->suspended)
        hfc_log(HF_LOG_ERROR,
                "HA is suspended on this host since it fenced itself (%s): no fencing, no VM "
                "starts until 'hafence recover'",
                s.reason);
    d->suspended = true;
    d->suspension = s;
    if (!s.rebooted) {
        /* the daemon stopped between writing the marker and the reboot */
        d->suspension.rebooted = true;
        if (!hfc_suspension_write(d->opt.state_dir, &d->suspension, &err)) {
            /* the reboot would happen again after it: no reboot until the
             * marker says it started */
            hold_in_memory(d, err.message);
            hfc_log(HF_LOG_ERROR, "cannot update the suspension marker (%s): not rebooting", err.message);
            return;
        }
        run_reboot(d);
    }
}
