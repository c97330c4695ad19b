// parse_tcp.h — pure parser for /proc/net/tcp and /proc/net/tcp6 text.
//
// Text in, rows out: no I/O, no SQLite, so it is unit-tested on fixtures and
// fuzzed. Field names follow Documentation/networking/proc_net_tcp.rst and
// the kernel's printers (net/ipv4/tcp_ipv4.c get_tcp4_sock, get_openreq4,
// get_timewait4_sock; net/ipv6/tcp_ipv6.c for tcp6).
//
// A line is split on whitespace, never on fixed columns (%4d, %5u and %8d
// widen as values grow). Three row kinds exist:
//   full socket   17 tokens: sl local rem st tx:rx tr:when retrnsmt uid
//                 timeout inode refcount ptr rto ato quick|pingpong cwnd ssthresh
//   request sock  12 tokens (SYN_RECV, st 03): the first 12 of the above
//   timewait sock 12 tokens (st 06 TIME_WAIT or 05 FIN_WAIT2)
// Lines with more than 17 tokens (a future kernel appending fields) parse as
// full sockets; any other shape, or any token that does not parse, skips the
// whole line: a row is never half-parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "line_assembler.h"

namespace proctab {

enum class TcpKind : uint8_t { kSocket, kRequest, kTimewait };

struct TcpRow {
  uint8_t family = 0;  // 4 or 6 (which file the line came from)
  TcpKind kind = TcpKind::kSocket;
  uint8_t timer = 0;  // tr: 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe
  uint8_t quick = 0;  // icsk_ack.quick (full sockets only)
  bool pingpong = false;
  uint8_t pointer_len = 0;
  uint16_t local_port = 0;
  uint16_t remote_port = 0;
  uint32_t st = 0;  // raw state number
  uint32_t slot = 0;
  uint32_t uid = 0;
  uint32_t retransmits = 0;
  uint32_t snd_cwnd = 0;
  int32_t probes = 0;  // the "timeout" column: icsk_probes_out
  int32_t refcount = 0;
  int32_t ssthresh = 0;  // raw: -1 in initial slow start; fastopen qlen for LISTEN
  uint64_t tx_queue = 0;
  uint64_t rx_queue = 0;
  uint64_t timer_ticks = 0;  // tm->when, USER_HZ clock ticks
  uint64_t inode = 0;
  uint64_t rto_ticks = 0;
  uint64_t ato_ticks = 0;
  // Network byte order, as in in_addr / in6_addr (IPv4 uses the first 4).
  uint8_t local_addr[16] = {};
  uint8_t remote_addr[16] = {};
  char pointer[16] = {};  // %pK text, opaque (hashed or zeros)
};

// Parses one line (without its '\n'). `family` is 4 for net/tcp, 6 for
// net/tcp6. Returns false, leaving `row` unspecified, if the line is not a
// well-formed row (the header line included).
bool parse_tcp_line(std::string_view line, int family, TcpRow& row);

struct TcpParseStats {
  size_t rows = 0;
  size_t skipped = 0;  // malformed lines, not counting the header
};

// True if `line` is the header ("  sl  local_address ...").
bool is_tcp_header(std::string_view line);
// True if `line` holds only whitespace.
bool is_blank(std::string_view line);

// Parses a file fed in chunks as read() returns them, appending rows to any
// container with emplace_back() / pop_back() (parsed in place: no copy).
// The first line is the header when it starts with "sl"; any other line
// that does not parse, blank lines aside, is counted in stats().skipped.
class TcpTableParser {
 public:
  explicit TcpTableParser(int family) : family_(family) {}

  template <typename Rows>
  void feed(std::string_view chunk, Rows& out) {
    lines_.feed(chunk, [&](std::string_view line, bool overlong) { take(line, overlong, out); });
  }
  template <typename Rows>
  void finish(Rows& out) {
    lines_.finish([&](std::string_view line, bool overlong) { take(line, overlong, out); });
  }
  const TcpParseStats& stats() const { return stats_; }

 private:
  template <typename Rows>
  void take(std::string_view line, bool overlong, Rows& out) {
    if (first_) {
      first_ = false;
      if (is_tcp_header(line)) return;
    }
    if (!overlong && parse_tcp_line(line, family_, out.emplace_back())) {
      ++stats_.rows;
      return;
    }
    if (!overlong) out.pop_back();
    if (overlong || !is_blank(line)) ++stats_.skipped;
  }

  int family_;
  bool first_ = true;
  LineAssembler lines_;
  TcpParseStats stats_;
};

// Parses a whole file at once (tests, fuzzing).
TcpParseStats parse_tcp_table(std::string_view text, int family, std::vector<TcpRow>& out);

// "ESTABLISHED", "LISTEN", ... for states 1..13; nullptr for other numbers.
const char* tcp_state_name(uint32_t st);
// Inverse of tcp_state_name; 0 if `name` is not a known state name.
uint32_t tcp_state_number(std::string_view name);
// "none", "retransmit", "keepalive", "timewait", "probe"; nullptr otherwise.
const char* tcp_timer_name(uint32_t timer);

// Low-level scanners shared by the parsers (exposed for tests and fuzzing).
// Each parses the whole of `s` or returns false.
bool parse_hex_u64(std::string_view s, uint64_t& value);
bool parse_dec_u64(std::string_view s, uint64_t& value);
bool parse_dec_i64(std::string_view s, int64_t& value);

}  // namespace proctab
