// cgroup.cpp — see cgroup.h.
#include "parse/cgroup.h"

#include "text/scan.h"

namespace proctab {

bool parse_cgroup_line(std::string_view line, CgroupEntry& entry) {
  entry = CgroupEntry{};
  size_t first = line.find(':');
  if (first == std::string_view::npos) return false;
  size_t second = line.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  if (!text::dec_as(line.substr(0, first), entry.hierarchy)) return false;
  entry.controllers = line.substr(first + 1, second - first - 1);
  entry.path = line.substr(second + 1);
  if (entry.path.empty() || entry.path[0] != '/') return false;
  return entry.path.find('\0') == std::string_view::npos;
}

std::optional<std::string_view> process_cgroup_path(std::string_view text) {
  std::optional<std::string_view> unified, systemd, controller, root;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    CgroupEntry entry;
    bool ok = parse_cgroup_line(text.substr(pos, end - pos), entry);
    pos = end + 1;
    if (!ok) continue;
    if (entry.path == "/") {
      root = entry.path;
    } else if (entry.hierarchy == 0 && entry.controllers.empty()) {
      if (!unified) unified = entry.path;
    } else if (entry.controllers == "name=systemd") {
      if (!systemd) systemd = entry.path;
    } else if (!controller) {
      controller = entry.path;
    }
  }
  if (unified) return unified;
  if (systemd) return systemd;
  if (controller) return controller;
  return root;
}

}  // namespace proctab
