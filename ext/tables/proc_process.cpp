// proc_process.cpp — proc_process: one row per process (every numeric
// directory of <root>), the ps view of the machine.
//
// Usage:
//   SELECT pid, ppid, name, state, cmdline FROM proc_process ORDER BY pid;
//   SELECT * FROM proc_process WHERE pid = 1234;
//   SELECT p.name, f.fd, f.target FROM proc_process p JOIN proc_fd f USING (pid)
//    WHERE p.name = 'nginx';
//
// How it works: the statement's snapshot is filled per process. With `pid =
// X` / `pid IN (...)` only those processes are read; otherwise the walk
// lists the root (getdents64) and reads every PID/stat, in ascending pid
// order like ps. stat is the row: it holds name, state, parent, times, sizes
// and threads in one small read, and a process whose stat cannot be read (it
// exited meanwhile) has no row. The other sources are read lazily, per row,
// the first time a column that needs them is read, and kept with the
// snapshot: PID/status (uid/gid columns), PID/cmdline, the exe / cwd / root
// links, the ns/net link, and <root>/stat's btime (start_time). So `SELECT
// pid, name FROM proc_process` reads one file per process, and `... WHERE
// cmdline LIKE '%x%'` reads cmdline once per process. Every pushed-down
// equality (pid, ppid, name, state, uid, netns, ...) is a hash lookup into
// the snapshot: a self-join on ppid (a process tree) costs O(N).
//
// Permissions: stat, status and cmdline are world-readable; exe, cwd, root
// and ns/net need ptrace access (same user, or CAP_SYS_PTRACE), so for
// another user's process they are NULL for a non-root reader — not an error.
// A column whose file vanished between reads is NULL too.
#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "core/lazy.h"
#include "core/snapshot.h"
#include "core/value_set.h"
#include "kernel/netns.h"
#include "kernel/system.h"
#include "parse/cgroup.h"
#include "parse/process.h"
#include "tables/common.h"
#include "tables/socket.h"  // kNetnsNameDoc

namespace proctab {

namespace {

using OptionalText = std::optional<std::string>;

struct ProcRow {
  ProcStat stat;  // stat.comm is empty: the name is `comm` (rows outlive the read buffer)
  std::string comm;
  Lazy<ProcStatus> status;
  Lazy<OptionalText> cmdline, exe, cwd, root, cgroup;
  Lazy<std::optional<uint64_t>> netns;
};

class ProcessSource {
 public:
  using Row = ProcRow;
  static constexpr unsigned kArguments = kArgRoot | kArgNetnsDir | kArgEtc;  // etc: for `user`
  struct Config {
    std::shared_ptr<ProcFs> fs;
    std::shared_ptr<ProcFs> named;  // /run/netns, or null
    EtcRoot etc;
  };
  static Config configure(const TableDef& def, const TableArgs& args) {
    return {open_root(def, args), open_netns_dir(def, args), EtcRoot(def, args)};
  }
  // A full scan reads one stat file per process (a few hundred).
  static constexpr Plan plan();

  explicit ProcessSource(const Config& config)
      : fs_(config.fs), named_(config.named), etc_(config.etc) {}
  void load(const Request& request, Rows<Row>& rows);

  const ProcStatus& status(const Row& r) const {
    return r.status.get([&] {
      ProcStatus status;
      if (read(r, "status") == 0) status = parse_proc_status(scratch_);
      return status;
    });
  }
  const OptionalText& cmdline(const Row& r) const {
    return r.cmdline.get([&]() -> OptionalText {
      if (read(r, "cmdline") != 0) return std::nullopt;
      return format_cmdline(scratch_);
    });
  }
  const OptionalText& link(const Row& r, const Lazy<OptionalText>& lazy, const char* name) const {
    return lazy.get([&]() -> OptionalText {
      char path[40];
      snprintf(path, sizeof path, "%d/%s", static_cast<int>(r.stat.pid), name);
      long n = fs_->read_link(fs_->root_fd(), path, link_buf_, sizeof link_buf_);
      if (n < 0) return std::nullopt;
      return std::string(link_buf_, static_cast<size_t>(n));
    });
  }
  const OptionalText& cgroup(const Row& r) const {
    return r.cgroup.get([&]() -> OptionalText {
      if (read(r, "cgroup") != 0) return std::nullopt;
      auto path = process_cgroup_path(scratch_);
      if (!path) return std::nullopt;
      return std::string(*path);
    });
  }
  // The name of `uid` in the etc root's passwd: the file is read once per
  // statement, on first use. nullptr if it is not listed.
  const std::string* user_name(int64_t uid) const {
    const auto& names = users_.get([&] {
      std::shared_ptr<ProcFs> etc = etc_.open();
      return read_user_names(etc.get());
    });
    if (uid < 0 || uid > UINT32_MAX) return nullptr;
    auto it = names.find(static_cast<uint32_t>(uid));
    return it == names.end() ? nullptr : &it->second;
  }
  std::optional<uint64_t> netns(const Row& r) const {
    return r.netns.get([&] { return pid_netns(*fs_, static_cast<int32_t>(r.stat.pid)); });
  }
  std::optional<std::string> netns_name(const Row& r) const {
    auto ns = netns(r);
    if (!ns) return std::nullopt;
    return names_.get([&] { return NetnsNames(named_.get()); }).name(*ns);
  }
  // <root>/stat's btime: boot time, seconds since the epoch.
  std::optional<int64_t> btime() const {
    return btime_.get([&]() -> std::optional<int64_t> {
      if (fs_->read_file(fs_->root_fd(), "stat", scratch_) != 0) return std::nullopt;
      return parse_btime(scratch_);
    });
  }

 private:
  // Reads PID/<name> into scratch_; 0 or errno.
  int read(const Row& r, const char* name) const {
    char path[40];
    snprintf(path, sizeof path, "%d/%s", static_cast<int>(r.stat.pid), name);
    return fs_->read_file(fs_->root_fd(), path, scratch_);
  }
  void read_process(int32_t pid, Rows<Row>& rows);

  std::shared_ptr<ProcFs> fs_;
  std::shared_ptr<ProcFs> named_;
  Lazy<NetnsNames> names_;
  EtcRoot etc_;
  Lazy<std::unordered_map<uint32_t, std::string>> users_;
  std::unordered_set<int32_t> read_;  // pids whose stat was read (present or not)
  bool complete_ = false;             // the walk is done: an absent pid has no row
  Lazy<std::optional<int64_t>> btime_;
  mutable std::string scratch_;
  mutable char link_buf_[4096 + 64];
};

using C = Column<ProcessSource>;
using A = Affinity;
using S = ProcessSource;

void text_or_null(const OptionalText& value, ResultSink& out) {
  value ? out.text(*value) : out.null();
}

// One of the four ids of a Uid: / Gid: line (real, effective, saved, fs).
void id(const std::optional<std::array<int64_t, 4>>& ids, int which, ResultSink& out) {
  ids ? out.integer((*ids)[static_cast<size_t>(which)]) : out.null();
}

constexpr std::array kColumns = {
    C{"pid", A::kInteger, pushed(1.0 / 500), "Process id (the directory name under /proc).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.pid); }},
    C{"ppid", A::kInteger, pushed(1.0 / 100),
      "Parent's process id (stat field 4); 0 for pid 1 and kernel threads' parent kthreadd.",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.ppid); }},
    C{"name", A::kText, pushed(1.0 / 100),
      "Command name (stat field 2, the comm between the parentheses: 15 bytes at most for user "
      "processes, longer for some kernel workers), verbatim: it may hold spaces and parentheses. "
      "Not the full path: see exe, cmdline.",
      [](const S&, const ProcRow& r, ResultSink& out) { out.text(r.comm); }},
    C{"state", A::kText, pushed(1.0 / 3),
      "State letter (stat field 3): 'R' running, 'S' sleeping, 'D' disk sleep, 'T' stopped, 't' "
      "tracing stop, 'Z' zombie, 'X' dead, 'I' idle kernel thread, 'P' parked.",
      [](const S&, const ProcRow& r, ResultSink& out) {
        out.text(std::string_view(&r.stat.state, 1));
      }},
    C{"state_name", A::kText, kNotPushed,
      "The kernel's name for that letter: 'running', 'sleeping', 'disk sleep', 'stopped', "
      "'tracing stop', 'zombie', 'dead', 'idle', 'parked'; NULL for an unknown letter.",
      [](const S&, const ProcRow& r, ResultSink& out) {
        const char* name = process_state_name(r.stat.state);
        name ? out.text(name) : out.null();
      }},
    C{"pgrp", A::kInteger, pushed(1.0 / 50), "Process group id (stat field 5).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.pgrp); }},
    C{"session", A::kInteger, pushed(1.0 / 50), "Session id (stat field 6).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.session); }},
    C{"nice", A::kInteger, kNotPushed, "Nice value, -20 (favoured) to 19 (stat field 19).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.nice); }},
    C{"threads", A::kInteger, kNotPushed, "Number of threads (stat field 20, num_threads).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.num_threads); }},
    C{"start_time", A::kInteger, kNotPushed,
      "Process start, seconds since the epoch: btime of <root>/stat plus starttime (stat field "
      "22, clock ticks after boot) / USER_HZ, rounded down. NULL if btime is unreadable. Shifts "
      "if the wall clock was stepped since boot.",
      [](const S& s, const ProcRow& r, ResultSink& out) {
        auto boot = s.btime();
        if (!boot) return out.null();
        out.integer(*boot + static_cast<int64_t>(r.stat.starttime /
                                                 static_cast<uint64_t>(clock_ticks_per_second())));
      }},
    C{"start_ticks", A::kInteger, kNotPushed,
      "Process start in clock ticks (USER_HZ) after boot, raw stat field 22: exact, and with pid "
      "a key that survives pid reuse.",
      [](const S&, const ProcRow& r, ResultSink& out) {
        out.integer(static_cast<int64_t>(r.stat.starttime));
      }},
    C{"user_time_ms", A::kInteger, kNotPushed,
      "CPU time spent in user mode, milliseconds (stat field 14 utime, ticks converted).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(ticks_to_ms(r.stat.utime)); }},
    C{"system_time_ms", A::kInteger, kNotPushed,
      "CPU time spent in kernel mode, milliseconds (stat field 15 stime).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(ticks_to_ms(r.stat.stime)); }},
    C{"virtual_size", A::kInteger, kNotPushed, "Virtual memory size, bytes (stat field 23 vsize).",
      [](const S&, const ProcRow& r, ResultSink& out) {
        out.integer(static_cast<int64_t>(r.stat.vsize));
      }},
    C{"resident_size", A::kInteger, kNotPushed,
      "Resident set size, bytes (stat field 24 rss, pages × page size).",
      [](const S&, const ProcRow& r, ResultSink& out) { out.integer(r.stat.rss * page_size()); }},
    C{"uid", A::kInteger, pushed(1.0 / 10),
      "Real user id (first number of the Uid: line of /proc/PID/status; read only when a uid/gid "
      "column is used). NULL if status is unreadable.",
      [](const S& s, const ProcRow& r, ResultSink& out) { id(s.status(r).uid, 0, out); }},
    C{"euid", A::kInteger, kNotPushed, "Effective user id (Uid: line, second number).",
      [](const S& s, const ProcRow& r, ResultSink& out) { id(s.status(r).uid, 1, out); }},
    C{"suid", A::kInteger, kNotPushed, "Saved set-user id (Uid: line, third number).",
      [](const S& s, const ProcRow& r, ResultSink& out) { id(s.status(r).uid, 2, out); }},
    C{"gid", A::kInteger, kNotPushed, "Real group id (Gid: line, first number).",
      [](const S& s, const ProcRow& r, ResultSink& out) { id(s.status(r).gid, 0, out); }},
    C{"egid", A::kInteger, kNotPushed, "Effective group id (Gid: line, second number).",
      [](const S& s, const ProcRow& r, ResultSink& out) { id(s.status(r).gid, 1, out); }},
    C{"sgid", A::kInteger, kNotPushed, "Saved set-group id (Gid: line, third number).",
      [](const S& s, const ProcRow& r, ResultSink& out) { id(s.status(r).gid, 2, out); }},
    C{"cmdline", A::kText, kNotPushed,
      "Arguments (/proc/PID/cmdline) joined with single spaces; an argument holding a space is "
      "not quoted. '' for kernel threads and zombies (their cmdline is empty); NULL if "
      "unreadable. Read only when used.",
      [](const S& s, const ProcRow& r, ResultSink& out) { text_or_null(s.cmdline(r), out); }},
    C{"exe", A::kText, pushed(1.0 / 50),
      "Path of the executable (readlink /proc/PID/exe), verbatim, ' (deleted)' suffix included. "
      "NULL for kernel threads and, for a non-root reader, other users' processes.",
      [](const S& s, const ProcRow& r, ResultSink& out) {
        text_or_null(s.link(r, r.exe, "exe"), out);
      }},
    C{"cwd", A::kText, kNotPushed,
      "Current working directory (readlink /proc/PID/cwd); NULL where exe would be.",
      [](const S& s, const ProcRow& r, ResultSink& out) {
        text_or_null(s.link(r, r.cwd, "cwd"), out);
      }},
    C{"root", A::kText, kNotPushed,
      "Root directory (readlink /proc/PID/root): '/' unless chrooted or in another mount "
      "namespace's view; NULL where exe would be.",
      [](const S& s, const ProcRow& r, ResultSink& out) {
        text_or_null(s.link(r, r.root, "root"), out);
      }},
    C{"netns", A::kInteger, pushed(0.5),
      "Network namespace inode: the N of readlink /proc/PID/ns/net 'net:[N]' (joins netns of "
      "proc_tcp, proc_udp, proc_unix, proc_fd). NULL where exe would be.",
      [](const S& s, const ProcRow& r, ResultSink& out) {
        auto ns = s.netns(r);
        ns ? out.integer(static_cast<int64_t>(*ns)) : out.null();
      }},
    C{"netns_name", A::kText, pushed(0.5), kNetnsNameDoc,
      [](const S& s, const ProcRow& r, ResultSink& out) {
        auto name = s.netns_name(r);
        name ? out.text(*name) : out.null();
      }},
    C{"user", A::kText, pushed(1.0 / 10),
      "Name of uid (the real user) in the passwd file of the etc root (/etc, or etc='DIR'), "
      "read as a file once per statement, only when this column is used (never NSS: an "
      "LDAP-only user is NULL, as is a uid passwd does not list).",
      [](const S& s, const ProcRow& r, ResultSink& out) {
        const auto& uid = s.status(r).uid;
        const std::string* name = uid ? s.user_name((*uid)[0]) : nullptr;
        name ? out.text(*name) : out.null();
      }},
    C{"cgroup", A::kText, pushed(1.0 / 20),
      "The control group the process belongs to (/proc/PID/cgroup), naming its systemd unit or "
      "container: '/system.slice/ssh.service', '/docker/ID'. The unified (v2) hierarchy's path; "
      "on a v1 or hybrid machine the first of the name=systemd and controller paths that is not "
      "'/' (when v2 says '/' for everyone). Relative to the reader's cgroup namespace; NULL if "
      "unreadable.",
      [](const S& s, const ProcRow& r, ResultSink& out) { text_or_null(s.cgroup(r), out); }},
};

constexpr int kPid = column_index(kColumns, "pid");

constexpr Plan ProcessSource::plan() {
  return {500, 500, column_mask(kColumns, "pid")};
}

// Reads PID/stat into a new row, unless the process is gone or its stat does
// not parse.
void ProcessSource::read_process(int32_t pid, Rows<Row>& rows) {
  if (complete_ || !read_.insert(pid).second) return;
  char path[24];
  snprintf(path, sizeof path, "%d/stat", pid);
  if (fs_->read_file(fs_->root_fd(), path, scratch_) != 0) return;
  ProcStat stat;
  if (!parse_proc_stat(scratch_, stat) || stat.pid != pid) return;
  ProcRow& row = rows.emplace_back();
  row.comm = std::string(stat.comm);
  row.stat = stat;
  row.stat.comm = {};  // never point into the read buffer
}

void ProcessSource::load(const Request& request, Rows<Row>& rows) {
  for_requested_pids(*fs_, request.find(kPid), complete_, read_, "proc_process",
                     [&](int32_t pid, const ProcStatus* status) {
                       const size_t before = rows.size();
                       read_process(pid, rows);
                       // The thread check's status read serves the uid/gid columns.
                       if (status && rows.size() > before)
                         rows[rows.size() - 1].status.set(*status);
                     });
}

}  // namespace

const TableDef& proc_process_def() {
  static const TableDef def = define_table<ProcessSource, kColumns>(
      "proc_process",
      "One row per process (every numeric directory of /proc) whose stat file could be read: the "
      "ps view of the machine. Threads are not rows (see `threads`).");
  return def;
}

}  // namespace proctab
