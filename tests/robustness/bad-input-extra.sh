#!/bin/sh
# More broken input for tcpconn-analyze, beyond tests/golden/bad-input.sh (which covers a
# missing file, not a capture, an empty file, truncation inside a record / a record header /
# pcapng, an unsupported link type, a header cut by snaplen and a bogus TCP data offset):
# a pcap file header cut short, a record claiming an absurd length, a pcapng block with a
# corrupt length, a record of zero bytes, an IPv4 header length below 20, an IPv4 total
# length below its header, a TCP header cut inside its options, and a capture whose
# timestamps go backwards. Each must give its documented exit status, a message naming the
# file (and frame), the connections read before the damage, and no crash (run this against
# a -DTCPCONN_SANITIZE=ON build too).
# usage: bad-input-extra.sh ANALYZER ROOT
set -u
bin=$1 root=$2
good=$root/tests/golden/captures/port-reuse.pcap   # 24 frames, Ethernet, 4 connections
good_ng=$root/tests/golden/captures/link-pcapng-nanosecond.pcapng
good_multi=$root/tests/golden/captures/pcapng-multi-interface.pcapng
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failures=0

check() {
    name=$1 want_rc=$2 pattern=$3 want_lines=$4 file=$5
    "$bin" --json "$file" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/out" | tr -d ' ')
    bad=
    [ "$rc" = "$want_rc" ] || bad="$bad exit $rc (want $want_rc);"
    [ "$rc" -lt 128 ] || bad="$bad crashed;"
    grep -qF -- "$pattern" "$tmp/err" || bad="$bad stderr lacks \"$pattern\";"
    [ "$lines" = "$want_lines" ] || bad="$bad $lines connections printed (want $want_lines);"
    if grep -q "runtime error\|AddressSanitizer\|LeakSanitizer" "$tmp/err"; then
        bad="$bad sanitizer report;"
    fi
    if [ -n "$bad" ]; then
        echo "FAIL $name:$bad"
        sed 's/^/    stderr: /' "$tmp/err" | head -8
        failures=$((failures + 1))
    else
        echo "ok   $name: exit $rc, $(grep -F -- "$pattern" "$tmp/err" | head -1)"
    fi
}

python3 - "$good" "$good_ng" "$tmp" "$good_multi" <<'PY'
import gzip, struct, sys
good, good_ng, tmp, good_multi = sys.argv[1:5]
data = open(good, "rb").read()
hdr, recs, off = data[:24], [], 24
while off < len(data):
    ts, tus, incl, orig = struct.unpack_from("<IIII", data, off)
    recs.append([ts, tus, incl, orig, bytearray(data[off + 16:off + 16 + incl])])
    off += 16 + incl
def write(name, rs, h=hdr):
    open(tmp + "/" + name, "wb").write(h + b"".join(struct.pack("<IIII", *r[:4]) + bytes(r[4]) for r in rs))
open(tmp + "/header-cut.pcap", "wb").write(data[:20])
# frame 7 claims 200 MB: libpcap refuses the record
rs = [list(r) for r in recs]; rs[6][2] = 200 * 1024 * 1024
open(tmp + "/absurd-caplen.pcap", "wb").write(hdr + b"".join(struct.pack("<IIII", *r[:4]) + bytes(r[4]) for r in recs[:6]) + struct.pack("<IIII", *rs[6][:4]) + bytes(recs[6][4]))
# frame 25: zero bytes captured
z = list(recs[0]); z[4] = bytearray(); z[2] = 0; z[0] += 100
write("zero-length.pcap", recs + [z])
# frame 25: IPv4 IHL 3 (12 bytes)
r = list(recs[0]); r[4] = bytearray(recs[0][4]); r[4][14] = 0x43; r[0] += 100
write("ipv4-ihl-3.pcap", recs + [r])
# frame 25: IPv4 total length 10 (< its 20-byte header)
r = list(recs[0]); r[4] = bytearray(recs[0][4]); r[4][16:18] = b"\x00\x0a"; r[0] += 100
write("ipv4-totlen-10.pcap", recs + [r])
# frame 25: a SYN (data offset 10: 40 bytes) cut after 30 bytes of TCP
r = list(recs[0]); r[4] = bytearray(recs[0][4][:14 + 20 + 30]); r[4][14 + 20 + 12] = 0xa0; r[2] = len(r[4]); r[0] += 100
write("tcp-options-cut.pcap", recs + [r])
# timestamps going backwards: every other record 5 s earlier
rs = [list(r) for r in recs]
for i in range(1, len(rs), 2):
    rs[i][0] -= 5
write("time-backwards.pcap", rs)
# pcapng: the second block's length field corrupted
ng = bytearray(open(good_ng, "rb").read())
shb_len = struct.unpack_from("<I", ng, 4)[0]
idb_len = struct.unpack_from("<I", ng, shb_len + 4)[0]
epb = shb_len + idb_len
struct.pack_into("<I", ng, epb + 4, 0xFFFFFFF0)
open(tmp + "/pcapng-bad-block-length.pcapng", "wb").write(bytes(ng))

# pcapng with several interfaces (issue 16.3): damage of the kinds only such files have
multi = open(good_multi, "rb").read()
def blocks(data):
    """(offset, type, length) of each block of the first, little-endian section."""
    off, out = 0, []
    while off < len(data):
        btype, n = struct.unpack_from("<II", data, off)
        if btype == 0x0A0D0D0A and out:
            break
        out.append((off, btype, n))
        off += n
    return out
epbs = [(o, n) for o, t, n in blocks(multi) if t == 6]
m = bytearray(multi)
struct.pack_into("<I", m, epbs[4][0] + 8, 9)  # the fifth packet on interface 9 (undescribed)
open(tmp + "/pcapng-undescribed-interface.pcapng", "wb").write(bytes(m))
m = bytearray(multi)
o, n = epbs[6]
struct.pack_into("<I", m, o + n - 4, n + 4)  # the seventh packet's trailing length differs
open(tmp + "/pcapng-lengths-differ.pcapng", "wb").write(bytes(m))
def blk(btype, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
shb = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
epb = blk(6, struct.pack("<IIIII", 0, 0, 0, 4, 4) + b"abcd")
open(tmp + "/pcapng-user0-only.pcapng", "wb").write(shb + blk(1, struct.pack("<HHI", 147, 0, 0)) + epb)
open(tmp + "/pcapng-packet-before-interface.pcapng", "wb").write(shb + epb)
open(tmp + "/pcapng-version-2.pcapng", "wb").write(blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 2, 0, -1)))
open(tmp + "/pcapng-bad-byte-order.pcapng", "wb").write(blk(0x0A0D0D0A, struct.pack("<IHHq", 0x11223344, 1, 0, -1)))
# a gzip header cut inside its first bytes
open(tmp + "/gzip-header-cut.pcap.gz", "wb").write(gzip.compress(open(good, "rb").read())[:5])
PY

check header-cut 3 "header-cut.pcap: not a pcap or pcapng capture" 0 "$tmp/header-cut.pcap"
check absurd-caplen 5 "absurd-caplen.pcap: frame 7: capture truncated or corrupt" 1 "$tmp/absurd-caplen.pcap"
check pcapng-bad-block-length 5 "pcapng-bad-block-length.pcapng: frame 1: capture truncated or corrupt" 0 "$tmp/pcapng-bad-block-length.pcapng"
check zero-length 6 "zero-length.pcap: frame 25:" 4 "$tmp/zero-length.pcap"
check ipv4-ihl-3 6 "ipv4-ihl-3.pcap: frame 25:" 4 "$tmp/ipv4-ihl-3.pcap"
check ipv4-totlen-10 6 "ipv4-totlen-10.pcap: frame 25: bogus IPv4 total length 10" 4 "$tmp/ipv4-totlen-10.pcap"
check tcp-options-cut 6 "tcp-options-cut.pcap: frame 25:" 4 "$tmp/tcp-options-cut.pcap"
check time-backwards 0 "24 frames" 4 "$tmp/time-backwards.pcap"
check pcapng-undescribed-interface 5 "frame 5: capture truncated or corrupt: packet on interface 9, which the section does not describe" 3 "$tmp/pcapng-undescribed-interface.pcapng"
check pcapng-lengths-differ 5 "frame 7: capture truncated or corrupt: block of type 0x6 whose two lengths differ" 3 "$tmp/pcapng-lengths-differ.pcapng"
check pcapng-user0-only 4 "unsupported link-layer type 147" 0 "$tmp/pcapng-user0-only.pcapng"
check pcapng-packet-before-interface 5 "frame 1: capture truncated or corrupt: packet on interface 0" 0 "$tmp/pcapng-packet-before-interface.pcapng"
check pcapng-version-2 3 "not a pcap or pcapng capture: pcapng version 2 is not supported" 0 "$tmp/pcapng-version-2.pcapng"
check pcapng-bad-byte-order 3 "not a pcap or pcapng capture: section header with a bad byte-order magic" 0 "$tmp/pcapng-bad-byte-order.pcapng"
check gzip-header-cut 3 "not a pcap or pcapng capture: compressed data cut short" 0 "$tmp/gzip-header-cut.pcap.gz"
echo "$failures failures"
[ "$failures" -eq 0 ]
