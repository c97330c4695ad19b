// table_fd.cpp — proc_fd: one row per entry of <root>/<pid>/fd, every
// visible process.
//
// Usage:
//   SELECT * FROM proc_fd WHERE pid = 1234;
//   SELECT type, count(*) FROM proc_fd GROUP BY type;
//   SELECT f.pid, f.fd, t.state FROM proc_tcp t JOIN proc_fd f USING (inode);
//
// How it works: a cursor's snapshot is filled lazily, per process. With
// `pid = X` / `pid IN (...)` only those /proc/PID/fd directories are listed
// (and with `fd = Y` too, only those links are read, not the directory);
// otherwise the first xFilter walks /proc: getdents64 on the root, then for
// each pid getdents64 on PID/fd and readlinkat on every entry. Link texts go
// into one arena, rows are small fixed structs. Later xFilter calls on the
// same cursor reuse what was read: `inode = X` through a hash index over the
// complete walk, `pid = X` through a per-pid range. fdinfo (pos, flags, mode,
// mnt_id) is read only when one of those columns is asked for, once per row;
// the owner's network namespace (netns) likewise, once per process.
//
// Permissions: a process that vanished mid-scan (ENOENT, ESRCH) or that we may
// not inspect (EACCES, EPERM) is skipped silently, as is a descriptor closed
// between listing and readlink. Only an unreadable root is an error.
#include <errno.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "chunked_vector.h"
#include "inode_index.h"
#include "netns.h"
#include "parse_fd.h"
#include "parse_process.h"
#include "table.h"
#include "value_set.h"

namespace proctab {

namespace {

enum Col {
  kPid,
  kFd,
  kTarget,
  kType,
  kInode,
  kPath,
  kDeleted,
  kPos,
  kFlags,
  kMode,
  kMntId,
  kNetns,
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args);

using A = Affinity;
const TableDef kDef = {
    "proc_fd",
    "One row per open file descriptor of every process whose /proc/PID/fd the reader may list "
    "(others are skipped): the lsof view of the machine.",
    {
        {"pid", A::kInteger, true, "Process id (the directory name under /proc)."},
        {"fd", A::kInteger, true, "Descriptor number (the entry name under /proc/PID/fd)."},
        {"target", A::kText, false,
         "The link's text, verbatim (readlink): 'socket:[12345]', 'pipe:[678]', "
         "'anon_inode:[eventfd]', '/var/log/syslog', '/tmp/x (deleted)'."},
        {"type", A::kText, false,
         "'socket', 'pipe', 'anon_inode', 'file' (any path, deleted files and memfds included) "
         "or 'other' (e.g. 'net:[4026531840]' namespace files)."},
        {"inode", A::kInteger, true,
         "For sockets and pipes the N of 'socket:[N]' / 'pipe:[N]' (joins proc_tcp.inode); "
         "NULL otherwise."},
        {"path", A::kText, false,
         "For files: the path, without the ' (deleted)' suffix. NULL for other types."},
        {"deleted", A::kInteger, false,
         "For files: 1 if the file was deleted while open (target ends in ' (deleted)'), else 0. "
         "NULL for other types."},
        {"pos", A::kInteger, false,
         "File offset in bytes (fdinfo 'pos'). Read from fdinfo only when asked for."},
        {"flags", A::kInteger, false,
         "Open flags, as the integer O_* bits (fdinfo 'flags', printed in octal there)."},
        {"mode", A::kText, false, "Access mode from flags: 'read', 'write' or 'read/write'."},
        {"mnt_id", A::kInteger, false, "Mount id of the file (fdinfo 'mnt_id'; see mountinfo)."},
        {"netns", A::kInteger, false,
         "The owning process's network namespace (the N of /proc/PID/ns/net → 'net:[N]'), so a "
         "socket joins proc_tcp / proc_udp / proc_unix on (netns, inode). Read once per process, "
         "only when this column is asked for; NULL if the link cannot be read."},
    },
    make,
};

struct FdRow {
  int32_t pid;
  int32_t fd;
  const char* target;  // in the arena
  uint32_t target_length;
  uint64_t inode;
  FdType type;
  bool has_inode;
  bool deleted;
  bool fdinfo_read;
  uint32_t path_length;  // files: target prefix without " (deleted)"
};

// Writes non-negative `value` as decimal text with a NUL: the name of an fd
// entry. (snprintf was a tenth of the fd walk's user time.)
void format_decimal(int32_t value, char* out) {
  char digits[12];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  while (n > 0) *out++ = digits[--n];
  *out = '\0';
}

class FdCursor final : public Cursor {
 public:
  explicit FdCursor(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  void filter(const FilterArgs& args) override {
    pids_ = IntSet(args.find(kPid));
    fds_ = IntSet(args.find(kFd));
    inodes_ = IntSet(args.find(kInode));
    hits_.clear();
    use_hits_ = true;

    if (pids_.active()) {
      for (int64_t pid : pids_.values()) {
        if (pid < 0 || pid > INT32_MAX) continue;
        if (fds_.active() && !pid_ranges_.count(static_cast<int32_t>(pid)) && !complete_) {
          // pid and fd both given: read just those links.
          for (int64_t fd : fds_.values()) {
            if (fd >= 0 && fd <= INT32_MAX) {
              add_hit(single_link(static_cast<int32_t>(pid), static_cast<int32_t>(fd)));
            }
          }
          continue;
        }
        const Range& range = load_pid(static_cast<int32_t>(pid));
        for (uint32_t i = range.first; i < range.first + range.count; ++i) hits_.push_back(i);
      }
    } else if (inodes_.active()) {
      load_all();
      if (!index_.built()) {
        index_.build(
            static_cast<uint32_t>(rows_.size()), [&](uint32_t i) { return rows_[i].inode; },
            [&](uint32_t i) { return rows_[i].has_inode; });
      }
      auto key = [&](uint32_t i) { return rows_[i].inode; };
      for (int64_t inode : inodes_.values()) {
        for (uint32_t r = index_.first(static_cast<uint64_t>(inode), key); r != InodeIndex::kNone;
             r = index_.next(r)) {
          hits_.push_back(r);
        }
      }
    } else {
      load_all();
      use_hits_ = false;  // every row, in walk order
    }
    pos_ = 0;
    skip_non_matching();
  }

  bool eof() const override { return pos_ >= limit(); }

  void next() override {
    ++pos_;
    skip_non_matching();
  }

  int64_t rowid() const override {
    const FdRow& r = rows_[current()];
    return (static_cast<int64_t>(r.pid) << 32) | static_cast<uint32_t>(r.fd);
  }

  void column(int column, ResultSink& out) const override {
    uint32_t index = current();
    const FdRow& r = rows_[index];
    switch (column) {
      case kPid:
        return out.integer(r.pid);
      case kFd:
        return out.integer(r.fd);
      case kTarget:
        return out.text(target(r));
      case kType:
        return out.text(fd_type_name(r.type));
      case kInode:
        return r.has_inode ? out.integer(static_cast<int64_t>(r.inode)) : out.null();
      case kPath:
        return r.type == FdType::kFile ? out.text(target(r).substr(0, r.path_length)) : out.null();
      case kDeleted:
        return r.type == FdType::kFile ? out.integer(r.deleted ? 1 : 0) : out.null();
      case kPos:
      case kFlags:
      case kMode:
      case kMntId:
        return fdinfo_column(index, column, out);
      case kNetns:
        if (auto ns = netns(r.pid)) return out.integer(static_cast<int64_t>(*ns));
        return out.null();
    }
    out.null();
  }

 private:
  struct Range {
    uint32_t first = 0;
    uint32_t count = 0;
  };

  std::string_view target(const FdRow& r) const {
    return std::string_view(r.target, r.target_length);
  }

  void fdinfo_column(uint32_t index, int column, ResultSink& out) const {
    const FdInfo& info = fdinfo(index);
    switch (column) {
      case kPos:
        return info.pos ? out.integer(*info.pos) : out.null();
      case kFlags:
        return info.flags ? out.integer(*info.flags) : out.null();
      case kMode:
        if (const char* mode = info.flags ? fd_access_mode(*info.flags) : nullptr) {
          return out.text(mode);
        }
        return out.null();
      case kMntId:
        return info.mnt_id ? out.integer(*info.mnt_id) : out.null();
    }
    out.null();
  }

  // fdinfo of row `index`, read on first use and kept with the snapshot.
  const FdInfo& fdinfo(uint32_t index) const {
    auto it = fdinfo_.find(index);
    if (it != fdinfo_.end()) return it->second;
    const FdRow& r = rows_[index];
    char path[48];
    snprintf(path, sizeof path, "%d/fdinfo/%d", r.pid, r.fd);
    FdInfo info;
    if (fs_->read_file(fs_->root_fd(), path, scratch_) == 0) info = parse_fdinfo(scratch_);
    return fdinfo_.emplace(index, info).first->second;
  }

  // The network namespace of `pid`, read on first use and kept with the
  // snapshot: one readlink per process, not per descriptor.
  std::optional<uint64_t> netns(int32_t pid) const {
    auto it = netns_.find(pid);
    if (it != netns_.end()) return it->second;
    return netns_.emplace(pid, pid_netns(*fs_, pid)).first->second;
  }

  void add_hit(std::optional<uint32_t> row) {
    if (row) hits_.push_back(*row);
  }

  uint32_t push_row(int32_t pid, int32_t fd, std::string_view link) {
    FdTarget t = classify_fd_target(link);
    FdRow row{};
    row.pid = pid;
    row.fd = fd;
    row.target = arena_.store(link).data();
    row.target_length = static_cast<uint32_t>(link.size());
    row.type = t.type;
    row.has_inode = t.has_inode;
    row.inode = t.inode;
    row.deleted = t.deleted;
    row.path_length = static_cast<uint32_t>(t.path.size());
    rows_.emplace_back() = row;
    return static_cast<uint32_t>(rows_.size() - 1);
  }

  // Reads the links of an open PID/fd directory into rows; the new rows'
  // range. Descriptors that close meanwhile are skipped.
  Range read_fd_dir(int32_t pid, int dir_fd) {
    Range range{static_cast<uint32_t>(rows_.size()), 0};
    fd_numbers_.clear();
    if (fs_->list_numeric(dir_fd, fd_numbers_) != 0) return range;  // vanished mid-listing
    char name[16];
    for (int32_t fd : fd_numbers_) {
      format_decimal(fd, name);
      long n = fs_->read_link(dir_fd, name, link_buf_, sizeof link_buf_);
      if (n < 0) continue;
      push_row(pid, fd, std::string_view(link_buf_, static_cast<size_t>(n)));
      ++range.count;
    }
    return range;
  }

  const Range& load_pid(int32_t pid) {
    auto it = pid_ranges_.find(pid);
    if (it != pid_ranges_.end()) return it->second;
    Range range{static_cast<uint32_t>(rows_.size()), 0};
    if (!complete_) {  // after a complete walk, an absent pid has no rows
      char path[24];
      snprintf(path, sizeof path, "%d/fd", pid);
      int err;
      Fd dir = fs_->open_dir(fs_->root_fd(), path, err);
      if (dir.valid()) range = read_fd_dir(pid, dir.get());
      index_ = InodeIndex();
    }
    return pid_ranges_.emplace(pid, range).first->second;
  }

  std::optional<uint32_t> single_link(int32_t pid, int32_t fd) {
    uint64_t key =
        (static_cast<uint64_t>(static_cast<uint32_t>(pid)) << 32) | static_cast<uint32_t>(fd);
    auto it = single_links_.find(key);
    if (it != single_links_.end()) return it->second;
    char path[40];
    snprintf(path, sizeof path, "%d/fd/%d", pid, fd);
    long n = fs_->read_link(fs_->root_fd(), path, link_buf_, sizeof link_buf_);
    std::optional<uint32_t> row;
    if (n >= 0) row = push_row(pid, fd, std::string_view(link_buf_, static_cast<size_t>(n)));
    single_links_.emplace(key, row);
    return row;
  }

  void load_all() {
    if (complete_) return;
    std::vector<int32_t> pids;
    int err = fs_->list_pids(pids);
    if (err) throw Error("proc_fd: " + describe_errno(fs_->root(), err));
    // Rows read by single_link() would duplicate the walk's: drop them
    // before walking (only reachable when a pid+fd lookup preceded).
    if (!single_links_.empty()) {
      single_links_.clear();
      rows_.clear();
      arena_.clear();
      pid_ranges_.clear();
      fdinfo_.clear();
    }
    char path[24];
    for (int32_t pid : pids) {
      if (pid_ranges_.count(pid)) continue;
      snprintf(path, sizeof path, "%d/fd", pid);
      Fd dir = fs_->open_dir(fs_->root_fd(), path, err);
      // Vanished or not ours (ENOENT, ESRCH, EACCES, ...): skipped. Any other
      // per-process error is skipped too: one process must not fail a scan.
      if (!dir.valid()) continue;
      pid_ranges_.emplace(pid, read_fd_dir(pid, dir.get()));
    }
    complete_ = true;
    index_ = InodeIndex();
  }

  size_t limit() const { return use_hits_ ? hits_.size() : rows_.size(); }
  uint32_t current() const { return use_hits_ ? hits_[pos_] : static_cast<uint32_t>(pos_); }

  bool matches(const FdRow& r) const {
    return pids_.allows(r.pid) && fds_.allows(r.fd) &&
           (!inodes_.active() || (r.has_inode && inodes_.allows(static_cast<int64_t>(r.inode))));
  }

  void skip_non_matching() {
    while (pos_ < limit() && !matches(rows_[current()])) ++pos_;
  }

  std::shared_ptr<ProcFs> fs_;
  // The snapshot.
  ChunkedVector<FdRow> rows_;
  TextArena arena_;
  std::unordered_map<int32_t, Range> pid_ranges_;
  std::unordered_map<uint64_t, std::optional<uint32_t>> single_links_;
  bool complete_ = false;
  InodeIndex index_;
  mutable std::unordered_map<uint32_t, FdInfo> fdinfo_;
  mutable std::unordered_map<int32_t, std::optional<uint64_t>> netns_;
  mutable std::string scratch_;
  // Scratch for reading.
  std::vector<int32_t> fd_numbers_;
  char link_buf_[4096 + 64];
  // The current scan.
  IntSet pids_, fds_, inodes_;
  bool use_hits_ = false;
  std::vector<uint32_t> hits_;
  size_t pos_ = 0;
};

class FdTable final : public Table {
 public:
  explicit FdTable(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  Estimate estimate(uint64_t constrained) const override {
    // A full walk reads every process's fd directory: about twice the work
    // of reading net/tcp (see bench/). Per-pid and inode lookups are cheap.
    const bool pid = constrained & (1ull << kPid);
    const bool fd = constrained & (1ull << kFd);
    if (pid && fd) return {3, 1, true};
    if (pid) return {25, 20, false};
    if (constrained & (1ull << kInode)) return {5, 1, false};
    return {2000, fd ? 200.0 : 2000.0, false};
  }

  std::unique_ptr<Cursor> open() override { return std::make_unique<FdCursor>(fs_); }

 private:
  std::shared_ptr<ProcFs> fs_;
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args) {
  return std::make_unique<FdTable>(open_root(def, args));
}

}  // namespace

const TableDef& proc_fd_def() {
  return kDef;
}

}  // namespace proctab
