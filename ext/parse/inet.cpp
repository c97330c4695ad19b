// inet.cpp — see inet.h.
#include "parse/inet.h"

#include <cstring>

namespace proctab {

using namespace text;

namespace {

constexpr const char* kStateNames[] = {
    nullptr, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",    "TIME_WAIT",
    "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV", "BOUND_INACTIVE",
};
constexpr uint32_t kStateCount = sizeof kStateNames / sizeof kStateNames[0];

constexpr const char* kTimerNames[] = {"none", "retransmit", "keepalive", "timewait", "probe"};

// Decodes "%08X" words (1 for IPv4, 4 for IPv6) into network byte order.
bool parse_address(std::string_view hex, int family, uint8_t* out) {
  const size_t words = family == 4 ? 1 : 4;
  if (hex.size() != words * 8) return false;
  for (size_t w = 0; w < words; ++w) {
    uint32_t word;
    if (!hex_as(hex.substr(w * 8, 8), word)) return false;
    std::memcpy(out + w * 4, &word, 4);
  }
  return true;
}

bool parse_endpoint(std::string_view token, int family, uint8_t* addr, uint16_t& port) {
  std::string_view addr_hex, port_hex;
  if (!split_colon(token, addr_hex, port_hex)) return false;
  if (port_hex.size() > 4 || !hex_as(port_hex, port)) return false;
  return parse_address(addr_hex, family, addr);
}

}  // namespace

const char* tcp_state_name(uint32_t st) {
  return st < kStateCount ? kStateNames[st] : nullptr;
}

uint32_t tcp_state_number(std::string_view name) {
  for (uint32_t i = 1; i < kStateCount; ++i) {
    if (name == kStateNames[i]) return i;
  }
  return 0;
}

const char* tcp_timer_name(uint32_t timer) {
  return timer < sizeof kTimerNames / sizeof kTimerNames[0] ? kTimerNames[timer] : nullptr;
}

bool parse_inet_fields(const std::string_view* tok, int family, InetSocketRow& row) {
  row.family = static_cast<uint8_t>(family);
  // sl: "%4d:"
  if (tok[0].size() < 2 || tok[0].back() != ':') return false;
  if (!dec_as(tok[0].substr(0, tok[0].size() - 1), row.slot)) return false;
  if (!parse_endpoint(tok[1], family, row.local_addr, row.local_port)) return false;
  if (!parse_endpoint(tok[2], family, row.remote_addr, row.remote_port)) return false;
  if (!hex_as(tok[3], row.st)) return false;

  std::string_view a, b;
  if (!split_colon(tok[4], a, b) || !parse_hex_u64(a, row.tx_queue) ||
      !parse_hex_u64(b, row.rx_queue)) {
    return false;
  }
  if (!split_colon(tok[5], a, b) || !hex_as(a, row.timer) || !parse_hex_u64(b, row.timer_ticks)) {
    return false;
  }
  if (!hex_as(tok[6], row.retransmits)) return false;
  // uid is %5u for sockets but %5d (a literal 0) in timewait rows.
  if (!dec_as(tok[7], row.uid)) return false;
  if (!dec_i32(tok[8], row.probes)) return false;
  if (!parse_dec_u64(tok[9], row.inode)) return false;
  if (!dec_i32(tok[10], row.refcount)) return false;
  return parse_kernel_pointer(tok[11], row.pointer);
}

size_t parse_inet_line(std::string_view line, int family, std::string_view* tok,
                       InetSocketRow& row) {
  size_t n = split_fields(line, tok, kInetMaxTokens);
  if (n < 12 || n > kInetMaxTokens || !parse_inet_fields(tok, family, row)) return 0;
  return n;
}

const char* ip_protocol_name(uint32_t protocol) {
  switch (protocol) {
    case 0:
      return "ip";
    case 1:
      return "icmp";
    case 2:
      return "igmp";
    case 4:
      return "ipip";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 41:
      return "ipv6";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ah";
    case 58:
      return "icmpv6";
    case 89:
      return "ospf";
    case 103:
      return "pim";
    case 112:
      return "vrrp";
    case 132:
      return "sctp";
    case 136:
      return "udplite";
    case 255:
      return "raw";
  }
  return nullptr;
}

}  // namespace proctab
