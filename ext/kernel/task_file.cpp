// task_file.cpp — see task_file.h. The bpf() calls live here and in
// bpf/task_file_loader.c, nowhere else; a build without BPF
// (cmake/bpf.cmake) compiles only the stub.
#include "kernel/task_file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <vector>

#ifdef PROCTAB_HAVE_BPF
#include <linux/bpf.h>
#include <sys/syscall.h>

#include <cstddef>

#include "kernel/bpf/task_file_loader.h"
#include "kernel/bpf/task_file_record.h"
#include "parse/task_file.h"

// The decoder (parse/task_file.cpp) reads the record at these offsets.
static_assert(sizeof(proctab_task_file_record) == proctab::kTaskFileRecordSize);
static_assert(PROCTAB_TF_RECORD_SIZE == proctab::kTaskFileRecordSize);
static_assert(PROCTAB_TF_VERSION == proctab::kTaskFileVersion);
static_assert(offsetof(proctab_task_file_record, fd) == 4);
static_assert(offsetof(proctab_task_file_record, ino) == 8);
static_assert(offsetof(proctab_task_file_record, pos) == 16);
static_assert(offsetof(proctab_task_file_record, flags) == 24);
static_assert(offsetof(proctab_task_file_record, mnt_id) == 28);
static_assert(offsetof(proctab_task_file_record, magic) == 32);
static_assert(offsetof(proctab_task_file_record, mode) == 36);
static_assert(offsetof(proctab_task_file_record, kind) == 38);
static_assert(offsetof(proctab_task_file_record, version) == 39);
#endif

namespace proctab {

namespace {

#ifdef PROCTAB_HAVE_BPF

long sys_bpf(int cmd, union bpf_attr* attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof *attr);
}

// The sentence of an SQL error for a failed load or attach.
TaskFileError failure(const char* step, int err) {
  std::string why = std::string(step) + ": " + strerror(err);
  if (err == EPERM || err == EACCES) {
    why += " (needs root, or CAP_BPF and CAP_PERFMON)";
  }
  return {err, why};
}

class BpfTaskFile final : public TaskFileIterator {
 public:
  TaskFileError run(int32_t pid, const std::function<void(std::string_view)>& bytes) override {
    // The kernel's CO-RE needs its BTF: say so rather than "invalid argument".
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
      return {ENOENT, "the kernel has no BTF (/sys/kernel/btf/vmlinux: " +
                          std::string(strerror(errno)) + ")"};
    }
    // Closed in reverse order whatever happens: nothing outlives run().
    struct Handles {
      proctab_task_file* skel = nullptr;
      int link = -1;
      int iter = -1;
      ~Handles() {
        if (iter >= 0) close(iter);
        if (link >= 0) close(link);
        if (skel) proctab_task_file_destroy(skel);
      }
    } h;
    if (int err = proctab_task_file_load(&h.skel)) return failure("loading the BPF program", -err);
    union bpf_iter_link_info info;
    memset(&info, 0, sizeof info);
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.link_create.prog_fd = static_cast<uint32_t>(proctab_task_file_prog_fd(h.skel));
    attr.link_create.attach_type = BPF_TRACE_ITER;
    if (pid > 0) {
      // Kernel 6.1+: the iterator visits only this process.
      info.task.pid = static_cast<uint32_t>(pid);
      attr.link_create.iter_info = reinterpret_cast<uint64_t>(&info);
      attr.link_create.iter_info_len = sizeof info;
    }
    h.link = static_cast<int>(sys_bpf(BPF_LINK_CREATE, &attr));
    if (h.link < 0) {
      int err = errno;
      // A process that vanished (or never was) has no descriptors.
      if (pid > 0 && (err == ESRCH || err == ENOENT)) return {};
      return failure("attaching the iterator", err);
    }
    memset(&attr, 0, sizeof attr);
    attr.iter_create.link_fd = static_cast<uint32_t>(h.link);
    h.iter = static_cast<int>(sys_bpf(BPF_ITER_CREATE, &attr));
    if (h.iter < 0) return failure("creating the iterator", errno);
    std::vector<char> buf(64 * 1024);  // the heap: a host thread may have a small stack
    for (;;) {
      ssize_t n = read(h.iter, buf.data(), buf.size());
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        return failure("reading the iterator", errno);
      }
      bytes(std::string_view(buf.data(), static_cast<size_t>(n)));
    }
    return {};
  }
};

#else

class NoTaskFile final : public TaskFileIterator {
 public:
  TaskFileError run(int32_t, const std::function<void(std::string_view)>&) override {
    return {ENOSYS, task_file_unavailable_reason()};
  }
};

#endif

}  // namespace

const char* task_file_unavailable_reason() {
#ifdef PROCTAB_HAVE_BPF
  return "";
#else
  return "proctab was built without BPF (clang, bpftool or libbpf-dev missing at build time)";
#endif
}

std::unique_ptr<TaskFileIterator> default_task_file() {
#ifdef PROCTAB_HAVE_BPF
  return std::make_unique<BpfTaskFile>();
#else
  return std::make_unique<NoTaskFile>();
#endif
}

}  // namespace proctab
