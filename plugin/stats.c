/* stats.c: the "tcpconn" tap and the "TCP Connection Lifecycle" statistics tree
 * (Statistics menu; tshark -q -z tcpconn,tree).
 *
 * The tree counts connections, each once: by teardown style (and initiator within it),
 * by handshake state, and by the bucket of each handshake RTT leg. What it counts is a
 * connection's category "if the capture ended now" (tcpconn_summarize with at_end), which
 * is the final category once the capture has ended.
 *
 * Tap side (tcpconn_stats_packet, called by the dissector on every pass): while someone
 * listens, it queues {stream, category, server}. On the first pass (one-pass tshark, the GUI
 * loading a file) the category can change as packets arrive: it is queued at the
 * connection's first packet and whenever it changed since the last one queued (a word
 * per stream). On later passes (tshark -2, GUI retaps) the category is final and every
 * packet queues it (so a tap filter selects connections with a matching packet).
 *
 * Tree side: per tree instance, the category each stream was last counted under; a
 * changed category moves the connection from one row to another. Counts are kept here
 * and written with set_stat_node.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>

#include "packet-tcpconn.h"
#include "stats.h"

#define NBUCKETS STATS_NBUCKETS

static int stats_tap = -1;

/* ---- tap side: first-pass memory of what was queued, per stream ---- */

static GArray *queued; /* uint32_t per stream: stats_pack() of the last category queued, 0: none */

void tcpconn_stats_init(void)
{
    queued = g_array_new(FALSE, TRUE, sizeof(uint32_t));
}

void tcpconn_stats_cleanup(void)
{
    if (queued)
        g_array_free(queued, TRUE);
    queued = NULL;
}

/* "198.18.0.2:8080" or "[fd00:198:18::2]:8080": the server's innermost address and port, as
 * tcpconn-analyze writes it (packet scope). */
static const char *server_text(const struct tcpconn_render_ctx *ctx, const struct tcpconn_summary *sum)
{
    packet_info *pinfo = ctx->pinfo;
    bool to_server = ctx->from == sum->client;
    const address *a = to_server ? &pinfo->net_dst : &pinfo->net_src;
    unsigned port = to_server ? pinfo->destport : pinfo->srcport;
    const char *addr = address_to_str(pinfo->pool, a);
    return a->type == AT_IPv6 ? wmem_strdup_printf(pinfo->pool, "[%s]:%u", addr, port)
                              : wmem_strdup_printf(pinfo->pool, "%s:%u", addr, port);
}

static TCPCONN_PLUGIN_NOINLINE void queue_packet(const struct tcpconn_render_ctx *ctx);

TCPCONN_PLUGIN_HOT void tcpconn_stats_packet(const struct tcpconn_render_ctx *ctx)
{
    if (stats_tap >= 0 && have_tap_listener(stats_tap))
        queue_packet(ctx);
}

static void queue_packet(const struct tcpconn_render_ctx *ctx)
{
    struct tcpconn_summary sum;
    tcpconn_summarize(ctx->conn, true, &sum);
    struct stats_rec rec = {
        .stream = ctx->stream,
        .style = (uint8_t)sum.style,
        .initiator = (uint8_t)sum.initiator,
        .handshake = (uint8_t)sum.handshake,
        .server_bucket = tcpconn_rtt_bucket_of(sum.server_rtt_ns),
        .client_bucket = tcpconn_rtt_bucket_of(sum.client_rtt_ns),
        .time_wait = (uint8_t)sum.time_wait,
    };

    if (!ctx->final && queued) {
        if (ctx->stream >= queued->len)
            g_array_set_size(queued, ctx->stream + 1);
        uint32_t *last = &g_array_index(queued, uint32_t, ctx->stream);
        uint32_t now = stats_pack(&rec);
        if (*last == now)
            return;
        *last = now;
    }
    rec.server = server_text(ctx, &sum);
    struct stats_rec *copy = wmem_new(ctx->pinfo->pool, struct stats_rec);
    *copy = rec;
    tap_queue_packet(stats_tap, ctx->pinfo, copy);
}

/* ---- tree side ---- */

struct tree_state {
    GHashTable *counted; /* stream -> stats_pack() of the category it is counted under */
    int style_node, state_node, rtt_node[2];
    int style_nodes[TCPCONN_TD_COUNT];
    unsigned style_count[TCPCONN_TD_COUNT];
    unsigned initiator_count[TCPCONN_TD_COUNT][TCPCONN_BY_COUNT];
    unsigned state_count[TCPCONN_HS_COUNT];
    unsigned bucket_count[2][NBUCKETS + 1];
    unsigned total;
};

static GHashTable *tree_states; /* stats_tree * -> struct tree_state * */

static void free_tree_state(gpointer p)
{
    struct tree_state *ts = p;
    g_hash_table_destroy(ts->counted);
    g_free(ts);
}

static void stats_tree_init_cb(stats_tree *st)
{
    if (!tree_states)
        tree_states = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_tree_state);
    struct tree_state *ts = g_new0(struct tree_state, 1);
    ts->counted = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_replace(tree_states, st, ts);

    /* Every style, state and bucket row exists from the start (zero rows included), in
     * SPEC.md's order; initiator rows appear under a style when first counted. */
    ts->style_node = stats_tree_create_node(st, ROW_STYLE, 0, STAT_DT_INT, TRUE);
    for (int s = 0; s < TCPCONN_TD_COUNT; s++)
        ts->style_nodes[s] = stats_tree_create_node(st, tcpconn_teardown_style_name((enum tcpconn_teardown_style)s),
                                                    ts->style_node, STAT_DT_INT, TRUE);
    ts->state_node = stats_tree_create_node(st, ROW_STATE, 0, STAT_DT_INT, TRUE);
    for (int s = 0; s < TCPCONN_HS_COUNT; s++)
        stats_tree_create_node(st, tcpconn_handshake_state_name((enum tcpconn_handshake_state)s), ts->state_node,
                               STAT_DT_INT, FALSE);
    ts->rtt_node[0] = stats_tree_create_node(st, ROW_SERVER_RTT, 0, STAT_DT_INT, TRUE);
    for (int b = 0; b < NBUCKETS; b++)
        stats_tree_create_node(st, tcpconn_rtt_bucket_name((enum tcpconn_rtt_bucket)b), ts->rtt_node[0], STAT_DT_INT, FALSE);
    ts->rtt_node[1] = stats_tree_create_node(st, ROW_CLIENT_RTT, 0, STAT_DT_INT, TRUE);
    for (int b = 0; b < NBUCKETS; b++)
        stats_tree_create_node(st, tcpconn_rtt_bucket_name((enum tcpconn_rtt_bucket)b), ts->rtt_node[1], STAT_DT_INT, FALSE);
}

static void stats_tree_cleanup_cb(stats_tree *st)
{
    if (tree_states)
        g_hash_table_remove(tree_states, st);
}

/* Add (delta +1) or remove (-1) one connection of category `packed`, and write the rows
 * it touches. */
static void count(stats_tree *st, struct tree_state *ts, uint32_t packed, int delta)
{
    unsigned style = stats_style(packed), by = stats_initiator(packed), hs = stats_handshake(packed);
    unsigned leg[2] = { stats_bucket(packed, 0), stats_bucket(packed, 1) };
    if (style >= TCPCONN_TD_COUNT || by >= TCPCONN_BY_COUNT || hs >= TCPCONN_HS_COUNT)
        return;

    ts->total += (unsigned)delta;
    set_stat_node(st, ROW_STYLE, 0, TRUE, (gint)ts->total);
    const char *style_name = tcpconn_teardown_style_name((enum tcpconn_teardown_style)style);
    ts->style_count[style] += (unsigned)delta;
    set_stat_node(st, style_name, ts->style_node, TRUE, (gint)ts->style_count[style]);
    if (by != TCPCONN_BY_NONE) {
        ts->initiator_count[style][by] += (unsigned)delta;
        set_stat_node(st, tcpconn_initiator_name((enum tcpconn_initiator)by), ts->style_nodes[style], FALSE,
                      (gint)ts->initiator_count[style][by]);
    }

    set_stat_node(st, ROW_STATE, 0, TRUE, (gint)ts->total);
    ts->state_count[hs] += (unsigned)delta;
    set_stat_node(st, tcpconn_handshake_state_name((enum tcpconn_handshake_state)hs), ts->state_node, FALSE,
                  (gint)ts->state_count[hs]);

    static const char *const rtt_rows[2] = { ROW_SERVER_RTT, ROW_CLIENT_RTT };
    for (int l = 0; l < 2; l++) {
        if (leg[l] > NBUCKETS)
            continue;
        ts->bucket_count[l][leg[l]] += (unsigned)delta;
        if (leg[l] == NBUCKETS)
            continue; /* not measured: no row */
        unsigned measured = 0;
        for (int b = 0; b < NBUCKETS; b++)
            measured += ts->bucket_count[l][b];
        set_stat_node(st, rtt_rows[l], 0, TRUE, (gint)measured);
        set_stat_node(st, tcpconn_rtt_bucket_name((enum tcpconn_rtt_bucket)leg[l]), ts->rtt_node[l], FALSE, (gint)ts->bucket_count[l][leg[l]]);
    }
}

static tap_packet_status stats_tree_packet_cb(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                              const void *data, tap_flags_t flags _U_)
{
    const struct stats_rec *rec = data;
    struct tree_state *ts = tree_states ? g_hash_table_lookup(tree_states, st) : NULL;
    if (!rec || !ts)
        return TAP_PACKET_DONT_REDRAW;

    uint32_t now = stats_pack(rec);
    gpointer key = GUINT_TO_POINTER(rec->stream + 1u);
    uint32_t before = GPOINTER_TO_UINT(g_hash_table_lookup(ts->counted, key));
    if (before == now)
        return TAP_PACKET_DONT_REDRAW;
    if (before)
        count(st, ts, before, -1);
    count(st, ts, now, +1);
    g_hash_table_insert(ts->counted, key, GUINT_TO_POINTER(now));
    return TAP_PACKET_REDRAW;
}

void tcpconn_stats_register(void)
{
    stats_tap = register_tap("tcpconn");
    stats_tree_register_plugin("tcpconn", "tcpconn", ST_NAME, 0, stats_tree_packet_cb, stats_tree_init_cb,
                               stats_tree_cleanup_cb);
    tcpconn_stats_servers_register();
}
