#!/bin/sh
# testdata/EXPECTED (what each scenario really was, written with the captures) must match
# the analyzer's --json for every listed connection.
#   EXPECTED lines: file stream handshake_state teardown_style initiator
#   ("-" = don't check; "#" starts a comment; initiator "none"/"null" = JSON null)
# and the extra facts of "#! file stream key=value..." lines: a key is looked up in the
# connection's handshake, teardown, then top level; times (rtt, server_rtt, client_rtt,
# duration) match within 5 ms (the real captures' tolerance; "null": must be null),
# anything else exactly. With stream "-" the facts are about the file: analyzer_connections,
# tunnelled (skipped inside tunnels), inside_tunnels (segments analysed inside tunnels),
# fragments, malformed (from the analyzer's stderr counts). Unknown keys are skipped with a note.
# usage: check-expected.sh ANALYZER TESTDATA_DIR
# Needs jq. Exits 77 (skipped) when testdata/EXPECTED does not exist yet.
set -u
bin=$1 testdata=$2
list=$testdata/EXPECTED
[ -f "$list" ] || { echo "no $list: skipped"; exit 77; }
command -v jq >/dev/null || { echo "jq is needed"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 checked=0
# the analyzer's output for a file, made once
output() {
    out=$tmp/$(printf '%s' "$1" | tr '/' '_').jsonl
    if [ ! -f "$out" ]; then
        "$bin" --json --quiet "$testdata/$1" >"$out" 2>"$out.err"
        rc=$?
        if [ $rc -ne 0 ]; then
            echo "FAIL $1: tcpconn-analyze exited $rc: $(cat "$out.err")"
            echo x >>"$tmp/failed"
        fi
    fi
}

sed -n 's/^#![[:space:]]*//p' "$list" | while read -r file stream facts; do
    [ -n "${file:-}" ] || continue
    output "$file"
    for kv in $facts; do
        key=${kv%%=*} want=${kv#*=}
        if [ "$stream" = - ]; then
            # facts about the file: the number of connections, or a count from the
            # analyzer's stderr line ("... skipped: N IP fragments, N tunnelled, ...")
            counts=$("$bin" --json "$testdata/$file" 2>&1 >/dev/null | tail -n 1)
            case $key in
            analyzer_connections | connections) got=$(wc -l <"$out" | tr -d ' ') ;;
            tunnelled) got=$(printf '%s' "$counts" | sed -n 's/.* \([0-9]*\) tunnelled.*/\1/p') ;;
            inside_tunnels) got=$(printf '%s' "$counts" | sed -n 's/.*(\([0-9]*\) inside tunnels).*/\1/p') ;;
            fragments | ip_fragments) got=$(printf '%s' "$counts" | sed -n 's/.* \([0-9]*\) IP fragments.*/\1/p') ;;
            malformed) got=$(printf '%s' "$counts" | sed -n 's/.* \([0-9]*\) malformed.*/\1/p') ;;
            *) echo "skip $file: unknown file fact $key"; continue ;;
            esac
        else
            got=$(jq -r --argjson s "$stream" --arg k "$key" \
                'select(.stream == $s) | [.handshake, .teardown, .] | map(select(type == "object" and has($k))) | if length == 0 then "?" else .[0][$k] | tostring end' "$out")
            if [ "$got" = "?" ]; then
                echo "skip $file stream $stream: no field $key in the output"
                continue
            fi
        fi
        case $key in
        rtt | server_rtt | client_rtt | duration)
            ok=$(awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d;
                if (w == "null") print (g == "null") ? "yes" : "no";
                else print (g != "null" && g != "" && d <= 0.005) ? "yes" : "no" }') ;;
        *) ok=no; [ "$got" = "$want" ] && ok=yes ;;
        esac
        if [ $ok = yes ]; then
            echo "ok   $file stream $stream: $key=$got"
        else
            echo "FAIL $file stream $stream: $key=$got (expected $want)"
            echo x >>"$tmp/failed"
        fi
    done
done

sed 's/#.*//' "$list" | while read -r file stream hs style init rest; do
    [ -n "${file:-}" ] || continue
    output "$file"
    line=$(jq -c --argjson s "$stream" 'select(.stream == $s)' "$out")
    if [ -z "$line" ]; then
        echo "FAIL $file stream $stream: no such connection in the output"
        echo x >>"$tmp/failed"
        continue
    fi
    got_hs=$(printf '%s' "$line" | jq -r '.handshake.state')
    got_style=$(printf '%s' "$line" | jq -r '.teardown.style')
    got_init=$(printf '%s' "$line" | jq -r '.teardown.initiator // "none"')
    [ "$init" = null ] && init=none
    bad=
    [ "$hs" = - ] || [ "$hs" = "$got_hs" ] || bad="$bad handshake $got_hs (expected $hs);"
    [ "$style" = - ] || [ "$style" = "$got_style" ] || bad="$bad style $got_style (expected $style);"
    [ "${init:--}" = - ] || [ "$init" = "$got_init" ] || bad="$bad initiator $got_init (expected $init);"
    if [ -n "$bad" ]; then
        echo "FAIL $file stream $stream:$bad"
        echo x >>"$tmp/failed"
    else
        echo "ok   $file stream $stream: $got_hs $got_style $got_init"
    fi
    echo x >>"$tmp/checked"
done
checked=$(cat "$tmp/checked" 2>/dev/null | wc -l)
failed=$(cat "$tmp/failed" 2>/dev/null | wc -l)
echo "$checked connections checked, $failed failures"
[ "$checked" -gt 0 ] || { echo "EXPECTED lists no connection"; exit 1; }
[ "$failed" -eq 0 ]
