/* pcapng: the pcapng file format, read block by block (see pcapng.h). */
#include "pcapng.h"

#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
    BLOCK_SHB = 0x0A0D0D0A,
    BLOCK_IDB = 1,
    BLOCK_PB = 2, /* obsolete packet block */
    BLOCK_SPB = 3,
    BLOCK_EPB = 6,
    /* frames in Wireshark 4.0's numbering, though not packets */
    BLOCK_SYSTEMD_JOURNAL = 9,
    BLOCK_CUSTOM = 0x00000BAD,
    BLOCK_CUSTOM_NOCOPY = 0x40000BAD,
    OPT_END = 0,
    OPT_IF_TSRESOL = 9,
    OPT_IF_TSOFFSET = 14,
    /* libpcap's bound on a block: a bogus length is damage, not a reason to allocate 4 GiB */
    MAX_BLOCK = 16 * 1024 * 1024,
    MAX_INTERFACES = 65536,
};

struct iface {
    int dlt;
    uint32_t snaplen;
    uint8_t tsresol; /* as if_tsresol: bit 7 set for 2^-n, else 10^-n */
    int64_t tsoffset; /* seconds */
};

struct pcapng {
    FILE *fp;
    bool big; /* the current section is big-endian */
    struct iface *ifs;
    size_t nifs, cap_ifs;
    uint8_t *buf; /* the current block's body */
    size_t bufcap, len;
    uint32_t type;
    bool pending; /* buf holds a packet block read by pcapng_open, not yet delivered */
    bool failed;
    char deferred[PCAPNG_ERRLEN]; /* damage met by pcapng_open after the section header */
    int *first_dlts;
    size_t nfirst;
    uint64_t last_ns; /* the time of simple packet blocks, which have none */
};

static uint16_t rd16(const struct pcapng *ng, const uint8_t *p)
{
    return ng->big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const struct pcapng *ng, const uint8_t *p)
{
    return ng->big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const struct pcapng *ng, const uint8_t *p)
{
    return ng->big ? (uint64_t)rd32(ng, p) << 32 | rd32(ng, p + 4)
                   : (uint64_t)rd32(ng, p + 4) << 32 | rd32(ng, p);
}

/* The few LINKTYPE_ values whose DLT_ differs (libpcap's pcap-common.c); the rest agree. */
static int linktype_to_dlt(uint16_t linktype)
{
    switch (linktype) {
    case 101: return DLT_RAW;
    case 108: return DLT_LOOP;
    case 100: return DLT_ATM_RFC1483;
    default: return linktype;
    }
}

/* Reads one block into ng->buf: 1, or 0 at a clean end of file, or -1 with err set. */
static int read_block(struct pcapng *ng, char *err)
{
    uint8_t head[12];
    size_t got = fread(head, 1, 8, ng->fp);
    if (got == 0 && !ferror(ng->fp))
        return 0;
    if (got < 8) {
        snprintf(err, PCAPNG_ERRLEN, "block header cut short");
        return -1;
    }
    size_t have = 0; /* body bytes already read */
    if (memcmp(head, "\x0A\x0D\x0D\x0A", 4) == 0) { /* a section header: its own byte order */
        if (fread(head + 8, 1, 4, ng->fp) < 4) {
            snprintf(err, PCAPNG_ERRLEN, "section header cut short");
            return -1;
        }
        if (memcmp(head + 8, "\x1A\x2B\x3C\x4D", 4) == 0)
            ng->big = true;
        else if (memcmp(head + 8, "\x4D\x3C\x2B\x1A", 4) == 0)
            ng->big = false;
        else {
            snprintf(err, PCAPNG_ERRLEN, "section header with a bad byte-order magic");
            return -1;
        }
        have = 4;
    }
    ng->type = rd32(ng, head);
    uint32_t total = rd32(ng, head + 4);
    if (total < 12 + have || total % 4 || total > MAX_BLOCK) {
        snprintf(err, PCAPNG_ERRLEN, "block of type 0x%x with a bad length %u", (unsigned)ng->type,
                 (unsigned)total);
        return -1;
    }
    size_t need = total - 8; /* body and trailing length */
    if (need > ng->bufcap) {
        uint8_t *nb = realloc(ng->buf, need);
        if (!nb) {
            snprintf(err, PCAPNG_ERRLEN, "out of memory");
            return -1;
        }
        ng->buf = nb;
        ng->bufcap = need;
    }
    memcpy(ng->buf, head + 8, have);
    if (fread(ng->buf + have, 1, need - have, ng->fp) < need - have) {
        snprintf(err, PCAPNG_ERRLEN, "block of type 0x%x cut short", (unsigned)ng->type);
        return -1;
    }
    ng->len = need - 4;
    if (rd32(ng, ng->buf + ng->len) != total) { /* as Wireshark: the two lengths must agree */
        snprintf(err, PCAPNG_ERRLEN, "block of type 0x%x whose two lengths differ", (unsigned)ng->type);
        return -1;
    }
    return 1;
}

static bool is_other_record(uint32_t type)
{
    return type == BLOCK_SYSTEMD_JOURNAL || type == BLOCK_CUSTOM || type == BLOCK_CUSTOM_NOCOPY;
}

/* The blocks that are frames (tshark numbers them; the rest are skipped). */
static bool is_packet_block(uint32_t type)
{
    return type == BLOCK_EPB || type == BLOCK_SPB || type == BLOCK_PB || is_other_record(type);
}

static int section_header(struct pcapng *ng, char *err)
{
    if (ng->len < 16) {
        snprintf(err, PCAPNG_ERRLEN, "section header too short");
        return -1;
    }
    uint16_t major = rd16(ng, ng->buf + 4);
    if (major != 1) {
        snprintf(err, PCAPNG_ERRLEN, "pcapng version %u is not supported", (unsigned)major);
        return -1;
    }
    ng->nifs = 0; /* interfaces are per section */
    return 0;
}

static int interface_description(struct pcapng *ng, char *err)
{
    if (ng->len < 8) {
        snprintf(err, PCAPNG_ERRLEN, "interface description too short");
        return -1;
    }
    if (ng->nifs == ng->cap_ifs) {
        size_t n = ng->cap_ifs ? ng->cap_ifs * 2 : 4;
        struct iface *ni = n <= MAX_INTERFACES ? realloc(ng->ifs, n * sizeof *ni) : NULL;
        if (!ni) {
            snprintf(err, PCAPNG_ERRLEN, "too many interfaces");
            return -1;
        }
        ng->ifs = ni;
        ng->cap_ifs = n;
    }
    struct iface *i = &ng->ifs[ng->nifs++];
    *i = (struct iface){.dlt = linktype_to_dlt(rd16(ng, ng->buf)),
                        .snaplen = rd32(ng, ng->buf + 4),
                        .tsresol = 6};
    /* options: code, length, value padded to 4 bytes; a malformed tail is ignored */
    for (size_t off = 8; off + 4 <= ng->len;) {
        uint16_t code = rd16(ng, ng->buf + off), olen = rd16(ng, ng->buf + off + 2);
        const uint8_t *v = ng->buf + off + 4;
        if (code == OPT_END || olen > ng->len - off - 4)
            break;
        if (code == OPT_IF_TSRESOL && olen == 1)
            i->tsresol = v[0];
        else if (code == OPT_IF_TSOFFSET && olen == 8)
            i->tsoffset = (int64_t)rd64(ng, v);
        off += 4 + ((size_t)olen + 3) / 4 * 4;
    }
    return 0;
}

/* A timestamp in the interface's units, in nanoseconds since the epoch. */
static uint64_t to_ns(const struct iface *i, uint64_t ts)
{
    uint64_t ns;
    unsigned e = i->tsresol & 0x7f;
    if (i->tsresol & 0x80) { /* 2^-e seconds */
        uint64_t sec = e < 64 ? ts >> e : 0;
        uint64_t frac = e < 64 ? ts & ((UINT64_C(1) << e) - 1) : ts;
        if (e > 30) { /* keep frac * 10^9 within 64 bits */
            frac = e - 30 < 64 ? frac >> (e - 30) : 0;
            e = 30;
        }
        ns = sec * 1000000000u + ((frac * 1000000000u) >> e);
    } else if (e <= 9) {
        ns = ts;
        for (unsigned k = e; k < 9; k++)
            ns *= 10;
    } else {
        ns = ts;
        for (unsigned k = 9; k < e && ns; k++)
            ns /= 10;
    }
    return ns + (uint64_t)i->tsoffset * 1000000000u;
}

static const struct iface *packet_iface(const struct pcapng *ng, uint32_t id, char *err)
{
    if (id >= ng->nifs) {
        snprintf(err, PCAPNG_ERRLEN, "packet on interface %u, which the section does not describe",
                 (unsigned)id);
        return NULL;
    }
    return &ng->ifs[id];
}

/* The packet block in buf, as a packet. */
static int packet(struct pcapng *ng, struct pcapng_packet *p, char *err)
{
    const uint8_t *b = ng->buf;
    const struct iface *i;
    if (is_other_record(ng->type)) { /* counted, as tshark numbers them; never IP */
        *p = (struct pcapng_packet){.time_ns = ng->last_ns, .data = b, .caplen = ng->len,
                                    .wirelen = ng->len, .dlt = -1};
        return 1;
    }
    if (ng->type == BLOCK_SPB) {
        if (ng->len < 4 || !(i = packet_iface(ng, 0, err)))
            goto bad;
        size_t cap = rd32(ng, b);
        if (cap > ng->len - 4)
            cap = ng->len - 4;
        if (i->snaplen && cap > i->snaplen)
            cap = i->snaplen;
        *p = (struct pcapng_packet){.time_ns = ng->last_ns, .data = b + 4, .caplen = cap,
                                    .wirelen = rd32(ng, b), .dlt = i->dlt};
        return 1;
    }
    /* EPB: interface (32 bits); PB: interface and drops (16 bits each) */
    if (ng->len < 20)
        goto bad;
    uint32_t id = ng->type == BLOCK_EPB ? rd32(ng, b) : rd16(ng, b);
    if (!(i = packet_iface(ng, id, err)))
        return -1;
    uint32_t cap = rd32(ng, b + 12);
    if (cap > ng->len - 20) {
        snprintf(err, PCAPNG_ERRLEN, "packet of %u bytes in a block of %zu", (unsigned)cap, ng->len);
        return -1;
    }
    uint64_t ts = (uint64_t)rd32(ng, b + 4) << 32 | rd32(ng, b + 8);
    *p = (struct pcapng_packet){.time_ns = to_ns(i, ts), .data = b + 20, .caplen = cap,
                                .wirelen = rd32(ng, b + 16), .dlt = i->dlt};
    ng->last_ns = p->time_ns;
    return 1;
bad:
    if (!*err)
        snprintf(err, PCAPNG_ERRLEN, "packet block too short");
    return -1;
}

/* Reads blocks up to the next packet block (left in buf): 1, 0 at the end, -1. */
static int next_packet_block(struct pcapng *ng, char *err)
{
    for (;;) {
        int r = read_block(ng, err);
        if (r <= 0)
            return r;
        if (ng->type == BLOCK_SHB)
            r = section_header(ng, err);
        else if (ng->type == BLOCK_IDB)
            r = interface_description(ng, err);
        else if (is_packet_block(ng->type))
            return 1;
        if (r < 0)
            return -1;
    }
}

struct pcapng *pcapng_open(FILE *fp, char err[PCAPNG_ERRLEN])
{
    err[0] = '\0';
    struct pcapng *ng = calloc(1, sizeof *ng);
    if (!ng) {
        snprintf(err, PCAPNG_ERRLEN, "out of memory");
        return NULL;
    }
    ng->fp = fp;
    int r = read_block(ng, err);
    if (r == 0 || (r > 0 && ng->type != BLOCK_SHB)) {
        snprintf(err, PCAPNG_ERRLEN, "no pcapng section header");
        r = -1;
    }
    if (r < 0 || section_header(ng, err) < 0) {
        pcapng_close(ng);
        return NULL;
    }
    /* The interfaces before the first packet (dumpcap writes them all there), for the caller's
     * link-type check; damage found on the way is reported with the first packet. */
    r = next_packet_block(ng, ng->deferred);
    ng->pending = r > 0;
    ng->failed = r < 0;
    if (ng->nifs) {
        ng->first_dlts = malloc(ng->nifs * sizeof *ng->first_dlts);
        if (!ng->first_dlts) {
            snprintf(err, PCAPNG_ERRLEN, "out of memory");
            pcapng_close(ng);
            return NULL;
        }
        for (size_t k = 0; k < ng->nifs; k++)
            ng->first_dlts[k] = ng->ifs[k].dlt;
        ng->nfirst = ng->nifs;
    }
    return ng;
}

const int *pcapng_first_dlts(const struct pcapng *ng, size_t *n)
{
    *n = ng->nfirst;
    return ng->first_dlts;
}

int pcapng_next(struct pcapng *ng, struct pcapng_packet *p, char err[PCAPNG_ERRLEN])
{
    err[0] = '\0';
    if (ng->failed) {
        snprintf(err, PCAPNG_ERRLEN, "%s", ng->deferred[0] ? ng->deferred : "read error");
        ng->deferred[0] = '\0';
        return -1;
    }
    int r = 1;
    if (ng->pending)
        ng->pending = false;
    else
        r = next_packet_block(ng, err);
    if (r > 0)
        r = packet(ng, p, err);
    if (r < 0) {
        ng->failed = true;
        snprintf(ng->deferred, PCAPNG_ERRLEN, "%s", err);
    }
    return r;
}

void pcapng_close(struct pcapng *ng)
{
    if (!ng)
        return;
    free(ng->ifs);
    free(ng->buf);
    free(ng->first_dlts);
    free(ng);
}
