// test_support.h — shared helpers for the Catch2 tests: a temporary fixture
// /proc tree, and an in-memory SQLite connection with proctab registered
// (optionally through a counting or fault-injecting ProcFs).
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "proctab_internal.h"

namespace testing {

// The header line of /proc/net/tcp and tcp6, for fixture files.
inline constexpr const char* kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n";

// A temporary directory, removed (recursively) on destruction.
class TempTree {
 public:
  TempTree();
  ~TempTree();
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& path() const { return path_; }
  // Creates parent directories as needed.
  void write(const std::string& relative, const std::string& content) const;
  void symlink(const std::string& relative, const std::string& target) const;
  void mkdir(const std::string& relative) const;

 private:
  std::string path_;
};

// A fake process: fixture links under <root>/<pid>/fd.
void add_fd(const TempTree& tree, int pid, int fd, const std::string& target);

using Rows = std::vector<std::vector<std::string>>;  // NULL as "NULL"

class Db {
 public:
  // Registers proctab with the default ProcFs, or with `procfs` if given.
  explicit Db(proctab::ProcFsFactory procfs = nullptr);
  // Registers proctab reaching the kernel through `seams` (fault injection
  // into netlink or BPF as well as /proc).
  explicit Db(const proctab::Seams& seams);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  // Runs `sql` (one statement), returning its rows; throws std::runtime_error
  // with SQLite's message on error.
  Rows query(const std::string& sql) const;
  // The single value of a one-row, one-column query.
  std::string scalar(const std::string& sql) const;
  // The error message a statement fails with ("" if it succeeds).
  std::string error_of(const std::string& sql) const;
  void exec(const std::string& sql) const;

 private:
  sqlite3* db_ = nullptr;
};

// A ProcFs factory whose instances share one set of counters, so a test can
// see every read a statement made.
struct CountingFactory {
  std::shared_ptr<std::vector<std::shared_ptr<proctab::ProcFs>>> made =
      std::make_shared<std::vector<std::shared_ptr<proctab::ProcFs>>>();
  proctab::ProcFsFactory factory() const;
  uint64_t files_read() const;
  uint64_t dirs_listed() const;
  uint64_t links_read() const;
};

// A ProcFs factory that counts, per path relative to the root, how often a
// file was read and a directory opened (so a test can name the file that a
// statement read twice).
struct PathCountingFactory {
  using Counts = std::map<std::string, int>;
  std::shared_ptr<Counts> reads = std::make_shared<Counts>();  // read_chunks, by path
  std::shared_ptr<Counts> opens = std::make_shared<Counts>();  // open_dir, by path
  proctab::ProcFsFactory factory() const;
  int read(const std::string& path) const;
  int opened(const std::string& path) const;
  void clear() const {
    reads->clear();
    opens->clear();
  }
};

// Open descriptors of this process (to prove nothing leaks).
int count_open_fds();

// A forked child that runs `setup`, reports "ready" (or an error) through a
// pipe, then waits until the parent lets it go (or kills it): a process
// holding known descriptors. Killed and reaped on destruction.
class Child {
 public:
  explicit Child(const std::function<std::string()>& setup);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  const std::string& status() const { return status_; }  // "ok" or why not

 private:
  pid_t pid_ = -1;
  int hold_ = -1;  // the parent's end of the pipe the child waits on
  std::string status_;
};

}  // namespace testing
