# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# bash completion for hafence: commands, options, plugin names, each
# plugin's parameters (name=, and an enum's values), host UUIDs from the
# host maps of the config given with -c.  Everything is asked of hafence
# itself (--help, plugins, info), so it follows the plugins installed.

# The hafence being completed, with the command line's --plugin-dir.
_hafence_run() {
    local i
    local -a extra=()
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --plugin-dir ]] && extra=(--plugin-dir "${COMP_WORDS[i + 1]}")
    done
    "${COMP_WORDS[0]}" "$@" "${extra[@]}" 2>/dev/null
}

_hafence_commands() {
    _hafence_run --help | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }'
}

_hafence_options() {
    _hafence_run --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

_hafence_plugins() {
    _hafence_run plugins | awk 'NR > 1 { print $1 }'
}

# PLUGIN: its parameters as "name=" words
_hafence_params() {
    _hafence_run info "$1" | awk '/^parameters:/ { f = 1; next } f && /^  [a-z]/ { print $1 "=" }'
}

# PLUGIN NAME: the values an enum parameter takes
_hafence_values() {
    _hafence_run info "$1" | awk -v p="$2" '
        /^  [a-z]/ { cur = $1 }
        cur == p && /^      one of: / { sub(/^      one of: /, ""); print }
        cur == p && $2 == "boolean" { print "1 0" }'
}

# CONFIG: the host UUIDs of its FENCE_METHOD's host maps
_hafence_hosts() {
    local cfg=$1 loc method m
    [[ -r $cfg ]] || return
    loc=$(sed -n 's/^FENCE_FILE_LOC=["'\'']*\([^"'\'']*\).*/\1/p' "$cfg" | tail -n 1)
    method=$(sed -n 's/^FENCE_METHOD=["'\'']*\([^"'\'']*\).*/\1/p' "$cfg" | tail -n 1)
    for m in ${method//,/ }; do
        cut -d: -f1 "${loc:-/etc/ha-lizard/fence}/$m/$m.hosts" 2>/dev/null
    done | grep -E '^[0-9a-fA-F-]{36}$' | sort -u
}

_hafence() {
    local cur prev command plugin config word i
    local -a words
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    case $prev in
    -c | --config | --history | --password-file | --plugin-dir | --state-dir | --runtime-dir | --agent-dir)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --password-env | --timeout | --power-timeout | --retries | --parallel | --target | --requested-by | \
        --since | --until | --secret-file | --secret-env | --host-uuid)
        return
        ;;
    esac
    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "$(_hafence_commands) --help --version" -- "$cur")
        return
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_hafence_options)" -- "$cur")
        return
    fi
    command=${COMP_WORDS[1]}
    # the words after the command, options and their values left out
    for ((i = 2; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
        -c | --config) config=${COMP_WORDS[i + 1]}; ((i++)) ;;
        --*=*) ;;
        --history | --password-file | --plugin-dir | --state-dir | --runtime-dir | --agent-dir | --password-env | \
            --timeout | --power-timeout | --retries | --parallel | --target | --requested-by | --since | --until | \
            --secret-file | --secret-env | --host-uuid | --host) ((i++)) ;;
        -*) ;;
        *) words+=("$word") ;;
        esac
    done
    case $command in
    off | on | reboot | cycle | status | monitor | list | fence | heuristics | probe | check | info | console)
        if [[ -n $config ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$(_hafence_hosts "$config")" -- "$cur")
            return
        fi
        if ((${#words[@]} == 0)); then
            [[ $command == check ]] && { mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return; }
            mapfile -t COMPREPLY < <(compgen -W "$(_hafence_plugins)" -- "$cur")
            return
        fi
        [[ $command == info ]] && return
        plugin=${words[0]}
        if [[ $cur == *=* ]]; then
            mapfile -t COMPREPLY < <(compgen -P "${cur%%=*}=" -W "$(_hafence_values "$plugin" "${cur%%=*}")" -- "${cur#*=}")
        else
            mapfile -t COMPREPLY < <(compgen -W "$(_hafence_params "$plugin")" -- "$cur")
            compopt -o nospace 2>/dev/null
        fi
        ;;
    config)
        ((${#words[@]} == 0)) && mapfile -t COMPREPLY < <(compgen -W "list get set unset" -- "$cur")
        ;;
    help)
        mapfile -t COMPREPLY < <(compgen -W "$(_hafence_commands)" -- "$cur")
        ;;
    esac
}
complete -F _hafence hafence
