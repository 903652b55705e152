#!/bin/sh
# Install the built plugin where Wireshark will load it:
#   as a normal user: the personal plugin folder (~/.local/lib/wireshark/plugins/X.Y/epan);
#   as root:          Wireshark's global plugin folder, because Wireshark never loads
#                     personal plugins for root.
# Usage: scripts/install-plugin.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
so="${1:-build}/plugin/tcpconn.so"
[ -f "$so" ] || { echo "install-plugin: $so not built (are Wireshark's dev files installed?)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    kind="Global Plugins"
else
    kind="Personal Plugins"
fi
# tshark knows its own folders (with the X.Y version in them): ask it.
dir=$(tshark -G folders 2>/dev/null | sed -n "s/^$kind:[[:space:]]*//p")
[ -n "$dir" ] || { echo "install-plugin: tshark did not report its \"$kind\" folder" >&2; exit 1; }
mkdir -p "$dir/epan"
install -m 0644 "$so" "$dir/epan/tcpconn.so"
echo "install-plugin: installed $dir/epan/tcpconn.so"
