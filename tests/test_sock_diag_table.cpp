// proc_tcp and proc_udp served by sock_diag, checked against independent
// oracles: the /proc text source (source='proc') row for row on the columns
// both fill, `ss -tinHeO` / `ss -uampHeO` for the new columns, and the seam's
// own counters for what the kernel filtered. Live sockets the test creates in
// every state it can produce (LISTEN, ESTABLISHED, SYN_SENT, SYN_RECV,
// FIN_WAIT2, CLOSE_WAIT, TIME_WAIT and the FIN_WAIT2 timewait sock), IPv4,
// IPv6 and v4-mapped, UDP bound and connected, and sockets in namespaces of
// its own. Every fault policy through the seam. (LAST_ACK lasts one loopback
// round trip: not producible here.)
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "kernel/sock_diag.h"
#include "live_sockets.h"
#include "parse/inet_diag.h"
#include "test_support.h"

#ifdef PROCTAB_HAVE_LIBMNL

using testing::Db;
using testing::Rows;

namespace {

// Totals of every SockDiag a factory made, and the faults each one plays.
struct DiagLog {
  uint64_t dumps = 0, messages = 0, restarts = 0, sockets = 0;
  std::vector<std::string> requests;  // payload of each dump request sent
  int fail_open = 0;                  // errno for every open_socket
  bool always_intr = false;           // NLM_F_DUMP_INTR on every attempt
  bool always_enobufs = false;        // ENOBUFS on every attempt
  bool unknown_family = false;        // the request rewritten to AF_DECnet: the kernel's ENOENT
  int eintr_recvs = 0;                // recv() fails with EINTR this often first
};

class LoggedDiag : public proctab::SockDiag {
 public:
  LoggedDiag(proctab::ProcFs& fs, int ns_fd, std::shared_ptr<DiagLog> log)
      : SockDiag(fs, ns_fd), log_(std::move(log)) {}
  ~LoggedDiag() override {
    log_->dumps += stats.dumps;
    log_->messages += stats.messages;
    log_->restarts += stats.restarts;
    log_->sockets += stats.sockets;
  }

 protected:
  int open_socket(size_t buffer) override {
    if (log_->fail_open) {
      errno = log_->fail_open;
      return -1;
    }
    first_ = true;
    return SockDiag::open_socket(buffer);
  }
  ssize_t send(const void* buf, size_t len) override {
    std::string bytes(static_cast<const char*>(buf), len);
    log_->requests.push_back(bytes.substr(NLMSG_HDRLEN));
    if (log_->unknown_family) {
      // A SOCK_DIAG_BY_FAMILY request for AF_DECnet, which no kernel has a
      // handler for (both request structs begin with the family byte).
      bytes[NLMSG_HDRLEN] = 12;
      const uint16_t type = SOCK_DIAG_BY_FAMILY;
      memcpy(&bytes[4], &type, sizeof type);
    }
    return SockDiag::send(bytes.data(), bytes.size());
  }
  ssize_t recv(void* buf, size_t len) override {
    if (log_->eintr_recvs > 0) {
      --log_->eintr_recvs;
      errno = EINTR;
      return -1;
    }
    const bool first = first_;
    first_ = false;
    if (first && log_->always_enobufs) {
      errno = ENOBUFS;
      return -1;
    }
    const ssize_t n = SockDiag::recv(buf, len);
    if (n > 0 && first && log_->always_intr) {
      static_cast<nlmsghdr*>(buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
    }
    return n;
  }

 private:
  std::shared_ptr<DiagLog> log_;
  bool first_ = false;
};

proctab::Seams logged(const std::shared_ptr<DiagLog>& log) {
  proctab::Seams seams;
  seams.sock_diag = [log](proctab::ProcFs& fs, int ns_fd) {
    return std::make_unique<LoggedDiag>(fs, ns_fd, log);
  };
  return seams;
}

std::string join(const std::vector<int>& ports) {
  std::string s;
  for (int p : ports) s += (s.empty() ? "" : ",") + std::to_string(p);
  return s;
}

// The common columns of both sources (uid: see README, request socks).
constexpr const char* kCommon =
    "family, local_address, local_port, remote_address, remote_port, st, state, tx_queue, "
    "rx_queue, uid, inode, netns, netns_name, kind, timer, retransmits, probes, snd_cwnd, "
    "ssthresh";

// Rows of both sources for the sockets on `ports`, until two reads in a row
// agree (states and timers move between two dumps; three tries).
std::pair<Rows, Rows> both_sources(Db& db, const std::string& table, const std::string& where) {
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp." + table + "_text USING " + table +
          "(source='proc')");
  const std::string order = " ORDER BY 1, 2, 3, 4, 5, 7";
  std::string cols = table == "proc_tcp" ? kCommon
                                         : "family, local_address, local_port, remote_address, "
                                           "remote_port, st, state, tx_queue, rx_queue, uid, "
                                           "inode, netns, drops";
  Rows a, b;
  for (int attempt = 0; attempt < 3; ++attempt) {
    a = db.query("SELECT " + cols + " FROM " + table + " WHERE " + where + order);
    b = db.query("SELECT " + cols + " FROM " + table + "_text WHERE " + where + order);
    if (a == b) break;
  }
  return {a, b};
}

// One line of `ss ... -e` output for inode `ino`, or "".
std::string ss_line(const std::string& args, unsigned long long ino) {
  std::istringstream out(live::run_command("ss " + args + " 2>/dev/null"));
  const std::string key = "ino:" + std::to_string(ino) + " ";
  for (std::string line; std::getline(out, line);) {
    if (line.find(key) != std::string::npos) return line;
  }
  return "";
}

// The value after "name:" in an ss line ("" if absent).
std::string ss_field(const std::string& line, const std::string& name) {
  const std::string key = " " + name + ":";
  size_t at = line.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  size_t end = line.find_first_of(" ,)", at);
  return line.substr(at, end - at);
}

void write_all(int fd, size_t bytes) {
  std::string data(bytes, 'x');
  size_t done = 0;
  while (done < bytes) {
    ssize_t n = ::send(fd, data.data() + done, bytes - done, 0);
    REQUIRE(n > 0);
    done += static_cast<size_t>(n);
  }
}

void read_exactly(int fd, size_t bytes) {
  std::string buf(65536, '\0');
  size_t done = 0;
  while (done < bytes) {
    ssize_t n = ::recv(fd, buf.data(), std::min(buf.size(), bytes - done), 0);
    REQUIRE(n > 0);
    done += static_cast<size_t>(n);
  }
}

bool have_ip_netns() {
  return geteuid() == 0 && system("ip netns list >/dev/null 2>&1") == 0;
}

class ScopedNetns {
 public:
  explicit ScopedNetns(const std::string& tag)
      : name_("proctab-diag-" + tag + "-" + std::to_string(getpid())) {
    system(("ip netns del " + name_ + " 2>/dev/null").c_str());
    ok_ = system(("ip netns add " + name_).c_str()) == 0 &&
          system(("ip -n " + name_ + " link set lo up").c_str()) == 0;
  }
  ~ScopedNetns() { system(("ip netns del " + name_ + " 2>/dev/null").c_str()); }
  bool ok() const { return ok_; }
  std::string path() const { return "/run/netns/" + name_; }
  std::string inode() const {
    struct stat st;
    return stat(path().c_str(), &st) == 0 ? std::to_string(st.st_ino) : "?";
  }

 private:
  std::string name_;
  bool ok_ = false;
};

// A listener on 127.0.0.1:port and a connection to it, in the calling
// thread's namespace.
bool make_sockets(int port, std::vector<live::Fd>& fds) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  live::Fd l(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  live::Fd c(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (bind(l.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(l.get(), 4) != 0 ||
      connect(c.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return false;
  }
  live::Fd s(accept4(l.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!s) return false;
  fds.push_back(std::move(l));
  fds.push_back(std::move(c));
  fds.push_back(std::move(s));
  return true;
}

bool enter(const std::string& path) {
  int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns < 0) return false;
  const bool entered = setns(ns, CLONE_NEWNET) == 0;
  close(ns);
  return entered;
}

// Those sockets made by a thread inside the namespace; they stay there, held
// by this process, which is not *in* the namespace: it is reachable by its
// name only.
struct NamespaceSockets {
  std::vector<live::Fd> fds;
  bool ok = false;
  NamespaceSockets(const std::string& path, int port) {
    std::thread([&] { ok = enter(path) && make_sockets(port, fds); }).join();
  }
};

// A child process inside the namespace (its ns/net is the namespace) holding
// those sockets until destroyed (killed and reaped: a socket holder we
// started).
class NamespaceChild {
 public:
  NamespaceChild(const std::string& path, int port) {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      alarm(60);
      std::vector<live::Fd> fds;
      char ok = enter(path) && make_sockets(port, fds) ? 'y' : 'n';
      if (write(ready[1], &ok, 1) != 1) _exit(1);
      pause();
      _exit(0);
    }
    close(ready[1]);
    char ok = 'n';
    ready_ = pid_ > 0 && read(ready[0], &ok, 1) == 1 && ok == 'y';
    close(ready[0]);
  }
  ~NamespaceChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status;
      waitpid(pid_, &status, 0);
    }
  }
  bool ready() const { return ready_; }

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
};

// A ProcFs that may not enter namespaces (setns refused: EPERM).
class NoSetns : public proctab::ProcFs {
 public:
  using ProcFs::ProcFs;
  int in_netns(int, const std::function<int()>&) override { return EPERM; }
};

}  // namespace

TEST_CASE("sock_diag: both sources give the same rows for sockets in every state",
          "[sock_diag][live]") {
  const int fds_before = testing::count_open_fds();
  {
    std::vector<int> ports;
    std::vector<live::Conn> conns;
    std::vector<live::SynSent> syn_sent;
    std::vector<live::SynRecv> syn_recv;
    std::vector<live::Fd> udp;
    for (live::Family f : live::all_families()) {
      conns.push_back(live::establish(f));   // LISTEN + 2 x ESTABLISHED
      live::Conn half = live::establish(f);  // FIN_WAIT2 (full socket) / CLOSE_WAIT
      live::shutdown_write(half.client.get());
      REQUIRE(live::wait_for_eof(half.server.get()));
      conns.push_back(std::move(half));
      live::Conn closed = live::establish(f);  // FIN_WAIT2 timewait sock / CLOSE_WAIT
      closed.server.reset();
      REQUIRE(live::wait_for_eof(closed.client.get()));
      conns.push_back(std::move(closed));
      live::Conn tw = live::establish(f);  // TIME_WAIT
      tw.client.reset();
      REQUIRE(live::wait_for_eof(tw.server.get()));
      tw.server.reset();
      conns.push_back(std::move(tw));
      syn_sent.push_back(live::make_syn_sent(f));
      syn_recv.push_back(live::make_syn_recv(f));
    }
    for (auto& c : conns) ports.push_back(c.listen_ep.port);
    for (auto& s : syn_sent) ports.push_back(s.listen_ep.port);
    for (auto& s : syn_recv) ports.push_back(s.listen_ep.port);
    usleep(100 * 1000);  // let the FINs and ACKs settle

    Db db;
    const std::string in = join(ports);
    auto [netlink, text] =
        both_sources(db, "proc_tcp", "local_port IN (" + in + ") OR remote_port IN (" + in + ")");
    CHECK(netlink == text);
    std::set<std::string> states;
    for (const auto& r : netlink) states.insert(r[6]);
    CHECK(states == std::set<std::string>{"CLOSE_WAIT", "ESTABLISHED", "FIN_WAIT2", "LISTEN",
                                          "SYN_RECV", "SYN_SENT", "TIME_WAIT"});
    CHECK(netlink.size() >= 40);
    // Every row of the default table came from netlink, of the other from text.
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_tcp WHERE local_port IN (" +
                    in + ")") == "netlink");
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_tcp_text WHERE local_port "
                    "IN (" +
                    in + ")") == "proc");
    // The timing columns agree within /proc's 10 ms steps (USER_HZ) plus
    // the time between the two reads.
    Rows timing = db.query(
        "SELECT n.rto_ms - t.rto_ms, n.ato_ms - t.ato_ms FROM proc_tcp n JOIN proc_tcp_text t "
        "USING (inode) WHERE n.inode != 0 AND n.local_port IN (" +
        in + ") AND n.state = 'ESTABLISHED'");
    CHECK(timing.size() >= 3);  // the accepted ends (local port = a listener's)
    for (const auto& r : timing) {
      CHECK(std::abs(std::stoll(r[0])) <= 10);
      CHECK(std::abs(std::stoll(r[1])) <= 10);
    }
    // The two reads are apart by up to the statement's own duration (long on
    // a machine holding many sockets, or a busy one): that is the bound.
    const auto before = std::chrono::steady_clock::now();
    Rows expiry = db.query(
        "SELECT n.timer_expires_ms - t.timer_expires_ms FROM proc_tcp n JOIN proc_tcp_text t "
        "USING (local_address, local_port, remote_address, remote_port) WHERE n.state = "
        "'TIME_WAIT' AND n.remote_port IN (" +
        in + ")");
    const long long took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - before)
                                  .count();
    CHECK(!expiry.empty());
    for (const auto& r : expiry) CHECK(std::abs(std::stoll(r[0])) <= 20 + took_ms);

    // UDP: bound and connected, every family.
    std::vector<int> uports;
    for (live::Family f : live::all_families()) {
      const int domain = f == live::Family::IPv4 ? AF_INET : AF_INET6;
      live::Fd a(socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, 0));
      live::Fd b(socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, 0));
      int off = 0;
      if (f == live::Family::V4Mapped) {
        setsockopt(a.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        setsockopt(b.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
      }
      sockaddr_storage ss{};
      socklen_t len;
      if (domain == AF_INET) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *sin;
      } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, f == live::Family::IPv6 ? "::1" : "::ffff:127.0.0.1", &sin6->sin6_addr);
        len = sizeof *sin6;
      }
      REQUIRE(bind(a.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0);
      REQUIRE(getsockname(a.get(), reinterpret_cast<sockaddr*>(&ss), &len) == 0);
      REQUIRE(connect(b.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0);
      uports.push_back(live::local_endpoint(a.get()).port);
      uports.push_back(live::local_endpoint(b.get()).port);
      udp.push_back(std::move(a));
      udp.push_back(std::move(b));
    }
    const std::string uin = join(uports);
    auto [unl, utext] = both_sources(db, "proc_udp", "local_port IN (" + uin + ")");
    CHECK(unl == utext);
    CHECK(unl.size() == 6);
    CHECK(db.scalar("SELECT group_concat(DISTINCT state) FROM (SELECT state FROM proc_udp WHERE "
                    "local_port IN (" +
                    uin + ") ORDER BY 1)") == "CLOSE,ESTABLISHED");
  }
  CHECK(testing::count_open_fds() == fds_before);
}

TEST_CASE("sock_diag: tcp_info columns agree with ss -tinHeO", "[sock_diag][live][ss]") {
  if (!live::have_program("ss")) {
    WARN("skipped: no ss");
    return;
  }
  for (live::Family f : live::all_families()) {
    CAPTURE(live::family_name(f));
    live::Conn c = live::establish(f);
    write_all(c.client.get(), 100000);
    read_exactly(c.server.get(), 100000);
    write_all(c.server.get(), 5000);
    read_exactly(c.client.get(), 5000);
    usleep(50 * 1000);  // quiet: every ACK has arrived, nothing in flight
    const auto ino = live::socket_inode(c.client.get());
    Db db;
    Rows r = db.query(
        "SELECT rtt_us, rttvar_us, snd_cwnd, snd_mss, rcv_mss, bytes_acked, bytes_received, "
        "bytes_sent, segs_out, segs_in, congestion, unacked, lost, total_retrans, "
        "bytes_retrans, notsent_bytes, cgroup_id, rcvbuf, sndbuf, source, printf('%x', cookie) "
        "FROM proc_tcp WHERE "
        "inode = " +
        std::to_string(ino));
    const std::string line = ss_line("-tinHeOm", ino);
    REQUIRE(r.size() == 1);
    REQUIRE(!line.empty());
    CAPTURE(line);
    CHECK(r[0][19] == "netlink");
    // ss -e prints the cookie in hex as sk:N.
    CHECK(r[0][20] == ss_field(line, "sk"));
    // rtt:A/B in ms with µs precision (%g); an idle connection's estimate
    // does not move between the two reads.
    const std::string rtt = ss_field(line, "rtt");
    REQUIRE(!rtt.empty());
    const double ss_rtt = std::stod(rtt.substr(0, rtt.find('/')));
    const double ss_rttvar = std::stod(rtt.substr(rtt.find('/') + 1));
    CHECK(std::fabs(std::stod(r[0][0]) / 1000 - ss_rtt) < 0.0015);
    CHECK(std::fabs(std::stod(r[0][1]) / 1000 - ss_rttvar) < 0.0015);
    CHECK(r[0][2] == ss_field(line, "cwnd"));
    CHECK(r[0][3] == ss_field(line, "mss"));
    CHECK(r[0][4] == ss_field(line, "rcvmss"));
    CHECK(r[0][5] == ss_field(line, "bytes_acked"));
    CHECK(r[0][6] == ss_field(line, "bytes_received"));
    CHECK(r[0][7] == ss_field(line, "bytes_sent"));
    CHECK(r[0][8] == ss_field(line, "segs_out"));
    CHECK(r[0][9] == ss_field(line, "segs_in"));
    CHECK(std::stoll(r[0][5]) >= 100000);
    CHECK(std::stoll(r[0][6]) == 5000);
    // The algorithm's name is a bare word of the line.
    CHECK(!r[0][10].empty());
    CHECK(line.find(" " + r[0][10] + " ") != std::string::npos);
    // ss omits a zero counter. (A slow run -- valgrind -- can see a real
    // retransmission on loopback: then both print it.)
    auto counter = [&](const char* name) {
      const std::string v = ss_field(line, name);
      return v.empty() ? std::string("0") : v;
    };
    CHECK(r[0][11] == counter("unacked"));
    CHECK(r[0][12] == counter("lost"));
    const std::string retrans = ss_field(line, "retrans");  // unrecovered/total
    CHECK(r[0][13] == (retrans.empty() ? "0" : retrans.substr(retrans.find('/') + 1)));
    CHECK(r[0][14] == counter("bytes_retrans"));
    CHECK(r[0][15] == counter("notsent"));
    CHECK(r[0][16] != "NULL");
    // skmem:(r0,rb131072,t0,tb2626560,...)
    const size_t sk = line.find("skmem:(");
    REQUIRE(sk != std::string::npos);
    const std::string skmem = line.substr(sk, line.find(')', sk) - sk);
    CHECK(skmem.find(",rb" + r[0][17] + ",") != std::string::npos);
    CHECK(skmem.find(",tb" + r[0][18] + ",") != std::string::npos);
    // From /proc text: NULL.
    db.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(source='proc')");
    CHECK(db.query("SELECT rtt_us, congestion, bytes_acked, rcvbuf, cgroup_id, cookie, source "
                   "FROM t WHERE inode = " +
                   std::to_string(ino)) ==
          Rows{{"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "proc"}});
  }
}

TEST_CASE(
    "sock_diag: a request sock's uid is its listener's, also when loaded by a cursor "
    "that did not read uid",
    "[sock_diag][live]") {
  // v4-mapped: an IPv4 connection to a dual-stack (AF_INET6) listener.
  for (live::Family f : {live::Family::IPv4, live::Family::V4Mapped}) {
    CAPTURE(live::family_name(f));
    live::SynRecv s = live::make_syn_recv(f);
    const std::string p = std::to_string(s.listen_ep.port);
    const std::string uid = std::to_string(geteuid());
    Db db;
    // Wait until the handshake is held as a request sock.
    for (int i = 0; i < 50 && db.scalar("SELECT count(*) FROM proc_tcp WHERE state = 'SYN_RECV' "
                                        "AND local_port = " +
                                        p) != "1";
         ++i) {
      usleep(20 * 1000);
    }
    CHECK(db.scalar("SELECT uid FROM proc_tcp WHERE state = 'SYN_RECV' AND local_port = " + p) ==
          uid);
    // The first subquery loads the request row without uid (no listener in
    // its dump), the second reads uid from the same snapshot.
    CHECK(db.query("SELECT (SELECT count(*) FROM proc_tcp WHERE state = 'SYN_RECV' AND local_port "
                   "= " +
                   p + "), (SELECT uid FROM proc_tcp WHERE state = 'SYN_RECV' AND local_port = " +
                   p + ")") == Rows{{"1", uid}});
    db.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(source='proc')");
    CHECK(db.scalar("SELECT uid FROM t WHERE state = 'SYN_RECV' AND local_port = " + p) == uid);
  }
}

TEST_CASE("sock_diag: listeners' tcp_info: pacing_rate unlimited is NULL, no rtt yet",
          "[sock_diag][live]") {
  live::Fd l = live::listen_on(live::Family::IPv4);
  Db db;
  Rows r = db.query(
      "SELECT pacing_rate, state, snd_cwnd, ssthresh, congestion IS NOT NULL FROM proc_tcp "
      "WHERE local_port = " +
      std::to_string(live::local_endpoint(l.get()).port));
  REQUIRE(r.size() == 1);
  CHECK(r[0][0] == "NULL");
  CHECK(r[0][1] == "LISTEN");
  CHECK(r[0][3] == "NULL");
  CHECK(r[0][4] == "1");
  // What tcp_get_info() leaves unmeasured for a listener is NULL, not 0
  // (/proc text prints icsk_rto, 1000 ms, for the same listener: README);
  // what it reports is there: the accept queue (unacked) and its limit.
  live::Fd l2 = live::listen_on(live::Family::IPv6, 7);
  live::Fd client = live::connect_to(live::Family::IPv6, live::local_endpoint(l2.get()));
  const std::string port2 = std::to_string(live::local_endpoint(l2.get()).port);
  Rows q;
  for (int i = 0; i < 100; ++i) {  // until the handshake has queued the connection
    q = db.query(
        "SELECT rtt_us, rttvar_us, snd_mss, rto_ms, ato_ms, bytes_acked, delivery_rate, snd_wnd, "
        "rcv_space, snd_cwnd IS NOT NULL, unacked, sacked FROM proc_tcp WHERE state = 'LISTEN' "
        "AND local_port = " +
        port2);
    if (q.size() == 1 && q[0][10] == "1") break;
    usleep(10000);
  }
  REQUIRE(q.size() == 1);
  CHECK(q[0] == std::vector<std::string>{"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
                                         "NULL", "NULL", "1", "1", "7"});
  db.exec("CREATE VIRTUAL TABLE temp.t2 USING proc_tcp(source='proc')");
  CHECK(db.scalar("SELECT rto_ms FROM t2 WHERE state = 'LISTEN' AND local_port = " + port2) ==
        "1000");
}

TEST_CASE("sock_diag: UDP memory and drops agree with /proc text and ss -uampHeO",
          "[sock_diag][live][udp]") {
  live::Fd rx(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  live::Fd tx(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  int small = 4096;
  REQUIRE(setsockopt(rx.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(rx.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(rx.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  std::string payload(1000, 'u');
  for (int i = 0; i < 50; ++i) {
    sendto(tx.get(), payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&addr),
           sizeof addr);
  }
  const auto ino = live::socket_inode(rx.get());
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.u USING proc_udp(source='proc')");
  const std::string where = " WHERE inode = " + std::to_string(ino);
  Rows n =
      db.query("SELECT drops, rx_queue, rmem_alloc, rcvbuf, sndbuf, source FROM proc_udp" + where);
  Rows t = db.query("SELECT drops, rx_queue, rmem_alloc, rcvbuf, source FROM u" + where);
  REQUIRE(n.size() == 1);
  REQUIRE(t.size() == 1);
  CHECK(std::stoll(n[0][0]) > 0);  // the buffer overflowed
  CHECK(n[0][0] == t[0][0]);
  CHECK(n[0][1] == t[0][1]);
  CHECK(n[0][2] == n[0][1]);  // rx_queue is the receive memory in use
  CHECK(t[0][2] == "NULL");
  CHECK(n[0][5] == "netlink");
  CHECK(t[0][4] == "proc");
  if (live::have_program("ss")) {
    const std::string line = ss_line("-uampHeO", ino);
    REQUIRE(!line.empty());
    CAPTURE(line);
    CHECK(line.find("skmem:(r" + n[0][2] + ",rb" + n[0][3] + ",") != std::string::npos);
    CHECK(line.find(",tb" + n[0][4] + ",") != std::string::npos);
    CHECK(line.find(",d" + n[0][0] + ")") != std::string::npos);
  }
}

TEST_CASE("sock_diag: the kernel filters states and ports, and extensions follow the columns",
          "[sock_diag][live]") {
  std::vector<live::Conn> conns;
  for (int i = 0; i < 10; ++i) conns.push_back(live::establish(live::Family::IPv4));
  auto log = std::make_shared<DiagLog>();
  Db db(logged(log));
  const std::string own = " AND netns = proctab_netns()";

  const std::string listeners =
      db.scalar("SELECT count(*) FROM proc_tcp WHERE state = 'LISTEN'" + own);
  const uint64_t listen_messages = log->messages;
  CHECK(listen_messages == std::stoull(listeners));
  // One dump of both families (TCPDIAG_GETSOCK's inet_diag_req), asking
  // only LISTEN of the kernel, and no extension.
  REQUIRE(log->requests.size() == 1);
  for (const std::string& req : log->requests) {
    inet_diag_req r;
    memcpy(&r, req.data(), sizeof r);
    CHECK(r.idiag_states == 1u << 10);
    CHECK(r.idiag_ext == 0);
    CHECK(req.size() == sizeof r);  // no bytecode
  }

  log->messages = 0;
  log->requests.clear();
  const std::string all = db.scalar("SELECT count(*) FROM proc_tcp WHERE 1" + own);
  CHECK(log->messages == std::stoull(all));
  CHECK(std::stoull(all) >= std::stoull(listeners) + 20);

  // A port: bytecode, so only that port's sockets come back.
  log->messages = 0;
  log->requests.clear();
  const int port = conns[3].listen_ep.port;
  const std::string p = std::to_string(port);
  CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE local_port = " + p + own) == "2");
  CHECK(log->messages == 2);  // the listener and its accepted socket
  REQUIRE(!log->requests.empty());
  CHECK(log->requests[0].size() > sizeof(inet_diag_req));
  // Several ports, local and remote: still exact.
  log->messages = 0;
  const std::string p2 = std::to_string(conns[5].listen_ep.port);
  const std::string c2 = std::to_string(conns[5].client_ep.port);
  CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE local_port IN (" + p + ", " + p2 +
                  ", 1) AND remote_port IN (0, " + c2 + ")" + own) == "3");
  CHECK(log->messages == 3);

  // Extensions: tcp_info only when a tcp_info column is read.
  log->requests.clear();
  db.scalar("SELECT count(rtt_us) FROM proc_tcp WHERE local_port = " + p + own);
  REQUIRE(!log->requests.empty());
  inet_diag_req r;
  memcpy(&r, log->requests[0].data(), sizeof r);
  CHECK(r.idiag_ext == proctab::diag_ext(INET_DIAG_INFO));
  log->requests.clear();
  db.query("SELECT count(congestion), count(rcvbuf) FROM proc_tcp WHERE local_port = " + p + own);
  memcpy(&r, log->requests[0].data(), sizeof r);
  CHECK(r.idiag_ext ==
        (proctab::diag_ext(INET_DIAG_CONG) | proctab::diag_ext(INET_DIAG_SKMEMINFO)));

  // One statement, two cursors wanting different things: the second dump
  // fills in the extensions, no socket is listed twice.
  // (A listener's tcp_info: no rtt (NULL), unacked = its accept queue,
  // sacked = its limit.)
  log->dumps = 0;
  CHECK(db.scalar("SELECT count(*) FROM proc_tcp a JOIN proc_tcp b USING (inode) WHERE a.state = "
                  "'LISTEN' AND a.local_port = " +
                  p +
                  " AND a.netns = proctab_netns() AND b.rtt_us IS NULL AND b.sacked > 0 AND "
                  "b.congestion IS NOT NULL "
                  "AND b.unacked = 0") == "1");
  CHECK(db.scalar("SELECT count(*) - count(DISTINCT inode) FROM proc_tcp a WHERE a.state = "
                  "'LISTEN' AND a.inode IN (SELECT inode FROM proc_tcp WHERE sacked > 0)") == "0");
  CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE state = 'LISTEN' AND sacked IS NULL AND "
                  "inode != 0 AND netns = proctab_netns()") == "0");

  // Everything loaded by an outer full scan without tcp_info: the inner
  // side, which reads rtt_us, still gets it (one more dump per namespace),
  // and one that reads nothing new dumps nothing more than the outer scan.
  log->dumps = 0;
  CHECK(db.scalar("SELECT count(b.rtt_us) FROM proc_tcp a CROSS JOIN proc_tcp b ON b.inode = "
                  "a.inode WHERE b.local_port = " +
                  p + " AND b.state = 'ESTABLISHED'") == "1");
  const uint64_t dumps_with_refresh = log->dumps;
  CHECK(dumps_with_refresh >= 2);
  log->dumps = 0;
  CHECK(db.scalar("SELECT count(*) FROM proc_tcp a CROSS JOIN proc_tcp b ON b.inode = a.inode "
                  "WHERE b.local_port = " +
                  p + " AND b.state = 'ESTABLISHED'") == "1");
  CHECK(log->dumps < dumps_with_refresh);

  // The inner side of a join asks other ports for each outer row: one
  // port-filtered dump, then its states whole, not a dump per outer row.
  log->dumps = 0;
  const std::string peers = db.scalar(
      "SELECT count(*) FROM proc_tcp a JOIN proc_tcp b ON b.local_port = a.remote_port AND "
      "b.remote_port = a.local_port WHERE a.state = 'ESTABLISHED' AND a.netns = proctab_netns() "
      "AND b.netns = proctab_netns()");
  CHECK(std::stoull(peers) >= 20);  // both ends of our 10 connections
  CHECK(log->dumps <= 3);
}

TEST_CASE("sock_diag: each fault policy, through the seam", "[sock_diag][live]") {
  live::Fd l = live::listen_on(live::Family::IPv4);
  const std::string q = "SELECT source FROM proc_tcp WHERE local_port = " +
                        std::to_string(live::local_endpoint(l.get()).port);
  const int fds_before = testing::count_open_fds();
  struct Case {
    const char* name;
    void (*set)(DiagLog&);
    const char* error;
  };
  const Case cases[] = {
      {"EPERM", [](DiagLog& d) { d.fail_open = EPERM; }, "Operation not permitted"},
      {"EACCES", [](DiagLog& d) { d.fail_open = EACCES; }, "Permission denied"},
      {"EPROTONOSUPPORT", [](DiagLog& d) { d.fail_open = EPROTONOSUPPORT; },
       "Protocol not supported"},
      {"ENOENT (no diag handler)", [](DiagLog& d) { d.unknown_family = true; },
       "No such file or directory"},
      {"DUMP_INTR every time", [](DiagLog& d) { d.always_intr = true; }, "Interrupted system call"},
      {"ENOBUFS every time", [](DiagLog& d) { d.always_enobufs = true; },
       "No buffer space available"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto log = std::make_shared<DiagLog>();
    c.set(*log);
    Db db(logged(log));
    // auto: the /proc text answers.
    CHECK(db.query(q) == Rows{{"proc"}});
    // netlink: a clear error naming the table and the reason.
    db.exec("CREATE VIRTUAL TABLE temp.n USING proc_tcp(source='netlink')");
    const std::string err = db.error_of("SELECT source FROM n");
    CHECK_THAT(err, Catch::Contains("proc_tcp") && Catch::Contains(c.error));
  }
  SECTION("EINTR from recv is retried: netlink rows") {
    auto log = std::make_shared<DiagLog>();
    log->eintr_recvs = 5;
    Db db(logged(log));
    CHECK(db.query(q) == Rows{{"netlink"}});
    CHECK(log->eintr_recvs == 0);
    CHECK(log->restarts == 0);
  }
  SECTION("an interrupted dump restarts; its first attempt's rows are not kept") {
    auto log = std::make_shared<DiagLog>();
    // Interrupt only the first attempt of each dump: the seam restarts.
    proctab::Seams seams;
    auto inner = log;
    seams.sock_diag = [inner](proctab::ProcFs& fs, int ns_fd) {
      struct Once : LoggedDiag {
        using LoggedDiag::LoggedDiag;
        int attempts = 0;
        int open_socket(size_t b) override {
          ++attempts;
          return proctab::SockDiag::open_socket(b);
        }
        ssize_t recv(void* buf, size_t len) override {
          const ssize_t n = proctab::SockDiag::recv(buf, len);
          if (n > 0 && attempts == 1) static_cast<nlmsghdr*>(buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
          return n;
        }
      };
      return std::make_unique<Once>(fs, ns_fd, inner);
    };
    Db db2(seams);
    CHECK(db2.query(q) == Rows{{"netlink"}});
    CHECK(db2.scalar("SELECT count(*) - count(DISTINCT inode) FROM proc_tcp WHERE inode != 0") ==
          "0");
    CHECK(log->restarts >= 2);
  }
  SECTION("no sock_diag at all (the seam makes none): auto reads text, netlink is an error") {
    proctab::Seams seams;
    seams.sock_diag = [](proctab::ProcFs&, int) { return std::unique_ptr<proctab::SockDiag>(); };
    Db db(seams);
    CHECK(db.query(q) == Rows{{"proc"}});
    // One family asked first, the other second, in one statement (one
    // snapshot): the text read for the first does not stand for the second.
    live::Fd l6 = live::listen_on(live::Family::IPv6);
    const std::string p6 = std::to_string(live::local_endpoint(l6.get()).port);
    CHECK(db.query("SELECT (SELECT count(*) > 0 FROM proc_tcp WHERE family = 'inet'), (SELECT "
                   "count(*) FROM proc_tcp WHERE family = 'inet6' AND local_port = " +
                   p6 + ")") == Rows{{"1", "1"}});
    db.exec("CREATE VIRTUAL TABLE temp.n USING proc_udp(source='netlink')");
    CHECK_THAT(db.error_of("SELECT * FROM n"),
               Catch::Contains("proc_udp: source='netlink': sock_diag is not available"));
  }
  SECTION("an errno without a policy is an SQL error, also in auto") {
    auto log = std::make_shared<DiagLog>();
    log->fail_open = EMFILE;
    Db db(logged(log));
    CHECK_THAT(db.error_of(q), Catch::Contains("proc_tcp: sock_diag dump of namespace") &&
                                   Catch::Contains("Too many open files"));
  }
  CHECK(testing::count_open_fds() == fds_before);
}

// A dump interrupted after some batches were delivered: the rows loaded by
// an earlier cursor that this attempt gave tcp_info to get it back from the
// retry alone (a stale entry shared two sockets' tcp_info).
TEST_CASE("sock_diag: an interrupted dump that adds tcp_info to loaded rows is taken back whole",
          "[sock_diag][live]") {
  // 150 connections, each client having sent its own number of bytes:
  // more sockets than one 32 KiB batch of replies with tcp_info holds.
  live::Fd l = live::listen_on(live::Family::IPv4, 200);
  const live::Endpoint ep = live::local_endpoint(l.get());
  std::vector<live::Fd> ends;
  for (int i = 0; i < 150; ++i) {
    live::Fd c = live::connect_to(live::Family::IPv4, ep);
    live::Fd a = live::accept_one(l.get());
    const std::string bytes(static_cast<size_t>(i + 1), 'x');
    REQUIRE(::send(c.get(), bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    ends.push_back(std::move(c));
    ends.push_back(std::move(a));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // every ACK in
  const std::string port = std::to_string(ep.port);
  // The first cursor loads every socket without tcp_info; the second asks
  // for bytes_acked: a refresh dump, which the fake interrupts at its third
  // batch (the first holds only listeners), once.
  const std::string q =
      "SELECT (SELECT count(*) FROM proc_tcp), (SELECT group_concat(remote_port "
      "|| ':' || bytes_acked, ',') FROM (SELECT remote_port, bytes_acked FROM "
      "proc_tcp WHERE local_port = " +
      port + " OR remote_port = " + port + " ORDER BY 1, 2))";
  struct IntrLater : proctab::SockDiag {
    using SockDiag::SockDiag;
    std::shared_ptr<int> interrupted;
    bool with_ext = false;
    int attempt = 0, recvs = 0;
    int open_socket(size_t b) override {
      ++attempt;
      recvs = 0;
      return SockDiag::open_socket(b);
    }
    ssize_t send(const void* buf, size_t len) override {
      // idiag_ext: byte 3 of both request structs (inet_diag_req, _v2: 2)
      const auto* p = static_cast<const unsigned char*>(buf) + NLMSG_HDRLEN;
      with_ext = len > NLMSG_HDRLEN + 3 && (p[2] != 0 || p[3] != 0);
      return SockDiag::send(buf, len);
    }
    ssize_t recv(void* buf, size_t len) override {
      const ssize_t n = SockDiag::recv(buf, len);
      if (n > 0 && with_ext && attempt == 1 && ++recvs == 3 && *interrupted == 0) {
        ++*interrupted;
        static_cast<nlmsghdr*>(buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
      }
      return n;
    }
  };
  auto interrupted = std::make_shared<int>(0);
  proctab::Seams seams;
  seams.sock_diag = [interrupted](proctab::ProcFs& fs, int ns_fd) {
    auto d = std::make_unique<IntrLater>(fs, ns_fd);
    d->interrupted = interrupted;
    return d;
  };
  Db faulty(seams);
  Db plain;
  const Rows got = faulty.query(q);
  CHECK(*interrupted == 1);
  const Rows want = plain.query(q);
  REQUIRE(got.size() == 1);
  REQUIRE(want.size() == 1);
  CHECK(got[0][1] == want[0][1]);
}

TEST_CASE("sock_diag: source= argument errors", "[sock_diag]") {
  Db db;
  testing::TempTree tree;
  tree.write("net/tcp", testing::kHeader);
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.a USING proc_tcp(source='netlink', root='" +
                         tree.path() + "')"),
             Catch::Contains("proc_tcp: source='netlink' reads this machine's kernel, not root="));
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.b USING proc_udp(source='ss')"),
             Catch::Contains("'auto', 'netlink', 'proc'"));
  // A fixture root in auto: its text, tagged so.
  tree.write("net/tcp",
             std::string(testing::kHeader) +
                 "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  "
                 "1000        0 4242 1 ffff000000000001 100 0 0 10 0\n");
  db.exec("CREATE VIRTUAL TABLE temp.c USING proc_tcp(root='" + tree.path() + "')");
  CHECK(db.query("SELECT local_port, source, rtt_us FROM c") == Rows{{"8080", "proc", "NULL"}});
}

TEST_CASE("sock_diag: other namespaces, by name only and with a process, side by side",
          "[sock_diag][live][netns]") {
  if (!have_ip_netns()) {
    WARN("skipped: needs root and iproute2's `ip netns`");
    return;
  }
  const int fds_before = testing::count_open_fds();
  {
    ScopedNetns named("named");
    ScopedNetns held("held");
    REQUIRE(named.ok());
    REQUIRE(held.ok());
    NamespaceSockets by_name(named.path(), 7070);  // held by /run/netns and our fds only
    REQUIRE(by_name.ok);
    NamespaceChild child(held.path(), 7171);  // a process inside
    REQUIRE(child.ready());
    const std::string where = "netns IN (" + named.inode() + ", " + held.inode() + ")";
    Db db;
    auto [netlink, text] = both_sources(db, "proc_tcp", where);
    CHECK(netlink == text);
    CHECK(netlink.size() == 6);
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_tcp WHERE " + where) ==
          "netlink");
    CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE state = 'LISTEN' AND netns = " +
                    named.inode()) == "1");
    CHECK(db.scalar("SELECT count(rtt_us) FROM proc_tcp WHERE state = 'ESTABLISHED' AND netns = " +
                    held.inode()) == "2");

    // setns refused: auto reads the namespace with a process through its
    // /proc/PID/net text; the one held only by a name cannot be read at all.
    proctab::Seams no_setns;
    no_setns.procfs = [](const std::string& root) { return std::make_shared<NoSetns>(root); };
    Db refused(no_setns);
    CHECK(refused.query("SELECT local_port, source FROM proc_tcp WHERE state = 'LISTEN' AND " +
                        where) == Rows{{"7171", "proc"}});
    refused.exec("CREATE VIRTUAL TABLE temp.n USING proc_tcp(source='netlink')");
    CHECK_THAT(refused.error_of("SELECT * FROM n WHERE netns = " + held.inode()),
               Catch::Contains("proc_tcp: sock_diag dump of namespace " + held.inode()) &&
                   Catch::Contains("Operation not permitted"));
    // The own namespace still comes from netlink.
    CHECK(refused.scalar("SELECT group_concat(DISTINCT source) FROM proc_tcp WHERE netns = "
                         "proctab_netns()") == "netlink");
  }
  CHECK(testing::count_open_fds() == fds_before);
}

TEST_CASE("inet_diag parser: defensive on lengths and attributes", "[sock_diag][parse]") {
  using proctab::InetDiagMessage;
  // A well-formed reply built by hand: header, inet_diag_msg, attributes.
  auto message = [](const std::vector<std::pair<uint16_t, std::string>>& attrs) {
    std::string m(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_msg)), '\0');
    inet_diag_msg msg{};
    msg.idiag_family = AF_INET;
    msg.idiag_state = 1;
    msg.id.idiag_sport = htons(80);
    msg.idiag_inode = 77;
    memcpy(&m[NLMSG_HDRLEN], &msg, sizeof msg);
    for (const auto& [type, payload] : attrs) {
      nlattr a{static_cast<uint16_t>(NLA_HDRLEN + payload.size()), type};
      std::string attr(reinterpret_cast<const char*>(&a), sizeof a);
      attr += payload;
      attr.resize(NLA_ALIGN(attr.size()), '\0');
      m += attr;
    }
    nlmsghdr h{static_cast<uint32_t>(m.size()), SOCK_DIAG_BY_FAMILY, 0, 1, 0};
    memcpy(&m[0], &h, sizeof h);
    return m;
  };
  InetDiagMessage m;
  REQUIRE(proctab::parse_inet_diag_message(message({}), m));
  CHECK(m.local_port == 80);
  CHECK(m.inode == 77);
  CHECK(m.info_len == 0);
  CHECK_FALSE(m.has_shutdown);

  SECTION("empty, short, or nlmsg_len past the bytes: refused") {
    CHECK_FALSE(proctab::parse_inet_diag_message("", m));
    std::string full = message({});
    CHECK_FALSE(proctab::parse_inet_diag_message(full.substr(0, 20), m));
    CHECK_FALSE(proctab::parse_inet_diag_message(full.substr(0, full.size() - 1), m));
  }
  SECTION("a tcp_info longer than ours: copied up to ours; shorter: the rest zero, absent") {
    std::string big(sizeof(struct tcp_info) + 48, '\x01');
    REQUIRE(proctab::parse_inet_diag_message(message({{INET_DIAG_INFO, big}}), m));
    CHECK(m.info_len == big.size());
    CHECK(m.info.tcpi_snd_wnd == 0x01010101u);
    CHECK(PROCTAB_HAS_INFO_FIELD(m, tcpi_snd_wnd));
    std::string small(40, '\x02');
    REQUIRE(proctab::parse_inet_diag_message(message({{INET_DIAG_INFO, small}}), m));
    CHECK(m.info_len == 40);
    CHECK(m.info.tcpi_rtt == 0);
    CHECK_FALSE(PROCTAB_HAS_INFO_FIELD(m, tcpi_rtt));
    CHECK(PROCTAB_HAS_INFO_FIELD(m, tcpi_rto));
  }
  SECTION("unknown attributes skipped, wrong-size ones ignored, a truncated last one ends it") {
    std::string m1 = message({{200, "zzzz"},
                              {INET_DIAG_SHUTDOWN, std::string("\x00\x00", 2)},
                              {INET_DIAG_CONG, "cubic"},
                              {INET_DIAG_CGROUP_ID, std::string(8, '\x01')}});
    REQUIRE(proctab::parse_inet_diag_message(m1, m));
    CHECK_FALSE(m.has_shutdown);  // 2 bytes for a u8
    CHECK(std::string(m.congestion) == "cubic");
    CHECK(m.has_cgroup_id);
    // Cut into the last attribute (nlmsg_len adjusted): it is dropped.
    std::string cut = m1.substr(0, m1.size() - 4);
    nlmsghdr h;
    memcpy(&h, cut.data(), sizeof h);
    h.nlmsg_len = static_cast<uint32_t>(cut.size());
    memcpy(&cut[0], &h, sizeof h);
    REQUIRE(proctab::parse_inet_diag_message(cut, m));
    CHECK_FALSE(m.has_cgroup_id);
    CHECK(std::string(m.congestion) == "cubic");
  }
  SECTION("a congestion name without NUL, longer than 15 bytes") {
    REQUIRE(proctab::parse_inet_diag_message(message({{INET_DIAG_CONG, std::string(40, 'a')}}), m));
    CHECK(std::string(m.congestion) == std::string(15, 'a'));
  }
  SECTION("a buffer of messages, stopped by NLMSG_DONE") {
    std::string buf = message({}) + message({});
    nlmsghdr done{NLMSG_HDRLEN + 4, NLMSG_DONE, 0, 1, 0};
    buf += std::string(reinterpret_cast<const char*>(&done), sizeof done) + std::string(4, '\0');
    buf += message({});
    int seen = 0;
    CHECK(proctab::parse_inet_diag_buffer(buf, [&](const InetDiagMessage&) { ++seen; }) == 0);
    CHECK(seen == 2);
  }
}

#endif  // PROCTAB_HAVE_LIBMNL
