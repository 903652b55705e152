# bench/results.sh: what bench/run.sh and bench/gui-time.sh share, sourced by both.
# The results file ($results) has a line per measured run: "NAME value value ...", where
# NAME is MODE.VARIANT (plain.A, open.C, ...) and the caller says which field is which.
# shellcheck shell=sh
: "${results:?bench/results.sh: set results to the results file first}"

# The filter that stands for -Y tcpconn.role where there is no tcpconn.so: it builds the same
# tree and prints about as many packets (run.sh's role.C, compare.sh's role mode with `none`).
Y_ROLE_C='tcp.flags.syn == 1 || tcp.flags.fin == 1 || tcp.flags.reset == 1'

# check_cpu N: dies (the sourcing script's die) unless N names one of this machine's CPUs:
# the --cpu N of run.sh and compare.sh.
check_cpu() {
    case $1 in ''|*[!0-9]*) die "--cpu needs a CPU number" ;; esac
    [ "$1" -lt "$(nproc)" ] || die "no CPU $1 here ($(nproc) CPUs)"
}

# variant_order REP: the order of A, B and C in repetition REP (1-based). A run costs more
# in some positions than in others: gui-time.sh, with A always first (open.A right after
# the light start.C, open.C after the heavy open.A), measured the GUI's load at 1.13x where
# the same builds in an ABBA order measured 1.03x. So over every six repetitions each
# variant takes each position twice.
variant_order() {
    case $((($1 - 1) % 6)) in
    0) echo A B C ;; 1) echo B C A ;; 2) echo C A B ;; 3) echo C B A ;; 4) echo B A C ;; *) echo A C B ;;
    esac
}

# median NAME FIELD: the median of FIELD over NAME's runs ("nan" when there are none).
median() {
    awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# minimum NAME FIELD: the smallest FIELD over NAME's runs.
minimum() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | sort -g | head -1; }

# ratio A B: A / B with three decimals ("nan" when B is not positive).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "nan" }'; }

# paired NAME_A NAME_C FIELD: the ratio of FIELD in each repetition's A and C (its i-th A
# against its i-th C, measured moments apart), as "median (first quartile - third quartile)".
# Host noise that lasts longer than one pair cancels out of each ratio, so on a shared
# machine this is steadier than the ratio of the two medians.
paired() {
    awk -v a="$1" -v c="$2" -v f="$3" '$1 == a { x[++na] = $f } $1 == c { y[++nc] = $f }
        END { n = na < nc ? na : nc; for (i = 1; i <= n; i++) if (y[i] > 0) print x[i] / y[i] }' "$results" |
        sort -g | awk '{ v[NR] = $1 }
            function q(p,  k) { k = 1 + p * (NR - 1); return v[int(k)] + (k - int(k)) * (v[int(k) + 1] - v[int(k)]) }
            END { if (NR == 0) print "nan"; else printf "%.3f (%.3f-%.3f)", q(0.5), q(0.25), q(0.75) }'
}
