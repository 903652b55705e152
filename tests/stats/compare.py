#!/usr/bin/env python3
"""compare.py TSHARK_OUT ANALYZER_OUT: the rows of `tshark -q -z tcpconn,tree` equal those of
`tcpconn-analyze --summary` (or of another such tree: one pass against -2, also for the
by-server tree, -z tcpconn_servers,tree).

Both are tables with a "Topic / Item" header; a row's depth is its indentation (one space a
level), its count the first number in the Count column. Rows are compared by path (e.g.
"Teardown style/three-way/client"); rows counting 0 are ignored (tshark keeps a row that a
connection moved away from in one-pass runs; the analyzer prints initiators only when counted).
"""
import sys


def parse(path):
    rows = {}
    col = None
    stack = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Topic / Item"):
                col = line.index("Count")
                continue
            if col is None or not line.strip() or line.startswith("-") or line.startswith("="):
                continue
            name = line[:col].rstrip()
            fields = line[col:].split()
            if not name or not fields or not fields[0].isdigit():
                continue
            depth = len(name) - len(name.lstrip(" "))
            stack = stack[:depth] + [name.strip()]
            key = "/".join(stack)
            if key in rows:
                raise SystemExit(f"{path}: row {key} twice")
            rows[key] = int(fields[0])
    if col is None:
        raise SystemExit(f"{path}: no 'Topic / Item' table")
    return rows


def main():
    ts, an = parse(sys.argv[1]), parse(sys.argv[2])
    if not any(k.startswith("Teardown style") or "/Teardown style" in k for k in ts):
        raise SystemExit(f"{sys.argv[1]}: no Teardown style row")  # (under each server, by-server tree)
    nz = lambda d: {k: v for k, v in d.items() if v}
    a, b = nz(ts), nz(an)
    if a == b:
        print(f"{len(a)} non-zero rows agree" +
              (f"; {ts['Teardown style']} connections" if "Teardown style" in ts else " (by server)"))
        return 0
    for k in sorted(set(a) | set(b)):
        if a.get(k, 0) != b.get(k, 0):
            print(f"{k}: tshark {a.get(k, 0)}, tcpconn-analyze {b.get(k, 0)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
