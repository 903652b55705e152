/* capture: read the records of one pcap/pcapng file with libpcap.
 *
 * Every record is one frame, numbered from 1 as Wireshark numbers them. Timestamps are
 * read with nanosecond precision. Errors are reported on stderr naming the file (and the
 * frame where reading stopped); the return value is an exit code (exitcodes.h).
 */
#ifndef TCPCONN_CAPTURE_H
#define TCPCONN_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct frame {
    uint32_t number;  /* 1-based */
    uint64_t time_ns; /* since the epoch */
    const uint8_t *data;
    size_t caplen, wirelen;
    int dlt;          /* libpcap DLT_ value of the file */
};

/* Called per frame; a non-zero return stops reading and becomes capture_read's result. */
typedef int (*capture_frame_fn)(const struct frame *f, void *arg);

/* Reads path (or, when fp is not NULL, the already open fp, which path then only names;
 * it is closed), calling fn for each frame. Returns EXIT_OK, or an error code after having
 * delivered every frame read before the damage. *frames gets the number of frames read. */
int capture_read(const char *path, FILE *fp, capture_frame_fn fn, void *arg, uint32_t *frames);

#endif
