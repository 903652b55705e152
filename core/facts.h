/* Facts about endpoints shared by conn.c (which records) and classify.c (which decides). */
#ifndef TCPCONN_FACTS_H
#define TCPCONN_FACTS_H

#include "seq.h"
#include "tcpconn.h"

/* "peer acks fin_side's FIN": judged by the peer's highest ACK number, whatever order
 * the capture shows the two in. */
static inline bool fin_acked_by(const struct tcpconn_endpoint_state *fin_side,
                                const struct tcpconn_endpoint_state *peer)
{
    return (fin_side->flags & TCPCONN_EP_FIN) && (peer->flags & TCPCONN_EP_HAS_ACK) &&
           seq_gt(peer->max_ack, fin_side->fin_seq);
}

/* The handshake state the facts say now, and whether it is final (classify.c). */
enum tcpconn_handshake_state tcpconn_decide_handshake(const struct tcpconn *c, bool *known);

#endif
