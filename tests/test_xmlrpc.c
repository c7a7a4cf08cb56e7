/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The XAPI client's XML-RPC layer (proto/xapi/xmlrpc.h): the requests it
 * writes (every string escaped), the replies it reads (every value type
 * XAPI sends, faults), and the replies it refuses with a reason and never
 * a crash: not well-formed, truncated, too deep, too large, and any DTD
 * (entities are how a hostile server makes a small reply expand). */
#include "proto/xapi/xmlrpc.h"
#include "tests/tap.h"

#define HEAD "<?xml version=\"1.0\"?>\n"

static xv *parse(const char *text, bool *fault, hf_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    return xmlrpc_parse_response(text, strlen(text), fault, reply);
}

static void refused(const char *text, const char *why, const char *what)
{
    hf_reply reply;
    bool fault;
    xv *v = parse(text, &fault, &reply);
    ok(!v && *reply.message && strstr(reply.message, why), "%s: refused (%s)", what, reply.message);
    if (v || !strstr(reply.message, why))
        diag("wanted a refusal naming '%s'", why);
    xv_free(v);
}

TAP_CASE(request_text)
{
    xv *rec = xv_struct(), *list = xv_array();
    xv *params[4];
    size_t len = 0;
    char *text;
    bool same;
    xv_set(rec, "name", xv_string("a<b>&c\"d'"));
    xv_set(rec, "on", xv_bool(true));
    xv_append(list, xv_int(-42));
    xv_append(list, xv_string(""));
    params[0] = xv_string("OpaqueRef:1");
    params[1] = rec;
    params[2] = list;
    params[3] = xv_string("line1\r\nline2");
    text = xmlrpc_request("VM.set_other_config", params, 4, &len);
    ok(text && len == strlen(text), "a request is written, its length returned");
    same = text && strcmp(text, HEAD
                          "<methodCall><methodName>VM.set_other_config</methodName><params>"
                          "<param><value><string>OpaqueRef:1</string></value></param>"
                          "<param><value><struct>"
                          "<member><name>name</name><value><string>a&lt;b&gt;&amp;c&quot;d'</string></value></member>"
                          "<member><name>on</name><value><boolean>1</boolean></value></member>"
                          "</struct></value></param>"
                          "<param><value><array><data><value><int>-42</int></value>"
                          "<value><string></string></value></data></array></value></param>"
                          "<param><value><string>line1&#13;\nline2</string></value></param>"
                          "</params></methodCall>\n") == 0;
    ok(same, "the request is XML-RPC with markup characters escaped and a carriage return kept");
    if (!same)
        diag("%s", text ? text : "(none)");
    free(text);
    for (int i = 0; i < 4; i++)
        xv_free(params[i]);
}

TAP_CASE(success_values)
{
    hf_reply reply;
    bool fault = true;
    const xv *value, *list;
    xv *v = parse(
        HEAD "<methodResponse>\n <params>\n  <param>\n   <value><struct>\n"
             "    <member><name>Status</name><value>Success</value></member>\n"
             "    <member><name>Value</name><value><struct>\n"
             "      <member><name>name_label</name><value><string>web &amp; db &#x41;&#66;</string></value></member>\n"
             "      <member><name>memory</name><value><i8>8589934592</i8></value></member>\n"
             "      <member><name>vcpus</name><value><i4>4</i4></value></member>\n"
             "      <member><name>ha</name><value><boolean>1</boolean></value></member>\n"
             "      <member><name>ratio</name><value><double>0.5</double></value></member>\n"
             "      <member><name>nothing</name><value><nil/></value></member>\n"
             "      <member><name>raw</name><value><string><![CDATA[<not markup>]]></string></value></member>\n"
             "      <member><name>empty</name><value></value></member>\n"
             "      <member><name>VIFs</name><value><array><data>\n"
             "        <value>OpaqueRef:a</value><value><string>OpaqueRef:b</string></value>\n"
             "      </data></array></value></member>\n"
             "      <member><name>none</name><value><array><data/></array></value></member>\n"
             "    </struct></value></member>\n"
             "   </struct></value>\n  </param>\n </params>\n</methodResponse>\n",
        &fault, &reply);
    ok(v && !fault, "a success is read (%s)", v ? "ok" : reply.message);
    ok(strcmp(xv_str(xv_get(v, "Status")) ? xv_str(xv_get(v, "Status")) : "", "Success") == 0,
       "a bare <value> is a string");
    value = xv_get(v, "Value");
    ok(value && value->type == XV_STRUCT && value->count == 10, "a nested struct keeps its 10 members");
    ok(xv_str(xv_get(value, "name_label")) && strcmp(xv_str(xv_get(value, "name_label")), "web & db AB") == 0,
       "entity and character references are decoded");
    ok(xv_get(value, "memory") && xv_get(value, "memory")->type == XV_INT &&
           xv_get(value, "memory")->num == 8589934592LL,
       "<i8> is a 64-bit integer");
    ok(xv_get(value, "vcpus") && xv_get(value, "vcpus")->num == 4, "<i4> is an integer");
    ok(xv_get(value, "ha") && xv_get(value, "ha")->type == XV_BOOL && xv_get(value, "ha")->num == 1,
       "<boolean> is a bool");
    ok(xv_get(value, "ratio") && xv_get(value, "ratio")->type == XV_DOUBLE && xv_get(value, "ratio")->dbl == 0.5,
       "<double> is a double");
    ok(xv_get(value, "nothing") && xv_get(value, "nothing")->type == XV_NIL, "<nil/> is nil");
    ok(xv_str(xv_get(value, "raw")) && strcmp(xv_str(xv_get(value, "raw")), "<not markup>") == 0, "CDATA is text");
    ok(xv_str(xv_get(value, "empty")) && !*xv_str(xv_get(value, "empty")), "an empty <value> is the empty string");
    list = xv_get(value, "VIFs");
    ok(list && list->type == XV_ARRAY && list->count == 2 && strcmp(xv_str(list->items[0]), "OpaqueRef:a") == 0 &&
           strcmp(xv_str(list->items[1]), "OpaqueRef:b") == 0,
       "an array keeps its items in order");
    ok(xv_get(value, "none") && xv_get(value, "none")->type == XV_ARRAY && xv_get(value, "none")->count == 0,
       "an empty array is empty");
    xv_free(v);
}

TAP_CASE(fault)
{
    hf_reply reply;
    bool fault = false;
    xv *v = parse(HEAD "<methodResponse><fault><value><struct>"
                       "<member><name>faultCode</name><value><int>4</int></value></member>"
                       "<member><name>faultString</name><value><string>no such method</string></value></member>"
                       "</struct></value></fault></methodResponse>",
                  &fault, &reply);
    ok(v && fault && xv_get(v, "faultCode") && xv_get(v, "faultCode")->num == 4 &&
           strcmp(xv_str(xv_get(v, "faultString")), "no such method") == 0,
       "an XML-RPC fault is read as one");
    xv_free(v);
}

TAP_CASE(hostile_replies)
{
    char *deep, *at, *big;
    size_t n = 0;
    refused("", "not well-formed", "an empty reply");
    refused("HTTP/1.1 502 Bad Gateway", "not well-formed", "text that is no XML");
    refused(HEAD "<methodResponse><params><param><value><string>cut", "not well-formed", "a truncated reply");
    refused(HEAD "<methodResponse><params><param><value><string>a</value></string></param></params></methodResponse>",
            "not well-formed", "crossed tags");
    refused(HEAD "<methodCall><methodName>x</methodName></methodCall>", "not an XML-RPC <methodResponse>",
            "a request where a response belongs");
    refused(HEAD "<methodResponse></methodResponse>", "without <params><param>", "a response with no value");
    refused(HEAD "<methodResponse><params><param><value><int>many</int></value></param></params></methodResponse>",
            "holds no number", "an <int> that holds no number");
    refused(HEAD "<methodResponse><params><param><value><float>1</float></value></param></params></methodResponse>",
            "unknown value type <float>", "an unknown value type");
    refused(HEAD "<methodResponse><params><param><value><struct><member><value>x</value></member></struct></value>"
                 "</param></params></methodResponse>",
            "malformed <member>", "a member without a name");
    refused(HEAD "<methodResponse><params><param><value><string>&undefined;</string></value></param></params>"
                 "</methodResponse>",
            "not well-formed", "an undefined entity");
    refused(HEAD "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                 "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                 "<methodResponse><params><param><value><string>&c;</string></value></param></params>"
                 "</methodResponse>",
            "DTD", "a reply with a DTD of nested entities");
    refused(HEAD "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                 "<methodResponse><params><param><value><string>&x;</string></value></param></params>"
                 "</methodResponse>",
            "DTD", "a reply naming an external entity");

    /* 100 nested arrays: deeper than any XAPI value */
    deep = calloc(1, 100 * 50 + 200);
    at = deep + sprintf(deep, HEAD "<methodResponse><params><param>");
    for (int i = 0; i < 100; i++)
        at += sprintf(at, "<value><array><data>");
    for (int i = 0; i < 100; i++)
        at += sprintf(at, "</data></array></value>");
    sprintf(at, "</param></params></methodResponse>");
    refused(deep, "nested deeper", "values nested 100 deep");
    free(deep);

    /* a million nested elements: refused before any recursion over them */
    n = 1000000;
    big = malloc(n * 7 + 64);
    at = big + sprintf(big, "<methodResponse>");
    for (size_t i = 0; i < n; i++)
        at += sprintf(at, "<a>");
    for (size_t i = 0; i < n; i++)
        at += sprintf(at, "</a>");
    sprintf(at, "</methodResponse>");
    refused(big, "nested deeper", "a million nested elements");
    free(big);

    big = malloc(XMLRPC_MAX_RESPONSE + 2);
    memset(big, ' ', XMLRPC_MAX_RESPONSE + 1);
    big[XMLRPC_MAX_RESPONSE + 1] = '\0';
    refused(big, "larger than", "a reply over the size limit");
    free(big);
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(request_text);
    TAP_RUN(success_values);
    TAP_RUN(fault);
    TAP_RUN(hostile_replies);
    return tap_done();
}
