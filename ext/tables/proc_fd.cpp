// proc_fd.cpp — proc_fd: one row per entry of <root>/<pid>/fd, every visible
// process.
//
// Usage:
//   SELECT * FROM proc_fd WHERE pid = 1234;
//   SELECT type, count(*) FROM proc_fd GROUP BY type;
//   SELECT f.pid, f.fd, t.state FROM proc_tcp t JOIN proc_fd f USING (inode);
//
// How it works: the statement's snapshot is filled per process, as scans ask.
// With `pid = X` / `pid IN (...)` only those /proc/PID/fd directories are
// listed (and with `fd = Y` too, only those links are read, not the
// directory); otherwise the walk lists the root (getdents64), then for each
// pid getdents64 on PID/fd and readlinkat on every entry, skipping what an
// earlier scan of the statement read. Link texts go into one arena, rows are
// small fixed structs. Every pushed-down equality (pid, fd, inode, type,
// path, deleted, netns) is a hash lookup into the snapshot (core/snapshot.h).
// fdinfo (pos, flags, mode, mnt_id) is read only when one of those columns is
// read, once per row; the owner's network namespace (netns) once per process;
// statx of the open file (file_dev, file_inode, size, links) once per row,
// only when one of those is read (ProcFs::stat_link_target: through the
// link, without syncing with a remote server, so it cannot block).
//
// Two sources (source='auto' | 'bpf' | 'proc', README "Sources"): the
// readlink walk above, and the BPF task_file iterator (kernel/task_file.h),
// which reads pid, fd, inode, type and fdinfo's pos, flags and mnt_id of every
// descriptor from the kernel's file tables in one pass, without a syscall per
// descriptor. It cannot give the link text (target, path, deleted): a
// statement reading those, a pid-constrained one (the walk of a few
// processes is cheaper than loading a program), a root other than the live
// /proc and a reader outside the initial pid namespace (the iterator's pids
// are the initial namespace's) get the walk under 'auto'; so does any failure
// of the iterator (no permission, no BTF, a build without BPF, a malformed
// stream). Under 'bpf' each of those is an SQL error naming why. Rows from
// either source are the same struct; the hidden column `source` says which.
//
// Permissions: a process that vanished mid-scan (ENOENT, ESRCH) or that we may
// not inspect (EACCES, EPERM) is skipped silently, as is a descriptor closed
// between listing and readlink. Only an unreadable root is an error.
#include <sys/stat.h>

#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "core/lazy.h"
#include "core/snapshot.h"
#include "core/value_set.h"
#include "kernel/netns.h"
#include "kernel/task_file.h"
#include "parse/fd.h"
#include "parse/task_file.h"
#include "tables/common.h"
#include "tables/socket.h"  // kNetnsNameDoc

namespace proctab {

namespace {

struct FdRow {
  int32_t pid;
  int32_t fd;
  // The link's text, in the source's arena. A row of the BPF source has none
  // until an accessor needs it (FdSource::linked: one readlink then).
  mutable std::string_view target;
  // The inode column's value when has_inode (the N of socket:[N] / pipe:[N]);
  // a BPF row has the open file's i_ino for every type.
  uint64_t ino;
  // fdinfo's pos, flags and mnt_id, valid per the kHas* bits of `info`: a
  // BPF row has them from the iterator, a walk row reads fdinfo on first use
  // (kInfoRead). Inline and flat (64-byte rows, not 112 with an optional per
  // field): a snapshot of every descriptor of the machine stays small.
  mutable int64_t pos;
  mutable uint32_t flags;
  mutable uint32_t mnt_id;
  mutable uint32_t path_length;  // files: target prefix without " (deleted)"
  FdType type;
  bool has_inode;
  mutable bool deleted;
  bool from_bpf;
  mutable bool link_read;  // target is set (always, for walk rows)
  mutable uint8_t info;    // kInfo* bits

  static constexpr uint8_t kInfoRead = 1, kHasPos = 2, kHasFlags = 4, kHasMntId = 8;
};
static_assert(sizeof(FdRow) <= 64, "a proc_fd row is one cache line");

enum class FdMode : uint8_t { kAuto, kBpf, kProc };

class FdSource {
 public:
  using Row = FdRow;
  static constexpr std::array kSources = {"auto", "bpf", "proc"};
  struct Config {
    std::shared_ptr<ProcFs> fs;
    std::shared_ptr<ProcFs> named;  // /run/netns, or null
    FdMode mode = FdMode::kAuto;
    bool live_root = false;  // root is /proc: the iterator's machine
    TaskFileFactory task_file;
  };
  static Config configure(const TableDef& def, const TableArgs& args) {
    Config c{open_root(def, args), open_netns_dir(def, args), FdMode::kAuto, false, nullptr};
    c.mode = args.source == "bpf"    ? FdMode::kBpf
             : args.source == "proc" ? FdMode::kProc
                                     : FdMode::kAuto;
    c.live_root = args.root == "/proc";
    if (c.mode == FdMode::kBpf && !c.live_root) {
      throw Error("proc_fd: source='bpf' reads the live machine's file tables, not root '" +
                  args.root + "' (use source='proc' or 'auto')");
    }
    c.task_file = args.seams.task_file;
    return c;
  }
  // A full walk reads every process's fd directory: about twice the work of
  // reading net/tcp (see bench/). pid and fd together name one row.
  static constexpr Plan plan();

  explicit FdSource(const Config& config)
      : fs_(config.fs),
        named_(config.named),
        mode_(config.mode),
        live_root_(config.live_root),
        task_file_(config.task_file) {}
  void load(const Request& request, Rows<Row>& rows);

  // The row with its link text: a BPF row reads its link on first use (a
  // statement whose other cursor asked only for iterator columns); if the
  // descriptor closed since, target stays empty and link_read false.
  const FdRow& linked(const FdRow& r) const {
    if (r.link_read || r.target.data() != nullptr) return r;
    char path[48];
    snprintf(path, sizeof path, "%d/fd/%d", r.pid, r.fd);
    long n = fs_->read_link(fs_->root_fd(), path, link_buf_, sizeof link_buf_);
    if (n < 0) {
      r.target = std::string_view("", 0);  // tried: stays NULL
      return r;
    }
    std::string_view link(link_buf_, static_cast<size_t>(n));
    FdTarget t = classify_fd_target(link);
    // The same number may name another file by now: keep the link only if it
    // still reads as the row's kind of file.
    if (t.type != r.type || (r.has_inode && t.inode != r.ino)) {
      r.target = std::string_view("", 0);
      return r;
    }
    r.target = arena_.store(link);
    r.deleted = t.deleted;
    r.path_length = static_cast<uint32_t>(t.path.size());
    r.link_read = true;
    return r;
  }
  // The row with its fdinfo fields: read on first use (a walk row).
  const FdRow& with_fdinfo(const Row& r) const {
    if (r.info & FdRow::kInfoRead) return r;
    r.info = FdRow::kInfoRead;
    char path[48];
    snprintf(path, sizeof path, "%d/fdinfo/%d", r.pid, r.fd);
    if (fs_->read_file(fs_->root_fd(), path, scratch_) != 0) return r;  // closed meanwhile
    const FdInfo info = parse_fdinfo(scratch_);
    if (info.pos) {
      r.pos = *info.pos;
      r.info |= FdRow::kHasPos;
    }
    if (info.flags) {
      r.flags = *info.flags;
      r.info |= FdRow::kHasFlags;
    }
    if (info.mnt_id && *info.mnt_id >= 0 && *info.mnt_id <= UINT32_MAX) {
      r.mnt_id = static_cast<uint32_t>(*info.mnt_id);
      r.info |= FdRow::kHasMntId;
    }
    return r;
  }
  // statx of the open file (through the fd link, never its path), on
  // first use: nullopt if the descriptor closed or is not ours to inspect,
  // or if its number now names another file than the row's (closed and
  // reused since the link was read: a socket's inode differs, or the link
  // reads otherwise after the statx).
  // Kept beside the rows, not in them: a row of every descriptor of the
  // machine stays small for the scans that never ask.
  const std::optional<FileStat>& file_stat(const Row& r) const {
    return stats_[fd_key(r.pid, r.fd)].get([&]() -> std::optional<FileStat> {
      char path[48];
      snprintf(path, sizeof path, "%d/fd/%d", r.pid, r.fd);
      const int dir = fs_->root_fd();
      FileStat st;
      if (fs_->stat_link_target(dir, path, st) != 0) return std::nullopt;
      if (r.has_inode) {
        if (st.inode != r.ino) return std::nullopt;
      } else if (r.from_bpf) {
        if (st.inode != r.ino) return std::nullopt;
      } else {
        char again[4096 + 64];
        long n = fs_->read_link(dir, path, again, sizeof again);
        if (n < 0 || std::string_view(again, static_cast<size_t>(n)) != r.target) {
          return std::nullopt;
        }
      }
      return st;
    });
  }
  // The network namespace of `pid`: one readlink per process, on first use.
  std::optional<uint64_t> netns(int32_t pid) const {
    return netns_[pid].get([&] { return pid_netns(*fs_, pid); });
  }
  // The name of that namespace (`ip netns`), if it has one.
  std::optional<std::string> netns_name(int32_t pid) const {
    auto ns = netns(pid);
    if (!ns) return std::nullopt;
    return names_.get([&] { return NetnsNames(named_.get()); }).name(*ns);
  }

 private:
  static uint64_t fd_key(int32_t pid, int32_t fd) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(pid)) << 32) | static_cast<uint32_t>(fd);
  }
  void push_row(int32_t pid, int32_t fd, std::string_view link, Rows<Row>& rows);
  // Why the iterator cannot serve this statement ("" if it can).
  std::string bpf_unusable(const Request& request) const;
  bool use_bpf(const Request& request, bool pids_given);
  // Runs the iterator (over `pid`, or every process for 0) into `out`;
  // false with `why` set if it failed or its stream was malformed.
  bool run_bpf(int32_t pid, Rows<Row>& rows, std::string& why);
  void push_bpf_row(const TaskFileRecord& record, Rows<Row>& rows);
  void load_bpf(const IntSet& pids, Rows<Row>& rows);
  void read_fd_dir(int32_t pid, int dir_fd, Rows<Row>& rows);
  void load_pid(int32_t pid, Rows<Row>& rows);
  void load_link(int32_t pid, int32_t fd, Rows<Row>& rows);
  void load_all(Rows<Row>& rows);

  std::shared_ptr<ProcFs> fs_;
  std::shared_ptr<ProcFs> named_;
  FdMode mode_;
  bool live_root_;
  TaskFileFactory task_file_;
  Lazy<NetnsNames> names_;
  mutable TextArena arena_;
  bool bpf_failed_ = false;             // 'auto': the iterator failed once this statement
  Lazy<bool> initial_pidns_;            // this process is in the initial pid namespace
  uint32_t pid_runs_ = 0;               // iterator runs over one pid
  std::unordered_set<int32_t> listed_;  // pids whose fd directory was read
  std::unordered_set<uint64_t> links_;  // (pid, fd) read one by one
  bool complete_ = false;               // the walk is done: an absent pid has no rows
  mutable std::unordered_map<int32_t, Lazy<std::optional<uint64_t>>> netns_;
  mutable std::unordered_map<uint64_t, Lazy<std::optional<FileStat>>> stats_;  // by fd_key
  mutable std::string scratch_;
  std::vector<int32_t> fd_numbers_;
  mutable char link_buf_[4096 + 64];
};

using C = Column<FdSource>;
using A = Affinity;

// A statx column: `value` of the row's FileStat; NULL without one.
template <typename Value>
void stat_column(const FdSource& s, const FdRow& r, ResultSink& out, Value value) {
  const std::optional<FileStat>& st = s.file_stat(r);
  st ? value(*st) : out.null();
}

// lsof's TYPE word for a stat mode's file type.
const char* file_type_name(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "REG";
    case S_IFDIR:
      return "DIR";
    case S_IFCHR:
      return "CHR";
    case S_IFBLK:
      return "BLK";
    case S_IFIFO:
      return "FIFO";
    case S_IFSOCK:
      return "SOCK";
    case S_IFLNK:
      return "LNK";
  }
  return nullptr;
}

constexpr std::array kColumns = {
    C{"pid", A::kInteger, pushed(1.0 / 100), "Process id (the directory name under /proc).",
      [](const FdSource&, const FdRow& r, ResultSink& out) { out.integer(r.pid); }},
    C{"fd", A::kInteger, pushed(1.0 / 10), "Descriptor number (the entry name under /proc/PID/fd).",
      [](const FdSource&, const FdRow& r, ResultSink& out) { out.integer(r.fd); }},
    C{"target", A::kText, kNotPushed,
      "The link's text, verbatim (readlink): 'socket:[12345]', 'pipe:[678]', "
      "'anon_inode:[eventfd]', '/var/log/syslog', '/tmp/x (deleted)'. Only the /proc walk reads "
      "it: a statement that reads target, path or deleted is served by the walk.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        const FdRow& l = s.linked(r);
        l.link_read ? out.text(l.target) : out.null();
      }},
    C{"type", A::kText, pushed(1.0 / 4),
      "'socket', 'pipe', 'anon_inode', 'file' (any path, deleted files and memfds included) or "
      "'other' (e.g. 'net:[4026531840]' namespace files).",
      [](const FdSource&, const FdRow& r, ResultSink& out) { out.text(fd_type_name(r.type)); }},
    C{"inode", A::kInteger, pushed(1.0 / 2000),
      "For sockets and pipes the N of 'socket:[N]' / 'pipe:[N]' (joins proc_tcp.inode); NULL "
      "otherwise.",
      [](const FdSource&, const FdRow& r, ResultSink& out) {
        r.has_inode ? out.integer(static_cast<int64_t>(r.ino)) : out.null();
      }},
    C{"path", A::kText, pushed(1.0 / 1000),
      "For files: the path, without the ' (deleted)' suffix. NULL for other types.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        if (r.type != FdType::kFile) return out.null();
        const FdRow& l = s.linked(r);
        l.link_read ? out.text(l.target.substr(0, l.path_length)) : out.null();
      }},
    C{"deleted", A::kInteger, pushed(1.0 / 100),
      "For files: 1 if the file was deleted while open (target ends in ' (deleted)'), else 0. "
      "NULL for other types.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        if (r.type != FdType::kFile) return out.null();
        const FdRow& l = s.linked(r);
        l.link_read ? out.integer(l.deleted ? 1 : 0) : out.null();
      }},
    C{"pos", A::kInteger, kNotPushed,
      "File offset in bytes (fdinfo 'pos'). Read from fdinfo only when asked for.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        const FdRow& i = s.with_fdinfo(r);
        i.info& FdRow::kHasPos ? out.integer(i.pos) : out.null();
      }},
    C{"flags", A::kInteger, kNotPushed,
      "Open flags, as the integer O_* bits (fdinfo 'flags', printed in octal there).",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        const FdRow& i = s.with_fdinfo(r);
        i.info& FdRow::kHasFlags ? out.integer(i.flags) : out.null();
      }},
    C{"mode", A::kText, kNotPushed, "Access mode from flags: 'read', 'write' or 'read/write'.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        const FdRow& i = s.with_fdinfo(r);
        const char* mode = i.info & FdRow::kHasFlags ? fd_access_mode(i.flags) : nullptr;
        mode ? out.text(mode) : out.null();
      }},
    C{"mnt_id", A::kInteger, kNotPushed, "Mount id of the file (fdinfo 'mnt_id'; see mountinfo).",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        const FdRow& i = s.with_fdinfo(r);
        i.info& FdRow::kHasMntId ? out.integer(i.mnt_id) : out.null();
      }},
    C{"netns", A::kInteger, pushed(0.5),
      "The owning process's network namespace (the N of /proc/PID/ns/net → 'net:[N]'), so a "
      "socket joins proc_tcp / proc_udp / proc_unix on (netns, inode). Read once per process, "
      "only when this column is asked for; NULL if the link cannot be read.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        auto ns = s.netns(r.pid);
        ns ? out.integer(static_cast<int64_t>(*ns)) : out.null();
      }},
    C{"netns_name", A::kText, pushed(0.5), kNetnsNameDoc,
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        auto name = s.netns_name(r.pid);
        name ? out.text(*name) : out.null();
      }},
    C{"file_dev", A::kText, kNotPushed,
      "Device of the open file, decimal 'MAJOR:MINOR' as stat(2) reports it (lsof's DEVICE with "
      "':'); with file_inode, joins proc_locks (dev, inode) and proc_maps. For sockets and pipes "
      "the kernel's sockfs / pipefs device, one '0:N' shared by all of them. From statx on the "
      "descriptor's link (the open file itself, no path lookup, AT_STATX_DONT_SYNC: never a "
      "round trip to an NFS server), made only when file_dev, file_inode, size, links or "
      "file_type is used, once per row; NULL if the descriptor closed meanwhile (or its number "
      "now names another file). On overlayfs and btrfs subvolumes stat's device can differ from "
      "the one /proc/locks and maps print.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        stat_column(s, r, out,
                    [&](const FileStat& st) { device_text(st.dev_major, st.dev_minor, out); });
      }},
    C{"file_inode", A::kInteger, kNotPushed,
      "Inode number of the open file (lsof's NODE): for every type, files included; for sockets "
      "and pipes it equals inode. (inode itself stays NULL for files, so that joins on it match "
      "sockets only.)",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        stat_column(s, r, out,
                    [&](const FileStat& st) { out.integer(static_cast<int64_t>(st.inode)); });
      }},
    C{"size", A::kInteger, kNotPushed,
      "Size of the open file in bytes (what lsof +L1 shows as SIZE: the disk space a deleted "
      "file still holds, roughly). 0 for sockets and pipes (unread bytes are rx_queue), device "
      "files and most of /proc.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        stat_column(s, r, out,
                    [&](const FileStat& st) { out.integer(static_cast<int64_t>(st.size)); });
      }},
    C{"file_type", A::kText, kNotPushed,
      "Type of the open file from the same statx, in lsof's TYPE words: 'REG' (regular file), "
      "'DIR', 'CHR' (character device), 'BLK', 'FIFO' (pipes too), 'SOCK', 'LNK'; NULL if the "
      "descriptor closed meanwhile.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        stat_column(s, r, out, [&](const FileStat& st) {
          const char* name = file_type_name(st.mode);
          name ? out.text(name) : out.null();
        });
      }},
    C{"links", A::kInteger, kNotPushed,
      "Number of hard links of the open file (lsof's NLINK): 0 for a deleted file still open "
      "(lsof +L1 lists those), 1 for sockets and pipes.",
      [](const FdSource& s, const FdRow& r, ResultSink& out) {
        stat_column(s, r, out, [&](const FileStat& st) { out.integer(st.links); });
      }},
    C{"source", A::kText, kNotPushed,
      "Which source read the row: 'bpf' (the task_file iterator) or 'proc' (the readlink walk "
      "of /proc/PID/fd). See \"Sources\".",
      [](const FdSource&, const FdRow& r, ResultSink& out) {
        out.text(r.from_bpf ? "bpf" : "proc");
      },
      true},
};

constexpr int kPid = column_index(kColumns, "pid");
constexpr int kFd = column_index(kColumns, "fd");
// The columns only the walk fills (the link text).
constexpr int kWalkColumns[] = {column_index(kColumns, "target"), column_index(kColumns, "path"),
                                column_index(kColumns, "deleted")};

constexpr Plan FdSource::plan() {
  return {2000, 2000, column_mask(kColumns, "pid", "fd")};
}

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

void FdSource::push_row(int32_t pid, int32_t fd, std::string_view link, Rows<Row>& rows) {
  FdTarget t = classify_fd_target(link);
  FdRow& row = rows.emplace_back();
  row.pid = pid;
  row.fd = fd;
  row.target = arena_.store(link);
  row.type = t.type;
  row.has_inode = t.has_inode;
  row.ino = t.inode;
  row.deleted = t.deleted;
  row.path_length = static_cast<uint32_t>(t.path.size());
  row.from_bpf = false;
  row.link_read = true;
  row.info = 0;
}

// The pid namespace of the machine's first process (PROC_PID_INIT_INO):
// the namespace whose pid numbers the iterator reports.
constexpr std::string_view kInitialPidNs = "pid:[4026531836]";

std::string FdSource::bpf_unusable(const Request& request) const {
  for (int c : kWalkColumns) {
    if (request.uses(c)) {
      return std::string("column ") + kColumns[static_cast<size_t>(c)].name +
             " needs the /proc walk (only readlink gives the link text)";
    }
  }
  if (!live_root_) return "root '" + fs_->root() + "' is not the live /proc";
  if (const char* why = task_file_unavailable_reason(); *why) return why;
  // Read through the root, so a /proc of another pid namespace (where this
  // process has no "self") counts as outside too. Once per statement.
  const bool initial = initial_pidns_.get([&] {
    char ns[64];
    long n = fs_->read_link(fs_->root_fd(), "self/ns/pid", ns, sizeof ns);
    return n >= 0 && std::string_view(ns, static_cast<size_t>(n)) == kInitialPidNs;
  });
  if (!initial) {
    return "this process is not in the initial pid namespace (the iterator's pids would not be "
           "the ones /proc shows)";
  }
  return "";
}

bool FdSource::use_bpf(const Request& request, bool pids_given) {
  if (mode_ == FdMode::kProc) return false;
  if (mode_ == FdMode::kAuto && (pids_given || bpf_failed_)) return false;
  std::string why = bpf_unusable(request);
  if (why.empty()) return true;
  if (mode_ == FdMode::kBpf) throw Error("proc_fd: source='bpf': " + why);
  return false;
}

bool FdSource::run_bpf(int32_t pid, Rows<Row>& rows, std::string& why) {
  std::unique_ptr<TaskFileIterator> iter = task_file_ ? task_file_() : nullptr;
  if (!iter) {
    why = "no task_file iterator";
    return false;
  }
  TaskFileDecoder decoder([&](const TaskFileRecord& r) { push_bpf_row(r, rows); });
  TaskFileError err = iter->run(pid, [&](std::string_view bytes) { decoder.feed(bytes); });
  if (err) {
    why = err.why;
    return false;
  }
  switch (decoder.finish()) {
    case TaskFileDecoder::Status::kOk:
      return true;
    case TaskFileDecoder::Status::kMalformed:
      why = "the iterator's record stream is malformed (after " +
            std::to_string(decoder.records()) + " records)";
      return false;
    case TaskFileDecoder::Status::kTruncated:
      why = "the iterator's record stream ends inside a record (after " +
            std::to_string(decoder.records()) + " records)";
      return false;
  }
  return false;
}

void FdSource::push_bpf_row(const TaskFileRecord& rec, Rows<Row>& rows) {
  // Read one by one earlier in this statement (a pid-constrained scan).
  if (!listed_.empty() && listed_.count(rec.pid)) return;
  if (!links_.empty() && links_.count(fd_key(rec.pid, rec.fd))) return;
  TaskFileType t = task_file_type(rec);
  if (!t.known) {
    // A made-up name of a file system the decoder does not know (nsfs,
    // pidfs, ...): the link says what it is, as for the walk.
    char path[48];
    snprintf(path, sizeof path, "%d/fd/%d", rec.pid, rec.fd);
    long n = fs_->read_link(fs_->root_fd(), path, link_buf_, sizeof link_buf_);
    if (n < 0) return;  // closed meanwhile: the walk would not list it either
    push_row(rec.pid, rec.fd, std::string_view(link_buf_, static_cast<size_t>(n)), rows);
    FdRow& row = rows[rows.size() - 1];
    row.from_bpf = true;
    if (!row.has_inode) row.ino = rec.ino;  // else the link's N, as the walk has it
  } else {
    FdRow& row = rows.emplace_back();
    row.pid = rec.pid;
    row.fd = rec.fd;
    row.target = std::string_view();  // read on first use (linked)
    row.type = t.type;
    row.has_inode = t.has_inode;
    row.ino = rec.ino;
    row.deleted = false;
    row.path_length = 0;
    row.from_bpf = true;
    row.link_read = false;
  }
  FdRow& row = rows[rows.size() - 1];
  row.pos = rec.pos;
  row.flags = rec.flags;
  row.mnt_id = rec.mnt_id;
  row.info = FdRow::kInfoRead | FdRow::kHasPos | FdRow::kHasFlags | FdRow::kHasMntId;
}

// The iterator over every process, or over each of `pids`, its records
// decoded straight into rows (no copy of the stream: at 50,000 descriptors
// that was 2 MiB more at the peak). A failed run takes back the rows it
// added, so 'auto' falls back to the walk with no half-read rows.
void FdSource::load_bpf(const IntSet& pids, Rows<Row>& rows) {
  if (complete_) return;
  const size_t rows_before = rows.size();
  std::string why;
  bool ok = true;
  // One run per pid costs a program load each: the first request for one
  // pid gets its run; several pids, or a join's inner side asking another
  // pid for each outer row, get one run over every process instead. Pids
  // that cannot exist or are listed already need no run.
  std::vector<int32_t> wanted;
  if (pids.active()) {
    for (int64_t pid : pids.values()) {
      if (pid > 0 && pid <= INT32_MAX && !listed_.count(static_cast<int32_t>(pid))) {
        wanted.push_back(static_cast<int32_t>(pid));
      }
    }
    if (wanted.empty()) return;  // pid IN (), or every pid loaded: nothing to run
  }
  const bool per_pid = pids.active() && wanted.size() == 1 && pid_runs_ == 0;
  if (per_pid) {
    ++pid_runs_;
    ok = run_bpf(wanted[0], rows, why);
  } else {
    ok = run_bpf(0, rows, why);
  }
  if (!ok) {
    while (rows.size() > rows_before) rows.pop_back();
    if (mode_ == FdMode::kBpf) throw Error("proc_fd: source='bpf': " + why);
    bpf_failed_ = true;
    return;
  }
  if (per_pid) {
    listed_.insert(wanted[0]);
  } else {
    complete_ = true;
  }
}

// Reads the links of an open PID/fd directory, but those read one by one
// already. Descriptors that close meanwhile are skipped.
void FdSource::read_fd_dir(int32_t pid, int dir_fd, Rows<Row>& rows) {
  fd_numbers_.clear();
  if (fs_->list_numeric(dir_fd, fd_numbers_) != 0) return;  // vanished mid-listing
  char name[16];
  for (int32_t fd : fd_numbers_) {
    if (!links_.empty() && links_.count(fd_key(pid, fd))) continue;
    format_decimal(fd, name);
    long n = fs_->read_link(dir_fd, name, link_buf_, sizeof link_buf_);
    if (n < 0) continue;
    push_row(pid, fd, std::string_view(link_buf_, static_cast<size_t>(n)), rows);
  }
}

void FdSource::load_pid(int32_t pid, Rows<Row>& rows) {
  if (complete_ || !listed_.insert(pid).second) return;
  char path[24];
  snprintf(path, sizeof path, "%d/fd", pid);
  int err;
  Fd dir = fs_->open_dir(fs_->root_fd(), path, err);
  if (dir.valid()) read_fd_dir(pid, dir.get(), rows);
}

void FdSource::load_link(int32_t pid, int32_t fd, Rows<Row>& rows) {
  if (complete_ || listed_.count(pid) || !links_.insert(fd_key(pid, fd)).second) return;
  char path[40];
  snprintf(path, sizeof path, "%d/fd/%d", pid, fd);
  long n = fs_->read_link(fs_->root_fd(), path, link_buf_, sizeof link_buf_);
  if (n >= 0) push_row(pid, fd, std::string_view(link_buf_, static_cast<size_t>(n)), rows);
}

void FdSource::load_all(Rows<Row>& rows) {
  if (complete_) return;
  std::vector<int32_t> pids;
  int err = fs_->list_pids(pids);
  if (err) throw Error("proc_fd: " + describe_errno(fs_->root(), err));
  // Vanished or not ours (ENOENT, ESRCH, EACCES, ...): skipped. Any other
  // per-process error is skipped too: one process must not fail a scan.
  for (int32_t pid : pids) load_pid(pid, rows);
  complete_ = true;
}

void FdSource::load(const Request& request, Rows<Row>& rows) {
  // Everything is loaded (the inner side of a join filters once per outer
  // row: nothing to decide then).
  if (complete_) return;
  IntSet pids(request.find(kPid));
  if (use_bpf(request, pids.active())) {
    load_bpf(pids, rows);
    if (!bpf_failed_) return;  // else 'auto' falls back: the walk below
  }
  if (!pids.active()) return load_all(rows);
  IntSet fds(request.find(kFd));
  for (int64_t pid : pids.values()) {
    if (pid < 0 || pid > INT32_MAX) continue;
    // A thread id's fd directory is its process's: not a process of its own.
    // (Checked once per pid: a join probing it again finds it listed.)
    if (!complete_ && !listed_.count(static_cast<int32_t>(pid)) &&
        !leads_thread_group(*fs_, static_cast<int32_t>(pid))) {
      continue;
    }
    if (!fds.active()) {
      load_pid(static_cast<int32_t>(pid), rows);
      continue;
    }
    // pid and fd both given: read just those links.
    for (int64_t fd : fds.values()) {
      if (fd >= 0 && fd <= INT32_MAX) {
        load_link(static_cast<int32_t>(pid), static_cast<int32_t>(fd), rows);
      }
    }
  }
}

}  // namespace

const TableDef& proc_fd_def() {
  static const TableDef def = define_table<FdSource, kColumns>(
      "proc_fd",
      "One row per open file descriptor of every process whose /proc/PID/fd the reader may list "
      "(others are skipped): the lsof view of the machine.");
  return def;
}

}  // namespace proctab
