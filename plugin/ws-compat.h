/* ws-compat.h: every difference between the Wireshark versions tcpconn builds against.
 *
 * Nothing else in plugin/ tests the Wireshark version. Built with -Werror and tested
 * against 4.0 (Debian 12), 4.4 (Debian 13) and 4.6 (sid): packaging/compat-test.sh,
 * results in docs/COMPATIBILITY.md. The differences: plugins describe themselves with
 * plugin_describe() (exported only when wsutil/plugins.h defines WS_PLUGIN_DESC_DISSECTOR,
 * so a 4.0 plugin exports exactly plugin_version, plugin_want_major, plugin_want_minor,
 * plugin_register), preferences are bool (4.4). 4.2 is not tested. (The plugin reads no
 * fields and no tvb bytes through Wireshark's accessors, so field_info's value, a pointer
 * from 4.2, and tvb_get_uint8, 4.4's name, no longer matter.)
 */
#ifndef TCPCONN_WS_COMPAT_H
#define TCPCONN_WS_COMPAT_H

#include <ws_version.h>

#define TCPCONN_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* Preference storage: gboolean/guint in 4.0, bool/unsigned from 4.4 on. */
#if TCPCONN_WS_AT_LEAST(4, 4)
typedef bool tcpconn_pref_bool;
#else
typedef gboolean tcpconn_pref_bool;
#endif
typedef guint tcpconn_pref_uint;

/* Plugin self-description (wsutil/plugins.h, WS_PLUGIN_DESC_DISSECTOR): 4.2+. */
#if TCPCONN_WS_AT_LEAST(4, 2) && defined(__has_include)
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define TCPCONN_HAVE_PLUGIN_DESCRIBE 1
#endif

#endif
