/* packet-tcpconn.c: registration (fields, subtrees, expert items, preferences) and the
 * post-dissector itself. The first pass reads the TCP header (extract.c), feeds the
 * core (table.c) and remembers one word per frame; every pass renders (render.c). */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/prefs.h>

#include "packet-tcpconn.h"

struct tcpconn_hfs tcpconn_hf = { .proto = -1 };
struct tcpconn_etts tcpconn_ett = { -1, -1 };
struct tcpconn_eis tcpconn_ei = {
    EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT,
};
struct tcpconn_prefs tcpconn_prefs = {
    .info_column = TRUE,
    .slow_handshake_ms = 200,
};

/* bench/ablate.sh builds copies that stop at stage N (1 entry, 2 header and stream, 3 table
 * and core, 4 role check) to measure what each stage costs; 0 (every real build) runs all. */
#ifndef TCPCONN_BENCH_STOP
#define TCPCONN_BENCH_STOP 0
#endif

static TCPCONN_PLUGIN_HOT int dissect_tcpconn(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    struct tcpconn_render_ctx ctx = { .tvb = tvb, .pinfo = pinfo, .tree = tree };

    /* The handle's protocol is a helper (see proto_register_tcpconn), so Wireshark does not
     * name the protocol being dissected; expert items and error reports take it from here.
     * The caller restores it. */
    pinfo->current_proto = "TCPCONN";
    if (TCPCONN_BENCH_STOP == 1)
        return 0;

    if (!PINFO_FD_VISITED(pinfo)) {
        struct tcpconn_packet pkt;
        if (!tcpconn_extract(pinfo, &pkt))
            return 0;
        if (TCPCONN_BENCH_STOP == 2)
            return (int)(pkt.stream & 1u);
        ctx.conn = tcpconn_table_update(pinfo, &pkt, &ctx.mark);
        if (!ctx.conn)
            return 0;
        if (TCPCONN_BENCH_STOP == 3)
            return 1;
        ctx.stream = pkt.stream;
        ctx.from = pkt.seg.from;
        ctx.final = false;
    } else {
        if (!tcpconn_table_lookup(pinfo->num, &ctx.stream, &ctx.from, &ctx.mark, &ctx.conn))
            return 0;
        ctx.final = true;
    }
    if (TCPCONN_BENCH_STOP == 4)
        return tcpconn_frame_may_have_role(ctx.conn, pinfo->num, ctx.mark) ? 1 : 0;
    tcpconn_render(&ctx);
    tcpconn_stats_packet(&ctx);
    return tvb_captured_length(tvb);
}

/* Milliseconds with three decimals (microseconds), so that a column of them lines up. */
static void format_ms(char *buf, double ms)
{
    snprintf(buf, ITEM_LABEL_LENGTH, "%.3f", ms);
}

/* The expert items. Wireshark keeps a pointer to each one's expert_field_info, and its
 * "Expert Info Severity" preference (a UAT) changes the severity there, then redissects:
 * so the init routine reads the severities in force from here (items_max_severity). */
static ei_register_info ei[] = {
    { &tcpconn_ei.three_way_close,
      { "tcpconn.three_way_close", PI_SEQUENCE, PI_CHAT,
        "Three-way close: this FIN also acknowledges the peer's FIN (FIN+ACK piggybacked)", EXPFILL } },
    { &tcpconn_ei.simultaneous_close,
      { "tcpconn.simultaneous_close", PI_SEQUENCE, PI_NOTE,
        "Simultaneous close: both FINs were sent before either arrived", EXPFILL } },
    { &tcpconn_ei.half_close_data,
      { "tcpconn.half_close_data", PI_SEQUENCE, PI_NOTE,
        "Half-close: new data after the peer's FIN", EXPFILL } },
    { &tcpconn_ei.reset,
      { "tcpconn.reset", PI_SEQUENCE, PI_WARN, "Connection reset", EXPFILL } },
    { &tcpconn_ei.reset_after_close,
      { "tcpconn.reset_after_close", PI_SEQUENCE, PI_CHAT, "RST after the connection had closed", EXPFILL } },
    { &tcpconn_ei.refused,
      { "tcpconn.refused", PI_SEQUENCE, PI_WARN, "Connection refused: the SYN was answered with RST",
        EXPFILL } },
    { &tcpconn_ei.syn_retransmission,
      { "tcpconn.syn_retransmission", PI_SEQUENCE, PI_NOTE, "SYN retransmitted in the handshake", EXPFILL } },
    { &tcpconn_ei.synack_retransmission,
      { "tcpconn.synack_retransmission", PI_SEQUENCE, PI_NOTE, "SYN/ACK retransmitted in the handshake",
        EXPFILL } },
    { &tcpconn_ei.slow_handshake,
      { "tcpconn.slow_handshake", PI_SEQUENCE, PI_WARN, "Slow handshake: RTT above the threshold", EXPFILL } },
    { &tcpconn_ei.teardown_incomplete,
      { "tcpconn.teardown_incomplete", PI_SEQUENCE, PI_NOTE,
        "Teardown not complete at the end of the capture", EXPFILL } },
    { &tcpconn_ei.teardown_explained,
      { "tcpconn.teardown.explained", PI_SEQUENCE, PI_CHAT,
        "How the connection ended (the teardown explanation)", EXPFILL } },
};

/* The highest severity of the expert items above, as the preference has set them now. */
static int items_max_severity(void)
{
    int max = 0;
    for (size_t i = 0; i < array_length(ei); i++)
        max = MAX(max, ei[i].eiinfo.severity);
    return max;
}

static void tcpconn_init_routine(void)
{
    tcpconn_table_init();
    tcpconn_render_init(items_max_severity());
    tcpconn_stream_cache_init();
    tcpconn_stats_init();
}

static void tcpconn_cleanup_routine(void)
{
    tcpconn_table_cleanup();
    tcpconn_stream_cache_cleanup();
    tcpconn_stats_cleanup();
}

#define FRAMENUM(kind) FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(kind), 0x0

void proto_register_tcpconn(void)
{
    static hf_register_info hf[] = {
        { &tcpconn_hf.stream,
          { "Stream index", "tcpconn.stream", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The tcp.stream number of the connection this packet belongs to.", HFILL } },
        { &tcpconn_hf.role,
          { "Role", "tcpconn.role", FT_STRING, BASE_NONE, NULL, 0x0,
            "This packet's role in the connection's handshake or teardown, with its position in the exchange, "
            "e.g. \"FIN+ACK, piggybacked (2/3)\".", HFILL } },
        { &tcpconn_hf.syn_frame,
          { "Answers the SYN in frame", "tcpconn.syn_frame", FRAMENUM(FT_FRAMENUM_REQUEST),
            "The SYN that this SYN/ACK (or this RST refusing the connection) answers.", HFILL } },
        { &tcpconn_hf.synack_frame,
          { "Acknowledges the SYN/ACK in frame", "tcpconn.synack_frame", FRAMENUM(FT_FRAMENUM_ACK),
            "The SYN/ACK that this client segment acknowledges, completing the handshake.", HFILL } },
        { &tcpconn_hf.answered_in,
          { "Answered in frame", "tcpconn.answered_in", FRAMENUM(FT_FRAMENUM_RESPONSE),
            "The packet that answered this SYN or SYN/ACK.", HFILL } },
        { &tcpconn_hf.acks_fin_frame,
          { "Acknowledges the FIN in frame", "tcpconn.acks_fin_frame", FRAMENUM(FT_FRAMENUM_ACK),
            "The FIN that this packet acknowledges.", HFILL } },
        { &tcpconn_hf.fin_acked_in,
          { "FIN acknowledged in frame", "tcpconn.fin_acked_in", FRAMENUM(FT_FRAMENUM_RESPONSE),
            "The first packet from the other side that acknowledges this FIN.", HFILL } },
        { &tcpconn_hf.retransmission_of,
          { "Retransmission of frame", "tcpconn.retransmission_of", FRAMENUM(FT_FRAMENUM_RETRANS_PREV),
            "The first transmission of the SYN, SYN/ACK or FIN that this packet sends again.", HFILL } },
        { &tcpconn_hf.duplicate_of,
          { "Duplicate of frame", "tcpconn.duplicate_of", FRAMENUM(FT_FRAMENUM_NONE),
            "The earlier capture of this same transmission (a copy seen twice, e.g. on a SPAN port); "
            "it is neither a retransmission nor a step of the exchange.", HFILL } },
        { &tcpconn_hf.related_frame,
          { "Related frame", "tcpconn.related_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "Another packet that this packet's role refers to.", HFILL } },

        { &tcpconn_hf.roles_inferred,
          { "Roles inferred", "tcpconn.roles_inferred", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Present (true) when no SYN was captured, so client and server were inferred from a SYN/ACK or from the port "
            "numbers (the higher, ephemeral port is the client).", HFILL } },
        { &tcpconn_hf.hs_state,
          { "Handshake", "tcpconn.handshake.state", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the connection's handshake went: complete, unanswered, refused, no-ack, simultaneous-open or "
            "not-captured.", HFILL } },
        { &tcpconn_hf.hs_server_rtt,
          { "Server RTT (SYN to SYN/ACK)", "tcpconn.handshake.server_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Round trip between the capture point and the server: from the SYN to the SYN/ACK that answered it.",
            HFILL } },
        { &tcpconn_hf.hs_client_rtt,
          { "Client RTT (SYN/ACK to ACK)", "tcpconn.handshake.client_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Round trip between the capture point and the client: from the SYN/ACK to the first client segment "
            "that acknowledged it.", HFILL } },
        { &tcpconn_hf.hs_rtt,
          { "Handshake RTT", "tcpconn.handshake.rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the SYN to the client's acknowledgment of the SYN/ACK: the server RTT plus the client RTT.",
            HFILL } },
        { &tcpconn_hf.hs_server_rtt_ms,
          { "Server RTT (ms)", "tcpconn.handshake.server_rtt_ms", FT_DOUBLE, BASE_CUSTOM, CF_FUNC(format_ms), 0x0,
            "The server RTT (tcpconn.handshake.server_rtt) in milliseconds, as a number: for a packet-list column "
            "or a filter such as tcpconn.handshake.server_rtt_ms > 100.", HFILL } },
        { &tcpconn_hf.hs_client_rtt_ms,
          { "Client RTT (ms)", "tcpconn.handshake.client_rtt_ms", FT_DOUBLE, BASE_CUSTOM, CF_FUNC(format_ms), 0x0,
            "The client RTT (tcpconn.handshake.client_rtt) in milliseconds, as a number: for a packet-list column "
            "or a filter such as tcpconn.handshake.client_rtt_ms > 100.", HFILL } },
        { &tcpconn_hf.hs_slow,
          { "Slow handshake", "tcpconn.handshake.slow", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Present (true) when the handshake RTT is above the slow_handshake_ms preference (the expert item "
            "tcpconn.slow_handshake marks the packet that completed such a handshake).", HFILL } },
        { &tcpconn_hf.hs_rtt_ambiguous,
          { "RTT ambiguous", "tcpconn.handshake.rtt_ambiguous", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Present (true) when retransmissions make it uncertain which transmission of the SYN or SYN/ACK was answered "
            "(Karn's rule), so an RTT leg may be too short.", HFILL } },
        { &tcpconn_hf.hs_syn_retrans,
          { "SYN retransmissions", "tcpconn.handshake.syn_retransmissions", FT_UINT32, BASE_DEC, NULL, 0x0,
            "How many times the client sent its SYN again.", HFILL } },
        { &tcpconn_hf.hs_synack_retrans,
          { "SYN/ACK retransmissions", "tcpconn.handshake.synack_retransmissions", FT_UINT32, BASE_DEC, NULL, 0x0,
            "How many times the server sent its SYN/ACK again.", HFILL } },
        { &tcpconn_hf.hs_syn_frame,
          { "SYN frame", "tcpconn.handshake.syn_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The connection's first SYN.", HFILL } },
        { &tcpconn_hf.hs_synack_frame,
          { "SYN/ACK frame", "tcpconn.handshake.synack_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The connection's first SYN/ACK.", HFILL } },
        { &tcpconn_hf.hs_ack_frame,
          { "Handshake ACK frame", "tcpconn.handshake.ack_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The client segment that completed the handshake by acknowledging the SYN/ACK.", HFILL } },
        { &tcpconn_hf.td_style,
          { "Teardown style", "tcpconn.teardown.style", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the connection ended: four-way, three-way, simultaneous, half-close, reset, reset-after-fin, "
            "refused, incomplete or open.", HFILL } },
        { &tcpconn_hf.td_initiator,
          { "Teardown initiator", "tcpconn.teardown.initiator", FT_STRING, BASE_NONE, NULL, 0x0,
            "Who started the close: client, server or both (the sender of the first FIN, or of the RST for "
            "reset and refused).", HFILL } },
        { &tcpconn_hf.td_time_wait,
          { "TIME_WAIT held by", "tcpconn.teardown.time_wait", FT_STRING, BASE_NONE, NULL, 0x0,
            "Who holds TIME_WAIT after the close (RFC 9293): client or server (the active closer of a FIN close), "
            "both (a simultaneous close) or none (an RST ended the connection); absent for open and incomplete.",
            HFILL } },
        { &tcpconn_hf.td_duration,
          { "Teardown duration", "tcpconn.teardown.duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the first FIN (or the RST) to the packet that completed the close.", HFILL } },
        { &tcpconn_hf.td_fin_frame,
          { "First FIN frame", "tcpconn.teardown.fin_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The active closer's FIN, the first FIN of the connection.", HFILL } },
        { &tcpconn_hf.td_passive_fin_frame,
          { "Passive closer's FIN frame", "tcpconn.teardown.passive_fin_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The other side's FIN.", HFILL } },
        { &tcpconn_hf.td_close_frame,
          { "Close completed in frame", "tcpconn.teardown.close_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The packet that completed the close: the later of the last FIN and its first acknowledgment.",
            HFILL } },
        { &tcpconn_hf.td_rst_frame,
          { "RST frame", "tcpconn.teardown.rst_frame", FRAMENUM(FT_FRAMENUM_NONE),
            "The connection's first RST: the one that ended it, or a stray RST after its close had completed "
            "(role \"RST after close\", which changes nothing else).", HFILL } },
        { &tcpconn_hf.td_half_close_bytes,
          { "Half-close bytes", "tcpconn.teardown.half_close_bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
            "New payload bytes the passive closer sent after acknowledging the first FIN.", HFILL } },
        { &tcpconn_hf.hs_explanation,
          { "Handshake explanation", "tcpconn.handshake.explanation", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the handshake went, in plain words naming the frames: SYN, SYN/ACK and ACK with both RTT legs, "
            "or what was missing or sent again.", HFILL } },
        { &tcpconn_hf.td_explanation,
          { "Teardown explanation", "tcpconn.teardown.explanation", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the connection ended, in plain words naming the frames, e.g. why a close took three packets "
            "and not four.", HFILL } },
    };

    static int *ett[] = {
        &tcpconn_ett.tcpconn,
        &tcpconn_ett.connection,
    };

    tcpconn_hf.proto = proto_register_protocol("TCP Connection Lifecycle", "TCPCONN", "tcpconn");
    proto_register_field_array(tcpconn_hf.proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(tcpconn_hf.proto);
    expert_register_field_array(expert, ei, array_length(ei));

    module_t *module = prefs_register_protocol(tcpconn_hf.proto, NULL);
    prefs_register_bool_preference(module, "info_column", "Show the role in the Info column",
                                   "Append a short form of each handshake and teardown packet's role to "
                                   "the Info column, e.g. \"[FIN 1/3]\".",
                                   &tcpconn_prefs.info_column);
    prefs_register_bool_preference(module, "info_column_first", "Put the role first in the Info column",
                                   "Put the role in front of the Info column instead of at its end, so that "
                                   "Statistics > Flow Graph (which shows only the start of the Info) shows it.",
                                   &tcpconn_prefs.info_column_first);
    prefs_register_uint_preference(module, "slow_handshake_ms", "Slow handshake threshold (ms)",
                                   "Add a warning to the handshake ACK when the handshake RTT (SYN to the "
                                   "client's ACK) is above this many milliseconds.",
                                   10, &tcpconn_prefs.slow_handshake_ms);

    /* The post-dissector's handle belongs to a helper protocol ("protocol in name only")
     * whose parent is tcpconn, so enabling and disabling tcpconn still switches it. For
     * such a handle Wireshark skips its per-call layer bookkeeping (a list node, a map
     * entry and its allocation on every packet: about 280 instructions, docs/PERFORMANCE.md);
     * the plugin's tree items still sit under the tcpconn protocol item. */
    int post_proto = proto_register_protocol_in_name_only("TCP Connection Lifecycle post-dissector",
                                                          "TCPCONN post-dissector", "tcpconn.postdissector",
                                                          tcpconn_hf.proto, FT_PROTOCOL);
    dissector_handle_t tcpconn_handle = register_dissector("tcpconn", dissect_tcpconn, post_proto);
    register_postdissector(tcpconn_handle);
    register_init_routine(tcpconn_init_routine);
    register_cleanup_routine(tcpconn_cleanup_routine);
    tcpconn_stats_register();
}

void proto_reg_handoff_tcpconn(void)
{
    tcpconn_extract_resolve();
    tcpconn_render_resolve();
}
