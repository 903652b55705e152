/* Table-driven tests of the core: one named case per style and per edge case.
 *
 * Each case is a list of segments (time in µs, sender, flags, seq, ack, payload) and the
 * summary and roles it must produce (read as -2 does: the summary at the end). Every case
 * is also replayed with each segment captured twice (a SPAN duplicate): the summary must not
 * change; and, when its connection ends (first RST or completed close), one-pass (the
 * summary read after each segment) and cut at the segment that ended it: nothing after the
 * end may change anything (check_after_end). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tcpconn.h"

enum { C = 0, S = 1 }; /* endpoint 0 is the first sender; in most cases the client */

#define F TCPCONN_FIN
#define SY TCPCONN_SYN
#define R TCPCONN_RST
#define P TCPCONN_PSH
#define A TCPCONN_ACK

struct seg {
    uint64_t us;
    uint8_t from;
    uint8_t flags;
    uint32_t seq, ack, len;
    uint32_t tsval, tsecr; /* 0: no timestamp option */
    const char *role;      /* expected role text (roles joined by "; "), NULL: not checked */
};

#define NOT_SET UINT64_MAX /* expected time: absent */
#define ANY (UINT64_MAX - 1)

struct expect {
    const char *handshake, *style, *initiator, *time_wait; /* time_wait "": absent */
    uint64_t server_rtt_us, client_rtt_us, duration_us; /* NOT_SET: must be absent; ANY: unchecked */
    int ambiguous;                                      /* 0/1 */
    unsigned syn_rtx, synack_rtx;
    int inferred; /* 0/1 */
};

struct tcase {
    const char *name;
    int line;
    uint16_t client_port, server_port;
    const struct seg *segs;
    unsigned nsegs;
    struct expect want;
};

static int failures, checks;

#define CHECK_STR(tc, what, got, want)                                                               \
    do {                                                                                             \
        checks++;                                                                                    \
        if (strcmp((got), (want)) != 0) {                                                            \
            failures++;                                                                              \
            printf("  FAIL %s (line %d): %s: got \"%s\", want \"%s\"\n", (tc)->name, (tc)->line, what, \
                   (got), (want));                                                                   \
        }                                                                                            \
    } while (0)

#define CHECK_U64(tc, what, got, want)                                                                   \
    do {                                                                                                 \
        checks++;                                                                                        \
        if ((uint64_t)(got) != (uint64_t)(want)) {                                                       \
            failures++;                                                                                  \
            printf("  FAIL %s (line %d): %s: got %" PRIu64 ", want %" PRIu64 "\n", (tc)->name, (tc)->line, \
                   what, (uint64_t)(got), (uint64_t)(want));                                             \
        }                                                                                                \
    } while (0)

static void check_time(const struct tcase *tc, const char *what, uint64_t got_ns, uint64_t want_us)
{
    if (want_us == ANY)
        return;
    CHECK_U64(tc, what, got_ns, want_us == NOT_SET ? TCPCONN_NO_TIME : want_us * 1000u);
}

/* Adapters number endpoints by who sent first; cases name them C and S. */
static uint8_t endpoint_of(const struct tcase *tc, uint8_t side) { return side ^ tc->segs[0].from; }

static void start(const struct tcase *tc, struct tcpconn *c)
{
    uint16_t port_of_side[2] = {tc->client_port, tc->server_port};
    uint8_t first = tc->segs[0].from;
    tcpconn_init(c, port_of_side[first], port_of_side[!first]);
}

static struct tcpconn_segment to_segment(const struct tcase *tc, const struct seg *g, uint32_t frame)
{
    return (struct tcpconn_segment){
        .time_ns = g->us * 1000u,
        .frame = frame,
        .seq = g->seq,
        .ack = g->ack,
        .payload_len = g->len,
        .tsval = g->tsval,
        .tsecr = g->tsecr,
        .window = 64240,
        .ip_id = (uint16_t)(frame * 7u), /* differs per transmission, like Linux */
        .flags = g->flags,
        .from = endpoint_of(tc, g->from),
        .has_ts = g->tsval != 0,
    };
}

static void roles_text(const struct tcpconn_summary *sum, uint32_t frame, uint8_t from, enum tcpconn_mark mark,
                       char *out, size_t len)
{
    struct tcpconn_role roles[TCPCONN_MAX_ROLES];
    unsigned n = tcpconn_roles(sum, frame, from, mark, roles);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        char one[64];
        tcpconn_role_text(&roles[i], one, sizeof one);
        if (i)
            strncat(out, "; ", len - strlen(out) - 1);
        strncat(out, one, len - strlen(out) - 1);
    }
}

static void check_summary(const struct tcase *tc, const struct tcpconn_summary *sum)
{
    const struct expect *w = &tc->want;
    CHECK_STR(tc, "handshake", tcpconn_handshake_state_name(sum->handshake), w->handshake);
    CHECK_STR(tc, "style", tcpconn_teardown_style_name(sum->style), w->style);
    CHECK_STR(tc, "initiator", tcpconn_initiator_name(sum->initiator), w->initiator);
    CHECK_STR(tc, "time_wait", tcpconn_time_wait_name(sum->time_wait), w->time_wait);
    check_time(tc, "server_rtt", sum->server_rtt_ns, w->server_rtt_us);
    check_time(tc, "client_rtt", sum->client_rtt_ns, w->client_rtt_us);
    if (w->server_rtt_us != ANY && w->client_rtt_us != ANY)
        check_time(tc, "rtt", sum->rtt_ns,
                   w->server_rtt_us == NOT_SET || w->client_rtt_us == NOT_SET ? NOT_SET
                                                                              : w->server_rtt_us + w->client_rtt_us);
    check_time(tc, "duration", sum->teardown_duration_ns, w->duration_us);
    CHECK_U64(tc, "rtt_ambiguous", sum->rtt_ambiguous, w->ambiguous);
    CHECK_U64(tc, "syn_retransmissions", sum->syn_retransmissions, w->syn_rtx);
    CHECK_U64(tc, "synack_retransmissions", sum->synack_retransmissions, w->synack_rtx);
    CHECK_U64(tc, "roles_inferred", sum->roles_inferred, w->inferred);
    CHECK_U64(tc, "handshake_known", sum->handshake_known, 1);
    CHECK_U64(tc, "style_known", sum->style_known, 1);
}

/* The summary fields that must not change once the connection has ended. rst_frame and
 * rst_from are left out when a close ended it (a first RST after the close is still noted). */
static void check_same_summary(const struct tcase *tc, const char *when, const struct tcpconn_summary *got,
                               const struct tcpconn_summary *want)
{
    char what[96];
#define SAME(field)                                                           \
    do {                                                                      \
        snprintf(what, sizeof what, "%s: " #field, when);                     \
        CHECK_U64(tc, what, got->field, want->field);                         \
    } while (0)
    SAME(handshake); SAME(handshake_known); SAME(roles_inferred); SAME(rtt_ambiguous);
    SAME(server_leg_basis); SAME(client_leg_basis); SAME(client);
    SAME(server_rtt_ns); SAME(client_rtt_ns); SAME(rtt_ns);
    SAME(syn_retransmissions); SAME(synack_retransmissions);
    SAME(style); SAME(style_known); SAME(initiator); SAME(teardown_duration_ns); SAME(teardown_steps);
    SAME(fins_crossed); SAME(active_closer);
    SAME(first_frame); SAME(syn_frame); SAME(other_syn_frame); SAME(synack_frame); SAME(synack_answers_frame);
    SAME(hs_ack_frame); SAME(hs_ack_answers_frame); SAME(fin_a_frame); SAME(fin_b_frame);
    SAME(ack_of_fin_a_frame); SAME(ack_of_fin_b_frame); SAME(close_frame);
    SAME(half_close_bytes); SAME(half_close_first_frame); SAME(half_close_last_frame);
    if (want->style == TCPCONN_TD_RESET || want->style == TCPCONN_TD_RESET_AFTER_FIN ||
        want->style == TCPCONN_TD_REFUSED) {
        SAME(rst_frame);
        SAME(rst_from);
    }
#undef SAME
}

/* Nothing after the end changes anything (issue 16): replays the case one-pass (the summary
 * read after each segment, at_end false, as one-pass tshark shows it) and cut at the
 * segment that ended the connection (-2 of a capture that stops there). From the end on,
 * every one-pass summary equals the final -2 summary and each late frame's one-pass role is
 * its -2 role; the cut capture's -2 summary and roles equal the whole capture's. Cases
 * whose connection never ends have nothing to check. */
static void check_after_end(const struct tcase *tc, const struct tcpconn_summary *final,
                            const enum tcpconn_mark *marks)
{
    struct tcpconn c;
    struct tcpconn_summary now;
    unsigned end = tc->nsegs;
    start(tc, &c);
    for (unsigned i = 0; i < tc->nsegs; i++) {
        struct tcpconn_segment s = to_segment(tc, &tc->segs[i], i + 1);
        tcpconn_update(&c, &s);
        if (end == tc->nsegs && tcpconn_is_finished(&c))
            end = i;
        if (end == tc->nsegs)
            continue;
        char when[64], got[160], want[160];
        tcpconn_summarize(&c, false, &now);
        snprintf(when, sizeof when, "one pass after frame %u (ended at %u)", i + 1, end + 1);
        check_same_summary(tc, when, &now, final);
        uint8_t from = endpoint_of(tc, tc->segs[i].from);
        roles_text(&now, i + 1, from, marks[i], got, sizeof got);
        roles_text(final, i + 1, from, marks[i], want, sizeof want);
        snprintf(when, sizeof when, "one-pass role of frame %u", i + 1);
        CHECK_STR(tc, when, got, want);
    }
    if (end == tc->nsegs)
        return;

    struct tcpconn cut;
    struct tcpconn_summary cut_sum;
    start(tc, &cut);
    for (unsigned i = 0; i <= end; i++) {
        struct tcpconn_segment s = to_segment(tc, &tc->segs[i], i + 1);
        tcpconn_update(&cut, &s);
    }
    tcpconn_summarize(&cut, true, &cut_sum);
    check_same_summary(tc, "-2, capture cut at the end", &cut_sum, final);
    for (unsigned i = 0; i <= end; i++) {
        char what[64], got[160], want[160];
        uint8_t from = endpoint_of(tc, tc->segs[i].from);
        roles_text(&cut_sum, i + 1, from, marks[i], got, sizeof got);
        roles_text(final, i + 1, from, marks[i], want, sizeof want);
        snprintf(what, sizeof what, "-2 role of frame %u, capture cut at the end", i + 1);
        CHECK_STR(tc, what, got, want);
    }
}

/* The adapters skip a frame for which tcpconn_frame_may_have_role says false: it must have
 * no role and decide nothing the summary names. */
static void check_may_have_role(const struct tcase *tc, const struct tcpconn *c, const struct tcpconn_summary *sum,
                                uint32_t frame, enum tcpconn_mark mark, const char *when)
{
    checks++;
    if (tcpconn_frame_may_have_role(c, frame, mark))
        return;
    struct tcpconn_role roles[TCPCONN_MAX_ROLES];
    uint32_t named[] = {sum->syn_frame, sum->other_syn_frame, sum->synack_frame, sum->hs_ack_frame,
                        sum->fin_a_frame, sum->fin_b_frame, sum->ack_of_fin_a_frame, sum->ack_of_fin_b_frame,
                        sum->rst_frame, sum->close_frame};
    bool is_named = false;
    for (unsigned k = 0; k < sizeof named / sizeof named[0]; k++)
        is_named |= named[k] == frame;
    if (tcpconn_roles(sum, frame, 0, mark, roles) != 0 || tcpconn_roles(sum, frame, 1, mark, roles) != 0 ||
        is_named) {
        failures++;
        printf("  FAIL %s (line %d): frame %u (%s) has a role, but may_have_role says no\n", tc->name, tc->line,
               frame, when);
    }
}

static void run_case(const struct tcase *tc)
{
    struct tcpconn c;
    enum tcpconn_mark marks[64];
    start(tc, &c);
    for (unsigned i = 0; i < tc->nsegs; i++) {
        struct tcpconn_segment s = to_segment(tc, &tc->segs[i], i + 1);
        marks[i] = tcpconn_update(&c, &s);
        struct tcpconn_summary now;
        tcpconn_summarize(&c, false, &now);
        check_may_have_role(tc, &c, &now, i + 1, marks[i], "one pass");
    }
    struct tcpconn_summary sum;
    tcpconn_summarize(&c, true, &sum);
    check_summary(tc, &sum);
    for (unsigned i = 0; i < tc->nsegs; i++)
        check_may_have_role(tc, &c, &sum, i + 1, marks[i], "at the end");
    for (unsigned i = 0; i < tc->nsegs; i++) {
        if (!tc->segs[i].role)
            continue;
        char got[160], what[32];
        roles_text(&sum, i + 1, endpoint_of(tc, tc->segs[i].from), marks[i], got, sizeof got);
        snprintf(what, sizeof what, "role of frame %u", i + 1);
        CHECK_STR(tc, what, got, tc->segs[i].role);
    }
    check_after_end(tc, &sum, marks);

    /* The same capture with every segment seen twice, 10 µs apart: nothing changes. */
    struct tcpconn d;
    start(tc, &d);
    for (unsigned i = 0; i < tc->nsegs; i++) {
        struct tcpconn_segment s = to_segment(tc, &tc->segs[i], 2 * i + 1);
        tcpconn_update(&d, &s);
        s.frame++;
        s.time_ns += 10000;
        if (tcpconn_update(&d, &s) != TCPCONN_MARK_DUPLICATE) {
            failures++;
            printf("  FAIL %s (line %d): copy of segment %u not taken as a duplicate\n", tc->name, tc->line, i + 1);
        }
    }
    struct tcpconn_summary dsum;
    tcpconn_summarize(&d, true, &dsum);
    struct tcase dup = *tc;
    char dname[96];
    snprintf(dname, sizeof dname, "%s [duplicated]", tc->name);
    dup.name = dname;
    check_summary(&dup, &dsum);
}

/* The standard opening: client ISN 1000 (port 40000), server ISN 5000 (port 80);
 * server leg 20 ms, client leg 60 ms. */
#define OPEN3 {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"}, {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"}, \
              {80000, C, A, 1001, 5001, 0, 0, 0, "ACK (3/3)"}
#define DATA  {90000, C, P | A, 1001, 5001, 100, 0, 0, ""}, {110000, S, A, 5001, 1101, 0, 0, 0, ""}

static const struct seg four_way_client[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 5001, 1102, 0, 0, 0, "ACK of FIN (2/4)"},
    {1200000, S, F | A, 5001, 1102, 0, 0, 0, "FIN (3/4)"},
    {1260000, C, A, 1102, 5002, 0, 0, 0, "final ACK (4/4)"},
};

static const struct seg four_way_server[] = {
    OPEN3, DATA,
    {1000000, S, F | A, 5001, 1101, 0, 0, 0, "FIN (1/4)"},
    {1060000, C, A, 1101, 5002, 0, 0, 0, "ACK of FIN (2/4)"},
    {1100000, C, F | A, 1101, 5002, 0, 0, 0, "FIN (3/4)"},
    {1120000, S, A, 5002, 1102, 0, 0, 0, "final ACK (4/4)"},
};

static const struct seg three_way[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1020000, S, F | A, 5001, 1102, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1080000, C, A, 1102, 5002, 0, 0, 0, "final ACK (3/3)"},
};

static const struct seg half_close[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 5001, 1102, 0, 0, 0, "ACK of FIN (2/4)"},
    {1030000, S, P | A, 5001, 1102, 500, 0, 0, "data after FIN"},
    {1040000, S, P | A, 5501, 1102, 500, 0, 0, "data after FIN"},
    {1090000, C, A, 1102, 6001, 0, 0, 0, ""},
    {1200000, S, F | A, 6001, 1102, 0, 0, 0, "FIN (3/4)"},
    {1260000, C, A, 1102, 6002, 0, 0, 0, "final ACK (4/4)"},
};

/* B's data itself carries the first ACK of A's FIN, and its FIN carries data too. */
static const struct seg half_close_piggybacked[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1020000, S, F | P | A, 5001, 1102, 300, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1080000, C, A, 1102, 5302, 0, 0, 0, "final ACK (3/3)"},
};

static const struct seg simultaneous[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1010000, S, F | A, 5001, 1101, 0, 0, 0, "FIN, crossed (2/4)"},
    {1011000, C, A, 1102, 5002, 0, 0, 0, "ACK of FIN (3/4)"},
    {1070000, S, A, 5002, 1102, 0, 0, 0, "final ACK (4/4)"},
};

/* Crossed FINs where B also sent data after A's FIN: simultaneous takes precedence. */
static const struct seg simultaneous_with_data[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1010000, S, F | P | A, 5001, 1101, 200, 0, 0, "FIN, crossed (2/4)"},
    {1011000, C, A, 1102, 5202, 0, 0, 0, "ACK of FIN (3/4)"},
    {1070000, S, A, 5202, 1102, 0, 0, 0, "final ACK (4/4)"},
};

static const struct seg reset_by_client[] = {
    OPEN3, DATA,
    {2000000, C, R | A, 1101, 5001, 0, 0, 0, "RST"},
};

static const struct seg reset_without_ack[] = {
    OPEN3, DATA,
    {2000000, S, R, 5001, 0, 0, 0, 0, "RST"},
    {2000500, C, P | A, 1101, 5001, 10, 0, 0, "after RST"},
    {2001000, S, R, 5001, 0, 0, 0, 0, "RST"},
};

static const struct seg reset_after_fin[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1020000, S, F | A, 5001, 1102, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1080000, C, R | A, 1102, 5002, 0, 0, 0, "RST after FIN"},
};

static const struct seg fin_rst_segment[] = {
    OPEN3, DATA,
    {1000000, C, F | R | A, 1101, 5001, 0, 0, 0, "RST"},
};

static const struct seg refused[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, R | A, 0, 1001, 0, 0, 0, "RST, refused"},
};

static const struct seg rst_after_close[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1020000, S, F | A, 5001, 1102, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1080000, C, A, 1102, 5002, 0, 0, 0, "final ACK (3/3)"},
    {1500000, S, R, 5002, 0, 0, 0, 0, "RST after close"},
};

static const struct seg syn_retransmitted[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {1000000, C, SY, 1000, 0, 0, 0, 0, "SYN retransmission"},
    {1020000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {1080000, C, A, 1001, 5001, 0, 0, 0, "ACK (3/3)"},
    {1100000, C, R | A, 1001, 5001, 0, 0, 0, "RST"},
};

/* Timestamps prove which SYN the SYN/ACK answers: the leg is certain. */
static const struct seg syn_retransmitted_ts[] = {
    {0, C, SY, 1000, 0, 0, 100, 0, "SYN (1/3)"},
    {1000000, C, SY, 1000, 0, 0, 1100, 0, "SYN retransmission"},
    {1020000, S, SY | A, 5000, 1001, 0, 7000, 1100, "SYN/ACK (2/3)"},
    {1080000, C, A, 1001, 5001, 0, 1180, 7000, "ACK (3/3)"},
    {1100000, C, R | A, 1001, 5001, 0, 0, 0, "RST"},
};

/* The SYN/ACK echoes the first SYN's TSval (Linux does when it re-answers): the leg is
 * still measured from the latest SYN, and it is ambiguous. */
static const struct seg syn_retransmitted_ts_echo_first[] = {
    {0, C, SY, 1000, 0, 0, 100, 0, "SYN (1/3)"},
    {1000000, C, SY, 1000, 0, 0, 1100, 0, "SYN retransmission"},
    {1020000, S, SY | A, 5000, 1001, 0, 7000, 100, "SYN/ACK (2/3)"},
    {1080000, C, A, 1001, 5001, 0, 1180, 7000, "ACK (3/3)"},
    {1100000, C, R | A, 1001, 5001, 0, 0, 0, "RST"},
};

static const struct seg synack_retransmitted[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {1020000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK retransmission"},
    {1080000, C, A, 1001, 5001, 0, 0, 0, "ACK (3/3)"},
    {1100000, C, R | A, 1001, 5001, 0, 0, 0, "RST"},
};

static const struct seg fin_retransmitted[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1300000, C, F | A, 1101, 5001, 0, 0, 0, "FIN retransmission"},
    {1320000, S, F | A, 5001, 1102, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1380000, C, A, 1102, 5002, 0, 0, 0, "final ACK (3/3)"},
};

/* The capture point saw B's FIN+ACK before A's FIN: ACK numbers say A closed first. */
static const struct seg out_of_order_fin[] = {
    OPEN3, DATA,
    {1000000, S, F | A, 5001, 1102, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1000100, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1060000, C, A, 1102, 5002, 0, 0, 0, "final ACK (3/3)"},
};

static const struct seg fin_with_data[] = {
    OPEN3,
    {1000000, C, F | P | A, 1001, 5001, 100, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 5001, 1102, 0, 0, 0, "ACK of FIN (2/4)"},
    {1030000, S, F | A, 5001, 1102, 0, 0, 0, "FIN (3/4)"},
    {1090000, C, A, 1102, 5002, 0, 0, 0, "final ACK (4/4)"},
};

/* SYN+FIN (a scan): SPEC.md counts every FIN, so the close is incomplete. */
static const struct seg syn_fin_scan[] = {
    {0, C, SY | F, 1000, 0, 0, 0, 0, "SYN (1/3); FIN (1/?)"},
};

/* The capture shows the SYN/ACK before the SYN: the SYN is in the capture, so the roles
 * are not inferred; no server leg (its start came after its end). */
static const struct seg synack_before_syn[] = {
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {20001, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {80000, C, A, 1001, 5001, 0, 0, 0, "ACK (3/3)"},
};

static const struct seg fast_open[] = {
    {0, C, SY, 1000, 0, 50, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1051, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, A, 1051, 5001, 0, 0, 0, "ACK (3/3)"},
    {1000000, C, F | A, 1051, 5001, 0, 0, 0, "FIN (1/3)"},
    {1020000, S, F | A, 5001, 1052, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1080000, C, A, 1052, 5002, 0, 0, 0, "final ACK (3/3)"},
};

static const struct seg simultaneous_open[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {1000, S, SY, 5000, 0, 0, 0, 0, "SYN, simultaneous open"},
    {20000, C, SY | A, 1000, 5001, 0, 0, 0, "SYN/ACK"},
    {21000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK"},
};

/* The capture started mid-connection: roles come from the ports (40000 is the client). */
static const struct seg mid_stream[] = {
    {0, S, P | A, 5001, 1001, 100, 0, 0, ""},
    {60000, C, A, 1001, 5101, 0, 0, 0, ""},
    {1000000, C, F | A, 1001, 5101, 0, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 5101, 1002, 0, 0, 0, "ACK of FIN (2/4)"},
    {1200000, S, F | A, 5101, 1002, 0, 0, 0, "FIN (3/4)"},
    {1260000, C, A, 1002, 5102, 0, 0, 0, "final ACK (4/4)"},
};

/* The capture begins with the SYN/ACK: its sender is the server; only the client leg. */
static const struct seg starts_at_synack[] = {
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, A, 1001, 5001, 0, 0, 0, "ACK (3/3)"},
};

/* ISNs just below 2^32: the FINs straddle the wrap. */
static const struct seg wraparound[] = {
    {0, C, SY, 0xFFFFFF00u, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 0xFFFFFFF0u, 0xFFFFFF01u, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, A, 0xFFFFFF01u, 0xFFFFFFF1u, 0, 0, 0, "ACK (3/3)"},
    {90000, C, P | A, 0xFFFFFF01u, 0xFFFFFFF1u, 0xFF, 0, 0, ""},
    {1000000, C, F | A, 0, 0xFFFFFFF1u, 0, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 0xFFFFFFF1u, 1, 0, 0, 0, "ACK of FIN (2/4)"},
    {1030000, S, P | A, 0xFFFFFFF1u, 1, 15, 0, 0, "data after FIN"},
    {1200000, S, F | A, 0, 1, 0, 0, 0, "FIN (3/4)"},
    {1260000, C, A, 1, 1, 0, 0, 0, "final ACK (4/4)"},
};

/* Keepalives (seq = next-1, 0 or 1 byte) and a zero-window probe carry no new data. */
static const struct seg keepalive_then_close[] = {
    OPEN3, DATA,
    {500000, C, A, 1100, 5001, 0, 0, 0, ""},
    {510000, S, A, 5001, 1101, 0, 0, 0, ""},
    {600000, C, A, 1100, 5001, 1, 0, 0, ""},
    {700000, S, A, 5000, 1101, 0, 0, 0, ""},
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 5001, 1102, 0, 0, 0, "ACK of FIN (2/4)"},
    {1100000, S, A, 5000, 1102, 0, 0, 0, ""},
    {1200000, S, F | A, 5001, 1102, 0, 0, 0, "FIN (3/4)"},
    {1260000, C, A, 1102, 5002, 0, 0, 0, "final ACK (4/4)"},
};

static const struct seg missing_final_ack[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1020000, S, A, 5001, 1102, 0, 0, 0, "ACK of FIN (2/4)"},
    {1200000, S, F | A, 5001, 1102, 0, 0, 0, "FIN (3/4)"},
};

/* B's separate ACK of A's FIN was not captured, but its data acks the FIN: ACK numbers
 * prove B had the FIN, so the data came after it. */
static const struct seg missing_ack_data_proves_it[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/4)"},
    {1030000, S, P | A, 5001, 1102, 500, 0, 0, "ACK of FIN (2/4)"},
    {1200000, S, F | A, 5501, 1102, 0, 0, 0, "FIN (3/4)"},
    {1260000, C, A, 1102, 5502, 0, 0, 0, "final ACK (4/4)"},
};

static const struct seg open_at_end[] = {OPEN3, DATA};

static const struct seg unanswered[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {1000000, C, SY, 1000, 0, 0, 0, 0, "SYN retransmission"},
    {3000000, C, SY, 1000, 0, 0, 0, 0, "SYN retransmission"},
};

static const struct seg no_ack[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
};

static const struct seg client_resets_synack[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, R, 1001, 0, 0, 0, 0, "RST"},
};

/* The handshake's ACK is itself the first FIN. */
static const struct seg ack_is_fin[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, F | A, 1001, 5001, 0, 0, 0, "ACK (3/3); FIN (1/3)"},
    {100000, S, F | A, 5001, 1002, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {160000, C, A, 1002, 5002, 0, 0, 0, "final ACK (3/3)"},
};

/* ---- Nothing after the end changes the handshake (issue 16). Once the first RST or a
 * completed close ended the connection, later segments get a role that says so ("after
 * RST", "after close") and change no summary field and no earlier frame's role
 * (check_after_end, run for every case, checks that one-pass and -2). */

/* A SYN scan (nmap -sS): SYN, SYN/ACK, the scanner's kernel answers with RST (no ACK). */
static const struct seg syn_scan[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, R, 1001, 0, 0, 0, 0, "RST"},
};

/* ... and 16 s later a data segment with ACK on the same ports (it acks the SYN/ACK), which
 * the server answers with RST: not the handshake's ACK, no 16 s client leg. */
static const struct seg syn_scan_late_data[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {80000, C, R, 1001, 0, 0, 0, 0, "RST"},
    {16080000, C, P | A, 1001, 5001, 10, 0, 0, "after RST"},
    {16100000, S, R, 5001, 0, 0, 0, 0, "RST"},
};

/* The server resets right after its SYN/ACK; the client's ACK is captured after the RST
 * (it crossed it): the connection had ended, the handshake stays no-ack. */
static const struct seg ack_after_rst[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {21000, S, R | A, 5001, 1001, 0, 0, 0, "RST"},
    {80000, C, A, 1001, 5001, 0, 0, 0, "after RST"},
    {90000, C, P | A, 1001, 5001, 100, 0, 0, "after RST"},
    {90500, C, F | A, 1101, 5001, 0, 0, 0, "after RST"},
};

/* After a refusal the client sends its SYN again (same ISN) and a late SYN/ACK arrives: no
 * retransmission is counted, no leg measured. */
static const struct seg refused_then_late[] = {
    {0, C, SY, 1000, 0, 0, 0, 0, "SYN (1/3)"},
    {20000, S, R | A, 0, 1001, 0, 0, 0, "RST, refused"},
    {1000000, C, SY, 1000, 0, 0, 0, 0, "after RST"},
    {1020000, S, SY | A, 5000, 1001, 0, 0, 0, "after RST"},
    {1080000, C, A, 1001, 5001, 0, 0, 0, "after RST"},
};

/* The capture starts at a SYN/ACK, the server resets, then the client's ACK: no client leg. */
static const struct seg synack_rst_late_ack[] = {
    {20000, S, SY | A, 5000, 1001, 0, 0, 0, "SYN/ACK (2/3)"},
    {30000, S, R, 5001, 0, 0, 0, 0, "RST"},
    {80000, C, A, 1001, 5001, 0, 0, 0, "after RST"},
};

/* After a completed three-way close: the server's FIN again (the final ACK was lost beyond
 * the capture point) and the client, in TIME_WAIT, acks it again; a late SYN/ACK and SYN
 * with the old ISNs, data, a stray RST, more data. Nothing changes the handshake (no
 * retransmission counted) or the close. */
static const struct seg after_close[] = {
    OPEN3, DATA,
    {1000000, C, F | A, 1101, 5001, 0, 0, 0, "FIN (1/3)"},
    {1020000, S, F | A, 5001, 1102, 0, 0, 0, "FIN+ACK, piggybacked (2/3)"},
    {1080000, C, A, 1102, 5002, 0, 0, 0, "final ACK (3/3)"},
    {1300000, S, F | A, 5001, 1102, 0, 0, 0, "FIN retransmission"},
    {1360000, C, A, 1102, 5002, 0, 0, 0, "after close"},
    {2000000, S, SY | A, 5000, 1001, 0, 0, 0, "after close"},
    {2100000, C, SY, 1000, 0, 0, 0, 0, "after close"},
    {2200000, C, P | A, 1102, 5002, 50, 0, 0, "after close"},
    {2300000, S, R, 5002, 0, 0, 0, 0, "RST after close"},
    {2400000, C, P | A, 1152, 5002, 50, 0, 0, "after close"},
};

/* A SYN retransmission and a SYN/ACK retransmission after a reset: not counted. */
static const struct seg reset_then_retransmissions[] = {
    OPEN3,
    {100000, C, R | A, 1001, 5001, 0, 0, 0, "RST"},
    {1000000, S, SY | A, 5000, 1001, 0, 0, 0, "after RST"},
    {1000500, C, SY, 1000, 0, 0, 0, 0, "after RST"},
};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define CASE(seg_array, client_port, server_port, ...) {#seg_array, __LINE__, client_port, server_port, seg_array, N(seg_array), __VA_ARGS__}
#define STD(seg_array, ...) CASE(seg_array, 40000, 80, __VA_ARGS__)

/*                   handshake       style       initiator  TIME_WAIT  server  client  duration  amb syn synack inferred */
static const struct tcase cases[] = {
    STD(four_way_client, {"complete", "four-way", "client", "client", 20000, 60000, 260000, 0, 0, 0, 0}),
    STD(four_way_server, {"complete", "four-way", "server", "server", 20000, 60000, 120000, 0, 0, 0, 0}),
    STD(three_way, {"complete", "three-way", "client", "client", 20000, 60000, 80000, 0, 0, 0, 0}),
    STD(half_close, {"complete", "half-close", "client", "client", 20000, 60000, 260000, 0, 0, 0, 0}),
    STD(half_close_piggybacked, {"complete", "half-close", "client", "client", 20000, 60000, 80000, 0, 0, 0, 0}),
    STD(simultaneous, {"complete", "simultaneous", "both", "both", 20000, 60000, 70000, 0, 0, 0, 0}),
    STD(simultaneous_with_data, {"complete", "simultaneous", "both", "both", 20000, 60000, 70000, 0, 0, 0, 0}),
    STD(reset_by_client, {"complete", "reset", "client", "none", 20000, 60000, 0, 0, 0, 0, 0}),
    STD(reset_without_ack, {"complete", "reset", "server", "none", 20000, 60000, 0, 0, 0, 0, 0}),
    STD(reset_after_fin, {"complete", "reset-after-fin", "client", "none", 20000, 60000, 80000, 0, 0, 0, 0}),
    STD(fin_rst_segment, {"complete", "reset", "client", "none", 20000, 60000, 0, 0, 0, 0, 0}),
    STD(refused, {"refused", "refused", "server", "none", NOT_SET, NOT_SET, 0, 0, 0, 0, 0}),
    STD(rst_after_close, {"complete", "three-way", "client", "client", 20000, 60000, 80000, 0, 0, 0, 0}),
    STD(syn_retransmitted, {"complete", "reset", "client", "none", 20000, 60000, 0, 1, 1, 0, 0}),
    STD(syn_retransmitted_ts, {"complete", "reset", "client", "none", 20000, 60000, 0, 0, 1, 0, 0}),
    STD(syn_retransmitted_ts_echo_first, {"complete", "reset", "client", "none", 20000, 60000, 0, 1, 1, 0, 0}),
    STD(synack_retransmitted, {"complete", "reset", "client", "none", 20000, 60000, 0, 1, 0, 1, 0}),
    STD(fin_retransmitted, {"complete", "three-way", "client", "client", 20000, 60000, 380000, 0, 0, 0, 0}),
    STD(out_of_order_fin, {"complete", "three-way", "client", "client", 20000, 60000, 60000, 0, 0, 0, 0}),
    STD(fin_with_data, {"complete", "four-way", "client", "client", 20000, 60000, 90000, 0, 0, 0, 0}),
    STD(syn_fin_scan, {"unanswered", "incomplete", "client", "", NOT_SET, NOT_SET, NOT_SET, 0, 0, 0, 0}),
    STD(synack_before_syn, {"complete", "open", "", "", NOT_SET, 60000, NOT_SET, 0, 0, 0, 0}),
    STD(fast_open, {"complete", "three-way", "client", "client", 20000, 60000, 80000, 0, 0, 0, 0}),
    STD(simultaneous_open, {"simultaneous-open", "open", "", "", NOT_SET, NOT_SET, NOT_SET, 0, 0, 0, 0}),
    CASE(mid_stream, 40000, 80, {"not-captured", "four-way", "client", "client", NOT_SET, NOT_SET, 260000, 0, 0, 0, 1}),
    CASE(starts_at_synack, 40000, 80, {"not-captured", "open", "", "", NOT_SET, 60000, NOT_SET, 0, 0, 0, 1}),
    STD(wraparound, {"complete", "half-close", "client", "client", 20000, 60000, 260000, 0, 0, 0, 0}),
    STD(keepalive_then_close, {"complete", "four-way", "client", "client", 20000, 60000, 260000, 0, 0, 0, 0}),
    STD(missing_final_ack, {"complete", "incomplete", "client", "", 20000, 60000, NOT_SET, 0, 0, 0, 0}),
    STD(missing_ack_data_proves_it, {"complete", "half-close", "client", "client", 20000, 60000, 260000, 0, 0, 0, 0}),
    STD(open_at_end, {"complete", "open", "", "", 20000, 60000, NOT_SET, 0, 0, 0, 0}),
    STD(unanswered, {"unanswered", "open", "", "", NOT_SET, NOT_SET, NOT_SET, 0, 2, 0, 0}),
    STD(no_ack, {"no-ack", "open", "", "", 20000, NOT_SET, NOT_SET, 0, 0, 0, 0}),
    STD(client_resets_synack, {"no-ack", "reset", "client", "none", 20000, NOT_SET, 0, 0, 0, 0, 0}),
    STD(ack_is_fin, {"complete", "three-way", "client", "client", 20000, 60000, 80000, 0, 0, 0, 0}),
    /* nothing after the end changes the handshake */
    STD(syn_scan, {"no-ack", "reset", "client", "none", 20000, NOT_SET, 0, 0, 0, 0, 0}),
    STD(syn_scan_late_data, {"no-ack", "reset", "client", "none", 20000, NOT_SET, 0, 0, 0, 0, 0}),
    STD(ack_after_rst, {"no-ack", "reset", "server", "none", 20000, NOT_SET, 0, 0, 0, 0, 0}),
    STD(refused_then_late, {"refused", "refused", "server", "none", NOT_SET, NOT_SET, 0, 0, 0, 0, 0}),
    CASE(synack_rst_late_ack, 40000, 80, {"not-captured", "reset", "server", "none", NOT_SET, NOT_SET, 0, 0, 0, 0, 1}),
    STD(after_close, {"complete", "three-way", "client", "client", 20000, 60000, 80000, 0, 0, 0, 0}),
    STD(reset_then_retransmissions, {"complete", "reset", "client", "none", 20000, 60000, 0, 0, 0, 0, 0}),
};

/* One-pass view: what is known after each packet, before the capture ends. */
static void test_one_pass_knowledge(void)
{
    static const struct tcase tc = STD(four_way_client, {0});
    struct tcpconn c;
    struct tcpconn_summary sum;
    start(&tc, &c);
    for (unsigned i = 0; i < 3; i++) {
        struct tcpconn_segment s = to_segment(&tc, &four_way_client[i], i + 1);
        tcpconn_update(&c, &s);
        tcpconn_summarize(&c, false, &sum);
        CHECK_U64(&tc, "handshake_known during handshake", sum.handshake_known, i == 2);
    }
    for (unsigned i = 3; i < N(four_way_client); i++) {
        struct tcpconn_segment s = to_segment(&tc, &four_way_client[i], i + 1);
        enum tcpconn_mark mark = tcpconn_update(&c, &s);
        tcpconn_summarize(&c, false, &sum);
        bool last = i == N(four_way_client) - 1;
        CHECK_U64(&tc, "style_known before the final ACK", sum.style_known, last);
        CHECK_U64(&tc, "finished", tcpconn_is_finished(&c), last);
        if (i == 5) { /* the first FIN: nobody knows yet how many steps the close takes */
            char got[160];
            roles_text(&sum, i + 1, C, mark, got, sizeof got);
            CHECK_STR(&tc, "role of the first FIN in one pass", got, "FIN (1/?)");
        }
    }
    CHECK_STR(&tc, "style at the final ACK", tcpconn_teardown_style_name(sum.style), "four-way");
}

/* Issue 7 (the compact struct tcpconn): times are kept to the nanosecond however far apart
 * (days, either way), frame numbers up to 2^32 - 1, and the handshake's answered frames stay
 * those of the answers even when SYNs and SYN/ACKs are sent again after them. */
#define DAY_NS 86400000000000ull

static struct tcpconn_segment seg_at(uint64_t t, uint32_t frame, uint8_t from, uint8_t flags, uint32_t seq,
                                     uint32_t ack, uint32_t len)
{
    return (struct tcpconn_segment){.time_ns = t, .frame = frame, .seq = seq, .ack = ack, .payload_len = len,
                                    .window = 1000, .flags = flags, .from = from}; /* ip_id 0: IPv6 */
}

static void test_long_connection(void)
{
    static const struct tcase tc = {"long connection (ns, days, frames near 2^32)", __LINE__, 40000, 80, NULL, 0, {0}};
    const uint64_t t0 = (1ull << 62) + 123; /* any epoch */
    const uint32_t f0 = 4294967000u;
    const uint64_t syn2 = t0 + 3 * DAY_NS + 7, synack = syn2 + 123457, ack = synack + 654321;
    const uint64_t fin_a = t0 + 5 * DAY_NS + 1, ack_a = fin_a + 2 * DAY_NS + 5, fin_b = ack_a + 6, last = fin_b + 999;
    const struct tcpconn_segment segs[] = {
        seg_at(t0, f0, C, SY, 1000, 0, 0),
        seg_at(syn2, f0 + 1, C, SY, 1000, 0, 0),
        seg_at(synack, f0 + 2, S, SY | A, 5000, 1001, 0),
        seg_at(ack, f0 + 3, C, A, 1001, 5001, 0),
        seg_at(ack + 1000000000u, f0 + 10, S, SY | A, 5000, 1001, 0), /* sent again after the ACK */
        seg_at(ack + 2000000000u, f0 + 11, C, SY, 1000, 0, 0),       /* and a late SYN */
        seg_at(fin_a, f0 + 100, C, F | A, 1001, 5001, 0),
        seg_at(ack_a, f0 + 101, S, A, 5001, 1002, 0),
        seg_at(fin_b, f0 + 102, S, F | A, 5001, 1002, 0),
        seg_at(last, 4294967295u, C, A, 1002, 5002, 0),
    };
    struct tcpconn c;
    struct tcpconn_summary sum;
    tcpconn_init(&c, 40000, 80);
    for (unsigned i = 0; i < N(segs); i++)
        tcpconn_update(&c, &segs[i]);
    tcpconn_summarize(&c, true, &sum);
    CHECK_STR(&tc, "handshake", tcpconn_handshake_state_name(sum.handshake), "complete");
    CHECK_U64(&tc, "server leg (from the latest SYN)", sum.server_rtt_ns, 123457u);
    CHECK_U64(&tc, "client leg", sum.client_rtt_ns, 654321u);
    CHECK_U64(&tc, "rtt", sum.rtt_ns, 123457u + 654321u);
    CHECK_U64(&tc, "synack frame", sum.synack_frame, f0 + 2);
    CHECK_U64(&tc, "synack answers", sum.synack_answers_frame, f0 + 1);
    CHECK_U64(&tc, "hs ack frame", sum.hs_ack_frame, f0 + 3);
    CHECK_U64(&tc, "hs ack answers", sum.hs_ack_answers_frame, f0 + 2);
    CHECK_U64(&tc, "syn retransmissions", sum.syn_retransmissions, 2);
    CHECK_U64(&tc, "synack retransmissions", sum.synack_retransmissions, 1);
    CHECK_STR(&tc, "style", tcpconn_teardown_style_name(sum.style), "four-way");
    CHECK_U64(&tc, "duration (days, to the ns)", sum.teardown_duration_ns, last - fin_a);
    CHECK_U64(&tc, "close frame", sum.close_frame, 4294967295u);
    CHECK_U64(&tc, "ack of fin b", sum.ack_of_fin_b_frame, 4294967295u);

    /* A reset after a FIN, days later; and one whose capture time went back before the FIN. */
    for (int back = 0; back < 2; back++) {
        const uint64_t rst = back ? fin_a - 1 : fin_a + 4 * DAY_NS + 3;
        const struct tcpconn_segment r[] = {
            seg_at(t0, f0, S, P | A, 5001, 1001, 100),
            seg_at(fin_a, f0 + 1, C, F | A, 1001, 5101, 0),
            seg_at(rst, f0 + 2, S, R, 5101, 0, 0),
        };
        tcpconn_init(&c, 40000, 80);
        for (unsigned i = 0; i < N(r); i++)
            tcpconn_update(&c, &r[i]);
        tcpconn_summarize(&c, true, &sum);
        CHECK_STR(&tc, "reset after fin", tcpconn_teardown_style_name(sum.style), "reset-after-fin");
        CHECK_U64(&tc, "reset after fin: duration", sum.teardown_duration_ns, back ? TCPCONN_NO_TIME : 4 * DAY_NS + 3);
        CHECK_U64(&tc, "reset after fin: rst frame", sum.rst_frame, f0 + 2);
        CHECK_U64(&tc, "reset after fin: close frame", sum.close_frame, f0 + 2);
        CHECK_U64(&tc, "reset after fin: rst from", sum.rst_from, 1);
    }

    /* SPAN duplicates: within 1 ms after the first copy, per endpoint, even when the other
     * side's segment in between is days away (capture times that jump back). */
    const struct tcpconn_segment d[] = {
        seg_at(t0, 1, C, A, 1001, 5001, 0),
        seg_at(t0 + 999999, 2, C, A, 1001, 5001, 0),
        seg_at(t0 + 1000000, 3, C, A, 1001, 5001, 0),
        seg_at(t0 + 5 * DAY_NS, 4, S, A, 5001, 1001, 0),
        seg_at(t0 + 1000001, 5, C, A, 1001, 5001, 0),
        seg_at(t0 + 5 * DAY_NS + 999999, 6, S, A, 5001, 1001, 0),
    };
    static const enum tcpconn_mark want[] = {TCPCONN_MARK_NONE, TCPCONN_MARK_DUPLICATE, TCPCONN_MARK_NONE,
                                             TCPCONN_MARK_NONE, TCPCONN_MARK_DUPLICATE, TCPCONN_MARK_DUPLICATE};
    tcpconn_init(&c, 40000, 80);
    for (unsigned i = 0; i < N(d); i++) {
        enum tcpconn_mark mark = tcpconn_update(&c, &d[i]);
        CHECK_STR(&tc, "duplicate mark", tcpconn_mark_name(mark), tcpconn_mark_name(want[i]));
    }
}

/* Explanations name the frames of the case; each sentence is read once and kept here. */
struct explain_case {
    const struct tcase *tc;
    const char *handshake, *teardown;
};

static void test_explanations(void)
{
    static const struct explain_case ec[] = {
        {&cases[0],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Four-way close by the client: its FIN in frame 6 was acknowledged separately in frame 7; the server's FIN followed in frame 8 and was acknowledged in frame 9. The client, which closed first, holds TIME_WAIT."},
        {&cases[1],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Four-way close by the server: its FIN in frame 6 was acknowledged separately in frame 7; the client's FIN followed in frame 8 and was acknowledged in frame 9. The server, which closed first, holds TIME_WAIT."},
        {&cases[2],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Three-way close: the FIN+ACK in frame 7 also acknowledges the FIN of frame 6, so no separate ACK was needed; the final ACK is frame 8. The client, which closed first, holds TIME_WAIT."},
        {&cases[3],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Half-close by the client: after its FIN in frame 6 the server kept sending, 1000 bytes of new data in frames 8 to 9, then closed with its FIN in frame 11, acknowledged in frame 12. The client, which closed first, holds TIME_WAIT."},
        {&cases[5],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Simultaneous close: the client's FIN in frame 6 and the server's FIN in frame 7 crossed (each was sent before the other arrived); the first was acknowledged in frame 9, the second in frame 8. Both sides hold TIME_WAIT."},
        {&cases[7],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Reset by the client: the RST in frame 6 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[9],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Reset after FIN: the client sent its FIN in frame 6, then the client's RST in frame 8 ended the connection before the close completed (the RST came instead of the final ACK of the FIN in frame 7). Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[11],
         "Refused: the server answered the SYN in frame 1 with the RST in frame 2 (typically: nothing listens on that port).",
         "Refused: the RST in frame 2 ended the connection before it was established."},
        {&cases[13],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 3 (server leg 20.000 ms), ACK in frame 4 (client leg 60.000 ms); 80.000 ms in all. The SYN was sent 2 times before the SYN/ACK in frame 3; the leg is measured from the latest (frame 2), but the SYN/ACK could answer an earlier one, so it is ambiguous (Karn's rule).",
         "Reset by the client: the RST in frame 5 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[14],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 3 (server leg 20.000 ms), ACK in frame 4 (client leg 60.000 ms); 80.000 ms in all. The SYN in frame 1 was lost or unanswered; the SYN/ACK in frame 3 answers the retransmission in frame 2, by its timestamp echo.",
         "Reset by the client: the RST in frame 5 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[15],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 3 (server leg 20.000 ms), ACK in frame 4 (client leg 60.000 ms); 80.000 ms in all. The SYN was sent 2 times before the SYN/ACK in frame 3; the leg is measured from the latest (frame 2), but the SYN/ACK could answer an earlier one, so it is ambiguous (Karn's rule).",
         "Reset by the client: the RST in frame 5 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[16],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 4 (client leg 60.000 ms); 80.000 ms in all. The SYN/ACK was sent 2 times before the ACK in frame 4; the leg is measured from the latest (frame 3), but the ACK could answer an earlier one, so it is ambiguous (Karn's rule).",
         "Reset by the client: the RST in frame 5 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[23],
         "Simultaneous open: both sides sent a SYN (frames 1 and 2), so neither answered the other and there are no RTT legs.",
         "Open: no FIN or RST was seen."},
        {&cases[24],
         "The capture started after the handshake; client and server are inferred from the ports (the higher port is the client).",
         "Four-way close by the client: its FIN in frame 3 was acknowledged separately in frame 4; the server's FIN followed in frame 5 and was acknowledged in frame 6. The client, which closed first, holds TIME_WAIT."},
        {&cases[25],
         "The capture starts at the SYN/ACK in frame 1 (the SYN is missing), so only the client leg is known: 60.000 ms.",
         "Open: no FIN or RST was seen."},
        {&cases[28],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Incomplete: the client's FIN in frame 6 was acknowledged in frame 7, and the server's FIN in frame 8 was never acknowledged (final ACK missing) before the capture ended."},
        {&cases[31],
         "Unanswered: the SYN in frame 1 (sent 3 times) got no answer in the capture.",
         "Open: no FIN or RST was seen."},
        {&cases[32],
         "No ACK: the SYN/ACK in frame 2 answered the SYN in frame 1, but the client never acknowledged it (server leg 20.000 ms).",
         "Open: no FIN or RST was seen."},
        /* nothing after the end changes the handshake */
        {&cases[35],
         "No ACK: the SYN/ACK in frame 2 answered the SYN in frame 1 (server leg 20.000 ms), but the client answered it with the RST in frame 3 instead of an ACK (typically a SYN scan, e.g. nmap -sS); nothing after that RST completes the handshake.",
         "Reset by the client: the RST in frame 3 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[36],
         "No ACK: the SYN/ACK in frame 2 answered the SYN in frame 1 (server leg 20.000 ms), but the client answered it with the RST in frame 3 instead of an ACK (typically a SYN scan, e.g. nmap -sS); nothing after that RST completes the handshake.",
         "Reset by the client: the RST in frame 3 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[37],
         "No ACK: the SYN/ACK in frame 2 answered the SYN in frame 1 (server leg 20.000 ms), but the server's RST in frame 3 ended the connection before the client acknowledged it; nothing after that RST completes the handshake.",
         "Reset by the server: the RST in frame 3 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[38],
         "Refused: the server answered the SYN in frame 1 with the RST in frame 2 (typically: nothing listens on that port).",
         "Refused: the RST in frame 2 ended the connection before it was established."},
        {&cases[39],
         "The capture starts at the SYN/ACK in frame 1 (the SYN is missing); the server's RST in frame 2 ended the connection before the client acknowledged it, so no leg is known.",
         "Reset by the server: the RST in frame 2 aborted the connection; no FIN came before it. Neither side holds TIME_WAIT: the RST closed both at once."},
        {&cases[40],
         "Handshake complete: SYN in frame 1, SYN/ACK in frame 2 (server leg 20.000 ms), ACK in frame 3 (client leg 60.000 ms); 80.000 ms in all.",
         "Three-way close: the FIN+ACK in frame 7 also acknowledges the FIN of frame 6, so no separate ACK was needed; the final ACK is frame 8. The client, which closed first, holds TIME_WAIT."},
    };
    for (unsigned i = 0; i < N(ec); i++) {
        const struct tcase *tc = ec[i].tc;
        struct tcpconn c;
        start(tc, &c);
        for (unsigned k = 0; k < tc->nsegs; k++) {
            struct tcpconn_segment s = to_segment(tc, &tc->segs[k], k + 1);
            tcpconn_update(&c, &s);
        }
        struct tcpconn_summary sum;
        tcpconn_summarize(&c, true, &sum);
        char text[TCPCONN_EXPLANATION_MAX];
        CHECK_STR(tc, "handshake explanation", tcpconn_explain_handshake(&sum, text, sizeof text), ec[i].handshake);
        CHECK_STR(tc, "teardown explanation", tcpconn_explain_teardown(&sum, text, sizeof text), ec[i].teardown);
        /* A short buffer is cut, never overrun, and stays terminated. */
        char small[12];
        tcpconn_explain_teardown(&sum, small, sizeof small);
        CHECK_U64(tc, "cut explanation length", strlen(small), sizeof small - 1);
    }
}

static void test_names(void)
{
    static const struct tcase tc = {"names", __LINE__, 0, 0, NULL, 0, {0}};
    enum tcpconn_teardown_style st;
    for (unsigned i = 0; i < TCPCONN_TD_COUNT; i++) {
        checks++;
        if (!tcpconn_teardown_style_from_name(tcpconn_teardown_style_name(i), &st) || st != i) {
            failures++;
            printf("  FAIL names: style %u does not round-trip\n", i);
        }
    }
    CHECK_U64(&tc, "unknown style name", tcpconn_teardown_style_from_name("five-way", &st), 0);
    CHECK_STR(&tc, "out of range", tcpconn_teardown_style_name((enum tcpconn_teardown_style)99), "?");
    /* RTT buckets: each boundary belongs to the bucket above it. */
    CHECK_STR(&tc, "bucket 999999 ns", tcpconn_rtt_bucket_name(tcpconn_rtt_bucket_of(999999u)), "< 1 ms");
    CHECK_STR(&tc, "bucket 1 ms", tcpconn_rtt_bucket_name(tcpconn_rtt_bucket_of(1000000u)), "1-10 ms");
    CHECK_STR(&tc, "bucket 10 ms", tcpconn_rtt_bucket_name(tcpconn_rtt_bucket_of(10000000u)), "10-100 ms");
    CHECK_STR(&tc, "bucket 100 ms", tcpconn_rtt_bucket_name(tcpconn_rtt_bucket_of(100000000u)), "100 ms-1 s");
    CHECK_STR(&tc, "bucket 1 s", tcpconn_rtt_bucket_name(tcpconn_rtt_bucket_of(1000000000u)), ">= 1 s");
    CHECK_U64(&tc, "bucket of no time", tcpconn_rtt_bucket_of(TCPCONN_NO_TIME), TCPCONN_RTT_BUCKET_COUNT);
}

int main(void)
{
    for (unsigned i = 0; i < N(cases); i++) {
        int before = failures;
        run_case(&cases[i]);
        printf("%s %s\n", failures == before ? "ok  " : "FAIL", cases[i].name);
    }
    test_one_pass_knowledge();
    test_names();
    test_explanations();
    test_long_connection();
    printf("sizeof(struct tcpconn) = %zu bytes (endpoint state %zu)\n", sizeof(struct tcpconn),
           sizeof(struct tcpconn_endpoint_state));
    printf("%d checks, %d failed\n", checks, failures);
    return failures != 0;
}
