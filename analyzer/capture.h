/* capture: read the records of one pcap/pcapng file (libpcap for pcap, pcapng.c for pcapng,
 * either possibly gzip-compressed: docs/READER.md).
 *
 * Every record is one frame, numbered from 1 as Wireshark numbers them. Timestamps are
 * read with nanosecond precision. Errors are reported on stderr naming the file (and the
 * frame where reading stopped); results are exit codes (exitcodes.h).
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
    int dlt;          /* libpcap DLT_ value of the frame's interface */
};

/* An open capture, read one frame at a time. */
struct capture;

/* Opens path (or, when fp is not NULL, the already open fp, which path then only names;
 * capture_close closes it). Returns EXIT_OK and *c, or an error code (said on stderr). */
int capture_open(const char *path, FILE *fp, struct capture **c);

/* The next frame: EXIT_OK with *f filled (its data valid until the next call), or
 * CAPTURE_END at the end of the file, or an error code (said on stderr) after which
 * nothing more is read. */
enum { CAPTURE_END = -1 };
int capture_next(struct capture *c, struct frame *f);

/* The number of frames delivered so far. */
uint32_t capture_frames(const struct capture *c);

void capture_close(struct capture *c);

/* Called per frame; a non-zero return stops reading and becomes capture_read's result. */
typedef int (*capture_frame_fn)(const struct frame *f, void *arg);

/* Reads a whole capture (opened as capture_open does), calling fn for each frame. Returns
 * EXIT_OK, or an error code after having delivered every frame read before the damage.
 * *frames gets the number of frames read. */
int capture_read(const char *path, FILE *fp, capture_frame_fn fn, void *arg, uint32_t *frames);

#endif
