/* tcpconn core: the life of one TCP connection, from handshake to teardown.
 *
 * Pure C11, libc only: no I/O, no globals, no allocation. An adapter (the Wireshark
 * plugin or tcpconn-analyze) owns one `struct tcpconn` per connection, feeds it every
 * segment of that connection in capture order with tcpconn_update(), and reads back:
 *   - per segment, a one-byte mark (what the segment was when it arrived), and
 *   - per connection, a summary (tcpconn_summarize) and per-frame roles (tcpconn_role),
 *     both derived from everything seen so far.
 * Vocabulary and definitions: SPEC.md. The one transition function is in conn.c, the
 * one teardown-style decision in classify.c.
 */
#ifndef TCPCONN_H
#define TCPCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TCP flag bits, as in byte 13 of the TCP header. */
enum {
    TCPCONN_FIN = 0x01,
    TCPCONN_SYN = 0x02,
    TCPCONN_RST = 0x04,
    TCPCONN_PSH = 0x08,
    TCPCONN_ACK = 0x10,
    TCPCONN_URG = 0x20,
    TCPCONN_ECE = 0x40,
    TCPCONN_CWR = 0x80,
};

/* The adapter names the two endpoints 0 and 1: endpoint 0 sent the first segment it
 * saw of the connection. The core decides which of them is the client. */
typedef uint8_t tcpconn_endpoint;

/* One captured TCP segment, normalized. Sequence numbers are raw (absolute). */
struct tcpconn_segment {
    uint64_t time_ns;      /* capture time, ns since any fixed epoch */
    uint32_t frame;        /* 1-based frame number in the capture (0 is TCPCONN_NO_FRAME) */
    uint32_t seq;          /* raw sequence number */
    uint32_t ack;          /* raw acknowledgment number (meaningful with TCPCONN_ACK) */
    uint32_t payload_len;  /* TCP payload bytes */
    uint32_t tsval;        /* TCP timestamp option, valid when has_ts */
    uint32_t tsecr;
    uint16_t window;       /* raw window field */
    uint16_t ip_id;        /* IPv4 identification; 0 for IPv6 */
    uint8_t flags;         /* TCPCONN_FIN | TCPCONN_SYN | ... */
    tcpconn_endpoint from; /* 0 or 1, see above */
    bool has_ts;
};

/* X-macros: each enum generated together with its public name and a description.
 * Public names are SPEC.md's strings; do not rename. */
#define TCPCONN_HANDSHAKE_STATES(X)                                                   \
    X(TCPCONN_HS_NOT_CAPTURED, "not-captured", "the capture started after the handshake") \
    X(TCPCONN_HS_UNANSWERED, "unanswered", "only SYNs were seen")                     \
    X(TCPCONN_HS_REFUSED, "refused", "the SYN was answered by RST")                   \
    X(TCPCONN_HS_NO_ACK, "no-ack", "SYN and SYN/ACK seen, the SYN/ACK was never acknowledged") \
    X(TCPCONN_HS_COMPLETE, "complete", "SYN, SYN/ACK and the client's acknowledgment were seen") \
    X(TCPCONN_HS_SIMULTANEOUS_OPEN, "simultaneous-open", "both sides sent a SYN without ACK")

#define TCPCONN_TEARDOWN_STYLES(X)                                                    \
    X(TCPCONN_TD_OPEN, "open", "neither FIN nor RST was seen")                         \
    X(TCPCONN_TD_FOUR_WAY, "four-way", "FIN, separate ACK, FIN, ACK")                  \
    X(TCPCONN_TD_THREE_WAY, "three-way", "FIN, FIN+ACK piggybacked, ACK")              \
    X(TCPCONN_TD_SIMULTANEOUS, "simultaneous", "both FINs were sent before either was received") \
    X(TCPCONN_TD_HALF_CLOSE, "half-close", "the passive side sent data after the first FIN") \
    X(TCPCONN_TD_RESET, "reset", "an RST ended the connection, no FIN before it")     \
    X(TCPCONN_TD_RESET_AFTER_FIN, "reset-after-fin", "an RST ended the connection after a FIN, before the close completed") \
    X(TCPCONN_TD_REFUSED, "refused", "the SYN was answered by RST")                   \
    X(TCPCONN_TD_INCOMPLETE, "incomplete", "a FIN was seen but the close had not completed when the capture ended")

#define TCPCONN_INITIATORS(X)                                        \
    X(TCPCONN_BY_NONE, "", "no teardown seen")                       \
    X(TCPCONN_BY_CLIENT, "client", "the client")                     \
    X(TCPCONN_BY_SERVER, "server", "the server")                     \
    X(TCPCONN_BY_BOTH, "both", "both sides at once")

/* Who holds TIME_WAIT after the close (SPEC.md, RFC 9293's state machine): the active closer
 * of a FIN close, both sides after a simultaneous close, nobody after an RST (it sends both
 * sides to CLOSED); unknown (absent) for open and incomplete. */
#define TCPCONN_TIME_WAIT_HOLDERS(X)                                                   \
    X(TCPCONN_TW_UNKNOWN, "", "not known: no close completed (open, incomplete)")      \
    X(TCPCONN_TW_CLIENT, "client", "the client (it closed first)")                      \
    X(TCPCONN_TW_SERVER, "server", "the server (it closed first)")                      \
    X(TCPCONN_TW_BOTH, "both", "both sides (a simultaneous close)")                     \
    X(TCPCONN_TW_NONE, "none", "neither side: an RST ended the connection")

/* What a segment was when it arrived (stored per frame by adapters; one byte). */
#define TCPCONN_MARKS(X)                                                       \
    X(TCPCONN_MARK_NONE, "none", "nothing special")                            \
    X(TCPCONN_MARK_DUPLICATE, "duplicate", "the same transmission captured twice") \
    X(TCPCONN_MARK_SYN, "syn", "a SYN")                                        \
    X(TCPCONN_MARK_SYN_RETRANSMISSION, "syn-retransmission", "a SYN sent again") \
    X(TCPCONN_MARK_SYNACK, "synack", "a SYN/ACK")                              \
    X(TCPCONN_MARK_SYNACK_RETRANSMISSION, "synack-retransmission", "a SYN/ACK sent again") \
    X(TCPCONN_MARK_FIN, "fin", "a FIN, first transmission")                    \
    X(TCPCONN_MARK_FIN_RETRANSMISSION, "fin-retransmission", "a FIN sent again") \
    X(TCPCONN_MARK_DATA_AFTER_FIN, "data-after-fin", "new data acknowledging the peer's FIN") \
    X(TCPCONN_MARK_RST, "rst", "an RST")                                       \
    X(TCPCONN_MARK_AFTER_END, "after-end", "a segment after the connection ended (first RST or completed close)")

/* The role of a frame in its connection's handshake or teardown, as known now.
 * tcpconn_role_name() gives the readable text SPEC.md shows (with its position). */
#define TCPCONN_ROLES(X)                                                       \
    X(TCPCONN_ROLE_NONE, "", "")                                               \
    X(TCPCONN_ROLE_SYN, "SYN", "the first SYN")                                \
    X(TCPCONN_ROLE_SYN_RETRANSMISSION, "SYN retransmission", "a SYN sent again") \
    X(TCPCONN_ROLE_SIMULTANEOUS_SYN, "SYN, simultaneous open", "the second side's SYN in a simultaneous open") \
    X(TCPCONN_ROLE_SYNACK, "SYN/ACK", "the SYN/ACK")                           \
    X(TCPCONN_ROLE_SYNACK_RETRANSMISSION, "SYN/ACK retransmission", "a SYN/ACK sent again") \
    X(TCPCONN_ROLE_HANDSHAKE_ACK, "ACK", "the client's acknowledgment of the SYN/ACK") \
    X(TCPCONN_ROLE_FIN, "FIN", "the active closer's FIN")                      \
    X(TCPCONN_ROLE_ACK_OF_FIN, "ACK of FIN", "the passive closer's first acknowledgment of the first FIN") \
    X(TCPCONN_ROLE_PASSIVE_FIN, "FIN", "the passive closer's FIN")             \
    X(TCPCONN_ROLE_PIGGYBACKED_FIN, "FIN+ACK, piggybacked", "the passive closer's FIN, also acknowledging the first FIN") \
    X(TCPCONN_ROLE_CROSSED_FIN, "FIN, crossed", "the second FIN of a simultaneous close") \
    X(TCPCONN_ROLE_FINAL_ACK, "final ACK", "the acknowledgment that completed the close") \
    X(TCPCONN_ROLE_FIN_RETRANSMISSION, "FIN retransmission", "a FIN sent again") \
    X(TCPCONN_ROLE_DATA_AFTER_FIN, "data after FIN", "half-close: new data from the passive closer") \
    X(TCPCONN_ROLE_RST, "RST", "the RST that ended the connection")            \
    X(TCPCONN_ROLE_RST_REFUSED, "RST, refused", "the RST that answered the SYN") \
    X(TCPCONN_ROLE_RST_AFTER_FIN, "RST after FIN", "an RST that ended the close early") \
    X(TCPCONN_ROLE_RST_AFTER_CLOSE, "RST after close", "a stray RST after the close completed") \
    X(TCPCONN_ROLE_DUPLICATE, "duplicate", "the same transmission captured twice") \
    X(TCPCONN_ROLE_AFTER_RST, "after RST", "a segment after the RST that ended the connection: it changes nothing") \
    X(TCPCONN_ROLE_AFTER_CLOSE, "after close", "a segment after the close completed: it changes nothing")

/* How a handshake leg was attributed to a transmission (SPEC.md, Karn's rule). */
#define TCPCONN_LEG_BASES(X)                                                               \
    X(TCPCONN_LEG_SINGLE, "single", "one transmission preceded the answer")               \
    X(TCPCONN_LEG_BY_TIMESTAMP, "timestamp", "the answer's timestamp echo names the latest transmission") \
    X(TCPCONN_LEG_AMBIGUOUS, "ambiguous", "several transmissions could have been answered")

/* Handshake RTT buckets of the statistics (Wireshark's stats tree and --summary). */
#define TCPCONN_RTT_BUCKETS(X)                                   \
    X(TCPCONN_RTT_UNDER_1MS, "< 1 ms", "below 1 ms")            \
    X(TCPCONN_RTT_1_10MS, "1-10 ms", "1 ms to 10 ms")           \
    X(TCPCONN_RTT_10_100MS, "10-100 ms", "10 ms to 100 ms")     \
    X(TCPCONN_RTT_100MS_1S, "100 ms-1 s", "100 ms to 1 s")      \
    X(TCPCONN_RTT_1S_OR_MORE, ">= 1 s", "1 s or more")

#define TCPCONN_ENUM_ITEM(id, name, desc) id,
enum tcpconn_handshake_state { TCPCONN_HANDSHAKE_STATES(TCPCONN_ENUM_ITEM) TCPCONN_HS_COUNT };
enum tcpconn_teardown_style { TCPCONN_TEARDOWN_STYLES(TCPCONN_ENUM_ITEM) TCPCONN_TD_COUNT };
enum tcpconn_initiator { TCPCONN_INITIATORS(TCPCONN_ENUM_ITEM) TCPCONN_BY_COUNT };
enum tcpconn_time_wait { TCPCONN_TIME_WAIT_HOLDERS(TCPCONN_ENUM_ITEM) TCPCONN_TW_COUNT };
enum tcpconn_mark { TCPCONN_MARKS(TCPCONN_ENUM_ITEM) TCPCONN_MARK_COUNT };
enum tcpconn_role_kind { TCPCONN_ROLES(TCPCONN_ENUM_ITEM) TCPCONN_ROLE_COUNT };
enum tcpconn_leg_basis { TCPCONN_LEG_BASES(TCPCONN_ENUM_ITEM) TCPCONN_LEG_COUNT };
enum tcpconn_rtt_bucket { TCPCONN_RTT_BUCKETS(TCPCONN_ENUM_ITEM) TCPCONN_RTT_BUCKET_COUNT };
#undef TCPCONN_ENUM_ITEM

const char *tcpconn_handshake_state_name(enum tcpconn_handshake_state s);
const char *tcpconn_teardown_style_name(enum tcpconn_teardown_style s);
const char *tcpconn_initiator_name(enum tcpconn_initiator i);
const char *tcpconn_time_wait_name(enum tcpconn_time_wait t);
const char *tcpconn_mark_name(enum tcpconn_mark m);
const char *tcpconn_role_kind_name(enum tcpconn_role_kind r);
const char *tcpconn_leg_basis_name(enum tcpconn_leg_basis b);
const char *tcpconn_rtt_bucket_name(enum tcpconn_rtt_bucket b);
/* The bucket of an RTT leg; TCPCONN_RTT_BUCKET_COUNT for TCPCONN_NO_TIME (not measured). */
enum tcpconn_rtt_bucket tcpconn_rtt_bucket_of(uint64_t ns);
/* Name to enum; returns false when unknown. */
bool tcpconn_teardown_style_from_name(const char *name, enum tcpconn_teardown_style *out);

/* ---- connection state (opaque in spirit: adapters read it only through the API) ---- */

/* One endpoint's facts, updated by tcpconn_update(). For the server, "SYN" below means
 * its SYN/ACK (the segment that carries its initial sequence number).
 *
 * Layout (issue 7): struct tcpconn was 256 bytes and is 192, with the same results for every
 * input that keeps the API's contract (frame numbers are 1-based: 0 is TCPCONN_NO_FRAME).
 * Facts read only for a while say until when; core/facts.h has the accessors of what is
 * packed or derived. Why not 128: each u32 here can decide some summary field or mark
 * until the connection is finished, and up to eight capture times can matter at once (two
 * duplicate windows, two handshake slots, two FIN and two max_ack times), each with all of
 * its 64 bits (times may jump by days, either way, and RTTs are in ns).
 *
 * Issue 13: what every data or ACK segment reads or writes (here, and the connection's flags
 * and hs_ack_frame) fills the first 128 bytes of struct tcpconn, two cache lines; what only
 * the handshake and the close read is in its third line (struct tcpconn_endpoint_edges). A
 * plugin's connection state is seldom still cached when its next packet comes, so each line
 * a packet touches is a trip to memory (docs/PERFORMANCE.md). */
struct tcpconn_endpoint_state {
    uint64_t dup_time_ns;           /* last segment's time, for SPAN duplicates */
    uint64_t max_ack_time_ns;       /* when max_ack was first reached (until TCPCONN_C_FINISHED) */
    uint32_t dup_fingerprint;       /* last segment's identity, for SPAN duplicates */
    uint32_t syn_frame;             /* first SYN transmission */
    uint32_t next_seq;              /* highest sequence end sent so far (seq+len+SYN+FIN) */
    uint32_t fin_frame;             /* first FIN transmission */
    uint32_t max_ack;               /* highest ACK number sent */
    uint32_t max_ack_frame;         /* first segment that carried max_ack */
    uint32_t new_bytes_at_max_ack;  /* new payload sent since max_ack was reached */
    uint32_t first_new_data_frame;  /* first such segment */
    uint32_t last_new_data_frame;   /* last such segment */
    uint16_t syn_count;             /* SYN transmissions (saturates at UINT16_MAX) */
    uint8_t flags;                  /* TCPCONN_EP_* below */
};

/* One endpoint's facts that only its handshake and its FIN need. */
struct tcpconn_endpoint_edges {
    uint32_t isn;                   /* sequence number of this side's SYN (handshake only) */
    uint32_t syn_latest_frame;      /* latest SYN transmission until this side's SYN was
                                       answered (syn_answered in facts.h): then frozen, it is
                                       the transmission the answer is attributed to */
    uint32_t syn_tsval_max;         /* highest TSval over this side's SYN transmissions */
    uint32_t fin_seq;               /* sequence number the FIN occupies (with TCPCONN_EP_FIN) */
};

enum {
    TCPCONN_EP_SEEN = 0x01,          /* sent at least one segment */
    TCPCONN_EP_SYN = 0x02,           /* sent a SYN without ACK */
    TCPCONN_EP_SYNACK = 0x04,        /* sent a SYN/ACK */
    TCPCONN_EP_FIN = 0x08,           /* sent a FIN (fin_* valid) */
    TCPCONN_EP_HAS_ACK = 0x10,       /* max_ack is valid */
    TCPCONN_EP_FIN_HAD_ACK = 0x20,   /* the first FIN carried an ACK (its number: see first_fin_ack) */
    TCPCONN_EP_SYN_TS_REUSED = 0x40, /* the latest SYN's TSval may equal an earlier one's */
    TCPCONN_EP_SYN_NO_TS = 0x80,     /* a SYN transmission lacked the timestamp option */
};

/* Capture times of the teardown. Only a completed close and a reset after a FIN have a
 * duration, and both are final once the connection is finished (tcpconn_is_finished: from
 * then on no endpoint fact changes), so the duration is computed then and the FIN times
 * (with the endpoints' max_ack_time_ns) give their room to it. */
union tcpconn_teardown_times {
    struct {                           /* until TCPCONN_C_FINISHED */
        uint64_t fin_time_ns[2];       /* per endpoint: first FIN transmission */
    } open;
    struct {                           /* from TCPCONN_C_FINISHED on */
        uint64_t duration_ns;          /* the summary's teardown_duration_ns */
        uint32_t close_frame;          /* the summary's close_frame */
        uint32_t rst_frame;            /* the first RST, when TCPCONN_C_RST */
    } ended;
};

struct tcpconn {
    /* Lines 1 and 2: what every segment touches. */
    uint32_t flags;                /* TCPCONN_C_* below, and the small fields after them */
    uint32_t hs_ack_frame;         /* the first client segment acking the SYN/ACK */
    struct tcpconn_endpoint_state ep[2];
    uint32_t first_frame;
    uint32_t first_fin_ack;        /* the ACK number of the first FIN recorded (either side,
                                      with TCPCONN_EP_FIN_HAD_ACK), until the second FIN */
    /* Line 3: the handshake and the close. */
    struct tcpconn_endpoint_edges edge[2];
    /* The two handshake legs, each one 64-bit slot used twice: until the leg's answer is
     * seen it holds the time of the latest transmission being answered; after, the leg. */
    uint64_t server_leg_ns;        /* the client's latest SYN time until the first SYN/ACK,
                                      then the server leg (valid with TCPCONN_C_SERVER_LEG) */
    uint64_t client_leg_ns;        /* the server's latest SYN/ACK time until hs_ack_frame,
                                      then the client leg (valid with TCPCONN_C_CLIENT_LEG) */
    union tcpconn_teardown_times td;
};
/* Derived, not stored (core/facts.h): the first SYN/ACK frame is the server's syn_frame
 * once the server sent a SYN/ACK without a SYN of its own; the frames the two legs'
 * answers answer are the frozen syn_latest_frame of the client and of the server. */

enum {
    TCPCONN_C_ROLES_INFERRED = 0x001,  /* no SYN first: roles from a SYN/ACK or the ports */
    TCPCONN_C_SERVER_LEG_AMBIGUOUS = 0x002, /* Karn's rule: the SYN/ACK could answer several SYNs */
    TCPCONN_C_RST = 0x004,             /* td.ended.rst_frame valid */
    TCPCONN_C_RST_AFTER_CLOSE = 0x008, /* the first RST came after a completed close */
    TCPCONN_C_RST_AFTER_FIN = 0x010,   /* a FIN came before the first RST */
    TCPCONN_C_REFUSED = 0x020,         /* the first RST answered the SYN */
    TCPCONN_C_SERVER_LEG = 0x040,      /* server_leg_ns is the server leg */
    TCPCONN_C_CLIENT_LEG = 0x080,      /* client_leg_ns is the client leg */
    TCPCONN_C_STARTED = 0x100,         /* a segment was seen */
    TCPCONN_C_CLIENT_LEG_AMBIGUOUS = 0x200, /* the ACK could answer several SYN/ACKs */
    TCPCONN_C_SERVER_LEG_BY_TS = 0x400,     /* several SYNs, the timestamp echo names the latest */
    TCPCONN_C_CLIENT_LEG_BY_TS = 0x800,     /* several SYN/ACKs, the timestamp echo names the latest */
    TCPCONN_C_FINISHED = 0x1000,       /* the close completed or an RST ended it: teardown latched,
                                          td.ended valid */
    TCPCONN_C_HS_LATCHED = 0x2000,     /* the handshake state below is final (one-pass "known") */
    TCPCONN_C_PORTS_EQUAL = 0x4000,    /* both ports are the same (roles cannot come from them) */
    TCPCONN_C_FIN0_ACKS_FIN1 = 0x8000,  /* endpoint 0's first FIN carried an ACK covering endpoint 1's FIN */
    TCPCONN_C_FIN1_ACKS_FIN0 = 0x10000, /* endpoint 1's first FIN carried an ACK covering endpoint 0's FIN */
    TCPCONN_C_HS_ACK_SEEN = 0x20000,   /* hs_ack_frame was recorded */
    /* Small fields in the same word (accessors in core/facts.h): */
    TCPCONN_C_CLIENT_IS_1 = 0x40000,   /* endpoint index of the client (before the first segment:
                                          the higher port's endpoint) */
    TCPCONN_C_RST_FROM_1 = 0x80000,    /* endpoint index that sent the first RST */
    TCPCONN_C_HS_STATE_SHIFT = 20,     /* 3 bits: enum tcpconn_handshake_state, once HS_LATCHED */
    TCPCONN_C_HS_STATE_MASK = 0x7 << TCPCONN_C_HS_STATE_SHIFT,
};

/* Issue 7: one connection's state stays small (the analyzer keeps one per live connection,
 * the plugin one per stream). 192, not the 128: see above the endpoint state. */
#ifndef __cplusplus
_Static_assert(sizeof(struct tcpconn) <= 192, "struct tcpconn grew beyond 192 bytes");
_Static_assert(offsetof(struct tcpconn, edge) == 128, "what every segment touches no longer fills two lines");
_Static_assert(TCPCONN_HS_COUNT <= 8, "the handshake state no longer fits its 3 bits");
#endif

/* Start a connection. port0/port1: the ports of endpoints 0 and 1 (for inferring roles). */
void tcpconn_init(struct tcpconn *c, uint16_t port0, uint16_t port1);

/* Feed one segment (in capture order). Returns what the segment was. */
enum tcpconn_mark tcpconn_update(struct tcpconn *c, const struct tcpconn_segment *s);

/* True once both FINs were acknowledged. */
bool tcpconn_close_completed(const struct tcpconn *c);

/* True once the close completed (both FINs acked) or an RST ended the connection. From
 * then on everything is latched: nothing later changes the teardown (style, its frames,
 * its duration) or the handshake (state, legs, the handshake's frames, retransmission
 * counts), so the roles of earlier frames stay too. Later segments only get marks
 * (TCPCONN_MARK_AFTER_END, a FIN retransmitted after a completed close, RSTs), and a first
 * RST after a completed close is noted as such. */
bool tcpconn_is_finished(const struct tcpconn *c);

/* ---- reading results ---- */

#define TCPCONN_NO_FRAME 0u
#define TCPCONN_NO_TIME UINT64_MAX

struct tcpconn_summary {
    enum tcpconn_handshake_state handshake;
    bool handshake_known;          /* false while it may still change (one-pass) */
    bool roles_inferred;
    bool rtt_ambiguous;            /* either leg is ambiguous */
    enum tcpconn_leg_basis server_leg_basis, client_leg_basis;
    uint8_t client;                /* endpoint index of the client */
    uint64_t server_rtt_ns;        /* TCPCONN_NO_TIME when unknown */
    uint64_t client_rtt_ns;
    uint64_t rtt_ns;
    uint32_t syn_retransmissions;
    uint32_t synack_retransmissions;

    enum tcpconn_teardown_style style;
    bool style_known;              /* false while it may still change (one-pass) */
    enum tcpconn_initiator initiator;
    enum tcpconn_time_wait time_wait; /* who holds TIME_WAIT; TCPCONN_TW_UNKNOWN for open, incomplete */
    uint64_t teardown_duration_ns; /* TCPCONN_NO_TIME when unknown */
    uint8_t teardown_steps;        /* 3 or 4 for FIN closes once known, else 0 */
    bool fins_crossed;             /* B's FIN did not ack A's FIN: a simultaneous close */
    int8_t active_closer;          /* endpoint index of the first FIN's sender, -1 when no FIN */
    uint8_t rst_from;              /* endpoint index that sent rst_frame */

    /* Key frames, TCPCONN_NO_FRAME when absent. A = active closer, B = passive closer. */
    uint32_t first_frame;
    uint32_t syn_frame;            /* the client's first SYN */
    uint32_t other_syn_frame;      /* the server's SYN in a simultaneous open */
    uint32_t synack_frame;         /* the SYN/ACK that ended the server leg (first one) */
    uint32_t synack_answers_frame; /* the SYN transmission it answers */
    uint32_t hs_ack_frame;         /* the client segment that ended the client leg */
    uint32_t hs_ack_answers_frame; /* the SYN/ACK transmission it answers */
    uint32_t fin_a_frame, fin_b_frame;      /* first FIN transmissions */
    uint32_t ack_of_fin_a_frame;            /* first B segment acking A's FIN */
    uint32_t ack_of_fin_b_frame;            /* first A segment acking B's FIN */
    uint32_t rst_frame;            /* the RST that ended the connection (or came after it) */
    uint32_t close_frame;          /* the packet that completed the close */
    uint32_t half_close_bytes;     /* new payload B sent while acking A's FIN */
    uint32_t half_close_first_frame, half_close_last_frame;
};

/* Summary as known now. at_end: the capture has ended (nothing more will come), so
 * provisional states become final (e.g. a FIN without completion becomes incomplete). */
void tcpconn_summarize(const struct tcpconn *c, bool at_end, struct tcpconn_summary *out);

struct tcpconn_role {
    enum tcpconn_role_kind kind;
    uint8_t step;         /* position in the exchange, 0 when it has none */
    uint8_t steps;        /* 3 or 4; 0 when not (yet) known */
    uint32_t related;     /* frame it answers / acknowledges / repeats, or TCPCONN_NO_FRAME */
    uint32_t answered_by; /* frame that acknowledges it, or TCPCONN_NO_FRAME */
};

/* The roles of `frame`, sent by endpoint `from`, whose mark tcpconn_update returned, given
 * the summary `sum`. A frame has at most two roles (a FIN that is also the handshake's
 * ACK); returns how many were written to out (0 for an ordinary segment). */
#define TCPCONN_MAX_ROLES 2
unsigned tcpconn_roles(const struct tcpconn_summary *sum, uint32_t frame, tcpconn_endpoint from,
                       enum tcpconn_mark mark, struct tcpconn_role out[TCPCONN_MAX_ROLES]);

/* False only when `frame` (sent with `mark`) can have no role and is none of the frames a
 * summary of c names (handshake, FINs, their ACKs, close, RST): then tcpconn_roles gives 0
 * and nothing about the connection is decided by this frame. A few compares, so that
 * adapters skip summarizing the three packets in four that are plain data and ACKs. May
 * say true for a frame without a role; never false for one with a role. */
bool tcpconn_frame_may_have_role(const struct tcpconn *c, uint32_t frame, enum tcpconn_mark mark);

/* Readable role text, e.g. "FIN+ACK, piggybacked (2/3)", "FIN (1/?)", "SYN retransmission".
 * Writes at most len bytes (NUL included); returns buf. */
char *tcpconn_role_text(const struct tcpconn_role *r, char *buf, unsigned len);

/* Short form for the Info column, e.g. "FIN+ACK 2/3". */
char *tcpconn_role_short(const struct tcpconn_role *r, char *buf, unsigned len);

/* One or two plain sentences that name the frames: how the handshake went (frames, both
 * legs in ms, the retransmission story) and how the connection ended (e.g. "Three-way
 * close: the FIN+ACK in frame 25 also acknowledges the FIN of frame 24, so no separate ACK
 * was needed; ..."). Always NUL-terminated within len bytes; returns buf. */
#define TCPCONN_EXPLANATION_MAX 512
char *tcpconn_explain_handshake(const struct tcpconn_summary *sum, char *buf, size_t len);
char *tcpconn_explain_teardown(const struct tcpconn_summary *sum, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
