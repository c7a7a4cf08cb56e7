/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parameter sets and their validation against a plugin's parameter table. */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/params.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <strings.h>

struct hfc_paramset {
    char **names;
    char **values;
    size_t count;
};

hfc_paramset *hfc_paramset_new(void)
{
    return hfc_calloc(1, sizeof(hfc_paramset));
}

void hfc_paramset_free(hfc_paramset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++) {
        hfc_wipe(set->values[i], strlen(set->values[i]));
        free(set->values[i]);
        free(set->names[i]);
    }
    free(set->names);
    free(set->values);
    free(set);
}

void hfc_paramset_set(hfc_paramset *set, const char *name, const char *value)
{
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->names[i], name) == 0) {
            hfc_wipe(set->values[i], strlen(set->values[i]));
            free(set->values[i]);
            set->values[i] = hfc_strdup(value);
            return;
        }
    }
    set->names = hfc_realloc(set->names, (set->count + 1) * sizeof(char *));
    set->values = hfc_realloc(set->values, (set->count + 1) * sizeof(char *));
    set->names[set->count] = hfc_strdup(name);
    set->values[set->count] = hfc_strdup(value);
    set->count++;
}

const char *hfc_paramset_get(const hfc_paramset *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->names[i], name) == 0)
            return set->values[i];
    return NULL;
}

size_t hfc_paramset_count(const hfc_paramset *set)
{
    return set->count;
}

const char *hfc_paramset_name(const hfc_paramset *set, size_t i)
{
    return i < set->count ? set->names[i] : NULL;
}

const hf_param_def *hfc_param_def_find(const hf_param_def *defs, const char *name)
{
    for (; defs && defs->name; defs++)
        if (strcmp(defs->name, name) == 0)
            return defs;
    return NULL;
}

const char *hfc_param_type_name(hf_param_type type)
{
    switch (type) {
    case HF_PARAM_STRING: return "string";
    case HF_PARAM_INTEGER: return "integer";
    case HF_PARAM_BOOLEAN: return "boolean";
    case HF_PARAM_ENUM: return "enum";
    case HF_PARAM_ADDRESS: return "address";
    case HF_PARAM_PATH: return "path";
    }
    return "invalid";
}

static bool valid_hostname(const char *s, size_t len)
{
    size_t label = 0;
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum(c) || c == '-' || c == '_') {
            if ((label == 0 && c == '-') || ++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0 && s[len - 1] != '-';
}

static bool valid_port(const char *s)
{
    long long port;
    return hfc_parse_ll(s, &port) && port >= 1 && port <= 65535;
}

/* host, IPv4, IPv6, [IPv6], each with an optional :port (IPv6 only in
 * brackets then). */
static bool valid_address(const char *v)
{
    char buf[256];
    struct in6_addr a6;
    const char *colon;
    if (strlen(v) >= sizeof buf)
        return false;
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (!close)
            return false;
        snprintf(buf, sizeof buf, "%.*s", (int)(close - v - 1), v + 1);
        if (inet_pton(AF_INET6, buf, &a6) != 1)
            return false;
        return close[1] == '\0' || (close[1] == ':' && valid_port(close + 2));
    }
    if (inet_pton(AF_INET6, v, &a6) == 1)
        return true;
    colon = strchr(v, ':');
    if (colon && (strchr(colon + 1, ':') || !valid_port(colon + 1)))
        return false;
    return valid_hostname(v, colon ? (size_t)(colon - v) : strlen(v));
}

bool hfc_param_value_valid(const hf_param_def *def, const char *value, hfc_error *err)
{
    long long n;
    for (const char *p = value; *p; p++) {
        if (iscntrl((unsigned char)*p)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': control characters are not allowed", def->name);
            return false;
        }
    }
    switch (def->type) {
    case HF_PARAM_STRING: return true;
    case HF_PARAM_INTEGER:
        if (!hfc_parse_ll(value, &n)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': '%s' is not an integer", def->name, value);
            return false;
        }
        if ((def->int_min || def->int_max) && (n < def->int_min || n > def->int_max)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': %lld is outside %lld..%lld", def->name, n,
                          def->int_min, def->int_max);
            return false;
        }
        return true;
    case HF_PARAM_BOOLEAN:
        if (hfc_parse_bool(value) < 0) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': '%s' is not a boolean (1/0, true/false, yes/no)",
                          def->name, value);
            return false;
        }
        return true;
    case HF_PARAM_ENUM:
        for (const char *const *e = def->enum_values; e && *e; e++)
            if (strcasecmp(*e, value) == 0)
                return true;
        {
            char allowed[512] = "";
            for (const char *const *e = def->enum_values; e && *e; e++) {
                size_t used = strlen(allowed);
                snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "", *e);
            }
            hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': '%s' is not one of: %s", def->name, value, allowed);
        }
        return false;
    case HF_PARAM_ADDRESS:
        if (!valid_address(value)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER,
                          "parameter '%s': '%s' is not a host name or IP address "
                          "(with optional :port, IPv6 in brackets)",
                          def->name, value);
            return false;
        }
        return true;
    case HF_PARAM_PATH:
        if (value[0] != '/') {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': '%s' is not an absolute path", def->name, value);
            return false;
        }
        return true;
    }
    hfc_error_set(err, HF_E_BAD_PARAMETER, "parameter '%s': unknown type %d", def->name, (int)def->type);
    return false;
}

/* The value as the plugin sees it: booleans 1/0, enums in the table's spelling. */
static const char *normalised(const hf_param_def *def, const char *value)
{
    if (def->type == HF_PARAM_BOOLEAN)
        return hfc_parse_bool(value) ? "1" : "0";
    if (def->type == HF_PARAM_ENUM)
        for (const char *const *e = def->enum_values; e && *e; e++)
            if (strcasecmp(*e, value) == 0)
                return *e;
    return value;
}

void hfc_params_free(hf_param *params)
{
    if (!params)
        return;
    for (hf_param *p = params; p->name; p++) {
        char *v = (char *)p->value;
        hfc_wipe(v, strlen(v));
        free(v);
    }
    free(params);
}

hf_param *hfc_params_validate(const hf_param_def *defs, const hfc_paramset *given, const char *plugin, hfc_error *err)
{
    size_t ndefs = 0, n = 0;
    hf_param *out;
    for (size_t i = 0; i < given->count; i++) {
        if (!hfc_param_def_find(defs, given->names[i])) {
            const char *names[256], *near;
            size_t k = 0;
            for (const hf_param_def *d = defs; d && d->name && k < sizeof names / sizeof names[0]; d++)
                names[k++] = d->name;
            near = hfc_nearest(given->names[i], names, k);
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: unknown parameter '%s'%s%s%s (see 'hafence info %s')", plugin,
                          given->names[i], near ? ": did you mean '" : "", near ? near : "", near ? "'?" : "", plugin);
            return NULL;
        }
    }
    for (const hf_param_def *d = defs; d && d->name; d++)
        ndefs++;
    out = hfc_calloc(ndefs + 1, sizeof(hf_param));
    for (const hf_param_def *d = defs; d && d->name; d++) {
        const char *v = hfc_paramset_get(given, d->name);
        hfc_error perr;
        if (!v || (!*v && d->default_value))
            v = d->default_value;
        if (!v || !*v) {
            if (d->flags & HF_PARAM_REQUIRED) {
                hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: missing required parameter '%s'", plugin, d->name);
                goto fail;
            }
            continue;
        }
        if (!hfc_param_value_valid(d, v, &perr)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: %s", plugin, perr.message);
            goto fail;
        }
        if (d->flags & HF_PARAM_SECRET)
            hfc_secret_register(v);
        out[n].name = d->name;
        out[n].value = hfc_strdup(normalised(d, v));
        n++;
    }
    return out;
fail:
    hfc_params_free(out);
    return NULL;
}
