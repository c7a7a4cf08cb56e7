/*
 * HA-Lizard compatible configuration: KEY=VALUE lines, '#' comments, values
 * optionally in single or double quotes.  Files are read, never sourced:
 * shell expansion ($VAR, $(...), `...`) is refused rather than silently
 * taken literally.  Keys are case-insensitive; a later file wins.
 */
#include "hafence-core.h"

#include <unistd.h>

#include <ctype.h>
#include <strings.h>
#include <sys/stat.h>

#define CONFIG_MAX_BYTES (1u << 20)

typedef struct entry {
    char *key;    /* upper case */
    char *value;
    char *origin; /* "file:line" */
} entry;

struct hf_config {
    entry *entries;
    size_t count;
};

hf_config *hf_config_new(void) { return hf_calloc(1, sizeof(hf_config)); }

void hf_config_free(hf_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->count; i++) {
        hf_wipe(cfg->entries[i].value, strlen(cfg->entries[i].value));
        free(cfg->entries[i].key);
        free(cfg->entries[i].value);
        free(cfg->entries[i].origin);
    }
    free(cfg->entries);
    free(cfg);
}

static entry *find(const hf_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->count; i++)
        if (strcasecmp(cfg->entries[i].key, key) == 0)
            return &cfg->entries[i];
    return NULL;
}

const char *hf_config_get(const hf_config *cfg, const char *key)
{
    entry *e = find(cfg, key);
    return e ? e->value : NULL;
}

const char *hf_config_origin(const hf_config *cfg, const char *key)
{
    entry *e = find(cfg, key);
    return e ? e->origin : "(default)";
}

size_t hf_config_count(const hf_config *cfg) { return cfg->count; }

const char *hf_config_key_at(const hf_config *cfg, size_t i)
{
    return i < cfg->count ? cfg->entries[i].key : NULL;
}

static void put(hf_config *cfg, const char *key, const char *value, const char *origin)
{
    entry *e = find(cfg, key);
    if (e) {
        hf_wipe(e->value, strlen(e->value));
        free(e->value);
        free(e->origin);
    } else {
        cfg->entries = hf_realloc(cfg->entries, (cfg->count + 1) * sizeof *cfg->entries);
        e = &cfg->entries[cfg->count++];
        e->key = hf_strdup(key);
        for (char *k = e->key; *k; k++)
            *k = (char)toupper((unsigned char)*k);
    }
    e->value = hf_strdup(value);
    e->origin = hf_strdup(origin);
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
        } else if (c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' ||
                   c == ')') {
            return "shell syntax in value (quote the value)";
        } else {
            *o++ = c;
            v++;
        }
    }
    *o = '\0';
    return NULL;
}

bool hf_config_parse(hf_config *cfg, const char *origin, const char *text, size_t len,
                     hf_error *err)
{
    const char *p = text, *end = text + len;
    size_t lineno = 0;
    char where[512];
    if (len > CONFIG_MAX_BYTES) {
        hf_error_set(err, HF_E_BAD_PARAMETER, "%s: larger than %u bytes", origin,
                     CONFIG_MAX_BYTES);
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
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: NUL byte in line", where);
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
            hf_error_set(err, HF_E_BAD_PARAMETER,
                         "%s: expected KEY=VALUE (KEY of letters, digits and _, no spaces "
                         "around =)",
                         where);
            return false;
        }
        if ((size_t)(ke - k) >= sizeof key) {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: key too long", where);
            return false;
        }
        memcpy(key, k, (size_t)(ke - k));
        key[ke - k] = '\0';
        value = hf_calloc(1, (size_t)(eol - eq) + 256 + 1); /* room for $HOSTNAME */
        why = parse_value(eq + 1, eol, value, (size_t)(eol - eq) + 256 + 1);
        if (why) {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: key %s: %s", where, key, why);
            hf_wipe(value, strlen(value));
            free(value);
            return false;
        }
        /* a '\r' from a file edited on Windows is not part of the value */
        if (*value && value[strlen(value) - 1] == '\r')
            value[strlen(value) - 1] = '\0';
        put(cfg, key, value, where);
        hf_wipe(value, strlen(value));
        free(value);
        p = eol + (nl ? 1 : 0);
    }
    return true;
}

bool hf_config_set(hf_config *cfg, const char *origin, const char *key, const char *text, hf_error *err)
{
    size_t n = strlen(text) + 256 + 1;
    char *value;
    const char *why;
    for (const char *k = key; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_') {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: '%s' is not a key (letters, digits and _)", origin, key);
            return false;
        }
    if (!*key || isdigit((unsigned char)*key) || strlen(key) >= 128) {
        hf_error_set(err, HF_E_BAD_PARAMETER, "%s: '%s' is not a key", origin, key);
        return false;
    }
    value = hf_calloc(1, n);
    why = parse_value(text, text + strlen(text), value, n);
    if (why) {
        hf_error_set(err, HF_E_BAD_PARAMETER, "%s: key %s: %s", origin, key, why);
    } else {
        char k[128];
        hf_strlcpy(k, key, sizeof k);
        put(cfg, k, value, origin);
    }
    hf_wipe(value, n);
    free(value);
    return why == NULL;
}

bool hf_config_key_is_secret(const char *key)
{
    static const char *const marks[] = {"PASSW", "SECRET", "PASSPHRASE", "COMMUNITY",
                                        "AUTH_KEY", "PRIV_KEY", "_KG"};
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

bool hf_config_load(hf_config *cfg, const char *path, hf_error *err)
{
    size_t len, before = cfg->count;
    struct stat st;
    char *text = hf_read_trusted(path, CONFIG_MAX_BYTES, &len, err);
    bool ok, secret = false;
    if (!text)
        return false;
    ok = hf_config_parse(cfg, path, text, len, err);
    hf_wipe(text, len);
    free(text);
    if (!ok)
        return false;
    for (size_t i = 0; i < cfg->count; i++) {
        size_t olen = strlen(path);
        /* entries this file set (new ones, or overridden: origin is ours) */
        if ((i >= before || (strncmp(cfg->entries[i].origin, path, olen) == 0 &&
                             cfg->entries[i].origin[olen] == ':')) &&
            hf_config_key_is_secret(cfg->entries[i].key) && *cfg->entries[i].value)
            secret = true;
    }
    if (secret && stat(path, &st) == 0 && (st.st_mode & 077))
        hf_log(HF_LOG_WARNING, "%s holds secrets and is readable by %s (mode %04o): chmod 600 %s",
               path, (st.st_mode & 007) ? "others" : "its group", (unsigned)(st.st_mode & 07777),
               path);
    return true;
}

/* ---- the FENCE_* settings ----------------------------------------------- */

typedef enum key_type { K_BOOL, K_INT, K_ACTION, K_METHOD, K_PATH, K_ADDRESS, K_STRING, K_LIST } key_type;

typedef struct key_def {
    const char *key;
    key_type type;
    const char *dflt;
    long long min, max;
} key_def;

static const key_def fence_keys[] = {
    {"FENCE_ENABLED", K_BOOL, "1", 0, 0},
    {"FENCE_ACTION", K_ACTION, "stop", 0, 0},
    {"FENCE_METHOD", K_METHOD, "POOL", 0, 0},
    {"FENCE_FILE_LOC", K_PATH, "/etc/ha-lizard/fence", 0, 0},
    {"FENCE_IPADDRESS", K_ADDRESS, "", 0, 0},
    {"FENCE_PASSWD", K_STRING, "", 0, 0},
    {"FENCE_MIN_HOSTS", K_INT, "3", 1, 1000},
    {"FENCE_QUORUM_REQUIRED", K_BOOL, "1", 0, 0},
    {"FENCE_USE_IP_HEURISTICS", K_BOOL, "1", 0, 0},
    {"FENCE_HEURISTICS_IPS", K_STRING, "", 0, 0},
    {"FENCE_HA_ONFAIL", K_BOOL, "0", 0, 0},
    {"FENCE_REBOOT_LONE_HOST", K_BOOL, "0", 0, 0},
    {"FENCE_HOST_FORGET", K_BOOL, "0", 0, 0},
    {"XAPI_COUNT", K_INT, "5", 1, 1000},
    {"XAPI_DELAY", K_INT, "15", 0, 3600},
    /* which VMs are recovered, and who recovers them (HA-Lizard's keys) */
    {"GLOBAL_VM_HA", K_BOOL, "1", 0, 0},
    {"OP_MODE", K_INT, "2", 1, 2},
    {"DISABLED_VAPPS", K_LIST, "", 0, 0},
    {"SLAVE_HA", K_BOOL, "1", 0, 0},
    {"PROMOTE_SLAVE", K_BOOL, "1", 0, 0},
    {NULL, K_STRING, NULL, 0, 0},
};

/* Keys HA-Lizard itself reads: accepted silently (the daemon uses some). */
static const char *const ha_lizard_keys[] = {
    "ENABLE_LOGGING", "SLAVE_VM_STAT", "XC_FIELD_NAME", "XE_TIMEOUT", "HOST_SELECT_METHOD",
    "FENCE_PASSWD_FILE", NULL};
static const char *const ha_lizard_prefixes[] = {"MAIL_", "MONITOR_", "SMTP_", "LOG_",
                                                 "HAFENCE_", NULL};

static bool known_other_key(const char *key, const char *method)
{
    char prefix[128];
    for (const char *const *k = ha_lizard_keys; *k; k++)
        if (strcasecmp(key, *k) == 0)
            return true;
    for (const char *const *p = ha_lizard_prefixes; *p; p++)
        if (strncasecmp(key, *p, strlen(*p)) == 0)
            return true;
    /* <METHOD>_<PARAM>: checked against the plugin's table by method.c */
    snprintf(prefix, sizeof prefix, "%s_", method);
    for (char *c = prefix; *c; c++)
        if (*c == '-')
            *c = '_';
    return strncasecmp(key, prefix, strlen(prefix)) == 0;
}

static bool valid_method(const char *m)
{
    if (!*m || strlen(m) > 64 || strcmp(m, ".") == 0 || strcmp(m, "..") == 0)
        return false;
    for (; *m; m++)
        if (!isalnum((unsigned char)*m) && *m != '_' && *m != '-' && *m != '.')
            return false;
    return true;
}

static bool check_value(const key_def *k, const char *v, const hf_config *cfg, hf_settings *s,
                        hf_error *err)
{
    const char *where = hf_config_origin(cfg, k->key);
    long long n;
    int b;
    switch (k->type) {
    case K_BOOL:
        b = hf_parse_bool(v);
        if (b < 0) {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected 1 or 0", where, k->key, v);
            return false;
        }
        if (strcmp(k->key, "FENCE_ENABLED") == 0) s->fence_enabled = b;
        else if (strcmp(k->key, "FENCE_QUORUM_REQUIRED") == 0) s->fence_quorum_required = b;
        else if (strcmp(k->key, "FENCE_USE_IP_HEURISTICS") == 0) s->fence_use_ip_heuristics = b;
        else if (strcmp(k->key, "FENCE_HA_ONFAIL") == 0) s->fence_ha_onfail = b;
        else if (strcmp(k->key, "FENCE_REBOOT_LONE_HOST") == 0) s->fence_reboot_lone_host = b;
        else if (strcmp(k->key, "FENCE_HOST_FORGET") == 0) s->fence_host_forget = b;
        else if (strcmp(k->key, "GLOBAL_VM_HA") == 0) s->global_vm_ha = b;
        else if (strcmp(k->key, "SLAVE_HA") == 0) s->slave_ha = b;
        else if (strcmp(k->key, "PROMOTE_SLAVE") == 0) s->promote_slave = b;
        return true;
    case K_INT:
        if (!hf_parse_ll(v, &n) || n < k->min || n > k->max) {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected an integer from %lld to %lld",
                         where, k->key, v, k->min, k->max);
            return false;
        }
        if (strcmp(k->key, "FENCE_MIN_HOSTS") == 0) s->fence_min_hosts = n;
        else if (strcmp(k->key, "XAPI_COUNT") == 0) s->xapi_count = n;
        else if (strcmp(k->key, "XAPI_DELAY") == 0) s->xapi_delay = n;
        else if (strcmp(k->key, "OP_MODE") == 0) s->op_mode = (int)n;
        return true;
    case K_ACTION:
        if (strcasecmp(v, "stop") == 0) s->fence_action = HF_FENCE_STOP;
        else if (strcasecmp(v, "start") == 0) s->fence_action = HF_FENCE_START;
        else if (strcasecmp(v, "reset") == 0) s->fence_action = HF_FENCE_RESET;
        else {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected stop, start or reset",
                         where, k->key, v);
            return false;
        }
        return true;
    case K_METHOD:
        if (!valid_method(v)) {
            hf_error_set(err, HF_E_BAD_PARAMETER,
                         "%s: %s=%s: a method is ILO, IRMC, XVM, POOL, IPMI, SNMP-PDU or a "
                         "script name of letters, digits, '_', '-' and '.'",
                         where, k->key, v);
            return false;
        }
        s->fence_method = hf_strdup(v);
        return true;
    case K_PATH:
        if (v[0] != '/') {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected an absolute path", where,
                         k->key, v);
            return false;
        }
        s->fence_file_loc = hf_strdup(v);
        return true;
    case K_ADDRESS: {
        hf_param_def def = {.name = "FENCE_IPADDRESS", .type = HF_PARAM_ADDRESS};
        hf_error verr;
        if (*v && !hf_param_value_valid(&def, v, &verr)) {
            hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s", where, verr.message);
            return false;
        }
        s->fence_ipaddress = hf_strdup(v);
        return true;
    }
    case K_LIST:
        /* ':'-separated UUIDs (HA-Lizard's array, parsed by the reader) */
        for (const char *c = v; *c; c++)
            if (!isxdigit((unsigned char)*c) && *c != '-' && *c != ':') {
                hf_error_set(err, HF_E_BAD_PARAMETER, "%s: %s=%s: expected UUIDs separated by ':' (or ())",
                             where, k->key, v);
                return false;
            }
        s->disabled_vapps = hf_strdup(v);
        return true;
    case K_STRING:
        if (strcmp(k->key, "FENCE_PASSWD") == 0) {
            s->fence_passwd = hf_strdup(v);
            hf_secret_register(v);
        } else {
            s->fence_heuristics_ips = hf_strdup(v);
        }
        return true;
    }
    return false;
}

bool hf_settings_load(const hf_config *cfg, hf_settings *s, hf_error *err)
{
    memset(s, 0, sizeof *s);
    for (const key_def *k = fence_keys; k->key; k++) {
        const char *v = hf_config_get(cfg, k->key);
        if (!check_value(k, v ? v : k->dflt, cfg, s, err)) {
            hf_settings_free(s);
            return false;
        }
    }
    if (!*s->fence_passwd && hf_config_get(cfg, "FENCE_PASSWD_FILE")) {
        char *secret = hf_secret_from_file(hf_config_get(cfg, "FENCE_PASSWD_FILE"), err);
        if (!secret) {
            hf_settings_free(s);
            return false;
        }
        free(s->fence_passwd);
        s->fence_passwd = secret;
        hf_secret_register(secret);
    }
    for (size_t i = 0; i < cfg->count; i++) {
        const char *key = cfg->entries[i].key;
        bool known = false;
        for (const key_def *k = fence_keys; k->key && !known; k++)
            known = strcmp(k->key, key) == 0;
        if (!known && !known_other_key(key, s->fence_method))
            hf_log(HF_LOG_WARNING, "%s: unknown key %s (ignored)", cfg->entries[i].origin, key);
    }
    return true;
}

void hf_settings_free(hf_settings *s)
{
    if (s->fence_passwd)
        hf_wipe(s->fence_passwd, strlen(s->fence_passwd));
    free(s->fence_passwd);
    free(s->fence_method);
    free(s->fence_file_loc);
    free(s->fence_ipaddress);
    free(s->fence_heuristics_ips);
    free(s->disabled_vapps);
    memset(s, 0, sizeof *s);
}

hf_action hf_fence_action_to_action(hf_fence_action a)
{
    switch (a) {
    case HF_FENCE_START: return HF_ACTION_ON;
    case HF_FENCE_RESET: return HF_ACTION_REBOOT;
    default: return HF_ACTION_OFF;
    }
}
