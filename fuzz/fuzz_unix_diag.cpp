// fuzz_unix_diag — parse_unix_diag_reply on arbitrary bytes as recv() could
// return them from NETLINK_SOCK_DIAG. Every row's name must be a view inside
// the input, its /proc text no longer than the name plus its '@', and the
// counts must agree with the rows appended.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/unix_diag.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<UnixDiagRow> rows;
  UnixDiagStats stats = parse_unix_diag_reply(bytes, rows);
  require(stats.rows == rows.size());
  require(stats.error >= 0 && stats.error < 4096);
  std::string text;
  for (const UnixDiagRow& r : rows) {
    const std::string_view name = r.diag.raw_name;
    require(name.empty() || (name.data() >= bytes.data() &&
                             name.data() + name.size() <= bytes.data() + bytes.size()));
    require(r.has_path == !name.empty());
    require(r.st >= 1 && r.st <= 4);
    require(r.diag.meminfo_count <= kMemVars);
    text.assign(name.size() + 1, '\0');
    const size_t n = unix_diag_path_text(name, text.data());
    require(n <= name.size() + 1);
    require(!r.has_path || (n > 0) == (r.abstract || name.size() > 1));
    require(!r.abstract || text[0] == '@');
    (void)unix_type_name(r.type);
  }
  return 0;
}
