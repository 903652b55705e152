#!/bin/sh
# screenshot-stats.sh [PLUGIN] [CAPTURE] [OUT.png] [TREE]
#
# Screenshot of Wireshark (Qt) with one of the tcpconn plugin's statistics windows, opened from
# the Statistics menu: TREE "tree" (default) is Statistics > TCP Connection Lifecycle, TREE
# "servers" is Statistics > TCP Connection Lifecycle by Server (README, "Who holds TIME_WAIT?").
# Not run by CI. Needs: wireshark-qt, xvfb, xauth, xdotool, imagemagick (import).
# Runs Wireshark as uid 65534 under Xvfb (root never loads personal plugins).
# Defaults: build/plugin/tcpconn.so, tests/plugin/data/fixture.pcap (one connection per
# style), docs/screenshot-stats.png.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plugin=${1:-$root/build/plugin/tcpconn.so}
capture=${2:-$root/tests/plugin/data/fixture.pcap}
out=${3:-$root/docs/screenshot-stats.png}
tree=${4:-tree}
# The plugins' trees come last in the Statistics menu, in the order they were registered; menu
# rows are 25 pixels at this font (Debian 12's 4.0.17): the entry's y and its window's title.
case $tree in
tree) menu_y=${MENU_Y:-763} title='TCP Connection Lifecycle' ;;
servers) menu_y=${MENU_Y:-788} title='TCP Connection Lifecycle by Server' ;;
*) echo "screenshot-stats.sh: TREE is tree or servers" >&2; exit 2 ;;
esac
for tool in wireshark xvfb-run xdotool import; do
    command -v $tool >/dev/null 2>&1 || { echo "screenshot.sh: $tool not found" >&2; exit 1; }
done
[ -f "$plugin" ] || { echo "screenshot.sh: no plugin at $plugin" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-gui.XXXXXX")
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
# Window geometry and panes: packet list on top, details below, no bytes pane.
cat >"$tmp/.config/wireshark/recent" <<EOR
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 1000
gui.geometry_main_maximized: FALSE
gui.geometry_main_upper_pane: 260
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
wireshark -r "$tmp/capture.pcap" >"$tmp/wireshark.log" 2>&1 &
ws=\$!
i=0
until wid=\$(xdotool search --onlyvisible --name 'capture.pcap' 2>/dev/null | head -n 1) && [ -n "\$wid" ]; do
    i=\$((i + 1)); [ \$i -lt 60 ] || { cat "$tmp/wireshark.log" >&2; echo "no Wireshark window" >&2; kill \$ws; exit 1; }
    sleep 1
done
# No window manager: place and size the window ourselves; keyboard focus follows the pointer.
xdotool windowmove \$wid 0 0 windowsize \$wid 1600 1000
sleep 4
# Wireshark 4.0's Qt GUI takes no -z for statistics trees: open the Statistics menu and
# click the tree's entry.
xdotool mousemove 325 10 sleep 0.5 click 1 sleep 1.5
import -window root "$tmp/menu.png"
xdotool mousemove 400 $menu_y sleep 0.5 click 1
i=0
until sid=\$(xdotool search --onlyvisible --name '$title' 2>/dev/null | head -n 1) && [ -n "\$sid" ]; do
    i=\$((i + 1)); [ \$i -lt 30 ] || { cp "$tmp/menu.png" "$tmp/shot.png"; echo "no statistics window (menu.png)" >&2; kill \$ws; exit 1; }
    sleep 1
done
sleep 2
xdotool windowmove \$sid 40 40 windowsize \$sid 1100 820 windowraise \$sid
sleep 3
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
    xvfb-run -a -s '-ac -screen 0 1600x1000x24' "$tmp/session.sh" || rc=$?
# KEEP_MENU=FILE: keep the screenshot of the open Statistics menu (to find an entry's y)
[ -z "${KEEP_MENU:-}" ] || cp "$tmp/menu.png" "$KEEP_MENU" 2>/dev/null || true
[ "${rc:-0}" = 0 ] || exit "$rc"
[ -s "$tmp/shot.png" ] || { cat "$tmp/wireshark.log" >&2; echo "screenshot.sh: no screenshot" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
cp "$tmp/shot.png" "$out"
echo "wrote $out ($(basename "$capture"))"
