/* record: what tcpconn-analyze reports about one connection. */
#ifndef TCPCONN_RECORD_H
#define TCPCONN_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpconn.h"

struct conn_record {
    uint32_t stream;      /* Wireshark's tcp.stream */
    uint32_t first_frame; /* 1-based */
    char client[56];      /* "198.18.1.2:40000" or "[fd00:198:18::2]:40000" */
    char server[56];
    struct tcpconn_summary sum; /* at_end summary */
    bool expired;         /* reported after an idle timeout (--idle-timeout,
                             --unanswered-timeout), as if the capture ended there */
};

#endif
