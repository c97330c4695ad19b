// sock_diag.h — the seam for every NETLINK_SOCK_DIAG dump (what `ss` reads):
// a request's bytes in, each reply message handed to a callback. Family
// agnostic: inet_diag_req_v2 (proc_tcp, proc_udp) and unix_diag_req
// (proc_unix) go through the same dump loop; parsing the replies is the
// pure parsers' job (parse/inet_diag.h, ...).
//
// Namespaces: a netlink socket answers for the network namespace it was
// created in. For the reader's own namespace the socket is made on the
// calling thread; for another one (ns_fd >= 0) it is made on the short-lived
// thread ProcFs::in_netns starts inside that namespace, and the dump then
// runs from the calling thread (verified: the socket keeps its namespace).
//
// libmnl frames the request, runs the receive loop (sequence checks,
// NLMSG_ERROR / NLMSG_DONE) and validates attributes in the parsers. It is
// optional at build time (PROCTAB_HAVE_LIBMNL): without it
// default_sock_diag returns null and the socket tables answer from /proc
// text only (source='netlink' is then an SQL error).
//
// Policies of dump(), each tested through this seam (tests override the raw
// operations below, as ProcFs's sys_* are):
//   EINTR from recv()              retry the syscall at once
//   NLM_F_DUMP_INTR on a message   the table changed during the dump: discard
//                                  what was delivered (on_restart), restart on
//                                  a fresh socket, at most kMaxRestarts times;
//                                  then EINTR
//   ENOBUFS, or a message longer   restart with a receive buffer (and
//   than the buffer (ENOSPC)       SO_RCVBUF) twice as large, as above; then
//                                  ENOBUFS
//   anything else                  returned as it is: EPERM / EACCES (setns or
//                                  socket refused), EPROTONOSUPPORT (no
//                                  NETLINK_SOCK_DIAG), ENOENT (the kernel has
//                                  no diag handler for the family or
//                                  protocol: inet_diag / udp_diag not loaded),
//                                  EINVAL (a request the kernel refuses)
// What the caller does with a failure (fall back to /proc text, or an SQL
// error) is its policy (tables/inet_diag_source.h), not this file's.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

struct mnl_socket;  // libmnl's, opaque

namespace proctab {

class ProcFs;

// What one dump did: tests and the bench read these through the seam.
struct DumpStats {
  uint64_t dumps = 0;     // dump() calls
  uint64_t messages = 0;  // reply messages handed to the callback (restarts included)
  uint64_t restarts = 0;  // attempts repeated after DUMP_INTR / ENOBUFS / ENOSPC
  uint64_t sockets = 0;   // netlink sockets opened
};

class SockDiag {
 public:
  // `fs` enters other namespaces (its in_netns); `ns_fd` is a descriptor of
  // the namespace to dump, or -1 for the caller's own. Both must outlive
  // the object; nothing is opened until dump().
  SockDiag(ProcFs& fs, int ns_fd) : fs_(fs), ns_fd_(ns_fd) {}
  virtual ~SockDiag();
  SockDiag(const SockDiag&) = delete;
  SockDiag& operator=(const SockDiag&) = delete;

  static constexpr int kMaxRestarts = 3;
  static constexpr size_t kInitialBuffer = 32768;  // the kernel's dump skb size

  // Sends one dump request, netlink message type `type` (SOCK_DIAG_BY_FAMILY)
  // with `request` as its payload (the family's request struct and any
  // attributes, already in wire form), and hands every reply message (its
  // nlmsghdr included, length already checked against what was received)
  // to on_message. on_restart is called before a repeated attempt: the
  // caller drops what the interrupted one delivered. Returns 0 or an errno
  // value (see the policies above).
  int dump(uint16_t type, std::string_view request,
           const std::function<void(std::string_view message)>& on_message,
           const std::function<void()>& on_restart);

  DumpStats stats;

 protected:
  // The raw operations, overridden by tests. The default ones: a
  // NETLINK_SOCK_DIAG socket (made inside ns_fd's namespace when given)
  // wrapped in an mnl_socket; sendto / recvfrom through libmnl. All return
  // -1 with errno set on failure, as the syscalls do.
  virtual int open_socket(size_t receive_buffer);  // 0 or -1
  virtual ssize_t send(const void* buf, size_t len);
  virtual ssize_t recv(void* buf, size_t len);
  virtual void close_socket();

  ProcFs& fs_;
  int ns_fd_;

 private:
  // One attempt: 0, or an errno value; `restart` says whether the policy
  // allows another attempt for it.
  int attempt(uint16_t type, std::string_view request, size_t buffer_size, uint32_t seq,
              const std::function<void(std::string_view)>& on_message, bool& restart);

  ::mnl_socket* nl_ = nullptr;
  int fd_ = -1;
};

// Makes the SockDiag of a namespace (ns_fd -1: the own one); null when the
// build has no netlink support (no libmnl). Tests return subclasses that
// fail on purpose or count.
using SockDiagFactory = std::function<std::unique_ptr<SockDiag>(ProcFs& fs, int ns_fd)>;
std::unique_ptr<SockDiag> default_sock_diag(ProcFs& fs, int ns_fd);

// True when the build has netlink support (libmnl was found).
bool sock_diag_built();

}  // namespace proctab
