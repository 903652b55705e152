#!/bin/sh
# testdata/thirdparty/select.sh UNPACKED_DIR
#
# Called by fetch.sh. UNPACKED_DIR holds one directory per source package (tcpdump, wireshark,
# libpcap) with the upstream tarball's capture files. Copies every capture that tshark reads and
# that has at least one TCP segment into testdata/thirdparty/PACKAGE/ (flat, the upstream file
# name), with the upstream licence file, and rewrites MANIFEST (package, file, bytes, TCP packets,
# tcp.stream count as tshark 4.0 sees them) and SKIPPED (what was left out and why).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$1
manifest="$here/MANIFEST"
skipped="$here/SKIPPED"
printf '# package\tfile\tbytes\ttcp_packets\ttcp_streams  (written by select.sh)\n' >"$manifest"
printf '# package\tfile\treason  (written by select.sh)\n' >"$skipped"
for pkgdir in "$src"/*/; do
    pkg=$(basename "$pkgdir")
    rm -rf "${here:?}/$pkg"
    find "$pkgdir" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' \
        -o -name '*.pcapng.gz' -o -name '*.cap' -o -name '*.cap.gz' -o -name '*.ntar' \
        -o -name '*.erf' \) | LC_ALL=C sort | while read -r f; do
        name=$(basename "$f")
        rc=0
        streams=$(tshark -n -r "$f" -Y tcp -T fields -e tcp.stream 2>/dev/null) || rc=$?
        packets=$(printf '%s\n' "$streams" | grep -c . || true)
        if [ "$packets" = 0 ]; then
            if [ "$rc" != 0 ]; then
                printf '%s\t%s\ttshark cannot read it (exit %s)\n' "$pkg" "$name" "$rc" >>"$skipped"
            else
                printf '%s\t%s\tno TCP\n' "$pkg" "$name" >>"$skipped"
            fi
            continue
        fi
        mkdir -p "$here/$pkg"
        [ ! -e "$here/$pkg/$name" ] || { echo "select.sh: two captures named $pkg/$name" >&2; exit 1; }
        cp "$f" "$here/$pkg/$name"
        chmod 644 "$here/$pkg/$name"
        nstreams=$(printf '%s\n' "$streams" | grep . | sort -u | wc -l)
        printf '%s\t%s\t%s\t%s\t%s\n' "$pkg" "$name" "$(stat -c %s "$f")" "$packets" "$nstreams" >>"$manifest"
    done
    if [ -d "$here/$pkg" ]; then
        for lic in LICENSE COPYING; do
            l=$(find "$pkgdir" -maxdepth 2 -type f -name "$lic" | head -1)
            [ -z "$l" ] || cp "$l" "$here/$pkg/UPSTREAM-$lic"
        done
        cp "$pkgdir/.tarball" "$here/$pkg/SOURCE"
    fi
done
echo "select.sh: $(grep -vc '^#' "$manifest") captures kept, $(grep -vc '^#' "$skipped") left out"
