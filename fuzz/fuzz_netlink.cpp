// fuzz_netlink — parse_netlink_table on arbitrary /proc/net/netlink text,
// and the protocol names of what it yields.
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/packet.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<NetlinkRow> rows;
  text::ParseStats stats = parse_netlink_table(text, rows);
  require(stats.rows == rows.size());
  for (const NetlinkRow& r : rows) {
    require(r.pointer.length >= 1 && r.pointer.length <= sizeof r.pointer.text);
    (void)netlink_protocol_name(r.protocol);
  }
  return 0;
}
