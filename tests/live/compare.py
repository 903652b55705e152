#!/usr/bin/python3
"""compare.py LIVE.json FILE.json [LIVE.table]: the records tcpconn-analyze -i printed equal
what it says about tcpdump's capture of the same interface, taken at the same time.

Records are matched by (client, server), not by line: live output comes in the order the
connections were reported, the file's in tcp.stream order. Compared exactly: stream,
first_frame, roles_inferred, the handshake state, retransmission counts and rtt_ambiguous,
the teardown style, initiator, TIME_WAIT holder and half-close bytes, every frame number, and
"expired" (both captures hold the same packets in the same order). Compared within
TIME_TOLERANCE: the handshake RTT legs and the teardown duration, because the two captures
are two packet sockets that each stamp a packet when it is delivered to them, so the same
packet may carry timestamps a few microseconds apart.

With LIVE.table: the live table (printed row by row with fixed column widths) has the same
connections and verdicts, every row's columns where the header's are.
"""
import json
import sys

TIME_TOLERANCE = 0.001  # seconds
TIMES = [("handshake", "rtt"), ("handshake", "server_rtt"), ("handshake", "client_rtt"),
         ("teardown", "duration")]


def load(path):
    recs = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            key = (r["client"], r["server"])
            if key in recs:
                sys.exit("%s: %s twice" % (path, key))
            recs[key] = r
    return recs


def without_times(r):
    r = json.loads(json.dumps(r))
    for outer, inner in TIMES:
        r[outer][inner] = None
    return r


def compare(live, file):
    bad = 0
    if set(live) != set(file):
        print("connections only live:", sorted(set(live) - set(file)))
        print("connections only in the file:", sorted(set(file) - set(live)))
        bad += 1
    worst = 0.0
    for key in sorted(set(live) & set(file)):
        a, b = live[key], file[key]
        if without_times(a) != without_times(b):
            print("differ: %s\n  live %s\n  file %s" % (key, json.dumps(a), json.dumps(b)))
            bad += 1
        for outer, inner in TIMES:
            x, y = a[outer][inner], b[outer][inner]
            if (x is None) != (y is None) or (x is not None and abs(x - y) > TIME_TOLERANCE):
                print("%s: %s.%s live %s, file %s" % (key, outer, inner, x, y))
                bad += 1
            elif x is not None:
                worst = max(worst, abs(x - y))
    print("%d connections compared; largest time difference %.6f s" % (len(file), worst))
    return bad


def check_table(path, live):
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f]
    header, rows = lines[0], lines[1:]
    names = header.split()
    notes_at = header.index("NOTES")
    bad = 0
    seen = {}
    for row in rows:
        cells = row.split()  # no cell has a space in it
        # fixed widths: every row's last column (NOTES) starts where the header's does
        if len(cells) != len(names) or row.rindex(" " + cells[-1]) + 1 != notes_at:
            print("table row not aligned with the header:\n  %s\n  %s" % (header, row))
            bad += 1
            continue
        c = dict(zip(names, cells))
        seen[(c["CLIENT"], c["SERVER"])] = c
    if set(seen) != set(live):
        print("table connections differ from the JSON ones:", sorted(set(seen) ^ set(live)))
        return bad + 1
    for key, c in seen.items():
        r = live[key]
        want = (r["handshake"]["state"], r["teardown"]["style"], r["teardown"]["initiator"] or "-",
                r["teardown"]["time_wait"] or "-")
        got = (c["HANDSHAKE"], c["STYLE"], c["INITIATOR"], c["TIME_WAIT"])
        if want != got:
            print("table %s: %s, JSON %s" % (key, got, want))
            bad += 1
    print("%d table rows checked" % len(rows))
    return bad


def main():
    live, file = load(sys.argv[1]), load(sys.argv[2])
    bad = compare(live, file)
    styles = sorted({r["teardown"]["style"] for r in file.values()})
    print("styles:", " ".join(styles))
    # the scenarios' closes must be there, so the agreement is about something
    for want in ("three-way", "four-way", "half-close", "reset", "reset-after-fin", "refused", "open"):
        if want not in styles:
            print("no %s connection captured" % want)
            bad += 1
    if len(sys.argv) > 3:
        bad += check_table(sys.argv[3], live)
    sys.exit(1 if bad else 0)


main()
