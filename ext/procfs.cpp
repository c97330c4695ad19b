// procfs.cpp — see procfs.h. Plain syscalls: openat, read, getdents64,
// readlinkat. No stat() and no path building beyond "PID/fd"-style joins.
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace proctab {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

ProcFs::ProcFs(std::string root) : root_(std::move(root)) {
  int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    open_errno_ = errno;
  } else {
    root_fd_ = Fd(fd);
  }
}

int ProcFs::read_chunks(int dir_fd, const char* path,
                        const std::function<void(std::string_view)>& sink) {
  counters.files_read.fetch_add(1, std::memory_order_relaxed);
  int fd;
  do {
    fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  Fd guard(fd);
  // A seq_file hands out about one page per read() whatever the request;
  // 32 KiB serves regular files (fixtures) in few calls, and the buffer is
  // reused for every chunk, so a 10 MB file costs no 10 MB of memory.
  char chunk[32 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    sink(std::string_view(chunk, static_cast<size_t>(n)));
  }
}

int ProcFs::read_file(int dir_fd, const char* path, std::string& out) {
  out.clear();
  int err = read_chunks(dir_fd, path, [&](std::string_view chunk) { out.append(chunk); });
  if (err) out.clear();
  return err;
}

Fd ProcFs::open_dir(int dir_fd, const char* path, int& err) {
  int fd;
  do {
    fd = ::openat(dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  err = fd < 0 ? errno : 0;
  return Fd(fd);
}

namespace {
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// Parses a directory entry name as a non-negative int32; -1 if it is not one.
int32_t numeric_name(const char* name) {
  if (*name == '\0') return -1;
  int64_t value = 0;
  for (const char* p = name; *p; ++p) {
    if (*p < '0' || *p > '9') return -1;
    value = value * 10 + (*p - '0');
    if (value > INT32_MAX) return -1;
  }
  return static_cast<int32_t>(value);
}
}  // namespace

int ProcFs::list_numeric(int dir_fd, std::vector<int32_t>& out) {
  counters.dirs_listed.fetch_add(1, std::memory_order_relaxed);
  alignas(8) char buf[32 * 1024];
  for (;;) {
    long n = ::syscall(SYS_getdents64, dir_fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    for (long pos = 0; pos < n;) {
      auto* entry = reinterpret_cast<LinuxDirent64*>(buf + pos);
      int32_t number = numeric_name(entry->d_name);
      if (number >= 0) out.push_back(number);
      pos += entry->d_reclen;
    }
  }
}

int ProcFs::check_readable(int dir_fd, const char* path) {
  return ::faccessat(dir_fd, path, R_OK, 0) == 0 ? 0 : errno;
}

long ProcFs::read_link(int dir_fd, const char* name, char* buf, size_t size) {
  counters.links_read.fetch_add(1, std::memory_order_relaxed);
  ssize_t n = ::readlinkat(dir_fd, name, buf, size);
  return n < 0 ? -errno : n;
}

std::shared_ptr<ProcFs> default_procfs(const std::string& root) {
  return std::make_shared<ProcFs>(root);
}

std::string describe_errno(const std::string& path, int err) {
  return path + ": " + strerror(err);
}

}  // namespace proctab
