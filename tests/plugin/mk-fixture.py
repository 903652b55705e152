#!/usr/bin/python3
"""Writes data/fixture.pcap: one small synthetic connection per teardown style, and
data/edge.pcap: the adapter's edge cases (IPv6, equal ports, SPAN duplicates, timestamps,
TCP quoted in an ICMP error, TCP in a GRE tunnel), and data/stream-switch.pcap: a quoted SYN
that moves a connection to a new tcp.stream halfway.

Deterministic (fixed times, sequence numbers and IP IDs), so the expected plugin output
in golden/ never changes. Used by the filter, expert-info and preference tests; the real
captures in testdata/ are covered through TESTLIST. Run with Debian's python (scapy):
    /usr/bin/python3 tests/plugin/mk-fixture.py
"""
import os
from scapy.all import GRE, ICMP, IP, IPv6, TCP, Ether, Raw, wrpcap

CLIENT, SERVER = "198.18.1.2", "198.18.2.2"
packets = []
clock = [1_700_000_000.0]
ip_id = [1]


def send(src, sport, dport, flags, seq, ack=0, data=b"", dt=0.001, net=None, options=None, dup=False):
    """net(src, dst) makes the network layer(s); default plain IPv4 between CLIENT and SERVER."""
    clock[0] += dt
    dst = SERVER if src == CLIENT else CLIENT
    ipl = net(src, dst) if net else IP(src=src, dst=dst, id=ip_id[0])
    p = ipl / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240,
                  options=options or [])
    if data:
        p = p / Raw(data)
    ip_id[0] += 1
    p.time = clock[0]
    packets.append(p)
    if dup:  # the same transmission captured twice, 50 us later
        q = p.copy()
        q.time = clock[0] + 0.00005
        packets.append(q)


class Conn:
    def __init__(self, port, server_rtt=0.020, client_rtt=0.060, sport=80, net=None):
        self.cp, self.sp = port, sport
        self.c, self.s = 1000, 5000  # next sequence numbers (ISNs first)
        self.srtt, self.crtt = server_rtt, client_rtt
        self.net = net

    def cli(self, flags, data=b"", dt=0.001, ack=None, **kw):
        send(CLIENT, self.cp, self.sp, flags, self.c, self.s if ack is None else ack, data, dt, self.net, **kw)
        self.c += len(data) + ("S" in flags) + ("F" in flags)

    def srv(self, flags, data=b"", dt=0.001, ack=None, **kw):
        send(SERVER, self.sp, self.cp, flags, self.s, self.c if ack is None else ack, data, dt, self.net, **kw)
        self.s += len(data) + ("S" in flags) + ("F" in flags)

    def handshake(self):
        send(CLIENT, self.cp, self.sp, "S", self.c, 0, dt=0.010, net=self.net)
        self.c += 1
        self.srv("SA", dt=self.srtt)
        self.cli("A", dt=self.crtt)

    def exchange(self):
        self.cli("PA", b"GET / HTTP/1.0\r\n\r\n")
        self.srv("A", dt=0.020)
        self.srv("PA", b"HTTP/1.0 200 OK\r\n\r\nhello", dt=0.005)
        self.cli("A", dt=0.060)


# 40000: three-way close by the client
c = Conn(40000); c.handshake(); c.exchange()
c.cli("FA", dt=0.010); c.srv("FA", dt=0.020); c.cli("A", dt=0.060)

# 40001: four-way close by the server
c = Conn(40001); c.handshake(); c.exchange()
c.srv("FA", dt=0.010); c.cli("A", dt=0.060); c.cli("FA", dt=0.030); c.srv("A", dt=0.020)

# 40002: reset by the server after the exchange
c = Conn(40002); c.handshake(); c.exchange()
c.srv("R", dt=0.010, ack=0)

# 40003: refused
c = Conn(40003)
send(CLIENT, 40003, 80, "S", 1000, 0, dt=0.010)
send(SERVER, 80, 40003, "RA", 0, 1001, dt=0.020)

# 40004: simultaneous close, the FINs cross
c = Conn(40004); c.handshake(); c.exchange()
fin_c, fin_s = c.c, c.s
c.cli("FA", dt=0.010); c.srv("FA", dt=0.002, ack=fin_c)
c.srv("A", dt=0.020); c.cli("A", dt=0.040)

# 40005: half-close: the server sends data after the client's FIN
c = Conn(40005); c.handshake()
c.cli("PA", b"request\n"); c.srv("A", dt=0.020)
c.cli("FA", dt=0.005); c.srv("A", dt=0.020)
c.srv("PA", b"response after your FIN\n", dt=0.010); c.cli("A", dt=0.060)
c.srv("FA", dt=0.005); c.cli("A", dt=0.060)

# 40006: the SYN is retransmitted once; three-way close by the server
c = Conn(40006)
send(CLIENT, 40006, 80, "S", 1000, 0, dt=0.010)
send(CLIENT, 40006, 80, "S", 1000, 0, dt=1.000)
c.c += 1
c.srv("SA", dt=0.020); c.cli("A", dt=0.060); c.exchange()
c.srv("FA", dt=0.010); c.cli("FA", dt=0.060); c.srv("A", dt=0.020)

# 40007: incomplete: the final ACK is missing when the capture ends (last connection)
# 40008: slow handshake (300 ms), left open
c8 = Conn(40008, server_rtt=0.100, client_rtt=0.200); c8.handshake(); c8.exchange()

# 40009: capture started mid-connection: no handshake, roles inferred from the ports
c = Conn(40009); c.c, c.s = 777000, 999000; c.exchange()

c = Conn(40007); c.handshake(); c.exchange()
c.cli("FA", dt=0.010); c.srv("FA", dt=0.020)

def write(name, ethernet=False):
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name)
    if ethernet:  # one link type for IPv4 and IPv6 alike
        framed = []
        for p in packets:
            e = Ether(src="02:00:c6:12:00:01", dst="02:00:c6:12:00:02") / p
            e.time = p.time
            framed.append(e)
        packets[:] = framed
    wrpcap(out, packets)
    print(f"wrote {out}: {len(packets)} packets")
    packets.clear()


write("fixture.pcap")

# ---- edge.pcap ----
C6, S6 = "fd00:198:18::1", "fd00:198:18::2"


def v6(src, dst):
    return IPv6(src=C6 if src == CLIENT else S6, dst=C6 if dst == CLIENT else S6)


def gre(src, dst):  # outer 198.18.9.x tunnel endpoints, inner CLIENT/SERVER
    return IP(src="198.18.9.1", dst="198.18.9.2", id=ip_id[0]) / GRE() / IP(src=src, dst=dst, id=ip_id[0])


# 50000: IPv6, four-way close by the client
c = Conn(50000, net=v6); c.handshake(); c.exchange()
c.cli("FA", dt=0.010); c.srv("A", dt=0.020); c.srv("FA", dt=0.010); c.cli("A", dt=0.060)

# 7000 <-> 7000: equal ports, the address tells the direction; three-way close by the server
c = Conn(7000, sport=7000); c.handshake(); c.exchange()
c.srv("FA", dt=0.010); c.cli("FA", dt=0.060); c.srv("A", dt=0.020)

# 50001: every packet captured twice (SPAN duplicates); three-way close by the client
c = Conn(50001)
send(CLIENT, 50001, 80, "S", 1000, 0, dt=0.010, dup=True); c.c += 1
c.srv("SA", dt=0.020, dup=True); c.cli("A", dt=0.060, dup=True)
c.cli("PA", b"ping\n", dup=True); c.srv("PA", b"pong\n", dt=0.020, dup=True)
c.cli("FA", dt=0.060, dup=True); c.srv("FA", dt=0.020, dup=True); c.cli("A", dt=0.060, dup=True)

# 50002: timestamps; the SYN/ACK is retransmitted and the ACK echoes the second one
ts = lambda val, ecr: [("Timestamp", (val, ecr))]
c = Conn(50002)
send(CLIENT, 50002, 80, "S", 1000, 0, dt=0.010, options=ts(100, 0)); c.c += 1
send(SERVER, 80, 50002, "SA", 5000, 1001, dt=0.020, options=ts(900, 100))
send(SERVER, 80, 50002, "SA", 5000, 1001, dt=1.000, options=ts(1900, 100)); c.s += 1
c.cli("A", dt=0.060, options=ts(1160, 1900))
c.cli("FA", dt=0.010, options=ts(1170, 1900)); c.srv("FA", dt=0.020, options=ts(1990, 1170))
c.cli("A", dt=0.060, options=ts(1230, 1990))

# An ICMP error quoting a TCP segment of 50003 (not a segment of the connection), then 50003 itself
quoted = IP(src=CLIENT, dst=SERVER, id=4242) / TCP(sport=50003, dport=80, flags="S", seq=1000)
clock[0] += 0.010
p = IP(src="198.18.9.9", dst=CLIENT) / ICMP(type=3, code=1) / bytes(quoted)
p.time = clock[0]
packets.append(p)
c = Conn(50003); c.handshake()
c.cli("FA", dt=0.010); c.srv("FA", dt=0.020); c.cli("A", dt=0.060)

# 50004: a connection inside a GRE tunnel (the innermost TCP is analysed); reset by the client
c = Conn(50004, net=gre); c.handshake(); c.exchange()
c.cli("R", dt=0.010, ack=0)

write("edge.pcap", ethernet=True)

# ---- stream-switch.pcap ----
# Wireshark starts a new tcp.stream when a SYN with a new ISN arrives on a known pair, even
# one quoted in an ICMP error. The plugin does not analyse the quoted segment and remembers
# the stream of each pair (plugin/stream-cache.c): the error must make it look again, or
# the rest of 50010 would be filed under its old stream.
c = Conn(50010); c.handshake(); c.exchange()
quoted = IP(src=CLIENT, dst=SERVER, id=4343) / TCP(sport=50010, dport=80, flags="S", seq=777000)
clock[0] += 0.010
p = IP(src="198.18.9.9", dst=CLIENT) / ICMP(type=3, code=1) / bytes(quoted)
p.time = clock[0]
packets.append(p)
c.cli("PA", b"more\n"); c.srv("A", dt=0.020)
c.cli("FA", dt=0.010); c.srv("FA", dt=0.020); c.cli("A", dt=0.060)

write("stream-switch.pcap", ethernet=True)
