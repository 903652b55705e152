#!/usr/bin/env python3
"""agree-corpus.py [--analyzer-option OPT]... PLUGIN.so ANALYZER ALLOWLIST ROOT DIR|CAPTURE...

The corpus agreement test (issue 16): for every capture directly in each DIR (relative to ROOT),
runs tcpconn-analyze --json and tshark with the plugin (run-tshark.sh, two passes) and compares,
per tcp.stream: its first frame (so that a numbering difference shows), handshake state, server leg, client leg, teardown style, initiator, TIME_WAIT
holder. Legs must be equal to the nanosecond: both tools read the same timestamps and the core
subtracts them the same way, so any difference is a bug, not rounding.

Every disagreement is a (capture, stream, field) triple. ALLOWLIST (tab-separated: capture,
stream, field, why; '#' comments) lists the known ones; docs/AGREEMENT.md explains them. The test
fails on a disagreement that is not listed and on a listed one (for the captures under DIR) that
no longer occurs, so the list stays honest. Stream '*' with field 'capture' stands for "the
analyzer does not report this capture at all" (exit status 2-5: e.g. a link type it does not
read); its streams are then not compared one by one.
A CAPTURE argument (relative to ROOT) checks that capture alone; --analyzer-option passes an
option to tcpconn-analyze (e.g. --idle-timeout 0). Exit 77 (skipped) with a Wireshark other
than 4.0: the allow-list records 4.0's numbering and decoders. Prints every disagreement. Standard library only.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agree import CAPTURE_SUFFIXES, TSHARK_FIELDS, plugin_streams, analyzer_streams  # noqa: E402

FIELDS = ["state", "server_rtt", "client_rtt", "style", "initiator", "time_wait"]


def read_allowlist(path):
    allowed = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 4 or not cols[3].strip():
                sys.exit(f"{path}:{lineno}: want capture, stream, field, why (tab-separated)")
            allowed[(cols[0], cols[1], cols[2])] = cols[3]
    return allowed


def compare(plugin_so, analyzer, options, root, rel, tmp):
    """Returns ({(capture, stream, field): detail}, streams compared)."""
    path = os.path.join(root, rel)
    found = {}
    a = subprocess.run([analyzer, "--json"] + options + [path], capture_output=True, text=True)
    if a.returncode not in (0, 6):
        err = a.stderr.strip().splitlines()
        found[(rel, "*", "capture")] = (f"analyzer exit {a.returncode}: "
                                        f"{err[-1] if err else ''}")
        return found, 0
    jsonl = os.path.join(tmp, "analyzer.jsonl")
    with open(jsonl, "w") as f:
        f.write(a.stdout)
    cmd = ["sh", os.path.join(os.path.dirname(os.path.abspath(__file__)), "run-tshark.sh"),
           plugin_so, "-n", "-r", path, "-2", "-T", "fields", "-E", "occurrence=l"]
    for field in TSHARK_FIELDS + ["frame.number"]:
        cmd += ["-e", field]
    t = subprocess.run(cmd, capture_output=True, text=True)
    if t.returncode != 0 and not t.stdout:
        found[(rel, "*", "capture")] = f"tshark exit {t.returncode}: {t.stderr.strip()[-200:]}"
        return found, 0
    tsv = os.path.join(tmp, "plugin.tsv")
    with open(tsv, "w") as f:
        f.write(t.stdout)
    plugin, errors = plugin_streams(tsv)
    first_frame = {}
    for line in t.stdout.splitlines():
        cols = line.split("\t")
        if len(cols) == len(TSHARK_FIELDS) + 1 and cols[1] != "":
            first_frame.setdefault(int(cols[1]), int(cols[-1]))
    ana_first = {}
    with open(jsonl) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                ana_first[o["stream"]] = o["first_frame"]
    for e in errors:  # one stream, two summaries in two-pass mode
        stream = e.split(":")[0].split()[1]
        found[(rel, stream, "consistency")] = e
    ana = analyzer_streams(jsonl)
    for n in sorted(set(plugin) | set(ana)):
        if n not in ana:
            found[(rel, str(n), "presence")] = "only the plugin reports it"
            continue
        if n not in plugin:
            found[(rel, str(n), "presence")] = "only the analyzer reports it"
            continue
        if first_frame.get(n) != ana_first.get(n):  # the numbering diverged before this stream
            found[(rel, str(n), "first_frame")] = (f"plugin {first_frame.get(n)!r}, "
                                                   f"analyzer {ana_first.get(n)!r}")
        for k in FIELDS:
            if plugin[n][k] != ana[n][k]:
                found[(rel, str(n), k)] = f"plugin {plugin[n][k]!r}, analyzer {ana[n][k]!r}"
    return found, len(set(plugin) & set(ana))


def main():
    args, options = sys.argv[1:], []
    while len(args) >= 2 and args[0] == "--analyzer-option":
        options.append(args[1])
        args = args[2:]
    if len(args) < 5:
        sys.exit(__doc__)
    plugin_so, analyzer, allowlist, root = args[:4]
    dirs = [d.rstrip("/") for d in args[4:]]
    allowed = read_allowlist(allowlist)
    here = os.path.dirname(os.path.abspath(__file__))
    ver = subprocess.run(["sh", os.path.join(here, "..", "wireshark-version.sh")],
                         capture_output=True, text=True).stdout.strip()
    if ver != "4.0":
        # The allow-list is Wireshark 4.0's (its tcp.stream numbering and decoders).
        print(f"skipped: the allow-list is written for Wireshark 4.0, this is {ver or 'unknown'}")
        return 77
    found, captures, streams = {}, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for d in dirs:
            if os.path.isfile(os.path.join(root, d)):
                rels = [d]
            else:
                rels = [f"{d}/{name}" for name in sorted(os.listdir(os.path.join(root, d)))
                        if name.endswith(CAPTURE_SUFFIXES)]
            for rel in rels:
                got, n = compare(plugin_so, analyzer, options, root, rel, tmp)
                found.update(got)
                captures += 1
                streams += n
    in_scope = {k for k in allowed if os.path.dirname(k[0]) in dirs or k[0] in dirs}
    new = sorted(k for k in found if k not in allowed)
    listed = sorted(k for k in found if k in allowed)
    gone = sorted(in_scope - set(found))
    for k in listed:
        print(f"known:    {k[0]} stream {k[1]} {k[2]}: {found[k]}  [{allowed[k]}]")
    for k in new:
        print(f"DISAGREE: {k[0]} stream {k[1]} {k[2]}: {found[k]}")
    for k in gone:
        print(f"STALE:    {k[0]} stream {k[1]} {k[2]}: listed in {allowlist} but they agree now")
    print(f"{'FAIL' if new or gone else 'ok'}: {captures} captures, {streams} streams compared, "
          f"{len(listed)} known differences, {len(new)} new, {len(gone)} stale")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
