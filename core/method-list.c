/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FENCE_METHOD's syntax (core/method.h): levels of method names, read
 * without loading anything, so that the config check and the fuzz target
 * use it alone.
 */
#include "core/error.h"
#include "core/method.h"

#include <ctype.h>
#include <string.h>

bool hfc_method_same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : (char)tolower((unsigned char)*a);
        char y = *b == '_' ? '-' : (char)tolower((unsigned char)*b);
        if (x != y)
            return false;
    }
    return !*a && !*b;
}

/* A method's name: letters, digits, '_', '-', '.' (it names a folder) */
static bool method_name_ok(const char *m, size_t n)
{
    if (n == 0 || n >= HFC_METHOD_NAME_MAX || (n == 1 && m[0] == '.') || (n == 2 && m[0] == '.' && m[1] == '.'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)m[i]) && m[i] != '_' && m[i] != '-' && m[i] != '.')
            return false;
    return true;
}

/* One entry NAME or NAME:PLUGIN, from text[0..n) with blanks around it. */
static bool entry_parse(const char *text, size_t n, unsigned level, hfc_method_entry *e, hfc_error *err)
{
    const char *colon;
    size_t name_len;
    while (n && isblank((unsigned char)*text))
        text++, n--;
    while (n && isblank((unsigned char)text[n - 1]))
        n--;
    colon = memchr(text, ':', n);
    name_len = colon ? (size_t)(colon - text) : n;
    memset(e, 0, sizeof *e);
    e->level = level;
    if (!n) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "level %u has an empty method (two separators together?)", level);
        return false;
    }
    if (!method_name_ok(text, name_len) || (colon && !method_name_ok(colon + 1, n - name_len - 1))) {
        hfc_error_set(err, HF_E_BAD_PARAMETER,
                      "'%.*s': a method is a plugin's name (ILO, IRMC, XVM, POOL, IPMI, SNMP-PDU, ...) or a "
                      "script name of letters, digits, '_', '-' and '.' (at most %d), or NAME:PLUGIN",
                      (int)n, text, HFC_METHOD_NAME_MAX - 1);
        return false;
    }
    memcpy(e->name, text, name_len);
    if (colon)
        memcpy(e->plugin, colon + 1, n - name_len - 1);
    return true;
}

bool hfc_method_list_parse(const char *text, hfc_method_list *out, hfc_error *err)
{
    const char *p = text;
    memset(out, 0, sizeof *out);
    out->levels = 1;
    for (;;) {
        size_t n = strcspn(p, ",+");
        if (out->count == HFC_METHODS_MAX) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "more than %d fence methods", HFC_METHODS_MAX);
            return false;
        }
        if (!entry_parse(p, n, out->levels, &out->entries[out->count], err))
            return false;
        for (size_t i = 0; i < out->count; i++)
            if (hfc_method_same_name(out->entries[i].name, out->entries[out->count].name)) {
                hfc_error_set(err, HF_E_BAD_PARAMETER,
                              "method %s is named twice (each has its own keys and host map: name a second "
                              "device of one plugin NAME:PLUGIN, e.g. PDU_B:SNMP-PDU)",
                              out->entries[i].name);
                return false;
            }
        out->count++;
        if (!p[n])
            return true;
        if (p[n] == ',')
            out->levels++;
        p += n + 1;
    }
}
