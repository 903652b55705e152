#!/bin/sh
# make-seeds.sh MKSEEDS OUTDIR CAPTURE_DIR...
# Seed corpora for the fuzz targets from the project's captures (testdata/ and the golden
# captures): OUTDIR/core (segment sequences per address/port pair), OUTDIR/decode (one
# frame each), OUTDIR/analyze (the capture files). Deterministic; rewrites OUTDIR.
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
echo "seeds: $(ls "$out/core" | wc -l) core, $(ls "$out/decode" | wc -l) decode, $(ls "$out/analyze" | wc -l) analyze"
