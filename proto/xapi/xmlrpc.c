/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XML-RPC values, requests and responses with libxml2 (xmlrpc.h). */
#include "proto/xapi/xmlrpc.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XMLRPC_MAX_DEPTH 64
#define XMLRPC_MAX_ITEMS (1u << 20)

static xv *xv_new(xv_type t)
{
    xv *v = calloc(1, sizeof *v);
    if (v)
        v->type = t;
    return v;
}

xv *xv_string(const char *s)
{
    xv *v = xv_new(XV_STRING);
    if (v && !(v->str = strdup(s ? s : ""))) {
        free(v);
        return NULL;
    }
    return v;
}

xv *xv_bool(bool b)
{
    xv *v = xv_new(XV_BOOL);
    if (v)
        v->num = b;
    return v;
}

xv *xv_int(long long n)
{
    xv *v = xv_new(XV_INT);
    if (v)
        v->num = n;
    return v;
}

xv *xv_array(void)
{
    return xv_new(XV_ARRAY);
}
xv *xv_struct(void)
{
    return xv_new(XV_STRUCT);
}

static bool grow(xv *v)
{
    xv **items;
    char **keys = v->keys;
    if (v->count >= XMLRPC_MAX_ITEMS)
        return false;
    items = realloc(v->items, (v->count + 1) * sizeof *items);
    if (!items)
        return false;
    v->items = items;
    if (v->type == XV_STRUCT) {
        keys = realloc(v->keys, (v->count + 1) * sizeof *keys);
        if (!keys)
            return false;
        v->keys = keys;
    }
    return true;
}

void xv_append(xv *array, xv *item)
{
    if (!array || !item || !grow(array)) {
        xv_free(item);
        return;
    }
    array->items[array->count++] = item;
}

void xv_set(xv *strct, const char *key, xv *item)
{
    char *k = strdup(key ? key : "");
    if (!strct || !item || !k || !grow(strct)) {
        free(k);
        xv_free(item);
        return;
    }
    strct->keys[strct->count] = k;
    strct->items[strct->count++] = item;
}

void xv_free(xv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        xv_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

const xv *xv_get(const xv *s, const char *key)
{
    if (!s || s->type != XV_STRUCT)
        return NULL;
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->keys[i], key) == 0)
            return s->items[i];
    return NULL;
}

const char *xv_str(const xv *v)
{
    return v && v->type == XV_STRING ? v->str : NULL;
}

/* ---- requests ------------------------------------------------------------ */

static void write_value(xmlTextWriterPtr w, const xv *v)
{
    xmlTextWriterStartElement(w, BAD_CAST "value");
    switch (v->type) {
    case XV_STRING: xmlTextWriterWriteElement(w, BAD_CAST "string", BAD_CAST v->str); break;
    case XV_INT: {
        char n[32];
        snprintf(n, sizeof n, "%lld", v->num);
        xmlTextWriterWriteElement(w, BAD_CAST "int", BAD_CAST n);
        break;
    }
    case XV_BOOL: xmlTextWriterWriteElement(w, BAD_CAST "boolean", BAD_CAST(v->num ? "1" : "0")); break;
    case XV_DOUBLE: {
        char n[64];
        snprintf(n, sizeof n, "%.17g", v->dbl);
        xmlTextWriterWriteElement(w, BAD_CAST "double", BAD_CAST n);
        break;
    }
    case XV_ARRAY:
        xmlTextWriterStartElement(w, BAD_CAST "array");
        xmlTextWriterStartElement(w, BAD_CAST "data");
        for (size_t i = 0; i < v->count; i++)
            write_value(w, v->items[i]);
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
        break;
    case XV_STRUCT:
        xmlTextWriterStartElement(w, BAD_CAST "struct");
        for (size_t i = 0; i < v->count; i++) {
            xmlTextWriterStartElement(w, BAD_CAST "member");
            xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST v->keys[i]);
            write_value(w, v->items[i]);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
        break;
    case XV_NIL:
        xmlTextWriterStartElement(w, BAD_CAST "nil");
        xmlTextWriterEndElement(w);
        break;
    }
    xmlTextWriterEndElement(w);
}

char *xmlrpc_request(const char *method, xv *const *params, size_t count, size_t *len)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    char *out = NULL;
    if (!w) {
        xmlBufferFree(buf);
        return NULL;
    }
    xmlTextWriterStartDocument(w, "1.0", NULL, NULL);
    xmlTextWriterStartElement(w, BAD_CAST "methodCall");
    xmlTextWriterWriteElement(w, BAD_CAST "methodName", BAD_CAST method);
    xmlTextWriterStartElement(w, BAD_CAST "params");
    for (size_t i = 0; i < count; i++) {
        xmlTextWriterStartElement(w, BAD_CAST "param");
        write_value(w, params[i]);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    *len = (size_t)xmlBufferLength(buf);
    out = malloc(*len + 1);
    if (out) {
        memcpy(out, xmlBufferContent(buf), *len);
        out[*len] = '\0';
    }
    xmlBufferFree(buf);
    return out;
}

/* ---- responses ------------------------------------------------------------ */

static xmlNodePtr first_element(xmlNodePtr n)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

static bool named(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static char *text_of(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = strdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

/* A string value holding the text of a node. */
static xv *string_of(xmlNodePtr n)
{
    xv *v = xv_new(XV_STRING);
    if (v && !(v->str = text_of(n))) {
        free(v);
        v = NULL;
    }
    return v;
}

static xv *parse_value(xmlNodePtr value, int depth, hf_reply *reply)
{
    xmlNodePtr t;
    xv *v;
    if (depth > XMLRPC_MAX_DEPTH) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "values nested deeper than %d", XMLRPC_MAX_DEPTH);
        return NULL;
    }
    if (!named(value, "value")) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "expected <value>");
        return NULL;
    }
    t = first_element(value->children);
    if (!t) /* <value>text</value> is a string */
        return string_of(value);
    if (named(t, "string") || named(t, "dateTime.iso8601") || named(t, "base64"))
        return string_of(t);
    if (named(t, "int") || named(t, "i4") || named(t, "i8") || named(t, "boolean")) {
        char *s = text_of(t), *end;
        v = xv_new(named(t, "boolean") ? XV_BOOL : XV_INT);
        if (!s || !v) {
            free(s);
            free(v);
            return NULL;
        }
        v->num = strtoll(s, &end, 10);
        if (end == s) {
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "<%s> holds no number", (const char *)t->name);
            free(s);
            free(v);
            return NULL;
        }
        free(s);
        return v;
    }
    if (named(t, "double")) {
        char *s = text_of(t);
        v = xv_new(XV_DOUBLE);
        if (s && v)
            v->dbl = strtod(s, NULL);
        free(s);
        return v;
    }
    if (named(t, "nil"))
        return xv_new(XV_NIL);
    if (named(t, "array")) {
        xmlNodePtr data = first_element(t->children);
        v = xv_array();
        if (!v)
            return NULL;
        if (data && !named(data, "data")) {
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "expected <data> in <array>");
            xv_free(v);
            return NULL;
        }
        for (xmlNodePtr c = data ? data->children : NULL; c; c = c->next) {
            xv *item;
            if (c->type != XML_ELEMENT_NODE)
                continue;
            if (!(item = parse_value(c, depth + 1, reply))) {
                xv_free(v);
                return NULL;
            }
            xv_append(v, item);
        }
        return v;
    }
    if (named(t, "struct")) {
        v = xv_struct();
        if (!v)
            return NULL;
        for (xmlNodePtr m = t->children; m; m = m->next) {
            xmlNodePtr name, val;
            char *key;
            xv *item;
            if (m->type != XML_ELEMENT_NODE)
                continue;
            name = first_element(m->children);
            val = name ? first_element(name->next) : NULL;
            if (!named(m, "member") || !named(name, "name") || !val) {
                hf_reply_set(reply, HF_E_DEVICE_REFUSED, "malformed <member> in <struct>");
                xv_free(v);
                return NULL;
            }
            if (!(item = parse_value(val, depth + 1, reply))) {
                xv_free(v);
                return NULL;
            }
            key = text_of(name);
            xv_set(v, key, item);
            free(key);
        }
        return v;
    }
    hf_reply_set(reply, HF_E_DEVICE_REFUSED, "unknown value type <%.40s>", (const char *)t->name);
    return NULL;
}

xv *xmlrpc_parse_response(const char *text, size_t len, bool *fault, hf_reply *reply)
{
    xmlDocPtr doc;
    xmlNodePtr root, n;
    xv *v = NULL;
    *fault = false;
    if (len > XMLRPC_MAX_RESPONSE) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "response larger than %u bytes", XMLRPC_MAX_RESPONSE);
        return NULL;
    }
    /* no network, no entity substitution, no DTD loading */
    doc =
        xmlReadMemory(text, (int)len, "response.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "not well-formed XML");
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (!named(root, "methodResponse")) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "not an XML-RPC <methodResponse>");
        goto out;
    }
    n = first_element(root->children);
    if (named(n, "fault")) {
        *fault = true;
        v = parse_value(first_element(n->children), 0, reply);
        goto out;
    }
    if (!named(n, "params") || !named(first_element(n->children), "param")) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "<methodResponse> without <params><param>");
        goto out;
    }
    v = parse_value(first_element(first_element(n->children)->children), 0, reply);
out:
    xmlFreeDoc(doc);
    return v;
}
