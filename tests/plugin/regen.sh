#!/bin/sh
# regen.sh [PLUGIN]: rewrite the golden tshark outputs for every capture in TESTLIST.
# PLUGIN defaults to build/plugin/tcpconn.so. Read the diff before committing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plugin=${1:-$root/build/plugin/tcpconn.so}
[ -f "$plugin" ] || { echo "regen.sh: no plugin at $plugin (build first or pass its path)" >&2; exit 1; }
mkdir -p "$here/golden"
grep -v '^[[:space:]]*#' "$here/TESTLIST" | while read -r name capture flags; do
    [ -n "$name" ] || continue
    for mode in onepass twopass; do
        out="$here/golden/$name.$mode.tsv"
        "$here/check.sh" dump "$plugin" "$root/$capture" "$mode" >"$out.tmp"
        mv "$out.tmp" "$out"
        echo "wrote tests/plugin/golden/$name.$mode.tsv ($(($(wc -l <"$out") - 1)) packets)"
    done
done
# The "tcpconn" profile's columns (tests/plugin/profile.py columns).
python3 "$here/profile.py" columns "$plugin" "$root/packaging/profile/tcpconn" \
    "$root/testdata/three-way-client-close.pcap" "$here/golden/profile.three-way-client-close.txt" --write
