/* Per-frame roles: a pure function of the connection summary, the frame number and the
 * one-byte mark stored for the frame. Nothing per frame is kept beyond that mark, so
 * roles shown on a later pass reflect everything the capture revealed. */
#include <stdio.h>

#include "facts.h"

static struct tcpconn_role make(enum tcpconn_role_kind kind, uint8_t step, uint8_t steps,
                                uint32_t related, uint32_t answered_by)
{
    return (struct tcpconn_role){kind, step, steps, related, answered_by};
}

static bool handshake_role(const struct tcpconn_summary *s, uint32_t frame, enum tcpconn_mark mark,
                           struct tcpconn_role *r)
{
    if (frame == s->syn_frame)
        *r = make(TCPCONN_ROLE_SYN, 1, 3, TCPCONN_NO_FRAME, s->synack_frame);
    else if (frame == s->other_syn_frame)
        *r = make(TCPCONN_ROLE_SIMULTANEOUS_SYN, 0, 0, s->syn_frame, TCPCONN_NO_FRAME);
    else if (mark == TCPCONN_MARK_SYN_RETRANSMISSION)
        *r = make(TCPCONN_ROLE_SYN_RETRANSMISSION, 0, 0, s->syn_frame, TCPCONN_NO_FRAME);
    else if (frame == s->synack_frame)
        *r = make(TCPCONN_ROLE_SYNACK, 2, 3, s->synack_answers_frame, s->hs_ack_frame);
    else if (mark == TCPCONN_MARK_SYNACK_RETRANSMISSION)
        *r = make(TCPCONN_ROLE_SYNACK_RETRANSMISSION, 0, 0, s->synack_frame, TCPCONN_NO_FRAME);
    else if (mark == TCPCONN_MARK_SYNACK)
        *r = make(TCPCONN_ROLE_SYNACK, 0, 0, TCPCONN_NO_FRAME, TCPCONN_NO_FRAME);
    else if (mark == TCPCONN_MARK_SYN)
        *r = make(TCPCONN_ROLE_SYN, 0, 0, TCPCONN_NO_FRAME, TCPCONN_NO_FRAME);
    else if (frame == s->hs_ack_frame)
        *r = make(TCPCONN_ROLE_HANDSHAKE_ACK, 3, 3, s->hs_ack_answers_frame, TCPCONN_NO_FRAME);
    else
        return false;
    return true;
}

static bool teardown_role(const struct tcpconn_summary *s, uint32_t frame, tcpconn_endpoint from,
                          enum tcpconn_mark mark, struct tcpconn_role *r)
{
    uint8_t n = s->teardown_steps;
    if (frame == s->rst_frame) {
        enum tcpconn_role_kind k = s->style == TCPCONN_TD_REFUSED          ? TCPCONN_ROLE_RST_REFUSED
                                   : s->style == TCPCONN_TD_RESET_AFTER_FIN ? TCPCONN_ROLE_RST_AFTER_FIN
                                   : s->style == TCPCONN_TD_RESET           ? TCPCONN_ROLE_RST
                                                                           : TCPCONN_ROLE_RST_AFTER_CLOSE;
        uint32_t related = k == TCPCONN_ROLE_RST_REFUSED ? s->syn_frame
                           : k == TCPCONN_ROLE_RST_AFTER_FIN ? s->fin_a_frame : TCPCONN_NO_FRAME;
        *r = make(k, 0, 0, related, TCPCONN_NO_FRAME);
    } else if (frame == s->fin_a_frame) {
        *r = make(TCPCONN_ROLE_FIN, 1, n, TCPCONN_NO_FRAME, s->ack_of_fin_a_frame);
    } else if (frame == s->fin_b_frame) {
        if (s->fins_crossed)
            *r = make(TCPCONN_ROLE_CROSSED_FIN, 2, 4, s->fin_a_frame, s->ack_of_fin_b_frame);
        else if (frame == s->ack_of_fin_a_frame)
            *r = make(TCPCONN_ROLE_PIGGYBACKED_FIN, 2, 3, s->fin_a_frame, s->ack_of_fin_b_frame);
        else
            *r = make(TCPCONN_ROLE_PASSIVE_FIN, 3, 4, TCPCONN_NO_FRAME, s->ack_of_fin_b_frame);
    } else if (s->fins_crossed && (frame == s->ack_of_fin_a_frame || frame == s->ack_of_fin_b_frame)) {
        /* After crossed FINs the two ACKs come in either order: the later one completes it. */
        uint32_t fin = frame == s->ack_of_fin_a_frame ? s->fin_a_frame : s->fin_b_frame;
        bool last = frame == s->close_frame;
        *r = make(last ? TCPCONN_ROLE_FINAL_ACK : TCPCONN_ROLE_ACK_OF_FIN, last ? 4 : 3, 4, fin, TCPCONN_NO_FRAME);
    } else if (frame == s->ack_of_fin_a_frame) {
        *r = make(TCPCONN_ROLE_ACK_OF_FIN, 2, 4, s->fin_a_frame, TCPCONN_NO_FRAME);
    } else if (frame == s->ack_of_fin_b_frame) {
        *r = make(TCPCONN_ROLE_FINAL_ACK, n, n, s->fin_b_frame, TCPCONN_NO_FRAME);
    } else if (mark == TCPCONN_MARK_FIN_RETRANSMISSION) {
        uint32_t original = (int)from == s->active_closer ? s->fin_a_frame : s->fin_b_frame;
        *r = make(TCPCONN_ROLE_FIN_RETRANSMISSION, 0, 0, original, TCPCONN_NO_FRAME);
    } else if (mark == TCPCONN_MARK_DATA_AFTER_FIN) {
        *r = make(TCPCONN_ROLE_DATA_AFTER_FIN, 0, 0, s->fin_a_frame, TCPCONN_NO_FRAME);
    } else if (mark == TCPCONN_MARK_AFTER_END) {
        /* The connection had ended: by an RST (reset, refused, reset after FIN), or by the
         * close that completed (a stray RST after it changes nothing). */
        bool rst_ended = s->style == TCPCONN_TD_RESET || s->style == TCPCONN_TD_REFUSED ||
                         s->style == TCPCONN_TD_RESET_AFTER_FIN;
        *r = make(rst_ended ? TCPCONN_ROLE_AFTER_RST : TCPCONN_ROLE_AFTER_CLOSE, 0, 0,
                  rst_ended ? s->rst_frame : s->close_frame, TCPCONN_NO_FRAME);
    } else if (mark == TCPCONN_MARK_RST) {
        *r = make(TCPCONN_ROLE_RST, 0, 0, TCPCONN_NO_FRAME, TCPCONN_NO_FRAME); /* a later RST */
    } else {
        return false;
    }
    return true;
}

unsigned tcpconn_roles(const struct tcpconn_summary *sum, uint32_t frame, tcpconn_endpoint from,
                       enum tcpconn_mark mark, struct tcpconn_role out[TCPCONN_MAX_ROLES])
{
    if (frame == TCPCONN_NO_FRAME)
        return 0;
    if (mark == TCPCONN_MARK_DUPLICATE) {
        out[0] = make(TCPCONN_ROLE_DUPLICATE, 0, 0, TCPCONN_NO_FRAME, TCPCONN_NO_FRAME);
        return 1;
    }
    unsigned n = 0;
    if (handshake_role(sum, frame, mark, &out[n]))
        n++;
    if (teardown_role(sum, frame, from, mark, &out[n]))
        n++;
    return n;
}

TCPCONN_HOT bool tcpconn_frame_may_have_role(const struct tcpconn *c, uint32_t frame, enum tcpconn_mark mark)
{
    if (mark != TCPCONN_MARK_NONE)
        return true;
    for (unsigned e = 0; e < 2; e++) {
        const struct tcpconn_endpoint_state *ep = &c->ep[e];
        /* The SYN (or SYN/ACK) and FIN frames, and an ACK of the peer's FIN: an endpoint's
         * max_ack_frame names a role only once the peer has sent a FIN. */
        if (frame == ep->syn_frame || frame == ep->fin_frame)
            return true;
        if (frame == ep->max_ack_frame && (c->ep[!e].flags & TCPCONN_EP_FIN))
            return true;
    }
    if (frame == c->hs_ack_frame)
        return true;
    if ((c->flags & (TCPCONN_C_FINISHED | TCPCONN_C_RST)) &&
        (frame == c->td.ended.close_frame || frame == c->td.ended.rst_frame))
        return true;
    return false;
}

char *tcpconn_role_text(const struct tcpconn_role *r, char *buf, unsigned len)
{
    const char *name = tcpconn_role_kind_name(r->kind);
    if (r->step == 0)
        snprintf(buf, len, "%s", name);
    else if (r->steps == 0)
        snprintf(buf, len, "%s (%u/?)", name, (unsigned)r->step);
    else
        snprintf(buf, len, "%s (%u/%u)", name, (unsigned)r->step, (unsigned)r->steps);
    return buf;
}

/* Short names for the Info column, indexed by role kind. */
static const char *const short_names[TCPCONN_ROLE_COUNT] = {
    [TCPCONN_ROLE_NONE] = "",
    [TCPCONN_ROLE_SYN] = "SYN",
    [TCPCONN_ROLE_SYN_RETRANSMISSION] = "SYN rtx",
    [TCPCONN_ROLE_SIMULTANEOUS_SYN] = "SYN simul-open",
    [TCPCONN_ROLE_SYNACK] = "SYN/ACK",
    [TCPCONN_ROLE_SYNACK_RETRANSMISSION] = "SYN/ACK rtx",
    [TCPCONN_ROLE_HANDSHAKE_ACK] = "ACK",
    [TCPCONN_ROLE_FIN] = "FIN",
    [TCPCONN_ROLE_ACK_OF_FIN] = "ACK of FIN",
    [TCPCONN_ROLE_PASSIVE_FIN] = "FIN",
    [TCPCONN_ROLE_PIGGYBACKED_FIN] = "FIN+ACK",
    [TCPCONN_ROLE_CROSSED_FIN] = "FIN crossed",
    [TCPCONN_ROLE_FINAL_ACK] = "final ACK",
    [TCPCONN_ROLE_FIN_RETRANSMISSION] = "FIN rtx",
    [TCPCONN_ROLE_DATA_AFTER_FIN] = "data after FIN",
    [TCPCONN_ROLE_RST] = "RST",
    [TCPCONN_ROLE_RST_REFUSED] = "RST refused",
    [TCPCONN_ROLE_RST_AFTER_FIN] = "RST after FIN",
    [TCPCONN_ROLE_RST_AFTER_CLOSE] = "RST after close",
    [TCPCONN_ROLE_DUPLICATE] = "duplicate",
    [TCPCONN_ROLE_AFTER_RST] = "after RST",
    [TCPCONN_ROLE_AFTER_CLOSE] = "after close",
};

/* Appends s to buf (capacity len, always terminated); returns the new length. */
static unsigned put_str(char *buf, unsigned used, unsigned len, const char *s)
{
    while (*s && used + 1 < len)
        buf[used++] = *s++;
    buf[used] = '\0';
    return used;
}

static unsigned put_uint(char *buf, unsigned used, unsigned len, unsigned v)
{
    char digits[12];
    unsigned n = sizeof digits;
    digits[--n] = '\0';
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return put_str(buf, used, len, digits + n);
}

/* "FIN 1/3", "FIN 1/?" or "duplicate": the plugin's Info column writes one for a quarter of
 * all packets, so it is built without printf. */
char *tcpconn_role_short(const struct tcpconn_role *r, char *buf, unsigned len)
{
    if (len == 0)
        return buf;
    unsigned used = put_str(buf, 0, len, (unsigned)r->kind < TCPCONN_ROLE_COUNT ? short_names[r->kind] : "?");
    if (r->step != 0) {
        used = put_str(buf, used, len, " ");
        used = put_uint(buf, used, len, r->step);
        used = put_str(buf, used, len, "/");
        if (r->steps == 0)
            put_str(buf, used, len, "?");
        else
            put_uint(buf, used, len, r->steps);
    }
    return buf;
}
