#!/bin/sh
# agree.sh PLUGIN ANALYZER SRCDIR
#
# tcpconn-analyze --merge over a file set against tshark with the plugin on
# `mergecap -w` of the same files: per connection (tcp.stream), the same summary and the
# same key frame numbers (tests/plugin/agree.py). The sets:
#   interleaved  testdata/mixed.pcap and testdata/three-servers.pcap shifted (editcap -t)
#                into the same seconds, each split (editcap -c) into parts
#   ties         tests/merge/data/ties-{a,b,c}.pcap: equal timestamps across files, a file
#                that steps back in time, micro- and nanosecond files (mk-set.py)
#   links        testdata/link-sll.pcap + link-ethernet.pcap (Linux cooked + Ethernet,
#                every timestamp a tie)
#   precision    testdata/link-ethernet.pcap (us) + link-ethernet-nsec.pcapng (ns) shifted
#                by 1 ns + link-raw.pcap shifted by 1 us
# Skips (77) without tshark, mergecap or editcap.
set -u
plugin=$1 analyzer=$2 src=$3
for t in tshark mergecap editcap capinfos; do
    command -v $t >/dev/null 2>&1 || { echo "skipped: no $t"; exit 77; }
done
[ -f "$plugin" ] || { echo "skipped: no plugin"; exit 77; }
td=$src/testdata
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-merge-agree.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # tshark runs as nobody (tests/plugin/run-tshark.sh)
status=0

start() { capinfos -a -S -T -r "$1" | cut -f2; } # first timestamp, epoch seconds

# agree NAME FILE...: the comparison for one set.
agree() {
    name=$1
    shift
    out=$tmp/$name
    mkdir -p "$out"
    mergecap -w "$out/merged.pcapng" "$@" || { echo "FAIL $name: mergecap"; status=1; return; }
    chmod 644 "$out/merged.pcapng"
    chmod 755 "$out"
    rc=0
    "$analyzer" --merge --json "$@" >"$out/analyzer.jsonl" 2>"$out/analyzer.err" || rc=$?
    [ $rc = 0 ] || [ $rc = 6 ] || { cat "$out/analyzer.err"; echo "FAIL $name: exit $rc"; status=1; return; }
    # the columns of tests/plugin/check.sh agree, in agree.py's order
    sh "$src/tests/plugin/run-tshark.sh" "$plugin" -n -r "$out/merged.pcapng" -2 -T fields -E occurrence=f \
        -e tcp.stream -e tcpconn.stream -e tcpconn.handshake.state -e tcpconn.handshake.server_rtt \
        -e tcpconn.handshake.client_rtt -e tcpconn.handshake.rtt -e tcpconn.handshake.rtt_ambiguous \
        -e tcpconn.handshake.syn_retransmissions -e tcpconn.handshake.synack_retransmissions \
        -e tcpconn.teardown.style -e tcpconn.teardown.initiator -e tcpconn.teardown.duration \
        -e tcpconn.roles_inferred -e tcpconn.handshake.syn_frame -e tcpconn.handshake.synack_frame \
        -e tcpconn.handshake.ack_frame -e tcpconn.teardown.fin_frame -e tcpconn.teardown.passive_fin_frame \
        -e tcpconn.teardown.rst_frame -e tcpconn.teardown.close_frame -e tcpconn.teardown.half_close_bytes \
        -e tcpconn.teardown.time_wait >"$out/plugin.tsv" 2>"$out/tshark.err" ||
        { cat "$out/tshark.err"; echo "FAIL $name: tshark"; status=1; return; }
    # every connection's first frame: the first frame tshark puts in its tcp.stream
    sh "$src/tests/plugin/run-tshark.sh" "$plugin" -n -r "$out/merged.pcapng" -T fields -e frame.number \
        -e tcp.stream 2>/dev/null | awk -F'\t' '$2 != "" && !($2 in s) { s[$2] = $1; print $2 "\t" $1 }' \
        >"$out/tshark-first"
    sed 's/^{"stream":\([0-9]*\),"first_frame":\([0-9]*\),.*/\1\t\2/' "$out/analyzer.jsonl" | sort -n >"$out/analyzer-first"
    sort -n "$out/tshark-first" | cmp -s - "$out/analyzer-first" ||
        { diff "$out/analyzer-first" "$out/tshark-first" | head; echo "FAIL $name: first frames of tcp.stream differ"; status=1; }
    if python3 "$src/tests/plugin/agree.py" "$out/plugin.tsv" "$out/analyzer.jsonl" >"$out/agree.out" 2>&1; then
        echo "ok $name: $(wc -l <"$out/analyzer.jsonl") connections, $(grep -o '[0-9]* frames' "$out/analyzer.err")"
    else
        cat "$out/agree.out"
        echo "FAIL $name"
        status=1
    fi
}

# interleaved: three-servers moved to half a second after mixed.pcap starts
s1=$(start "$td/mixed.pcap") s2=$(start "$td/three-servers.pcap")
shift=$(awk -v a="$s1" -v b="$s2" 'BEGIN { printf "%.6f", a - b + 0.5 }')
editcap -t "$shift" "$td/three-servers.pcap" "$tmp/shifted.pcap"
editcap -c 100 "$td/mixed.pcap" "$tmp/m.pcap"
editcap -c 40 "$tmp/shifted.pcap" "$tmp/t.pcap"
# shellcheck disable=SC2046
agree interleaved $(ls "$tmp"/m_*.pcap "$tmp"/t_*.pcap)
agree ties "$src/tests/merge/data/ties-a.pcap" "$src/tests/merge/data/ties-b.pcap" "$src/tests/merge/data/ties-c.pcap"
agree links "$td/link-sll.pcap" "$td/link-ethernet.pcap"
editcap -t 0.000000001 "$td/link-ethernet-nsec.pcapng" "$tmp/nsec.pcapng"
editcap -t 0.000001 "$td/link-raw.pcap" "$tmp/raw.pcap"
agree precision "$td/link-ethernet.pcap" "$tmp/nsec.pcapng" "$tmp/raw.pcap"
exit $status
