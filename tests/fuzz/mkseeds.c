/* mkseeds: seed corpora for the fuzz targets, from real captures.
 * usage: mkseeds OUTDIR CAPTURE...
 * Writes OUTDIR/decode/<capture>-<frame> (one frame each, in fuzz_decode's format) and
 * OUTDIR/core/<capture>-<n> (the TCP segments of each address/port pair, in fuzz_core's
 * format; sequence and ACK numbers relative to the expected next ones, as a fuzzer would
 * write them). OUTDIR/analyze gets copies of the captures (done by make-seeds.sh).
 * Reads the captures with the analyzer's own capture.c and decode.c. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"

static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
                           DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP};

#define MAX_PAIRS 64
#define MAX_SEGS 512

struct pair {
    uint8_t family, a[16], b[16];
    uint16_t pa, pb;
    unsigned n;
    uint8_t hdr[12];
    uint8_t rec[MAX_SEGS][16];
    uint32_t next[2], tsval[2];
    uint64_t last_ns;
    uint32_t last_frame;
};

struct state {
    const char *outdir, *base;
    struct pair pairs[MAX_PAIRS];
    unsigned npairs;
};

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void write_file(const char *dir, const char *base, unsigned n, const uint8_t *a, size_t alen,
                       const uint8_t *b, size_t blen)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s-%04u", dir, base, n);
    if (len < 0 || (size_t)len >= sizeof path) { /* a cut path would write the seed somewhere else */
        fprintf(stderr, "mkseeds: output path too long: %s/%s-%04u\n", dir, base, n);
        exit(1);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        perror(path);
        exit(1);
    }
    fwrite(a, 1, alen, fp);
    if (blen)
        fwrite(b, 1, blen, fp);
    fclose(fp);
}

static int on_frame(const struct frame *f, void *arg)
{
    struct state *st = arg;
    char dir[4096];
    uint8_t hdr[3] = {0, 0, 0};
    for (unsigned i = 0; i < sizeof dlts / sizeof dlts[0]; i++)
        if (dlts[i] == f->dlt)
            hdr[0] = (uint8_t)i;
    if (f->wirelen > f->caplen) {
        size_t extra = f->wirelen - f->caplen;
        if (extra > 0xffff)
            extra = 0xffff;
        hdr[0] |= 0x80;
        hdr[1] = (uint8_t)(extra >> 8);
        hdr[2] = (uint8_t)extra;
    }
    snprintf(dir, sizeof dir, "%s/decode", st->outdir);
    write_file(dir, st->base, f->number, hdr, 3, f->data, f->caplen);

    struct decoded_packet pkt;
    if (decode_frame(f->dlt, f->data, f->caplen, f->wirelen, &pkt) != DECODE_TCP || pkt.in_error)
        return 0;
    unsigned i;
    int from = -1;
    for (i = 0; i < st->npairs; i++) {
        struct pair *p = &st->pairs[i];
        if (p->family != pkt.family)
            continue;
        if (!memcmp(p->a, pkt.src, 16) && !memcmp(p->b, pkt.dst, 16) && p->pa == pkt.sport &&
            p->pb == pkt.dport)
            from = 0;
        else if (!memcmp(p->b, pkt.src, 16) && !memcmp(p->a, pkt.dst, 16) && p->pb == pkt.sport &&
                 p->pa == pkt.dport)
            from = 1;
        if (from >= 0)
            break;
    }
    if (from < 0) {
        if (st->npairs == MAX_PAIRS)
            return 0;
        struct pair *p = &st->pairs[st->npairs++];
        memset(p, 0, sizeof *p);
        p->family = pkt.family;
        memcpy(p->a, pkt.src, 16);
        memcpy(p->b, pkt.dst, 16);
        p->pa = pkt.sport;
        p->pb = pkt.dport;
        put16(p->hdr, pkt.sport);
        put16(p->hdr + 2, pkt.dport);
        put32(p->hdr + 4, pkt.seg.seq);
        put32(p->hdr + 8, pkt.seg.ack ? pkt.seg.ack : pkt.seg.seq + 100000);
        p->next[0] = pkt.seg.seq;
        p->next[1] = pkt.seg.ack ? pkt.seg.ack : pkt.seg.seq + 100000;
        p->tsval[0] = 1000;
        p->tsval[1] = 5000;
        p->last_ns = f->time_ns;
        p->last_frame = f->number - 1;
        from = 0;
    }
    struct pair *p = &st->pairs[i];
    if (p->n == MAX_SEGS)
        return 0;
    const struct tcpconn_segment *s = &pkt.seg;
    uint8_t *r = p->rec[p->n++];
    memset(r, 0, 16);
    r[0] = s->flags;
    r[1] = (uint8_t)(from | (s->has_ts ? 2 : 0));
    int32_t sd = (int32_t)(s->seq - p->next[from]), ad = (int32_t)(s->ack - p->next[!from]);
    if (sd >= -32768 && sd <= 32767 && ad >= -32768 && ad <= 32767) {
        r[1] |= 1 << 2 | 1 << 4; /* both relative to the next expected */
        put16(r + 2, (uint32_t)sd);
        put16(r + 4, (uint32_t)ad);
    } else {
        r[1] |= 2 << 2 | 2 << 4; /* raw (the ACK shares bytes with TSecr and the frame gap) */
        put32(r + 2, s->seq);
        put32(r + 12, s->ack);
    }
    r[6] = (uint8_t)(s->payload_len > 255 ? 255 : s->payload_len);
    uint64_t dt = f->time_ns > p->last_ns ? (f->time_ns - p->last_ns) / 1000 : 0;
    if (f->time_ns < p->last_ns) {
        r[1] |= 0x40;
        dt = (p->last_ns - f->time_ns) / 1000;
    }
    put16(r + 7, (uint32_t)(dt > 0xffff ? 0xffff : dt));
    p->last_ns = f->time_ns;
    r[9] = (uint8_t)(s->window >> 8);
    r[10] = (uint8_t)s->ip_id;
    uint32_t td = s->tsval - p->tsval[from];
    r[11] = (uint8_t)(td > 255 ? 1 : td);
    p->tsval[from] += r[11];
    if ((r[1] & 0x0c) != 0x08) {
        r[12] = (uint8_t)(p->tsval[!from] - s->tsecr > 255 ? 0 : p->tsval[!from] - s->tsecr);
        uint32_t gap = f->number - p->last_frame - 1;
        r[13] = (uint8_t)(gap > 3 ? 3 : gap);
    }
    p->last_frame = f->number;
    uint32_t end = s->seq + s->payload_len + !!(s->flags & 2) + !!(s->flags & 1);
    if ((int32_t)(end - p->next[from]) > 0)
        p->next[from] = end;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mkseeds OUTDIR CAPTURE...\n");
        return 2;
    }
    static struct state st;
    for (int i = 2; i < argc; i++) {
        memset(&st, 0, sizeof st);
        st.outdir = argv[1];
        const char *slash = strrchr(argv[i], '/');
        st.base = slash ? slash + 1 : argv[i];
        uint32_t frames;
        capture_read(argv[i], NULL, on_frame, &st, &frames);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/core", argv[1]);
        for (unsigned k = 0; k < st.npairs; k++)
            write_file(dir, st.base, k, st.pairs[k].hdr, 12, &st.pairs[k].rec[0][0],
                       16u * st.pairs[k].n);
    }
    return 0;
}
