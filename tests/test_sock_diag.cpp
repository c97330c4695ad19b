// The sock_diag seam (kernel/sock_diag.h) on its own: a real dump of this
// process's listeners, and each fault policy forced through the raw
// operations: EINTR from recv (retried), NLM_F_DUMP_INTR (restarted, then
// EINTR), ENOBUFS (restarted with a bigger buffer, then ENOBUFS), a socket
// refused (EPERM, EPROTONOSUPPORT: returned), a family without a diag
// handler (the kernel's ENOENT: returned). No descriptor outlives a dump.
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "kernel/procfs.h"
#include "kernel/sock_diag.h"
#include "live_sockets.h"

#ifdef PROCTAB_HAVE_LIBMNL

namespace {

std::string listen_request(uint8_t family) {
  inet_diag_req_v2 req{};
  req.sdiag_family = family;
  req.sdiag_protocol = IPPROTO_TCP;
  req.idiag_states = 1u << TCP_LISTEN;
  return std::string(reinterpret_cast<const char*>(&req), sizeof req);
}

// The local ports of the inet_diag replies a dump delivered.
struct Collected {
  std::vector<int> ports;
  int restarts_seen = 0;
  std::function<void(std::string_view)> on_message() {
    return [this](std::string_view m) {
      REQUIRE(m.size() >= NLMSG_LENGTH(sizeof(inet_diag_msg)));
      inet_diag_msg msg;
      memcpy(&msg, m.data() + NLMSG_HDRLEN, sizeof msg);
      ports.push_back(ntohs(msg.id.idiag_sport));
    };
  }
  std::function<void()> on_restart() {
    return [this] {
      ++restarts_seen;
      ports.clear();
    };
  }
  bool has(int port) const { return std::count(ports.begin(), ports.end(), port) == 1; }
};

// The default socket, with faults scripted per recv() call.
struct Scripted : proctab::SockDiag {
  using SockDiag::SockDiag;
  int fail_open = 0;            // errno for open_socket
  int eintr_recvs = 0;          // so many recv() calls fail with EINTR first
  int intr_attempts = 0;        // so many attempts get NLM_F_DUMP_INTR on their first batch
  int enobufs_attempts = 0;     // so many attempts fail with ENOBUFS on their first recv
  std::vector<size_t> buffers;  // the receive buffer of each attempt
  int attempt_no = 0;
  bool first_recv = false;

  int open_socket(size_t receive_buffer) override {
    if (fail_open) {
      errno = fail_open;
      return -1;
    }
    buffers.push_back(receive_buffer);
    ++attempt_no;
    first_recv = true;
    return SockDiag::open_socket(receive_buffer);
  }
  ssize_t recv(void* buf, size_t len) override {
    if (eintr_recvs > 0) {
      --eintr_recvs;
      errno = EINTR;
      return -1;
    }
    const bool first = first_recv;
    first_recv = false;
    if (first && attempt_no <= enobufs_attempts) {
      errno = ENOBUFS;
      return -1;
    }
    ssize_t n = SockDiag::recv(buf, len);
    if (n > 0 && first && attempt_no <= intr_attempts) {
      static_cast<nlmsghdr*>(buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
    }
    return n;
  }
};

// A LISTEN dump of AF_INET through `diag` into `c`: its errno.
int listen_dump(proctab::SockDiag& diag, Collected& c) {
  return diag.dump(SOCK_DIAG_BY_FAMILY, listen_request(AF_INET), c.on_message(), c.on_restart());
}

}  // namespace

TEST_CASE("sock_diag seam: a LISTEN dump of the own namespace has our listener once",
          "[sock_diag]") {
  live::Fd l4 = live::listen_on(live::Family::IPv4);
  live::Fd l6 = live::listen_on(live::Family::IPv6);
  const int port4 = live::local_endpoint(l4.get()).port;
  const int port6 = live::local_endpoint(l6.get()).port;
  proctab::ProcFs fs("/proc");
  const int fds_before = live::count_open_fds();
  auto diag = proctab::default_sock_diag(fs, -1);
  REQUIRE(diag);
  Collected v4, v6;
  REQUIRE(diag->dump(SOCK_DIAG_BY_FAMILY, listen_request(AF_INET), v4.on_message(),
                     v4.on_restart()) == 0);
  REQUIRE(diag->dump(SOCK_DIAG_BY_FAMILY, listen_request(AF_INET6), v6.on_message(),
                     v6.on_restart()) == 0);
  CHECK(v4.has(port4));
  CHECK(!v4.has(port6));
  CHECK(v6.has(port6));
  CHECK(diag->stats.dumps == 2);
  CHECK(diag->stats.restarts == 0);
  CHECK(diag->stats.messages == v4.ports.size() + v6.ports.size());
  diag.reset();
  CHECK(live::count_open_fds() == fds_before);
}

TEST_CASE("sock_diag seam: EINTR from recv is retried, invisibly", "[sock_diag]") {
  live::Fd l = live::listen_on(live::Family::IPv4);
  const int port = live::local_endpoint(l.get()).port;
  proctab::ProcFs fs("/proc");
  Scripted diag(fs, -1);
  diag.eintr_recvs = 3;
  Collected c;
  REQUIRE(listen_dump(diag, c) == 0);
  CHECK(diag.eintr_recvs == 0);
  CHECK(c.has(port));
  CHECK(diag.stats.restarts == 0);
  CHECK(c.restarts_seen == 0);
}

TEST_CASE("sock_diag seam: NLM_F_DUMP_INTR restarts the dump, then gives up with EINTR",
          "[sock_diag]") {
  live::Fd l = live::listen_on(live::Family::IPv4);
  const int port = live::local_endpoint(l.get()).port;
  proctab::ProcFs fs("/proc");
  const int fds_before = live::count_open_fds();
  SECTION("interrupted twice: the third attempt's rows, none of the first two's") {
    Scripted diag(fs, -1);
    diag.intr_attempts = 2;
    Collected c;
    REQUIRE(listen_dump(diag, c) == 0);
    CHECK(diag.stats.restarts == 2);
    CHECK(c.restarts_seen == 2);
    CHECK(c.has(port));
    CHECK(diag.stats.sockets == 3);  // each attempt on a fresh socket
  }
  SECTION("always interrupted: EINTR after kMaxRestarts restarts") {
    Scripted diag(fs, -1);
    diag.intr_attempts = 100;
    Collected c;
    CHECK(listen_dump(diag, c) == EINTR);
    CHECK(diag.stats.restarts == proctab::SockDiag::kMaxRestarts);
  }
  CHECK(live::count_open_fds() == fds_before);
}

TEST_CASE("sock_diag seam: ENOBUFS restarts with a doubled buffer, then gives up", "[sock_diag]") {
  live::Fd l = live::listen_on(live::Family::IPv4);
  const int port = live::local_endpoint(l.get()).port;
  proctab::ProcFs fs("/proc");
  SECTION("once") {
    Scripted diag(fs, -1);
    diag.enobufs_attempts = 1;
    Collected c;
    REQUIRE(listen_dump(diag, c) == 0);
    CHECK(c.has(port));
    REQUIRE(diag.buffers.size() == 2);
    CHECK(diag.buffers[1] == 2 * diag.buffers[0]);
  }
  SECTION("always") {
    Scripted diag(fs, -1);
    diag.enobufs_attempts = 100;
    Collected c;
    CHECK(listen_dump(diag, c) == ENOBUFS);
    CHECK(diag.buffers.size() == proctab::SockDiag::kMaxRestarts + 1);
    CHECK(diag.buffers.back() == proctab::SockDiag::kInitialBuffer << 3);
  }
}

TEST_CASE("sock_diag seam: a refused socket's errno is returned, no retry", "[sock_diag]") {
  proctab::ProcFs fs("/proc");
  for (int err : {EPERM, EACCES, EPROTONOSUPPORT}) {
    Scripted diag(fs, -1);
    diag.fail_open = err;
    Collected c;
    CHECK(listen_dump(diag, c) == err);
    CHECK(diag.stats.restarts == 0);
    CHECK(c.ports.empty());
  }
}

TEST_CASE("sock_diag seam: a family without a diag handler is the kernel's ENOENT", "[sock_diag]") {
  proctab::ProcFs fs("/proc");
  auto diag = proctab::default_sock_diag(fs, -1);
  // AF_DECnet (12): no kernel has a sock_diag handler for it.
  Collected c;
  CHECK(diag->dump(SOCK_DIAG_BY_FAMILY, listen_request(12), c.on_message(), c.on_restart()) ==
        ENOENT);
  // A protocol inet_diag has no handler for (IPPROTO_ESP).
  inet_diag_req_v2 req{};
  req.sdiag_family = AF_INET;
  req.sdiag_protocol = IPPROTO_ESP;
  req.idiag_states = ~0u;
  CHECK(diag->dump(SOCK_DIAG_BY_FAMILY,
                   std::string_view(reinterpret_cast<const char*>(&req), sizeof req),
                   c.on_message(), c.on_restart()) == ENOENT);
}

#endif  // PROCTAB_HAVE_LIBMNL
