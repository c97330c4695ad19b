// table_process.cpp — proc_process: one row per process (every numeric
// directory of <root>), the ps view of the machine.
//
// Usage:
//   SELECT pid, ppid, name, state, cmdline FROM proc_process ORDER BY pid;
//   SELECT * FROM proc_process WHERE pid = 1234;
//   SELECT p.name, f.fd, f.target FROM proc_process p JOIN proc_fd f USING (pid)
//    WHERE p.name = 'nginx';
//
// How it works: a cursor's snapshot is filled per process. With `pid = X` /
// `pid IN (...)` only those processes are read; otherwise the first xFilter
// lists the root (getdents64) and reads every PID/stat. stat is the row: it
// holds name, state, parent, times, sizes and threads in one small read, and
// a process whose stat cannot be read (it exited meanwhile) has no row. The
// other sources are read lazily, per row, the first time a column that needs
// them is asked for, and kept with the snapshot: PID/status (uid/gid
// columns), PID/cmdline, the exe / cwd / root links, the ns/net link, and
// <root>/stat's btime (start_time). So `SELECT pid, name FROM proc_process`
// reads one file per process, and `... WHERE name = 'x'` reads cmdline only
// for the rows SQLite keeps. Later xFilter calls on the same cursor (the
// inner side of a join on pid) answer from the snapshot through a pid map.
//
// Permissions: stat, status and cmdline are world-readable; exe, cwd, root
// and ns/net need ptrace access (same user, or CAP_SYS_PTRACE), so for
// another user's process they are NULL for a non-root reader — not an error.
// A column whose file vanished between reads is NULL too.
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "netns.h"
#include "parse_process.h"
#include "table.h"
#include "value_set.h"

namespace proctab {

namespace {

enum Col {
  kPid,
  kPpid,
  kName,
  kState,
  kStateName,
  kPgrp,
  kSession,
  kNice,
  kThreads,
  kStartTime,
  kStartTicks,
  kUserTimeMs,
  kSystemTimeMs,
  kVirtualSize,
  kResidentSize,
  kUid,
  kEuid,
  kSuid,
  kGid,
  kEgid,
  kSgid,
  kCmdline,
  kExe,
  kCwd,
  kRoot,
  kNetns,
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args);

using A = Affinity;
const TableDef kDef = {
    "proc_process",
    "One row per process (every numeric directory of /proc) whose stat file could be read: "
    "the ps view of the machine. Threads are not rows (see `threads`).",
    {
        {"pid", A::kInteger, true, "Process id (the directory name under /proc)."},
        {"ppid", A::kInteger, false,
         "Parent's process id (stat field 4); 0 for pid 1 and kernel threads' parent kthreadd."},
        {"name", A::kText, false,
         "Command name (stat field 2, the comm between the parentheses: 15 bytes at most for "
         "user processes, longer for some kernel workers), verbatim: it may hold spaces and "
         "parentheses. Not the full path: see exe, cmdline."},
        {"state", A::kText, false,
         "State letter (stat field 3): 'R' running, 'S' sleeping, 'D' disk sleep, 'T' stopped, "
         "'t' tracing stop, 'Z' zombie, 'X' dead, 'I' idle kernel thread, 'P' parked."},
        {"state_name", A::kText, false,
         "The kernel's name for that letter: 'running', 'sleeping', 'disk sleep', 'stopped', "
         "'tracing stop', 'zombie', 'dead', 'idle', 'parked'; NULL for an unknown letter."},
        {"pgrp", A::kInteger, false, "Process group id (stat field 5)."},
        {"session", A::kInteger, false, "Session id (stat field 6)."},
        {"nice", A::kInteger, false, "Nice value, -20 (favoured) to 19 (stat field 19)."},
        {"threads", A::kInteger, false, "Number of threads (stat field 20, num_threads)."},
        {"start_time", A::kInteger, false,
         "Process start, seconds since the epoch: btime of <root>/stat plus starttime (stat "
         "field 22, clock ticks after boot) / USER_HZ, rounded down. NULL if btime is "
         "unreadable. Shifts if the wall clock was stepped since boot."},
        {"start_ticks", A::kInteger, false,
         "Process start in clock ticks (USER_HZ) after boot, raw stat field 22: exact, and with "
         "pid a key that survives pid reuse."},
        {"user_time_ms", A::kInteger, false,
         "CPU time spent in user mode, milliseconds (stat field 14 utime, ticks converted)."},
        {"system_time_ms", A::kInteger, false,
         "CPU time spent in kernel mode, milliseconds (stat field 15 stime)."},
        {"virtual_size", A::kInteger, false, "Virtual memory size, bytes (stat field 23 vsize)."},
        {"resident_size", A::kInteger, false,
         "Resident set size, bytes (stat field 24 rss, pages × page size)."},
        {"uid", A::kInteger, false,
         "Real user id (first number of the Uid: line of /proc/PID/status; read only when a "
         "uid/gid column is used). NULL if status is unreadable."},
        {"euid", A::kInteger, false, "Effective user id (Uid: line, second number)."},
        {"suid", A::kInteger, false, "Saved set-user id (Uid: line, third number)."},
        {"gid", A::kInteger, false, "Real group id (Gid: line, first number)."},
        {"egid", A::kInteger, false, "Effective group id (Gid: line, second number)."},
        {"sgid", A::kInteger, false, "Saved set-group id (Gid: line, third number)."},
        {"cmdline", A::kText, false,
         "Arguments (/proc/PID/cmdline) joined with single spaces; an argument holding a space "
         "is not quoted. '' for kernel threads and zombies (their cmdline is empty); NULL if "
         "unreadable. Read only when used."},
        {"exe", A::kText, false,
         "Path of the executable (readlink /proc/PID/exe), verbatim, ' (deleted)' suffix "
         "included. NULL for kernel threads and, for a non-root reader, other users' processes."},
        {"cwd", A::kText, false,
         "Current working directory (readlink /proc/PID/cwd); NULL where exe would be."},
        {"root", A::kText, false,
         "Root directory (readlink /proc/PID/root): '/' unless chrooted or in another mount "
         "namespace's view; NULL where exe would be."},
        {"netns", A::kInteger, false,
         "Network namespace inode: the N of readlink /proc/PID/ns/net 'net:[N]' (joins netns of "
         "proc_tcp, proc_udp, proc_unix, proc_fd). NULL where exe would be."},
    },
    make,
};

long clock_ticks_per_second() {
  static const long hz = [] {
    long v = sysconf(_SC_CLK_TCK);
    return v > 0 ? v : 100;
  }();
  return hz;
}

int64_t ticks_to_ms(uint64_t ticks) {
  uint64_t hz = static_cast<uint64_t>(clock_ticks_per_second());
  if (ticks > static_cast<uint64_t>(INT64_MAX) / 1000) return INT64_MAX;
  return static_cast<int64_t>(ticks * 1000 / hz);
}

// A link read on demand: nullopt until read; then the text, or NULL.
struct LazyText {
  bool read = false;
  std::optional<std::string> value;
};

struct ProcRow {
  ProcStat stat;  // stat.comm points into `comm`
  std::string comm;
  // Read on first use (column() is const: these are the snapshot's cache).
  mutable bool status_read = false;
  mutable ProcStatus status;
  mutable LazyText cmdline, exe, cwd, root;
  mutable bool netns_read = false;
  mutable std::optional<uint64_t> netns;
};

class ProcessCursor final : public Cursor {
 public:
  explicit ProcessCursor(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  void filter(const FilterArgs& args) override {
    pids_ = IntSet(args.find(kPid));
    hits_.clear();
    use_hits_ = pids_.active();
    if (use_hits_) {
      for (int64_t pid : pids_.values()) {
        if (pid < 0 || pid > INT32_MAX) continue;
        if (auto row = load_pid(static_cast<int32_t>(pid))) hits_.push_back(*row);
      }
    } else {
      load_all();
    }
    pos_ = 0;
  }

  bool eof() const override { return pos_ >= limit(); }
  void next() override { ++pos_; }
  int64_t rowid() const override { return row().stat.pid; }

  void column(int column, ResultSink& out) const override {
    const ProcRow& r = row();
    const ProcStat& s = r.stat;
    switch (column) {
      case kPid:
        return out.integer(s.pid);
      case kPpid:
        return out.integer(s.ppid);
      case kName:
        return out.text(r.comm);
      case kState:
        return out.text(std::string_view(&s.state, 1));
      case kStateName:
        if (const char* name = process_state_name(s.state)) return out.text(name);
        return out.null();
      case kPgrp:
        return out.integer(s.pgrp);
      case kSession:
        return out.integer(s.session);
      case kNice:
        return out.integer(s.nice);
      case kThreads:
        return out.integer(s.num_threads);
      case kStartTime:
        if (auto boot = btime()) {
          return out.integer(
              *boot +
              static_cast<int64_t>(s.starttime / static_cast<uint64_t>(clock_ticks_per_second())));
        }
        return out.null();
      case kStartTicks:
        return out.integer(static_cast<int64_t>(s.starttime));
      case kUserTimeMs:
        return out.integer(ticks_to_ms(s.utime));
      case kSystemTimeMs:
        return out.integer(ticks_to_ms(s.stime));
      case kVirtualSize:
        return out.integer(static_cast<int64_t>(s.vsize));
      case kResidentSize:
        return out.integer(s.rss * page_size());
      case kUid:
      case kEuid:
      case kSuid:
        if (const auto& ids = status(r).uid) return out.integer((*ids)[column - kUid]);
        return out.null();
      case kGid:
      case kEgid:
      case kSgid:
        if (const auto& ids = status(r).gid) return out.integer((*ids)[column - kGid]);
        return out.null();
      case kCmdline:
        return text(cmdline(r), out);
      case kExe:
        return text(link(r, r.exe, "exe"), out);
      case kCwd:
        return text(link(r, r.cwd, "cwd"), out);
      case kRoot:
        return text(link(r, r.root, "root"), out);
      case kNetns:
        if (auto ns = netns(r)) return out.integer(static_cast<int64_t>(*ns));
        return out.null();
    }
    out.null();
  }

 private:
  static void text(const std::optional<std::string>& value, ResultSink& out) {
    if (value) return out.text(*value);
    out.null();
  }

  static int64_t page_size() {
    static const int64_t size = [] {
      long v = sysconf(_SC_PAGESIZE);
      return v > 0 ? static_cast<int64_t>(v) : 4096;
    }();
    return size;
  }

  const ProcStatus& status(const ProcRow& r) const {
    if (!r.status_read) {
      r.status_read = true;
      if (read("status", r) == 0) r.status = parse_proc_status(scratch_);
    }
    return r.status;
  }

  const std::optional<std::string>& cmdline(const ProcRow& r) const {
    if (!r.cmdline.read) {
      r.cmdline.read = true;
      if (read("cmdline", r) == 0) r.cmdline.value = format_cmdline(scratch_);
    }
    return r.cmdline.value;
  }

  const std::optional<std::string>& link(const ProcRow& r, LazyText& lazy, const char* name) const {
    if (!lazy.read) {
      lazy.read = true;
      char path[40];
      snprintf(path, sizeof path, "%d/%s", static_cast<int>(r.stat.pid), name);
      long n = fs_->read_link(fs_->root_fd(), path, link_buf_, sizeof link_buf_);
      if (n >= 0) lazy.value.emplace(link_buf_, static_cast<size_t>(n));
    }
    return lazy.value;
  }

  std::optional<uint64_t> netns(const ProcRow& r) const {
    if (!r.netns_read) {
      r.netns_read = true;
      r.netns = pid_netns(*fs_, static_cast<int32_t>(r.stat.pid));
    }
    return r.netns;
  }

  std::optional<int64_t> btime() const {
    if (!btime_read_) {
      btime_read_ = true;
      if (fs_->read_file(fs_->root_fd(), "stat", scratch_) == 0) btime_ = parse_btime(scratch_);
    }
    return btime_;
  }

  // Reads PID/<name> into scratch_; 0 or errno.
  int read(const char* name, const ProcRow& r) const {
    char path[40];
    snprintf(path, sizeof path, "%d/%s", static_cast<int>(r.stat.pid), name);
    return fs_->read_file(fs_->root_fd(), path, scratch_);
  }

  // Reads PID/stat into a new row; the row, or nullopt if the process is
  // gone or its stat does not parse.
  std::optional<uint32_t> read_process(int32_t pid) {
    char path[24];
    snprintf(path, sizeof path, "%d/stat", pid);
    if (fs_->read_file(fs_->root_fd(), path, scratch_) != 0) return std::nullopt;
    ProcStat stat;
    if (!parse_proc_stat(scratch_, stat) || stat.pid != pid) return std::nullopt;
    ProcRow row;
    row.comm = std::string(stat.comm);
    row.stat = stat;
    row.stat.comm = {};  // rows move: never point into another buffer
    rows_.push_back(std::move(row));
    return static_cast<uint32_t>(rows_.size() - 1);
  }

  std::optional<uint32_t> load_pid(int32_t pid) {
    auto it = by_pid_.find(pid);
    if (it != by_pid_.end()) return it->second;
    std::optional<uint32_t> row;
    if (!complete_) row = read_process(pid);  // after a full walk, absent = no process
    by_pid_.emplace(pid, row);
    return row;
  }

  void load_all() {
    if (complete_) return;
    std::vector<int32_t> pids;
    int err = fs_->list_pids(pids);
    if (err) throw Error("proc_process: " + describe_errno(fs_->root(), err));
    for (int32_t pid : pids) {
      if (by_pid_.count(pid)) continue;  // read by an earlier pid lookup
      by_pid_.emplace(pid, read_process(pid));
    }
    complete_ = true;
    // Walk order for a full scan: every row read, earlier lookups included,
    // in ascending pid order like ps.
    all_.clear();
    for (uint32_t i = 0; i < rows_.size(); ++i) all_.push_back(i);
    std::sort(all_.begin(), all_.end(),
              [&](uint32_t a, uint32_t b) { return rows_[a].stat.pid < rows_[b].stat.pid; });
  }

  size_t limit() const { return use_hits_ ? hits_.size() : all_.size(); }
  const ProcRow& row() const { return rows_[use_hits_ ? hits_[pos_] : all_[pos_]]; }

  std::shared_ptr<ProcFs> fs_;
  // The snapshot.
  std::vector<ProcRow> rows_;
  std::unordered_map<int32_t, std::optional<uint32_t>> by_pid_;
  std::vector<uint32_t> all_;
  bool complete_ = false;
  mutable bool btime_read_ = false;
  mutable std::optional<int64_t> btime_;
  // Scratch for reading.
  mutable std::string scratch_;
  mutable char link_buf_[4096 + 64];
  // The current scan.
  IntSet pids_;
  bool use_hits_ = false;
  std::vector<uint32_t> hits_;
  size_t pos_ = 0;
};

class ProcessTable final : public Table {
 public:
  explicit ProcessTable(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  Estimate estimate(uint64_t constrained) const override {
    // A full scan reads one stat file per process (a few hundred); a pid
    // lookup reads one, and after the first, answers from the snapshot.
    if (constrained & (1ull << kPid)) return {3, 1, false};
    return {500, 500, false};
  }

  std::unique_ptr<Cursor> open() override { return std::make_unique<ProcessCursor>(fs_); }

 private:
  std::shared_ptr<ProcFs> fs_;
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args) {
  return std::make_unique<ProcessTable>(open_root(def, args));
}

}  // namespace

const TableDef& proc_process_def() {
  return kDef;
}

}  // namespace proctab
