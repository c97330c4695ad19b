// inet.h — what every inet socket line of /proc/net shares (tcp, tcp6, udp,
// udp6, and later raw): the first 12 tokens, and TCP's state numbers, which
// UDP and raw sockets reuse.
//
//   sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref ptr
//
// Printers: net/ipv4/tcp_ipv4.c get_tcp4_sock, get_openreq4,
// get_timewait4_sock; net/ipv6/tcp_ipv6.c; net/ipv4/udp.c udp4_format_sock;
// net/ipv6/datagram.c __ip6_dgram_sock_seq_show. Field names follow
// Documentation/networking/proc_net_tcp.rst. Addresses are "%08X" words of
// s_addr / s6_addr32[i] printed as host-order u32, so storing the parsed u32
// back in host order restores the network-order bytes on any endianness.
#pragma once

#include <cstdint>
#include <string_view>

#include "text/scan.h"

namespace proctab {

struct InetSocketRow {
  uint8_t family = 0;  // 4 or 6 (which file the line came from)
  uint8_t timer = 0;   // tr: 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe
  uint16_t local_port = 0;
  uint16_t remote_port = 0;
  uint32_t st = 0;    // raw state number
  uint32_t slot = 0;  // sl: a running counter (TCP) or the hash bucket (UDP)
  uint32_t uid = 0;
  uint32_t retransmits = 0;
  int32_t probes = 0;  // the "timeout" column: icsk_probes_out
  int32_t refcount = 0;
  uint64_t tx_queue = 0;
  uint64_t rx_queue = 0;
  uint64_t timer_ticks = 0;  // tm->when, USER_HZ clock ticks
  uint64_t inode = 0;
  // Network byte order, as in in_addr / in6_addr (IPv4 uses the first 4).
  uint8_t local_addr[16] = {};
  uint8_t remote_addr[16] = {};
  text::KernelPointer pointer;  // %pK text, opaque (hashed or zeros)
};

// Parses the 12 leading tokens into `row` (whose other fields it leaves).
// False if any does not parse.
bool parse_inet_fields(const std::string_view* tok, int family, InetSocketRow& row);

// Splits a line into at most kInetMaxTokens tokens and parses the 12 shared
// ones into `row`; returns the number of tokens, or 0 if the line has fewer
// than 12, more than kInetMaxTokens, or a shared field does not parse. The
// protocol's parser then reads its own fields from tok[12...].
inline constexpr size_t kInetMaxTokens = 24;
size_t parse_inet_line(std::string_view line, int family, std::string_view* tok,
                       InetSocketRow& row);

// "ESTABLISHED", "LISTEN", ... for states 1..13; nullptr for other numbers.
const char* tcp_state_name(uint32_t st);
// Inverse of tcp_state_name; 0 if `name` is not a known state name.
uint32_t tcp_state_number(std::string_view name);
// "none", "retransmit", "keepalive", "timewait", "probe"; nullptr otherwise.
const char* tcp_timer_name(uint32_t timer);
// An IP protocol number's name as /etc/protocols spells it in lower case
// ("icmp", "tcp", "udp", "icmpv6", "raw", ...); nullptr for others.
const char* ip_protocol_name(uint32_t protocol);

}  // namespace proctab
