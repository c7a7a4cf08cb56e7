#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fencing through Pacemaker's own fencer (pacemaker-fenced, one-node
# corosync, tests/peers/pcmk-fencer.sh) with hafence's agent against
# fence-agents' fence_ipmilan, the same simulated BMC (ipmi_sim), one run,
# as whole processes (hyperfine runs stonith_admin --reboot):
#   fence_hafence_ipmi   hafence's ipmi plugin as a fence agent
#   fence_ipmilan        fence-agents (ipmitool underneath)
#   floor                an agent that does nothing: the fencer's own cost
# A reboot each time (off, verified, then on), so every run starts on.
# Prints medians, ratios and the load it ran under; never asserts on time.
#   bench/pacemaker.sh [BUILDDIR]          (root: it makes namespaces)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
[ "$(id -u)" = 0 ] || { echo "bench: needs root (a mount and network namespace of its own)" >&2; exit 1; }
for tool in hyperfine jq ipmi_sim fence_ipmilan stonith_admin corosync unshare bc; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
if [ -z "${HAFENCE_PCMK_NS:-}" ]; then
    HAFENCE_PCMK_NS=1 exec unshare --mount --net --propagation private sh "$0" "$build"
fi
RUNS=${BENCH_RUNS:-10}
work=$(mktemp -d /tmp/hafence-bench-pcmk.XXXXXX)
sim=$top/tests/peers/bmc-sim.sh
fencer=$top/tests/peers/pcmk-fencer.sh
BMC_POWER_MODULE=$build/tests/peers/.libs/bmc-power.so
HAFENCE_PLUGIN_PATH=$build/plugins/ipmi/.libs
HAFENCE_HISTORY=$work/history.jsonl
export BMC_POWER_MODULE HAFENCE_PLUGIN_PATH HAFENCE_HISTORY
trap '"$fencer" stop "$work/pcmk" >/dev/null 2>&1; "$sim" stop "$work/bmcs" >/dev/null 2>&1; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"

ip link set lo up
"$sim" start "$work/bmcs" 1 >/dev/null
port=$(cat "$work/bmcs/bmc1/port")
# the floor: an agent that answers metadata and succeeds at everything else
cat > "$work/fence_bench_floor" <<'AGENT'
#!/bin/sh
action=reboot
while IFS='=' read -r k v; do [ "$k" = action ] && action=$v; done
[ "$action" = metadata ] && cat <<XML
<?xml version="1.0" ?>
<resource-agent name="fence_bench_floor" shortdesc="does nothing"><longdesc>does nothing</longdesc><vendor-url></vendor-url>
<parameters><parameter name="port" unique="0" required="0"><getopt mixed="--port=[port]"/><content type="string"/><shortdesc lang="en">target</shortdesc></parameter></parameters>
<actions><action name="on" automatic="0"/><action name="off"/><action name="reboot"/><action name="status"/><action name="monitor"/><action name="metadata"/></actions></resource-agent>
XML
exit 0
AGENT
chmod 755 "$work/fence_bench_floor"
"$fencer" start "$work/pcmk" "fence_hafence_ipmi=$build/hafence" "fence_bench_floor=$work/fence_bench_floor"
common="-o ip=127.0.0.1 -o ipport=$port -o username=admin -o password=adminpw"
# shellcheck disable=SC2086 # the common parameters, split into words
stonith_admin --register hf --agent fence_hafence_ipmi $common -o workarounds=opensesspriv -o pcmk_host_list=node-hafence >/dev/null
# fence_ipmilan with the cipher suite named: without it ipmitool first asks
# ipmi_sim for its cipher suites, which it does not answer (10 s each time)
# shellcheck disable=SC2086
stonith_admin --register fa --agent fence_ipmilan $common -o lanplus=1 -o cipher=3 -o pcmk_host_list=node-ipmilan >/dev/null
stonith_admin --register floor --agent fence_bench_floor -o pcmk_host_list=node-floor >/dev/null

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$results/pacemaker-reboot.json" \
    -n fence_hafence_ipmi "stonith_admin --reboot node-hafence --timeout 60" \
    -n fence_ipmilan "stonith_admin --reboot node-ipmilan --timeout 60" \
    -n floor "stonith_admin --reboot node-floor --timeout 60" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
ok=$(jq -s 'map(select(.action=="reboot" and .result=="ok" and .verified)) | length' "$HAFENCE_HISTORY")

median() { jq -r --arg n "$1" '.results[] | select(.command==$n) | .median * 1000' "$results/pacemaker-reboot.json"; }
ratio() { echo "scale=1; $1 / $2" | bc -l; }
hf=$(median fence_hafence_ipmi)
fa=$(median fence_ipmilan)
fl=$(median floor)
echo "Pacemaker's fencer, stonith_admin --reboot (off verified, then on), one ipmi_sim BMC, medians of $RUNS runs"
echo "  load while it ran: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '  %-34s %9.1f ms   fence_ipmilan/hafence = %sx (target >= 3)\n' "fence_hafence_ipmi" "$hf" "$(ratio "$fa" "$hf")"
printf '  %-34s %9.1f ms\n' "fence_ipmilan (fence-agents)" "$fa"
printf '  %-34s %9.1f ms   hafence - floor = %.1f ms\n' "floor (an agent doing nothing)" "$fl" "$(echo "$hf - $fl" | bc -l)"
echo "  hafence's history: $ok verified reboots recorded, asked by pacemaker-fenced"
echo "raw results: $results/pacemaker-reboot.json"
