#!/bin/sh
# wireshark-checks.sh [CACHE_DIR]: Wireshark's own source checks on plugin/, with the tools of
# the installed Wireshark's Debian source package:
#   tools/checkAPIs.pl -g dissectors-prohibited -g dissectors-restricted   (APIs dissectors must not use)
#   tools/checkhf.pl                                                       (hf/ei entries unused or unregistered)
#   tools/check_typed_item_calls.py --mask --label --consecutive --missing-items
#   tools/check_spelling.py                                                (strings in the C files)
# Exit 0 when all four find nothing, 1 on findings (printed), 2 when the tools cannot be had.
#
# The source (the same version as the installed tshark) is fetched once into CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/tcpconn/wireshark-src) WITHOUT changing the system's apt
# configuration: a private deb-src sources list, made at run time from the deb entries of
# /etc/apt/sources.list and /etc/apt/sources.list.d/*.sources|*.list, and private apt lists and
# cache folders (apt-get -o Dir::Etc::SourceList=... -o Dir::State::Lists=...). Needs apt-get,
# dpkg-source (dpkg-dev), perl, /usr/bin/python3, and a word list for the spelling check
# (wamerican-large): pyspellchecker, which check_spelling.py imports, is not packaged in Debian
# 12, so packaging/wireshark-checks/spellchecker/ stands in for it (see there); the tcpconn words
# it also accepts (field names, not English) are in packaging/wireshark-checks/words.txt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpconn/wireshark-src}
say() { echo "wireshark-checks: $*"; }
die() { echo "wireshark-checks: $*" >&2; exit 2; }

version=$(dpkg-query -W -f='${source:Version}' tshark 2>/dev/null || true)
[ -n "$version" ] || die "tshark is not installed (dpkg-query): cannot tell which Wireshark source to check with"
upstream=${version#*:}
upstream=${upstream%-*}
src="$cache/$version/src"
stamp="$src/.tcpconn-extracted"

if [ ! -f "$stamp" ]; then
    command -v dpkg-source >/dev/null 2>&1 || die "dpkg-source not found (apt-get install dpkg-dev)"
    apt="$cache/apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$cache/$version/download"
    # deb entries of this machine's apt sources, as deb-src lines (one-line format).
    list="$apt/sources.list"
    {
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f"
        done
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            # deb822 stanzas: Types, URIs, Suites, Components, Signed-By; blank lines between.
            awk '
                function flush() {
                    if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && uris != "" && suites != "") {
                        opt = signed != "" ? "[signed-by=" signed "] " : ""
                        nu = split(uris, u, /[[:space:]]+/); ns = split(suites, s, /[[:space:]]+/)
                        for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
                            if (u[i] != "" && s[j] != "") print "deb-src " opt u[i] " " s[j] " " comps
                    }
                    types = uris = suites = comps = signed = ""
                }
                /^[[:space:]]*#/ { next }
                /^[[:space:]]*$/ { flush(); next }
                { key = tolower($1); sub(/^[^:]*:[[:space:]]*/, ""); val = $0 }
                key == "types:" { types = val } key == "uris:" { uris = val } key == "suites:" { suites = val }
                key == "components:" { comps = val } key == "signed-by:" { signed = val }
                END { flush() }' "$f"
        done
    } | sort -u >"$list"
    [ -s "$list" ] || die "no deb entries in /etc/apt/sources.list or /etc/apt/sources.list.d"
    say "fetching wireshark $version source (sources: $(wc -l <"$list") deb-src lines, private lists in $apt)"
    # Private lists and caches; downloads as root would run as _apt, which cannot write here.
    set -- -o Dir::Etc::SourceList="$list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root \
        -o Acquire::Check-Valid-Until=false -o Debug::NoLocking=1
    apt-get "$@" -q update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; die "apt-get update (private lists) failed"; }
    (cd "$cache/$version/download" && apt-get "$@" -q source --download-only "wireshark=$version") \
        >"$apt/source.log" 2>&1 || { cat "$apt/source.log" >&2; die "apt-get source --download-only wireshark=$version failed"; }
    rm -rf "$src"
    dsc=$(ls "$cache/$version/download"/wireshark_*.dsc | head -n 1)
    dpkg-source -x "$dsc" "$src" >"$apt/extract.log" 2>&1 || { cat "$apt/extract.log" >&2; die "dpkg-source -x $dsc failed"; }
    touch "$stamp"
fi
[ -f "$src/tools/checkAPIs.pl" ] || die "no tools/checkAPIs.pl in $src"
say "Wireshark $upstream tools from $src"

cfiles=$(ls "$root"/plugin/*.c)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-wschecks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
findings=0
report() { # NAME STATUS OUTPUT_FILE: findings are a non-zero status or any line the tool flags
    if [ "$2" != 0 ] || [ -s "$3" ]; then
        say "FAIL $1"
        sed 's/^/    /' "$3"
        findings=1
    else
        say "ok   $1"
    fi
}

cd "$src" # the Python tools read their data files relative to the source root
# shellcheck disable=SC2086
st=0; perl tools/checkAPIs.pl -g dissectors-prohibited -g dissectors-restricted $cfiles >"$tmp/apis" 2>&1 || st=$?
report "checkAPIs.pl -g dissectors-prohibited -g dissectors-restricted" $st "$tmp/apis"

# shellcheck disable=SC2086
st=0; perl tools/checkhf.pl $cfiles >"$tmp/hf" 2>&1 || st=$?
report "checkhf.pl" $st "$tmp/hf"

files=""
for f in $cfiles; do files="$files --file $f"; done
# shellcheck disable=SC2086
st=0; /usr/bin/python3 tools/check_typed_item_calls.py --mask --label --consecutive --missing-items $files \
    >"$tmp/typed.out" 2>&1 || st=$?
# It prints the files, then one line per finding, then "N warnings" (and "N errors": exit 1).
if [ "$st" != 0 ] || ! grep -q '^0 warnings$' "$tmp/typed.out"; then
    st=1
    cp "$tmp/typed.out" "$tmp/typed"
else
    : >"$tmp/typed"
fi
report "check_typed_item_calls.py --mask --label --consecutive --missing-items" "$st" "$tmp/typed"

# shellcheck disable=SC2086
st=0; PYTHONPATH="$here/wireshark-checks" TCPCONN_SPELL_EXTRA="$here/wireshark-checks/words.txt" \
    /usr/bin/python3 tools/check_spelling.py $files >"$tmp/spell.out" 2>&1 || st=$?
# A finding is a line naming a file; the tool exits 0 whatever it finds.
grep -E "^$root/plugin/[^ ]+ [0-9]+ / [0-9]+ " "$tmp/spell.out" >"$tmp/spell" || true
report "check_spelling.py" $st "$tmp/spell"

[ $findings = 0 ] && say "PASS (plugin/*.c)" || say "FAIL"
exit $findings
