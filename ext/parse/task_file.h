// task_file.h — the pure decoder of the BPF task_file iterator's output
// (kernel/task_file.h): a stream of fixed-size binary records, one per open
// descriptor, laid out as kernel/bpf/task_file_record.h declares (native
// byte order; kernel/task_file.cpp checks at compile time that the layout
// there is the one decoded here).
//
// The bytes come from the kernel, but are decoded as untrusted all the same
// (fuzzed: fuzz/fuzz_task_file.cpp): a record of another version, an
// unknown kind, a pid or fd out of range stops the stream as malformed, and a
// stream that ends inside a record is truncated. Reads may end anywhere: the
// decoder carries a partial record over to the next chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "parse/fd.h"

namespace proctab {

inline constexpr size_t kTaskFileRecordSize = 40;
inline constexpr uint8_t kTaskFileVersion = 1;

struct TaskFileRecord {
  int32_t pid = 0;  // thread-group id, initial pid namespace
  int32_t fd = 0;
  uint64_t ino = 0;           // i_ino of the open file
  int64_t pos = 0;            // f_pos, as fdinfo 'pos'
  uint32_t flags = 0;         // as fdinfo 'flags' (O_CLOEXEC included)
  uint32_t mnt_id = 0;        // as fdinfo 'mnt_id'
  uint32_t magic = 0;         // s_magic of the file's file system
  uint16_t mode = 0;          // i_mode
  bool made_up_name = false;  // the /proc link is the file system's d_dname, not a path
};

// What proc_fd's type and inode columns are for a record, as
// classify_fd_target would find them in the /proc link. `known` is false
// when only the link text can tell (a made-up name of a file system this
// table does not know, such as nsfs's 'net:[N]' or pidfs's
// 'anon_inode:[pidfd]'): the caller reads that one link.
struct TaskFileType {
  FdType type = FdType::kOther;
  bool has_inode = false;  // socket:[N], pipe:[N]: N is the record's ino
  bool known = false;
};
TaskFileType task_file_type(const TaskFileRecord& record);

class TaskFileDecoder {
 public:
  enum class Status { kOk, kMalformed, kTruncated };
  using Sink = std::function<void(const TaskFileRecord&)>;
  explicit TaskFileDecoder(Sink sink) : sink_(std::move(sink)) {}
  // Decodes what `bytes` completes. Once malformed, ignores the rest.
  void feed(std::string_view bytes);
  // The stream's end: kTruncated if a partial record is left over.
  Status finish() const;
  uint64_t records() const { return records_; }

 private:
  bool decode(const char* p);  // one whole record; false if malformed

  Sink sink_;
  std::string partial_;  // the start of a record a chunk ended inside
  uint64_t records_ = 0;
  bool malformed_ = false;
};

}  // namespace proctab
