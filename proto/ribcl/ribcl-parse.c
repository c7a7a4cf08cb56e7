/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RIBCL requests written and replies read with libxml2 (ribcl.h).  A reply
 * is several XML documents back to back, each starting "<?xml": each is
 * parsed on its own, without network access or entity expansion. */
#include "proto/ribcl/ribcl.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <strings.h>

#define RIBCL_MAX_DOCUMENTS 64

static const char *const commands[] = {
    [RIBCL_GET_POWER] = "<SERVER_INFO MODE=\"read\">\r\n<GET_HOST_POWER_STATUS/>\r\n</SERVER_INFO>",
    [RIBCL_FORCE_OFF] = "<SERVER_INFO MODE=\"write\">\r\n<HOLD_PWR_BTN TOGGLE=\"No\"/>\r\n</SERVER_INFO>",
    [RIBCL_POWER_ON] = "<SERVER_INFO MODE=\"write\">\r\n<SET_HOST_POWER HOST_POWER=\"Yes\"/>\r\n</SERVER_INFO>",
    [RIBCL_COLD_BOOT] = "<SERVER_INFO MODE=\"write\">\r\n<COLD_BOOT_SERVER/>\r\n</SERVER_INFO>",
};

char *ribcl_request(ribcl_command cmd, const char *username, const char *password, size_t *len)
{
    xmlChar *u = xmlEncodeSpecialChars(NULL, BAD_CAST(username ? username : ""));
    xmlChar *p = xmlEncodeSpecialChars(NULL, BAD_CAST(password ? password : ""));
    char *doc = NULL;
    size_t size;
    if (u && p) {
        size = strlen((char *)u) + strlen((char *)p) + strlen(commands[cmd]) + 160;
        if ((doc = malloc(size)))
            *len = (size_t)snprintf(doc, size,
                                    "<?xml version=\"1.0\"?>\r\n<RIBCL VERSION=\"2.0\">\r\n"
                                    "<LOGIN USER_LOGIN=\"%s\" PASSWORD=\"%s\">\r\n%s\r\n</LOGIN>\r\n</RIBCL>\r\n",
                                    (char *)u, (char *)p, commands[cmd]);
    }
    if (p)
        memset(p, 0, strlen((char *)p));
    xmlFree(u);
    xmlFree(p);
    return doc;
}

static const char *attr(xmlNode *n, const char *name, char *buf, size_t size)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    if (!v)
        return NULL;
    snprintf(buf, size, "%s", (char *)v);
    xmlFree(v);
    return buf;
}

/* One document: its RESPONSE statuses and any GET_HOST_POWER. */
static bool parse_document(const char *text, size_t len, ribcl_result *res, hf_reply *reply)
{
    xmlDoc *doc = xmlReadMemory(text, (int)len, "ribcl.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    xmlNode *root;
    char buf[256];
    if (!doc) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "reply document %d is not well-formed XML", res->documents + 1);
        return false;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, BAD_CAST "RIBCL") != 0) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "reply document %d is not RIBCL", res->documents + 1);
        xmlFreeDoc(doc);
        return false;
    }
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcmp(n->name, BAD_CAST "RESPONSE") == 0) {
            char *end;
            unsigned long status;
            if (!attr(n, "STATUS", buf, sizeof buf)) {
                hf_reply_set(reply, HF_E_DEVICE_REFUSED, "a RESPONSE without STATUS");
                xmlFreeDoc(doc);
                return false;
            }
            status = strtoul(buf, &end, 16);
            if (end == buf || *end) {
                hf_reply_set(reply, HF_E_DEVICE_REFUSED, "RESPONSE STATUS '%.40s' is not hexadecimal", buf);
                xmlFreeDoc(doc);
                return false;
            }
            if (status && !res->status) {
                res->status = (unsigned)status;
                snprintf(res->message, sizeof res->message, "%s",
                         attr(n, "MESSAGE", buf, sizeof buf) ? buf : "(no message)");
            }
        } else if (xmlStrcmp(n->name, BAD_CAST "GET_HOST_POWER") == 0) {
            if (!attr(n, "HOST_POWER", buf, sizeof buf)) {
                hf_reply_set(reply, HF_E_DEVICE_REFUSED, "GET_HOST_POWER without HOST_POWER");
                xmlFreeDoc(doc);
                return false;
            }
            res->has_power = true;
            res->power = strcasecmp(buf, "OFF") == 0  ? HF_POWER_OFF
                         : strcasecmp(buf, "ON") == 0 ? HF_POWER_ON
                                                      : HF_POWER_UNKNOWN;
        }
    }
    xmlFreeDoc(doc);
    res->documents++;
    return true;
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
