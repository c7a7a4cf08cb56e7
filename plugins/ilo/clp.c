/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The iLO CLP's answers (clp.h), e.g.
 *     status=0
 *     status_tag=COMMAND COMPLETED
 *     power: server power is currently: On
 * or  status=2 / status_tag=COMMAND PROCESSING FAILED / error_tag=COMMAND ERROR-UNSPECIFIED */
#include "plugins/ilo/clp.h"

#include <ctype.h>
#include <strings.h>

/* The rest of the line after key, trimmed, into out. */
static bool line_value(const char *text, const char *key, char *out, size_t size)
{
    const char *p = strstr(text, key);
    size_t n = 0;
    if (!p)
        return false;
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    while (p[n] && p[n] != '\r' && p[n] != '\n' && n + 1 < size) {
        out[n] = isprint((unsigned char)p[n]) ? p[n] : '?';
        n++;
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return true;
}

bool clp_parse(const char *text, clp_answer *a)
{
    char buf[64];
    memset(a, 0, sizeof *a);
    a->status = -1;
    if (line_value(text, "status=", buf, sizeof buf)) {
        char *end;
        long v = strtol(buf, &end, 10);
        if (end != buf && v >= 0 && v < 1000)
            a->status = (int)v;
    }
    line_value(text, "status_tag=", a->status_tag, sizeof a->status_tag);
    if (line_value(text, "error_tag=", a->error, sizeof a->error)) {
        /* the line after the tag says what went wrong */
        const char *p = strstr(text, "error_tag=");
        const char *nl = p ? strchr(p, '\n') : NULL;
        char more[120] = "";
        if (nl) {
            while (*nl == '\n' || *nl == '\r' || *nl == ' ')
                nl++;
            if (*nl && strncmp(nl, "</>", 3) != 0)
                line_value(nl, "", more, sizeof more);
        }
        if (*more) {
            size_t used = strlen(a->error);
            snprintf(a->error + used, sizeof a->error - used, ": %s", more);
        }
    }
    if (line_value(text, "server power is currently:", buf, sizeof buf)) {
        a->has_power = true;
        a->power = strncasecmp(buf, "Off", 3) == 0  ? HF_POWER_OFF
                   : strncasecmp(buf, "On", 2) == 0 ? HF_POWER_ON
                                                    : HF_POWER_UNKNOWN;
    }
    return a->status >= 0;
}
