#!/bin/sh
# Build the Debian package from BUILD_DIR, install it with dpkg -i, and check that plain
# tshark (as root: no personal plugins) loads the plugin from Wireshark's global folder, that the
# "tcpconn" configuration profile is in the global profiles folder, and that tcpconn-analyze runs
# from PATH. Then remove the package again.
#   sudo packaging/deb-test.sh [BUILD_DIR]        (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
[ "$(id -u)" -eq 0 ] || { echo "deb-test: run as root (dpkg -i)" >&2; exit 1; }

rm -f "$build"/tcpconn_*.deb
(cd "$build" && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log" >&2; exit 1; }
deb=$(ls "$build"/tcpconn_*.deb)
echo "deb-test: built $deb"
dpkg-deb -I "$deb" | sed -n 's/^ Depends:/deb-test: depends:/p'

dpkg -i "$deb" >/dev/null
trap 'dpkg -r tcpconn >/dev/null 2>&1 || true' EXIT

fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
global=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p')
check "the plugin is where the package put it" "dpkg -L tcpconn | grep -qx '$global/epan/tcpconn.so'"
check "root's tshark loads it from the global folder" \
      "tshark -G plugins 2>/dev/null | grep -q '^tcpconn.so.*$global/epan/tcpconn.so'"
check "tshark shows a three-way close" \
      "tshark -2 -r testdata/three-way-client-close.pcap -T fields -e tcpconn.teardown.style 2>/dev/null | grep -qx three-way"
check "tcpconn-analyze runs from PATH" "[ \"\$(command -v tcpconn-analyze)\" = /usr/bin/tcpconn-analyze ]"
check "tcpconn-analyze reads a capture" \
      "tcpconn-analyze -q --json testdata/three-way-client-close.pcap | grep -q '\"style\":\"three-way\"'"
profiles=$(tshark -G folders 2>/dev/null | sed -n 's/^Global configuration:[[:space:]]*//p')/profiles
check "the tcpconn profile is in the global profiles folder" \
      "dpkg -L tcpconn | grep -qx '$profiles/tcpconn/preferences'"
# (HOME in a temporary folder: tshark -C copies a global profile into the personal folder.)
home=$(mktemp -d)
check "tshark -C tcpconn shows the profile's columns" \
      "HOME=$home tshark -C tcpconn -n -r testdata/three-way-client-close.pcap 2>/dev/null | grep -q 'final ACK (3/3) three-way client'"
rm -rf "$home"
check "the man page is installed" "[ -f /usr/share/man/man1/tcpconn-analyze.1.gz ]"
check "the version is the project's" \
      "tcpconn-analyze --version | grep -q \"\$(dpkg-query -W -f='\${Version}' tcpconn)\""
[ $fail -eq 0 ] && echo "deb-test: PASS" || echo "deb-test: FAIL"
exit $fail
