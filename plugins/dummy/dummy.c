/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dummy: a fence plugin for the tests.  Each target's power state lives in
 * a file STATE_DIR/<target> ("on" or "off", optionally with the time a
 * pending change takes effect).  It can be told to crash, hang, exit, lie
 * about the state, refuse, fail a number of times, or be slow.
 * Built for tests only, never installed.
 */
#include <hafence/plugin.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

typedef struct dummy {
    char state_dir[512];
    char misbehave[16];
    char misbehave_on[16];
    long long delay_ms;
    long long fail_times;
    long long failures;
    char password[256];
    char expect_password[256];
} dummy;

static const char *const misbehaviours[] = {"none", "crash", "hang", "exit", "lie", "refuse", "fail", "garbage", NULL};
static const char *const moments[] = {"create", "off", "on", "status", "monitor", "list", "any", NULL};

static const hf_param_def params[] = {
    {"state_dir", HF_PARAM_PATH, HF_PARAM_REQUIRED, NULL, NULL, 0, 0,
     "directory holding one file per target with its power state"},
    {"misbehave", HF_PARAM_ENUM, 0, "none", misbehaviours, 0, 0,
     "what goes wrong: crash (SIGSEGV), hang, exit, lie (never reads off), refuse, "
     "fail (unreachable fail_times times), garbage (out-of-range code)"},
    {"misbehave_on", HF_PARAM_ENUM, 0, "off", moments, 0, 0, "which call misbehaves"},
    {"delay_ms", HF_PARAM_INTEGER, 0, "0", NULL, 0, 600000,
     "a power change takes effect this long after it was asked for"},
    {"fail_times", HF_PARAM_INTEGER, 0, "1", NULL, 0, 1000, "with misbehave=fail: how many calls fail before it works"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "device password (compared with expect_password)"},
    {"expect_password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0,
     "when set, create refuses any other password"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* Misbehave now, if told to for this call.  Returns a code to return, or
 * HF_OK to carry on. */
static hf_result misbehave(dummy *d, const char *moment, hf_reply *reply)
{
    if (strcmp(d->misbehave_on, moment) != 0 && strcmp(d->misbehave_on, "any") != 0)
        return HF_OK;
    if (strcmp(d->misbehave, "crash") == 0) {
#ifndef __SANITIZE_ADDRESS__
        volatile int *nowhere = NULL;
        *nowhere = 42; /* a real invalid write, as a buggy plugin would do */
#endif
        /* under the sanitizers (which would report the write and exit)
         * the signal itself is what a crash looks like to the core */
        raise(SIGSEGV);
    } else if (strcmp(d->misbehave, "hang") == 0) {
        /* ignores every deadline; bounded only so a test can never run away */
        for (int i = 0; i < 3600; i++)
            sleep(1);
    } else if (strcmp(d->misbehave, "exit") == 0) {
        _exit(3);
    } else if (strcmp(d->misbehave, "refuse") == 0) {
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "dummy device refused %s", moment);
    } else if (strcmp(d->misbehave, "fail") == 0 && d->failures < d->fail_times) {
        d->failures++;
        return hf_reply_set(reply, HF_E_UNREACHABLE, "dummy device unreachable (failure %lld of %lld)", d->failures,
                            d->fail_times);
    } else if (strcmp(d->misbehave, "garbage") == 0) {
        return (hf_result)77;
    }
    return HF_OK;
}

/* A target names a file: keep it to one path component. */
static int target_ok(const char *t)
{
    if (!t || !*t || strcmp(t, ".") == 0 || strcmp(t, "..") == 0 || strlen(t) > 200)
        return 0;
    for (; *t; t++)
        if (*t == '/')
            return 0;
    return 1;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* File format: "<state>" or "<state> <new-state> <effective-wall-ms>". */
static hf_result read_state(dummy *d, const char *target, hf_power *power, hf_reply *reply)
{
    char path[1024], now[8] = "", next[8] = "";
    long long when = 0;
    FILE *f;
    int n;
    snprintf(path, sizeof path, "%s/%s", d->state_dir, target);
    f = fopen(path, "re");
    if (!f)
        return hf_reply_set(reply, errno == ENOENT ? HF_E_BAD_PARAMETER : HF_E_UNREACHABLE,
                            "dummy device has no target %s (%s)", target, strerror(errno));
    n = fscanf(f, "%7s %7s %lld", now, next, &when);
    fclose(f);
    if (n < 1)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "dummy target %s: unreadable state", target);
    if (n == 3 && wall_ms() >= when)
        memcpy(now, next, sizeof now);
    *power = strcmp(now, "on") == 0 ? HF_POWER_ON : strcmp(now, "off") == 0 ? HF_POWER_OFF : HF_POWER_UNKNOWN;
    return HF_OK;
}

static hf_result write_state(dummy *d, const char *target, hf_power want, hf_reply *reply)
{
    char path[1024], tmp[1100];
    hf_power was = HF_POWER_UNKNOWN;
    FILE *f;
    hf_result r = read_state(d, target, &was, reply);
    if (r != HF_OK)
        return r;
    snprintf(path, sizeof path, "%s/%s", d->state_dir, target);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp, "we");
    if (!f)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "dummy target %s: %s", target, strerror(errno));
    if (d->delay_ms)
        fprintf(f, "%s %s %lld\n", was == HF_POWER_ON ? "on" : "off", hf_power_name(want),
                (long long)(wall_ms() + d->delay_ms));
    else
        fprintf(f, "%s\n", hf_power_name(want));
    fclose(f);
    rename(tmp, path);
    return hf_reply_set(reply, HF_OK, "dummy target %s: power %s requested", target, hf_power_name(want));
}

static hf_result dummy_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    dummy *d = calloc(1, sizeof *d);
    const char *pw = hf_param_get(p, "password"), *expect = hf_param_get(p, "expect_password");
    hf_result r;
    if (!d)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    snprintf(d->state_dir, sizeof d->state_dir, "%s", hf_param_str(p, "state_dir", ""));
    snprintf(d->misbehave, sizeof d->misbehave, "%s", hf_param_str(p, "misbehave", "none"));
    snprintf(d->misbehave_on, sizeof d->misbehave_on, "%s", hf_param_str(p, "misbehave_on", "off"));
    snprintf(d->password, sizeof d->password, "%s", pw ? pw : "");
    snprintf(d->expect_password, sizeof d->expect_password, "%s", expect ? expect : "");
    d->delay_ms = hf_param_int(p, "delay_ms", 0);
    d->fail_times = hf_param_int(p, "fail_times", 1);
    if (*d->expect_password && strcmp(d->password, d->expect_password) != 0) {
        free(d);
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "dummy device: password refused");
    }
    if ((r = misbehave(d, "create", reply)) != HF_OK) {
        free(d);
        return r;
    }
    hf_logf(ctx, HF_LOG_DEBUG, "dummy device at %s", d->state_dir);
    *instance = d;
    return HF_OK;
}

static void dummy_destroy(void *instance)
{
    dummy *d = instance;
    memset(d->password, 0, sizeof d->password);
    free(d);
}

static hf_result power(void *instance, const char *moment, const char *target, hf_power want, hf_reply *reply)
{
    dummy *d = instance;
    hf_result r;
    if (!target_ok(target))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "dummy: '%s' is not a target name", target);
    if ((r = misbehave(d, moment, reply)) != HF_OK)
        return r;
    if (strcmp(d->misbehave, "lie") == 0 && want == HF_POWER_OFF)
        return hf_reply_set(reply, HF_OK, "dummy target %s: power off requested (it lies)", target);
    return write_state(d, target, want, reply);
}

static hf_result dummy_off(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    (void)ctx;
    return power(instance, "off", target, HF_POWER_OFF, reply);
}

static hf_result dummy_on(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    (void)ctx;
    return power(instance, "on", target, HF_POWER_ON, reply);
}

static hf_result dummy_status(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    dummy *d = instance;
    hf_result r;
    (void)ctx;
    if (!target_ok(target))
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "dummy: '%s' is not a target name", target);
    if ((r = misbehave(d, "status", reply)) != HF_OK)
        return r;
    r = read_state(d, target, &reply->power, reply);
    if (r != HF_OK)
        return r;
    return hf_reply_set(reply, HF_OK, "dummy target %s is %s", target, hf_power_name(reply->power));
}

static hf_result dummy_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    dummy *d = instance;
    hf_result r;
    (void)ctx;
    if ((r = misbehave(d, "monitor", reply)) != HF_OK)
        return r;
    if (access(d->state_dir, R_OK | W_OK | X_OK) != 0)
        return hf_reply_set(reply, HF_E_UNREACHABLE, "dummy device %s: %s", d->state_dir, strerror(errno));
    return hf_reply_set(reply, HF_OK, "dummy device %s reachable", d->state_dir);
}

static hf_result dummy_list(void *instance, const hf_context *ctx, hf_target_sink *sink, void *sink_arg,
                            hf_reply *reply)
{
    dummy *d = instance;
    DIR *dir;
    struct dirent *de;
    hf_result r;
    int n = 0;
    (void)ctx;
    if ((r = misbehave(d, "list", reply)) != HF_OK)
        return r;
    dir = opendir(d->state_dir);
    if (!dir)
        return hf_reply_set(reply, HF_E_UNREACHABLE, "dummy device %s: %s", d->state_dir, strerror(errno));
    while ((de = readdir(dir)) != NULL && n < 10000) {
        if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp."))
            continue;
        sink(sink_arg, de->d_name, de->d_name);
        n++;
    }
    closedir(dir);
    return hf_reply_set(reply, HF_OK, "%d targets", n);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(dummy_create), HF_DISPATCH_FENCE_DESTROY(dummy_destroy),
    HF_DISPATCH_FENCE_OFF(dummy_off),       HF_DISPATCH_FENCE_ON(dummy_on),
    HF_DISPATCH_FENCE_STATUS(dummy_status), HF_DISPATCH_FENCE_MONITOR(dummy_monitor),
    HF_DISPATCH_FENCE_LIST(dummy_list),     HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "dummy",
    .version = "1.0",
    .description = "test fence device keeping power states in files",
    .params = params,
    .dispatch = dispatch,
};

HAFENCE_PLUGIN(descriptor)
