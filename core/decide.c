/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fencing decision of a pool host, as HA-Lizard makes it (SPEC.md
 * section 7), kept pure: a situation in, a decision and its reason out, so
 * that every row of the table can be tested without a pool.
 *
 *  - Only the master fences slaves; only the autopromote slave may fence the
 *    master; other slaves never fence.  A suspended host does nothing.
 *  - Nothing at all while HA is off for the pool (its XenCenter switch, or
 *    XenServer's own HA running it) or this host is in maintenance.
 *  - Permission: FENCE_ENABLED=1, at least FENCE_MIN_HOSTS in the pool, and,
 *    with FENCE_QUORUM_REQUIRED=1, quorum: more than half the pool's
 *    enabled hosts live (itself included; HA-Lizard counts host-list
 *    enabled=true, so a host fenced and disabled, or in maintenance, is no
 *    voter), or exactly half and the heuristics' vote
 *    (FENCE_USE_IP_HEURISTICS=1, vote pass).  The vote breaks a tie and
 *    nothing more: counted as a full host it would give the minority of an
 *    odd pool a majority (one host of three, plus the switch both halves
 *    can ping, is "2 of 3"), and both halves of a split would fence each
 *    other.
 *  - The autopromote slave that may not fence the master (no quorum, too few
 *    hosts) suspends its HA and reboots once: it cannot tell a dead master
 *    from its own isolation, and a master that is alive must not meet a
 *    second master.
 *  - The master goes first: it fences at once, the autopromote slave waits
 *    a delay and checks the master again, so that one side wins wherever
 *    both may fence each other.  A tie broken by the vote (the two-host
 *    split is one) can be won by both halves; so can a partial partition
 *    of three hosts or more (master and slave cut from each other, each
 *    with a majority through the others), and without
 *    FENCE_QUORUM_REQUIRED any split can.  The slave cannot tell these
 *    from a dead master, so it always waits.
 *  - FENCE_REBOOT_LONE_HOST: a master that sees no peer in a pool of three
 *    or more reboots instead of fencing (it is the isolated one); in a pool
 *    of two, it reboots when it sees no peer and has no quorum (1.8.9: the
 *    slave may then take the storage role over).
 *  - PROMOTE_SLAVE=0: nobody fences or replaces a failed master.
 */
#include "core/keys.h"
#include "core/decide.h"

const char *hfc_role_name(hfc_role r)
{
    switch (r) {
    case HFC_ROLE_MASTER: return "master";
    case HFC_ROLE_AUTOPROMOTE: return "autopromote slave";
    default: return "slave";
    }
}

static hfc_decision decided(hfc_decision d, char *reason, size_t size, const char *fmt, ...) HF_PRINTF(4, 5);
static hfc_decision decided(hfc_decision d, char *reason, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, size, fmt, ap);
    va_end(ap);
    return d;
}

const char *hfc_decision_name(hfc_decision d)
{
    switch (d) {
    case HFC_DECIDE_FENCE: return "fence";
    case HFC_DECIDE_WAIT: return "wait";
    case HFC_DECIDE_SELF_FENCE: return "self-fence";
    default: return "nothing";
    }
}

hfc_decision hfc_decide(const hfc_situation *s, char *reason, size_t size)
{
    const hfc_settings *cfg = s->settings;
    long long voters = s->enabled_hosts > 0 ? s->enabled_hosts : s->pool_size;
    bool heuristic_vote = cfg->fence_use_ip_heuristics && s->heuristic == HF_VOTE_PASS;
    bool majority = 2 * s->live_hosts > voters;
    bool tie_broken = 2 * s->live_hosts == voters && heuristic_vote;
    bool quorum = majority || tie_broken;
    bool may_fence;

    if (s->suspended)
        return decided(HFC_DECIDE_NOTHING, reason, size,
                       "HA is suspended on this host since it fenced itself: clear it with 'hafence recover'");
    if (s->ha_off)
        return decided(HFC_DECIDE_NOTHING, reason, size, "%s", s->ha_off);
    if (s->in_maintenance)
        return decided(HFC_DECIDE_NOTHING, reason, size,
                       "this host is in maintenance mode (disabled): it fences nobody");
    if (s->role == HFC_ROLE_SLAVE)
        return decided(HFC_DECIDE_NOTHING, reason, size, "only the master and the autopromote slave fence");
    if (s->role == HFC_ROLE_MASTER && s->peer_is_master)
        return decided(HFC_DECIDE_NOTHING, reason, size, "a master does not fence the master");
    if (s->role == HFC_ROLE_AUTOPROMOTE && !s->peer_is_master)
        return decided(HFC_DECIDE_NOTHING, reason, size, "the autopromote slave fences only the master");
    if (!cfg->fence_enabled)
        return decided(HFC_DECIDE_NOTHING, reason, size, "FENCE_ENABLED=0");
    if (s->role == HFC_ROLE_AUTOPROMOTE && !cfg->promote_slave)
        return decided(HFC_DECIDE_NOTHING, reason, size,
                       "PROMOTE_SLAVE=0: the master is unreachable and nobody replaces it: the operator must");
    if (s->role == HFC_ROLE_MASTER && cfg->fence_reboot_lone_host && s->live_hosts == 1 && voters >= 3)
        return decided(HFC_DECIDE_SELF_FENCE, reason, size,
                       "FENCE_REBOOT_LONE_HOST=1 and this master sees none of its %lld peers", voters - 1);
    if (s->role == HFC_ROLE_MASTER && cfg->fence_reboot_lone_host && s->live_hosts == 1 && voters == 2 && !quorum)
        return decided(HFC_DECIDE_SELF_FENCE, reason, size,
                       "FENCE_REBOOT_LONE_HOST=1: this master of a two-host pool sees no peer and has no quorum "
                       "(the heuristic vote fails): it reboots, so that the slave may take over");

    may_fence = true;
    /* HA-Lizard counts the pool's hosts here (its default of 2 is "for a
     * 2-node pool", where one host is all that answers) */
    if (s->pool_size < cfg->fence_min_hosts) {
        may_fence = false;
        decided(HFC_DECIDE_NOTHING, reason, size, "the pool has %lld host%s, FENCE_MIN_HOSTS=%lld", s->pool_size,
                s->pool_size == 1 ? "" : "s", cfg->fence_min_hosts);
    } else if (cfg->fence_quorum_required && !quorum) {
        may_fence = false;
        decided(HFC_DECIDE_NOTHING, reason, size, "no quorum: %lld live host%s of %lld enabled is not more than half%s",
                s->live_hosts, s->live_hosts == 1 ? "" : "s", voters,
                2 * s->live_hosts == voters ? " (a tie, and no heuristic vote to break it)"
                : heuristic_vote            ? " (the heuristic vote breaks a tie only)"
                                            : "");
    }
    if (!may_fence) {
        if (s->role == HFC_ROLE_AUTOPROMOTE) {
            char why[256];
            snprintf(why, sizeof why, "%s", reason);
            return decided(HFC_DECIDE_SELF_FENCE, reason, size,
                           "the master is unreachable and this autopromote slave may not fence it (%s): "
                           "suspend HA and reboot once",
                           why);
        }
        return HFC_DECIDE_NOTHING;
    }
    /* the master may have its own quorum against this host (a tie both
     * halves win with the vote, a partial partition where each reaches a
     * majority through the others): the master goes first, the slave gives
     * it time, then looks again */
    if (s->role == HFC_ROLE_AUTOPROMOTE && !s->waited)
        return decided(HFC_DECIDE_WAIT, reason, size,
                       "%s: the slave waits before fencing the master, and checks it again",
                       voters == 2                   ? "two-host pool"
                       : !cfg->fence_quorum_required ? "no quorum required, the master may fence this host too"
                       : !majority                   ? "a tie broken by the heuristic vote"
                                                     : "the master may reach a majority without this host");
    return decided(HFC_DECIDE_FENCE, reason, size, "%s may fence: %lld of %lld %shosts live%s%s",
                   hfc_role_name(s->role), s->live_hosts, voters, voters < s->pool_size ? "enabled " : "",
                   heuristic_vote ? ", heuristic vote pass" : "",
                   !cfg->fence_quorum_required ? ""
                   : majority                  ? ", quorum"
                                               : ", quorum by the tie-break");
}
