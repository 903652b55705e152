#!/bin/sh
# explain.sh: the tests of `tcpconn-analyze --explain` (run by ctest, see CMakeLists.txt).
#
#   explain.sh output ANALYZER ROOT CAPTURE [OPTIONS...]
#       the output as the golden file holds it (a last line "[exit status N]" when N != 0)
#   explain.sh golden ANALYZER ROOT EXPECTED CAPTURE [OPTIONS...]
#       output, compared with the file EXPECTED (regen.sh rewrites it)
#   explain.sh frames ANALYZER ROOT CAPTURE [OPTIONS...]
#       every frame the sentences name exists and belongs to the connection (tshark)
#   explain.sh plugin ANALYZER PLUGIN ROOT CAPTURE [OPTIONS...]
#       tshark -2 with the plugin: tcpconn.teardown.explanation and
#       tcpconn.handshake.explanation, on every packet of each stream, equal the analyzer's
#
# OPTIONS: TESTLIST's (--columns=N, --locale=L, noframes, noplugin, streams-ws40; the rest
# goes to the analyzer). CAPTURE is relative to ROOT. Exit 0 = pass, 77 = skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

# Sets: columns, locale, opts (analyzer options), and skip_frames / skip_plugin.
parse_opts() {
    columns=80 locale=C.UTF-8 opts= skip_frames=no skip_plugin=no streams_ws40=no
    for o in "$@"; do
        case $o in
        streams-ws40) streams_ws40=yes ;;
        --columns=*) columns=${o#--columns=} ;;
        --locale=*) locale=${o#--locale=} ;;
        noframes) skip_frames=yes ;;
        noplugin) skip_plugin=yes ;;
        *) opts="$opts $o" ;;
        esac
    done
}

output() { # ANALYZER CAPTURE: the golden text on stdout
    # shellcheck disable=SC2086
    env -u LANG -u LC_CTYPE COLUMNS="$columns" LC_ALL="$locale" "$1" --quiet --explain $opts "$2"
    rc=$?
    [ "$rc" = 0 ] || echo "[exit status $rc]"
}

# The analyzer numbers connections as Wireshark 4.0's tcp.stream does; on a capture where
# later versions number them differently (streams-ws40) tshark's streams are not comparable.
skip_unless_ws40() {
    [ $streams_ws40 = yes ] || return 0
    ver=$(sh "$here/../wireshark-version.sh")
    [ "$ver" = 4.0 ] || { echo "skipped: Wireshark $ver's tcp.stream differs from 4.0's on this capture"; exit 77; }
}

cmd=$1; shift
case $cmd in
output)
    bin=$1 root=$2 capture=$3; shift 3
    parse_opts "$@"
    output "$bin" "$root/$capture"
    ;;
golden)
    bin=$1 root=$2 expected=$3 capture=$4; shift 4
    parse_opts "$@"
    [ -f "$expected" ] || fail "no golden file $expected (run tests/explain/regen.sh)"
    tmp=$(mktemp) || exit 1
    trap 'rm -f "$tmp"' EXIT
    output "$bin" "$root/$capture" >"$tmp"
    diff -u "$expected" "$tmp" || fail "$(basename "$expected") differs (see the diff; tests/explain/regen.sh rewrites it)"
    echo "ok: $(basename "$expected")"
    ;;
frames)
    bin=$1 root=$2 capture=$3; shift 3
    parse_opts "$@"
    [ $skip_frames = no ] || { echo "skipped (noframes)"; exit 77; }
    command -v tshark >/dev/null 2>&1 || { echo "skipped: no tshark"; exit 77; }
    skip_unless_ws40
    tmp=$(mktemp -d) || exit 1
    trap 'rm -rf "$tmp"' EXIT
    columns=9999 # one sentence a line
    output "$bin" "$root/$capture" >"$tmp/explain.txt"
    tshark -n -r "$root/$capture" -T fields -e frame.number -e tcp.stream >"$tmp/tshark.tsv" 2>"$tmp/tshark.err" ||
        { cat "$tmp/tshark.err" >&2; fail "tshark failed on $capture"; }
    python3 "$here/check.py" frames "$tmp/explain.txt" "$tmp/tshark.tsv"
    ;;
plugin)
    bin=$1 plugin=$2 root=$3 capture=$4; shift 4
    parse_opts "$@"
    [ $skip_plugin = no ] || { echo "skipped (noplugin)"; exit 77; }
    [ -f "$plugin" ] || { echo "skipped: no plugin at $plugin"; exit 77; }
    skip_unless_ws40
    tmp=$(mktemp -d) || exit 1
    trap 'rm -rf "$tmp"' EXIT
    columns=9999
    output "$bin" "$root/$capture" >"$tmp/explain.txt"
    sh "$root/tests/plugin/run-tshark.sh" "$plugin" -n -r "$root/$capture" -2 -T fields -E occurrence=f \
        -e frame.number -e tcpconn.stream -e tcpconn.handshake.explanation -e tcpconn.teardown.explanation \
        >"$tmp/plugin.tsv" 2>"$tmp/tshark.err" || { cat "$tmp/tshark.err" >&2; fail "tshark failed on $capture"; }
    python3 "$here/check.py" plugin "$tmp/explain.txt" "$tmp/plugin.tsv"
    ;;
*)
    fail "unknown command $cmd"
    ;;
esac
