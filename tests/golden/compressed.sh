#!/bin/sh
# compressed.sh ANALYZER TESTDATA GOLDEN: gzip-compressed captures (issue 16.2).
#  - a gzip file gives the same --json as the capture it compresses: pcap and pcapng, from a
#    file (whatever its name) and from stdin;
#  - a cut .gz: the frames before the damage, exit 5, as many frames as tshark reads;
#  - corrupt compressed data: exit 5; gzip of something that is not a capture: exit 3;
#  - zstd and LZ4 files (which tshark reads): exit 3, naming the compression.
set -eu
bin=$1 testdata=$2 golden=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in "$testdata/mixed.pcap" "$testdata/link-ethernet-nsec.pcapng" "$testdata/link-sll2.pcap" \
         "$golden/captures/pcapng-multi-interface.pcapng"; do
    n=$(basename "$f")
    "$bin" --json --quiet "$f" >"$tmp/plain.json" || true
    [ -s "$tmp/plain.json" ] || fail "$n: no output"
    gzip -c "$f" >"$tmp/$n.gz"
    cp "$tmp/$n.gz" "$tmp/$n.renamed" # by content, not by name
    for g in "$tmp/$n.gz" "$tmp/$n.renamed"; do
        "$bin" --json --quiet "$g" >"$tmp/z.json" || fail "$n: exit $? on $(basename "$g")"
        cmp -s "$tmp/plain.json" "$tmp/z.json" || fail "$n: $(basename "$g") differs"
    done
    "$bin" --json --quiet - <"$tmp/$n.gz" >"$tmp/z.json" || fail "$n: exit $? on stdin"
    cmp -s "$tmp/plain.json" "$tmp/z.json" || fail "$n: gzip on stdin differs"
    echo "ok: $n: gzip file, renamed, stdin"
done

# Cut short: frames before the damage, exit 5; tshark reads as many.
gzip -c "$testdata/mixed.pcap" >"$tmp/full.gz"
size=$(wc -c <"$tmp/full.gz")
head -c $((size / 3)) "$tmp/full.gz" >"$tmp/cut.pcap.gz"
rc=0
"$bin" --json "$tmp/cut.pcap.gz" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 5 ] || fail "cut .gz: exit $rc, not 5"
grep -q "capture truncated or corrupt: compressed data cut short" "$tmp/err" || fail "cut .gz: $(cat "$tmp/err")"
frames=$(sed -n 's/.*cut.pcap.gz: \([0-9]*\) frames,.*/\1/p' "$tmp/err")
[ "${frames:-0}" -gt 0 ] || fail "cut .gz: no frames before the damage"
if command -v tshark >/dev/null 2>&1; then
    ts=$(tshark -r "$tmp/cut.pcap.gz" -T fields -e frame.number 2>/dev/null | tail -n 1)
    [ "$ts" = "$frames" ] || fail "cut .gz: $frames frames, tshark reads $ts"
    echo "ok: cut .gz: $frames frames, as tshark, exit 5"
else
    echo "ok: cut .gz: $frames frames, exit 5 (no tshark to compare)"
fi

# Damaged compressed data in the middle (the CRC or the deflate stream breaks).
cp "$tmp/full.gz" "$tmp/bad.gz"
printf '\377\377\377\377\377\377\377\377' | dd of="$tmp/bad.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
rc=0
"$bin" --json "$tmp/bad.gz" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 5 ] || fail "corrupt .gz: exit $rc, not 5 ($(cat "$tmp/err"))"
echo "ok: corrupt .gz: exit 5"

# gzip of text: not a capture.
echo "hello" | gzip -c >"$tmp/text.gz"
rc=0
"$bin" "$tmp/text.gz" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 3 ] || fail "gzip of text: exit $rc, not 3"
grep -q "not a pcap or pcapng capture" "$tmp/err" || fail "gzip of text: $(cat "$tmp/err")"
echo "ok: gzip of text: exit 3"

# zstd and LZ4 (Wireshark 4.0 on Debian 12 reads both): refused, naming the compression.
for z in zstd lz4; do
    command -v $z >/dev/null 2>&1 || { echo "skip: no $z"; continue; }
    $z -q -c "$testdata/mixed.pcap" >"$tmp/x.$z"
    rc=0
    "$bin" "$tmp/x.$z" >/dev/null 2>"$tmp/err" || rc=$?
    [ $rc = 3 ] || fail "$z: exit $rc, not 3"
    grep -qi "$z" "$tmp/err" || fail "$z: the message does not name it: $(cat "$tmp/err")"
    echo "ok: $z: exit 3, named"
done
