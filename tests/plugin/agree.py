#!/usr/bin/env python3
"""agree.py PLUGIN_TSV ANALYZER_JSONL [--plugin-only-ok]

Checks that the Wireshark plugin (tshark -2 -T fields, columns as check.sh `agree`
writes them) and tcpconn-analyze --json report the same per-connection summary:
handshake state, RTT legs, ambiguity, retransmission counts, teardown style, initiator,
TIME_WAIT holder, duration, inferred roles and the key frames. Also checks that in two-pass mode every
packet of a stream carries the same summary, and that every analysed packet's tcpconn.stream is
Wireshark's tcp.stream of its innermost TCP layer (tshark -E occurrence=l). Standard library only.
"""
import json
import sys

COLUMNS = ["tcp.stream", "stream", "state", "server_rtt", "client_rtt", "rtt", "rtt_ambiguous",
           "syn_retransmissions", "synack_retransmissions", "style", "initiator", "duration",
           "roles_inferred", "syn", "synack", "handshake_ack", "first_fin", "second_fin", "rst", "close",
           "half_close_bytes", "time_wait"]
# The tshark fields behind COLUMNS, in the same order (the Python callers' -e list; check.sh
# spells it out again in shell). From the third on: the connection summary.
TSHARK_FIELDS = ["tcp.stream", "tcpconn.stream", "tcpconn.handshake.state",
                 "tcpconn.handshake.server_rtt", "tcpconn.handshake.client_rtt",
                 "tcpconn.handshake.rtt", "tcpconn.handshake.rtt_ambiguous",
                 "tcpconn.handshake.syn_retransmissions", "tcpconn.handshake.synack_retransmissions",
                 "tcpconn.teardown.style", "tcpconn.teardown.initiator", "tcpconn.teardown.duration",
                 "tcpconn.roles_inferred", "tcpconn.handshake.syn_frame",
                 "tcpconn.handshake.synack_frame", "tcpconn.handshake.ack_frame",
                 "tcpconn.teardown.fin_frame", "tcpconn.teardown.passive_fin_frame",
                 "tcpconn.teardown.rst_frame", "tcpconn.teardown.close_frame",
                 "tcpconn.teardown.half_close_bytes", "tcpconn.teardown.time_wait"]
assert len(TSHARK_FIELDS) == len(COLUMNS)
SUMMARY_FIELDS = TSHARK_FIELDS[2:]
# What the corpus scripts (agree-corpus.py, onepass-final.py) take for a capture in a directory.
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz", ".cap", ".cap.gz")


def norm_time(v):
    if v in (None, ""):
        return None
    return round(float(v), 9)


def norm_int(v, default=None):
    if v in (None, ""):
        return default
    return int(v)


def norm_bool(v):
    return v in (True, "1", "True", "true")


def plugin_streams(path):
    streams, errors = {}, []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            cols += [""] * (len(COLUMNS) - len(cols))
            row = dict(zip(COLUMNS, cols))
            if row["stream"] == "":
                continue  # not analysed (e.g. TCP quoted in an ICMP error)
            s = {
                "state": row["state"] or None,
                "server_rtt": norm_time(row["server_rtt"]),
                "client_rtt": norm_time(row["client_rtt"]),
                "rtt": norm_time(row["rtt"]),
                "rtt_ambiguous": norm_bool(row["rtt_ambiguous"]),
                "syn_retransmissions": norm_int(row["syn_retransmissions"]),
                "synack_retransmissions": norm_int(row["synack_retransmissions"]),
                "style": row["style"] or None,
                "initiator": row["initiator"] or None,
                "duration": norm_time(row["duration"]),
                "roles_inferred": norm_bool(row["roles_inferred"]),
                "half_close_bytes": norm_int(row["half_close_bytes"], 0),
                "time_wait": row["time_wait"] or None,
            }
            for k in ("syn", "synack", "handshake_ack", "first_fin", "second_fin", "rst", "close"):
                s["frame." + k] = norm_int(row[k])
            n = int(row["stream"])
            if row["tcp.stream"] != row["stream"]:
                errors.append(f"line {lineno}: tcpconn.stream {n}, but tcp.stream {row['tcp.stream']!r}")
            if n in streams and streams[n] != s:
                diff = {k: (streams[n][k], s[k]) for k in s if streams[n][k] != s[k]}
                errors.append(f"stream {n}: packet on line {lineno} carries a different summary: {diff}")
            streams.setdefault(n, s)
    return streams, errors


def analyzer_streams(path):
    streams = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            hs, td, fr = o["handshake"], o["teardown"], o.get("frames", {})
            s = {
                "state": hs["state"],
                "server_rtt": norm_time(hs["server_rtt"]),
                "client_rtt": norm_time(hs["client_rtt"]),
                "rtt": norm_time(hs["rtt"]),
                "rtt_ambiguous": bool(hs["rtt_ambiguous"]),
                "syn_retransmissions": hs["syn_retransmissions"],
                "synack_retransmissions": hs["synack_retransmissions"],
                "style": td["style"],
                "initiator": td.get("initiator") or None,
                "duration": norm_time(td.get("duration")),
                "roles_inferred": bool(o.get("roles_inferred", False)),
                "half_close_bytes": td.get("half_close_bytes", 0) or 0,
                "time_wait": td.get("time_wait"),
            }
            for k in ("syn", "synack", "handshake_ack", "first_fin", "second_fin", "rst", "close"):
                s["frame." + k] = fr.get(k)
            streams[o["stream"]] = s
    return streams


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    plugin_only_ok = "--plugin-only-ok" in sys.argv
    plugin, errors = plugin_streams(args[0])
    analyzer = analyzer_streams(args[1])
    for n in sorted(set(plugin) | set(analyzer)):
        if n not in analyzer:
            if not plugin_only_ok:
                errors.append(f"stream {n}: only the plugin reports it")
            continue
        if n not in plugin:
            errors.append(f"stream {n}: only the analyzer reports it")
            continue
        p, a = plugin[n], analyzer[n]
        for k in p:
            if p[k] != a[k]:
                errors.append(f"stream {n}: {k}: plugin {p[k]!r}, analyzer {a[k]!r}")
    for e in errors:
        print("DISAGREE:", e, file=sys.stderr)
    print(f"{'FAIL' if errors else 'ok'}: {len(set(plugin) & set(analyzer))} streams compared, "
          f"{len(errors)} disagreements")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
