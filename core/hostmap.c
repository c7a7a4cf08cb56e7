/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host maps: FENCE_FILE_LOC/<METHOD>/<METHOD>.hosts, one
 * <host-uuid>:<target> line per host.  The target is everything after the
 * first ':', so "[fe80::1]:623" works.  '#' comments and blank lines are
 * allowed; a malformed UUID, a duplicate host or an empty target is an
 * error naming the line.
 */
#include "core/error.h"
#include "core/util.h"
#include "core/hostmap.h"

#include <ctype.h>
#include <strings.h>

#define HOSTMAP_MAX_BYTES (1u << 20)

struct hfc_hostmap {
    char **hosts;
    char **targets;
    size_t count;
};

void hfc_hostmap_free(hfc_hostmap *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->count; i++) {
        free(map->hosts[i]);
        free(map->targets[i]);
    }
    free(map->hosts);
    free(map->targets);
    free(map);
}

static char *trimmed(const char *s, const char *e)
{
    char *out;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    out = hfc_calloc(1, (size_t)(e - s) + 1);
    memcpy(out, s, (size_t)(e - s));
    return out;
}

hfc_hostmap *hfc_hostmap_parse(const char *origin, const char *text, size_t len, unsigned flags, hfc_error *err)
{
    hfc_hostmap *map = hfc_calloc(1, sizeof *map);
    const char *p = text, *end = text + len;
    size_t lineno = 0;
    if (len > HOSTMAP_MAX_BYTES) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "%s: larger than %u bytes", origin, HOSTMAP_MAX_BYTES);
        goto fail;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end, *colon, *s = p;
        char *host, *target;
        lineno++;
        p = eol + (nl ? 1 : 0);
        while (s < eol && isspace((unsigned char)*s))
            s++;
        if (s == eol || *s == '#')
            continue;
        if (memchr(s, '\0', (size_t)(eol - s))) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s:%zu: NUL byte in line", origin, lineno);
            goto fail;
        }
        colon = memchr(s, ':', (size_t)(eol - s));
        if (!colon) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s:%zu: expected <host-uuid>:<target>, found no ':'", origin,
                          lineno);
            goto fail;
        }
        host = trimmed(s, colon);
        target = trimmed(colon + 1, eol);
        if (!hfc_is_uuid(host)) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s:%zu: '%.60s' is not a host UUID", origin, lineno, host);
            free(host);
            free(target);
            goto fail;
        }
        if (!*target) {
            hfc_error_set(err, HF_E_BAD_PARAMETER, "%s:%zu: host %s has an empty target", origin, lineno, host);
            free(host);
            free(target);
            goto fail;
        }
        for (const char *t = target; *t; t++) {
            if (iscntrl((unsigned char)*t) || isspace((unsigned char)*t)) {
                hfc_error_set(err, HF_E_BAD_PARAMETER,
                              "%s:%zu: target of host %s contains a space or control character", origin, lineno, host);
                free(host);
                free(target);
                goto fail;
            }
        }
        if (hfc_hostmap_lookup(map, host)) {
            size_t i = 0;
            if (!(flags & HFC_HOSTMAP_JOIN_LINES)) {
                hfc_error_set(err, HF_E_BAD_PARAMETER, "%s:%zu: host %s appears more than once", origin, lineno, host);
                free(host);
                free(target);
                goto fail;
            }
            while (strcasecmp(map->hosts[i], host) != 0)
                i++;
            map->targets[i] = hfc_realloc(map->targets[i], strlen(map->targets[i]) + strlen(target) + 2);
            strcat(map->targets[i], ";");
            strcat(map->targets[i], target);
            free(host);
            free(target);
            continue;
        }
        map->hosts = hfc_realloc(map->hosts, (map->count + 1) * sizeof(char *));
        map->targets = hfc_realloc(map->targets, (map->count + 1) * sizeof(char *));
        map->hosts[map->count] = host;
        map->targets[map->count] = target;
        map->count++;
    }
    return map;
fail:
    hfc_hostmap_free(map);
    return NULL;
}

hfc_hostmap *hfc_hostmap_load(const char *path, unsigned flags, hfc_error *err)
{
    size_t len;
    char *text = hfc_read_trusted(path, HOSTMAP_MAX_BYTES, &len, err);
    hfc_hostmap *map;
    if (!text)
        return NULL;
    map = hfc_hostmap_parse(path, text, len, flags, err);
    free(text);
    return map;
}

const char *hfc_hostmap_lookup(const hfc_hostmap *map, const char *host_uuid)
{
    for (size_t i = 0; i < map->count; i++)
        if (strcasecmp(map->hosts[i], host_uuid) == 0)
            return map->targets[i];
    return NULL;
}

size_t hfc_hostmap_count(const hfc_hostmap *map)
{
    return map->count;
}

const char *hfc_hostmap_host_at(const hfc_hostmap *map, size_t i)
{
    return i < map->count ? map->hosts[i] : NULL;
}
