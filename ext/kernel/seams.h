// seams.h — every way the extension reaches the kernel, as factories that
// tests replace to count reads or to fail on purpose. The defaults are the
// live machine's. Each row source (the /proc text, sock_diag netlink, BPF
// iterators) has its factory here; a table receives them in TableArgs.
#pragma once

#include "kernel/procfs.h"
#include "kernel/task_file.h"
#include "kernel/sock_diag.h"

namespace proctab {

struct Seams {
  // Opens a procfs root (or an etc / netns directory) for reading.
  ProcFsFactory procfs = default_procfs;
  // The BPF task_file iterator (proc_fd's 'bpf' source).
  TaskFileFactory task_file = default_task_file;
  // Makes the NETLINK_SOCK_DIAG socket of a network namespace (null: this
  // build has no netlink support): proc_tcp, proc_udp, proc_unix.
  SockDiagFactory sock_diag = default_sock_diag;
};

}  // namespace proctab
