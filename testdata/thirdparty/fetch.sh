#!/bin/sh
# testdata/thirdparty/fetch.sh [WORKDIR]
#
# Regenerates the third-party capture corpus (testdata/thirdparty/, see its README.md) from the
# Debian source packages of tcpdump, wireshark and libpcap, without touching the system's apt
# configuration: a private deb-src list is written into WORKDIR (default: a temporary directory),
# built at run time from the deb stanzas of /etc/apt/sources.list.d/*.sources and the deb lines
# of /etc/apt/sources.list (so no archive host is written here), and apt-get uses private lists
# and cache directories. Then the captures with TCP that tshark reads are copied (select.sh).
# Needs apt-get, tar, tshark (no dpkg-source: only upstream tarballs are read). Network: the configured Debian mirrors only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-corpus.XXXXXX")}
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
list="$work/src.list"
: >"$list"

# deb822 stanzas: every "Types: deb" stanza becomes deb-src one-line entries.
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
        function flush() {
            if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "") {
                n = split(uris, u, " "); m = split(suites, s, " ")
                opt = signed != "" ? "[signed-by=" signed "] " : ""
                for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                    print "deb-src " opt u[i] " " s[j] " " comps
            }
            types = uris = suites = comps = signed = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
          if (key == "types") types = $0; else if (key == "uris") uris = $0
          else if (key == "suites") suites = $0; else if (key == "components") comps = $0
          else if (key == "signed-by") signed = $0 }
        END { flush() }' "$f" >>"$list"
done
# one-line format: "deb [opts] URI suite comps..." -> deb-src
if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^[ \t]*deb[ \t]/deb-src /p' /etc/apt/sources.list >>"$list"
fi
sort -u -o "$list" "$list"
[ -s "$list" ] || { echo "fetch.sh: no deb sources configured" >&2; exit 1; }

apt() {
    apt-get -q -o Dir::Etc::SourceList="$list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" "$@"
}
apt update >"$work/update.log"
cd "$work/src"
for pkg in tcpdump wireshark libpcap; do
    apt source --download-only "$pkg" >>"$work/source.log"
done
# Unpack only the upstream tarballs' capture files (no patches needed: test captures).
for tarball in *.orig.tar.*; do
    case $tarball in *.asc) continue ;; esac
    pkg=${tarball%%_*}
    mkdir -p "$work/x/$pkg"
    tar -xf "$tarball" -C "$work/x/$pkg" --wildcards --no-anchored \
        '*.pcap' '*.pcapng' '*.pcap.gz' '*.pcapng.gz' '*.cap' '*.cap.gz' '*.ntar' '*.erf' \
        '*/LICENSE' '*/COPYING' 2>/dev/null || true
    ver=${tarball#*_}; ver=${ver%%.orig.tar.*}
    printf 'Debian source package %s %s (%s, from apt-get source)\n' "$pkg" "$ver" "$tarball" >"$work/x/$pkg/.tarball"
done
echo "fetch.sh: sources in $work/src, captures unpacked in $work/x"
sh "$here/select.sh" "$work/x"
