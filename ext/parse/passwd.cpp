// passwd.cpp — see passwd.h.
#include "parse/passwd.h"

#include "text/scan.h"

namespace proctab {

using namespace text;

namespace {

// Splits at every ':' into exactly `n` fields; false for another count.
bool split_exact(std::string_view line, std::string_view* fields, size_t n) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') return false;
  if (line.find('\0') != std::string_view::npos) return false;
  size_t count = 0;
  size_t start = 0;
  for (;;) {
    size_t colon = line.find(':', start);
    if (count == n) return false;
    fields[count++] = line.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return count == n && !fields[0].empty();
}

}  // namespace

bool parse_passwd_line(std::string_view line, PasswdEntry& entry) {
  entry = PasswdEntry{};
  std::string_view f[7];
  if (!split_exact(line, f, 7) || !dec_as(f[2], entry.uid) || !dec_as(f[3], entry.gid)) {
    return false;
  }
  entry.name = f[0];
  entry.gecos = f[4];
  entry.directory = f[5];
  entry.shell = f[6];
  return true;
}

bool parse_group_line(std::string_view line, GroupEntry& entry) {
  entry = GroupEntry{};
  std::string_view f[4];
  if (!split_exact(line, f, 4) || !dec_as(f[2], entry.gid)) return false;
  entry.name = f[0];
  entry.members = f[3];
  return true;
}

ParseStats parse_passwd_file(std::string_view text, std::vector<PasswdEntry>& out) {
  return parse_rows(text, "", out, parse_passwd_line);
}

ParseStats parse_group_file(std::string_view text, std::vector<GroupEntry>& out) {
  return parse_rows(text, "", out, parse_group_line);
}

}  // namespace proctab
