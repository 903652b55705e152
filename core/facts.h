/* Facts about endpoints shared by conn.c (which records) and classify.c (which decides),
 * and the accessors of the packed and derived parts of struct tcpconn (tcpconn.h). */
#ifndef TCPCONN_FACTS_H
#define TCPCONN_FACTS_H

#include "seq.h"
#include "tcpconn.h"

/* For code that runs a few times per connection (SYNs, FINs, RSTs, its start and end): kept
 * out of the path every data or ACK segment takes, so that this path stays a few contiguous
 * cache lines. The plugin runs inside tshark, whose own per-packet code already overflows
 * the level-1 instruction cache (docs/PERFORMANCE.md). */
#if defined(__GNUC__)
#define TCPCONN_COLD __attribute__((cold, noinline))
#else
#define TCPCONN_COLD
#endif

/* For the few functions every segment passes through: GCC and Clang put them next to each
 * other (.text.hot), so that the per-packet path is a short run of cache lines instead of
 * a line or two of each function spread over the library. */
#if defined(__GNUC__)
#define TCPCONN_HOT __attribute__((hot))
#else
#define TCPCONN_HOT
#endif

/* "the other endpoint acks endpoint fin_side's FIN": judged by the other's highest ACK
 * number, whatever order the capture shows the two in. (The FIN's sequence number is read
 * only once there is a FIN: until then a segment stays in the connection's first two lines.) */
static inline bool fin_acked(const struct tcpconn *c, unsigned fin_side)
{
    const struct tcpconn_endpoint_state *fin = &c->ep[fin_side], *peer = &c->ep[!fin_side];
    return (fin->flags & TCPCONN_EP_FIN) && (peer->flags & TCPCONN_EP_HAS_ACK) &&
           seq_gt(peer->max_ack, c->edge[fin_side].fin_seq);
}

/* Both FINs acknowledged (tcpconn_close_completed): inline, since latch() asks on every
 * segment. */
static inline bool close_completed(const struct tcpconn *c)
{
    return fin_acked(c, 0) && fin_acked(c, 1);
}

/* ---- small fields packed into c->flags ---- */

/* Endpoint index of the client. */
static inline uint8_t conn_client(const struct tcpconn *c) { return (c->flags & TCPCONN_C_CLIENT_IS_1) ? 1 : 0; }

static inline void conn_set_client(struct tcpconn *c, unsigned endpoint_index)
{
    c->flags = endpoint_index ? c->flags | TCPCONN_C_CLIENT_IS_1 : c->flags & ~(uint32_t)TCPCONN_C_CLIENT_IS_1;
}

/* Endpoint index that sent the first RST (0 before any RST). */
static inline uint8_t conn_rst_from(const struct tcpconn *c) { return (c->flags & TCPCONN_C_RST_FROM_1) ? 1 : 0; }

/* The latched handshake state (meaningful with TCPCONN_C_HS_LATCHED). */
static inline enum tcpconn_handshake_state conn_hs_state(const struct tcpconn *c)
{
    return (enum tcpconn_handshake_state)((c->flags & TCPCONN_C_HS_STATE_MASK) >> TCPCONN_C_HS_STATE_SHIFT);
}

static inline void conn_latch_hs_state(struct tcpconn *c, enum tcpconn_handshake_state hs)
{
    c->flags = (c->flags & ~(uint32_t)TCPCONN_C_HS_STATE_MASK) | (uint32_t)hs << TCPCONN_C_HS_STATE_SHIFT |
               TCPCONN_C_HS_LATCHED;
}

/* "e's first FIN carried an ACK covering the other side's FIN" (both FINs recorded; false
 * before). Decided when the second FIN is recorded: both FINs and the ACK numbers they
 * carried are fixed from then on. */
static inline bool fin_carried_ack_of_other(const struct tcpconn *c, unsigned e)
{
    return c->flags & (e ? TCPCONN_C_FIN1_ACKS_FIN0 : TCPCONN_C_FIN0_ACKS_FIN1);
}

/* ---- derived facts ---- */

/* The server has sent a SYN/ACK that can answer the client's SYN (not the SYN/ACK half of a
 * simultaneous open). From then on the server leg is decided: the client's SYN time and
 * latest SYN frame are no longer updated (they were read at that SYN/ACK, never again). */
static inline bool server_synack_seen(const struct tcpconn *c)
{
    const struct tcpconn_endpoint_state *server = &c->ep[!conn_client(c)];
    return (server->flags & TCPCONN_EP_SYNACK) && !(server->flags & TCPCONN_EP_SYN);
}

/* The first SYN/ACK (the server leg's answer): the server's first SYN transmission, since a
 * server that sent a SYN/ACK without a SYN of its own noted nothing before it. */
static inline uint32_t conn_synack_frame(const struct tcpconn *c)
{
    return server_synack_seen(c) ? c->ep[!conn_client(c)].syn_frame : TCPCONN_NO_FRAME;
}

/* The client's acknowledgment of the SYN/ACK was seen (hs_ack_frame recorded). */
static inline bool hs_ack_seen(const struct tcpconn *c) { return c->flags & TCPCONN_C_HS_ACK_SEEN; }

/* This endpoint's SYN (client) or SYN/ACK (server) transmissions were answered: its SYN
 * time and syn_latest_frame are frozen (see the struct). */
static inline bool syn_answered(const struct tcpconn *c, unsigned e)
{
    return e == conn_client(c) ? server_synack_seen(c) : hs_ack_seen(c);
}

/* The SYN transmission the first SYN/ACK answers (with TCPCONN_C_SERVER_LEG). */
static inline uint32_t conn_synack_answers_frame(const struct tcpconn *c)
{
    return (c->flags & TCPCONN_C_SERVER_LEG) ? c->edge[conn_client(c)].syn_latest_frame : TCPCONN_NO_FRAME;
}

/* The SYN/ACK transmission the handshake's ACK answers. */
static inline uint32_t conn_hs_ack_answers_frame(const struct tcpconn *c)
{
    return hs_ack_seen(c) ? c->edge[!conn_client(c)].syn_latest_frame : TCPCONN_NO_FRAME;
}

/* The handshake state the facts say now, and whether it is final (classify.c). */
enum tcpconn_handshake_state tcpconn_decide_handshake(const struct tcpconn *c, bool *known);

/* The endpoint that sent the first FIN, -1 when none did (classify.c). */
int tcpconn_active_closer(const struct tcpconn *c);

#endif
