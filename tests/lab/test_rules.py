#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The campaign's rules, proved able to fail: each broken rule is written
into the files a run leaves (histories, power logs), as a daemon breaking
it would have written them, and the checker must name it; a clean run must
pass.  TAP on stdout (make check runs it, no root, no lab)."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402

T0 = 1_000_000
done = 0
failed = 0


def history(d, host, *records):
    os.makedirs(os.path.join(d, "h%d" % host), exist_ok=True)
    with open(os.path.join(d, "h%d" % host, "history.jsonl"), "a") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def fence(t, host):
    return {"time_ms": t, "action": "fence", "result": "ok", "host": campaign.uuid(host)}


def vm_start(t, vm, origin, to):
    return {"time_ms": t, "action": "vm-start", "result": "ok", "host": campaign.uuid(origin),
            "message": "VM %s (c0ffee) of xs%d (%s) started on xs%d (x)" % (vm, origin, campaign.uuid(origin), to)}


def power(d, host, t, state):
    os.makedirs(os.path.join(d, "h%d" % host), exist_ok=True)
    with open(os.path.join(d, "h%d" % host, "power.log"), "a") as f:
        f.write("%d power %d\n" % (t, state))


def checked(name, faults, write, leftovers=(), n=3):
    """A run of n hosts with these faults, its files written by write(dir);
    the problems the checker finds."""
    out = tempfile.mkdtemp(prefix="hafence-rules.")
    try:
        r = campaign.Run(out, name, n, faults, 1)
        os.makedirs(r.dir)
        write(r.dir)
        r.t0 = T0
        r.applied = [(T0, f) for f in faults]
        r.expected = r.model()
        r.leftovers = list(leftovers)
        r.check()
        return r.problems
    finally:
        shutil.rmtree(out)


def expect(description, problems, wanted):
    global done, failed
    done += 1
    ok = any(wanted in p for p in problems) if wanted else not problems
    print("%s %d - %s" % ("ok" if ok else "not ok", done, description))
    if not ok:
        failed += 1
        print("# wanted: %s" % (wanted or "no problem"))
        for p in problems:
            print("#   got: %s" % p)


def clean(d):
    power(d, 3, T0 + 3000, 0)
    history(d, 1, fence(T0 + 3100, 3), vm_start(T0 + 4000, "vm3-1", 3, 1), vm_start(T0 + 4100, "vm3-2", 3, 2))


def twice(d):
    clean(d)
    history(d, 2, fence(T0 + 9000, 3))


def mutual(d):
    power(d, 1, T0 + 3000, 0)
    power(d, 2, T0 + 3000, 0)
    history(d, 1, fence(T0 + 3100, 2))
    history(d, 2, fence(T0 + 3100, 1))


def lost(d):
    power(d, 3, T0 + 3000, 0)
    history(d, 1, fence(T0 + 3100, 3), vm_start(T0 + 4000, "vm3-1", 3, 1))


def late(d):
    power(d, 3, T0 + 3000, 0)
    history(d, 1, fence(T0 + 3100, 3), vm_start(T0 + 4000, "vm3-1", 3, 1), vm_start(T0 + 45000, "vm3-2", 3, 2))


def on_two_hosts(d):
    power(d, 3, T0 + 5000, 0)
    history(d, 1, fence(T0 + 5100, 3), vm_start(T0 + 4000, "vm3-1", 3, 1), vm_start(T0 + 5200, "vm3-2", 3, 2))


def no_quorum(d):
    power(d, 3, T0 + 3000, 0)
    history(d, 2, fence(T0 + 3100, 3), vm_start(T0 + 4000, "vm3-1", 3, 2), vm_start(T0 + 4100, "vm3-2", 3, 2))


def takeover_failed(d):
    power(d, 1, T0 + 3000, 0)
    history(d, 2, fence(T0 + 3100, 1),
            {"time_ms": T0 + 5100, "action": "promote", "result": "unreachable", "host": campaign.uuid(2),
             "message": "promotion FAILED: pool.emergency_transition_to_master after fencing the master xs1 (%s, x):"
                        " XAPI: no answer" % campaign.uuid(1)},
            {"time_ms": T0 + 7100, "action": "verify-off", "result": "ok", "host": campaign.uuid(1),
             "message": "xs1 (x) is still off since this host fenced it"})


def ap_first(d):
    power(d, 1, T0 + 3000, 0)
    history(d, 2, fence(T0 + 3100, 1), vm_start(T0 + 4000, "vm1-1", 1, 2), vm_start(T0 + 4100, "vm1-2", 1, 3))


def moved_then_fenced(d):
    """The master (1) fences host 3 and starts vm3-1 on itself, vm3-2 on
    host 2; host 2 fences the master, and, its database knowing nothing of
    the old master's last starts, later restarts both VMs "of xs3": vm3-1
    (lost with host 1) on host 2, vm3-2 on host 2 where it already runs."""
    power(d, 3, T0 + 3000, 0)
    power(d, 1, T0 + 3300, 0)
    history(d, 1, fence(T0 + 3100, 3), vm_start(T0 + 3200, "vm3-1", 3, 1), vm_start(T0 + 3210, "vm3-2", 3, 2))
    history(d, 2, fence(T0 + 3400, 1), vm_start(T0 + 3500, "vm1-1", 1, 2), vm_start(T0 + 3510, "vm1-2", 1, 2),
            vm_start(T0 + 8000, "vm3-1", 3, 2), vm_start(T0 + 8010, "vm3-2", 3, 2))


def moved_then_lost(d):
    power(d, 3, T0 + 3000, 0)
    power(d, 1, T0 + 3300, 0)
    history(d, 1, fence(T0 + 3100, 3), vm_start(T0 + 3200, "vm3-1", 3, 1), vm_start(T0 + 3210, "vm3-2", 3, 2))
    history(d, 2, fence(T0 + 3400, 1), vm_start(T0 + 3500, "vm1-1", 1, 2), vm_start(T0 + 3510, "vm1-2", 1, 2))


def checked_again_off(d):
    """Host 1 fences host 3; later host 2, the new master, finds host 3
    dead and its walk reads every device already off."""
    clean(d)
    history(d, 2, dict(fence(T0 + 9000, 3), message="fence off of xs3: done: fenced by level 1 of 2: level 1 "
                                                       "IPMI (ipmi, target x): done: already off (read from the device)",
                       levels=[{"level": 1, "method": "IPMI", "result": "ok", "counted": True, "already": True}]))


def switched_again(d):
    """...the same walk, but its device switched the host (already false),
    whatever its message says: a second fence."""
    clean(d)
    history(d, 2, dict(fence(T0 + 9000, 3), message="fence off of xs3: done: already off",
                       levels=[{"level": 1, "method": "IPMI", "result": "ok", "counted": True, "already": False}]))


def ap_first_and_master(d):
    ap_first(d)
    power(d, 2, T0 + 3000, 0)
    history(d, 1, fence(T0 + 3050, 2))


expect("a clean run: no rule broken", checked("clean", [("crash", 3)], clean), None)
expect("a host fenced again while off since its fence", checked("twice", [("crash", 3)], twice), "fenced again")
expect("two hosts fenced each other", checked("mutual", [("split", ([1], [2, 3]))], mutual), "fenced each other")
expect("a VM of a fenced host never came back", checked("lost", [("crash", 3)], lost), "started 0 times")
expect("a VM back later than the bound", checked("late", [("crash", 3)], late), "after the fence (bound")
expect("a VM started while its host still ran", checked("two", [("crash", 3)], on_two_hosts), "while host 3")
expect("a fence without quorum (host 2 cut from both others)",
       checked("quorum", [("cut", 2, 1), ("cut", 2, 3)], no_quorum), "without quorum")
expect("a fence the model expects and that did not come", checked("missed", [("crash", 3)], lambda d: None),
       "should have been fenced")
expect("...but only a note when the link was lossy",
       checked("lossy", [("crash", 3), ("lossy", 3, 30)], lambda d: None), None)
expect("what the daemon started outlived every deadline",
       checked("outlived", [("crash", 3)], clean, leftovers=[(1, 4242, "hafenced", 60)]), "past every deadline")
expect("VMs not started, and the history says why (the takeover failed): no rule broken; a check of the power"
       " is no second fence", checked("takeover", [("crash", 1)], takeover_failed), None)
expect("...but VMs not started without a word: lost", checked("lost-silently", [("crash", 1)],
       lambda d: (power(d, 1, T0 + 3000, 0), history(d, 2, fence(T0 + 3100, 1)))), "started 0 times")
expect("master and autopromote slave cut from each other, each with a quorum: the slave may fence first",
       checked("race", [("cut", 1, 2)], ap_first), None)
expect("...but never both", checked("race-both", [("cut", 1, 2)], ap_first_and_master), "fenced each other")
expect("...and in a two-host split the slave waits: its fence of the master first is a miss",
       checked("split-2", [("split", ([1], [2]))], ap_first, n=2), "should have been fenced")
expect("a VM moved to the master, which is fenced next, comes back once from it (started \"of\" its first host);"
       " one started again where it already runs is no second copy",
       checked("moved", [("lossy", 1, 30)], moved_then_fenced), None)
expect("...but a VM moved to a host fenced next and never started again is lost",
       checked("moved-lost", [("lossy", 1, 30)], moved_then_lost), "vm3-1 of fenced host 1 was started 0 times")
expect("a second walk that found the host already off switched nothing: not fenced again",
       checked("again-off", [("crash", 3)], checked_again_off), None)
expect("...told by the record's levels (already), not by its message",
       checked("again-switched", [("crash", 3)], switched_again), "fenced again")
print("1..%d" % done)
sys.exit(1 if failed else 0)
