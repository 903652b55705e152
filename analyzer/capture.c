/* capture: libpcap file reading (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "exitcodes.h"

enum { READ_BUFFER_SIZE = 1 << 20 };

/* ---- direct reading of plain pcap files ----
 *
 * libpcap freads every record twice (header, then data) and copies the data into its own
 * buffer: with the stdio calls that was a quarter of tcpconn-analyze's instructions. For
 * the common file (a regular file, pcap 2.4 in this machine's byte order, micro- or
 * nanosecond magic), records are read here instead, in large pread()s, and handed over
 * where they lie. libpcap still opens the file and checks its header. Every record that is
 * not plainly well-formed (shorter than its header says, longer than the snapshot length,
 * a read error) is left to libpcap: the stream is positioned at that record and
 * pcap_next_ex takes over, so its results and messages are libpcap's own. */

enum {
    PCAP_FILE_HEADER = 24,
    PCAP_RECORD_HEADER = 16,
    DIRECT_CHUNK = 1 << 20, /* >= PCAP_RECORD_HEADER + any snapshot length libpcap allows */
};

struct direct {
    int fd;
    bool nano;          /* nanosecond magic: libpcap passes the fraction through */
    uint32_t snapshot;
    off_t pos;          /* file offset of buf[0] */
    size_t len, at;     /* bytes in buf; offset of the next record in buf */
    uint8_t *buf;
};

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Whether fp (just opened by libpcap, whose handle is p) is a file read directly. */
static bool direct_open(struct direct *d, pcap_t *p, FILE *fp)
{
    struct stat st;
    uint8_t h[PCAP_FILE_HEADER];
    d->fd = fileno(fp);
    if (d->fd < 0 || fstat(d->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    off_t start = ftello(fp) - PCAP_FILE_HEADER; /* stdin may start anywhere in its file */
    if (start < 0 || pcap_is_swapped(p) || pcap_major_version(p) != 2 ||
        pcap_minor_version(p) != 4 || pcap_snapshot(p) <= 0 ||
        (size_t)pcap_snapshot(p) > DIRECT_CHUNK - PCAP_RECORD_HEADER)
        return false;
    if (pread(d->fd, h, sizeof h, start) != (ssize_t)sizeof h)
        return false;
    uint32_t magic = get32(h);
    if (magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) /* not swapped: checked above */
        return false;
    d->nano = magic == 0xa1b23c4du;
    d->snapshot = (uint32_t)pcap_snapshot(p);
    d->pos = start + PCAP_FILE_HEADER;
    d->len = d->at = 0;
    d->buf = malloc(DIRECT_CHUNK);
    return d->buf != NULL;
}

/* The next record, or NULL at the end of the file or at a record to leave to libpcap
 * (*left then gets its offset and is true). */
static const uint8_t *direct_next(struct direct *d, struct pcap_pkthdr *h, bool *left)
{
    for (int tries = 0; tries < 2; tries++) {
        size_t avail = d->len - d->at;
        if (avail >= PCAP_RECORD_HEADER) {
            const uint8_t *r = d->buf + d->at;
            uint32_t caplen = get32(r + 8);
            if (caplen > d->snapshot)
                break;
            if (avail - PCAP_RECORD_HEADER >= caplen) {
                /* as libpcap: the seconds and the fraction are signed 32-bit fields */
                h->ts.tv_sec = (int32_t)get32(r);
                h->ts.tv_usec = (int32_t)get32(r + 4);
                if (!d->nano)
                    h->ts.tv_usec *= 1000; /* libpcap scales microseconds up */
                h->caplen = caplen;
                h->len = get32(r + 12);
                d->at += PCAP_RECORD_HEADER + caplen;
                return r + PCAP_RECORD_HEADER;
            }
        }
        if (tries)
            break;
        /* keep the partial record, read more after it */
        memmove(d->buf, d->buf + d->at, avail);
        d->pos += (off_t)d->at;
        d->at = 0;
        d->len = avail;
        ssize_t n = pread(d->fd, d->buf + avail, DIRECT_CHUNK - avail, d->pos + (off_t)avail);
        if (n < 0)
            break;
        d->len += (size_t)n;
        if (d->len == 0)
            return NULL; /* the end of the file, between records */
    }
    *left = true;
    return NULL;
}

int capture_read(const char *path, FILE *fp, capture_frame_fn fn, void *arg, uint32_t *frames)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    *frames = 0;

    char *readbuf = NULL;
    if (!fp) {
        fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!fp) {
            fprintf(stderr, "tcpconn-analyze: %s: cannot open: %s\n", path, strerror(errno));
            return EXIT_OPEN;
        }
        /* libpcap freads every record from fp: with stdio's default 4 KiB buffer that was a
         * read() system call per 4 KiB of capture. Not for stdin, which pcap_close leaves
         * open (with a buffer that would be freed); without memory the default stays. */
        readbuf = fp == stdin ? NULL : malloc(READ_BUFFER_SIZE);
        if (readbuf && setvbuf(fp, readbuf, _IOFBF, READ_BUFFER_SIZE) != 0) {
            free(readbuf);
            readbuf = NULL;
        }
    }
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p) {
        if (fp != stdin)
            fclose(fp);
        free(readbuf);
        fprintf(stderr, "tcpconn-analyze: %s: not a pcap or pcapng capture: %s\n", path, errbuf);
        return EXIT_NOT_CAPTURE;
    }
    int dlt = pcap_datalink(p);
    if (!decode_supported_dlt(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        fprintf(stderr,
                "tcpconn-analyze: %s: unsupported link-layer type %d (%s); supported: Ethernet, "
                "Linux cooked (SLL, SLL2), raw IP, BSD loopback\n",
                path, dlt, name ? name : "unknown");
        pcap_close(p);
        free(readbuf);
        return EXIT_LINKTYPE;
    }

    int rc = EXIT_OK;
    struct direct d = {.buf = NULL};
    bool direct = direct_open(&d, p, pcap_file(p));
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int r;
        struct pcap_pkthdr dh;
        if (direct) {
            bool left = false;
            data = direct_next(&d, &dh, &left);
            h = &dh;
            r = data ? 1 : PCAP_ERROR_BREAK;
            if (left) {
                /* libpcap reads on from this record */
                direct = false;
                if (fseeko(pcap_file(p), d.pos + (off_t)d.at, SEEK_SET) != 0) {
                    fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": cannot seek: %s\n",
                            path, *frames + 1, strerror(errno));
                    rc = EXIT_TRUNCATED;
                    break;
                }
                r = pcap_next_ex(p, &h, &data);
            }
        } else {
            r = pcap_next_ex(p, &h, &data);
        }
        if (r == PCAP_ERROR_BREAK)
            break; /* end of file */
        if (r != 1) {
            fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": capture truncated or corrupt: %s\n",
                    path, *frames + 1, pcap_geterr(p));
            rc = EXIT_TRUNCATED;
            break;
        }
        struct frame f = {
            .number = ++*frames,
            .time_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec,
            .data = data,
            .caplen = h->caplen,
            .wirelen = h->len,
            .dlt = dlt,
        };
        rc = fn(&f, arg);
        if (rc != EXIT_OK)
            break;
    }
    free(d.buf);
    pcap_close(p); /* closes fp too (unless it is stdin), before its buffer goes */
    free(readbuf);
    return rc;
}
