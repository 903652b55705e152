/* tcpconn-analyze: the command line. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <string.h>

#include "analyze.h"
#include "exitcodes.h"
#include "merge.h"
#include "live.h"

#ifndef TCPCONN_VERSION
#define TCPCONN_VERSION "unknown"
#endif

static const char usage[] =
    "Usage: tcpconn-analyze [--json|--summary] [--quiet] [--linger S] [--idle-timeout S]\n"
    "                       [--unanswered-timeout S] FILE...          (FILE - is stdin)\n"
    "       tcpconn-analyze --summary --by server|server-host|client [--json] FILE...\n"
    "       tcpconn-analyze --explain [--stream N] [--ascii] FILE...\n"
    "       tcpconn-analyze --merge [any of the above] FILE...\n"
    "       tcpconn-analyze -i IFACE [-f FILTER] [any of the options above]\n"
    "\n"
    "Names each TCP connection's teardown style and splits its handshake RTT into the\n"
    "capture point -> server leg (server_rtt) and the capture point -> client leg\n"
    "(client_rtt). Reads pcap and pcapng (Ethernet with VLAN tags, Linux cooked SLL/SLL2,\n"
    "raw IP, BSD loopback, PPP; IPv4 and IPv6), also gzip-compressed (by content: files\n"
    "and stdin) and pcapng whose interfaces differ in link type or snaplen (each packet by\n"
    "its own interface's). Connections are numbered as Wireshark 4.0's\n"
    "tcp.stream and printed in that order.\n"
    "\n"
    "Options:\n"
    "  --json       JSON Lines, one object per connection (see the README)\n"
    "  --table      an aligned table, one connection a row (the default)\n"
    "  --summary    per capture, counts of connections by teardown style (and\n"
    "               initiator), handshake state and handshake RTT leg buckets: the\n"
    "               rows of tshark -q -z tcpconn,tree\n"
    "  --by KEY     with --summary: one block per host instead, most connections\n"
    "               first: teardown styles with initiators, who holds TIME_WAIT,\n"
    "               handshake states, and both RTT legs as min, p50, p90, p99, max\n"
    "               (nearest-rank percentiles, ms). KEY: server (address:port),\n"
    "               server-host (address), client (the client's address: its ports\n"
    "               are ephemeral), none (the counts above, the default). With --json:\n"
    "               one JSON object per host (times in seconds)\n"
    "  --explain    per connection, a ladder diagram of its handshake and teardown\n"
    "               (client and server columns, one arrow per packet with its flags,\n"
    "               role and time in ms; the data in between collapsed to one line)\n"
    "               and two plain-language sentences; as wide as $COLUMNS or the\n"
    "               terminal (default 80)\n"
    "  --stream N   with --explain: only tcp.stream N\n"
    "  --ascii      with --explain: ASCII instead of Unicode box drawing (automatic\n"
    "               when the locale is not UTF-8)\n"
    "  --merge      all FILEs as one capture (a ring buffer, a file set, captures\n"
    "               of several interfaces): records merged by timestamp as\n"
    "               mergecap -w OUT FILE... orders them (equal times: the file named\n"
    "               later first), frames and tcp.stream numbered as tshark numbers\n"
    "               the merged file, one report, one summary, one counts line\n"
    "               (\"merged (N files)\"). Link types and timestamp precisions may\n"
    "               differ. A file that cannot be read is left out, one corrupt\n"
    "               mid-way ends there; the others go on. FILE - at most once\n"
    "  -i IFACE     live capture from network interface IFACE (libpcap, immediate\n"
    "               mode, not promiscuous) instead of files: each connection is\n"
    "               printed as soon as it is reported (its close completed and\n"
    "               --linger passed, an RST, an idle timeout): JSON lines and table\n"
    "               rows (fixed widths) flushed one by one, --explain ladders as\n"
    "               their connections end; --summary prints at the end. Timers\n"
    "               follow the wall clock while the interface is silent. SIGINT or\n"
    "               SIGTERM ends it: what is still open is reported as at the end\n"
    "               of a file, then the counts line (with the kernel's drops).\n"
    "               Needs root or CAP_NET_RAW (setcap cap_net_raw,cap_net_admin+eip);\n"
    "               every privilege is dropped once the interface is open\n"
    "  -f FILTER    with -i: a BPF capture filter (tcpdump syntax); default none, so\n"
    "               tunnelled TCP is seen too\n"
    "  -q, --quiet  no per-file counts line on stderr\n"
    "  --linger S   seconds of capture time a finished connection still takes late\n"
    "               segments (a stray RST, a retransmitted FIN) before it is reported and\n"
    "               its state freed; later ones are counted, not analysed (default 10)\n"
    "  --idle-timeout S\n"
    "               seconds of capture time after which a connection with no packet is\n"
    "               reported as if the capture ended there (JSON \"expired\":true, note\n"
    "               \"expired\") and its state freed; the small record that keeps late\n"
    "               packets in its tcp.stream is dropped as long after. 0: never\n"
    "               (default 300)\n"
    "  --unanswered-timeout S\n"
    "               the same for connections where only one side has sent anything\n"
    "               (unanswered SYNs, scans, floods) (default 60)\n"
    "  -h, --help   this text\n"
    "  --version    the version\n"
    "\n"
    "Tunnels: the TCP inside VXLAN, VXLAN-GPE, Geneve, GTP-U, GRE (ERSPAN, PPTP), MPLS,\n"
    "PPPoE, IP-in-IP, 6in4, 4in6, 6in6, 802.1ah, VN-Tag and VLAN/QinQ tags is analysed, nested\n"
    "up to 8 deep, keyed and printed by its innermost addresses and ports.\n"
    "\n"
    "Standard error gets, per file, a line of counts: frames, streams, segments analysed\n"
    "(and how many of them inside tunnels), segments after their connection was reported,\n"
    "and skipped packets (IP fragments, tunnelled packets that are not TCP, non-TCP, non-IP,\n"
    "malformed - tunnel headers included -, segments of streams not analysed). Problems are\n"
    "reported there too, naming the file and frame.\n"
    "\n"
    "Exit status (with several files, the largest):\n"
    "  0  success\n"
    "  1  bad command line\n"
    "  2  a file cannot be opened (missing, permissions)\n"
    "  3  not a pcap or pcapng capture\n"
    "  4  unsupported link-layer type\n"
    "  5  capture truncated or corrupt (connections read before the damage are reported)\n"
    "  6  packets with headers cut by snaplen or bogus (skipped; the rest is reported)\n"
    "  7  out of memory\n"
    "  8  -i: the interface cannot be captured (no such interface, no permission,\n"
    "     down) or failed during the capture (the message names it)\n";

/* A number of seconds (0 <= S < 1e9) for option name; false when it is not one. */
static bool parse_seconds(const char *name, const char *arg, uint64_t *ns)
{
    char *end;
    double sec = strtod(arg, &end);
    if (end == arg || *end != '\0' || !(sec >= 0 && sec < 1e9)) {
        fprintf(stderr, "tcpconn-analyze: bad %s value %s\n", name, arg);
        return false;
    }
    *ns = (uint64_t)(sec * 1e9 + 0.5);
    return true;
}

int main(int argc, char **argv)
{
    struct analyze_options opt = {.format = REPORT_TABLE,
                                  .linger_ns = 10000000000u,
                                  .idle_timeout_ns = 300000000000u,
                                  .unanswered_timeout_ns = 60000000000u};
    int nfiles = 0;
    bool only_files = false;
    bool merge = false;
    const char *iface = NULL, *filter = NULL;
    /* Options may come anywhere; after "--" everything is a file name. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || a[1] == '\0') {
            argv[1 + nfiles++] = argv[i]; /* compact the file names in place */
            continue;
        }
        if (strcmp(a, "--") == 0)
            only_files = true;
        else if (strcmp(a, "-i") == 0 && i + 1 < argc)
            iface = argv[++i];
        else if (strcmp(a, "-f") == 0 && i + 1 < argc)
            filter = argv[++i];
        else if (strcmp(a, "--json") == 0)
            opt.format = REPORT_JSON;
        else if (strcmp(a, "--table") == 0)
            opt.format = REPORT_TABLE;
        else if (strcmp(a, "--merge") == 0)
            merge = true;
        else if (strcmp(a, "--summary") == 0)
            opt.summary = true;
        else if (strcmp(a, "--by") == 0 && i + 1 < argc) {
            if (!byhost_key_from_name(argv[++i], &opt.by)) {
                fprintf(stderr, "tcpconn-analyze: bad --by value %s (server, server-host, client or none)\n", argv[i]);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--explain") == 0)
            opt.explain = true;
        else if (strcmp(a, "--ascii") == 0)
            opt.explain_ascii = true;
        else if (strcmp(a, "--stream") == 0 && i + 1 < argc) {
            char *end;
            unsigned long n = strtoul(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || argv[i][0] == '-' || n > UINT32_MAX) {
                fprintf(stderr, "tcpconn-analyze: bad --stream value %s\n", argv[i]);
                return EXIT_USAGE;
            }
            opt.only_stream = true;
            opt.stream = (uint32_t)n;
        }
        else if (strcmp(a, "--linger") == 0 && i + 1 < argc) {
            char *end;
            double sec = strtod(argv[++i], &end);
            if (*end != '\0' || !(sec >= 0 && sec < 1e9)) {
                fprintf(stderr, "tcpconn-analyze: bad --linger value %s\n", argv[i]);
                return EXIT_USAGE;
            }
            opt.linger_ns = (uint64_t)(sec * 1e9 + 0.5);
        } else if (strcmp(a, "--idle-timeout") == 0 && i + 1 < argc) {
            if (!parse_seconds(a, argv[++i], &opt.idle_timeout_ns))
                return EXIT_USAGE;
        } else if (strcmp(a, "--unanswered-timeout") == 0 && i + 1 < argc) {
            if (!parse_seconds(a, argv[++i], &opt.unanswered_timeout_ns))
                return EXIT_USAGE;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            opt.quiet = true;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            printf("tcpconn-analyze %s\n", TCPCONN_VERSION);
            return EXIT_OK;
        } else {
            fprintf(stderr, "tcpconn-analyze: unknown option %s\n%s", a, usage);
            return EXIT_USAGE;
        }
    }
    if (iface && nfiles > 0) {
        fprintf(stderr, "tcpconn-analyze: -i reads an interface: no capture files with it\n");
        return EXIT_USAGE;
    }
    if (iface && merge) {
        fprintf(stderr, "tcpconn-analyze: --merge reads files, -i an interface: not both\n");
        return EXIT_USAGE;
    }
    if (filter && !iface) {
        fprintf(stderr, "tcpconn-analyze: -f goes with -i\n");
        return EXIT_USAGE;
    }
    if (nfiles == 0 && !iface) {
        fprintf(stderr, "tcpconn-analyze: no capture file given\n%s", usage);
        return EXIT_USAGE;
    }
    if (opt.by != BYHOST_NONE && !opt.summary) {
        fprintf(stderr, "tcpconn-analyze: --by goes with --summary\n");
        return EXIT_USAGE;
    }
    if ((opt.only_stream || opt.explain_ascii) && !opt.explain) {
        fprintf(stderr, "tcpconn-analyze: --stream and --ascii go with --explain\n");
        return EXIT_USAGE;
    }
    if (opt.explain)
        setlocale(LC_CTYPE, ""); /* only to tell whether the terminal takes UTF-8 */
    if (iface) {
        opt.live = true;
        return live_capture(iface, filter, &opt, stdout);
    }
    if (merge) {
        int stdins = 0;
        for (int i = 1; i <= nfiles; i++)
            stdins += strcmp(argv[i], "-") == 0;
        if (stdins > 1) {
            fprintf(stderr, "tcpconn-analyze: --merge reads stdin (-) at most once\n");
            return EXIT_USAGE;
        }
        return analyze_merged((const char *const *)argv + 1, nfiles, &opt, stdout);
    }
    opt.with_file = nfiles > 1;
    int rc = EXIT_OK;
    for (int i = 1; i <= nfiles; i++) {
        int r = analyze_file(argv[i], &opt, stdout);
        if (r > rc)
            rc = r;
    }
    return rc;
}
