#!/bin/sh
# flow-graph.sh [PLUGIN] [CAPTURE] [OUT.png]
#
# Screenshot of Wireshark's own Statistics > Flow Graph with the tcpconn plugin loaded: the
# roles appear in the graph's comments because the plugin starts the Info column with them
# ("[FIN 1/3]", "[FIN+ACK 2/3]", "[final ACK 3/3]"). Not run by CI.
# Needs: wireshark-qt, xvfb, xauth, xdotool, imagemagick (import). Runs Wireshark as uid
# 65534 under Xvfb (root never loads personal plugins), like tests/gui/screenshot.sh.
# Defaults: build/plugin/tcpconn.so, testdata/three-way-client-close.pcap,
# docs/screenshot-flow-graph.png.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plugin=${1:-$root/build/plugin/tcpconn.so}
capture=${2:-$root/testdata/three-way-client-close.pcap}
out=${3:-$root/docs/screenshot-flow-graph.png}
for tool in wireshark xvfb-run xdotool import; do
    command -v $tool >/dev/null 2>&1 || { echo "flow-graph.sh: $tool not found" >&2; exit 1; }
done
[ -f "$plugin" ] || { echo "flow-graph.sh: no plugin at $plugin" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-flow.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
ver=$(sh "$root/tests/wireshark-version.sh")
mkdir -p "$tmp/.local/lib/wireshark/plugins/$ver/epan" "$tmp/.config/wireshark"
cp "$plugin" "$tmp/.local/lib/wireshark/plugins/$ver/epan/tcpconn.so"
cp "$capture" "$tmp/capture.pcap"
# Mirror the global plugins minus any installed tcpconn.so (see tests/plugin/run-tshark.sh).
global=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p')
for sub in "$global"/*; do
    [ -d "$sub" ] || continue
    mkdir -p "$tmp/global-plugins/$ver/$(basename "$sub")"
    for f in "$sub"/*; do
        [ "$(basename "$f")" = tcpconn.so ] || ln -s "$f" "$tmp/global-plugins/$ver/$(basename "$sub")/"
    done
done
cat >"$tmp/.config/wireshark/recent" <<EOR
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 1000
gui.geometry_main_maximized: FALSE
gui.byte_view_show: FALSE
gui.statusbar_show: TRUE
EOR
cat >"$tmp/.config/wireshark/recent_common" <<EOR
privs.warn_if_elevated: FALSE
EOR
cat >"$tmp/.config/wireshark/preferences" <<EOR
gui.update.enabled: FALSE
gui.font_name: DejaVu Sans Mono,11,-1,5,50,0,0,0,0,0
EOR
cat >"$tmp/session.sh" <<EOS
#!/bin/sh
cd "$tmp"
wireshark -o tcpconn.info_column_first:TRUE -r "$tmp/capture.pcap" >"$tmp/wireshark.log" 2>&1 &
ws=\$!
i=0
until wid=\$(xdotool search --onlyvisible --name 'capture.pcap' 2>/dev/null | head -n 1) && [ -n "\$wid" ]; do
    i=\$((i + 1)); [ \$i -lt 60 ] || { echo "no Wireshark window" >&2; kill \$ws; exit 1; }
    sleep 1
done
# No window manager: place and size the window ourselves; focus follows the pointer.
xdotool windowmove \$wid 0 0 windowsize \$wid 1600 1000
sleep 4
xdotool mousemove 800 400
${FLOW_GRAPH_ACTIONS:-}
EOS
if [ -z "${FLOW_GRAPH_ACTIONS:-}" ]; then
cat >>"$tmp/session.sh" <<EOS
# Statistics > Flow Graph. Without a window manager the menu's mnemonics do not reach
# it, so click: the positions hold for the 1600x1000 window and the font above.
xdotool mousemove 326 10 click 1
sleep 1.5
xdotool mousemove 356 435 click 1
i=0
until fg=\$(xdotool search --onlyvisible --name 'Flow' 2>/dev/null | head -n 1) && [ -n "\$fg" ]; do
    i=\$((i + 1)); [ \$i -lt 30 ] || { echo "no Flow Graph window" >&2; import -window root "$tmp/shot.png"; kill \$ws; exit 1; }
    sleep 1
done
xdotool windowmove \$fg 0 0 windowsize \$fg 1600 1000
sleep 3
import -window root "$tmp/shot.png"
EOS
fi
cat >>"$tmp/session.sh" <<EOS
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
[ -s "$tmp/shot.png" ] || { cat "$tmp/wireshark.log" >&2; echo "flow-graph.sh: no screenshot" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
cp "$tmp/shot.png" "$out"
echo "wrote $out ($(basename "$capture"))"
