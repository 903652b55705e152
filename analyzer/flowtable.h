/* flowtable: 4-tuple -> TCP stream, numbered as Wireshark 4.0 numbers tcp.stream.
 *
 * Wireshark's rule (epan/dissectors/packet-tcp.c, dissect_tcp and
 * tcp_analyze_sequence_number), reproduced here:
 *   - a packet belongs to the latest conversation of its address/port pair (either
 *     direction); the first packet of a pair starts stream N = count of streams so far;
 *   - each direction of a stream remembers a base sequence number, set by the first
 *     segment that direction sends (its seq if SYN, else seq-1), or, if the other side's
 *     segment with ACK comes first, by that segment (ack-1);
 *   - a SYN without ACK whose direction already has a base and whose seq differs from it
 *     starts a new stream on the same pair (port reuse); with the same seq it is a
 *     retransmission and stays in the stream;
 *   - a SYN/ACK whose seq differs from its direction's base stays in the stream but
 *     replaces that base (it never starts a stream).
 * TCP headers quoted in ICMP errors take part in the first three rules but set no bases.
 * Like Wireshark, a malformed TCP header still gets a stream once its first 16 bytes
 * (ports to window) were captured; fragments are numbered when their datagram completes.
 *
 * A flow entry outlives its connection's core state: after a connection is finished its
 * `struct tcpconn` is freed but the entry stays as a tombstone (stream number and bases),
 * so a stray RST or retransmission still maps to its stream. The caller may remove a
 * tombstone (flowtable_remove) once its pair has been silent long enough; a later packet
 * of the pair then starts a new stream, where Wireshark would have kept the old one.
 */
#ifndef TCPCONN_FLOWTABLE_H
#define TCPCONN_FLOWTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpconn.h"

struct flow_endpoint {
    uint8_t addr[16];
    uint16_t port;
};

struct flow {
    uint8_t family;              /* 4 or 6 */
    struct flow_endpoint ep[2];  /* canonical order: ep[0] <= ep[1] */
    uint32_t stream;
    uint32_t first_frame;
    uint32_t base_seq[2];        /* per sending side (index into ep[]) */
    bool base_set[2];
    bool unanalysed;             /* the stream's first packet was tunnelled or quoted in an
                                    ICMP error: the stream is numbered, never analysed */
    bool quoted_first;           /* ... quoted in an ICMP error: the connection's own first
                                    segment may still come, and then it is analysed */
    bool done;                   /* reported (finished, or superseded): a tombstone */
    bool lingering;              /* finished, still fed late segments until reported */
    uint8_t ep0_side;            /* which ep[] is the core's endpoint 0 */
    struct tcpconn *conn;        /* core state while analysed and not done */
    /* kept by the caller (analyze.c) for expiry: */
    uint64_t last_ns;            /* capture time of the pair's latest packet */
    uint64_t finish_ns;          /* when the connection finished (lingering) or was reported */
    uint8_t seen;                /* bit per ep[] side that has sent a packet in this stream */
    size_t heap_pos;             /* index in the caller's timer heap */
    struct flow *next;           /* hash chain */
};

struct flowtable;

struct flowtable *flowtable_new(void);
void flowtable_free(struct flowtable *t);

/* The outcome of looking a segment up. */
struct flow_lookup {
    struct flow *flow;     /* the segment's stream */
    uint8_t side;          /* index into flow->ep[] of the segment's sender */
    bool is_new;           /* the segment started a new stream */
    bool reused;           /* ... on a pair that had a stream: `superseded` is valid */
    /* When a reused pair started a new stream, the previous stream's state, moved out of
     * the entry (the caller reports it and frees conn); else conn is NULL. */
    struct flow superseded;
};

/* Assign a segment to its stream, updating the Wireshark bookkeeping. unanalysed: the
 * segment is not fed to the core (tunnelled, quoted in ICMP, reassembled, malformed), so a
 * stream it starts is never analysed; no_bases: Wireshark skips its sequence analysis for
 * it (quoted by an ICMP error, or its IP length is shorter than its TCP header), so it
 * sets no base sequence numbers.
 * Returns false only when out of memory. */
bool flowtable_lookup(struct flowtable *t, uint8_t family, const uint8_t src[16], uint16_t sport,
                      const uint8_t dst[16], uint16_t dport, const struct tcpconn_segment *seg,
                      bool unanalysed, bool no_bases, struct flow_lookup *out);

/* Unlinks f from the table (the caller frees it). */
void flowtable_remove(struct flowtable *t, struct flow *f);

/* Calls fn for every flow (in no particular order). */
void flowtable_foreach(struct flowtable *t, void (*fn)(struct flow *f, void *arg), void *arg);

/* Number of streams numbered so far. */
uint32_t flowtable_streams(const struct flowtable *t);

#endif
