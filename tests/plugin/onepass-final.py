#!/usr/bin/env python3
"""onepass-final.py PLUGIN.so ROOT DIR|CAPTURE...

SPEC.md: "In one-pass tshark a summary field appears from the packet at which it became
known"; with -2 every packet carries the connection's final summary (plugin.agree* compares
that with tcpconn-analyze). This checks the one-pass side: for every capture directly in each
DIR (or each CAPTURE; relative to ROOT), tshark with the plugin in one pass and in two: on
every packet that carries the handshake state in one pass, every handshake field must have its
two-pass value, and likewise the teardown fields with the teardown style; and a connection's
last packet must carry both, unless they are known only at the end of the capture (`open`,
`incomplete`, `unanswered`, `no-ack`: README "One pass or two?"; `not-captured` too, when the
capture starts at an unacknowledged SYN/ACK).
Prints every difference; exit 1 if there is one. Standard library only.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agree import CAPTURE_SUFFIXES, SUMMARY_FIELDS  # noqa: E402


def rows(plugin, capture, two_pass):
    cmd = ["sh", os.path.join(os.path.dirname(os.path.abspath(__file__)), "run-tshark.sh"), plugin,
           "-n", "-r", capture] + (["-2"] if two_pass else []) + \
          ["-Y", "tcpconn.stream", "-T", "fields", "-E", "occurrence=f", "-e", "frame.number", "-e", "tcpconn.stream"]
    for field in SUMMARY_FIELDS:
        cmd += ["-e", field]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0 and not out.stdout:
        raise RuntimeError(f"tshark exit {out.returncode}: {out.stderr.strip()[-200:]}")
    return [line.split("\t") for line in out.stdout.splitlines()]


# A group's fields are final on every packet that carries its anchor (the handshake state or
# the teardown style); before that, what a packet shows is what was known then (the first FIN
# in capture order, say, which reordered FINs can still change).
GROUPS = {"tcpconn.handshake.state": [f for f in SUMMARY_FIELDS if f.startswith("tcpconn.handshake.")] +
          ["tcpconn.roles_inferred"],
          "tcpconn.teardown.style": [f for f in SUMMARY_FIELDS if f.startswith("tcpconn.teardown.")]}
# Known only once the capture has ended (or, for the handshake states, an RST ended the
# connection): one pass never shows them at a connection that just stops (README). So is
# not-captured for a capture that starts at a SYN/ACK that nothing acknowledges (the SYN may
# still come, reordered: core/classify.c).
END_ONLY = {"tcpconn.handshake.state": {"unanswered", "no-ack", "not-captured"},
            "tcpconn.teardown.style": {"open", "incomplete"}}


def check(plugin, capture, name):
    final = {}
    for r in rows(plugin, capture, True):
        final.setdefault(r[1], dict(zip(SUMMARY_FIELDS, r[2:])))
    problems, last = [], {}
    for r in rows(plugin, capture, False):
        frame, stream = r[0], r[1]
        got = dict(zip(SUMMARY_FIELDS, r[2:] + [""] * len(SUMMARY_FIELDS)))
        last[stream] = (frame, got)
        want = final.get(stream)
        if want is None:
            problems.append(f"{name}: stream {stream} (frame {frame}) is not in the two-pass output")
            continue
        for anchor, fields in GROUPS.items():
            if got[anchor] == "":
                continue
            for field in fields:
                if field == "tcpconn.teardown.rst_frame" and got[field] == "" and \
                        want["tcpconn.teardown.style"] not in ("reset", "reset-after-fin", "refused"):
                    continue  # a stray RST after a completed close, still to come (SPEC: "RST after close")
                if got[field] != want[field]:
                    problems.append(f"{name}: frame {frame}, stream {stream}: {field} is {got[field]!r} in one "
                                    f"pass (with {anchor} {got[anchor]!r}), {want[field]!r} in two")
    for stream, (frame, got) in last.items():
        for anchor, end_only in END_ONLY.items():
            expected = final.get(stream, {}).get(anchor, "")
            if got[anchor] == "" and expected not in end_only | {""}:
                problems.append(f"{name}: stream {stream}'s last packet (frame {frame}) lacks {anchor} "
                                f"({expected!r} in two passes)")
    if set(final) != set(last):
        problems.append(f"{name}: streams in two passes but not in one: {sorted(set(final) - set(last))}")
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    plugin, root = argv[0], argv[1]
    captures = []
    for arg in argv[2:]:
        path = os.path.join(root, arg)
        if os.path.isdir(path):
            captures += sorted(os.path.join(arg, f) for f in os.listdir(path)
                               if f.endswith(CAPTURE_SUFFIXES) and os.path.isfile(os.path.join(path, f)))
        else:
            captures.append(arg)
    problems = []
    for rel in captures:
        try:
            problems += check(plugin, os.path.join(root, rel), rel)
        except RuntimeError as e:
            problems.append(f"{rel}: {e}")
    for p in problems:
        print(p)
    print(f"{len(captures)} captures, {len(problems)} differences")
    return 1 if problems or not captures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
