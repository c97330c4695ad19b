// tcp.h — pure parser for /proc/net/tcp and /proc/net/tcp6 text.
//
// Text in, rows out: no I/O, no SQLite, so it is unit-tested on fixtures and
// fuzzed. A line is split on blanks, never on fixed columns (%4d, %5u and %8d
// widen as values grow). Three row kinds exist:
//   full socket   17 tokens: the 12 inet fields (inet.h), then
//                 rto ato quick|pingpong cwnd ssthresh
//   request sock  12 tokens (SYN_RECV, st 03)
//   timewait sock 12 tokens (st 06 TIME_WAIT or 05 FIN_WAIT2)
// Lines with more than 17 tokens (a future kernel appending fields) parse as
// full sockets; any other shape, or any token that does not parse, skips the
// whole line: a row is never half-parsed.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "parse/inet.h"
#include "text/row_parser.h"

namespace proctab {

enum class TcpKind : uint8_t { kSocket, kRequest, kTimewait };

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

// Parses a whole file, appending rows to `out`; the first line is the header
// when it starts with "sl".
text::ParseStats parse_tcp_table(std::string_view text, int family, std::vector<TcpRow>& out);

}  // namespace proctab
