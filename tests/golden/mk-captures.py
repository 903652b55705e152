#!/usr/bin/python3
"""Writes the analyzer's own small test captures into captures/ (committed).

These exercise the reader, not the scenarios (those are testdata/, from real stacks):
link types, IPv4 options and IPv6 extension headers, fragments, tunnels, ICMP errors
quoting TCP, and Wireshark's tcp.stream rule on reused ports. Run with Debian's python
(scapy): /usr/bin/python3 tests/golden/mk-captures.py. Deterministic: fixed times, MACs.
"""
import gzip
import os
import struct

from scapy.all import (GRE, ICMP, IP, PPP, UDP, Dot1AD, Dot1Q, Ether, IPOption_RR, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, PPPoE, Raw, TCP, fragment, raw, wrpcap)
from scapy.contrib.mpls import MPLS
from scapy.layers.vxlan import VXLAN
from scapy.utils import PcapNgWriter

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures")
C4, S4 = "198.18.1.2", "198.18.2.2"
C6, S6 = "fd00:198:18:1::2", "fd00:198:18:2::2"
MAC_C, MAC_S = "02:00:00:00:00:01", "02:00:00:00:00:02"


class Clock:
    def __init__(self, start=1700000000.0):
        self.t = start

    def __call__(self, p, dt=0.010):
        self.t += dt
        p.time = round(self.t, 6)
        return p


def conn(cport, sport=80, isn_c=1000, isn_s=5000, data=b"GET / HTTP/1.0\r\n\r\n", ts=True):
    """A clean connection (client-first close, three-way): list of (from_client, l4) pairs."""
    def opt(val, ecr):
        return [("Timestamp", (val, ecr))] if ts else []
    c, s = isn_c, isn_s
    out = [
        (True, TCP(sport=cport, dport=sport, flags="S", seq=c, options=[("MSS", 1460)] + opt(100, 0))),
        (False, TCP(sport=sport, dport=cport, flags="SA", seq=s, ack=c + 1, options=[("MSS", 1460)] + opt(900, 100))),
        (True, TCP(sport=cport, dport=sport, flags="A", seq=c + 1, ack=s + 1, options=opt(101, 900))),
        (True, TCP(sport=cport, dport=sport, flags="PA", seq=c + 1, ack=s + 1, options=opt(101, 900)) / Raw(data)),
        (False, TCP(sport=sport, dport=cport, flags="A", seq=s + 1, ack=c + 1 + len(data), options=opt(901, 101))),
        (True, TCP(sport=cport, dport=sport, flags="FA", seq=c + 1 + len(data), ack=s + 1, options=opt(102, 901))),
        (False, TCP(sport=sport, dport=cport, flags="FA", seq=s + 1, ack=c + 2 + len(data), options=opt(902, 102))),
        (True, TCP(sport=cport, dport=sport, flags="A", seq=c + 2 + len(data), ack=s + 2, options=opt(103, 902))),
    ]
    return out


def ip4(from_client, l4, **kw):
    return IP(src=C4 if from_client else S4, dst=S4 if from_client else C4, **kw) / l4


def ip6(from_client, l4):
    return IPv6(src=C6 if from_client else S6, dst=S6 if from_client else C6) / l4


def eth(from_client, payload):
    return Ether(src=MAC_C if from_client else MAC_S, dst=MAC_S if from_client else MAC_C) / payload


def write(name, pkts, linktype=None):
    path = os.path.join(HERE, name)
    if linktype is None:
        wrpcap(path, pkts)
    else:
        wrpcap(path, pkts, linktype=linktype)


def linktypes():
    """The same connection over every link type the analyzer reads."""
    def frames(wrap, cport, v6=False):
        clk = Clock()
        return [clk(wrap(fc, ip6(fc, l4) if v6 else ip4(fc, l4))) for fc, l4 in conn(cport)]

    write("link-ether-qinq.pcap", frames(lambda fc, p: Ether(src=MAC_C, dst=MAC_S) / Dot1AD(vlan=100) / Dot1Q(vlan=7) / p, 41000))
    write("link-ether-9100.pcap", frames(lambda fc, p: Ether(src=MAC_C, dst=MAC_S, type=0x9100) / Dot1Q(vlan=9) / p, 41001))

    def sll(fc, p):
        proto = 0x0800 if p.version == 4 else 0x86DD
        hdr = struct.pack(">HHH8sH", 0 if not fc else 4, 1, 6, bytes.fromhex("020000000001") + b"\0\0", proto)
        return Raw(hdr + raw(p))
    write("link-sll.pcap", frames(sll, 41002), linktype=113)

    def sll2(fc, p):
        proto = 0x0800 if p.version == 4 else 0x86DD
        hdr = struct.pack(">HHIHBB8s", proto, 0, 2, 1, 0 if not fc else 4, 6, bytes.fromhex("020000000001") + b"\0\0")
        return Raw(hdr + raw(p))
    write("link-sll2-ipv6.pcap", frames(sll2, 41003, v6=True), linktype=276)

    write("link-raw.pcap", frames(lambda fc, p: Raw(raw(p)), 41004), linktype=101)
    write("link-ipv4.pcap", frames(lambda fc, p: Raw(raw(p)), 41005), linktype=228)
    write("link-ipv6.pcap", frames(lambda fc, p: Raw(raw(p)), 41006, v6=True), linktype=229)
    # DLT_NULL: address family in the writer's byte order (here little-endian), IPv6 as macOS (30)
    write("link-null.pcap", frames(lambda fc, p: Raw(struct.pack("<I", 2) + raw(p)), 41007), linktype=0)
    write("link-null-be-ipv6.pcap", frames(lambda fc, p: Raw(struct.pack(">I", 30) + raw(p)), 41008, v6=True), linktype=0)
    write("link-loop.pcap", frames(lambda fc, p: Raw(struct.pack(">I", 24) + raw(p)), 41009, v6=True), linktype=108)

    # pcapng with nanosecond timestamps (if_tsresol 9): legs of 1.000000123 s and
    # 2.000000456 s, which a microsecond reader would round
    pk = frames(lambda fc, p: eth(fc, p), 41010)
    ns = [0, 1000000123, 3000000579, 3000100000, 3000200000, 3000300000, 3000400000, 3000500000]
    write_pcapng_ns("link-pcapng-nanosecond.pcapng", [(1700000000 * 10**9 + n, raw(p)) for p, n in zip(pk, ns)])


def write_pcapng_ns(name, records):
    """A minimal pcapng: SHB, one Ethernet IDB with if_tsresol=9, EPBs."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
    out += block(1, struct.pack("<HHI", 1, 0, 0) + opts)
    for t, data in records:
        out += block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(data), len(data)) + data)
    open(os.path.join(HERE, name), "wb").write(out)


def pcapng_block(e, btype, body):
    """One pcapng block in byte order e ("<" or ">")."""
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def pcapng_idb(e, linktype, snaplen, tsresol=None, tsoffset=None):
    opts = b""
    if tsresol is not None:
        opts += struct.pack(e + "HHB3x", 9, 1, tsresol)
    if tsoffset is not None:
        opts += struct.pack(e + "HHq", 14, 8, tsoffset)
    if opts:
        opts += struct.pack(e + "HH", 0, 0)
    return pcapng_block(e, 1, struct.pack(e + "HHI", linktype, 0, snaplen) + opts)


def multi_interface():
    """What `dumpcap -i a -i b` writes, and more: one pcapng whose interfaces differ in link
    type, snapshot length and timestamp resolution (libpcap refuses it), then a second
    section in the other byte order with its own interface, an obsolete packet block, and
    blocks that are not packets (a systemd journal entry, which tshark numbers as a frame)."""
    # (linktype, snaplen, if_tsresol, if_tsoffset, wrap, client port, IPv6)
    ifaces = [(1, 262144, None, None, lambda fc, p: eth(fc, p), 41020, False),
              (113, 96, 9, None, lambda fc, p: Raw(struct.pack(">HHH8sH", 0 if fc else 4, 1, 6,
                                                                  b"\2\0\0\0\0\1\0\0", 0x86DD) + raw(p)), 41021, True),
              (101, 65535, 0x94, None, lambda fc, p: Raw(raw(p)), 41022, False),  # 2^-20 s units
              (147, 65535, None, None, None, None, False)]  # LINKTYPE_USER0: not read, non-IP
    t0 = 1700000000 * 10**6  # microseconds
    e = "<"
    out = pcapng_block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += b"".join(pcapng_idb(e, lt, snap, res, off) for lt, snap, res, off, *_ in ifaces)

    def epb(e, ifid, t_us, data, snaplen, res):
        if res is None:
            t = t_us
        elif res & 0x80:
            t = (t_us << (res & 0x7F)) // 10**6
        else:
            t = t_us * 10 ** (res - 6)
        cap = data[:snaplen]
        return pcapng_block(e, 6, struct.pack(e + "IIIII", ifid, t >> 32, t & 0xFFFFFFFF, len(cap),
                                              len(data)) + cap)
    recs = []
    for k, (lt, snap, res, off, wrap, cport, v6) in enumerate(ifaces):
        if wrap is None:
            recs.append((t0 + 5000 + k, epb(e, k, t0 + 5000 + k, b"\x55" * 40, snap, res)))
            continue
        for j, (fc, l4) in enumerate(conn(cport)):
            t = t0 + j * 10000 + k * 1000
            recs.append((t, epb(e, k, t, raw(wrap(fc, ip6(fc, l4) if v6 else ip4(fc, l4))), snap, res)))
    out += b"".join(r for _, r in sorted(recs, key=lambda r: r[0]))
    # a second section, big-endian: interface 0 is new (Ethernet, snaplen 65535)
    e = ">"
    out += pcapng_block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += pcapng_idb(e, 1, 65535)
    for j, (fc, l4) in enumerate(conn(41023)):
        t = t0 + 200000 + j * 10000
        data = raw(eth(fc, ip4(fc, l4)))
        if j == 2:  # blocks between packets: a systemd journal entry (a frame to tshark),
            # decryption secrets and a custom block (skipped)
            out += pcapng_block(e, 9, b"__REALTIME_TIMESTAMP=1700000000215000\nMESSAGE=tcpconn\n")
            out += pcapng_block(e, 0x0A, struct.pack(e + "II", 0x544C534B, 4) + b"abcd")
            out += pcapng_block(e, 0x00000BAD, struct.pack(e + "I", 32473) + b"custom")
        if j == 3:  # the obsolete packet block (type 2): 16-bit interface and drops
            out += pcapng_block(e, 2, struct.pack(e + "HHIIII", 0, 0, t >> 32, t & 0xFFFFFFFF,
                                                  len(data), len(data)) + data)
        else:
            out += epb(e, 0, t, data, 65535, None)
    open(os.path.join(HERE, "pcapng-multi-interface.pcapng"), "wb").write(out)
    # the same, gzip-compressed (mtime 0: the same bytes on every run)
    with open(os.path.join(HERE, "pcapng-multi-interface.pcapng.gz"), "wb") as f:
        f.write(gzip.compress(out, mtime=0))


def tsoffset_tsresol():
    """One connection seen on two interfaces (client's packets on one, server's on the other):
    interface 0 counts milliseconds from an if_tsoffset 5 s earlier, interface 1 microseconds
    from the epoch. Right legs (10 ms each) only if both are applied."""
    e, t0 = "<", 1700000000 * 10**6  # microseconds
    out = pcapng_block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += pcapng_idb(e, 1, 65535, tsresol=3, tsoffset=1699999995) + pcapng_idb(e, 1, 65535)
    for j, (fc, l4) in enumerate(conn(41030)):
        t_us = t0 + j * 10000
        data = raw(eth(fc, ip4(fc, l4)))
        ifid, t = (0, (t_us - 1699999995 * 10**6) // 1000) if fc else (1, t_us)
        out += pcapng_block(e, 6, struct.pack(e + "IIIII", ifid, t >> 32, t & 0xFFFFFFFF, len(data),
                                              len(data)) + data)
    open(os.path.join(HERE, "pcapng-tsoffset.pcapng"), "wb").write(out)


def ip_headers():
    """IPv4 options, IPv6 extension headers; fragments are skipped and counted."""
    clk = Clock()
    pk = []
    for fc, l4 in conn(42000):
        pk.append(clk(eth(fc, ip4(fc, l4, options=[IPOption_RR(routers=["198.18.0.1"])]))))
    for fc, l4 in conn(42001):
        hdrs = IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(addresses=[], segleft=0) / IPv6ExtHdrDestOpt()
        pk.append(clk(eth(fc, IPv6(src=C6 if fc else S6, dst=S6 if fc else C6) / hdrs / l4)))
    # a fragmented TCP segment (IPv4) and an IPv6 fragment: skipped
    big = IP(src=C4, dst=S4, flags=0) / TCP(sport=42002, dport=80, flags="PA", seq=1, ack=1) / Raw(b"x" * 1200)
    for f in fragment(big, fragsize=600):
        pk.append(clk(eth(True, f)))
    pk.append(clk(eth(True, IPv6(src=C6, dst=S6) / IPv6ExtHdrFragment(offset=0, m=1, id=7) / TCP(sport=42003, dport=80, flags="S", seq=9))))
    # payload cut by snaplen (headers complete): length comes from the IP header
    p = clk(eth(True, ip4(True, TCP(sport=42004, dport=80, flags="PA", seq=1, ack=1) / Raw(b"y" * 500))))
    pk.append(p)
    write("ip-headers.pcap", pk)
    # cut the last frame to 80 bytes captured with scapy's writer: rewrite the record by hand
    path = os.path.join(HERE, "ip-headers.pcap")
    data = bytearray(open(path, "rb").read())
    off = 24
    last = None
    while off < len(data):
        incl, orig = struct.unpack_from("<II", data, off + 8)
        last = off
        off += 16 + incl
    incl, orig = struct.unpack_from("<II", data, last + 8)
    struct.pack_into("<I", data, last + 8, 80)
    del data[last + 16 + 80:]
    open(path, "wb").write(bytes(data))


def tunnels_and_icmp():
    """Tunnelled TCP is numbered (as tcp.stream) but not analysed; so is TCP quoted in ICMP."""
    clk = Clock()
    T4 = ("10.0.0.1", "10.0.0.2")

    def outer(p):
        return Ether(src=MAC_C, dst=MAC_S) / p

    pk = []
    pk += [clk(eth(fc, ip4(fc, l4))) for fc, l4 in conn(43000)[:3]]                      # stream 0
    pk.append(clk(outer(IP(src=T4[0], dst=T4[1]) / GRE() / ip4(True, TCP(sport=43001, dport=80, flags="S", seq=1)))))  # 1
    pk.append(clk(outer(IP(src=T4[0], dst=T4[1]) / UDP(sport=50000, dport=4789) / VXLAN(vni=5) / eth(True, ip4(True, TCP(sport=43002, dport=80, flags="S", seq=1))))))  # 2
    pk.append(clk(outer(IP(src=T4[0], dst=T4[1]) / UDP(sport=6081, dport=6081) / Raw(b"\x00\x00\x65\x58\x00\x00\x05\x00") / eth(True, ip4(True, TCP(sport=43003, dport=80, flags="S", seq=1))))))  # 3
    pk.append(clk(outer(IP(src=T4[0], dst=T4[1]) / UDP(sport=2152, dport=2152) / Raw(b"\x30\xff\x00\x28\x00\x00\x00\x01") / ip4(True, TCP(sport=43004, dport=80, flags="S", seq=1)))))  # 4
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S) / MPLS(label=16, s=1) / ip4(True, TCP(sport=43005, dport=80, flags="S", seq=1))))  # 5
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S) / PPPoE(sessionid=1) / PPP(proto=0x21) / ip4(True, TCP(sport=43006, dport=80, flags="S", seq=1))))  # 6
    pk.append(clk(outer(IP(src=T4[0], dst=T4[1]) / ip4(True, TCP(sport=43007, dport=80, flags="S", seq=1)))))  # 7: IP in IP
    pk.append(clk(eth(False, IP(src=S4, dst=C4) / ICMP(type=3, code=3) / ip4(True, TCP(sport=43008, dport=80, flags="S", seq=1)))))  # 8
    pk += [clk(eth(fc, ip4(fc, l4))) for fc, l4 in conn(43000)[3:]]                      # stream 0 again
    pk += [clk(eth(fc, ip4(fc, l4))) for fc, l4 in conn(43009)]                          # 9
    write("tunnels-icmp.pcap", pk)


def port_reuse():
    """Wireshark's tcp.stream rule on a reused 4-tuple."""
    clk = Clock()
    pk = []
    pk += [clk(eth(fc, ip4(fc, l4))) for fc, l4 in conn(44000, isn_c=1000, isn_s=5000)]   # 0
    pk.append(clk(eth(False, ip4(False, TCP(sport=80, dport=44000, flags="R", seq=5002)))))  # 0: stray RST
    pk.append(clk(eth(True, ip4(True, TCP(sport=44000, dport=80, flags="S", seq=1000)))))   # 0: same ISN
    pk += [clk(eth(fc, ip4(fc, l4))) for fc, l4 in conn(44000, isn_c=90000, isn_s=70000)]  # 1: new ISN
    # a SYN/ACK answering a SYN that was not captured, then that SYN retransmitted
    pk.append(clk(eth(False, ip4(False, TCP(sport=80, dport=44001, flags="SA", seq=300, ack=78)))))  # 2
    pk.append(clk(eth(True, ip4(True, TCP(sport=44001, dport=80, flags="S", seq=77)))))     # 2 (ack-1)
    pk.append(clk(eth(True, ip4(True, TCP(sport=44001, dport=80, flags="A", seq=78, ack=301)))))  # 2
    # the former server opens toward the client's port: a new stream
    pk.append(clk(eth(False, ip4(False, TCP(sport=80, dport=44001, flags="S", seq=123456)))))  # 3
    # a SYN/ACK with a new seq stays in its stream
    pk.append(clk(eth(True, ip4(True, TCP(sport=44001, dport=80, flags="SA", seq=999, ack=123457)))))  # 3
    pk.append(clk(eth(False, ip4(False, TCP(sport=80, dport=44001, flags="A", seq=123457, ack=1000)))))  # 3
    write("port-reuse.pcap", pk)


def stream_rule():
    """More of Wireshark's tcp.stream rule: bases set by data, by ACKs, replaced by SYN/ACKs."""
    clk = Clock()

    def seg(fc, sp, dp, flags, seq, ack=0):
        return clk(eth(fc, ip4(fc, TCP(sport=sp, dport=dp, flags=flags, seq=seq, ack=ack))))

    pk = [
        # SYN; SYN/ACK seq 500; SYN/ACK seq 600 replaces the server's base; a server SYN with
        # seq 600 is then a retransmission, with seq 500 a new stream
        seg(True, 45000, 80, "S", 1), seg(False, 80, 45000, "SA", 500, 2),
        seg(False, 80, 45000, "SA", 600, 2), seg(False, 80, 45000, "S", 600),   # stream 0
        seg(False, 80, 45000, "S", 500),                                         # stream 1
        # data first: its base is seq-1, so a SYN at seq-1 stays, a SYN at seq starts anew
        seg(False, 80, 45001, "PA", 100, 7), seg(False, 80, 45001, "S", 99),     # stream 2
        seg(False, 80, 45001, "S", 100),                                         # stream 3
        # each new ISN is a new stream, also back to an earlier one
        seg(True, 45002, 80, "S", 10), seg(True, 45002, 80, "S", 11),            # 4, 5
        seg(True, 45002, 80, "S", 10),                                           # 6
        # an RST sets its sender's base (seq-1); the peer's ACK sets the RST sender's base
        # only if unset, and its own base from its seq
        seg(True, 45003, 80, "R", 5), seg(True, 45003, 80, "S", 4),              # 7
        seg(False, 80, 45003, "A", 77, 9), seg(False, 80, 45003, "S", 76),       # 7
    ]
    write("stream-rule.pcap", pk)


def tunnels_malformed():
    """A good connection inside VXLAN, then one frame for each way a tunnel header can be cut
    short or be bogus: each must be reported as malformed with its frame, none may crash."""
    clk = Clock()
    T = ("198.18.10.1", "198.18.10.2")

    def outer(p):
        return Ether(src=MAC_C, dst=MAC_S) / IP(src=T[0], dst=T[1]) / p

    def vx(inner):
        return outer(UDP(sport=50000, dport=4789) / VXLAN(vni=5) / inner)

    syn = ip4(True, TCP(sport=46001, dport=80, flags="S", seq=1))
    pk = [clk(vx(eth(fc, ip4(fc, l4)))) for fc, l4 in conn(46000)]                       # 1-8
    pk.append(clk(outer(UDP(sport=50000, dport=4789) / Raw(b"\x08\x00\x00\x00"))))     # 9 VXLAN cut
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S) / IP(src=T[0], dst=T[1], proto=47) /
                  Raw(b"\x30\x00\x08\x00\x00\x00")))                                  # 10 GRE K+S cut
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S, type=0x8847) / MPLS(label=16, s=0) / MPLS(label=17, s=0)))  # 11
    pk.append(clk(outer(UDP(sport=6081, dport=6081) / Raw(b"\x04\x00\x65\x58\x00\x00\x05\x00"))))  # 12 Geneve options cut
    pk.append(clk(outer(UDP(sport=2152, dport=2152) /
                        Raw(b"\x34\xff\x00\x10\x00\x00\x00\x01\x00\x01\x00\x85\x00\x00\x00\x00"))))  # 13 GTP ext length 0
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S, type=0x8864) / Raw(b"\x11\x00\x00")))       # 14 PPPoE cut
    pk.append(clk(outer(GRE(seqnum_present=1, proto=0x22EB) / Raw(b"\x20\x00\x00\x07\x00\x00"))))  # 15 ERSPAN III cut
    pk.append(clk(vx(Raw(b"\x02\x00\x00\x00\x00\x02\x02\x00"))))                  # 16 inner Ethernet cut
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S, type=0x8926) / Raw(b"\x80\x12")))            # 17 VN-Tag cut
    pk.append(clk(outer(GRE(proto=0x0800) / Raw(raw(syn)[:36]))))                         # 18 inner TCP cut (16 bytes)
    # 10 encapsulations (nine IP-in-IP headers around the IP of a SYN): deeper than the
    # analyzer's limit of 8, so malformed here; Wireshark dissects it (stream 2), hence this
    # capture's plugin-only-ok. Last, so that no later stream number depends on it.
    deep = ip4(True, TCP(sport=46002, dport=80, flags="S", seq=1))
    for _ in range(9):
        deep = IP(src=T[0], dst=T[1], proto=4) / deep
    pk.append(clk(Ether(src=MAC_C, dst=MAC_S) / deep))                                  # 19
    write("tunnels-malformed.pcap", pk)


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    linktypes()
    ip_headers()
    tunnels_and_icmp()
    port_reuse()
    stream_rule()
    tunnels_malformed()
    multi_interface()
    tsoffset_tsresol()
