/* SPDX-License-Identifier: MIT */
/*
 * hafence plugin SDK: the one header a fence or heuristic plugin includes.
 *
 * A plugin is a shared object exporting one symbol, hafence_plugin_entry(),
 * returning a pointer to a constant hf_plugin_descriptor.  The descriptor
 * carries the ABI version the plugin was built against, its kind, name,
 * version, description, parameter table and a dispatch table of
 * {function id, pointer} pairs ending in {0, NULL}.
 *
 * Compatibility contract (see sdk/README.md):
 *  - The core loads a plugin of the same ABI major whose minor is <= its own.
 *  - A newer minor or another major is refused, naming the file and both
 *    versions.
 *  - Minor versions only append: new function ids, new fields at the end of
 *    hf_context / hf_plugin_descriptor / hf_param_def (the first two begin
 *    with their size; the descriptor gives the element size of its
 *    parameter table since 1.2), so both sides read only what the other
 *    side wrote.  Ids are never reused; an id the core does not know is
 *    ignored.
 *  - Anything else bumps the major.
 */
#ifndef HAFENCE_PLUGIN_H
#define HAFENCE_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HAFENCE_ABI_MAJOR 1
#define HAFENCE_ABI_MINOR 3

#define HAFENCE_PLUGIN_ENTRY_SYMBOL "hafence_plugin_entry"

#if defined(__GNUC__)
#define HAFENCE_PLUGIN_EXPORT __attribute__((visibility("default")))
#define HF_PRINTF(f, a)       __attribute__((format(printf, f, a)))
#else
#define HAFENCE_PLUGIN_EXPORT
#define HF_PRINTF(f, a)
#endif

/* ---- result codes: one set shared by every plugin and the core ---------- */
typedef enum hf_result {
    HF_OK = 0,
    HF_E_BAD_PARAMETER = 1,  /* parameter or target invalid */
    HF_E_AUTH_REFUSED = 2,   /* credentials or privilege refused */
    HF_E_UNREACHABLE = 3,    /* device cannot be reached */
    HF_E_TIMED_OUT = 4,      /* deadline passed */
    HF_E_DEVICE_REFUSED = 5, /* device answered and refused the command */
    HF_E_UNVERIFIED = 6,     /* asked, never read back the wanted state */
    HF_E_UNSUPPORTED = 7,    /* action not offered by this plugin/device */
    HF_E_CANCELLED = 8,      /* the core asked the call to stop */
    HF_E_PLUGIN_FAILED = 9   /* crash or protocol breach: set by the core */
} hf_result;
#define HF_RESULT_COUNT 10

typedef enum hf_power {
    HF_POWER_UNKNOWN = 0,
    HF_POWER_ON = 1,
    HF_POWER_OFF = 2
} hf_power;

/* The names the core prints, for a plugin's messages. */
static inline const char *hf_power_name(hf_power power)
{
    return power == HF_POWER_ON ? "on" : power == HF_POWER_OFF ? "off" : "unknown";
}

static inline const char *hf_result_name(hf_result code)
{
    static const char *const names[HF_RESULT_COUNT] = {"ok",        "bad-parameter",  "auth-refused", "unreachable",
                                                       "timed-out", "device-refused", "unverified",   "unsupported",
                                                       "cancelled", "plugin-failed"};
    return (unsigned)code < HF_RESULT_COUNT ? names[code] : "plugin-failed";
}

typedef enum hf_vote {
    HF_VOTE_UNKNOWN = 0,
    HF_VOTE_PASS = 1,
    HF_VOTE_FAIL = 2
} hf_vote;

typedef enum hf_kind {
    HF_KIND_FENCE = 1,
    HF_KIND_HEURISTIC = 2
} hf_kind;

typedef enum hf_log_level {
    HF_LOG_ERROR = 0,
    HF_LOG_WARNING = 1,
    HF_LOG_INFO = 2,
    HF_LOG_DEBUG = 3
} hf_log_level;

/* ---- parameter table --------------------------------------------------- */
typedef enum hf_param_type {
    HF_PARAM_STRING = 1,
    HF_PARAM_INTEGER = 2, /* decimal, within [int_min, int_max] */
    HF_PARAM_BOOLEAN = 3, /* 1/0, true/false, yes/no, on/off */
    HF_PARAM_ENUM = 4,    /* one of enum_values */
    HF_PARAM_ADDRESS = 5, /* host name, IPv4, IPv6 or [IPv6], optional :port */
    HF_PARAM_PATH = 6     /* absolute path */
} hf_param_type;

#define HF_PARAM_REQUIRED 0x1u
#define HF_PARAM_SECRET   0x2u /* never printed, logged, put in argv or metadata */

typedef struct hf_param_def {
    const char *name; /* [a-z][a-z0-9_]*, unique in the table */
    hf_param_type type;
    unsigned flags;                 /* HF_PARAM_REQUIRED | HF_PARAM_SECRET */
    const char *default_value;      /* NULL: none; never for a secret */
    const char *const *enum_values; /* HF_PARAM_ENUM: NULL-terminated */
    long long int_min, int_max;     /* HF_PARAM_INTEGER: bounds (both 0: any) */
    const char *help;               /* one line, for people */
} hf_param_def;

/* Parameter names with a meaning to the core: a plugin that declares one
 * gets it filled from the HA-Lizard configuration (or by the harness)
 * where the operator did not set it.  Declare them with these types. */
#define HF_PARAM_NAME_ADDRESS     "address"     /* HF_PARAM_ADDRESS: FENCE_IPADDRESS */
#define HF_PARAM_NAME_PASSWORD    "password"    /* secret string: FENCE_PASSWD */
#define HF_PARAM_NAME_FILE_LOC    "file_loc"    /* HF_PARAM_PATH: FENCE_FILE_LOC */
#define HF_PARAM_NAME_METHOD      "method"      /* string: FENCE_METHOD as written */
#define HF_PARAM_NAME_HOST_FORGET "host_forget" /* boolean: FENCE_HOST_FORGET */
#define HF_PARAM_NAME_CONSOLE_DIR "console_dir" /* HF_PARAM_PATH: where console captures go, beside the history */

/* A validated parameter set, as the core hands it to create(): every
 * parameter of the table with a value (given or default) appears once;
 * names are the table's.  Terminated by {NULL, NULL}. */
typedef struct hf_param {
    const char *name;
    const char *value;
} hf_param;

/* ---- per-call context from the core ------------------------------------- */
typedef struct hf_context hf_context;
struct hf_context {
    size_t size;         /* sizeof(hf_context) as the core knows it */
    int64_t deadline_ms; /* absolute, CLOCK_MONOTONIC, milliseconds */
    const char *host;    /* host UUID being acted on, or NULL */
    /* Log a message; the core adds plugin, instance, target and redacts
     * secrets.  Never NULL. */
    void (*log)(const hf_context *ctx, hf_log_level level, const char *message);
    /* Non-zero when the call should stop now (deadline passed, shutdown). */
    int (*cancelled)(const hf_context *ctx);
    void *core_data; /* the core's; a plugin never touches it */
    /* ABI 1.2: now, on the clock of deadline_ms (CLOCK_MONOTONIC, ms):
     * what hf_ctx_remaining_ms() uses, with no POSIX clock of the
     * plugin's own */
    int64_t (*now_ms)(const hf_context *ctx);
};

/* What a call reports back: a code (the return value), a message from the
 * device for people, and the state read. */
#define HF_MESSAGE_MAX 1024
typedef struct hf_reply {
    hf_power power; /* status: the state read */
    hf_vote vote;   /* heuristic check: the vote */
    char message[HF_MESSAGE_MAX];
} hf_reply;

/* list(): called once per target the device knows. */
typedef void hf_target_sink(void *sink_arg, const char *target, const char *name);

/* ---- dispatch table ---------------------------------------------------- */
typedef void (*hf_fn)(void);
typedef struct hf_dispatch {
    int id;
    hf_fn fn;
} hf_dispatch;

/* Function ids.  Never reused, never renumbered. */
#define HF_FN_FENCE_CREATE  1   /* required for fence */
#define HF_FN_FENCE_DESTROY 2   /* required for fence */
#define HF_FN_FENCE_OFF     3   /* required for fence */
#define HF_FN_FENCE_ON      4   /* required for fence */
#define HF_FN_FENCE_REBOOT  5   /* optional: else the engine does off + on */
#define HF_FN_FENCE_CYCLE   6   /* optional: single power-cycle command */
#define HF_FN_FENCE_STATUS  7   /* required for fence (may return unsupported) */
#define HF_FN_FENCE_LIST    8   /* optional */
#define HF_FN_FENCE_MONITOR 9   /* required for fence */
#define HF_FN_FENCE_CONSOLE 10  /* optional, since ABI 1.1: follow a live console */
#define HF_FN_HEUR_CREATE   101 /* required for heuristic */
#define HF_FN_HEUR_DESTROY  102 /* required for heuristic */
#define HF_FN_HEUR_CHECK    103 /* required for heuristic */
#define HF_FN_HEUR_PROBE    104 /* optional, since ABI 1.3: each address's answer */

typedef hf_result hf_fence_create_fn(const hf_context *ctx, const hf_param *params, void **instance, hf_reply *reply);
typedef void hf_fence_destroy_fn(void *instance);
/* off, on, reboot, cycle: target may be "" when the device is the target */
typedef hf_result hf_fence_power_fn(void *instance, const hf_context *ctx, const char *target, hf_reply *reply);
typedef hf_result hf_fence_status_fn(void *instance, const hf_context *ctx, const char *target, hf_reply *reply);
typedef hf_result hf_fence_list_fn(void *instance, const hf_context *ctx, hf_target_sink *sink, void *sink_arg,
                                   hf_reply *reply);
typedef hf_result hf_fence_monitor_fn(void *instance, const hf_context *ctx, hf_reply *reply);
/* console (ABI 1.1): copy the target's live console to fd until the
 * deadline or cancellation. */
typedef hf_result hf_fence_console_fn(void *instance, const hf_context *ctx, const char *target, int fd,
                                      hf_reply *reply);
typedef hf_result hf_heur_create_fn(const hf_context *ctx, const hf_param *params, void **instance, hf_reply *reply);
typedef void hf_heur_destroy_fn(void *instance);
typedef hf_result hf_heur_check_fn(void *instance, const hf_context *ctx, hf_reply *reply);
/* probe (ABI 1.3, a HF_CAP_PEER_PROBE heuristic): probe every configured
 * address at once, as check does, and report each one, in the order
 * configured, through sink: why is NULL when it answered, else why not.
 * What the daemon checks its peers with: one call (one socket) for the
 * whole pool rather than one check per peer. */
typedef void hf_probe_sink(void *sink_arg, const char *address, const char *why);
typedef hf_result hf_heur_probe_fn(void *instance, const hf_context *ctx, hf_probe_sink *sink, void *sink_arg,
                                   hf_reply *reply);

/* Every entry point in one list: X(NAME, name, id, type, kind, required,
 * "label").  The core derives from it what it checks (required entry
 * points, labels) and its typed getters; HF_DISPATCH_<NAME>(f) below is the
 * plugin's side.  Appending a row is how a minor adds an entry point. */
#define HF_FUNCTIONS(X)                                                                                              \
    X(FENCE_CREATE, fence_create, HF_FN_FENCE_CREATE, hf_fence_create_fn, HF_KIND_FENCE, 1, "fence create")          \
    X(FENCE_DESTROY, fence_destroy, HF_FN_FENCE_DESTROY, hf_fence_destroy_fn, HF_KIND_FENCE, 1, "fence destroy")     \
    X(FENCE_OFF, fence_off, HF_FN_FENCE_OFF, hf_fence_power_fn, HF_KIND_FENCE, 1, "fence off")                       \
    X(FENCE_ON, fence_on, HF_FN_FENCE_ON, hf_fence_power_fn, HF_KIND_FENCE, 1, "fence on")                           \
    X(FENCE_REBOOT, fence_reboot, HF_FN_FENCE_REBOOT, hf_fence_power_fn, HF_KIND_FENCE, 0, "fence reboot")           \
    X(FENCE_CYCLE, fence_cycle, HF_FN_FENCE_CYCLE, hf_fence_power_fn, HF_KIND_FENCE, 0, "fence cycle")               \
    X(FENCE_STATUS, fence_status, HF_FN_FENCE_STATUS, hf_fence_status_fn, HF_KIND_FENCE, 1, "fence status")          \
    X(FENCE_LIST, fence_list, HF_FN_FENCE_LIST, hf_fence_list_fn, HF_KIND_FENCE, 0, "fence list")                    \
    X(FENCE_MONITOR, fence_monitor, HF_FN_FENCE_MONITOR, hf_fence_monitor_fn, HF_KIND_FENCE, 1, "fence monitor")     \
    X(FENCE_CONSOLE, fence_console, HF_FN_FENCE_CONSOLE, hf_fence_console_fn, HF_KIND_FENCE, 0, "fence console")     \
    X(HEUR_CREATE, heur_create, HF_FN_HEUR_CREATE, hf_heur_create_fn, HF_KIND_HEURISTIC, 1, "heuristic create")      \
    X(HEUR_DESTROY, heur_destroy, HF_FN_HEUR_DESTROY, hf_heur_destroy_fn, HF_KIND_HEURISTIC, 1, "heuristic destroy") \
    X(HEUR_CHECK, heur_check, HF_FN_HEUR_CHECK, hf_heur_check_fn, HF_KIND_HEURISTIC, 1, "heuristic check")           \
    X(HEUR_PROBE, heur_probe, HF_FN_HEUR_PROBE, hf_heur_probe_fn, HF_KIND_HEURISTIC, 0, "heuristic probe")

/* Typed dispatch entries: the cast lives here, not in plugins.  A function
 * of the wrong type is a compile error. */
#define HF_DISPATCH_(id_, type_, f_)          \
    {                                         \
        (id_), (hf_fn)(1 ? (f_) : (type_ *)0) \
    }
#define HF_DISPATCH_FENCE_CREATE(f)  HF_DISPATCH_(HF_FN_FENCE_CREATE, hf_fence_create_fn, f)
#define HF_DISPATCH_FENCE_DESTROY(f) HF_DISPATCH_(HF_FN_FENCE_DESTROY, hf_fence_destroy_fn, f)
#define HF_DISPATCH_FENCE_OFF(f)     HF_DISPATCH_(HF_FN_FENCE_OFF, hf_fence_power_fn, f)
#define HF_DISPATCH_FENCE_ON(f)      HF_DISPATCH_(HF_FN_FENCE_ON, hf_fence_power_fn, f)
#define HF_DISPATCH_FENCE_REBOOT(f)  HF_DISPATCH_(HF_FN_FENCE_REBOOT, hf_fence_power_fn, f)
#define HF_DISPATCH_FENCE_CYCLE(f)   HF_DISPATCH_(HF_FN_FENCE_CYCLE, hf_fence_power_fn, f)
#define HF_DISPATCH_FENCE_STATUS(f)  HF_DISPATCH_(HF_FN_FENCE_STATUS, hf_fence_status_fn, f)
#define HF_DISPATCH_FENCE_LIST(f)    HF_DISPATCH_(HF_FN_FENCE_LIST, hf_fence_list_fn, f)
#define HF_DISPATCH_FENCE_MONITOR(f) HF_DISPATCH_(HF_FN_FENCE_MONITOR, hf_fence_monitor_fn, f)
#define HF_DISPATCH_FENCE_CONSOLE(f) HF_DISPATCH_(HF_FN_FENCE_CONSOLE, hf_fence_console_fn, f)
#define HF_DISPATCH_HEUR_CREATE(f)   HF_DISPATCH_(HF_FN_HEUR_CREATE, hf_heur_create_fn, f)
#define HF_DISPATCH_HEUR_DESTROY(f)  HF_DISPATCH_(HF_FN_HEUR_DESTROY, hf_heur_destroy_fn, f)
#define HF_DISPATCH_HEUR_CHECK(f)    HF_DISPATCH_(HF_FN_HEUR_CHECK, hf_heur_check_fn, f)
#define HF_DISPATCH_HEUR_PROBE(f)    HF_DISPATCH_(HF_FN_HEUR_PROBE, hf_heur_probe_fn, f)
#define HF_DISPATCH_END \
    {                   \
        0, NULL         \
    }

/* ---- the descriptor ---------------------------------------------------- */
typedef struct hf_plugin_descriptor {
    size_t size; /* sizeof(hf_plugin_descriptor) the plugin was built with */
    uint16_t abi_major;
    uint16_t abi_minor;
    hf_kind kind;
    const char *name;            /* [a-z][a-z0-9-]*: what operators type */
    const char *version;         /* the plugin's own version */
    const char *description;     /* one line */
    const hf_param_def *params;  /* terminated by an entry with name NULL */
    const hf_dispatch *dispatch; /* terminated by HF_DISPATCH_END */
    /* ---- ABI 1.2 ---- */
    /* sizeof(hf_param_def) the plugin was built with: the core walks params
     * with it (a 1.0 or 1.1 plugin has none: the 1.x layout) */
    size_t param_def_size;
    unsigned long capabilities; /* HF_CAP_*: what the plugin is, for the daemon */
    const char *vendor_url;     /* the plugin's home page, for metadata; NULL: none */
} hf_plugin_descriptor;

/* Capabilities: how the core and the daemon use a fence plugin, said by
 * the plugin (the core knows no plugin by name). */
#define HF_CAP_TARGET_IS_HOST 0x1ul /* its target is the host's UUID: no host map needed */
#define HF_CAP_HOSTMAP_LINES \
    0x2ul /* a host may have several host-map lines (several PDUs):
                                      * its target is their targets joined with ';' */
#define HF_CAP_VIA_POOL_MASTER \
    0x4ul /* acts through the pool master: to fence the master the
                                      * daemon first takes the pool over */
#define HF_CAP_POOL_CLIENT \
    0x8ul /* speaks to the pool's toolstack: the daemon marks a fenced
                                      * host dead in the pool with its `off` */
#define HF_CAP_CUSTOM_SCRIPT \
    0x10ul /* runs an operator's custom fence script: an HA-Lizard
                                      * FENCE_METHOD naming a script is served by it */
#define HF_CAP_PEER_PROBE \
    0x20ul /* a heuristic whose `addresses` are probed one by one: the
                                      * daemon's reachability of peers and of FENCE_HEURISTICS_IPS */
#define HF_CAP_TARGET_IS_DEVICE \
    0x40ul /* its target is the device's own address (one controller per
                                      * host, from a host map): with no host map
                                      * (a Pacemaker agent) the address parameter
                                      * names the device and a host name given as
                                      * the target is not used */

#define HF_DESCRIPTOR_HEADER                                                                              \
    .size = sizeof(hf_plugin_descriptor), .abi_major = HAFENCE_ABI_MAJOR, .abi_minor = HAFENCE_ABI_MINOR, \
    .param_def_size = sizeof(hf_param_def)

typedef const hf_plugin_descriptor *hafence_plugin_entry_fn(void);

/* Every plugin defines exactly this function. */
#define HAFENCE_PLUGIN(descriptor_)                                               \
    HAFENCE_PLUGIN_EXPORT const hf_plugin_descriptor *hafence_plugin_entry(void); \
    HAFENCE_PLUGIN_EXPORT const hf_plugin_descriptor *hafence_plugin_entry(void)  \
    {                                                                             \
        return &(descriptor_);                                                    \
    }

/* ---- helpers for plugins (inline: a plugin links nothing of ours) ------- */

/* Milliseconds left before the call's deadline; 0 when it has passed. */
static inline int64_t hf_ctx_remaining_ms(const hf_context *ctx)
{
    int64_t left = ctx->deadline_ms - ctx->now_ms(ctx);
    return left > 0 ? left : 0;
}

#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 199309L
/* The clock of deadline_ms, where POSIX clocks are declared (a plugin
 * built with -std=c99 and no feature macro has ctx->now_ms). */
static inline int64_t hf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif

static inline int hf_ctx_cancelled(const hf_context *ctx)
{
    return ctx->cancelled(ctx) || hf_ctx_remaining_ms(ctx) == 0;
}

static inline void hf_logf(const hf_context *ctx, hf_log_level level, const char *fmt, ...) HF_PRINTF(3, 4);
static inline void hf_logf(const hf_context *ctx, hf_log_level level, const char *fmt, ...)
{
    char buf[HF_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log(ctx, level, buf);
}

/* Set the reply's message and return the code: `return hf_reply_set(reply, r, ...)`. */
static inline hf_result hf_reply_set(hf_reply *reply, hf_result code, const char *fmt, ...) HF_PRINTF(3, 4);
static inline hf_result hf_reply_set(hf_reply *reply, hf_result code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reply->message, sizeof reply->message, fmt, ap);
    va_end(ap);
    return code;
}

/* Copy src (NULL: "") into dst of size bytes.  False, with dst empty, when
 * it does not fit: an address, a path, a target is never cut to fit. */
static inline int hf_copy(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        if (size)
            *dst = '\0';
        return 0;
    }
    memcpy(dst, src ? src : "", n + 1);
    return 1;
}

/* Put context before the message a lower layer set, and return code:
 * `return hf_reply_prefix(reply, r, "BMC %s: ", host)` turns "session
 * timeout" into "BMC 10.0.0.12: session timeout".  The end of a long
 * message is cut, never the context. */
static inline hf_result hf_reply_prefix(hf_reply *reply, hf_result code, const char *fmt, ...) HF_PRINTF(3, 4);
static inline hf_result hf_reply_prefix(hf_reply *reply, hf_result code, const char *fmt, ...)
{
    char said[HF_MESSAGE_MAX];
    int n;
    va_list ap;
    memcpy(said, reply->message, sizeof said);
    said[sizeof said - 1] = '\0';
    va_start(ap, fmt);
    n = vsnprintf(reply->message, sizeof reply->message, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof reply->message)
        snprintf(reply->message + n, sizeof reply->message - (size_t)n, "%s", said);
    return code;
}

/* The redaction rule, the same for the core and for plugins (frozen):
 *  - every occurrence of the secret is replaced by "***", three stars
 *    whatever its length (the mask does not tell the length);
 *  - a secret shorter than HF_SECRET_WORD_MAX characters is masked only
 *    where it stands as a word of its own (no letter or digit touching
 *    it): inside ordinary words it would mangle them ("sessi***" for a
 *    password "on") and point at itself ("he***" for "x" in "hex");
 *  - when the text filled its buffer (it may have been cut), a piece at
 *    its very end that begins the secret is masked too (three characters
 *    or more, or any at the start of a word).
 * A plugin that quotes what a device or program printed masks its own
 * secrets with this before cutting the quote; the core masks every secret
 * it knows in every message and log line the same way. */
#define HF_SECRET_WORD_MAX 6

static inline int hf_is_word_char_(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Put "***" at text[at], in place of n characters; cut to fit size. */
static inline void hf_mask_at_(char *text, size_t size, size_t at, size_t n)
{
    size_t len = strlen(text), tail = len - at - n, keep;
    size_t room = size - 1 - at; /* what may follow text[at] */
    size_t m = room < 3 ? room : 3;
    keep = tail < room - m ? tail : room - m;
    memmove(text + at + m, text + at + n, keep);
    memcpy(text + at, "***", m);
    text[at + m + keep] = '\0';
}

static inline void hf_mask_secret(char *text, size_t size, const char *secret)
{
    size_t slen = secret ? strlen(secret) : 0, len;
    char *from = text, *hit;
    int full;
    if (!text || size < 4 || !slen)
        return;
    full = strlen(text) + 1 >= size;
    while ((hit = strstr(from, secret)) != NULL) {
        size_t at = (size_t)(hit - text);
        if (slen < HF_SECRET_WORD_MAX && ((at > 0 && hf_is_word_char_(text[at - 1])) || hf_is_word_char_(hit[slen]))) {
            from = hit + 1;
            continue;
        }
        hf_mask_at_(text, size, at, slen);
        from = text + (at + 3 < strlen(text) ? at + 3 : strlen(text));
    }
    len = strlen(text);
    if (!full)
        return;
    for (size_t k = slen - 1 < len ? slen - 1 : len; k > 0; k--) {
        size_t at = len - k;
        if (memcmp(text + at, secret, k) != 0)
            continue;
        if (k >= 3 || at == 0 || !hf_is_word_char_(text[at - 1])) {
            size_t m_at = at < size - 4 ? at : size - 4; /* the stars must fit */
            memcpy(text + m_at, "***", 3);
            text[m_at + 3] = '\0';
        }
        break;
    }
}

/* Is s a UUID (8-4-4-4-12 hex digits, as XAPI prints host and VM UUIDs)? */
static inline int hf_is_uuid_text(const char *s)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    if (!s)
        return 0;
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i++, s++)
            if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
                return 0;
        if (g < 4 && *s++ != '-')
            return 0;
    }
    return *s == '\0';
}

/* The folder name of a host's console captures (console_dir/<name>/), a
 * frozen rule of ABI 1.x the harness shares with plugins that capture
 * consoles (changing it bumps the major): the
 * host UUID, else the target, else the plugin's address parameter, with
 * every character outside [A-Za-z0-9._-] replaced by '_'. */
static inline void hf_capture_folder_name(const char *host, const char *target, const char *address, char *out,
                                          size_t size)
{
    const char *name = host && *host ? host : target && *target ? target : address ? address : "";
    size_t i = 0;
    if (!size)
        return;
    for (; name[i] && i + 1 < size; i++) {
        char c = name[i];
        int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                   c == '.';
        out[i] = safe ? c : '_';
    }
    out[i] = '\0';
}

/* The value of a validated parameter, or NULL when it has none. */
static inline const char *hf_param_get(const hf_param *params, const char *name)
{
    for (; params && params->name; params++)
        if (strcmp(params->name, name) == 0)
            return params->value;
    return NULL;
}

/* The value of a parameter, or dflt when it has none: never NULL (for
 * required parameters, and ones with a default, the value is always set). */
static inline const char *hf_param_str(const hf_param *params, const char *name, const char *dflt)
{
    const char *v = hf_param_get(params, name);
    return v ? v : dflt;
}

/* Integer and boolean values were validated by the core before create(). */
static inline long long hf_param_int(const hf_param *params, const char *name, long long dflt)
{
    const char *v = hf_param_get(params, name);
    return v && *v ? strtoll(v, NULL, 10) : dflt;
}

static inline int hf_param_bool(const hf_param *params, const char *name, int dflt)
{
    const char *v = hf_param_get(params, name);
    if (!v || !*v)
        return dflt;
    return strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0;
}

#ifdef __cplusplus
}
#endif
#endif /* HAFENCE_PLUGIN_H */
