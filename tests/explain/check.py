"""check.py: what explain.sh checks with Python.

  check.py frames EXPLAIN.txt TSHARK.tsv
      every frame number in a connection's two sentences is a frame of its tcp.stream
      (TSHARK.tsv: tshark -T fields -e frame.number -e tcp.stream)
  check.py plugin EXPLAIN.txt PLUGIN.tsv
      for every connection the analyzer explains, every packet of its stream in the plugin's
      -2 output carries exactly the analyzer's two sentences
      (PLUGIN.tsv: -e frame.number -e tcpconn.stream -e tcpconn.handshake.explanation
       -e tcpconn.teardown.explanation)

EXPLAIN.txt is `tcpconn-analyze --explain` output with COLUMNS wide enough that each
sentence is one line.
"""
import re
import sys

FRAME_RE = re.compile(r"\bframes? (\d+)(?: (?:to|and) (\d+))?")


def connections(path):
    """stream -> (handshake sentence, teardown sentence), from the --explain output."""
    out = {}
    with open(path, encoding="utf-8") as f:
        blocks = re.split(r"\n(?=Stream \d+:)", f.read())
    for block in blocks:
        m = re.match(r"Stream (\d+):", block)
        if not m:
            continue
        paragraphs = [p for p in block.strip("\n").split("\n\n")]
        if len(paragraphs) < 2:
            sys.exit(f"FAIL: stream {m.group(1)}: no sentences after the ladder")
        lines = paragraphs[1].split("\n")
        if len(lines) != 2:
            sys.exit(f"FAIL: stream {m.group(1)}: expected two sentence lines, got {lines}")
        out[int(m.group(1))] = (lines[0], lines[1])
    return out


def frames_named(sentence):
    named = []
    for a, b in FRAME_RE.findall(sentence):
        named.append(int(a))
        if b:
            named.append(int(b))
    return named


def check_frames(explain, tsv):
    conns = connections(explain)
    stream_of = {}
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[1]:
                continue
            stream_of[int(parts[0])] = {int(s) for s in parts[1].split(",") if s}
    bad = checked = 0
    for stream, sentences in sorted(conns.items()):
        for sentence in sentences:
            for frame in frames_named(sentence):
                checked += 1
                if frame not in stream_of:
                    print(f"FAIL: stream {stream}: frame {frame} is not a TCP frame of the capture: {sentence}")
                    bad += 1
                elif stream not in stream_of[frame]:
                    print(f"FAIL: stream {stream}: frame {frame} belongs to tcp.stream "
                          f"{sorted(stream_of[frame])}: {sentence}")
                    bad += 1
    if bad:
        sys.exit(1)
    print(f"ok: {len(conns)} connections, {checked} frame numbers named, all in their stream")


def check_plugin(explain, tsv):
    conns = connections(explain)
    seen = {}
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            parts += [""] * (4 - len(parts))
            frame, stream, hs, td = parts[:4]
            if not stream:
                continue
            seen.setdefault(int(stream), []).append((frame, hs, td))
    bad = 0
    for stream, (hs_want, td_want) in sorted(conns.items()):
        rows = seen.get(stream)
        if not rows:
            print(f"FAIL: stream {stream}: the plugin has no packet of it")
            bad += 1
            continue
        for frame, hs, td in rows:
            if td != td_want:
                print(f"FAIL: stream {stream} frame {frame}: tcpconn.teardown.explanation\n  plugin:   {td!r}\n"
                      f"  analyzer: {td_want!r}")
                bad += 1
                break
            if hs != hs_want:
                print(f"FAIL: stream {stream} frame {frame}: tcpconn.handshake.explanation\n  plugin:   {hs!r}\n"
                      f"  analyzer: {hs_want!r}")
                bad += 1
                break
    if bad:
        sys.exit(1)
    print(f"ok: {len(conns)} connections, both explanations equal on every packet")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("frames", "plugin"):
        sys.exit(__doc__)
    (check_frames if sys.argv[1] == "frames" else check_plugin)(sys.argv[2], sys.argv[3])
