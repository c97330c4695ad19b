// locks.cpp — see locks.h.
#include "parse/locks.h"

#include "text/scan.h"

namespace proctab {

using namespace text;

namespace {

// Upper-case letters, '*' and '_' only (every word the kernel prints there).
bool take_word(std::string_view token, LockWord& out) {
  if (token.empty() || token.size() > sizeof out.text) return false;
  for (char c : token) {
    if (!((c >= 'A' && c <= 'Z') || c == '*' || c == '_')) return false;
  }
  for (size_t i = 0; i < token.size(); ++i) out.text[i] = token[i];
  out.length = static_cast<uint8_t>(token.size());
  return true;
}

}  // namespace

bool parse_locks_line(std::string_view line, LockRow& row) {
  row = LockRow{};
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      !parse_dec_i64(line.substr(0, colon), row.id) || row.id < 0) {
    return false;
  }
  std::string_view rest = line.substr(colon + 1);
  // ": " then, for a waiter, more spaces per level and "-> ".
  size_t spaces = 0;
  while (spaces < rest.size() && rest[spaces] == ' ') ++spaces;
  if (spaces == 0) return false;
  if (rest.substr(spaces, 2) == "->") {
    if (rest.substr(spaces + 2, 1) != " " || spaces > 64) return false;
    row.depth = static_cast<uint32_t>(spaces);
    rest.remove_prefix(spaces + 3);
  }
  std::string_view tok[8];
  if (split_fields(rest, tok, 7) != 7) return false;
  if (!take_word(tok[0], row.type) || !take_word(tok[1], row.detail) ||
      !take_word(tok[2], row.mode) || !parse_dec_i64(tok[3], row.pid)) {
    return false;
  }
  // MAJ:MIN:INODE, or <none>:0 for a lock without a file.
  if (tok[4] != "<none>:0") {
    std::string_view dev = tok[4];
    size_t first = dev.find(':');
    size_t second = first == std::string_view::npos ? first : dev.find(':', first + 1);
    if (second == std::string_view::npos) return false;
    std::string_view major = dev.substr(0, first);
    std::string_view minor = dev.substr(first + 1, second - first - 1);
    if (major.size() > 8 || minor.size() > 8 || !hex_as(major, row.dev_major) ||
        !hex_as(minor, row.dev_minor) || !parse_dec_u64(dev.substr(second + 1), row.inode)) {
      return false;
    }
    row.has_inode = true;
  }
  if (!parse_dec_i64(tok[5], row.start)) return false;
  if (tok[6] != "EOF") {
    int64_t end;
    if (!parse_dec_i64(tok[6], end)) return false;
    row.end = end;
  }
  return true;
}

ParseStats parse_locks_table(std::string_view text, std::vector<LockRow>& out) {
  const size_t before = out.size();
  ParseStats stats = parse_rows(text, "", out, parse_locks_line);
  link_lock_waiters(out, before);
  return stats;
}

}  // namespace proctab
