"""profile.py: tests of the "tcpconn" configuration profile (packaging/profile/tcpconn).

  profile.py columns PLUGIN PROFILE CAPTURE GOLDEN [--write]
      `tshark -C tcpconn -r CAPTURE` prints the profile's columns: compared with GOLDEN
      (--write rewrites GOLDEN instead; read the diff before committing)
  profile.py filters PLUGIN ANALYZER PROFILE CAPTURE
      every coloring rule and every filter button compiles (`tshark -Y EXPR`, exit 0), and each
      style button selects exactly the streams that tcpconn-analyze gives that style; "slow
      handshakes" exactly those whose handshake RTT is above tcpconn.slow_handshake_ms
  profile.py colors PLUGIN PROFILE CAPTURE...
      with the profile's coloring rules (tshark --color -2): no packet that Wireshark's "Bad TCP"
      rule matches is colored by a light tcpconn rule (only by Bad TCP itself or by the
      retransmission rule, which keeps Bad TCP's background), and every tcpconn rule colors
      at least one packet of the captures

tshark runs through run-tshark.sh (as uid 65534 when we are root) with PROFILE installed as
the personal profile "tcpconn". Exit 0 = pass.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "run-tshark.sh")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def tshark(plugin, profile, *args, check=True):
    env = dict(os.environ, TCPCONN_TSHARK_PROFILE=profile)
    p = subprocess.run([RUN, plugin, "-C", "tcpconn", *args], env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        fail("tshark %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p


def uat_fields(line):
    """The quoted, comma-separated fields of one UAT line; \\xNN escapes decoded."""
    fields = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
    return [re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), f) for f in fields]


def buttons(profile):
    """[(label, expression)] from dfilter_buttons."""
    out = []
    with open(os.path.join(profile, "dfilter_buttons"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = uat_fields(line)
            if len(fields) != 4 or fields[0] not in ("TRUE", "FALSE"):
                fail("dfilter_buttons: not enabled,label,expression,comment: " + line.strip())
            out.append((fields[1], fields[2]))
    return out


def color_rules(profile):
    """[(name, filter, background)] from colorfilters, in order."""
    out = []
    with open(os.path.join(profile, "colorfilters"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("@"):
                continue
            m = re.match(r"^@([^@]*)@(.*)@\[(\d+,\d+,\d+)\]\[(\d+,\d+,\d+)\]$", line.rstrip("\n"))
            if not m:
                fail("colorfilters: malformed rule: " + line.strip())
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def columns(plugin, profile, capture, golden, write):
    got = tshark(plugin, profile, "-n", "-r", capture).stdout
    if write:
        with open(golden, "w", encoding="utf-8") as f:
            f.write(got)
        print("wrote " + golden)
        return
    with open(golden, encoding="utf-8") as f:
        want = f.read()
    if got != want:
        fail("tshark -C tcpconn -r %s differs from %s:\n--- got\n%s--- want\n%s" % (capture, golden, got, want))
    print("ok: tshark -C tcpconn prints the profile's columns (%d packets)" % len(got.splitlines()))


def streams(plugin, profile, capture, expr, *extra):
    out = tshark(plugin, profile, "-n", "-2", "-r", capture, "-Y", expr, *extra, "-T", "fields", "-e", "tcp.stream").stdout
    return {int(s) for s in out.split()}


def filters(plugin, analyzer, profile, capture):
    exprs = [("button " + label, expr) for label, expr in buttons(profile)]
    # Wireshark's own default rules, copied unchanged, are Wireshark's to keep compiling.
    exprs += [("coloring rule " + name, expr) for name, expr, _ in color_rules(profile) if name.startswith("tcpconn:")]
    for what, expr in exprs:
        tshark(plugin, profile, "-n", "-r", capture, "-Y", expr, "-c", "1")
    print("ok: %d filter expressions compile" % len(exprs))

    conns = [json.loads(line) for line in subprocess.run(
        [analyzer, "-q", "--json", capture], capture_output=True, text=True, check=True).stdout.splitlines()]
    by_style = {
        "3-way closes": {"three-way"},
        "4-way closes": {"four-way"},
        "resets": {"reset", "reset-after-fin"},
        "refused": {"refused"},
        "half-close": {"half-close"},
    }
    labels = dict(buttons(profile))
    missing = (set(by_style) | {"slow handshakes"}) - set(labels)
    if missing:
        fail("buttons missing: %s" % sorted(missing))
    for label, styles in by_style.items():
        want = {c["stream"] for c in conns if c["teardown"]["style"] in styles}
        got = streams(plugin, profile, capture, labels[label])
        if not want:
            fail("%s has no %s connection to test the button with" % (capture, label))
        if got != want:
            fail("button %s selects streams %s, tcpconn-analyze says %s" % (label, sorted(got), sorted(want)))
        print("ok: button %s selects the %d such connections" % (label, len(want)))
    # The slow-handshake button follows the preference: a threshold between the capture's RTTs.
    rtts = sorted(c["handshake"]["rtt"] for c in conns if c["handshake"]["rtt"] is not None)
    threshold_ms = int(rtts[len(rtts) * 3 // 4] * 1000)
    want = {c["stream"] for c in conns if c["handshake"]["rtt"] is not None and c["handshake"]["rtt"] * 1000 > threshold_ms}
    got = streams(plugin, profile, capture, labels["slow handshakes"], "-o", "tcpconn.slow_handshake_ms:%d" % threshold_ms)
    if not want or len(want) == len(rtts) or got != want:
        fail("button slow handshakes (> %d ms) selects %s, tcpconn-analyze says %s" % (threshold_ms, sorted(got), sorted(want)))
    print("ok: button slow handshakes selects the %d connections above %d ms" % (len(want), threshold_ms))


def colors(plugin, profile, captures):
    rules = color_rules(profile)
    bad = [r for r in rules if r[0] == "Bad TCP"]
    if not bad:
        fail("colorfilters has no Bad TCP rule")
    bad_bg = bad[0][2]
    allowed = {name for name, _, bg in rules if name == "Bad TCP" or (name.startswith("tcpconn:") and bg == bad_bg)}
    before_bad = [name for name, _, _ in rules[:rules.index(bad[0])]]
    for name in before_bad:
        if name not in allowed:
            fail("rule %s comes before Bad TCP with another background" % name)
    used = set()
    for capture in captures:
        out = tshark(plugin, profile, "-n", "-2", "--color", "-r", capture, "-T", "fields",
                     "-e", "frame.number", "-e", "frame.coloring_rule.name",
                     "-e", "tcp.analysis.flags", "-e", "tcp.analysis.window_update",
                     "-e", "tcp.analysis.keep_alive", "-e", "tcp.analysis.keep_alive_ack").stdout
        for line in out.splitlines():
            frame, rule, flags, wupd, ka, kaack = (line.split("\t") + [""] * 6)[:6]
            used.add(rule)
            if flags and not (wupd or ka or kaack) and rule not in allowed:
                fail("%s frame %s: a Bad TCP packet colored by %r" % (capture, frame, rule))
    unused = [name for name, _, _ in rules if name.startswith("tcpconn:") and name not in used]
    if unused:
        fail("tcpconn rules that color nothing in the captures: %s" % unused)
    print("ok: every tcpconn rule colors packets; Bad TCP packets keep Bad TCP's colors (%d captures)" % len(captures))


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    cmd = argv[1]
    if cmd == "columns":
        columns(argv[2], argv[3], argv[4], argv[5], "--write" in argv[6:])
    elif cmd == "filters":
        filters(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "colors":
        colors(argv[2], argv[3], argv[4:])
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
