/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HA-Lizard compatible configuration: KEY=VALUE lines, '#' comments, values
 * optionally in single or double quotes.  Files are read, never sourced:
 * shell expansion ($VAR, $(...), `...`) is refused rather than silently
 * taken literally.  Keys are case-insensitive; a later file wins.
 */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"
#include "core/engine.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/secret.h"
#include "core/method.h"

#include <unistd.h>

#include <ctype.h>
#include <strings.h>
#include <sys/stat.h>

#define CONFIG_MAX_BYTES (1u << 20)

typedef struct entry {
    char *key; /* upper case */
    char *value;
    char *origin; /* "file:line" */
} entry;

struct hfc_config {
    entry *entries;
    size_t count;
};

hfc_config *hfc_config_new(void)
{
    return hfc_calloc(1, sizeof(hfc_config));
}

void hfc_config_free(hfc_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->count; i++) {
        hfc_wipe(cfg->entries[i].value, strlen(cfg->entries[i].value));
        free(cfg->entries[i].key);
        free(cfg->entries[i].value);
        free(cfg->entries[i].origin);
    }
    free(cfg->entries);
    free(cfg);
}

static entry *find(const hfc_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->count; i++)
        if (strcasecmp(cfg->entries[i].key, key) == 0)
            return &cfg->entries[i];
    return NULL;
}

const char *hfc_config_get(const hfc_config *cfg, const char *key)
{
    entry *e = find(cfg, key);
    return e ? e->value : NULL;
}

const char *hfc_config_origin(const hfc_config *cfg, const char *key)
{
    entry *e = find(cfg, key);
    return e ? e->origin : "(default)";
}

size_t hfc_config_count(const hfc_config *cfg)
{
    return cfg->count;
}

const char *hfc_config_key_at(const hfc_config *cfg, size_t i)
{
    return i < cfg->count ? cfg->entries[i].key : NULL;
}

/* Whether two origins ("file:line") are lines of the same file. */
static bool same_file(const char *a, const char *b)
{
    const char *ca = strrchr(a, ':'), *cb = strrchr(b, ':');
    return ca && cb && ca - a == cb - b && strncmp(a, b, (size_t)(ca - a)) == 0;
}

static void put(hfc_config *cfg, const char *key, const char *value, const char *origin)
{
    entry *e = find(cfg, key);
    /* a later file overrides on purpose (the host's over the pool's); the
     * same key twice in one file is most likely an edit gone wrong */
    if (e && same_file(e->origin, origin))
        hfc_log(HF_LOG_WARNING, "%s: %s given again (first at %s): the later value is taken", origin, e->key,
                e->origin);
    if (e) {
        hfc_wipe(e->value, strlen(e->value));
        free(e->value);
        free(e->origin);
    } else {
        cfg->entries = hfc_realloc(cfg->entries, (cfg->count + 1) * sizeof *cfg->entries);
        e = &cfg->entries[cfg->count++];
        e->key = hfc_strdup(key);
        for (char *k = e->key; *k; k++)
            *k = (char)toupper((unsigned char)*k);
    }
    e->value = hfc_strdup(value);
    e->origin = hfc_strdup(origin);
}

/* Parse the value part of one line into out (size >= strlen(v) + 1).
 * Returns NULL on success, else what is wrong. */
/* A shell array as HA-Lizard's files write them, KEY=(a:b c): its elements,
 * ':'-joined (HA-Lizard splits them on ':'); "()" is empty.  Elements are
 * plain words: no quotes, expansions or shell syntax. */
static const char *parse_array(const char *v, const char *end, char *out)
{
    const char *close = v + 1;
    char *o = out;
    while (close < end && *close != ')')
        close++;
    if (close >= end)
        return "unterminated array '(' (expected KEY=(A:B) or KEY=())";
    for (const char *c = close + 1; c < end; c++) {
        if (*c == '#')
            break;
        if (!isspace((unsigned char)*c))
            return "text after an array's ')'";
    }
    for (v++; v < close; v++) {
        if (isspace((unsigned char)*v) || *v == ':') {
            if (o > out && o[-1] != ':')
                *o++ = ':';
        } else if (isalnum((unsigned char)*v) || strchr("-_.", *v)) {
            *o++ = *v;
        } else {
            return "an array element holds something other than letters, digits, '-', '_' and '.'";
        }
    }
    if (o > out && o[-1] == ':')
        o--;
    *o = '\0';
    return NULL;
}

/* $HOSTNAME and ${HOSTNAME}, the one expansion HA-Lizard's own files use
 * (MAIL_SUBJECT): this host's name, expanded by hafence, never by a shell.
 * *v is at the '$'; advances past the reference.  NULL when it is not one. */
static const char *expand_hostname(const char **v, const char *end, char **o, const char *out_end)
{
    static const char *const forms[] = {"$HOSTNAME", "${HOSTNAME}"};
    char host[256];
    for (int i = 1; i >= 0; i--) {
        size_t n = strlen(forms[i]);
        const char *after = *v + n;
        if ((size_t)(end - *v) < n || strncmp(*v, forms[i], n) != 0)
            continue;
        if (i == 0 && after < end && (isalnum((unsigned char)*after) || *after == '_'))
            return NULL; /* $HOSTNAMEX is another variable */
        if (gethostname(host, sizeof host) != 0)
            snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = '\0';
        n = strlen(host);
        if (n > (size_t)(out_end - *o))
            n = (size_t)(out_end - *o);
        memcpy(*o, host, n);
        *o += n;
        *v = after;
        return *v;
    }
    return NULL;
}

static const char *parse_value(const char *v, const char *end, char *out, size_t out_size)
{
    char *o = out;
    const char *out_end = out + out_size - 1;
    if (v < end && *v == '(')
        return parse_array(v, end, out);
    while (v < end) {
        char c = *v;
        if (c == '\'') {
            const char *close = memchr(v + 1, '\'', (size_t)(end - v - 1));
            if (!close)
                return "unterminated single quote";
            memcpy(o, v + 1, (size_t)(close - v - 1));
            o += close - v - 1;
            v = close + 1;
        } else if (c == '"') {
            v++;
            while (v < end && *v != '"') {
                if (*v == '\\' && v + 1 < end && strchr("\"\\$`", v[1])) {
                    *o++ = v[1];
                    v += 2;
                    continue;
                }
                if (*v == '$' && expand_hostname(&v, end, &o, out_end))
                    continue;
                if (*v == '$' || *v == '`')
                    return "shell expansion ($ or `) is not supported beyond $HOSTNAME: use single quotes";
                if (o >= out_end)
                    return "value too long";
                *o++ = *v++;
            }
            if (v >= end)
                return "unterminated double quote";
            v++;
        } else if (isspace((unsigned char)c)) {
            /* the value ends; only a comment may follow */
            while (v < end && isspace((unsigned char)*v))
                v++;
            if (v < end && *v != '#')
                return "unquoted space in value (quote the value)";
            break;
        } else if (c == '$' && expand_hostname(&v, end, &o, out_end)) {
            continue;
        } else if (c == '$' || c == '`') {
            return "shell expansion ($ or `) is not supported beyond $HOSTNAME: use single quotes";
        } else if (c == '\\') {
            if (v + 1 >= end)
                return "trailing backslash";
            *o++ = v[1];
            v += 2;
        } else if (c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')') {
            return "shell syntax in value (quote the value)";
        } else {
            *o++ = c;
            v++;
        }
    }
    *o = '\0';
    return NULL;
}

bool hfc_config_parse(hfc_config *cfg, const char *origin, const char *text, size_t len, hfc_error *err)
{
    const char *p = text, *end = text + len;
    size_t lineno = 0;
    char where[512];
    if (len > CONFIG_MAX_BYTES) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: larger than %u bytes", origin, CONFIG_MAX_BYTES);
        return false;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end, *k, *ke, *eq;
        char key[128], *value;
        const char *why;
        lineno++;
        snprintf(where, sizeof where, "%s:%zu", origin, lineno);
        if (memchr(p, '\0', (size_t)(eol - p))) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: NUL byte in line", where);
            return false;
        }
        while (p < eol && isspace((unsigned char)*p))
            p++;
        if (p == eol || *p == '#') {
            p = eol + (nl ? 1 : 0);
            continue;
        }
        if ((size_t)(eol - p) > 7 && strncmp(p, "export", 6) == 0 && isspace((unsigned char)p[6])) {
            p += 7;
            while (p < eol && isspace((unsigned char)*p))
                p++;
        }
        k = p;
        while (p < eol && (isalnum((unsigned char)*p) || *p == '_'))
            p++;
        ke = p;
        eq = p;
        if (k == ke || isdigit((unsigned char)*k) || eq >= eol || *eq != '=') {
            hfc_error_set(err, HF_E_BAD_PARAMETER,
                          "%s: expected KEY=VALUE (KEY of letters, digits and _, no spaces "
                          "around =)",
                          where);
            return false;
        }
        if ((size_t)(ke - k) >= sizeof key) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: key too long", where);
            return false;
        }
        memcpy(key, k, (size_t)(ke - k));
        key[ke - k] = '\0';
        value = hfc_calloc(1, (size_t)(eol - eq) + 256 + 1); /* room for $HOSTNAME */
        why = parse_value(eq + 1, eol, value, (size_t)(eol - eq) + 256 + 1);
        if (why) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: key %s: %s", where, key, why);
            hfc_wipe(value, strlen(value));
            free(value);
            return false;
        }
        /* a '\r' from a file edited on Windows is not part of the value */
        if (*value && value[strlen(value) - 1] == '\r')
            value[strlen(value) - 1] = '\0';
        put(cfg, key, value, where);
        hfc_wipe(value, strlen(value));
        free(value);
        p = eol + (nl ? 1 : 0);
    }
    return true;
}

bool hfc_config_set(hfc_config *cfg, const char *origin, const char *key, const char *text, hfc_error *err)
{
    size_t n = strlen(text) + 256 + 1;
    char *value;
    const char *why;
    for (const char *k = key; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_') {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: '%s' is not a key (letters, digits and _)", origin, key);
            return false;
        }
    if (!*key || isdigit((unsigned char)*key) || strlen(key) >= 128) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: '%s' is not a key", origin, key);
        return false;
    }
    value = hfc_calloc(1, n);
    why = parse_value(text, text + strlen(text), value, n);
    if (why) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: key %s: %s", origin, key, why);
    } else {
        char k[128];
        hfc_strlcpy(k, key, sizeof k);
        put(cfg, k, value, origin);
    }
    hfc_wipe(value, n);
    free(value);
    return why == NULL;
}

bool hfc_config_key_is_secret(const char *key)
{
    static const char *const marks[] = {"PASSW", "SECRET", "PASSPHRASE", "COMMUNITY", "AUTH_KEY", "PRIV_KEY", "_KG"};
    char up[128];
    size_t i;
    for (i = 0; key[i] && i < sizeof up - 1; i++)
        up[i] = (char)toupper((unsigned char)key[i]);
    up[i] = '\0';
    if (i > 5 && strcmp(up + i - 5, "_FILE") == 0)
        return false; /* a path to a secret, not the secret */
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
        if (strstr(up, marks[m]))
            return true;
    return false;
}

bool hfc_config_load(hfc_config *cfg, const char *path, hfc_error *err)
{
    size_t len, before = cfg->count;
    struct stat st;
    char *text = hfc_read_trusted(path, CONFIG_MAX_BYTES, &len, err);
    bool ok, secret = false;
    if (!text)
        return false;
    ok = hfc_config_parse(cfg, path, text, len, err);
    hfc_wipe(text, len);
    free(text);
    if (!ok)
        return false;
    for (size_t i = 0; i < cfg->count; i++) {
        size_t olen = strlen(path);
        /* entries this file set (new ones, or overridden: origin is ours) */
        if ((i >= before ||
             (strncmp(cfg->entries[i].origin, path, olen) == 0 && cfg->entries[i].origin[olen] == ':')) &&
            hfc_config_key_is_secret(cfg->entries[i].key) && *cfg->entries[i].value)
            secret = true;
    }
    if (secret && stat(path, &st) == 0 && (st.st_mode & 077))
        hfc_log(HF_LOG_WARNING, "%s holds secrets and is readable by %s (mode %04o): chmod 600 %s", path,
                (st.st_mode & 007) ? "others" : "its group", (unsigned)(st.st_mode & 07777), path);
    return true;
}

/* ---- the settings: every key checked against the table (keys.c) --------- */

/* Is v a valid value of key k?  false with err naming where. */
static bool value_ok(const hfc_key_def *k, const char *v, const char *where, hfc_error *err)
{
    long long n;
    switch (k->type) {
    case HFC_KEY_BOOL:
        if (hfc_parse_bool(v) < 0) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected 1 or 0", where, k->name, v);
            return false;
        }
        return true;
    case HFC_KEY_INT:
        if (!hfc_parse_ll(v, &n) || n < k->min || n > k->max) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected an integer from %lld to %lld", where, k->name,
                          v, k->min, k->max);
            return false;
        }
        return true;
    case HFC_KEY_ACTION:
        if (strcasecmp(v, "stop") && strcasecmp(v, "start") && strcasecmp(v, "reset")) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected stop, start or reset", where, k->name, v);
            return false;
        }
        return true;
    case HFC_KEY_METHOD:
        if (*v) {
            hfc_method_list list;
            hfc_error why = {0};
            if (!hfc_method_list_parse(v, &list, &why)) {
                hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: %s", where, k->name, v, why.message);
                return false;
            }
        }
        return true;
    case HFC_KEY_PATH:
        if (*v && v[0] != '/') {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected an absolute path", where, k->name, v);
            return false;
        }
        return true;
    case HFC_KEY_ADDRESS: {
        hf_param_def def = {.name = k->name, .type = HF_PARAM_ADDRESS};
        hfc_error verr;
        if (*v && !hfc_param_value_valid(&def, v, &verr)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s", where, verr.message);
            return false;
        }
        return true;
    }
    case HFC_KEY_LIST:
        for (const char *c = v; *c; c++)
            if (!isxdigit((unsigned char)*c) && *c != '-' && *c != ':') {
                hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected UUIDs separated by ':' (or ())", where,
                              k->name, v);
                return false;
            }
        return true;
    case HFC_KEY_ENUM:
        if (strcasecmp(v, "auto") && strcasecmp(v, "trust") && strcasecmp(v, "fail")) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected auto, trust or fail", where, k->name, v);
            return false;
        }
        return true;
    case HFC_KEY_COMMAND:
        if (!*v) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s is empty: a self-fence must reboot", where, k->name);
            return false;
        }
        return true;
    default: return true;
    }
}

static bool flag(const hfc_config *cfg, const char *key)
{
    return hfc_key_int(cfg, key) != 0;
}

static char *text(const hfc_config *cfg, const char *key)
{
    return hfc_strdup(hfc_key_value(cfg, key));
}

/* The keys a plugin's parameter table answers for: the fence method's
 * <METHOD>_ (with '-' as '_') and the daemon's HAFENCE_XAPI_. */
/* NAME_<PARAM> of a method FENCE_METHOD names (any level), or the pool
 * client's HAFENCE_XAPI_<PARAM> */
static bool plugin_key(const char *key, const char *methods)
{
    hfc_method_list list;
    hfc_error ignored;
    if (strncasecmp(key, "HAFENCE_XAPI_", 13) == 0)
        return true;
    if (!*methods || !hfc_method_list_parse(methods, &list, &ignored))
        return false;
    for (size_t i = 0; i < list.count; i++) {
        char prefix[HFC_METHOD_NAME_MAX + 1];
        snprintf(prefix, sizeof prefix, "%s_", list.entries[i].name);
        for (char *c = prefix; *c; c++)
            if (*c == '-' || *c == '.')
                *c = '_';
        if (strncasecmp(key, prefix, strlen(prefix)) == 0)
            return true;
    }
    return false;
}

/* Is v the key's default (HA-Lizard's), $HOSTNAME expanded as in a file? */
static bool is_default(const hfc_key_def *k, const char *v)
{
    const char *ref = k->dflt ? strstr(k->dflt, "$HOSTNAME") : NULL;
    char host[256] = "", expanded[512];
    if (!k->dflt)
        return false;
    if (!ref)
        return strcmp(v, k->dflt) == 0;
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    snprintf(expanded, sizeof expanded, "%.*s%s%s", (int)(ref - k->dflt), k->dflt, host, ref + strlen("$HOSTNAME"));
    return strcmp(v, expanded) == 0;
}

/* Warnings, once per load: a key in no table (with the nearest known one),
 * an ignored key set to another value than HA-Lizard's default. */
static void warn_keys(const hfc_config *cfg, const char *method)
{
    for (size_t i = 0; i < cfg->count; i++) {
        const char *key = cfg->entries[i].key, *v = cfg->entries[i].value;
        const hfc_key_def *k = hfc_key_find(key);
        size_t n = strlen(key);
        char base[128];
        if (k && !k->honoured && !is_default(k, v))
            hfc_log(HF_LOG_WARNING, "%s: %s=%s is accepted and has no effect: %s", cfg->entries[i].origin, key,
                    k->type == HFC_KEY_SECRET ? "***" : v, k->ignored_why);
        if (k || plugin_key(key, method))
            continue;
        /* a secret's _FILE form */
        if (n > 5 && strcasecmp(key + n - 5, "_FILE") == 0) {
            snprintf(base, sizeof base, "%.*s", (int)(n - 5), key);
            if ((k = hfc_key_find(base)) && k->type == HFC_KEY_SECRET)
                continue;
        }
        {
            /* METHOD_PARAM of a method not in use (the keys of the method
             * an operator switched from) */
            const char *near = hfc_key_nearest(key);
            bool other_method = !near && strchr(key, '_') && *method;
            hfc_log(HF_LOG_WARNING, "%s: unknown key %s (ignored)%s%s%s%s%s", cfg->entries[i].origin, key,
                    near ? ": did you mean " : "", near ? near : "", near ? "?" : "",
                    other_method ? ": a parameter of another method than FENCE_METHOD=" : "",
                    other_method ? method : "");
        }
    }
}

bool hfc_settings_load(const hfc_config *cfg, hfc_settings *s, hfc_error *err)
{
    size_t count;
    const hfc_key_def *table = hfc_keys(&count);
    const char *action;
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < count; i++) {
        const char *v = hfc_config_get(cfg, table[i].name);
        if (v && !value_ok(&table[i], v, hfc_config_origin(cfg, table[i].name), err))
            return false;
    }
    s->fence_enabled = flag(cfg, "FENCE_ENABLED");
    action = hfc_key_value(cfg, "FENCE_ACTION");
    s->fence_action = !strcasecmp(action, "start")   ? HFC_FENCE_START
                      : !strcasecmp(action, "reset") ? HFC_FENCE_RESET
                                                     : HFC_FENCE_STOP;
    s->fence_method = hfc_strdup(hfc_config_get(cfg, "FENCE_METHOD") ? hfc_config_get(cfg, "FENCE_METHOD") : "");
    warn_keys(cfg, s->fence_method);
    if (s->fence_enabled && !*s->fence_method) {
        /* no silent default: a misspelt FENCE_METHOD must not fence
         * another way */
        const char *typo = NULL;
        for (size_t i = 0; i < cfg->count && !typo; i++)
            if (hfc_key_nearest(cfg->entries[i].key) &&
                strcmp(hfc_key_nearest(cfg->entries[i].key), "FENCE_METHOD") == 0)
                typo = cfg->entries[i].origin;
        hfc_error_set(err, HF_E_BAD_PARAMETER,
                      "FENCE_METHOD is required with FENCE_ENABLED=1 (a plugin's name or a custom script's)%s%s%s",
                      typo ? "; " : "", typo ? typo : "", typo ? " is a key close to it: a typo?" : "");
        hfc_settings_free(s);
        return false;
    }
    s->fence_file_loc = text(cfg, "FENCE_FILE_LOC");
    s->fence_ipaddress = text(cfg, "FENCE_IPADDRESS");
    s->fence_passwd = text(cfg, "FENCE_PASSWD");
    if (*s->fence_passwd)
        hfc_secret_register(s->fence_passwd);
    s->fence_min_hosts = hfc_key_int(cfg, "FENCE_MIN_HOSTS");
    s->fence_quorum_required = flag(cfg, "FENCE_QUORUM_REQUIRED");
    s->fence_use_ip_heuristics = flag(cfg, "FENCE_USE_IP_HEURISTICS");
    s->fence_heuristics_ips = text(cfg, "FENCE_HEURISTICS_IPS");
    s->fence_ha_onfail = flag(cfg, "FENCE_HA_ONFAIL");
    s->fence_reboot_lone_host = flag(cfg, "FENCE_REBOOT_LONE_HOST");
    s->fence_host_forget = flag(cfg, "FENCE_HOST_FORGET");
    s->xapi_count = hfc_key_int(cfg, "XAPI_COUNT");
    s->xapi_delay = hfc_key_int(cfg, "XAPI_DELAY");
    s->global_vm_ha = flag(cfg, "GLOBAL_VM_HA");
    s->op_mode = (int)hfc_key_int(cfg, "OP_MODE");
    s->disabled_vapps = text(cfg, "DISABLED_VAPPS");
    s->slave_ha = flag(cfg, "SLAVE_HA");
    s->promote_slave = flag(cfg, "PROMOTE_SLAVE");
    if (!*s->fence_passwd && hfc_config_get(cfg, "FENCE_PASSWD_FILE") && *hfc_config_get(cfg, "FENCE_PASSWD_FILE")) {
        char *secret = hfc_secret_from_file(hfc_config_get(cfg, "FENCE_PASSWD_FILE"), err);
        if (!secret) {
            hfc_settings_free(s);
            return false;
        }
        free(s->fence_passwd);
        s->fence_passwd = secret;
        hfc_secret_register(secret);
    }
    return true;
}

void hfc_settings_free(hfc_settings *s)
{
    if (s->fence_passwd)
        hfc_wipe(s->fence_passwd, strlen(s->fence_passwd));
    free(s->fence_passwd);
    free(s->fence_method);
    free(s->fence_file_loc);
    free(s->fence_ipaddress);
    free(s->fence_heuristics_ips);
    free(s->disabled_vapps);
    memset(s, 0, sizeof *s);
}

hfc_action hfc_fence_action_to_action(hfc_fence_action a)
{
    switch (a) {
    case HFC_FENCE_START: return HFC_ACTION_ON;
    case HFC_FENCE_RESET: return HFC_ACTION_REBOOT;
    default: return HFC_ACTION_OFF;
    }
}
