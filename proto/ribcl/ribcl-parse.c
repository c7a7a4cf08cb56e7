/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RIBCL requests written and replies read (ribcl.h), with expat.  A reply
 * is several XML documents back to back, each starting "<?xml": each is
 * parsed on its own, by events, with nothing kept but what is read: the
 * RESPONSE statuses and GET_HOST_POWER of the root's children.  A DTD is
 * refused (an iLO sends none; it is how a reply would expand entities);
 * expat reads no external entity unless asked to, and none is. */
#include "proto/ribcl/ribcl.h"
#include "proto/xml/xml-text.h"

#include <expat.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RIBCL_MAX_DOCUMENTS 64

static const char *const commands[] = {
    [RIBCL_GET_POWER] = "<SERVER_INFO MODE=\"read\">\r\n<GET_HOST_POWER_STATUS/>\r\n</SERVER_INFO>",
    [RIBCL_FORCE_OFF] = "<SERVER_INFO MODE=\"write\">\r\n<HOLD_PWR_BTN TOGGLE=\"No\"/>\r\n</SERVER_INFO>",
    [RIBCL_POWER_ON] = "<SERVER_INFO MODE=\"write\">\r\n<SET_HOST_POWER HOST_POWER=\"Yes\"/>\r\n</SERVER_INFO>",
    [RIBCL_COLD_BOOT] = "<SERVER_INFO MODE=\"write\">\r\n<COLD_BOOT_SERVER/>\r\n</SERVER_INFO>",
};

/* s with the markup escaped (xml-text.h), into a new string; NULL when out
 * of memory. */
static char *escaped(const char *s)
{
    size_t n = 1;
    char *out, *o;
    for (const char *p = s; *p; p++) {
        const char *ref = xml_reference_for(*p);
        n += ref ? strlen(ref) : 1;
    }
    if (!(o = out = malloc(n)))
        return NULL;
    for (const char *p = s; *p; p++) {
        const char *ref = xml_reference_for(*p);
        if (ref)
            o = stpcpy(o, ref);
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

char *ribcl_request(ribcl_command cmd, const char *username, const char *password, size_t *len)
{
    char *u = escaped(username ? username : ""), *p = escaped(password ? password : "");
    char *doc = NULL;
    size_t size;
    if (u && p) {
        size = strlen(u) + strlen(p) + strlen(commands[cmd]) + 160;
        if ((doc = malloc(size)))
            *len = (size_t)snprintf(doc, size,
                                    "<?xml version=\"1.0\"?>\r\n<RIBCL VERSION=\"2.0\">\r\n"
                                    "<LOGIN USER_LOGIN=\"%s\" PASSWORD=\"%s\">\r\n%s\r\n</LOGIN>\r\n</RIBCL>\r\n",
                                    u, p, commands[cmd]);
    }
    if (p)
        memset(p, 0, strlen(p));
    free(u);
    free(p);
    return doc;
}

/* One document read by events: depth 1 is the root, depth 2 its children. */
typedef struct document {
    XML_Parser parser;
    int depth;
    bool refused; /* reply holds why */
    ribcl_result *res;
    hf_reply *reply;
} document;

static void refuse(document *d, const char *fmt, ...) HF_PRINTF(2, 3);
static void refuse(document *d, const char *fmt, ...)
{
    va_list ap;
    if (d->refused)
        return;
    d->refused = true;
    va_start(ap, fmt);
    vsnprintf(d->reply->message, sizeof d->reply->message, fmt, ap);
    va_end(ap);
    XML_StopParser(d->parser, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2)
        if (strcmp(atts[0], name) == 0)
            return atts[1];
    return NULL;
}

static void XMLCALL on_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
    document *d = arg;
    ribcl_result *res = d->res;
    const char *v;
    if (++d->depth == 1 && strcmp(name, "RIBCL") != 0)
        refuse(d, "reply document %d is not RIBCL", res->documents + 1);
    if (d->depth != 2)
        return;
    if (strcmp(name, "RESPONSE") == 0) {
        char *end;
        unsigned long status;
        if (!(v = attr(atts, "STATUS"))) {
            refuse(d, "a RESPONSE without STATUS");
            return;
        }
        status = strtoul(v, &end, 16);
        if (end == v || *end) {
            refuse(d, "RESPONSE STATUS '%.40s' is not hexadecimal", v);
            return;
        }
        if (status && !res->status) {
            res->status = (unsigned)status;
            snprintf(res->message, sizeof res->message, "%s",
                     attr(atts, "MESSAGE") ? attr(atts, "MESSAGE") : "(no message)");
        }
    } else if (strcmp(name, "GET_HOST_POWER") == 0) {
        if (!(v = attr(atts, "HOST_POWER"))) {
            refuse(d, "GET_HOST_POWER without HOST_POWER");
            return;
        }
        res->has_power = true;
        res->power = strcasecmp(v, "OFF") == 0  ? HF_POWER_OFF
                     : strcasecmp(v, "ON") == 0 ? HF_POWER_ON
                                                : HF_POWER_UNKNOWN;
    }
}

static void XMLCALL on_end(void *arg, const XML_Char *name)
{
    document *d = arg;
    (void)name;
    d->depth--;
}

static void XMLCALL on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    document *d = arg;
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    refuse(d, "reply document %d has a DTD (RIBCL has none)", d->res->documents + 1);
}

/* One document: its RESPONSE statuses and any GET_HOST_POWER.  Read as
 * ISO-8859-1 whatever it declares: every byte is a character there, and
 * what is read (statuses, ON/OFF) is ASCII; an iLO's message in another
 * encoding is at worst shown with odd letters, never refused for it. */
static bool parse_document(const char *text, size_t len, ribcl_result *res, hf_reply *reply)
{
    document d = {.res = res, .reply = reply};
    bool ok;
    if (len > INT_MAX || !(d.parser = XML_ParserCreate("ISO-8859-1"))) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "reply document %d could not be read", res->documents + 1);
        return false;
    }
    XML_SetUserData(d.parser, &d);
    XML_SetElementHandler(d.parser, on_start, on_end);
    XML_SetStartDoctypeDeclHandler(d.parser, on_doctype);
    ok = XML_Parse(d.parser, text, (int)len, XML_TRUE) == XML_STATUS_OK && !d.refused;
    if (!ok && !d.refused)
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "reply document %d is not well-formed XML (line %lu: %s)",
                     res->documents + 1, (unsigned long)XML_GetCurrentLineNumber(d.parser),
                     XML_ErrorString(XML_GetErrorCode(d.parser)));
    XML_ParserFree(d.parser);
    if (ok)
        res->documents++;
    return ok;
}

static const char *find(const char *hay, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; p + n <= end; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

hf_result ribcl_parse(const char *text, size_t len, ribcl_result *res, hf_reply *reply)
{
    const char *end = text + len, *start = find(text, end, "<?xml");
    memset(res, 0, sizeof *res);
    if (!start) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "no XML document in the reply");
        return HF_E_DEVICE_REFUSED;
    }
    while (start) {
        const char *next = find(start + 5, end, "<?xml");
        const char *stop = next ? next : end;
        if (res->documents >= RIBCL_MAX_DOCUMENTS) {
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "more than %d reply documents", RIBCL_MAX_DOCUMENTS);
            return HF_E_DEVICE_REFUSED;
        }
        if (!parse_document(start, (size_t)(stop - start), res, reply))
            return HF_E_DEVICE_REFUSED;
        start = next;
    }
    return HF_OK;
}
