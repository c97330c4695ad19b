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

// The fields every inet socket line shares, TCP's and UDP's alike (the first
// 12 tokens: sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref ptr).
struct InetSocketRow {
  uint8_t family = 0;  // 4 or 6 (which file the line came from)
  uint8_t timer = 0;   // tr: 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe
  uint8_t pointer_len = 0;
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
  char pointer[16] = {};  // %pK text, opaque (hashed or zeros)
};

struct TcpRow : InetSocketRow {
  TcpKind kind = TcpKind::kSocket;
  uint8_t quick = 0;  // icsk_ack.quick (full sockets only)
  bool pingpong = false;
  uint32_t snd_cwnd = 0;
  int32_t ssthresh = 0;  // raw: -1 in initial slow start; fastopen qlen for LISTEN
  uint64_t rto_ticks = 0;
  uint64_t ato_ticks = 0;
};

// Parses one line (without its '\n'). `family` is 4 for net/tcp, 6 for
// net/tcp6. Returns false, leaving `row` unspecified, if the line is not a
// well-formed row (the header line included).
bool parse_tcp_line(std::string_view line, int family, TcpRow& row);

struct TcpParseStats {
  size_t rows = 0;
  size_t skipped = 0;  // malformed lines, not counting the header
};

// Parses a whole file, appending rows to `out`. The first line is the header
// when it starts with "sl"; every other line that does not parse is counted
// in `skipped`.
TcpParseStats parse_tcp_table(std::string_view text, int family, std::vector<TcpRow>& out);

// Shared by the line-oriented /proc/net parsers (tcp, udp, unix): turns a
// file fed in chunks, as read() returns them (about a page at a time), into
// rows, so a large table is parsed while it is read and never buffered.
// Rows are parsed in place into any container with emplace_back() and
// pop_back(). A first line starting with `header` (after blanks) is skipped;
// lines that fail parse_line(line, row), or are longer than
// LineAssembler::kMaxLine, are counted in stats().skipped unless blank.
template <typename ParseLine>
class RowParser {
 public:
  RowParser(std::string_view header, ParseLine parse_line)
      : header_(header), parse_line_(std::move(parse_line)) {}

  template <typename Rows>
  void feed(std::string_view chunk, Rows& out) {
    lines_.feed(chunk, [&](std::string_view line, bool overlong) { take(line, overlong, out); });
  }
  template <typename Rows>
  void finish(Rows& out) {
    lines_.finish([&](std::string_view line, bool overlong) { take(line, overlong, out); });
  }
  // Instead of finish() when every chunk fed so far ended with '\n': takes
  // `line` as the last line, without copying it.
  template <typename Rows>
  void last_line(std::string_view line, Rows& out) {
    if (!line.empty()) take(line, line.size() > LineAssembler::kMaxLine, out);
  }
  const TcpParseStats& stats() const { return stats_; }

 private:
  template <typename Rows>
  void take(std::string_view line, bool overlong, Rows& out) {
    if (first_) {
      first_ = false;
      size_t i = line.find_first_not_of(" \t");
      if (i != std::string_view::npos && line.substr(i, header_.size()) == header_) return;
    }
    if (!overlong) {
      if (parse_line_(line, out.emplace_back())) {
        ++stats_.rows;
        return;
      }
      out.pop_back();
      // Blank lines (a trailing newline, padding) are not malformed rows.
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    }
    ++stats_.skipped;
  }

  std::string_view header_;
  ParseLine parse_line_;
  bool first_ = true;
  LineAssembler lines_;
  TcpParseStats stats_;
};

// RowParser over a whole text at once (tests, fuzzing, small files). Every
// line, the last one included even without its '\n', is handed to
// parse_line as a view into `text`, so rows may point into it (unix paths).
template <typename Rows, typename ParseLine>
TcpParseStats parse_rows(std::string_view text, std::string_view header, Rows& out,
                         ParseLine parse_line) {
  RowParser<ParseLine> parser(header, std::move(parse_line));
  size_t cut = text.rfind('\n');
  size_t tail = cut == std::string_view::npos ? 0 : cut + 1;
  parser.feed(text.substr(0, tail), out);
  parser.last_line(text.substr(tail), out);
  return parser.stats();
}

// Splits `line` on blanks into at most `max` tokens; returns the count, or
// max + 1 if there are more.
size_t split_fields(std::string_view line, std::string_view* tokens, size_t max);

// Parses the 12 leading tokens every inet socket line shares into `row`
// (family already set). False if any does not parse.
bool parse_inet_fields(const std::string_view* tok, int family, InetSocketRow& row);

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
