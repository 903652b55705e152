#!/usr/bin/env python3
"""compare-servers.py SERVERS_TREE CONNECTIONS_JSONL BYHOST_JSONL

The plugin's by-server tree (`tshark -q -z tcpconn_servers,tree`, SERVERS_TREE) against
tcpconn-analyze: its rows are rebuilt from the analyzer's per-connection `--json` lines
(CONNECTIONS_JSONL): per server address:port, the connections, by teardown style and
initiator, by TIME_WAIT holder, by handshake state, and by server-leg RTT bucket; and the
counts of `--json --summary --by server` (BYHOST_JSONL) must be the same rows. Rows counting 0
are ignored (as compare.py does). Standard library only.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import parse  # noqa: E402

BUCKETS = [(1000000, "< 1 ms"), (10000000, "1-10 ms"), (100000000, "10-100 ms"), (1000000000, "100 ms-1 s")]


def bucket(seconds):
    ns = round(seconds * 1e9)
    for upper, name in BUCKETS:
        if ns < upper:
            return name
    return ">= 1 s"


def add(rows, key, n=1):
    rows[key] = rows.get(key, 0) + n


def from_connections(path):
    rows = {}
    for line in open(path):
        if not line.strip():
            continue
        c = json.loads(line)
        s, td = c["server"], c["teardown"]
        add(rows, s)
        add(rows, f"{s}/Teardown style")
        add(rows, f"{s}/Teardown style/{td['style']}")
        if td["initiator"]:
            add(rows, f"{s}/Teardown style/{td['style']}/{td['initiator']}")
        if td["time_wait"]:
            add(rows, f"{s}/TIME_WAIT held by")
            add(rows, f"{s}/TIME_WAIT held by/{td['time_wait']}")
        add(rows, f"{s}/Handshake state")
        add(rows, f"{s}/Handshake state/{c['handshake']['state']}")
        if c["handshake"]["server_rtt"] is not None:
            add(rows, f"{s}/Handshake server RTT")
            add(rows, f"{s}/Handshake server RTT/{bucket(c['handshake']['server_rtt'])}")
    return rows


def from_byhost(path):
    """The rows --by server has (everything but the buckets)."""
    rows = {}
    for line in open(path):
        if not line.strip():
            continue
        o = json.loads(line)
        s = o["server"]
        add(rows, s, o["connections"])
        add(rows, f"{s}/Teardown style", o["connections"])
        for style, v in o["teardown"].items():
            add(rows, f"{s}/Teardown style/{style}", v["count"])
            for by, n in v["initiator"].items():
                add(rows, f"{s}/Teardown style/{style}/{by}", n)
        for holder, n in o["time_wait"].items():
            if holder != "unknown":
                add(rows, f"{s}/TIME_WAIT held by", n)
                add(rows, f"{s}/TIME_WAIT held by/{holder}", n)
        add(rows, f"{s}/Handshake state", o["connections"])
        for state, n in o["handshake"].items():
            add(rows, f"{s}/Handshake state/{state}", n)
        add(rows, f"{s}/Handshake server RTT", o["server_rtt"]["measured"])
    return rows


def diff(name_a, a, name_b, b):
    nz = lambda d: {k: v for k, v in d.items() if v}
    a, b = nz(a), nz(b)
    return [f"{k}: {name_a} {a.get(k, 0)}, {name_b} {b.get(k, 0)}" for k in sorted(set(a) | set(b))
            if a.get(k, 0) != b.get(k, 0)]


def main():
    tree, conns, byhost = parse(sys.argv[1]), from_connections(sys.argv[2]), from_byhost(sys.argv[3])
    errors = diff("tshark", tree, "tcpconn-analyze --json", conns)
    no_buckets = {k: v for k, v in conns.items() if "/Handshake server RTT/" not in k}
    errors += diff("--by server", byhost, "--json", no_buckets)
    for e in errors:
        print(e)
    if not errors:
        servers = len([k for k in tree if "/" not in k and tree[k]])
        print(f"{len([v for v in tree.values() if v])} non-zero rows agree; {servers} servers")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
