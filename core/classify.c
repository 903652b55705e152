/* The one place that decides: from the facts conn.c recorded to SPEC.md's handshake state
 * and teardown style (one pure function each, like Zeek's conn_state()). */
#include "facts.h"

typedef const struct tcpconn_endpoint_state endpoint;

/* The active closer sent the first FIN. ACK numbers say who really sent first when the
 * capture shows them in another order (did one side's first FIN carry an ACK covering the
 * other side's FIN? facts.h); crossed FINs fall back to capture order. */
int tcpconn_active_closer(const struct tcpconn *c)
{
    bool fin0 = c->ep[0].flags & TCPCONN_EP_FIN, fin1 = c->ep[1].flags & TCPCONN_EP_FIN;
    if (!fin0 || !fin1)
        return fin0 ? 0 : fin1 ? 1 : -1;
    if (fin_carried_ack_of_other(c, 1))
        return 0;
    if (fin_carried_ack_of_other(c, 0))
        return 1;
    return c->ep[0].fin_frame < c->ep[1].fin_frame ? 0 : 1;
}

/* known: no later segment can change the state. unanswered and no-ack are known only
 * once the connection has ended (an answer may still come until then); after the end
 * nothing changes the handshake (conn.c, after_end), so every state is known then. */
enum tcpconn_handshake_state tcpconn_decide_handshake(const struct tcpconn *c, bool *known)
{
    const endpoint *client = &c->ep[conn_client(c)], *server = &c->ep[!conn_client(c)];
    *known = true;
    if ((client->flags & TCPCONN_EP_SYN) && (server->flags & TCPCONN_EP_SYN))
        return TCPCONN_HS_SIMULTANEOUS_OPEN;
    if (!(client->flags & TCPCONN_EP_SYN)) {
        /* A capture that starts at a SYN/ACK may still show its SYN, reordered. */
        *known = !(server->flags & TCPCONN_EP_SYNACK) || c->hs_ack_frame != TCPCONN_NO_FRAME ||
                 tcpconn_is_finished(c);
        return TCPCONN_HS_NOT_CAPTURED;
    }
    if (c->flags & TCPCONN_C_REFUSED)
        return TCPCONN_HS_REFUSED;
    if (c->hs_ack_frame != TCPCONN_NO_FRAME)
        return TCPCONN_HS_COMPLETE;
    *known = tcpconn_is_finished(c);
    return (server->flags & TCPCONN_EP_SYNACK) ? TCPCONN_HS_NO_ACK : TCPCONN_HS_UNANSWERED;
}

/* SPEC.md's teardown table, in its order of precedence. A = a, B = b. */
static enum tcpconn_teardown_style teardown_style(const struct tcpconn *c, int a, bool *known)
{
    *known = true;
    if (c->flags & TCPCONN_C_REFUSED)
        return TCPCONN_TD_REFUSED;
    if ((c->flags & TCPCONN_C_RST) && !(c->flags & TCPCONN_C_RST_AFTER_CLOSE))
        return (c->flags & TCPCONN_C_RST_AFTER_FIN) ? TCPCONN_TD_RESET_AFTER_FIN : TCPCONN_TD_RESET;
    if (a < 0) {
        *known = false;
        return TCPCONN_TD_OPEN;
    }
    const endpoint *eb = &c->ep[!a];
    if (!tcpconn_close_completed(c)) {
        *known = false;
        return TCPCONN_TD_INCOMPLETE;
    }
    if (!fin_carried_ack_of_other(c, (unsigned)!a))
        return TCPCONN_TD_SIMULTANEOUS;
    if (eb->new_bytes_at_max_ack > 0)
        return TCPCONN_TD_HALF_CLOSE; /* B's ACK covers A's FIN, so this data came after it */
    return eb->max_ack_frame == eb->fin_frame ? TCPCONN_TD_THREE_WAY : TCPCONN_TD_FOUR_WAY;
}

static enum tcpconn_initiator side_of(const struct tcpconn *c, int endpoint_index)
{
    return endpoint_index == conn_client(c) ? TCPCONN_BY_CLIENT : TCPCONN_BY_SERVER;
}

/* Who holds TIME_WAIT, by RFC 9293's state machine (SPEC.md): the active closer of a FIN
 * close reaches TIME-WAIT from FIN-WAIT-2 (or CLOSING) while the passive closer goes
 * LAST-ACK -> CLOSED; in a simultaneous close both go FIN-WAIT-1 -> CLOSING -> TIME-WAIT; an
 * RST sends both sides to CLOSED. Open and incomplete: no close completed, so not known. */
static enum tcpconn_time_wait time_wait_of(enum tcpconn_teardown_style style, enum tcpconn_initiator initiator)
{
    switch (style) {
    case TCPCONN_TD_FOUR_WAY:
    case TCPCONN_TD_THREE_WAY:
    case TCPCONN_TD_HALF_CLOSE:
        return initiator == TCPCONN_BY_CLIENT ? TCPCONN_TW_CLIENT : TCPCONN_TW_SERVER;
    case TCPCONN_TD_SIMULTANEOUS:
        return TCPCONN_TW_BOTH;
    case TCPCONN_TD_RESET:
    case TCPCONN_TD_RESET_AFTER_FIN:
    case TCPCONN_TD_REFUSED:
        return TCPCONN_TW_NONE;
    case TCPCONN_TD_OPEN:
    case TCPCONN_TD_INCOMPLETE:
    default:
        return TCPCONN_TW_UNKNOWN;
    }
}

static void summarize_teardown(const struct tcpconn *c, bool at_end, struct tcpconn_summary *out)
{
    int a = tcpconn_active_closer(c);
    bool known;
    out->style = teardown_style(c, a, &known);
    out->style_known = known || at_end;
    out->active_closer = (int8_t)a;
    out->rst_from = conn_rst_from(c);
    out->rst_frame = (c->flags & TCPCONN_C_RST) ? c->td.ended.rst_frame : TCPCONN_NO_FRAME;

    if (a >= 0) {
        const endpoint *ea = &c->ep[a], *eb = &c->ep[!a];
        out->fin_a_frame = ea->fin_frame;
        out->fin_b_frame = (eb->flags & TCPCONN_EP_FIN) ? eb->fin_frame : TCPCONN_NO_FRAME;
        if (fin_acked(c, (unsigned)a))
            out->ack_of_fin_a_frame = eb->max_ack_frame;
        if (fin_acked(c, (unsigned)!a))
            out->ack_of_fin_b_frame = ea->max_ack_frame;
        if (fin_acked(c, (unsigned)a) && eb->new_bytes_at_max_ack > 0) {
            out->half_close_bytes = eb->new_bytes_at_max_ack;
            out->half_close_first_frame = eb->first_new_data_frame;
            out->half_close_last_frame = eb->last_new_data_frame;
        }
        bool crossed = (eb->flags & TCPCONN_EP_FIN) && !fin_carried_ack_of_other(c, (unsigned)!a);
        out->fins_crossed = crossed;
        if (crossed || out->ack_of_fin_a_frame != TCPCONN_NO_FRAME || out->fin_b_frame != TCPCONN_NO_FRAME)
            out->teardown_steps = (!crossed && out->ack_of_fin_a_frame == out->fin_b_frame) ? 3 : 4;
    }

    /* Every style with a duration is one of a finished connection: conn.c (finish) computed
     * the duration and the closing frame then (refused and reset: 0, the RST both starts and
     * ends it; reset after FIN: from the first FIN to the RST; a completed FIN close: from the
     * first FIN to the later of the last FIN and its first ack). */
    switch (out->style) {
    case TCPCONN_TD_OPEN:
        break;
    case TCPCONN_TD_REFUSED:
    case TCPCONN_TD_RESET:
        out->initiator = side_of(c, conn_rst_from(c));
        out->teardown_duration_ns = c->td.ended.duration_ns;
        out->close_frame = c->td.ended.close_frame;
        break;
    case TCPCONN_TD_RESET_AFTER_FIN:
        out->initiator = side_of(c, a);
        out->teardown_duration_ns = c->td.ended.duration_ns;
        out->close_frame = c->td.ended.close_frame;
        break;
    case TCPCONN_TD_INCOMPLETE:
        out->initiator = side_of(c, a);
        break;
    default: /* a completed FIN close */
        out->initiator = out->style == TCPCONN_TD_SIMULTANEOUS ? TCPCONN_BY_BOTH : side_of(c, a);
        out->teardown_duration_ns = c->td.ended.duration_ns;
        out->close_frame = c->td.ended.close_frame;
        break;
    }
    out->time_wait = time_wait_of(out->style, out->initiator);
}

static enum tcpconn_leg_basis leg_basis(uint32_t flags, uint32_t ambiguous_flag, uint32_t by_timestamp_flag)
{
    return (flags & ambiguous_flag) ? TCPCONN_LEG_AMBIGUOUS
           : (flags & by_timestamp_flag) ? TCPCONN_LEG_BY_TIMESTAMP : TCPCONN_LEG_SINGLE;
}

static void summarize_handshake(const struct tcpconn *c, bool at_end, struct tcpconn_summary *out)
{
    const endpoint *client = &c->ep[conn_client(c)], *server = &c->ep[!conn_client(c)];
    bool known;
    if (c->flags & TCPCONN_C_HS_LATCHED) {
        out->handshake = conn_hs_state(c);
        known = true;
    } else {
        out->handshake = tcpconn_decide_handshake(c, &known);
    }
    out->handshake_known = known || at_end;
    out->roles_inferred = c->flags & TCPCONN_C_ROLES_INFERRED;
    out->client = conn_client(c);
    out->syn_frame = (client->flags & TCPCONN_EP_SYN) ? client->syn_frame : TCPCONN_NO_FRAME;
    out->syn_retransmissions = client->syn_count > 1 ? client->syn_count - 1u : 0;
    if (out->handshake == TCPCONN_HS_SIMULTANEOUS_OPEN) {
        out->other_syn_frame = server->syn_frame; /* no legs: nobody answered anybody */
        return;
    }
    out->synack_retransmissions = server->syn_count > 1 ? server->syn_count - 1u : 0;
    out->synack_frame = conn_synack_frame(c);
    out->synack_answers_frame = conn_synack_answers_frame(c);
    out->hs_ack_frame = c->hs_ack_frame;
    out->hs_ack_answers_frame = conn_hs_ack_answers_frame(c);
    out->server_leg_basis = leg_basis(c->flags, TCPCONN_C_SERVER_LEG_AMBIGUOUS, TCPCONN_C_SERVER_LEG_BY_TS);
    out->client_leg_basis = leg_basis(c->flags, TCPCONN_C_CLIENT_LEG_AMBIGUOUS, TCPCONN_C_CLIENT_LEG_BY_TS);
    out->rtt_ambiguous = out->server_leg_basis == TCPCONN_LEG_AMBIGUOUS || out->client_leg_basis == TCPCONN_LEG_AMBIGUOUS;
    if (c->flags & TCPCONN_C_SERVER_LEG)
        out->server_rtt_ns = c->server_leg_ns;
    if (c->flags & TCPCONN_C_CLIENT_LEG)
        out->client_rtt_ns = c->client_leg_ns;
    if ((c->flags & TCPCONN_C_SERVER_LEG) && (c->flags & TCPCONN_C_CLIENT_LEG))
        out->rtt_ns = c->server_leg_ns + c->client_leg_ns;
}

void tcpconn_summarize(const struct tcpconn *c, bool at_end, struct tcpconn_summary *out)
{
    *out = (struct tcpconn_summary){
        .server_rtt_ns = TCPCONN_NO_TIME,
        .client_rtt_ns = TCPCONN_NO_TIME,
        .rtt_ns = TCPCONN_NO_TIME,
        .teardown_duration_ns = TCPCONN_NO_TIME,
        .active_closer = -1,
        .first_frame = c->first_frame,
    };
    summarize_handshake(c, at_end, out);
    summarize_teardown(c, at_end, out);
}
