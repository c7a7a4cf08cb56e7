#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The split-brain campaign: pools of real hafenced in network namespaces
(tests/lab/lab.sh), broken on purpose, checked after each run.

    campaign.py [--sizes 2,3] [--random N] [--seed S] [--no-scripted] [--short] [--only NAME] [--shard K/N] [--out DIR]

Each run builds a fresh lab (host 1 master, host 2 its autopromote slave),
lets it settle, injects its faults all at once, watches for a while, and
then checks, from the hosts' fence histories, the BMCs' power logs and the
fault log:
  - no host was fenced by both sides (A fenced B and B fenced A);
  - no VM ran on two hosts at once (a VM is started elsewhere only once the
    host it ran on is powered off);
  - a host that lost quorum did not fence (quorum as the lab's topology
    had it at that moment: more than half the pool reachable, or exactly
    half and the heuristic target);
  - every host that should have been fenced was (the model below);
  - every VM of a fenced host came back exactly once, within 30 s of the
    fence, and no VM of a host that was not fenced was started
    (HA-Lizard's default pool: every VM of a failed host is recovered,
    GLOBAL_VM_HA=1);
  - a host off since its fence is not fenced again (a daemon killed and
    restarted repeats nothing its history shows done);
  - nothing a live host's hafenced started (a fence, a check, a hook) is
    still running long past every deadline at the end of the run.
Links that lose packets or flap, and BMCs that are slow or flaky, make a
host's fate unsure: the safety rules hold for it all the same, a fence the
model expects of it and that did not come is a note, not a broken rule.
Quorum is counted among the pool's enabled hosts, as HA-Lizard counts it: a
host in maintenance, or fenced (and so disabled), is no voter.
It prints a line per run and the counts, and keeps every run's logs and
histories under --out.  Exit 0 when no run broke a rule.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.path.join(HERE, "lab.sh")
MASTER, AUTOPROMOTE = 1, 2
FENCE_TIMEOUT_S = 10  # the lab's HAFENCE_FENCE_TIMEOUT (tests/lab/lab.sh)
# a fenced host's VMs are back within this of its fence, a restarted
# daemon's RestartSec (5 s) and its first pass included
VM_BACK_BOUND_MS = 30000


def uuid(i):
    return "6a1e5e00-0000-4000-8000-%012d" % i


def host_of(u):
    return int(u[-12:])


def lab(*args, check=True, env=None):
    """lab.sh ARGS, its output appended to the run's lab.log (a pipe would
    stay open in the hosts' processes it starts)."""
    log = os.path.join(str(args[1]), "lab.log")
    with open(log, "a") as f:
        r = subprocess.run([LAB] + [str(a) for a in args], stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=120, env=dict(os.environ, **(env or {})))
    if check and r.returncode != 0:
        with open(log) as f:
            raise RuntimeError("lab.sh %s failed: %s" % (" ".join(map(str, args)), f.read().strip()[-500:]))


# ---- the model: what the topology allows -----------------------------------------

class Topology:
    """The faults of a run, applied at once; who reaches whom."""

    def __init__(self, n, faults, fenced=()):
        self.n = n
        self.crashed, self.link_down, self.heur_loss, self.bmc_dead, self.xapi_hang = set(), set(), set(), set(), set()
        self.maintenance, self.ha_off = set(), False
        self.pdu_dead = False  # the PDU (every host's level 2) does not answer
        self.fenced = set(fenced)  # fenced earlier: disabled, no voter
        self.groups = None
        self.cuts = set()  # {frozenset((a, b))}: a partial partition, or one direction dropped
        self.shaky = set()  # {frozenset((a, b))}: lossy or flapping: may or may not reach
        self.daemon_stopped = set()  # its hafenced not scheduled: decides nothing
        self.bmc_unsure = set()  # a slow or flaky BMC: level 1 may not read back in time
        for f in faults:
            kind, arg = f[0], f[1] if len(f) > 1 else None
            if kind in ("cut", "deaf"):
                # one direction dropped cuts both for request-reply traffic
                # (ICMP echo, TCP, XAPI): the model takes it as a cut
                self.cuts.add(frozenset((arg, f[2])))
            elif kind in ("lossy", "flap", "slow"):
                self.shaky |= {frozenset((arg, b)) for b in range(1, n + 1) if b != arg}
            elif kind in ("lossy-between", "slow-between"):
                self.shaky |= {frozenset((a, b)) for a in arg[0] for b in arg[1]}
            elif kind in ("steady", "fast"):
                self.shaky = {p for p in self.shaky if arg not in p}
            elif kind == "heal":
                self.cuts, self.shaky, self.groups = set(), set(), None
            elif kind == "daemon-stop":
                self.daemon_stopped.add(arg)
            elif kind == "daemon-cont":
                self.daemon_stopped.discard(arg)
            elif kind in ("bmc-slow", "bmc-flaky"):
                self.bmc_unsure.add(arg)
            elif kind == "crash":
                self.crashed.add(arg)
            elif kind == "thaw":
                self.crashed.discard(arg)
            elif kind == "link-up":
                self.link_down.discard(arg)
            elif kind == "link-down":
                self.link_down.add(arg)
            elif kind == "heuristic-loss":
                self.heur_loss.add(arg)
            elif kind == "bmc-dead":
                self.bmc_dead.add(arg)
            elif kind == "pdu-dead":
                self.pdu_dead = True
            elif kind == "xapi-hang":
                self.xapi_hang.add(arg)
            elif kind == "split":
                self.groups = [set(g) for g in arg]
            elif kind == "maintenance":
                self.maintenance.add(arg)
            elif kind == "ha-off":
                self.ha_off = True

    def fenceable(self, a):
        """a has a fence path: its BMC (level 1) or the PDU (level 2)"""
        return (a not in self.bmc_dead and a not in self.bmc_unsure) or not self.pdu_dead

    def up(self, a):
        return a not in self.crashed and a not in self.link_down

    def reaches(self, a, b, shaky_reach=False):
        """a reaches b; a lossy or flapping link counts as shaky_reach says"""
        if a == b:
            return a not in self.crashed
        if not (self.up(a) and self.up(b)) or frozenset((a, b)) in self.cuts:
            return False
        if frozenset((a, b)) in self.shaky and not shaky_reach:
            return False
        return self.groups is None or any(a in g and b in g for g in self.groups)

    def settled(self):
        """the same topology with every shaky link taken as working"""
        t = Topology.__new__(Topology)
        t.__dict__.update(self.__dict__)
        t.shaky = set()
        return t

    def heuristic(self, a):
        return self.up(a) and a not in self.heur_loss

    def enabled(self):
        return [b for b in range(1, self.n + 1) if b not in self.maintenance and b not in self.fenced]

    def quorum(self, a, shaky_reach=False):
        voters = self.enabled()
        live = sum(1 for b in voters if self.reaches(a, b, shaky_reach))
        return 2 * live > len(voters) or (2 * live == len(voters) and self.heuristic(a))

    def acts(self, a):
        """a may decide at all: not crashed, HA on, a not in maintenance, its daemon scheduled"""
        return a not in self.crashed and not self.ha_off and a not in self.maintenance and a not in self.fenced \
            and a not in self.daemon_stopped

    def uncertain(self):
        """the hosts whose fate the model cannot tell: on a shaky link, or
        with only an unsure BMC to fence them"""
        hosts = {h for p in self.shaky for h in p}
        return hosts | {a for a in self.bmc_unsure if self.pdu_dead or a in self.bmc_dead}

    def expected_fences(self):
        """{fenced: fencer}: what SPEC section 7's rules (quorum with the
        tie-break) make of this topology once detection has run."""
        n, m, ap, out = self.n, MASTER, AUTOPROMOTE, {}
        if m in self.fenced:
            return out  # phases after a master's fence are not modelled
        candidates = [s for s in range(2, n + 1) if s not in self.maintenance and s not in self.fenced]
        master_acts = self.acts(m) and self.quorum(m)
        # the master goes first; the autopromote slave waits, and
        # is fenced meanwhile (a majority cannot be on both sides)
        master_fences_ap = master_acts and ap in candidates and not self.reaches(m, ap) and self.fenceable(ap)
        ap_fences_master = (self.acts(ap) and not self.reaches(ap, m) and self.quorum(ap)
                            and self.fenceable(m) and not master_fences_ap and m not in self.maintenance)
        if master_acts:
            for s in candidates:
                if not self.reaches(m, s) and self.fenceable(s):
                    out[s] = m
        if ap_fences_master:
            out[m] = ap
            # then, as the new master, the slaves it cannot reach
            for s in candidates:
                if s != ap and not self.reaches(ap, s) and self.fenceable(s) and s not in out:
                    out[s] = ap
        return out

    def race(self):
        """(master, autopromote slave) when each may fence the other: cut
        from each other, each with a quorum through the others (a partial
        partition).  The master's fence is expected: the slave waits its
        split delay first.  The slave's may still come first (the master's
        fence slower than that head start), and then the master, off,
        fences nobody.  Never both: the mutual-fence rule.  Three hosts or
        more: a two-host pool has no partial partition."""
        m, ap = MASTER, AUTOPROMOTE
        if self.n < 3 or m in self.fenced or m in self.maintenance or ap in self.maintenance or ap in self.fenced:
            return None
        both = (self.acts(m) and self.quorum(m) and not self.reaches(m, ap) and self.fenceable(ap)
                and self.acts(ap) and self.quorum(ap) and not self.reaches(ap, m) and self.fenceable(m))
        return (m, ap) if both else None

    def expected_self_fences(self):
        """(must, may): the autopromote slave that cannot reach the master
        suspends and reboots when it may not fence it (no quorum) or cannot
        (its BMC and the PDU are dead).  When the master fences it at the same moment,
        either may come first: it may, it need not."""
        m, ap = MASTER, AUTOPROMOTE
        if not self.acts(ap) or m in self.maintenance or self.reaches(ap, m) or \
                not (not self.quorum(ap) or not self.fenceable(m)):
            return set(), set()
        master_acts = self.acts(m) and self.quorum(m)
        if master_acts and self.fenceable(ap):
            return set(), {ap}
        return {ap}, {ap}


# ---- one run -----------------------------------------------------------------------

def read_lines(path):
    try:
        with open(path) as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except OSError:
        return []


class Run:
    def __init__(self, out, name, n, faults, watch_s, env=None, extra_check=None):
        self.dir = os.path.join(out, name)
        self.name, self.n, self.faults, self.watch_s = name, n, faults, watch_s
        self.env, self.extra_check = env or {}, extra_check
        self.problems, self.notes, self.races = [], [], set()
        self.applied = []  # (time_ms, fault): when each fault was injected
        self.vms_recovered, self.worst_to_vm_ms = 0, 0

    def settle(self, limit=25):
        end = time.time() + limit
        while time.time() < end:
            ok = True
            for i in range(1, self.n + 1):
                try:
                    with open(os.path.join(self.dir, "h%d" % i, "state", "status.json")) as f:
                        st = json.load(f)
                except (OSError, ValueError):
                    ok = False
                    break
                if not st["peers"] or any(p["state"] != "ok" for p in st["peers"]) or st["autopromote"] != uuid(AUTOPROMOTE):
                    ok = False
                    break
            if ok:
                return True
            time.sleep(0.2)
        return False

    def run(self):
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        try:
            lab("up", self.dir, self.n, env=self.env)
            if not self.settle():
                self.problems.append("the pool did not settle (roles, peers ok)")
                return
            self.t0 = int(time.time() * 1000)
            for f in self.faults:
                if f[0] == "sleep":
                    time.sleep(f[1])
                elif f[0] == "wait-fenced":
                    # the next phase starts once this host is fenced
                    end = time.time() + 30
                    while time.time() < end and f[1] not in self.fences():
                        time.sleep(0.25)
                    time.sleep(1.5)  # its VMs started, the pool view read again
                elif f[0] == "daemon-kill-at":
                    # hafenced killed as soon as its history shows this step begun
                    if self.wait_record(*f[1:]):
                        lab("fault", self.dir, "daemon-kill", f[1])
                elif f[0] == "at":
                    # the next fault once host's history shows this step begun
                    self.wait_record(*f[1:])
                elif f[0] in ("split", "lossy-between", "slow-between"):
                    lab("fault", self.dir, f[0], " ".join(map(str, f[1][0])), " ".join(map(str, f[1][1])), *f[2:])
                else:
                    lab("fault", self.dir, *f)
                self.applied.append((int(time.time() * 1000), f))
            self.expected = self.model()
            # watched until what the model expects happened and a little
            # longer (a second fence would come within the split delay),
            # or for the whole watch when nothing should happen; a
            # self-fence may first wait out a fence that times out
            # a fence to expect may first spend a dead level's share of
            # HAFENCE_FENCE_TIMEOUT, the autopromote slave waits that share too,
            # and a self-fence follows a whole failed walk (the watch ends
            # as soon as what is expected happened)
            selfs = Topology(self.n, self.faults).expected_self_fences()[0]
            restarts = any(f[0] in ("daemon-kill", "daemon-kill-at") for f in self.faults)
            end = time.time() + self.watch_s + (12 if selfs else 0) + (2 * FENCE_TIMEOUT_S if self.expected or selfs else 0) \
                + (8 if restarts else 0)
            while time.time() < end:
                time.sleep(0.25)
                if (self.expected or selfs) and set(self.fences()) >= set(self.expected) and \
                        selfs <= self.rebooted() and self.vms_back(self.expected):
                    time.sleep(4)
                    break
            # a fence the model did not expect (a shaky link) is followed
            # too: until its host's VMs are back or a cause is recorded, at
            # most the VM bound after that fence
            while True:
                recs = self.history()  # read once a poll
                lost, count, _, _ = self.vm_accounting(recs)
                waiting = [self.fence_time(h, recs) for h, vms in lost.items()
                           if any(count.get((vm, h), 0) == 0 for vm in vms) and not self.why_vms_down(h, recs)]
                if not waiting or time.time() * 1000 > max(waiting) + VM_BACK_BOUND_MS + 2000:
                    break
                time.sleep(0.25)
            self.leftovers = self.outlived()
            self.check()
        finally:
            lab("down", self.dir, check=False)

    def wait_record(self, host, action, result=None, limit=40):
        """Wait until host's history holds a record of this action (and
        result); bounded: a step that never comes is the run's problem."""
        end = time.time() + limit
        path = os.path.join(self.dir, "h%d" % host, "history.jsonl")
        while time.time() < end:
            for line in read_lines(path):
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if r.get("action") == action and (result is None or r.get("result") == result):
                    return True
            time.sleep(0.05)
        self.problems.append("host %d never began %s %s: the run's next step had nothing to follow"
                             % (host, action, result or ""))
        return False

    def outlived(self):
        """[(host, pid, command, age s)]: what a live host's hafenced started
        (a fence, a check, a hook) still running long past any deadline.
        Hosts crashed (frozen) or off at the end are not asked."""
        env = dict(l.split("=", 1) for l in read_lines(os.path.join(self.dir, "env")))
        final = Topology(self.n, [f for f in self.faults if f[0] not in ("sleep", "wait-fenced")])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        tick = os.sysconf("SC_CLK_TCK")
        out = []
        for i in range(1, self.n + 1):
            keep = {l for name in ("daemon.pid", "xapi.pid") for l in read_lines(os.path.join(self.dir, "h%d" % i, name))}
            if i in final.crashed or not keep:
                continue
            r = subprocess.run(["ip", "netns", "pids", "%sh%d" % (env.get("P", ""), i)], capture_output=True, text=True)
            for pid in r.stdout.split():
                if pid in keep:
                    continue
                try:
                    with open("/proc/%s/stat" % pid) as f:
                        stat = f.read().rsplit(")", 1)[1].split()
                    with open("/proc/%s/cmdline" % pid, "rb") as f:
                        cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
                except OSError:
                    continue  # gone meanwhile
                age = uptime - int(stat[19]) / tick
                # the lab's own link delayer runs there too: it is the fault, not the daemon's
                if age > FENCE_TIMEOUT_S + 10 and os.path.basename(cmd.split(" ")[0]) != "nfq-delay":
                    out.append((i, int(pid), cmd[:80], int(age)))
        return out

    def phases(self):
        """The faults split at each wait-fenced: [(faults so far, fenced before)]."""
        out, so_far, fenced = [], [], []
        for f in self.faults:
            if f[0] == "wait-fenced":
                out.append((list(so_far), list(fenced)))
                fenced.append(f[1])
            elif f[0] != "sleep":
                so_far.append(f)
        out.append((list(so_far), list(fenced)))
        return out

    def model(self):
        """{fenced: fencer} over the phases: each phase's topology, with
        the hosts fenced before it disabled."""
        expected = {}
        self.races = set()
        for faults, fenced in self.phases():
            topo = Topology(self.n, faults, fenced)
            for h, by in topo.expected_fences().items():
                expected.setdefault(h, by)
            if topo.race():
                self.races.add(topo.race())
        return expected

    def topology_at(self, t_ms):
        """The topology as it was at t_ms: the faults injected by then, the
        hosts fenced (done) before it disabled."""
        faults = [f for t, f in self.applied if t <= t_ms and f[0] not in ("sleep", "wait-fenced")]
        fenced = [host_of(r["host"]) for r in self.history()
                  if r["action"] == "fence" and r["result"] == "ok" and r["time_ms"] < t_ms]
        return Topology(self.n, faults, fenced)

    def vm_starts(self, recs=None):
        """[(vm, origin host, started on host, record)]; recs: the
        histories when the caller has read them already (as for the
        methods below)"""
        out = []
        for r in self.history() if recs is None else recs:
            if r["action"] != "vm-start" or r["result"] != "ok":
                continue
            m = re.match(r"VM (\S+) \(.*\) of xs(\d+) .* started on xs(\d+) ", r["message"])
            if m:
                out.append((m.group(1), int(m.group(2)), int(m.group(3)), r))
        return out

    def vms_back(self, fenced):
        started = {v for v, _, _, _ in self.vm_starts()}
        return all("vm%d-%d" % (h, k) in started for h in fenced for k in range(1, self.vms + 1))

    @property
    def vms(self):
        return int(self.env.get("LAB_VMS", 2))

    def why_vms_down(self, host, recs=None):
        """What a history says kept the VMs of fenced host down (a takeover,
        a marking or the starts that failed, with the cause), or None."""
        for r in self.history() if recs is None else recs:
            if (r["action"] in ("vm-start", "mark-dead", "promote", "recover-slaves") and r["result"] != "ok"
                    and re.search(r"\bxs%d \(" % host, r["message"])):
                return "%s %s: %s" % (r["action"], r["result"], r["message"][:160])
        return None

    def vm_accounting(self, recs=None):
        """Replay the done fences and VM starts in time order: ({fenced host:
        the VMs it ran when fenced}, {(vm, host it was lost from): starts},
        [notes], [problems]).  A VM started onto a host that is fenced later is lost
        from that host too; a start that names the VM's first host while it
        last ran on a fenced one counts for the fenced one (a new master's
        database need not have what the old one did in its last moments);
        a start onto the live host the VM already runs on makes no second
        copy (the toolstack refuses it) and is a note."""
        recs = self.history() if recs is None else recs
        where = {"vm%d-%d" % (h, k): h for h in range(1, self.n + 1) for k in range(1, self.vms + 1)}
        events = [(r["time_ms"], 0, host_of(r["host"]), None) for r in recs
                  if r["action"] == "fence" and r["result"] == "ok"]
        events += [(r["time_ms"], 1, origin, (vm, to)) for vm, origin, to, r in self.vm_starts(recs)]
        lost, count, notes, problems = {}, {}, [], []
        for _, kind, host, start in sorted(events, key=lambda e: (e[0], e[1])):
            if kind == 0:
                lost.setdefault(host, {vm for vm, h in where.items() if h == host})
                continue
            vm, to = start
            if where.get(vm) in lost and where[vm] != host and vm in lost[where[vm]]:
                host = where[vm]
            elif where.get(vm) == to and to not in lost and host in lost:
                notes.append("VM %s started again on host %d, where it already ran: no second copy" % (vm, to))
                continue
            count[(vm, host)] = count.get((vm, host), 0) + 1
            if host not in lost:
                problems.append("VM %s was started from host %d, which was not fenced" % (vm, host))
            where[vm] = to
        return lost, count, notes, problems

    def check_vms_back(self):
        """Every VM that ran on a host when it was fenced comes back from it
        exactly once; no VM is started from a host that was not fenced."""
        recs = self.history()  # read once: every step below sees the same records
        lost, count, notes, problems = self.vm_accounting(recs)
        self.notes += notes
        self.problems += problems
        for host, vms in lost.items():
            why = self.why_vms_down(host, recs)
            for vm in sorted(vms):
                if count.get((vm, host), 0) == 0 and why:
                    self.notes.append("VM %s of fenced host %d was not started, and the run says why: %s"
                                      % (vm, host, why))
                elif count.get((vm, host), 0) != 1:
                    self.problems.append("VM %s of fenced host %d was started %d times (once expected)"
                                         % (vm, host, count.get((vm, host), 0)))
        # no VM lost: each back within a bound of its host's first fence
        fenced_at = {}
        for r in recs:
            if r["action"] == "fence" and r["result"] == "ok":
                fenced_at.setdefault(host_of(r["host"]), r["time_ms"])
        for vm, origin, to, r in self.vm_starts(recs):
            late = r["time_ms"] - fenced_at.get(origin, r["time_ms"])
            if late > VM_BACK_BOUND_MS:
                self.problems.append("VM %s of fenced host %d was started %d ms after the fence (bound %d ms)"
                                     % (vm, origin, late, VM_BACK_BOUND_MS))

    def history(self):
        recs = []
        for i in range(1, self.n + 1):
            for line in read_lines(os.path.join(self.dir, "h%d" % i, "history.jsonl")):
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                r["by"] = i
                recs.append(r)
        return sorted(recs, key=lambda r: r["time_ms"])

    def rebooted(self):
        return {i for i in range(1, self.n + 1) if read_lines(os.path.join(self.dir, "h%d" % i, "reboots"))}

    def power_on_times(self, host):
        return [int(l.split()[0]) for l in read_lines(os.path.join(self.dir, "h%d" % host, "power.log"))
                if l.split()[2:] == ["1"]]

    def power_off_at(self, host):
        for line in read_lines(os.path.join(self.dir, "h%d" % host, "power.log")):
            t, _, state = line.split()
            if state == "0":
                return int(t)
        return None

    def fence_time(self, host, recs=None):
        """When host's first done fence was recorded (ms)."""
        return min(r["time_ms"] for r in (self.history() if recs is None else recs)
                   if r["action"] == "fence" and r["result"] == "ok" and r["host"] and host_of(r["host"]) == host)

    def fences(self):
        """{fenced host: fencer} from the histories (done fences)."""
        out = {}
        for r in self.history():
            if r["action"] == "fence" and r["result"] == "ok" and r["host"]:
                out.setdefault(host_of(r["host"]), r["by"])
        return out

    def check(self):
        recs = self.history()
        topo = Topology(self.n, [f for f in self.faults if f[0] not in ("sleep", "wait-fenced")])
        fences = [(r["by"], host_of(r["host"]), r) for r in recs if r["action"] == "fence" and r["result"] == "ok"]
        unsure = topo.uncertain()
        # a host is fenced once while it stays off: a daemon restarted
        # (or two) never fences again what its history shows done (a walk
        # that found every device already off switched nothing: a new
        # master checking a dead host before it restarts its VMs)
        for _, b, r in fences:
            counted = [t for t in r.get("levels", []) if t.get("counted")]
            if counted and all(t.get("already") for t in counted):
                continue
            earlier = [e for _, h, e in fences if h == b and e["time_ms"] < r["time_ms"]]
            on = [t for t in self.power_on_times(b) if earlier and t > earlier[-1]["time_ms"]]
            if earlier and not on:
                self.problems.append("host %d was fenced again (by host %d) while off since its fence by host %d"
                                     % (b, r["by"], earlier[-1]["by"]))
        for host, pid, cmd, age in getattr(self, "leftovers", []):
            self.problems.append("host %d: '%s' (pid %d) still ran %d s after it began, past every deadline"
                                 % (host, cmd, pid, age))
        pairs = {(a, b) for a, b, _ in fences}
        for a, b in pairs:
            if (b, a) in pairs and a < b:
                self.problems.append("host %d and host %d fenced each other" % (a, b))
        for a, b, r in fences:
            if r["time_ms"] >= self.t0 and not self.topology_at(r["time_ms"]).quorum(a, shaky_reach=True):
                self.problems.append("host %d fenced host %d without quorum" % (a, b))
        # a VM is started elsewhere only when the host it ran on is off
        where = {}
        for vm, origin, to, r in self.vm_starts():
            ran_on = where.get(vm, origin)
            off = self.power_off_at(ran_on)
            # (a start on the host it runs on makes no copy elsewhere)
            if ran_on != to and (off is None or off > r["time_ms"]):
                self.problems.append("VM %s started on host %d while host %d, where it ran, was powered on" % (vm, to, ran_on))
            where[vm] = to
        if "OP_MODE=1" not in self.env.get("LAB_CONFIG", ""):  # vApps: their run's own check
            self.check_vms_back()
        if self.extra_check:
            self.extra_check(self)
        reboots = self.rebooted()
        must, may = topo.expected_self_fences()
        for host in must - reboots:
            self.notes.append("host %d should have fenced itself (suspend, reboot) and did not" % host)
        for host in reboots - may:
            self.notes.append("host %d fenced itself where the model expected it not to" % host)
        self.reboots = reboots
        got = self.fences()
        for host, by in self.expected.items():
            if host not in got and (by, host) in self.races and got.get(by) == host:
                self.notes.append("host %d fenced host %d first, where host %d would have fenced it: a race the"
                                  " partition allows (each had a quorum without the other)" % (host, by, by))
            elif host not in got and (host in unsure or by in unsure):
                self.notes.append("host %d was not fenced (by host %d): its link or BMC was unsure" % (host, by))
            elif host not in got:
                self.problems.append("host %d should have been fenced (by host %d) and was not" % (host, by))
        for host in got:
            if host not in self.expected and host not in unsure and got[host] not in unsure \
                    and (host, got[host]) not in self.races:
                self.notes.append("host %d was fenced by host %d where the model expected no fence" % (host, got[host]))
        self.got = got
        # from the fault that failed each fenced host to its last VM started
        for host in got:
            fence_t = min(r["time_ms"] for _, h, r in fences if h == host)
            fault_t = max([t for t, f in self.applied if t <= fence_t] or [self.t0])
            starts = [r["time_ms"] for vm, origin, to, r in self.vm_starts() if origin == host]
            if starts:
                self.vms_recovered += len(starts)
                self.worst_to_vm_ms = max(self.worst_to_vm_ms, max(starts) - fault_t)


# ---- scenarios -----------------------------------------------------------------------

def vapp_order(run):
    """OP_MODE=1: the master started host 3's vApp, its VMs in the
    appliance's order (vm3-2 order 0, then vm3-1 order 1)."""
    starts = [l.split()[3] for l in read_lines(os.path.join(run.dir, "h1", "xapi.log")) if "appliance started VM" in l]
    if starts != ["vm3-2", "vm3-1"]:
        run.problems.append("vApp of host 3: VMs started %s, expected vm3-2 then vm3-1 (VM.order)" % (starts or "none"))


def by_level_2(run):
    """Each fence of a host whose BMC was dead was done by the PDU (level 2,
    read back off), after level 1 failed; the host's outlet is off."""
    dead = {f[1] for f in run.faults if f[0] == "bmc-dead"}
    for r in run.history():
        if r["action"] != "fence" or r["result"] != "ok" or host_of(r["host"]) not in dead:
            continue
        levels = r.get("levels") or []
        done = [t for t in levels if t.get("counted")]
        if not done or any(t.get("level") != 2 for t in done) or not any(t.get("level") == 1 for t in levels):
            run.problems.append("host %d's fence was not level 1 failed, then level 2: %s"
                                % (host_of(r["host"]), [(t.get("level"), t.get("method"), t.get("result"))
                                                        for t in levels]))
    outlets = {int(l.split()[0]): l.split()[2] for l in read_lines(os.path.join(run.dir, "pdu", "state", "outlets"))}
    for h in run.fences():
        if h in dead and outlets.get(h) != "off":
            run.problems.append("host %d was fenced through the PDU, yet its outlet reads %s" % (h, outlets.get(h)))


VAPP = {"LAB_CONFIG": "OP_MODE=1",
        "LAB_POOL_JQ": '.appliances = [{"uuid": "aaaa0000-0000-4000-8000-000000000003", "name": "app3"}]'
                       ' | (.vms[] | select(.name=="vm3-1")) += {"appliance": "aaaa0000-0000-4000-8000-000000000003", "order": 1}'
                       ' | (.vms[] | select(.name=="vm3-2")) += {"appliance": "aaaa0000-0000-4000-8000-000000000003",'
                       ' "order": 0, "start_delay": 1}'}


def two_start_groups(host):
    """The lab's environment for host's two VMs in two start order groups,
    the second 20 s after the first (vm-2 first, then vm-1): a fault that
    lands at the first start finds the second not yet begun."""
    return {"LAB_POOL_JQ": '(.vms[] | select(.name=="vm%d-1")) += {"order": 1}'
                           ' | (.vms[] | select(.name=="vm%d-2")) += {"order": 0, "start_delay": 20}' % (host, host)}


def scripted(sizes):
    runs = []
    for n in sizes:
        # HA-Lizard's pool switch off, then a crash: nothing at all happens
        runs += [("n%d-ha-off-slave-crash" % n, n, [("ha-off",), ("sleep", 2), ("crash", n)]),
                 ("n%d-ha-off-master-crash" % n, n, [("ha-off",), ("sleep", 2), ("crash", 1)])]
        if n >= 3:
            runs += [
                # a master in maintenance fences nobody; a host in maintenance is not fenced
                ("n%d-maintenance-master-slave-crash" % n, n, [("maintenance", 1), ("sleep", 2), ("crash", n)]),
                ("n%d-maintenance-host-crashes" % n, n, [("maintenance", n), ("sleep", 2), ("crash", n)]),
                # quorum among enabled hosts: the first fenced host no longer counts
                ("n%d-second-failure" % n, n, [("crash", n), ("wait-fenced", n), ("crash", n - 1)]),
            ]
        if n == 3:
            runs.append(("n3-vapp-order", 3, [("crash", 3)], VAPP, vapp_order))
        if n >= 3:
            last = n
            runs += [
                # harsher networks: a partial partition, one direction dropped, loss, a flapping link
                ("n%d-partial-cut-master-last" % n, n, [("cut", 1, last)]),
                ("n%d-partial-cut-slaves" % n, n, [("cut", 2, last)]),
                # master and autopromote slave cut from each other, both with a quorum
                ("n%d-partial-cut-master-autopromote" % n, n, [("cut", 1, 2)]),
                ("n%d-partial-cut-master-autopromote-bmc-dead" % n, n, [("cut", 1, 2), ("bmc-dead", 2)]),
                ("n%d-master-deaf-to-last" % n, n, [("deaf", 1, last)]),
                ("n%d-last-deaf-to-master" % n, n, [("deaf", last, 1)]),
                ("n%d-lossy-10-slave" % n, n, [("lossy", last, 10)]),
                ("n%d-lossy-30-master" % n, n, [("lossy", 1, 30)]),
                ("n%d-lossy-60-slave" % n, n, [("lossy", last, 60)]),
                ("n%d-lossy-30-between-groups" % n, n, [("lossy-between", ([1, 2], list(range(3, n + 1))), 30)]),
                ("n%d-slow-master-500ms" % n, n, [("slow", 1, 500, 200)]),
                ("n%d-slow-slave-1500ms" % n, n, [("slow", last, 1500, 500)]),
                ("n%d-slow-between-groups" % n, n, [("slow-between", ([1, 2], list(range(3, n + 1))), 800, 400)]),
                ("n%d-slow-link-slave-crash" % n, n, [("slow", 1, 300, 100), ("crash", last)]),
                ("n%d-flapping-slave" % n, n, [("flap", last, 2000, 15)]),
                ("n%d-flapping-master" % n, n, [("flap", 1, 3000, 15)]),
                # the daemon's own faults
                # (a slow BMC keeps the fence running when the kill lands: a
                # fence verified within 30 ms would be over by then)
                ("n%d-master-daemon-killed-mid-fence" % n, n, [("bmc-slow", last, 3000), ("crash", last),
                                                              ("daemon-kill-at", 1, "decision", "fence")]),
                ("n%d-master-daemon-killed-mid-vm-starts" % n, n, [("crash", last), ("daemon-kill-at", 1, "vm-start")]),
                # killed between two order groups (the first VM's start_delay):
                # the marking reset the second VM, only the written plan knows it
                ("n%d-master-daemon-killed-between-starts" % n, n, [("crash", last), ("daemon-kill-at", 1, "vm-start")],
                 two_start_groups(last)),
                ("n%d-slave-daemon-killed-mid-promotion" % n, n, [("crash", 1), ("daemon-kill-at", 2, "decision", "fence")]),
                ("n%d-new-master-killed-mid-vm-starts" % n, n, [("crash", 1), ("daemon-kill-at", 2, "vm-start")]),
                ("n%d-master-daemon-stopped-20s" % n, n, [("daemon-stop", 1), ("sleep", 20), ("daemon-cont", 1)]),
                ("n%d-slave-daemon-stopped-20s" % n, n, [("daemon-stop", 2), ("sleep", 20), ("daemon-cont", 2)]),
                ("n%d-master-daemon-stopped-slave-crash" % n, n, [("daemon-stop", 1), ("crash", last), ("sleep", 8),
                                                                 ("daemon-cont", 1)]),
                ("n%d-master-disk-full-slave-crash" % n, n, [("disk-full", 1), ("crash", last)]),
                ("n%d-slave-disk-full-master-crash" % n, n, [("disk-full", 2), ("crash", 1)]),
                # slow and flaky BMCs
                ("n%d-slave-crash-bmc-slow-6s" % n, n, [("bmc-slow", last, 6000), ("crash", last)]),
                ("n%d-slave-crash-bmc-slow-15s" % n, n, [("bmc-slow", last, 15000), ("crash", last)]),
                ("n%d-slave-crash-bmc-flaky" % n, n, [("bmc-flaky", last), ("crash", last)]),
            ]
        if n >= 5:
            # a second failure while the first fence still runs (its BMC slow):
            # three of five hosts left, a quorum still
            runs.append(("n%d-second-crash-during-fence" % n, n, [("bmc-slow", n, 4000), ("crash", n),
                                                                 ("at", 1, "decision", "fence"), ("crash", n - 1)]))
        if n >= 5:
            # the double failure: the master itself dies while it starts a
            # fenced host's VMs (or just after), with a database that reaches
            # the slaves: the next master fences it and finishes the recovery
            # the dead one left in the pool (three of five hosts, a quorum)
            runs.append(("n%d-master-crash-mid-vm-starts" % n, n, [("crash", n), ("at", 1, "vm-start"), ("crash", 1)],
                         {"LAB_XAPI_REPLICATE": "1"}))
            # ... between two start order groups: the second group's VM is
            # started by the next master, from the plan kept in the pool
            runs.append(("n%d-master-crash-between-starts" % n, n, [("crash", n), ("at", 1, "vm-start"), ("crash", 1)],
                         dict(two_start_groups(n), LAB_XAPI_REPLICATE="1")))
        if n >= 5:
            # the master dies after it recovered a slave, and the next one
            # takes over from a database older than those starts (none
            # reached the slaves): what runs where comes from the hosts
            # (XAPI's resync of its own VMs and of each slave that
            # reconnects), never from the stale records, or the recovered
            # VMs start a second time (campaign 3, n5-random-041)
            runs.append(("n%d-master-crash-after-recovery-stale-db" % n, n,
                         [("crash", n), ("wait-fenced", n), ("crash", 1)]))
        if n == 5:
            runs += [("n5-two-slaves-crash", 5, [("crash", 4), ("crash", 5)]),
                     ("n5-three-slaves-crash", 5, [("crash", 3), ("crash", 4), ("crash", 5)]),
                     ("n5-three-failures-in-turn", 5, [("crash", 5), ("wait-fenced", 5), ("crash", 4), ("wait-fenced", 4),
                                                      ("crash", 3)]),
                     ("n5-split-2-3", 5, [("split", ([1, 2], [3, 4, 5]))])]
        runs += [
            ("n%d-slave-crash" % n, n, [("crash", n)]),
            ("n%d-master-crash" % n, n, [("crash", 1)]),
            ("n%d-master-link-down" % n, n, [("link-down", 1)]),
            ("n%d-master-xapi-hang" % n, n, [("xapi-hang", 1)]),
            # the takeover fails (the autopromote slave's own XAPI hangs): its
            # retries read the old master's power again, never fence it again
            ("n%d-master-crash-takeover-fails" % n, n, [("crash", 1), ("xapi-hang", 2)]),
            # the BMC dead, the PDU alive: fenced by level 2, the VMs back once
            ("n%d-slave-crash-bmc-dead-pdu-alive" % n, n, [("crash", n), ("bmc-dead", n)], {}, by_level_2),
            ("n%d-master-crash-bmc-dead-pdu-alive" % n, n, [("crash", 1), ("bmc-dead", 1)], {}, by_level_2),
            # no fence path at all: nobody fenced, never a false "fenced"
            ("n%d-slave-crash-no-fence-path" % n, n, [("crash", n), ("bmc-dead", n), ("pdu-dead",)]),
            ("n%d-master-crash-no-fence-path" % n, n, [("crash", 1), ("bmc-dead", 1), ("pdu-dead",)]),
            ("n%d-slave-hiccup" % n, n, [("crash", n), ("sleep", 0.4), ("thaw", n)]),
        ]
        if n == 2:
            runs += [("n2-split", 2, [("split", ([1], [2]))]),
                     ("n2-split-master-no-heuristic", 2, [("split", ([1], [2])), ("heuristic-loss", 1)]),
                     ("n2-master-crash-no-heuristic", 2, [("crash", 1), ("heuristic-loss", 2)])]
        if n >= 3:
            runs += [("n%d-split-master-alone" % n, n, [("split", ([1], list(range(2, n + 1))))]),
                     ("n%d-split-master-with-majority" % n, n, [("split", ([1, 3], [2] + list(range(4, n + 1))))]),
                     ("n%d-master-and-slave-crash" % n, n, [("crash", 1), ("crash", n)])]
    return runs


# The short form (CI): these scripted runs, every fault class at least
# once, and the quorum cases that need five hosts.
SHORT = {
    "n2-master-crash", "n2-split", "n2-split-master-no-heuristic", "n2-slave-crash-bmc-dead-pdu-alive",
    "n3-slave-crash", "n3-master-crash", "n3-split-master-alone", "n3-second-failure",
    "n3-master-crash-no-fence-path", "n3-partial-cut-master-last", "n3-last-deaf-to-master", "n3-lossy-30-master",
    "n3-slow-link-slave-crash", "n3-flapping-slave", "n3-master-daemon-killed-mid-fence",
    "n3-new-master-killed-mid-vm-starts", "n3-master-daemon-killed-between-starts", "n3-master-daemon-stopped-20s", "n3-master-disk-full-slave-crash",
    "n3-slave-crash-bmc-slow-6s", "n3-slave-crash-bmc-flaky", "n5-second-crash-during-fence",
    "n5-split-2-3", "n5-three-failures-in-turn", "n5-master-crash-between-starts",
    "n5-master-crash-after-recovery-stale-db", "n5-partial-cut-master-last", "n2-master-crash-takeover-fails",
}


def random_faults(rng, n):
    hosts = list(range(1, n + 1))
    kinds = ["crash", "link-down", "split", "heuristic-loss", "bmc-dead", "xapi-hang", "pdu-dead",
             "cut", "deaf", "lossy", "lossy-between", "slow", "slow-between", "flap", "daemon-kill", "daemon-stop",
             "disk-full", "bmc-slow", "bmc-flaky"]
    faults, used = [], set()
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        k = rng.choice(kinds)
        if k == "pdu-dead":  # one PDU feeds every host
            if ("pdu-dead",) not in faults:
                faults.append(("pdu-dead",))
            continue
        if k in ("split", "lossy-between", "slow-between"):
            if any(f[0] == k for f in faults):
                continue
            rng.shuffle(hosts)
            cut = rng.randint(1, n - 1)
            groups = (sorted(hosts[:cut]), sorted(hosts[cut:]))
            if k == "split":
                faults.append(("split", groups))
            elif k == "lossy-between":
                faults.append((k, groups, rng.choice([10, 30, 60])))
            else:
                faults.append((k, groups, rng.choice([200, 500, 1000, 1500]), rng.choice([50, 200, 500])))
        elif k == "slow":
            faults.append((k, rng.randint(1, n), rng.choice([200, 500, 1000, 1500]), rng.choice([50, 200, 500])))
        elif k in ("cut", "deaf"):
            a, b = rng.sample(hosts, 2)
            faults.append((k, a, b))
        elif k == "lossy":
            faults.append((k, rng.randint(1, n), rng.choice([10, 30, 60])))
        elif k == "flap":
            faults.append((k, rng.randint(1, n), rng.choice([1000, 2000, 5000]), rng.randint(5, 15)))
        elif k == "bmc-slow":
            faults.append((k, rng.randint(1, n), rng.choice([5000, 10000, 15000])))
        elif k == "daemon-stop":
            # not scheduled past the detection window, then scheduled again
            h = rng.randint(1, n)
            faults += [(k, h), ("sleep", rng.choice([5, 15])), ("daemon-cont", h)]
        else:
            h = rng.randint(1, n)
            if (k, h) in used:
                continue
            used.add((k, h))
            faults.append((k, h))
    return faults


def describe(faults):
    def arg(a):
        return " | ".join(" ".join(map(str, g)) for g in a) if isinstance(a, tuple) else str(a)
    return ", ".join(" ".join([f[0]] + [arg(a) for a in f[1:]]) for f in faults)


def outcome(r):
    fenced = ", ".join("%d by %d" % (h, b) for h, b in sorted(getattr(r, "got", {}).items())) or "none"
    rebooted = ", ".join(str(h) for h in sorted(getattr(r, "reboots", set())))
    return fenced + ("; self-fenced: " + rebooted if rebooted else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2,3")
    ap.add_argument("--random", type=int, default=0, help="random fault sequences per pool size")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--no-scripted", action="store_true")
    ap.add_argument("--short", action="store_true", help="the short form's scripted runs only (CI)")
    ap.add_argument("--shard", help="K/N: every Nth run from the Kth (labs side by side; give them one --seed)")
    ap.add_argument("--watch", type=float, default=10.0,
                    help="seconds a run with no fence to expect is watched after its faults (at most)")
    ap.add_argument("--out", default="/tmp/hafence-campaign")
    ap.add_argument("--only", help="the runs whose name contains this (several: comma-separated)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("campaign: the lab needs root (network namespaces)", file=sys.stderr)
        return 77
    sizes = [int(s) for s in a.sizes.split(",")]
    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    runs = [] if a.no_scripted else [r for r in scripted(sizes) if not a.short or r[0] in SHORT]
    for n in sizes:
        for k in range(a.random):
            runs.append(("n%d-random-%03d" % (n, k + 1), n, random_faults(rng, n)))
    if a.only:
        runs = [r for r in runs if any(o in r[0] for o in a.only.split(","))]
    if a.shard:
        k, n = (int(x) for x in a.shard.split("/"))
        runs = runs[k::n]
    os.makedirs(a.out, exist_ok=True)
    print("campaign: %d runs, random seed %d, logs in %s" % (len(runs), seed, a.out), flush=True)
    counts = {"runs": 0, "broken": 0, "fences": 0, "mutual": 0, "no-quorum": 0, "vm-twice": 0, "missed": 0,
              "vm-lost": 0, "fenced-again": 0, "outlived": 0, "unexpected": 0, "self-fences": 0, "vms-recovered": 0,
              "worst-fault-to-vm-ms": 0}
    for name, n, faults, *more in runs:
        r = Run(a.out, name, n, faults, a.watch, *more)
        try:
            r.run()
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            r.problems.append("the lab itself failed: %s" % e)
            r.got = {}
        counts["runs"] += 1
        counts["fences"] += len(getattr(r, "got", {}))
        counts["self-fences"] += len(getattr(r, "reboots", set()))
        counts["vms-recovered"] += r.vms_recovered
        counts["worst-fault-to-vm-ms"] = max(counts["worst-fault-to-vm-ms"], r.worst_to_vm_ms)
        for p in r.problems:
            counts["mutual"] += "each other" in p
            counts["no-quorum"] += "without quorum" in p
            counts["vm-twice"] += "while host" in p
            counts["missed"] += "should have been fenced" in p
            counts["vm-lost"] += "times (once expected)" in p or "after the fence (bound" in p
            counts["fenced-again"] += "fenced again" in p
            counts["outlived"] += "past every deadline" in p
        counts["unexpected"] += len(r.notes)
        counts["broken"] += bool(r.problems)
        print("%-4s %-34s %-48s fenced: %s" % ("FAIL" if r.problems else "ok", name, describe(faults), outcome(r)),
              flush=True)
        for p in r.problems:
            print("       %s%s" % ("" if p.startswith("the lab") else "rule broken: ", p), flush=True)
        for p in r.notes:
            print("       note: " + p, flush=True)
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(dict(counts, seed=seed, sizes=sizes), f)
    print("campaign: %(runs)d runs, %(broken)d broke a rule: mutual fences %(mutual)d, fences without quorum "
          "%(no-quorum)d, VMs on two hosts %(vm-twice)d, missed fences %(missed)d, VMs lost %(vm-lost)d, fenced "
          "again %(fenced-again)d, past a deadline %(outlived)d; %(fences)d fences in all, %(unexpected)d beyond the "
          "model, %(self-fences)d self-fences, %(vms-recovered)d VMs recovered, worst fault to last VM "
          "%(worst-fault-to-vm-ms)d ms" % counts)
    return 1 if counts["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
