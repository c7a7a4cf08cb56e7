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
#define HF_ERROR_MAX 1024
typedef struct hf_error {
    hf_result code;          /* closest result code, for programs */
    char message[HF_ERROR_MAX];
} hf_error;

void hf_error_set(hf_error *err, hf_result code, const char *fmt, ...) HF_PRINTF(3, 4);
const char *hf_vote_name(hf_vote vote);       /* "pass", "fail", "unknown" */

/* ---- logging and secret redaction (log.c) -------------------------------- */
typedef void hf_log_sink(hf_log_level level, const char *line, void *arg);
void hf_log_set_level(hf_log_level max_level);
void hf_log_set_sink(hf_log_sink *sink, void *arg); /* NULL: stderr */
void hf_log(hf_log_level level, const char *fmt, ...) HF_PRINTF(2, 3);
/* Remember a secret so that every log line and message has it redacted. */
void hf_secret_register(const char *value);
void hf_secrets_forget(void);
/* Mask every registered secret in text (in place, within size) by the
 * redaction rule of hf_mask_secret() (sdk/hafence/plugin.h). */
void hf_redact(char *text, size_t size);
/* printf into out, redacted before it is cut to size (hf_log does the
 * same): no part of a secret survives a cut. */
void hf_format_redacted(char *out, size_t size, const char *fmt, ...) HF_PRINTF(3, 4);
void hf_vformat_redacted(char *out, size_t size, const char *fmt, va_list ap);
/* Overwrite memory in a way the compiler does not drop. */
void hf_wipe(void *p, size_t n);

/* ---- strings and small helpers (util.c) ---------------------------------- */
char *hf_strdup(const char *s);            /* aborts on out-of-memory */
void *hf_calloc(size_t n, size_t size);    /* aborts on out-of-memory */
void *hf_realloc(void *p, size_t size);
int hf_strcaseeq(const char *a, const char *b);
void hf_strlcpy(char *dst, const char *src, size_t size);
/* Parse a decimal integer; whole string, no overflow. */
bool hf_parse_ll(const char *s, long long *out);
/* Normalise a boolean word into 1/0; -1 when not a boolean. */
int hf_parse_bool(const char *s);
bool hf_is_uuid(const char *s);
/* Read a whole small file (<= max bytes); NUL-terminated. */
char *hf_read_file(const char *path, size_t max, size_t *len, hf_error *err);
/* The same for a file hafence believes as root (a config, a host map):
 * refused unless it and every directory above it are owned by root or the
 * running user and writable by nobody else (proto/trust: SPEC 9). */
char *hf_read_trusted(const char *path, size_t max, size_t *len, hf_error *err);
/* path made absolute against the working directory, once, before anything
 * derives other paths from it or the process changes directory (a copy;
 * free() it). */
char *hf_absolute_path(const char *path);
/* Every process that holds a secret calls this first: no core file (the
 * password would be in it), not dumpable (no ptrace or /proc/PID/mem by
 * other users).  Children inherit both. */
void hf_process_protect(void);
/* Sleep up to ms, returning early (false) when *cancel becomes non-zero. */
bool hf_sleep_ms(int64_t ms, volatile sig_atomic_t *cancel);

/* ---- parameters (params.c) ----------------------------------------------- */
/* An unvalidated name=value list as the operator gave it. */
typedef struct hf_paramset hf_paramset;
hf_paramset *hf_paramset_new(void);
void hf_paramset_free(hf_paramset *set); /* wipes values */
/* Later values of a name replace earlier ones. */
void hf_paramset_set(hf_paramset *set, const char *name, const char *value);
const char *hf_paramset_get(const hf_paramset *set, const char *name);
size_t hf_paramset_count(const hf_paramset *set);
const char *hf_paramset_name(const hf_paramset *set, size_t i);

/* Validate against a parameter table: unknown name, missing required, wrong
 * type are refused naming the parameter.  Returns the validated array (every
 * parameter with a value, defaults filled, booleans as 1/0), or NULL. */
hf_param *hf_params_validate(const hf_param_def *defs, const hf_paramset *given,
                             const char *plugin, hf_error *err);
void hf_params_free(hf_param *params); /* wipes values */
const hf_param_def *hf_param_def_find(const hf_param_def *defs, const char *name);
/* Check a value against one definition; false with err set. */
bool hf_param_value_valid(const hf_param_def *def, const char *value, hf_error *err);
const char *hf_param_type_name(hf_param_type type);

/* ---- plugins (loader.c) -------------------------------------------------- */
typedef struct hf_plugin hf_plugin;
/* Load one file; refuses other majors, newer minors, non-plugins,
 * inconsistent descriptors and files writable by others. */
hf_plugin *hf_plugin_load(const char *path, hf_error *err);
void hf_plugin_unload(hf_plugin *plugin);
const hf_plugin_descriptor *hf_plugin_descriptor_of(const hf_plugin *plugin);
const char *hf_plugin_path(const hf_plugin *plugin);
const char *hf_plugin_name(const hf_plugin *plugin);
/* The function for id, or NULL when absent. */
hf_fn hf_plugin_fn(const hf_plugin *plugin, int id);
/* Typed: hf_plugin_fence_off(plugin) is the plugin's hf_fence_power_fn for
 * HF_FN_FENCE_OFF, or NULL; one per row of the SDK's HF_FUNCTIONS. */
#define HF_PLUGIN_GETTER_(NAME, name, id, type, kind, required, label) \
    static inline type *hf_plugin_##name(const hf_plugin *plugin) { return (type *)hf_plugin_fn(plugin, id); }
HF_FUNCTIONS(HF_PLUGIN_GETTER_)
#undef HF_PLUGIN_GETTER_
/* Does the plugin say it has capability (HF_CAP_*)? */
bool hf_plugin_can(const hf_plugin *plugin, unsigned long capability);
/* Check a descriptor without loading anything (used by load and check). */
bool hf_descriptor_check(const hf_plugin_descriptor *d, const char *path, hf_error *err);

/* Where plugins are looked for: the configured directory, then each
 * directory of HAFENCE_PLUGIN_PATH (':'-separated). */
typedef struct hf_search_path {
    char **dirs;
    size_t count;
} hf_search_path;
void hf_search_path_init(hf_search_path *path, const char *configured_dir);
void hf_search_path_free(hf_search_path *path);
/* Load the plugin called name (file NAME.so in the first directory that
 * has it), or a path when name contains '/'. */
hf_plugin *hf_plugin_find(const hf_search_path *path, const char *name, hf_error *err);
/* Load the one installed plugin that has capability (HF_CAP_*); what says
 * what it is, for the error when none or several have it.  How the core
 * and the daemon find the plugins they use themselves, by what they do,
 * never by name. */
hf_plugin *hf_plugin_find_capable(const hf_search_path *path, unsigned long capability, const char *what,
                                  hf_error *err);
/* Call fn for every plugin file found (loaded or failing to load). */
typedef void hf_plugin_visit_fn(const char *file, hf_plugin *plugin, const hf_error *err,
                                void *arg);
void hf_plugin_discover(const hf_search_path *path, hf_plugin_visit_fn *fn, void *arg);

/* ---- the fence engine (engine.c, isolate.c) ------------------------------ */
typedef enum hf_action {
    HF_ACTION_OFF,
    HF_ACTION_ON,
    HF_ACTION_REBOOT,
    HF_ACTION_CYCLE,
    HF_ACTION_STATUS,
    HF_ACTION_MONITOR,
    HF_ACTION_LIST,
    HF_ACTION_CHECK,  /* heuristic vote */
    HF_ACTION_CONSOLE, /* follow the live console (to hf_request.console_fd) */
    HF_ACTION_VALIDATE /* the plugin accepts the parameters (create, destroy): nothing is sent to the device */
} hf_action;
const char *hf_action_name(hf_action action);
bool hf_action_parse(const char *word, hf_action *out);

struct hf_request;
struct hf_outcome;
typedef struct hf_engine_options {
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
    void (*on_orphan)(void *arg, const struct hf_request *req, const struct hf_outcome *out);
    void *orphan_arg;
} hf_engine_options;
void hf_engine_options_init(hf_engine_options *opts);

typedef struct hf_request {
    const hf_plugin *plugin;
    const hf_param *params;  /* validated */
    const char *host;        /* host UUID, or NULL */
    const char *target;      /* "" when the device is the target */
    hf_action action;
    int console_fd;          /* HF_ACTION_CONSOLE: where the console goes */
} hf_request;

typedef struct hf_list_item {
    char *target;
    char *name;
} hf_list_item;

typedef struct hf_outcome {
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
    hf_list_item *items;  /* list */
    size_t item_count;
} hf_outcome;
void hf_outcome_clear(hf_outcome *out); /* frees items */

/* Run n requests, in parallel, each bounded by opts->timeout_ms.  Never
 * fails as a whole: each outcome says what happened to its request. */
void hf_engine_run(const hf_engine_options *opts, const hf_request *requests, size_t n,
                   hf_outcome *outcomes);
/* One request in the calling thread (what the isolated child runs). */
void hf_engine_execute(const hf_engine_options *opts, const hf_request *req,
                       int64_t deadline_ms, volatile sig_atomic_t *cancel, hf_outcome *out);

/* Isolation (isolate.c): run fn in a child process of its own process
 * group; kill the group at the deadline; carry the outcome back as data. */
typedef void hf_isolated_fn(void *arg, int64_t deadline_ms, volatile sig_atomic_t *cancel,
                            hf_outcome *out);
/* Called in the child, once, when its caller died during the operation
 * (the operation was cancelled; out says how it ended): the caller can no
 * longer record it.  The child then kills its whole process group. */
typedef void hf_isolated_orphan_fn(void *arg, hf_outcome *out);
typedef struct hf_child hf_child;
/* The child is also bound to its caller: when the caller dies (even by
 * SIGKILL) the operation is cancelled, orphan(arg) runs, and the child's
 * group ends within a second; it never outlives its deadline. */
hf_child *hf_child_start(hf_isolated_fn *fn, hf_isolated_orphan_fn *orphan, void *arg, int64_t deadline_ms,
                         hf_outcome *out);
/* Ask a running child to stop (SIGTERM to its group); killed a second
 * later if it has not ended by then. */
void hf_child_cancel(hf_child *child);
/* One round of waiting (at most 100 ms) on many children at once (NULL
 * entries are skipped): reads what they send, settles those that ended or
 * passed their deadline.  Returns how many are still running. */
size_t hf_children_step(hf_child **children, size_t n);
bool hf_child_finished(const hf_child *child);
void hf_child_free(hf_child *child);
/* Step until every child finished or was killed at its deadline; frees them. */
void hf_children_wait(hf_child **children, size_t n);

/* ---- configuration (config.c) -------------------------------------------- */
typedef struct hf_config hf_config;
hf_config *hf_config_new(void);
void hf_config_free(hf_config *cfg);
/* Parse KEY=VALUE text; later files and lines override earlier ones.
 * A bad line is an error naming origin and line. */
bool hf_config_parse(hf_config *cfg, const char *origin, const char *text, size_t len,
                     hf_error *err);
bool hf_config_load(hf_config *cfg, const char *path, hf_error *err);
/* One KEY and its value text (as a file's line would hold it after '='),
 * from origin (e.g. "pool other-config HA_FENCE_METHOD"): the same
 * checks as a file's line; later sets override. */
bool hf_config_set(hf_config *cfg, const char *origin, const char *key, const char *text, hf_error *err);
/* Value of a key (case-insensitive), NULL when unset. */
const char *hf_config_get(const hf_config *cfg, const char *key);
/* Where a key was set: "file:line", for messages. */
const char *hf_config_origin(const hf_config *cfg, const char *key);
size_t hf_config_count(const hf_config *cfg);
const char *hf_config_key_at(const hf_config *cfg, size_t i);

/* ---- the keys a config may hold (keys.c) ---------------------------------- */
typedef enum hf_key_type {
    HF_KEY_BOOL, HF_KEY_INT, HF_KEY_ACTION, HF_KEY_METHOD, HF_KEY_PATH, HF_KEY_ADDRESS, HF_KEY_STRING,
    HF_KEY_SECRET, HF_KEY_LIST, HF_KEY_COMMAND, HF_KEY_ENUM
} hf_key_type;
typedef struct hf_key_def {
    const char *name;
    hf_key_type type;
    long long min, max;      /* HF_KEY_INT, HF_KEY_BOOL */
    const char *dflt;        /* NULL: none (required where it matters) */
    const char *meaning;
    bool honoured;           /* false: accepted, and has no effect ... */
    const char *ignored_why; /* ... for this reason */
} hf_key_def;
/* The table, and one of its keys (case-insensitive), or NULL. */
const hf_key_def *hf_keys(size_t *count);
const hf_key_def *hf_key_find(const char *name);
const char *hf_key_type_name(hf_key_type type);
/* A key's value in cfg, else its default (the table's); checked by
 * hf_settings_load() before. */
const char *hf_key_value(const hf_config *cfg, const char *name);
long long hf_key_int(const hf_config *cfg, const char *name);
/* The candidate nearest to word (a typo's correction), or NULL when none
 * is close; hf_key_nearest: among the table's keys. */
const char *hf_nearest(const char *word, const char *const *candidates, size_t count);
const char *hf_key_nearest(const char *word);

typedef enum hf_fence_action { HF_FENCE_STOP, HF_FENCE_START, HF_FENCE_RESET } hf_fence_action;

typedef struct hf_settings {
    bool fence_enabled;
    hf_fence_action fence_action;
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
} hf_settings;
/* Validate the FENCE_* keys and fill settings with defaults for the rest.
 * Unknown keys (other than <METHOD>_<PARAM> and HA-Lizard's own) warn. */
bool hf_settings_load(const hf_config *cfg, hf_settings *settings, hf_error *err);
void hf_settings_free(hf_settings *settings);
hf_action hf_fence_action_to_action(hf_fence_action a);
bool hf_config_key_is_secret(const char *key);

/* ---- the fencing decision of a pool host (decide.c) ----------------------- */
typedef enum hf_role { HF_ROLE_MASTER, HF_ROLE_AUTOPROMOTE, HF_ROLE_SLAVE } hf_role;
typedef enum hf_decision {
    HF_DECIDE_NOTHING,
    HF_DECIDE_FENCE,      /* fence the failed peer */
    HF_DECIDE_WAIT,       /* two-host split, slave side: wait, check again */
    HF_DECIDE_SELF_FENCE  /* suspend HA and reboot once */
} hf_decision;

typedef struct hf_situation {
    hf_role role;               /* this host's */
    bool peer_is_master;        /* the failed peer is the pool master */
    long long pool_size;        /* hosts in the pool */
    long long live_hosts;       /* hosts that answer, this one included */
    hf_vote heuristic;          /* the heuristics' vote */
    bool suspended;             /* this host fenced itself earlier */
    bool waited;                /* two-host split: the slave's delay is over */
    const hf_settings *settings;
    /* quorum is counted among the pool's enabled hosts, as HA-Lizard
     * counts them: one in maintenance, or fenced and disabled, is not a
     * voter (0: all pool_size are) */
    long long enabled_hosts;
    bool in_maintenance;        /* this host is disabled: it fences nobody */
    const char *ha_off;         /* why HA is off for the pool (its switch, native HA), or NULL */
} hf_situation;

hf_decision hf_decide(const hf_situation *situation, char *reason, size_t size);
const char *hf_decision_name(hf_decision decision);
const char *hf_role_name(hf_role role); /* "master", "autopromote slave", "slave" */

/* ---- peer liveness (liveness.c) ------------------------------------------- */
typedef enum hf_peer_state { HF_PEER_OK, HF_PEER_SUSPECT, HF_PEER_FAILED } hf_peer_state;
typedef struct hf_peer_watch {
    hf_peer_state state;
    long long misses;        /* failed checks in a row */
    int64_t next_check_ms;   /* when the next check is due (CLOCK_MONOTONIC) */
} hf_peer_watch;
void hf_peer_watch_init(hf_peer_watch *watch);
bool hf_peer_check_due(const hf_peer_watch *watch, int64_t now_ms);
/* One check's result: the first miss and XAPI_COUNT retries after it,
 * XAPI_DELAY apart, unanswered make a peer failed (HA-Lizard's reading);
 * an answer before that starts over. */
hf_peer_state hf_peer_observe(hf_peer_watch *watch, bool answered, const hf_settings *settings,
                              int64_t now_ms);
const char *hf_peer_state_name(hf_peer_state state);
/* Does host (numeric address) accept a TCP connection on port within
 * timeout_ms?  why says what happened. */
bool hf_probe_tcp(const char *host, const char *port, int64_t timeout_ms, char *why, size_t why_size);

/* ---- methods: HA-Lizard names to plugins and parameters (method.c) ------- */
/* The plugin FENCE_METHOD names: an installed fence plugin of that name
 * (its own, case and '-'/'_' aside: ILO -> ilo, SNMP-PDU -> snmp-pdu, a
 * vendor's ACMERELAY -> acmerelay), or the script plugin for a custom
 * script FENCE_FILE_LOC/NAME/NAME.sh; both is ambiguous, neither is an
 * error naming the key's file and line (with the nearest plugin name). */
hf_plugin *hf_method_resolve(const hf_search_path *path, const hf_config *cfg, const hf_settings *s, hf_error *err);
/* Fill a paramset for plugin from the config: <METHOD>_<PARAM> keys,
 * FENCE_IPADDRESS -> address, FENCE_PASSWD -> password, FENCE_FILE_LOC ->
 * file_loc, the method name -> method, FENCE_HOST_FORGET -> host_forget;
 * secrets also from <KEY>_FILE. */
bool hf_method_params(const hf_config *cfg, const hf_settings *s, const hf_plugin *plugin,
                      hf_paramset *out, hf_error *err);
/* A plugin's parameters from NAME_<PARAM> keys (and NAME_<PARAM>_FILE for
 * secrets): HAFENCE_XAPI_ADDRESS -> the pool plugin's address.  A NAME_ key
 * that names no parameter is warned about. */
bool hf_params_from_keys(const hf_config *cfg, const char *name, const hf_plugin *plugin, hf_paramset *out,
                         hf_error *err);
/* Parameters filled in when the operator did not: console_dir (captures
 * kept beside the history). */
void hf_method_param_defaults(const hf_plugin *plugin, hf_paramset *set, const char *history_path);
/* FENCE_FILE_LOC/<METHOD>/<METHOD>.hosts */
char *hf_method_hostmap_path(const hf_settings *s);
/* How the host map of the method plugin serves is read: several lines
 * per host where it says HF_CAP_HOSTMAP_LINES. */
unsigned hf_method_hostmap_flags(const hf_plugin *plugin);

/* ---- host maps (hostmap.c) ----------------------------------------------- */
typedef struct hf_hostmap hf_hostmap;
/* HF_HOSTMAP_JOIN_LINES: a host may have several lines (a host on several
 * PDUs); its target is their targets joined with ';', in file order.
 * Without it a second line for a host is an error. */
#define HF_HOSTMAP_JOIN_LINES 0x1u
hf_hostmap *hf_hostmap_parse(const char *origin, const char *text, size_t len, unsigned flags, hf_error *err);
hf_hostmap *hf_hostmap_load(const char *path, unsigned flags, hf_error *err);
void hf_hostmap_free(hf_hostmap *map);
const char *hf_hostmap_lookup(const hf_hostmap *map, const char *host_uuid);
size_t hf_hostmap_count(const hf_hostmap *map);
/* The i-th host UUID of the map, in file order (NULL past the end). */
const char *hf_hostmap_host_at(const hf_hostmap *map, size_t i);

/* ---- secrets (secret.c) -------------------------------------------------- */
/* Read a secret from a file (first line, no newline); warns when the file
 * is readable by group or others. */
char *hf_secret_from_file(const char *path, hf_error *err);
/* Read one line from a file descriptor (stdin), without echo concerns. */
char *hf_secret_from_fd(int fd, const char *what, hf_error *err);
void hf_secret_free(char *secret);

/* ---- history (history.c) ------------------------------------------------- */
typedef struct hf_history_record {
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
} hf_history_record;
/* Append one JSON line, atomically (O_APPEND, one write, flock). */
bool hf_history_append(const char *path, const hf_history_record *rec, hf_error *err);
typedef bool hf_history_visit_fn(const char *json_line, void *arg);
/* Read records, filtered by host (NULL: all) and [since, until] (0: open). */
bool hf_history_read(const char *path, const char *host, int64_t since_ms, int64_t until_ms,
                     hf_history_visit_fn *fn, void *arg, hf_error *err);
const char *hf_history_default_path(void);
/* Where console captures are kept: $HAFENCE_CONSOLE_DIR, else "console"
 * beside the history file.  Captures of a host are <dir>/<host>/<time>.log. */
char *hf_console_dir(const char *history_path);

/* ---- the dom0 daemon's state directory (hastate.c) ----------------------- */
/* $HAFENCE_STATE_DIR, else the built-in /var/lib/hafence. */
const char *hf_state_dir_default(void);
/* $HAFENCE_RUNTIME_DIR, else the built-in /run/hafence (tmpfs): where the
 * daemon's status goes when the state directory does not take it, and the
 * operator's recover request for a suspension held in memory only. */
const char *hf_runtime_dir_default(void);
char *hf_state_path(const char *state_dir, const char *name); /* free() it */
/* Replace state_dir/name with text atomically (temporary file, fsync, rename). */
bool hf_state_write(const char *state_dir, const char *name, const char *text, hf_error *err);
int64_t hf_wall_ms(void); /* ms since the epoch */

/* A host that fenced itself stays suspended (no fencing, no VM starts)
 * until the operator clears the marker with 'hafence recover'. */
typedef struct hf_suspension {
    int64_t since_ms;  /* wall clock */
    char reason[512];
    bool rebooted;     /* the one reboot was started */
} hf_suspension;
/* 1: suspended (s filled); 0: not; -1: a marker that cannot be read, which
 * still counts as suspended (err says why). */
int hf_suspension_read(const char *state_dir, hf_suspension *s, hf_error *err);
bool hf_suspension_write(const char *state_dir, const hf_suspension *s, hf_error *err);
bool hf_suspension_clear(const char *state_dir, hf_error *err); /* no marker: true */
/* 'hafence recover' for a suspension whose marker could not be written: a
 * request naming the suspension (its since_ms) in the runtime directory.
 * take: true when one names since_ms; any request found is removed. */
bool hf_recover_request_write(const char *runtime_dir, int64_t since_ms, hf_error *err);
bool hf_recover_request_take(const char *runtime_dir, int64_t since_ms);

#endif
