/* capture: capture file reading, pcap through libpcap, pcapng through pcapng.c, either
 * optionally gzip-compressed (see capture.h, docs/READER.md). */
#include "capture.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "exitcodes.h"
#include "gunzip.h"
#include "pcapng.h"

enum { READ_BUFFER_SIZE = 1 << 20 };

/* pcap files are read by libpcap; pcapng files by pcapng.c, which also reads interfaces of
 * different link types or snapshot lengths (docs/READER.md). Either may read through gunzip. */
struct capture {
    const char *path;
    pcap_t *pcap;
    struct pcapng *ng;
    FILE *ngfp;          /* the pcapng reader's input, closed by capture_close */
    struct gunzip *gz;   /* when compressed: why decompression stopped */
    char *readbuf; /* stdio buffer under libpcap's freads, freed after pcap_close */
    int dlt;
    uint32_t frames;
};

/* Whether the next byte of fp starts a pcapng section header (left unread); pcap's magic
 * numbers start with other bytes. */
static bool pcapng_detect(FILE *fp)
{
    int c = getc(fp);
    if (c == EOF)
        return false;
    ungetc(c, fp);
    return c == 0x0A;
}

/* What Wireshark also reads but this reader does not (README), named by the next byte of
 * fp (left unread): the first byte of zstd's and LZ4's frame magic, which no pcap's has. */
static const char *compressed_by(FILE *fp)
{
    int c = getc(fp);
    if (c == EOF)
        return NULL;
    ungetc(c, fp);
    if (c == 0x28)
        return "zstd-compressed? only gzip is read here: zstd -dc FILE | tcpconn-analyze -";
    if (c == 0x04)
        return "LZ4-compressed? only gzip is read here: lz4 -dc FILE | tcpconn-analyze -";
    return NULL;
}

static void close_input(FILE *fp)
{
    if (fp != stdin)
        fclose(fp);
}

/* The link-type check: a file is refused when none of its first interfaces is read. */
static int check_dlts(struct capture *c, const int *dlts, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (decode_supported_dlt(dlts[k])) {
            c->dlt = dlts[k];
            return EXIT_OK;
        }
    if (n == 0)
        return EXIT_OK;
    const char *name = pcap_datalink_val_to_name(dlts[0]);
    fprintf(stderr,
            "tcpconn-analyze: %s: unsupported link-layer type %d (%s); supported: Ethernet, "
            "Linux cooked (SLL, SLL2), raw IP, BSD loopback\n",
            c->path, dlts[0], name ? name : "unknown");
    return EXIT_LINKTYPE;
}

static int open_pcapng(struct capture *c, FILE *fp)
{
    char err[PCAPNG_ERRLEN];
    c->ng = pcapng_open(fp, err);
    if (!c->ng) {
        const char *why = c->gz && gunzip_error(c->gz)[0] ? gunzip_error(c->gz) : err;
        fprintf(stderr, "tcpconn-analyze: %s: not a pcap or pcapng capture: %s\n", c->path, why);
        close_input(fp); /* after: why may be the decompressor's, freed with fp */
        return EXIT_NOT_CAPTURE;
    }
    c->ngfp = fp;
    size_t n;
    const int *dlts = pcapng_first_dlts(c->ng, &n);
    return check_dlts(c, dlts, n);
}

int capture_open(const char *path, FILE *fp, struct capture **out)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    *out = NULL;
    struct capture *c = calloc(1, sizeof *c);
    if (!c) {
        if (fp && fp != stdin)
            fclose(fp);
        fprintf(stderr, "tcpconn-analyze: %s: out of memory\n", path);
        return EXIT_NOMEM;
    }
    c->path = path;
    if (!fp) {
        fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!fp) {
            fprintf(stderr, "tcpconn-analyze: %s: cannot open: %s\n", path, strerror(errno));
            free(c);
            return EXIT_OPEN;
        }
        /* libpcap freads every record from fp: with stdio's default 4 KiB buffer that was a
         * read() system call per 4 KiB of capture. Not for stdin, which pcap_close leaves
         * open (with a buffer that would be freed); without memory the default stays. */
        c->readbuf = fp == stdin ? NULL : malloc(READ_BUFFER_SIZE);
        if (c->readbuf && setvbuf(fp, c->readbuf, _IOFBF, READ_BUFFER_SIZE) != 0) {
            free(c->readbuf);
            c->readbuf = NULL;
        }
    }
    if (gunzip_detect(fp)) { /* by content, as Wireshark: the name may say nothing */
        FILE *z = gunzip_open(fp, &c->gz);
        if (!z) {
            close_input(fp);
            free(c->readbuf);
            free(c);
            fprintf(stderr, "tcpconn-analyze: %s: out of memory\n", path);
            return EXIT_NOMEM;
        }
        fp = z; /* closes the compressed fp when closed */
    }
    int rc;
    if (pcapng_detect(fp)) {
        rc = open_pcapng(c, fp);
    } else {
        const char *packed = compressed_by(fp);
        c->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (!c->pcap) {
            const char *why = c->gz && gunzip_error(c->gz)[0] ? gunzip_error(c->gz)
                              : packed                         ? packed
                                                               : errbuf;
            fprintf(stderr, "tcpconn-analyze: %s: not a pcap or pcapng capture: %s\n", path, why);
            close_input(fp);
            free(c->readbuf);
            free(c);
            return EXIT_NOT_CAPTURE;
        }
        int dlt = pcap_datalink(c->pcap);
        rc = check_dlts(c, &dlt, 1);
    }
    if (rc == EXIT_NOT_CAPTURE) {
        free(c->readbuf);
        free(c);
        return rc;
    }
    if (rc != EXIT_OK) {
        capture_close(c);
        return rc;
    }
    *out = c;
    return EXIT_OK;
}

static int pcapng_frame(struct capture *c, struct frame *f)
{
    char err[PCAPNG_ERRLEN];
    struct pcapng_packet p;
    int r = pcapng_next(c->ng, &p, err);
    if (r == 0)
        return CAPTURE_END;
    if (r < 0) {
        const char *why = c->gz && gunzip_error(c->gz)[0] ? gunzip_error(c->gz) : err;
        fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": capture truncated or corrupt: %s\n",
                c->path, c->frames + 1, why);
        return EXIT_TRUNCATED;
    }
    *f = (struct frame){
        .number = ++c->frames,
        .time_ns = p.time_ns,
        .data = p.data,
        .caplen = p.caplen,
        .wirelen = p.wirelen,
        .dlt = p.dlt,
    };
    return EXIT_OK;
}

int capture_next(struct capture *c, struct frame *f)
{
    if (c->ng)
        return pcapng_frame(c, f);
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(c->pcap, &h, &data);
    if (r == PCAP_ERROR_BREAK)
        return CAPTURE_END;
    if (r != 1) {
        fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": capture truncated or corrupt: %s\n",
                c->path, c->frames + 1,
                c->gz && gunzip_error(c->gz)[0] ? gunzip_error(c->gz) : pcap_geterr(c->pcap));
        return EXIT_TRUNCATED;
    }
    *f = (struct frame){
        .number = ++c->frames,
        .time_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec,
        .data = data,
        .caplen = h->caplen,
        .wirelen = h->len,
        .dlt = c->dlt,
    };
    return EXIT_OK;
}

uint32_t capture_frames(const struct capture *c) { return c->frames; }

void capture_close(struct capture *c)
{
    if (!c)
        return;
    if (c->pcap)
        pcap_close(c->pcap); /* closes fp too (unless it is stdin), before its buffer goes */
    pcapng_close(c->ng);
    if (c->ngfp)
        close_input(c->ngfp);
    free(c->readbuf);
    free(c);
}

int capture_read(const char *path, FILE *fp, capture_frame_fn fn, void *arg, uint32_t *frames)
{
    *frames = 0;
    struct capture *c;
    int rc = capture_open(path, fp, &c);
    if (rc != EXIT_OK)
        return rc;
    struct frame f;
    while ((rc = capture_next(c, &f)) == EXIT_OK) {
        rc = fn(&f, arg);
        if (rc != EXIT_OK)
            break;
    }
    if (rc == CAPTURE_END)
        rc = EXIT_OK;
    *frames = capture_frames(c);
    capture_close(c);
    return rc;
}
