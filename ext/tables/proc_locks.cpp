// proc_locks.cpp — proc_locks: one row per line of <root>/locks: every file
// lock of the machine (flock, POSIX fcntl/lockf, OFD locks, leases), held or
// waited for — what lslocks lists.
//
// Usage:
//   SELECT * FROM proc_locks;
//   SELECT l.pid, l.type, l.mode, f.path FROM proc_locks l
//     JOIN proc_fd f ON f.pid = l.pid AND f.file_dev = l.dev AND f.file_inode = l.inode;
//   SELECT * FROM proc_locks WHERE waiting;       -- who is blocked, and on whom
//
// How it works: the file is read once per statement into the snapshot (it
// is one line per lock: small); a request blocked on a lock follows it with
// the same number and "->", and gets the holder's pid as blocker_pid.
// Every pushed-down equality (pid, type, inode) is a hash lookup.
//
// The lock's file is named by device and inode only: join proc_fd on
// (file_dev, file_inode) — the holder's own descriptor, for a held lock —
// or proc_maps on (dev, inode) to get a path. /proc/locks lists every lock
// of the machine whoever the reader is; pids are those of the reader's pid
// namespace (0 for an owner not visible there; -1 for OFD locks, which
// belong to an open file, not a process).
#include "core/snapshot.h"
#include "parse/locks.h"
#include "tables/common.h"

namespace proctab {

namespace {

class LocksSource {
 public:
  using Row = LockRow;
  static constexpr unsigned kArguments = kArgRoot;  // no network namespaces here
  struct Config {
    std::shared_ptr<ProcFs> fs;
  };
  static Config configure(const TableDef& def, const TableArgs& args) {
    return {open_root_with(def, args, "locks")};
  }
  static constexpr Plan plan() { return {50, 50}; }

  explicit LocksSource(const Config& config) : fs_(config.fs) {}

  void load(const Request&, Rows<Row>& rows) {
    if (loaded_) return;
    auto parse_line = [](std::string_view line, LockRow& row) {
      return parse_locks_line(line, row);
    };
    text::RowParser<decltype(parse_line)> parser("", parse_line);
    int err = fs_->read_chunks(fs_->root_fd(), "locks",
                               [&](std::string_view chunk) { parser.feed(chunk, rows); });
    if (err) {
      while (rows.size() > 0) rows.pop_back();
      throw Error("proc_locks: " + describe_errno(fs_->root() + "/locks", err));
    }
    parser.finish(rows);
    link_lock_waiters(rows, 0);
    loaded_ = true;
  }

 private:
  std::shared_ptr<ProcFs> fs_;
  bool loaded_ = false;
};

using C = Column<LocksSource>;
using A = Affinity;
using S = LocksSource;

bool is_lease(const LockRow& r) {
  return r.type.view() == "LEASE" || r.type.view() == "DELEG";
}

constexpr std::array kColumns = {
    C{"id", A::kInteger, kNotPushed,
      "The lock's number in this read of /proc/locks ('N:'), shared by a lock and the requests "
      "waiting on it. Not a key across statements.",
      [](const S&, const LockRow& r, ResultSink& out) { out.integer(r.id); }},
    C{"pid", A::kInteger, pushed(1.0 / 20),
      "Owner's process id in the reader's pid namespace; 0 if it is not visible there; -1 for "
      "an OFD lock (owned by an open file description, not a process: find its holders "
      "through proc_fd on file_dev, file_inode).",
      [](const S&, const LockRow& r, ResultSink& out) { out.integer(r.pid); }},
    C{"type", A::kText, pushed(1.0 / 3),
      "'FLOCK' (flock(2)), 'POSIX' (fcntl F_SETLK / lockf), 'OFDLCK' (fcntl F_OFD_SETLK), "
      "'LEASE' (fcntl F_SETLEASE), 'DELEG' (an NFS server's delegation), 'ACCESS', or "
      "'UNKNOWN', as printed.",
      [](const S&, const LockRow& r, ResultSink& out) { out.text(r.type.view()); }},
    C{"mode", A::kText, kNotPushed,
      "'READ' (shared) or 'WRITE' (exclusive); 'UNLCK' for a lease being broken to nothing.",
      [](const S&, const LockRow& r, ResultSink& out) { out.text(r.mode.view()); }},
    C{"mandatory", A::kInteger, kNotPushed,
      "1 for a mandatory lock (MANDATORY, or MSNFS on old kernels; Linux 5.15 dropped them), "
      "0 for an advisory one; NULL for leases.",
      [](const S&, const LockRow& r, ResultSink& out) {
        std::string_view d = r.detail.view();
        if (d == "ADVISORY") return out.integer(0);
        if (d == "MANDATORY" || d == "MSNFS") return out.integer(1);
        out.null();
      }},
    C{"lease_state", A::kText, kNotPushed,
      "For a lease or delegation: 'ACTIVE', 'BREAKING' (a conflicting open is waiting for the "
      "holder to give it up) or 'BREAKER' (the request of that open); NULL for locks.",
      [](const S&, const LockRow& r, ResultSink& out) {
        is_lease(r) ? out.text(r.detail.view()) : out.null();
      }},
    C{"dev", A::kText, kNotPushed,
      "Device of the locked file's filesystem, decimal 'MAJOR:MINOR' (/proc/locks prints it "
      "in hex): joins proc_fd.file_dev and proc_maps.dev. NULL for a lock without a file.",
      [](const S&, const LockRow& r, ResultSink& out) {
        r.has_inode ? device_text(r.dev_major, r.dev_minor, out) : out.null();
      }},
    C{"inode", A::kInteger, pushed(1.0 / 50),
      "Inode of the locked file: with dev, joins proc_fd.file_inode and proc_maps.inode. NULL "
      "for a lock without a file.",
      [](const S&, const LockRow& r, ResultSink& out) {
        r.has_inode ? out.integer(static_cast<int64_t>(r.inode)) : out.null();
      }},
    C{"start", A::kInteger, kNotPushed,
      "First byte locked (POSIX and OFD byte ranges; 0 for FLOCK and leases, which lock the "
      "whole file).",
      [](const S&, const LockRow& r, ResultSink& out) { out.integer(r.start); }},
    C{"end", A::kInteger, kNotPushed,
      "Last byte locked, inclusive; NULL for a lock to the end of the file ('EOF', whatever its "
      "size: FLOCK and leases always).",
      [](const S&, const LockRow& r, ResultSink& out) {
        r.end ? out.integer(*r.end) : out.null();
      }},
    C{"waiting", A::kInteger, kNotPushed,
      "1 for a request blocked on a lock held by another ('->' line), 0 for a lock held.",
      [](const S&, const LockRow& r, ResultSink& out) { out.integer(r.depth > 0 ? 1 : 0); }},
    C{"blocker_pid", A::kInteger, kNotPushed,
      "For a waiting request: the pid of the lock it waits on (lslocks' BLOCKER). NULL for a "
      "lock held.",
      [](const S&, const LockRow& r, ResultSink& out) {
        r.blocker_pid ? out.integer(*r.blocker_pid) : out.null();
      }},
};

}  // namespace

const TableDef& proc_locks_def() {
  static const TableDef def = define_table<LocksSource, kColumns>(
      "proc_locks",
      "One row per line of /proc/locks: every file lock of the machine (flock, POSIX, OFD, "
      "leases), held or waited for — lslocks' view.");
  return def;
}

}  // namespace proctab
