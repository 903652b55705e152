#!/bin/bash
# Build and test tcpconn against the Wireshark of another Debian suite:
#   trixie = Debian 13, Wireshark 4.4;  sid = Debian unstable, Wireshark 4.6 (at the time of writing).
#
#   sudo packaging/compat-test.sh SUITE [ROOT_DIR]
#
# debootstraps a minimal root of SUITE (cached as /tmp/tcpconn-debootstrap-SUITE.tar, shared with
# fresh-machine-test.sh), installs the build and test packages in it, copies this repository's
# committed HEAD (git archive: commit first), configures and builds with -DTCPCONN_WERROR=ON
# (-Wall -Wextra -Werror), and runs the whole ctest suite inside the root as root (the plugin's
# tshark tests drop to uid 65534 themselves; label plugin includes the "tcpconn" configuration
# profile's tests, plugin.profile.*: its columns, filter buttons and coloring rules on that
# Wireshark). The last line is
#   compat-test: SUITE: Wireshark X.Y.Z: PASS|FAIL (...counts...)
# and the exit status is 0 only on PASS. The Debian mirror is taken from this machine's apt
# sources. Takes a few minutes; not run by CI (too slow for it). Results: docs/COMPATIBILITY.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:-}
case $suite in
trixie | sid) ;;
*) echo "usage: $0 trixie|sid [ROOT_DIR]" >&2; exit 2 ;;
esac
root=${2:-/tmp/tcpconn-compat-$suite}
cache=/tmp/tcpconn-debootstrap-$suite.tar

[ "$(id -u)" = 0 ] || { echo "compat-test: run as root" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 || { echo "compat-test: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
mirror=$(grep -rhoE '^(URIs:|deb)[[:space:]]+[^[:space:]]+' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null \
         | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
[ -n "$mirror" ] || { echo "compat-test: no Debian mirror in this machine's apt sources" >&2; exit 1; }

cleanup() { # every mount at or under the root, deepest first (the live tests leave /run/netns)
    awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT

cleanup
rm -rf "$root"
mkdir -p "$root"
if [ -f "$cache" ]; then
    tar -C "$root" -xf "$cache"
else
    debootstrap --variant=minbase "$suite" "$root" "$mirror"
    tar -C "$root" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
fi
# The root onto itself, so that / is a mount point inside the chroot: `ip netns exec` (the live
# tests) makes / a slave mount, which fails on a plain directory.
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -c "$1"; }

log=$root/compat.log
echo "== $suite: packages" | tee "$log"
# The mirror may be a snapshot whose Release file has expired (seen with sid): do not reject it.
in_root 'apt-get -o Acquire::Check-Valid-Until=false update -q && apt-get install -y -q --no-install-recommends \
    build-essential cmake pkg-config libpcap-dev zlib1g-dev wireshark-dev tshark jq python3 util-linux iproute2 tcpdump' >>"$log" 2>&1 ||
    { tail -n 30 "$log"; echo "compat-test: $suite: FAIL (package installation)"; exit 1; }
wsver=$(in_root "dpkg-query -W -f='\${Version}' tshark")
tsver=$(in_root 'tshark -v 2>/dev/null' | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
echo "== $suite: Wireshark $tsver (tshark package $wsver)" | tee -a "$log"

mkdir -p "$root/src"
git -C "$here" archive HEAD | tar -C "$root/src" -x
chmod -R a+rX "$root/src"
echo "== $suite: source: $(git -C "$here" rev-parse --short HEAD)" | tee -a "$log"

fail() { echo "compat-test: $suite: Wireshark ${tsver:-?}: FAIL ($*)"; exit 1; }

echo "== $suite: configure and build" | tee -a "$log"
if ! in_root 'cd /src && cmake -S . -B build -DTCPCONN_WERROR=ON && cmake --build build -j2' >>"$log" 2>&1; then
    grep -E 'error|warning' "$log" | head -n 40
    fail "build"
fi
grep -q 'building the plugin' "$log" || fail "the plugin was not configured (Wireshark dev files not found)"
[ -f "$root/src/build/plugin/tcpconn.so" ] || fail "no build/plugin/tcpconn.so"
echo "== $suite: exported symbols: $(in_root 'nm -D --defined-only /src/build/plugin/tcpconn.so' | awk '{print $3}' | sort | tr '\n' ' ')" |
    tee -a "$log"

# The plugin's tshark tests (label plugin), then everything else (core, analyzer, fuzz replays,
# robustness). Summaries go to the terminal, details to the log.
summary() { grep -E 'tests passed|tests failed' "$1" | tail -n 1; }
echo "== $suite: ctest -L plugin" | tee -a "$log"
status=0
in_root 'cd /src && ctest --test-dir build -L plugin -j2 --output-on-failure' >"$root/ctest-plugin.log" 2>&1 || status=1
cat "$root/ctest-plugin.log" >>"$log"
plugin_summary=$(summary "$root/ctest-plugin.log")
echo "   $plugin_summary"
grep -E '^\s*[0-9]+ - ' "$root/ctest-plugin.log" || true
echo "== $suite: ctest -LE plugin (core, analyzer, fuzz replays, robustness)" | tee -a "$log"
in_root 'cd /src && ctest --test-dir build -LE plugin -j2 --output-on-failure' >"$root/ctest-other.log" 2>&1 || status=1
cat "$root/ctest-other.log" >>"$log"
other_summary=$(summary "$root/ctest-other.log")
echo "   $other_summary"
grep -E '^\s*[0-9]+ - ' "$root/ctest-other.log" || true

counts="plugin: $plugin_summary; others: $other_summary; log $log"
[ "$status" = 0 ] || fail "$counts"
echo "compat-test: $suite: Wireshark $tsver: PASS ($counts)"
