#!/usr/bin/env python3
"""check-byhost.py: tcpconn-analyze --summary --by, checked two ways.

    check-byhost.py expected ANALYZER TESTDATA_DIR
        the `#@` lines of TESTDATA_DIR/EXPECTED (per-server facts written from the scenario)
        against `--json --summary --by server`
    check-byhost.py direct ANALYZER CAPTURE...
        for --by server, server-host and client: every group of `--json --summary --by KEY`
        against a direct computation on the capture's `--json` lines (one per connection):
        the groups and their order (most connections first, ties: the group whose first
        connection came first), counts per style and initiator, TIME_WAIT holder and
        handshake state, and both legs' measured count, min, p50, p90, p99, max. Percentiles
        are nearest-rank: the value at rank ceil(p * n / 100) of the n sorted values. The
        analyzer keeps legs as 32-bit floats (6e-8 relative) and prints 7 significant digits
        (5e-7 relative), so values agree within 1e-6 relative.

Standard library only. Exit status 0 when everything agrees.
"""
import json
import math
import subprocess
import sys

LEGS = ("server_rtt", "client_rtt")
STATS = ("min", "p50", "p90", "p99", "max")
KEYS = {"server": "server", "server-host": "server_host", "client": "client_host"}


def run(analyzer, *args):
    r = subprocess.run([analyzer, "-q", *args], capture_output=True, text=True)
    if r.returncode not in (0, 5, 6):  # damaged captures are still reported
        raise SystemExit(f"tcpconn-analyze {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def host_of(endpoint):
    addr = endpoint.rsplit(":", 1)[0]
    return addr[1:-1] if addr.startswith("[") else addr


def nearest_rank(values, p):
    rank = max(1, math.ceil(p * len(values) / 100))
    return values[rank - 1]


def close(a, b):
    return abs(a - b) <= 1e-6 * max(abs(b), 1e-12)


def direct(analyzer, capture):
    conns = run(analyzer, "--json", capture)
    errors = []
    for by, field in KEYS.items():
        groups = {}
        for c in conns:
            key = c["server"] if by == "server" else host_of(c["server"] if by == "server-host" else c["client"])
            g = groups.setdefault(key, {"first": c["stream"], "n": 0, "teardown": {}, "time_wait": {},
                                        "handshake": {}, "server_rtt": [], "client_rtt": []})
            g["n"] += 1
            td = c["teardown"]
            st = g["teardown"].setdefault(td["style"], {"count": 0, "initiator": {}})
            st["count"] += 1
            if td["initiator"]:
                st["initiator"][td["initiator"]] = st["initiator"].get(td["initiator"], 0) + 1
            tw = td["time_wait"] or "unknown"
            g["time_wait"][tw] = g["time_wait"].get(tw, 0) + 1
            hs = c["handshake"]["state"]
            g["handshake"][hs] = g["handshake"].get(hs, 0) + 1
            for leg in LEGS:
                if c["handshake"][leg] is not None:
                    g[leg].append(c["handshake"][leg])
        want_order = sorted(groups, key=lambda k: (-groups[k]["n"], groups[k]["first"]))
        got = run(analyzer, "--json", "--summary", "--by", by, capture)
        got_order = [o[field] for o in got]
        if got_order != want_order:
            errors.append(f"--by {by}: groups {got_order}, expected {want_order}")
            continue
        for o in got:
            k = o[field]
            g = groups[k]
            where = f"--by {by} {k}"
            if o["connections"] != g["n"]:
                errors.append(f"{where}: connections {o['connections']}, expected {g['n']}")
            if o["teardown"] != g["teardown"]:
                errors.append(f"{where}: teardown {o['teardown']}, expected {g['teardown']}")
            want_tw = {t: g["time_wait"].get(t, 0) for t in ("client", "server", "both", "none", "unknown")}
            if o["time_wait"] != want_tw:
                errors.append(f"{where}: time_wait {o['time_wait']}, expected {want_tw}")
            if o["handshake"] != g["handshake"]:
                errors.append(f"{where}: handshake {o['handshake']}, expected {g['handshake']}")
            for leg in LEGS:
                vals = sorted(g[leg])
                if o[leg]["measured"] != len(vals):
                    errors.append(f"{where}: {leg} measured {o[leg]['measured']}, expected {len(vals)}")
                    continue
                want = {"min": vals[0], "p50": nearest_rank(vals, 50), "p90": nearest_rank(vals, 90),
                        "p99": nearest_rank(vals, 99), "max": vals[-1]} if vals else dict.fromkeys(STATS)
                for s in STATS:
                    a, b = o[leg][s], want[s]
                    if (a is None) != (b is None) or (a is not None and not close(a, b)):
                        errors.append(f"{where}: {leg}.{s} {a}, expected {b}")
        print(f"{capture}: --by {by}: {len(got)} groups checked")
    return errors


def expected(analyzer, testdata):
    errors, checked = [], 0
    cache = {}
    with open(f"{testdata}/EXPECTED") as f:
        for line in f:
            if not line.startswith("#@"):
                continue
            fields = line[2:].split()
            capture, server, facts = fields[0], fields[1].split("=", 1)[1], fields[2:]
            if capture not in cache:
                cache[capture] = {o["server"]: o for o in run(analyzer, "--json", "--summary", "--by", "server",
                                                                 f"{testdata}/{capture}")}
            o = cache[capture].get(server)
            if o is None:
                errors.append(f"{capture}: no server {server}")
                continue
            for fact in facts:
                key, want = fact.split("=", 1)
                parts = key.split(".")
                if key == "connections":
                    got = o["connections"]
                elif parts[0] in LEGS:
                    got = o[parts[0]][parts[1]]
                    ok = got is not None and abs(got - float(want)) <= 0.005
                    checked += 1
                    if not ok:
                        errors.append(f"{capture} {server}: {key}={got}, expected {want} (+-5 ms)")
                    continue
                elif parts[0] == "initiator":
                    got = o["teardown"].get(parts[1], {}).get("initiator", {}).get(parts[2], 0)
                elif parts[0] in ("time_wait", "handshake"):
                    got = o[parts[0]].get(parts[1], 0)
                else:  # a style's count
                    got = o["teardown"].get(key, {}).get("count", 0)
                checked += 1
                if str(got) != want:
                    errors.append(f"{capture} {server}: {key}={got}, expected {want}")
    print(f"{checked} per-server facts checked")
    if checked == 0:
        errors.append("EXPECTED has no #@ line")
    return errors


def main():
    mode, analyzer, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    errors = expected(analyzer, rest[0]) if mode == "expected" else sum((direct(analyzer, c) for c in rest), [])
    for e in errors:
        print("FAIL", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
