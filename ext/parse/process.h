// process.h — pure parsers for the per-process files of /proc:
// /proc/PID/stat, /proc/PID/status, /proc/PID/cmdline, and the btime line of
// /proc/stat. (Namespace links, "net:[N]", are text::parse_tagged_number.)
//
// Text in, values out: no I/O, no SQLite, so they are unit-tested on
// fixtures and fuzzed.
//
// /proc/PID/stat (fs/proc/array.c do_task_stat) is one line,
//   "PID (COMM) S PPID PGRP SESSION TTY TPGID FLAGS MINFLT ... NUM_THREADS
//    ITREALVALUE STARTTIME VSIZE RSS ..."
// COMM is printed raw (not escaped): up to 15 bytes of anything but NUL,
// spaces, parentheses and newlines included, so it is delimited by the
// first '(' and the LAST ')' of the text — a later ')' cannot occur, every
// field after COMM is a number.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace proctab {

struct ProcStat {
  int64_t pid = 0;
  std::string_view comm;  // into the parsed text
  char state = 0;         // 'R', 'S', 'D', 'Z', 'T', 't', 'X', 'I', ...
  int64_t ppid = 0;
  int64_t pgrp = 0;
  int64_t session = 0;
  uint64_t utime = 0;  // clock ticks (USER_HZ)
  uint64_t stime = 0;
  int64_t nice = 0;
  int64_t num_threads = 0;
  uint64_t starttime = 0;  // clock ticks after boot
  uint64_t vsize = 0;      // bytes
  int64_t rss = 0;         // pages
};

// Parses the text of /proc/PID/stat (a trailing newline is allowed). Returns
// false if it is not a well-formed stat line: no "(...)", fewer than the 24
// fields read here, a field that is not a number, a NUL byte anywhere.
bool parse_proc_stat(std::string_view text, ProcStat& out);

// The kernel's name for a state letter ("running", "sleeping", "disk sleep",
// "stopped", "tracing stop", "zombie", "dead", "idle", "parked", ...);
// nullptr for an unknown letter.
const char* process_state_name(char state);

// Uid: and Gid: lines of /proc/PID/status: real, effective, saved, fs; and
// Tgid:, the thread group a /proc/TID entry belongs to (its process).
struct ProcStatus {
  std::optional<std::array<int64_t, 4>> uid;
  std::optional<std::array<int64_t, 4>> gid;
  std::optional<int32_t> tgid;
};

// Parses /proc/PID/status; a line that does not parse leaves its field empty.
ProcStatus parse_proc_status(std::string_view text);

// /proc/PID/cmdline (NUL-terminated arguments) as one line: NULs between
// arguments become spaces, trailing NULs are dropped. Empty for kernel
// threads and zombies. A process that rewrote its argv area (setproctitle)
// may have no NULs at all: its text is returned as is.
std::string format_cmdline(std::string_view raw);

// The "btime N" line of /proc/stat: boot time in seconds since the epoch.
std::optional<int64_t> parse_btime(std::string_view proc_stat);

}  // namespace proctab
