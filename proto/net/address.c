/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device addresses (address.h). */
#include "proto/net/address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_port(const char *s, int *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

bool net_split_address(const char *a, char *host, size_t host_size, int *port)
{
    const char *colon = strrchr(a, ':');
    size_t n;
    if (!*a)
        return false;
    if (*a == '[') {
        const char *end = strchr(a, ']');
        if (!end || (end[1] && (end[1] != ':' || !parse_port(end + 2, port))))
            return false;
        n = (size_t)(end - a - 1);
        if (n == 0 || n >= host_size)
            return false;
        memcpy(host, a + 1, n);
        host[n] = '\0';
        return true;
    }
    if (colon && strchr(a, ':') == colon) { /* one colon: host:port */
        n = (size_t)(colon - a);
        if (n == 0 || n >= host_size || !parse_port(colon + 1, port))
            return false;
        memcpy(host, a, n);
        host[n] = '\0';
        return true;
    }
    return snprintf(host, host_size, "%s", a) < (int)host_size;
}
