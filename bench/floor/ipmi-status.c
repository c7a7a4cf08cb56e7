/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for an IPMI status: the smallest client that does the same
 * work as `hafence status ipmi` with the same library (libfreeipmi): one
 * IPMI 2.0 session with cipher suite 3 at ADMIN privilege, one Get Chassis
 * Status, the power state printed, the session closed.  Nothing else: no
 * configuration, no plugin, no isolation, no history.  With "off", the
 * floor of `hafence off ipmi`: Chassis Control power down, then Get
 * Chassis Status in the same session until it reads off (no wait between
 * reads: the least time a verified off can take).  bench/ipmi.sh runs it
 * beside hafence, also many at once (xargs -P); it is not installed.
 *   ipmi-status HOST PORT USER PASSWORD-FILE [off]
 */
#include <freeipmi/freeipmi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char host[300], password[128];
    FILE *f;
    ipmi_ctx_t ctx;
    fiid_obj_t rs;
    fiid_obj_t ctl = NULL;
    uint64_t on = 0;
    int reads = 0;
    bool off = argc == 6 && strcmp(argv[5], "off") == 0;
    if (argc != 5 && !off) {
        fprintf(stderr, "usage: ipmi-status HOST PORT USER PASSWORD-FILE [off]\n");
        return 64;
    }
    snprintf(host, sizeof host, "%s:%s", argv[1], argv[2]);
    if (!(f = fopen(argv[4], "r")) || !fgets(password, sizeof password, f)) {
        perror(argv[4]);
        return 1;
    }
    fclose(f);
    password[strcspn(password, "\n")] = '\0';
    ctx = ipmi_ctx_create();
    rs = fiid_obj_create(tmpl_cmd_get_chassis_status_rs);
    if (!ctx || !rs ||
        ipmi_ctx_open_outofband_2_0(ctx, host, argv[3], password, NULL, 0, IPMI_PRIVILEGE_LEVEL_ADMIN, 3, 5000, 1000,
                                    IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE,
                                    IPMI_FLAGS_DEFAULT) < 0 ||
        (off && (!(ctl = fiid_obj_create(tmpl_cmd_chassis_control_rs)) ||
                 ipmi_cmd_chassis_control(ctx, IPMI_CHASSIS_CONTROL_POWER_DOWN, ctl) < 0))) {
        fprintf(stderr, "%s: %s\n", host, ctx ? ipmi_ctx_errormsg(ctx) : "no memory");
        return 1;
    }
    do { /* read back, bounded: 10000 reads */
        if (ipmi_cmd_get_chassis_status(ctx, rs) < 0 || FIID_OBJ_GET(rs, "current_power_state.power_is_on", &on) < 0) {
            fprintf(stderr, "%s: %s\n", host, ipmi_ctx_errormsg(ctx));
            return 1;
        }
    } while (off && on && ++reads < 10000);
    if (off && on) {
        fprintf(stderr, "%s: still on after %d reads\n", host, reads);
        return 1;
    }
    printf("%s\n", on ? "on" : "off");
    fiid_obj_destroy(rs);
    if (ctl)
        fiid_obj_destroy(ctl);
    ipmi_ctx_close(ctx);
    ipmi_ctx_destroy(ctx);
    return 0;
}
