/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fencing decision, row by row: role, pool size, live hosts, the
 * heuristic vote and the FENCE_* settings -> the decision and its reason. */
#include "core/error.h"
#include "core/config.h"
#include "core/keys.h"
#include "core/decide.h"
#include "tests/tap.h"

/* the table's last columns (enabled hosts, maintenance, HA off) are
 * optional: most rows leave them zero */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

typedef struct row {
    const char *what;
    const char *config; /* FENCE_* lines over the defaults */
    hfc_role role;
    bool peer_is_master;
    long long pool, live;
    hf_vote vote;
    bool suspended, waited;
    hfc_decision want;
    const char *reason; /* a part of the reason */
    long long enabled;  /* enabled hosts (0: all) */
    bool maintenance;
    const char *ha_off;
} row;

#define M HFC_ROLE_MASTER
#define A HFC_ROLE_AUTOPROMOTE
#define S HFC_ROLE_SLAVE
#define P HF_VOTE_PASS
#define F HF_VOTE_FAIL
#define U HF_VOTE_UNKNOWN

static const row rows[] = {
    /* who may fence whom */
    {"suspended host", "", M, false, 3, 2, P, true, false, HFC_DECIDE_NOTHING, "suspended"},
    {"plain slave", "", S, true, 3, 2, P, false, false, HFC_DECIDE_NOTHING, "only the master and the autopromote"},
    {"master vs master", "", M, true, 3, 2, P, false, false, HFC_DECIDE_NOTHING, "does not fence the master"},
    {"autopromote vs slave", "", A, false, 3, 2, P, false, false, HFC_DECIDE_NOTHING, "fences only the master"},
    {"fencing disabled", "FENCE_ENABLED=0", M, false, 3, 2, P, false, false, HFC_DECIDE_NOTHING, "FENCE_ENABLED=0"},
    /* 3-host pool, quorum required (defaults) */
    {"3 hosts, 2 live", "", M, false, 3, 2, U, false, false, HFC_DECIDE_FENCE, "2 of 3 hosts live"},
    {"3 hosts, 1 live + heuristic: the vote breaks ties only", "", M, false, 3, 1, P, false, false, HFC_DECIDE_NOTHING,
     "breaks a tie only"},
    {"3 hosts, 1 live, heuristic fails", "", M, false, 3, 1, F, false, false, HFC_DECIDE_NOTHING, "no quorum"},
    {"3 hosts, 1 live, heuristic unknown", "", M, false, 3, 1, U, false, false, HFC_DECIDE_NOTHING, "no quorum"},
    {"autopromote without quorum", "", A, true, 3, 1, F, false, false, HFC_DECIDE_SELF_FENCE, "suspend HA"},
    /* a partial partition (master and slave cut, each 2 of 3 through the
     * third host) gives both a majority: the slave gives the master its
     * head start even then (campaign 3, n3-random-093: a mutual fence) */
    {"autopromote with quorum waits first", "", A, true, 3, 2, U, false, false, HFC_DECIDE_WAIT,
     "the master may reach a majority without this host"},
    {"autopromote with quorum, after its wait", "", A, true, 3, 2, U, false, true, HFC_DECIDE_FENCE,
     "autopromote slave may fence"},
    {"autopromote, quorum not required: waits first", "FENCE_QUORUM_REQUIRED=0", A, true, 3, 1, F, false, false,
     HFC_DECIDE_WAIT, "no quorum required"},
    {"heuristics off: the vote does not count", "FENCE_USE_IP_HEURISTICS=0", M, false, 3, 1, P, false, false,
     HFC_DECIDE_NOTHING, "no quorum"},
    {"quorum not required", "FENCE_QUORUM_REQUIRED=0", M, false, 3, 1, F, false, false, HFC_DECIDE_FENCE, "may fence"},
    /* FENCE_MIN_HOSTS edges */
    {"pool of 3, FENCE_MIN_HOSTS=3", "FENCE_MIN_HOSTS=3", M, false, 3, 2, U, false, false, HFC_DECIDE_FENCE,
     "may fence"},
    {"pool of 3, FENCE_MIN_HOSTS=4", "FENCE_MIN_HOSTS=4", M, false, 3, 2, P, false, false, HFC_DECIDE_NOTHING,
     "FENCE_MIN_HOSTS=4"},
    {"autopromote, too few hosts", "FENCE_MIN_HOSTS=4", A, true, 3, 2, P, false, false, HFC_DECIDE_SELF_FENCE,
     "FENCE_MIN_HOSTS=4"},
    {"pool of 2 under the default FENCE_MIN_HOSTS=3", "", M, false, 2, 1, P, false, false, HFC_DECIDE_NOTHING,
     "FENCE_MIN_HOSTS=3"},
    /* two-host pool (FENCE_MIN_HOSTS=2, as HA-Lizard suggests for it) */
    {"2 hosts: master + heuristic", "FENCE_MIN_HOSTS=2", M, false, 2, 1, P, false, false, HFC_DECIDE_FENCE,
     "may fence"},
    {"2 hosts: master, heuristic fails", "FENCE_MIN_HOSTS=2", M, false, 2, 1, F, false, false, HFC_DECIDE_NOTHING,
     "no quorum"},
    {"2 hosts: slave waits first", "FENCE_MIN_HOSTS=2", A, true, 2, 1, P, false, false, HFC_DECIDE_WAIT, "waits"},
    {"2 hosts: slave fences after its wait", "FENCE_MIN_HOSTS=2", A, true, 2, 1, P, false, true, HFC_DECIDE_FENCE,
     "may fence"},
    {"2 hosts: slave without the vote", "FENCE_MIN_HOSTS=2", A, true, 2, 1, F, false, false, HFC_DECIDE_SELF_FENCE,
     "no quorum"},
    /* five hosts */
    {"5 hosts, 3 live", "", M, false, 5, 3, U, false, false, HFC_DECIDE_FENCE, "3 of 5"},
    {"5 hosts, 2 live + heuristic: a minority", "", M, false, 5, 2, P, false, false, HFC_DECIDE_NOTHING, "no quorum"},
    {"5 hosts, autopromote with 2 live + heuristic", "", A, true, 5, 2, P, false, false, HFC_DECIDE_SELF_FENCE,
     "no quorum"},
    /* four hosts: a 2/2 split is a tie */
    {"4 hosts, 2 live + heuristic: the tie is broken", "", M, false, 4, 2, P, false, false, HFC_DECIDE_FENCE,
     "quorum by the tie-break"},
    {"4 hosts, 2 live, no heuristic", "", M, false, 4, 2, F, false, false, HFC_DECIDE_NOTHING, "no heuristic vote"},
    {"4 hosts, autopromote in a tie waits", "", A, true, 4, 2, P, false, false, HFC_DECIDE_WAIT, "tie broken"},
    {"4 hosts, autopromote after the wait", "", A, true, 4, 2, P, false, true, HFC_DECIDE_FENCE, "tie-break"},
    {"4 hosts, 3 live: waits too", "", A, true, 4, 3, U, false, false, HFC_DECIDE_WAIT, "majority"},
    {"4 hosts, 3 live, after the wait", "", A, true, 4, 3, U, false, true, HFC_DECIDE_FENCE, "3 of 4"},
    {"5 hosts, 2 live, no heuristic", "", M, false, 5, 2, F, false, false, HFC_DECIDE_NOTHING, "no quorum"},
    /* the lone master */
    {"lone master reboots", "FENCE_REBOOT_LONE_HOST=1", M, false, 3, 1, P, false, false, HFC_DECIDE_SELF_FENCE,
     "FENCE_REBOOT_LONE_HOST"},
    {"lone master of two with the vote: fences", "FENCE_REBOOT_LONE_HOST=1\nFENCE_MIN_HOSTS=2", M, false, 2, 1, P,
     false, false, HFC_DECIDE_FENCE, "may fence"},
    {"lone master of two without quorum: reboots (1.8.9)", "FENCE_REBOOT_LONE_HOST=1\nFENCE_MIN_HOSTS=2", M, false, 2,
     1, F, false, false, HFC_DECIDE_SELF_FENCE, "two-host pool"},
    {"lone master of two without the setting: nothing", "FENCE_MIN_HOSTS=2", M, false, 2, 1, F, false, false,
     HFC_DECIDE_NOTHING, "no quorum"},
    /* quorum among enabled hosts (HA-Lizard's host-list enabled=true) */
    {"3 hosts, one fenced and disabled: 1 of 2 live + vote fences the next", "", M, false, 3, 1, P, false, false,
     HFC_DECIDE_FENCE, "1 of 2 enabled hosts live", 2},
    {"3 hosts, one disabled, 1 of 2 live, no vote: a tie", "", M, false, 3, 1, F, false, false, HFC_DECIDE_NOTHING,
     "1 live host of 2 enabled", 2},
    {"5 hosts, two in maintenance: 2 of 3 live fences", "", M, false, 5, 2, U, false, false, HFC_DECIDE_FENCE,
     "2 of 3 enabled hosts live", 3},
    {"FENCE_MIN_HOSTS still counts the pool", "FENCE_MIN_HOSTS=3", M, false, 3, 1, P, false, false, HFC_DECIDE_FENCE,
     "may fence", 2},
    /* HA off, maintenance, PROMOTE_SLAVE */
    {"this host in maintenance fences nobody", "", M, false, 3, 2, P, false, false, HFC_DECIDE_NOTHING, "maintenance",
     0, true},
    {"HA switched off for the pool", "", M, false, 3, 2, P, false, false, HFC_DECIDE_NOTHING, "switched off", 0, false,
     "HA is switched off for the pool"},
    {"PROMOTE_SLAVE=0: the autopromote slave does not act", "PROMOTE_SLAVE=0", A, true, 3, 2, P, false, false,
     HFC_DECIDE_NOTHING, "PROMOTE_SLAVE=0"},
    {"PROMOTE_SLAVE=0 does not stop the master", "PROMOTE_SLAVE=0", M, false, 3, 2, P, false, false, HFC_DECIDE_FENCE,
     "may fence"},
};

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        if (!tap_case(r->what))
            continue;
        hfc_config *cfg = hfc_config_new();
        hfc_settings s;
        hfc_error err;
        char reason[512];
        hfc_situation sit;
        hfc_decision d;
        if (!hfc_config_parse(cfg, "row", "FENCE_METHOD=IPMI\n", 18, &err) ||
            !hfc_config_parse(cfg, "row", r->config, strlen(r->config), &err) || !hfc_settings_load(cfg, &s, &err)) {
            ok(0, "%s: config: %s", r->what, err.message);
            hfc_config_free(cfg);
            continue;
        }
        sit = (hfc_situation){r->role, r->peer_is_master, r->pool,        r->live,  r->vote, r->suspended, r->waited,
                              &s,      r->enabled,        r->maintenance, r->ha_off};
        d = hfc_decide(&sit, reason, sizeof reason);
        if (!ok(d == r->want && strstr(reason, r->reason), "%s: %s", r->what, hfc_decision_name(r->want)))
            diag("    got %s: %s", hfc_decision_name(d), reason);
        hfc_settings_free(&s);
        hfc_config_free(cfg);
    }
    return tap_done();
}
