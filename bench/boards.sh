#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The ilo plugin against fence-agents on the same emulated boards
# (tests/emulators/bmc_https.py, TLS with a test CA) in one run, as whole
# processes (hyperfine):
#   Redfish: hafence ilo protocol=redfish  vs fence_redfish   (status, off; status
#            also with redfish_auth=basic: HTTP Basic and the same three GETs
#            as fence_redfish, root, Systems, the system)
#   RIBCL:   hafence ilo protocol=ribcl    vs fence_ilo       (status, off; raw RIBCL over TLS, iLO 2)
#   floor:   curl, one Redfish GET of the system (libcurl, HTTP Basic, the
#            same CA), beside hafence's Redfish status
# Prints medians and the ratios peer/hafence.  Never asserts on time.
# The fence agents get their password on stdin (never argv) and ssl_insecure
# (they take no CA file); hafence verifies the certificate against the CA.
#   bench/boards.sh [BUILDDIR]          (default ./_build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
for tool in hyperfine jq fence_redfish fence_ilo gnutls-cli bc python3 openssl curl; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
RUNS=${BENCH_RUNS:-30}
work=$(mktemp -d /tmp/hafence-bench-boards.XXXXXX)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$work"' EXIT
results=${BENCH_RESULTS:-$top/bench/results}
mkdir -p "$results"
"$top/tests/peers/make-certs.sh" "$work/certs"
printf 'Board-Secret-1\n' > "$work/pw"; chmod 600 "$work/pw"
start_board() { # NAME FLAVOR: sets $port
    mkdir -p "$work/$1"
    python3 "$top/tests/emulators/bmc_https.py" --port-file "$work/$1/port" --cert "$work/certs/server.pem" \
        --key "$work/certs/server.key" --state "$work/$1" --flavor "$2" --user Administrator \
        --password-file "$work/pw" --lifetime 3600 2>"$work/$1/err" &
    pids="$pids $!"
    n=0
    while [ ! -s "$work/$1/port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    port=$(cat "$work/$1/port")
}
start_board ilo ilo; rf=$port
start_board ilo2 ilo2; rb=$port

HAFENCE_PLUGIN_PATH=$build/plugins/ilo/.libs
export HAFENCE_PLUGIN_PATH
hf="$build/hafence"
hfopts="--plugin-dir $work/none --no-history --password-file $work/pw"
ilo="ilo ca_file=$work/certs/ca.pem"
agent_opts() { # PORT ACTION FILE
    printf 'ipaddr=127.0.0.1\nipport=%s\nlogin=Administrator\npasswd=%s\nssl_insecure=1\naction=%s\n' \
        "$1" "$(cat "$work/pw")" "$2" > "$3"
    chmod 600 "$3"
}
agent_opts "$rf" status "$work/rf-status"; agent_opts "$rf" off "$work/rf-off"
# curl's user from a file, never argv
printf 'user = "Administrator:%s"\n' "$(cat "$work/pw")" > "$work/curl.cfg"; chmod 600 "$work/curl.cfg"
agent_opts "$rb" status "$work/rb-status"; agent_opts "$rb" off "$work/rb-off"

hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$results/boards-redfish-status.json" \
    -n hafence "$hf status $ilo protocol=redfish 127.0.0.1:$rf $hfopts" \
    -n hafence-basic "$hf status $ilo protocol=redfish redfish_auth=basic 127.0.0.1:$rf $hfopts" \
    -n floor "curl -sf --cacert $work/certs/ca.pem -K $work/curl.cfg -o /dev/null https://127.0.0.1:$rf/redfish/v1/Systems/1" \
    -n fence_redfish "sh -c 'fence_redfish < $work/rf-status'" >/dev/null 2>"$work/e1" || { cat "$work/e1"; exit 1; }
hyperfine --warmup 2 --runs "$RUNS" --prepare "echo On > $work/ilo/power" --export-json "$results/boards-redfish-off.json" \
    -n hafence "$hf off $ilo protocol=redfish 127.0.0.1:$rf $hfopts" \
    -n fence_redfish "fence_redfish < $work/rf-off" >/dev/null 2>"$work/e2" || { cat "$work/e2"; exit 1; }
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$results/boards-ribcl-status.json" \
    -n hafence "$hf status $ilo protocol=ribcl ribcl_transport=raw 127.0.0.1:$rb $hfopts" \
    -n fence_ilo "sh -c 'fence_ilo < $work/rb-status'" >/dev/null 2>"$work/e3" || { cat "$work/e3"; exit 1; }
hyperfine --warmup 2 --runs "$RUNS" --prepare "echo On > $work/ilo2/power" --export-json "$results/boards-ribcl-off.json" \
    -n hafence "$hf off $ilo protocol=ribcl ribcl_transport=raw 127.0.0.1:$rb $hfopts" \
    -n fence_ilo "fence_ilo < $work/rb-off" >/dev/null 2>"$work/e4" || { cat "$work/e4"; exit 1; }

median() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .median * 1000' "$1"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
row() { # FILE PEER LABEL
    h=$(median "$1" hafence); p=$(median "$1" "$2")
    printf '  %-28s hafence %8.1f ms   %-14s %8.1f ms   %s/hafence = %sx\n' "$3" "$h" "$2" "$p" "$2" "$(ratio "$p" "$h")"
}
echo "ilo plugin vs fence-agents (medians of $RUNS runs, whole processes, emulated boards on loopback)"
row "$results/boards-redfish-status.json" fence_redfish "Redfish status"
h=$(median "$results/boards-redfish-status.json" hafence); fl=$(median "$results/boards-redfish-status.json" floor)
printf '  %-28s curl    %8.1f ms   hafence/floor = %sx (target <= 2; hafence also opens and deletes a session)\n' "Redfish status: floor" "$fl" "$(ratio "$h" "$fl")"
hb=$(median "$results/boards-redfish-status.json" hafence-basic); p=$(median "$results/boards-redfish-status.json" fence_redfish)
printf '  %-28s hafence %8.1f ms   %-14s %8.1f ms   fence_redfish/hafence = %sx; hafence/floor = %sx (redfish_auth=basic: HTTP Basic; root, Systems, the system: the three GETs fence_redfish makes)\n' \
    "Redfish status, Basic" "$hb" fence_redfish "$p" "$(ratio "$p" "$hb")" "$(ratio "$hb" "$fl")"
row "$results/boards-redfish-off.json" fence_redfish "Redfish off + verify"
row "$results/boards-ribcl-status.json" fence_ilo "RIBCL status (raw TLS)"
row "$results/boards-ribcl-off.json" fence_ilo "RIBCL off + verify (raw TLS)"
echo "raw results: $results/boards-*.json"
