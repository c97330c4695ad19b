// parse_fd.cpp — see parse_fd.h.
#include "parse_fd.h"

#include "parse_tcp.h"  // parse_dec_u64 / parse_dec_i64

namespace proctab {

namespace {

// "PREFIX[N]" → N, if the whole of `target` has that shape.
bool bracketed_inode(std::string_view target, std::string_view prefix, uint64_t& inode) {
  if (target.size() < prefix.size() + 3 || target.substr(0, prefix.size()) != prefix) return false;
  std::string_view rest = target.substr(prefix.size());
  if (rest.front() != '[' || rest.back() != ']') return false;
  return parse_dec_u64(rest.substr(1, rest.size() - 2), inode);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

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
  if (bracketed_inode(target, "socket:", result.inode)) {
    result.type = FdType::kSocket;
    result.has_inode = true;
  } else if (bracketed_inode(target, "pipe:", result.inode)) {
    result.type = FdType::kPipe;
    result.has_inode = true;
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
