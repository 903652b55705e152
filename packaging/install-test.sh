#!/bin/sh
# install-test.sh BUILD_DIR: `cmake --install` with DESTDIR into a staging folder, once with
# Wireshark's prefix (/usr: the plugin goes to Wireshark's own plugin folder) and once with
# another prefix (the plugin goes to PREFIX/lib/wireshark/plugins/X.Y/epan, with a note), and
# compares the files installed with packaging/install-files.txt. Nothing outside the staging
# folder is touched. Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

plugin_built=no
[ -f "$build/plugin/tcpconn.so" ] && plugin_built=yes
ws_plugins=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p' || true)
abi=$(basename "${ws_plugins:-/x/4.0}")

for prefix in /usr /opt/tcpconn-test; do
    stage="$tmp/stage$(echo "$prefix" | tr / _)"
    DESTDIR="$stage" cmake --install "$build" --prefix "$prefix" >"$tmp/log" 2>&1 ||
        { cat "$tmp/log" >&2; fail "cmake --install --prefix $prefix"; }
    if [ "$prefix" = /usr ]; then
        [ -n "$ws_plugins" ] || [ $plugin_built = no ] || fail "tshark does not report its global plugin folder"
        plugin_dir=$ws_plugins
    else
        plugin_dir=$prefix/lib/wireshark/plugins/$abi
        if [ $plugin_built = yes ]; then
            grep -q "tcpconn: $prefix is not Wireshark's prefix" "$tmp/log" ||
                fail "no note that $prefix is not Wireshark's prefix: $(cat "$tmp/log")"
        fi
    fi
    grep -v '^#' "$here/install-files.txt" |
        { if [ $plugin_built = yes ]; then cat; else grep -v '@PLUGIN_DIR@'; fi; } |
        sed -e "s|@PREFIX@|$prefix|" -e "s|@PLUGIN_DIR@|$plugin_dir|" | sort >"$tmp/want"
    (cd "$stage" && find . ! -type d | sed 's|^\.||' | sort) >"$tmp/got"
    if ! cmp -s "$tmp/want" "$tmp/got"; then
        diff -u "$tmp/want" "$tmp/got" >&2 || true
        fail "--prefix $prefix: the installed files differ from install-files.txt (- wanted, + installed)"
    fi
    echo "ok: --prefix $prefix with DESTDIR: $(wc -l <"$tmp/got") files, as listed"
done
