/* enum -> public string tables, generated from the X-macros in tcpconn.h. */
#include <string.h>

#include "tcpconn.h"

#define NAME_ITEM(id, name, desc) [id] = name,

static const char *const handshake_names[] = {TCPCONN_HANDSHAKE_STATES(NAME_ITEM)};
static const char *const style_names[] = {TCPCONN_TEARDOWN_STYLES(NAME_ITEM)};
static const char *const initiator_names[] = {TCPCONN_INITIATORS(NAME_ITEM)};
static const char *const time_wait_names[] = {TCPCONN_TIME_WAIT_HOLDERS(NAME_ITEM)};
static const char *const mark_names[] = {TCPCONN_MARKS(NAME_ITEM)};
static const char *const role_names[] = {TCPCONN_ROLES(NAME_ITEM)};
static const char *const leg_basis_names[] = {TCPCONN_LEG_BASES(NAME_ITEM)};
static const char *const rtt_bucket_names[] = {TCPCONN_RTT_BUCKETS(NAME_ITEM)};

#undef NAME_ITEM

/* Out-of-range values come only from corrupt memory or a caller's bug; say so readably. */
#define LOOKUP(table, value) \
    ((unsigned)(value) < sizeof(table) / sizeof(table[0]) ? table[value] : "?")

const char *tcpconn_handshake_state_name(enum tcpconn_handshake_state s) { return LOOKUP(handshake_names, s); }
const char *tcpconn_teardown_style_name(enum tcpconn_teardown_style s) { return LOOKUP(style_names, s); }
const char *tcpconn_initiator_name(enum tcpconn_initiator i) { return LOOKUP(initiator_names, i); }
const char *tcpconn_time_wait_name(enum tcpconn_time_wait t) { return LOOKUP(time_wait_names, t); }
const char *tcpconn_mark_name(enum tcpconn_mark m) { return LOOKUP(mark_names, m); }
const char *tcpconn_role_kind_name(enum tcpconn_role_kind r) { return LOOKUP(role_names, r); }
const char *tcpconn_leg_basis_name(enum tcpconn_leg_basis b) { return LOOKUP(leg_basis_names, b); }
const char *tcpconn_rtt_bucket_name(enum tcpconn_rtt_bucket b) { return LOOKUP(rtt_bucket_names, b); }

enum tcpconn_rtt_bucket tcpconn_rtt_bucket_of(uint64_t ns)
{
    static const uint64_t upper_ns[] = {1000000u, 10000000u, 100000000u, 1000000000u};
    if (ns == TCPCONN_NO_TIME)
        return TCPCONN_RTT_BUCKET_COUNT;
    unsigned b = 0;
    while (b < sizeof upper_ns / sizeof upper_ns[0] && ns >= upper_ns[b])
        b++;
    return (enum tcpconn_rtt_bucket)b;
}

bool tcpconn_teardown_style_from_name(const char *name, enum tcpconn_teardown_style *out)
{
    for (unsigned i = 0; i < TCPCONN_TD_COUNT; i++) {
        if (strcmp(name, style_names[i]) == 0) {
            *out = (enum tcpconn_teardown_style)i;
            return true;
        }
    }
    return false;
}
