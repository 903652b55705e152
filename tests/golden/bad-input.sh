#!/bin/sh
# Bad input: each broken file (made here, from good captures) must give a clear message on
# stderr naming the file (and frame), a distinct exit status (tcpconn-analyze --help), and
# still report what was read before the damage.
# usage: bad-input.sh ANALYZER GOLDEN_DIR          (needs python3 for the byte surgery)
set -u
bin=$1 golden=$2
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
good=$golden/captures/port-reuse.pcap   # 24 frames, streams 0-3
good_ng=$golden/captures/link-pcapng-nanosecond.pcapng
failures=0

# check NAME WANT_RC STDERR_PATTERN WANT_LINES FILE... : run --json, check status, message
# (a fixed string), and the number of connections printed.
check() {
    name=$1 want_rc=$2 pattern=$3 want_lines=$4
    shift 4
    "$bin" --json "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/out" | tr -d ' ')
    bad=
    [ "$rc" = "$want_rc" ] || bad="$bad exit $rc (want $want_rc);"
    grep -qF -- "$pattern" "$tmp/err" || bad="$bad stderr lacks \"$pattern\";"
    [ "$lines" = "$want_lines" ] || bad="$bad $lines connections printed (want $want_lines);"
    if [ -n "$bad" ]; then
        echo "FAIL $name:$bad"
        sed 's/^/    stderr: /' "$tmp/err"
        failures=$((failures + 1))
    else
        echo "ok   $name: exit $rc, $(grep -F -- "$pattern" "$tmp/err" | head -1)"
    fi
}

# pcap surgery: python3 edit.py IN OUT ACTION
cat >"$tmp/edit.py" <<'PY'
import struct, sys
src, dst, action = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, "rb").read()
hdr, recs, off = bytearray(data[:24]), [], 24
while off < len(data):
    ts, tus, incl, orig = struct.unpack_from("<IIII", data, off)
    recs.append([ts, tus, incl, orig, bytearray(data[off + 16:off + 16 + incl])])
    off += 16 + incl
if action == "linktype":
    struct.pack_into("<I", hdr, 20, 147)          # LINKTYPE_USER0
elif action == "snaplen-cut":                     # frame 25: frame 1 cut inside TCP
    r = list(recs[0]); r[4] = recs[0][4][:14 + 20 + 10]; r[2] = len(r[4]); r[0] += 100
    recs.append(r)
elif action == "bogus-offset":                    # frame 25: frame 1 with data offset 3
    r = list(recs[0]); r[4] = bytearray(recs[0][4]); r[4][14 + 20 + 12] = 0x30; r[0] += 100
    recs.append(r)
out = bytes(hdr) + b"".join(struct.pack("<IIII", *r[:4]) + bytes(r[4]) for r in recs)
open(dst, "wb").write(out)
PY

# the reference: the good capture, in full
"$bin" --json --quiet "$good" >"$tmp/full" || { echo "FAIL: the good capture does not pass"; exit 1; }

check missing-file 2 "$tmp/nonexistent.pcap: cannot open" 0 "$tmp/nonexistent.pcap"

printf 'this is not a capture\n' >"$tmp/text.pcap"
check not-a-capture 3 "$tmp/text.pcap: not a pcap or pcapng capture" 0 "$tmp/text.pcap"

: >"$tmp/empty.pcap"
check empty-file 3 "$tmp/empty.pcap: not a pcap or pcapng capture" 0 "$tmp/empty.pcap"

size=$(wc -c <"$good")
head -c $((size - 10)) "$good" >"$tmp/truncated.pcap"
check truncated-in-record 5 "$tmp/truncated.pcap: frame 24: capture truncated or corrupt" 4 "$tmp/truncated.pcap"
head -n 3 "$tmp/full" >"$tmp/full3"
head -n 3 "$tmp/out" >"$tmp/out3"
if ! cmp -s "$tmp/full3" "$tmp/out3"; then
    echo "FAIL truncated-in-record: connections finished before the damage differ from the full run"
    diff "$tmp/full3" "$tmp/out3"
    failures=$((failures + 1))
fi

# cut inside the 7th record header: pcap header 24, then 6 records of known sizes
python3 - "$good" "$tmp/cut-header.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off = 24
for _ in range(6):
    off += 16 + struct.unpack_from("<I", data, off + 8)[0]
open(sys.argv[2], "wb").write(data[:off + 8])
PY
check truncated-in-header 5 "$tmp/cut-header.pcap: frame 7: capture truncated or corrupt" 1 "$tmp/cut-header.pcap"

size=$(wc -c <"$good_ng")
head -c $((size - 10)) "$good_ng" >"$tmp/truncated.pcapng"
check truncated-pcapng 5 "$tmp/truncated.pcapng: frame 8: capture truncated or corrupt" 1 "$tmp/truncated.pcapng"

python3 "$tmp/edit.py" "$good" "$tmp/linktype.pcap" linktype
check unsupported-linktype 4 "$tmp/linktype.pcap: unsupported link-layer type 147" 0 "$tmp/linktype.pcap"

python3 "$tmp/edit.py" "$good" "$tmp/snaplen.pcap" snaplen-cut
check header-cut-by-snaplen 6 "$tmp/snaplen.pcap: frame 25: TCP header cut by snaplen" 4 "$tmp/snaplen.pcap"

python3 "$tmp/edit.py" "$good" "$tmp/offset.pcap" bogus-offset
check bogus-tcp-data-offset 6 "$tmp/offset.pcap: frame 25: bogus TCP data offset 3" 4 "$tmp/offset.pcap"

# tunnel headers cut short or bogus (captures/tunnels-malformed.pcap, mk-captures.py): each is
# malformed, named with its frame; the good connection inside VXLAN is still reported
tm=$golden/captures/tunnels-malformed.pcap
for case in "9: VXLAN header cut short (4 of 8 bytes)" "10: GRE header cut short (6 of 12 bytes)" \
    "11: MPLS label stack cut short (0 of 4 bytes)" "12: Geneve options cut short (8 of 24 bytes)" \
    "13: GTP extension header of length 0" "14: PPPoE header cut short (3 of 6 bytes)" \
    "15: ERSPAN type III header cut short (6 of 12 bytes)" "16: Ethernet header cut by snaplen (8 bytes captured)" \
    "17: VN-Tag cut by snaplen" "18: TCP header cut by snaplen (16 of 20 bytes captured)" \
    "19: more than 8 nested encapsulations"; do
    check "tunnel-frame-${case%%:*}" 6 "$tm: frame $case; packet skipped" 1 "$tm"
done

# several files: each reported, the largest status wins
check several-files 2 "$tmp/nonexistent.pcap: cannot open" 5 "$good" "$tmp/nonexistent.pcap" "$good_ng"

# table mode prints no table for a file it could not read
"$bin" "$tmp/nonexistent.pcap" >"$tmp/out" 2>/dev/null
if [ -s "$tmp/out" ]; then
    echo "FAIL missing-file-table: a table was printed for a file that could not be opened"
    failures=$((failures + 1))
else
    echo "ok   missing-file-table: nothing on stdout"
fi

# "-" reads standard input
"$bin" --json --quiet - <"$good" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && cmp -s "$tmp/out" "$tmp/full"; then
    echo "ok   stdin: same output as the file"
else
    echo "FAIL stdin: reading - differs from reading the file"
    failures=$((failures + 1))
fi

check no-arguments 1 "no capture file given" 0
check unknown-option 1 "unknown option --bogus" 0 --bogus "$good"
check by-without-summary 1 "--by goes with --summary" 0 --by server "$good"
check by-unknown-key 1 "bad --by value port" 0 --summary --by port "$good"
# a damaged capture: what was read before the damage is grouped too (streams 0-3: server hosts
# 198.18.2.2, and 198.18.1.2 for stream 3, whose first SYN came from port 80)
check by-server-truncated 5 "$tmp/truncated.pcap: frame 24: capture truncated or corrupt" 2 --summary --by server-host "$tmp/truncated.pcap"

echo "$failures failures"
[ "$failures" -eq 0 ]
