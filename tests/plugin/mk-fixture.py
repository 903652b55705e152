#!/usr/bin/python3
"""Writes data/fixture.pcap: one small synthetic connection per teardown style.

Deterministic (fixed times, sequence numbers and IP IDs), so the expected plugin output
in golden/ never changes. Used by the filter, expert-info and preference tests; the real
captures in testdata/ are covered through TESTLIST. Run with Debian's python (scapy):
    /usr/bin/python3 tests/plugin/mk-fixture.py
"""
import os
from scapy.all import IP, TCP, Raw, wrpcap

CLIENT, SERVER = "198.18.1.2", "198.18.2.2"
packets = []
clock = [1_700_000_000.0]
ip_id = [1]


def send(src, sport, dport, flags, seq, ack=0, data=b"", dt=0.001):
    clock[0] += dt
    dst = SERVER if src == CLIENT else CLIENT
    p = IP(src=src, dst=dst, id=ip_id[0]) / TCP(sport=sport, dport=dport, flags=flags, seq=seq,
                                                 ack=ack, window=64240)
    if data:
        p = p / Raw(data)
    ip_id[0] += 1
    p.time = clock[0]
    packets.append(p)


class Conn:
    def __init__(self, port, server_rtt=0.020, client_rtt=0.060):
        self.cp, self.sp = port, 80
        self.c, self.s = 1000, 5000  # next sequence numbers (ISNs first)
        self.srtt, self.crtt = server_rtt, client_rtt

    def cli(self, flags, data=b"", dt=0.001, ack=None):
        send(CLIENT, self.cp, self.sp, flags, self.c, self.s if ack is None else ack, data, dt)
        self.c += len(data) + ("S" in flags) + ("F" in flags)

    def srv(self, flags, data=b"", dt=0.001, ack=None):
        send(SERVER, self.sp, self.cp, flags, self.s, self.c if ack is None else ack, data, dt)
        self.s += len(data) + ("S" in flags) + ("F" in flags)

    def handshake(self):
        send(CLIENT, self.cp, self.sp, "S", self.c, 0, dt=0.010)
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

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "fixture.pcap")
wrpcap(out, packets)
print(f"wrote {out}: {len(packets)} packets")
