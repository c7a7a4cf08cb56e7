/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loader: ABI versions, not-a-plugin, inconsistent descriptors,
 * permissions, discovery along the plugin path, two instances side by side. */
#include "core/error.h"
#include "core/loader.h"
#include "tests/tap.h"
#include "tests/test_env.h"

#include <sys/stat.h>
#include <unistd.h>

static bool mapped(const char *suffix);

static char buf[4096];

static hfc_plugin *load(const char *name, hfc_error *err)
{
    return hfc_plugin_load(plugin_file(name, buf, sizeof buf), err);
}

static void refused(const char *name, const char *needle, const char *what)
{
    hfc_error err = {0};
    hfc_plugin *p = load(name, &err);
    ok(p == NULL, "refused: %s", what);
    ok_has(err.message, needle, "%s: message says '%s'", what, needle);
    ok_has(err.message, name, "%s: message names the file", what);
    hfc_plugin_unload(p);
}

static int visited, visit_failures, dummies, scripts, pings;
static void visit(const char *file, hfc_plugin *p, const hfc_error *err, void *arg)
{
    (void)file;
    (void)err;
    (void)arg;
    visited++;
    if (!p) {
        visit_failures++;
        return;
    }
    dummies += strcmp(hfc_plugin_name(p), "dummy") == 0;
    scripts += strcmp(hfc_plugin_name(p), "script") == 0;
    pings += strcmp(hfc_plugin_name(p), "ping") == 0;
    hfc_plugin_unload(p);
}

TAP_CASE(load_and_entry_points)
{
    hfc_error err = {0};
    hfc_plugin *p;
    hfc_plugin *q;
    p = load("dummy", &err);
    ok(p != NULL, "dummy loads: %s", err.message);
    ok(p && strcmp(hfc_plugin_name(p), "dummy") == 0, "name from the descriptor");
    ok(p && hfc_plugin_fn(p, HF_FN_FENCE_OFF) != NULL, "off entry point found");
    ok(p && hfc_plugin_fn(p, HF_FN_FENCE_CYCLE) == NULL, "absent optional entry point is NULL");
    ok(p && hfc_plugin_fn(p, 9999) == NULL, "unknown id is NULL");
    q = load("dummy", &err);
    ok(q != NULL, "the same plugin loads twice (instances side by side)");
    hfc_plugin_unload(q);
    hfc_plugin_unload(p);
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

TAP_CASE(abi_versions)
{
    hfc_error err = {0};
    hfc_plugin *p;
#define SUPPORTS "this hafence supports 1.0 to 1." STRINGIFY(HAFENCE_ABI_MINOR)
    refused("abi_other_major", "plugin built for ABI 2.0, " SUPPORTS, "another major");
    refused("abi_newer_minor", "plugin built for ABI 1.99, " SUPPORTS, "a newer minor");
    p = load("abi_older_minor", &err);
    ok(p != NULL, "an older (or equal) minor loads: %s", err.message);
    ok(p && hfc_plugin_fn(p, 9999) == NULL, "its unknown dispatch id is ignored");
    hfc_plugin_unload(p);
}

TAP_CASE(later_minor_stride)
{
    hfc_error err = {0};
    hfc_plugin *p;
    /* a later minor's larger parameter table elements: walked with the
     * plugin's stride (ABI 1.2 param_def_size), every parameter whole */
    p = load("wide_params", &err);
    ok(p != NULL, "a plugin whose parameter elements are larger than ours loads: %s", err.message);
    if (p) {
        const hf_param_def *d = hfc_plugin_descriptor_of(p)->params;
        ok(d[0].name && strcmp(d[0].name, "address") == 0 && d[1].name && strcmp(d[1].name, "port") == 0 && d[2].name &&
               strcmp(d[2].name, "password") == 0 && d[3].name == NULL,
           "  ... its three parameters are read in order, and the end");
        ok(d[1].type == HF_PARAM_INTEGER && d[1].int_max == 65535 && strcmp(d[1].default_value, "623") == 0 &&
               (d[2].flags & HF_PARAM_SECRET),
           "  ... each whole (type, bounds, default, flags)");
        ok(strcmp(hfc_plugin_descriptor_of(p)->vendor_url, "https://vendor.example/wide") == 0,
           "  ... and its 1.2 fields (vendor_url)");
        ok(hfc_plugin_fence_status(p) != NULL && hfc_plugin_fence_cycle(p) == NULL,
           "typed entry point getters: status present, cycle absent");
    }
    hfc_plugin_unload(p);
    p = load("abi_older_minor", &err);
    ok(p && hfc_plugin_descriptor_of(p)->capabilities == 0 && hfc_plugin_descriptor_of(p)->vendor_url == NULL,
       "a 1.0 descriptor: the fields it never wrote read as zero");
    hfc_plugin_unload(p);
}

TAP_CASE(bad_plugins)
{
    refused("no_entry", "not a hafence plugin: no symbol hafence_plugin_entry", "no entry symbol");
    refused("bad_descriptor", "lacks the required entry point 'fence status'", "missing entry point");
    refused("dup_param", "duplicate parameter 'address'", "duplicate parameter");
}

TAP_CASE(text_file)
{
    hfc_error err = {0};
    hfc_plugin *p;
    /* a text file is not a plugin */
    {
        char path[] = "/tmp/hafence-notplugin-XXXXXX";
        int fd = mkstemp(path);
        ok(fd >= 0 && write(fd, "hello\n", 6) == 6, "text file written");
        close(fd);
        chmod(path, 0644);
        p = hfc_plugin_load(path, &err);
        ok(p == NULL && strstr(err.message, "not a loadable plugin") && strstr(err.message, path),
           "text file refused, named: %s", err.message);
        unlink(path);
    }
}

TAP_CASE(trust_search_and_roles)
{
    hfc_error err = {0};
    hfc_plugin *p;
    /* a plugin writable by others is refused */
    {
        char src[4096], dir[] = "/tmp/hafence-ww-XXXXXX", dst[4200];
        char cmd[9000];
        ok(mkdtemp(dir) != NULL, "temp dir");
        plugin_file("dummy", src, sizeof src);
        snprintf(dst, sizeof dst, "%s/dummy.so", dir);
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
        ok(system(cmd) == 0, "copied plugin");
        chmod(dst, 0757);
        p = hfc_plugin_load(dst, &err);
        ok(p == NULL && strstr(err.message, "writable by others"), "world-writable plugin refused: %s", err.message);
        chmod(dst, 0755);
        p = hfc_plugin_load(dst, &err);
        ok(p != NULL, "same file with mode 0755 loads");
        hfc_plugin_unload(p);

        /* discovery: configured dir first, then HAFENCE_PLUGIN_PATH */
        {
            hfc_search_path path;
            char env[8300];
            snprintf(env, sizeof env, "%s", getenv("HAFENCE_TEST_PLUGINS") ? getenv("HAFENCE_TEST_PLUGINS") : "");
            setenv("HAFENCE_PLUGIN_PATH", env, 1);
            hfc_search_path_init(&path, dir);
            ok(path.count >= 2 && strcmp(path.dirs[0], dir) == 0, "configured directory comes first");
            p = hfc_plugin_find(&path, "dummy", &err);
            ok(p && strncmp(hfc_plugin_path(p), dir, strlen(dir)) == 0, "a name in the configured directory wins");
            hfc_plugin_unload(p);
            p = hfc_plugin_find(&path, "ping", &err);
            ok(p != NULL, "a name only on HAFENCE_PLUGIN_PATH is found: %s", err.message);
            hfc_plugin_unload(p);
            p = hfc_plugin_find(&path, "nonesuch", &err);
            ok(p == NULL && strstr(err.message, "plugin 'nonesuch' not found") && strstr(err.message, dir),
               "missing plugin names the directories: %s", err.message);
            p = hfc_plugin_find(&path, "../etc", &err);
            ok(p == NULL, "a name with a path component is not a plugin name");
            /* by capability: the scan runs in a child, so the plugins
             * that do not have it are never loaded here (a daemon would
             * carry every installed plugin's libraries for its life) */
            p = hfc_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", &err);
            ok(p && strcmp(hfc_plugin_name(p), "ping") == 0, "the peer probe found first: %s",
               p ? hfc_plugin_name(p) : err.message);
            ok(!mapped("/script.so"), "  ... the other plugins scanned were not loaded into this process");
            hfc_plugin_unload(p);
            visited = visit_failures = dummies = scripts = pings = 0;
            hfc_plugin_discover(&path, visit, NULL);
            ok(mapped("/script.so"), "  ... (as the full discovery does: the check above can fail)");
            ok(dummies == 1 && scripts == 1 && pings == 1 && visit_failures == 0,
               "discovery visits dummy once (the configured directory hides the other), script and ping "
               "(%d plugins, %d failures)",
               visited, visit_failures);

            /* the plugins the daemon uses itself: found by capability */
            p = hfc_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", &err);
            ok(p && strcmp(hfc_plugin_name(p), "ping") == 0, "the peer probe is found by its capability: %s",
               p ? hfc_plugin_name(p) : err.message);
            hfc_plugin_unload(p);
            p = hfc_plugin_find_capable(&path, 0x40000000ul, "the nothing", &err);
            ok(p == NULL && strstr(err.message, "no installed plugin is the nothing") && strstr(err.message, dir),
               "no plugin with the capability: an error naming the directories: %s", err.message);
            plugin_file("ping", src, sizeof src);
            snprintf(cmd, sizeof cmd, "cp '%s' '%s/ping2.so'", src, dir);
            ok(system(cmd) == 0, "a second peer probe installed");
            p = hfc_plugin_find_capable(&path, HF_CAP_PEER_PROBE, "the peer probe", &err);
            ok(p == NULL && strstr(err.message, "several plugins are the peer probe: ping, ping"),
               "two plugins with one role: refused, both named: %s", err.message);
            snprintf(cmd, sizeof cmd, "%s/ping2.so", dir);
            unlink(cmd);
            hfc_search_path_free(&path);
        }
        unlink(dst);
        rmdir(dir);
    }
}

/* Is a file whose path ends with suffix mapped into this process? */
static bool mapped(const char *suffix)
{
    char line[4096];
    bool found = false;
    FILE *maps = fopen("/proc/self/maps", "re");
    while (maps && !found && fgets(line, sizeof line, maps)) {
        size_t n = strcspn(line, "\n"), k = strlen(suffix);
        line[n] = '\0';
        found = n >= k && strcmp(line + n - k, suffix) == 0;
    }
    if (maps)
        fclose(maps);
    return found;
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(load_and_entry_points);
    TAP_RUN(abi_versions);
    TAP_RUN(later_minor_stride);
    TAP_RUN(bad_plugins);
    TAP_RUN(text_file);
    TAP_RUN(trust_search_and_roles);
    return tap_done();
}
