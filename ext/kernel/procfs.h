// procfs.h — the only code in proctab that reads files under a procfs root.
//
// Every /proc access of every table goes through a ProcFs: reading a whole
// file, listing the numeric entries of a directory (pids in /proc, fds in
// /proc/PID/fd) and reading a symlink. All paths are relative to the root the
// ProcFs was opened on (/proc by default, or a fixture / host mount given with
// root='...'), and are resolved beneath the root's descriptor (see below).
// The same class reads the few files outside procfs a table needs (passwd
// and group beneath the etc root, etc='...'): a ProcFs is "files beneath a
// root", whatever the root is.
//
// The methods are virtual so tests can inject faults (EACCES, ENOENT, ...)
// and count reads; the counters prove the one-read-per-statement rule. Below
// them, the raw syscalls (sys_open, sys_read, sys_getdents, sys_readlink) are
// virtual too, so tests can make read() return EINTR or data in small pieces
// and check the loops above. Errors are returned as errno values, never
// thrown: whether a failure is skipped (a process that vanished) or reported
// (an unreadable net/tcp) is the caller's policy, not ours.
//
// Staying inside the root: every path is resolved with openat2(RESOLVE_BENEATH
// | RESOLVE_NO_MAGICLINKS), so an absolute symlink, a ".." that climbs out or
// a /proc/PID/fd-style magic link inside the root fails (EXDEV / ELOOP)
// instead of being followed. Relative symlinks that stay inside are followed:
// procfs's own net -> self/net and self -> PID are such links. Only the root
// itself, which the user names, is opened with plain open(). Kernels before
// 5.6 lack openat2; there paths resolve with openat() (documented in README).
//
// A file is read only up to max_file_bytes() (an endless file, e.g. a root
// whose net/tcp links to a device, is EFBIG, not a hang), and opened
// O_NONBLOCK so a FIFO planted in a fixture root cannot block the open.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace proctab {

// How many reads a ProcFs performed. Tests compare these before and after a
// statement; relaxed atomics because a ProcFs can be shared by connections.
struct IoCounters {
  std::atomic<uint64_t> files_read{0};    // read_file calls
  std::atomic<uint64_t> dirs_listed{0};   // list_numeric calls
  std::atomic<uint64_t> links_read{0};    // read_link calls
  std::atomic<uint64_t> links_stated{0};  // stat_link_target calls
};

// What stat_link_target reports of a file: the fields statx fills for the
// mask it asks (type, mode, link count, inode, size) plus the device, which
// statx always fills.
struct FileStat {
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  uint32_t links = 0;
  uint32_t mode = 0;  // S_IFMT type bits and permissions
};

// An open directory descriptor that closes itself.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

class ProcFs {
 public:
  // Opens `root` (a directory). Check ok()/open_error() afterwards: the
  // constructor does not throw so that a factory can report the path.
  explicit ProcFs(std::string root);
  virtual ~ProcFs() = default;

  const std::string& root() const { return root_; }
  bool ok() const { return root_fd_.valid(); }
  int open_error() const { return open_errno_; }
  // The root's own descriptor, for paths relative to the root.
  int root_fd() const { return root_fd_.get(); }

  // Reads the whole of `path` (relative to dir_fd) into `out`, replacing its
  // contents; built on read_chunks. Returns 0 or an errno value.
  int read_file(int dir_fd, const char* path, std::string& out);

  // Reads `path` (relative to dir_fd) to its end, handing each chunk to
  // `sink` as read() returns it, so a parser can consume a large /proc file
  // without buffering it. Returns 0 or an errno value (chunks already handed
  // over stay handed over: callers discard their rows on error).
  virtual int read_chunks(int dir_fd, const char* path,
                          const std::function<void(std::string_view)>& sink);

  // Opens directory `path` relative to dir_fd. Returns an invalid Fd and sets
  // `err` on failure.
  virtual Fd open_dir(int dir_fd, const char* path, int& err);

  // Appends to `out` every entry name of the open directory that is a
  // non-negative decimal number (pids, fds), in directory order.
  // Returns 0 or an errno value.
  virtual int list_numeric(int dir_fd, std::vector<int32_t>& out);

  // 0 if `path` (relative to dir_fd) exists and is readable, else errno.
  virtual int check_readable(int dir_fd, const char* path);

  // Appends the pids under the root (its numeric entries). Lists through a
  // fresh descriptor: the root's own is shared by every cursor, and
  // getdents64 moves a descriptor's offset. Returns 0 or an errno value.
  int list_pids(std::vector<int32_t>& out);

  // readlink of `name` relative to dir_fd into buf. Returns the length, or
  // -errno. A target longer than `size` is truncated to `size` bytes.
  virtual long read_link(int dir_fd, const char* name, char* buf, size_t size);

  // statx of the file the link `path` (relative to dir_fd) names: for
  // <pid>/fd/<N>, <pid>/cwd, <pid>/exe, the open file itself. On a procfs
  // root those are magic links, and this is the one place one is followed,
  // deliberately: it reaches the open file without any path lookup in the
  // file's own filesystem. AT_STATX_DONT_SYNC and a mask without times mean
  // no round trip to an NFS or FUSE server (a hung mount cannot block us;
  // lsof's stat() of the path can). The directories on the way are
  // resolved beneath the root (pid and "fd" directories, procfs's own, by
  // statx itself: no descriptor opened per call). Below a root that is not
  // a procfs (a fixture), the link is an ordinary symlink and is resolved
  // beneath the root like every other path (an absolute target is EXDEV).
  // Returns 0 or an errno value.
  int stat_link_target(int dir_fd, const char* path, FileStat& out);

  // True if the root is a procfs mount (its fd links are magic links).
  bool is_procfs() const { return procfs_; }
  // Appends every entry name of the open directory but "." and "..", in
  // directory order (the names of /run/netns). Returns 0 or an errno value.
  virtual int list_names(int dir_fd, std::vector<std::string>& out);

  // The inode number of `path` (relative to dir_fd, resolved beneath it, the
  // last component not followed if a symlink): what `ip netns identify`
  // compares for a /run/netns entry. Returns 0 or an errno value.
  virtual int inode_of(int dir_fd, const char* path, uint64_t& inode);

  // Opens a network namespace file: "PID/ns/net" (a magic link: its parent
  // is resolved beneath dir_fd, the link itself followed as procfs intends)
  // or a bind mount such as a /run/netns entry. The result is checked to be
  // a network namespace (NS_GET_NSTYPE), so a planted file is refused
  // (EINVAL). Returns an invalid Fd and sets `err` on failure.
  virtual Fd open_netns(int dir_fd, const char* path, int& err);

  // Runs `fn` on a short-lived thread that has joined the network namespace
  // `ns_fd` (setns: needs CAP_SYS_ADMIN over it), and waits for it. A socket
  // the thread creates stays in that namespace; /proc/thread-self/net is
  // that namespace's. Returns fn's result, or the errno of setns / of
  // starting the thread; an exception fn throws is rethrown here. The
  // calling thread's namespace never changes.
  virtual int in_netns(int ns_fd, const std::function<int()>& fn);

  IoCounters counters;

  // Largest file read_chunks / read_file accept; larger is EFBIG. This is
  // what bounds a file that never ends (chunks are not buffered). 1 GiB is
  // a net/tcp of some 7 million sockets (about 150 bytes each).
  size_t max_file_bytes() const { return max_file_bytes_; }

 protected:
  // The raw syscalls, with the kernel's convention: -1 and errno on failure.
  // sys_open resolves `path` beneath dir_fd (see above).
  virtual int sys_open(int dir_fd, const char* path, int flags);
  virtual long sys_read(int fd, char* buf, size_t size);
  virtual long sys_getdents(int fd, char* buf, size_t size);
  virtual long sys_readlink(int dir_fd, const char* name, char* buf, size_t size);
  // statx(2) filling `out`; `flags` as statx's (AT_EMPTY_PATH, ...).
  virtual long sys_statx(int dir_fd, const char* path, int flags, unsigned mask, FileStat& out);

  size_t max_file_bytes_ = size_t{1} << 30;

 private:
  // getdents64 over an open directory: what list_numeric and list_names share.
  template <typename OnEntry>
  int for_each_entry(int dir_fd, OnEntry&& on_entry);

  std::string root_;
  Fd root_fd_;
  int open_errno_ = 0;
  bool procfs_ = false;
};

// Builds the ProcFs a table uses for a root. The extension's entry point uses
// one that returns a plain ProcFs; tests pass one that counts or injects.
using ProcFsFactory = std::function<std::shared_ptr<ProcFs>(const std::string& root)>;
std::shared_ptr<ProcFs> default_procfs(const std::string& root);

// "path: strerror(err)" for error messages.
std::string describe_errno(const std::string& path, int err);

}  // namespace proctab
