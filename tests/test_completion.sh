#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2086 # $P: an option and its value, split into words on purpose
# The bash completion (cli/completion.bash) for a few prefixes: commands,
# options, plugins, a plugin's parameters and an enum's values, host UUIDs
# from a config's host map.  Everything comes from the hafence under test.
: "${top_srcdir:?make check sets it}" "${top_builddir:?make check sets it}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
command -v bash >/dev/null || { echo "1..0 # SKIP no bash"; exit 0; }

# complete WORD...: what completing the last word offers, one per line, sorted
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hafence; printf "%s\n" "${COMPREPLY[@]}" | sort' \
        - "$top_srcdir/cli/completion.bash" "$HAFENCE" "$@"
}
# for the helpers' --plugin-dir: the test plugins only
P="--plugin-dir $TMP/no-plugins"

is "status
status-pool" "$(complete_words sta)" "'sta': status and status-pool"
has "simulate" "$(complete_words si)" "'si': simulate"
is "--password-env
--password-file
--password-stdin" "$(complete_words status --passw)" "'--passw': the password options (from --help)"
is "dummy" "$(complete_words status $P du)" "'status du': the dummy plugin"
is "state_dir=" "$(complete_words status $P dummy sta)" "'status dummy sta': its parameter state_dir="
is "misbehave=hang" "$(complete_words status $P dummy misbehave=ha)" "'misbehave=ha': the enum's value hang"
has "misbehave_on=status" "$(complete_words off $P dummy misbehave_on=)" "'misbehave_on=': every value"
is "get
list
set
unset" "$(complete_words config "")" "'config ': its subcommands"

mkdir -p "$TMP/fence/DUMMY"
printf '2f4a4020-fe8c-4686-a65d-501a19a06716:t1\n33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b:t2\nnot-a-uuid:t3\n' > "$TMP/fence/DUMMY/DUMMY.hosts"
printf 'FENCE_METHOD=DUMMY\nFENCE_FILE_LOC=%s/fence\n' "$TMP" > "$TMP/ha.conf"
is "2f4a4020-fe8c-4686-a65d-501a19a06716" "$(complete_words off -c "$TMP/ha.conf" 2f)" "'off -c CONFIG 2f': the host UUID from the host map"
is "2" "$(complete_words status -c "$TMP/ha.conf" "" | wc -l | tr -d ' ')" "  ... every host of the map, nothing that is not a UUID"

done_testing
