// unix.cpp — see unix.h. Fixed-shape fields are located by
// position (the kernel prints them at fixed widths up to the inode), but each
// is still checked: hex digits where hex is printed, single spaces between.
#include "parse/unix.h"

namespace proctab {

using namespace text;

namespace {

// Takes "<hex>" of exactly `width` digits followed by `sep` from the front of s.
bool take_hex(std::string_view& s, size_t width, char sep, uint64_t& value) {
  if (s.size() < width + 1 || s[width] != sep) return false;
  if (!parse_hex_u64(s.substr(0, width), value)) return false;
  s.remove_prefix(width + 1);
  return true;
}

}  // namespace

bool parse_unix_line(std::string_view line, UnixRow& row) {
  row = UnixRow{};
  // %pK: 1..16 hex digits then ": ".
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || line.substr(colon, 2) != ": " ||
      !parse_kernel_pointer(line.substr(0, colon), row.pointer)) {
    return false;
  }
  std::string_view s = line.substr(colon + 2);

  uint64_t refcount, protocol, flags, type, st;
  if (!take_hex(s, 8, ' ', refcount) || !take_hex(s, 8, ' ', protocol) ||
      !take_hex(s, 8, ' ', flags) || !take_hex(s, 4, ' ', type) || !take_hex(s, 2, ' ', st)) {
    return false;
  }
  // Inode: "%5lu", right-aligned (leading blanks), then end or " path".
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  size_t digits_end = i;
  while (digits_end < s.size() && s[digits_end] >= '0' && s[digits_end] <= '9') ++digits_end;
  if (!parse_dec_u64(s.substr(i, digits_end - i), row.inode)) return false;
  std::string_view rest = s.substr(digits_end);
  if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
  if (!rest.empty()) {
    // Exactly one space, then the path, which may itself contain spaces.
    if (rest[0] != ' ' || rest.size() < 2) return false;
    row.path = rest.substr(1);
    // A NUL can only come from a damaged read: no printed path contains one.
    if (row.path.find('\0') != std::string_view::npos) return false;
    row.has_path = true;
    row.abstract = row.path[0] == '@';
  }
  row.refcount = static_cast<uint32_t>(refcount);
  row.protocol = static_cast<uint32_t>(protocol);
  row.flags = static_cast<uint32_t>(flags);
  row.type = static_cast<uint16_t>(type);
  row.st = static_cast<uint8_t>(st);
  return true;
}

ParseStats parse_unix_table(std::string_view text, std::vector<UnixRow>& out) {
  return parse_rows(text, "Num", out, parse_unix_line);
}

const char* unix_type_name(uint32_t type) {
  switch (type) {
    case 1:
      return "stream";
    case 2:
      return "dgram";
    case 3:
      return "raw";
    case 4:
      return "rdm";
    case 5:
      return "seqpacket";
  }
  return nullptr;
}

const char* unix_state_name(uint32_t st) {
  static const char* const kNames[] = {nullptr, "UNCONNECTED", "CONNECTING", "CONNECTED",
                                       "DISCONNECTING"};
  return st < 5 ? kNames[st] : nullptr;
}

}  // namespace proctab
