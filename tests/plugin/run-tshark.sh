#!/bin/sh
# run-tshark.sh PLUGIN.so [tshark arguments...]
#
# Runs tshark with the given tcpconn.so loaded as a personal plugin. Wireshark never
# loads personal plugins for root, so when run as root this drops to uid/gid 65534
# (nobody) with a private HOME in a temporary directory that nobody can read; capture
# files named in the arguments must be readable by that user (they are, under /work).
# Output and exit status are tshark's. TCPCONN_TSHARK_PROFILE=DIR installs DIR as the personal
# configuration profile "tcpconn" in that HOME (tests/plugin/profile.sh). TCPCONN_RUN_PROGRAM=PATH
# runs that program instead of tshark, in the same sandbox (tests/plugin/first-pass.c).
set -eu
{ # one block, parsed whole before it runs (safe against edits during a test run)
plugin=$1
shift
[ -f "$plugin" ] || { echo "run-tshark.sh: no plugin at $plugin" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-tshark.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
ver=$(sh "$(dirname "$0")/../wireshark-version.sh")
[ -n "$ver" ] || { echo "run-tshark.sh: cannot tell tshark's version" >&2; exit 2; }
dir="$tmp/.local/lib/wireshark/plugins/$ver/epan"
mkdir -p "$dir" "$tmp/.config/wireshark"
cp "$plugin" "$dir/tcpconn.so"
# TCPCONN_TSHARK_PROFILE=DIR: that configuration profile, as the personal profile "tcpconn" (-C tcpconn).
if [ -n "${TCPCONN_TSHARK_PROFILE:-}" ]; then
    mkdir -p "$tmp/.config/wireshark/profiles"
    cp -R "$TCPCONN_TSHARK_PROFILE" "$tmp/.config/wireshark/profiles/tcpconn"
fi

# A tcpconn.so installed in the global plugin folder would win over the personal one
# ("found in multiple directories"). WIRESHARK_PLUGIN_DIR (honoured for unprivileged
# users) replaces the global folder: mirror it with symlinks, minus tcpconn.so.
global=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p')
plugin_dir_env=""
if [ -n "$global" ] && [ -d "$global" ]; then
    mirror="$tmp/global-plugins/$ver"
    for sub in "$global"/*; do
        [ -d "$sub" ] || continue
        mkdir -p "$mirror/$(basename "$sub")"
        for f in "$sub"/*; do
            [ -e "$f" ] || continue
            [ "$(basename "$f")" = tcpconn.so ] && continue
            ln -s "$f" "$mirror/$(basename "$sub")/$(basename "$f")"
        done
    done
    plugin_dir_env="WIRESHARK_PLUGIN_DIR=$tmp/global-plugins"
fi

# A plugin built with -fsanitize (TCPCONN_SANITIZE) needs its runtimes loaded first.
sanitizer_env=""
if command -v ldd >/dev/null 2>&1; then
    preload=$(ldd "$plugin" 2>/dev/null | awk '$1 ~ /^lib(asan|ubsan)\.so/ {print $3}' | paste -sd: -)
    if [ -n "$preload" ]; then
        sanitizer_env="LD_PRELOAD=$preload ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1"
    fi
fi

if [ "$(id -u)" = 0 ]; then
    chmod -R a+rX "$tmp"
    chown -R 65534:65534 "$tmp"
    exec_as="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    exec_as=""
fi
# Not exec: the trap must still remove the directory.
$exec_as env -i PATH="$PATH" HOME="$tmp" $plugin_dir_env $sanitizer_env LC_ALL=C.UTF-8 TZ=UTC \
    "${TCPCONN_RUN_PROGRAM:-tshark}" "$@"
exit $?
}
