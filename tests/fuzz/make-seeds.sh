#!/bin/sh
# make-seeds.sh MKSEEDS OUTDIR CAPTURE_DIR...
# Seed corpora for the fuzz targets from the project's captures (testdata/ and the golden
# captures): OUTDIR/core (segment sequences per address/port pair), OUTDIR/decode (one
# frame each), OUTDIR/analyze (the capture files, and gzip ones). Deterministic; rewrites OUTDIR.
set -eu
mkseeds=$1 out=$2
shift 2
rm -rf "$out"
mkdir -p "$out/core" "$out/decode" "$out/analyze"
for dir in "$@"; do
    for f in "$dir"/*.pcap "$dir"/*.pcapng; do
        [ -f "$f" ] || continue
        cp "$f" "$out/analyze/"
        "$mkseeds" "$out" "$f" 2>/dev/null
    done
done
# Compressed input (issue 16.2): gzip of a pcap and of a pcapng, a cut one, and the committed
# .gz captures (the multi-interface pcapng, issue 16.3, is among the pcapng above).
for dir in "$@"; do
    for f in "$dir"/*.gz; do
        [ -f "$f" ] && cp "$f" "$out/analyze/"
    done
done
first() { for f in "$@"; do [ -f "$f" ] && { echo "$f"; return; }; done; }
pcap=$(first "$1"/*.pcap) ng=$(first "$1"/*.pcapng)
if [ -n "$pcap" ]; then
    gzip -n -c "$pcap" >"$out/analyze/gzip-pcap.gz"
    size=$(wc -c <"$out/analyze/gzip-pcap.gz")
    head -c $((size * 2 / 3)) "$out/analyze/gzip-pcap.gz" >"$out/analyze/gzip-pcap-cut.gz"
fi
[ -n "$ng" ] && gzip -n -c "$ng" >"$out/analyze/gzip-pcapng.gz"
echo "seeds: $(ls "$out/core" | wc -l) core, $(ls "$out/decode" | wc -l) decode, $(ls "$out/analyze" | wc -l) analyze"
