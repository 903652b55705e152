/* packet-tcpconn.h: what the plugin's files share.
 *
 *   packet-tcpconn.c  registration (hf, ett, ei, prefs, post-dissector) and the dissector
 *   extract.c         the only code that reads what the IP and TCP dissectors left behind
 *   stream-cache.c    a memo of tcp.stream per address/port pair (for extract.c)
 *   table.c           per-connection core state and the compact per-frame record
 *   render.c          core results -> tree items, expert info, Info column
 *   stats.c           the "tcpconn" tap and the statistics tree (Statistics menu, -z tcpconn,tree)
 */
#ifndef PACKET_TCPCONN_H
#define PACKET_TCPCONN_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>
#include <epan/expert.h>

#include "ws-compat.h"
#include "tcpconn.h"

/* Rare or once-per-connection code, kept out of the per-packet path (as TCPCONN_COLD in
 * core/facts.h: tshark's own per-packet code already overflows the instruction cache). */
#if defined(__GNUC__)
#define TCPCONN_PLUGIN_COLD __attribute__((cold, noinline))
#else
#define TCPCONN_PLUGIN_COLD
#endif

/* The functions every packet passes through, kept next to each other in .text.hot (as
 * TCPCONN_HOT in core/facts.h). */
#if defined(__GNUC__)
#define TCPCONN_PLUGIN_HOT __attribute__((hot))
#else
#define TCPCONN_PLUGIN_HOT
#endif

/* Per-packet code's less common branches (IPv6, option lists, a packet with a role): out of
 * line, so that the hot functions stay short, but not cold (that is for rare code). */
#if defined(__GNUC__)
#define TCPCONN_PLUGIN_NOINLINE __attribute__((noinline))
#else
#define TCPCONN_PLUGIN_NOINLINE
#endif

void proto_register_tcpconn(void);
void proto_reg_handoff_tcpconn(void);

/* ---- registration results (packet-tcpconn.c) ---- */

struct tcpconn_hfs {
    int proto;
    /* per packet, at the top of the tcpconn tree */
    int stream;
    int role;
    int syn_frame;          /* the SYN a SYN/ACK (or refusing RST) answers */
    int synack_frame;       /* the SYN/ACK a handshake ACK acknowledges */
    int answered_in;        /* the packet that answered this SYN / SYN/ACK */
    int acks_fin_frame;     /* the FIN this packet acknowledges */
    int fin_acked_in;       /* the packet that acknowledges this FIN */
    int retransmission_of;  /* first transmission of this SYN / SYN/ACK / FIN */
    int duplicate_of;       /* earlier capture of the same transmission */
    int related_frame;      /* any other frame a role refers to */
    /* per connection, in the "Connection" subtree */
    int roles_inferred;
    int hs_state;
    int hs_server_rtt;
    int hs_client_rtt;
    int hs_rtt;
    int hs_server_rtt_ms;   /* the legs again, as numbers of milliseconds (for columns) */
    int hs_client_rtt_ms;
    int hs_slow;            /* handshake RTT above the slow_handshake_ms preference */
    int hs_rtt_ambiguous;
    int hs_syn_retrans;
    int hs_synack_retrans;
    int hs_syn_frame;
    int hs_synack_frame;
    int hs_ack_frame;
    int td_style;
    int td_initiator;
    int td_time_wait;
    int td_duration;
    int td_fin_frame;
    int td_passive_fin_frame;
    int td_close_frame;
    int td_rst_frame;
    int td_half_close_bytes;
    int hs_explanation;     /* tcpconn_explain_handshake() */
    int td_explanation;     /* tcpconn_explain_teardown() */
};

struct tcpconn_etts {
    int tcpconn;
    int connection;
};

struct tcpconn_eis {
    expert_field three_way_close;
    expert_field simultaneous_close;
    expert_field half_close_data;
    expert_field reset;
    expert_field reset_after_close;
    expert_field refused;
    expert_field syn_retransmission;
    expert_field synack_retransmission;
    expert_field slow_handshake;
    expert_field teardown_incomplete;
    expert_field teardown_explained; /* on the packet that decided the style: the sentence */
};

struct tcpconn_prefs {
    tcpconn_pref_bool info_column;     /* append the short role to the Info column */
    tcpconn_pref_bool info_column_first; /* ... in front of it instead (for the Flow Graph) */
    tcpconn_pref_uint slow_handshake_ms; /* warn above this handshake RTT */
};

extern struct tcpconn_hfs tcpconn_hf;
extern struct tcpconn_etts tcpconn_ett;
extern struct tcpconn_eis tcpconn_ei;
extern struct tcpconn_prefs tcpconn_prefs;

/* ---- extract.c ---- */

/* One TCP packet as read from its headers: the core segment (without its direction,
 * which the connection table decides) plus what identifies the connection. */
struct tcpconn_packet {
    uint32_t stream;
    uint16_t srcport;
    uint16_t dstport;
    struct tcpconn_segment seg;
};

void tcpconn_extract_resolve(void); /* handoff: protocol ids */
/* First pass: reads the innermost TCP layer (no tree needed). False when the packet has
 * no analysable TCP, e.g. TCP quoted inside an ICMP error. */
bool tcpconn_extract(packet_info *pinfo, struct tcpconn_packet *out);

/* ---- stream-cache.c ---- */

/* An address/port pair, the same for both directions (stream-cache.c). */
struct tcpconn_pair_key {
    guint64 w[5];
};

/* What the stream cache keeps with each connection (in table.c's entry) to check its index:
 * the pair it was remembered for, and in which generation. */
struct tcpconn_stream_memo {
    struct tcpconn_pair_key key;
    guint32 generation;
};

void tcpconn_stream_cache_init(void);
void tcpconn_stream_cache_cleanup(void);
void tcpconn_stream_cache_invalidate(void); /* forget every entry */
/* The stream remembered for pinfo's innermost address/port tuple (net_src/net_dst, srcport/destport). */
bool tcpconn_stream_cache_get(const packet_info *pinfo, uint32_t *stream);
void tcpconn_stream_cache_put(const packet_info *pinfo, uint32_t stream);

/* ---- table.c ---- */

void tcpconn_table_init(void);
void tcpconn_table_cleanup(void);
/* First pass: find or start the connection of `pkt`, set pkt->seg.from, feed the core,
 * and remember (stream, mark) for frame pkt->seg.frame. Returns the connection. */
const struct tcpconn *tcpconn_table_update(packet_info *pinfo, struct tcpconn_packet *pkt,
                                           enum tcpconn_mark *mark_out);
/* The stream cache's memo of a stream's connection (create: make room for it), NULL when
 * the stream has none (or is beyond what the table analyses). */
struct tcpconn_stream_memo *tcpconn_table_memo(uint32_t stream, bool create);
/* Any pass: what the first pass stored for `frame`. False when the frame is not part
 * of an analysed connection. */
bool tcpconn_table_lookup(uint32_t frame, uint32_t *stream, tcpconn_endpoint *from,
                          enum tcpconn_mark *mark, const struct tcpconn **conn);

/* The frame a duplicate (TCPCONN_MARK_DUPLICATE) copies, or TCPCONN_NO_FRAME. */
uint32_t tcpconn_table_duplicate_of(uint32_t frame);

/* ---- render.c ---- */

struct tcpconn_render_ctx {
    tvbuff_t *tvb;
    packet_info *pinfo;
    proto_tree *tree;
    const struct tcpconn *conn;
    uint32_t stream;
    tcpconn_endpoint from; /* this packet's sender */
    enum tcpconn_mark mark;
    bool final;  /* the whole capture has been seen (a later pass) */
};

void tcpconn_render(const struct tcpconn_render_ctx *ctx);
void tcpconn_render_resolve(void); /* handoff: the expert tap's id */
void tcpconn_render_init(int max_severity); /* each file: the highest severity of our expert items */

/* ---- stats.c ---- */

void tcpconn_stats_register(void); /* the "tcpconn" tap and the statistics tree */
void tcpconn_stats_init(void);
void tcpconn_stats_cleanup(void);
/* Any pass, after rendering: queue the connection's category to the tap if someone listens. */
void tcpconn_stats_packet(const struct tcpconn_render_ctx *ctx);

#endif
