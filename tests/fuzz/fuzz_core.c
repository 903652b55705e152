/* libFuzzer target for the core: the input bytes are decoded into a sequence of TCP
 * segments of one connection (format below), fed to tcpconn_update; after every segment
 * the summary (at_end false and true) and the roles of the segment are checked, and at the
 * end the roles of every frame fed. Invariants that must hold whatever the input:
 *   - every enum returned is in range; client/rst_from are 0 or 1, active_closer -1, 0 or 1;
 *   - every frame number in a summary or a role is 0 or a frame that was fed;
 *   - every known time is at most the span of capture times fed (never negative, never
 *     absurd; rtt, the sum of the legs, at most twice that when capture times go
 *     backwards), and rtt = server_rtt + client_rtt when both legs are known;
 *   - role text and short text are NUL-terminated within the buffer length and write
 *     nothing beyond it (checked with a canary for lengths 0, 1, 2, 5, 9 and 64);
 *   - tcpconn_is_finished never goes from true to false, and once it is true the teardown
 *     style no longer changes (tcpconn.h: "nothing later can change the teardown style");
 *     likewise once a one-pass summary says style_known or handshake_known, that style or
 *     state stays. (tcpconn_close_completed is not checked for monotonicity: it is computed
 *     from sequence comparisons, and an ACK 2^31 away legitimately flips them.) These once
 *     failed (tests/fuzz/regressions/fuzz_core/: style-changes-*, finished-then-unfinished-*,
 *     handshake-known-then-*) and were checked only with FUZZ_CORE_STRICT; the core latches
 *     them now, so they are always checked;
 *   - a finished connection keeps its handshake state and legs (issue 16): from the segment
 *     that finished it on, the summary's handshake state (known), both legs and rtt, their
 *     bases, the handshake's frames and the retransmission counts never change, nor do
 *     the roles of the frames fed until then (compared at the end with the roles they had
 *     when the connection finished);
 *   - at_end summaries are final (handshake_known, style_known), initiator is absent
 *     exactly for "open"; the TIME_WAIT holder follows the style (absent exactly for open
 *     and incomplete, both for simultaneous, none for the RST styles, else the initiator).
 *
 * The harness splits the sequence into connections as the adapters split tcp.streams: a
 * SYN without ACK whose sequence number differs from its direction's base starts a new
 * connection (port reuse); each connection's endpoint 0 is its first sender.
 *
 * At most 128 segments are read (run-fuzz.sh passes -max_len=2060).
 *
 * Input format: a 12-byte header (port0, port1, isn0, isn1; big-endian), then 16-byte
 * segment records:
 *   [0] TCP flags
 *   [1] bit0 from, bit1 has_ts, bits2-3 seq mode, bits4-5 ack mode, bit6 time goes back,
 *       bit7 an exact copy of the previous segment (a SPAN duplicate candidate)
 *   [2..3] seq delta (int16)  [4..5] ack delta (int16)   (modes 2: raw seq = [2..5],
 *       ack = [12..15])
 *   [6] payload length  [7..8] time delta in microseconds  [9] window  [10] IPv4 ID
 *   [11] TSval delta  [12] TSecr: echo of the peer's TSval minus this  [13] frame gap
 *   seq mode: 0 isn+delta, 1 next expected+delta, 2 raw, 3 isn+delta+2^31 (wrap)
 *   ack mode: 0 peer isn+delta, 1 peer next+delta, 2 raw, 3 zero
 * Missing header bytes default to zero.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpconn.h"

#define MAX_SEGS 128

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz_core: invariant failed at %s:%d: %s\n", __FILE__, __LINE__, \
                    #cond);                                                                   \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

struct fed {
    uint32_t frame[MAX_SEGS];
    uint8_t from[MAX_SEGS];
    uint8_t mark[MAX_SEGS];
    unsigned n;
    uint64_t tmin, tmax;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int frame_fed(const struct fed *f, uint32_t frame)
{
    if (frame == TCPCONN_NO_FRAME)
        return 1;
    unsigned lo = 0, hi = f->n; /* frames are strictly increasing */
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (f->frame[mid] == frame)
            return 1;
        if (f->frame[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* A known time (an interval between two fed segments) is at most `legs` times the span of
 * the capture times fed: never negative (which would wrap to a huge value), never absurd. */
static void check_time(const struct fed *f, uint64_t t, unsigned legs)
{
    if (t == TCPCONN_NO_TIME)
        return;
    CHECK(f->n > 0);
    CHECK(t <= legs * (f->tmax - f->tmin));
}

static void check_summary(const struct fed *f, const struct tcpconn_summary *s, int at_end)
{
    CHECK((unsigned)s->handshake < TCPCONN_HS_COUNT);
    CHECK((unsigned)s->style < TCPCONN_TD_COUNT);
    CHECK((unsigned)s->initiator < TCPCONN_BY_COUNT);
    CHECK((unsigned)s->time_wait < TCPCONN_TW_COUNT);
    CHECK(tcpconn_time_wait_name(s->time_wait) != NULL);
    /* who holds TIME_WAIT follows the style (SPEC.md): absent exactly for open and incomplete,
     * both exactly for simultaneous, none exactly for the RST styles, else the initiator */
    CHECK((s->time_wait == TCPCONN_TW_UNKNOWN) == (s->style == TCPCONN_TD_OPEN || s->style == TCPCONN_TD_INCOMPLETE));
    CHECK((s->time_wait == TCPCONN_TW_BOTH) == (s->style == TCPCONN_TD_SIMULTANEOUS));
    CHECK((s->time_wait == TCPCONN_TW_NONE) == (s->style == TCPCONN_TD_RESET || s->style == TCPCONN_TD_REFUSED ||
                                               s->style == TCPCONN_TD_RESET_AFTER_FIN));
    if (s->time_wait == TCPCONN_TW_CLIENT || s->time_wait == TCPCONN_TW_SERVER)
        CHECK((s->time_wait == TCPCONN_TW_CLIENT) == (s->initiator == TCPCONN_BY_CLIENT));
    CHECK(s->client <= 1);
    CHECK(s->rst_from <= 1);
    CHECK(s->active_closer >= -1 && s->active_closer <= 1);
    CHECK(s->teardown_steps == 0 || s->teardown_steps == 3 || s->teardown_steps == 4);
    CHECK(tcpconn_handshake_state_name(s->handshake) != NULL);
    CHECK(tcpconn_teardown_style_name(s->style) != NULL);
    CHECK(tcpconn_initiator_name(s->initiator) != NULL);
    CHECK(s->syn_retransmissions <= f->n);
    CHECK(s->synack_retransmissions <= f->n);

    check_time(f, s->server_rtt_ns, 1);
    check_time(f, s->client_rtt_ns, 1);
    check_time(f, s->rtt_ns, 2); /* the sum of the legs (times may go backwards) */
    check_time(f, s->teardown_duration_ns, 1);
    if (s->server_rtt_ns != TCPCONN_NO_TIME && s->client_rtt_ns != TCPCONN_NO_TIME)
        CHECK(s->rtt_ns == s->server_rtt_ns + s->client_rtt_ns);

    const uint32_t frames[] = {s->first_frame, s->syn_frame, s->other_syn_frame, s->synack_frame,
                               s->synack_answers_frame, s->hs_ack_frame, s->hs_ack_answers_frame,
                               s->fin_a_frame, s->fin_b_frame, s->ack_of_fin_a_frame,
                               s->ack_of_fin_b_frame, s->rst_frame, s->close_frame,
                               s->half_close_first_frame, s->half_close_last_frame};
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        if (!frame_fed(f, frames[i]))
            fprintf(stderr, "fuzz_core: summary frame #%zu = %u was never fed\n", i,
                    (unsigned)frames[i]);
        CHECK(frame_fed(f, frames[i]));
    }
    if (f->n)
        CHECK(s->first_frame == f->frame[0]);

    if (at_end) {
        CHECK(s->handshake_known);
        CHECK(s->style_known);
        CHECK((s->style == TCPCONN_TD_OPEN) == (s->initiator == TCPCONN_BY_NONE));
    }
}

static void check_text(const struct tcpconn_role *r)
{
    static const unsigned lens[] = {0, 1, 2, 5, 9, 64};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        for (int which = 0; which < 2; which++) {
            char buf[80];
            memset(buf, 0xA5, sizeof buf);
            unsigned len = lens[i];
            char *ret = which ? tcpconn_role_short(r, buf, len) : tcpconn_role_text(r, buf, len);
            CHECK(ret == buf);
            if (len > 0)
                CHECK(memchr(buf, '\0', len) != NULL);
            for (size_t k = len; k < sizeof buf; k++)
                CHECK((unsigned char)buf[k] == 0xA5);
        }
    }
    char full[256];
    tcpconn_role_text(r, full, sizeof full);
    CHECK(strlen(full) < 64); /* roles are short phrases */
}

static uint8_t text_done[TCPCONN_ROLE_COUNT * 256 * 5 / 8 + 1];

static void check_roles(const struct fed *f, const struct tcpconn_summary *s, unsigned i, bool text)
{
    struct tcpconn_role out[TCPCONN_MAX_ROLES + 1];
    memset(out, 0, sizeof out);
    out[TCPCONN_MAX_ROLES].kind = (enum tcpconn_role_kind)0x5a5a; /* canary */
    unsigned n = tcpconn_roles(s, f->frame[i], f->from[i], (enum tcpconn_mark)f->mark[i], out);
    CHECK(n <= TCPCONN_MAX_ROLES);
    CHECK((unsigned)out[TCPCONN_MAX_ROLES].kind == 0x5a5a);
    for (unsigned k = 0; k < n; k++) {
        CHECK((unsigned)out[k].kind < TCPCONN_ROLE_COUNT);
        CHECK(out[k].steps == 0 || out[k].steps == 3 || out[k].steps == 4);
        CHECK(out[k].steps == 0 || out[k].step <= out[k].steps);
        CHECK(frame_fed(f, out[k].related));
        CHECK(frame_fed(f, out[k].answered_by));
        CHECK(tcpconn_role_kind_name(out[k].kind) != NULL);
        if (text) { /* the text depends on kind, step and steps only: each once per input */
            unsigned key = ((unsigned)out[k].kind * 256u + out[k].step) * 5u + out[k].steps % 5u;
            if (key < sizeof text_done * 8 && !(text_done[key / 8] & (1u << (key % 8)))) {
                text_done[key / 8] |= (uint8_t)(1u << (key % 8));
                check_text(&out[k]);
            } else if (key >= sizeof text_done * 8)
                check_text(&out[k]);
        }
    }
}

/* Per-connection state of the monotonicity checks. */
struct conn_checks {
    bool was_finished;
    int finished_style, known_style, known_hs; /* -1 until fixed */
    int first_syn;   /* -1 nothing fed yet; 1 the first segment was a SYN without ACK */
    /* When the connection finished: its (at_end) summary, the number of frames fed until
     * then and their roles (a finished connection keeps its handshake and roles). */
    struct tcpconn_summary at_finish;
    unsigned frames_at_finish;
};

static struct tcpconn_role roles_at_finish[MAX_SEGS][TCPCONN_MAX_ROLES];
static unsigned nroles_at_finish[MAX_SEGS];

/* The handshake part of a summary is the same (a finished connection keeps it). */
static void check_same_handshake(const struct tcpconn_summary *a, const struct tcpconn_summary *b)
{
    CHECK(a->handshake == b->handshake);
    CHECK(a->handshake_known == b->handshake_known);
    CHECK(a->roles_inferred == b->roles_inferred);
    CHECK(a->client == b->client);
    CHECK(a->server_rtt_ns == b->server_rtt_ns);
    CHECK(a->client_rtt_ns == b->client_rtt_ns);
    CHECK(a->rtt_ns == b->rtt_ns);
    CHECK(a->rtt_ambiguous == b->rtt_ambiguous);
    CHECK(a->server_leg_basis == b->server_leg_basis);
    CHECK(a->client_leg_basis == b->client_leg_basis);
    CHECK(a->syn_retransmissions == b->syn_retransmissions);
    CHECK(a->synack_retransmissions == b->synack_retransmissions);
    CHECK(a->syn_frame == b->syn_frame);
    CHECK(a->other_syn_frame == b->other_syn_frame);
    CHECK(a->synack_frame == b->synack_frame);
    CHECK(a->synack_answers_frame == b->synack_answers_frame);
    CHECK(a->hs_ack_frame == b->hs_ack_frame);
    CHECK(a->hs_ack_answers_frame == b->hs_ack_answers_frame);
}

/* The connection has just finished: remember its summary and the roles of every frame so far. */
static void note_finish(const struct tcpconn *c, const struct fed *f, struct conn_checks *k)
{
    tcpconn_summarize(c, true, &k->at_finish);
    k->frames_at_finish = f->n;
    for (unsigned i = 0; i < f->n; i++)
        nroles_at_finish[i] = tcpconn_roles(&k->at_finish, f->frame[i], f->from[i], (enum tcpconn_mark)f->mark[i],
                                            roles_at_finish[i]);
}

/* The roles of the frames fed until the connection finished are the ones they had then. */
static void check_roles_kept(const struct fed *f, const struct tcpconn_summary *s, const struct conn_checks *k)
{
    if (!k->was_finished)
        return;
    for (unsigned i = 0; i < k->frames_at_finish; i++) {
        struct tcpconn_role now[TCPCONN_MAX_ROLES];
        unsigned n = tcpconn_roles(s, f->frame[i], f->from[i], (enum tcpconn_mark)f->mark[i], now);
        CHECK(n == nroles_at_finish[i]);
        for (unsigned r = 0; r < n; r++) {
            const struct tcpconn_role *a = &now[r], *b = &roles_at_finish[i][r];
            CHECK(a->kind == b->kind && a->step == b->step && a->steps == b->steps && a->related == b->related &&
                  a->answered_by == b->answered_by);
        }
    }
}

static void start_conn(struct tcpconn *c, struct conn_checks *k, struct fed *f, uint16_t port0,
                       uint16_t port1)
{
    tcpconn_init(c, port0, port1);
    memset(k, 0, sizeof *k);
    k->finished_style = k->known_style = k->known_hs = k->first_syn = -1;
    memset(f, 0, sizeof *f);
}

/* The connection is over (end of input, or its pair was reused): final summaries, and the
 * roles of every frame fed to it. */
/* The adapters skip frames for which tcpconn_frame_may_have_role is false: such a frame has
 * no role and is none of the frames the summary names. */
static void check_may_have_role(const struct tcpconn *c, const struct fed *f, const struct tcpconn_summary *s,
                                unsigned i)
{
    if (tcpconn_frame_may_have_role(c, f->frame[i], (enum tcpconn_mark)f->mark[i]))
        return;
    struct tcpconn_role out[TCPCONN_MAX_ROLES];
    CHECK(tcpconn_roles(s, f->frame[i], f->from[i], (enum tcpconn_mark)f->mark[i], out) == 0);
    uint32_t named[] = {s->syn_frame, s->other_syn_frame, s->synack_frame, s->hs_ack_frame, s->fin_a_frame,
                        s->fin_b_frame, s->ack_of_fin_a_frame, s->ack_of_fin_b_frame, s->rst_frame, s->close_frame};
    for (unsigned k = 0; k < sizeof named / sizeof named[0]; k++)
        CHECK(named[k] != f->frame[i]);
}

static void end_conn(const struct tcpconn *c, const struct fed *f, const struct conn_checks *k)
{
    for (int at_end = 0; at_end < 2; at_end++) {
        struct tcpconn_summary sum;
        tcpconn_summarize(c, at_end, &sum);
        check_summary(f, &sum, at_end);
        for (unsigned i = 0; i < f->n; i++) {
            check_roles(f, &sum, i, true);
            check_may_have_role(c, f, &sum, i);
        }
        if (at_end)
            check_roles_kept(f, &sum, k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t hdr[12] = {0};
    memcpy(hdr, data, size < sizeof hdr ? size : sizeof hdr);
    const uint8_t *p = size > sizeof hdr ? data + sizeof hdr : NULL;
    size_t nrec = size > sizeof hdr ? (size - sizeof hdr) / 16 : 0;
    if (nrec > MAX_SEGS)
        nrec = MAX_SEGS;

    static int trace = -1; /* FUZZ_CORE_TRACE=1: print the segments decoded (for reports) */
    if (trace < 0)
        trace = getenv("FUZZ_CORE_TRACE") != NULL;
    static struct fed f; /* keep it off the stack */
    memset(text_done, 0, sizeof text_done);
    struct tcpconn c;
    struct conn_checks k;
    uint16_t port[2] = {rd16(hdr), rd16(hdr + 2)};
    uint8_t flip = 0; /* harness side of the core's endpoint 0 (the first sender) */
    start_conn(&c, &k, &f, port[0], port[1]);
    uint32_t isn[2] = {rd32(hdr + 4), rd32(hdr + 8)};
    uint32_t next[2] = {isn[0], isn[1]};
    bool sent[2] = {false, false};
    uint32_t base[2] = {0, 0}; /* tcp.stream bookkeeping, as analyzer/flowtable.c */
    bool base_set[2] = {false, false};
    uint32_t tsval[2] = {1000, 5000};
    uint64_t t = 1700000000ull * 1000000000ull;
    uint32_t frame = 0;
    struct tcpconn_segment prev;
    memset(&prev, 0, sizeof prev);

    for (size_t i = 0; i < nrec; i++, p += 16) {
        struct tcpconn_segment s;
        memset(&s, 0, sizeof s);
        if ((p[1] & 0x80) && i > 0) {
            s = prev; /* same transmission, captured again */
        } else {
            uint8_t from = p[1] & 1;
            s.from = from;
            s.flags = p[0];
            s.has_ts = (p[1] >> 1) & 1;
            int16_t sd = (int16_t)rd16(p + 2), ad = (int16_t)rd16(p + 4);
            switch ((p[1] >> 2) & 3) {
            case 0: s.seq = isn[from] + (uint32_t)(int32_t)sd; break;
            case 1: s.seq = next[from] + (uint32_t)(int32_t)sd; break;
            case 2: s.seq = rd32(p + 2); break;
            default: s.seq = isn[from] + (uint32_t)(int32_t)sd + 0x80000000u; break;
            }
            switch ((p[1] >> 4) & 3) {
            case 0: s.ack = isn[!from] + (uint32_t)(int32_t)ad; break;
            case 1: s.ack = next[!from] + (uint32_t)(int32_t)ad; break;
            case 2: s.ack = rd32(p + 12); break;
            default: s.ack = 0; break;
            }
            s.payload_len = p[6];
            s.window = (uint16_t)(p[9] << 8 | p[9]);
            s.ip_id = p[10];
            tsval[from] += p[11];
            s.tsval = tsval[from];
            s.tsecr = tsval[!from] - p[12];
        }
        uint64_t dt = (uint64_t)rd16(p + 7) * 1000u;
        if (p[1] & 0x40)
            t = t > dt ? t - dt : 0;
        else
            t += dt;
        s.time_ns = t;
        frame += 1u + p[13] % 4;
        s.frame = frame;
        uint32_t end = s.seq + s.payload_len + !!(s.flags & TCPCONN_SYN) + !!(s.flags & TCPCONN_FIN);
        bool new_data = (int32_t)(end - next[s.from]) > 0 && !(s.flags & TCPCONN_RST);
        if (!sent[s.from] || (s.flags & TCPCONN_SYN)) { /* the side's sequence space starts */
            new_data = false;
            next[s.from] = end;
            sent[s.from] = true;
        } else if (new_data) /* an RST's payload does not move the sequence space on */
            next[s.from] = end;
        prev = s;

        /* Split streams as the adapters do (a SYN with a new sequence number on a pair
         * that has a base starts a new connection; a SYN/ACK replaces the base). */
        uint8_t fl = s.flags & (TCPCONN_SYN | TCPCONN_ACK);
        if (fl == TCPCONN_SYN && base_set[s.from] && s.seq != base[s.from]) {
            end_conn(&c, &f, &k);
            start_conn(&c, &k, &f, port[s.from], port[!s.from]);
            flip = s.from;
            base_set[0] = base_set[1] = false;
        } else if (fl == (TCPCONN_SYN | TCPCONN_ACK) && base_set[s.from] && s.seq != base[s.from])
            base[s.from] = s.seq;
        if (!base_set[s.from]) {
            base[s.from] = (s.flags & TCPCONN_SYN) ? s.seq : s.seq - 1;
            base_set[s.from] = true;
        }
        if (!base_set[!s.from] && (s.flags & TCPCONN_ACK)) {
            base[!s.from] = s.ack - 1;
            base_set[!s.from] = true;
        }
        if (f.n == MAX_SEGS)
            break;
        uint8_t side = s.from;
        s.from = side ^ flip; /* the core's endpoint */

        if (k.first_syn < 0)
            k.first_syn = (s.flags & (TCPCONN_SYN | TCPCONN_ACK)) == TCPCONN_SYN;
        enum tcpconn_mark m = tcpconn_update(&c, &s);
        if (trace)
            fprintf(stderr,
                    "frame %u t=%llu.%09llu from %u flags 0x%02x%s%s%s%s%s seq %u (isn%+d) ack %u "
                    "(peer isn%+d) len %u win %u id %u%s tsval %u tsecr %u -> %s\n",
                    (unsigned)s.frame, (unsigned long long)(s.time_ns / 1000000000u),
                    (unsigned long long)(s.time_ns % 1000000000u), (unsigned)s.from,
                    (unsigned)s.flags, s.flags & TCPCONN_SYN ? " SYN" : "",
                    s.flags & TCPCONN_FIN ? " FIN" : "", s.flags & TCPCONN_RST ? " RST" : "",
                    s.flags & TCPCONN_ACK ? " ACK" : "", s.flags & TCPCONN_PSH ? " PSH" : "",
                    (unsigned)s.seq, (int)(int32_t)(s.seq - isn[side]), (unsigned)s.ack,
                    (int)(int32_t)(s.ack - isn[!side]), (unsigned)s.payload_len,
                    (unsigned)s.window, (unsigned)s.ip_id, s.has_ts ? " ts" : "",
                    (unsigned)s.tsval, (unsigned)s.tsecr, tcpconn_mark_name(m));
        CHECK((unsigned)m < TCPCONN_MARK_COUNT);
        CHECK(tcpconn_mark_name(m) != NULL);
        f.frame[f.n] = s.frame;
        f.from[f.n] = s.from;
        f.mark[f.n] = (uint8_t)m;
        if (f.n == 0 || t < f.tmin)
            f.tmin = t;
        if (f.n == 0 || t > f.tmax)
            f.tmax = t;
        f.n++;

        bool fin = tcpconn_is_finished(&c), done = tcpconn_close_completed(&c);
        (void)done;
        if (trace)
            fprintf(stderr, "    finished %d, close completed %d\n", fin, done);
        CHECK(fin || !k.was_finished);
        if (fin && !k.was_finished)
            note_finish(&c, &f, &k);
        k.was_finished = fin;

        for (int at_end = 0; at_end < 2; at_end++) {
            struct tcpconn_summary sum;
            tcpconn_summarize(&c, at_end, &sum);
            check_summary(&f, &sum, at_end);
            check_roles(&f, &sum, f.n - 1, false); /* text: at the end, for every frame */
            check_may_have_role(&c, &f, &sum, f.n - 1);
            if (trace)
                fprintf(stderr, "    summary(at_end %d): handshake %s%s, style %s%s, initiator %s\n",
                        at_end, tcpconn_handshake_state_name(sum.handshake),
                        sum.handshake_known ? " (known)" : "",
                        tcpconn_teardown_style_name(sum.style), sum.style_known ? " (known)" : "",
                        tcpconn_initiator_name(sum.initiator));
            if (fin) { /* a finished connection keeps its handshake state and legs */
                struct tcpconn_summary at_finish = k.at_finish;
                if (!at_end) /* known flags: at_finish is an at_end summary */
                    at_finish.handshake_known = sum.handshake_known;
                CHECK(sum.handshake_known); /* known once finished */
                check_same_handshake(&sum, &at_finish);
            }
            if (at_end)
                continue;
            if (fin && k.finished_style < 0)
                k.finished_style = (int)sum.style;
            if (k.finished_style >= 0)
                CHECK((int)sum.style == k.finished_style);
            if (sum.style_known && k.known_style < 0)
                k.known_style = (int)sum.style;
            if (k.known_style >= 0)
                CHECK((int)sum.style == k.known_style);
            if (sum.handshake_known && k.known_hs < 0)
                k.known_hs = (int)sum.handshake;
            if (k.known_hs >= 0)
                CHECK((int)sum.handshake == k.known_hs);
        }
    }
    end_conn(&c, &f, &k);
    return 0;
}
