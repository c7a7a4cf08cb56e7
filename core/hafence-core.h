/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libhafence: the core shared by the harness CLI and the dom0 daemon.
 * Loader, parameter checking, fence engine, isolation, configuration,
 * host maps, secrets and history.  Never names a vendor or a protocol.
 */
#ifndef HAFENCE_CORE_H
#define HAFENCE_CORE_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* ---- errors (error.c) ---------------------------------------------------- */
#define HFC_ERROR_MAX 1024
typedef struct hfc_error {
    hf_result code;          /* closest result code, for programs */
    char message[HFC_ERROR_MAX];
} hfc_error;

void hfc_error_set(hfc_error *err, hf_result code, const char *fmt, ...) HF_PRINTF(3, 4);
const char *hfc_vote_name(hf_vote vote);       /* "pass", "fail", "unknown" */

/* ---- logging and secret redaction (log.c) -------------------------------- */
typedef void hfc_log_sink(hf_log_level level, const char *line, void *arg);
void hfc_log_set_level(hf_log_level max_level);
void hfc_log_set_sink(hfc_log_sink *sink, void *arg); /* NULL: stderr */
void hfc_log(hf_log_level level, const char *fmt, ...) HF_PRINTF(2, 3);
/* Remember a secret so that every log line and message has it redacted. */
void hfc_secret_register(const char *value);
void hfc_secrets_forget(void);
/* Mask every registered secret in text (in place, within size) by the
 * redaction rule of hf_mask_secret() (sdk/hafence/plugin.h). */
void hfc_redact(char *text, size_t size);
/* printf into out, redacted before it is cut to size (hfc_log does the
 * same): no part of a secret survives a cut. */
void hfc_format_redacted(char *out, size_t size, const char *fmt, ...) HF_PRINTF(3, 4);
void hfc_vformat_redacted(char *out, size_t size, const char *fmt, va_list ap);
/* Overwrite memory in a way the compiler does not drop. */
void hfc_wipe(void *p, size_t n);

/* ---- strings and small helpers (util.c) ---------------------------------- */
char *hfc_strdup(const char *s);            /* aborts on out-of-memory */
void *hfc_calloc(size_t n, size_t size);    /* aborts on out-of-memory */
void *hfc_realloc(void *p, size_t size);
int hfc_strcaseeq(const char *a, const char *b);
void hfc_strlcpy(char *dst, const char *src, size_t size);
/* Parse a decimal integer; whole string, no overflow. */
bool hfc_parse_ll(const char *s, long long *out);
/* Normalise a boolean word into 1/0; -1 when not a boolean. */
int hfc_parse_bool(const char *s);
bool hfc_is_uuid(const char *s);
/* Read a whole small file (<= max bytes); NUL-terminated. */
char *hfc_read_file(const char *path, size_t max, size_t *len, hfc_error *err);
/* The same for a file hafence believes as root (a config, a host map):
 * refused unless it and every directory above it are owned by root or the
 * running user and writable by nobody else (proto/trust: SPEC 9). */
char *hfc_read_trusted(const char *path, size_t max, size_t *len, hfc_error *err);
/* path made absolute against the working directory, once, before anything
 * derives other paths from it or the process changes directory (a copy;
 * free() it). */
char *hfc_absolute_path(const char *path);
/* Every process that holds a secret calls this first: no core file (the
 * password would be in it), not dumpable (no ptrace or /proc/PID/mem by
 * other users).  Children inherit both. */
void hfc_process_protect(void);
/* Sleep up to ms, returning early (false) when *cancel becomes non-zero. */
bool hfc_sleep_ms(int64_t ms, volatile sig_atomic_t *cancel);

/* ---- parameters (params.c) ----------------------------------------------- */
/* An unvalidated name=value list as the operator gave it. */
typedef struct hfc_paramset hfc_paramset;
hfc_paramset *hfc_paramset_new(void);
void hfc_paramset_free(hfc_paramset *set); /* wipes values */
/* Later values of a name replace earlier ones. */
void hfc_paramset_set(hfc_paramset *set, const char *name, const char *value);
const char *hfc_paramset_get(const hfc_paramset *set, const char *name);
size_t hfc_paramset_count(const hfc_paramset *set);
const char *hfc_paramset_name(const hfc_paramset *set, size_t i);

/* Validate against a parameter table: unknown name, missing required, wrong
 * type are refused naming the parameter.  Returns the validated array (every
 * parameter with a value, defaults filled, booleans as 1/0), or NULL. */
hf_param *hfc_params_validate(const hf_param_def *defs, const hfc_paramset *given,
                             const char *plugin, hfc_error *err);
void hfc_params_free(hf_param *params); /* wipes values */
const hf_param_def *hfc_param_def_find(const hf_param_def *defs, const char *name);
/* Check a value against one definition; false with err set. */
bool hfc_param_value_valid(const hf_param_def *def, const char *value, hfc_error *err);
const char *hfc_param_type_name(hf_param_type type);

/* ---- plugins (loader.c) -------------------------------------------------- */
typedef struct hfc_plugin hfc_plugin;
/* Load one file; refuses other majors, newer minors, non-plugins,
 * inconsistent descriptors and files writable by others. */
hfc_plugin *hfc_plugin_load(const char *path, hfc_error *err);
void hfc_plugin_unload(hfc_plugin *plugin);
const hf_plugin_descriptor *hfc_plugin_descriptor_of(const hfc_plugin *plugin);
const char *hfc_plugin_path(const hfc_plugin *plugin);
const char *hfc_plugin_name(const hfc_plugin *plugin);
/* The function for id, or NULL when absent. */
hf_fn hfc_plugin_fn(const hfc_plugin *plugin, int id);
/* Typed: hfc_plugin_fence_off(plugin) is the plugin's hf_fence_power_fn for
 * HF_FN_FENCE_OFF, or NULL; one per row of the SDK's HF_FUNCTIONS. */
#define HFC_PLUGIN_GETTER_(NAME, name, id, type, kind, required, label) \
    static inline type *hfc_plugin_##name(const hfc_plugin *plugin) { return (type *)hfc_plugin_fn(plugin, id); }
HF_FUNCTIONS(HFC_PLUGIN_GETTER_)
#undef HFC_PLUGIN_GETTER_
/* Does the plugin say it has capability (HF_CAP_*)? */
bool hfc_plugin_can(const hfc_plugin *plugin, unsigned long capability);
/* Check a descriptor without loading anything (used by load and check). */
bool hfc_descriptor_check(const hf_plugin_descriptor *d, const char *path, hfc_error *err);

/* Where plugins are looked for: the configured directory, then each
 * directory of HAFENCE_PLUGIN_PATH (':'-separated). */
typedef struct hfc_search_path {
    char **dirs;
    size_t count;
} hfc_search_path;
void hfc_search_path_init(hfc_search_path *path, const char *configured_dir);
void hfc_search_path_free(hfc_search_path *path);
/* Load the plugin called name (file NAME.so in the first directory that
 * has it), or a path when name contains '/'. */
hfc_plugin *hfc_plugin_find(const hfc_search_path *path, const char *name, hfc_error *err);
/* Load the one installed plugin that has capability (HF_CAP_*); what says
 * what it is, for the error when none or several have it.  How the core
 * and the daemon find the plugins they use themselves, by what they do,
 * never by name. */
hfc_plugin *hfc_plugin_find_capable(const hfc_search_path *path, unsigned long capability, const char *what,
                                  hfc_error *err);
/* Call fn for every plugin file found (loaded or failing to load). */
typedef void hfc_plugin_visit_fn(const char *file, hfc_plugin *plugin, const hfc_error *err,
                                void *arg);
void hfc_plugin_discover(const hfc_search_path *path, hfc_plugin_visit_fn *fn, void *arg);

/* ---- the fence engine (engine.c, isolate.c) ------------------------------ */
typedef enum hfc_action {
    HFC_ACTION_OFF,
    HFC_ACTION_ON,
    HFC_ACTION_REBOOT,
    HFC_ACTION_CYCLE,
    HFC_ACTION_STATUS,
    HFC_ACTION_MONITOR,
    HFC_ACTION_LIST,
    HFC_ACTION_CHECK,  /* heuristic vote */
    HFC_ACTION_CONSOLE, /* follow the live console (to hfc_request.console_fd) */
    HFC_ACTION_VALIDATE /* the plugin accepts the parameters (create, destroy): nothing is sent to the device */
} hfc_action;
const char *hfc_action_name(hfc_action action);
bool hfc_action_parse(const char *word, hfc_action *out);

struct hfc_request;
struct hfc_outcome;
typedef struct hfc_engine_options {
    int64_t timeout_ms;       /* whole operation; default 60000 */
    int64_t power_timeout_ms; /* wait for the state to read back; default 20000 */
    int retries;              /* extra power requests; default 1 */
    bool isolate;             /* child process per operation; default true */
    size_t max_parallel;      /* 0: all at once */
    /* when it becomes non-zero (a signal handler sets it), running
     * operations are asked to stop and killed a second later */
    volatile sig_atomic_t *cancel;
    /* isolated: called in an operation's child when the caller died during
     * it (the caller cannot record it any more); NULL: nothing */
    void (*on_orphan)(void *arg, const struct hfc_request *req, const struct hfc_outcome *out);
    void *orphan_arg;
} hfc_engine_options;
void hfc_engine_options_init(hfc_engine_options *opts);

typedef struct hfc_request {
    const hfc_plugin *plugin;
    const hf_param *params;  /* validated */
    const char *host;        /* host UUID, or NULL */
    const char *target;      /* "" when the device is the target */
    hfc_action action;
    int console_fd;          /* HFC_ACTION_CONSOLE: where the console goes */
} hfc_request;

typedef struct hfc_list_item {
    char *target;
    char *name;
} hfc_list_item;

typedef struct hfc_outcome {
    hf_result code;
    hf_power power;       /* status, and the state last read */
    hf_vote vote;         /* heuristics */
    bool verified;        /* the wanted state was read back from the device */
    bool already;         /* off/on: the target was already in that state */
    bool warning;         /* done, with a warning in message (reboot's power-on) */
    bool unverifiable;    /* the method cannot read power (its status is unsupported):
                           * a done is the method's own word */
    int signal;           /* isolated child died of this signal */
    int attempts;         /* power requests sent */
    int64_t duration_ms;
    char message[HF_MESSAGE_MAX];
    hfc_list_item *items;  /* list */
    size_t item_count;
} hfc_outcome;
void hfc_outcome_clear(hfc_outcome *out); /* frees items */

/* Run n requests, in parallel, each bounded by opts->timeout_ms.  Never
 * fails as a whole: each outcome says what happened to its request. */
void hfc_engine_run(const hfc_engine_options *opts, const hfc_request *requests, size_t n,
                   hfc_outcome *outcomes);
/* One request in the calling thread (what the isolated child runs). */
void hfc_engine_execute(const hfc_engine_options *opts, const hfc_request *req,
                       int64_t deadline_ms, volatile sig_atomic_t *cancel, hfc_outcome *out);

/* Isolation (isolate.c): run fn in a child process of its own process
 * group; kill the group at the deadline; carry the outcome back as data. */
typedef void hfc_isolated_fn(void *arg, int64_t deadline_ms, volatile sig_atomic_t *cancel,
                            hfc_outcome *out);
/* Called in the child, once, when its caller died during the operation
 * (the operation was cancelled; out says how it ended): the caller can no
 * longer record it.  The child then kills its whole process group. */
typedef void hfc_isolated_orphan_fn(void *arg, hfc_outcome *out);
typedef struct hfc_child hfc_child;
/* The child is also bound to its caller: when the caller dies (even by
 * SIGKILL) the operation is cancelled, orphan(arg) runs, and the child's
 * group ends within a second; it never outlives its deadline. */
hfc_child *hfc_child_start(hfc_isolated_fn *fn, hfc_isolated_orphan_fn *orphan, void *arg, int64_t deadline_ms,
                         hfc_outcome *out);
/* Ask a running child to stop (SIGTERM to its group); killed a second
 * later if it has not ended by then. */
void hfc_child_cancel(hfc_child *child);
/* One round of waiting (at most 100 ms) on many children at once (NULL
 * entries are skipped): reads what they send, settles those that ended or
 * passed their deadline.  Returns how many are still running. */
size_t hfc_children_step(hfc_child **children, size_t n);
bool hfc_child_finished(const hfc_child *child);
void hfc_child_free(hfc_child *child);
/* Step until every child finished or was killed at its deadline; frees them. */
void hfc_children_wait(hfc_child **children, size_t n);

/* ---- configuration (config.c) -------------------------------------------- */
typedef struct hfc_config hfc_config;
hfc_config *hfc_config_new(void);
void hfc_config_free(hfc_config *cfg);
/* Parse KEY=VALUE text; later files and lines override earlier ones.
 * A bad line is an error naming origin and line. */
bool hfc_config_parse(hfc_config *cfg, const char *origin, const char *text, size_t len,
                     hfc_error *err);
bool hfc_config_load(hfc_config *cfg, const char *path, hfc_error *err);
/* One KEY and its value text (as a file's line would hold it after '='),
 * from origin (e.g. "pool other-config HA_FENCE_METHOD"): the same
 * checks as a file's line; later sets override. */
bool hfc_config_set(hfc_config *cfg, const char *origin, const char *key, const char *text, hfc_error *err);
/* Value of a key (case-insensitive), NULL when unset. */
const char *hfc_config_get(const hfc_config *cfg, const char *key);
/* Where a key was set: "file:line", for messages. */
const char *hfc_config_origin(const hfc_config *cfg, const char *key);
size_t hfc_config_count(const hfc_config *cfg);
const char *hfc_config_key_at(const hfc_config *cfg, size_t i);

/* ---- the keys a config may hold (keys.c) ---------------------------------- */
typedef enum hfc_key_type {
    HFC_KEY_BOOL, HFC_KEY_INT, HFC_KEY_ACTION, HFC_KEY_METHOD, HFC_KEY_PATH, HFC_KEY_ADDRESS, HFC_KEY_STRING,
    HFC_KEY_SECRET, HFC_KEY_LIST, HFC_KEY_COMMAND, HFC_KEY_ENUM
} hfc_key_type;
typedef struct hfc_key_def {
    const char *name;
    hfc_key_type type;
    long long min, max;      /* HFC_KEY_INT, HFC_KEY_BOOL */
    const char *dflt;        /* NULL: none (required where it matters) */
    const char *meaning;
    bool honoured;           /* false: accepted, and has no effect ... */
    const char *ignored_why; /* ... for this reason */
} hfc_key_def;
/* The table, and one of its keys (case-insensitive), or NULL. */
const hfc_key_def *hfc_keys(size_t *count);
const hfc_key_def *hfc_key_find(const char *name);
const char *hfc_key_type_name(hfc_key_type type);
/* A key's value in cfg, else its default (the table's); checked by
 * hfc_settings_load() before. */
const char *hfc_key_value(const hfc_config *cfg, const char *name);
long long hfc_key_int(const hfc_config *cfg, const char *name);
/* The candidate nearest to word (a typo's correction), or NULL when none
 * is close; hfc_key_nearest: among the table's keys. */
const char *hfc_nearest(const char *word, const char *const *candidates, size_t count);
const char *hfc_key_nearest(const char *word);

typedef enum hfc_fence_action { HFC_FENCE_STOP, HFC_FENCE_START, HFC_FENCE_RESET } hfc_fence_action;

typedef struct hfc_settings {
    bool fence_enabled;
    hfc_fence_action fence_action;
    char *fence_method;
    char *fence_file_loc;
    char *fence_ipaddress;
    char *fence_passwd;            /* secret */
    long long fence_min_hosts;
    bool fence_quorum_required;
    bool fence_use_ip_heuristics;
    char *fence_heuristics_ips;
    bool fence_ha_onfail;
    bool fence_reboot_lone_host;
    bool fence_host_forget;
    long long xapi_count;          /* retries after the first failed check */
    long long xapi_delay;
    bool global_vm_ha;             /* 1: every VM of a failed host is recovered; 0: those flagged */
    int op_mode;                   /* 2: VMs, 1: vApps (appliances) */
    char *disabled_vapps;          /* OP_MODE=1: ':'-separated appliance UUIDs never started */
    bool slave_ha;                 /* the promoted slave recovers the old master's VMs */
    bool promote_slave;            /* the autopromote slave may fence and replace the master */
} hfc_settings;
/* Validate the FENCE_* keys and fill settings with defaults for the rest.
 * Unknown keys (other than <METHOD>_<PARAM> and HA-Lizard's own) warn. */
bool hfc_settings_load(const hfc_config *cfg, hfc_settings *settings, hfc_error *err);
void hfc_settings_free(hfc_settings *settings);
hfc_action hfc_fence_action_to_action(hfc_fence_action a);
bool hfc_config_key_is_secret(const char *key);

/* ---- the fencing decision of a pool host (decide.c) ----------------------- */
typedef enum hfc_role { HFC_ROLE_MASTER, HFC_ROLE_AUTOPROMOTE, HFC_ROLE_SLAVE } hfc_role;
typedef enum hfc_decision {
    HFC_DECIDE_NOTHING,
    HFC_DECIDE_FENCE,      /* fence the failed peer */
    HFC_DECIDE_WAIT,       /* two-host split, slave side: wait, check again */
    HFC_DECIDE_SELF_FENCE  /* suspend HA and reboot once */
} hfc_decision;

typedef struct hfc_situation {
    hfc_role role;               /* this host's */
    bool peer_is_master;        /* the failed peer is the pool master */
    long long pool_size;        /* hosts in the pool */
    long long live_hosts;       /* hosts that answer, this one included */
    hf_vote heuristic;          /* the heuristics' vote */
    bool suspended;             /* this host fenced itself earlier */
    bool waited;                /* two-host split: the slave's delay is over */
    const hfc_settings *settings;
    /* quorum is counted among the pool's enabled hosts, as HA-Lizard
     * counts them: one in maintenance, or fenced and disabled, is not a
     * voter (0: all pool_size are) */
    long long enabled_hosts;
    bool in_maintenance;        /* this host is disabled: it fences nobody */
    const char *ha_off;         /* why HA is off for the pool (its switch, native HA), or NULL */
} hfc_situation;

hfc_decision hfc_decide(const hfc_situation *situation, char *reason, size_t size);
const char *hfc_decision_name(hfc_decision decision);
const char *hfc_role_name(hfc_role role); /* "master", "autopromote slave", "slave" */

/* ---- peer liveness (liveness.c) ------------------------------------------- */
typedef enum hfc_peer_state { HFC_PEER_OK, HFC_PEER_SUSPECT, HFC_PEER_FAILED } hfc_peer_state;
typedef struct hfc_peer_watch {
    hfc_peer_state state;
    long long misses;        /* failed checks in a row */
    int64_t next_check_ms;   /* when the next check is due (CLOCK_MONOTONIC) */
} hfc_peer_watch;
void hfc_peer_watch_init(hfc_peer_watch *watch);
bool hfc_peer_check_due(const hfc_peer_watch *watch, int64_t now_ms);
/* One check's result: the first miss and XAPI_COUNT retries after it,
 * XAPI_DELAY apart, unanswered make a peer failed (HA-Lizard's reading);
 * an answer before that starts over. */
hfc_peer_state hfc_peer_observe(hfc_peer_watch *watch, bool answered, const hfc_settings *settings,
                              int64_t now_ms);
const char *hfc_peer_state_name(hfc_peer_state state);
/* Does host (numeric address) accept a TCP connection on port within
 * timeout_ms?  why says what happened. */
bool hfc_probe_tcp(const char *host, const char *port, int64_t timeout_ms, char *why, size_t why_size);

/* ---- methods: HA-Lizard names to plugins and parameters (method.c) ------- */
/* The plugin FENCE_METHOD names: an installed fence plugin of that name
 * (its own, case and '-'/'_' aside: ILO -> ilo, SNMP-PDU -> snmp-pdu, a
 * vendor's ACMERELAY -> acmerelay), or the script plugin for a custom
 * script FENCE_FILE_LOC/NAME/NAME.sh; both is ambiguous, neither is an
 * error naming the key's file and line (with the nearest plugin name). */
hfc_plugin *hfc_method_resolve(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s, hfc_error *err);
/* Fill a paramset for plugin from the config: <METHOD>_<PARAM> keys,
 * FENCE_IPADDRESS -> address, FENCE_PASSWD -> password, FENCE_FILE_LOC ->
 * file_loc, the method name -> method, FENCE_HOST_FORGET -> host_forget;
 * secrets also from <KEY>_FILE. */
bool hfc_method_params(const hfc_config *cfg, const hfc_settings *s, const hfc_plugin *plugin,
                      hfc_paramset *out, hfc_error *err);
/* A plugin's parameters from NAME_<PARAM> keys (and NAME_<PARAM>_FILE for
 * secrets): HAFENCE_XAPI_ADDRESS -> the pool plugin's address.  A NAME_ key
 * that names no parameter is warned about. */
bool hfc_params_from_keys(const hfc_config *cfg, const char *name, const hfc_plugin *plugin, hfc_paramset *out,
                         hfc_error *err);
/* Parameters filled in when the operator did not: console_dir (captures
 * kept beside the history). */
void hfc_method_param_defaults(const hfc_plugin *plugin, hfc_paramset *set, const char *history_path);
/* FENCE_FILE_LOC/<METHOD>/<METHOD>.hosts */
char *hfc_method_hostmap_path(const hfc_settings *s);
/* How the host map of the method plugin serves is read: several lines
 * per host where it says HF_CAP_HOSTMAP_LINES. */
unsigned hfc_method_hostmap_flags(const hfc_plugin *plugin);

/* ---- host maps (hostmap.c) ----------------------------------------------- */
typedef struct hfc_hostmap hfc_hostmap;
/* HFC_HOSTMAP_JOIN_LINES: a host may have several lines (a host on several
 * PDUs); its target is their targets joined with ';', in file order.
 * Without it a second line for a host is an error. */
#define HFC_HOSTMAP_JOIN_LINES 0x1u
hfc_hostmap *hfc_hostmap_parse(const char *origin, const char *text, size_t len, unsigned flags, hfc_error *err);
hfc_hostmap *hfc_hostmap_load(const char *path, unsigned flags, hfc_error *err);
void hfc_hostmap_free(hfc_hostmap *map);
const char *hfc_hostmap_lookup(const hfc_hostmap *map, const char *host_uuid);
size_t hfc_hostmap_count(const hfc_hostmap *map);
/* The i-th host UUID of the map, in file order (NULL past the end). */
const char *hfc_hostmap_host_at(const hfc_hostmap *map, size_t i);

/* ---- secrets (secret.c) -------------------------------------------------- */
/* Read a secret from a file (first line, no newline); warns when the file
 * is readable by group or others. */
char *hfc_secret_from_file(const char *path, hfc_error *err);
/* Read one line from a file descriptor (stdin), without echo concerns. */
char *hfc_secret_from_fd(int fd, const char *what, hfc_error *err);
void hfc_secret_free(char *secret);

/* ---- history (history.c) ------------------------------------------------- */
typedef struct hfc_history_record {
    int64_t time_ms;        /* wall clock, ms since the epoch */
    const char *host;
    const char *target;
    const char *plugin;
    const char *action;
    const char *result;     /* hf_result_name */
    bool verified;
    const char *message;
    int64_t duration_ms;
    const char *requested_by;
    const char *console;    /* a console capture taken before the fence, or NULL */
} hfc_history_record;
/* Append one JSON line, atomically (O_APPEND, one write, flock). */
bool hfc_history_append(const char *path, const hfc_history_record *rec, hfc_error *err);
typedef bool hfc_history_visit_fn(const char *json_line, void *arg);
/* Read records, filtered by host (NULL: all) and [since, until] (0: open). */
bool hfc_history_read(const char *path, const char *host, int64_t since_ms, int64_t until_ms,
                     hfc_history_visit_fn *fn, void *arg, hfc_error *err);
const char *hfc_history_default_path(void);
/* Where console captures are kept: $HAFENCE_CONSOLE_DIR, else "console"
 * beside the history file.  Captures of a host are <dir>/<host>/<time>.log. */
char *hfc_console_dir(const char *history_path);

/* ---- the dom0 daemon's state directory (hastate.c) ----------------------- */
/* $HAFENCE_STATE_DIR, else the built-in /var/lib/hafence. */
const char *hfc_state_dir_default(void);
/* $HAFENCE_RUNTIME_DIR, else the built-in /run/hafence (tmpfs): where the
 * daemon's status goes when the state directory does not take it, and the
 * operator's recover request for a suspension held in memory only. */
const char *hfc_runtime_dir_default(void);
char *hfc_state_path(const char *state_dir, const char *name); /* free() it */
/* Replace state_dir/name with text atomically (temporary file, fsync, rename). */
bool hfc_state_write(const char *state_dir, const char *name, const char *text, hfc_error *err);
int64_t hfc_wall_ms(void); /* ms since the epoch */

/* A host that fenced itself stays suspended (no fencing, no VM starts)
 * until the operator clears the marker with 'hafence recover'. */
typedef struct hfc_suspension {
    int64_t since_ms;  /* wall clock */
    char reason[512];
    bool rebooted;     /* the one reboot was started */
} hfc_suspension;
/* 1: suspended (s filled); 0: not; -1: a marker that cannot be read, which
 * still counts as suspended (err says why). */
int hfc_suspension_read(const char *state_dir, hfc_suspension *s, hfc_error *err);
bool hfc_suspension_write(const char *state_dir, const hfc_suspension *s, hfc_error *err);
bool hfc_suspension_clear(const char *state_dir, hfc_error *err); /* no marker: true */
/* 'hafence recover' for a suspension whose marker could not be written: a
 * request naming the suspension (its since_ms) in the runtime directory.
 * take: true when one names since_ms; any request found is removed. */
bool hfc_recover_request_write(const char *runtime_dir, int64_t since_ms, hfc_error *err);
bool hfc_recover_request_take(const char *runtime_dir, int64_t since_ms);

#endif
