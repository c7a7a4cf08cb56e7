/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML-RPC values, requests and responses (libxml2), as XAPI uses them.
 * Everything a server sends is untrusted: bounded size and depth, no
 * entity expansion, no network access while parsing.
 */
#ifndef HAFENCE_PROTO_XMLRPC_H
#define HAFENCE_PROTO_XMLRPC_H

#include <hafence/plugin.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum xv_type {
    XV_STRING,
    XV_INT,
    XV_BOOL,
    XV_DOUBLE,
    XV_ARRAY,
    XV_STRUCT,
    XV_NIL
} xv_type;

typedef struct xv {
    xv_type type;
    char *str;     /* XV_STRING (also dateTime and base64, as text) */
    long long num; /* XV_INT, XV_BOOL */
    double dbl;    /* XV_DOUBLE */
    size_t count;  /* XV_ARRAY, XV_STRUCT */
    struct xv **items;
    char **keys; /* XV_STRUCT */
} xv;

xv *xv_string(const char *s);
xv *xv_bool(bool b);
xv *xv_int(long long n);
xv *xv_array(void);
xv *xv_struct(void);
/* Append to an array, or set a member of a struct (takes ownership). */
void xv_append(xv *array, xv *item);
void xv_set(xv *strct, const char *key, xv *item);
void xv_free(xv *v);
/* A struct member, or NULL. */
const xv *xv_get(const xv *strct, const char *key);
/* The string of v if it is one, else NULL. */
const char *xv_str(const xv *v);

/* <methodCall> text for method(params...); free() it. */
char *xmlrpc_request(const char *method, xv *const *params, size_t count, size_t *len);

/* Parse a <methodResponse>: returns its value (or, for an XML-RPC fault, a
 * struct with faultCode/faultString and *fault set), or NULL with reply
 * saying why. */
#define XMLRPC_MAX_RESPONSE (16u << 20)
xv *xmlrpc_parse_response(const char *text, size_t len, bool *fault, hf_reply *reply);

#endif
