#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Alerts from hafenced in the pool lab (tests/peers/pool-lab.sh): mail to a
# real SMTP server (aiosmtpd, tests/peers/smtp-peer.py) over STARTTLS with a
# login and the relay's certificate verified, the pool message XenCenter
# shows (message.create in the XAPI emulator), alert hooks (one that hangs
# and is killed at its deadline, one that is group-writable and refused);
# then a relay that accepts connections and never answers: the fence is not
# delayed by it.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
# shellcheck source=tests/peers/pool-lab.sh
. "$top_srcdir/tests/peers/pool-lab.sh"

command -v ipmi_sim >/dev/null || { echo "Bail out! ipmi_sim is missing (package openipmi; scripts/setup-debian.sh)"; exit 1; }
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { echo "Bail out! aiosmtpd is missing (package python3-aiosmtpd; scripts/setup-debian.sh)"; exit 1; }
RELAYS=""
trap 'lab_stop; for p in $RELAYS; do kill "$p" 2>/dev/null; done; [ -n "${HAFENCE_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
"$top_srcdir/tests/peers/make-certs.sh" "$TMP/certs"

# start_relay DIR [options]: an SMTP server on loopback; sets $relay_port
start_relay() {
    dir=$1; shift
    mkdir -p "$dir"
    /usr/bin/python3 "$top_srcdir/tests/peers/smtp-peer.py" "$dir" "$@" 2>"$dir/err" &
    RELAYS="$RELAYS $!"
    lab_wait 30 test -s "$dir/port" || { echo "Bail out! the relay did not start: $(cat "$dir/err")"; exit 1; }
    relay_port=$(cat "$dir/port")
}
mails() { cat "$1"/mail/*.eml 2>/dev/null; }
ready() { lab_wait 30 sh -c "[ -s '$LAB/state$1/status.json' ] && jq -e '.peers | length > 0 and all(.state == \"ok\")' '$LAB/state$1/status.json'"; }

# ---- mail over STARTTLS with a login, the pool message, the hooks ---------------------
LAB=$TMP/lab
mkdir -p "$LAB"
lab_start "$LAB" 3 || { echo "Bail out! the pool lab did not start"; exit 1; }
U3=$(lab_uuid 3)
printf 'relay-Pass-7\n' > "$TMP/smtp.pw"
chmod 600 "$TMP/smtp.pw"
start_relay "$TMP/relay" --starttls "$TMP/certs/server.pem" "$TMP/certs/server.key" --auth hafenced "$TMP/smtp.pw"
mkdir -p "$LAB/hooks"
cat > "$LAB/hooks/10-record" <<EOF
#!/bin/sh
env | grep '^HAFENCE_ALERT_' | sort > "$LAB/hook-\$HAFENCE_ALERT_SEQUENCE.env"
EOF
cat > "$LAB/hooks/20-hangs" <<EOF
#!/bin/sh
echo started >> "$LAB/hangs.log"
sleep 600
echo finished >> "$LAB/hangs.log"
EOF
cat > "$LAB/hooks/30-group-writable" <<EOF
#!/bin/sh
echo ran >> "$LAB/group-writable.log"
EOF
chmod 755 "$LAB/hooks/10-record" "$LAB/hooks/20-hangs"
chmod 775 "$LAB/hooks/30-group-writable"
lab_config MAIL_ON=1 ENABLE_ALERTS=1 MAIL_FROM=hafenced@pool.test 'MAIL_TO="ops@example.test, oncall@example.test"' \
    SMTP_SERVER=127.0.0.1 "SMTP_PORT=$relay_port" SMTP_USER=hafenced "SMTP_PASS_FILE=$TMP/smtp.pw" \
    HAFENCE_SMTP_TLS=required "HAFENCE_SMTP_CA_FILE=$TMP/certs/ca.pem" \
    "HAFENCE_ALERT_HOOKS=$LAB/hooks" HAFENCE_ALERT_HOOK_TIMEOUT=2
for i in 1 2 3; do lab_daemon_start $i; done
check "three daemons see their peers" ready 1
lab_host_die 3
check "host 3 dies: the master fences it" lab_wait 60 sh -c "jq -e -s 'map(select(.action==\"fence\" and .result==\"ok\")) | length == 1' '$LAB/history1.jsonl'"
check "the fence is mailed" lab_wait 60 sh -c "cat '$TMP/relay'/mail/*.eml 2>/dev/null | grep -q '^Subject: .*fence xs3'"
m=$(mails "$TMP/relay")
has "X-TLS: yes" "$m" "  ... over STARTTLS (the relay's certificate verified against HAFENCE_SMTP_CA_FILE)"
has "X-Envelope-To: ops@example.test,oncall@example.test" "$m" "  ... to every MAIL_TO recipient"
has "From: hafenced@pool.test" "$m" "  ... from MAIL_FROM"
has "fence off of xs3" "$m" "  ... saying what was fenced and how"
has "Subject: SYSTEM_ALERT-FROM_HOST:" "$m" "  ... under HA-Lizard's MAIL_SUBJECT"
has "peer-failed" "$m" "  ... and the failure before it"
hasnt "relay-Pass-7" "$(cat "$LAB"/daemon*.log)" "  ... the relay's password is in no log"
check "the pool shows it: message.create on the host" grep -q "message.create HAFENCE_FENCE [0-9] Host $U3 " "$LAB/xapi1.log"
check "the hook ran with the alert in its environment" \
    lab_wait 30 sh -c "grep -l 'HAFENCE_ALERT_EVENT=fence' '$LAB'/hook-*.env | xargs grep -q 'HAFENCE_ALERT_HOST=$U3'"
has "HAFENCE_ALERT_HOST_NAME=xs3" "$(cat "$LAB"/hook-*.env)" "  ... with the host's name"
check "a hook that hangs is killed at its deadline (HAFENCE_ALERT_HOOK_TIMEOUT=2)" \
    lab_wait 30 grep -q "20-hangs: killed at its deadline" "$LAB/daemon1.log"
hasnt "finished" "$(cat "$LAB/hangs.log" 2>/dev/null)" "  ... and did not finish"
check "a group-writable hook is refused (run as root, replaceable by others)" \
    grep -q "30-group-writable.*writable by" "$LAB/daemon1.log"
is "" "$(cat "$LAB/group-writable.log" 2>/dev/null)" "  ... and never ran"
lab_stop
# counted once the first pool's daemons are gone: a daemon sends what is queued as it stops
n_before=$(find "$TMP/relay/mail" -name "*.eml" | wc -l)

# ---- a relay that never answers: the fence is not delayed --------------------------------
LAB=$TMP/lab2
mkdir -p "$LAB"
lab_start "$LAB" 3 || { echo "Bail out! the second pool lab did not start"; exit 1; }
start_relay "$TMP/hung" --hang
lab_config MAIL_ON=1 MAIL_FROM=hafenced@pool.test MAIL_TO=ops@example.test SMTP_SERVER=127.0.0.1 "SMTP_PORT=$relay_port"
for i in 1 2 3; do lab_daemon_start $i; done
check "second pool: three daemons see their peers" ready 1
lab_host_die 2
check "with a mail relay that hangs, host 2 is fenced all the same" \
    lab_wait 60 sh -c "jq -e -s 'map(select(.action==\"fence\" and .result==\"ok\")) | length == 1' '$LAB/history1.jsonl'"
failed_at=$(flock -s "$LAB/history1.jsonl" jq -s 'map(select(.action=="peer-failed")) | first | .time_ms' "$LAB/history1.jsonl")
fenced_at=$(flock -s "$LAB/history1.jsonl" jq -s 'map(select(.action=="fence")) | first | .time_ms' "$LAB/history1.jsonl")
pass "  ... $((fenced_at - failed_at)) ms from the failure to the fence, while the peer-failed mail waits on the relay"
check "  ... its VMs are started" lab_wait 30 grep -q 'VM.start_on' "$LAB/xapi1.log"
check "  ... and the stuck mail is a log line" lab_wait 120 grep -q "not mailed after 3 tries" "$LAB/daemon1.log"
is "$n_before" "$(find "$TMP/relay/mail" -name "*.eml" | wc -l)" "the first relay got nothing from the second pool"
done_testing
