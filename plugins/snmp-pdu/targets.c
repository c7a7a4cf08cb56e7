/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing "<pdu-address>:<outlet>[,<outlet>...][;...]" (targets.h). */
#include "plugins/snmp-pdu/targets.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_outlets(const char *s, size_t len, pdu_target *t, hf_reply *reply)
{
    const char *end = s + len;
    while (s <= end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *stop = comma ? comma : end;
        size_t n = (size_t)(stop - s);
        pdu_outlet *o;
        bool digits = n > 0;
        if (n == 0 || n >= sizeof t->outlets[0].name) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "an outlet is empty or longer than %zu characters",
                         sizeof t->outlets[0].name - 1);
            return false;
        }
        if (t->count == PDU_MAX_OUTLETS) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "more than %d outlets on one PDU", PDU_MAX_OUTLETS);
            return false;
        }
        o = &t->outlets[t->count++];
        memcpy(o->name, s, n);
        o->name[n] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)s[i]))
                digits = false;
            if (!isalnum((unsigned char)s[i]) && !strchr("._-+/ ", s[i])) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "outlet '%s' holds '%c'", o->name,
                             isprint((unsigned char)s[i]) ? s[i] : '?');
                return false;
            }
        }
        o->number = 0;
        if (digits) {
            o->number = strtol(o->name, NULL, 10);
            if (o->number < 1 || o->number > 100000) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "outlet number %s out of range", o->name);
                return false;
            }
        }
        if (!comma)
            break;
        s = comma + 1;
    }
    return true;
}

bool pdu_targets_parse(const char *text, pdu_target *out, int *count, hf_reply *reply)
{
    const char *s = text, *end = text + strlen(text);
    *count = 0;
    if (!*text) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "no outlet given");
        return false;
    }
    while (s <= end) {
        const char *semi = memchr(s, ';', (size_t)(end - s));
        const char *stop = semi ? semi : end, *colon = NULL;
        pdu_target *t;
        if (*count == PDU_MAX_PDUS) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "more than %d PDUs for one host", PDU_MAX_PDUS);
            return false;
        }
        t = &out[(*count)++];
        memset(t, 0, sizeof *t);
        /* the outlets follow the last ':' ("[fe80::1]:3" has its address in brackets) */
        for (const char *p = s; p < stop; p++)
            if (*p == ':')
                colon = p;
        if (colon) {
            size_t n = (size_t)(colon - s);
            if (n == 0 || n >= sizeof t->address) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "a PDU address is empty or too long");
                return false;
            }
            memcpy(t->address, s, n);
            t->address[n] = '\0';
        }
        if (!parse_outlets(colon ? colon + 1 : s, (size_t)(stop - (colon ? colon + 1 : s)), t, reply))
            return false;
        if (!semi)
            break;
        s = semi + 1;
    }
    return true;
}
