#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layering as a build rule, not a habit: who may include whom, every
# project include written with its folder, no directory cycle, no plugin
# known by name in the core or the daemon, no include path but the SDK's
# and the top of the tree.  Reads the sources; builds nothing.
exec python3 - "${top_srcdir:?make check sets top_srcdir}" <<'PYEOF'
import os, re, sys

top = sys.argv[1]
n = 0
def report(ok, what, detail=()):
    global n
    n += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what))
    for d in list(detail)[:20]:
        print("# " + d)

def sources(*dirs):
    for d in dirs:
        for root, _, files in os.walk(os.path.join(top, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(root, f), top)

include = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
def includes(path):
    with open(os.path.join(top, path), encoding="utf-8") as f:
        return include.findall(f.read())

layers = ("core", "daemon", "cli", "proto", "plugins")
def layer(path):
    return path.split("/")[0] if path.split("/")[0] in layers else None

# what each layer may include, besides system headers and <hafence/plugin.h>
allowed = {
    "plugins": lambda src, inc: inc.startswith("proto/") or inc.startswith("/".join(src.split("/")[:2]) + "/"),
    "proto": lambda src, inc: inc.startswith("proto/"),
    "core": lambda src, inc: inc.startswith("core/") or inc.startswith("proto/trust/"),
    "daemon": lambda src, inc: inc.startswith(("core/", "daemon/", "proto/")),
    "cli": lambda src, inc: inc.startswith(("core/", "cli/", "proto/")),
}
bad, folderless, quoted = [], [], 0
edges = {}
for src in sources(*layers):
    for kind, inc in includes(src):
        if kind == "<":
            if inc.split("/")[0] in layers:
                bad.append("%s: <%s>: project headers are included with quotes" % (src, inc))
            continue
        quoted += 1
        if inc == "config.h":          # autoconf's, in the build tree
            continue
        if "/" not in inc:
            folderless.append("%s: \"%s\"" % (src, inc))
            continue
        if not allowed[layer(src)](src, inc):
            bad.append("%s includes \"%s\"" % (src, inc))
        a, b = os.path.dirname(src), os.path.dirname(inc)
        if a != b:
            edges.setdefault(a, set()).add(b)
# the protocol libraries hide the libraries they wrap: a plugin speaks
# proto/ipmi's and proto/ssh's names, never FreeIPMI's or libssh2's
leaks = ["%s: <%s>" % (src, inc) for src in sources("plugins") for kind, inc in includes(src)
         if kind == "<" and inc.split("/")[0] in ("freeipmi", "ipmiconsole.h", "libssh2.h", "libssh2_sftp.h")]
report(not leaks, "no plugin includes FreeIPMI or libssh2 (proto/ipmi and proto/ssh hide them)", leaks)
report(quoted > 50 and not folderless, "every project include is written with its folder (%d read)" % quoted, folderless)
report(not bad, "plugins include only the SDK and proto/, proto/ only proto/, the core no daemon, "
       "CLI or plugin, the daemon and the CLI not each other", bad)

# no cycle between directories (proto/ssh -> proto/net -> proto/ssh ...)
cycles = []
def walk(node, stack):
    for nxt in sorted(edges.get(node, ())):
        if nxt in stack:
            cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
        elif len(stack) < 20:
            walk(nxt, stack + [nxt])
for d in sorted(edges):
    walk(d, [d])
report(len(edges) > 10 and not cycles, "no cycle among %d directories that include each other" % len(edges),
       sorted(set(cycles)))

# the core and the daemon know plugins by capability, never by name
names = sorted(d for d in os.listdir(os.path.join(top, "plugins")) if os.path.isdir(os.path.join(top, "plugins", d)))
named = []
for src in sources("core", "daemon"):
    with open(os.path.join(top, src), encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            for p in names:
                if '"%s"' % p in line or '"%s.so"' % p in line:
                    named.append("%s:%d: %s" % (src, i, line.strip()))
report(len(names) >= 8 and not named, "no plugin name (%s) in core/ or daemon/" % ", ".join(names), named)

# include paths: the SDK and the top of the tree (and the old ABI headers
# for the fixtures built against them), nothing that reaches into a folder
with open(os.path.join(top, "Makefile.am"), encoding="utf-8") as f:
    flags = re.findall(r"-I\$\(top_srcdir\)(/[\w/.-]*)?", f.read())
extra = sorted(set(x for x in flags if x not in ("", "/sdk") and not x.startswith("/tests/fixtures/abi/")))
report(flags and not extra, "Makefile.am: include paths are -I$(top_srcdir)/sdk and -I$(top_srcdir) alone", extra)
print("1..%d" % n)
PYEOF
