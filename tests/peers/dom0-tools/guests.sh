# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# The simulated Dom0's guests, shared by the fake xe, xl and virsh (sourced).
# $HOME/guests/<uuid>/name and .../state (running, halted, paused,
# suspended); every command is recorded in $HOME/commands.log.  A file in
# $HOME makes the Dom0 misbehave:
#   hang     the command waits 60 s first (a Dom0 that stops answering)
#   sticky   off/on are accepted and do nothing (a toolstack that lies)
#   garbage  status prints something no toolstack prints
G=$HOME/guests
printf '%s %s\n' "${0##*/}" "$*" >> "$HOME/commands.log"
[ -e "$HOME/hang" ] && sleep 60

# guest_dir ID: the directory of the guest whose UUID or name is ID
guest_dir() {
    [ -d "$G/$1" ] && { echo "$G/$1"; return 0; }
    for d in "$G"/*/; do
        d=${d%/}
        [ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && { echo "$d"; return 0; }
    done
    return 1
}
state_of() { cat "$1/state"; }
set_state() { [ -e "$HOME/sticky" ] || echo "$2" > "$1/state"; }
