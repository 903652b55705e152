#!/bin/sh
# check.sh PLUGIN ANALYZER CAPTURE onepass|twopass|modes [streams-ws40]
#
# onepass, twopass: tshark -q -z tcpconn,tree (the plugin's statistics tree, in one pass or
# with -2) counts the same connections in the same rows as tcpconn-analyze --summary.
# modes: one-pass and -2 runs of tshark agree (for captures with streams the plugin analyses
# and the analyzer only numbers by design, flagged plugin-only-ok).
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
"$here/../plugin/run-tshark.sh" "$plugin" -n -q $two -r "$capture" -z tcpconn,tree >"$tmp/tshark.txt" 2>"$tmp/tshark.err" || {
    cat "$tmp/tshark.err" >&2; echo "check.sh: tshark failed" >&2; exit 1; }
if [ "$mode" = modes ]; then
    "$here/../plugin/run-tshark.sh" "$plugin" -n -q -r "$capture" -z tcpconn,tree >"$tmp/onepass.txt"
    if ! python3 "$here/compare.py" "$tmp/onepass.txt" "$tmp/tshark.txt"; then
        echo "--- one pass"; cat "$tmp/onepass.txt"; echo "--- -2"; cat "$tmp/tshark.txt"
        exit 1
    fi
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
