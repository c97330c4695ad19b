// fd.cpp — see fd.h.
#include "parse/fd.h"

#include "text/scan.h"

namespace proctab {

using namespace text;

const char* fd_type_name(FdType type) {
  switch (type) {
    case FdType::kSocket:
      return "socket";
    case FdType::kPipe:
      return "pipe";
    case FdType::kAnonInode:
      return "anon_inode";
    case FdType::kFile:
      return "file";
    case FdType::kOther:
      break;
  }
  return "other";
}

FdTarget classify_fd_target(std::string_view target) {
  FdTarget result;
  if (target.empty()) return result;
  if (target.front() == '/') {
    result.type = FdType::kFile;
    constexpr std::string_view kDeleted = " (deleted)";
    if (target.size() > kDeleted.size() &&
        target.substr(target.size() - kDeleted.size()) == kDeleted) {
      result.deleted = true;
      target.remove_suffix(kDeleted.size());
    }
    result.path = target;
    return result;
  }
  if (auto inode = parse_tagged_number(target, "socket")) {
    result.type = FdType::kSocket;
    result.has_inode = true;
    result.inode = *inode;
  } else if (auto pipe = parse_tagged_number(target, "pipe")) {
    result.type = FdType::kPipe;
    result.has_inode = true;
    result.inode = *pipe;
  } else if (target.substr(0, 11) == "anon_inode:") {
    result.type = FdType::kAnonInode;
  }
  return result;
}

FdInfo parse_fdinfo(std::string_view text) {
  FdInfo info;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (key == "pos") {
      int64_t v;
      if (parse_dec_i64(value, v)) info.pos = v;
    } else if (key == "flags") {
      // "0%o": octal digits.
      if (value.empty() || value.size() > 11) continue;
      uint64_t v = 0;
      bool ok = true;
      for (char c : value) {
        if (c < '0' || c > '7') {
          ok = false;
          break;
        }
        v = v * 8 + static_cast<uint64_t>(c - '0');
      }
      if (ok && v <= UINT32_MAX) info.flags = static_cast<uint32_t>(v);
    } else if (key == "mnt_id") {
      int64_t v;
      if (parse_dec_i64(value, v)) info.mnt_id = v;
    } else if (key == "ino") {
      uint64_t v;
      if (parse_dec_u64(value, v)) info.ino = v;
    }
  }
  return info;
}

const char* fd_access_mode(uint32_t flags) {
  switch (flags & 3u) {  // O_ACCMODE
    case 0:
      return "read";
    case 1:
      return "write";
    case 2:
      return "read/write";
  }
  return nullptr;
}

}  // namespace proctab
