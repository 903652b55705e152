/* Exit codes of tcpconn-analyze (documented in --help; tests rely on them). */
#ifndef TCPCONN_EXITCODES_H
#define TCPCONN_EXITCODES_H

enum exit_code {
    EXIT_OK = 0,
    EXIT_USAGE = 1,       /* bad command line */
    EXIT_OPEN = 2,        /* the file cannot be opened (missing, permissions) */
    EXIT_NOT_CAPTURE = 3, /* not a pcap or pcapng file (or its file header is cut) */
    EXIT_LINKTYPE = 4,    /* a link-layer type tcpconn-analyze does not read */
    EXIT_TRUNCATED = 5,   /* the capture is truncated or corrupt after some records */
    EXIT_MALFORMED = 6,   /* some packets had cut or bogus headers (skipped, rest analysed) */
    EXIT_NOMEM = 7,       /* out of memory */
    EXIT_CAPTURE = 8,     /* -i: the interface cannot be captured (no such interface, no
                             permission, down, or it failed during the capture) */
};

#endif
