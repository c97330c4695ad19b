// fuzz_unix — parse_unix_table on arbitrary net/unix text. A row's path
// must be a view inside the input (rows point into the parsed text).
#include <cstdlib>
#include <string_view>
#include <vector>

#include "parse/unix.h"

using namespace proctab;
using namespace proctab::text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<UnixRow> rows;
  text::ParseStats stats = parse_unix_table(text, rows);
  if (stats.rows != rows.size()) abort();
  for (const UnixRow& r : rows) {
    if (r.pointer.length > sizeof r.pointer.text) abort();
    if (!r.path.empty() && (r.path.data() < text.data() ||
                            r.path.data() + r.path.size() > text.data() + text.size())) {
      abort();
    }
    (void)unix_type_name(r.type);
  }
  return 0;
}
