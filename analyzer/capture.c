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
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(p, &h, &data);
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
    pcap_close(p); /* closes fp too (unless it is stdin), before its buffer goes */
    free(readbuf);
    return rc;
}
