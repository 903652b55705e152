#!/bin/sh
# wireshark-version.sh: MAJOR.MINOR of the tshark on PATH (e.g. "4.0"); empty without one.
# The personal plugin folder is named after it (plugins/X.Y/epan), and the tests that compare
# with Wireshark 4.0's tcp.stream numbering (TESTLIST flag streams-ws40) check it.
tshark -v 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p'
