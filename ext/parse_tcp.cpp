// parse_tcp.cpp — see parse_tcp.h. Hand-rolled scanning: no sscanf, no
// strtol, no allocation per row.
#include "parse_tcp.h"

#include <cstring>

namespace proctab {

namespace {

constexpr const char* kStateNames[] = {
    nullptr, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",    "TIME_WAIT",
    "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV", "BOUND_INACTIVE",
};
constexpr uint32_t kStateCount = sizeof kStateNames / sizeof kStateNames[0];

constexpr const char* kTimerNames[] = {"none", "retransmit", "keepalive", "timewait", "probe"};

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

}  // namespace

size_t split_fields(std::string_view line, std::string_view* tokens, size_t max) {
  size_t count = 0;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && is_space(line[i])) ++i;
    if (i >= n) break;
    size_t start = i;
    while (i < n && !is_space(line[i])) ++i;
    if (count == max) return max + 1;
    tokens[count++] = line.substr(start, i - start);
  }
  return count;
}

namespace {

// Splits "a:b" at its only colon.
// (A plain loop: these tokens are a few bytes, too short for memchr's setup
// to pay; it was a tenth of the scan's user time.)
bool split_colon(std::string_view s, std::string_view& a, std::string_view& b) {
  size_t colon = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ':') continue;
    if (colon != std::string_view::npos) return false;
    colon = i;
  }
  if (colon == std::string_view::npos) return false;
  a = s.substr(0, colon);
  b = s.substr(colon + 1);
  return true;
}

// Decodes "%08X" words (1 for IPv4, 4 for IPv6) into network byte order. Each
// word is s_addr / s6_addr32[i] printed as a host-order u32, so storing the
// parsed u32 back in host order (memcpy) restores the original bytes on any
// endianness.
bool parse_address(std::string_view hex, int family, uint8_t* out) {
  const size_t words = family == 4 ? 1 : 4;
  if (hex.size() != words * 8) return false;
  for (size_t w = 0; w < words; ++w) {
    uint64_t value;
    if (!parse_hex_u64(hex.substr(w * 8, 8), value)) return false;
    uint32_t word = static_cast<uint32_t>(value);
    std::memcpy(out + w * 4, &word, 4);
  }
  return true;
}

bool parse_endpoint(std::string_view token, int family, uint8_t* addr, uint16_t& port) {
  std::string_view addr_hex, port_hex;
  if (!split_colon(token, addr_hex, port_hex)) return false;
  uint64_t p;
  if (port_hex.empty() || port_hex.size() > 4 || !parse_hex_u64(port_hex, p)) return false;
  port = static_cast<uint16_t>(p);
  return parse_address(addr_hex, family, addr);
}

template <typename T>
bool hex_as(std::string_view s, T& out) {
  uint64_t v;
  if (!parse_hex_u64(s, v) || v > static_cast<uint64_t>(static_cast<T>(~T{0}))) return false;
  out = static_cast<T>(v);
  return true;
}

template <typename T>
bool dec_as(std::string_view s, T& out) {
  uint64_t v;
  if (!parse_dec_u64(s, v) || v > static_cast<uint64_t>(static_cast<T>(~T{0}))) return false;
  out = static_cast<T>(v);
  return true;
}

bool dec_i32(std::string_view s, int32_t& out) {
  int64_t v;
  if (!parse_dec_i64(s, v) || v < INT32_MIN || v > INT32_MAX) return false;
  out = static_cast<int32_t>(v);
  return true;
}

}  // namespace

bool parse_hex_u64(std::string_view s, uint64_t& value) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = hex_digit(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  value = v;
  return true;
}

bool parse_dec_u64(std::string_view s, uint64_t& value) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  value = v;
  return true;
}

bool parse_dec_i64(std::string_view s, int64_t& value) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  uint64_t magnitude;
  if (!parse_dec_u64(s, magnitude)) return false;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    value = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    value = static_cast<int64_t>(magnitude);
  }
  return true;
}

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

  // %pK: hex digits, hashed or zeroed; kept as opaque text.
  if (tok[11].empty() || tok[11].size() > sizeof row.pointer) return false;
  for (char c : tok[11]) {
    if (hex_digit(c) < 0) return false;
  }
  std::memcpy(row.pointer, tok[11].data(), tok[11].size());
  row.pointer_len = static_cast<uint8_t>(tok[11].size());
  return true;
}

bool parse_tcp_line(std::string_view line, int family, TcpRow& row) {
  constexpr size_t kMaxTokens = 24;
  std::string_view tok[kMaxTokens];
  size_t n = split_fields(line, tok, kMaxTokens);
  if (n != 12 && (n < 17 || n > kMaxTokens)) return false;

  row = TcpRow{};
  if (!parse_inet_fields(tok, family, row)) return false;

  if (n == 12) {
    // Short rows: the state tells which printer produced them.
    if (row.st == 3) {
      row.kind = TcpKind::kRequest;
    } else if (row.st == 5 || row.st == 6) {
      row.kind = TcpKind::kTimewait;
    } else {
      return false;
    }
    return true;
  }

  row.kind = TcpKind::kSocket;
  int32_t quick_pingpong;
  if (!parse_dec_u64(tok[12], row.rto_ticks) || !parse_dec_u64(tok[13], row.ato_ticks) ||
      !dec_i32(tok[14], quick_pingpong) || quick_pingpong < 0 || !dec_as(tok[15], row.snd_cwnd) ||
      !dec_i32(tok[16], row.ssthresh)) {
    return false;
  }
  // (icsk_ack.quick << 1) | inet_csk_in_pingpong_mode(sk); quick is a u8.
  if (quick_pingpong > 0x1ff) return false;
  row.quick = static_cast<uint8_t>(quick_pingpong >> 1);
  row.pingpong = (quick_pingpong & 1) != 0;
  return true;
}

TcpParseStats parse_tcp_table(std::string_view text, int family, std::vector<TcpRow>& out) {
  return parse_rows(text, "sl", out, [family](std::string_view line, TcpRow& row) {
    return parse_tcp_line(line, family, row);
  });
}

}  // namespace proctab
