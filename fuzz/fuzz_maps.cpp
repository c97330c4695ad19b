// fuzz_maps — parse_maps_table and parse_smaps on arbitrary /proc/PID/maps
// and smaps text, and decode_maps_name on every name. A row's name is a
// view inside the input; anonymous rows (and only they) have no name; a
// range never ends before it starts; decoding only ever shortens a name,
// and changes it exactly when it is escaped.
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/maps.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<MapsRow> rows;
  text::ParseStats stats = parse_maps_table(text, rows);
  require(stats.rows == rows.size());
  for (const MapsRow& r : rows) {
    require(r.start <= r.end);
    require(r.perms[0] == 'r' || r.perms[0] == '-');
    require(r.perms[3] == 'p' || r.perms[3] == 's');
    require(r.name.empty() ||
            (r.name.data() >= text.data() && r.name.data() + r.name.size() <= text.data() + size));
    require((r.kind == MapKind::kAnon) == r.name.empty());
    require(!r.deleted || r.name[0] == '/');
    require(r.name.find('\0') == std::string_view::npos);
    std::string decoded = decode_maps_name(r.name);
    require(decoded.size() <= r.name.size());
    require((decoded != r.name) == maps_name_escaped(r.name));
    (void)map_kind_name(r.kind);
  }
  for (const SmapsFigures& f : parse_smaps(text)) {
    require(f.rss >= -1 && f.pss >= -1 && f.swap >= -1);
  }
  return 0;
}
