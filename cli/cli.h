/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hafence harness: shared declarations of its subcommands. */
#ifndef HAFENCE_CLI_H
#define HAFENCE_CLI_H

#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"

/* Exit codes (documented in hafence(1)). */
#define EXIT_OK           0
#define EXIT_FAILED       1
#define EXIT_STATUS_OFF   2 /* status: fence-agents convention */
#define EXIT_VOTE_UNKNOWN 2 /* heuristics */
#define EXIT_USAGE        64
#define EXIT_CONFIG       78

typedef struct secret_source {
    char *name; /* parameter */
    char *file; /* --secret-file NAME=FILE */
    char *env;  /* --secret-env NAME=VAR */
} secret_source;

typedef struct cli {
    const char *command;
    const char *configs[8];
    size_t config_count;
    const char *plugin_dir;
    const char *history; /* NULL: default */
    bool no_history;
    bool json;
    bool xml;
    int verbose;
    const char *password_file;
    const char *password_env;
    bool password_stdin;
    secret_source secrets[16];
    size_t secret_count;
    const char *host_filter;
    int64_t since_ms, until_ms;
    const char *target; /* check */
    const char *requested_by;
    bool follow;             /* console --follow */
    const char *state_dir;   /* status-pool, recover */
    const char *runtime_dir; /* status-pool, recover: the daemon's fallback status, recover requests */
    bool yes;                /* recover: no question */
    bool probe;              /* check-config: ask each host's device */
    const char *host_uuid;   /* check-config: this host (default: the inventory's) */
    bool install;            /* agents: make the missing links */
    const char *agent_dir;   /* agents: where (default: configure's fence agent dir) */
    bool timeout_given;
    hfc_engine_options engine;
    char **argv; /* the command line as given (hafence-full is run with it) */
    char **args; /* positional arguments after the command */
    int arg_count;
    char *history_buf, *state_dir_buf, *runtime_dir_buf; /* the absolute forms, owned */
} cli;

/* The command list and each command's own help (cli/help.c). */
void cli_usage(FILE *out);
int cli_command_help(const char *name);
bool cli_command_known(const char *name);
const char *cli_command_nearest(const char *word);

/* A plugin by name or file, or NULL with the reason printed and *rc set:
 * 64 when no such plugin exists (a usage mistake), 1 when it would not
 * load. */
hfc_plugin *cli_plugin_find(const cli *c, const char *name, int *rc);

/* Usage errors print a message and return EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) HF_PRINTF(1, 2);
int cli_config_error(const hfc_error *err);
/* Where a program of hafence's is: beside this one (/proc/self/exe: a
 * build tree, or one prefix), else in installed_dir. */
void cli_program_path(const char *name, const char *installed_dir, char *out, size_t size);
/* Replace this process with that program (found as above, opened by the
 * trust rule: what is checked is what runs) and argv, for `what`; returns
 * only when it could not, the reason printed. */
void cli_program_exec(const char *name, const char *installed_dir, const char *what, char *const argv[]);

/* Plugin path from --plugin-dir (or the built-in directory) and
 * HAFENCE_PLUGIN_PATH. */
void cli_plugin_path(const cli *c, hfc_search_path *path);

/* Fill secret parameters of plugin that have no value from the sources the
 * operator named (files, environment, stdin).  Returns false with err. */
bool cli_secrets(const cli *c, const hfc_plugin *plugin, hfc_paramset *set, hfc_error *err);
/* Parse name=value arguments into set; a secret given this way is refused.
 * Other arguments are left in *rest. */
int cli_params(const cli *c, const hfc_plugin *plugin, char **args, int n, hfc_paramset *set, char ***rest,
               int *rest_count);

int cmd_plugins(cli *c);
int cmd_info(cli *c);
int cmd_action(cli *c, hfc_action action, bool from_config_action);
int cmd_heuristics(cli *c);
int cmd_probe(cli *c); /* each address's answer, as hafenced checks its peers */
int cmd_check(cli *c);
int cmd_history(cli *c);
int cmd_console(cli *c);
int cmd_status_pool(cli *c);
int cmd_simulate(cli *c);
int cmd_recover(cli *c);
int cmd_config(cli *c);
int cmd_check_config(cli *c);
int cmd_agents(cli *c);

/* Who asked, for the history: --requested-by, else the user and pid. */
const char *cli_requested_by(const cli *c, char *buf, size_t size);
/* Record a fence action (off, on, reboot, cycle) in the history, with the
 * device's address and the console captured since start, if any. */
void cli_record(const cli *c, const hfc_plugin *plugin, const hf_param *params, const char *host, const char *target,
                hfc_action action, const hfc_outcome *out, const char *who, time_t start);

/* The history file this invocation uses. */
const char *cli_history_path(const cli *c);
/* Parameters the harness fills in when the operator did not: console_dir
 * (beside the history). */
void cli_param_defaults(const cli *c, const hfc_plugin *plugin, hfc_paramset *set);
#endif
