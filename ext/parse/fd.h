// fd.h — pure parsers for /proc/PID/fd link text and /proc/PID/fdinfo.
//
// Link targets (fs/proc/fd.c, fs/d_path.c, fs/nsfs.c): "socket:[INODE]",
// "pipe:[INODE]", "anon_inode:NAME" (e.g. "anon_inode:[eventfd]"), an
// absolute path, a path followed by " (deleted)" (memfd files look like
// "/memfd:NAME (deleted)"), and pseudo-filesystem names such as "net:[N]".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace proctab {

enum class FdType : uint8_t { kSocket, kPipe, kAnonInode, kFile, kOther };

const char* fd_type_name(FdType type);

struct FdTarget {
  FdType type = FdType::kOther;
  bool has_inode = false;  // socket:[N] and pipe:[N] only
  uint64_t inode = 0;
  bool deleted = false;   // a file whose target ends in " (deleted)"
  std::string_view path;  // for files: the target without " (deleted)"
};

// Classifies a readlink() result. Never fails: unknown shapes are kOther.
FdTarget classify_fd_target(std::string_view target);

struct FdInfo {
  std::optional<int64_t> pos;     // "pos:" file offset, bytes
  std::optional<uint32_t> flags;  // "flags:" open flags (octal in the file)
  std::optional<int64_t> mnt_id;  // "mnt_id:"
  std::optional<uint64_t> ino;    // "ino:" (kernels >= 5.14)
};

// Parses fdinfo text ("key:\tvalue" lines). Unknown keys and malformed
// values are ignored: a field that does not parse stays empty.
FdInfo parse_fdinfo(std::string_view text);

// "read", "write", "read/write" from open flags (O_ACCMODE); nullptr if none.
const char* fd_access_mode(uint32_t flags);

}  // namespace proctab
