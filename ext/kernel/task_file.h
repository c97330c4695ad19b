// task_file.h — the BPF task_file iterator: every open descriptor of every
// process, from the kernel's own file tables instead of a readlink per
// descriptor of /proc/PID/fd. proc_fd's 'bpf' source (tables/proc_fd.cpp).
//
// One run loads the program (kernel/bpf/task_file.bpf.c, embedded as a
// bpftool light skeleton: bpf/task_file_loader.h), attaches an iterator link
// (to one process, or to all),
// creates the iterator and read()s it to the end, handing the raw bytes to a
// callback: fixed-size records that parse/task_file.h decodes. Everything is
// closed before run() returns — iterator fd, link, program, maps — so nothing
// stays loaded or attached after a statement.
//
// Failures are returned, never thrown: whether one falls back to the /proc
// walk (source='auto') or is an SQL error (source='bpf') is the caller's
// policy. Tests replace the factory (Seams::task_file) to fail on purpose.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace proctab {

// Why a run failed: an errno value and a sentence for the SQL error.
struct TaskFileError {
  int err = 0;  // 0: no error
  std::string why;
  explicit operator bool() const { return err != 0; }
};

class TaskFileIterator {
 public:
  virtual ~TaskFileIterator() = default;
  // Runs the iterator over every process (pid 0) or only process `pid` (the
  // kernel visits just that one), calling `bytes` with each chunk read (a
  // chunk may end inside a record). Returns the error that stopped it; bytes
  // already handed over stay valid rows.
  virtual TaskFileError run(int32_t pid, const std::function<void(std::string_view)>& bytes) = 0;
};

// Whether this build has the iterator, and why not ("" if it has).
const char* task_file_unavailable_reason();

using TaskFileFactory = std::function<std::unique_ptr<TaskFileIterator>()>;
// The real iterator (or, in a build without BPF, one whose run() fails with
// ENOSYS, "proctab was built without BPF").
std::unique_ptr<TaskFileIterator> default_task_file();

}  // namespace proctab
