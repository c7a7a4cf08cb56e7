/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The snmp-pdu plugin's pure parts: targets ("<pdu>[:port]:<outlet>,...;...")
 * and profile detection from sysObjectID. */
#include "plugins/snmp-pdu/profiles.h"
#include "tests/tap.h"
#include "plugins/snmp-pdu/targets.h"

static void refused(const char *text, const char *why_part)
{
    pdu_target t[PDU_MAX_PDUS];
    int n;
    hf_reply why = {0};
    ok(!pdu_targets_parse(text, t, &n, &why) && strstr(why.message, why_part), "'%s' refused: %s", text, why.message);
}

TAP_CASE(targets)
{
    pdu_target t[PDU_MAX_PDUS];
    int n = 0;
    hf_reply why = {0};
    ok(pdu_targets_parse("10.0.9.21:7", t, &n, &why) && n == 1 && !strcmp(t[0].address, "10.0.9.21") &&
           t[0].count == 1 && t[0].outlets[0].number == 7,
       "one PDU, one outlet");
    ok(pdu_targets_parse("10.0.9.21:1161:3,db1;[fe80::1]:161:4", t, &n, &why) && n == 2 &&
           !strcmp(t[0].address, "10.0.9.21:1161") && t[0].count == 2 && t[0].outlets[0].number == 3 &&
           t[0].outlets[1].number == 0 && !strcmp(t[0].outlets[1].name, "db1") &&
           !strcmp(t[1].address, "[fe80::1]:161") && t[1].outlets[0].number == 4,
       "two PDUs (a port, IPv6 in brackets), an outlet by number and one by name");
    ok(pdu_targets_parse("3,4", t, &n, &why) && n == 1 && !*t[0].address && t[0].count == 2,
       "no address: the address parameter's PDU");
    refused("", "no outlet");
    refused("10.0.0.1:", "empty");
    refused("10.0.0.1:1,,2", "empty");
    refused("10.0.0.1:0", "out of range");
    refused("10.0.0.1:a$b", "holds '$'");
    refused(":3", "empty");
    refused("10.0.0.1:1;10.0.0.2:2;10.0.0.3:3;10.0.0.4:4;10.0.0.5:5;10.0.0.6:6;10.0.0.7:7;10.0.0.8:8;10.0.0.9:9",
            "more than");
}

TAP_CASE(profiles)
{
    ok(pdu_profile_detect("1.3.6.1.4.1.318.1.3.4.5") == pdu_profile_find("apc-rpdu"), "APC rPDU sysObjectID: apc-rpdu");
    ok(pdu_profile_detect(".1.3.6.1.4.1.318.1.3.4.6") == pdu_profile_find("apc-rpdu2"),
       "APC .318.1.3.4.6: apc-rpdu2 (the longer prefix wins)");
    ok(pdu_profile_detect("1.3.6.1.4.1.534.6.6.7") == pdu_profile_find("eaton-epdu"), "Eaton ePDU");
    ok(pdu_profile_detect("1.3.6.1.4.1.13742.6") == pdu_profile_find("raritan-px"), "Raritan PX");
    ok(pdu_profile_detect("1.3.6.1.4.1.3181") == NULL, "a prefix must end at a sub-identifier (.3181 is not .318)");
    ok(pdu_profile_detect("1.3.6.1.4.1.8072.3.2.10") == NULL, "net-snmp's own sysObjectID: no PDU");
    {
        const pdu_profile *e = pdu_profile_find("eaton-epdu");
        ok(pdu_profile_power(e, 0) == HF_POWER_OFF && pdu_profile_power(e, 1) == HF_POWER_ON &&
               pdu_profile_power(e, 2) == HF_POWER_UNKNOWN && pdu_profile_power(e, 3) == HF_POWER_UNKNOWN,
           "Eaton: pendingOff and pendingOn are neither (a pending state is not off)");
    }
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(targets);
    TAP_RUN(profiles);
    return tap_done();
}
