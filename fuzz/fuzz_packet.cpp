// fuzz_packet — parse_packet_table on arbitrary /proc/net/packet text, and
// the names of what it yields. The table parser agrees with its row count.
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/packet.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<PacketRow> rows;
  text::ParseStats stats = parse_packet_table(text, rows);
  require(stats.rows == rows.size());
  for (const PacketRow& r : rows) {
    require(r.pointer.length >= 1 && r.pointer.length <= sizeof r.pointer.text);
    (void)ethertype_name(r.protocol);
    (void)packet_type_name(r.type);
  }
  return 0;
}
