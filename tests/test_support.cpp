#include "test_support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace testing {

namespace fs = std::filesystem;

TempTree::TempTree() {
  char tmpl[] = "/tmp/proctab-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempTree::~TempTree() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  for (auto& entry : fs::recursive_directory_iterator(path_, ec)) {
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
      fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(path_, ec);
}

void TempTree::write(const std::string& relative, const std::string& content) const {
  fs::path p = fs::path(path_) / relative;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

void TempTree::symlink(const std::string& relative, const std::string& target) const {
  fs::path p = fs::path(path_) / relative;
  fs::create_directories(p.parent_path());
  if (::symlink(target.c_str(), p.c_str()) != 0) {
    throw std::runtime_error("cannot symlink " + p.string());
  }
}

void TempTree::mkdir(const std::string& relative) const {
  fs::create_directories(fs::path(path_) / relative);
}

void add_fd(const TempTree& tree, int pid, int fd, const std::string& target) {
  tree.symlink(std::to_string(pid) + "/fd/" + std::to_string(fd), target);
}

Db::Db(proctab::ProcFsFactory procfs)
    : Db(proctab::Seams{procfs ? std::move(procfs) : proctab::default_procfs}) {}

Db::Db(const proctab::Seams& seams) {
  if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
  int rc = proctab::register_all(db_, seams);
  if (rc != SQLITE_OK) {
    sqlite3_close(db_);
    throw std::runtime_error("register_all failed");
  }
}

Db::~Db() {
  sqlite3_close(db_);
}

Rows Db::query(const std::string& sql) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db_));
  }
  Rows rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.push_back(text ? std::string(reinterpret_cast<const char*>(text),
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, i)))
                         : "NULL");
    }
    rows.push_back(std::move(row));
  }
  std::string message = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error(message);
  return rows;
}

std::string Db::scalar(const std::string& sql) const {
  Rows rows = query(sql);
  if (rows.size() != 1 || rows[0].size() != 1) {
    throw std::runtime_error("expected one value from: " + sql);
  }
  return rows[0][0];
}

std::string Db::error_of(const std::string& sql) const {
  try {
    query(sql);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

void Db::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "error";
    sqlite3_free(err);
    throw std::runtime_error(message);
  }
}

proctab::ProcFsFactory CountingFactory::factory() const {
  auto list = made;
  return [list](const std::string& root) {
    auto fs = std::make_shared<proctab::ProcFs>(root);
    list->push_back(fs);
    return fs;
  };
}

uint64_t CountingFactory::files_read() const {
  uint64_t n = 0;
  for (auto& fs : *made) n += fs->counters.files_read;
  return n;
}
uint64_t CountingFactory::dirs_listed() const {
  uint64_t n = 0;
  for (auto& fs : *made) n += fs->counters.dirs_listed;
  return n;
}
uint64_t CountingFactory::links_read() const {
  uint64_t n = 0;
  for (auto& fs : *made) n += fs->counters.links_read;
  return n;
}

namespace {
class PathCountingProcFs final : public proctab::ProcFs {
 public:
  PathCountingProcFs(const std::string& root, PathCountingFactory counts)
      : ProcFs(root), counts_(std::move(counts)) {}
  int read_chunks(int dir_fd, const char* path,
                  const std::function<void(std::string_view)>& sink) override {
    ++(*counts_.reads)[path];
    return ProcFs::read_chunks(dir_fd, path, sink);
  }
  proctab::Fd open_dir(int dir_fd, const char* path, int& err) override {
    ++(*counts_.opens)[path];
    return ProcFs::open_dir(dir_fd, path, err);
  }

 private:
  PathCountingFactory counts_;
};
}  // namespace

proctab::ProcFsFactory PathCountingFactory::factory() const {
  PathCountingFactory self = *this;
  return [self](const std::string& root) -> std::shared_ptr<proctab::ProcFs> {
    return std::make_shared<PathCountingProcFs>(root, self);
  };
}

int PathCountingFactory::read(const std::string& path) const {
  auto it = reads->find(path);
  return it == reads->end() ? 0 : it->second;
}

int PathCountingFactory::opened(const std::string& path) const {
  auto it = opens->find(path);
  return it == opens->end() ? 0 : it->second;
}

int count_open_fds() {
  int n = 0;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  while (readdir(dir)) ++n;
  closedir(dir);
  return n - 3;  // ".", "..", and the DIR's own descriptor
}

Child::Child(const std::function<std::string()>& setup) {
  int ready[2], hold[2];
  if (pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  if (pipe2(hold, O_CLOEXEC) != 0) {
    close(ready[0]);
    close(ready[1]);
    throw std::runtime_error("pipe2 failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    close(ready[0]);
    close(hold[1]);
    std::string err = setup();
    std::string msg = err.empty() ? "ok" : err;
    (void)!write(ready[1], msg.data(), msg.size());
    close(ready[1]);
    char c;
    (void)!read(hold[0], &c, 1);  // until the parent closes its end or kills us
    _exit(0);
  }
  close(ready[1]);
  close(hold[0]);
  hold_ = hold[1];
  // Read to the end: the child's close of its end is then done too, so its
  // descriptors no longer change once we return (tests count them).
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read(ready[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) msg.append(buf, static_cast<size_t>(n));
  }
  close(ready[0]);
  status_ = msg.empty() ? "child died" : msg;
}

Child::~Child() {
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  if (hold_ >= 0) close(hold_);
}

}  // namespace testing
