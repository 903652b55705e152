/* gunzip: a gzip-compressed stream read as a plain FILE (glibc's fopencookie), so that
 * libpcap and the pcapng reader read compressed captures as they read files.
 */
#ifndef TCPCONN_GUNZIP_H
#define TCPCONN_GUNZIP_H

#include <stdbool.h>
#include <stdio.h>

/* True if the next byte of fp starts a gzip stream (it stays unread). */
bool gunzip_detect(FILE *fp);

struct gunzip;

/* A FILE reading the decompressed content of fp; fclose on it closes fp too, unless fp is
 * stdin. *g (valid until that fclose) tells why reading stopped. NULL without memory (fp
 * is then left open). */
FILE *gunzip_open(FILE *fp, struct gunzip **g);

/* Why the decompressed stream ended early ("" if it did not). */
const char *gunzip_error(const struct gunzip *g);

#endif
