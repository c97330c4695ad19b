// sock_diag.cpp — the NETLINK_SOCK_DIAG dump loop (see sock_diag.h).
#include "kernel/sock_diag.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernel/procfs.h"

#ifdef PROCTAB_HAVE_LIBMNL
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#endif

namespace proctab {

SockDiag::~SockDiag() {
  // Not virtual dispatch: a subclass's close_socket has run in its own
  // destructor if it needed to; ours closes what the default opened.
#ifdef PROCTAB_HAVE_LIBMNL
  if (nl_) mnl_socket_close(nl_);
#endif
  nl_ = nullptr;
}

#ifdef PROCTAB_HAVE_LIBMNL

bool sock_diag_built() {
  return true;
}

std::unique_ptr<SockDiag> default_sock_diag(ProcFs& fs, int ns_fd) {
  return std::make_unique<SockDiag>(fs, ns_fd);
}

int SockDiag::open_socket(size_t receive_buffer) {
  int fd = -1;
  auto make = [&] {
    fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    return fd < 0 ? errno : 0;
  };
  // In another namespace the socket must be born there: a helper thread
  // that setns'd makes it, and it keeps that namespace after the thread ends.
  const int err = ns_fd_ >= 0 ? fs_.in_netns(ns_fd_, make) : make();
  if (err) {
    if (fd >= 0) ::close(fd);
    errno = err;
    return -1;
  }
  // A larger SO_RCVBUF lets the kernel queue more of the dump ahead of us;
  // failure to set it is harmless (the default still works, only slower).
  int size = static_cast<int>(receive_buffer);
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  nl_ = mnl_socket_fdopen(fd);
  if (!nl_) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  fd_ = fd;
  return 0;
}

ssize_t SockDiag::send(const void* buf, size_t len) {
  return mnl_socket_sendto(nl_, buf, len);
}

ssize_t SockDiag::recv(void* buf, size_t len) {
  // libmnl reports a reply longer than the buffer (MSG_TRUNC) as ENOSPC.
  return mnl_socket_recvfrom(nl_, buf, len);
}

void SockDiag::close_socket() {
  if (nl_) mnl_socket_close(nl_);  // closes fd_ too
  nl_ = nullptr;
  fd_ = -1;
}

namespace {

// NLMSG_DONE of a dump carries the dump's own error code (a negative int)
// since Linux 4.x; libmnl's default just stops there.
int on_done(const struct nlmsghdr* nlh, void*) {
  if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
    int code;
    memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof code);
    if (code < 0) {
      errno = -code;
      return MNL_CB_ERROR;
    }
  }
  return MNL_CB_STOP;
}

// libmnl runs only the control callbacks given once an array is passed:
// NLMSG_ERROR (the request refused: ENOENT for a family or protocol without
// a diag handler, EINVAL for bytecode the kernel rejects) must be ours too.
int on_error(const struct nlmsghdr* nlh, void*) {
  if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nlmsgerr))) {
    errno = EBADMSG;
    return MNL_CB_ERROR;
  }
  struct nlmsgerr err;
  memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
  if (err.error == 0) return MNL_CB_STOP;  // an acknowledgement
  errno = err.error < 0 ? -err.error : err.error;
  return MNL_CB_ERROR;
}

int on_overrun(const struct nlmsghdr*, void*) {
  errno = ENOBUFS;
  return MNL_CB_ERROR;
}

int on_noop(const struct nlmsghdr*, void*) {
  return MNL_CB_OK;
}

struct Delivery {
  const std::function<void(std::string_view)>* on_message;
  uint64_t* count;
};

int on_data(const struct nlmsghdr* nlh, void* data) {
  auto* d = static_cast<Delivery*>(data);
  ++*d->count;
  (*d->on_message)(std::string_view(reinterpret_cast<const char*>(nlh), nlh->nlmsg_len));
  return MNL_CB_OK;
}

// True if a message of the received bytes says the dump was interrupted
// (the kernel's tables changed under it: some sockets may be missing or
// repeated). Checked before libmnl runs the callbacks, so that none of the
// batch is delivered and the reason is told apart from a signal's EINTR.
bool dump_interrupted(const void* buf, size_t len) {
  int left = static_cast<int>(len);
  for (auto* nlh = static_cast<const struct nlmsghdr*>(buf); mnl_nlmsg_ok(nlh, left);
       nlh = mnl_nlmsg_next(nlh, &left)) {
    if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) return true;
  }
  return false;
}

}  // namespace

int SockDiag::attempt(uint16_t type, std::string_view request, size_t buffer_size, uint32_t seq,
                      const std::function<void(std::string_view)>& on_message, bool& restart) {
  restart = false;
  if (open_socket(buffer_size) != 0) return errno;
  ++stats.sockets;
  struct Closer {
    SockDiag* self;
    ~Closer() { self->close_socket(); }
  } closer{this};

  std::vector<char> buf(std::max(buffer_size, MNL_SOCKET_BUFFER_SIZE + request.size()));
  struct nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  void* payload = mnl_nlmsg_put_extra_header(nlh, request.size());
  memcpy(payload, request.data(), request.size());
  ssize_t sent;
  do {
    sent = send(nlh, nlh->nlmsg_len);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return errno;

  mnl_cb_t ctl[NLMSG_MIN_TYPE] = {};
  ctl[NLMSG_NOOP] = on_noop;
  ctl[NLMSG_ERROR] = on_error;
  ctl[NLMSG_DONE] = on_done;
  ctl[NLMSG_OVERRUN] = on_overrun;
  Delivery delivery{&on_message, &stats.messages};
  for (;;) {
    const ssize_t n = recv(buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;  // a signal: the syscall, not the dump
      const int err = errno;
      restart = err == ENOBUFS || err == ENOSPC;
      return err == ENOSPC ? ENOBUFS : err;
    }
    if (n == 0) return EPROTO;  // the kernel closed a dump it never finished
    if (dump_interrupted(buf.data(), static_cast<size_t>(n))) {
      restart = true;
      return EINTR;
    }
    // portid 0: the kernel's replies carry our port id; sequence checked.
    const int ret = mnl_cb_run2(buf.data(), static_cast<size_t>(n), seq, 0, on_data, &delivery, ctl,
                                NLMSG_MIN_TYPE);
    if (ret == MNL_CB_STOP) return 0;
    if (ret < 0) {
      const int err = errno ? errno : EPROTO;
      restart = err == ENOBUFS;  // NLMSG_OVERRUN: messages were lost
      return err;
    }
  }
}

int SockDiag::dump(uint16_t type, std::string_view request,
                   const std::function<void(std::string_view)>& on_message,
                   const std::function<void()>& on_restart) {
  ++stats.dumps;
  size_t buffer = kInitialBuffer;
  int err = 0;
  for (int attempt_no = 0; attempt_no <= kMaxRestarts; ++attempt_no) {
    if (attempt_no > 0) {
      ++stats.restarts;
      if (on_restart) on_restart();
    }
    bool restart = false;
    err =
        attempt(type, request, buffer, static_cast<uint32_t>(attempt_no + 1), on_message, restart);
    if (!restart) return err;
    if (err == ENOBUFS) buffer *= 2;
  }
  return err;
}

#else  // no libmnl: no netlink source in this build

bool sock_diag_built() {
  return false;
}

std::unique_ptr<SockDiag> default_sock_diag(ProcFs&, int) {
  return nullptr;
}

int SockDiag::open_socket(size_t) {
  errno = EPROTONOSUPPORT;
  return -1;
}
ssize_t SockDiag::send(const void*, size_t) {
  errno = EPROTONOSUPPORT;
  return -1;
}
ssize_t SockDiag::recv(void*, size_t) {
  errno = EPROTONOSUPPORT;
  return -1;
}
void SockDiag::close_socket() {}

int SockDiag::dump(uint16_t, std::string_view, const std::function<void(std::string_view)>&,
                   const std::function<void()>&) {
  ++stats.dumps;
  return EPROTONOSUPPORT;
}

#endif

}  // namespace proctab
