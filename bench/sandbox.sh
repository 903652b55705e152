# bench/sandbox.sh: the one environment the bench scripts run tshark and Wireshark in,
# sourced by run.sh, ablate.sh, profile.sh and gui-time.sh.
#
# Wireshark never loads personal plugins for root, and a global copy of tcpconn.so may be
# installed from the quick start. So every measured command runs as uid/gid 65534 when the
# script runs as root, with HOME in the script's temporary directory, the plugin under test
# (if any) as that HOME's personal plugin, and WIRESHARK_PLUGIN_DIR pointing at an empty
# directory so that no global plugin is loaded; `env -i` keeps the caller's environment out.
#
#   sandbox_init TMP         sets sandbox_ver (tshark's MAJOR.MINOR) and sandbox_noglobal
#   sandbox_home HOME [SO]   makes HOME, with SO (if given) as its personal tcpconn.so
#   sandbox_own              hands TMP to uid 65534 when root, and sets as_user; call it once
#                            every file is in place
#   sandbox_run HOME CMD...  runs CMD there (VAR=value words before CMD add to the environment)
#   sandbox_exec HOME CMD... the same in place of the calling (sub)shell, so that `(sandbox_exec
#                            ...) &` leaves $! the command's own pid
#   sandbox_check HOME       dies unless tshark loads exactly HOME's tcpconn.so (none, if HOME
#                            has none) and no global plugin
# The sourcing script sets here (the bench directory) and defines die MESSAGE.
# shellcheck shell=sh

sandbox_init() {
    sandbox_tmp=$1
    sandbox_ver=$(sh "${here:?bench/sandbox.sh: set here to the bench directory}/../tests/wireshark-version.sh")
    [ -n "$sandbox_ver" ] || die "cannot tell tshark's version"
    sandbox_noglobal=$sandbox_tmp/no-global-plugins
    mkdir -p "$sandbox_noglobal"
    as_user=
}

sandbox_plugin() { # sandbox_plugin HOME: where HOME's personal tcpconn.so goes
    echo "$1/.local/lib/wireshark/plugins/$sandbox_ver/epan/tcpconn.so"
}

sandbox_home() {
    mkdir -p "$1/.config/wireshark"
    if [ $# -gt 1 ]; then
        mkdir -p "$(dirname "$(sandbox_plugin "$1")")"
        cp "$2" "$(sandbox_plugin "$1")"
    fi
}

sandbox_own() {
    chmod -R a+rX "$sandbox_tmp"
    if [ "$(id -u)" = 0 ]; then
        chown -R 65534:65534 "$sandbox_tmp"
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
}

sandbox_exec() {
    sandbox_h=$1
    shift
    # shellcheck disable=SC2086
    exec $as_user env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$sandbox_h" \
        WIRESHARK_PLUGIN_DIR="$sandbox_noglobal" LC_ALL=C.UTF-8 TZ=UTC "$@"
}

sandbox_run() {
    (sandbox_exec "$@")
}

sandbox_check() {
    # Only the listing on standard output: a copy that fails to load is named on standard error.
    sandbox_plugins=$(sandbox_run "$1" tshark -G plugins 2>/dev/null)
    sandbox_loaded=$(printf '%s\n' "$sandbox_plugins" | grep tcpconn || true)
    if [ -f "$(sandbox_plugin "$1")" ]; then
        # One line, "tcpconn.so<TAB>version<TAB>type<TAB>path", with this HOME's path.
        if [ "$(printf '%s\n' "$sandbox_loaded" | wc -l)" != 1 ] ||
            [ "$(printf '%s\n' "$sandbox_loaded" | awk -F'\t' '{ print $NF }')" != "$(sandbox_plugin "$1")" ]; then
            die "tshark does not load exactly $(sandbox_plugin "$1"); tshark -G plugins lists: ${sandbox_loaded:-no tcpconn.so}"
        fi
    else
        [ -z "$sandbox_loaded" ] || die "tshark loads a tcpconn.so with HOME=$1: $sandbox_loaded"
    fi
    # (extcap helpers are listed too, but they are programs, not loaded plugins)
    if printf '%s\n' "$sandbox_plugins" | grep -v '[[:space:]]extcap[[:space:]]' | grep -q '/usr/lib/'; then
        die "global plugins are still loaded: $(printf '%s\n' "$sandbox_plugins" | grep -v extcap | grep /usr/lib/ | head -3)"
    fi
}
