#!/bin/sh
# Install the Debian packages tcpconn needs to build and test (Debian 12 or later).
# Installs only what is missing; uses sudo when not run as root.
set -eu

PACKAGES="build-essential cmake pkg-config libpcap-dev zlib1g-dev wireshark-dev tshark tcpdump jq python3 util-linux time"
# Fuzzing (tests/fuzz, CI smoke run): clang with libFuzzer.
PACKAGES="$PACKAGES clang libfuzzer-14-dev libclang-rt-14-dev"
# Wireshark's source checks on plugin/ (packaging/wireshark-checks.sh, CI): dpkg-source, perl, and
# a word list for the spelling check.
PACKAGES="$PACKAGES dpkg-dev perl wamerican-large"
# For regenerating testdata/ (testdata/gen/): network namespaces, scapy, nmap (the SYN scan).
PACKAGES="$PACKAGES iproute2 ethtool python3-scapy nmap"
# Counting the plugin's cost (bench/profile.sh, bench/ablate.sh --count; CI smoke run): callgrind.
PACKAGES="$PACKAGES valgrind"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "setup: all packages present"
    exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
