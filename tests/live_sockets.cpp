// live_sockets.cpp - see live_sockets.h.
#include "live_sockets.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace live {

namespace {

[[noreturn]] void throw_errno(const std::string &what) {
    throw std::system_error(errno, std::generic_category(), what);
}

int domain_of(Family f) { return f == Family::IPv4 ? AF_INET : AF_INET6; }

// Build a sockaddr for `address`:`port` in the family's domain.
socklen_t make_sockaddr(Family f, const std::string &address, int port, sockaddr_storage &ss) {
    std::memset(&ss, 0, sizeof ss);
    if (domain_of(f) == AF_INET) {
        auto *sin = reinterpret_cast<sockaddr_in *>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(static_cast<uint16_t>(port));
        if (inet_pton(AF_INET, address.c_str(), &sin->sin_addr) != 1)
            throw std::invalid_argument("bad IPv4 address: " + address);
        return sizeof *sin;
    }
    auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, address.c_str(), &sin6->sin6_addr) != 1)
        throw std::invalid_argument("bad IPv6 address: " + address);
    return sizeof *sin6;
}

Endpoint endpoint_of(const sockaddr_storage &ss) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        auto *sin = reinterpret_cast<const sockaddr_in *>(&ss);
        if (!inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf)) throw_errno("inet_ntop");
        return {buf, ntohs(sin->sin_port)};
    }
    if (ss.ss_family == AF_INET6) {
        auto *sin6 = reinterpret_cast<const sockaddr_in6 *>(&ss);
        if (!inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf)) throw_errno("inet_ntop");
        return {buf, ntohs(sin6->sin6_port)};
    }
    throw std::runtime_error("unexpected address family " + std::to_string(ss.ss_family));
}

Fd new_socket(Family f, bool nonblocking) {
    int type = SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
    Fd s(::socket(domain_of(f), type, IPPROTO_TCP));
    if (!s) throw_errno("socket");
    if (f != Family::IPv4) {
        // ::1 sockets are v6-only; v4-mapped ones must accept v4 traffic.
        int v6only = (f == Family::IPv6) ? 1 : 0;
        if (::setsockopt(s.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0)
            throw_errno("setsockopt(IPV6_V6ONLY)");
    }
    return s;
}

tcp_info get_tcp_info(int fd) {
    tcp_info ti{};
    socklen_t len = sizeof ti;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) throw_errno("getsockopt(TCP_INFO)");
    return ti;
}

using Clock = std::chrono::steady_clock;

// Poll `pred` every few ms until true or `timeout` passes.
template <class P> bool poll_until(P pred, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (pred()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

// For a LISTEN socket TCP_INFO reports the accept queue: tcpi_unacked is the
// current length (sk_ack_backlog), tcpi_sacked the limit (sk_max_ack_backlog).
unsigned accept_queue_len(int listener) { return get_tcp_info(listener).tcpi_unacked; }
unsigned accept_queue_max(int listener) { return get_tcp_info(listener).tcpi_sacked; }

} // namespace

Fd &Fd::operator=(Fd &&o) noexcept {
    if (this != &o) {
        reset(o.fd_);
        o.fd_ = -1;
    }
    return *this;
}

void Fd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

const char *family_name(Family f) {
    switch (f) {
    case Family::IPv4: return "IPv4";
    case Family::IPv6: return "IPv6";
    case Family::V4Mapped: return "v4-mapped";
    }
    return "?";
}

const char *proc_family(Family f) { return f == Family::IPv4 ? "inet" : "inet6"; }

std::string loopback_address(Family f) {
    switch (f) {
    case Family::IPv4: return "127.0.0.1";
    case Family::IPv6: return "::1";
    case Family::V4Mapped: return "::ffff:127.0.0.1";
    }
    return {};
}

std::string wildcard_address(Family f) { return f == Family::IPv4 ? "0.0.0.0" : "::"; }

std::vector<Family> all_families() { return {Family::IPv4, Family::IPv6, Family::V4Mapped}; }

std::string Endpoint::str() const {
    if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
    return address + ":" + std::to_string(port);
}

Endpoint local_endpoint(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) throw_errno("getsockname");
    return endpoint_of(ss);
}

Endpoint peer_endpoint(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) throw_errno("getpeername");
    return endpoint_of(ss);
}

unsigned long long socket_inode(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_errno("fstat");
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error("fd " + std::to_string(fd) + " is not a socket");
    return static_cast<unsigned long long>(st.st_ino);
}

int tcp_info_state(int fd) { return get_tcp_info(fd).tcpi_state; }

Fd listen_on(Family f, int backlog, int defer_accept_secs) {
    Fd s = new_socket(f, false);
    if (defer_accept_secs > 0 &&
        ::setsockopt(s.get(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_accept_secs, sizeof defer_accept_secs) != 0)
        throw_errno("setsockopt(TCP_DEFER_ACCEPT)");
    sockaddr_storage ss{};
    socklen_t len = make_sockaddr(f, loopback_address(f), 0, ss);
    if (::bind(s.get(), reinterpret_cast<sockaddr *>(&ss), len) != 0)
        throw_errno("bind " + loopback_address(f) + " port 0");
    if (::listen(s.get(), backlog) != 0) throw_errno("listen");
    return s;
}

Fd connect_to(Family f, const Endpoint &to, bool nonblocking) {
    Fd s = new_socket(f, nonblocking);
    sockaddr_storage ss{};
    socklen_t len = make_sockaddr(f, to.address, to.port, ss);
    if (::connect(s.get(), reinterpret_cast<sockaddr *>(&ss), len) != 0) {
        if (!(nonblocking && errno == EINPROGRESS)) throw_errno("connect to " + to.str());
    }
    return s;
}

Fd accept_one(int listener, std::chrono::milliseconds timeout) {
    pollfd p{listener, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0) throw_errno("poll(listener)");
    if (r == 0) throw std::runtime_error("accept: no connection within timeout");
    Fd s(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    if (!s) throw_errno("accept4");
    return s;
}

Conn establish(Family f) {
    Conn c;
    c.listener = listen_on(f);
    c.listen_ep = local_endpoint(c.listener.get());
    c.client = connect_to(f, c.listen_ep);
    c.server = accept_one(c.listener.get());
    c.client_ep = local_endpoint(c.client.get());
    c.server_ep = local_endpoint(c.server.get());
    if (!(peer_endpoint(c.server.get()) == c.client_ep))
        throw std::runtime_error("accepted a connection that is not ours: " + peer_endpoint(c.server.get()).str());
    return c;
}

void shutdown_write(int fd) {
    if (::shutdown(fd, SHUT_WR) != 0) throw_errno("shutdown(SHUT_WR)");
}

bool wait_for_eof(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buf[256];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (r == 0) return false;
        ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) return true;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) throw_errno("recv");
    }
}

SynSent make_syn_sent(Family f) {
    SynSent s;
    s.listener = listen_on(f, /*backlog=*/1);
    s.listen_ep = local_endpoint(s.listener.get());
    const unsigned max = accept_queue_max(s.listener.get());
    // Fill the accept queue with completed (never accepted) connections until
    // the kernel considers it full (sk_ack_backlog > sk_max_ack_backlog);
    // from then on it drops incoming SYNs, so the next client stays SYN_SENT.
    for (int i = 0; accept_queue_len(s.listener.get()) <= max; ++i) {
        if (i > 8) throw std::runtime_error("accept queue did not fill up");
        s.filler.push_back(connect_to(f, s.listen_ep));
        const unsigned want = static_cast<unsigned>(s.filler.size());
        if (!poll_until([&] { return accept_queue_len(s.listener.get()) >= want; }, std::chrono::seconds(5)))
            throw std::runtime_error("filler connection never reached the accept queue");
    }
    s.client = connect_to(f, s.listen_ep, /*nonblocking=*/true);
    s.client_ep = local_endpoint(s.client.get());
    if (tcp_info_state(s.client.get()) != TCP_SYN_SENT)
        throw std::runtime_error("client is not in SYN_SENT (TCP_INFO state " +
                                 std::to_string(tcp_info_state(s.client.get())) + ")");
    return s;
}

SynRecv make_syn_recv(Family f) {
    SynRecv s;
    // The kernel turns the seconds into SYN-ACK retransmissions (1+2+4+...)
    // and only accepts a bare ACK after that many, so 600 s keeps the
    // request sock for ~9 minutes even on a heavily loaded machine.
    s.listener = listen_on(f, 16, /*defer_accept_secs=*/600);
    s.listen_ep = local_endpoint(s.listener.get());
    s.client = connect_to(f, s.listen_ep); // returns once the SYN-ACK arrived
    s.client_ep = local_endpoint(s.client.get());
    return s;
}

uid_t current_fsuid() {
    // setfsuid(-1) fails (invalid uid) and returns the current fsuid.
    return static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1)));
}

bool set_fsuid(uid_t uid) {
    ::setfsuid(uid);
    return current_fsuid() == uid;
}

int count_open_fds() {
    DIR *d = ::opendir("/proc/self/fd");
    if (!d) throw_errno("opendir /proc/self/fd");
    const int self = ::dirfd(d);
    int n = 0;
    while (dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.') continue;
        if (std::atoi(e->d_name) == self) continue;
        ++n;
    }
    ::closedir(d);
    return n;
}

std::string run_command(const std::string &cmd, int *exit_status) {
    FILE *p = ::popen(cmd.c_str(), "r");
    if (!p) throw_errno("popen " + cmd);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int st = ::pclose(p);
    if (exit_status) *exit_status = (st >= 0 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
    return out;
}

bool have_program(const std::string &name) {
    int st = -1;
    run_command("command -v '" + name + "' >/dev/null 2>&1", &st);
    return st == 0;
}

} // namespace live
