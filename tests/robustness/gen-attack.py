#!/usr/bin/env python3
"""gen-attack.py KIND COUNT OUT.pcap [RATE]

Writes a deterministic attack capture (Ethernet, IPv4, pcap with microsecond timestamps):
  synflood   COUNT unanswered SYNs from random addresses of 198.18.0.0/15 and random ports
             to 198.19.255.1:80;
  onepacket  COUNT one-packet "connections": each a single segment (ACK with data, FIN/ACK,
             RST, SYN/ACK, PSH/ACK, in turn) on its own random address/port pair;
RATE packets per second of capture time (default 1000), starting at 2026-01-01 00:00 UTC.
The same arguments always give the same bytes (fixed seed). Not committed: they are big
(70 MB for a million packets); tests/robustness/attack-memory.sh makes them at test time.
"""
import random
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    kind, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 1000.0
    if kind not in ("synflood", "onepacket"):
        sys.exit("gen-attack.py: KIND is synflood or onepacket")
    rnd = random.Random(20261127)
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    server = bytes([198, 19, 255, 1])
    t0 = 1767225600 * 1000000
    flags_cycle = [(0x10, 100), (0x11, 0), (0x04, 0), (0x12, 0), (0x18, 40)]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        buf = []
        for i in range(count):
            src = bytes([198, 18 + rnd.getrandbits(1), rnd.getrandbits(8), rnd.getrandbits(8)])
            sport = rnd.randrange(1024, 65536)
            seq = rnd.getrandbits(32)
            if kind == "synflood":
                flags, plen, ack = 0x02, 0, 0
                s_ip, d_ip, s_port, d_port = src, server, sport, 80
            else:
                flags, plen = flags_cycle[i % len(flags_cycle)]
                ack = rnd.getrandbits(32)
                if flags in (0x12, 0x04) and i % 2:  # some from the "server" side
                    s_ip, d_ip, s_port, d_port = server, src, 80, sport
                else:
                    s_ip, d_ip, s_port, d_port = src, server, sport, 80
            tcp_len = 20
            tcp = struct.pack("!HHIIBBHHH", s_port, d_port, seq, ack, 5 << 4, flags, 64240, 0, 0)
            payload = bytes(plen)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + tcp_len + plen, i & 0xFFFF, 0x4000, 64, 6,
                             0, s_ip, d_ip)
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            pseudo = s_ip + d_ip + struct.pack("!BBH", 0, 6, tcp_len + plen)
            tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp + payload)) + tcp[18:]
            frame = eth + ip + tcp + payload
            t = t0 + int(i * 1000000 / rate)
            buf.append(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)) + frame)
            if len(buf) >= 10000:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))


if __name__ == "__main__":
    main()
