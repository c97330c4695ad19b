// live_sockets.h - helpers for the live tests: open real TCP sockets on the
// loopback interface (127.0.0.1, ::1 and the v4-mapped ::ffff:127.0.0.1 only)
// and drive them into given TCP states.
//
// Every descriptor is owned by an RAII `Fd`, and every socket is created with
// SOCK_CLOEXEC so that child processes (popen of ss) never inherit it.
// Failures of system calls throw std::system_error, which Catch2 reports as a
// test failure with the message.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace live {

// Move-only owner of a file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd &operator=(Fd &&o) noexcept;
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    // Close the owned descriptor (if any) and take ownership of `fd`.
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

// Which flavour of loopback socket to open.
enum class Family {
    IPv4,     // AF_INET  on 127.0.0.1
    IPv6,     // AF_INET6 on ::1
    V4Mapped, // AF_INET6 (IPV6_V6ONLY=0) on ::ffff:127.0.0.1
};

const char *family_name(Family f);        // "IPv4", "IPv6", "v4-mapped"
const char *proc_family(Family f);        // proc_tcp.family: "inet" / "inet6"
std::string loopback_address(Family f);   // "127.0.0.1", "::1", "::ffff:127.0.0.1"
std::string wildcard_address(Family f);   // remote address of a listener row: "0.0.0.0" / "::"
std::vector<Family> all_families();

// An address in inet_ntop form plus a port.
struct Endpoint {
    std::string address;
    int port = 0;
    bool operator==(const Endpoint &o) const { return address == o.address && port == o.port; }
    std::string str() const; // "127.0.0.1:80", "[::1]:80"
};

Endpoint local_endpoint(int fd); // getsockname
Endpoint peer_endpoint(int fd);  // getpeername

// Inode number of the socket behind fd (fstat st_ino == N of "socket:[N]").
unsigned long long socket_inode(int fd);

// TCP state of a socket as the kernel reports it via getsockopt(TCP_INFO)
// (independent of /proc). Values are the kernel's TCP_* numbers (1..12).
int tcp_info_state(int fd);

// A socket of the family, bound to its loopback address on port 0
// (kernel-chosen) and listening with `backlog`. `defer_accept_secs` > 0 sets
// TCP_DEFER_ACCEPT, which keeps handshakes without data as SYN_RECV request
// socks.
Fd listen_on(Family f, int backlog = 16, int defer_accept_secs = 0);

// A client socket of the family connected to `to`. If `nonblocking`, the
// connect may still be in progress on return (EINPROGRESS is accepted).
Fd connect_to(Family f, const Endpoint &to, bool nonblocking = false);

// Accept one connection from `listener`, waiting at most `timeout`.
Fd accept_one(int listener, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// An ESTABLISHED client/server pair through its own listener.
struct Conn {
    Fd listener;
    Fd client;
    Fd server; // the accepted end
    Endpoint listen_ep, client_ep, server_ep;
};
Conn establish(Family f);

// shutdown(fd, SHUT_WR): send FIN but keep the descriptor (-> FIN_WAIT2).
void shutdown_write(int fd);

// Wait (bounded) until reading fd returns EOF (peer's FIN has arrived).
// Returns false on timeout. Discards any data read.
bool wait_for_eof(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A SYN_SENT socket: a client whose SYN the kernel drops because the
// listener's accept queue is full. Holds everything it needs open.
struct SynSent {
    Fd listener;            // listen backlog 1, never accepted from
    std::vector<Fd> filler; // connections that filled the accept queue
    Fd client;              // in SYN_SENT (verified with TCP_INFO)
    Endpoint listen_ep, client_ep;
};
SynSent make_syn_sent(Family f);

// A SYN_RECV request sock: the listener has TCP_DEFER_ACCEPT, so the bare
// final ACK of the handshake is dropped and the server side stays a request
// sock while the client is ESTABLISHED.
struct SynRecv {
    Fd listener;
    Fd client;
    Endpoint listen_ep, client_ep;
};
SynRecv make_syn_recv(Family f);

// Filesystem uid of the calling thread (getfsuid via setfsuid(-1)).
uid_t current_fsuid();

// setfsuid(uid); returns true if the thread's fsuid is now `uid`.
bool set_fsuid(uid_t uid);

// Run `fn` with the thread's filesystem uid set to `uid`, so that sockets
// created inside are owned by `uid` (sock inode i_uid = fsuid). Needs
// CAP_SETUID (root); returns false without calling fn if the switch did not
// take. The previous fsuid is restored even if fn throws.
template <class F> bool with_fsuid(uid_t uid, F &&fn) {
    const uid_t saved = current_fsuid();
    if (!set_fsuid(uid)) {
        set_fsuid(saved);
        return false;
    }
    struct Restore {
        uid_t s;
        ~Restore() { set_fsuid(s); }
    } restore{saved};
    fn();
    return true;
}

// Number of open descriptors of this process (entries of /proc/self/fd,
// not counting the directory handle used to list them).
int count_open_fds();

// Run a shell command, return its stdout. Throws if popen fails.
std::string run_command(const std::string &cmd, int *exit_status = nullptr);

// True if an executable named `name` is found on PATH.
bool have_program(const std::string &name);

} // namespace live
