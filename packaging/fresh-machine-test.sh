#!/bin/bash
# Prove the README quick start on a fresh Debian machine: debootstrap a minimal root of
# SUITE (default bookworm = Debian 12), copy this repository's committed HEAD into it, run
# exactly the README's two commands inside (as root, as on a new machine), and check them.
#
#   sudo packaging/fresh-machine-test.sh [SUITE] [ROOT_DIR]
#
# The Debian mirror is taken from this machine's apt sources. Takes a few minutes (the
# debootstrap is cached in ROOT_DIR/.. as a tarball). Not run by CI (too slow for it).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:-bookworm}
root=${2:-/tmp/tcpconn-fresh-$suite}
cache=/tmp/tcpconn-debootstrap-$suite.tar

[ "$(id -u)" = 0 ] || { echo "fresh-machine-test: run as root" >&2; exit 1; }
mirror=$(grep -rhoE '^(URIs:|deb)[[:space:]]+[^[:space:]]+' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null \
         | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
[ -n "$mirror" ] || { echo "fresh-machine-test: no Debian mirror in this machine's apt sources" >&2; exit 1; }

cleanup() {
    for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
}
trap cleanup EXIT

rm -rf "$root"
mkdir -p "$root"
if [ -f "$cache" ]; then
    tar -C "$root" -xf "$cache"
else
    debootstrap --variant=minbase "$suite" "$root" "$mirror"
    tar -C "$root" -cf "$cache" .
fi
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

mkdir -p "$root/src"
git -C "$here" archive HEAD | tar -C "$root/src" -x
chmod -R a+rX "$root/src"

log=$root/quickstart.log
echo "== $suite: README command 1: scripts/bootstrap"
chroot "$root" /bin/sh -c 'cd /src && scripts/bootstrap' 2>&1 | tee "$log"
echo "== $suite: README command 2: ctest --test-dir build --output-on-failure"
chroot "$root" /bin/sh -c 'cd /src && ctest --test-dir build --output-on-failure' 2>&1 | tee -a "$log"

# What command 1 must have shown: the analyzer's table and tshark's annotated close.
grep -q 'three-way  client' "$log"
grep -q 'FIN+ACK 2/3' "$log"
grep -q '100% tests passed' "$log"
echo "fresh-machine-test: $suite: PASS"
