/* ws-compat.h: every difference between the Wireshark versions tcpconn builds against.
 *
 * Nothing else in plugin/ tests the Wireshark version. Built with -Werror and tested
 * against 4.0 (Debian 12), 4.4 (Debian 13) and 4.6 (sid): packaging/compat-test.sh,
 * results in docs/COMPATIBILITY.md. The differences: field_info.value became a pointer
 * (4.2), plugins describe themselves with plugin_describe() (exported only when
 * wsutil/plugins.h defines WS_PLUGIN_DESC_DISSECTOR, so a 4.0 plugin exports exactly
 * plugin_version, plugin_want_major, plugin_want_minor, plugin_register), preferences
 * are bool (4.4), tvb_get_guint8 became tvb_get_uint8 (4.4). 4.2 is not tested.
 */
#ifndef TCPCONN_WS_COMPAT_H
#define TCPCONN_WS_COMPAT_H

#include <ws_version.h>

#define TCPCONN_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* field_info's value: embedded in 4.0, a pointer from 4.2 on. */
#if TCPCONN_WS_AT_LEAST(4, 2)
#define TCPCONN_FI_VALUE(fi) ((fi)->value)
#else
#define TCPCONN_FI_VALUE(fi) (&(fi)->value)
#endif
#define TCPCONN_FI_UINT(fi) ((uint32_t)fvalue_get_uinteger(TCPCONN_FI_VALUE(fi)))

/* tvb_get_uint8: tvb_get_guint8 before 4.4, where the g-typed name became deprecated. */
#if !TCPCONN_WS_AT_LEAST(4, 4)
#define tvb_get_uint8 tvb_get_guint8
#endif

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
