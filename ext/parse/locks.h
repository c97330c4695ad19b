// locks.h — pure parser for /proc/locks text.
//
// Printer: fs/locks.c locks_show / lock_get_status. One line per lock:
//   ID: TYPE DETAIL MODE PID MAJ:MIN:INODE START END
//   1: POSIX  ADVISORY  WRITE 3568 fd:00:2531452 0 EOF
//   2: FLOCK  ADVISORY  READ  3517 fd:00:2531448 0 EOF
//   3: OFDLCK ADVISORY  WRITE -1 fd:00:2531451 100 199
//   4: LEASE  ACTIVE    READ  800 00:2d:17 0 EOF
// and, after a lock, one line per request blocked on it, with the same ID and
// "->" before TYPE (indented one more space per level of a chain of waiters
// on kernels since 5.14: " ->", "  ->"):
//   1: -> POSIX  ADVISORY  WRITE 3601 fd:00:2531452 0 EOF
// TYPE is POSIX, OFDLCK (open file description lock), ACCESS (a POSIX
// access check), FLOCK, LEASE, DELEG (an NFS delegation) or UNKNOWN; DETAIL is
// ADVISORY / MANDATORY (MSNFS on old kernels) for locks, ACTIVE / BREAKING /
// BREAKER for leases, "*NOINODE*"; MODE is READ, WRITE, UNLCK (a breaking
// lease), or RW / NONE (old LOCK_MAND). MAJ:MIN is the superblock's device in
// hex ("%02x:%02x"), INODE decimal; a lock without a file prints "<none>:0".
// PID is the owner in the reader's pid namespace (0 if not visible there),
// -1 for OFD locks. START and END are byte offsets; END is "EOF" for a lock
// to the end of the file (FLOCK and LEASE always print "0 EOF").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "text/row_parser.h"

namespace proctab {

// A short word of the line, copied (rows outlive the read buffer).
struct LockWord {
  char text[11] = {};
  uint8_t length = 0;
  std::string_view view() const { return std::string_view(text, length); }
};

struct LockRow {
  int64_t id = 0;      // the "N:" ordinal of this read, shared by a lock and its waiters
  uint32_t depth = 0;  // 0: a lock held; 1..: a request waiting (in a chain)
  LockWord type;       // POSIX, FLOCK, OFDLCK, LEASE, ...
  LockWord detail;     // ADVISORY, MANDATORY, ACTIVE, BREAKING, ...
  LockWord mode;       // READ, WRITE, UNLCK, ...
  int64_t pid = 0;
  bool has_inode = false;  // false for "<none>:0"
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  int64_t start = 0;
  std::optional<int64_t> end;  // nullopt: "EOF"
  // For a waiter: the pid of the lock it waits on (the nearest line above
  // with the same ID and one level less), filled by parse_locks_table and
  // the table's reader; nullopt for a held lock or if no such line was read.
  std::optional<int64_t> blocker_pid;
};

// One line without its '\n' (blocker_pid is left empty). False if the line
// is not a well-formed lock line.
bool parse_locks_line(std::string_view line, LockRow& row);

// Links each waiter in rows[from, end) to the lock it waits on (blocker_pid).
template <typename Rows>
void link_lock_waiters(Rows& rows, size_t from) {
  for (size_t i = from; i < rows.size(); ++i) {
    if (rows[i].depth == 0) continue;
    for (size_t j = i; j-- > from;) {
      if (rows[j].id != rows[i].id) break;  // a lock's lines are consecutive
      if (rows[j].depth + 1 == rows[i].depth) {
        rows[i].blocker_pid = rows[j].pid;
        break;
      }
    }
  }
}

// A whole file, appending rows (no header line), waiters linked.
text::ParseStats parse_locks_table(std::string_view text, std::vector<LockRow>& out);

}  // namespace proctab
