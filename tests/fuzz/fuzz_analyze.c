/* libFuzzer target for the whole analyzer: the input is a capture file (pcap or pcapng,
 * any link type, read by libpcap from memory through fmemopen) analysed exactly as
 * `tcpconn-analyze --json` would analyse it (JSON to /dev/null, counts line off): inputs
 * of even size with the default timers, inputs of odd size as a table with every timer at
 * its smallest (microseconds), so that lingering, idle expiry, tombstone removal and pair
 * reuse all happen within a small input; odd sizes with bit 1 set print `--summary --by`
 * instead (by server in JSON, or by client address as text with bit 2 set).
 * Invariants: no crash, no sanitizer finding, no leak (libFuzzer's leak check), and an
 * exit code the analyzer documents.
 */
#define _GNU_SOURCE /* fmemopen */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "exitcodes.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    for (int pass = size & 1; pass == (int)(size & 1); pass++) {
        FILE *in = fmemopen((void *)data, size, "rb");
        if (!in)
            return 0;
        struct analyze_options opt;
        memset(&opt, 0, sizeof opt);
        opt.format = pass ? REPORT_TABLE : REPORT_JSON;
        opt.quiet = true;
        if (pass == 0) {
            opt.linger_ns = 10000000000u;
            opt.idle_timeout_ns = 300000000000u;
            opt.unanswered_timeout_ns = 60000000000u;
        } else {
            opt.linger_ns = 1000; /* 1 µs */
            opt.idle_timeout_ns = 2000;
            opt.unanswered_timeout_ns = 1000;
            if (size & 2) {
                opt.summary = true;
                opt.by = (size & 4) ? BYHOST_CLIENT_HOST : BYHOST_SERVER;
                opt.format = (size & 4) ? REPORT_TABLE : REPORT_JSON;
            }
        }
        int rc = analyze_stream("fuzz.pcap", in, &opt, devnull ? devnull : stdout);
        if (!(rc >= EXIT_OK && rc <= EXIT_NOMEM && rc != EXIT_USAGE && rc != EXIT_OPEN)) {
            fprintf(stderr, "fuzz_analyze: unexpected exit code %d\n", rc);
            abort();
        }
    }
    return 0;
}
