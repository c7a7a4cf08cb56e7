/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host maps: <host-uuid>:<target> lines. */
#include "core/error.h"
#include "core/hostmap.h"
#include "tests/tap.h"

static hfc_hostmap *parse(const char *text, hfc_error *err)
{
    return hfc_hostmap_parse("ILO.hosts", text, strlen(text), 0, err);
}

static void expect_error(const char *text, const char *needle, const char *what)
{
    hfc_error err = {0};
    hfc_hostmap *m = parse(text, &err);
    ok(m == NULL, "refused: %s", what);
    ok_has(err.message, needle, "error for %s names '%s'", what, needle);
    hfc_hostmap_free(m);
}

TAP_CASE(halizard_sample)
{
    hfc_error err = {0};
    hfc_hostmap *m = parse("# HA-Lizard's sample\n"
                           "2f4a4020-fe8c-4686-a65d-501a19a06716:192.168.1.141\n"
                           "\n"
                           "   33E68E2C-5b7b-4d5e-ae9c-7baef5b1566b:192.168.1.132  \n"
                           "9b9a243a-abf3-485f-bb37-e43b29555cbe:[fe80::1]:623\n"
                           "1ae14847-6169-4cb0-ad8b-79ef0219e1ee:0838afcc-1c6c-549b-a28c-d7916ca7753a",
                           &err);
    ok(m != NULL, "HA-Lizard sample parses: %s", err.message);
    ok(m && hfc_hostmap_count(m) == 4, "four hosts");
    ok(m && strcmp(hfc_hostmap_lookup(m, "2f4a4020-fe8c-4686-a65d-501a19a06716"), "192.168.1.141") == 0,
       "lookup gives the address");
    ok(m && hfc_hostmap_lookup(m, "33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b") != NULL,
       "UUIDs compare case-insensitively, spaces trimmed");
    ok(m && strcmp(hfc_hostmap_lookup(m, "9b9a243a-abf3-485f-bb37-e43b29555cbe"), "[fe80::1]:623") == 0,
       "target is everything after the first ':' (IPv6 with port)");
    ok(m && strcmp(hfc_hostmap_lookup(m, "1ae14847-6169-4cb0-ad8b-79ef0219e1ee"),
                   "0838afcc-1c6c-549b-a28c-d7916ca7753a") == 0,
       "XVM style UUID:UUID, last line without newline");
    ok(m && hfc_hostmap_lookup(m, "00000000-0000-0000-0000-000000000000") == NULL, "unknown host: NULL");
    hfc_hostmap_free(m);
}

TAP_CASE(empty_map)
{
    hfc_error err = {0};
    hfc_hostmap *m = parse("", &err);
    ok(m && hfc_hostmap_count(m) == 0, "empty map is valid and empty");
    hfc_hostmap_free(m);
}

TAP_CASE(malformed_lines)
{
    expect_error("\n\nnot-a-uuid:10.0.0.1\n", "ILO.hosts:3", "malformed UUID (line named)");
    expect_error("2f4a4020-fe8c-4686-a65d-501a19a0671:10.0.0.1\n", "not a host UUID", "short UUID");
    expect_error("2f4a4020-fe8c-4686-a65d-501a19a06716\n", "found no ':'", "line without ':'");
    expect_error("2f4a4020-fe8c-4686-a65d-501a19a06716:\n", "empty target", "empty target");
    expect_error("2f4a4020-fe8c-4686-a65d-501a19a06716:10.0.0.1\n"
                 "2F4A4020-FE8C-4686-A65D-501A19A06716:10.0.0.2\n",
                 "ILO.hosts:2: host 2F4A4020-FE8C-4686-A65D-501A19A06716 appears more than once", "duplicate host");
    expect_error("2f4a4020-fe8c-4686-a65d-501a19a06716:10.0.0.1 ; reboot\n", "space or control",
                 "space inside the target");
}

TAP_CASE(nul_byte)
{
    hfc_error err = {0};
    hfc_hostmap *m;
    {
        static const char nul[] = "2f4a4020-fe8c-4686-a65d-501a19a06716:10.0\0.0.1\n";
        m = hfc_hostmap_parse("ILO.hosts", nul, sizeof nul - 1, 0, &err);
        ok(m == NULL && strstr(err.message, "NUL"), "NUL byte refused");
        hfc_hostmap_free(m);
    }
}

TAP_CASE(hostile_size)
{
    hfc_error err = {0};
    hfc_hostmap *m;
    {
        /* a large hostile map: bounded, no crash */
        size_t n = 2u << 20;
        char *big = malloc(n + 1);
        memset(big, ':', n);
        big[n] = '\0';
        m = hfc_hostmap_parse("big.hosts", big, n, 0, &err);
        ok(m == NULL && strstr(err.message, "larger than"), "2 MiB map refused by size");
        hfc_hostmap_free(m);
        free(big);
    }
}

TAP_CASE(joined_lines)
{
    hfc_error err = {0};
    hfc_hostmap *m;
    {
        /* SNMP-PDU: a host on two PDUs has two lines, joined in file order */
        static const char two[] = "2f4a4020-fe8c-4686-a65d-501a19a06716:10.0.0.1:1\n"
                                  "33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b:10.0.0.1:2\n"
                                  "2F4A4020-FE8C-4686-A65D-501A19A06716:10.0.0.2:3,4\n";
        m = hfc_hostmap_parse("SNMP-PDU.hosts", two, sizeof two - 1, HFC_HOSTMAP_JOIN_LINES, &err);
        ok(m && hfc_hostmap_count(m) == 2, "joined lines: two hosts");
        ok(m && strcmp(hfc_hostmap_lookup(m, "2f4a4020-fe8c-4686-a65d-501a19a06716"), "10.0.0.1:1;10.0.0.2:3,4") == 0,
           "  ... the host on two PDUs has both targets, ';'-joined in file order");
        hfc_hostmap_free(m);
        m = hfc_hostmap_parse("ILO.hosts", two, sizeof two - 1, 0, &err);
        ok(m == NULL && strstr(err.message, "more than once"), "  ... and without the flag, still an error");
        hfc_hostmap_free(m);
    }
}

TAP_CASE(missing_file)
{
    hfc_error err = {0};
    hfc_hostmap *m = hfc_hostmap_load("/nonexistent/ILO/ILO.hosts", 0, &err);
    ok(m == NULL && strstr(err.message, "/nonexistent/ILO/ILO.hosts"), "missing file named");
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(halizard_sample);
    TAP_RUN(empty_map);
    TAP_RUN(malformed_lines);
    TAP_RUN(nul_byte);
    TAP_RUN(hostile_size);
    TAP_RUN(joined_lines);
    TAP_RUN(missing_file);
    return tap_done();
}
