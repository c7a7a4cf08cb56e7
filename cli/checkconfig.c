/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hafence check-config: the daemon's own check (hafenced --check-config),
 * run as it is, so that the harness and the daemon can never disagree
 * about a configuration.  hafenced is taken from beside this program (a
 * build tree, or one prefix), else from where it is installed, and opened
 * by the trust rule, as every program hafence runs.
 */
#include "cli/cli.h"

int cmd_check_config(cli *c)
{
    const char *argv[32];
    size_t n = 0;
    if (c->arg_count)
        return cli_usage_error("check-config takes no arguments ('%s'): name the files with -c", c->args[0]);
    argv[n++] = "hafenced";
    argv[n++] = "--check-config";
    if (c->probe)
        argv[n++] = "--probe";
    /* -c as everywhere in hafence: the pool-wide file, then the override
     * (none when only one is given) */
    if (c->config_count > 2)
        return cli_usage_error("check-config takes -c twice at most (pool-wide file, host override)");
    if (c->config_count) {
        argv[n++] = "--config";
        argv[n++] = c->configs[0];
        argv[n++] = "--override";
        argv[n++] = c->config_count > 1 ? c->configs[1] : "";
    }
    if (c->plugin_dir) {
        argv[n++] = "--plugin-dir";
        argv[n++] = c->plugin_dir;
    }
    if (c->state_dir) {
        argv[n++] = "--state-dir";
        argv[n++] = c->state_dir;
    }
    if (c->host_uuid) {
        argv[n++] = "--host-uuid";
        argv[n++] = c->host_uuid;
    }
    for (int i = 0; i < c->verbose && i < 2; i++)
        argv[n++] = "-v";
    argv[n] = NULL;
    cli_program_exec("hafenced", HAFENCE_SBINDIR, "check-config", (char *const *)argv);
    return EXIT_FAILED;
}
