/* capture: libpcap file reading (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "exitcodes.h"

enum { READ_BUFFER_SIZE = 1 << 20 };

struct capture {
    const char *path;
    pcap_t *pcap;
    char *readbuf; /* stdio buffer under libpcap's freads, freed after pcap_close */
    int dlt;
    uint32_t frames;
};

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
    c->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!c->pcap) {
        if (fp != stdin)
            fclose(fp);
        free(c->readbuf);
        free(c);
        fprintf(stderr, "tcpconn-analyze: %s: not a pcap or pcapng capture: %s\n", path, errbuf);
        return EXIT_NOT_CAPTURE;
    }
    c->dlt = pcap_datalink(c->pcap);
    if (!decode_supported_dlt(c->dlt)) {
        const char *name = pcap_datalink_val_to_name(c->dlt);
        fprintf(stderr,
                "tcpconn-analyze: %s: unsupported link-layer type %d (%s); supported: Ethernet, "
                "Linux cooked (SLL, SLL2), raw IP, BSD loopback\n",
                path, c->dlt, name ? name : "unknown");
        capture_close(c);
        return EXIT_LINKTYPE;
    }
    *out = c;
    return EXIT_OK;
}

int capture_next(struct capture *c, struct frame *f)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(c->pcap, &h, &data);
    if (r == PCAP_ERROR_BREAK)
        return CAPTURE_END;
    if (r != 1) {
        fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": capture truncated or corrupt: %s\n",
                c->path, c->frames + 1, pcap_geterr(c->pcap));
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
    pcap_close(c->pcap); /* closes fp too (unless it is stdin), before its buffer goes */
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
