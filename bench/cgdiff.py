#!/usr/bin/python3
"""cgdiff.py: where two callgrind profiles differ.

    bench/cgdiff.py [--inclusive] [--top N] [--per N] BASE.callgrind.out OTHER.callgrind.out

Runs callgrind_annotate on both files and prints the functions whose instruction count
(self, or inclusive with --inclusive) grew or shrank the most from BASE to OTHER, with
the difference per unit when --per N is given (e.g. the number of packets). Used by
docs/PERFORMANCE.md to split the plugin's cost: A (plugin on) against B (off) and
against C (off, with a protocol tree).
"""
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*?)\s*$")


def load(path, inclusive):
    args = ["callgrind_annotate", "--threshold=100"]
    if inclusive:
        args.append("--inclusive=yes")
    out = subprocess.run(args + [path], check=True, capture_output=True, text=True).stdout
    total, funcs = 0, {}
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if name.startswith("PROGRAM TOTALS"):
            total = n
            continue
        # Callgrind names a recursion level with 'N; fold them into one (max for inclusive).
        key = re.sub(r"'\d+", "", name)
        # The plugin's own functions come once with the file name and once without.
        key = re.sub(r"^\?\?\?:", "", key)
        key = re.sub(r"^/\S*/(plugin|core|analyzer)/", r"\1/", key)
        funcs[key] = max(funcs.get(key, 0), n) if inclusive else funcs.get(key, 0) + n
    return total, funcs


def main(argv):
    inclusive, top, per, files = False, 30, 0, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--inclusive":
            inclusive = True
        elif a == "--top":
            i += 1
            top = int(argv[i])
        elif a == "--per":
            i += 1
            per = int(argv[i])
        else:
            files.append(a)
        i += 1
    if len(files) != 2:
        sys.exit(__doc__)
    tb, fb = load(files[0], inclusive)
    to, fo = load(files[1], inclusive)
    print(f"total: {tb:,} -> {to:,}  difference {to - tb:+,} ({100.0 * (to - tb) / tb:+.2f}%)"
          + (f", {(to - tb) / per:+,.0f} per unit" if per else ""))
    rows = []
    for k in set(fb) | set(fo):
        d = fo.get(k, 0) - fb.get(k, 0)
        if d:
            rows.append((d, k))
    rows.sort(key=lambda r: -abs(r[0]))
    kind = "inclusive" if inclusive else "self"
    print(f"{'difference':>15} {'% of diff':>9} {'per unit':>9}  {kind} Ir, function")
    for d, k in rows[:top]:
        pct = 100.0 * d / (to - tb) if to != tb else 0.0
        pu = f"{d / per:+9.0f}" if per else ""
        print(f"{d:+15,} {pct:8.1f}% {pu:>9}  {k}")


if __name__ == "__main__":
    main(sys.argv[1:])
