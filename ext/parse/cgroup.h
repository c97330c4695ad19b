// cgroup.h — pure parser for /proc/PID/cgroup text.
//
// Printer: kernel/cgroup/cgroup.c proc_cgroup_show. One line per hierarchy:
//   HIERARCHY-ID:CONTROLLERS:PATH
//   0::/system.slice/ssh.service            (cgroup v2, the unified hierarchy)
//   4:memory:/docker/0f9c25ab36e4           (a v1 hierarchy)
//   9:name=systemd:/user.slice              (v1 named hierarchy)
// PATH is relative to the reader's cgroup namespace root and is the rest of
// the line (it may hold ':'); a removed v2 cgroup prints " (deleted)" after it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace proctab {

struct CgroupEntry {
  uint32_t hierarchy = 0;
  std::string_view controllers;  // "" for v2; "memory", "cpu,cpuacct", "name=systemd"
  std::string_view path;
};

bool parse_cgroup_line(std::string_view line, CgroupEntry& entry);

// The path that names a process's container or unit: the most specific of
// the unified (v2) hierarchy's path, the name=systemd hierarchy's, then the
// v1 controllers' in file order — the first of them that is not "/" (on a
// hybrid or v1 machine the unified path may be "/" for every process while
// the controllers say "/docker/ID"); "/" if all are. nullopt if no line
// parses. A view into `text`.
std::optional<std::string_view> process_cgroup_path(std::string_view text);

}  // namespace proctab
