#!/bin/sh
# testdata/EXPECTED (what each scenario really was, written with the captures) must match
# the analyzer's --json for every listed connection.
#   EXPECTED lines: file stream handshake_state teardown_style initiator
#   ("-" = don't check; "#" starts a comment; initiator "none"/"null" = JSON null)
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
sed 's/#.*//' "$list" | while read -r file stream hs style init rest; do
    [ -n "${file:-}" ] || continue
    out=$tmp/$(printf '%s' "$file" | tr '/' '_').jsonl
    if [ ! -f "$out" ]; then
        "$bin" --json --quiet "$testdata/$file" >"$out" 2>"$out.err"
        rc=$?
        if [ $rc -ne 0 ]; then
            echo "FAIL $file: tcpconn-analyze exited $rc: $(cat "$out.err")"
            echo x >>"$tmp/failed"
        fi
    fi
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
