/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chassis power of one simulated host, as an ipmi_sim module (loadlib):
 * it registers OpenIPMI's chassis control hooks for the BMC at 0x20, so
 * that Chassis Control really changes a power state and Get Chassis Status
 * reads it, without running a program for every request (ipmi_sim's
 * chassis_control program hook forks a shell each time, which dominated
 * the benchmarks).
 *
 *   loadlib "/path/bmc-power.so" "DIR"
 *
 * DIR/power holds the state: "1"/"0", or "OLD NEW WHEN_MS" while a change
 * is pending; the tests and the demo read and write it.  DIR/delay_ms,
 * when present, delays a change (a slow BMC).  DIR/log records every
 * power request.  DIR/hook, when executable, is run with the new state
 * ("0" or "1") after a change, detached: the pool lab uses it to stop or
 * start the simulated host whose power this is.
 */
#include <OpenIPMI/lanserv.h>
#include <OpenIPMI/mcserv.h>
#include <OpenIPMI/serv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int ipmi_sim_module_print_version(sys_data_t *sys, char *options);
int ipmi_sim_module_init(sys_data_t *sys, const char *options);

static char state_dir[4096];

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int current(void)
{
    char path[4200];
    int cur = 1, next = 1;
    long long when = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/power", state_dir);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%d %d %lld", &cur, &next, &when) == 3 && now_ms() >= when)
            cur = next;
        fclose(f);
    }
    return cur ? 1 : 0;
}

static int set_power(int value)
{
    char path[4200], tmp[4300];
    long long delay = 0;
    int cur = current();
    FILE *f;
    snprintf(path, sizeof path, "%s/log", state_dir);
    if ((f = fopen(path, "a")) != NULL) {
        fprintf(f, "set power %d\n", value);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/delay_ms", state_dir);
    if ((f = fopen(path, "r")) != NULL) {
        if (fscanf(f, "%lld", &delay) != 1)
            delay = 0;
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/power", state_dir);
    snprintf(tmp, sizeof tmp, "%s/power.tmp", state_dir);
    if (!(f = fopen(tmp, "w")))
        return 1;
    if (delay > 0)
        fprintf(f, "%d %d %lld\n", cur, value, now_ms() + delay);
    else
        fprintf(f, "%d\n", value);
    fclose(f);
    return rename(tmp, path) != 0;
}

/* Double fork: the hook outlives nothing of ours and leaves no zombie. */
static void run_hook(int value)
{
    char path[4200];
    pid_t pid;
    snprintf(path, sizeof path, "%s/hook", state_dir);
    if (access(path, X_OK) != 0)
        return;
    pid = fork();
    if (pid == 0) {
        if (fork() == 0) {
            execl(path, path, value ? "1" : "0", (char *)NULL);
            _exit(127);
        }
        _exit(0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

static int chassis_set(lmc_data_t *mc, int op, unsigned char *val, void *cb_data)
{
    (void)mc;
    (void)cb_data;
    if (op != CHASSIS_CONTROL_POWER)
        return 0; /* reset, boot device, identify: accepted, nothing to simulate */
    if (set_power(*val ? 1 : 0))
        return -1;
    run_hook(*val ? 1 : 0);
    return 0;
}

static int chassis_get(lmc_data_t *mc, int op, unsigned char *val, void *cb_data)
{
    (void)mc;
    (void)cb_data;
    if (op != CHASSIS_CONTROL_POWER)
        return -1;
    *val = (unsigned char)current();
    return 0;
}

int ipmi_sim_module_print_version(sys_data_t *sys, char *options)
{
    (void)sys;
    (void)options;
    printf("hafence bmc-power module 1.0\n");
    return 0;
}

int ipmi_sim_module_init(sys_data_t *sys, const char *options)
{
    lmc_data_t *mc;
    int rv;
    if (!options || !*options) {
        sys->log(sys, SETUP_ERROR, NULL, "bmc-power: give the state directory as the option");
        return EINVAL;
    }
    snprintf(state_dir, sizeof state_dir, "%s", options);
    /* the BMC named by set_working_mc 0x20 in lan.conf, not yet configured
     * by the emulator commands: this returns it */
    rv = sys->mc_alloc_unconfigured(sys, 0x20, &mc);
    if (rv) {
        sys->log(sys, SETUP_ERROR, NULL, "bmc-power: no BMC at 0x20: %d", rv);
        return rv;
    }
    ipmi_mc_set_chassis_control_func(mc, chassis_set, chassis_get, NULL);
    return 0;
}
