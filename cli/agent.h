/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fence_hafence_<plugin>: hafence's plugins as fence agents, for
 * Pacemaker's fencer and anything else that runs fence-agents. */
#ifndef HAFENCE_CLI_AGENT_H
#define HAFENCE_CLI_AGENT_H

#include "core/loader.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#define AGENT_PREFIX "fence_hafence_"

/* What a fence-agents name means to the agent. */
typedef enum agent_key_kind {
    AGENT_KEY_PARAM,           /* sets the plugin parameter `param` */
    AGENT_KEY_ACTION,          /* the action */
    AGENT_KEY_PLUG,            /* the target */
    AGENT_KEY_PASSWORD_SCRIPT, /* a command whose first line of output is the password */
    AGENT_KEY_TIMEOUT,         /* seconds for the whole operation (hafence's own) */
    AGENT_KEY_POWER_TIMEOUT,   /* seconds for the power state to read back */
    AGENT_KEY_PARAM_SECONDS,   /* seconds, into the first of the plugin's `param` list (milliseconds) */
    AGENT_KEY_DELAY,           /* seconds to wait before off or reboot */
    AGENT_KEY_RETRY_ON,        /* power requests in all */
    AGENT_KEY_VERBOSE,         /* more on stderr */
    AGENT_KEY_NODE,            /* the node Pacemaker fences: for the history only */
    AGENT_KEY_UNUSED           /* known, and of no use here: one line on stderr */
} agent_key_kind;

typedef struct agent_key {
    const char *name; /* fence-agents' name ('_' form) */
    agent_key_kind kind;
    /* AGENT_KEY_PARAM: the plugin parameter; AGENT_KEY_PARAM_SECONDS: the
     * candidates, separated by spaces */
    const char *param;
    const char *obsoletes; /* metadata: the older name this one replaces */
    bool deprecated;       /* metadata: deprecated="1" */
    bool listed;           /* in the metadata (where the plugin can use it) */
    char short_option;     /* -X on the command line, 0: none */
    const char *type;      /* metadata content type */
    const char *default_value;
    const char *help;
} agent_key;

/* NULL-terminated; agent_key_find takes '-' and '_' alike. */
extern const agent_key agent_keys[];
const agent_key *agent_key_find(const char *name);
const agent_key *agent_key_by_option(char short_option);

/* The plugin parameter key sets for plugin p, or NULL when it has none. */
const char *agent_key_param(const agent_key *k, const hfc_plugin *p);

/* The agent's executable name for a plugin: fence_hafence_<name>, '-' as
 * '_'.  The plugin name from an executable's (argv[0]'s base name), or
 * false when it is not an agent's. */
void agent_name_of(const char *plugin, char *buf, size_t size);
bool agent_plugin_of(const char *argv0, char *plugin, size_t size);

/* fence-agents metadata (fence-agents' metadata.rng) of plugin p (NULL:
 * it could not be loaded; the agent's own parameters still are).  False
 * when it could not be written (the reason printed).  The light hafence
 * (cli/full.c) has hafence-full write it, on the standard output. */
bool agent_metadata_write(const hfc_plugin *p, const char *agent_name, FILE *out);
/* hafence-full's `--agent-metadata PLUGIN_FILE AGENT_NAME`, what the light
 * hafence runs it with (PLUGIN_FILE "": no plugin).  Returns the exit code. */
int agent_metadata_main(const char *plugin_file, const char *agent_name);

/* The agent: argv[0] named the plugin.  Returns the exit code. */
int agent_main(int argc, char **argv, const char *plugin, volatile sig_atomic_t *cancel);

#endif
