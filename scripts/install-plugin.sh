#!/bin/sh
# Install the built plugin where Wireshark will load it, and the "tcpconn" configuration profile:
#   as a normal user: the personal plugin folder (~/.local/lib/wireshark/plugins/X.Y/epan) and
#                     the personal profiles folder (~/.config/wireshark/profiles/tcpconn);
#   as root:          Wireshark's global plugin folder, because Wireshark never loads
#                     personal plugins for root, and the global profiles folder
#                     (/usr/share/wireshark/profiles/tcpconn), offered to every user.
# The profile "tcpconn" is replaced on every run: make changes in a copy under another name
# (Edit > Configuration Profiles > copy).
# Usage: scripts/install-plugin.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
so="${1:-build}/plugin/tcpconn.so"
[ -f "$so" ] || { echo "install-plugin: $so not built (are Wireshark's dev files installed?)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    kind="Global Plugins" conf="Global configuration"
else
    kind="Personal Plugins" conf="Personal configuration"
fi
# tshark knows its own folders (with the X.Y version in them): ask it.
dir=$(tshark -G folders 2>/dev/null | sed -n "s/^$kind:[[:space:]]*//p")
[ -n "$dir" ] || { echo "install-plugin: tshark did not report its \"$kind\" folder" >&2; exit 1; }
mkdir -p "$dir/epan"
install -m 0644 "$so" "$dir/epan/tcpconn.so"
echo "install-plugin: installed $dir/epan/tcpconn.so"

confdir=$(tshark -G folders 2>/dev/null | sed -n "s/^$conf:[[:space:]]*//p")
[ -n "$confdir" ] || { echo "install-plugin: tshark did not report its \"$conf\" folder" >&2; exit 1; }
profile="$confdir/profiles/tcpconn"
mkdir -p "$profile"
for f in packaging/profile/tcpconn/*; do
    install -m 0644 "$f" "$profile/$(basename "$f")"
done
echo "install-plugin: installed the configuration profile $profile (wireshark -C tcpconn)"
