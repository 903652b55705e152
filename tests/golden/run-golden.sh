#!/bin/sh
# One golden case: run `tcpconn-analyze --json` on a capture and diff with the expected file.
# usage: run-golden.sh ANALYZER TESTDATA_DIR GOLDEN_DIR NAME CAPTURE EXPECTED [OPTIONS...]
set -u
bin=$1 testdata=$2 golden=$3 name=$4 capture=$5 expected=$6
shift 6
want_rc=0
opts=
for o in "$@"; do
    case $o in
    --expect-exit=*) want_rc=${o#--expect-exit=} ;;
    *) opts="$opts $o" ;;
    esac
done
case $capture in
captures/*) path=$golden/$capture ;;
*) path=$testdata/$capture ;;
esac
[ -f "$path" ] || { echo "$name: capture $path is missing"; exit 1; }
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086
"$bin" --json --quiet $opts "$path" >"$out"
rc=$?
status=0
if [ "$rc" != "$want_rc" ]; then
    echo "$name: exit status $rc, expected $want_rc"
    status=1
fi
if ! diff -u "$golden/expected/$expected" "$out"; then
    echo "$name: output differs from expected/$expected (see the diff above; regen.sh rewrites it)"
    status=1
fi
exit $status
