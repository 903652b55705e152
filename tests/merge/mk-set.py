#!/usr/bin/python3
"""mk-set.py: writes data/ties-{a,b,c}.pcap, a crafted file set for --merge (needs scapy).

Three files whose records share timestamps across files (mergecap puts the file named
later first) and a file whose timestamps step backwards (mergecap compares only the
current record of each file, so the late record stays behind the earlier ones of the
others). Each file holds whole TCP connections to 198.18.0.2:80 (client 198.18.0.1);
c.pcap is written with nanosecond timestamps, a and b with microseconds.
"""
import os
from decimal import Decimal
from scapy.all import Ether, IP, TCP, wrpcap

T0 = 1767225600  # 2026-01-01 00:00:00 UTC
CLI, SRV = "198.18.0.1", "198.18.0.2"


def conn(sport, times):
    """A connection: handshake, client FIN, server FIN, final ACK at the given 6 times."""
    c, s = 1000 * sport, 5000 * sport
    steps = [
        (CLI, SRV, sport, 80, "S", c, 0),
        (SRV, CLI, 80, sport, "SA", s, c + 1),
        (CLI, SRV, sport, 80, "A", c + 1, s + 1),
        (CLI, SRV, sport, 80, "FA", c + 1, s + 1),
        (SRV, CLI, 80, sport, "FA", s + 1, c + 2),
        (CLI, SRV, sport, 80, "A", c + 2, s + 2),
    ]
    out = []
    for (src, dst, sp, dp, flags, seq, ack), t in zip(steps, times):
        p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=src, dst=dst) / \
            TCP(sport=sp, dport=dp, flags=flags, seq=seq, ack=ack, window=1000)
        p.time = Decimal(T0) + Decimal(str(t))  # exact: ties must be ties
        out.append(p)
    return out


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    # a: two connections; its last record steps back in time (0.150 after 0.300).
    a = conn(1001, [0.000, 0.010, 0.020, 0.100, 0.110, 0.120]) + \
        conn(1002, [0.200, 0.210, 0.220, 0.300, 0.310, 0.320])
    late = conn(1003, [0.150, 0.160, 0.170, 0.180, 0.190, 0.195])
    a = a + late
    # b: every record at a time a also has (ties between a and b).
    b = conn(2001, [0.000, 0.010, 0.020, 0.100, 0.110, 0.120])
    # c (nanoseconds): ties with a and b at 0.010, then times between theirs.
    c = conn(3001, [0.010, 0.0150000005, 0.020, 0.1000000001, 0.250, 0.300])
    wrpcap(os.path.join(here, "ties-a.pcap"), a)
    wrpcap(os.path.join(here, "ties-b.pcap"), b)
    wrpcap(os.path.join(here, "ties-c.pcap"), c, nano=True)


main()
