// fuzz_udp — parse_udp_table on arbitrary net/udp(6) text; the first byte
// picks the family (even: 4, odd: 6). Rows carry the file's family, and
// the table parser agrees with the line parser on the row count.
#include <cstdlib>
#include <string_view>
#include <vector>

#include "parse/udp.h"

using namespace proctab;
using namespace proctab::text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int family = (data[0] & 1) ? 6 : 4;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<UdpRow> rows;
  text::ParseStats stats = parse_udp_table(text, family, rows);
  if (stats.rows != rows.size()) abort();
  for (const UdpRow& r : rows) {
    if (r.family != family) abort();
  }
  UdpRow row;
  (void)parse_udp_line(text, family, row);
  return 0;
}
