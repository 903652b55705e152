/* analyze: one capture file -> one report. The glue between capture (frames), decode
 * (TCP segments), flowtable (streams), the core (one struct tcpconn per live connection),
 * order (stream order) and report (text). */
#ifndef TCPCONN_ANALYZE_H
#define TCPCONN_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "byhost.h"
#include "report.h"

struct analyze_options {
    enum report_format format;
    bool with_file; /* several files: name the file in the output */
    bool quiet;     /* no per-file counts line on stderr */
    uint64_t linger_ns; /* how long (capture time) a finished connection still takes late
                           segments (stray RST, retransmitted FIN) before it is reported */
    uint64_t idle_timeout_ns;       /* a connection with no packet for this long (capture
                                       time) is reported as if the capture ended; its
                                       tombstone is dropped as long after; 0: never */
    uint64_t unanswered_timeout_ns; /* the same while only one side has sent anything */
    bool summary;   /* --summary: per-capture counts (summary.h) instead of the report */
    enum byhost_key by; /* --by: with --summary, per-host groups (byhost.h) instead of the counts */
    bool explain;       /* --explain: a ladder diagram and two sentences per connection
                           (ladder.h) instead of the report */
    bool explain_ascii; /* --ascii: no Unicode box drawing */
    bool only_stream;   /* --stream N: explain only tcp.stream `stream` */
    uint32_t stream;
    bool live;          /* -i: each connection is printed (and flushed) as it is reported,
                           not in stream order at the end */
};

/* One capture's analysis, fed frame by frame: what analyze_stream does, in pieces, for
 * readers other than one file (several files merged, a live interface). */
struct analysis;
struct frame;

/* NULL when out of memory (said on stderr). */
struct analysis *analysis_new(const char *path, const struct analyze_options *opt, FILE *out);
/* One frame, in capture order. Returns EXIT_OK or an error code that should stop reading. */
int analysis_frame(struct analysis *a, const struct frame *f);
/* Moves the clock to now_ns (when later than the last frame) and runs what is due:
 * a live capture calls this with the wall clock while the interface is silent. */
void analysis_advance(struct analysis *a, uint64_t now_ns);
/* A live capture: pcap_stats' drop counts, added to the counts line: packets the kernel
 * dropped for want of buffer room, and (when not 0) the interface's own drops. */
void analysis_set_drops(struct analysis *a, uint64_t dropped, uint64_t if_dropped);
/* The end of the capture: reports what is left, prints the summary and the counts line
 * (frames: how many were read; rc: the reader's result), frees a. Returns the exit code. */
int analysis_end(struct analysis *a, int rc, uint32_t frames);

/* Returns an exit code (exitcodes.h). */
int analyze_file(const char *path, const struct analyze_options *opt, FILE *out);

/* The same for an open stream (closed on return); path only names it in messages. */
int analyze_stream(const char *path, FILE *in, const struct analyze_options *opt, FILE *out);

#endif
