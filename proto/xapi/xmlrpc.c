/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XML-RPC values, requests and responses (xmlrpc.h): replies read with
 * expat into a small element tree, requests written as text.  expat, not
 * libxml2: in the daemon, which calls XAPI every few seconds for its whole
 * life, libxml2 brings ICU and libstdc++ along (2.5 MiB of its memory). */
#include "proto/xapi/xmlrpc.h"
#include "proto/xml/xml-text.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XMLRPC_MAX_DEPTH 64
#define XMLRPC_MAX_ITEMS (1u << 20)
/* elements: a value is at most three deep (value, struct, member) */
#define XMLRPC_MAX_NESTING (3 * XMLRPC_MAX_DEPTH + 8)

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

typedef struct strbuf {
    char *p;
    size_t len, cap;
    bool failed;
} strbuf;

static void put_n(strbuf *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 512;
        char *p;
        while (cap < t->len + n + 1)
            cap *= 2;
        if (!(p = realloc(t->p, cap))) {
            t->failed = true;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void put(strbuf *t, const char *s)
{
    put_n(t, s, strlen(s));
}

/* Character data: markup escaped, and a carriage return as a reference so
 * that the server's end-of-line handling does not turn it into a newline. */
static void put_escaped(strbuf *t, const char *s)
{
    for (const char *run = s;; s++) {
        const char *ref = xml_reference_for(*s);
        if (!ref && *s)
            continue;
        put_n(t, run, (size_t)(s - run));
        if (!*s)
            return;
        put(t, ref);
        run = s + 1;
    }
}

static void put_element(strbuf *t, const char *name, const char *content)
{
    put(t, "<");
    put(t, name);
    put(t, ">");
    put_escaped(t, content);
    put(t, "</");
    put(t, name);
    put(t, ">");
}

static void write_value(strbuf *t, const xv *v)
{
    char n[64];
    put(t, "<value>");
    switch (v->type) {
    case XV_STRING: put_element(t, "string", v->str); break;
    case XV_INT:
        snprintf(n, sizeof n, "%lld", v->num);
        put_element(t, "int", n);
        break;
    case XV_BOOL: put_element(t, "boolean", v->num ? "1" : "0"); break;
    case XV_DOUBLE:
        snprintf(n, sizeof n, "%.17g", v->dbl);
        put_element(t, "double", n);
        break;
    case XV_ARRAY:
        put(t, "<array><data>");
        for (size_t i = 0; i < v->count; i++)
            write_value(t, v->items[i]);
        put(t, "</data></array>");
        break;
    case XV_STRUCT:
        put(t, "<struct>");
        for (size_t i = 0; i < v->count; i++) {
            put(t, "<member>");
            put_element(t, "name", v->keys[i]);
            write_value(t, v->items[i]);
            put(t, "</member>");
        }
        put(t, "</struct>");
        break;
    case XV_NIL: put(t, "<nil></nil>"); break;
    }
    put(t, "</value>");
}

char *xmlrpc_request(const char *method, xv *const *params, size_t count, size_t *len)
{
    strbuf t = {0};
    put(&t, "<?xml version=\"1.0\"?>\n<methodCall>");
    put_element(&t, "methodName", method);
    put(&t, "<params>");
    for (size_t i = 0; i < count; i++) {
        put(&t, "<param>");
        write_value(&t, params[i]);
        put(&t, "</param>");
    }
    put(&t, "</params></methodCall>\n");
    if (t.failed) {
        free(t.p);
        return NULL;
    }
    *len = t.len;
    return t.p;
}

/* ---- responses ------------------------------------------------------------ */

/* An element of the reply: its name, its own character data (kept only
 * while it has no child element: a value's text is a leaf's), its child
 * elements in order.  A reply of a 64-host pool has tens of thousands. */
typedef struct node {
    const char *name; /* one of xmlrpc_names, or owned */
    char *text;
    size_t len;
    struct node *parent, *children, *last, *next;
} node;

/* The element names of XML-RPC, shared by every node that has one. */
static const char *const xmlrpc_names[] = {
    "value",  "member", "name",   "string",  "struct",        "array", "data",
    "int",    "i4",     "i8",     "boolean", "double",        "nil",   "dateTime.iso8601",
    "base64", "param",  "params", "fault",   "methodResponse"};

static const char *name_of(const char *name)
{
    for (size_t i = 0; i < sizeof xmlrpc_names / sizeof *xmlrpc_names; i++)
        if (strcmp(name, xmlrpc_names[i]) == 0)
            return xmlrpc_names[i];
    return strdup(name);
}

static bool name_owned(const node *n)
{
    for (size_t i = 0; i < sizeof xmlrpc_names / sizeof *xmlrpc_names; i++)
        if (n->name == xmlrpc_names[i])
            return false;
    return true;
}

typedef struct reader {
    XML_Parser parser;
    node *root, *at;
    int depth;
    enum {
        READ_ON,
        READ_DTD,
        READ_TOO_DEEP,
        READ_NO_MEMORY
    } stop; /* why the reader stopped expat */
} reader;

static void node_free(node *n)
{
    while (n) {
        node *next = n->next;
        node_free(n->children);
        if (name_owned(n))
            free((char *)n->name);
        free(n->text);
        free(n);
        n = next;
    }
}

static void stop(reader *r, int why)
{
    if (r->stop == READ_ON)
        r->stop = why;
    XML_StopParser(r->parser, XML_FALSE);
}

static void XMLCALL on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
    reader *r = arg;
    node *n;
    (void)attrs;
    if (r->depth >= XMLRPC_MAX_NESTING) {
        stop(r, READ_TOO_DEEP);
        return;
    }
    if (!(n = calloc(1, sizeof *n)) || !(n->name = name_of(name))) {
        free(n);
        stop(r, READ_NO_MEMORY);
        return;
    }
    n->parent = r->at;
    if (r->at) { /* the parent's text so far is layout between elements */
        free(r->at->text);
        r->at->text = NULL;
        r->at->len = 0;
    }
    if (!r->at)
        r->root = n;
    else if (r->at->last)
        r->at->last = r->at->last->next = n;
    else
        r->at->children = r->at->last = n;
    r->at = n;
    r->depth++;
}

static void XMLCALL on_end(void *arg, const XML_Char *name)
{
    reader *r = arg;
    (void)name; /* expat has checked that it matches */
    r->at = r->at->parent;
    r->depth--;
}

static void XMLCALL on_text(void *arg, const XML_Char *s, int len)
{
    reader *r = arg;
    node *n = r->at;
    char *text;
    if (!n || n->children) /* layout around the root or between elements */
        return;
    if (!(text = realloc(n->text, n->len + (size_t)len + 1))) {
        stop(r, READ_NO_MEMORY);
        return;
    }
    memcpy(text + n->len, s, (size_t)len);
    n->text = text;
    n->len += (size_t)len;
    text[n->len] = '\0';
}

/* XAPI never sends a DTD; one is how a hostile reply expands its entities
 * or names files, so a reply with one is refused before it is read. */
static void XMLCALL on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    stop(arg, READ_DTD);
}

static bool named(const node *n, const char *name)
{
    return n && strcmp(n->name, name) == 0;
}

static char *text_of(const node *n)
{
    return strdup(n->text ? n->text : "");
}

/* A string value holding the text of a node. */
static xv *string_of(const node *n)
{
    xv *v = xv_new(XV_STRING);
    if (v && !(v->str = text_of(n))) {
        free(v);
        v = NULL;
    }
    return v;
}

static xv *parse_value(const node *value, int depth, hf_reply *reply)
{
    const node *t;
    xv *v;
    if (depth > XMLRPC_MAX_DEPTH) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "values nested deeper than %d", XMLRPC_MAX_DEPTH);
        return NULL;
    }
    if (!named(value, "value")) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "expected <value>");
        return NULL;
    }
    t = value->children;
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
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "<%s> holds no number", t->name);
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
        const node *data = t->children;
        v = xv_array();
        if (!v)
            return NULL;
        if (data && !named(data, "data")) {
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "expected <data> in <array>");
            xv_free(v);
            return NULL;
        }
        for (const node *c = data ? data->children : NULL; c; c = c->next) {
            xv *item;
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
        for (const node *m = t->children; m; m = m->next) {
            const node *name, *val;
            char *key;
            xv *item;
            name = m->children;
            val = name ? name->next : NULL;
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
    hf_reply_set(reply, HF_E_DEVICE_REFUSED, "unknown value type <%.40s>", t->name);
    return NULL;
}

xv *xmlrpc_parse_response(const char *text, size_t len, bool *fault, hf_reply *reply)
{
    reader r = {0};
    const node *n;
    xv *v = NULL;
    *fault = false;
    if (len > XMLRPC_MAX_RESPONSE) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "response larger than %u bytes", XMLRPC_MAX_RESPONSE);
        return NULL;
    }
    /* expat reads no external entity unless asked to, and none is */
    if (!(r.parser = XML_ParserCreate(NULL))) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "out of memory reading the response");
        return NULL;
    }
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);
    XML_SetStartDoctypeDeclHandler(r.parser, on_doctype);
    if (XML_Parse(r.parser, text, (int)len, XML_TRUE) != XML_STATUS_OK || !r.root) {
        if (r.stop == READ_DTD)
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "a DTD in the response (XAPI sends none)");
        else if (r.stop == READ_TOO_DEEP)
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "elements nested deeper than %d", XMLRPC_MAX_NESTING);
        else if (r.stop == READ_NO_MEMORY)
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "out of memory reading the response");
        else
            hf_reply_set(reply, HF_E_DEVICE_REFUSED, "not well-formed XML (line %lu: %s)",
                         (unsigned long)XML_GetCurrentLineNumber(r.parser),
                         XML_ErrorString(XML_GetErrorCode(r.parser)));
        goto out;
    }
    if (!named(r.root, "methodResponse")) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "not an XML-RPC <methodResponse>");
        goto out;
    }
    n = r.root->children;
    if (named(n, "fault")) {
        *fault = true;
        v = parse_value(n->children, 0, reply);
        goto out;
    }
    if (!named(n, "params") || !named(n->children, "param")) {
        hf_reply_set(reply, HF_E_DEVICE_REFUSED, "<methodResponse> without <params><param>");
        goto out;
    }
    v = parse_value(n->children->children, 0, reply);
out:
    XML_ParserFree(r.parser);
    node_free(r.root);
    return v;
}
