/* render.c: core results -> tree items, expert info and the Info column.
 *
 * Runs on every pass and reads only the connection state and what the first pass
 * stored for the frame. On the first pass the summary is "as known now" and a
 * summary field appears only once the core says it is known; on later passes
 * (tshark -2, the GUI) it is final. Expert info is added even without a tree, wherever
 * someone can see it (expert_seen).
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/column-utils.h>
#include <epan/tap.h>

#include "packet-tcpconn.h"

#define TEXT_LEN 64

/* The "expert" tap's id, looked up when first needed (it may be registered after us). */
static int expert_tap;

/* Running in tshark (its log name, which it also gives GLib): there no status bar shows
 * the highest expert severity, so a pass without a tree, columns or expert listener has
 * no reader at all (see tcpconn_render). */
static bool in_tshark;

/* The highest severity any of the plugin's expert items has (tcpconn_render_init): once
 * Wireshark's highest severity seen has reached it, no item of ours can raise it. */
static int items_max_severity;

/* The protocol and the fields a packet has whether or not it has a role (the stream and
 * the "Connection" subtree), as registered: their ref_type says, per packet, whether a
 * filter, a column, -T fields or a wanted field names them. */
static const header_field_info *connection_fields[64];
static unsigned n_connection_fields;

void tcpconn_render_resolve(void)
{
    expert_tap = 0;
    in_tshark = g_strcmp0(g_get_prgname(), "tshark") == 0;
    const int *ids[] = {
        &tcpconn_hf.proto, &tcpconn_hf.stream,
        &tcpconn_hf.roles_inferred, &tcpconn_hf.hs_state, &tcpconn_hf.hs_server_rtt, &tcpconn_hf.hs_client_rtt,
        &tcpconn_hf.hs_rtt, &tcpconn_hf.hs_server_rtt_ms, &tcpconn_hf.hs_client_rtt_ms, &tcpconn_hf.hs_slow,
        &tcpconn_hf.hs_rtt_ambiguous, &tcpconn_hf.hs_syn_retrans, &tcpconn_hf.hs_synack_retrans,
        &tcpconn_hf.hs_syn_frame, &tcpconn_hf.hs_synack_frame, &tcpconn_hf.hs_ack_frame, &tcpconn_hf.td_style,
        &tcpconn_hf.td_initiator, &tcpconn_hf.td_time_wait, &tcpconn_hf.td_duration, &tcpconn_hf.td_fin_frame,
        &tcpconn_hf.td_passive_fin_frame, &tcpconn_hf.td_close_frame, &tcpconn_hf.td_rst_frame,
        &tcpconn_hf.td_half_close_bytes, &tcpconn_hf.hs_explanation, &tcpconn_hf.td_explanation,
    };
    G_STATIC_ASSERT(G_N_ELEMENTS(ids) <= G_N_ELEMENTS(connection_fields));
    n_connection_fields = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
        connection_fields[n_connection_fields++] = proto_registrar_get_nth((guint)*ids[i]);
}

/* Whether `tree` keeps the items every analysed packet gets (the tcpconn item, the stream,
 * the "Connection" subtree). A visible tree does. A tree nobody sees (a display filter,
 * -T fields, the GUI's coloring rules) keeps only the fields that are named, and the
 * protocol item when protocols are not faked (-z io,phs): with `-Y tcpconn.role` none of
 * them is, and the three packets in four that have no role need no summary at all. */
static TCPCONN_PLUGIN_NOINLINE bool connection_items_kept(proto_tree *tree)
{
    if (PTREE_DATA(tree)->visible || !PTREE_DATA(tree)->fake_protocols)
        return true;
    /* Named by a filter (DIRECT), or from 4.2 on also by -T fields/-e (PRINT); INDIRECT only
     * says that a child is named. */
    for (unsigned i = 0; i < n_connection_fields; i++) {
        hf_ref_type ref = connection_fields[i]->ref_type;
        if (ref != HF_REF_TYPE_NONE && ref != HF_REF_TYPE_INDIRECT)
            return true;
    }
    return false;
}

static bool expert_texts_wanted(void)
{
    if (expert_tap <= 0)
        expert_tap = find_tap_id("expert");
    return expert_tap > 0 && have_tap_listener(expert_tap);
}

void tcpconn_render_init(int max_severity)
{
    items_max_severity = max_severity;
}

/* Whether anyone can see expert info added to this packet. Wireshark keeps nothing of it but
 * what a tree (-V, filters, fields, the GUI's packet details and coloring rules), an "Expert
 * Info Severity" column (COL_EXPERT) or an expert listener (-z expert, the GUI's Expert
 * Information) reads, and the highest severity seen, which the GUI's status bar shows (tshark
 * has none). Without them each item would cost about 1 300 instructions for nothing. That is
 * the GUI's first pass over a file (no tree, no columns) once the highest severity has reached
 * our items' highest (in most captures the first RST's warning does), and most of tshark's. */
static bool expert_seen(const struct tcpconn_render_ctx *ctx)
{
    return ctx->tree || col_get_writable(ctx->pinfo->cinfo, COL_EXPERT) || expert_texts_wanted() ||
           (!in_tshark && expert_get_highest_severity() < items_max_severity);
}

/* Whether the Info column takes the short role. */
static bool info_column_wanted(const struct tcpconn_render_ctx *ctx)
{
    return tcpconn_prefs.info_column && col_get_writable(ctx->pinfo->cinfo, COL_INFO);
}

static proto_item *add_frame(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t frame)
{
    if (frame == TCPCONN_NO_FRAME)
        return NULL;
    proto_item *pi = proto_tree_add_uint(tree, hf, tvb, 0, 0, frame);
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_time(proto_tree *tree, int hf, tvbuff_t *tvb, uint64_t ns)
{
    if (ns == TCPCONN_NO_TIME)
        return NULL;
    nstime_t t;
    t.secs = (time_t)(ns / 1000000000u);
    t.nsecs = (int)(ns % 1000000000u);
    proto_item *pi = proto_tree_add_time(tree, hf, tvb, 0, 0, &t);
    proto_item_set_generated(pi);
    return pi;
}

/* The same time as a number of milliseconds: a column of FT_RELATIVE_TIME shows seconds. */
static proto_item *add_ms(proto_tree *tree, int hf, tvbuff_t *tvb, uint64_t ns)
{
    if (ns == TCPCONN_NO_TIME)
        return NULL;
    proto_item *pi = proto_tree_add_double(tree, hf, tvb, 0, 0, (double)ns / 1e6);
    proto_item_set_generated(pi);
    return pi;
}

static bool handshake_is_slow(const struct tcpconn_summary *sum)
{
    return sum->rtt_ns != TCPCONN_NO_TIME && sum->rtt_ns > (uint64_t)tcpconn_prefs.slow_handshake_ms * 1000000u;
}

static proto_item *add_string(proto_tree *tree, int hf, tvbuff_t *tvb, const char *s)
{
    proto_item *pi = proto_tree_add_string(tree, hf, tvb, 0, 0, s);
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_uint(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t v)
{
    proto_item *pi = proto_tree_add_uint(tree, hf, tvb, 0, 0, v);
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_bool(proto_tree *tree, int hf, tvbuff_t *tvb, bool v)
{
    proto_item *pi = proto_tree_add_boolean(tree, hf, tvb, 0, 0, v);
    proto_item_set_generated(pi);
    return pi;
}

static const char *side_name(const struct tcpconn_summary *sum, tcpconn_endpoint from)
{
    return from == sum->client ? "client" : "server";
}

/* The per-packet links of a role: what the role refers to, and what answered it. */
static void add_role_links(proto_tree *tree, tvbuff_t *tvb, const struct tcpconn_role *r)
{
    int related_hf = tcpconn_hf.related_frame;
    int answered_hf = tcpconn_hf.fin_acked_in;

    switch (r->kind) {
    case TCPCONN_ROLE_SYN:
    case TCPCONN_ROLE_SIMULTANEOUS_SYN:
        answered_hf = tcpconn_hf.answered_in;
        break;
    case TCPCONN_ROLE_SYN_RETRANSMISSION:
    case TCPCONN_ROLE_SYNACK_RETRANSMISSION:
        related_hf = tcpconn_hf.retransmission_of;
        answered_hf = tcpconn_hf.answered_in;
        break;
    case TCPCONN_ROLE_SYNACK:
    case TCPCONN_ROLE_RST_REFUSED:
        related_hf = tcpconn_hf.syn_frame;
        answered_hf = tcpconn_hf.answered_in;
        break;
    case TCPCONN_ROLE_HANDSHAKE_ACK:
        related_hf = tcpconn_hf.synack_frame;
        break;
    case TCPCONN_ROLE_ACK_OF_FIN:
    case TCPCONN_ROLE_PIGGYBACKED_FIN:
    case TCPCONN_ROLE_FINAL_ACK:
    case TCPCONN_ROLE_DATA_AFTER_FIN:
        related_hf = tcpconn_hf.acks_fin_frame;
        break;
    case TCPCONN_ROLE_FIN_RETRANSMISSION:
        related_hf = tcpconn_hf.retransmission_of;
        break;
    case TCPCONN_ROLE_DUPLICATE:
        related_hf = tcpconn_hf.duplicate_of;
        break;
    default:
        break;
    }
    add_frame(tree, related_hf, tvb, r->related);
    add_frame(tree, answered_hf, tvb, r->answered_by);
}

static void add_connection_subtree(proto_tree *tree, tvbuff_t *tvb, const struct tcpconn_summary *sum)
{
    proto_item *ci;
    proto_tree *ct = proto_tree_add_subtree(tree, tvb, 0, 0, tcpconn_ett.connection, &ci, "Connection");
    proto_item_set_generated(ci);

    if (sum->handshake_known) {
        proto_item_append_text(ci, ": handshake %s", tcpconn_handshake_state_name(sum->handshake));
        add_string(ct, tcpconn_hf.hs_state, tvb, tcpconn_handshake_state_name(sum->handshake));
    }
    add_time(ct, tcpconn_hf.hs_server_rtt, tvb, sum->server_rtt_ns);
    add_time(ct, tcpconn_hf.hs_client_rtt, tvb, sum->client_rtt_ns);
    add_time(ct, tcpconn_hf.hs_rtt, tvb, sum->rtt_ns);
    add_ms(ct, tcpconn_hf.hs_server_rtt_ms, tvb, sum->server_rtt_ns);
    add_ms(ct, tcpconn_hf.hs_client_rtt_ms, tvb, sum->client_rtt_ns);
    if (handshake_is_slow(sum))
        add_bool(ct, tcpconn_hf.hs_slow, tvb, true);
    if (sum->handshake_known) {
        /* Flags are present only when true, so that `-Y tcpconn.roles_inferred` selects. */
        if (sum->rtt_ambiguous)
            add_bool(ct, tcpconn_hf.hs_rtt_ambiguous, tvb, true);
        add_uint(ct, tcpconn_hf.hs_syn_retrans, tvb, sum->syn_retransmissions);
        add_uint(ct, tcpconn_hf.hs_synack_retrans, tvb, sum->synack_retransmissions);
        if (sum->roles_inferred)
            add_bool(ct, tcpconn_hf.roles_inferred, tvb, true);
    }
    add_frame(ct, tcpconn_hf.hs_syn_frame, tvb, sum->syn_frame);
    add_frame(ct, tcpconn_hf.hs_synack_frame, tvb, sum->synack_frame);
    add_frame(ct, tcpconn_hf.hs_ack_frame, tvb, sum->hs_ack_frame);

    if (sum->style_known) {
        const char *style = tcpconn_teardown_style_name(sum->style);
        add_string(ct, tcpconn_hf.td_style, tvb, style);
        if (sum->initiator != TCPCONN_BY_NONE) {
            const char *by = tcpconn_initiator_name(sum->initiator);
            add_string(ct, tcpconn_hf.td_initiator, tvb, by);
            proto_item_append_text(ci, "%s%s close by %s", sum->handshake_known ? ", " : ": ", style, by);
        } else {
            proto_item_append_text(ci, "%s%s", sum->handshake_known ? ", " : ": ", style);
        }
        if (sum->time_wait != TCPCONN_TW_UNKNOWN)
            add_string(ct, tcpconn_hf.td_time_wait, tvb, tcpconn_time_wait_name(sum->time_wait));
        add_time(ct, tcpconn_hf.td_duration, tvb, sum->teardown_duration_ns);
        if (sum->half_close_bytes)
            add_uint(ct, tcpconn_hf.td_half_close_bytes, tvb, sum->half_close_bytes);
    }
    add_frame(ct, tcpconn_hf.td_fin_frame, tvb, sum->fin_a_frame);
    add_frame(ct, tcpconn_hf.td_passive_fin_frame, tvb, sum->fin_b_frame);
    add_frame(ct, tcpconn_hf.td_close_frame, tvb, sum->close_frame);
    add_frame(ct, tcpconn_hf.td_rst_frame, tvb, sum->rst_frame);

    /* The sentences cost a few snprintf: only when shown or asked for. */
    char text[TCPCONN_EXPLANATION_MAX];
    if (sum->handshake_known && proto_field_is_referenced(ct, tcpconn_hf.hs_explanation))
        add_string(ct, tcpconn_hf.hs_explanation, tvb, tcpconn_explain_handshake(sum, text, sizeof text));
    if (sum->style_known && proto_field_is_referenced(ct, tcpconn_hf.td_explanation))
        add_string(ct, tcpconn_hf.td_explanation, tvb, tcpconn_explain_teardown(sum, text, sizeof text));
}

/* The packet that decided the teardown style, TCPCONN_NO_FRAME while none did. An
 * incomplete close is decided by the capture's end: its first FIN carries the news. */
static uint32_t deciding_frame(const struct tcpconn_summary *sum, bool final)
{
    if (!sum->style_known)
        return TCPCONN_NO_FRAME;
    switch (sum->style) {
    case TCPCONN_TD_RESET:
    case TCPCONN_TD_RESET_AFTER_FIN:
    case TCPCONN_TD_REFUSED:
        return sum->rst_frame;
    case TCPCONN_TD_FOUR_WAY:
    case TCPCONN_TD_THREE_WAY:
    case TCPCONN_TD_SIMULTANEOUS:
    case TCPCONN_TD_HALF_CLOSE:
        return sum->close_frame;
    case TCPCONN_TD_INCOMPLETE:
        return final ? sum->fin_a_frame : TCPCONN_NO_FRAME;
    case TCPCONN_TD_OPEN:
    default:
        return TCPCONN_NO_FRAME;
    }
}

static void add_expert(const struct tcpconn_render_ctx *ctx, proto_item *pi,
                       const struct tcpconn_summary *sum, const struct tcpconn_role *role)
{
    packet_info *pinfo = ctx->pinfo;

    switch (role->kind) {
    case TCPCONN_ROLE_PIGGYBACKED_FIN:
        if (!sum->style_known || sum->style == TCPCONN_TD_THREE_WAY)
            expert_add_info(pinfo, pi, &tcpconn_ei.three_way_close);
        break;
    case TCPCONN_ROLE_CROSSED_FIN:
        expert_add_info(pinfo, pi, &tcpconn_ei.simultaneous_close);
        break;
    case TCPCONN_ROLE_DATA_AFTER_FIN:
        expert_add_info(pinfo, pi, &tcpconn_ei.half_close_data);
        break;
    case TCPCONN_ROLE_RST:
    case TCPCONN_ROLE_RST_AFTER_FIN:
        if (pinfo->num != sum->rst_frame)
            break; /* a further RST after the one that ended the connection */
        expert_add_info_format(pinfo, pi, &tcpconn_ei.reset, "Connection reset by the %s",
                               side_name(sum, ctx->from));
        break;
    case TCPCONN_ROLE_RST_AFTER_CLOSE:
        expert_add_info_format(pinfo, pi, &tcpconn_ei.reset_after_close,
                               "RST from the %s after the connection had closed", side_name(sum, ctx->from));
        break;
    case TCPCONN_ROLE_RST_REFUSED:
        expert_add_info_format(pinfo, pi, &tcpconn_ei.refused,
                               "Connection refused: the %s answered the SYN with RST", side_name(sum, ctx->from));
        break;
    case TCPCONN_ROLE_SYN_RETRANSMISSION:
        expert_add_info(pinfo, pi, &tcpconn_ei.syn_retransmission);
        break;
    case TCPCONN_ROLE_SYNACK_RETRANSMISSION:
        expert_add_info(pinfo, pi, &tcpconn_ei.synack_retransmission);
        break;
    case TCPCONN_ROLE_HANDSHAKE_ACK:
        if (handshake_is_slow(sum))
            expert_add_info_format(pinfo, pi, &tcpconn_ei.slow_handshake,
                                   "Slow handshake: RTT %.3f ms is above %u ms",
                                   (double)sum->rtt_ns / 1e6, (unsigned)tcpconn_prefs.slow_handshake_ms);
        break;
    default:
        break;
    }
}

/* The expert items that belong to the connection rather than to a role: the unfinished
 * close (known at the capture's end) and the sentence on the packet that decided the style. */
static void add_connection_expert(const struct tcpconn_render_ctx *ctx, proto_item *top,
                                  const struct tcpconn_summary *sum, bool looked_at)
{
    /* Only known once the capture has ended: on the first FIN of an unfinished close. */
    if (ctx->final && sum->style_known && sum->style == TCPCONN_TD_INCOMPLETE &&
        ctx->pinfo->num == sum->fin_a_frame)
        expert_add_info(ctx->pinfo, top, &tcpconn_ei.teardown_incomplete);

    /* The deciding packet says, in words, how the connection ended (one sentence per
     * connection, so the cost is negligible). */
    uint32_t decided = deciding_frame(sum, ctx->final);
    if (decided != TCPCONN_NO_FRAME && decided == ctx->pinfo->num) {
        /* The sentence (a few snprintf) only when someone reads expert texts: a tree, or
         * an expert listener (tshark -z expert, the GUI's Expert Information). */
        if (looked_at || ctx->tree || expert_texts_wanted()) {
            char sentence[TCPCONN_EXPLANATION_MAX];
            expert_add_info_format(ctx->pinfo, top, &tcpconn_ei.teardown_explained, "%s",
                                   tcpconn_explain_teardown(sum, sentence, sizeof sentence));
        } else {
            expert_add_info(ctx->pinfo, top, &tcpconn_ei.teardown_explained);
        }
    }
}

static TCPCONN_PLUGIN_NOINLINE void render_packet(const struct tcpconn_render_ctx *ctx, bool looked_at,
                                                  bool connection_items, bool expert, bool info_wanted);

TCPCONN_PLUGIN_HOT void tcpconn_render(const struct tcpconn_render_ctx *ctx)
{
    /* Build items only when someone looks (a visible tree, a filter, -T fields, -V):
     * most packets of a plain tshark run need just the Info column. */
    bool looked_at = ctx->tree && proto_field_is_referenced(ctx->tree, tcpconn_hf.proto);
    /* Three packets in four are plain data and ACKs: unless their connection items are
     * kept there is nothing to say about them (no role, no expert item), so no summary
     * is made, and the code that would make it stays out of this per-packet path. */
    bool connection_items = looked_at && connection_items_kept(ctx->tree);
    if (connection_items || tcpconn_frame_may_have_role(ctx->conn, ctx->pinfo->num, ctx->mark)) {
        /* Plain tshark -r reads only the Info column; the first pass of tshark -2 (or a
         * tshark that prints nothing) has no tree, no columns and runs no taps, so nothing
         * there reads items, expert info or Info text. (The GUI's first pass looks the same,
         * but its status bar shows the highest expert severity seen, which our items may
         * raise until it reaches theirs: expert_seen.) */
        bool expert = expert_seen(ctx), info_wanted = info_column_wanted(ctx);
        if (looked_at || expert || info_wanted)
            render_packet(ctx, looked_at, connection_items, expert, info_wanted);
    }
}

/* The summary, roles, items, expert info and Info text of one packet. */
static void render_packet(const struct tcpconn_render_ctx *ctx, bool looked_at, bool connection_items, bool expert,
                          bool info_wanted)
{
    struct tcpconn_summary sum;
    struct tcpconn_role roles[TCPCONN_MAX_ROLES];
    char text[TEXT_LEN];

    tcpconn_summarize(ctx->conn, ctx->final, &sum);
    unsigned nroles = tcpconn_roles(&sum, ctx->pinfo->num, ctx->from, ctx->mark, roles);
    for (unsigned i = 0; i < nroles; i++) {
        if (roles[i].kind == TCPCONN_ROLE_DUPLICATE && roles[i].related == TCPCONN_NO_FRAME)
            roles[i].related = tcpconn_table_duplicate_of(ctx->pinfo->num);
    }

    proto_item *top = NULL;
    proto_tree *tree = NULL;
    if (looked_at) {
        top = proto_tree_add_item(ctx->tree, tcpconn_hf.proto, ctx->tvb, 0, 0, ENC_NA);
        proto_item_set_generated(top);
        tree = proto_item_add_subtree(top, tcpconn_ett.tcpconn);
    }

    for (unsigned i = 0; i < nroles; i++) {
        proto_item *role_item = NULL;
        if (tree) {
            tcpconn_role_text(&roles[i], text, sizeof text);
            proto_item_append_text(top, "%s%s", i ? ", " : ", Role: ", text);
            role_item = add_string(tree, tcpconn_hf.role, ctx->tvb, text);
            add_role_links(tree, ctx->tvb, &roles[i]);
        }
        if (expert)
            add_expert(ctx, role_item ? role_item : top, &sum, &roles[i]);
    }
    if (connection_items) {
        add_uint(tree, tcpconn_hf.stream, ctx->tvb, ctx->stream);
        add_connection_subtree(tree, ctx->tvb, &sum);
    }

    if (expert)
        add_connection_expert(ctx, top, &sum, looked_at);

    /* No columns on the first pass of tshark -2 and while the GUI loads a file (the packet
     * list fills its rows later, on a pass that has them): then no text is built. */
    if (nroles && info_wanted) {
        /* "[FIN 1/3]" or "[ACK of FIN 2/4, FIN 3/4]": a quarter of all packets, so no printf. */
        char info[TCPCONN_MAX_ROLES * (TEXT_LEN + 2) + 2];
        size_t used = 0;
        info[used++] = '[';
        for (unsigned i = 0; i < nroles; i++) {
            if (i) {
                info[used++] = ',';
                info[used++] = ' ';
            }
            tcpconn_role_short(&roles[i], text, sizeof text);
            size_t n = strlen(text);
            memcpy(info + used, text, n);
            used += n;
        }
        info[used++] = ']';
        info[used] = '\0';
        /* Appended by default (SPEC.md). In front on request, as Wireshark's own "[TCP
         * Retransmission]": Statistics > Flow Graph shows only the first 20 em of the Info. */
        if (tcpconn_prefs.info_column_first) {
            col_prepend_fstr(ctx->pinfo->cinfo, COL_INFO, "%s ", info);
        } else {
            /* What col_append_sep_str(.., " ", info) does, but col_append_lstr finds the end
             * with strlen instead of two byte-wise g_strlcat scans of the whole Info text
             * (about 1 000 instructions a call in 4.0). */
            const char *now = col_get_text(ctx->pinfo->cinfo, COL_INFO);
            col_append_lstr(ctx->pinfo->cinfo, COL_INFO, now && *now ? " " : "", info, COL_ADD_LSTR_TERMINATOR);
        }
    }
}
