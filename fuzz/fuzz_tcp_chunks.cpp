// fuzz_tcp_chunks — RowParser (the socket tables' streaming parser) fed
// net/tcp text in chunks, as read() returns a /proc file, into a
// ChunkedVector, against parse_tcp_table on the whole text. Same input format as fuzz_tcp: the
// first byte picks the family (bit 0) and the chunk sizes (the other bits); the rest is the file.
// Lines split across chunks, rows popped after a failed parse, a last line
// without '\n': the rows and the counts must be the same either way.
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/chunked_vector.h"
#include "fuzz_check.h"
#include "parse/tcp.h"

using namespace proctab;
using namespace proctab::text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int family = (data[0] & 1) ? 6 : 4;
  const unsigned pattern = data[0] >> 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  // Whole-text lines up to LineAssembler::kMaxLine are not "overlong" in
  // either path only when no line exceeds it; keep inputs below that.
  if (text.size() >= LineAssembler::kMaxLine) return 0;

  std::vector<TcpRow> whole;
  text::ParseStats expected = parse_tcp_table(text, family, whole);

  auto parse_line = [family](std::string_view line, TcpRow& row) {
    return parse_tcp_line(line, family, row);
  };
  RowParser<decltype(parse_line)> parser("sl", parse_line);
  ChunkedVector<TcpRow> rows;
  size_t pos = 0;
  for (unsigned k = 1; pos < text.size(); ++k) {
    size_t n = 1 + (pattern * 31u + k * 17u) % 97u;
    if (pattern == 0) n = text.size();  // one chunk
    n = std::min(n, text.size() - pos);
    parser.feed(text.substr(pos, n), rows);
    pos += n;
  }
  parser.finish(rows);

  require(parser.stats().rows == expected.rows);
  require(parser.stats().skipped == expected.skipped);
  require(rows.size() == whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    const TcpRow& a = rows[i];
    const TcpRow& b = whole[i];
    require(a.inode == b.inode && a.st == b.st && a.kind == b.kind && a.slot == b.slot &&
            a.local_port == b.local_port && a.remote_port == b.remote_port &&
            a.family == b.family && a.pointer.length == b.pointer.length &&
            std::string_view(a.pointer.view()) ==
                std::string_view(b.pointer.view()));
  }
  return 0;
}
