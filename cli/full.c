/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The light hafence: the two parts of the CLI that need heavy libraries,
 * the pool database over XAPI (`hafence config`: libcurl and what it
 * brings, OpenSSL, GnuTLS, Kerberos, LDAP) and a fence agent's metadata
 * (`info --xml`, action=metadata: libxml2 and ICU), live in hafence-full;
 * this program runs it for them, so that every other command starts
 * without mapping some forty libraries it does not use.  hafence-full is
 * taken from beside this program (a build tree), else from where it is
 * installed, and opened by the trust rule: what is checked is what runs.
 */
#include "cli/cli.h"
#include "cli/agent.h"
#include "core/loader.h"
#include "proto/trust/trust.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

extern char **environ;

/* Replace this process with hafence-full and argv, for `what`; returns
 * only when it could not (the reason printed). */
static void full_exec(const char *what, char *const argv[])
{
    char path[PATH_MAX];
    hf_reply reply = {0};
    int fd;
    cli_program_path("hafence-full", HAFENCE_PKGLIBEXECDIR, path, sizeof path);
    fflush(stdout);
    if ((fd = trust_open(path, &reply)) < 0) {
        fprintf(stderr, "hafence: %s is needed for %s: %s\n", path, what, reply.message);
        return;
    }
    fexecve(fd, argv, environ);
    fprintf(stderr, "hafence: %s is needed for %s, and would not run: %s\n", path, what, strerror(errno));
    close(fd);
}

int cmd_config(cli *c)
{
    full_exec("config", c->argv);
    return EXIT_FAILED;
}

bool agent_metadata_write(const hfc_plugin *p, const char *agent_name, FILE *out)
{
    char *argv[] = {"hafence", "--agent-metadata", (char *)(p ? hfc_plugin_path(p) : ""), (char *)agent_name, NULL};
    (void)out; /* hafence-full writes to the standard output, as every caller asks */
    full_exec("a fence agent's metadata", argv);
    return false;
}
