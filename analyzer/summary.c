/* summary: per-capture counts of connections, as the plugin's statistics tree shows them.
 *
 * Rows (names shared with plugin/stats.c; tests/stats checks that both agree):
 *   Teardown style         every connection, one row per SPEC.md style (initiators below,
 *                          rows only for initiators counted)
 *   Handshake state        every connection, one row per state
 *   Handshake server RTT   connections whose server leg (SYN -> SYN/ACK) was measured,
 *   Handshake client RTT   the same for the client leg, by bucket
 * One space of indentation per level, in SPEC.md's order, zero rows included.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

#define NBUCKETS TCPCONN_RTT_BUCKET_COUNT

struct summary {
    unsigned long total;
    unsigned long style[TCPCONN_TD_COUNT];
    unsigned long initiator[TCPCONN_TD_COUNT][TCPCONN_BY_COUNT];
    unsigned long state[TCPCONN_HS_COUNT];
    unsigned long bucket[2][NBUCKETS];
};

struct summary *summary_new(void) { return calloc(1, sizeof(struct summary)); }

void summary_free(struct summary *s) { free(s); }

void summary_conn(const struct conn_record *rec, void *arg)
{
    struct summary *s = arg;
    const struct tcpconn_summary *sum = &rec->sum;
    if ((unsigned)sum->style >= TCPCONN_TD_COUNT || (unsigned)sum->initiator >= TCPCONN_BY_COUNT ||
        (unsigned)sum->handshake >= TCPCONN_HS_COUNT)
        return;
    s->total++;
    s->style[sum->style]++;
    s->initiator[sum->style][sum->initiator]++;
    s->state[sum->handshake]++;
    enum tcpconn_rtt_bucket b = tcpconn_rtt_bucket_of(sum->server_rtt_ns);
    if (b < NBUCKETS) /* NBUCKETS: the leg was not measured */
        s->bucket[0][b]++;
    b = tcpconn_rtt_bucket_of(sum->client_rtt_ns);
    if (b < NBUCKETS)
        s->bucket[1][b]++;
}

#define NAME_WIDTH 24

static void row(FILE *out, int depth, const char *name, unsigned long n, unsigned long of)
{
    char pct[16] = "";
    if (depth > 0 && of > 0)
        snprintf(pct, sizeof pct, "%.2f%%", 100.0 * (double)n / (double)of);
    else if (depth == 0)
        snprintf(pct, sizeof pct, "100%%");
    fprintf(out, "%*s%-*s %-10lu %s\n", depth, "", NAME_WIDTH - depth, name, n, pct);
}

void summary_print(const struct summary *s, FILE *out, const char *file)
{
    if (file)
        fprintf(out, "%s\n", file);
    fprintf(out, "TCP Connection Lifecycle:\n");
    fprintf(out, "%-*s %-10s %s\n", NAME_WIDTH, "Topic / Item", "Count", "Percent");
    row(out, 0, "Teardown style", s->total, s->total);
    for (int st = 0; st < TCPCONN_TD_COUNT; st++) {
        row(out, 1, tcpconn_teardown_style_name((enum tcpconn_teardown_style)st), s->style[st], s->total);
        for (int by = TCPCONN_BY_NONE + 1; by < TCPCONN_BY_COUNT; by++)
            if (s->initiator[st][by])
                row(out, 2, tcpconn_initiator_name((enum tcpconn_initiator)by), s->initiator[st][by], s->style[st]);
    }
    row(out, 0, "Handshake state", s->total, s->total);
    for (int hs = 0; hs < TCPCONN_HS_COUNT; hs++)
        row(out, 1, tcpconn_handshake_state_name((enum tcpconn_handshake_state)hs), s->state[hs], s->total);
    static const char *const legs[2] = {"Handshake server RTT", "Handshake client RTT"};
    for (int l = 0; l < 2; l++) {
        unsigned long measured = 0;
        for (int b = 0; b < NBUCKETS; b++)
            measured += s->bucket[l][b];
        row(out, 0, legs[l], measured, measured);
        for (int b = 0; b < NBUCKETS; b++)
            row(out, 1, tcpconn_rtt_bucket_name((enum tcpconn_rtt_bucket)b), s->bucket[l][b], measured);
    }
}
