/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What hafence says about itself: the commands, each one's help, and the
 * nearest command or option to a mistyped one. */
#include "core/util.h"
#include "cli/cli.h"

#include <string.h>

typedef struct cli_command {
    const char *name;
    const char *synopsis; /* after "hafence " */
    const char *summary;  /* one line, in the command list */
    const char *details;  /* its own --help: what it does, its options */
} cli_command;

#define ACTION_DETAILS                                                                                  \
    "Direct: PLUGIN and its parameters as name=value, then the targets (none: the device itself).\n"    \
    "With -c: FENCE_METHOD, the host map, the password and parameters come from the config; the\n"      \
    "arguments are host UUIDs (several FENCE_METHOD levels: fence actions walk them in order).\n"       \
    "off, reboot and on are reported done only once the power state read back as asked.\n"              \
    "\n"                                                                                                \
    "options: --password-file FILE | --password-stdin | --password-env VAR, --secret-file NAME=FILE,\n" \
    "  --secret-env NAME=VAR (a secret as name=value is refused), --timeout SEC (60),\n"                \
    "  --power-timeout SEC (20), --retries N (1), --parallel N, --in-process, --history FILE,\n"        \
    "  --no-history, --requested-by WHO, --json, -v (-vv: the plugin's debug lines)\n"                  \
    "exit: 0 done; 1 failed; status: 0 on, 2 off, 1 unknown; 64 usage; 78 configuration.\n"

static const cli_command commands[] = {
    {"plugins", "plugins [--json]", "list every plugin found",
     "Every plugin in --plugin-dir (default the built-in directory), then $HAFENCE_PLUGIN_PATH: name,\n"
     "kind, version, ABI and file; a file that fails to load is named with the reason.\n"},
    {"info", "info PLUGIN [--xml|--json]", "a plugin's parameters (--xml: its fence agent's metadata)",
     "Parameters with type, default and help. --xml: the metadata of fence_hafence_PLUGIN\n"
     "(fence-agents' schema), --json: the same as JSON.\n"},
    {"off", "off PLUGIN [name=value...] [TARGET...] | off -c CONFIG HOST-UUID...", "power off, verified",
     ACTION_DETAILS},
    {"on", "on PLUGIN [name=value...] [TARGET...] | on -c CONFIG HOST-UUID...", "power on, verified", ACTION_DETAILS},
    {"reboot", "reboot PLUGIN [name=value...] [TARGET...] | reboot -c CONFIG HOST-UUID...", "off (verified), then on",
     ACTION_DETAILS},
    {"cycle", "cycle PLUGIN [name=value...] [TARGET...] | cycle -c CONFIG HOST-UUID...",
     "the device's own power cycle (not verified off)", ACTION_DETAILS},
    {"status", "status PLUGIN [name=value...] [TARGET...] | status -c CONFIG HOST-UUID...", "the power state",
     ACTION_DETAILS},
    {"monitor", "monitor PLUGIN [name=value...] | monitor -c CONFIG", "the device answers and takes the login",
     ACTION_DETAILS},
    {"list", "list PLUGIN [name=value...] | list -c CONFIG", "the targets the device knows", ACTION_DETAILS},
    {"fence", "fence -c CONFIG HOST-UUID...", "the configured FENCE_ACTION", ACTION_DETAILS},
    {"heuristics", "heuristics -c CONFIG | heuristics PLUGIN [name=value...]", "the heuristic vote",
     "With -c: FENCE_HEURISTICS_IPS through the peer probe (FENCE_USE_IP_HEURISTICS=0: no vote).\n"
     "exit: 0 pass, 1 fail, 2 unknown.\n"},
    {"probe", "probe -c CONFIG | probe PLUGIN [name=value...]", "each address's answer, as hafenced checks peers",
     "The peer probe's echoes (the ping plugin's), one line per address: what hafenced sees of its\n"
     "peers from this host. With -c: FENCE_HEURISTICS_IPS.\n"
     "exit: 0 all answer, 1 some are silent, 2 unknown (the plugin cannot report each address).\n"},
    {"check", "check PLUGIN.so [name=value...] [--target TARGET]", "a plugin's conformance run",
     "Loads the file, checks its descriptor and parameters, and with --target powers the target\n"
     "off and on again, each verified. For vendors before they ship. Recorded in the history.\n"},
    {"history", "history [--host UUID] [--since TIME] [--until TIME] [--json]", "what was fenced, how, by whom",
     "The history file (--history FILE, $HAFENCE_HISTORY, default " HAFENCE_STATEDIR "/history.jsonl).\n"
     "TIME: epoch seconds, YYYY-MM-DD[THH:MM:SS] (UTC).\n"},
    {"console", "console HOST | console --follow (-c CONFIG HOST-UUID | PLUGIN [name=value...] [TARGET])",
     "the console captured before HOST was fenced; the live console",
     "--follow attaches to the live console until --timeout (default 3600).\n"},
    {"status-pool", "status-pool [--state-dir DIR] [--runtime-dir DIR] [--json]",
     "the dom0 daemon's view: role, peers, quorum, suspension",
     "hafenced's state (default $HAFENCE_STATE_DIR or " HAFENCE_STATEDIR "). exit 2 when this host is\n"
     "suspended (self-fenced).\n"},
    {"recover", "recover [--state-dir DIR] [--yes]", "clear this host's self-fence suspension",
     "Asks first unless --yes.\n"},
    {"simulate", "simulate HOST [--json]", "what hafenced here would do were HOST failing now (does nothing)",
     "The decision, the fence plan with each device's last readiness check, and the VMs a recovery\n"
     "would start, from the running daemon's view.\n"},
    {"config", "config list|get KEY|set KEY VALUE|unset KEY [-c CONFIG]",
     "HA-Lizard's pool-wide configuration in the pool database", "Through XAPI (the pool's other-config).\n"},
    {"agents", "agents [--install] [--agent-dir DIR]", "the fence_hafence_<plugin> fence agents (Pacemaker)",
     "One link per fence plugin found, in --agent-dir (default " HAFENCE_FENCE_AGENT_DIR "):\n"
     "present, missing, or someone else's file (left alone). --install makes the missing ones.\n"},
    {"check-config", "check-config [-c CONFIG [-c OVERRIDE]] [--probe] [--host-uuid UUID]",
     "prove the configuration can fence (hafenced --check-config)",
     "Every key, method, host map and secret file; --probe asks each host's device for its power\n"
     "state. exit 0 it can fence every host, 78 the configuration is wrong, 1 a device does not work.\n"},
    {"help", "help [COMMAND]", "this list, or a command's own help", ""},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const cli_command *command_find(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

bool cli_command_known(const char *name)
{
    return command_find(name) != NULL;
}

const char *cli_command_nearest(const char *word)
{
    const char *names[COMMAND_COUNT];
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        names[i] = commands[i].name;
    return hfc_nearest(word, names, COMMAND_COUNT);
}

void cli_usage(FILE *out)
{
    fputs("usage: hafence COMMAND [options] [arguments]     (hafence COMMAND --help: its own help)\n\ncommands:\n",
          out);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "options:\n"
          "  -c, --config FILE        HA-Lizard config; twice: pool-wide then host override\n"
          "      --plugin-dir DIR     where plugins are looked for first (default " HAFENCE_PLUGINDIR "),\n"
          "                           then in $HAFENCE_PLUGIN_PATH\n"
          "      --password-file FILE read the password parameter from FILE\n"
          "      --password-stdin     read the password parameter from standard input\n"
          "      --password-env VAR   read the password parameter from environment variable VAR\n"
          "      --secret-file NAME=FILE, --secret-env NAME=VAR   any other secret parameter\n"
          "                           (also: environment HAFENCE_<NAME>, e.g. HAFENCE_PASSWORD)\n"
          "      --timeout SEC        whole operation deadline (default 60)\n"
          "      --power-timeout SEC  wait for the power state to read back (default 20)\n"
          "      --retries N          extra power requests (default 1)\n"
          "      --parallel N         at most N operations at once (default: all)\n"
          "      --in-process         run plugins in this process (no isolation)\n"
          "      --history FILE       history file (default $HAFENCE_HISTORY or " HAFENCE_STATEDIR "/history.jsonl)\n"
          "      --no-history         do not record this operation\n"
          "      --requested-by WHO   recorded in the history\n"
          "      --target TARGET      check: a test target to power off and on\n"
          "      --follow             console: attach to the live console (until --timeout, default 3600)\n"
          "      --state-dir DIR      hafenced's state (default $HAFENCE_STATE_DIR or " HAFENCE_STATEDIR ")\n"
          "      --runtime-dir DIR    hafenced's runtime files (default $HAFENCE_RUNTIME_DIR or " HAFENCE_RUNDIR ")\n"
          "      --yes                recover: do not ask\n"
          "      --probe              check-config: ask each host's fence device for its power state\n"
          "      --host-uuid UUID     check-config: this host (default: the XenServer inventory's)\n"
          "      --host UUID, --since TIME, --until TIME   history filters (TIME: epoch seconds\n"
          "                           or YYYY-MM-DD[THH:MM:SS], UTC)\n"
          "      --install, --agent-dir DIR   agents: make the missing links, and where\n"
          "      --json               machine-readable output\n"
          "  -v, --verbose            more logging (twice: debug)\n"
          "  -h, --help, -V, --version\n"
          "\n"
          "exit codes: 0 success; 1 operation failed; status: 0 on, 2 off, 1 unknown or error;\n"
          "heuristics: 0 pass, 1 fail, 2 unknown; probe: 0 all answer, 1 some silent, 2 unknown;\n"
          "64 usage error; 78 configuration error.\n",
          out);
}

int cli_command_help(const char *name)
{
    const cli_command *cmd = command_find(name);
    if (!cmd || strcmp(cmd->name, "help") == 0) {
        cli_usage(stdout);
        return EXIT_OK;
    }
    printf("usage: hafence %s\n%s.\n\n%s%s(hafence --help: every command and option)\n", cmd->synopsis, cmd->summary,
           cmd->details, *cmd->details ? "\n" : "");
    return EXIT_OK;
}
