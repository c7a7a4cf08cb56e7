#!/bin/sh
# The main job: installs what is needed, builds hafence, and
#  - with no arguments, runs the demo lab: a simulated pool of four hosts
#    whose power lives in a test device, fenced through a HA-Lizard config
#    and custom script, in parallel, with a crashing plugin isolated, the
#    heuristic vote and the history at the end;
#  - with arguments, runs the built hafence with them against real
#    hardware, e.g.:
#      scripts/demo.sh status -c /etc/ha-lizard/ha-lizard.conf <host-uuid>
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup-debian.sh" >/dev/null
"$top/scripts/build.sh" "$top/_build" >/dev/null
build=$top/_build
HAFENCE_PLUGIN_PATH=$build/plugins/script/.libs:$build/plugins/ping/.libs
export HAFENCE_PLUGIN_PATH

if [ $# -gt 0 ]; then
    exec "$build/hafence" "$@"
fi

lab=$(mktemp -d /tmp/hafence-demo.XXXXXX)
trap 'rm -rf "$lab"' EXIT
HAFENCE_PLUGIN_PATH=$HAFENCE_PLUGIN_PATH:$build/plugins/dummy/.libs
HAFENCE_HISTORY=$lab/history.jsonl
export HAFENCE_PLUGIN_PATH HAFENCE_HISTORY
hf() { echo "\$ hafence $*" | sed "s|$lab|\$LAB|g"; "$build/hafence" "$@" --plugin-dir "$lab/none" 2>&1 | sed "s|$lab|\$LAB|g"; echo; }

mkdir -p "$lab/power" "$lab/fence/LABPDU"
hosts="2f4a4020-fe8c-4686-a65d-501a19a06716 33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b 9b9a243a-abf3-485f-bb37-e43b29555cbe 1ae14847-6169-4cb0-ad8b-79ef0219e1ee"
n=0
for h in $hosts; do
    n=$((n + 1))
    echo on > "$lab/power/outlet$n"
    echo "$h:outlet$n" >> "$lab/fence/LABPDU/LABPDU.hosts"
done
# a HA-Lizard custom fence script for the lab's power strip
cat > "$lab/fence/LABPDU/LABPDU.sh" <<SH
#!/bin/sh
# LABPDU.sh <host-uuid> <start|stop|reset>: HA-Lizard's custom script contract
outlet=\$(grep "^\$1:" "$lab/fence/LABPDU/LABPDU.hosts" | cut -d: -f2)
[ -n "\$outlet" ] || { echo "unknown host \$1" >&2; exit 1; }
case "\$2" in
    stop) echo off > "$lab/power/\$outlet" ;;
    start) echo on > "$lab/power/\$outlet" ;;
    reset) echo off > "$lab/power/\$outlet"; sleep 0.2; echo on > "$lab/power/\$outlet" ;;
    *) exit 1 ;;
esac
echo "outlet \$outlet: \$2"
SH
chmod 755 "$lab/fence/LABPDU/LABPDU.sh"
cat > "$lab/ha-lizard.conf" <<CONF
FENCE_ENABLED=1
FENCE_ACTION=stop
FENCE_METHOD=LABPDU
FENCE_FILE_LOC=$lab/fence
FENCE_MIN_HOSTS=3
FENCE_QUORUM_REQUIRED=1
FENCE_USE_IP_HEURISTICS=1
FENCE_HEURISTICS_IPS=127.0.0.1:[::1]
CONF
chmod 600 "$lab/ha-lizard.conf"
set -- $hosts

echo "== hafence demo lab: four simulated hosts on a simulated power strip =="
echo
hf plugins
hf info script
echo "-- 1. a HA-Lizard custom fence script, driven by the HA-Lizard config"
hf fence -c "$lab/ha-lizard.conf" "$1"
echo "-- 2. a device whose power state hafence reads back: off is verified"
hf off dummy state_dir="$lab/power" outlet2
hf status dummy state_dir="$lab/power" outlet2
echo "-- 3. three hosts fenced at once, each verified"
hf off dummy state_dir="$lab/power" delay_ms=500 outlet2 outlet3 outlet4
echo "-- 4. a device that says 'done' but never powers off: never reported done"
echo on > "$lab/power/outlet3"
hf off dummy state_dir="$lab/power" misbehave=lie outlet3 --power-timeout 1 --retries 1
echo "-- 5. a plugin that crashes or hangs costs its operation, never the caller"
hf off dummy state_dir="$lab/power" misbehave=crash outlet3
hf off dummy state_dir="$lab/power" misbehave=hang outlet3 --timeout 2
echo "-- 6. the heuristic vote (ICMP to every FENCE_HEURISTICS_IPS address)"
hf heuristics -c "$lab/ha-lizard.conf"
echo "-- 7. the conformance check a plugin vendor runs"
echo on > "$lab/power/outlet1"
hf check "$build/plugins/dummy/.libs/dummy.so" state_dir="$lab/power" --target outlet1
echo "-- 8. who fenced what, when, and did it work"
hf history
