#!/usr/bin/env python3
"""check-memory.py ANALYZER WORKDIR COUNT CEILING_MB

Bounded memory under attack traffic: generates (gen-attack.py) a SYN flood and a capture of
one-packet connections, COUNT packets each at 1000 per second of capture time, runs
`tcpconn-analyze --json` on each and checks that
  - every connection is reported (one JSON line per stream) and the exit status is 0;
  - with the default timeouts the peak RSS stays under CEILING_MB;
  - with expiry off (--idle-timeout 0 --unanswered-timeout 0) it does not: the ceiling is
    one that an analyzer without expiry would break, so the test means something.
Exit 77 (skipped) under ASan/Valgrind-style builds, where RSS says nothing.
Peak RSS is the child's ru_maxrss (Linux: KiB).
"""
import os
import resource
import subprocess
import sys


def run(cmd):
    """Runs cmd in a fresh child; returns (rc, stdout lines, stderr, peak RSS in MiB)."""
    # each measurement in its own python child, so that ru_maxrss is this run's alone
    code = ("import resource,subprocess,sys\n"
            "p=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE)\n"
            "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "sys.stdout.write('%d %d %d\\n'%(p.returncode,p.stdout.count(b'\\n'),r))\n"
            "sys.stderr.write(p.stderr.decode(errors='replace'))\n")
    p = subprocess.run([sys.executable, "-c", code] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=True)
    rc, lines, rss_kib = (int(x) for x in p.stdout.split())
    return rc, lines, p.stderr.decode(), rss_kib / 1024.0


def main():
    analyzer, work, count, ceiling = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    ldd = subprocess.run(["ldd", analyzer], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if b"libasan" in ldd.stdout or b"libubsan" in ldd.stdout:
        print("skipped: a sanitizer build (RSS is not meaningful)")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(work, exist_ok=True)
    failures = 0
    for kind in ("synflood", "onepacket"):
        cap = os.path.join(work, "%s-%d.pcap" % (kind, count))
        if not os.path.exists(cap):
            subprocess.run([sys.executable, os.path.join(here, "gen-attack.py"), kind, str(count),
                            cap + ".tmp"], check=True)
            os.rename(cap + ".tmp", cap)
        rc, lines, err, rss = run([analyzer, "--json", cap])
        streams = [l for l in err.splitlines() if " TCP streams" in l]
        want = int(streams[0].split(" frames, ")[1].split(" ")[0]) if streams else -1
        ok = rc == 0 and lines == want and rss < ceiling
        print("%s %s: default timeouts: exit %d, %d connections reported of %d streams, peak RSS "
              "%.1f MiB (ceiling %.0f)" % ("ok  " if ok else "FAIL", kind, rc, lines, want, rss,
                                            ceiling))
        failures += not ok
        rc0, lines0, _, rss0 = run([analyzer, "--json", "--idle-timeout", "0",
                                    "--unanswered-timeout", "0", cap])
        ok = rc0 == 0 and lines0 == want and rss0 >= ceiling
        print("%s %s: expiry off: exit %d, %d connections, peak RSS %.1f MiB (must break the "
              "ceiling)" % ("ok  " if ok else "FAIL", kind, rc0, lines0, rss0))
        failures += not ok
    print("%d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
