// fuzz_cgroup — process_cgroup_path and parse_cgroup_line on arbitrary
// /proc/PID/cgroup text. The chosen path is a view inside the input that
// starts with '/' and holds no newline or NUL.
#include <string_view>

#include "fuzz_check.h"
#include "parse/cgroup.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto path = process_cgroup_path(text)) {
    require(!path->empty() && (*path)[0] == '/');
    require(path->data() >= text.data() && path->data() + path->size() <= text.data() + size);
    require(path->find_first_of(std::string_view("\n\0", 2)) == std::string_view::npos);
  }
  CgroupEntry entry;
  if (parse_cgroup_line(text, entry)) require(!entry.path.empty() && entry.path[0] == '/');
  return 0;
}
