/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names fence-agents users know, and what each one is to hafence: one
 * table, read by the agent's input and by its metadata. */
#include "core/util.h"
#include "core/params.h"
#include "cli/agent.h"

#include <stdio.h>
#include <string.h>

/* name, kind, param, obsoletes, deprecated, listed, option, type, default, help */
const agent_key agent_keys[] = {
    {"action", AGENT_KEY_ACTION, NULL, NULL, false, true, 'o', "string", "reboot",
     "Fencing action: on, off, reboot, status, monitor, list, metadata, validate-all"},
    {"option", AGENT_KEY_ACTION, NULL, NULL, true, false, 0, "string", NULL, "the old name of action"},
    {"plug", AGENT_KEY_PLUG, NULL, "port", false, true, 'n', "string", NULL,
     "What to fence, as the device names it: a guest, a host UUID, outlets (pcmk_host_map maps node names to "
     "them)"},
    {"port", AGENT_KEY_PLUG, NULL, NULL, true, true, 0, "string", NULL, "the old name of plug"},
    {"ip", AGENT_KEY_PARAM, "address", "ipaddr", false, true, 'a', "string", NULL,
     "IP address or host name of the fence device"},
    {"ipaddr", AGENT_KEY_PARAM, "address", NULL, true, true, 0, "string", NULL,
     "IP address or host name of the fence device"},
    {"ipport", AGENT_KEY_PARAM, "port", NULL, false, true, 'u', "integer", NULL, "TCP/UDP port of the fence device"},
    {"username", AGENT_KEY_PARAM, "username", "login", false, true, 'l', "string", NULL, "Login name"},
    {"login", AGENT_KEY_PARAM, "username", NULL, true, true, 0, "string", NULL, "Login name"},
    {"password", AGENT_KEY_PARAM, "password", "passwd", false, true, 'p', "string", NULL, "Login password"},
    {"passwd", AGENT_KEY_PARAM, "password", NULL, true, true, 0, "string", NULL, "Login password"},
    {"password_script", AGENT_KEY_PASSWORD_SCRIPT, "password", NULL, false, true, 'S', "string", NULL,
     "Command whose first line of output is the password (run with /bin/sh -c)"},
    {"power_timeout", AGENT_KEY_POWER_TIMEOUT, NULL, NULL, false, true, 0, "second", "20",
     "Seconds to wait for the power state to read back as asked"},
    {"login_timeout", AGENT_KEY_PARAM_SECONDS, "connect_timeout_ms session_timeout_ms", NULL, false, true, 0, "second",
     NULL, "Seconds to connect and log in"},
    {"shell_timeout", AGENT_KEY_PARAM_SECONDS, "call_timeout_ms", NULL, false, true, 0, "second", NULL,
     "Seconds one command to the device may take"},
    {"timeout", AGENT_KEY_TIMEOUT, NULL, NULL, false, true, 0, "second", "40",
     "Seconds for the whole operation: keep it under the fencer's (pcmk_off_timeout, stonith-timeout)"},
    {"delay", AGENT_KEY_DELAY, NULL, NULL, false, true, 0, "second", "0",
     "Seconds to wait before off or reboot (within timeout)"},
    {"retry_on", AGENT_KEY_RETRY_ON, NULL, NULL, false, true, 0, "integer", "2",
     "Power requests in all before giving up (the state is read back after each)"},
    {"verbose", AGENT_KEY_VERBOSE, NULL, NULL, false, true, 'v', "boolean", "0", "Verbose mode"},
    {"nodename", AGENT_KEY_NODE, NULL, NULL, false, false, 0, NULL, NULL, NULL},
    {"nodeid", AGENT_KEY_UNUSED, NULL, NULL, false, false, 0, NULL, NULL, NULL},
    {"power_wait", AGENT_KEY_UNUSED, NULL, NULL, false, false, 0, NULL, NULL, NULL},
    {"debug_file", AGENT_KEY_UNUSED, NULL, NULL, false, false, 0, NULL, NULL, NULL},
    {NULL, 0, NULL, NULL, false, false, 0, NULL, NULL, NULL},
};

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

const agent_key *agent_key_find(const char *name)
{
    for (const agent_key *k = agent_keys; k->name; k++)
        if (same_name(k->name, name))
            return k;
    return NULL;
}

const agent_key *agent_key_by_option(char short_option)
{
    for (const agent_key *k = agent_keys; k->name; k++)
        if (k->short_option == short_option)
            return k;
    return NULL;
}

const char *agent_key_param(const agent_key *k, const hfc_plugin *p)
{
    const hf_param_def *defs = p ? hfc_plugin_descriptor_of(p)->params : NULL;
    if (!k->param || !defs)
        return NULL;
    /* the first of the list the plugin has; its own name is what stays */
    for (const char *c = k->param; *c; c += strspn(c, " ")) {
        size_t len = strcspn(c, " ");
        char name[64];
        const hf_param_def *d;
        snprintf(name, sizeof name, "%.*s", (int)len, c);
        if ((d = hfc_param_def_find(defs, name)) != NULL)
            return d->name;
        c += len;
    }
    return NULL;
}

void agent_name_of(const char *plugin, char *buf, size_t size)
{
    size_t i = (size_t)snprintf(buf, size, "%s", AGENT_PREFIX);
    for (const char *c = plugin; *c && i + 1 < size; c++)
        buf[i++] = *c == '-' ? '_' : *c;
    if (i < size)
        buf[i] = '\0';
}

bool agent_plugin_of(const char *argv0, char *plugin, size_t size)
{
    const char *base = strrchr(argv0, '/');
    size_t i = 0;
    base = base ? base + 1 : argv0;
    if (strncmp(base, AGENT_PREFIX, strlen(AGENT_PREFIX)) != 0 || !base[strlen(AGENT_PREFIX)])
        return false;
    /* plugin names are [a-z][a-z0-9-]*: an agent's '_' is a plugin's '-' */
    for (const char *c = base + strlen(AGENT_PREFIX); *c && i + 1 < size; c++)
        plugin[i++] = *c == '_' ? '-' : *c;
    plugin[i] = '\0';
    return true;
}
