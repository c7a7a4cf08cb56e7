/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ilo plugin's RIBCL layer (proto/ribcl/ribcl-parse.c): the login it
 * writes (account and password escaped), the replies it reads (several
 * documents back to back, statuses, the power state), and the replies it
 * refuses with a reason and never a crash: not well-formed, not RIBCL,
 * attributes missing or wrong, a DTD (how a reply would expand entities),
 * too many documents. */
#include "proto/ribcl/ribcl.h"
#include "tests/tap.h"

#define DOC         "<?xml version=\"1.0\"?>\r\n"
#define OK_RESPONSE "<RESPONSE STATUS=\"0x0000\" MESSAGE='No error'/>"

static hf_result parse(const char *text, ribcl_result *res, hf_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    return ribcl_parse(text, strlen(text), res, reply);
}

static void refused(const char *text, const char *why, const char *what)
{
    hf_reply reply;
    ribcl_result res;
    hf_result r = parse(text, &res, &reply);
    ok(r == HF_E_DEVICE_REFUSED && strstr(reply.message, why), "%s: refused (%s)", what, reply.message);
    if (r != HF_E_DEVICE_REFUSED || !strstr(reply.message, why))
        diag("wanted a refusal naming '%s'", why);
}

TAP_CASE(request_text)
{
    size_t len = 0;
    char *doc = ribcl_request(RIBCL_GET_POWER, "ad<min>", "p&w\"d\r'", &len);
    ok(doc && len == strlen(doc), "the request is written, its length given");
    ok(doc && strstr(doc, "USER_LOGIN=\"ad&lt;min&gt;\""), "the account's markup escaped");
    ok(doc && strstr(doc, "PASSWORD=\"p&amp;w&quot;d&#13;'\""), "the password's markup and CR escaped");
    ok(doc && strstr(doc, "<GET_HOST_POWER_STATUS/>") && strstr(doc, "MODE=\"read\""), "the command inside LOGIN");
    free(doc);
    doc = ribcl_request(RIBCL_FORCE_OFF, NULL, NULL, &len);
    ok(doc && strstr(doc, "HOLD_PWR_BTN TOGGLE=\"No\"") && strstr(doc, "USER_LOGIN=\"\""),
       "off is HOLD_PWR_BTN TOGGLE=No (never a toggle); no account: empty");
    free(doc);
}

TAP_CASE(replies_read)
{
    hf_reply reply;
    ribcl_result res;
    /* as an iLO answers a power read: a document per LOGIN step */
    hf_result r = parse(DOC "<RIBCL VERSION=\"2.23\">\r\n" OK_RESPONSE "\r\n</RIBCL>\r\n" DOC
                            "<RIBCL VERSION=\"2.23\">\r\n" OK_RESPONSE "\r\n<GET_HOST_POWER HOST_POWER=\"OFF\"/>\r\n"
                            "</RIBCL>\r\n",
                        &res, &reply);
    ok(r == HF_OK && res.documents == 2 && res.status == 0, "two documents, status 0: %s", reply.message);
    ok(res.has_power && res.power == HF_POWER_OFF, "HOST_POWER=OFF: off");
    r = parse(DOC "<RIBCL VERSION=\"2.0\"><RESPONSE STATUS=\"0\"/><GET_HOST_POWER HOST_POWER=\"on\"/></RIBCL>", &res,
              &reply);
    ok(r == HF_OK && res.has_power && res.power == HF_POWER_ON, "HOST_POWER=on (any case): on");
    r = parse(DOC "<RIBCL VERSION=\"2.0\"><GET_HOST_POWER HOST_POWER=\"STANDBY\"/></RIBCL>", &res, &reply);
    ok(r == HF_OK && res.has_power && res.power == HF_POWER_UNKNOWN, "a power word not known: unknown, never off");
    r = parse(DOC "<RIBCL VERSION=\"2.0\">" OK_RESPONSE "</RIBCL>" DOC
                  "<RIBCL VERSION=\"2.0\"><RESPONSE STATUS=\"0x005F\" MESSAGE='Login failed.'/></RIBCL>",
              &res, &reply);
    ok(r == HF_OK && res.status == RIBCL_LOGIN_FAILED && strcmp(res.message, "Login failed.") == 0 && !res.has_power,
       "the first non-zero status and its message: 0x%04x %s", res.status, res.message);
    r = parse(DOC "<RIBCL><RESPONSE STATUS=\"0x0001\"/></RIBCL>", &res, &reply);
    ok(r == HF_OK && res.status == 1 && strcmp(res.message, "(no message)") == 0, "a status without a message");
    r = parse(DOC "<RIBCL><INFORM>Scripting utility should be updated</INFORM><RESPONSE STATUS=\"0\"/>"
                  "<SERVER_INFO><GET_HOST_POWER HOST_POWER=\"OFF\"/></SERVER_INFO></RIBCL>",
              &res, &reply);
    ok(r == HF_OK && !res.has_power, "only the root's own children are read (a nested GET_HOST_POWER is not)");
    r = parse("<?xml version=\"1.0\" encoding=\"windows-1252\"?><RIBCL><RESPONSE STATUS=\"0x0002\" "
              "MESSAGE='caf\xe9'/><GET_HOST_POWER HOST_POWER=\"ON\"/></RIBCL>",
              &res, &reply);
    ok(r == HF_OK && res.status == 2 && res.power == HF_POWER_ON, "an encoding expat does not know: read all the same");
    r = parse(DOC "<RIBCL><RESPONSE STATUS=\"0\" MESSAGE=\"a &amp; b &#65;\"/></RIBCL>" DOC
                  "<RIBCL><RESPONSE STATUS=\"3\" MESSAGE=\"x &lt; y\"/></RIBCL>",
              &res, &reply);
    ok(r == HF_OK && strcmp(res.message, "x < y") == 0, "references in a message read: %s", res.message);
}

TAP_CASE(replies_refused)
{
    char *many;
    size_t one = strlen(DOC "<RIBCL/>");
    refused("", "no XML document", "an empty reply");
    refused("HTTP/1.1 500 oops", "no XML document", "no XML at all");
    refused(DOC "<RIBCL><RESPONSE STATUS=\"0\"/>", "not well-formed", "a truncated document");
    refused(DOC "<RIBCL><RESPONSE STATUS=\"0\"></RIBCL>", "not well-formed", "crossed tags");
    refused(DOC "<RIBCL/>" DOC "<RIBCL", "reply document 2 is not well-formed", "the second document broken");
    refused(DOC "<html><body>login</body></html>", "is not RIBCL", "another root");
    refused(DOC "<RIBCL><RESPONSE MESSAGE='x'/></RIBCL>", "RESPONSE without STATUS", "a RESPONSE without STATUS");
    refused(DOC "<RIBCL><RESPONSE STATUS=\"0xZZ\"/></RIBCL>", "not hexadecimal", "a STATUS not hexadecimal");
    refused(DOC "<RIBCL><RESPONSE STATUS=\"\"/></RIBCL>", "not hexadecimal", "an empty STATUS");
    refused(DOC "<RIBCL><GET_HOST_POWER/></RIBCL>", "without HOST_POWER", "GET_HOST_POWER without HOST_POWER");
    refused(DOC
            "<!DOCTYPE RIBCL [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
            "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><RIBCL><RESPONSE STATUS=\"1\" MESSAGE=\"&c;\"/></RIBCL>",
            "has a DTD", "entities that expand (a DTD)");
    refused(DOC "<!DOCTYPE RIBCL [<!ENTITY x SYSTEM \"file:///etc/shadow\">]><RIBCL><RESPONSE STATUS=\"1\" "
                "MESSAGE=\"&x;\"/></RIBCL>",
            "has a DTD", "an external entity");
    refused(DOC "<RIBCL><RESPONSE STATUS=\"0\" MESSAGE=\"&nope;\"/></RIBCL>", "not well-formed", "an undefined entity");
    many = malloc(one * 65 + 1);
    for (int i = 0; i < 65; i++)
        memcpy(many + (size_t)i * one, DOC "<RIBCL/>", one);
    many[one * 65] = '\0';
    refused(many, "more than 64 reply documents", "65 documents");
    free(many);
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(request_text);
    TAP_RUN(replies_read);
    TAP_RUN(replies_refused);
    return tap_done();
}
