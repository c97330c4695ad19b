// procfs.cpp — see procfs.h. Plain syscalls: openat2 (openat on old
// kernels), read, getdents64, readlinkat, fstat of an O_PATH descriptor,
// setns on a helper thread. No path building beyond "PID/fd"-style joins.
#include "kernel/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>

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
    struct statfs fs;
    procfs_ = ::fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
  }
}

int ProcFs::sys_open(int dir_fd, const char* path, int flags) {
  static std::atomic<bool> have_openat2{true};
  if (have_openat2.load(std::memory_order_relaxed)) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    // EAGAIN: a concurrent rename made ".." unverifiable; worth a retry.
    int tries = 0;
    do {
      fd = ::syscall(SYS_openat2, dir_fd, path, &how, sizeof how);
    } while (fd < 0 && errno == EAGAIN && ++tries < 4);
    if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
    have_openat2.store(false, std::memory_order_relaxed);  // kernel < 5.6
  }
  return ::openat(dir_fd, path, flags);
}

long ProcFs::sys_read(int fd, char* buf, size_t size) {
  return ::read(fd, buf, size);
}

long ProcFs::sys_getdents(int fd, char* buf, size_t size) {
  return ::syscall(SYS_getdents64, fd, buf, size);
}

long ProcFs::sys_readlink(int dir_fd, const char* name, char* buf, size_t size) {
  return ::readlinkat(dir_fd, name, buf, size);
}

long ProcFs::sys_statx(int dir_fd, const char* path, int flags, unsigned mask, FileStat& out) {
  struct statx sx;
  if (::statx(dir_fd, path, flags, mask, &sx) != 0) return -1;
  out.dev_major = sx.stx_dev_major;
  out.dev_minor = sx.stx_dev_minor;
  out.inode = sx.stx_ino;
  out.size = sx.stx_size;
  out.links = sx.stx_nlink;
  out.mode = sx.stx_mode;
  return 0;
}

int ProcFs::read_chunks(int dir_fd, const char* path,
                        const std::function<void(std::string_view)>& sink) {
  counters.files_read.fetch_add(1, std::memory_order_relaxed);
  int fd;
  do {
    fd = sys_open(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  Fd guard(fd);
  // A seq_file hands out about one page per read() whatever the request;
  // 32 KiB serves regular files (fixtures) in few calls, and the buffer is
  // reused for every chunk, so a 10 MB file costs no 10 MB of memory.
  char chunk[32 * 1024];
  size_t total = 0;
  for (;;) {
    long n = sys_read(fd, chunk, std::min(sizeof chunk, max_file_bytes_ + 1 - total));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    total += static_cast<size_t>(n);
    if (total > max_file_bytes_) return EFBIG;  // endless or absurd: not a /proc text file
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
    fd = sys_open(dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

// Calls on_entry(name) for every entry of the open directory, reading it
// with getdents64 in 32 KiB batches. Returns 0 or an errno value.
template <typename OnEntry>
int ProcFs::for_each_entry(int dir_fd, OnEntry&& on_entry) {
  counters.dirs_listed.fetch_add(1, std::memory_order_relaxed);
  alignas(8) char buf[32 * 1024];
  for (;;) {
    long n = sys_getdents(dir_fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    for (long pos = 0; pos + static_cast<long>(sizeof(LinuxDirent64)) <= n;) {
      auto* entry = reinterpret_cast<LinuxDirent64*>(buf + pos);
      if (entry->d_reclen == 0) return EIO;  // never from a kernel: do not spin
      on_entry(static_cast<const char*>(entry->d_name));
      pos += entry->d_reclen;
    }
  }
}

int ProcFs::list_numeric(int dir_fd, std::vector<int32_t>& out) {
  return for_each_entry(dir_fd, [&](const char* name) {
    int32_t number = numeric_name(name);
    if (number >= 0) out.push_back(number);
  });
}

int ProcFs::check_readable(int dir_fd, const char* path) {
  // Opening (not faccessat) so the check resolves like read_file does.
  int fd;
  do {
    fd = sys_open(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  ::close(fd);
  return 0;
}

int ProcFs::list_pids(std::vector<int32_t>& out) {
  int err;
  Fd root = open_dir(root_fd(), ".", err);
  if (!root.valid()) return err;
  return list_numeric(root.get(), out);
}

int ProcFs::list_names(int dir_fd, std::vector<std::string>& out) {
  return for_each_entry(dir_fd, [&](const char* name) {
    std::string_view n(name);
    if (n != "." && n != "..") out.emplace_back(n);
  });
}

int ProcFs::inode_of(int dir_fd, const char* path, uint64_t& inode) {
  int fd;
  do {
    fd = sys_open(dir_fd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  Fd guard(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno;
  inode = static_cast<uint64_t>(st.st_ino);
  return 0;
}

Fd ProcFs::open_netns(int dir_fd, const char* path, int& err) {
  // The parent beneath the root (as read_link does), then the last
  // component with plain openat: ns/net is a magic link, which
  // RESOLVE_BENEATH would refuse.
  const char* slash = strrchr(path, '/');
  Fd parent;
  if (slash) {
    std::string dir(path, static_cast<size_t>(slash - path));
    int pfd;
    do {
      pfd = sys_open(dir_fd, dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    } while (pfd < 0 && errno == EINTR);
    if (pfd < 0) {
      err = errno;
      return Fd();
    }
    parent = Fd(pfd);
    dir_fd = pfd;
    path = slash + 1;
  }
  int fd;
  do {
    fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    err = errno;
    return Fd();
  }
  Fd ns(fd);
  if (::ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
    err = EINVAL;  // not a network namespace: a fixture's file, or another kind
    return Fd();
  }
  err = 0;
  return ns;
}

int ProcFs::in_netns(int ns_fd, const std::function<int()>& fn) {
  int result = 0;
  std::exception_ptr failure;
  try {
    std::thread worker([&] {
      // setns(CLONE_NEWNET) changes only this thread's network namespace.
      if (::setns(ns_fd, CLONE_NEWNET) != 0) {
        result = errno;
        return;
      }
      try {
        result = fn();
      } catch (...) {
        failure = std::current_exception();  // rethrown on the caller's thread
      }
    });
    worker.join();
  } catch (const std::system_error& e) {
    return e.code().value() ? e.code().value() : EAGAIN;  // no thread could be started
  }
  if (failure) std::rethrow_exception(failure);
  return result;
}

long ProcFs::read_link(int dir_fd, const char* name, char* buf, size_t size) {
  counters.links_read.fetch_add(1, std::memory_order_relaxed);
  // readlinkat does not follow the last component but would follow the
  // ones before it ("PID/fd/N"): resolve those beneath dir_fd first.
  const char* slash = strrchr(name, '/');
  Fd parent;
  if (slash) {
    std::string dir(name, static_cast<size_t>(slash - name));
    int fd;
    do {
      fd = sys_open(dir_fd, dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return -errno;
    parent = Fd(fd);
    dir_fd = fd;
    name = slash + 1;
  }
  long n;
  do {
    n = sys_readlink(dir_fd, name, buf, size);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : n;
}

namespace {

// True if every directory of `path` (every component but the last) is a
// decimal number, "fd" or "task": procfs's own directories.
bool procfs_own_dirs(const char* path) {
  const char* last = strrchr(path, '/');
  if (!last) return true;
  for (const char* p = path; p < last;) {
    const char* end = strchr(p, '/');
    std::string_view part(p, static_cast<size_t>(end - p));
    bool digits = !part.empty();
    for (char c : part) digits = digits && c >= '0' && c <= '9';
    if (!digits && part != "fd" && part != "task") return false;
    p = end + 1;
  }
  return true;
}

}  // namespace

int ProcFs::stat_link_target(int dir_fd, const char* path, FileStat& out) {
  counters.links_stated.fetch_add(1, std::memory_order_relaxed);
  // Type, mode, links, inode, size: never times or blocks (NFS flushes
  // dirty pages to answer those).
  const unsigned mask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_SIZE;
  long rc;
  if (!procfs_) {
    // An ordinary symlink: resolved, like every path, beneath the root.
    int fd;
    do {
      fd = sys_open(dir_fd, path, O_PATH | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return errno;
    Fd target(fd);
    do {
      rc = sys_statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, mask, out);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? errno : 0;
  }
  // Within a procfs root, a path whose directories are pids and "fd" /
  // "task" (procfs's own directories, never symlinks, magic links or "..")
  // is resolved by statx itself: nothing on the way can leave the root, and
  // no parent descriptor is opened (this runs once per descriptor of a
  // process). Any other path has its directories resolved beneath dir_fd
  // first, as read_link does. Either way the last component, the magic
  // link, is followed on purpose.
  Fd parent;
  const char* name = path;
  if (!procfs_own_dirs(path)) {
    const char* slash = strrchr(path, '/');
    if (slash) {
      std::string dir(path, static_cast<size_t>(slash - path));
      int fd;
      do {
        fd = sys_open(dir_fd, dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      } while (fd < 0 && errno == EINTR);
      if (fd < 0) return errno;
      parent = Fd(fd);
      dir_fd = fd;
      name = slash + 1;
    }
  }
  do {
    rc = sys_statx(dir_fd, name, AT_STATX_DONT_SYNC, mask, out);
  } while (rc < 0 && errno == EINTR);
  return rc < 0 ? errno : 0;
}

std::shared_ptr<ProcFs> default_procfs(const std::string& root) {
  return std::make_shared<ProcFs>(root);
}

std::string describe_errno(const std::string& path, int err) {
  // What openat2(RESOLVE_BENEATH) reports for a path leaving the root.
  if (err == EXDEV) return path + ": leads outside the root (absolute symlink or ..)";
  return path + ": " + strerror(err);
}

}  // namespace proctab
