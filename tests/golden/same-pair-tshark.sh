#!/bin/sh
# How Wireshark numbers one inner address/port pair seen in two tunnels (issue 12), on
# testdata/tunnel-same-pair.pcap (EXPECTED and testdata/README.md describe it): frames 1-20
# are one connection, each frame in VXLAN VNI 100 and again in VNI 200 (other outer
# addresses); frames 21-30 a new connection on the same inner pair in VNI 200. Wireshark's
# TCP dissector keys conversations on the innermost addresses and ports only, so tshark
# gives frames 1-20 one tcp.stream and 21-30 the next; the analyzer must report the same
# two streams, starting at frames 1 and 21.
# usage: same-pair-tshark.sh ANALYZER TESTDATA_DIR      (needs tshark and jq)
set -u
bin=$1 f=$2/tunnel-same-pair.pcap
command -v tshark >/dev/null || { echo "tshark not found: skipped"; exit 77; }
command -v jq >/dev/null || { echo "jq is needed"; exit 1; }
got=$(tshark -n -r "$f" -T fields -e tcp.stream 2>/dev/null | tr '\n' ' ')
want="0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 "
vnis=$(tshark -n -r "$f" -T fields -e vxlan.vni 2>/dev/null | sort -u | tr '\n' ' ')
fail=0
[ "$vnis" = "100 200 " ] || { echo "FAIL: VNIs in the capture: $vnis (expected 100 200)"; fail=1; }
if [ "$got" = "$want" ]; then
    echo "ok   tshark: tcp.stream $got"
else
    echo "FAIL tshark: tcp.stream $got"
    echo "     expected:       $want"
    fail=1
fi
an=$("$bin" --json --quiet "$f" | jq -r '"\(.stream):\(.first_frame)"' | tr '\n' ' ')
if [ "$an" = "0:1 1:21 " ]; then
    echo "ok   analyzer: stream:first_frame $an"
else
    echo "FAIL analyzer: stream:first_frame $an (expected 0:1 1:21)"
    fail=1
fi
exit $fail
