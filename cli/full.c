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

/* Replace this process with hafence-full and argv, for `what`. */
static void full_exec(const char *what, char *const argv[])
{
    cli_program_exec("hafence-full", HAFENCE_PKGLIBEXECDIR, what, argv);
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
