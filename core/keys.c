/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every configuration key hafence knows, in one table: HA-Lizard 1.8.9 and
 * 2.x's own (ha-lizard.conf, install.params, ha-cfg) and hafence's, each
 * with its type, default, meaning, and whether it is honoured or accepted
 * and ignored (and why).  hfc_settings_load() checks a config against it,
 * hafenced(8) prints it (hafenced --keys), and a key in no table is an
 * "unknown key" warning with the nearest known key suggested.
 *
 * A plugin's parameters are keys too: <METHOD>_<PARAM> for the fence
 * method's plugin, HAFENCE_XAPI_<PARAM> for the pool plugin the daemon
 * reaches XAPI with; those are checked against the plugin's own table
 * (method.c).
 */
#include "core/util.h"
#include "core/config.h"
#include "core/keys.h"

#include <ctype.h>
#include <strings.h>

/* HA-Lizard's functions, each with a LOG_, MAIL_ and PRIORITY_ switch in
 * ha-lizard.conf (name, LOG_ default, MAIL_ default, PRIORITY_ default) */
#define HA_LIZARD_FUNCTIONS(X)                 \
    X(check_logger_processes, 1, 1, 0)         \
    X(log_experimental, 1, 1, 0)               \
    X(log, 1, 1, 0)                            \
    X(xe_raise_alert, 1, 1, 0)                 \
    X(email, 1, 1, 0)                          \
    X(xe_wrapper, 1, 1, 1)                     \
    X(xe_variable_wrapper, 1, 1, 1)            \
    X(watch_proc, 1, 1, 1)                     \
    X(get_pool_host_list, 1, 1, 3)             \
    X(get_pool_ip_list, 1, 1, 3)               \
    X(master_ip, 1, 1, 3)                      \
    X(ha_disabled, 1, 1, 1)                    \
    X(check_xapi, 1, 1, 1)                     \
    X(get_app_vms, 1, 1, 3)                    \
    X(vm_state, 1, 1, 3)                       \
    X(vm_state_check, 1, 1, 3)                 \
    X(vm_mon, 1, 1, 1)                         \
    X(validate_vm_safe_to_start_here, 1, 1, 3) \
    X(validate_vm_home_pool, 1, 1, 3)          \
    X(vm_start, 1, 1, 1)                       \
    X(promote_slave, 1, 1, 1)                  \
    X(get_vms_on_host, 1, 1, 3)                \
    X(get_vms_on_host_local, 1, 1, 3)          \
    X(check_vm_managed, 1, 1, 3)               \
    X(write_pool_state, 1, 1, 3)               \
    X(check_slave_status, 1, 1, 1)             \
    X(fence_host, 1, 1, 1)                     \
    X(autoselect_slave, 1, 1, 3)               \
    X(check_ha_enabled, 1, 1, 3)               \
    X(check_quorum, 1, 1, 1)                   \
    X(check_logging_enabled, 1, 1, 0)          \
    X(check_email_enabled, 1, 1, 0)            \
    X(check_xs_ha, 1, 1, 1)                    \
    X(disable_ha_lizard, 1, 1, 1)              \
    X(update_global_conf_params, 1, 1, 3)      \
    X(check_master_mgt_link_state, 1, 1, 1)    \
    X(stop_vms_on_host, 1, 1, 1)               \
    X(stop_vms_on_host_slow, 1, 1, 1)          \
    X(service_execute, 1, 1, 0)                \
    X(make_box, 1, 1, 0)                       \
    X(write_status_report, 1, 1, 3)            \
    X(validate_vm_ha_state, 1, 1, 3)           \
    X(reset_vm_vdi, 1, 1, 1)                   \
    X(validate_this_host_vm_states_1, 1, 1, 1) \
    X(validate_this_host_vm_states, 1, 1, 1)   \
    X(get_alert_level, 0, 0, 0)

#define LOG_KEY(fn, log, mail, prio)                             \
    {"LOG_" #fn, HFC_KEY_BOOL,                                   \
     0,          1,                                              \
     #log,       "HA-Lizard's log switch for its function " #fn, \
     false,      "hafenced logs its own decisions (-v for more)"},
#define MAIL_KEY(fn, log, mail, prio)                              \
    {"MAIL_" #fn, HFC_KEY_BOOL,                                    \
     0,           1,                                               \
     #mail,       "HA-Lizard's mail switch for its function " #fn, \
     false,       "hafenced alerts on its own events (ALERTS), not per HA-Lizard function"},
#define PRIORITY_KEY(fn, log, mail, prio)              \
    {"PRIORITY_" #fn,                                  \
     HFC_KEY_INT,                                      \
     0,                                                \
     9,                                                \
     #prio,                                            \
     "HA-Lizard's log priority for its function " #fn, \
     false,                                            \
     "hafenced's priorities are its own"},

/* The defaults are SPEC.md's where they favour safety over HA-Lizard's
 * examples (FENCE_MIN_HOSTS=3, no heuristic address, XAPI_COUNT=5,
 * XAPI_DELAY=15); HA-Lizard's (install.params, ha-lizard.conf) otherwise,
 * so that an ignored key left at HA-Lizard's value is not "set". */
static const hfc_key_def keys[] = {
    /* ---- fencing ---- */
    {"FENCE_ENABLED", HFC_KEY_BOOL, 0, 1, "1", "1: fencing on, 0: off", true, NULL},
    {"FENCE_ACTION", HFC_KEY_ACTION, 0, 0, "stop", "stop (off), start (on: refused by hafenced), reset (reboot)", true,
     NULL},
    {"FENCE_METHOD", HFC_KEY_METHOD, 0, 0, NULL,
     "an installed fence plugin's name (ILO, IRMC, XVM, POOL, IPMI, SNMP-PDU, a vendor's) or a custom script "
     "FENCE_FILE_LOC/NAME/NAME.sh; levels tried in order written A,B; devices that must all succeed A+B; a second "
     "device of one plugin NAME:PLUGIN; required when FENCE_ENABLED=1",
     true, NULL},
    {"FENCE_FILE_LOC", HFC_KEY_PATH, 0, 0, "/etc/ha-lizard/fence", "directory of method folders and host maps", true,
     NULL},
    {"FENCE_IPADDRESS", HFC_KEY_ADDRESS, 0, 0, "", "a static device address (XVM's Dom0, a PDU): the method's address",
     true, NULL},
    {"FENCE_PASSWD", HFC_KEY_SECRET, 0, 0, "",
     "the device's password (a secret: FENCE_PASSWD_FILE keeps it out of the file)", true, NULL},
    {"FENCE_PASSWD_FILE", HFC_KEY_PATH, 0, 0, "", "a file holding FENCE_PASSWD", true, NULL},
    {"FENCE_MIN_HOSTS", HFC_KEY_INT, 1, 1000, "3", "never fence in a pool of fewer hosts than this", true, NULL},
    {"FENCE_QUORUM_REQUIRED", HFC_KEY_BOOL, 0, 1, "1", "fence only with quorum (more than half the enabled hosts live)",
     true, NULL},
    {"FENCE_USE_IP_HEURISTICS", HFC_KEY_BOOL, 0, 1, "1", "the ping heuristic breaks a quorum tie", true, NULL},
    {"FENCE_HEURISTICS_IPS", HFC_KEY_STRING, 0, 0, "", "':'-separated addresses: all must answer for the vote", true,
     NULL},
    {"FENCE_HA_ONFAIL", HFC_KEY_BOOL, 0, 1, "0", "start a host's VMs elsewhere even when its fence failed", true, NULL},
    {"FENCE_REBOOT_LONE_HOST", HFC_KEY_BOOL, 0, 1, "0", "a master that sees no peer reboots instead of fencing", true,
     NULL},
    {"FENCE_HOST_FORGET", HFC_KEY_BOOL, 0, 1, "0", "also remove a fenced host from the pool (deprecated)", true, NULL},
    /* ---- detection and roles ---- */
    {"XAPI_COUNT", HFC_KEY_INT, 1, 1000, "5", "retries after a failed check before a peer is failed", true, NULL},
    {"XAPI_DELAY", HFC_KEY_INT, 0, 3600, "15", "seconds between checks of a suspect peer", true, NULL},
    {"PROMOTE_SLAVE", HFC_KEY_BOOL, 0, 1, "1", "the autopromote slave may fence and replace a dead master", true, NULL},
    {"SLAVE_HA", HFC_KEY_BOOL, 0, 1, "1", "the promoted slave starts the old master's VMs", true, NULL},
    /* ---- which VMs come back ---- */
    {"OP_MODE", HFC_KEY_INT, 1, 2, "2", "2: VMs, 1: vApps (appliances)", true, NULL},
    {"GLOBAL_VM_HA", HFC_KEY_BOOL, 0, 1, "1",
     "1: every VM of a failed host comes back; 0: those whose custom field XC_FIELD_NAME is true", true, NULL},
    {"DISABLED_VAPPS", HFC_KEY_LIST, 0, 0, "", "OP_MODE=1: appliances never started, (UUID1:UUID2)", true, NULL},
    {"XC_FIELD_NAME", HFC_KEY_STRING, 0, 0, "ha-lizard-enabled",
     "the XenCenter custom field: the pool's HA switch, each VM's flag, each host's health", true, NULL},
    {"HOST_SELECT_METHOD", HFC_KEY_INT, 0, 1, "0",
     "0: VMs start on healthy hosts (a host marked failed is never chosen); hafenced always does so", true, NULL},
    /* ---- HA-Lizard's own machinery: accepted, with no effect ---- */
    {"SLAVE_VM_STAT", HFC_KEY_BOOL, 0, 1, "0", "slaves too restart halted VMs every pass", false,
     "hafenced restarts the VMs of a host it fenced, once; it does not watch for halted VMs"},
    {"XE_TIMEOUT", HFC_KEY_INT, 0, 3600, "10", "seconds an xe call may take", false,
     "hafenced calls XAPI itself, each call bounded by HAFENCE_XAPI_CALL_TIMEOUT_MS"},
    {"MONITOR_MAX_STARTS", HFC_KEY_INT, 0, 100000, "20", "HA-Lizard's process monitor", false,
     "hafenced runs under systemd's watchdog (WatchdogSec, Restart=always)"},
    {"MONITOR_DELAY", HFC_KEY_INT, 0, 100000, "15", "HA-Lizard's process monitor", false,
     "hafenced runs continuously under systemd, not respawned"},
    {"MONITOR_KILLALL", HFC_KEY_BOOL, 0, 1, "1", "HA-Lizard's process monitor", false,
     "hafenced runs under systemd's watchdog (WatchdogSec, Restart=always)"},
    {"MONITOR_SCANRATE", HFC_KEY_INT, 0, 100000, "10", "HA-Lizard's process monitor", false,
     "hafenced runs continuously under systemd, not respawned"},
    {"ENABLE_LOGGING", HFC_KEY_BOOL, 0, 1, "1", "log to syslog", false, "hafenced always logs to syslog (the journal)"},
    {"ENABLE_ALERTS", HFC_KEY_BOOL, 0, 1, "1", "alerts as messages in the pool (XenCenter, Xen Orchestra)", true, NULL},
    {"MAIL_ON", HFC_KEY_BOOL, 0, 1, "1", "alerts by mail", true, NULL},
    {"MAIL_FROM", HFC_KEY_STRING, 0, 0, "root@localhost", "alert mail sender", true, NULL},
    {"MAIL_TO", HFC_KEY_STRING, 0, 0, "root@localhost", "alert mail recipients (comma-separated)", true, NULL},
    {"MAIL_SUBJECT", HFC_KEY_STRING, 0, 0, "SYSTEM_ALERT-FROM_HOST:$HOSTNAME", "alert mail subject (the event follows)",
     true, NULL},
    {"MAIL_SCREEN_TIME", HFC_KEY_INT, 0, 100000, "60", "minutes the same alert is held back (mail, message, hooks)",
     true, NULL},
    {"SMTP_SERVER", HFC_KEY_STRING, 0, 0, "127.0.0.1", "mail relay", true, NULL},
    {"SMTP_PORT", HFC_KEY_STRING, 0, 0, "25", "mail relay port (465: SMTPS)", true, NULL},
    {"SMTP_USER", HFC_KEY_STRING, 0, 0, "", "mail relay account (its login needs TLS)", true, NULL},
    {"SMTP_PASS", HFC_KEY_SECRET, 0, 0, "", "mail relay password (SMTP_PASS_FILE keeps it out of the file)", true,
     NULL},
    {"MGT_LINK_LOSS_TOLERANCE", HFC_KEY_INT, 0, 100000, "5",
     "seconds before a master that lost its management link shuts its VMs down", false,
     "hafenced does not shut VMs down: a master cut off is fenced by the majority or fences itself"},
    {"DISK_MONITOR", HFC_KEY_BOOL, 0, 1, "1", "hourly SMART checks", false, "disk health is no fencing matter"},
    {"POST_VERSION", HFC_KEY_BOOL, 0, 1, "1", "tell HA-Lizard's developer the installed version", false,
     "hafence reports nothing to anyone"},
    /* ---- hafenced's own ---- */
    {"HAFENCE_SPLIT_DELAY", HFC_KEY_INT, 0, 600, "5", "s the autopromote slave waits before fencing the master", true,
     NULL},
    {"HAFENCE_REBOOT_COMMAND", HFC_KEY_COMMAND, 0, 0, "systemctl reboot --force", "the self-fence's reboot", true,
     NULL},
    {"HAFENCE_POOL_INTERVAL", HFC_KEY_INT, 1, 3600, "10", "s between reads of the pool view", true, NULL},
    {"HAFENCE_FENCE_TIMEOUT", HFC_KEY_INT, 1, 3600, "60", "s for one fence, one marking dead", true, NULL},
    {"HAFENCE_VM_START_PARALLEL", HFC_KEY_INT, 1, 64, "8", "VMs started at once after a fence", true, NULL},
    {"HAFENCE_UNVERIFIED_FENCE", HFC_KEY_ENUM, 0, 0, "auto",
     "auto, trust or fail: a fence reported done that nothing read back", true, NULL},
    {"HAFENCE_SMTP_TLS", HFC_KEY_STRING, 0, 0, "auto",
     "auto (STARTTLS when offered; 465: SMTPS), required, or off (a relay on this host)", true, NULL},
    {"HAFENCE_SMTP_CA_FILE", HFC_KEY_PATH, 0, 0, "", "CA of the mail relay's certificate (empty: the system's)", true,
     NULL},
    {"HAFENCE_ALERT_HOOKS", HFC_KEY_PATH, 0, 0, "",
     "directory of alert hooks: each executable run per alert with HAFENCE_ALERT_* set (empty: none)", true, NULL},
    {"HAFENCE_ALERT_HOOK_TIMEOUT", HFC_KEY_INT, 1, 3600, "30", "s a hook may run before it is killed", true, NULL},
    {"HAFENCE_ALERT_REMIND", HFC_KEY_INT, 60, 604800, "3600", "s between reminders while this host is suspended", true,
     NULL},
    {"HAFENCE_MONITOR_INTERVAL", HFC_KEY_INT, 0, 86400, "300",
     "s between checks of every peer's fence path (jittered by a tenth; 0: never)", true, NULL},
    {"HAFENCE_MONITOR_PARALLEL", HFC_KEY_INT, 1, 64, "4", "fence path checks run at once", true, NULL},
    {"HAFENCE_METRICS_FILE", HFC_KEY_PATH, 0, 0, "",
     "Prometheus metrics for node_exporter's textfile collector (a .prom file; empty: none)", true, NULL},
    /* ---- ha-lizard.conf's switches per HA-Lizard function ---- */
    HA_LIZARD_FUNCTIONS(LOG_KEY) HA_LIZARD_FUNCTIONS(MAIL_KEY) HA_LIZARD_FUNCTIONS(PRIORITY_KEY)};

#define KEY_COUNT (sizeof keys / sizeof keys[0])

const hfc_key_def *hfc_keys(size_t *count)
{
    *count = KEY_COUNT;
    return keys;
}

const hfc_key_def *hfc_key_find(const char *name)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (strcasecmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

const char *hfc_key_value(const hfc_config *cfg, const char *name)
{
    const hfc_key_def *k = hfc_key_find(name);
    const char *v = hfc_config_get(cfg, name);
    return v ? v : k && k->dflt ? k->dflt : NULL;
}

long long hfc_key_int(const hfc_config *cfg, const char *name)
{
    long long n = 0;
    const char *v = hfc_key_value(cfg, name);
    if (v && !hfc_parse_ll(v, &n))
        n = hfc_parse_bool(v) > 0; /* a boolean key (checked before) */
    return n;
}

const char *hfc_key_nearest(const char *word)
{
    const char *names[KEY_COUNT];
    for (size_t i = 0; i < KEY_COUNT; i++)
        names[i] = keys[i].name;
    return hfc_nearest(word, names, KEY_COUNT);
}

const char *hfc_key_type_name(hfc_key_type t)
{
    static const char *const names[] = {
        "0 or 1", "integer", "stop, start or reset", "method",  "absolute path", "address",
        "text",   "secret",  "(UUID:UUID)",          "command", "word"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
