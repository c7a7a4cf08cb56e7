#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README's figures table from the benches' hyperfine results.

    bench/table.py RESULTS_DIR --machine TEXT [--readme README.md]

Reads the JSON files bench/run.sh (core, engine-scale), ipmi.sh, snmp-pdu.sh, boards.sh,
xapi.sh and xvm.sh export (medians of whole processes), and prints the table, or
rewrites it in README.md between the lines "<!-- figures: bench/all.sh -->"
and "<!-- /figures -->".  A bench whose results are missing leaves its rows
out rather than keeping old figures beside new ones."""
import argparse
import json
import os
import sys

START, END = "<!-- figures: bench/all.sh -->", "<!-- /figures -->"


def medians(path):
    """{command name: median ms} of one hyperfine export, {} when absent."""
    try:
        with open(path) as f:
            return {r["command"]: r["median"] * 1000 for r in json.load(f)["results"]}
    except (OSError, ValueError, KeyError):
        return {}


def ms(v):
    return "%.1f ms" % v if v >= 10 else "%.2f ms" % v


def rows(d):
    r = lambda name: medians(os.path.join(d, name + ".json"))
    out = []

    def row(measure, res, floor=None, peer=None, peer_target="", floor_label=None):
        if "hafence" not in res:
            return
        h = res["hafence"]
        f = res.get(floor) if floor else None
        p = res.get(peer) if peer else None
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            measure, ms(h),
            "%s %s" % (floor_label or floor, ms(f)) if f else "",
            "%.2fx (target <= 2)" % (h / f) if f else "",
            "%s %s" % (peer, ms(p)) if p else "",
            "%.1fx faster%s" % (p / h, " (target %s)" % peer_target if peer_target else "") if p else ""))

    core = r("core")
    if "version" in core and "true" in core:
        out.append("| start-up: `hafence --version` | %s | /bin/true %s | +%.2f ms (target within 2 ms) | | |"
                   % (ms(core["version"]), ms(core["true"]), core["version"] - core["true"]))
    if "plugins" in core:
        out.append("| `hafence plugins` (load every plugin) | %s | | | | (target < 20 ms) |" % ms(core["plugins"]))
    if "status-isolated" in core and "status-in-process" in core:
        cost = core["status-isolated"] - core["status-in-process"]
        floor = core.get("floor-fork", 0) - core.get("floor-no-fork", 0)
        out.append("| cost of isolation per operation | %s | %s | %s | | (target < 2 ms) |"
                   % (ms(cost), "fork + pipe + reap, smallest program %s" % ms(floor) if floor > 0 else "",
                      "%.2fx" % (cost / floor) if floor > 0 else ""))
    row("ipmi status", r("ipmi-status"), "floor", "fence_ipmilan", ">= 10x", "libfreeipmi client")
    ipmi = r("ipmi-status")
    if "ipmitool" in ipmi and "hafence" in ipmi:
        out.append("| ipmi status | %s | | | ipmitool -I lanplus %s | %.1fx faster |"
                   % (ms(ipmi["hafence"]), ms(ipmi["ipmitool"]), ipmi["ipmitool"] / ipmi["hafence"]))
    row("ipmi off + verify", r("ipmi-off"), None, "fence_ipmilan", ">= 10x")
    many = r("ipmi-fence32")
    if "one" in many:
        for name, n, target in (("thirty-two", 32, "1.5"), ("all-256", 256, "2")):
            if name in many:
                f = many.get("floor-" + name)
                out.append("| ipmi: fence %d hosts at once vs one (%d `ipmi_sim` on the same cores) | %s vs %s | %s | %s | "
                           "| %.2fx (target <= %sx) |"
                           % (n, n, ms(many[name]), ms(many["one"]),
                              "libfreeipmi client x %d (xargs -P) %s" % (n, ms(f)) if f else "",
                              "%.2fx" % (many[name] / f) if f else "", many[name] / many["one"], target))
    scale = r("engine-scale")
    if "one" in scale:
        for name, n, target in (("thirty-two", 32, "1.5"), ("all-256", 256, "2")):
            if name in scale:
                out.append("| engine: off + verify of %d targets at once vs one (simulated BMCs that switch off "
                           "in 1 s) | %s vs %s | | | | %.2fx (target <= %sx) |"
                           % (n, ms(scale[name]), ms(scale["one"]), scale[name] / scale["one"], target))
    row("snmp-pdu status (detection by sysObjectID included)", r("pdu-status"), "floor", "fence_apc_snmp", ">= 10x",
        "snmpget")
    row("snmp-pdu off + verify", r("pdu-off"), None, "fence_apc_snmp")
    row("ilo status over Redfish (session, system, PowerState)", r("boards-redfish-status"), "floor",
        "fence_redfish", ">= 10x", "curl (one GET)")
    rf = r("boards-redfish-status")
    if "hafence-basic" in rf:
        row("ilo status over Redfish, `redfish_auth=basic` (HTTP Basic: root, Systems, system, the GETs fence_redfish makes)",
            dict(rf, hafence=rf["hafence-basic"]), "floor", "fence_redfish", ">= 10x", "curl (one GET)")
    row("ilo off + verify over Redfish", r("boards-redfish-off"), None, "fence_redfish")
    row("ilo status over RIBCL (raw TLS, iLO 2)", r("boards-ribcl-status"), None, "fence_ilo", ">= 10x")
    row("ilo off + verify over RIBCL", r("boards-ribcl-off"), None, "fence_ilo")
    row("pool status over XAPI (host record, its VMs, live: 6 calls)", r("xapi-status"), "floor",
        "fence_xenapi", "", "libcurl client (the same 6 calls)")
    row("xvm status (over SSH, toolstack=virsh)", r("xvm-status"), "floor", "fence_virsh", ">= 10x",
        "libssh2 client (one command)")
    xvm = r("xvm-status")
    if "ssh" in xvm and "hafence" in xvm:
        out.append("| xvm status | %s | | | OpenSSH `ssh` + `virsh domstate` %s | %.1fx faster |"
                   % (ms(xvm["hafence"]), ms(xvm["ssh"]), xvm["ssh"] / xvm["hafence"]))
    row("xvm off + verify", r("xvm-off"), None, "fence_virsh")
    row("xvm reboot (off, verify, on, verify)", r("xvm-reboot"), None, "fence_virsh")
    return out


def table(d, machine):
    body = rows(d)
    return "\n".join([START, machine, "",
                      "| measure | hafence | floor | hafence / floor | peer | ratio |",
                      "|---|---|---|---|---|---|"] + body + [END])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--machine", required=True)
    ap.add_argument("--readme")
    a = ap.parse_args()
    text = table(a.results, a.machine)
    if not a.readme:
        print(text)
        return 0
    with open(a.readme) as f:
        readme = f.read()
    if START not in readme or END not in readme:
        print("table.py: %s has no %s ... %s lines to replace" % (a.readme, START, END), file=sys.stderr)
        return 1
    head, rest = readme.split(START, 1)
    tail = rest.split(END, 1)[1]
    with open(a.readme + ".new", "w") as f:
        f.write(head + text + tail)
    os.replace(a.readme + ".new", a.readme)
    print("table.py: %s: %d rows rewritten" % (a.readme, len(rows(a.results))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
