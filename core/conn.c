/* The one transition function: tcpconn_update() records what a segment proves about its
 * connection. It decides nothing about styles; classify.c reads these facts.
 *
 * Facts are kept so that they do not depend on capture order where the TCP numbers can
 * tell the truth: "B acked A's FIN" is B's highest ACK number compared with A's FIN, so
 * an ACK captured before the FIN it acknowledges still counts. */
#include <string.h>

#include "facts.h"

/* Two copies of one transmission closer than this are a SPAN duplicate (SPEC.md). */
#define DUPLICATE_WINDOW_NS 1000000u

void tcpconn_init(struct tcpconn *c, uint16_t port0, uint16_t port1)
{
    memset(c, 0, sizeof *c);
    c->port[0] = port0;
    c->port[1] = port1;
}

/* Identity of a transmission (SPEC.md's list of fields), folded into 32 bits (FNV-1a). */
static uint32_t fingerprint(const struct tcpconn_segment *s)
{
    const uint32_t words[] = {
        s->seq, s->ack, s->payload_len, s->flags | (uint32_t)s->window << 8,
        s->ip_id | (uint32_t)s->has_ts << 16, s->has_ts ? s->tsval : 0, s->has_ts ? s->tsecr : 0,
    };
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) {
        for (unsigned b = 0; b < 4; b++) {
            h ^= (words[i] >> (8 * b)) & 0xffu;
            h *= 16777619u;
        }
    }
    return h;
}

static bool is_duplicate(struct tcpconn_endpoint_state *ep, const struct tcpconn_segment *s)
{
    uint32_t fp = fingerprint(s);
    if ((ep->flags & TCPCONN_EP_SEEN) && fp == ep->dup_fingerprint &&
        s->time_ns >= ep->dup_time_ns && s->time_ns - ep->dup_time_ns < DUPLICATE_WINDOW_NS)
        return true; /* keep the first copy's time: a third copy is compared with it too */
    ep->dup_fingerprint = fp;
    ep->dup_time_ns = s->time_ns;
    return false;
}

/* Roles are fixed by the first segment (SPEC.md "Roles"). */
static void decide_roles(struct tcpconn *c, const struct tcpconn_segment *s)
{
    bool syn = s->flags & TCPCONN_SYN, ack = s->flags & TCPCONN_ACK;
    if (syn && !ack && !(s->flags & TCPCONN_RST)) {
        c->client = s->from;
        return;
    }
    c->flags |= TCPCONN_C_ROLES_INFERRED;
    if (syn && ack && !(s->flags & TCPCONN_RST))
        c->client = (uint8_t)!s->from;
    else if (c->port[0] != c->port[1])
        c->client = c->port[1] > c->port[0]; /* the higher (ephemeral) port is the client */
    else
        c->client = s->from;
}

/* A leg is certain when one transmission preceded the answer, or when the answer's TSecr
 * names the latest transmission and no earlier one could have carried the same TSval.
 * Returns the connection flags that record how the leg was attributed. */
static uint16_t leg_attribution(const struct tcpconn_endpoint_state *sender, const struct tcpconn_segment *answer,
                                uint16_t ambiguous_flag, uint16_t by_timestamp_flag)
{
    if (sender->syn_count <= 1)
        return 0;
    bool echo_names_latest = answer->has_ts &&
                             !(sender->flags & (TCPCONN_EP_SYN_TS_REUSED | TCPCONN_EP_SYN_NO_TS)) &&
                             answer->tsecr == sender->syn_tsval_max;
    return echo_names_latest ? by_timestamp_flag : ambiguous_flag;
}

/* A SYN (client) or SYN/ACK (server) transmission: first one or a retransmission. */
static bool note_syn_transmission(struct tcpconn_endpoint_state *ep, const struct tcpconn_segment *s)
{
    bool first = ep->syn_count == 0;
    if (first) {
        ep->isn = s->seq;
        ep->syn_frame = s->frame;
    } else if (s->has_ts && !(ep->flags & TCPCONN_EP_SYN_NO_TS) && !seq_gt(s->tsval, ep->syn_tsval_max)) {
        ep->flags |= TCPCONN_EP_SYN_TS_REUSED; /* may equal an earlier TSval: no certainty */
    } else if (s->has_ts) {
        ep->flags &= (uint8_t)~TCPCONN_EP_SYN_TS_REUSED;
    }
    if (!s->has_ts)
        ep->flags |= TCPCONN_EP_SYN_NO_TS;
    else if (first || seq_gt(s->tsval, ep->syn_tsval_max))
        ep->syn_tsval_max = s->tsval;
    if (ep->syn_count < UINT16_MAX)
        ep->syn_count++;
    ep->syn_latest_frame = s->frame;
    ep->syn_time_ns = s->time_ns;
    return first;
}

static enum tcpconn_mark on_syn(struct tcpconn *c, const struct tcpconn_segment *s)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
    if (s->flags & TCPCONN_ACK) { /* SYN/ACK */
        bool first_synack = !(ep->flags & TCPCONN_EP_SYNACK);
        ep->flags |= TCPCONN_EP_SYNACK;
        if (ep->flags & TCPCONN_EP_SYN) /* simultaneous open: its ISN came with its SYN */
            return first_synack ? TCPCONN_MARK_SYNACK : TCPCONN_MARK_SYNACK_RETRANSMISSION;
        bool first = note_syn_transmission(ep, s);
        const struct tcpconn_endpoint_state *client = &c->ep[!s->from];
        if (c->synack_frame == TCPCONN_NO_FRAME && s->from != c->client) {
            c->synack_frame = s->frame;
            if ((client->flags & TCPCONN_EP_SYN) && seq_gt(s->ack, client->isn) &&
                s->time_ns >= client->syn_time_ns) {
                c->synack_answers_frame = client->syn_latest_frame;
                c->server_rtt_ns = s->time_ns - client->syn_time_ns;
                c->flags |= TCPCONN_C_SERVER_LEG;
                c->flags |= leg_attribution(client, s, TCPCONN_C_SERVER_LEG_AMBIGUOUS, TCPCONN_C_SERVER_LEG_BY_TS);
            }
        }
        return first ? TCPCONN_MARK_SYNACK : TCPCONN_MARK_SYNACK_RETRANSMISSION;
    }
    bool first_syn = !(ep->flags & TCPCONN_EP_SYN);
    if (first_syn && (ep->flags & TCPCONN_EP_SYNACK))
        return TCPCONN_MARK_SYN; /* a SYN after its own SYN/ACK: nonsense, record nothing */
    if (first_syn && (c->flags & TCPCONN_C_ROLES_INFERRED) && !(c->ep[!s->from].flags & TCPCONN_EP_SYN) &&
        s->from == c->client) {
        /* The SYN was captured after the segment that fixed the roles, and agrees with them:
         * a SYN is in the capture after all, so the roles are no longer inferred. */
        c->flags &= (uint16_t)~TCPCONN_C_ROLES_INFERRED;
    }
    ep->flags |= TCPCONN_EP_SYN;
    return note_syn_transmission(ep, s) ? TCPCONN_MARK_SYN : TCPCONN_MARK_SYN_RETRANSMISSION;
}

/* The client leg ends at the first client segment that acks the server's SYN/ACK. */
static void note_handshake_ack(struct tcpconn *c, const struct tcpconn_segment *s)
{
    const struct tcpconn_endpoint_state *server = &c->ep[!c->client];
    if (c->hs_ack_frame != TCPCONN_NO_FRAME || s->from != c->client || !(s->flags & TCPCONN_ACK) ||
        !(server->flags & TCPCONN_EP_SYNACK) || (server->flags & TCPCONN_EP_SYN) ||
        !seq_gt(s->ack, server->isn))
        return;
    c->hs_ack_frame = s->frame;
    c->hs_ack_answers_frame = server->syn_latest_frame;
    if (s->time_ns >= server->syn_time_ns) {
        c->client_rtt_ns = s->time_ns - server->syn_time_ns;
        c->flags |= TCPCONN_C_CLIENT_LEG;
        c->flags |= leg_attribution(server, s, TCPCONN_C_CLIENT_LEG_AMBIGUOUS, TCPCONN_C_CLIENT_LEG_BY_TS);
    }
}

bool tcpconn_close_completed(const struct tcpconn *c)
{
    return fin_acked_by(&c->ep[0], &c->ep[1]) && fin_acked_by(&c->ep[1], &c->ep[0]);
}

bool tcpconn_is_finished(const struct tcpconn *c)
{
    return c->flags & TCPCONN_C_FINISHED;
}

static enum tcpconn_mark on_rst(struct tcpconn *c, const struct tcpconn_segment *s)
{
    if (c->flags & TCPCONN_C_RST)
        return TCPCONN_MARK_RST; /* only the first RST ends the connection */
    c->flags |= TCPCONN_C_RST;
    c->rst_frame = s->frame;
    c->rst_time_ns = s->time_ns;
    c->rst_from = s->from;
    const struct tcpconn_endpoint_state *client = &c->ep[c->client], *server = &c->ep[!c->client];
    if (tcpconn_close_completed(c))
        c->flags |= TCPCONN_C_RST_AFTER_CLOSE;
    else if ((c->ep[0].flags | c->ep[1].flags) & TCPCONN_EP_FIN)
        c->flags |= TCPCONN_C_RST_AFTER_FIN;
    else if (s->from != c->client && (client->flags & TCPCONN_EP_SYN) && !(server->flags & TCPCONN_EP_SEEN))
        c->flags |= TCPCONN_C_REFUSED; /* the server's first word was RST */
    return TCPCONN_MARK_RST;
}

/* Sequence space, ACKs, new data and FINs: everything but SYN bookkeeping and RST. */
static enum tcpconn_mark on_segment(struct tcpconn *c, const struct tcpconn_segment *s, enum tcpconn_mark mark)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
    const struct tcpconn_endpoint_state *peer = &c->ep[!s->from];
    bool syn = s->flags & TCPCONN_SYN;
    bool fin = s->flags & TCPCONN_FIN; /* on a SYN too: SPEC.md counts every FIN */
    bool records_fin = fin && !(ep->flags & TCPCONN_EP_FIN);

    if (!(ep->flags & TCPCONN_EP_SEEN))
        ep->next_seq = s->seq; /* mid-stream start: what we see first counts as new */

    if ((s->flags & TCPCONN_ACK) && (!(ep->flags & TCPCONN_EP_HAS_ACK) || seq_gt(s->ack, ep->max_ack))) {
        ep->flags |= TCPCONN_EP_HAS_ACK;
        ep->max_ack = s->ack;
        ep->max_ack_frame = s->frame;
        ep->max_ack_time_ns = s->time_ns;
        ep->new_bytes_at_max_ack = 0;
        ep->first_new_data_frame = ep->last_new_data_frame = TCPCONN_NO_FRAME;
    }

    uint32_t data_start = s->seq + (syn ? 1u : 0u);
    uint32_t data_end = data_start + s->payload_len;
    if (s->payload_len > 0 && seq_gt(data_end, ep->next_seq)) {
        uint32_t from = seq_gt(data_start, ep->next_seq) ? data_start : ep->next_seq;
        ep->new_bytes_at_max_ack += data_end - from;
        if (ep->first_new_data_frame == TCPCONN_NO_FRAME)
            ep->first_new_data_frame = s->frame;
        ep->last_new_data_frame = s->frame;
        if (mark == TCPCONN_MARK_NONE && fin_acked_by(peer, ep))
            mark = TCPCONN_MARK_DATA_AFTER_FIN;
    }
    uint32_t seq_end = data_end + (fin ? 1u : 0u);
    if (seq_gt(seq_end, ep->next_seq) || !(ep->flags & TCPCONN_EP_SEEN))
        ep->next_seq = seq_end;
    ep->flags |= TCPCONN_EP_SEEN;

    if (records_fin) {
        ep->flags |= TCPCONN_EP_FIN;
        ep->fin_seq = data_end;
        ep->fin_frame = s->frame;
        ep->fin_time_ns = s->time_ns;
        if (s->flags & TCPCONN_ACK) {
            ep->flags |= TCPCONN_EP_FIN_HAD_ACK;
            ep->fin_ack_on_wire = s->ack;
        }
    }
    if (fin) {
        mark = records_fin ? TCPCONN_MARK_FIN : TCPCONN_MARK_FIN_RETRANSMISSION;
        if (ep->fin_count < UINT16_MAX)
            ep->fin_count++;
    }
    return mark;
}

/* After the connection ended its teardown facts are latched: a late segment only gets its
 * mark. The client's ACK of the SYN/ACK still counts (it may have crossed the RST). */
static enum tcpconn_mark after_end(struct tcpconn *c, const struct tcpconn_segment *s)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
    if (s->flags & TCPCONN_RST)
        return on_rst(c, s);
    if (!(s->flags & TCPCONN_SYN))
        note_handshake_ack(c, s);
    if (s->flags & TCPCONN_FIN)
        return (ep->flags & TCPCONN_EP_FIN) ? TCPCONN_MARK_FIN_RETRANSMISSION : TCPCONN_MARK_FIN;
    if (s->flags & TCPCONN_SYN)
        return (s->flags & TCPCONN_ACK) ? TCPCONN_MARK_SYNACK_RETRANSMISSION : TCPCONN_MARK_SYN_RETRANSMISSION;
    return TCPCONN_MARK_NONE;
}

/* Latch what one-pass readers have been told is final. */
static void latch(struct tcpconn *c)
{
    if (!(c->flags & TCPCONN_C_FINISHED) && ((c->flags & TCPCONN_C_RST) || tcpconn_close_completed(c)))
        c->flags |= TCPCONN_C_FINISHED;
    if (!(c->flags & TCPCONN_C_HS_LATCHED)) {
        bool known;
        enum tcpconn_handshake_state hs = tcpconn_decide_handshake(c, &known);
        if (known) {
            c->hs_state = (uint8_t)hs;
            c->flags |= TCPCONN_C_HS_LATCHED;
        }
    }
}

static enum tcpconn_mark transition(struct tcpconn *c, const struct tcpconn_segment *s)
{
    if (c->flags & TCPCONN_C_FINISHED)
        return after_end(c, s);
    if (s->flags & TCPCONN_RST) {
        enum tcpconn_mark mark = on_rst(c, s);
        c->ep[s->from].flags |= TCPCONN_EP_SEEN;
        return mark;
    }
    enum tcpconn_mark mark = TCPCONN_MARK_NONE;
    if (s->flags & TCPCONN_SYN)
        mark = on_syn(c, s);
    else
        note_handshake_ack(c, s);
    return on_segment(c, s, mark);
}

enum tcpconn_mark tcpconn_update(struct tcpconn *c, const struct tcpconn_segment *in)
{
    struct tcpconn_segment s = *in;
    s.from &= 1;
    if (!(c->flags & TCPCONN_C_STARTED)) {
        c->flags |= TCPCONN_C_STARTED;
        c->first_frame = s.frame;
        decide_roles(c, &s);
    }
    if (is_duplicate(&c->ep[s.from], &s))
        return TCPCONN_MARK_DUPLICATE;
    enum tcpconn_mark mark = transition(c, &s);
    latch(c);
    return mark;
}
