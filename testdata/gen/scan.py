#!/usr/bin/python3
"""A SYN scan from a raw socket, with an optional late data segment (run in the client namespace).

    scan.py --addr A --port P [--sport N] [--late SECONDS]

Sends one SYN (MSS option, window 1024, as nmap -sS does) from a raw IP socket and waits for the
SYN/ACK. No socket of the client's kernel owns the connection, so the kernel itself answers the
SYN/ACK with an RST (sequence number = the SYN/ACK's ACK number, no ACK flag): the real Linux
behaviour a SYN scan relies on. With --late S, S seconds later it sends a data segment with ACK on
the same ports (sequence ISN+1, acknowledging the SYN/ACK), which the server's kernel answers with
an RST (the connection is gone). Exit status 1 when no SYN/ACK came.

Needs Debian's scapy (/usr/bin/python3) and root. Sends only to --addr.
"""
import argparse
import random
import sys
import time

from scapy.all import IP, TCP, Raw, conf, send, sr1
from scapy.supersocket import L3RawSocket


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sport", type=int, default=0, help="source port (default: random ephemeral)")
    ap.add_argument("--late", type=float, default=0.0, help="send a data segment with ACK this long after")
    a = ap.parse_args()
    conf.verb = 0
    # The kernel's raw IP socket: its routing and its (static) neighbour entries, no ARP from scapy.
    conf.L3socket = L3RawSocket
    sport = a.sport or random.randint(40000, 60000)
    isn = random.getrandbits(32)
    syn = IP(dst=a.addr) / TCP(sport=sport, dport=a.port, flags="S", seq=isn, window=1024,
                               options=[("MSS", 1460)])
    synack = sr1(syn, timeout=3)
    if synack is None or not synack.haslayer(TCP) or (synack[TCP].flags & 0x12) != 0x12:
        print("scan.py: no SYN/ACK from %s:%d" % (a.addr, a.port), file=sys.stderr)
        return 1
    print("scan.py: %d -> %s:%d open (SYN/ACK seq %d); the kernel answers it with RST"
          % (sport, a.addr, a.port, synack[TCP].seq), file=sys.stderr)
    if a.late > 0:
        time.sleep(a.late)
        data = IP(dst=a.addr) / TCP(sport=sport, dport=a.port, flags="PA", seq=(isn + 1) & 0xFFFFFFFF,
                                    ack=(synack[TCP].seq + 1) & 0xFFFFFFFF, window=1024) / Raw(b"late data\n")
        send(data)
        print("scan.py: late data segment sent %.1f s after the SYN/ACK" % a.late, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
