#!/usr/bin/env python3
"""rewrap-verdicts.py ANALYZER TESTDATA_DIR

Every tunnelled capture whose inner frames come from plain captures must give, connection
for connection, the verdicts of those plain captures: the tunnel changes nothing about TCP.
The pairs are in REWRAP below (testdata/gen/make-tunnels.py writes the re-wrapped ones from
exactly these captures; gen/make-real-vxlan.sh captures its underlay and overlay at once).

Compared per connection, in stream order: client and server endpoints, the handshake (state,
legs, retransmissions, ambiguity), the teardown (style, initiator, duration, half-close
bytes) and roles_inferred; not stream numbers or frame numbers (the plain captures are
separate files). Times must be equal (re-wrapped: same timestamps), or within TOLERANCE for
the real VXLAN pair (its two captures timestamp the same packet a few microseconds apart).
Exit status 1 on any difference.
"""
import json
import os
import subprocess
import sys

INNER4 = ["three-way-client-close.pcap", "half-close.pcap", "refused.pcap"]
INNER6 = ["ipv6-four-way-client-close.pcap"]
REWRAP = {name: INNER4 for name in [
    "tunnel-geneve.pcap", "tunnel-gre-key-seq-csum.pcap", "tunnel-gre-eth.pcap",
    "tunnel-erspan1.pcap", "tunnel-erspan2.pcap", "tunnel-erspan3.pcap", "tunnel-mpls.pcap",
    "tunnel-mpls-pw.pcap", "tunnel-mpls-vlan.pcap", "tunnel-pppoe.pcap", "tunnel-gtpu.pcap",
    "tunnel-ipip.pcap", "tunnel-4in6.pcap", "tunnel-qinq.pcap", "tunnel-vntag.pcap",
    "tunnel-pbb.pcap", "tunnel-nested-erspan-vlan-mpls.pcap"]}
REWRAP.update({name: INNER6 for name in [
    "tunnel-gre-ipv6.pcap", "tunnel-6in4.pcap", "tunnel-6in6.pcap"]})
REWRAP["tunnel-nested-pppoe-geneve-ipip.pcap"] = INNER4 + INNER6
# the two parts of tunnel-same-pair.pcap are each three-way-client-close
REWRAP["tunnel-same-pair.pcap"] = ["three-way-client-close.pcap", "three-way-client-close.pcap"]
# the 300-byte response's outer datagram is fragmented: numbered, not analysed (as in the
# plain capture of link-ip-fragment.pcap), which changes none of the connection's facts
REWRAP["tunnel-vxlan-fragmented.pcap"] = ["three-way-client-close.pcap"]
REAL = {"tunnel-vxlan-real.pcap": ["tunnel-vxlan-real-inner.pcap"]}
TOLERANCE = 0.001  # seconds, for REAL
TIMES = {"rtt", "server_rtt", "client_rtt", "duration"}


def connections(analyzer, path):
    out = subprocess.run([analyzer, "--json", "--quiet", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("%s: tcpconn-analyze exited %d: %s" % (path, out.returncode, out.stderr))
    conns = []
    for line in out.stdout.splitlines():
        o = json.loads(line)
        hs, td = o["handshake"], o["teardown"]
        conns.append({
            "client": o["client"], "server": o["server"],
            "roles_inferred": o.get("roles_inferred", False),
            **{"handshake." + k: v for k, v in hs.items()},
            **{"teardown." + k: v for k, v in td.items()},
        })
    return conns


def same(key, a, b, tol):
    if key.split(".")[-1] in TIMES and a is not None and b is not None:
        return abs(a - b) <= tol
    return a == b


def main():
    analyzer, testdata = sys.argv[1], sys.argv[2]
    failures = checked = 0
    for table, tol in ((REWRAP, 0.0), (REAL, TOLERANCE)):
        for tunnelled, plain in sorted(table.items()):
            got = connections(analyzer, os.path.join(testdata, tunnelled))
            want = [c for p in plain for c in connections(analyzer, os.path.join(testdata, p))]
            bad = []
            if len(got) != len(want):
                bad.append("%d connections, the plain captures have %d" % (len(got), len(want)))
            for i, (g, w) in enumerate(zip(got, want)):
                for k in sorted(set(g) | set(w)):
                    if not same(k, g.get(k), w.get(k), tol):
                        bad.append("connection %d: %s = %r, plain %r" % (i, k, g.get(k), w.get(k)))
            checked += 1
            if bad:
                failures += 1
                for b in bad:
                    print("FAIL %s: %s" % (tunnelled, b))
            else:
                print("ok   %s: %d connections as in %s" % (tunnelled, len(got), " + ".join(plain)))
    print("%d tunnelled captures checked, %d failed" % (checked, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
