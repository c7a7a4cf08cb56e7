#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An emulator of the XenServer / XCP-ng management API (XAPI) for the
tests: XML-RPC over HTTP or HTTPS, XAPI's wire format ({Status, Value} and
{Status, ErrorDescription} replies, OpaqueRef handles, session as the first
argument), and a state model of a pool: hosts (enabled, live, resident VMs),
VMs (power state, resident_on), sessions.  Not a table of canned replies.

    xapi.py --port-file F [--tls CERT KEY] [--pool STATE.json] [--no-declare-dead]
            [--user root --password-file PW] [--lifetime S] [--log FILE]

The pool is read from STATE.json (hosts and VMs, see tests/test_pool.sh);
what the clients did is appended to --log, one call a line (method and
arguments, no passwords).  A host may be made "live" to exercise
HOST_IS_LIVE; --no-declare-dead makes it an older server without
host.declare_dead.  For the daemon: pool other_config, a slave's local
login with pool.emergency_transition_to_master and pool.recover_slaves
(--slave-of, --self), VM.start_on, host liveness from --control DIR
(live/<host-uuid> holding 0 or 1; master, "UUID ADDRESS" of the host that
took over, which the other slaves then name; fail/<method>, a count of that
method's next calls to fail), host.get_all_records, and SIGUSR1
to stop answering and to answer again.

--unix-socket PATH also serves XAPI's local socket (/var/lib/xcp/xapi on a
host), as xapi does: root on the socket logs in without a password, and a
slave's XAPI forwards every call made there to its master (logged in with
session.slave_login and the pool secret of --pool-secret, as slaves do), so
that a client on any host needs no password.

CONTROL/domains/<host-uuid> (with --control) is what runs on each host,
the hypervisor's truth beside the database: one VM uuid a line, written by
the master that starts or stops a VM there (a host's own XAPI writes its
file at start-up from --pool when there is none; the lab's power-off empties
it).  A new master resynchronises its database from it, as xapi's start-up
(dbsync) does: its own VMs at pool.emergency_transition_to_master, each
live slave it can reach at pool.recover_slaves (a real slave does it when
it reconnects, a moment later): the VMs there run there, and a VM the
database puts on that host and that does not run there is halted.

--replicate (with --control): the master writes its database to
CONTROL/db.json after every call that changes it, and a slave that takes
over with pool.emergency_transition_to_master starts from that copy, as a
pool whose database reaches the slaves (XenServer's redo log) does.
Without it a new master starts from --pool, the database of a pool whose
last backup predates the faults.
"""
import argparse
import fcntl
import json
import os
import signal
import socketserver
import ssl
import sys
import socket
import threading
import time
import uuid as uuidlib
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


class Failure(Exception):
    def __init__(self, *description):
        super().__init__(description[0])
        self.description = [str(d) for d in description]


class Pool:
    """The pool database: objects by class and opaque reference."""

    def __init__(self, state, declare_dead):
        self.lock = threading.Lock()
        self.declare_dead = declare_dead
        self.objects = {"host": {}, "VM": {}, "host_metrics": {}, "pool": {}, "session": {}, "VM_appliance": {}}
        for h in state.get("hosts", []):
            ref = self._new("host", h["uuid"])
            mref = self._new("host_metrics", h["uuid"])
            self.objects["host_metrics"][mref] = {"uuid": str(uuidlib.uuid4()), "live": bool(h.get("live", False))}
            self.objects["host"][ref] = {
                "uuid": h["uuid"], "name_label": h.get("name", h["uuid"][:8]),
                "enabled": bool(h.get("enabled", True)), "metrics": mref,
                "address": h.get("address", "127.0.0.1"), "resident_VMs": [],
                "other_config": dict(h.get("other_config", {})),
            }
            dom0 = self._new("VM", "dom0/" + h["uuid"])
            self.objects["VM"][dom0] = {
                "uuid": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, "dom0/" + h["uuid"])),
                "name_label": "Control domain on " + h.get("name", ""),
                "power_state": "Running", "resident_on": ref, "is_a_template": False, "is_a_snapshot": False,
                "is_control_domain": True, "other_config": {}, "order": "0", "start_delay": "0",
                "appliance": "OpaqueRef:NULL",
            }
            self.objects["host"][ref]["resident_VMs"].append(dom0)
        apps = {}
        for a in state.get("appliances", []):
            aref = self._new("VM_appliance", a["uuid"])
            apps[a["uuid"]] = aref
            self.objects["VM_appliance"][aref] = {"uuid": a["uuid"], "name_label": a.get("name", a["uuid"][:8]),
                                                  "VMs": []}
        for v in state.get("vms", []):
            ref = self._new("VM", v["uuid"])
            host = self.host_by_uuid(v["host"]) if v.get("host") else "OpaqueRef:NULL"
            # XAPI sends int64 fields as strings over XML-RPC
            self.objects["VM"][ref] = {
                "uuid": v["uuid"], "name_label": v.get("name", v["uuid"][:8]),
                "power_state": v.get("power_state", "Running"), "resident_on": host,
                "is_a_template": False, "is_a_snapshot": False, "is_control_domain": False,
                "other_config": v.get("other_config", {}),
                "order": str(v.get("order", 0)), "start_delay": str(v.get("start_delay", 0)),
                "appliance": apps.get(v.get("appliance"), "OpaqueRef:NULL"),
            }
            if v.get("appliance") in apps:
                self.objects["VM_appliance"][apps[v["appliance"]]]["VMs"].append(ref)
            if host != "OpaqueRef:NULL" and self.objects["VM"][ref]["power_state"] != "Halted":
                self.objects["host"][host]["resident_VMs"].append(ref)
        pref = self._new("pool", "the pool")
        master = next(iter(self.objects["host"]), "OpaqueRef:NULL")
        self.objects["pool"][pref] = {"uuid": str(uuidlib.uuid4()), "name_label": "pool", "master": master,
                                      "other_config": dict(state.get("pool_other_config", {})),
                                      "ha_enabled": bool(state.get("ha_enabled", False))}

    def _new(self, cls, key=None):
        """A reference; derived from the object's identity when it has one,
        so that every host's emulator of one pool names an object the same
        way, as the one pool database does."""
        if key is None:
            return "OpaqueRef:" + str(uuidlib.uuid4())
        return "OpaqueRef:" + str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, "xapi-emulator/%s/%s" % (cls, key)))

    def host_by_uuid(self, u):
        for ref, h in self.objects["host"].items():
            if h["uuid"] == u:
                return ref
        raise Failure("UUID_INVALID", "host", u)

    def get(self, cls, ref):
        obj = self.objects[cls].get(ref)
        if obj is None:
            raise Failure("HANDLE_INVALID", cls, ref)
        return obj


def where_matcher(expr):
    """A predicate for XAPI's get_all_records_where expressions of the form
    field "a" = "x" and field "b" = "y" (or: 'or'); anything else is refused."""
    import re
    term = r'\s*field\s+"([A-Za-z_]+)"\s*=\s*"([^"]*)"\s*'
    parts = re.split(r'\b(and|or)\b', expr)
    terms, ops = [], []
    for i, p in enumerate(parts):
        if i % 2:
            ops.append(p)
            continue
        m = re.fullmatch(term, p)
        if not m:
            raise Failure("INVALID_VALUE", "expr", expr)
        terms.append((m.group(1), m.group(2)))

    def value(v):
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    def match(obj):
        result = value(obj.get(terms[0][0], "")) == terms[0][1]
        for op, (k, want) in zip(ops, terms[1:]):
            hit = value(obj.get(k, "")) == want
            result = (result and hit) if op == "and" else (result or hit)
        return result
    return match


def success(value):
    return {"Status": "Success", "Value": value}


class Api:
    def __init__(self, pool, user, password, log, slave_of=None, self_uuid=None, control=None, address=None,
                 pool_secret=None, replicate=False):
        self.pool_secret = pool_secret
        self.replicate = replicate and bool(control)
        self.port = 0  # the TCP port every host's XAPI listens on
        self.slave_of = slave_of
        self.address = address
        self.self_uuid = self_uuid
        self.control = control
        self.hanging = threading.Event()
        self.pool = pool
        self.user = user
        self.password = password
        self.log = log

    def hanging_wait(self):
        """Stop answering (SIGUSR1 toggles it), as a hung XAPI does: bounded."""
        end = time.time() + 300
        while self.hanging.is_set() and time.time() < end:
            time.sleep(0.05)

    def refresh_liveness(self):
        """CONTROL/live/<host-uuid> holding 0 or 1 sets that host's liveness,
        as the pool's heartbeat would see it."""
        if not self.control:
            return
        for ref, h in self.pool.objects["host"].items():
            path = os.path.join(self.control, "live", h["uuid"])
            try:
                with open(path) as f:
                    self.pool.get("host_metrics", h["metrics"])["live"] = f.read().strip() == "1"
            except OSError:
                pass

    def injected_failure(self, method):
        """CONTROL/fail/<method> holding a count N: the next N calls of that
        method on this host fail (INTERNAL_ERROR), as a busy or restarting
        XAPI answers; "N after K": the next K calls work first."""
        if not self.control:
            return
        path = os.path.join(self.control, "fail", method)
        try:
            with open(path) as f:
                words = f.read().split()
            left = int(words[0]) if words else 0
            skip = int(words[2]) if len(words) == 3 and words[1] == "after" else 0
        except (OSError, ValueError):
            return
        if left <= 0:
            return
        with open(path + ".tmp", "w") as f:
            f.write("%d after %d\n" % (left, skip - 1) if skip > 0 else "%d\n" % (left - 1))
        os.rename(path + ".tmp", path)
        if skip > 0:
            return
        raise Failure("INTERNAL_ERROR", "%s failed (injected by the test: %d more)" % (method, left - 1))

    def record(self, method, args):
        if self.log:
            with open(self.log, "a") as f:
                f.write(method + " " + " ".join(str(a) for a in args) + "\n")

    def forward(self, method, params):
        """A call made on a slave's local socket, done by the master."""
        master = self.master_address()
        try:
            proxy = xmlrpc.client.ServerProxy("http://%s:%d/" % (master, self.port), allow_none=True)
            return getattr(proxy, method)(*params)
        except (OSError, xmlrpc.client.Error) as e:
            return {"Status": "Failure", "ErrorDescription": ["CANNOT_CONTACT_HOST", master or "", str(e)]}

    def dispatch_local(self, method, params):
        """The local socket: root needs no password; a slave forwards."""
        if self.hanging.is_set():
            self.hanging_wait()
        slave = self.slave_of and self.master_address()
        if method == "session.login_with_password":
            self.record(method + " (local socket)", [params[0] if params else ""])
            if slave:
                return self.forward("session.slave_login", ["OpaqueRef:" + (self.self_uuid or ""), self.pool_secret])
            return success(self.new_session(params[0] if params else "root", {}))
        if method == "session.slave_local_login_with_password":
            self.record(method + " (local socket)", [params[0] if params else ""])
            return success(self.new_session(params[0] if params else "root", {"local": True}))
        session = params[0] if params else ""
        if slave and not self.pool.objects["session"].get(session, {}).get("local"):
            self.record(method + " (forwarded)", list(params[1:]))
            return self.forward(method, params)
        return self.dispatch(method, params)

    def new_session(self, user, attrs):
        ref = "OpaqueRef:" + str(uuidlib.uuid4())
        with self.pool.lock:
            self.pool.objects["session"][ref] = dict(attrs, user=user)
        return ref

    def dispatch(self, method, params):
        try:
            if self.hanging.is_set():
                self.hanging_wait()
            if method == "session.slave_login":
                self.record(method, [params[0] if params else ""])
                if not self.pool_secret or len(params) < 2 or params[1] != self.pool_secret:
                    raise Failure("SESSION_AUTHENTICATION_FAILED", "slave_login", "pool secret refused")
                return success(self.new_session("__slave__", {}))
            if method == "session.login_with_password":
                self.record(method, [params[0] if params else ""])
                return success(self.login(*params))
            if method == "session.slave_local_login_with_password":
                self.record(method, [params[0] if params else ""])
                return success(self.slave_local_login(*params))
            if not params:
                raise Failure("MESSAGE_PARAMETER_COUNT_MISMATCH", method, 1, 0)
            session, args = params[0], list(params[1:])
            with self.pool.lock:
                if session not in self.pool.objects["session"]:
                    raise Failure("SESSION_INVALID", session)
                self.record(method, args)
                if self.pool.objects["session"][session].get("local") and method not in (
                        "pool.emergency_transition_to_master", "pool.recover_slaves", "session.logout"):
                    raise Failure("HOST_IS_SLAVE", self.master_address() or "")
                self.refresh_liveness()
                self.injected_failure(method)
                handler = getattr(self, "m_" + method.replace(".", "__"), None)
                if handler is None:
                    raise Failure("MESSAGE_METHOD_UNKNOWN", method)
                value = handler(session, *args)
                if not method.split(".")[-1].startswith("get") and not self.slave_of:
                    self.replicate_database()
                return success(value)
        except Failure as f:
            return {"Status": "Failure", "ErrorDescription": f.description}
        except TypeError as e:
            return {"Status": "Failure", "ErrorDescription": ["MESSAGE_PARAMETER_COUNT_MISMATCH", method, str(e)]}

    # ---- session ----------------------------------------------------------
    def slave_local_login(self, user, password):
        """A slave's local login, for the emergency calls only."""
        if user != self.user or password != self.password:
            raise Failure("SESSION_AUTHENTICATION_FAILED", user, "Authentication failure")
        ref = "OpaqueRef:" + str(uuidlib.uuid4())
        with self.pool.lock:
            self.pool.objects["session"][ref] = {"user": user, "local": True}
        return ref

    def replicate_database(self):
        """The master's database, every class but its sessions, where a
        slave that takes over reads it (--replicate); under the pool lock."""
        if not self.replicate:
            return
        db = {cls: objs for cls, objs in self.pool.objects.items() if cls != "session"}
        path = os.path.join(self.control, "db.json")
        with open(path + ".tmp", "w") as f:
            json.dump(db, f)
        os.rename(path + ".tmp", path)

    # ---- what runs where (CONTROL/domains) -------------------------------
    def domains_path(self, host_uuid):
        return os.path.join(self.control, "domains", host_uuid)

    def domains_read(self, host_uuid):
        """The VM uuids running on a host, or None when nothing is known."""
        try:
            with open(self.domains_path(host_uuid)) as f:
                return set(f.read().split())
        except OSError:
            return None

    def domains_change(self, host_ref, add=(), remove=()):
        """A VM started (add) or stopped (remove) on a host: its domains
        file, under a lock, as two masters of a split pool may write it."""
        if not self.control or host_ref not in self.pool.objects["host"]:
            return
        host_uuid = self.pool.objects["host"][host_ref]["uuid"]
        os.makedirs(os.path.join(self.control, "domains"), exist_ok=True)
        with open(os.path.join(self.control, "domains", ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            running = (self.domains_read(host_uuid) or set()) | set(add)
            running -= set(remove)
            path = self.domains_path(host_uuid)
            with open(path + ".tmp", "w") as f:
                f.write("".join(u + "\n" for u in sorted(running)))
            os.rename(path + ".tmp", path)

    def domains_init(self):
        """This host's own domains file at start-up, from the database,
        unless the lab already keeps one (a host powered back on runs
        nothing)."""
        if not self.control or not self.self_uuid or self.domains_read(self.self_uuid) is not None:
            return
        try:
            ref = self.pool.host_by_uuid(self.self_uuid)
        except Failure:
            return
        self.domains_change(ref, add=[self.pool.objects["VM"][v]["uuid"]
                                      for v in self.pool.objects["host"][ref]["resident_VMs"]
                                      if not self.pool.objects["VM"][v]["is_control_domain"]])

    def resync_host(self, host_ref):
        """The database brought up to date with what runs on a host, as
        xapi's dbsync does when that host's xapi (re)connects."""
        h = self.pool.objects["host"][host_ref]
        running = self.domains_read(h["uuid"]) if self.control else None
        if running is None:
            return
        for vref, vm in self.pool.objects["VM"].items():
            if vm["is_control_domain"]:
                continue
            if vm["uuid"] in running and vm["resident_on"] != host_ref:
                old = vm["resident_on"]
                if old in self.pool.objects["host"] and vref in self.pool.objects["host"][old]["resident_VMs"]:
                    self.pool.objects["host"][old]["resident_VMs"].remove(vref)
                vm["power_state"] = "Paused" if vm["power_state"] == "Paused" else "Running"
                vm["resident_on"] = host_ref
                h["resident_VMs"].append(vref)
                self.record("  resync: VM runs here", [vm["name_label"], h["name_label"]])
            elif vm["uuid"] not in running and vm["resident_on"] == host_ref and vm["power_state"] != "Halted":
                self.halt_vm(vref)
                self.record("  resync: VM not running", [vm["name_label"], h["name_label"]])

    def master_address(self):
        """The master a slave names: CONTROL/master once a slave took over
        (its emergency transition wrote it, as recover_slaves tells real
        slaves), else the one it was started with."""
        if self.control:
            try:
                with open(os.path.join(self.control, "master")) as f:
                    uuid, address = (f.read().split() + ["", ""])[:2]
                if uuid and uuid == self.self_uuid:
                    return None
                if address:
                    return address
            except OSError:
                pass
        return self.slave_of

    def login(self, user, password, version="1.0", originator=""):
        if self.slave_of and self.master_address():
            raise Failure("HOST_IS_SLAVE", self.master_address())
        if user != self.user or password != self.password:
            raise Failure("SESSION_AUTHENTICATION_FAILED", user, "Authentication failure")
        ref = "OpaqueRef:" + str(uuidlib.uuid4())
        with self.pool.lock:
            self.pool.objects["session"][ref] = {"user": user}
        return ref

    def m_session__logout(self, session):
        del self.pool.objects["session"][session]
        return ""

    # ---- pool -------------------------------------------------------------
    def m_pool__get_all(self, session):
        return list(self.pool.objects["pool"])

    def m_pool__get_master(self, session, ref):
        return self.pool.get("pool", ref)["master"]

    def m_pool__get_record(self, session, ref):
        p = self.pool.get("pool", ref)
        return dict(p, other_config=dict(p["other_config"]))

    def m_pool__get_other_config(self, session, ref):
        return dict(self.pool.get("pool", ref)["other_config"])

    def add_to_map(self, cls, ref, key, value):
        oc = self.pool.get(cls, ref)["other_config"]
        if key in oc:
            raise Failure("MAP_DUPLICATE_KEY", cls, "other_config", ref, key)
        oc[key] = value
        return ""

    def m_pool__add_to_other_config(self, session, ref, key, value):
        return self.add_to_map("pool", ref, key, value)

    def m_pool__remove_from_other_config(self, session, ref, key):
        self.pool.get("pool", ref)["other_config"].pop(key, None)
        return ""

    def m_pool__emergency_transition_to_master(self, session):
        """A slave becomes the master of what is left of its pool."""
        if not self.slave_of:
            raise Failure("HOST_IS_MASTER")
        self.slave_of = None
        if self.replicate:
            try:
                with open(os.path.join(self.control, "db.json")) as f:
                    db = json.load(f)
                self.pool.objects.update({cls: objs for cls, objs in db.items() if cls != "session"})
            except (OSError, ValueError):
                pass  # nothing replicated yet: the database it started with
        if self.control:
            with open(os.path.join(self.control, "master.tmp"), "w") as f:
                f.write("%s %s\n" % (self.self_uuid or "-", self.address))
            os.rename(os.path.join(self.control, "master.tmp"), os.path.join(self.control, "master"))
        pref = next(iter(self.pool.objects["pool"]))
        if self.self_uuid:
            self.pool.objects["pool"][pref]["master"] = self.pool.host_by_uuid(self.self_uuid)
            self.resync_host(self.pool.objects["pool"][pref]["master"])
        return ""

    def m_pool__recover_slaves(self, session):
        """The live slaves, told about their new master."""
        pref = next(iter(self.pool.objects["pool"]))
        master = self.pool.objects["pool"][pref]["master"]
        slaves = [ref for ref, h in self.pool.objects["host"].items()
                  if ref != master and self.pool.get("host_metrics", h["metrics"])["live"]]
        for ref in slaves:
            if self.reaches(self.pool.objects["host"][ref]["address"]):
                self.resync_host(ref)
        return slaves

    def reaches(self, address):
        """A slave reconnects (and resynchronises) only if it can reach its
        new master: a hung host's link is down in the lab (bounded)."""
        try:
            socket.create_connection((address, self.port), timeout=1).close()
            return True
        except OSError:
            return False

    # ---- host -------------------------------------------------------------
    def m_host__get_all(self, session):
        return list(self.pool.objects["host"])

    def m_host__get_by_uuid(self, session, u):
        return self.pool.host_by_uuid(u)

    def host_record(self, ref):
        h = dict(self.pool.get("host", ref))
        h["resident_VMs"] = list(h["resident_VMs"])
        return h

    def m_host__get_record(self, session, ref):
        return self.host_record(ref)

    def m_host__get_all_records(self, session):
        return {ref: self.host_record(ref) for ref in self.pool.objects["host"]}

    def m_host__get_uuid(self, session, ref):
        return self.pool.get("host", ref)["uuid"]

    def m_host__get_name_label(self, session, ref):
        return self.pool.get("host", ref)["name_label"]

    def m_host__get_enabled(self, session, ref):
        return self.pool.get("host", ref)["enabled"]

    def m_host__get_metrics(self, session, ref):
        return self.pool.get("host", ref)["metrics"]

    def m_host__get_resident_VMs(self, session, ref):
        return list(self.pool.get("host", ref)["resident_VMs"])

    def m_host_metrics__get_live(self, session, ref):
        return self.pool.get("host_metrics", ref)["live"]

    def m_host__add_to_other_config(self, session, ref, key, value):
        return self.add_to_map("host", ref, key, value)

    def m_host__remove_from_other_config(self, session, ref, key):
        self.pool.get("host", ref)["other_config"].pop(key, None)
        return ""

    def m_pool__set_ha_enabled_for_tests(self, session, ref, value):
        """Not XAPI: lets a test switch XenServer's own HA on (pool.enable_ha needs heartbeat SRs)."""
        self.pool.get("pool", ref)["ha_enabled"] = value in (True, "true", "1")
        return ""

    def m_host__disable(self, session, ref):
        self.pool.get("host", ref)["enabled"] = False
        return ""

    def m_host__enable(self, session, ref):
        h = self.pool.get("host", ref)
        if not self.pool.get("host_metrics", h["metrics"])["live"]:
            raise Failure("HOST_OFFLINE", ref)
        h["enabled"] = True
        return ""

    def run_vm(self, vref, host, paused=False):
        """A VM started on a host: the database and what runs there."""
        vm = self.pool.get("VM", vref)
        vm["power_state"] = "Paused" if paused else "Running"
        vm["resident_on"] = host
        self.pool.objects["host"][host]["resident_VMs"].append(vref)
        self.domains_change(host, add=[vm["uuid"]])

    def halt_vm(self, vref):
        vm = self.pool.get("VM", vref)
        host = vm["resident_on"]
        if host in self.pool.objects["host"]:
            rvms = self.pool.objects["host"][host]["resident_VMs"]
            if vref in rvms:
                rvms.remove(vref)
            self.domains_change(host, remove=[vm["uuid"]])
        vm["power_state"] = "Halted"
        vm["resident_on"] = "OpaqueRef:NULL"

    def m_host__declare_dead(self, session, ref):
        if not self.pool.declare_dead:
            raise Failure("MESSAGE_METHOD_UNKNOWN", "host.declare_dead")
        h = self.pool.get("host", ref)
        if self.pool.get("host_metrics", h["metrics"])["live"]:
            raise Failure("HOST_IS_LIVE", ref)
        for vref in list(h["resident_VMs"]):
            if not self.pool.get("VM", vref)["is_control_domain"]:
                self.halt_vm(vref)
        h["enabled"] = False
        return ""

    def m_host__destroy(self, session, ref):
        h = self.pool.get("host", ref)
        if self.pool.get("host_metrics", h["metrics"])["live"]:
            raise Failure("HOST_IS_LIVE", ref)
        if any(not self.pool.get("VM", v)["is_control_domain"] for v in h["resident_VMs"]):
            raise Failure("HOST_HAS_RESIDENT_VMS", ref)
        for v in list(h["resident_VMs"]):
            del self.pool.objects["VM"][v]
        del self.pool.objects["host_metrics"][h["metrics"]]
        del self.pool.objects["host"][ref]
        return ""

    # ---- VM ---------------------------------------------------------------
    def m_VM__get_all(self, session):
        return list(self.pool.objects["VM"])

    def m_VM__get_by_uuid(self, session, u):
        for ref, vm in self.pool.objects["VM"].items():
            if vm["uuid"] == u:
                return ref
        raise Failure("UUID_INVALID", "VM", u)

    def m_VM__get_by_name_label(self, session, name):
        return [ref for ref, vm in self.pool.objects["VM"].items() if vm["name_label"] == name]

    def m_VM__get_record(self, session, ref):
        return dict(self.pool.get("VM", ref))

    def m_VM__get_all_records(self, session):
        return {ref: dict(vm) for ref, vm in self.pool.objects["VM"].items()}

    def m_VM__get_all_records_where(self, session, expr):
        """XAPI's query language, the part clients use: field "NAME" = "VALUE"
        terms joined by and / or (no parentheses)."""
        match = where_matcher(expr)
        return {ref: dict(vm) for ref, vm in self.pool.objects["VM"].items() if match(vm)}

    # ---- VM_appliance (vApps) ------------------------------------------------
    def m_VM_appliance__get_all_records(self, session):
        return {ref: dict(a, VMs=list(a["VMs"])) for ref, a in self.pool.objects["VM_appliance"].items()}

    def m_VM_appliance__get_record(self, session, ref):
        a = self.pool.get("VM_appliance", ref)
        return dict(a, VMs=list(a["VMs"]))

    def m_VM_appliance__start(self, session, ref, paused=False):
        """The appliance's halted VMs, started by VM.order, each order group
        followed by its largest start_delay, as XAPI does."""
        a = self.pool.get("VM_appliance", ref)
        halted = [v for v in a["VMs"] if self.pool.get("VM", v)["power_state"] == "Halted"]
        if not halted:
            raise Failure("OPERATION_NOT_ALLOWED", "appliance %s: no halted VM to start" % a["uuid"])
        host = next((r for r, h in self.pool.objects["host"].items()
                     if h["enabled"] and self.pool.get("host_metrics", h["metrics"])["live"]), None)
        if host is None:
            raise Failure("NO_HOSTS_AVAILABLE")
        orders = sorted(set(int(self.pool.get("VM", v)["order"]) for v in halted))
        for n, order in enumerate(orders):
            group = [v for v in halted if int(self.pool.get("VM", v)["order"]) == order]
            for v in group:
                vm = self.pool.get("VM", v)
                self.run_vm(v, host, paused)
                self.record("  appliance started VM", [vm["name_label"], "order", order])
            delay = max(int(self.pool.get("VM", v)["start_delay"]) for v in group)
            if n + 1 < len(orders) and delay > 0:
                self.pool.lock.release()   # others may call meanwhile
                try:
                    time.sleep(delay)
                finally:
                    self.pool.lock.acquire()
        return ""

    def m_VM__get_power_state(self, session, ref):
        return self.pool.get("VM", ref)["power_state"]

    def m_VM__get_uuid(self, session, ref):
        return self.pool.get("VM", ref)["uuid"]

    def m_VM__get_resident_on(self, session, ref):
        return self.pool.get("VM", ref)["resident_on"]

    def m_VM__power_state_reset(self, session, ref):
        vm = self.pool.get("VM", ref)
        host = vm["resident_on"]
        if host in self.pool.objects["host"]:
            h = self.pool.objects["host"][host]
            if self.pool.get("host_metrics", h["metrics"])["live"]:
                raise Failure("HOST_IS_LIVE", host)
        self.halt_vm(ref)
        return ""

    def m_VM__hard_shutdown(self, session, ref):
        vm = self.pool.get("VM", ref)
        if vm["power_state"] == "Halted":
            raise Failure("VM_BAD_POWER_STATE", ref, "Running", "Halted")
        self.halt_vm(ref)
        return ""

    def m_VM__start(self, session, ref, start_paused=False, force=False):
        vm = self.pool.get("VM", ref)
        if vm["power_state"] != "Halted":
            raise Failure("VM_BAD_POWER_STATE", ref, "Halted", vm["power_state"])
        host = next((r for r, h in self.pool.objects["host"].items() if h["enabled"]), None)
        if host is None:
            raise Failure("NO_HOSTS_AVAILABLE")
        self.run_vm(ref, host, start_paused)
        return ""

    def m_message__create(self, session, name, priority, cls, obj_uuid, body):
        """XAPI's message.create: what XenCenter and Xen Orchestra list as
        alerts.  Checked as XAPI checks it: a known class, an object of that
        class, an int priority."""
        classes = {"VM": "VM", "Host": "host", "SR": "SR", "Pool": "pool", "VMPP": "VMPP", "VMSS": "VMSS",
                   "PVS_proxy": "PVS_proxy", "VDI": "VDI", "Certificate": "Certificate"}
        if cls not in classes:
            raise Failure("INVALID_VALUE", "cls", cls)
        if not isinstance(priority, int):
            raise Failure("FIELD_TYPE_ERROR", "priority")
        if cls == "Host":
            self.pool.host_by_uuid(obj_uuid)
        return self.pool._new("message")

    def m_VM__start_on(self, session, ref, host, start_paused=False, force=False):
        vm = self.pool.get("VM", ref)
        h = self.pool.get("host", host)
        if vm["power_state"] != "Halted":
            raise Failure("VM_BAD_POWER_STATE", ref, "Halted", vm["power_state"])
        if not h["enabled"] or not self.pool.get("host_metrics", h["metrics"])["live"]:
            raise Failure("HOST_OFFLINE", host)
        self.run_vm(ref, host, start_paused)
        return ""

    def m_VM__hard_reboot(self, session, ref):
        vm = self.pool.get("VM", ref)
        if vm["power_state"] != "Running":
            raise Failure("VM_BAD_POWER_STATE", ref, "Running", vm["power_state"])
        return ""


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/", "/RPC2")

    def log_message(self, fmt, *args):
        pass


class Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    request_queue_size = 128  # clients start many calls at once (a listen backlog of 5 refuses them)


class LocalHandler(Handler):
    disable_nagle_algorithm = False  # no TCP here


class UnixServer(Server):
    """XML-RPC over HTTP on a local (Unix) socket."""
    address_family = socket.AF_UNIX

    def server_bind(self):
        self.socket.bind(self.server_address)
        os.chmod(self.server_address, 0o600)
        self.server_name, self.server_port = "localhost", 0

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("local", 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--pool", help="pool state (JSON)")
    ap.add_argument("--no-declare-dead", action="store_true")
    ap.add_argument("--user", default="root")
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--lifetime", type=float, default=300.0)
    ap.add_argument("--log")
    ap.add_argument("--hang", action="store_true", help="accept connections and never answer")
    ap.add_argument("--slave-of", help="a pool slave: logins answer HOST_IS_SLAVE with this master address")
    ap.add_argument("--self", dest="self_uuid", help="the host this XAPI runs on (for the emergency transition)")
    ap.add_argument("--control", help="a directory of test controls (live/<host-uuid>)")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--unix-socket", help="also serve this local socket, as xapi serves /var/lib/xcp/xapi")
    ap.add_argument("--pool-secret", help="file with the pool secret (session.slave_login)")
    ap.add_argument("--replicate", action="store_true",
                    help="the master's database reaches the slaves (CONTROL/db.json), as with a redo log")
    a = ap.parse_args()
    state = json.load(open(a.pool)) if a.pool else {"hosts": [], "vms": []}
    password = open(a.password_file).read().splitlines()[0]
    secret = open(a.pool_secret).read().strip() if a.pool_secret else None
    api = Api(Pool(state, not a.no_declare_dead), a.user, password, a.log, a.slave_of, a.self_uuid, a.control,
              a.bind, secret, a.replicate)
    api.domains_init()
    # SIGUSR1: stop answering / answer again, as a hung XAPI
    signal.signal(signal.SIGUSR1, lambda *_: api.hanging.clear() if api.hanging.is_set() else api.hanging.set())

    server = Server((a.bind, a.port), requestHandler=Handler, logRequests=False, allow_none=True)
    if a.hang:
        server.RequestHandlerClass.handle = lambda self: time.sleep(a.lifetime)
    server.register_instance(type("Dispatch", (), {"_dispatch": lambda self, m, p: api.dispatch(m, p)})())
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    api.port = a.port or server.server_address[1]
    if a.unix_socket:
        try:
            os.unlink(a.unix_socket)
        except OSError:
            pass
        local = UnixServer(a.unix_socket, requestHandler=LocalHandler, logRequests=False, allow_none=True)
        local.register_instance(type("Dispatch", (), {"_dispatch": lambda self, m, p: api.dispatch_local(m, p)})())
        threading.Thread(target=local.serve_forever, daemon=True).start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(a.port_file + ".tmp", a.port_file)
    threading.Timer(a.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
