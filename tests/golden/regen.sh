#!/bin/sh
# Rewrite the golden files (expected/*.jsonl) from the current build, and print them so a
# person reads them before committing.
# usage: tests/golden/regen.sh [ANALYZER] [NAME...]
#   ANALYZER defaults to build/analyzer/tcpconn-analyze; NAMEs limit it to those cases.
set -eu
golden=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$golden/../.." && pwd)
bin=$root/build/analyzer/tcpconn-analyze
if [ $# -gt 0 ] && [ -x "$1" ] && [ ! -d "$1" ]; then bin=$1; shift; fi
[ -x "$bin" ] || { echo "regen.sh: no analyzer at $bin (build first, or pass its path)" >&2; exit 1; }
mkdir -p "$golden/expected"
grep -v '^[[:space:]]*#' "$golden/TESTLIST" | grep -v '^[[:space:]]*$' |
while read -r name capture expected opts; do
    if [ $# -gt 0 ]; then
        keep=no
        for n in "$@"; do [ "$n" = "$name" ] && keep=yes; done
        [ $keep = yes ] || continue
    fi
    case $capture in
    captures/*) path=$golden/$capture ;;
    *) path=$root/testdata/$capture ;;
    esac
    clean=
    for o in $opts; do case $o in --expect-exit=*) ;; *) clean="$clean $o" ;; esac; done
    # shellcheck disable=SC2086
    "$bin" --json --quiet $clean "$path" >"$golden/expected/$expected" || true
    echo "== $name ($capture)"
    cat "$golden/expected/$expected"
done
