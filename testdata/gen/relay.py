#!/usr/bin/python3
"""Userspace L2 relay with per-leg delay and optional drops (run in the middle namespace).

The middle namespace has four interfaces:

    client ns  ==veth==  CLI_IF  [relay: client leg]  MID_A ==veth== MID_B  [relay: server leg]  SRV_IF  ==veth==  server ns

Frames from CLI_IF wait --client-delay seconds, then go out MID_A; they arrive on MID_B
(the internal veth pair), wait --server-delay seconds and go out SRV_IF. The reverse
direction is symmetric. A tcpdump on MID_A therefore sees every frame at the point between
the two legs: server_rtt ~ 2*server-delay, client_rtt ~ 2*client-delay.

--drop RULE (repeatable) drops matching frames; RULE is comma separated key=value:
    leg=client|server   where to drop: 'server' drops on the server leg (after the capture
                        point, so the capture shows the frame), 'client' on the client leg
    dir=c2s|s2c         direction (default c2s)
    flags=SYN|SYNACK|FIN|...   TCP flag set to match exactly on the SYN/ACK/FIN/RST bits
    dport=N / sport=N   match the TCP port
    count=N             how many matching frames to drop (default 1)
--server-extra-delay=ADDR=SECONDS (repeatable) adds SECONDS to the server leg, both ways, for
the frames to and from the IPv4 address ADDR: several servers behind one relay, each its own
distance away (three-servers.pcap).
Delays are constant per direction and server, so the relay never reorders a connection's frames.
"""
import argparse
import heapq
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, 0))
    ifindex = socket.if_nametoindex(name)
    mreq = struct.pack("iHH8s", ifindex, PACKET_MR_PROMISC, 0, b"")
    s.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    s.setblocking(False)
    return s


FLAGBITS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "ACK": 0x10}


def parse_tcp(frame):
    """(sport, dport, flags) of a TCP frame (Ethernet, IPv4/IPv6 without ext headers), else None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    off = 14
    if etype == 0x0800:
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 6:
            return None
        t = off + ihl
    elif etype == 0x86DD:
        if frame[off + 6] != 6:
            return None
        t = off + 40
    else:
        return None
    if len(frame) < t + 14:
        return None
    sport, dport = struct.unpack("!HH", frame[t:t + 4])
    return sport, dport, frame[t + 13]


def ipv4_pair(frame):
    """(source, destination) of an Ethernet/IPv4 frame as dotted strings, else None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    return socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34])


class Rule:
    def __init__(self, text):
        kv = dict(p.split("=", 1) for p in text.split(","))
        self.leg = kv.get("leg", "server")
        self.dir = kv.get("dir", "c2s")
        self.count = int(kv.get("count", "1"))
        self.sport = int(kv["sport"]) if "sport" in kv else None
        self.dport = int(kv["dport"]) if "dport" in kv else None
        self.flags = None
        if "flags" in kv:
            f = kv["flags"].upper()
            if f == "SYNACK":
                f = "SYN+ACK"
            self.flags = sum(FLAGBITS[x] for x in f.split("+"))

    def match(self, leg, direction, frame):
        if self.count <= 0 or leg != self.leg or direction != self.dir:
            return False
        t = parse_tcp(frame)
        if t is None:
            return False
        sport, dport, flags = t
        if self.flags is not None and (flags & 0x17) != self.flags:
            return False
        if self.sport is not None and sport != self.sport:
            return False
        if self.dport is not None and dport != self.dport:
            return False
        self.count -= 1
        return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli-if", required=True)
    ap.add_argument("--mid-a", required=True)
    ap.add_argument("--mid-b", required=True)
    ap.add_argument("--srv-if", required=True)
    ap.add_argument("--client-delay", type=float, default=0.020)
    ap.add_argument("--server-delay", type=float, default=0.007)
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--server-extra-delay", action="append", default=[], metavar="ADDR=SECONDS")
    ap.add_argument("--ready-file")
    a = ap.parse_args()
    rules = [Rule(r) for r in a.drop]
    extra = {}
    for e in a.server_extra_delay:
        addr, secs = e.split("=", 1)
        extra[addr] = float(secs)

    cli, mida, midb, srv = (open_if(n) for n in (a.cli_if, a.mid_a, a.mid_b, a.srv_if))
    # socket -> (output socket, delay, leg, direction)
    route = {
        cli: (mida, a.client_delay, "client", "c2s"),
        mida: (cli, a.client_delay, "client", "s2c"),
        midb: (srv, a.server_delay, "server", "c2s"),
        srv: (midb, a.server_delay, "server", "s2c"),
    }
    queue = []  # (due, seq, out_sock, frame)
    seq = 0
    stop = [False]

    def on_term(*_):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if a.ready_file:
        open(a.ready_file, "w").close()
    socks = list(route)
    while not stop[0]:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except OSError as e:
                print("relay: send failed: %s" % e, file=sys.stderr)
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 0.2
        try:
            r, _, _ = select.select(socks, [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for s in r:
            while True:
                try:
                    frame, addr = s.recvfrom(65600)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                out, delay, leg, direction = route[s]
                if any(rule.match(leg, direction, frame) for rule in rules):
                    print("relay: dropped a frame on the %s leg (%s)" % (leg, direction), file=sys.stderr)
                    continue
                if leg == "server" and extra:
                    pair = ipv4_pair(frame)
                    if pair:
                        delay += extra.get(pair[1] if direction == "c2s" else pair[0], 0.0)
                seq += 1
                heapq.heappush(queue, (now + delay, seq, out, frame))


if __name__ == "__main__":
    main()
