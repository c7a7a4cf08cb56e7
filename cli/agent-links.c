/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hafence agents [--install] [--agent-dir DIR]: the fence_hafence_<plugin>
 * links Pacemaker's fencer runs, one per fence plugin found: make install
 * makes them for hafence's own plugins, this command for a vendor's. */
#include "core/util.h"
#include "core/loader.h"
#include "cli/cli.h"
#include "cli/agent.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct links_walk {
    const cli *c;
    const char *dir;
    char self[PATH_MAX]; /* this binary: the links' target */
    int failures;
} links_walk;

static void visit(const char *file, hfc_plugin *p, const hfc_error *err, void *arg)
{
    links_walk *w = arg;
    char name[128], link[PATH_MAX], now[PATH_MAX];
    const char *state;
    ssize_t n;
    (void)file;
    if (!p) {
        fprintf(stderr, "hafence: %s\n", err->message);
        return;
    }
    if (hfc_plugin_descriptor_of(p)->kind != HF_KIND_FENCE) {
        hfc_plugin_unload(p);
        return;
    }
    agent_name_of(hfc_plugin_name(p), name, sizeof name);
    snprintf(link, sizeof link, "%s/%s", w->dir, name);
    n = readlink(link, now, sizeof now - 1);
    now[n > 0 ? n : 0] = '\0';
    if (n > 0 && strcmp(now, w->self) == 0) {
        state = "installed";
    } else if (n < 0 && errno == ENOENT && w->c->install) {
        if (symlink(w->self, link) == 0) {
            state = "installed now";
        } else {
            fprintf(stderr, "hafence: %s: %s\n", link, strerror(errno));
            state = "NOT installed";
            w->failures++;
        }
    } else if (n < 0 && errno == ENOENT) {
        state = "missing (hafence agents --install)";
    } else {
        /* someone else's file: never replaced behind the operator's back */
        state = n > 0 ? "points elsewhere (left alone)" : "not a link (left alone)";
        if (w->c->install)
            w->failures++;
    }
    printf("%-28s %-8s %s -> %s: %s\n", name, hfc_plugin_name(p), link, n > 0 ? now : w->self, state);
    hfc_plugin_unload(p);
}

int cmd_agents(cli *c)
{
    hfc_search_path path;
    links_walk w = {.c = c, .dir = c->agent_dir ? c->agent_dir : HAFENCE_FENCE_AGENT_DIR};
    ssize_t n;
    struct stat st;
    if (c->arg_count)
        return cli_usage_error("agents takes no arguments (--install, --agent-dir DIR)");
    n = readlink("/proc/self/exe", w.self, sizeof w.self - 1);
    if (n <= 0) {
        fprintf(stderr, "hafence: which binary this is (/proc/self/exe): %s\n", strerror(errno));
        return EXIT_FAILED;
    }
    w.self[n] = '\0';
    if (stat(w.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hafence: %s: not a directory\n", w.dir);
        return EXIT_FAILED;
    }
    cli_plugin_path(c, &path);
    hfc_plugin_discover(&path, visit, &w);
    hfc_search_path_free(&path);
    if (strcmp(w.dir, "/usr/sbin") != 0)
        fprintf(stderr, "hafence: note: Pacemaker's fencer runs agents from /usr/sbin only, not %s\n", w.dir);
    return w.failures ? EXIT_FAILED : EXIT_OK;
}
