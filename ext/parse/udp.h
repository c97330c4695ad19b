// udp.h — pure parser for /proc/net/udp and /proc/net/udp6 text.
//
// Printers: net/ipv4/udp.c udp4_format_sock, net/ipv6/datagram.c
// __ip6_dgram_sock_seq_show. A line is the 12 fields TCP lines share (see
// inet.h; tr, tm->when, retrnsmt and timeout are constant 0 for UDP)
// plus a 13th, drops:
//   sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref ptr drops
// `sl` is the hash bucket (several sockets may share one), tx_queue /
// rx_queue are bytes of socket memory (sk_wmem_alloc, the receive queue),
// and the state uses TCP's numbers: 7 CLOSE (unconnected), 1 ESTABLISHED
// (connected). Lines with more than 13 tokens (fields a future kernel might
// append) still parse; any other shape skips the whole line.
#pragma once

#include <vector>

#include "parse/inet.h"
#include "text/row_parser.h"

namespace proctab {

struct UdpRow : InetSocketRow {
  uint32_t drops = 0;  // sk_drops: datagrams dropped (receive buffer full, ...)
};

// One line without its '\n'; `family` 4 (net/udp) or 6 (net/udp6). False if
// the line is not a well-formed row (the header included).
bool parse_udp_line(std::string_view line, int family, UdpRow& row);

// A whole file, appending rows; the first line is the header if it starts
// with "sl".
text::ParseStats parse_udp_table(std::string_view text, int family, std::vector<UdpRow>& out);

}  // namespace proctab
