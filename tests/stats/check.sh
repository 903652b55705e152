#!/bin/sh
# check.sh PLUGIN ANALYZER CAPTURE onepass|twopass|modes [streams-ws40]
#
# onepass, twopass: tshark -q -z tcpconn,tree (the plugin's statistics tree, in one pass or
# with -2) counts the same connections in the same rows as tcpconn-analyze --summary; and, from
# the same tshark run, -z tcpconn_servers,tree (the by-server tree) has the rows the analyzer's
# --json lines give per server (compare-servers.py), which --summary --by server counts too.
# modes: one-pass and -2 runs of tshark agree, both trees (for captures with streams the plugin
# analyses and the analyzer only numbers by design, flagged plugin-only-ok).
# streams-ws40: the analyzer numbers connections as Wireshark 4.0's tcp.stream does, and on
# this capture later versions number them differently: with those, "modes" is checked instead.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
plugin=$1 analyzer=$2 capture=$3 mode=$4
if [ "${5:-}" = streams-ws40 ]; then
    ver=$(sh "$here/../wireshark-version.sh")
    if [ "$ver" != 4.0 ]; then
        echo "Wireshark $ver numbers tcp.stream differently from 4.0 here: one pass vs -2 only"
        mode=modes
    fi
fi
case $mode in
    onepass) two= ;;
    twopass) two=-2 ;;
    modes) two=-2 ;;
    *) echo "check.sh: mode is onepass, twopass or modes" >&2; exit 2 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-stats.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# trees OUT PREFIX: split tshark's output into PREFIX.txt (the per-capture tree) and
# PREFIX-servers.txt (the by-server tree), by their titles (tshark prints them in any order).
trees() {
    awk -v a="$2.txt" -v b="$2-servers.txt" '
        /^TCP Connection Lifecycle:/ {out = a} /^TCP Connection Lifecycle by Server:/ {out = b}
        out != "" {print > out}' "$1"
    [ -s "$2.txt" ] && [ -s "$2-servers.txt" ] || { echo "check.sh: a tree is missing" >&2; cat "$1" >&2; exit 1; }
}
"$here/../plugin/run-tshark.sh" "$plugin" -n -q $two -r "$capture" -z tcpconn,tree -z tcpconn_servers,tree \
    >"$tmp/tshark-all.txt" 2>"$tmp/tshark.err" || {
    cat "$tmp/tshark.err" >&2; echo "check.sh: tshark failed" >&2; exit 1; }
trees "$tmp/tshark-all.txt" "$tmp/tshark"
if [ "$mode" = modes ]; then
    "$here/../plugin/run-tshark.sh" "$plugin" -n -q -r "$capture" -z tcpconn,tree -z tcpconn_servers,tree \
        >"$tmp/onepass-all.txt"
    trees "$tmp/onepass-all.txt" "$tmp/onepass"
    for t in "" -servers; do
        if ! python3 "$here/compare.py" "$tmp/onepass$t.txt" "$tmp/tshark$t.txt"; then
            echo "--- one pass"; cat "$tmp/onepass$t.txt"; echo "--- -2"; cat "$tmp/tshark$t.txt"
            exit 1
        fi
    done
    exit 0
fi
# The analyzer exits non-zero on damaged captures (5, 6) but still reports what it read.
rc=0
"$analyzer" -q --summary "$capture" >"$tmp/analyzer.txt" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ] && [ "$rc" -ne 6 ]; then
    echo "check.sh: tcpconn-analyze exited $rc" >&2; exit 1
fi
if ! python3 "$here/compare.py" "$tmp/tshark.txt" "$tmp/analyzer.txt"; then
    echo "--- tshark $two -z tcpconn,tree"; cat "$tmp/tshark.txt"
    echo "--- tcpconn-analyze --summary"; cat "$tmp/analyzer.txt"
    exit 1
fi
"$analyzer" -q --json "$capture" >"$tmp/connections.jsonl" || true
"$analyzer" -q --json --summary --by server "$capture" >"$tmp/byhost.jsonl" || true
if ! python3 "$here/compare-servers.py" "$tmp/tshark-servers.txt" "$tmp/connections.jsonl" "$tmp/byhost.jsonl"; then
    echo "--- tshark $two -z tcpconn_servers,tree"; cat "$tmp/tshark-servers.txt"
    echo "--- tcpconn-analyze --json --summary --by server"; cat "$tmp/byhost.jsonl"
    exit 1
fi
