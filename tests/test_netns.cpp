// Network namespaces: fixture roots with several pids in several namespaces
// (each namespace's files read once, not once per process; `netns = X` reads
// only X), and live tests — sockets in a namespace this test creates with
// `ip netns add`, and UDP / UNIX sockets of this very process — found with
// their owner pid and fd through SQL.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "test_support.h"

using testing::add_fd;
using testing::Db;
using testing::Rows;
using testing::TempTree;

namespace {

// A ProcFs listing directories in numeric order, so "the first pid of a
// namespace" is deterministic whatever the fixture filesystem's order.
// Links named in `denied` fail with EACCES, as another user's ns/net does.
class SortedFs final : public proctab::ProcFs {
 public:
  using ProcFs::ProcFs;
  int list_numeric(int dir_fd, std::vector<int32_t>& out) override {
    size_t before = out.size();
    int err = ProcFs::list_numeric(dir_fd, out);
    std::sort(out.begin() + static_cast<long>(before), out.end());
    return err;
  }
  long read_link(int dir_fd, const char* name, char* buf, size_t size) override {
    for (const auto& d : *denied) {
      if (d == name) {
        counters.links_read++;
        return -EACCES;
      }
    }
    return ProcFs::read_link(dir_fd, name, buf, size);
  }
  std::shared_ptr<std::vector<std::string>> denied;
};

struct Counting {
  std::shared_ptr<std::vector<std::shared_ptr<proctab::ProcFs>>> made =
      std::make_shared<std::vector<std::shared_ptr<proctab::ProcFs>>>();
  std::shared_ptr<std::vector<std::string>> denied = std::make_shared<std::vector<std::string>>();
  proctab::ProcFsFactory factory() const {
    auto list = made;
    auto deny = denied;
    return [list, deny](const std::string& root) {
      auto fs = std::make_shared<SortedFs>(root);
      fs->denied = deny;
      list->push_back(fs);
      return fs;
    };
  }
  uint64_t files() const {
    uint64_t n = 0;
    for (auto& fs : *made) n += fs->counters.files_read;
    return n;
  }
  uint64_t dirs() const {
    uint64_t n = 0;
    for (auto& fs : *made) n += fs->counters.dirs_listed;
    return n;
  }
};

std::string tcp_line(int sl, int port, int inode) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "%4d: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 "
           "       0 %d 1 0000000000000000 100 0 0 10 0\n",
           sl, port, inode);
  return buf;
}

std::string udp_line(int port, int inode) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "  12: 0100007F:%04X 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000 "
           "       0 %d 2 0000000000000000 0\n",
           port, inode);
  return buf;
}

std::string unix_line(int inode, const char* path) {
  return "0000000000000000: 00000002 00000000 00000000 0001 01 " + std::to_string(inode) + " " +
         path + "\n";
}

// Namespace 1000 is the reader's own (self/ns/net); pids 10 and 11 live in
// it. 2000 holds pids 20, 21, 22 (each with a copy of the namespace's files,
// as a real /proc has); 3000 holds pid 30, which vanished (no net/), and 31.
// Pid 40 has no ns link (not ours to inspect).
struct NetnsFixture {
  TempTree tree;
  Counting counts;
  std::unique_ptr<Db> db;

  void namespace_files(const std::string& dir, int base) const {
    const char* header = "  sl  local_address rem_address   st\n";
    tree.write(dir + "net/tcp", header + tcp_line(0, base, base + 1) + tcp_line(1, base, base + 2));
    tree.write(dir + "net/udp", header + udp_line(base, base + 3));
    tree.write(dir + "net/unix", "Num       RefCount Protocol Flags    Type St Inode Path\n" +
                                     unix_line(base + 4, "/run/a b.sock"));
  }

  NetnsFixture() {
    namespace_files("", 1000);
    tree.symlink("self/ns/net", "net:[1000]");
    for (int pid : {10, 11}) tree.symlink(std::to_string(pid) + "/ns/net", "net:[1000]");
    for (int pid : {20, 21, 22}) {
      tree.symlink(std::to_string(pid) + "/ns/net", "net:[2000]");
      namespace_files(std::to_string(pid) + "/", 2000);
    }
    tree.symlink("30/ns/net", "net:[3000]");
    tree.symlink("31/ns/net", "net:[3000]");
    namespace_files("31/", 3000);
    tree.mkdir("40/fd");
    add_fd(tree, 10, 3, "socket:[1001]");
    add_fd(tree, 21, 3, "socket:[2001]");
    add_fd(tree, 21, 4, "socket:[2004]");
    add_fd(tree, 31, 5, "socket:[3001]");
    db = std::make_unique<Db>(counts.factory());
    for (const char* table : {"proc_tcp", "proc_udp", "proc_unix", "proc_fd"}) {
      db->exec(std::string("CREATE VIRTUAL TABLE temp.") + (table + 5) + " USING " + table +
               "(root='" + tree.path() + "')");
    }
  }
};

}  // namespace

TEST_CASE("fixture: every namespace once, through its first live pid", "[netns]") {
  NetnsFixture f;
  uint64_t files = f.counts.files(), dirs = f.counts.dirs();
  Rows rows = f.db->query("SELECT netns, count(*), min(inode) FROM tcp GROUP BY netns ORDER BY 1");
  CHECK(rows == Rows{{"1000", "2", "1001"}, {"2000", "2", "2001"}, {"3000", "2", "3001"}});
  // net/tcp of 1000 (the root's), net/tcp6 of 1000 (absent: so no other
  // namespace is asked for it), 20/net/tcp (not 21's, not 22's), 30/net/tcp
  // (vanished) then 31/net/tcp.
  CHECK(f.counts.files() - files == 5);
  CHECK(f.counts.dirs() - dirs == 1);  // discovery lists the root once

  files = f.counts.files();
  CHECK(f.db->query("SELECT netns, path, inode FROM unix ORDER BY 1") ==
        Rows{{"1000", "/run/a b.sock", "1004"},
             {"2000", "/run/a b.sock", "2004"},
             {"3000", "/run/a b.sock", "3004"}});
  CHECK(f.counts.files() - files == 4);  // 1000, 20, 30 (gone), 31
  files = f.counts.files();
  CHECK(f.db->query("SELECT netns, local_port, state, bucket FROM udp ORDER BY 1") ==
        Rows{{"1000", "1000", "CLOSE", "12"},
             {"2000", "2000", "CLOSE", "12"},
             {"3000", "3000", "CLOSE", "12"}});
  CHECK(f.counts.files() - files == 5);  // as tcp: udp6 is absent
}

TEST_CASE("fixture: a process whose ns link is not ours is skipped", "[netns]") {
  NetnsFixture f;
  // 20 and 21 are another user's: 2000 is read through 22. 30 and 31 both:
  // 3000 is unreachable, and that is no error.
  *f.counts.denied = {"20/ns/net", "21/ns/net", "30/ns/net", "31/ns/net"};
  uint64_t files = f.counts.files();
  CHECK(f.db->query("SELECT netns, count(*) FROM tcp GROUP BY netns ORDER BY 1") ==
        Rows{{"1000", "2"}, {"2000", "2"}});
  CHECK(f.counts.files() - files == 3);  // own tcp, own tcp6 (absent), 22/net/tcp
  CHECK(f.db->query("SELECT pid, netns FROM fd WHERE pid IN (10, 21) ORDER BY 1") ==
        Rows{{"10", "1000"}, {"21", "NULL"}, {"21", "NULL"}});
}

TEST_CASE("fixture: netns = X reads only X", "[netns]") {
  NetnsFixture f;
  uint64_t files = f.counts.files(), dirs = f.counts.dirs();
  CHECK(f.db->scalar("SELECT count(*) FROM tcp WHERE netns = 2000") == "2");
  // 20/net/tcp only: not the own, not 3000's; and 20/net/tcp6, absent while
  // 20/net is there: the namespace has no tcp6, 21 and 22 are not asked.
  CHECK(f.counts.files() - files == 2);
  CHECK(f.counts.dirs() - dirs == 1);  // discovery, to find 2000's pids

  // The own namespace: no discovery at all.
  files = f.counts.files();
  dirs = f.counts.dirs();
  CHECK(f.db->scalar("SELECT count(*) FROM tcp WHERE netns = 1000 AND family = 'inet'") == "2");
  CHECK(f.counts.files() - files == 1);
  CHECK(f.counts.dirs() - dirs == 0);

  files = f.counts.files();
  CHECK(f.db->scalar("SELECT group_concat(netns) FROM (SELECT netns FROM unix WHERE netns IN "
                     "(3000, 1000, 4242) ORDER BY 1)") == "1000,3000");
  CHECK(f.counts.files() - files == 3);  // 1000, 30 (gone), 31
  CHECK(f.db->scalar("SELECT count(*) FROM udp WHERE netns = 4242") == "0");
  CHECK(f.db->scalar("SELECT count(*) FROM udp WHERE netns = NULL") == "0");
  CHECK(f.db->scalar("SELECT count(*) FROM udp WHERE netns = 'x'") == "0");
}

TEST_CASE("fixture: a join over namespaces, (netns, inode) with proc_fd", "[netns]") {
  NetnsFixture f;
  Rows rows = f.db->query(
      "SELECT f.pid, f.fd, f.netns, 'tcp' FROM tcp t JOIN fd f ON f.inode = t.inode AND f.netns "
      "= t.netns UNION ALL SELECT f.pid, f.fd, f.netns, 'unix' FROM unix u JOIN fd f ON f.inode "
      "= u.inode AND f.netns = u.netns ORDER BY 1, 2");
  CHECK(rows == Rows{{"10", "3", "1000", "tcp"},
                     {"21", "3", "2000", "tcp"},
                     {"21", "4", "2000", "unix"},
                     {"31", "5", "3000", "tcp"}});
  // netns of a process whose ns link is missing: NULL.
  CHECK(f.db->scalar("SELECT count(*) FROM fd WHERE netns IS NULL") == "0");
  add_fd(f.tree, 40, 1, "socket:[1]");
  CHECK(f.db->query("SELECT netns FROM fd WHERE pid = 40") == Rows{{"NULL"}});
}

TEST_CASE("fixture: proc_fd reads each ns link once per process, only when asked", "[netns]") {
  NetnsFixture f;
  auto links = [&] {
    uint64_t n = 0;
    for (auto& fs : *f.counts.made) n += fs->counters.links_read;
    return n;
  };
  uint64_t before = links();
  f.db->query("SELECT pid, fd, inode FROM fd");
  CHECK(links() - before == 4);  // the four fd links
  before = links();
  f.db->query("SELECT pid, fd, netns FROM fd");
  CHECK(links() - before == 4 + 3);  // + one ns link for each of pids 10, 21, 31
}

TEST_CASE("fixture: a root without self/ns/net is one unnamed namespace", "[netns]") {
  TempTree tree;
  tree.write("net/udp", "  sl\n" + udp_line(53, 77));
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.u USING proc_udp(root='" + tree.path() + "')");
  CHECK(db.query("SELECT local_port, inode, netns FROM u") == Rows{{"53", "77", "NULL"}});
  CHECK(db.scalar("SELECT count(*) FROM u WHERE netns = 0") == "0");
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.x USING proc_unix(root='" + tree.path() + "')"),
             Catch::Contains("has no readable net/unix"));
}

// ---- live ----------------------------------------------------------------

namespace {

bool have_ip_netns() {
  return geteuid() == 0 && system("ip netns list >/dev/null 2>&1") == 0;
}

// A network namespace created for one test and deleted after, also when the
// test fails.
class ScopedNetns {
 public:
  ScopedNetns() : name_("proctab-test-" + std::to_string(getpid())) {
    system(("ip netns del " + name_ + " 2>/dev/null").c_str());  // a leftover of a crash
    ok_ = system(("ip netns add " + name_).c_str()) == 0 &&
          system(("ip -n " + name_ + " link set lo up").c_str()) == 0;
  }
  ~ScopedNetns() { system(("ip netns del " + name_ + " 2>/dev/null").c_str()); }
  bool ok() const { return ok_; }
  std::string path() const { return "/run/netns/" + name_; }

 private:
  std::string name_;
  bool ok_ = false;
};

// A child process inside the namespace holding a TCP listener, both ends of a
// connection to it and a bound UDP socket, until the parent lets it go. Killed
// and reaped on destruction.
class NetnsChild {
 public:
  explicit NetnsChild(const std::string& netns_path) {
    int ready[2], hold[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return;
    if (pipe2(hold, O_CLOEXEC) != 0) {
      close(ready[0]);
      close(ready[1]);
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      close(hold[1]);
      alarm(60);  // bounded even if the parent dies without a word
      int ns = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
      char ok = ns >= 0 && setns(ns, CLONE_NEWNET) == 0 && serve() ? 'y' : 'n';
      if (write(ready[1], &ok, 1) != 1) _exit(1);
      char c;
      while (read(hold[0], &c, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    hold_ = hold[1];
    char ok = 'n';
    if (pid_ > 0 && read(ready[0], &ok, 1) == 1 && ok == 'y') ready_ = true;
    close(ready[0]);
  }
  ~NetnsChild() {
    if (hold_ >= 0) close(hold_);  // the child exits on EOF
    if (pid_ > 0) {
      int status;
      waitpid(pid_, &status, 0);
    }
  }
  bool ready() const { return ready_; }
  pid_t pid() const { return pid_; }

 private:
  static bool serve() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(8080);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (listener < 0 || client < 0 || udp < 0) return false;
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 4) != 0 ||
        connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return false;
    }
    int served = accept(listener, nullptr, nullptr);
    addr.sin_port = htons(5353);
    return served >= 0 && bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }

  pid_t pid_ = -1;
  int hold_ = -1;
  bool ready_ = false;
};

}  // namespace

TEST_CASE("live: sockets in another network namespace, with their owner", "[netns][live]") {
  if (!have_ip_netns()) {
    WARN("skipped: needs root and iproute2's `ip netns`");
    return;
  }
  int fds_before = testing::count_open_fds();
  {
    ScopedNetns netns;
    REQUIRE(netns.ok());
    struct stat st;
    REQUIRE(stat(netns.path().c_str(), &st) == 0);
    const std::string ns = std::to_string(st.st_ino);
    NetnsChild child(netns.path());
    REQUIRE(child.ready());
    const std::string pid = std::to_string(child.pid());

    Db db;
    CHECK(db.scalar("SELECT proctab_netns() != " + ns) == "1");
    Rows tcp = db.query(
        "SELECT t.state, t.local_port, t.remote_port, t.netns, f.netns FROM proc_tcp t JOIN "
        "proc_fd f ON f.inode = t.inode AND f.netns = t.netns WHERE f.pid = " +
        pid + " ORDER BY t.state, t.local_port");
    REQUIRE(tcp.size() == 3);
    CHECK(tcp[0][0] == "ESTABLISHED");
    CHECK(tcp[1][0] == "ESTABLISHED");
    CHECK(tcp[2] == std::vector<std::string>{"LISTEN", "8080", "0", ns, ns});
    CHECK((tcp[0][1] == "8080" || tcp[1][1] == "8080"));
    CHECK(db.query("SELECT u.local_port, u.state, u.netns FROM proc_udp u JOIN proc_fd f USING "
                   "(inode) WHERE f.pid = " +
                   pid) == Rows{{"5353", "CLOSE", ns}});
    // Pushed down: only that namespace, and the own one excludes it.
    CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE netns = " + ns) == "3");
    CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE netns = proctab_netns() AND netns = " +
                    ns) == "0");
    CHECK(db.scalar("SELECT count(*) FROM proc_udp WHERE netns = " + ns) == "1");
    // Known by its name everywhere, as `ip netns` knows it.
    const std::string name = "'proctab-test-" + std::to_string(getpid()) + "'";
    CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE netns_name = " + name) == "3");
    CHECK(db.scalar("SELECT group_concat(DISTINCT netns_name) FROM proc_udp WHERE netns = " + ns) ==
          name.substr(1, name.size() - 2));
    const std::string fds = db.scalar("SELECT count(*) FROM proc_fd WHERE pid = " + pid);
    CHECK(fds != "0");
    CHECK(db.scalar("SELECT count(*) FROM proc_fd WHERE pid = " + pid +
                    " AND netns_name = " + name) == fds);
    CHECK(db.scalar("SELECT netns_name FROM proc_process WHERE pid = " + pid) ==
          name.substr(1, name.size() - 2));
    CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE netns = proctab_netns() AND netns_name "
                    "IS NOT NULL") == "0");
  }
  CHECK(testing::count_open_fds() == fds_before);
  CHECK(access(("/run/netns/proctab-test-" + std::to_string(getpid())).c_str(), F_OK) != 0);
}

namespace {

struct OwnedFds {
  std::vector<int> fds;
  ~OwnedFds() {
    for (int fd : fds) close(fd);
  }
  int add(int fd) {
    if (fd >= 0) fds.push_back(fd);
    return fd;
  }
};

}  // namespace

TEST_CASE("live: this process's UDP and UNIX sockets, with their fds", "[udp][unix][live]") {
  TempTree dir;
  OwnedFds owned;
  const std::string pid = std::to_string(getpid());
  Db db;

  // UDP: a bound receiver (CLOSE) and a sender connected to it (ESTABLISHED).
  int rx = owned.add(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  int tx = owned.add(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  REQUIRE((rx >= 0 && tx >= 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(rx, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(rx, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  REQUIRE(connect(tx, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(send(tx, "hello", 5, 0) == 5);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  Rows udp = db.query(
      "SELECT f.fd, u.state, u.local_port = " + port + ", u.remote_port = " + port +
      ", u.rx_queue > 0, u.netns = proctab_netns() FROM proc_udp u JOIN proc_fd f USING (inode) "
      "WHERE f.pid = " +
      pid + " AND " + port + " IN (u.local_port, u.remote_port) ORDER BY f.fd");
  CHECK(udp == Rows{{std::to_string(std::min(rx, tx)), rx < tx ? "CLOSE" : "ESTABLISHED",
                     rx < tx ? "1" : "0", rx < tx ? "0" : "1", rx < tx ? "1" : "0", "1"},
                    {std::to_string(std::max(rx, tx)), rx < tx ? "ESTABLISHED" : "CLOSE",
                     rx < tx ? "0" : "1", rx < tx ? "1" : "0", rx < tx ? "0" : "1", "1"}});

  // UNIX: a socketpair (unnamed, connected), a listener on a path with a
  // space, an abstract datagram name with an embedded NUL.
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  owned.add(pair[0]);
  owned.add(pair[1]);
  const std::string path = dir.path() + "/a socket " + pid;
  int listener = owned.add(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof un.sun_path);
  memcpy(un.sun_path, path.c_str(), path.size() + 1);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&un), sizeof un) == 0);
  REQUIRE(listen(listener, 1) == 0);
  int abstract = owned.add(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const std::string name = std::string("\0proctab test ", 14) + pid + std::string("\0x", 2);
  sockaddr_un an{};
  an.sun_family = AF_UNIX;
  memcpy(an.sun_path, name.data(), name.size());
  REQUIRE(bind(abstract, reinterpret_cast<sockaddr*>(&an),
               static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())) == 0);

  auto owner = [&](int fd) {
    return db.query(
        "SELECT u.type, u.state, u.listening, u.path, u.abstract, "
        "u.netns = proctab_netns() FROM proc_fd f JOIN proc_unix u USING (inode) "
        "WHERE f.pid = " +
        pid + " AND f.fd = " + std::to_string(fd));
  };
  CHECK(owner(pair[0]) == Rows{{"stream", "CONNECTED", "0", "NULL", "NULL", "1"}});
  CHECK(owner(pair[1]) == Rows{{"stream", "CONNECTED", "0", "NULL", "NULL", "1"}});
  CHECK(owner(listener) == Rows{{"stream", "UNCONNECTED", "1", path, "0", "1"}});
  CHECK(owner(abstract) ==
        Rows{{"dgram", "UNCONNECTED", "0", "@proctab test " + pid + "@x", "1", "1"}});
  // And from the socket side: the path names its owner.
  CHECK(db.query("SELECT f.fd FROM proc_unix u JOIN proc_fd f USING (inode) WHERE u.path = '" +
                 path + "'") == Rows{{std::to_string(listener)}});
}

namespace {

// Leaves a TIME_WAIT socket in the namespace and exits: afterwards no process
// is in it, and only its /run/netns entry holds it.
bool leave_time_wait(const std::string& netns_path) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(20);
    int ns = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) _exit(1);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(9099);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 4) != 0 ||
        connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      _exit(1);
    }
    int served = accept(listener, nullptr, nullptr);
    close(client);  // the client closes first: it ends in TIME_WAIT
    char c;
    while (read(served, &c, 1) > 0) {
    }
    close(served);
    usleep(100 * 1000);  // the last ACK
    _exit(0);
  }
  int status = 0;
  return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("live: a namespace held only by its /run/netns name is read too", "[netns][live]") {
  if (!have_ip_netns()) {
    WARN("skipped: needs root and iproute2's `ip netns`");
    return;
  }
  int fds_before = testing::count_open_fds();
  {
    ScopedNetns netns;
    REQUIRE(netns.ok());
    struct stat st;
    REQUIRE(stat(netns.path().c_str(), &st) == 0);
    const std::string ns = std::to_string(st.st_ino);
    REQUIRE(leave_time_wait(netns.path()));
    const std::string name = "proctab-test-" + std::to_string(getpid());
    Db db;
    // No process is in it: only entering it (a thread's setns) can read it.
    CHECK(db.scalar("SELECT count(*) FROM proc_process WHERE netns = " + ns) == "0");
    Rows rows = db.query(
        "SELECT state, local_port, remote_port, netns, netns_name FROM proc_tcp "
        "WHERE netns_name = '" +
        name + "'");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == std::vector<std::string>{"TIME_WAIT", rows[0][1], "9099", ns, name});
    CHECK(db.scalar("SELECT count(*) FROM proc_tcp WHERE netns = " + ns) == "1");
    // The reader's own namespace is untouched by the visit.
    CHECK(db.scalar("SELECT proctab_netns() != " + ns) == "1");
    // A netns_dir that is not the live one: no names, no extra namespaces.
    TempTree empty;
    empty.mkdir("netns");
    db.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(netns_dir='" + empty.path() + "/netns')");
    CHECK(db.scalar("SELECT count(*) FROM t WHERE netns = " + ns) == "0");
    CHECK(db.scalar("SELECT count(*) FROM t WHERE netns_name IS NOT NULL") == "0");
  }
  CHECK(testing::count_open_fds() == fds_before);
}

TEST_CASE("fixture: netns_dir entries that are not namespaces, and faults entering one",
          "[netns][faults]") {
  TempTree tree;
  tree.write("net/tcp", std::string(testing::kHeader) + tcp_line(0, 80, 7));
  tree.mkdir("self");
  tree.write("names/plain-file", "not a namespace");
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(root='" + tree.path() + "', netns_dir='" +
          tree.path() + "/names')");
  // The plain file is listed as a name but cannot be entered (EINVAL): skipped.
  CHECK(db.scalar("SELECT count(*) FROM t") == "1");
  CHECK(db.scalar("SELECT count(*) FROM t WHERE netns_name IS NOT NULL") == "0");
  // A name that opens as a namespace but may not be entered (EPERM from
  // setns, as for a non-root reader): skipped, never an error.
  struct NoEntry final : proctab::ProcFs {
    using ProcFs::ProcFs;
    proctab::Fd open_netns(int, const char*, int& err) override {
      err = 0;
      return proctab::Fd(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    }
    int in_netns(int, const std::function<int()>&) override {
      ++entered;
      return EPERM;
    }
    int entered = 0;
  };
  auto made = std::make_shared<std::vector<std::shared_ptr<NoEntry>>>();
  Db denied([made](const std::string& root) {
    auto fs = std::make_shared<NoEntry>(root);
    made->push_back(fs);
    return fs;
  });
  denied.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(root='" + tree.path() + "', netns_dir='" +
              tree.path() + "/names')");
  CHECK(denied.scalar("SELECT count(*) FROM t") == "1");
  int entered = 0;
  for (auto& fs : *made) entered += fs->entered;
  CHECK(entered == 1);
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.u USING proc_tcp(root='" + tree.path() +
                         "', netns_dir='" + tree.path() + "/nope')"),
             Catch::Contains("netns_dir '" + tree.path() + "/nope'"));
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.v USING proc_tcp(netns_dir='')"),
             Catch::Contains("argument netns_dir is empty"));
}
