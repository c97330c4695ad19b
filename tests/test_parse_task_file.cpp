// Unit tests of the task_file record decoder (parse/task_file.h): records
// built byte by byte here, at the offsets kernel/bpf/task_file_record.h
// declares, decoded whole and in every split; malformed and truncated
// streams; the proc_fd type of each kind of file system.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "parse/task_file.h"

using namespace proctab;

namespace {

struct Raw {
  uint32_t tgid = 42;
  uint32_t fd = 3;
  uint64_t ino = 123456;
  int64_t pos = 7;
  uint32_t flags = 02000002;
  uint32_t mnt_id = 25;
  uint32_t magic = 0x534F434B;
  uint16_t mode = 0140777;
  uint8_t kind = 1;
  uint8_t version = 1;
};

std::string bytes(const Raw& r) {
  std::string out(kTaskFileRecordSize, '\0');
  auto put = [&](size_t at, const void* v, size_t n) { memcpy(&out[at], v, n); };
  put(0, &r.tgid, 4);
  put(4, &r.fd, 4);
  put(8, &r.ino, 8);
  put(16, &r.pos, 8);
  put(24, &r.flags, 4);
  put(28, &r.mnt_id, 4);
  put(32, &r.magic, 4);
  put(36, &r.mode, 2);
  put(38, &r.kind, 1);
  put(39, &r.version, 1);
  return out;
}

struct Collected {
  std::vector<TaskFileRecord> records;
  TaskFileDecoder::Status status;
};

Collected decode(const std::string& stream, size_t chunk = SIZE_MAX) {
  Collected c;
  TaskFileDecoder d([&](const TaskFileRecord& r) { c.records.push_back(r); });
  for (size_t at = 0; at < stream.size(); at += chunk) {
    d.feed(std::string_view(stream).substr(at, chunk));
  }
  c.status = d.finish();
  CHECK(d.records() == c.records.size());
  return c;
}

}  // namespace

TEST_CASE("task_file decoder: every field at its offset", "[parse][task_file]") {
  Raw raw;
  raw.tgid = 0x7fffffff;
  raw.fd = 0x7ffffffe;
  raw.ino = 0x0123456789abcdefull;
  raw.pos = -5;
  auto c = decode(bytes(raw));
  REQUIRE(c.status == TaskFileDecoder::Status::kOk);
  REQUIRE(c.records.size() == 1);
  const TaskFileRecord& r = c.records[0];
  CHECK(r.pid == 0x7fffffff);
  CHECK(r.fd == 0x7ffffffe);
  CHECK(r.ino == 0x0123456789abcdefull);
  CHECK(r.pos == -5);
  CHECK(r.flags == 02000002u);
  CHECK(r.mnt_id == 25u);
  CHECK(r.magic == 0x534F434Bu);
  CHECK(r.mode == 0140777);
  CHECK(r.made_up_name);
}

TEST_CASE("task_file decoder: a stream split anywhere gives the same records",
          "[parse][task_file]") {
  std::string stream;
  for (uint32_t i = 0; i < 5; ++i) {
    Raw r;
    r.fd = i;
    r.ino = 1000 + i;
    stream += bytes(r);
  }
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    auto c = decode(stream, chunk);
    INFO("chunk " << chunk);
    REQUIRE(c.status == TaskFileDecoder::Status::kOk);
    REQUIRE(c.records.size() == 5);
    for (uint32_t i = 0; i < 5; ++i) {
      CHECK(c.records[i].fd == static_cast<int32_t>(i));
      CHECK(c.records[i].ino == 1000 + i);
    }
  }
  CHECK(decode("").status == TaskFileDecoder::Status::kOk);
}

TEST_CASE("task_file decoder: a stream ending inside a record is truncated", "[parse][task_file]") {
  const std::string two = bytes(Raw{}) + bytes(Raw{});
  for (size_t cut = 1; cut < kTaskFileRecordSize; ++cut) {
    auto c = decode(two.substr(0, two.size() - cut), 7);
    CHECK(c.status == TaskFileDecoder::Status::kTruncated);
    CHECK(c.records.size() == 1);  // the whole one is kept
  }
}

TEST_CASE("task_file decoder: an out-of-range field stops the stream as malformed",
          "[parse][task_file]") {
  auto bad = [](auto mutate) {
    Raw r;
    mutate(r);
    return decode(bytes(Raw{}) + bytes(r) + bytes(Raw{}));
  };
  std::vector<Collected> cases = {
      bad([](Raw& r) { r.version = 2; }),      bad([](Raw& r) { r.kind = 2; }),
      bad([](Raw& r) { r.tgid = 0; }),         bad([](Raw& r) { r.tgid = 0x80000000u; }),
      bad([](Raw& r) { r.fd = 0x80000000u; }),
  };
  for (const Collected& c : cases) {
    CHECK(c.status == TaskFileDecoder::Status::kMalformed);
    CHECK(c.records.size() == 1);  // nothing after the bad record either
  }
}

TEST_CASE("task_file decoder: the proc_fd type of each kind of open file", "[parse][task_file]") {
  TaskFileRecord r;
  r.made_up_name = false;
  r.magic = 0xEF53;  // ext4: a path
  CHECK(task_file_type(r).type == FdType::kFile);
  CHECK(task_file_type(r).known);
  CHECK_FALSE(task_file_type(r).has_inode);
  r.magic = 0x534F434B;  // a socket reached by a path (bind-mounted): still its path
  CHECK(task_file_type(r).type == FdType::kFile);

  r.made_up_name = true;
  CHECK(task_file_type(r).type == FdType::kSocket);
  CHECK(task_file_type(r).has_inode);
  r.magic = 0x50495045;
  CHECK(task_file_type(r).type == FdType::kPipe);
  CHECK(task_file_type(r).has_inode);
  r.magic = 0x09041934;
  CHECK(task_file_type(r).type == FdType::kAnonInode);
  CHECK_FALSE(task_file_type(r).has_inode);
  for (uint32_t unknown : {0x6e736673u /* nsfs */, 0x50494446u /* pidfs */, 0u}) {
    r.magic = unknown;
    CHECK_FALSE(task_file_type(r).known);  // the caller reads the link
  }
}
