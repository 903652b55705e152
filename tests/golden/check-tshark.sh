#!/bin/sh
# Independent cross-check against tshark (Wireshark's own TCP analysis), every capture:
#  - the analyzer reports exactly the tcp.stream numbers tshark gives to analysed TCP (a
#    stream whose first packet is quoted in ICMP is numbered, not reported),
#    each with tshark's first frame of that stream;
#  - server_rtt equals tshark's tcp.analysis.ack_rtt on the stream's first SYN/ACK, and
#    client_rtt equals it on the first client segment acking that SYN/ACK (frames found
#    from tcp.flags and raw seq/ack, not from the analyzer), within 1 microsecond.
#    (Reassembled IP fragments are numbered, not reported, too.)
#    A leg is compared when the analyzer gives it and nothing was retransmitted before the
#    answer (with retransmissions Wireshark and SPEC.md may pick different transmissions:
#    a difference is printed as a note). It fails when tshark has a value for a leg that
#    the analyzer leaves null without setting rtt_ambiguous (a simultaneous open has no
#    legs by definition and is not compared).
# usage: check-tshark.sh ANALYZER TESTDATA_DIR GOLDEN_DIR     (needs tshark and jq)
set -u
bin=$1 testdata=$2 golden=$3
command -v tshark >/dev/null || { echo "tshark not found: skipped"; exit 77; }
command -v jq >/dev/null || { echo "jq is needed"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# tcpconn-analyze numbers connections as Wireshark 4.0's tcp.stream does (SPEC.md). On these
# two crafted captures Wireshark 4.2 and later number them differently, so they are compared
# with tshark 4.0 only (the flag streams-ws40 in tests/plugin/TESTLIST and tests/explain/TESTLIST).
streams_ws40="$golden/captures/port-reuse.pcap $golden/captures/stream-rule.pcap"
ws_version=$(sh "$(dirname "$0")/../wireshark-version.sh")
failed=0 files=0
for f in "$testdata"/*.pcap "$testdata"/*.pcapng "$testdata"/*/*.pcap "$testdata"/*/*.pcapng \
         "$golden"/captures/*.pcap "$golden"/captures/*.pcapng; do
    [ -f "$f" ] || continue
    case " $streams_ws40 " in
    *" $f "*)
        if [ "$ws_version" != 4.0 ]; then
            echo "skip $f: Wireshark $ws_version numbers tcp.stream differently from 4.0 here"
            continue
        fi ;;
    esac
    files=$((files + 1))
    tshark -n -r "$f" -T fields -E separator='|' -e frame.number -e tcp.stream -e tcp.flags.syn -e tcp.flags.ack \
        -e tcp.seq_raw -e tcp.ack_raw -e tcp.srcport -e tcp.analysis.ack_rtt -e frame.protocols \
        -e ip.fragment -e ipv6.fragment -e _ws.malformed \
        >"$tmp/ts" 2>"$tmp/ts.err" || { echo "FAIL $f: tshark: $(cat "$tmp/ts.err")"; failed=1; continue; }
    "$bin" --json --quiet "$f" 2>"$tmp/an.err" |
        jq -r '[.stream, (.frames.synack // "-"), (.handshake.server_rtt // "-"),
                (.handshake.client_rtt // "-"), .handshake.rtt_ambiguous,
                .handshake.syn_retransmissions, .handshake.synack_retransmissions,
                .handshake.state, .first_frame] | @tsv' >"$tmp/an"
    awk -v file="$f" -F'|' '
    # pass 1: tshark
    FNR == NR {
        # frame|stream|syn|ack|seq_raw|ack_raw|srcport|ack_rtt|protocols|ip.fragment|ipv6.fragment|malformed
        frame = $1; st = $2
        if (st == "") next
        syn = ($3 == "1" || $3 == "True"); ack = ($4 == "1" || $4 == "True")
        if (!(st in first)) {
            first[st] = frame
            # quoted in ICMP, reassembled from fragments, or malformed: numbered, not analysed
            # (tunnelled TCP is analysed: its innermost layers are what counts), and nested
            # deeper than the 8 encapsulations the analyzer enters (more than 9 IP layers)
            nl = split($9, layer, ":"); nip = 0
            for (i = 1; i <= nl; i++) if (layer[i] == "ip" || layer[i] == "ipv6") nip++
            unanalysed[st] = ($9 ~ /icmp/ || $10 != "" || $11 != "" || $12 != "" || nip > 9)
        }
        rtt[frame] = $8
        if (!(st in synack) && syn && ack) {
            synack[st] = frame; synack_seq[st] = $5 + 0; synack_port[st] = $7
        } else if ((st in synack) && !(st in hsack) && ack && !syn &&
                   $7 != synack_port[st] && ($6 + 0) == (synack_seq[st] + 1) % 4294967296) {
            hsack[st] = frame
        }
        next
    }
    # pass 2: analyzer (tab separated)
    {
        split($0, a, "\t")
        st = a[1]; ours[st] = 1
        if ((st in first) && first[st] != a[9]) {
            printf "FAIL %s stream %s: first_frame %s, tshark %s\n", file, st, a[9], first[st]
            bad = 1
        }
        amb = a[5] == "true"
        if (a[8] == "simultaneous-open") next   # SPEC.md: no legs for a simultaneous open
        leg("server_rtt", st, a[3], (st in synack) ? rtt[synack[st]] : "", amb, a[6] + 0, synack[st])
        leg("client_rtt", st, a[4], (st in hsack) ? rtt[hsack[st]] : "", amb, a[7] + 0, hsack[st])
    }
    function leg(name, st, mine, theirs, amb, retx, frame) {
        if (mine == "-") {
            if (theirs != "" && !amb) {
                printf "FAIL %s stream %s: %s null (not ambiguous), tshark ack_rtt %s on frame %s\n", file, st, name, theirs, frame
                bad = 1
            }
            return
        }
        if (theirs == "") {
            printf "FAIL %s stream %s: %s %s but tshark has no ack_rtt for that leg\n", file, st, name, mine
            bad = 1
            return
        }
        d = mine - theirs; if (d < 0) d = -d
        if (d <= 0.000001) { compared++; return }
        if (retx > 0) {
            printf "note %s stream %s: %s %s, tshark %s (frame %s; %d retransmission(s) before the answer)\n", file, st, name, mine, theirs, frame, retx
            return
        }
        printf "FAIL %s stream %s: %s %s, tshark ack_rtt %s on frame %s\n", file, st, name, mine, theirs, frame
        bad = 1
    }
    END {
        n = 0
        for (st in first) if (!unanalysed[st]) {
            n++
            if (!(st in ours)) { printf "FAIL %s: tshark stream %s (first frame %s) missing from the analyzer\n", file, st, first[st]; bad = 1 }
        }
        m = 0
        for (st in ours) {
            m++
            if (!(st in first) || unanalysed[st]) { printf "FAIL %s: analyzer stream %s is not an analysed tshark stream\n", file, st; bad = 1 }
        }
        printf "%s %s: %d connections (tshark: %d analysed streams), %d rtt legs equal\n", bad ? "FAIL" : "ok  ", file, m, n, compared
        exit bad
    }' "$tmp/ts" "$tmp/an" || failed=1
done
echo "$files captures checked"
[ "$files" -gt 0 ] || exit 77
exit $failed
