/* enum -> public string tables, generated from the X-macros in tcpconn.h. */
#include <string.h>

#include "tcpconn.h"

#define NAME_ITEM(id, name, desc) [id] = name,

static const char *const handshake_names[] = {TCPCONN_HANDSHAKE_STATES(NAME_ITEM)};
static const char *const style_names[] = {TCPCONN_TEARDOWN_STYLES(NAME_ITEM)};
static const char *const initiator_names[] = {TCPCONN_INITIATORS(NAME_ITEM)};
static const char *const mark_names[] = {TCPCONN_MARKS(NAME_ITEM)};
static const char *const role_names[] = {TCPCONN_ROLES(NAME_ITEM)};
static const char *const leg_basis_names[] = {TCPCONN_LEG_BASES(NAME_ITEM)};

#undef NAME_ITEM

/* Out-of-range values come only from corrupt memory or a caller's bug; say so readably. */
#define LOOKUP(table, value) \
    ((unsigned)(value) < sizeof(table) / sizeof(table[0]) ? table[value] : "?")

const char *tcpconn_handshake_state_name(enum tcpconn_handshake_state s) { return LOOKUP(handshake_names, s); }
const char *tcpconn_teardown_style_name(enum tcpconn_teardown_style s) { return LOOKUP(style_names, s); }
const char *tcpconn_initiator_name(enum tcpconn_initiator i) { return LOOKUP(initiator_names, i); }
const char *tcpconn_mark_name(enum tcpconn_mark m) { return LOOKUP(mark_names, m); }
const char *tcpconn_role_kind_name(enum tcpconn_role_kind r) { return LOOKUP(role_names, r); }
const char *tcpconn_leg_basis_name(enum tcpconn_leg_basis b) { return LOOKUP(leg_basis_names, b); }

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
