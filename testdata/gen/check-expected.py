#!/usr/bin/python3
"""Sanity check: do the captures show what EXPECTED says the scenarios did?

    /usr/bin/python3 testdata/gen/check-expected.py [--dir DIR] [FILE...]   # default: every file in EXPECTED

--dir: read the captures from DIR (e.g. a fresh `OUT=DIR make-real.sh` run) instead of testdata/.

EXPECTED is written from how each scenario was built, not from this script. This is only a
quick, independent reading of the packets (via tshark -T fields, raw sequence numbers) with
SPEC.md's definitions, used after regenerating the real captures to catch a kernel or a
timing that did not do what the scenario intended (e.g. a delayed ACK that fired early, FINs
that did not cross). It is deliberately simple and is not the project's classifier.
Exit status 1 when some line disagrees.
"""
import collections
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
FIELDS = ["tcp.stream", "frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "tcp.srcport",
          "tcp.dstport", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.window_size_value", "ip.id"]


def ge(a, b):
    """a >= b modulo 2^32"""
    return ((a - b) & 0xFFFFFFFF) < 0x80000000


def gt(a, b):
    return a != b and ge(a, b)


def packets(path):
    cmd = ["tshark", "-r", path, "-T", "fields", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    streams = collections.OrderedDict()
    for line in out.splitlines():
        v = line.split("\t")
        if not v[0]:
            continue
        d = dict(zip(FIELDS, v))
        last = lambda s: s.split(",")[-1]  # innermost layer in tunnels
        src = last(d["ip.src"]) or last(d["ipv6.src"])
        p = {
            "frame": int(d["frame.number"]), "t": float(d["frame.time_epoch"]),
            "ep": (src, int(d["tcp.srcport"])), "port": int(d["tcp.srcport"]),
            "flags": int(d["tcp.flags"], 16), "seq": int(d["tcp.seq_raw"]), "ack": int(d["tcp.ack_raw"]),
            "len": int(d["tcp.len"]), "win": d["tcp.window_size_value"], "ipid": last(d["ip.id"]),
        }
        streams.setdefault(int(d["tcp.stream"]), []).append(p)
    return streams


def dedup(pkts):
    out, last = [], {}
    for p in pkts:
        key = (p["ep"], p["seq"], p["ack"], p["flags"], p["len"], p["win"], p["ipid"])
        q = last.get(p["ep"])
        last[p["ep"]] = (key, p["t"])
        if q and q[0] == key and p["t"] - q[1] < 0.001:
            continue
        out.append(p)
    return out


def classify(pkts):
    pkts = dedup(pkts)
    eps = []
    for p in pkts:
        if p["ep"] not in eps:
            eps.append(p["ep"])
    syn_senders = [p["ep"] for p in pkts if p["flags"] & (SYN | ACK) == SYN]
    synacks = [p for p in pkts if p["flags"] & (SYN | ACK) == SYN | ACK]
    if syn_senders:
        client = syn_senders[0]
    elif synacks:
        client = [e for e in eps if e != synacks[0]["ep"]][0] if len(eps) > 1 else None
    else:
        client = max(eps, key=lambda e: e[1])
    server = [e for e in eps if e != client]
    server = server[0] if server else None

    # handshake: nothing after the first RST counts (SPEC.md: nothing after the end changes it)
    first_rst = next((i for i, p in enumerate(pkts) if p["flags"] & RST), len(pkts))
    if len(set(syn_senders)) == 2:
        hs = "simultaneous-open"
    elif syn_senders:
        syn = next(p for p in pkts if p["flags"] & (SYN | ACK) == SYN)
        refused = any(p["ep"] == server and p["flags"] & RST for p in pkts) and not synacks
        if refused:
            hs = "refused"
        elif synacks:
            isn_s = synacks[0]["seq"]
            ok = any(p["ep"] == client and p["flags"] & ACK and not p["flags"] & SYN
                     and ge(p["ack"], (isn_s + 1) & 0xFFFFFFFF) for p in pkts[:first_rst])
            hs = "complete" if ok else "no-ack"
        else:
            hs = "unanswered"
    else:
        hs = "not-captured"
    if hs == "refused":
        return hs, "refused", "server"

    # teardown
    fin_seq, fin_idx = {}, {}
    for i, p in enumerate(pkts):
        if p["flags"] & FIN and p["ep"] not in fin_seq:
            fin_seq[p["ep"]] = (p["seq"] + p["len"] + (1 if p["flags"] & SYN else 0)) & 0xFFFFFFFF
            fin_idx[p["ep"]] = i

    def acked_at(ep):
        """index of the first segment from the other side acking ep's FIN"""
        for i, p in enumerate(pkts):
            if p["ep"] != ep and p["flags"] & ACK and ge(p["ack"], (fin_seq[ep] + 1) & 0xFFFFFFFF):
                return i
        return None

    a = b = None
    if fin_seq:
        order = sorted(fin_seq, key=lambda e: fin_idx[e])
        a = order[0]
        if len(order) == 2:
            b = order[1]
            # a FIN that acks the other FIN came second, whatever the capture order
            fb = pkts[fin_idx[a]]
            if fb["flags"] & ACK and ge(fb["ack"], (fin_seq[b] + 1) & 0xFFFFFFFF):
                a, b = b, a
        else:
            b = [e for e in eps if e != a][0] if len(eps) > 1 else None
    who = lambda e: "client" if e == client else "server"

    done_idx = None
    if a is not None and b in fin_seq:
        ia, ib = acked_at(a), acked_at(b)
        if ia is not None and ib is not None:
            done_idx = max(ia, ib, fin_idx[b])
    rst_idx = next((i for i, p in enumerate(pkts) if p["flags"] & RST), None)
    if rst_idx is not None and (done_idx is None or rst_idx < done_idx):
        rp = pkts[rst_idx]
        if rp["flags"] & FIN:
            return hs, "-", who(rp["ep"])
        if fin_seq and min(fin_idx.values()) < rst_idx:
            return hs, "reset-after-fin", who(a)
        return hs, "reset", who(rp["ep"])
    if not fin_seq:
        return hs, "open", "none"
    if done_idx is None:
        return hs, "incomplete", who(a)
    fb = pkts[fin_idx[b]]
    if not (fb["flags"] & ACK and ge(fb["ack"], (fin_seq[a] + 1) & 0xFFFFFFFF)):
        return hs, "simultaneous", "both"
    # half-close: new payload from b in a segment acking a's FIN, up to b's FIN
    top = None
    for i, p in enumerate(pkts):
        if p["ep"] != b:
            continue
        end = (p["seq"] + p["len"]) & 0xFFFFFFFF
        acks_fin = p["flags"] & ACK and ge(p["ack"], (fin_seq[a] + 1) & 0xFFFFFFFF)
        if p["len"] and acks_fin and i <= fin_idx[b] and (top is None or gt(end, top)):
            return hs, "half-close", who(a)
        if p["len"] or p["flags"] & SYN:
            if top is None or gt(end, top):
                top = end
    first_ack = acked_at(a)
    if first_ack == fin_idx[b]:
        return hs, "three-way", who(a)
    return hs, "four-way", who(a)


def main():
    args = sys.argv[1:]
    capdir = HERE
    if args[:1] == ["--dir"]:
        capdir, args = args[1], args[2:]
    want = set(args)
    present = set(os.listdir(capdir))
    expected = collections.OrderedDict()
    for line in open(os.path.join(HERE, "EXPECTED")):
        line = line.strip()
        if line.startswith("#plugin-only "):   # tunnelled: tshark sees the inner TCP
            line = line[len("#plugin-only "):]
        if not line or line.startswith("#"):
            continue
        f, stream, hs, style, init = line.split()[:5]
        if (want and f not in want) or (not want and capdir != HERE and f not in present):
            continue
        expected.setdefault(f, []).append((int(stream), hs, style, init))
    bad = 0
    for f, rows in expected.items():
        streams = packets(os.path.join(capdir, f))
        if len(streams) != len(rows):
            print("%s: %d streams in the capture, %d in EXPECTED" % (f, len(streams), len(rows)))
            bad += 1
        for stream, hs, style, init in rows:
            if stream not in streams:
                print("%s %d: no such stream" % (f, stream))
                bad += 1
                continue
            got = classify(streams[stream])
            exp = (hs, style, init)
            if any(e != "-" and g != "-" and e != g for e, g in zip(exp, got)):
                print("%s %d: EXPECTED %s, packets read as %s" % (f, stream, " ".join(exp), " ".join(got)))
                bad += 1
    print("%d files, %d lines checked, %d disagreements" % (len(expected), sum(map(len, expected.values())), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
