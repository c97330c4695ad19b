// process.cpp — see process.h.
#include "parse/process.h"

#include "text/scan.h"

namespace proctab {

namespace {

bool dec_i64(std::string_view s, int64_t& v) {
  return text::parse_dec_i64(s, v);
}
bool dec_u64(std::string_view s, uint64_t& v) {
  return text::parse_dec_u64(s, v);
}

}  // namespace

bool parse_proc_stat(std::string_view text, ProcStat& out) {
  if (text.find('\0') != std::string_view::npos) return false;
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return false;
  }
  // "PID " before the comm.
  std::string_view pid_text = text.substr(0, open);
  if (pid_text.empty() || pid_text.back() != ' ') return false;
  pid_text.remove_suffix(1);
  if (!dec_i64(pid_text, out.pid)) return false;
  out.comm = text.substr(open + 1, close - open - 1);

  // Fields 3.. (1-based, as in proc(5)) follow ") ".
  std::string_view rest = text.substr(close + 1);
  if (rest.empty() || rest.front() != ' ') return false;
  std::string_view f[22];  // fields 3..24
  if (text::split_fields(rest, f, 22) < 22) return false;
  if (f[0].size() != 1) return false;
  out.state = f[0][0];
  int64_t ignored_i;
  uint64_t ignored_u;
  // Every field read is validated; the unread ones between must be numbers
  // too, or the line is not what we think it is.
  return dec_i64(f[1], out.ppid) && dec_i64(f[2], out.pgrp) && dec_i64(f[3], out.session) &&
         dec_i64(f[4], ignored_i) &&  // tty_nr
         dec_i64(f[5], ignored_i) &&  // tpgid
         dec_u64(f[6], ignored_u) &&  // flags
         dec_u64(f[7], ignored_u) && dec_u64(f[8], ignored_u) && dec_u64(f[9], ignored_u) &&
         dec_u64(f[10], ignored_u) &&  // minflt cminflt majflt cmajflt
         dec_u64(f[11], out.utime) && dec_u64(f[12], out.stime) && dec_i64(f[13], ignored_i) &&
         dec_i64(f[14], ignored_i) &&  // cutime cstime
         dec_i64(f[15], ignored_i) &&  // priority
         dec_i64(f[16], out.nice) && dec_i64(f[17], out.num_threads) &&
         dec_i64(f[18], ignored_i) &&  // itrealvalue
         dec_u64(f[19], out.starttime) && dec_u64(f[20], out.vsize) && dec_i64(f[21], out.rss);
}

const char* process_state_name(char state) {
  // fs/proc/array.c task_state_array, plus letters of older kernels.
  switch (state) {
    case 'R':
      return "running";
    case 'S':
      return "sleeping";
    case 'D':
      return "disk sleep";
    case 'T':
      return "stopped";
    case 't':
      return "tracing stop";
    case 'X':
    case 'x':
      return "dead";
    case 'Z':
      return "zombie";
    case 'P':
      return "parked";
    case 'I':
      return "idle";
    case 'K':
      return "wakekill";
    case 'W':
      return "waking";
  }
  return nullptr;
}

namespace {

// "\tR\tE\tS\tF" after "Uid:" / "Gid:".
std::optional<std::array<int64_t, 4>> parse_ids(std::string_view value) {
  std::string_view tok[4];
  if (text::split_fields(value, tok, 4) != 4) return std::nullopt;
  std::array<int64_t, 4> ids{};
  for (size_t i = 0; i < 4; ++i) {
    uint32_t id;
    if (!text::dec_as(tok[i], id)) return std::nullopt;
    ids[i] = id;
  }
  return ids;
}

}  // namespace

ProcStatus parse_proc_status(std::string_view text) {
  ProcStatus status;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.substr(0, 4) == "Uid:") {
      status.uid = parse_ids(line.substr(4));
    } else if (line.substr(0, 4) == "Gid:") {
      status.gid = parse_ids(line.substr(4));
    } else if (line.substr(0, 5) == "Tgid:") {
      uint32_t tgid;  // dec_as takes unsigned types; a pid is at most INT32_MAX
      if (text::dec_as(text::trim(line.substr(5)), tgid) && tgid <= INT32_MAX) {
        status.tgid = static_cast<int32_t>(tgid);
      }
    }
  }
  return status;
}

std::string format_cmdline(std::string_view raw) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string line(raw);
  for (char& c : line) {
    if (c == '\0') c = ' ';
  }
  return line;
}

std::optional<int64_t> parse_btime(std::string_view proc_stat) {
  while (!proc_stat.empty()) {
    size_t end = proc_stat.find('\n');
    std::string_view line = proc_stat.substr(0, end);
    proc_stat = end == std::string_view::npos ? std::string_view() : proc_stat.substr(end + 1);
    if (line.substr(0, 6) == "btime ") {
      int64_t value;
      if (text::parse_dec_i64(line.substr(6), value)) return value;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace proctab
