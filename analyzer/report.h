/* report: connection records -> text (JSON Lines, or an aligned table). */
#ifndef TCPCONN_REPORT_H
#define TCPCONN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "record.h"

enum report_format { REPORT_TABLE, REPORT_JSON };

struct report;

/* file: the capture's name, added to every JSON object as "file" and printed above the
 * table when with_file is set (several files on the command line). */
struct report *report_new(FILE *out, enum report_format fmt, const char *file, bool with_file);

/* Live capture: every record is written and flushed at once; the table prints its header
 * now and each row as it comes, in fixed column widths (live_widths) instead of aligning
 * at the end. */
void report_set_live(struct report *r);

/* One connection. JSON is written at once; table rows are kept until report_end() so the
 * columns can be aligned. */
void report_conn(const struct conn_record *rec, void *report);

/* Finish the output for this file (prints the table unless print is false: the file could
 * not be read at all) and free the report. */
void report_end(struct report *r, bool print);

/* Writes one JSON object for rec (no newline). Exposed for tests and reuse. */
void report_json(FILE *out, const struct conn_record *rec, const char *file);

#endif
