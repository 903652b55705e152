#!/bin/sh
# screenshot-profile.sh [PLUGIN] [CAPTURE] [OUT.png]
#
# Screenshot of Wireshark (Qt) with the "tcpconn" configuration profile active
# (packaging/profile/tcpconn: its columns, coloring rules and filter buttons) on a capture
# with every kind of connection. Not run by CI. Needs: wireshark-qt, xvfb, xauth, xdotool,
# imagemagick (import). Runs Wireshark as uid 65534 under Xvfb (root never loads personal
# plugins), with the profile as a personal profile and `wireshark -C tcpconn`.
# Defaults: build/plugin/tcpconn.so, testdata/mixed.pcap, docs/screenshot-profile.png.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plugin=${1:-$root/build/plugin/tcpconn.so}
capture=${2:-$root/testdata/mixed.pcap}
out=${3:-$root/docs/screenshot-profile.png}
for tool in wireshark xvfb-run xdotool import; do
    command -v $tool >/dev/null 2>&1 || { echo "screenshot-profile.sh: $tool not found" >&2; exit 1; }
done
[ -f "$plugin" ] || { echo "screenshot-profile.sh: no plugin at $plugin" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-gui.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
ver=$(sh "$root/tests/wireshark-version.sh")
mkdir -p "$tmp/.local/lib/wireshark/plugins/$ver/epan" "$tmp/.config/wireshark/profiles"
cp "$plugin" "$tmp/.local/lib/wireshark/plugins/$ver/epan/tcpconn.so"
cp "$capture" "$tmp/capture.pcap"
cp -R "$root/packaging/profile/tcpconn" "$tmp/.config/wireshark/profiles/tcpconn"
# Mirror the global plugins minus any installed tcpconn.so (see tests/plugin/run-tshark.sh).
global=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p')
for sub in "$global"/*; do
    [ -d "$sub" ] || continue
    mkdir -p "$tmp/global-plugins/$ver/$(basename "$sub")"
    for f in "$sub"/*; do
        [ "$(basename "$f")" = tcpconn.so ] || ln -s "$f" "$tmp/global-plugins/$ver/$(basename "$sub")/"
    done
done
# The profile's own column widths (its recent file), plus window geometry and panes: a tall
# packet list, the details below, no bytes pane.
cat >>"$tmp/.config/wireshark/profiles/tcpconn/recent" <<EOR
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 1000
gui.geometry_main_maximized: FALSE
gui.geometry_main_upper_pane: 700
gui.byte_view_show: FALSE
gui.statusbar_show: TRUE
EOR
cat >"$tmp/.config/wireshark/recent_common" <<EOR
privs.warn_if_elevated: FALSE
gui.last_used_profile: tcpconn
EOR
# The profile sets only the columns; the screenshot's font and no update check.
cat >>"$tmp/.config/wireshark/profiles/tcpconn/preferences" <<EOR
gui.update.enabled: FALSE
gui.font_name: DejaVu Sans Mono,10,-1,5,50,0,0,0,0,0
EOR
cat >"$tmp/session.sh" <<EOS
#!/bin/sh
cd "$tmp"
wireshark -C tcpconn -r "$tmp/capture.pcap" >"$tmp/wireshark.log" 2>&1 &
ws=\$!
i=0
until wid=\$(xdotool search --onlyvisible --name 'capture.pcap' 2>/dev/null | head -n 1) && [ -n "\$wid" ]; do
    i=\$((i + 1)); [ \$i -lt 60 ] || { echo "no Wireshark window" >&2; kill \$ws; exit 1; }
    sleep 1
done
# No window manager: place and size the window ourselves.
xdotool windowmove \$wid 0 0 windowsize \$wid 1600 1000
sleep 5
import -window root "$tmp/shot.png"
kill \$ws 2>/dev/null || true
wait \$ws 2>/dev/null || true
EOS
chmod 755 "$tmp/session.sh"
chmod -R a+rX "$tmp"
if [ "$(id -u)" = 0 ]; then
    chown -R 65534:65534 "$tmp"
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    as=""
fi
$as env -i PATH="$PATH" HOME="$tmp" TMPDIR="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/global-plugins" LC_ALL=C.UTF-8 TZ=UTC \
    xvfb-run -a -s '-ac -screen 0 1600x1000x24' "$tmp/session.sh"
[ -s "$tmp/shot.png" ] || { cat "$tmp/wireshark.log" >&2; echo "screenshot-profile.sh: no screenshot" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
cp "$tmp/shot.png" "$out"
echo "wrote $out ($(basename "$capture") with the tcpconn profile)"
