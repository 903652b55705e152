#!/usr/bin/python3
"""compare-text.py explain|byserver LIVE FILE: the text outputs of tcpconn-analyze -i and of
tcpconn-analyze on tcpdump's capture of the same interface say the same.

Times (numbers with a decimal point) are replaced by "T" before comparing: the two captures
stamp each packet separately (microseconds apart, see compare.py), so a ladder's or a
percentile's last digits may differ. Blocks are compared as sets: live --explain prints each
connection when it ends, the file in tcp.stream order, and --by server orders equal blocks
by the order connections were reported.
"""
import re
import sys


def blocks(path, start):
    out, cur = [], []
    with open(path) as f:
        for line in f:
            line = re.sub(r"\d+\.\d+", "T", line.rstrip("\n"))
            if line.startswith(start) and cur:
                out.append("\n".join(cur))
                cur = []
            cur.append(line)
    if cur:
        out.append("\n".join(cur))
    return out


kind, live_path, file_path = sys.argv[1:4]
start = "Stream " if kind == "explain" else "Server "
live, file = blocks(live_path, start), blocks(file_path, start)
if kind == "byserver":  # the first block is the title line
    if live[0] != file[0]:
        print("title: live %r, file %r" % (live[0], file[0]))
        sys.exit(1)
    live, file = live[1:], file[1:]
# --explain's block header names the stream: the same numbers in both (same packets, same order)
if sorted(live) != sorted(file):
    for b in sorted(set(live) ^ set(file)):
        print("%s:\n%s\n" % ("live only" if b in live else "file only", b))
    sys.exit(1)
print("%s: %d blocks, the same" % (kind, len(file)))
