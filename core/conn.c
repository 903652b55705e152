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

/* The ports are only read by decide_roles at the first segment: what it needs of them (equal,
 * or which endpoint has the higher one) is kept instead. */
void tcpconn_init(struct tcpconn *c, uint16_t port0, uint16_t port1)
{
    memset(c, 0, sizeof *c);
    if (port0 == port1)
        c->flags |= TCPCONN_C_PORTS_EQUAL;
    else
        conn_set_client(c, port1 > port0); /* the higher (ephemeral) port is the client */
}

/* Identity of a transmission (SPEC.md's list of fields), folded into 32 bits. Runs on every
 * segment, so it mixes four 64-bit words with a multiply each (then MurmurHash3's fmix64)
 * instead of hashing the 28 bytes one at a time: a tenth of the instructions and code. */
static uint32_t fingerprint(const struct tcpconn_segment *s)
{
    const uint64_t words[] = {
        (uint64_t)s->seq << 32 | s->ack,
        (uint64_t)s->payload_len << 32 | s->flags | (uint32_t)s->window << 8,
        (uint64_t)s->ip_id << 32 | (uint32_t)s->has_ts,
        s->has_ts ? (uint64_t)s->tsval << 32 | s->tsecr : 0,
    };
    uint64_t h = 0;
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++)
        h = (h ^ words[i]) * 0x9e3779b97f4a7c15u + (h >> 29);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return (uint32_t)h;
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
static TCPCONN_COLD void decide_roles(struct tcpconn *c, const struct tcpconn_segment *s)
{
    bool syn = s->flags & TCPCONN_SYN, ack = s->flags & TCPCONN_ACK;
    if (syn && !ack && !(s->flags & TCPCONN_RST)) {
        conn_set_client(c, s->from);
        return;
    }
    c->flags |= TCPCONN_C_ROLES_INFERRED;
    if (syn && ack && !(s->flags & TCPCONN_RST))
        conn_set_client(c, !s->from);
    else if (c->flags & TCPCONN_C_PORTS_EQUAL)
        conn_set_client(c, s->from);
    /* else: tcpconn_init set the client from the ports */
}

/* A leg is certain when one transmission preceded the answer, or when the answer's TSecr
 * names the latest transmission and no earlier one could have carried the same TSval.
 * Returns the connection flags that record how the leg was attributed. */
static TCPCONN_COLD uint32_t leg_attribution(const struct tcpconn *c, unsigned sender_index,
                                             const struct tcpconn_segment *answer, uint32_t ambiguous_flag,
                                             uint32_t by_timestamp_flag)
{
    const struct tcpconn_endpoint_state *sender = &c->ep[sender_index];
    if (sender->syn_count <= 1)
        return 0;
    bool echo_names_latest = answer->has_ts &&
                             !(sender->flags & (TCPCONN_EP_SYN_TS_REUSED | TCPCONN_EP_SYN_NO_TS)) &&
                             answer->tsecr == c->edge[sender_index].syn_tsval_max;
    return echo_names_latest ? by_timestamp_flag : ambiguous_flag;
}

/* The 64-bit slot that holds endpoint e's latest SYN time until that SYN is answered. */
static uint64_t *syn_time_slot(struct tcpconn *c, unsigned e)
{
    return e == conn_client(c) ? &c->server_leg_ns : &c->client_leg_ns;
}

/* A SYN (client) or SYN/ACK (server) transmission: first one or a retransmission. Once the
 * endpoint's SYN was answered its latest time and frame are no longer read (the leg is
 * measured), so they stay as they were then: the slot holds the leg, the frame names the
 * transmission the answer answers. */
static TCPCONN_COLD bool note_syn_transmission(struct tcpconn *c, const struct tcpconn_segment *s)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
    struct tcpconn_endpoint_edges *edge = &c->edge[s->from];
    bool first = ep->syn_count == 0;
    if (first) {
        edge->isn = s->seq;
        ep->syn_frame = s->frame;
    } else if (s->has_ts && !(ep->flags & TCPCONN_EP_SYN_NO_TS) && !seq_gt(s->tsval, edge->syn_tsval_max)) {
        ep->flags |= TCPCONN_EP_SYN_TS_REUSED; /* may equal an earlier TSval: no certainty */
    } else if (s->has_ts) {
        ep->flags &= (uint8_t)~TCPCONN_EP_SYN_TS_REUSED;
    }
    if (!s->has_ts)
        ep->flags |= TCPCONN_EP_SYN_NO_TS;
    else if (first || seq_gt(s->tsval, edge->syn_tsval_max))
        edge->syn_tsval_max = s->tsval;
    if (ep->syn_count < UINT16_MAX)
        ep->syn_count++;
    if (!syn_answered(c, s->from)) {
        edge->syn_latest_frame = s->frame;
        *syn_time_slot(c, s->from) = s->time_ns;
    }
    return first;
}

static TCPCONN_COLD enum tcpconn_mark on_syn(struct tcpconn *c, const struct tcpconn_segment *s)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
    if (s->flags & TCPCONN_ACK) { /* SYN/ACK */
        bool first_synack = !(ep->flags & TCPCONN_EP_SYNACK);
        ep->flags |= TCPCONN_EP_SYNACK;
        if (ep->flags & TCPCONN_EP_SYN) /* simultaneous open: its ISN came with its SYN */
            return first_synack ? TCPCONN_MARK_SYNACK : TCPCONN_MARK_SYNACK_RETRANSMISSION;
        bool first = note_syn_transmission(c, s);
        const struct tcpconn_endpoint_state *client = &c->ep[!s->from];
        const struct tcpconn_endpoint_edges *client_edge = &c->edge[!s->from];
        /* The server's first SYN/ACK is the first SYN/ACK (conn_synack_frame). From here on
         * the client's SYN time and latest frame are frozen (server_synack_seen). */
        if (first_synack && s->from != conn_client(c)) {
            uint64_t syn_time = c->server_leg_ns; /* the client's latest SYN */
            if ((client->flags & TCPCONN_EP_SYN) && seq_gt(s->ack, client_edge->isn) && s->time_ns >= syn_time) {
                c->server_leg_ns = s->time_ns - syn_time;
                c->flags |= TCPCONN_C_SERVER_LEG;
                c->flags |= leg_attribution(c, !s->from, s, TCPCONN_C_SERVER_LEG_AMBIGUOUS,
                                            TCPCONN_C_SERVER_LEG_BY_TS);
            }
        }
        return first ? TCPCONN_MARK_SYNACK : TCPCONN_MARK_SYNACK_RETRANSMISSION;
    }
    bool first_syn = !(ep->flags & TCPCONN_EP_SYN);
    if (first_syn && (ep->flags & TCPCONN_EP_SYNACK))
        return TCPCONN_MARK_SYN; /* a SYN after its own SYN/ACK: nonsense, record nothing */
    if (first_syn && (c->flags & TCPCONN_C_ROLES_INFERRED) && !(c->ep[!s->from].flags & TCPCONN_EP_SYN) &&
        s->from == conn_client(c)) {
        /* The SYN was captured after the segment that fixed the roles, and agrees with them:
         * a SYN is in the capture after all, so the roles are no longer inferred. */
        c->flags &= ~(uint32_t)TCPCONN_C_ROLES_INFERRED;
    }
    ep->flags |= TCPCONN_EP_SYN;
    return note_syn_transmission(c, s) ? TCPCONN_MARK_SYN : TCPCONN_MARK_SYN_RETRANSMISSION;
}

/* From here on the server's SYN/ACK time and latest frame are frozen (syn_answered):
 * the frame is the one this ACK answers (conn_hs_ack_answers_frame). */
static TCPCONN_COLD void record_handshake_ack(struct tcpconn *c, unsigned server_index,
                                              const struct tcpconn_segment *s)
{
    c->hs_ack_frame = s->frame;
    c->flags |= TCPCONN_C_HS_ACK_SEEN;
    uint64_t synack_time = c->client_leg_ns; /* the server's latest SYN/ACK */
    if (s->time_ns >= synack_time) {
        c->client_leg_ns = s->time_ns - synack_time;
        c->flags |= TCPCONN_C_CLIENT_LEG;
        c->flags |= leg_attribution(c, server_index, s, TCPCONN_C_CLIENT_LEG_AMBIGUOUS, TCPCONN_C_CLIENT_LEG_BY_TS);
    }
}

/* The client leg ends at the first client segment that acks the server's SYN/ACK. */
static void note_handshake_ack(struct tcpconn *c, const struct tcpconn_segment *s)
{
    if (hs_ack_seen(c) || s->from != conn_client(c) || !(s->flags & TCPCONN_ACK))
        return;
    unsigned server_index = !conn_client(c);
    const struct tcpconn_endpoint_state *server = &c->ep[server_index];
    if (!(server->flags & TCPCONN_EP_SYNACK) || (server->flags & TCPCONN_EP_SYN) ||
        !seq_gt(s->ack, c->edge[server_index].isn))
        return;
    record_handshake_ack(c, server_index, s);
}

bool tcpconn_close_completed(const struct tcpconn *c)
{
    return close_completed(c);
}

bool tcpconn_is_finished(const struct tcpconn *c)
{
    return c->flags & TCPCONN_C_FINISHED;
}

/* The connection is finished: no endpoint fact changes from now on (after_end), so the
 * teardown's duration and closing frame are final and take the place of the times they are
 * computed from (td.open becomes td.ended). rst: the first RST, which ends it, or NULL when
 * the close completed. classify.c reports them for the styles that have them. */
static TCPCONN_COLD void finish(struct tcpconn *c, const struct tcpconn_segment *rst)
{
    uint64_t duration = TCPCONN_NO_TIME;
    uint32_t close_frame = TCPCONN_NO_FRAME;
    int a = tcpconn_active_closer(c);
    if (rst) { /* refused, reset (both: the RST starts and ends it) or reset after a FIN */
        close_frame = rst->frame;
        duration = 0;
        if (c->flags & TCPCONN_C_RST_AFTER_FIN) {
            uint64_t first_fin = c->td.open.fin_time_ns[a];
            duration = rst->time_ns >= first_fin ? rst->time_ns - first_fin : TCPCONN_NO_TIME;
        }
    } else { /* a completed FIN close: the later of the last FIN and its first ack */
        const uint64_t *fin = c->td.open.fin_time_ns;
        const struct tcpconn_endpoint_state *ea = &c->ep[a], *eb = &c->ep[!a];
        uint64_t fa = fin[a], fb = fin[!a], ma = ea->max_ack_time_ns, mb = eb->max_ack_time_ns;
        uint64_t start = fa < fb ? fa : fb;
        uint64_t end = fa > fb ? fa : fb;
        end = end > ma ? end : ma;
        end = end > mb ? end : mb;
        duration = end - start;
        close_frame = end == ma   ? ea->max_ack_frame
                      : end == mb ? eb->max_ack_frame
                      : end == fb ? eb->fin_frame
                                  : ea->fin_frame;
    }
    c->td.ended.duration_ns = duration;
    c->td.ended.close_frame = close_frame;
    c->td.ended.rst_frame = rst ? rst->frame : TCPCONN_NO_FRAME;
    c->flags |= TCPCONN_C_FINISHED;
}

static TCPCONN_COLD enum tcpconn_mark on_rst(struct tcpconn *c, const struct tcpconn_segment *s)
{
    if (c->flags & TCPCONN_C_RST)
        return TCPCONN_MARK_RST; /* only the first RST ends the connection */
    c->flags |= TCPCONN_C_RST;
    if (s->from)
        c->flags |= TCPCONN_C_RST_FROM_1;
    unsigned client_index = conn_client(c);
    const struct tcpconn_endpoint_state *client = &c->ep[client_index], *server = &c->ep[!client_index];
    if (tcpconn_close_completed(c)) { /* then the close finished the connection: td.ended is live */
        c->flags |= TCPCONN_C_RST_AFTER_CLOSE;
        c->td.ended.rst_frame = s->frame;
        return TCPCONN_MARK_RST;
    }
    if ((c->ep[0].flags | c->ep[1].flags) & TCPCONN_EP_FIN)
        c->flags |= TCPCONN_C_RST_AFTER_FIN;
    else if (s->from != client_index && (client->flags & TCPCONN_EP_SYN) && !(server->flags & TCPCONN_EP_SEEN))
        c->flags |= TCPCONN_C_REFUSED; /* the server's first word was RST */
    finish(c, s);
    return TCPCONN_MARK_RST;
}

/* An endpoint's first FIN. Whether a FIN carried an ACK covering the other side's FIN
 * (classify.c: the active closer) is only asked once both FINs are recorded, and then
 * depends on nothing that changes: so it is decided when the second FIN is recorded, and
 * until then only the first FIN's ACK number is kept (first_fin_ack). */
static TCPCONN_COLD void record_fin(struct tcpconn *c, const struct tcpconn_segment *s, uint32_t fin_seq)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
    const struct tcpconn_endpoint_state *peer = &c->ep[!s->from];
    bool had_ack = s->flags & TCPCONN_ACK;
    ep->flags |= TCPCONN_EP_FIN;
    c->edge[s->from].fin_seq = fin_seq;
    ep->fin_frame = s->frame;
    c->td.open.fin_time_ns[s->from] = s->time_ns;
    if (had_ack)
        ep->flags |= TCPCONN_EP_FIN_HAD_ACK;
    if (!(peer->flags & TCPCONN_EP_FIN)) { /* the first FIN */
        c->first_fin_ack = had_ack ? s->ack : 0;
        return;
    }
    uint32_t mine = s->from ? TCPCONN_C_FIN1_ACKS_FIN0 : TCPCONN_C_FIN0_ACKS_FIN1;
    uint32_t peers = s->from ? TCPCONN_C_FIN0_ACKS_FIN1 : TCPCONN_C_FIN1_ACKS_FIN0;
    if (had_ack && seq_gt(s->ack, c->edge[!s->from].fin_seq))
        c->flags |= mine;
    if ((peer->flags & TCPCONN_EP_FIN_HAD_ACK) && seq_gt(c->first_fin_ack, fin_seq))
        c->flags |= peers;
}

/* Sequence space, ACKs, new data and FINs: everything but SYN bookkeeping and RST. */
static enum tcpconn_mark on_segment(struct tcpconn *c, const struct tcpconn_segment *s, enum tcpconn_mark mark)
{
    struct tcpconn_endpoint_state *ep = &c->ep[s->from];
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
        if (mark == TCPCONN_MARK_NONE && fin_acked(c, !s->from))
            mark = TCPCONN_MARK_DATA_AFTER_FIN;
    }
    uint32_t seq_end = data_end + (fin ? 1u : 0u);
    if (seq_gt(seq_end, ep->next_seq) || !(ep->flags & TCPCONN_EP_SEEN))
        ep->next_seq = seq_end;
    ep->flags |= TCPCONN_EP_SEEN;

    if (records_fin)
        record_fin(c, s, data_end);
    if (fin)
        mark = records_fin ? TCPCONN_MARK_FIN : TCPCONN_MARK_FIN_RETRANSMISSION;
    return mark;
}

/* After the connection ended (tcpconn_is_finished) nothing changes any more, neither the
 * teardown nor the handshake: a late segment only gets its mark. A first RST after a
 * completed close is still noted (on_rst), and a FIN sent again after a completed close is
 * what it looks like (the final ACK was lost: the passive closer retransmits its FIN and
 * the side in TIME_WAIT acks it again); anything else is "after the end", also an ACK of
 * the SYN/ACK captured after the RST (even one that crossed it: the connection had ended
 * when the capture point saw it, SPEC.md). */
static TCPCONN_COLD enum tcpconn_mark after_end(struct tcpconn *c, const struct tcpconn_segment *s)
{
    /* Read after the end only to find SPAN duplicates (is_duplicate): a side whose first
     * segment came after the end has its copies recognised too. */
    c->ep[s->from].flags |= TCPCONN_EP_SEEN;
    if (s->flags & TCPCONN_RST)
        return on_rst(c, s);
    bool ended_by_rst = (c->flags & TCPCONN_C_RST) && !(c->flags & TCPCONN_C_RST_AFTER_CLOSE);
    if (!ended_by_rst && (s->flags & TCPCONN_FIN) && !(s->flags & TCPCONN_SYN))
        return TCPCONN_MARK_FIN_RETRANSMISSION; /* both sides sent a FIN: the close completed */
    return TCPCONN_MARK_AFTER_END;
}

/* Latch what one-pass readers have been told is final. */
static void latch(struct tcpconn *c)
{
    /* (The first RST finishes the connection in on_rst.) */
    if (!(c->flags & TCPCONN_C_FINISHED) && close_completed(c))
        finish(c, NULL);
    if (!(c->flags & TCPCONN_C_HS_LATCHED)) {
        bool known;
        enum tcpconn_handshake_state hs = tcpconn_decide_handshake(c, &known);
        if (known) /* (always once finished: decide_handshake) */
            conn_latch_hs_state(c, hs);
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

static TCPCONN_COLD void start(struct tcpconn *c, const struct tcpconn_segment *s)
{
    c->flags |= TCPCONN_C_STARTED;
    c->first_frame = s->frame;
    decide_roles(c, s);
}

TCPCONN_HOT enum tcpconn_mark tcpconn_update(struct tcpconn *c, const struct tcpconn_segment *in)
{
    struct tcpconn_segment s = *in;
    s.from &= 1;
    if (!(c->flags & TCPCONN_C_STARTED))
        start(c, &s);
    if (is_duplicate(&c->ep[s.from], &s))
        return TCPCONN_MARK_DUPLICATE;
    enum tcpconn_mark mark = transition(c, &s);
    latch(c);
    return mark;
}
