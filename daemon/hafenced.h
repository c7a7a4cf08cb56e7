/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hafenced: the dom0 daemon that decides when to fence (SPEC.md section 7).
 * One per pool host.  Each cycle it learns the pool from XAPI (or its
 * cache), checks its peers, and for a failed one asks the pure decision
 * (core/decide.c) whether this host may fence it; then fences through the
 * engine, marks the host dead, and starts its managed VMs elsewhere.
 */
#ifndef HAFENCED_H
#define HAFENCED_H

#include "core/error.h"
#include "core/loader.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/decide.h"
#include "core/liveness.h"
#include "core/hostmap.h"
#include "core/topology.h"
#include "core/hastate.h"
#include "proto/xapi/xapi.h"

#define UUID_TEXT 37

struct json_object;

/* ---- settings of the daemon beyond the FENCE_* keys (settings.c) --------
 * How to reach XAPI is the pool plugin's parameters, read from the
 * HAFENCE_XAPI_<PARAM> keys (HAFENCE_XAPI_ADDRESS, _PORT, _SCHEME,
 * _USERNAME, _PASSWORD or _PASSWORD_FILE, _CA_FILE, _INSECURE). */
#define DAEMON_XAPI_KEYS "HAFENCE_XAPI" /* HAFENCE_XAPI_<PARAM>: the pool plugin's parameters */

/* ---- alerts (alerts.c, mail.c, hooks.c) --------------------------------- */
typedef enum smtp_tls {
    SMTP_TLS_AUTO,     /* STARTTLS when offered; port 465: SMTPS */
    SMTP_TLS_REQUIRED, /* STARTTLS or nothing */
    SMTP_TLS_OFF       /* never (a relay on this host) */
} smtp_tls;

typedef struct alert_settings {
    bool mail_on; /* MAIL_ON */
    char *mail_from, *mail_to, *mail_subject;
    char *smtp_server;
    long long smtp_port;
    char *smtp_user, *smtp_pass; /* SMTP_PASS: a secret */
    smtp_tls smtp_tls;           /* HAFENCE_SMTP_TLS */
    char *smtp_ca_file;          /* HAFENCE_SMTP_CA_FILE: "" the system's */
    long long screen_time;       /* MAIL_SCREEN_TIME: min the same alert is held back */
    bool xapi_messages;          /* ENABLE_ALERTS: message.create in the pool */
    char *hooks_dir;             /* HAFENCE_ALERT_HOOKS: "" none */
    long long hook_timeout;      /* HAFENCE_ALERT_HOOK_TIMEOUT, s */
    long long remind;            /* HAFENCE_ALERT_REMIND, s: a suspension's reminder */
} alert_settings;
void alert_settings_free(alert_settings *s);

typedef struct alerts alerts;
/* The thread that sends alerts; alerts_configure() gives it what to send
 * with (copied: a reload may free the config meanwhile). */
alerts *alerts_start(void);
void alerts_configure(alerts *al, const alert_settings *s, const xapi_settings *pool_xapi, const char *self);
/* Queue an alert; never blocks on the network. */
void alerts_post(alerts *al, const char *event, hf_log_level level, const char *host, const char *host_name,
                 const char *message);
/* Give what is queued wait_ms to go out, then stop. */
void alerts_stop(alerts *al, int64_t wait_ms);
/* One mail (mail.c): false with why. */
bool mail_send(const alert_settings *s, const char *subject, const char *body, char *why, size_t why_size);
/* Every hook of dir, in name order, with envp (hooks.c); how many failed. */
size_t hooks_run(const char *dir, int64_t timeout_ms, char *const envp[]);

typedef struct daemon_settings {
    char *xc_field_name;         /* other-config key of the VMs HA manages */
    long long split_delay;       /* s: the two-host slave's wait */
    char *reboot_command;        /* self-fence */
    long long pool_interval;     /* s between reads of the pool view */
    long long fence_timeout;     /* s: one fence, one marking */
    long long vm_start_parallel; /* VMs started at once after a fence */
    char *metrics_file;          /* HAFENCE_METRICS_FILE: "" none */
    long long monitor_interval;  /* s between fence path checks; 0: none */
    long long monitor_parallel;  /* checks at once */
    alert_settings alerts;
    /* a fence the method reports done but nothing read back (HA-Lizard's
     * custom scripts): trusted as a fence, or taken for a failed one */
    enum {
        UNVERIFIED_AUTO,
        UNVERIFIED_TRUST,
        UNVERIFIED_FAIL
    } unverified_fence;
} daemon_settings;

/* Everything the daemon acts with, built from the config files; a reload
 * builds a new one and keeps the old one when that fails. */
typedef struct daemon_config {
    hfc_config *config;
    hfc_settings settings;
    daemon_settings ds;
    hfc_topology *topology;  /* FENCE_METHOD's levels and devices; NULL: fencing off, no method */
    hfc_plugin *pool_plugin; /* marking dead: the pool plugin's steps */
    hf_param *pool_params;
    hfc_plugin *ping_plugin; /* ICMP of peers and the IP heuristic */
    hf_param *heuristic_params;
    char *pool_db; /* the pool database's HA_<KEY> entries applied ("KEY=VALUE\n", sorted) */
} daemon_config;

typedef struct daemon_options {
    const char *config_path;
    const char *override_path;
    const char *state_dir;
    const char *runtime_dir; /* status fallback, recover requests */
    const char *history_path;
    const char *plugin_dir;
    const char *host_uuid; /* NULL: from the inventory */
    const char *inventory;
    bool foreground;
    bool syslog;
    int verbose;
} daemon_options;

/* The layers, later ones winning: the pool-wide file (-c), HA-Lizard's
 * pool-wide configuration in the pool database (other-config HA_<KEY>, as
 * `ha-cfg set` writes it; pool_oc may be NULL), this host's override (-o). */
bool daemon_config_load(const daemon_options *o, struct json_object *pool_oc, daemon_config *dc, hfc_error *err);
/* The HA_<KEY> entries of a pool other-config, as daemon_config.pool_db
 * holds them (a new string; "" when none). */
char *pool_db_entries(struct json_object *pool_oc);
void daemon_config_free(daemon_config *dc);
/* Options of a client of this host's own XAPI, from the pool plugin's
 * validated parameters (strings point into them; url is filled). */
/* The pool plugin's XAPI parameters (HAFENCE_XAPI_* keys) as client settings. */
void daemon_xapi_settings(const daemon_config *dc, xapi_settings *s);
/* This host's UUID: INSTALLATION_UUID of the XenServer inventory file. */
bool daemon_read_inventory(const char *path, char *uuid, hfc_error *err);

/* ---- the pool as XAPI shows it, cached (poolview.c) ---------------------- */
#define AUTOPROMOTE_KEY "autopromote_uuid" /* HA-Lizard's pool other-config key */

#define XC_CUSTOM_FIELD "XenCenter.CustomFields." /* HA-Lizard's other-config prefix (XenCenter, XO) */

typedef struct pool_host {
    char uuid[UUID_TEXT];
    char ref[96]; /* XAPI's OpaqueRef, for calls about it */
    char name[256];
    char address[256];
    bool enabled; /* false: maintenance, or already fenced */
    /* its other-config XenCenter.CustomFields.* entries (HA-Lizard's
     * health mark: master, healthy, failed); a JSON object, owned */
    struct json_object *fields;
} pool_host;

typedef struct pool_view {
    pool_host *hosts;
    size_t count;
    char master[UUID_TEXT];
    char autopromote[UUID_TEXT]; /* "" when none is chosen */
    int64_t read_ms;             /* wall clock of the XAPI read */
    int64_t asked_ms;            /* monotonic clock when that read began (0: loaded from the cache) */
    bool cached;                 /* from the state directory, XAPI did not answer */
    bool native_ha;              /* pool.ha_enabled: XenServer's own HA runs the pool */
    /* the pool's other-config (the HA switch, HA-Lizard's HA_<KEY>
     * configuration, autopromote_uuid); a JSON object, owned */
    struct json_object *other_config;
} pool_view;

/* A pool other-config entry, or NULL. */
const char *pool_view_config(const pool_view *v, const char *key);
/* A host's XenCenter custom field (XC_CUSTOM_FIELD + field), or NULL. */
const char *pool_host_field(const pool_host *h, const char *field);

bool pool_view_read(xapi *x, pool_view *v, int64_t deadline_ms, hfc_error *err);
/* The cache of the view in state_dir: rewritten when the view changed, or
 * its last write (saved) is a minute old; a view read again unchanged
 * every XAPI_DELAY costs no write. */
typedef struct pool_cache_write {
    char *text; /* the view last written, without its read time */
    int64_t written_ms;
} pool_cache_write;
bool pool_view_save(const pool_view *v, const char *state_dir, pool_cache_write *saved, hfc_error *err);
void pool_cache_write_free(pool_cache_write *saved);
bool pool_view_load(pool_view *v, const char *state_dir, hfc_error *err);
void pool_view_free(pool_view *v);
const pool_host *pool_view_host(const pool_view *v, const char *uuid);
/* The pool object's other-config[key] := value, or without key when value
 * is NULL. */
bool pool_config_set(xapi *x, const char *key, const char *value, int64_t deadline_ms, hfc_error *err);
/* The pool object's other-config read now, not the view's (a JSON object
 * of strings, the caller's), or NULL with err. */
struct json_object *pool_config_read(xapi *x, int64_t deadline_ms, hfc_error *err);

/* ---- reading the view in the background (viewreader.c) ------------------ */
typedef struct view_reader view_reader;
view_reader *view_reader_start(const daemon_config *dc);
void view_reader_poke(view_reader *r); /* read again now */
/* The latest read since the last take: a new view (moved into *into, url
 * is the XAPI that answered), a failure (err says why), or nothing new. */
typedef enum view_take {
    VIEW_NOTHING_NEW,
    VIEW_NEW,
    VIEW_FAILED
} view_take;
view_take view_reader_take(view_reader *r, pool_view *into, hfc_error *err, char *url, size_t url_size);
void view_reader_stop(view_reader *r); /* joins; bounded by one call */

/* ---- checking peers (probe.c) -------------------------------------------- */
typedef struct probe_result {
    bool icmp;     /* answered an echo request */
    bool tcp;      /* accepted a connection on the management port */
    char why[256]; /* what did not answer */
} probe_result;
/* Probe every address at once (ICMP through the ping plugin, TCP to the
 * management port), within timeout_ms.  A check passes when both answer. */
void probe_peers(const daemon_config *dc, const char *const *addresses, size_t n, int64_t timeout_ms,
                 probe_result *out);
/* The heuristics' vote (FENCE_HEURISTICS_IPS), unknown without addresses. */
hf_vote heuristic_vote(const daemon_config *dc, char *why, size_t why_size);

/* ---- fence path readiness (readiness.c) --------------------------------- */
typedef enum fence_path_state {
    FENCE_PATH_UNCHECKED,
    FENCE_PATH_READY,
    FENCE_PATH_BROKEN
} fence_path_state;
const char *fence_path_state_name(fence_path_state s);

/* One device of one level, as the way to fence one peer. */
typedef struct fence_path {
    char host[UUID_TEXT];
    char device[HFC_METHOD_NAME_MAX]; /* its FENCE_METHOD name */
    char plugin[64];
    char target[256];
    unsigned level;
    size_t device_index; /* in the topology */
    bool no_target;      /* its host map has no line for the peer */
    fence_path_state state;
    char how[16]; /* status, monitor, host map */
    char message[512];
    int64_t checked_ms, since_ms; /* wall clock: the last check, the state's start */
    int64_t duration_ms;
} fence_path;

typedef struct fence_path_job { /* what a check's child is given */
    const hfc_fence_device *device;
    char host[UUID_TEXT];
    char target[256];
    int64_t timeout_ms;
} fence_path_job;

#define READINESS_SLOTS_MAX 64 /* HAFENCE_MONITOR_PARALLEL's bound */
typedef struct readiness_slot {
    hfc_child *child;
    fence_path_job job;
    hfc_outcome out;
    size_t path;
    unsigned generation;
    bool discard; /* cancelled: its result says nothing */
} readiness_slot;

typedef struct readiness {
    fence_path *paths;
    size_t count;
    size_t next;       /* the round's next path to check */
    bool round_active; /* checks of this round remain */
    int64_t due_ms;    /* monotonic: the next round; 0 none planned yet */
    unsigned generation;
    readiness_slot slot[READINESS_SLOTS_MAX];
} readiness;

/* ---- the daemon's state and cycle (cycle.c) ------------------------------ */
typedef enum peer_phase {
    PEER_WATCHED, /* checks run */
    PEER_FENCED,  /* fenced by us: not watched until it is back in the pool */
} peer_phase;

typedef struct peer {
    char uuid[UUID_TEXT];
    hfc_peer_watch watch;
    peer_phase phase;
    char why[256];          /* the last check's result */
    char decision[512];     /* the last decision about it */
    bool fenced_unverified; /* PEER_FENCED on the method's own word */
    bool not_fenced;        /* failed, and the decision was not to fence: checked again */
    bool off_since_fence;   /* fenced off by us, then the takeover failed; nothing answered since */
    /* it was the pool master when it failed: it stays the old master (fenced
     * with off, SLAVE_HA) after this host took over, until it answers again */
    bool failed_as_master;
    /* monotonic clock once this host's marking (disabled, declared dead)
     * was tried: a view read before it says nothing of the host coming
     * back (its "enabled" is from before the marking) */
    int64_t marked_ms;
    bool seen; /* still in the pool view */
} peer;

/* ---- Prometheus metrics (metrics.c) -------------------------------------- */
#define METRICS_MAX_SERIES 64 /* (action, result, method) series of events_total */
#define METRICS_BUCKETS    9  /* fence duration: 1 2 5 10 20 30 60 120 +Inf s */

typedef struct metrics_series {
    char action[32], result[32], method[64];
    long long count;
} metrics_series;

typedef struct daemon_metrics {
    metrics_series events[METRICS_MAX_SERIES];
    size_t event_series;
    long long fence_buckets[METRICS_BUCKETS]; /* cumulative, as Prometheus wants them */
    double fence_seconds_sum;
    long long fence_count;
    char *text; /* the file as last written, to write only what changed */
    int64_t written_ms;
    bool error_told; /* a write error is logged once, not every pass */
} daemon_metrics;

typedef struct hafenced {
    daemon_options opt;
    daemon_config dc;
    char self[UUID_TEXT];
    xapi *x;             /* this host's XAPI (redirected to the master), for actions */
    view_reader *reader; /* the pool view, read in the background */
    pool_view view;
    peer *peers;
    size_t peer_count;
    hfc_role role;
    bool suspended;
    hfc_suspension suspension;
    /* suspended, but the marker could not be written: held in memory, no
     * reboot (it would lose the suspension), the write retried each pass */
    bool suspension_unrecorded;
    char suspension_error[512];
    int64_t suspension_told_ms;
    char view_error[512];
    char autopromote_recorded[UUID_TEXT]; /* the last choice written, and when */
    int64_t autopromote_recorded_ms;
    bool autopromote_missing; /* no host could hold the role: said once */
    char requested_by[384];   /* for the history */
    char *status_text;        /* the status last written, without its times */
    int64_t status_written_ms;
    bool status_fallback; /* the status went to the runtime directory */
    pool_cache_write pool_cache;
    bool reload_wanted;    /* the pool database's configuration changed */
    char ha_off[256];      /* why HA is off for the whole pool, "" when on */
    char *pool_db_refused; /* ... to entries that did not load: not tried again */
    volatile sig_atomic_t *stop;
    daemon_metrics metrics;
    alerts *alerts;
    int64_t suspension_reminded_ms; /* the last reminder of a suspension */
    readiness readiness;
    bool recoveries_resumed; /* the plans left behind were looked at */
    /* the last plans taken from the pool's other-config (key, written_ms;
     * 0 for one that was no plan): one whose removal failed is not taken
     * again every pass */
    struct adopted_plan {
        char key[64];
        int64_t written_ms;
    } adopted[16];
    size_t adopted_count;
} hafenced;

/* Count an event of the history (fence, mark-dead, vm-start, self-fence,
 * ...) with its result; a fence's duration goes to the histogram. */
void metrics_count(hafenced *d, const char *action, const char *result, int64_t duration_ms);
/* Write HAFENCE_METRICS_FILE (when set) atomically, when it changed or
 * every half minute; node_exporter's textfile collector reads it. */
void metrics_write(hafenced *d);
void metrics_free(daemon_metrics *m);

/* One pass: refresh the view when due, check the peers that are due, act
 * on failed ones, write the status.  Returns ms until the next pass. */
int64_t hafenced_cycle(hafenced *d);
void hafenced_free(hafenced *d);
/* Log a decision and write it to the fence history. */
void hafenced_record(hafenced *d, hf_log_level level, const char *host, const char *action, const char *result,
                     bool verified, int64_t duration_ms, const char *fmt, ...) HF_PRINTF(8, 9);
/* The same, with the levels and devices a fence tried. */
void hafenced_record_tries(hafenced *d, const hfc_history_try *tries, size_t try_count, hf_log_level level,
                           const char *host, const char *action, const char *result, bool verified, int64_t duration_ms,
                           const char *fmt, ...) HF_PRINTF(10, 11);
const char *host_label(const hafenced *d, const char *uuid, char *buf, size_t size);
/* Hosts that answer (this one included), and hosts enabled in the pool:
 * the quorum is live > enabled / 2. */
long long live_hosts(const hafenced *d);
long long enabled_hosts(const hafenced *d);
/* A peer's state for people: ok, suspect, failed, fenced, disabled, ... */
const char *peer_state_text(const hafenced *d, const peer *p);
/* A failed peer left unfenced: checked again, and decided again should it
 * still be failed after another XAPI_COUNT checks. */
void peer_check_again(const hafenced *d, peer *p);

/* The main loop's wait: runs the fence path checks that are due while it
 * waits wait_ms (or until woken or stopping). */
void readiness_wait(hafenced *d, int64_t wait_ms, volatile sig_atomic_t *woken);
/* A fence is about to use the devices: running checks are cancelled. */
void readiness_before_fence(hafenced *d);
/* A new configuration: running checks are dropped, a round soon. */
void readiness_reload(hafenced *d);
void readiness_free(hafenced *d);
/* The paths to host, for the status. */
struct json_object *readiness_json(const hafenced *d, const char *host);

/* The situation a failure of p is decided on (live hosts asked again, the
 * heuristic vote where it could matter); assume_failed: p counted failed
 * even while it answers (a simulation). */
void peer_situation(hafenced *d, const peer *p, bool waited, bool assume_failed, hfc_situation *s, char *vote_why,
                    size_t size);

/* The two-host slave's wait before it looks at the master again:
 * HAFENCE_SPLIT_DELAY, plus the shares of the fence timeout the master's
 * walk may spend on the levels before the last. */
long long split_wait_s(const hafenced *d);

/* ---- 'hafence simulate' (simulate.c) ------------------------------------- */
/* Between passes: answer a simulation request, acting on nothing. */
void simulate_serve(hafenced *d);

/* ---- a recovery in flight, written down (recovery.c) -------------------- */
/* What is recovered of a failed host: its VMs (OP_MODE=2) in XAPI's start
 * order, or its vApps (OP_MODE=1). */
typedef struct vm_item {
    char uuid[UUID_TEXT];
    char ref[96]; /* XAPI's reference: started without a look-up */
    char name[256];
    long long order;       /* XAPI's VM.order: lower starts first */
    long long start_delay; /* s to wait after its order group */
} vm_item;

typedef struct vm_list {
    vm_item *vm;
    size_t count;
    /* OP_MODE=1: the appliances to start (XAPI starts their VMs in order) */
    char (*appliance)[96];
    char (*appliance_name)[256];
    size_t appliances;
} vm_list;

void vm_list_free(vm_list *l);
void vm_list_add_vm(vm_list *l, const vm_item *vm);
void vm_list_add_appliance(vm_list *l, const char *ref, const char *name);

/* Marking a host dead resets its VMs in XAPI (Halted, resident nowhere):
 * from then on only this daemon knows which of them to start.  Its plan
 * is written to the state directory (recovery-UUID.json) and to the pool's
 * other-config (RECOVERY_KEY_PREFIX + UUID) before the marking and removed
 * from both once the starts are done, so that a daemon killed between the
 * two finds it when it runs again, and the next master when this one
 * dies. */
#define RECOVERY_RESUME_MAX_S 900                 /* an older plan is left to the operator */
#define RECOVERY_KEY_PREFIX   "hafence-recovery-" /* the pool's other-config key, + host UUID */
#define RECOVERY_SHARED_MAX   (256u << 10)        /* bytes: some 1500 VMs; a larger plan stays local */
/* The plan to start vms of host, as JSON text (the caller frees it). */
char *recovery_plan_json(const hafenced *d, const char *host, const vm_list *vms);
bool recovery_save(const hafenced *d, const char *host, const char *plan, hfc_error *err);
void recovery_forget(const hafenced *d, const char *host);
/* A plan read back. */
typedef struct recovery_plan_file {
    char host[UUID_TEXT];
    char by[UUID_TEXT]; /* the master that wrote it ("" in an older file) */
    vm_list vms;
    int64_t written_ms; /* wall clock */
    long long pid;      /* the daemon that wrote it */
    bool same_boot;     /* written since this host last booted */
} recovery_plan_file;
/* Read a plan's text (for host) into p; false with why. */
bool recovery_plan_parse(const char *text, const char *host, recovery_plan_file *p, char *why, size_t why_size);
/* The plans left behind, each read into plans (free with
 * recovery_plans_free); an unreadable one is set aside as .unreadable and
 * named in err (reported, not fatal). */
size_t recovery_plans_load(const hafenced *d, recovery_plan_file **plans, hfc_error *err);
void recovery_plans_free(recovery_plan_file *plans, size_t n);

/* ---- acting on a failed peer (actions.c) --------------------------------- */
/* Fence it with FENCE_METHOD/FENCE_ACTION, then hand over its VMs. */
void act_fence(hafenced *d, peer *p);
/* What a recovery of host would start (VM or appliance names, to vms) and
 * on which survivors (names, to hosts), read from XAPI by the rule that
 * starts them; starts nothing. */
bool recovery_preview(hafenced *d, const char *host, struct json_object *vms, struct json_object *hosts,
                      hfc_error *err);
/* Once XAPI answers after start-up: start the VMs of a recovery a killed
 * daemon left unfinished (recovery.c's plans) that are still halted. */
void act_resume_recoveries(hafenced *d);
/* The master: start the VMs of a recovery another master left unfinished
 * (the plans in the pool's other-config) that are still halted. */
void act_adopt_recoveries(hafenced *d);
/* The master's duty each cycle: keep an autopromote slave recorded. */
void choose_autopromote(hafenced *d);
/* HA-Lizard's health mark, host other-config XenCenter.CustomFields.
 * <XC_FIELD_NAME>: master, healthy or failed (XenCenter and Xen Orchestra
 * show it; no VM is started on a failed host).  Written when it differs. */
void mark_health(hafenced *d, const char *host, const char *health);
/* The master marks itself and every peer that answers, each cycle. */
void mark_pool_health(hafenced *d);

/* ---- self-fence and suspension (selffence.c) ----------------------------- */
void self_fence(hafenced *d, const char *reason);
/* At start and every cycle: is a marker there?  Reboots once when a
 * marker says the reboot never started.  A suspension held in memory only
 * ends only by the operator's 'hafence recover', never by a missing marker. */
void suspension_refresh(hafenced *d);

/* ---- --check-config (check.c) ------------------------------------------ */
/* Prove the loaded configuration can fence, without fencing; with probe,
 * ask each host's device for its power state.  Prints one line per item;
 * returns the exit code: 0 it can fence every host, 78 the configuration
 * is wrong, 1 something it needs does not work. */
int daemon_check_config(hafenced *d, bool probe);

/* ---- systemd (notify.c) -------------------------------------------------- */
void notify_ready(void);
void notify_alive(void); /* the watchdog's keep-alive, rate-limited */
void notify_status(const char *fmt, ...) HF_PRINTF(1, 2);
void notify_stopping(void);
int64_t notify_watchdog_ms(void); /* 0: no watchdog */

#endif
