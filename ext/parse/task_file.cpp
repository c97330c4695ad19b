// task_file.cpp — see task_file.h.
#include "parse/task_file.h"

#include <cstring>

namespace proctab {

namespace {

// Super block magics (include/uapi/linux/magic.h) of the pseudo file systems
// whose d_dname /proc/PID/fd shows and classify_fd_target knows.
constexpr uint32_t kSockFs = 0x534F434B;       // "socket:[N]"
constexpr uint32_t kPipeFs = 0x50495045;       // "pipe:[N]"
constexpr uint32_t kAnonInodeFs = 0x09041934;  // "anon_inode:NAME"

// Byte offsets in the record (kernel/bpf/task_file_record.h).
enum Offset : size_t {
  kTgid = 0,
  kFd = 4,
  kIno = 8,
  kPos = 16,
  kFlags = 24,
  kMntId = 28,
  kMagic = 32,
  kMode = 36,
  kKind = 38,
  kVersion = 39,
};

template <typename T>
T load(const char* p, size_t offset) {
  T value;
  memcpy(&value, p + offset, sizeof value);
  return value;
}

}  // namespace

TaskFileType task_file_type(const TaskFileRecord& r) {
  TaskFileType t;
  if (!r.made_up_name) {
    // d_path: an absolute path, " (deleted)" or not (memfds too).
    t.type = FdType::kFile;
    t.known = true;
    return t;
  }
  switch (r.magic) {
    case kSockFs:
      t = {FdType::kSocket, true, true};
      break;
    case kPipeFs:
      t = {FdType::kPipe, true, true};
      break;
    case kAnonInodeFs:
      t = {FdType::kAnonInode, false, true};
      break;
    default:
      break;  // known = false: the link tells
  }
  return t;
}

bool TaskFileDecoder::decode(const char* p) {
  const uint32_t tgid = load<uint32_t>(p, kTgid);
  const uint32_t fd = load<uint32_t>(p, kFd);
  const uint8_t kind = load<uint8_t>(p, kKind);
  if (load<uint8_t>(p, kVersion) != kTaskFileVersion || kind > 1 || tgid == 0 || tgid > INT32_MAX ||
      fd > INT32_MAX) {
    return false;
  }
  TaskFileRecord r;
  r.pid = static_cast<int32_t>(tgid);
  r.fd = static_cast<int32_t>(fd);
  r.ino = load<uint64_t>(p, kIno);
  r.pos = load<int64_t>(p, kPos);
  r.flags = load<uint32_t>(p, kFlags);
  r.mnt_id = load<uint32_t>(p, kMntId);
  r.magic = load<uint32_t>(p, kMagic);
  r.mode = load<uint16_t>(p, kMode);
  r.made_up_name = kind == 1;
  ++records_;
  sink_(r);
  return true;
}

void TaskFileDecoder::feed(std::string_view bytes) {
  if (malformed_) return;
  if (!partial_.empty()) {
    const size_t need = kTaskFileRecordSize - partial_.size();
    const size_t take = bytes.size() < need ? bytes.size() : need;
    partial_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (partial_.size() < kTaskFileRecordSize) return;
    malformed_ = !decode(partial_.data());
    partial_.clear();
    if (malformed_) return;
  }
  while (bytes.size() >= kTaskFileRecordSize) {
    if (!decode(bytes.data())) {
      malformed_ = true;
      return;
    }
    bytes.remove_prefix(kTaskFileRecordSize);
  }
  partial_.assign(bytes.data(), bytes.size());
}

TaskFileDecoder::Status TaskFileDecoder::finish() const {
  if (malformed_) return Status::kMalformed;
  return partial_.empty() ? Status::kOk : Status::kTruncated;
}

}  // namespace proctab
