/* SPDX-License-Identifier: MIT */
/*
 * relay: an example fence plugin, written against the hafence SDK alone.
 *
 * It drives relay boards exposed by the kernel as one value file per relay
 * (as the Linux GPIO sysfs interface does: /sys/class/gpio/gpioN/value);
 * each host's power supply hangs off one relay.  Target: the relay number.
 * Writing 0 opens the relay (power off), 1 closes it (power on); reading
 * the file back is the power state.
 *
 * Build it out of tree:
 *     cc -shared -fPIC $(pkg-config --cflags hafence-plugin) vendor.c -o relay.so
 *     hafence check ./relay.so base_dir=/sys/class/gpio --target 17
 *
 * What it shows: the parameter table, create() validating what the core
 * cannot (the directory exists), honouring the deadline, reporting the
 * device's own reason, and no global state (two instances side by side).
 */
#include <hafence/plugin.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

typedef struct relay {
    char base_dir[512];
    int inverted; /* 1: writing 1 opens the relay */
} relay;

static const hf_param_def params[] = {
    {"base_dir", HF_PARAM_PATH, HF_PARAM_REQUIRED, NULL, NULL, 0, 0,
     "directory of the relay value files (e.g. /sys/class/gpio)"},
    {"inverted", HF_PARAM_BOOLEAN, 0, "0", NULL, 0, 0, "the relay opens on 1 instead of 0"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_result relay_create(const hf_context *ctx, const hf_param *p, void **instance, hf_reply *reply)
{
    relay *r;
    const char *dir = hf_param_str(p, "base_dir", "");
    if (access(dir, R_OK | X_OK) != 0)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "relay board %s: %s", dir, strerror(errno));
    r = calloc(1, sizeof *r);
    if (!r)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    snprintf(r->base_dir, sizeof r->base_dir, "%s", dir);
    r->inverted = hf_param_bool(p, "inverted", 0);
    hf_logf(ctx, HF_LOG_DEBUG, "relay board at %s", r->base_dir);
    *instance = r;
    return HF_OK;
}

static void relay_destroy(void *instance)
{
    free(instance);
}

/* The target is a relay number: digits only, so it can never name another
 * file. */
static hf_result relay_path(const relay *r, const char *target, char *path, size_t size, hf_reply *reply)
{
    if (!*target || strlen(target) > 6)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "relay target '%s' is not a relay number", target);
    for (const char *c = target; *c; c++)
        if (!isdigit((unsigned char)*c))
            return hf_reply_set(reply, HF_E_BAD_PARAMETER, "relay target '%s' is not a relay number", target);
    snprintf(path, size, "%s/gpio%s/value", r->base_dir, target);
    return HF_OK;
}

static hf_result relay_write(void *instance, const hf_context *ctx, const char *target, int on, hf_reply *reply)
{
    relay *r = instance;
    char path[700], value = (char)('0' + (on ^ r->inverted));
    hf_result res = relay_path(r, target, path, sizeof path, reply);
    int fd;
    if (res != HF_OK)
        return res;
    if (hf_ctx_cancelled(ctx))
        return hf_reply_set(reply, HF_E_CANCELLED, "relay %s: deadline passed before writing", target);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return hf_reply_set(reply, errno == ENOENT ? HF_E_BAD_PARAMETER : HF_E_DEVICE_REFUSED, "relay %s: %s: %s",
                            target, path, strerror(errno));
    if (write(fd, &value, 1) != 1) {
        int e = errno;
        close(fd);
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "relay %s: write: %s", target, strerror(e));
    }
    close(fd);
    return hf_reply_set(reply, HF_OK, "relay %s %s", target, on ? "closed (power on)" : "opened (power off)");
}

static hf_result relay_off(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    return relay_write(instance, ctx, target, 0, reply);
}

static hf_result relay_on(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    return relay_write(instance, ctx, target, 1, reply);
}

static hf_result relay_status(void *instance, const hf_context *ctx, const char *target, hf_reply *reply)
{
    relay *r = instance;
    char path[700], value = 0;
    hf_result res = relay_path(r, target, path, sizeof path, reply);
    int fd;
    (void)ctx;
    if (res != HF_OK)
        return res;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hf_reply_set(reply, errno == ENOENT ? HF_E_BAD_PARAMETER : HF_E_UNREACHABLE, "relay %s: %s: %s", target,
                            path, strerror(errno));
    if (read(fd, &value, 1) != 1 || (value != '0' && value != '1')) {
        close(fd);
        reply->power = HF_POWER_UNKNOWN;
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "relay %s: unreadable value", target);
    }
    close(fd);
    reply->power = ((value - '0') ^ r->inverted) ? HF_POWER_ON : HF_POWER_OFF;
    return hf_reply_set(reply, HF_OK, "relay %s reads %c", target, value);
}

static hf_result relay_monitor(void *instance, const hf_context *ctx, hf_reply *reply)
{
    relay *r = instance;
    (void)ctx;
    if (access(r->base_dir, R_OK | X_OK) != 0)
        return hf_reply_set(reply, HF_E_UNREACHABLE, "relay board %s: %s", r->base_dir, strerror(errno));
    return hf_reply_set(reply, HF_OK, "relay board %s present", r->base_dir);
}

static const hf_dispatch dispatch[] = {
    HF_DISPATCH_FENCE_CREATE(relay_create),
    HF_DISPATCH_FENCE_DESTROY(relay_destroy),
    HF_DISPATCH_FENCE_OFF(relay_off),
    HF_DISPATCH_FENCE_ON(relay_on),
    HF_DISPATCH_FENCE_STATUS(relay_status),
    HF_DISPATCH_FENCE_MONITOR(relay_monitor),
    HF_DISPATCH_END,
};

static const hf_plugin_descriptor descriptor = {
    HF_DESCRIPTOR_HEADER,
    .kind = HF_KIND_FENCE,
    .name = "relay",
    .version = "1.0.0",
    .description = "relay boards with one value file per relay (GPIO sysfs style)",
    .params = params,
    .dispatch = dispatch,
    .vendor_url = "https://example.com/relay-board", /* your plugin's home page */
};

HAFENCE_PLUGIN(descriptor)
