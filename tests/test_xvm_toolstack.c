/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xvm plugin's remote commands and parsers (plugins/xvm/toolstack.c):
 * guests that must never reach a shell, the exact commands per toolstack,
 * and power states read from each toolstack's output, where anything not
 * understood is an error and never "off". */
#include "tests/tap.h"
#include "plugins/xvm/toolstack.h"

#define UUID "0838afcc-1c6c-549b-a28c-d7916ca7753a"

static void guest_refused(const char *guest)
{
    hf_reply why = {0};
    char cmd[1024] = "x";
    xvm_commands c = {XVM_XE, false, NULL, "/etc/xen"};
    ok(!xvm_guest_valid(guest, &why) && *why.message, "guest '%s' refused: %s", guest, why.message);
    ok(!xvm_command(&c, XVM_OFF, guest, cmd, sizeof cmd, &why) && cmd[0] == '\0', "  ... no command built for it");
}

static void command_is(xvm_toolstack ts, bool sudo, const char *uri, xvm_op op, const char *guest, const char *want)
{
    hf_reply why = {0};
    char cmd[1024] = "";
    xvm_commands c = {ts, sudo, uri, "/etc/xen"};
    bool built = xvm_command(&c, op, guest, cmd, sizeof cmd, &why);
    ok(built && strcmp(cmd, want) == 0, "%s: %s", xvm_toolstack_name(ts), want);
    if (!built || strcmp(cmd, want) != 0)
        diag("got '%s' (%s)", cmd, why.message);
}

static void status_is(xvm_toolstack ts, const char *guest, int rc, const char *out, const char *err, hf_result want,
                      hf_power power, const char *what)
{
    char state[64], name[256];
    hf_reply why = {0};
    hf_power p;
    bool absent;
    hf_result r = xvm_parse_status(ts, guest, rc, out, err, &p, &absent, state, sizeof state, name, sizeof name, &why);
    ok(r == want && (r != HF_OK || p == power), "%s status: %s", xvm_toolstack_name(ts), what);
    if (p == HF_POWER_OFF)
        ok(!absent, "  ... off is the toolstack's own word, never an absence");
    if (r != want || (r == HF_OK && p != power))
        diag("result %d power %d state '%s' why '%s'", r, p, state, why.message);
    if (r != HF_OK)
        ok(p == HF_POWER_UNKNOWN && *why.message, "  ... power unknown, with a reason: %s", why.message);
}

static int listed;
static void count_sink(void *arg, const char *target, const char *name)
{
    (void)arg, (void)target, (void)name;
    listed++;
}

static const char *const hostile[] = {"'; reboot; '", "$(reboot)", "`reboot`", "vm; rm -rf /", "a|b",  "a&b",
                                      "a>b",          "-force",    " lead",    "a\"b",         "a\\b", "line\nbreak",
                                      "tab\there",    "",          NULL};
static const char *xl_list =
    "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            "
    "Reason-Code\tSecurity Label\n"
    "Domain-0                                     0  4096     4     r-----    1234.5 "
    "00000000-0000-0000-0000-000000000000        -                -\n"
    "xs1                                          3  2048     2     -b----      42.0 " UUID
    "        -                -\n";

TAP_CASE(guest_names)
{
    hf_reply why = {0};
    for (int i = 0; hostile[i]; i++)
        guest_refused(hostile[i]);
    ok(xvm_guest_valid(UUID, &why), "a UUID is a guest");
    ok(xvm_guest_valid("XCP-ng host 1", &why), "a name with spaces is a guest (quoted)");
    ok(xvm_guest_valid("web01.lab+b@x:1", &why), "a name of . _ - + @ : is a guest");
    ok(!xvm_word_valid("xen:///system'; reboot"), "a virsh URI with a quote is refused");
    ok(xvm_word_valid("xen:///system"), "xen:///system is a URI");
}

TAP_CASE(commands)
{
    hf_reply why = {0};
    command_is(XVM_XE, false, NULL, XVM_STATUS, UUID, "xe vm-param-get uuid='" UUID "' param-name=power-state");
    command_is(XVM_XE, false, NULL, XVM_STATUS, "xs 1", "xe vm-list name-label='xs 1' params=power-state --minimal");
    command_is(XVM_XE, false, NULL, XVM_OFF, UUID, "xe vm-shutdown --force uuid='" UUID "'");
    command_is(XVM_XE, true, NULL, XVM_ON, "xs1", "sudo -n xe vm-start vm='xs1'");
    command_is(XVM_XL, false, NULL, XVM_STATUS, "xs1", "xl list -v");
    command_is(XVM_XL, false, NULL, XVM_OFF, "xs1", "xl destroy 'xs1'");
    command_is(XVM_XL, false, NULL, XVM_ON, "xs1", "xl create '/etc/xen/xs1.cfg'");
    command_is(XVM_VIRSH, false, "xen:///system", XVM_STATUS, "xs1", "virsh -c 'xen:///system' domstate 'xs1'");
    command_is(XVM_VIRSH, false, NULL, XVM_OFF, "xs1", "virsh destroy 'xs1'");
    command_is(XVM_VIRSH, false, NULL, XVM_ON, "xs1", "virsh start 'xs1'");
    {
        char cmd[1024];
        xvm_commands c = {XVM_XL, false, NULL, "/etc/xen"};
        ok(!xvm_command(&c, XVM_ON, UUID, cmd, sizeof cmd, &why), "xl: on by UUID refused: %s", why.message);
    }
}

TAP_CASE(status_parsing)
{
    status_is(XVM_XE, UUID, 0, "halted\n", "", HF_OK, HF_POWER_OFF, "halted is off");
    status_is(XVM_XE, UUID, 0, "running\n", "", HF_OK, HF_POWER_ON, "running is on");
    status_is(XVM_XE, UUID, 0, "suspended\n", "", HF_OK, HF_POWER_ON, "suspended is not off");
    status_is(XVM_XE, UUID, 1, "", "The uuid you supplied was invalid.\ntype: VM\n", HF_E_BAD_PARAMETER, 0,
              "an unknown UUID: no such guest");
    status_is(XVM_XE, "xs1", 0, "\n", "", HF_E_BAD_PARAMETER, 0, "an unknown name: no such guest");
    status_is(XVM_XE, "xs1", 0, "running,halted\n", "", HF_E_BAD_PARAMETER, 0, "a name two guests share: refused");
    status_is(XVM_XE, UUID, 0, "sudo: a terminal is required\n", "", HF_E_DEVICE_REFUSED, 0,
              "output no xe prints: unknown, not off");
    status_is(XVM_XE, UUID, 127, "", "sh: 1: xe: not found\n", HF_E_DEVICE_REFUSED, 0, "xe missing: unknown");
    status_is(XVM_XL, "xs1", 0, xl_list, "", HF_OK, HF_POWER_ON, "listed is on");
    status_is(XVM_XL, UUID, 0, xl_list, "", HF_OK, HF_POWER_ON, "found by UUID");
    status_is(XVM_XL, "xs2", 0, xl_list, "", HF_OK, HF_POWER_UNKNOWN, "not listed is unknown, never off");
    {
        char state[64], name[256];
        hf_reply reason = {0};
        hf_power p = HF_POWER_OFF;
        bool absent = false;
        xvm_parse_status(XVM_XL, "xs-1", 0, xl_list, "", &p, &absent, state, sizeof state, name, sizeof name, &reason);
        ok(absent && p == HF_POWER_UNKNOWN, "xl: a misspelt name (xs-1 for xs1) is absent, power unknown");
    }
    status_is(XVM_XL, "xs2", 0, "sudo: a password is required\n", "", HF_E_DEVICE_REFUSED, 0,
              "no header: unknown, not off");
    status_is(XVM_XL, "xs2", 1, xl_list, "", HF_E_DEVICE_REFUSED, 0, "a failed xl list: unknown");
    status_is(XVM_VIRSH, "xs1", 0, "shut off\n\n", "", HF_OK, HF_POWER_OFF, "shut off is off");
    status_is(XVM_VIRSH, "xs1", 0, "running\n\n", "", HF_OK, HF_POWER_ON, "running is on");
    status_is(XVM_VIRSH, "xs1", 0, "crashed\n", "", HF_OK, HF_POWER_ON, "crashed is not off");
    status_is(XVM_VIRSH, "xs1", 1, "", "error: failed to get domain 'xs1'\n", HF_E_BAD_PARAMETER, 0,
              "an unknown guest: no such guest");
    status_is(XVM_VIRSH, "xs1", 1, "", "sudo: a terminal is required\n", HF_E_DEVICE_REFUSED, 0,
              "a missing sudo: unknown (fence_virsh says OFF)");
    status_is(XVM_VIRSH, "xs1", 0, "", "", HF_E_DEVICE_REFUSED, 0, "no output: unknown");
}

TAP_CASE(listing)
{
    listed = 0;
    ok(xvm_parse_list(XVM_XL, xl_list, count_sink, NULL) == 1 && listed == 1, "xl list: one guest (not Domain-0)");
    listed = 0;
    ok(xvm_parse_list(XVM_XE,
                      "uuid ( RO)           : " UUID "\n     name-label ( RW): xs1\n\n\n"
                      "uuid ( RO)           : 2372bc81-0709-c8e8-6e34-3ccb085cf1ab\n     name-label ( RW): xs 2\n",
                      count_sink, NULL) == 2 &&
           listed == 2,
       "xe vm-list: two guests");
    listed = 0;
    ok(xvm_parse_list(XVM_VIRSH, " Id   Name   State\n---------------\n 1    xs1    running\n -    xs2    shut off\n\n",
                      count_sink, NULL) == 2 &&
           listed == 2,
       "virsh list --all: two guests");
    ok(xvm_parse_list(XVM_VIRSH, "error: no connection\n", count_sink, NULL) < 0, "virsh: not a list: refused");
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(guest_names);
    TAP_RUN(commands);
    TAP_RUN(status_parsing);
    TAP_RUN(listing);
    return tap_done();
}
