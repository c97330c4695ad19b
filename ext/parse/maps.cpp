// maps.cpp — see maps.h. The five leading fields are each followed by
// exactly one space (seq_put_hex_ll / seq_put_decimal_ull with a " "
// delimiter); each is checked, so a line is never half-parsed.
#include "parse/maps.h"

#include "text/scan.h"

namespace proctab {

using namespace text;

namespace {

constexpr std::string_view kDeleted = " (deleted)";

// Takes the text up to the next space (which must exist) from the front of s.
bool take_field(std::string_view& s, std::string_view& field) {
  size_t space = s.find(' ');
  if (space == std::string_view::npos || space == 0) return false;
  field = s.substr(0, space);
  s.remove_prefix(space + 1);
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_sysv_name(std::string_view name) {
  // "/SYSV%08x": the segment's key in hex.
  if (name.size() != 13 || !starts_with(name, "/SYSV")) return false;
  uint64_t key;
  return parse_hex_u64(name.substr(5), key);
}

MapKind classify(std::string_view name, bool deleted) {
  if (name.empty()) return MapKind::kAnon;
  if (name[0] == '/') {
    if (deleted && starts_with(name, "/memfd:")) return MapKind::kMemfd;
    if (deleted && is_sysv_name(name)) return MapKind::kSysvShm;
    if (deleted && name == "/dev/zero") return MapKind::kSharedAnon;
    return MapKind::kFile;
  }
  if (name == "[heap]") return MapKind::kHeap;
  if (name == "[stack]" || (starts_with(name, "[stack:") && name.back() == ']')) {
    return MapKind::kStack;
  }
  if (name == "[vdso]") return MapKind::kVdso;
  if (name == "[vvar]" || name == "[vvar_vclock]") return MapKind::kVvar;
  if (name == "[vsyscall]") return MapKind::kVsyscall;
  if ((starts_with(name, "[anon:") || starts_with(name, "[anon_shmem:")) && name.back() == ']') {
    return MapKind::kAnonNamed;
  }
  return MapKind::kOther;
}

}  // namespace

const char* map_kind_name(MapKind kind) {
  switch (kind) {
    case MapKind::kFile:
      return "file";
    case MapKind::kAnon:
      return "anon";
    case MapKind::kHeap:
      return "heap";
    case MapKind::kStack:
      return "stack";
    case MapKind::kVdso:
      return "vdso";
    case MapKind::kVvar:
      return "vvar";
    case MapKind::kVsyscall:
      return "vsyscall";
    case MapKind::kAnonNamed:
      return "anon_named";
    case MapKind::kMemfd:
      return "memfd";
    case MapKind::kSysvShm:
      return "sysv_shm";
    case MapKind::kSharedAnon:
      return "shared_anon";
    case MapKind::kOther:
      break;
  }
  return "other";
}

bool parse_maps_line(std::string_view line, MapsRow& row) {
  row = MapsRow{};
  std::string_view range, perms, offset, dev;
  if (!take_field(line, range) || !take_field(line, perms) || !take_field(line, offset) ||
      !take_field(line, dev)) {
    return false;
  }
  size_t dash = range.find('-');
  if (dash == std::string_view::npos || !parse_hex_u64(range.substr(0, dash), row.start) ||
      !parse_hex_u64(range.substr(dash + 1), row.end) || row.end < row.start) {
    return false;
  }
  if (perms.size() != 4 || (perms[0] != 'r' && perms[0] != '-') ||
      (perms[1] != 'w' && perms[1] != '-') || (perms[2] != 'x' && perms[2] != '-') ||
      (perms[3] != 'p' && perms[3] != 's')) {
    return false;
  }
  for (size_t i = 0; i < 4; ++i) row.perms[i] = perms[i];
  if (!parse_hex_u64(offset, row.offset)) return false;
  std::string_view major, minor;
  if (!split_colon(dev, major, minor) || major.size() > 8 || minor.size() > 8 ||
      !hex_as(major, row.dev_major) || !hex_as(minor, row.dev_minor)) {
    return false;
  }
  // The inode ends the line, or is followed by a space and the padded name.
  size_t space = line.find(' ');
  std::string_view name;
  if (space == std::string_view::npos) {
    if (!parse_dec_u64(line, row.inode)) return false;
  } else {
    if (!parse_dec_u64(line.substr(0, space), row.inode)) return false;
    name = line.substr(space + 1);
    size_t first = name.find_first_not_of(' ');
    name = first == std::string_view::npos ? std::string_view() : name.substr(first);
  }
  // A NUL can only come from a damaged read: no printed name holds one.
  if (name.find('\0') != std::string_view::npos) return false;
  if (!name.empty() && name[0] == '/' && name.size() > kDeleted.size() &&
      name.substr(name.size() - kDeleted.size()) == kDeleted) {
    row.deleted = true;
    name.remove_suffix(kDeleted.size());
  }
  row.name = name;
  row.kind = classify(name, row.deleted);
  return true;
}

bool maps_name_escaped(std::string_view name) {
  return name.find("\\012") != std::string_view::npos;
}

std::string decode_maps_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && name.substr(i, 4) == "\\012") {
      out.push_back('\n');
      i += 3;
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

ParseStats parse_maps_table(std::string_view text, std::vector<MapsRow>& out) {
  return parse_rows(text, "", out, parse_maps_line);  // no header line
}

std::vector<SmapsFigures> parse_smaps(std::string_view text) {
  std::vector<SmapsFigures> out;
  MapsRow header;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (parse_maps_line(line, header)) {
      out.push_back(SmapsFigures{header.start});
      continue;
    }
    if (out.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    int64_t* field = key == "Rss"    ? &out.back().rss
                     : key == "Pss"  ? &out.back().pss
                     : key == "Swap" ? &out.back().swap
                                     : nullptr;
    if (!field) continue;
    // "   8 kB"
    std::string_view tok[3];
    uint64_t kb;
    if (split_fields(line.substr(colon + 1), tok, 2) != 2 || tok[1] != "kB" ||
        !parse_dec_u64(tok[0], kb) || kb > static_cast<uint64_t>(INT64_MAX) / 1024) {
      continue;
    }
    *field = static_cast<int64_t>(kb * 1024);
  }
  return out;
}

}  // namespace proctab
