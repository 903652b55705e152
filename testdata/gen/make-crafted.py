#!/usr/bin/python3
"""Crafted captures for what the Linux stack will not produce on demand, plus link-layer variants.

    /usr/bin/python3 testdata/gen/make-crafted.py [OUTDIR]     # default: testdata/

Deterministic: fixed timestamps (integer nanoseconds from 2026-01-01T00:00:00Z), fixed ISNs,
fixed IP IDs, no randomness; the files are byte-identical on every run. scapy (Debian's
python3-scapy 2.5) only builds the packet bytes; the pcap/pcapng writers are below.
Addresses: client 198.18.1.2 / fd00:198:18:1::2, server 198.18.2.2 / fd00:198:18:2::2 port 80.
"""
import os
import struct
import sys

from scapy.all import (  # noqa: E402
    GRE, IP, TCP, UDP, VXLAN, CookedLinux, CookedLinuxV2, Dot1Q, Ether, IPOption_NOP, IPOption_RR,
    IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, Raw, fragment,
)

EPOCH_NS = 1767225600 * 10**9  # 2026-01-01T00:00:00Z
MS = 10**6
US = 10**3

C4, S4 = "198.18.1.2", "198.18.2.2"
C6, S6 = "fd00:198:18:1::2", "fd00:198:18:2::2"
CMAC, SMAC = "02:00:c6:12:01:02", "02:00:c6:12:02:02"

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


# ------------------------------------------------------------------ writers

def write_pcap(path, records, linktype=LINKTYPE_ETHERNET, nsec=False, snaplen=262144):
    """Classic pcap, little-endian; records: [(t_ns, bytes)]."""
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))
        for t_ns, data in records:
            sec, rem = divmod(t_ns, 10**9)
            frac = rem if nsec else rem // 1000
            f.write(struct.pack("<IIII", sec, frac, len(data), len(data)))
            f.write(data)


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


def write_pcapng(path, records, linktype=LINKTYPE_ETHERNET, snaplen=262144):
    """pcapng: SHB, one IDB with if_tsresol=9 (nanoseconds), EPBs."""
    def block(btype, body):
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    def opt(code, val):
        return struct.pack("<HH", code, len(val)) + _pad4(val)

    with open(path, "wb") as f:
        shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opt(4, b"tcpconn make-crafted.py") + opt(0, b"")
        f.write(block(0x0A0D0D0A, shb))
        idb = struct.pack("<HHI", linktype, 0, snaplen) + opt(2, b"crafted0") + opt(9, b"\x09") + opt(0, b"")
        f.write(block(0x00000001, idb))
        for t_ns, data in records:
            body = struct.pack("<IIIII", 0, t_ns >> 32, t_ns & 0xFFFFFFFF, len(data), len(data)) + _pad4(data)
            f.write(block(0x00000006, body))


# ------------------------------------------------------------------ connections

class Side:
    def __init__(self, addr, port, isn, ipid, mac):
        self.addr, self.port, self.mac = addr, port, mac
        self.nxt = isn          # next sequence number to send
        self.ipid = ipid
        self.ts = None          # TSval clock (ms ticks) when timestamps are used


class Conn:
    """Builds the L3 packets of one connection; tracks sequence numbers so defaults are sane.

    pkt(side, flags, ...) sends from 'c' or 's'. Defaults: seq = sender's next sequence
    number, ack = the peer's next sequence number (everything the peer sent was received).
    """

    def __init__(self, cport=40000, sport=80, c_isn=1000, s_isn=5000, v6=False, ts=False,
                 c_ipid=0x1000, s_ipid=0x2000, caddr=None, saddr=None):
        self.v6 = v6
        self.side = {
            "c": Side(caddr or (C6 if v6 else C4), cport, c_isn, c_ipid, CMAC),
            "s": Side(saddr or (S6 if v6 else S4), sport, s_isn, s_ipid, SMAC),
        }
        self.use_ts = ts
        if ts:
            self.side["c"].ts = 1000000
            self.side["s"].ts = 7000000
        self.last_ts = {"c": 0, "s": 0}

    def peer(self, frm):
        return "s" if frm == "c" else "c"

    def pkt(self, frm, flags, data=b"", seq=None, ack=None, win=64240, options=None, advance=True,
            tsval=None, tsecr=None, ip_id=None, ipopts=None):
        a, b = self.side[frm], self.side[self.peer(frm)]
        if seq is None:
            seq = a.nxt
        if ack is None:
            ack = b.nxt if "A" in flags else 0
        opts = list(options or [])
        if self.use_ts:
            if tsval is None:
                tsval = a.ts
            if tsecr is None:
                tsecr = self.last_ts[self.peer(frm)] if ("A" in flags or "S" not in flags) else 0
            opts.append(("Timestamp", (tsval, tsecr)))
            self.last_ts[frm] = tsval
        tcp = TCP(sport=a.port, dport=b.port, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF, flags=flags,
                  window=win, options=opts)
        if self.v6:
            ip = IPv6(src=a.addr, dst=b.addr, hlim=64)
        else:
            if ip_id is None:
                ip_id = a.ipid
                a.ipid = (a.ipid + 1) & 0xFFFF
            ip = IP(src=a.addr, dst=b.addr, id=ip_id, ttl=64, flags="DF", options=ipopts or [])
        p = ip / tcp
        if data:
            p = p / Raw(data)
        if advance:
            end = seq + len(data) + (1 if "S" in flags else 0) + (1 if "F" in flags else 0)
            if ((end - a.nxt) & 0xFFFFFFFF) < 0x80000000:
                a.nxt = end & 0xFFFFFFFF
        return frm, p

    def tick(self, ms):
        """Advance both TS clocks (1 tick = 1 ms)."""
        for s in self.side.values():
            if s.ts is not None:
                s.ts += ms


class Timeline:
    """(time, side, scapy L3 packet) in capture order."""

    def __init__(self, start_ms=0):
        self.t = EPOCH_NS + start_ms * MS
        self.items = []

    def at(self, dt_ns, sp):
        self.t += dt_ns
        self.items.append((self.t, sp[0], sp[1]))

    def extend(self, other):
        self.items.extend(other.items)
        self.items.sort(key=lambda x: x[0])


def ether_records(tl, wrap=None):
    """Ethernet frames of a timeline; wrap(side, l3bytes) -> frame bytes overrides."""
    out = []
    for t, side, p in tl.items:
        l3 = bytes(p)
        if wrap:
            out.append((t, wrap(side, p, l3)))
        else:
            src, dst = (CMAC, SMAC) if side == "c" else (SMAC, CMAC)
            out.append((t, bytes(Ether(src=src, dst=dst) / p)))
    return out


# ------------------------------------------------------------------ building blocks

def handshake(tl, c, gap_server=20 * MS, gap_client=60 * MS, first=0):
    """SYN, SYN/ACK after gap_server, ACK after gap_client (seen from the middle)."""
    mss = [("MSS", 1460)]
    tl.at(first, c.pkt("c", "S", options=mss))
    c.tick(gap_server // MS)
    tl.at(gap_server, c.pkt("s", "SA", options=mss))
    c.tick(gap_client // MS)
    tl.at(gap_client, c.pkt("c", "A"))


def exchange(tl, c, req=b"GET / HTTP/1.0\r\n\r\n", resp=b"HTTP/1.0 200 OK\r\n\r\nhello\n"):
    tl.at(1 * MS, c.pkt("c", "PA", req))
    c.tick(20)
    tl.at(20 * MS, c.pkt("s", "PA", resp))
    c.tick(60)
    tl.at(60 * MS, c.pkt("c", "A"))


def three_way_close(tl, c, a="c"):
    b = c.peer(a)
    tl.at(5 * MS, c.pkt(a, "FA"))
    c.tick(20)
    tl.at(20 * MS, c.pkt(b, "FA"))
    c.tick(60)
    tl.at(60 * MS, c.pkt(a, "A"))


def four_way_close(tl, c, a="c"):
    b = c.peer(a)
    tl.at(5 * MS, c.pkt(a, "FA"))
    c.tick(20)
    tl.at(20 * MS, c.pkt(b, "A"))
    c.tick(200)
    tl.at(200 * MS, c.pkt(b, "FA"))
    c.tick(60)
    tl.at(60 * MS, c.pkt(a, "A"))


def normal(c=None, close=three_way_close):
    c = c or Conn()
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    close(tl, c)
    return tl


# ------------------------------------------------------------------ scenarios
# Each returns (timeline or records, linktype) and is listed in CRAFTED with its file name.

def syn_fin_scan():
    c = Conn(cport=40001, c_isn=0x12345678)
    tl = Timeline()
    tl.at(0, c.pkt("c", "SF"))
    return tl


def seq_wrap():
    # ISNs just below 2^32: data, FINs and ACKs straddle the wrap. Four-way close by the client.
    c = Conn(cport=40002, c_isn=0xFFFFFFF0, s_isn=0xFFFFFFFA)
    tl = Timeline()
    handshake(tl, c)
    tl.at(1 * MS, c.pkt("c", "PA", b"0123456789abcd"))   # seq 0xFFFFFFF1..0xFFFFFFFE, next 0xFFFFFFFF
    tl.at(20 * MS, c.pkt("s", "PA", b"wrap!"))           # seq 0xFFFFFFFB..0xFFFFFFFF, next 0x00000000
    tl.at(60 * MS, c.pkt("c", "A"))
    assert c.side["c"].nxt == 0xFFFFFFFF and c.side["s"].nxt == 0
    tl.at(5 * MS, c.pkt("c", "FA"))                      # FIN at seq 0xFFFFFFFF
    tl.at(20 * MS, c.pkt("s", "A"))                      # ack 0x00000000
    tl.at(200 * MS, c.pkt("s", "FA"))                    # FIN at seq 0x00000000, ack 0
    tl.at(60 * MS, c.pkt("c", "A"))                      # ack 0x00000001
    return tl


def missing_final_ack():
    c = Conn(cport=40003)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    tl.at(5 * MS, c.pkt("c", "FA"))
    tl.at(20 * MS, c.pkt("s", "FA"))
    return tl


def fin_reordered():
    # The passive side's FIN+ACK (which acks the client's FIN) is captured before the client's FIN.
    c = Conn(cport=40004)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    fin_c = c.pkt("c", "FA")              # built first: the client really sent it first
    fin_s = c.pkt("s", "FA")              # acks the client's FIN (ack = client FIN seq + 1)
    tl.at(5 * MS, fin_s)
    tl.at(100 * US, fin_c)
    tl.at(60 * MS, c.pkt("c", "A"))
    return tl


def rst_instead_of_final_ack():
    c = Conn(cport=40005)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    tl.at(5 * MS, c.pkt("c", "FA"))
    tl.at(20 * MS, c.pkt("s", "FA"))
    tl.at(60 * MS, c.pkt("c", "R", ack=0))   # RST (no ACK) where the final ACK should be
    return tl


def rst_no_ack():
    c = Conn(cport=40006)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    tl.at(50 * MS, c.pkt("c", "R"))
    return tl


def rst_ack():
    c = Conn(cport=40007)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    tl.at(50 * MS, c.pkt("s", "RA"))
    return tl


def fin_rst():
    c = Conn(cport=40008)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    tl.at(50 * MS, c.pkt("c", "FRA"))
    return tl


def tfo_syn_data():
    # TCP Fast Open: the SYN carries a cookie and 18 bytes; the SYN/ACK acks them.
    c = Conn(cport=40009)
    tl = Timeline()
    req = b"GET / HTTP/1.0\r\n\r\n"
    tl.at(0, c.pkt("c", "S", req, options=[("MSS", 1460), ("TFO", b"\x01\x02\x03\x04\x05\x06\x07\x08")]))
    tl.at(20 * MS, c.pkt("s", "SA", options=[("MSS", 1460)]))
    tl.at(60 * MS, c.pkt("c", "A"))
    tl.at(1 * MS, c.pkt("s", "PA", b"HTTP/1.0 200 OK\r\n\r\nhello\n"))
    tl.at(60 * MS, c.pkt("c", "A"))
    three_way_close(tl, c)
    return tl


def simultaneous_open():
    c = Conn(cport=40010, sport=40011)
    tl = Timeline()
    syn_c = c.pkt("c", "S", options=[("MSS", 1460)])
    syn_s = c.pkt("s", "S", options=[("MSS", 1460)])
    tl.at(0, syn_c)
    tl.at(3 * MS, syn_s)
    # each answers the other's SYN with a SYN/ACK (same ISN as its SYN)
    tl.at(20 * MS, c.pkt("c", "SA", seq=1000, options=[("MSS", 1460)], advance=False))
    tl.at(3 * MS, c.pkt("s", "SA", seq=5000, options=[("MSS", 1460)], advance=False))
    tl.at(20 * MS, c.pkt("c", "PA", b"hello\n"))
    tl.at(20 * MS, c.pkt("s", "A"))
    three_way_close(tl, c)
    return tl


def span_duplicates():
    tl = normal(Conn(cport=40012), close=four_way_close)
    out = Timeline()
    for t, side, p in tl.items:
        out.items.append((t, side, p))
        out.items.append((t + 300 * US, side, p))   # the same frame again, 0.3 ms later
    return out


def keepalive_zero_window():
    c = Conn(cport=40013)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    # keepalive: seq = next - 1, no data; answered by a plain ACK
    ka = c.pkt("c", "A", seq=(c.side["c"].nxt - 1) & 0xFFFFFFFF, advance=False)
    tl.at(2000 * MS, ka)
    tl.at(20 * MS, c.pkt("s", "A"))
    # a keepalive with one garbage byte (BSD style), also old data
    tl.at(2000 * MS, c.pkt("c", "A", b"\0", seq=(c.side["c"].nxt - 1) & 0xFFFFFFFF, advance=False))
    tl.at(20 * MS, c.pkt("s", "A"))
    # the client sends data; the server's window closes
    tl.at(10 * MS, c.pkt("c", "PA", b"x" * 100))
    tl.at(20 * MS, c.pkt("s", "A", win=0))
    # zero-window probe: one byte at the next sequence number; the server still has window 0
    tl.at(200 * MS, c.pkt("c", "A", b"y", advance=False))
    tl.at(20 * MS, c.pkt("s", "A", win=0))
    tl.at(400 * MS, c.pkt("c", "A", b"y", advance=False))
    tl.at(20 * MS, c.pkt("s", "A", win=0))
    # window update, then the probed byte for real, then a four-way close by the client
    tl.at(300 * MS, c.pkt("s", "A", win=64240))
    tl.at(20 * MS, c.pkt("c", "PA", b"y"))
    tl.at(20 * MS, c.pkt("s", "A"))
    four_way_close(tl, c)
    return tl


def synack_retransmission():
    # the client's ACK of the first SYN/ACK was lost before the capture point; the server
    # retransmits the SYN/ACK after 1 s; no timestamps, so the client leg is ambiguous
    c = Conn(cport=40014)
    tl = Timeline()
    tl.at(0, c.pkt("c", "S", options=[("MSS", 1460)]))
    synack = c.pkt("s", "SA", options=[("MSS", 1460)])
    tl.at(20 * MS, synack)
    again = synack[1].copy()
    again[IP].id = 0x2001                           # a new transmission: a new IP ID
    c.side["s"].ipid = 0x2002
    tl.at(1000 * MS, ("s", again))
    tl.at(60 * MS, c.pkt("c", "A"))
    exchange(tl, c)
    three_way_close(tl, c)
    return tl


def fin_retransmission():
    c = Conn(cport=40015)
    tl = Timeline()
    handshake(tl, c)
    exchange(tl, c)
    fin = c.pkt("c", "FA")
    tl.at(5 * MS, fin)
    again = fin[1].copy()
    again[IP].id = 0x1005                           # no ACK came back: the FIN again (new IP ID)
    c.side["c"].ipid = 0x1006
    tl.at(200 * MS, ("c", again))
    tl.at(20 * MS, c.pkt("s", "A"))
    tl.at(200 * MS, c.pkt("s", "FA"))
    tl.at(60 * MS, c.pkt("c", "A"))
    return tl


def stray_rst_after_close():
    c = Conn(cport=40016)
    tl = normal(c)
    tl.at(3000 * MS, c.pkt("s", "R", seq=c.side["s"].nxt, ack=0))
    return tl


def fin_with_data():
    c = Conn(cport=40017)
    tl = Timeline()
    handshake(tl, c)
    tl.at(1 * MS, c.pkt("c", "FPA", b"last words\n"))     # the client's data and FIN in one segment
    tl.at(20 * MS, c.pkt("s", "FA"))                      # FIN+ACK, acks data and FIN
    tl.at(60 * MS, c.pkt("c", "A"))
    return tl


def fin_with_data_both():
    # as above, but the server's FIN+ACK also carries new data: by SPEC that is half-close
    # ("new payload in a segment that acks A's FIN, before or on its own FIN segment")
    c = Conn(cport=40021)
    tl = Timeline()
    handshake(tl, c)
    tl.at(1 * MS, c.pkt("c", "FPA", b"last words\n"))
    tl.at(20 * MS, c.pkt("s", "FPA", b"bye\n"))
    tl.at(60 * MS, c.pkt("c", "A"))
    return tl


def syn_retrans_ts(echo="latest"):
    """SYN, SYN retransmission 1 s later (new TSval), SYN/ACK whose TSecr names the latest SYN
    (certain) or the first one (Linux re-answering: ambiguous)."""
    c = Conn(cport=40018 if echo == "latest" else 40019, ts=True)
    tl = Timeline()
    mss = [("MSS", 1460), ("NOP", None), ("WScale", 7)]
    syn1_ts = c.side["c"].ts
    tl.at(0, c.pkt("c", "S", options=mss, advance=False))
    c.tick(1000)
    syn2_ts = c.side["c"].ts
    tl.at(1000 * MS, c.pkt("c", "S", options=mss))
    c.tick(20)
    tl.at(20 * MS, c.pkt("s", "SA", options=mss, tsecr=syn2_ts if echo == "latest" else syn1_ts))
    c.tick(60)
    tl.at(60 * MS, c.pkt("c", "A"))
    c.tick(1)
    exchange(tl, c)
    c.tick(5)
    four_way_close(tl, c)
    return tl


def syn_retrans_no_ts():
    c = Conn(cport=40020)
    tl = Timeline()
    tl.at(0, c.pkt("c", "S", options=[("MSS", 1460)], advance=False))
    tl.at(1000 * MS, c.pkt("c", "S", options=[("MSS", 1460)]))
    tl.at(20 * MS, c.pkt("s", "SA", options=[("MSS", 1460)]))
    tl.at(60 * MS, c.pkt("c", "A"))
    exchange(tl, c)
    three_way_close(tl, c)
    return tl


def syn_unanswered():
    # a SYN and its two retransmissions (1 s, then 2 s later), never answered
    c = Conn(cport=40022)
    tl = Timeline()
    for gap in (0, 1000, 2000):
        tl.at(gap * MS, c.pkt("c", "S", options=[("MSS", 1460)], seq=1000, advance=False))
    return tl


def synack_no_ack():
    # SYN, SYN/ACK and its two retransmissions; the client never acknowledges
    c = Conn(cport=40023)
    tl = Timeline()
    tl.at(0, c.pkt("c", "S", options=[("MSS", 1460)]))
    for gap in (20, 1000, 2000):
        tl.at(gap * MS, c.pkt("s", "SA", options=[("MSS", 1460)], seq=5000, advance=False))
    return tl


def port_reuse():
    """Four connections on one 4-tuple (198.18.1.2:40024 -> :80), each with a new ISN:
    0 three-way close by the client; 1 first SYN retransmitted (same ISN: still stream 1), four-way
    close by the server; 2 refused; 3 reset by the client after the handshake."""
    tl = Timeline()
    ipid = {"c": 0x1000, "s": 0x2000}

    def conn(c_isn, s_isn):
        c = Conn(cport=40024, c_isn=c_isn, s_isn=s_isn, c_ipid=ipid["c"], s_ipid=ipid["s"])
        return c

    def done(c):
        ipid["c"], ipid["s"] = c.side["c"].ipid, c.side["s"].ipid

    c = conn(1000, 5000)
    handshake(tl, c)
    exchange(tl, c)
    three_way_close(tl, c)
    done(c)

    c = conn(200000, 300000)
    tl.at(1000 * MS, c.pkt("c", "S", options=[("MSS", 1460)], advance=False))
    tl.at(1000 * MS, c.pkt("c", "S", options=[("MSS", 1460)]))
    tl.at(20 * MS, c.pkt("s", "SA", options=[("MSS", 1460)]))
    tl.at(60 * MS, c.pkt("c", "A"))
    exchange(tl, c)
    four_way_close(tl, c, a="s")
    done(c)

    c = conn(400000, 0)
    tl.at(1000 * MS, c.pkt("c", "S", options=[("MSS", 1460)]))
    tl.at(20 * MS, c.pkt("s", "RA", seq=0, win=0))
    done(c)

    c = conn(600000, 700000)
    handshake(tl, c, first=1000 * MS)
    exchange(tl, c)
    tl.at(30 * MS, c.pkt("c", "RA"))
    return tl


CRAFTED = [
    ("crafted-syn-fin-scan.pcap", syn_fin_scan),
    ("crafted-seq-wrap.pcap", seq_wrap),
    ("crafted-missing-final-ack.pcap", missing_final_ack),
    ("crafted-fin-reordered.pcap", fin_reordered),
    ("crafted-rst-instead-of-final-ack.pcap", rst_instead_of_final_ack),
    ("crafted-rst-no-ack.pcap", rst_no_ack),
    ("crafted-rst-ack.pcap", rst_ack),
    ("crafted-fin-rst.pcap", fin_rst),
    ("crafted-tfo-syn-data.pcap", tfo_syn_data),
    ("crafted-simultaneous-open.pcap", simultaneous_open),
    ("crafted-span-duplicates.pcap", span_duplicates),
    ("crafted-keepalive-zero-window.pcap", keepalive_zero_window),
    ("crafted-synack-retransmission.pcap", synack_retransmission),
    ("crafted-fin-retransmission.pcap", fin_retransmission),
    ("crafted-stray-rst-after-close.pcap", stray_rst_after_close),
    ("crafted-fin-with-data.pcap", fin_with_data),
    ("crafted-fin-with-data-both.pcap", fin_with_data_both),
    ("crafted-syn-retrans-ts-certain.pcap", lambda: syn_retrans_ts("latest")),
    ("crafted-syn-retrans-ts-echo-first.pcap", lambda: syn_retrans_ts("first")),
    ("crafted-syn-retrans-no-ts.pcap", syn_retrans_no_ts),
    ("crafted-syn-unanswered.pcap", syn_unanswered),
    ("crafted-synack-no-ack.pcap", synack_no_ack),
    ("crafted-port-reuse.pcap", port_reuse),
]


# ------------------------------------------------------------------ link-layer variants
# One small normal connection (three-way close by the client) in every framing.

def link_conn(v6=False, ipopts=None, cport=41000):
    c = Conn(cport=cport, v6=v6)
    if ipopts:
        orig = c.pkt

        def pkt(*a, **kw):
            kw.setdefault("ipopts", ipopts)
            return orig(*a, **kw)
        c.pkt = pkt
    return normal(c)


def macs(side):
    return (CMAC, SMAC) if side == "c" else (SMAC, CMAC)


def ethertype(p):
    return 0x86DD if p.haslayer(IPv6) else 0x0800


def w_vlan(side, p, l3):
    s, d = macs(side)
    return bytes(Ether(src=s, dst=d) / Dot1Q(vlan=100, prio=0) / p)


def w_qinq(side, p, l3):
    s, d = macs(side)
    return bytes(Ether(src=s, dst=d, type=0x88A8) / Dot1Q(vlan=200, type=0x8100) / Dot1Q(vlan=100) / p)


def w_sll(side, p, l3):
    # captured on the client host: client packets outgoing (4), server packets to us (0)
    s, _ = macs(side)
    hdr = struct.pack("!HHH8sH", 4 if side == "c" else 0, 1, 6, bytes.fromhex(s.replace(":", "")) + b"\0\0",
                      ethertype(p))
    return hdr + l3


def w_sll2(side, p, l3):
    s, _ = macs(side)
    hdr = struct.pack("!HHIHBB8s", ethertype(p), 0, 2, 1, 4 if side == "c" else 0, 6,
                      bytes.fromhex(s.replace(":", "")) + b"\0\0")
    return hdr + l3


def w_raw(side, p, l3):
    return l3


def w_null(side, p, l3):
    return struct.pack("<I", 2) + l3   # AF_INET, host byte order (little-endian writer)


def w_ipv6_ext(side, p, l3):
    # hop-by-hop options (PadN) on every packet, and destination options on the server's
    ip6 = p[IPv6]
    tcp = ip6[TCP]
    inner = IPv6(src=ip6.src, dst=ip6.dst, hlim=64) / IPv6ExtHdrHopByHop()
    if side == "s":
        inner = inner / IPv6ExtHdrDestOpt()
    s, d = macs(side)
    return bytes(Ether(src=s, dst=d) / inner / tcp)


OUTER_C, OUTER_S = "198.18.10.1", "198.18.10.2"


def w_gre(side, p, l3):
    s, d = macs(side)
    osrc, odst = (OUTER_C, OUTER_S) if side == "c" else (OUTER_S, OUTER_C)
    return bytes(Ether(src=s, dst=d) / IP(src=osrc, dst=odst, id=0x3000 + (p[IP].id & 0xFFF), ttl=64)
                 / GRE(proto=0x0800) / p)


def w_vxlan(side, p, l3):
    s, d = macs(side)
    osrc, odst = (OUTER_C, OUTER_S) if side == "c" else (OUTER_S, OUTER_C)
    inner = Ether(src=s, dst=d) / p
    return bytes(Ether(src="02:00:c6:12:0a:01", dst="02:00:c6:12:0a:02") /
                 IP(src=osrc, dst=odst, id=0x4000 + (p[IP].id & 0xFFF), ttl=64) /
                 UDP(sport=49152 + (p[TCP].sport & 0xFF), dport=4789) / VXLAN(vni=4242, flags=0x08) / inner)


def fragmented():
    """The server's response segment is split into two IPv4 fragments (8-byte aligned)."""
    tl = link_conn(cport=41010)
    out = []
    for t, side, p in tl.items:
        s, d = macs(side)
        if side == "s" and p.haslayer(Raw) and not p[TCP].flags.F:
            p2 = p.copy()
            p2[IP].flags = 0
            frags = fragment(p2, fragsize=24)
            for i, fr in enumerate(frags):
                out.append((t + i * 10 * US, bytes(Ether(src=s, dst=d) / fr)))
        else:
            out.append((t, bytes(Ether(src=s, dst=d) / p)))
    return out


LINKS = [
    ("link-ethernet.pcap", lambda: ether_records(link_conn(cport=41000)), LINKTYPE_ETHERNET, False),
    ("link-vlan.pcap", lambda: ether_records(link_conn(cport=41001), w_vlan), LINKTYPE_ETHERNET, False),
    ("link-qinq.pcap", lambda: ether_records(link_conn(cport=41002), w_qinq), LINKTYPE_ETHERNET, False),
    ("link-sll.pcap", lambda: ether_records(link_conn(cport=41003), w_sll), LINKTYPE_LINUX_SLL, False),
    ("link-sll2.pcap", lambda: ether_records(link_conn(cport=41004), w_sll2), LINKTYPE_LINUX_SLL2, False),
    ("link-raw.pcap", lambda: ether_records(link_conn(cport=41005), w_raw), LINKTYPE_RAW, False),
    ("link-raw-ipv6.pcap", lambda: ether_records(link_conn(v6=True, cport=41006), w_raw), LINKTYPE_RAW, False),
    ("link-null.pcap", lambda: ether_records(link_conn(cport=41007), w_null), LINKTYPE_NULL, False),
    ("link-ethernet-nsec.pcap", lambda: ether_records(link_conn(cport=41008)), LINKTYPE_ETHERNET, True),
    ("link-ipv4-options.pcap",
     lambda: ether_records(link_conn(cport=41009, ipopts=[IPOption_RR(routers=["198.18.3.1"]), IPOption_NOP()])),
     LINKTYPE_ETHERNET, False),
    ("link-ip-fragment.pcap", fragmented, LINKTYPE_ETHERNET, False),
    ("link-ipv6-ext-headers.pcap", lambda: ether_records(link_conn(v6=True, cport=41011), w_ipv6_ext),
     LINKTYPE_ETHERNET, False),
    ("link-gre.pcap", lambda: ether_records(link_conn(cport=41012), w_gre), LINKTYPE_ETHERNET, False),
    ("link-vxlan.pcap", lambda: ether_records(link_conn(cport=41013), w_vxlan), LINKTYPE_ETHERNET, False),
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(out, exist_ok=True)
    for name, fn in CRAFTED:
        write_pcap(os.path.join(out, name), ether_records(fn()))
    for name, fn, lt, nsec in LINKS:
        write_pcap(os.path.join(out, name), fn(), linktype=lt, nsec=nsec)
    write_pcapng(os.path.join(out, "link-ethernet-nsec.pcapng"), ether_records(link_conn(cport=41014)))
    print("wrote %d captures to %s" % (len(CRAFTED) + len(LINKS) + 1, out), file=sys.stderr)


if __name__ == "__main__":
    main()
