/* Plain-language explanations: one sentence (or two) per connection that names the frames
 * of the user's own capture, e.g. why a close took three packets and not four. A pure
 * function of the summary, so the plugin and tcpconn-analyze say exactly the same. */
#include <stdarg.h>
#include <stdio.h>

#include "tcpconn.h"

/* An appending writer that never overflows and always leaves buf NUL-terminated. */
struct writer {
    char *buf;
    size_t len, used;
};

static void say(struct writer *w, const char *fmt, ...)
{
    if (w->used + 1 >= w->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->used, w->len - w->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->used = (size_t)n < w->len - w->used ? w->used + (size_t)n : w->len - 1;
}

static const char *side(const struct tcpconn_summary *s, int endpoint)
{
    return endpoint == s->client ? "client" : "server";
}

static double ms(uint64_t ns) { return (double)ns / 1e6; }

/* An RST ended the connection (not a stray one after a completed close). */
static bool ended_by_rst(const struct tcpconn_summary *s)
{
    return s->style == TCPCONN_TD_RESET || s->style == TCPCONN_TD_RESET_AFTER_FIN || s->style == TCPCONN_TD_REFUSED;
}

/* The story of one handshake leg when its first transmission was not the only one. */
static void say_leg_story(struct writer *w, const char *sent, uint32_t first, unsigned retransmissions,
                          const char *answer, uint32_t answer_frame, uint32_t answers, enum tcpconn_leg_basis basis)
{
    if (retransmissions == 0 || answer_frame == TCPCONN_NO_FRAME)
        return;
    switch (basis) {
    case TCPCONN_LEG_BY_TIMESTAMP:
        say(w, " The %s in frame %u was lost or unanswered; the %s in frame %u answers the retransmission in frame %u, "
               "by its timestamp echo.",
            sent, first, answer, answer_frame, answers);
        break;
    case TCPCONN_LEG_AMBIGUOUS:
        say(w, " The %s was sent %u times before the %s in frame %u; the leg is measured from the latest (frame %u), "
               "but the %s could answer an earlier one, so it is ambiguous (Karn's rule).",
            sent, retransmissions + 1, answer, answer_frame, answers, answer);
        break;
    case TCPCONN_LEG_SINGLE:
    default: /* the retransmissions came after the answer */
        say(w, " The %s was sent again after the %s in frame %u: that %s was probably lost on its way.", sent, answer,
            answer_frame, answer);
        break;
    }
}

char *tcpconn_explain_handshake(const struct tcpconn_summary *s, char *buf, size_t len)
{
    struct writer w = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    switch (s->handshake) {
    case TCPCONN_HS_COMPLETE:
        say(&w, "Handshake complete: SYN in frame %u, SYN/ACK in frame %u", s->syn_frame, s->synack_frame);
        if (s->server_rtt_ns != TCPCONN_NO_TIME)
            say(&w, " (server leg %.3f ms)", ms(s->server_rtt_ns));
        say(&w, ", ACK in frame %u", s->hs_ack_frame);
        if (s->client_rtt_ns != TCPCONN_NO_TIME)
            say(&w, " (client leg %.3f ms)", ms(s->client_rtt_ns));
        if (s->rtt_ns != TCPCONN_NO_TIME)
            say(&w, "; %.3f ms in all", ms(s->rtt_ns));
        say(&w, ".");
        break;
    case TCPCONN_HS_UNANSWERED:
        say(&w, "Unanswered: the SYN in frame %u", s->syn_frame);
        if (s->syn_retransmissions)
            say(&w, " (sent %u times)", s->syn_retransmissions + 1);
        if (ended_by_rst(s))
            say(&w, " got no answer before the %s's RST in frame %u ended the connection; nothing after that RST "
                    "counts for the handshake.",
                side(s, s->rst_from), s->rst_frame);
        else
            say(&w, " got no answer in the capture.");
        break;
    case TCPCONN_HS_REFUSED:
        say(&w, "Refused: the server answered the SYN in frame %u with the RST in frame %u (typically: nothing "
                "listens on that port).",
            s->syn_frame, s->rst_frame);
        break;
    case TCPCONN_HS_NO_ACK:
        say(&w, "No ACK: the SYN/ACK in frame %u answered the SYN in frame %u", s->synack_frame, s->syn_frame);
        if (!ended_by_rst(s)) {
            say(&w, ", but the client never acknowledged it");
            if (s->server_rtt_ns != TCPCONN_NO_TIME)
                say(&w, " (server leg %.3f ms)", ms(s->server_rtt_ns));
            say(&w, ".");
            break;
        }
        if (s->server_rtt_ns != TCPCONN_NO_TIME)
            say(&w, " (server leg %.3f ms)", ms(s->server_rtt_ns));
        if (s->rst_from == s->client)
            say(&w, ", but the client answered it with the RST in frame %u instead of an ACK (typically a SYN scan, "
                    "e.g. nmap -sS); nothing after that RST completes the handshake.",
                s->rst_frame);
        else
            say(&w, ", but the server's RST in frame %u ended the connection before the client acknowledged it; nothing "
                    "after that RST completes the handshake.",
                s->rst_frame);
        break;
    case TCPCONN_HS_SIMULTANEOUS_OPEN:
        say(&w, "Simultaneous open: both sides sent a SYN (frames %u and %u), so neither answered the other and "
                "there are no RTT legs.",
            s->syn_frame, s->other_syn_frame);
        return buf;
    case TCPCONN_HS_NOT_CAPTURED:
    default:
        if (s->synack_frame != TCPCONN_NO_FRAME && s->client_rtt_ns == TCPCONN_NO_TIME && ended_by_rst(s)) {
            say(&w, "The capture starts at the SYN/ACK in frame %u (the SYN is missing); the %s's RST in frame %u ended "
                    "the connection before the client acknowledged it, so no leg is known.",
                s->synack_frame, side(s, s->rst_from), s->rst_frame);
        } else if (s->synack_frame != TCPCONN_NO_FRAME) {
            say(&w, "The capture starts at the SYN/ACK in frame %u (the SYN is missing), so only the client leg is known",
                s->synack_frame);
            if (s->client_rtt_ns != TCPCONN_NO_TIME)
                say(&w, ": %.3f ms", ms(s->client_rtt_ns));
            say(&w, ".");
        } else {
            say(&w, "The capture started after the handshake; %s.",
                s->roles_inferred ? "client and server are inferred from the ports (the higher port is the client)"
                                  : "no RTT can be measured");
        }
        return buf;
    }
    say_leg_story(&w, "SYN", s->syn_frame, s->syn_retransmissions, "SYN/ACK", s->synack_frame,
                  s->synack_answers_frame, s->server_leg_basis);
    say_leg_story(&w, "SYN/ACK", s->synack_frame, s->synack_retransmissions, "ACK", s->hs_ack_frame,
                  s->hs_ack_answers_frame, s->client_leg_basis);
    return buf;
}

/* Who holds TIME_WAIT (issue 15), after the sentence of a close that has one; a refused
 * connection was never established, so nothing is said there. */
static void say_time_wait(struct writer *w, const struct tcpconn_summary *s)
{
    switch (s->time_wait) {
    case TCPCONN_TW_CLIENT:
    case TCPCONN_TW_SERVER:
        say(w, " The %s, which closed first, holds TIME_WAIT.", s->time_wait == TCPCONN_TW_CLIENT ? "client" : "server");
        break;
    case TCPCONN_TW_BOTH:
        say(w, " Both sides hold TIME_WAIT.");
        break;
    case TCPCONN_TW_NONE:
        if (s->style != TCPCONN_TD_REFUSED)
            say(w, " Neither side holds TIME_WAIT: the RST closed both at once.");
        break;
    case TCPCONN_TW_UNKNOWN:
    default:
        break;
    }
}

char *tcpconn_explain_teardown(const struct tcpconn_summary *s, char *buf, size_t len)
{
    struct writer w = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    int a = s->active_closer, b = !a;
    switch (s->style) {
    case TCPCONN_TD_FOUR_WAY:
        say(&w, "Four-way close by the %s: its FIN in frame %u was acknowledged separately in frame %u; the %s's FIN "
                "followed in frame %u and was acknowledged in frame %u.",
            side(s, a), s->fin_a_frame, s->ack_of_fin_a_frame, side(s, b), s->fin_b_frame, s->ack_of_fin_b_frame);
        break;
    case TCPCONN_TD_THREE_WAY:
        say(&w, "Three-way close: the FIN+ACK in frame %u also acknowledges the FIN of frame %u%s, so no separate ACK "
                "was needed; the final ACK is frame %u.",
            s->fin_b_frame, s->fin_a_frame, s->fin_a_frame > s->fin_b_frame ? " (captured after it)" : "",
            s->ack_of_fin_b_frame);
        break;
    case TCPCONN_TD_HALF_CLOSE:
        if (s->half_close_first_frame == s->fin_b_frame) { /* the data came on B's FIN itself */
            say(&w, "Half-close by the %s: after its FIN in frame %u the %s still sent %u bytes of new data, with its "
                    "own FIN in frame %u, acknowledged in frame %u.",
                side(s, a), s->fin_a_frame, side(s, b), s->half_close_bytes, s->fin_b_frame, s->ack_of_fin_b_frame);
            break;
        }
        say(&w, "Half-close by the %s: after its FIN in frame %u the %s kept sending, %u bytes of new data", side(s, a),
            s->fin_a_frame, side(s, b), s->half_close_bytes);
        if (s->half_close_first_frame == s->half_close_last_frame)
            say(&w, " in frame %u", s->half_close_first_frame);
        else
            say(&w, " in frames %u to %u", s->half_close_first_frame, s->half_close_last_frame);
        say(&w, ", then closed with its FIN in frame %u, acknowledged in frame %u.", s->fin_b_frame,
            s->ack_of_fin_b_frame);
        break;
    case TCPCONN_TD_SIMULTANEOUS:
        say(&w, "Simultaneous close: the %s's FIN in frame %u and the %s's FIN in frame %u crossed (each was sent "
                "before the other arrived); the first was acknowledged in frame %u, the second in frame %u.",
            side(s, a), s->fin_a_frame, side(s, b), s->fin_b_frame, s->ack_of_fin_a_frame, s->ack_of_fin_b_frame);
        break;
    case TCPCONN_TD_RESET:
        say(&w, "Reset by the %s: the RST in frame %u aborted the connection; no FIN came before it.",
            side(s, s->rst_from), s->rst_frame);
        break;
    case TCPCONN_TD_RESET_AFTER_FIN:
        say(&w, "Reset after FIN: the %s sent its FIN in frame %u, then the %s's RST in frame %u ended the connection "
                "before the close completed",
            side(s, a), s->fin_a_frame, side(s, s->rst_from), s->rst_frame);
        if (s->fin_b_frame != TCPCONN_NO_FRAME && s->ack_of_fin_b_frame == TCPCONN_NO_FRAME)
            say(&w, " (the RST came instead of the final ACK of the FIN in frame %u)", s->fin_b_frame);
        say(&w, ".");
        break;
    case TCPCONN_TD_REFUSED:
        say(&w, "Refused: the RST in frame %u ended the connection before it was established.", s->rst_frame);
        break;
    case TCPCONN_TD_INCOMPLETE:
        say(&w, "Incomplete: the %s's FIN in frame %u ", side(s, a), s->fin_a_frame);
        if (s->ack_of_fin_a_frame == TCPCONN_NO_FRAME)
            say(&w, "was never acknowledged");
        else
            say(&w, "was acknowledged in frame %u", s->ack_of_fin_a_frame);
        if (s->fin_b_frame == TCPCONN_NO_FRAME)
            say(&w, ", and the %s sent no FIN", side(s, b));
        else if (s->ack_of_fin_b_frame == TCPCONN_NO_FRAME)
            say(&w, ", and the %s's FIN in frame %u was never acknowledged (final ACK missing)", side(s, b),
                s->fin_b_frame);
        say(&w, " before the capture ended.");
        break;
    case TCPCONN_TD_OPEN:
    default:
        say(&w, "Open: no FIN or RST was seen%s.", s->style_known ? "" : " yet");
        break;
    }
    say_time_wait(&w, s);
    return buf;
}
