/* extract.c: the only place that reads other protocols' fields.
 *
 * One table of wanted field names with a parallel enum; the names are resolved in the
 * handoff and handed to set_postdissector_wanted_hfids() so that the TCP and IP
 * dissectors fill them in on the first pass even without a visible tree. With several
 * TCP layers (tunnels) the innermost one is used; TCP quoted inside an ICMP or ICMPv6
 * error is not a segment of the connection and is skipped.
 *
 * Every wanted field costs time on every packet (Wireshark must create and index its
 * field_info), so the list is short: tcp.srcport locates the TCP header that Wireshark
 * dissected (its data source and offset), and the fixed header and the timestamp option
 * are read from those bytes. tcp.stream, tcp.len (which needs the IP length) and ip.id
 * come from their fields.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>

#include "packet-tcpconn.h"

#define TCPCONN_WANTED_FIELDS(X)  \
    X(W_TCP_STREAM, "tcp.stream") \
    X(W_TCP_SRCPORT, "tcp.srcport") \
    X(W_TCP_LEN, "tcp.len")       \
    X(W_IP_ID, "ip.id")

#define W_ENUM(id, name) id,
enum wanted { TCPCONN_WANTED_FIELDS(W_ENUM) W_COUNT };
#undef W_ENUM

#define W_NAME(id, name) name,
static const char *const wanted_name[W_COUNT] = { TCPCONN_WANTED_FIELDS(W_NAME) };
#undef W_NAME

static int wanted_hf[W_COUNT];
static int proto_tcp = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;

void tcpconn_extract_resolve(void)
{
    for (int i = 0; i < W_COUNT; i++)
        wanted_hf[i] = proto_registrar_get_id_byname(wanted_name[i]);
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
}

GArray *tcpconn_extract_wanted_hfids(void)
{
    GArray *a = g_array_sized_new(FALSE, FALSE, (guint)sizeof(int), W_COUNT);
    for (int i = 0; i < W_COUNT; i++) {
        if (wanted_hf[i] > 0)
            g_array_append_val(a, wanted_hf[i]);
    }
    return a;
}

/* True when an ICMP/ICMPv6 layer comes before the last TCP layer: that TCP header is
 * the quoted part of an error message. */
static bool tcp_is_quoted_in_error(packet_info *pinfo)
{
    bool error_seen = false, quoted = false;
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp || id == proto_icmpv6)
            error_seen = true;
        else if (id == proto_tcp)
            quoted = error_seen;
    }
    return quoted;
}

/* The occurrence of a wanted field that belongs to TCP layer `layer` (proto_layer_num). */
static field_info *field_in_layer(proto_tree *tree, enum wanted w, int layer)
{
    if (wanted_hf[w] <= 0)
        return NULL;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, wanted_hf[w]);
    if (!a)
        return NULL;
    for (guint i = a->len; i-- > 0;) {
        field_info *fi = (field_info *)g_ptr_array_index(a, i);
        if (fi->proto_layer_num == layer)
            return fi;
    }
    return NULL;
}

static bool uint_in_layer(proto_tree *tree, enum wanted w, int layer, uint32_t *out)
{
    field_info *fi = field_in_layer(tree, w, layer);
    if (!fi)
        return false;
    *out = TCPCONN_FI_UINT(fi);
    return true;
}

/* IPv4 identification of the IP header right outside the TCP layer at total layer
 * number `tcp_total_layer`; 0 when the innermost network layer is not IPv4. */
static uint16_t ip_id_outside(packet_info *pinfo, proto_tree *tree, int tcp_total_layer)
{
    if (pinfo->src.type != AT_IPv4 || wanted_hf[W_IP_ID] <= 0)
        return 0;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, wanted_hf[W_IP_ID]);
    if (!a)
        return 0;
    for (guint i = a->len; i-- > 0;) {
        field_info *fi = (field_info *)g_ptr_array_index(a, i);
        if (fi->total_layer_num < tcp_total_layer)
            return (uint16_t)TCPCONN_FI_UINT(fi);
    }
    return 0;
}

enum {
    TCP_HDR_MIN = 20,
    TCPOPT_EOL = 0,
    TCPOPT_NOP = 1,
    TCPOPT_TIMESTAMP = 8,
    TCPOLEN_TIMESTAMP = 10,
};

/* The TCP header whose source port field is `fi`: fixed part and timestamp option. */
static bool read_header(const field_info *fi, struct tcpconn_packet *out)
{
    tvbuff_t *tvb = fi->ds_tvb;
    int h = fi->start;
    if (!tvb || h < 0 || !tvb_bytes_exist(tvb, h, TCP_HDR_MIN))
        return false;

    struct tcpconn_segment *s = &out->seg;
    out->srcport = tvb_get_ntohs(tvb, h);
    out->dstport = tvb_get_ntohs(tvb, h + 2);
    s->seq = tvb_get_ntohl(tvb, h + 4);
    s->ack = tvb_get_ntohl(tvb, h + 8);
    int hdr_len = (tvb_get_uint8(tvb, h + 12) >> 4) * 4;
    s->flags = tvb_get_uint8(tvb, h + 13);
    s->window = tvb_get_ntohs(tvb, h + 14);

    if (hdr_len <= TCP_HDR_MIN || !tvb_bytes_exist(tvb, h, hdr_len))
        return true;
    for (int o = h + TCP_HDR_MIN, end = h + hdr_len; o < end;) {
        uint8_t kind = tvb_get_uint8(tvb, o);
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            o++;
            continue;
        }
        if (o + 1 >= end)
            break;
        int len = tvb_get_uint8(tvb, o + 1);
        if (len < 2 || o + len > end)
            break;
        if (kind == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP) {
            s->has_ts = true;
            s->tsval = tvb_get_ntohl(tvb, o + 2);
            s->tsecr = tvb_get_ntohl(tvb, o + 6);
        }
        o += len;
    }
    return true;
}

bool tcpconn_extract(packet_info *pinfo, proto_tree *tree, struct tcpconn_packet *out)
{
    if (!tree || wanted_hf[W_TCP_STREAM] <= 0)
        return false;
    GPtrArray *streams = proto_get_finfo_ptr_array(tree, wanted_hf[W_TCP_STREAM]);
    if (!streams || streams->len == 0)
        return false;
    if (tcp_is_quoted_in_error(pinfo))
        return false;

    field_info *stream_fi = (field_info *)g_ptr_array_index(streams, streams->len - 1);
    int layer = stream_fi->proto_layer_num;
    field_info *srcport_fi = field_in_layer(tree, W_TCP_SRCPORT, layer);
    if (!srcport_fi)
        return false;

    memset(out, 0, sizeof *out);
    if (!read_header(srcport_fi, out))
        return false;
    out->stream = TCPCONN_FI_UINT(stream_fi);

    struct tcpconn_segment *s = &out->seg;
    s->time_ns = (uint64_t)pinfo->abs_ts.secs * 1000000000u + (uint64_t)pinfo->abs_ts.nsecs;
    s->frame = pinfo->num;
    uint32_t len;
    s->payload_len = uint_in_layer(tree, W_TCP_LEN, layer, &len) ? len : 0;
    s->ip_id = ip_id_outside(pinfo, tree, stream_fi->total_layer_num);
    return true;
}
