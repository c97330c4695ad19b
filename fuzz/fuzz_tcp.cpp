// fuzz_tcp — parse_tcp_table and parse_tcp_line on arbitrary text.
// The first byte picks the family (even: net/tcp, odd: net/tcp6); the rest is
// the file. Beyond "no crash", it checks what callers rely on: every row is
// whole (a kind its state allows, a family, a pointer within bounds), the
// table parser agrees with the line parser, and counts add up.
#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/tcp.h"

using namespace proctab;
using namespace proctab::text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int family = (data[0] & 1) ? 6 : 4;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<TcpRow> rows;
  text::ParseStats stats = parse_tcp_table(text, family, rows);
  require(stats.rows == rows.size());
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  require(stats.rows + stats.skipped <= lines + 1);

  for (const TcpRow& r : rows) {
    require(r.family == family);
    require(r.pointer.length >= 1 && r.pointer.length <= sizeof r.pointer.text);
    switch (r.kind) {
      case TcpKind::kRequest:
        require(r.st == 3);
        break;
      case TcpKind::kTimewait:
        require(r.st == 5 || r.st == 6);
        break;
      case TcpKind::kSocket:
        break;
    }
    (void)tcp_state_name(r.st);
    (void)tcp_timer_name(r.timer);
  }

  // Line by line, the same rows in the same order.
  size_t pos = 0, matched = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    TcpRow row;
    bool ok = parse_tcp_line(line, family, row);
    if (first) {
      first = false;
      size_t i = line.find_first_not_of(" \t\r");
      if (i != std::string_view::npos && line.substr(i, 2) == "sl") continue;
    }
    if (!ok) continue;
    require(matched < rows.size());
    const TcpRow& t = rows[matched++];
    require(t.inode == row.inode && t.st == row.st && t.local_port == row.local_port &&
            t.remote_port == row.remote_port && t.kind == row.kind && t.slot == row.slot);
  }
  require(matched == rows.size());

  // The scalar scanners on the raw input.
  uint64_t u;
  int64_t i;
  if (parse_dec_u64(text, u)) require(!text.empty() && text.size() <= 20);
  if (parse_hex_u64(text, u)) require(!text.empty() && text.size() <= 16);
  (void)parse_dec_i64(text, i);
  (void)tcp_state_number(text);
  return 0;
}
