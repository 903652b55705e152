#!/bin/sh
# check.sh: the plugin's tshark tests (run by ctest, see CMakeLists.txt).
#
#   check.sh loads   PLUGIN                    tshark -G plugins lists it; it exports exactly the 4.0 symbols
#   check.sh fields  PLUGIN                    every SPEC field is registered, every tcpconn field has a blurb
#   check.sh dump    PLUGIN CAPTURE MODE       the golden -T fields output (MODE: onepass | twopass)
#   check.sh golden  PLUGIN CAPTURE MODE GOLDEN   dump, compared with the file GOLDEN
#   check.sh agree   PLUGIN ANALYZER CAPTURE [--plugin-only-ok]
#                                              plugin (-2) and tcpconn-analyze --json agree per stream
#   check.sh filters PLUGIN FIXTURE            -Y by style, initiator, state, role
#   check.sh expert  PLUGIN FIXTURE            -z expert lists the tcpconn expert items
#   check.sh prefs   PLUGIN FIXTURE            tcpconn.info_column, tcpconn.slow_handshake_ms, disabling tcpconn
#   check.sh after-end PLUGIN SCAN_LATE        testdata/syn-scan-late-data.pcap: nothing after the RST
#                                              changes the handshake (state, legs, roles, expert items)
#   check.sh first-pass-severity PLUGIN FIRST_PASS RESET CLOSE [CAPTURE...]
#                                              the GUI's first pass (FIRST_PASS: tcpconn-first-pass, no
#                                              tree, no columns) leaves the highest severity of tshark
#                                              -z expert's items for the status bar, on each capture
#                                              and on RESET followed by CLOSE
#
# tshark runs through run-tshark.sh (as uid 65534 when we are root). Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
run() { "$here/run-tshark.sh" "$plugin" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# The columns of the golden files (one line per packet, header first).
GOLDEN_FIELDS="frame.number tcp.stream tcpconn.role
 tcpconn.handshake.state tcpconn.handshake.server_rtt tcpconn.handshake.client_rtt tcpconn.handshake.rtt
 tcpconn.handshake.rtt_ambiguous tcpconn.handshake.syn_retransmissions tcpconn.handshake.synack_retransmissions
 tcpconn.roles_inferred tcpconn.teardown.style tcpconn.teardown.initiator tcpconn.teardown.time_wait
 tcpconn.teardown.duration
 tcpconn.syn_frame tcpconn.synack_frame tcpconn.answered_in tcpconn.acks_fin_frame tcpconn.fin_acked_in
 tcpconn.retransmission_of tcpconn.duplicate_of tcpconn.related_frame"

dump() { # CAPTURE MODE
    set --  "$1" "$2"
    pass=""
    case $2 in onepass) ;; twopass) pass=-2 ;; *) fail "mode $2" ;; esac
    args=""
    for f in $GOLDEN_FIELDS; do args="$args -e $f"; done
    # Booleans (rtt_ambiguous, roles_inferred: columns 8 and 11) print as 1 in 4.0, True from 4.2 on:
    # the goldens hold 1.
    # shellcheck disable=SC2086
    run -n -r "$1" $pass -T fields -E header=y -E occurrence=a -E aggregator=, $args |
        awk 'BEGIN {FS = OFS = "\t"} NR > 1 {for (i = 8; i <= 11; i += 3) gsub(/True/, "1", $i)} {print}'
}

count() { # FILTER [extra tshark args...]: number of packets matching, two-pass
    f=$1; shift
    run -n -r "$fixture" -2 -Y "$f" "$@" -T fields -e frame.number | wc -l | tr -d ' '
}

expect_count() { # DESCRIPTION EXPECTED FILTER
    got=$(count "$3")
    [ "$got" = "$2" ] || fail "$1: -Y '$3' matched $got packets, expected $2"
    echo "ok: $1 ($got packets)"
}

# All in one function, called on the last line: the whole file is parsed before it runs,
# so editing it while a test runs cannot break that test.
main() {
cmd=$1; shift
plugin=$1; shift
case $cmd in
loads)
    if ldd "$plugin" 2>/dev/null | grep -q 'libasan\.so'; then
        # Under a preloaded ASan runtime `tshark -G plugins` hangs (seen with 4.0.17; -r works).
        echo "ok: loads (sanitizer build: -G plugins not run)"
        exit 0
    fi
    listed=$(run -G plugins 2>&1)
    printf '%s\n' "$listed" | grep -q "^tcpconn\.so[[:space:]].*/\.local/lib/wireshark/plugins/" ||
        fail "tshark -G plugins does not list the built tcpconn.so: $(printf '%s\n' "$listed" | grep tcpconn)"
    if printf '%s\n' "$listed" | grep -q "multiple directories"; then
        fail "more than one tcpconn.so is visible to tshark"
    fi
    if command -v nm >/dev/null 2>&1; then
        syms=$(nm -D --defined-only "$plugin" | awk '{print $3}' | sort | tr '\n' ' ')
        case $syms in
        "plugin_register plugin_version plugin_want_major plugin_want_minor "|\
        "plugin_describe plugin_register plugin_version plugin_want_major plugin_want_minor ") ;;
        *) fail "exported symbols: $syms" ;;
        esac
    fi
    echo "ok: loads"
    ;;
fields)
    out=$(run -G fields | grep -F tcpconn)
    for f in tcpconn.handshake.state tcpconn.handshake.server_rtt tcpconn.handshake.client_rtt \
             tcpconn.handshake.rtt tcpconn.handshake.rtt_ambiguous tcpconn.handshake.syn_retransmissions \
             tcpconn.handshake.synack_retransmissions tcpconn.teardown.style tcpconn.teardown.initiator \
             tcpconn.teardown.time_wait tcpconn.teardown.duration tcpconn.roles_inferred tcpconn.role tcpconn.syn_frame \
             tcpconn.acks_fin_frame tcpconn.fin_acked_in; do
        printf '%s\n' "$out" | awk -F'\t' -v f="$f" '$1=="F" && $3==f {found=1} END {exit !found}' ||
            fail "field $f is not registered"
    done
    # Readable enums are strings so that -T fields prints names and -Y compares them.
    for f in tcpconn.handshake.state tcpconn.teardown.style tcpconn.teardown.initiator tcpconn.teardown.time_wait tcpconn.role \
             tcpconn.handshake.explanation tcpconn.teardown.explanation; do
        printf '%s\n' "$out" | awk -F'\t' -v f="$f" '$3==f && $4=="FT_STRING" {ok=1} END {exit !ok}' ||
            fail "$f is not FT_STRING"
    done
    for f in tcpconn.handshake.server_rtt tcpconn.handshake.client_rtt tcpconn.handshake.rtt tcpconn.teardown.duration; do
        printf '%s\n' "$out" | awk -F'\t' -v f="$f" '$3==f && $4=="FT_RELATIVE_TIME" {ok=1} END {exit !ok}' ||
            fail "$f is not FT_RELATIVE_TIME"
    done
    # Every field (expert items are FT_NONE and carry their text as the name) has a blurb.
    missing=$(printf '%s\n' "$out" | awk -F'\t' '$1=="F" && $5=="tcpconn" && $4!="FT_NONE" && $8=="" {print $3}')
    [ -z "$missing" ] || fail "fields without a blurb: $missing"
    n=$(printf '%s\n' "$out" | awk -F'\t' '$1=="F" && $5=="tcpconn" && $4!="FT_NONE"' | wc -l)
    echo "ok: $n tcpconn fields registered, all with blurbs"
    ;;
dump)
    dump "$1" "$2"
    ;;
golden)
    capture=$1 mode=$2 golden=$3
    # Wireshark's tcp.stream rule changed after 4.0 (a SYN after a close, lone SYNs): captures it
    # affects have per-version goldens in golden/wsX.Y/ (docs/COMPATIBILITY.md).
    ver=$(sh "$here/../wireshark-version.sh")
    alt="$(dirname "$golden")/ws$ver/$(basename "$golden")"
    [ ! -f "$alt" ] || golden=$alt
    [ -f "$golden" ] || fail "no golden file $golden (run tests/plugin/regen.sh)"
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    dump "$capture" "$mode" >"$tmp"
    diff -u "$golden" "$tmp" >&2 || fail "$(basename "$golden") differs (run tests/plugin/regen.sh if intended)"
    echo "ok: $(basename "$golden")"
    ;;
agree)
    analyzer=$1 capture=$2
    shift 2
    # tcpconn-analyze numbers connections as Wireshark 4.0's tcp.stream does; on captures where
    # later versions number them differently (TESTLIST flag streams-ws40) there is nothing to compare.
    if [ "${1:-}" = --streams-ws40 ]; then
        shift
        ver=$(sh "$here/../wireshark-version.sh")
        if [ "$ver" != 4.0 ]; then
            echo "skipped: Wireshark $ver's tcp.stream differs from 4.0's on this capture"
            exit 77
        fi
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # exit 6: packets with bogus or cut headers were skipped, the rest is reported and compared
    rc=0
    "$analyzer" --json "$capture" >"$tmp/analyzer.jsonl" 2>"$tmp/analyzer.err" || rc=$?
    [ $rc = 0 ] || [ $rc = 6 ] ||
        { cat "$tmp/analyzer.err" >&2; fail "tcpconn-analyze failed on $capture (exit $rc)"; }
    run -n -r "$capture" -2 -T fields -E occurrence=l \
        -e tcp.stream -e tcpconn.stream -e tcpconn.handshake.state -e tcpconn.handshake.server_rtt \
        -e tcpconn.handshake.client_rtt -e tcpconn.handshake.rtt -e tcpconn.handshake.rtt_ambiguous \
        -e tcpconn.handshake.syn_retransmissions -e tcpconn.handshake.synack_retransmissions \
        -e tcpconn.teardown.style -e tcpconn.teardown.initiator -e tcpconn.teardown.duration \
        -e tcpconn.roles_inferred -e tcpconn.handshake.syn_frame -e tcpconn.handshake.synack_frame \
        -e tcpconn.handshake.ack_frame -e tcpconn.teardown.fin_frame -e tcpconn.teardown.passive_fin_frame \
        -e tcpconn.teardown.rst_frame -e tcpconn.teardown.close_frame -e tcpconn.teardown.half_close_bytes \
        -e tcpconn.teardown.time_wait >"$tmp/plugin.tsv"
    python3 "$here/agree.py" "$tmp/plugin.tsv" "$tmp/analyzer.jsonl" "$@"
    ;;
filters)
    fixture=$1
    # fixture.pcap (mk-fixture.py): 10 connections, 84 packets.
    expect_count "three-way connections" 21 'tcpconn.teardown.style == "three-way"'
    expect_count "four-way connections" 11 'tcpconn.teardown.style == "four-way"'
    expect_count "refused connection" 2 'tcpconn.teardown.style == "refused"'
    expect_count "closes started by the server" 32 'tcpconn.teardown.initiator == "server"'
    expect_count "simultaneous close" 11 'tcpconn.teardown.initiator == "both"'
    expect_count "handshake not captured" 4 'tcpconn.handshake.state == "not-captured"'
    expect_count "roles inferred" 4 'tcpconn.roles_inferred'
    expect_count "piggybacked FIN+ACKs" 3 'tcpconn.role contains "piggybacked"'
    expect_count "retransmitted SYN" 1 'tcpconn.role == "SYN retransmission"'
    expect_count "handshake RTT over 200 ms" 7 'tcpconn.handshake.rtt > 0.2'
    expect_count "links to an acknowledged FIN" 12 'tcpconn.acks_fin_frame'
    expect_count "packets of the three-way close by the client" 10 \
        'tcpconn.teardown.style == "three-way" && tcpconn.teardown.initiator == "client"'
    # A read filter renumbers frames on the first pass (tshark -2 -R).
    n=$(count 'tcpconn.teardown.style == "four-way" && tcpconn.role' -R 'tcp.port == 40001')
    [ "$n" = 7 ] || fail "-2 -R: $n annotated packets of the four-way connection, expected 7"
    echo "ok: read filter (7 packets)"
    ;;
expert)
    fixture=$1
    out=$(run -n -r "$fixture" -2 -q -z expert)
    for want in "Three-way close" "Simultaneous close" "Half-close: new data after the peer's FIN" \
                "Connection reset by the server" "Connection refused" "SYN retransmitted in the handshake" \
                "Slow handshake: RTT 300.000 ms is above 200 ms" "Teardown not complete at the end of the capture"; do
        printf '%s\n' "$out" | grep -F "$want" | grep -q TCPCONN || fail "expert info '$want' missing"
        echo "ok: expert '$want'"
    done
    # Severity and group as SPEC.md says.
    printf '%s\n' "$out" | awk '/^Warns/{s="W"} /^Notes/{s="N"} /^Chats/{s="C"} /TCPCONN/{print s": "$0}' >&2
    # The teardown explanation (a chat on the deciding packet) is a sentence naming frames.
    printf '%s\n' "$out" | grep TCPCONN | grep -F 'Three-way close: the FIN+ACK in frame' | grep -q Sequence ||
        fail "no teardown explanation in the expert info"
    echo "ok: expert teardown explanation"
    printf '%s\n' "$out" | awk '/^Warns/{s="W"} /^Notes/{s="N"} /^Chats/{s="C"} /^Errors/{s="E"}
        /TCPCONN/ && / frames? [0-9]/ {if (s!="C" || $0 !~ /Sequence/) bad=1; next}
        /TCPCONN/ && /Connection reset by/ && s!="W" {bad=1}
        /TCPCONN/ && /Connection refused/ && s!="W" {bad=1}
        /TCPCONN/ && /Slow handshake/ && s!="W" {bad=1}
        /TCPCONN/ && /Three-way close/ && s!="C" {bad=1}
        /TCPCONN/ && /(Simultaneous close|Half-close|retransmitted|not complete)/ && s!="N" {bad=1}
        /TCPCONN/ && $0 !~ /Sequence/ {bad=1}
        END {exit bad}' || fail "an expert item has the wrong severity or group"
    # Expert info is added without a tree too (one pass, no -V): the FIN+ACK chat is there.
    run -n -r "$fixture" -q -z expert | grep -F "Three-way close" | grep -q TCPCONN ||
        fail "expert info missing in one-pass mode"
    # Without a tree, tshark shows expert info only in an "Expert Info Severity" column (or
    # to -z expert, above), and the plugin adds it only then: that column reads the same
    # without a tree as with one (-Y frame), in both modes, and has the plugin's warning on
    # the slow handshake's ACK (which Wireshark's own analysis leaves without one).
    slow=$(run -n -r "$fixture" -2 -Y tcpconn.slow_handshake -T fields -e frame.number)
    [ -n "$slow" ] || fail "no slow handshake in the fixture"
    cols='gui.column.format:"No.","%m","Expert","%a"'
    for pass in "" -2; do
        mode=${pass:-one-pass}
        plain=$(run -n -r "$fixture" $pass -T tabs -o "$cols")
        tree=$(run -n -r "$fixture" $pass -T tabs -o "$cols" -Y frame)
        [ "$plain" = "$tree" ] || fail "$mode: the Expert column differs with and without a tree:
$(printf '%s\n' "$plain" > "${TMPDIR:-/tmp}/expert.$$"; printf '%s\n' "$tree" | diff "${TMPDIR:-/tmp}/expert.$$" -; rm -f "${TMPDIR:-/tmp}/expert.$$")"
        printf '%s\n' "$plain" | awk -F '\t' -v f="$slow" '$1 + 0 == f && $2 == "Warning" {ok = 1} END {exit !ok}' ||
            fail "$mode: frame $slow's Expert column is not Warning without a tree"
        printf '%s\n' "$plain" | awk -F '\t' '$2 != "" {n++} END {exit !(n > 5)}' ||
            fail "$mode: the Expert column is nearly empty"
        echo "ok: Expert column without a tree ($mode)"
    done
    run -n -r "$fixture" -T tabs -o "$cols" --disable-protocol tcpconn |
        awk -F '\t' -v f="$slow" '$1 + 0 == f && $2 == "Warning" {bad = 1} END {exit bad}' ||
        fail "frame $slow is a Warning without the plugin: the check above proves nothing"
    # The end-of-capture note needs the whole capture: never on the first pass alone.
    if run -n -r "$fixture" -q -z expert | grep -F "Teardown not complete" | grep -q TCPCONN; then
        fail "teardown-incomplete note in one-pass mode"
    fi
    echo "ok: expert severities and groups"
    ;;
prefs)
    fixture=$1
    # The default one-line summary ends with the Info column (its field is _ws.col.Info in 4.0,
    # _ws.col.info from 4.2 on).
    run -n -r "$fixture" -2 -Y 'frame.number == 9' | grep -qF '[FIN+ACK 2/3]' ||
        fail "the Info column lacks the role annotation by default"
    if run -n -r "$fixture" -2 -o tcpconn.info_column:FALSE | grep -qF 'FIN+ACK 2/3'; then
        fail "tcpconn.info_column:FALSE did not remove the Info annotation"
    fi
    echo "ok: tcpconn.info_column"
    n=$(run -n -r "$fixture" -2 -Y tcpconn.slow_handshake -T fields -e frame.number | wc -l | tr -d ' ')
    [ "$n" = 1 ] || fail "default threshold: $n slow-handshake warnings, expected 1 (the 300 ms handshake)"
    n=$(run -n -r "$fixture" -2 -o tcpconn.slow_handshake_ms:1 -Y tcpconn.slow_handshake -T fields -e frame.number | wc -l | tr -d ' ')
    [ "$n" = 8 ] || fail "threshold 1 ms: $n slow-handshake warnings, expected 8"
    n=$(run -n -r "$fixture" -2 -o tcpconn.slow_handshake_ms:1000 -Y tcpconn.slow_handshake -T fields -e frame.number | wc -l | tr -d ' ')
    [ "$n" = 0 ] || fail "threshold 1000 ms: $n slow-handshake warnings, expected 0"
    echo "ok: tcpconn.slow_handshake_ms"
    n=$(run -n -r "$fixture" -2 --disable-protocol tcpconn -Y tcpconn -T fields -e frame.number | wc -l | tr -d ' ')
    [ "$n" = 0 ] || fail "--disable-protocol tcpconn: $n packets still annotated"
    echo "ok: --disable-protocol tcpconn"
    ;;
after-end)
    # SYN, SYN/ACK, the client kernel's RST, a data segment with ACK 16 s later (it acks the
    # SYN/ACK), the server's RST: the connection ended at frame 3, the handshake stays no-ack.
    cap=$1
    for pass in "" -2; do
        mode=${pass:-one-pass}
        n=$(run -n -r "$cap" $pass -Y 'tcpconn.handshake.state == "no-ack"' -T fields -e frame.number | tr '\n' ' ')
        case $pass in
        -2) [ "$n" = "1 2 3 4 5 " ] || fail "$mode: no-ack on frames '$n', expected every frame" ;;
        *) [ "$n" = "3 4 5 " ] || fail "$mode: no-ack on frames '$n', expected 3 4 5 (known at the RST)" ;;
        esac
        n=$(run -n -r "$cap" $pass -Y 'tcpconn.handshake.client_rtt || tcpconn.handshake.state == "complete" || tcpconn.handshake.ack_frame' -T fields -e frame.number | wc -l | tr -d ' ')
        [ "$n" = 0 ] || fail "$mode: $n packets with a client leg, a complete handshake or a handshake ACK"
        roles=$(run -n -r "$cap" $pass -T fields -e tcpconn.role -e tcpconn.related_frame | tr '\t\n' '|;')
        [ "$roles" = "SYN (1/3)|;SYN/ACK (2/3)|;RST|;after RST|3;RST|;" ] || fail "$mode: roles $roles"
        # Expert: one reset warning (the RST that ended it), never a slow handshake (the late
        # segment would have made a 16 s client leg), even with a 1 ms threshold.
        out=$(run -n -r "$cap" $pass -o tcpconn.slow_handshake_ms:1 -q -z expert)
        n=$(printf '%s\n' "$out" | grep TCPCONN | grep -c "Connection reset by the client" || true)
        [ "$n" = 1 ] || fail "$mode: $n 'Connection reset by the client' items, expected 1"
        if printf '%s\n' "$out" | grep TCPCONN | grep -qE "Slow handshake|Connection reset by the server"; then
            fail "$mode: unexpected expert item: $(printf '%s\n' "$out" | grep TCPCONN)"
        fi
        echo "ok: after-end ($mode)"
    done
    ;;
first-pass-severity)
    # Outside tshark, the plugin adds expert items without a tree only while they can raise the
    # highest severity seen (render.c, expert_seen). Whatever it skips, the status bar must
    # show what it would have shown: the highest severity among all the items, which tshark
    # -z expert lists (an expert listener makes the plugin add every item). With -o: the
    # slow-handshake warning where the capture's own highest is a note, and a severity raised
    # by the Expert Info Severity preference (a UAT), which the plugin reads per file.
    # RESET then CLOSE (concatenated): a warning (the RST) comes before the close's items, so
    # the plugin skips them unless it knows that the preference raised one above a warning.
    first_pass=$1; reset=$2; close=$3; shift 3
    tmpd=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-first-pass.XXXXXX")
    trap 'rm -rf "$tmpd"' EXIT INT TERM
    mergecap -a -F pcap -w "$tmpd/reset-then-close.pcap" "$reset" "$close" || fail "mergecap"
    chmod -R a+rX "$tmpd"
    highest() { # the first section of -z expert's listing, as a severity name
        awk '/^Errors \(/ {print "Error"; f=1; exit} /^Warns \(/ {print "Warning"; f=1; exit}
             /^Notes \(/ {print "Note"; f=1; exit} /^Chats \(/ {print "Chat"; f=1; exit}
             /^Comments \(/ {print "Comment"; f=1; exit} END {if (!f) print "none"}'
    }
    run_opt() { # run, with -o "$opt" first when opt is set
        if [ -n "$opt" ]; then run -o "$opt" "$@"; else run "$@"; fi
    }
    for cap in "$@" "$tmpd/reset-then-close.pcap"; do
        for opt in "" "tcpconn.slow_handshake_ms:1" 'uat:expert_severity:"tcpconn.three_way_close","Error"'; do
            want=$(run_opt -n -r "$cap" -q -z expert | highest)
            got=$(TCPCONN_RUN_PROGRAM=$first_pass run_opt "$cap") || fail "$first_pass ${opt:+-o $opt }$cap: exit $?"
            [ "$got" = "$want" ] ||
                fail "$(basename "$cap")${opt:+ (-o $opt)}: the first pass leaves '$got' for the status bar, -z expert's highest is '$want'"
            echo "ok: $(basename "$cap")${opt:+ (-o $opt)}: $got"
        done
    done
    ;;
*)
    fail "unknown command $cmd"
    ;;
esac
}

main "$@"; exit $?
