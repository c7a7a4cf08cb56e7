/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The iRMC text menu's screens (menu.h). */
#include "plugins/irmc/menu.h"

#include <ctype.h>
#include <strings.h>

bool menu_item_key(const char *screen, const char *label, char *key)
{
    size_t n = strlen(label);
    for (const char *p = screen; (p = strchr(p, '(')) != NULL; p++) {
        const char *q;
        /* "(k) Label": one key character, ')', spaces, the label */
        if (!isalnum((unsigned char)p[1]) || p[2] != ')')
            continue;
        for (q = p + 3; *q == ' ' || *q == '\t'; q++)
            ;
        if (strncmp(q, label, n) == 0) {
            *key = p[1];
            return true;
        }
    }
    return false;
}

void menu_read(const char *screen, menu_screen *s)
{
    const char *p = strstr(screen, "Power Status");
    memset(s, 0, sizeof *s);
    if (!p)
        return;
    p += strlen("Power Status");
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p++ != ':')
        return;
    while (*p == ' ' || *p == '\t')
        p++;
    s->has_power = true;
    s->power = strncasecmp(p, "Off", 3) == 0  ? HF_POWER_OFF
               : strncasecmp(p, "On", 2) == 0 ? HF_POWER_ON
                                              : HF_POWER_UNKNOWN;
}
