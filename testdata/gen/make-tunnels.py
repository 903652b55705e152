#!/usr/bin/python3
"""Tunnelled captures whose truth is known: real-kernel frames re-wrapped in encapsulations.

    /usr/bin/python3 testdata/gen/make-tunnels.py [OUTDIR]     # default: testdata/

Each tunnel-*.pcap carries, frame for frame and with the same timestamps, the frames of
real captures in testdata/ (three-way-client-close, half-close and refused for IPv4 inside;
ipv6-four-way-client-close for IPv6 inside), each inside the encapsulation its name says. So
its connections must get exactly the verdicts of those captures (tests/golden/
rewrap-verdicts.sh checks that, EXPECTED lists them). The client side of each inner
connection sends through the tunnel's endpoint A, the server side through B.

Deterministic (no randomness; timestamps and inner bytes come from the inner captures).
scapy (Debian's python3-scapy 2.5) only builds the outer headers; headers scapy lacks
(ERSPAN, VN-Tag, 802.1ah I-Tag, MPLS control word) are written here byte by byte.
"""
import os
import struct
import sys

from scapy.all import GRE, IP, UDP, Dot1AD, Dot1Q, Ether, IPv6, PPPoE, PPP, Raw, TCP, fragment, raw
from scapy.contrib.mpls import MPLS
from scapy.layers.vxlan import VXLAN

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INNER4 = ["three-way-client-close.pcap", "half-close.pcap", "refused.pcap"]
INNER6 = ["ipv6-four-way-client-close.pcap"]
CLIENT4, CLIENT6 = "198.18.0.1", "fd00:198:18::1"

# Tunnel endpoints (198.18.0.0/15 and fd00:198:18::/48 only)
A4, B4 = "198.18.100.1", "198.18.100.2"
A6, B6 = "fd00:198:18:100::1", "fd00:198:18:100::2"
AMAC, BMAC = "02:00:c6:12:64:01", "02:00:c6:12:64:02"


# ------------------------------------------------------------------ pcap in and out

def read_pcap(path):
    """-> (nsec, linktype, [(ts_sec, ts_frac, frame bytes)]) of a classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), path + ": little-endian classic pcap expected"
    linktype = struct.unpack("<I", data[20:24])[0]
    recs, off = [], 24
    while off < len(data):
        sec, frac, cap, wire = struct.unpack("<IIII", data[off:off + 16])
        assert cap == wire, path + ": inner frames must be complete"
        recs.append((sec, frac, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return magic == 0xA1B23C4D, linktype, recs


def write_pcap(path, nsec, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nsec else 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for sec, frac, frame in recs:
            f.write(struct.pack("<IIII", sec, frac, len(frame), len(frame)))
            f.write(frame)


def inner_frames(names):
    """The frames of the inner captures in time order: [(sec, frac, eth frame, from_client)]."""
    out, res = [], None
    for name in names:
        nsec, linktype, recs = read_pcap(os.path.join(HERE, name))
        assert linktype == 1 and (res is None or res == nsec)
        res = nsec
        for sec, frac, frame in recs:
            e = Ether(frame)
            src = e[IP].src if IP in e else e[IPv6].src
            out.append((sec, frac, frame, src in (CLIENT4, CLIENT6)))
    out.sort(key=lambda r: (r[0], r[1]))
    return res, out


# ------------------------------------------------------------------ outer headers

def l3(frame):
    """The inner IP packet (the frame without its Ethernet header)."""
    return frame[14:]


def ether(fc, payload_type=None):
    e = Ether(src=AMAC if fc else BMAC, dst=BMAC if fc else AMAC)
    if payload_type is not None:
        e.type = payload_type
    return e


def ip4(fc, **kw):
    return IP(src=A4 if fc else B4, dst=B4 if fc else A4, id=0, flags="DF", **kw)


def ip6(fc, **kw):
    return IPv6(src=A6 if fc else B6, dst=B6 if fc else A6, **kw)


def vlan_tci(vid, pcp=0):
    return struct.pack(">H", pcp << 13 | vid)


def erspan2(session=7, index=0x10):
    """ERSPAN type II: version 1, VLAN 0, COS 0, En 0, T 0, session, index."""
    return struct.pack(">HHI", 1 << 12, session, index)


def erspan3(session=7, ts=0x01020304, subheader=True):
    """ERSPAN type III: version 2, VLAN 0, COS/BSO/T 0, session, timestamp, SGT 0,
    P 0 FT 0 (Ethernet) HW ID 1 D 0 Gra 1 (100 ns), O; with O an 8-byte platform subheader
    (platform ID 3: port index, upper timestamp)."""
    last = 1 << 4 | 1 << 1 | (1 if subheader else 0)
    h = struct.pack(">HHIHH", 2 << 12, session, ts, 0, last)
    if subheader:
        h += struct.pack(">II", 3 << 26 | 0x55, 0)
    return h


def gtpu_header(payload_len, teid=0x1234, seq=1):
    """GTPv1-U T-PDU with a sequence number and one PDU session container extension (QFI 9)."""
    ext = bytes([1, 0x10, 0x09, 0])  # length 1 (4 bytes): UL PDU session info, QFI 9; no next
    rest = struct.pack(">HBB", seq, 0, 0x85) + ext
    return struct.pack(">BBHI", 0x30 | 0x04 | 0x02, 0xFF, len(rest) + payload_len, teid) + rest


# ------------------------------------------------------------------ the encapsulations
# each: (file name, inner captures, wrap(frame, from_client, index) -> outer frame bytes)

def w_vxlan_v4(f, fc, i):
    return raw(ether(fc) / ip4(fc) / UDP(sport=49152 + (i % 7), dport=4789, chksum=0) /
               VXLAN(vni=4242) / Raw(f))


def w_geneve(f, fc, i):
    # version 0, one 8-byte option (class 0x0102, type 0x80, length 1 word), protocol 0x6558
    opt = struct.pack(">HBB", 0x0102, 0x80, 1) + b"\x00\x00\x00\x2a"
    hdr = struct.pack(">BBHI", len(opt) // 4, 0, 0x6558, 777 << 8) + opt
    return raw(ether(fc) / ip4(fc) / UDP(sport=50000 + (i % 5), dport=6081, chksum=0) /
               Raw(hdr) / Raw(f))


def w_gre_ip(f, fc, i):
    # checksum, key and sequence number present (scapy computes the GRE checksum)
    return raw(ether(fc) / ip4(fc) / GRE(chksum_present=1, key_present=1, seqnum_present=1,
                                         key=0x2a, sequence_number=i + 1, proto=0x0800) / Raw(l3(f)))


def w_gre_ipv6(f, fc, i):
    return raw(ether(fc) / ip4(fc) / GRE(key_present=1, key=0x2b, proto=0x86DD) / Raw(l3(f)))


def w_gre_eth(f, fc, i):
    return raw(ether(fc) / ip4(fc) / GRE(seqnum_present=1, sequence_number=i, proto=0x6558) / Raw(f))


def w_erspan1(f, fc, i):
    return raw(ether(fc) / ip4(fc) / GRE(proto=0x88BE) / Raw(f))


def w_erspan2(f, fc, i):
    return raw(ether(fc) / ip4(fc) / GRE(seqnum_present=1, sequence_number=i, proto=0x88BE) /
               Raw(erspan2()) / Raw(f))


def w_erspan3(f, fc, i):
    return raw(ether(fc) / ip4(fc) / GRE(seqnum_present=1, sequence_number=i, proto=0x22EB) /
               Raw(erspan3()) / Raw(f))


def w_mpls(f, fc, i):
    return raw(ether(fc, 0x8847) / MPLS(label=1000, ttl=64, s=0) / MPLS(label=2000, ttl=64, s=1) /
               Raw(l3(f)))


def w_mpls_pw(f, fc, i):
    # Ethernet pseudowire with a control word (0000 + sequence number)
    return raw(ether(fc, 0x8847) / MPLS(label=3000, ttl=64, s=1) / Raw(struct.pack(">I", i + 1)) /
               Raw(f))


def w_mpls_vlan(f, fc, i):
    return raw(ether(fc) / Dot1Q(vlan=30, type=0x8847) / MPLS(label=1000, ttl=64, s=0) /
               MPLS(label=2000, ttl=64, s=1) / Raw(l3(f)))


def w_pppoe(f, fc, i):
    return raw(ether(fc, 0x8864) / PPPoE(sessionid=0x1234) / PPP(proto=0x0021) / Raw(l3(f)))


def w_gtpu(f, fc, i):
    p = l3(f)
    return raw(ether(fc) / ip4(fc) / UDP(sport=2152, dport=2152, chksum=0) /
               Raw(gtpu_header(len(p))) / Raw(p))


def w_ipip(f, fc, i):
    return raw(ether(fc) / ip4(fc, proto=4) / Raw(l3(f)))


def w_6in4(f, fc, i):
    return raw(ether(fc) / ip4(fc, proto=41) / Raw(l3(f)))


def w_4in6(f, fc, i):
    return raw(ether(fc) / ip6(fc, nh=4) / Raw(l3(f)))


def w_6in6(f, fc, i):
    return raw(ether(fc) / ip6(fc, nh=41) / Raw(l3(f)))


def w_qinq(f, fc, i):
    return raw(ether(fc) / Dot1AD(vlan=100, type=0x8100) / Dot1Q(vlan=200, type=0x0800) / Raw(l3(f)))


def w_vntag(f, fc, i):
    tag = struct.pack(">HH", 0x8000 | 0x0012, 0x0034)  # direction, destination VIF, source VIF
    return raw(ether(fc, 0x8926) / Raw(tag + struct.pack(">H", 0x0800)) / Raw(l3(f)))


def w_pbb(f, fc, i):
    # B-tag (802.1ad, B-VID 50), I-Tag (I-SID 0x0abcde), then the customer frame itself
    itag = struct.pack(">I", 0x0ABCDE)
    return raw(ether(fc, 0x88A8) / Raw(vlan_tci(50) + struct.pack(">H", 0x88E7) + itag) / Raw(f))


def w_nested_erspan_vlan_mpls(f, fc, i):
    # GRE with a key -> ERSPAN II -> Ethernet -> VLAN 10 -> MPLS -> IPv4 inner
    mirrored = raw(ether(fc) / Dot1Q(vlan=10, type=0x8847) / MPLS(label=500, ttl=64, s=1) / Raw(l3(f)))
    return raw(ether(fc) / ip4(fc) / GRE(key_present=1, key=9, seqnum_present=1, sequence_number=i,
                                         proto=0x88BE) / Raw(erspan2()) / Raw(mirrored))


def w_nested_pppoe_v6_geneve_ipip(f, fc, i):
    # PPPoE -> IPv6 -> UDP/Geneve (protocol 0x0800) -> IPv4 (outer of IP-in-IP) -> IPv4 inner
    ipip = raw(IP(src="198.18.101.1" if fc else "198.18.101.2", dst="198.18.101.2" if fc else "198.18.101.1",
                  proto=4, id=0) / Raw(l3(f)))
    geneve = struct.pack(">BBHI", 0, 0, 0x0800, 55 << 8)
    v6 = raw(ip6(fc) / UDP(sport=6081, dport=6081) / Raw(geneve) / Raw(ipip))
    return raw(ether(fc, 0x8864) / PPPoE(sessionid=7) / PPP(proto=0x0057) / Raw(v6))


CAPTURES = [
    ("tunnel-geneve.pcap", INNER4, w_geneve),
    ("tunnel-gre-key-seq-csum.pcap", INNER4, w_gre_ip),
    ("tunnel-gre-ipv6.pcap", INNER6, w_gre_ipv6),
    ("tunnel-gre-eth.pcap", INNER4, w_gre_eth),
    ("tunnel-erspan1.pcap", INNER4, w_erspan1),
    ("tunnel-erspan2.pcap", INNER4, w_erspan2),
    ("tunnel-erspan3.pcap", INNER4, w_erspan3),
    ("tunnel-mpls.pcap", INNER4, w_mpls),
    ("tunnel-mpls-pw.pcap", INNER4, w_mpls_pw),
    ("tunnel-mpls-vlan.pcap", INNER4, w_mpls_vlan),
    ("tunnel-pppoe.pcap", INNER4, w_pppoe),
    ("tunnel-gtpu.pcap", INNER4, w_gtpu),
    ("tunnel-ipip.pcap", INNER4, w_ipip),
    ("tunnel-6in4.pcap", INNER6, w_6in4),
    ("tunnel-4in6.pcap", INNER4, w_4in6),
    ("tunnel-6in6.pcap", INNER6, w_6in6),
    ("tunnel-qinq.pcap", INNER4, w_qinq),
    ("tunnel-vntag.pcap", INNER4, w_vntag),
    ("tunnel-pbb.pcap", INNER4, w_pbb),
    ("tunnel-nested-erspan-vlan-mpls.pcap", INNER4, w_nested_erspan_vlan_mpls),
    ("tunnel-nested-pppoe-geneve-ipip.pcap", INNER4 + INNER6, w_nested_pppoe_v6_geneve_ipip),
]


def same_pair(nsec, frames):
    """tunnel-same-pair.pcap: one inner address/port pair in two VXLAN tunnels (VNI 100,
    outer 198.18.100.x; VNI 200, outer 198.18.102.x). Part 1: three-way-client-close in VNI
    100, every frame mirrored 0.1 ms later into VNI 200 (same bytes: one connection seen
    twice). Part 2, 20 s later: the same connection again in VNI 200 only, with both ISNs
    moved by 10^6 (a new connection on the same inner pair)."""
    step = 100 if not nsec else 100000  # 0.1 ms in the capture's fraction unit
    unit = 10**9 if nsec else 10**6

    def vx(f, fc, vni, net):
        a, b = "198.18.%d.1" % net, "198.18.%d.2" % net
        return raw(ether(fc) / IP(src=a if fc else b, dst=b if fc else a, id=0, flags="DF") /
                   UDP(sport=49200, dport=4789, chksum=0) / VXLAN(vni=vni) / Raw(f))

    def shifted(f):
        e = Ether(f)
        t = e[TCP]
        t.seq = (t.seq + 10**6) % 2**32
        if t.flags & 0x10:  # ACK
            t.ack = (t.ack + 10**6) % 2**32
        del t.chksum
        return raw(e)

    out = []
    for sec, frac, f, fc in frames:
        out.append((sec, frac, vx(f, fc, 100, 100)))
        s2, f2 = sec, frac + step
        if f2 >= unit:
            s2, f2 = s2 + 1, f2 - unit
        out.append((s2, f2, vx(f, fc, 200, 102)))
    for sec, frac, f, fc in frames:
        out.append((sec + 20, frac, vx(shifted(f), fc, 200, 102)))
    return out


def vxlan_fragmented(nsec, frames):
    """tunnel-vxlan-fragmented.pcap: three-way-client-close in VXLAN, every outer datagram
    longer than 200 bytes (the 300-byte response) split into IPv4 fragments of at most 128
    data bytes (Wireshark reassembles them and dissects the inner TCP in the last one)."""
    unit = 10**9 if nsec else 10**6
    out = []
    for i, (sec, frac, f, fc) in enumerate(frames):
        pkt = ether(fc) / IP(src=A4 if fc else B4, dst=B4 if fc else A4, id=100 + i) / \
            UDP(sport=49152, dport=4789, chksum=0) / VXLAN(vni=4242) / Raw(f)
        parts = [pkt] if len(raw(pkt[IP])) <= 200 else [ether(fc) / p for p in fragment(pkt[IP], 128)]
        for k, p in enumerate(parts):
            s2, f2 = sec, frac + k * (unit // 100000)  # 10 us apart
            if f2 >= unit:
                s2, f2 = s2 + 1, f2 - unit
            out.append((s2, f2, raw(p)))
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    for name, inner, wrap in CAPTURES:
        nsec, frames = inner_frames(inner)
        recs = [(sec, frac, wrap(f, fc, i)) for i, (sec, frac, f, fc) in enumerate(frames)]
        write_pcap(os.path.join(outdir, name), nsec, recs)
        print("%s: %d frames" % (name, len(recs)))
    nsec, frames = inner_frames(["three-way-client-close.pcap"])
    recs = same_pair(nsec, frames)
    write_pcap(os.path.join(outdir, "tunnel-same-pair.pcap"), nsec, recs)
    print("tunnel-same-pair.pcap: %d frames" % len(recs))
    recs = vxlan_fragmented(nsec, frames)
    write_pcap(os.path.join(outdir, "tunnel-vxlan-fragmented.pcap"), nsec, recs)
    print("tunnel-vxlan-fragmented.pcap: %d frames" % len(recs))


if __name__ == "__main__":
    main()
