// fuzz_task_file — the BPF task_file record decoder on arbitrary bytes. The
// first byte picks a chunk size: the rest is decoded whole and in chunks of
// that size (reads of the iterator end anywhere), which must agree record
// for record and in status; every record decoded must hold what the decoder
// promises (pid > 0, fd >= 0, at most size / 40 of them, a type with an
// inode only for sockets and pipes).
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/task_file.h"

using namespace proctab;

namespace {

struct Result {
  std::vector<TaskFileRecord> records;
  TaskFileDecoder::Status status;
};

Result decode(std::string_view bytes, size_t chunk) {
  Result r;
  TaskFileDecoder d([&](const TaskFileRecord& rec) { r.records.push_back(rec); });
  for (size_t at = 0; at < bytes.size(); at += chunk) d.feed(bytes.substr(at, chunk));
  r.status = d.finish();
  require(d.records() == r.records.size());
  return r;
}

bool same(const TaskFileRecord& a, const TaskFileRecord& b) {
  return a.pid == b.pid && a.fd == b.fd && a.ino == b.ino && a.pos == b.pos && a.flags == b.flags &&
         a.mnt_id == b.mnt_id && a.magic == b.magic && a.mode == b.mode &&
         a.made_up_name == b.made_up_name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = data[0] % (2 * kTaskFileRecordSize + 1) + 1;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  Result whole = decode(bytes, bytes.size() + 1);
  Result split = decode(bytes, chunk);
  require(whole.status == split.status);
  require(whole.records.size() == split.records.size());
  require(whole.records.size() <= bytes.size() / kTaskFileRecordSize);
  if (whole.status == TaskFileDecoder::Status::kOk) {
    require(bytes.size() == whole.records.size() * kTaskFileRecordSize);
  }
  for (size_t i = 0; i < whole.records.size(); ++i) {
    const TaskFileRecord& r = whole.records[i];
    require(same(r, split.records[i]));
    require(r.pid > 0 && r.fd >= 0);
    TaskFileType t = task_file_type(r);
    require(!t.has_inode || t.type == FdType::kSocket || t.type == FdType::kPipe);
    require(t.known || r.made_up_name);
    (void)fd_type_name(t.type);
  }
  return 0;
}
