/* live: tcpconn-analyze -i IFACE. Captures from a network interface with libpcap and feeds
 * one analysis (analyze.h) as packets come; the wall clock drives the timers while the
 * interface is silent, so a finished connection is printed within --linger + 1 s.
 * SIGINT or SIGTERM ends the capture as the end of a file would. */
#ifndef TCPCONN_LIVE_H
#define TCPCONN_LIVE_H

#include <stdio.h>

#include "analyze.h"

/* filter: a BPF filter expression (tcpdump syntax), or NULL for every packet. Returns an
 * exit code (exitcodes.h): EXIT_CAPTURE when the interface cannot be captured (no such
 * interface, no permission, down), EXIT_USAGE for a bad filter. */
int live_capture(const char *iface, const char *filter, const struct analyze_options *opt, FILE *out);

#endif
