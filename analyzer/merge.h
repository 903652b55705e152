/* merge: several capture files read as one capture, in the order `mergecap -w OUT FILE...`
 * (Wireshark 4.0) writes them, and fed to one analysis.
 *
 * mergecap's order: at every step, of the current record of every input that is not at
 * its end, the one with the earliest timestamp; on equal timestamps the input named LAST
 * on the command line (wiretap/merge.c keeps replacing its pick while the next input's
 * time is not later). A file whose timestamps go backwards is not re-sorted: only current
 * records are compared. Frames are numbered 1..N in that order, as tshark numbers the
 * merged file, so tcp.stream agrees too.
 *
 * Files open lazily: a file is opened when its first record is the next one due (its
 * first timestamp is known from a first look at it), so a ring buffer keeps about one
 * file open. At most a bounded number stay open at once (file descriptors, read
 * buffers); beyond that the open file whose current record is due last is closed and,
 * when it is due again, reopened and read up to where it was.
 *
 * Errors: a file that cannot be opened (or is not a capture, or has an unsupported link
 * type) is reported and left out; a file that is truncated or corrupt mid-way is reported
 * and ends there, the other files go on (mergecap stops the whole merge instead; frames
 * before the damage are numbered the same either way). The exit code is the largest.
 */
#ifndef TCPCONN_MERGE_H
#define TCPCONN_MERGE_H

#include <stdio.h>

#include "analyze.h"

/* Analyses paths[0..n-1] as one capture; "-" (stdin) at most once. Returns an exit code. */
int analyze_merged(const char *const *paths, int n, const struct analyze_options *opt, FILE *out);

#endif
