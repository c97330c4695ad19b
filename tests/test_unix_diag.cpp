// proc_unix over UNIX_DIAG (netlink) against /proc/net/unix text and `ss -x`,
// on UNIX sockets this test creates: socketpairs of every type, listeners
// with unaccepted clients, connected stream / seqpacket / dgram sockets,
// pathname (with a space, with a newline), abstract and unnamed ones, and a
// second network namespace (`ip netns add`). Fault policies go through the
// sock_diag seam (Seams::sock_diag).
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "kernel/sock_diag.h"
#include "live_sockets.h"
#include "test_support.h"

using namespace testing;
using live::Fd;

// A build without libmnl has no netlink source: a test that needs it says
// so and stops (the one after the others checks what such a build does).
#define REQUIRE_NETLINK()                                                        \
  if (!proctab::sock_diag_built()) {                                             \
    WARN("SKIPPED: this build has no netlink support (libmnl-dev was missing)"); \
    return;                                                                      \
  }

namespace {

Fd unix_socket(int type) {
  int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  return Fd(fd);
}

// `name` as sun_path bytes: a pathname, or "\0..." for an abstract name.
socklen_t make_address(const std::string& name, sockaddr_un& addr) {
  addr = sockaddr_un{};
  addr.sun_family = AF_UNIX;
  REQUIRE(name.size() < sizeof addr.sun_path);
  memcpy(addr.sun_path, name.data(), name.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name[0] ? 1 : 0));
}
void bind_to(const Fd& fd, const std::string& name) {
  sockaddr_un addr;
  socklen_t len = make_address(name, addr);
  REQUIRE(bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0);
}
void connect_to(const Fd& fd, const std::string& name) {
  sockaddr_un addr;
  socklen_t len = make_address(name, addr);
  REQUIRE(connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0);
}
std::string ino(const Fd& fd) {
  return std::to_string(live::socket_inode(fd.get()));
}

// Every kind of UNIX socket this test can make, held open.
struct Zoo {
  TempTree dir;
  std::vector<Fd> fds;  // every socket (the inodes compared)
  Fd pair_stream[2], pair_dgram[2], pair_seq[2];
  Fd listener, client_pending[2], client_accepted, accepted;
  Fd seq_listener, seq_client, seq_accepted;
  Fd dgram_server, dgram_client, abstract, unbound, long_abstract, odd_path;
  std::string listen_path, dgram_path, abstract_name;

  Zoo() {
    for (auto [pair, type] :
         {std::pair{pair_stream, SOCK_STREAM}, std::pair{pair_dgram, SOCK_DGRAM},
          std::pair{pair_seq, SOCK_SEQPACKET}}) {
      int sv[2];
      REQUIRE(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) == 0);
      pair[0].reset(sv[0]);
      pair[1].reset(sv[1]);
    }
    REQUIRE(send(pair_stream[0].get(), "hello", 5, 0) == 5);  // 5 bytes in [1]'s queue
    const std::string pid = std::to_string(getpid());
    listen_path = dir.path() + "/listen with spaces " + pid;
    listener = unix_socket(SOCK_STREAM);
    bind_to(listener, listen_path);
    REQUIRE(listen(listener.get(), 5) == 0);
    for (Fd& c : client_pending) {
      c = unix_socket(SOCK_STREAM);
      connect_to(c, listen_path);
    }
    client_accepted = unix_socket(SOCK_STREAM);
    connect_to(client_accepted, listen_path);
    // accept() takes the oldest: the first pending client. Accept it, and
    // keep the other two waiting (the second pending one and this).
    accepted.reset(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(accepted);
    std::swap(client_pending[0], client_accepted);
    seq_listener = unix_socket(SOCK_SEQPACKET);
    const std::string seq_name = std::string("\0proctab-seq-", 13) + pid;
    bind_to(seq_listener, seq_name);
    REQUIRE(listen(seq_listener.get(), 3) == 0);
    seq_client = unix_socket(SOCK_SEQPACKET);
    connect_to(seq_client, seq_name);
    seq_accepted.reset(accept4(seq_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(seq_accepted);
    dgram_path = dir.path() + "/new\nline " + pid;
    dgram_server = unix_socket(SOCK_DGRAM);
    bind_to(dgram_server, dgram_path);
    dgram_client = unix_socket(SOCK_DGRAM);
    connect_to(dgram_client, dgram_path);
    REQUIRE(send(dgram_client.get(), "datagram", 8, 0) == 8);
    abstract_name = std::string("\0proctab zoo ", 13) + pid + std::string("\0end", 4);
    abstract = unix_socket(SOCK_DGRAM);
    bind_to(abstract, abstract_name);
    unbound = unix_socket(SOCK_STREAM);
    // An abstract name filling all of sun_path (107 bytes after the NUL),
    // and a path with bytes that are not UTF-8.
    long_abstract = unix_socket(SOCK_DGRAM);
    std::string full = std::string(1, '\0') + "proctab-long-" + pid;
    full.resize(sizeof(sockaddr_un::sun_path), 'L');
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, full.data(), full.size());
    REQUIRE(bind(long_abstract.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    long_abstract_path = "@" + full.substr(1);
    odd_path = unix_socket(SOCK_STREAM);
    bind_to(odd_path, dir.path() + "/odd \xff\xfe " + pid);
    for (Fd* fd : {&pair_stream[0],    &pair_stream[1],  &pair_dgram[0], &pair_dgram[1],
                   &pair_seq[0],       &pair_seq[1],     &listener,      &client_pending[0],
                   &client_pending[1], &client_accepted, &accepted,      &seq_listener,
                   &seq_client,        &seq_accepted,    &dgram_server,  &dgram_client,
                   &abstract,          &unbound,         &long_abstract, &odd_path}) {
      inodes += (inodes.empty() ? "" : ",") + ino(*fd);
    }
  }
  std::string inodes;              // "i1,i2,...": for `inode IN (...)`
  std::string long_abstract_path;  // as /proc prints it
};

// The columns both sources fill.
const char* kCommon =
    "inode, type, st, state, flags, listening, protocol, path, abstract, netns, netns_name";

// A SockDiag that counts what went through it and can fail on purpose.
struct DiagLog {
  std::atomic<int> made{0}, messages{0}, opened{0};
  std::vector<uint32_t> shows, states;  // of each request sent
  int fail_open = 0;                    // errno open_socket fails with (0: works)
  int fail_recv = 0;  // errno the 2nd recv() of the first attempt fails with (0: none)
  std::atomic<int> restarts{0};
};

class LoggingSockDiag : public proctab::SockDiag {
 public:
  LoggingSockDiag(proctab::ProcFs& fs, int ns_fd, std::shared_ptr<DiagLog> log)
      : SockDiag(fs, ns_fd), log_(std::move(log)) {}
  ~LoggingSockDiag() override {
    log_->messages += static_cast<int>(stats.messages);
    log_->restarts += static_cast<int>(stats.restarts);
  }

 protected:
  int open_socket(size_t receive_buffer) override {
    if (log_->fail_open) {
      errno = log_->fail_open;
      return -1;
    }
    ++log_->opened;
    return SockDiag::open_socket(receive_buffer);
  }
  ssize_t send(const void* buf, size_t len) override {
    // nlmsghdr + unix_diag_req
    if (len >= NLMSG_HDRLEN + sizeof(unix_diag_req)) {
      unix_diag_req req;
      memcpy(&req, static_cast<const char*>(buf) + NLMSG_HDRLEN, sizeof req);
      log_->shows.push_back(req.udiag_show);
      log_->states.push_back(req.udiag_states);
    }
    return SockDiag::send(buf, len);
  }
  ssize_t recv(void* buf, size_t len) override {
    // The first reply buffer is delivered, then the dump fails: the rows
    // it gave must go again before the retry.
    if (log_->fail_recv && ++recvs_ == 2) {
      errno = log_->fail_recv;
      return -1;
    }
    return SockDiag::recv(buf, len);
  }

 private:
  std::shared_ptr<DiagLog> log_;
  int recvs_ = 0;
};

proctab::Seams logging_seams(const std::shared_ptr<DiagLog>& log) {
  proctab::Seams seams;
  seams.sock_diag = [log](proctab::ProcFs& fs, int ns_fd) -> std::unique_ptr<proctab::SockDiag> {
    ++log->made;
    return std::make_unique<LoggingSockDiag>(fs, ns_fd, log);
  };
  return seams;
}

// A connection whose sock_diag goes through a DiagLog.
struct Logged {
  std::shared_ptr<DiagLog> log = std::make_shared<DiagLog>();
  Db db{logging_seams(log)};
};
const std::string kOwn = " AND netns = proctab_netns()";

// `ss -xaH` as inode -> {peer inode, Recv-Q, Send-Q}, for the sockets whose
// local address is '*' or a path without blanks (columns split on blanks).
struct SsRow {
  std::string peer, recv_q, send_q;
};
std::map<std::string, SsRow> ss_unix(const std::string& options) {
  std::map<std::string, SsRow> out;
  std::istringstream lines(live::run_command("ss " + options + " 2>/dev/null"));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.size() >= 8 && w[0].rfind("u_", 0) == 0) out[w[5]] = {w[7], w[2], w[3]};
  }
  return out;
}

}  // namespace

TEST_CASE("unix_diag: both sources agree row for row on every column both fill",
          "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.nl USING proc_unix(source='netlink')");
  db.exec("CREATE VIRTUAL TABLE temp.txt USING proc_unix(source='proc')");
  const std::string where = " WHERE inode IN (" + zoo.inodes + ") ORDER BY inode";
  Rows netlink = db.query(std::string("SELECT ") + kCommon + ", source FROM nl" + where);
  Rows proc = db.query(std::string("SELECT ") + kCommon + ", source FROM txt" + where);
  REQUIRE(netlink.size() == 20);
  REQUIRE(proc.size() == 20);
  for (size_t i = 0; i < netlink.size(); ++i) {
    CHECK(netlink[i].back() == "netlink");
    CHECK(proc[i].back() == "proc");
    netlink[i].pop_back();
    proc[i].pop_back();
    // /proc cuts a path at its newline (it does not escape it); netlink
    // has it whole. Everything else is identical.
    if (netlink[i][7] == zoo.dgram_path) {
      CHECK(proc[i][7] == zoo.dgram_path.substr(0, zoo.dgram_path.find('\n')));
      proc[i][7] = netlink[i][7];
    }
    CHECK(netlink[i] == proc[i]);
  }
  // The default (auto) on the live root is netlink.
  CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_unix" + where) == "netlink");
  // What the names look like, from both.
  for (const char* t : {"nl", "txt"}) {
    CHECK(db.scalar(std::string("SELECT path FROM ") + t +
                    " WHERE inode = " + ino(zoo.long_abstract)) == zoo.long_abstract_path);
    CHECK(db.scalar(std::string("SELECT path FROM ") + t + " WHERE inode = " + ino(zoo.abstract)) ==
          "@proctab zoo " + std::to_string(getpid()) + "@end");
    CHECK(db.query(std::string("SELECT path, abstract, listening, state FROM ") + t +
                   " WHERE inode = " + ino(zoo.listener)) ==
          Rows{{zoo.listen_path, "0", "1", "UNCONNECTED"}});
  }
  // /proc also lists the two clients' server ends that nobody accepted yet
  // (inode 0, the listener's path, CONNECTING); UNIX_DIAG skips sockets
  // without an inode (sk_diag_dump), so they have no netlink rows.
  const std::string embryos = " WHERE inode = 0 AND path = '" + zoo.listen_path + "'";
  CHECK(db.query("SELECT state FROM txt" + embryos) == Rows{{"CONNECTING"}, {"CONNECTING"}});
  CHECK(db.scalar("SELECT count(*) FROM nl" + embryos) == "0");
}

TEST_CASE("unix_diag: peer_inode names the other end, as ss -x's Peer column does",
          "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  Db db;
  for (const Fd* pair : {zoo.pair_stream, zoo.pair_dgram, zoo.pair_seq}) {
    CHECK(db.scalar("SELECT peer_inode FROM proc_unix WHERE inode = " + ino(pair[0])) ==
          ino(pair[1]));
    CHECK(db.scalar("SELECT peer_inode FROM proc_unix WHERE inode = " + ino(pair[1])) ==
          ino(pair[0]));
  }
  CHECK(db.scalar("SELECT peer_inode FROM proc_unix WHERE inode = " + ino(zoo.seq_client)) ==
        ino(zoo.seq_accepted));
  CHECK(db.scalar("SELECT peer_inode FROM proc_unix WHERE inode = " + ino(zoo.dgram_client)) ==
        ino(zoo.dgram_server));
  // A client whose connection waits in the queue: its peer has no file yet.
  CHECK(db.scalar("SELECT peer_inode FROM proc_unix WHERE inode = " + ino(zoo.client_pending[1])) ==
        "0");
  CHECK(db.scalar("SELECT peer_inode FROM proc_unix WHERE inode = " + ino(zoo.listener)) == "NULL");
  // NULL from /proc text.
  CHECK(db.scalar("SELECT count(peer_inode) FROM proc_unix WHERE source = 'proc'") == "0");
  db.exec("CREATE VIRTUAL TABLE temp.txt USING proc_unix(source='proc')");
  CHECK(db.scalar("SELECT count(peer_inode) FROM txt WHERE inode IN (" + zoo.inodes + ")") == "0");

  // The independent oracle: ss -xa (its own netlink parse) for every
  // unnamed socket of ours, ss -xp for the same with owners.
  std::map<std::string, SsRow> ss = ss_unix("-xaH");
  int compared = 0;
  for (const Rows& rows : {db.query("SELECT inode, peer_inode, rx_queue, tx_queue FROM proc_unix "
                                    "WHERE path IS NULL AND inode IN (" +
                                    zoo.inodes + ")")}) {
    for (const auto& r : rows) {
      auto it = ss.find(r[0]);
      REQUIRE(it != ss.end());
      CHECK(it->second.peer == (r[1] == "NULL" ? "0" : r[1]));  // ss: 0 for none
      CHECK(it->second.recv_q == r[2]);
      CHECK(it->second.send_q == r[3]);
      ++compared;
    }
  }
  CHECK(compared >= 10);
  std::map<std::string, SsRow> ssp = ss_unix("-xpH");
  CHECK(ssp.at(ino(zoo.pair_stream[0])).peer == ino(zoo.pair_stream[1]));
  CHECK(ssp.at(ino(zoo.pair_seq[1])).peer == ino(zoo.pair_seq[0]));
}

TEST_CASE("unix_diag: queues, backlog, bound file, owner and shutdown", "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  Db db;
  auto one = [&](const std::string& columns, const Fd& fd) {
    return db.query("SELECT " + columns + " FROM proc_unix WHERE inode = " + ino(fd));
  };
  // The listener: 2 clients wait (one was accepted), listen(5).
  CHECK(one("backlog, backlog_max, pending_connections, rx_queue, tx_queue", zoo.listener) ==
        Rows{{"2", "5", "2", "NULL", "NULL"}});
  CHECK(one("backlog, backlog_max, pending_connections", zoo.seq_listener) ==
        Rows{{"0", "3", "0"}});
  // ss -xl agrees (Recv-Q, Send-Q of a listener: queued and max).
  bool seen = false;
  std::istringstream lines(live::run_command("ss -xlH 2>/dev/null"));
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" " + ino(zoo.listener) + " ") == std::string::npos) continue;
    std::istringstream words(line);
    std::string netid, state, recv_q, send_q;
    words >> netid >> state >> recv_q >> send_q;
    CHECK(recv_q == "2");
    CHECK(send_q == "5");
    seen = true;
  }
  CHECK(seen);
  // 5 bytes wait in the socketpair's [1]; [0] holds their send memory.
  CHECK(one("rx_queue, backlog, pending_connections", zoo.pair_stream[1]) ==
        Rows{{"5", "NULL", "NULL"}});
  CHECK(one("tx_queue > 0, send_memory_bytes > 0", zoo.pair_stream[0]) == Rows{{"1", "1"}});
  // A datagram waits: its memory is charged to the sender (AF_UNIX
  // accounts queued skbs to the sending socket), the receiver shows 0.
  CHECK(one("rx_queue, recv_memory_bytes", zoo.dgram_server) == Rows{{"8", "0"}});
  CHECK(one("send_memory_bytes > 0", zoo.dgram_client) == Rows{{"1"}});
  int rcvbuf = 0;
  socklen_t len = sizeof rcvbuf;
  REQUIRE(getsockopt(zoo.dgram_server.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) == 0);
  CHECK(one("recv_buffer_bytes", zoo.dgram_server) == Rows{{std::to_string(rcvbuf)}});
  // The bound file: stat() of the path.
  for (const auto& [fd, path] :
       {std::pair{&zoo.listener, zoo.listen_path}, std::pair{&zoo.dgram_server, zoo.dgram_path}}) {
    struct stat st;
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK(one("file_inode, file_dev", *fd) ==
          Rows{{std::to_string(st.st_ino),
                std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev))}});
  }
  CHECK(one("file_inode, file_dev", zoo.abstract) == Rows{{"NULL", "NULL"}});
  CHECK(one("file_inode", zoo.pair_stream[0]) == Rows{{"NULL"}});
  // Owner: the file's uid (this process's fsuid).
  CHECK(one("uid", zoo.unbound) == Rows{{std::to_string(live::current_fsuid())}});
  // Shutdown, seen from both ends.
  REQUIRE(shutdown(zoo.pair_seq[0].get(), SHUT_WR) == 0);
  CHECK(one("shutdown", zoo.pair_seq[0]) == Rows{{"write"}});
  CHECK(one("shutdown", zoo.pair_seq[1]) == Rows{{"read"}});
  CHECK(one("shutdown", zoo.pair_dgram[0]) == Rows{{"none"}});
  // A cookie per socket, distinct.
  CHECK(db.scalar("SELECT count(DISTINCT cookie) = count(*) FROM proc_unix WHERE inode IN (" +
                  zoo.inodes + ")") == "1");
}

TEST_CASE("unix_diag: state goes to the kernel, attributes only for the columns read",
          "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  Logged logged;
  auto& [log, db] = logged;
  auto messages_of = [&](const std::string& sql) {
    log->messages = 0;
    log->shows.clear();
    log->states.clear();
    db.query(sql);
    return log->messages.load();
  };
  const int all = messages_of("SELECT inode FROM proc_unix WHERE 1" + kOwn);
  CHECK(all >= 20);
  const int listening = messages_of("SELECT inode FROM proc_unix WHERE listening = 1" + kOwn);
  REQUIRE(log->states.size() == 1);
  CHECK(log->states[0] == (1u << 10));
  CHECK(listening >= 2);
  CHECK(listening <= all - 16);  // our 16 non-listeners were not sent
  CHECK(db.scalar("SELECT count(*) FROM proc_unix WHERE listening AND inode IN (" + zoo.inodes +
                  ")" + kOwn) == "2");
  const int connected = messages_of("SELECT inode FROM proc_unix WHERE state = 'CONNECTED'" + kOwn);
  CHECK(log->states[0] == (1u << 1));
  CHECK(connected < all);
  CHECK(messages_of("SELECT inode FROM proc_unix WHERE state = 'NO SUCH STATE'" + kOwn) == 0);
  // Attributes: only the name unless a column needs more.
  messages_of("SELECT inode, path, state FROM proc_unix WHERE 1" + kOwn);
  REQUIRE(log->shows.size() == 1);
  CHECK(log->shows[0] == UDIAG_SHOW_NAME);
  messages_of("SELECT peer_inode, file_inode FROM proc_unix WHERE 1" + kOwn);
  CHECK(log->shows[0] == (UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_VFS));
  messages_of("SELECT backlog, uid, drops, pending_connections FROM proc_unix WHERE 1" + kOwn);
  CHECK(log->shows[0] == (UDIAG_SHOW_NAME | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID | UDIAG_SHOW_MEMINFO |
                          UDIAG_SHOW_ICONS));
  // A self-join whose cursors need different states and attributes: one
  // snapshot, completed by a second dump, each socket once.
  Rows pairs = db.query(
      "SELECT a.inode, b.inode FROM proc_unix a JOIN proc_unix b ON b.inode = a.peer_inode "
      "WHERE a.listening = 0 AND b.state = 'CONNECTED' AND a.inode IN (" +
      ino(zoo.pair_stream[0]) + "," + ino(zoo.pair_stream[1]) + ") AND a.netns = proctab_netns()");
  CHECK(pairs == Rows{{ino(zoo.pair_stream[0]), ino(zoo.pair_stream[1])},
                      {ino(zoo.pair_stream[1]), ino(zoo.pair_stream[0])}});
  CHECK(db.scalar("SELECT count(*) - count(DISTINCT inode) FROM proc_unix WHERE inode != 0") ==
        "0");
}

TEST_CASE("unix_diag: a dump restarted after its first buffer keeps each socket once",
          "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  for (int err : {ENOBUFS, ENOSPC}) {
    auto log = std::make_shared<DiagLog>();
    log->fail_recv = err;
    Db db(logging_seams(log));
    CHECK(db.query("SELECT count(*), count(DISTINCT inode), group_concat(DISTINCT source) FROM "
                   "proc_unix WHERE inode IN (" +
                   zoo.inodes + ") AND netns = proctab_netns()") == Rows{{"20", "20", "netlink"}});
    CHECK(log->restarts == 1);  // the fault was hit: the test tests something
    CHECK(log->made == 1);
  }
}

TEST_CASE("unix_diag: a later cursor needing more completes the snapshot, each socket once",
          "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  Logged logged;
  auto& [log, db] = logged;
  // Scalar subqueries run in order and share the statement's snapshot: the
  // first asks listeners by name only, the second every socket with peers.
  Rows r = db.query(
      "SELECT (SELECT count(*) FROM proc_unix WHERE listening = 1 AND inode IN (" + zoo.inodes +
      ")" + kOwn + "), (SELECT count(peer_inode) FROM proc_unix WHERE inode IN (" + zoo.inodes +
      ")" + kOwn +
      "), (SELECT count(*) - count(DISTINCT inode) FROM proc_unix WHERE "
      "inode != 0" +
      kOwn + "), (SELECT peer_inode FROM proc_unix WHERE inode = " + ino(zoo.pair_dgram[0]) + kOwn +
      ")");
  // Peers: 6 socketpair ends, 3 stream connections (the pending clients'
  // peer is 0 but present), 1+1 seqpacket, 1 dgram client.
  CHECK(r == Rows{{"2", "13", "0", ino(zoo.pair_dgram[1])}});
  REQUIRE(log->states.size() == 2);
  CHECK(log->states[0] == (1u << 10));
  CHECK(log->states[1] == ~0u);
  CHECK(log->shows[0] == UDIAG_SHOW_NAME);
  CHECK((log->shows[1] & UDIAG_SHOW_PEER) != 0);
}

TEST_CASE("unix_diag: fault policies of auto and netlink", "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  const int fds_before = count_open_fds();
  for (int err : {EPERM, EPROTONOSUPPORT, EACCES}) {
    auto log = std::make_shared<DiagLog>();
    log->fail_open = err;
    Db db(logging_seams(log));
    // auto: the statement reads /proc text, and says so.
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_unix WHERE inode IN (" +
                    zoo.inodes + ")") == "proc");
    CHECK(db.scalar("SELECT count(*) FROM proc_unix WHERE inode IN (" + zoo.inodes + ")") == "20");
    CHECK(log->made >= 1);
    // netlink: a clear SQL error naming the cause.
    db.exec("CREATE VIRTUAL TABLE temp.nl USING proc_unix(source='netlink')");
    CHECK_THAT(db.error_of("SELECT * FROM nl"),
               Catch::Contains("proc_unix: source='netlink': the UNIX_DIAG dump of the reader's "
                               "network namespace failed: " +
                               std::string(strerror(err))));
  }
  {
    // An error that is no property of the machine: an SQL error in auto too.
    auto log = std::make_shared<DiagLog>();
    log->fail_open = EMFILE;
    Db db(logging_seams(log));
    CHECK_THAT(db.error_of("SELECT count(*) FROM proc_unix"),
               Catch::Contains("proc_unix: the UNIX_DIAG dump of the reader's network namespace "
                               "failed: " +
                               std::string(strerror(EMFILE))));
  }
  {
    // A build without netlink support: the factory makes nothing.
    proctab::Seams seams;
    seams.sock_diag = [](proctab::ProcFs&, int) { return std::unique_ptr<proctab::SockDiag>(); };
    Db db(seams);
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_unix WHERE inode IN (" +
                    zoo.inodes + ")") == "proc");
  }
  {
    Db db;
    // netlink cannot read a fixture root; proc reads the live one.
    TempTree tree;
    tree.write("net/unix", "Num       RefCount Protocol Flags    Type St Inode Path\n");
    CHECK_THAT(
        db.error_of("CREATE VIRTUAL TABLE temp.x USING proc_unix(root='" + tree.path() +
                    "', source='netlink')"),
        Catch::Contains("proc_unix: source='netlink' reads this machine's kernel, not root='" +
                        tree.path() + "'"));
    db.exec("CREATE VIRTUAL TABLE temp.fixture USING proc_unix(root='" + tree.path() + "')");
    CHECK(db.scalar("SELECT count(*) FROM fixture") == "0");
    db.exec("CREATE VIRTUAL TABLE temp.p USING proc_unix(source='proc')");
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM p") == "proc");
    CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.y USING proc_unix(source='bpf')"),
               Catch::Contains("'auto', 'netlink', 'proc'"));
  }
  CHECK(count_open_fds() == fds_before);
}

TEST_CASE("unix_diag: no descriptor left open by dumps, joins and namespaces",
          "[unix_diag][live]") {
  REQUIRE_NETLINK();
  Zoo zoo;
  Db db;
  db.query("SELECT * FROM proc_unix");  // first use: caches filled
  const int before = count_open_fds();
  for (int i = 0; i < 20; ++i) {
    db.query(
        "SELECT a.inode, b.inode, a.backlog, b.file_dev FROM proc_unix a JOIN proc_unix b ON "
        "b.inode = a.peer_inode");
    db.query("SELECT count(*) FROM proc_unix WHERE listening");
  }
  CHECK(count_open_fds() == before);
}

namespace {

// A network namespace made with `ip netns add` for one test, deleted after.
class TestNetns {
 public:
  TestNetns() : name_("proctab-unix-" + std::to_string(getpid())) {
    live::run_command("ip netns del " + name_ + " 2>/dev/null");
    int status = 0;
    live::run_command("ip netns add " + name_ + " 2>&1", &status);
    ok_ = status == 0;
  }
  ~TestNetns() { live::run_command("ip netns del " + name_ + " 2>/dev/null"); }
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // Runs fn on a thread inside the namespace: sockets it makes live there.
  template <typename Fn>
  bool inside(Fn&& fn) const {
    bool ok = false;
    std::thread t([&] {
      int ns = open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
      if (ns < 0) return;
      ok = setns(ns, CLONE_NEWNET) == 0;
      close(ns);
      if (ok) fn();
    });
    t.join();
    return ok;
  }

 private:
  std::string name_;
  bool ok_ = false;
};

}  // namespace

TEST_CASE("unix_diag: a second network namespace, both sources side by side",
          "[unix_diag][live][netns]") {
  REQUIRE_NETLINK();
  if (geteuid() != 0) {
    WARN("SKIPPED: needs root for ip netns add");
    return;
  }
  TestNetns ns;
  REQUIRE(ns.ok());
  Fd pair[2], listener;
  const std::string name = std::string("\0proctab-netns-", 15) + std::to_string(getpid());
  REQUIRE(ns.inside([&] {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return;
    pair[0].reset(sv[0]);
    pair[1].reset(sv[1]);
    listener = unix_socket(SOCK_SEQPACKET);
    bind_to(listener, name);
    listen(listener.get(), 2);
  }));
  REQUIRE(pair[0]);
  Db db;
  const std::string netns = db.scalar("SELECT netns FROM proc_unix WHERE inode = " + ino(pair[0]));
  CHECK(netns != db.scalar("SELECT proctab_netns()"));
  db.exec("CREATE VIRTUAL TABLE temp.nl USING proc_unix(source='netlink')");
  db.exec("CREATE VIRTUAL TABLE temp.txt USING proc_unix(source='proc')");
  const std::string where = " WHERE netns = " + netns + " ORDER BY inode";
  Rows netlink = db.query(std::string("SELECT ") + kCommon + " FROM nl" + where);
  Rows proc = db.query(std::string("SELECT ") + kCommon + " FROM txt" + where);
  CHECK(netlink.size() == 3);
  CHECK(netlink == proc);
  CHECK(db.query("SELECT netns_name, source, peer_inode FROM proc_unix WHERE inode = " +
                 ino(pair[1])) == Rows{{ns.name(), "netlink", ino(pair[0])}});
  CHECK(db.scalar("SELECT path FROM nl WHERE inode = " + ino(listener)) ==
        "@proctab-netns-" + std::to_string(getpid()));
  // Every namespace at once (no netns constraint) has them too.
  CHECK(db.scalar("SELECT count(*) FROM proc_unix WHERE inode IN (" + ino(pair[0]) + "," +
                  ino(pair[1]) + "," + ino(listener) + ")") == "3");

  // A namespace we cannot enter (the seam refuses it): auto reads its
  // /proc text, netlink fails naming it.
  auto log = std::make_shared<DiagLog>();
  proctab::Seams seams;
  seams.sock_diag = [log](proctab::ProcFs& fs, int ns_fd) -> std::unique_ptr<proctab::SockDiag> {
    auto diag = std::make_unique<LoggingSockDiag>(fs, ns_fd, log);
    return ns_fd >= 0 ? nullptr : std::move(diag);
  };
  Db refused(seams);
  CHECK(refused.query("SELECT source FROM proc_unix WHERE inode = " + ino(pair[0])) ==
        Rows{{"proc"}});
  // The own namespace (a socket of ours there: a test may run in an
  // otherwise empty one) still through netlink.
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  Fd own_end(sv[0]), other_end(sv[1]);
  CHECK(refused.scalar("SELECT source FROM proc_unix WHERE inode = " + ino(own_end)) == "netlink");
  refused.exec("CREATE VIRTUAL TABLE temp.nl USING proc_unix(source='netlink')");
  // Constrained to our namespace: a namespace another test creates meanwhile
  // (ctest runs cases in parallel) is refused too and could be named first.
  CHECK_THAT(refused.error_of("SELECT * FROM nl WHERE netns = " + netns),
             Catch::Contains("the UNIX_DIAG dump of network namespace " + netns + " failed"));
}

namespace {

// sql/<file> without its dot-commands, as one statement.
std::string sql_file(const std::string& file) {
  std::ifstream in(std::string(PROCTAB_SOURCE_DIR) + "/sql/" + file);
  REQUIRE(in);
  std::string sql, line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '.') sql += line + "\n";
  }
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
  return sql;
}

}  // namespace

TEST_CASE("unix_diag: sql/unix_peers.sql names the process on the other end", "[unix_diag][live]") {
  REQUIRE_NETLINK();
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  Fd mine(sv[0]), theirs(sv[1]);
  int hold[2];
  REQUIRE(pipe2(hold, O_CLOEXEC) == 0);
  Fd hold_read(hold[0]), hold_write(hold[1]);
  // A child keeps the other end (and closes ours) until the pipe closes.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    alarm(30);
    close(sv[0]);
    close(hold[1]);
    char c = 'r';
    if (write(sv[1], &c, 1) != 1) _exit(1);  // ours is closed: the parent may look
    while (read(hold[0], &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  struct Reap {
    pid_t pid;
    Fd& hold;
    ~Reap() {
      hold.reset();  // the child exits on EOF
      int status;
      waitpid(pid, &status, 0);
    }
  } reap{child, hold_write};
  theirs.reset();  // only the child holds it now
  hold_read.reset();
  pollfd ready{mine.get(), POLLIN, 0};
  REQUIRE(poll(&ready, 1, 10000) == 1);
  char c;
  REQUIRE(read(mine.get(), &c, 1) == 1);
  Db db;
  const std::string me = std::to_string(getpid()), them = std::to_string(child);
  const std::string my_fd = std::to_string(mine.get()), their_fd = std::to_string(sv[1]);
  Rows seen;
  // Columns: inode type path pid process fd peer_inode peer_pid peer_process peer_fd netns ...
  for (const auto& row : db.query(sql_file("unix_peers.sql"))) {
    if (row[3] == me && row[5] == my_fd) seen.push_back({row[1], row[2], row[7], row[9]});
    if (row[3] == them && row[5] == their_fd) seen.push_back({row[1], row[2], row[7], row[9]});
  }
  Rows expected{{"stream", "NULL", them, their_fd}, {"stream", "NULL", me, my_fd}};
  std::sort(seen.begin(), seen.end());
  std::sort(expected.begin(), expected.end());
  CHECK(seen == expected);
}

TEST_CASE("unix_diag: a build without netlink support answers from /proc text",
          "[unix_diag][live]") {
  if (proctab::sock_diag_built()) return;  // checked where it applies
  Db db;
  CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_unix") == "proc");
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.nl USING proc_unix(source='netlink')"),
             Catch::Contains("proc_unix: source='netlink': this build has no sock_diag support"));
}
