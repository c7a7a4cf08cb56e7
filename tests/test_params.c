/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parameter validation against a table: names, types, defaults, secrets. */
#include "core/error.h"
#include "core/log.h"
#include "core/params.h"
#include "tests/tap.h"

static const char *const modes[] = {"lanplus", "lan", NULL};
static const hf_param_def defs[] = {
    {"address", HF_PARAM_ADDRESS, HF_PARAM_REQUIRED, NULL, NULL, 0, 0, "BMC"},
    {"port", HF_PARAM_INTEGER, 0, "623", NULL, 1, 65535, "port"},
    {"password", HF_PARAM_STRING, HF_PARAM_SECRET, NULL, NULL, 0, 0, "secret"},
    {"verify", HF_PARAM_BOOLEAN, 0, "yes", NULL, 0, 0, "verify"},
    {"mode", HF_PARAM_ENUM, 0, "lanplus", modes, 0, 0, "mode"},
    {"ca_file", HF_PARAM_PATH, 0, NULL, NULL, 0, 0, "ca"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static hf_param *validate(const char *const *pairs, hfc_error *err)
{
    hfc_paramset *set = hfc_paramset_new();
    hf_param *p;
    for (; *pairs; pairs += 2)
        hfc_paramset_set(set, pairs[0], pairs[1]);
    p = hfc_params_validate(defs, set, "test", err);
    hfc_paramset_free(set);
    return p;
}

static void refused(const char *const *pairs, const char *needle, const char *what)
{
    hfc_error err = {0};
    hf_param *p = validate(pairs, &err);
    ok(p == NULL, "refused: %s", what);
    ok_has(err.message, needle, "%s: error names '%s'", what, needle);
    hfc_params_free(p);
}

TAP_CASE(minimal_set)
{
    hfc_error err = {0};
    hf_param *p;
    p = validate((const char *const[]){"address", "10.0.0.5", NULL}, &err);
    ok(p != NULL, "minimal set valid: %s", err.message);
    ok(p && strcmp(hf_param_get(p, "port"), "623") == 0, "default filled");
    ok(p && hf_param_bool(p, "verify", 0) == 1 && strcmp(hf_param_get(p, "verify"), "1") == 0,
       "boolean default normalised to 1");
    ok(p && hf_param_get(p, "password") == NULL, "unset optional parameter absent");
    hfc_params_free(p);
}

TAP_CASE(full_set_and_redaction)
{
    hfc_error err = {0};
    hf_param *p;
    p = validate((const char *const[]){"address", "[fe80::1]:623", "mode", "LAN", "verify", "no", "port", "6230",
                                       "ca_file", "/etc/ssl/ca.pem", "password", "pw-123", NULL},
                 &err);
    ok(p != NULL, "full set valid: %s", err.message);
    ok(p && strcmp(hf_param_get(p, "mode"), "lan") == 0, "enum matched case-insensitively, table spelling");
    ok(p && strcmp(hf_param_get(p, "verify"), "0") == 0, "boolean 'no' -> 0");
    ok(p && hf_param_int(p, "port", 0) == 6230, "integer read back");
    hfc_params_free(p);
    {
        char msg[64] = "auth failed for pw-123";
        hfc_redact(msg, sizeof msg);
        ok(strstr(msg, "pw-123") == NULL, "secret parameter registered for redaction");
    }
}

TAP_CASE(addresses)
{
    hfc_error err = {0};
    hf_param *p;
    static const char *const good[] = {"127.0.0.1", "127.0.0.1:9623", "bmc-1.example.org", "::1", "[::1]:623", NULL};
    static const char *const bad[] = {"10.0.0.1:0", "host:99999", "a b",  "[::1", "::1:623:x:y:z:w:q",
                                      "-",          "..",         "-bmc", "bmc-", NULL};
    for (const char *const *g = good; *g; g++) {
        const char *a = *g;
        p = validate((const char *const[]){"address", a, NULL}, &err);
        ok(p != NULL, "address '%s' accepted", a);
        hfc_params_free(p);
    }
    for (const char *const *b = bad; *b; b++) {
        const char *a = *b;
        p = validate((const char *const[]){"address", a, NULL}, &err);
        ok(p == NULL && strstr(err.message, "address"), "address '%s' refused", a);
        hfc_params_free(p);
    }
}

TAP_CASE(refusals)
{
    refused((const char *const[]){NULL}, "missing required parameter 'address'", "missing required");
    refused((const char *const[]){"address", "h", "colour", "red", NULL}, "unknown parameter 'colour'", "unknown name");
    refused((const char *const[]){"address", "h", "port", "x", NULL}, "'port'", "integer type");
    refused((const char *const[]){"address", "h", "port", "70000", NULL}, "outside 1..65535", "integer range");
    refused((const char *const[]){"address", "h", "verify", "perhaps", NULL}, "'verify'", "boolean");
    refused((const char *const[]){"address", "h", "mode", "serial", NULL}, "one of: lanplus, lan", "enum");
    refused((const char *const[]){"address", "h", "ca_file", "ca.pem", NULL}, "absolute path", "path");
    refused((const char *const[]){"address", "h", "password", "a\nb", NULL}, "control characters",
            "newline in a value (agent stdin injection)");
    hfc_secrets_forget();
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(minimal_set);
    TAP_RUN(full_set_and_redaction);
    TAP_RUN(addresses);
    TAP_RUN(refusals);
    return tap_done();
}
