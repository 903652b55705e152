/* stats-servers.c: "TCP Connection Lifecycle by Server" (Statistics menu; tshark -q -z
 * tcpconn_servers,tree), a second tree on the "tcpconn" tap (stats.c queues the records).
 *
 * One branch per server address:port, in the order servers first appear, each counting its
 * connections: by teardown style (initiators below), by TIME_WAIT holder (client, server, both,
 * none; connections whose holder is not known, open and incomplete ones, are not counted
 * there), by handshake state, and by server-leg RTT bucket (SYN -> SYN/ACK; the measured
 * ones). The same rows, per server, as `tcpconn-analyze --summary --by server` gives
 * (tests/stats compares them). A second tree rather than a branch of the first, so that the
 * per-capture tree stays short on captures with many servers.
 *
 * Like the first tree, it counts a connection in the category it has "if the capture ended
 * now" and moves it when a later packet changes that (one pass); its server never changes.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>

#include "packet-tcpconn.h"
#include "stats.h"

/* One server's rows and counts. */
struct server_rows {
    int node, style_node, tw_node, state_node, rtt_node;
    int style_nodes[TCPCONN_TD_COUNT];
    unsigned total;
    unsigned style_count[TCPCONN_TD_COUNT];
    unsigned initiator_count[TCPCONN_TD_COUNT][TCPCONN_BY_COUNT];
    unsigned tw_count[TCPCONN_TW_COUNT];
    unsigned state_count[TCPCONN_HS_COUNT];
    unsigned bucket_count[STATS_NBUCKETS + 1];
};

struct servers_state {
    GHashTable *servers; /* server text (owned) -> struct server_rows * (owned) */
    GHashTable *counted; /* stream + 1 -> stats_pack() of the category it is counted under */
    GHashTable *server_of; /* stream + 1 -> struct server_rows * */
};

static GHashTable *states; /* stats_tree * -> struct servers_state * */

static void free_state(gpointer p)
{
    struct servers_state *ss = p;
    g_hash_table_destroy(ss->servers);
    g_hash_table_destroy(ss->counted);
    g_hash_table_destroy(ss->server_of);
    g_free(ss);
}

static void servers_init_cb(stats_tree *st)
{
    if (!states)
        states = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_state);
    struct servers_state *ss = g_new0(struct servers_state, 1);
    ss->servers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    ss->counted = g_hash_table_new(g_direct_hash, g_direct_equal);
    ss->server_of = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_replace(states, st, ss);
}

static void servers_cleanup_cb(stats_tree *st)
{
    if (states)
        g_hash_table_remove(states, st);
}

/* A server's branch, made at its first connection: the TIME_WAIT and RTT rows exist from the
 * start (zero rows included), style and state rows when first counted. */
static struct server_rows *server_branch(stats_tree *st, struct servers_state *ss, const char *server)
{
    struct server_rows *s = g_hash_table_lookup(ss->servers, server);
    if (s)
        return s;
    s = g_new0(struct server_rows, 1);
    s->node = stats_tree_create_node(st, server, 0, STAT_DT_INT, TRUE);
    s->style_node = stats_tree_create_node(st, ROW_STYLE, s->node, STAT_DT_INT, TRUE);
    s->tw_node = stats_tree_create_node(st, ROW_TIME_WAIT, s->node, STAT_DT_INT, TRUE);
    for (int t = TCPCONN_TW_UNKNOWN + 1; t < TCPCONN_TW_COUNT; t++)
        stats_tree_create_node(st, tcpconn_time_wait_name((enum tcpconn_time_wait)t), s->tw_node, STAT_DT_INT, FALSE);
    s->state_node = stats_tree_create_node(st, ROW_STATE, s->node, STAT_DT_INT, TRUE);
    s->rtt_node = stats_tree_create_node(st, ROW_SERVER_RTT, s->node, STAT_DT_INT, TRUE);
    for (int b = 0; b < STATS_NBUCKETS; b++)
        stats_tree_create_node(st, tcpconn_rtt_bucket_name((enum tcpconn_rtt_bucket)b), s->rtt_node, STAT_DT_INT, FALSE);
    for (int t = 0; t < TCPCONN_TD_COUNT; t++)
        s->style_nodes[t] = -1;
    g_hash_table_insert(ss->servers, g_strdup(server), s);
    return s;
}

/* Add (+1) or remove (-1) one connection of category `packed` under server `name` (rows s). */
static void count(stats_tree *st, const char *name, struct server_rows *s, uint32_t packed, int delta)
{
    unsigned style = stats_style(packed), by = stats_initiator(packed), hs = stats_handshake(packed);
    unsigned tw = stats_time_wait(packed), leg = stats_bucket(packed, 0);
    if (style >= TCPCONN_TD_COUNT || by >= TCPCONN_BY_COUNT || hs >= TCPCONN_HS_COUNT || tw >= TCPCONN_TW_COUNT ||
        leg > STATS_NBUCKETS)
        return;

    s->total += (unsigned)delta;
    set_stat_node(st, name, 0, TRUE, (gint)s->total);
    set_stat_node(st, ROW_STYLE, s->node, TRUE, (gint)s->total);
    if (s->style_nodes[style] < 0)
        s->style_nodes[style] = stats_tree_create_node(
            st, tcpconn_teardown_style_name((enum tcpconn_teardown_style)style), s->style_node, STAT_DT_INT, TRUE);
    s->style_count[style] += (unsigned)delta;
    set_stat_node(st, tcpconn_teardown_style_name((enum tcpconn_teardown_style)style), s->style_node, TRUE,
                  (gint)s->style_count[style]);
    if (by != TCPCONN_BY_NONE) {
        s->initiator_count[style][by] += (unsigned)delta;
        set_stat_node(st, tcpconn_initiator_name((enum tcpconn_initiator)by), s->style_nodes[style], FALSE,
                      (gint)s->initiator_count[style][by]);
    }

    s->tw_count[tw] += (unsigned)delta;
    if (tw != TCPCONN_TW_UNKNOWN) {
        unsigned known = 0;
        for (int t = TCPCONN_TW_UNKNOWN + 1; t < TCPCONN_TW_COUNT; t++)
            known += s->tw_count[t];
        set_stat_node(st, ROW_TIME_WAIT, s->node, TRUE, (gint)known);
        set_stat_node(st, tcpconn_time_wait_name((enum tcpconn_time_wait)tw), s->tw_node, FALSE, (gint)s->tw_count[tw]);
    }

    s->state_count[hs] += (unsigned)delta;
    set_stat_node(st, ROW_STATE, s->node, TRUE, (gint)s->total);
    set_stat_node(st, tcpconn_handshake_state_name((enum tcpconn_handshake_state)hs), s->state_node, FALSE,
                  (gint)s->state_count[hs]);

    s->bucket_count[leg] += (unsigned)delta;
    if (leg < STATS_NBUCKETS) { /* STATS_NBUCKETS: not measured, no row */
        unsigned measured = 0;
        for (int b = 0; b < STATS_NBUCKETS; b++)
            measured += s->bucket_count[b];
        set_stat_node(st, ROW_SERVER_RTT, s->node, TRUE, (gint)measured);
        set_stat_node(st, tcpconn_rtt_bucket_name((enum tcpconn_rtt_bucket)leg), s->rtt_node, FALSE,
                      (gint)s->bucket_count[leg]);
    }
}

static tap_packet_status servers_packet_cb(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                           const void *data, tap_flags_t flags _U_)
{
    const struct stats_rec *rec = data;
    struct servers_state *ss = states ? g_hash_table_lookup(states, st) : NULL;
    if (!rec || !ss || !rec->server)
        return TAP_PACKET_DONT_REDRAW;

    uint32_t now = stats_pack(rec);
    gpointer key = GUINT_TO_POINTER(rec->stream + 1u);
    uint32_t before = GPOINTER_TO_UINT(g_hash_table_lookup(ss->counted, key));
    if (before == now)
        return TAP_PACKET_DONT_REDRAW;
    struct server_rows *s = g_hash_table_lookup(ss->server_of, key);
    if (!s) {
        s = server_branch(st, ss, rec->server);
        g_hash_table_insert(ss->server_of, key, s);
    }
    const char *name = rec->server;
    if (before)
        count(st, name, s, before, -1);
    count(st, name, s, now, +1);
    g_hash_table_insert(ss->counted, key, GUINT_TO_POINTER(now));
    return TAP_PACKET_REDRAW;
}

void tcpconn_stats_servers_register(void)
{
    stats_tree_register_plugin("tcpconn", "tcpconn_servers", ST_SERVERS_NAME, 0, servers_packet_cb, servers_init_cb,
                               servers_cleanup_cb);
}
