// task_file.cpp — see task_file.h. The libbpf calls live here and nowhere
// else; a build without BPF (cmake/bpf.cmake) compiles only the stub.
#include "kernel/task_file.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <vector>

#ifdef PROCTAB_HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstddef>

#include "kernel/bpf/task_file_record.h"
#include "parse/task_file.h"
#include "task_file.skel.h"  // generated: build/bpf/

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

// libbpf, opened on first use with dlopen rather than linked: the module
// must load (and answer through /proc) on a machine without libbpf1, and
// libelf (libbpf's own dependency) cannot be linked statically into a shared
// object (Debian's libelf.a is not PIC). Only these calls are used; the
// skeleton provides just the embedded object (elf_bytes), so nothing else
// of libbpf is referenced.
struct Libbpf {
  void* handle = nullptr;
  std::string error;  // dlopen's, when handle is null
  decltype(&::libbpf_set_print) set_print = nullptr;
  decltype(&::bpf_object__open_mem) open_mem = nullptr;
  decltype(&::bpf_object__load) load = nullptr;
  decltype(&::bpf_object__close) close = nullptr;
  decltype(&::bpf_object__find_program_by_name) find_program = nullptr;
  decltype(&::bpf_program__attach_iter) attach_iter = nullptr;
  decltype(&::bpf_link__fd) link_fd = nullptr;
  decltype(&::bpf_link__destroy) link_destroy = nullptr;
  decltype(&::bpf_iter_create) iter_create = nullptr;
};

// libbpf prints its diagnostics to stderr by default: an SQLite host's
// stderr is not ours to write to. The error codes are what we report.
int quiet(enum libbpf_print_level, const char*, va_list) {
  return 0;
}

template <typename F>
bool bind(void* handle, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  return out != nullptr;
}

// Opened once per process and kept (as the module itself stays loaded).
const Libbpf& libbpf() {
  static const Libbpf lib = [] {
    Libbpf l;
    void* h = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* e = dlerror();
      l.error = std::string("libbpf is not installed (") + (e ? e : "libbpf.so.1") + ")";
      return l;
    }
    if (!bind(h, "libbpf_set_print", l.set_print) || !bind(h, "bpf_object__open_mem", l.open_mem) ||
        !bind(h, "bpf_object__load", l.load) || !bind(h, "bpf_object__close", l.close) ||
        !bind(h, "bpf_object__find_program_by_name", l.find_program) ||
        !bind(h, "bpf_program__attach_iter", l.attach_iter) ||
        !bind(h, "bpf_link__fd", l.link_fd) || !bind(h, "bpf_link__destroy", l.link_destroy) ||
        !bind(h, "bpf_iter_create", l.iter_create)) {
      l.error = "libbpf.so.1 lacks a function proctab needs (libbpf older than 0.8?)";
      dlclose(h);
      return l;
    }
    l.set_print(quiet);
    l.handle = h;
    return l;
  }();
  return lib;
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
    const Libbpf& lib = libbpf();
    if (!lib.handle) return {ENOSYS, lib.error};
    // CO-RE relocates against the kernel's BTF: without it the load would
    // fail with an obscure libbpf error; say what is missing instead.
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
      return {ENOENT, "the kernel has no BTF (/sys/kernel/btf/vmlinux: " +
                          std::string(strerror(errno)) + ")"};
    }
    // Closed in reverse order whatever happens.
    struct Handles {
      const Libbpf& lib;
      bpf_object* obj = nullptr;
      bpf_link* link = nullptr;
      int iter = -1;
      ~Handles() {
        if (iter >= 0) ::close(iter);
        if (link) lib.link_destroy(link);
        if (obj) lib.close(obj);
      }
    } h{lib};
    size_t size = 0;
    const void* elf = proctab_task_file__elf_bytes(&size);
    LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "proctab_task_file");
    h.obj = lib.open_mem(elf, size, &open_opts);
    if (!h.obj) {
      h.obj = nullptr;
      return failure("opening the BPF object", errno ? errno : EINVAL);
    }
    if (int err = lib.load(h.obj)) return failure("loading the BPF program", err < 0 ? -err : err);
    bpf_program* prog = lib.find_program(h.obj, "proctab_task_file");
    if (!prog) return failure("finding the BPF program", ENOENT);
    union bpf_iter_link_info info;
    memset(&info, 0, sizeof info);
    LIBBPF_OPTS(bpf_iter_attach_opts, opts);
    if (pid > 0) {
      // Kernel 6.1+: the iterator visits only this process.
      info.task.pid = static_cast<uint32_t>(pid);
      opts.link_info = &info;
      opts.link_info_len = sizeof info;
    }
    h.link = lib.attach_iter(prog, &opts);
    if (!h.link) {
      int err = errno;
      // A process that vanished (or never was) has no descriptors.
      if (pid > 0 && (err == ESRCH || err == ENOENT)) return {};
      return failure("attaching the iterator", err ? err : EINVAL);
    }
    h.iter = lib.iter_create(lib.link_fd(h.link));
    if (h.iter < 0) return failure("creating the iterator", -h.iter);
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
  return "proctab was built without BPF (clang, bpftool or libbpf missing at build time)";
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
