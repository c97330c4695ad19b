// Live tests of the lsof / lslocks / ss -0 -w tables and queries against the
// classic tools and /proc, for processes and files this test makes itself:
// a deleted file of a known size, a deleted library mapped by a child, flock,
// POSIX and OFD locks with a blocked waiter, raw, packet, netlink and ping
// sockets, and a listener in a network namespace of its own.
//
// Everything is owned by RAII objects (descriptors, children, temporary
// files); children are killed and reaped on every exit path.
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "live_sockets.h"
#include "parse/cgroup.h"
#include "test_support.h"

using testing::Child;
using testing::Db;
using testing::Rows;

namespace {

// A descriptor that closes itself.
struct Owned {
  int fd = -1;
  Owned() = default;
  explicit Owned(int f) : fd(f) {}
  Owned(Owned&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Owned& operator=(Owned&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Owned() {
    if (fd >= 0) close(fd);
  }
};

// A temporary directory (removed with its files).
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/proctab-live-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { live::run_command("rm -rf '" + path + "'"); }
};

std::string dev_text(dev_t dev) {
  return std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
}

// A named query file's SQL without its dot-commands, with :pid bound as text.
std::string named_query(const std::string& file) {
  std::ifstream in(std::string(PROCTAB_SOURCE_DIR) + "/sql/" + file);
  REQUIRE(in);
  std::string sql, line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '.') continue;
    sql += line + "\n";
  }
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
  return sql;
}

void load_views(const Db& db) {
  for (const char* file : {"/sql/osquery.sql", "/sql/lsof.sql"}) {
    std::ifstream in(std::string(PROCTAB_SOURCE_DIR) + file);
    REQUIRE(in);
    db.exec(std::string(std::istreambuf_iterator<char>(in), {}));
  }
}

// `lsof -F` output as one field map per file of the process: f (FD), a
// (access: r, w, u), t (TYPE), s (size), i (inode), k (links), n (NAME),
// and X for a socket's state (the TST= line; lsof's own listing shows it
// after NAME, in parentheses).
std::vector<std::map<char, std::string>> lsof_files(const std::string& args) {
  int status = -1;
  std::string out = live::run_command("lsof -w -nP " + args + " -F fatsiknT 2>/dev/null", &status);
  std::vector<std::map<char, std::string>> files;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == 'f') files.emplace_back();
    if (files.empty() || line[0] == 'p') continue;
    if (line.rfind("TST=", 0) == 0) {
      files.back()['X'] = line.substr(4);  // a socket's state
    } else if (line[0] != 'T') {
      files.back()[line[0]] = line.substr(1);
    }
  }
  return files;
}

void require_program(const char* name) {
  if (!live::have_program(name)) {
    FAIL(std::string(name) + " is not installed (scripts/install-deps.sh test installs it)");
  }
}

// Re-queries until `sql` gives `want` (the kernel settles asynchronously:
// a blocked lock request, a child's namespace), at most 5 s.
std::string await(const Db& db, const std::string& sql, const std::string& want) {
  std::string got;
  for (int i = 0; i < 500; ++i) {
    got = db.scalar(sql);
    if (got == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return got;
}

}  // namespace

TEST_CASE("live: a deleted file of a known size: proc_fd and deleted-files agree with lsof +L1",
          "[live][lsof]") {
  require_program("lsof");
  TempDir dir;
  const std::string path = dir.path + "/big log (deleted) file";
  Owned file(open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  REQUIRE(file.fd >= 0);
  const std::string data(123457, 'x');
  REQUIRE(write(file.fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  struct stat st;
  REQUIRE(fstat(file.fd, &st) == 0);
  REQUIRE(unlink(path.c_str()) == 0);
  const std::string me = std::to_string(getpid()), fd = std::to_string(file.fd);

  Db db;
  CHECK(db.query("SELECT path, deleted, size, links, file_type, file_dev, file_inode FROM proc_fd "
                 "WHERE pid = " +
                 me + " AND fd = " + fd) ==
        Rows{{path, "1", "123457", "0", "REG", dev_text(st.st_dev), std::to_string(st.st_ino)}});
  // The named query lists it, with its size.
  bool listed = false;
  for (const auto& row : db.query(named_query("deleted_files.sql"))) {
    if (row[0] == me && row[3] == fd) {
      listed = true;
      CHECK(row[4] == path);
      CHECK(row[5] == "123457");
      CHECK(row[6] == "0");
    }
  }
  CHECK(listed);

  // lsof +L1: files whose link count is below 1, with SIZE and NLINK.
  bool seen = false;
  for (auto& f : lsof_files("+L1 -a -p " + me)) {
    if (f['f'] != fd) continue;
    seen = true;
    CHECK(f['s'] == "123457");
    CHECK(f['k'] == "0");
    CHECK(f['i'] == std::to_string(st.st_ino));
    CHECK(f['n'] == path + " (deleted)");
  }
  CHECK(seen);
}

TEST_CASE(
    "live: a child mapping a deleted library: proc_maps, the lsof view and deleted-libraries "
    "agree with lsof -p and /proc",
    "[live][lsof]") {
  require_program("lsof");
  TempDir dir;
  // The library: a copy of zlib (on every Debian system; a copy at another
  // path is another file, loaded anew), with a space in its name.
  const std::string lib = dir.path + "/lib z copy.so.1";
  REQUIRE(live::run_command("cp \"$(ldconfig -p | awk '/libz\\.so\\.1 /{print $NF; exit}')\" '" +
                            lib + "' && echo ok") == "ok\n");
  struct stat lib_st;
  REQUIRE(stat(lib.c_str(), &lib_st) == 0);
  const std::string plain = dir.path + "/notes.txt";
  { std::ofstream(plain) << "hello\n"; }
  const std::string gone = dir.path + "/scratch";
  const std::string sock = dir.path + "/s.sock";
  Child child([&]() -> std::string {
    if (!dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL)) return std::string("dlopen: ") + dlerror();
    // Descriptors of every kind lsof names: read, write, deleted, pipe, sockets.
    if (open(plain.c_str(), O_RDONLY) < 0) return "open";
    int w = open(gone.c_str(), O_CREAT | O_WRONLY, 0600);
    if (w < 0 || unlink(gone.c_str()) != 0) return "scratch";
    int p[2];
    if (pipe(p) != 0) return "pipe";
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(tcp, 1) != 0) {
      return "tcp";
    }
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "udp";
    int unix_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un u{};
    u.sun_family = AF_UNIX;
    std::strncpy(u.sun_path, sock.c_str(), sizeof u.sun_path - 1);
    if (bind(unix_fd, reinterpret_cast<sockaddr*>(&u), sizeof u) != 0 || listen(unix_fd, 1) != 0) {
      return "unix";
    }
    return "";
  });
  REQUIRE(child.status() == "ok");
  REQUIRE(unlink(lib.c_str()) == 0);  // an upgrade replaces the file: the mapping stays
  const std::string pid = std::to_string(child.pid());

  Db db;
  load_views(db);
  // proc_maps: every mapping of the library, deleted, with its device and inode.
  Rows maps =
      db.query("SELECT DISTINCT deleted, kind, dev, inode FROM proc_maps WHERE pid = " + pid +
               " AND path = '" + lib + "'");
  CHECK(maps == Rows{{"1", "file", dev_text(lib_st.st_dev), std::to_string(lib_st.st_ino)}});
  // /proc/PID/maps has as many lines of it as proc_maps has rows.
  std::ifstream maps_file("/proc/" + pid + "/maps");
  int lines = 0;
  for (std::string line; std::getline(maps_file, line);) {
    if (line.find(lib + " (deleted)") != std::string::npos) ++lines;
  }
  CHECK(lines > 0);
  CHECK(db.scalar("SELECT count(*) FROM proc_maps WHERE pid = " + pid + " AND path = '" + lib +
                  "'") == std::to_string(lines));
  // The named query lists the child with the library.
  bool listed = false;
  for (const auto& row : db.query(named_query("deleted_libraries.sql"))) {
    if (row[0] == pid) listed = row[4].find(lib) != std::string::npos;
  }
  CHECK(listed);

  // The lsof view against lsof -p: the same rows (FD with its mode, TYPE,
  // NAME), cwd, rtd, txt, mem and DEL included.
  std::multiset<std::string> ours, theirs;
  // (lsof prints a descriptor above 9999 as '*' and its last three digits:
  // valgrind's own are such; both sides leave those out.)
  for (const auto& row : db.query("SELECT fd, type, name FROM lsof WHERE pid = " + pid +
                                  " AND coalesce(fd_number, 0) < 10000")) {
    ours.insert(row[0] + " " + row[1] + " " + row[2]);
  }
  for (auto& f : lsof_files("-p " + pid)) {
    if (f['f'].rfind('*', 0) == 0) continue;
    std::string fd = f['f'] + (f['a'] == " " ? "" : f['a']);
    // A socket's NAME as lsof lists it: endpoints, then "(STATE)".
    std::string name = f['n'] + (f.count('X') ? " (" + f['X'] + ")" : "");
    theirs.insert(fd + " " + f['t'] + " " + name);
  }
  INFO("proctab lsof view: " << Catch::Detail::stringify(ours));
  INFO("lsof -p:           " << Catch::Detail::stringify(theirs));
  CHECK(ours == theirs);
  CHECK(ours.count("DEL REG " + lib) == 1);
}

TEST_CASE(
    "live: flock, POSIX and OFD locks and a blocked waiter: proc_locks and the locks query "
    "agree with lslocks and /proc/locks",
    "[live][lslocks]") {
  require_program("lslocks");
  TempDir dir;
  const std::string a = dir.path + "/flocked", b = dir.path + "/posix locked",
                    c = dir.path + "/ofd";
  Owned fa(open(a.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  Owned fb(open(b.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  Owned fc(open(c.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  REQUIRE((fa.fd >= 0 && fb.fd >= 0 && fc.fd >= 0));
  REQUIRE(flock(fa.fd, LOCK_EX | LOCK_NB) == 0);
  struct flock range {};
  range.l_type = F_WRLCK;
  range.l_whence = SEEK_SET;
  range.l_start = 10;
  range.l_len = 20;  // bytes 10..29
  REQUIRE(fcntl(fb.fd, F_SETLK, &range) == 0);
  struct flock ofd {};
  ofd.l_type = F_RDLCK;
  ofd.l_whence = SEEK_SET;
  REQUIRE(fcntl(fc.fd, F_OFD_SETLK, &ofd) == 0);
  struct stat sa, sb, sc;
  REQUIRE((fstat(fa.fd, &sa) == 0 && fstat(fb.fd, &sb) == 0 && fstat(fc.fd, &sc) == 0));
  // A child that blocks on the POSIX range.
  Child waiter([&]() -> std::string {
    std::thread([&] {
      int fd = open(b.c_str(), O_RDWR);
      struct flock want {};
      want.l_type = F_WRLCK;
      want.l_whence = SEEK_SET;
      want.l_start = 15;
      want.l_len = 1;
      fcntl(fd, F_SETLKW, &want);  // blocks until we die
    }).detach();
    return "";
  });
  REQUIRE(waiter.status() == "ok");
  const std::string me = std::to_string(getpid()), child = std::to_string(waiter.pid());

  Db db;
  CHECK(await(db, "SELECT count(*) FROM proc_locks WHERE pid = " + child + " AND waiting", "1") ==
        "1");
  CHECK(db.query("SELECT type, mode, dev, inode, start, \"end\", waiting, blocker_pid FROM "
                 "proc_locks WHERE pid IN (" +
                 me + ", " + child + ", -1) AND inode IN (" + std::to_string(sa.st_ino) + ", " +
                 std::to_string(sb.st_ino) + ", " + std::to_string(sc.st_ino) +
                 ") ORDER BY waiting, type") ==
        Rows{{"FLOCK", "WRITE", dev_text(sa.st_dev), std::to_string(sa.st_ino), "0", "NULL", "0",
              "NULL"},
             {"OFDLCK", "READ", dev_text(sc.st_dev), std::to_string(sc.st_ino), "0", "NULL", "0",
              "NULL"},
             {"POSIX", "WRITE", dev_text(sb.st_dev), std::to_string(sb.st_ino), "10", "29", "0",
              "NULL"},
             {"POSIX", "WRITE", dev_text(sb.st_dev), std::to_string(sb.st_ino), "15", "15", "1",
              me}});
  // The named query names the files through the holders' descriptors.
  std::set<std::string> paths;
  for (const auto& row : db.query(named_query("locks.sql"))) {
    if (row[0] == me) paths.insert(row[8]);
  }
  CHECK(paths == std::set<std::string>{a, b});

  // /proc/locks itself: as many lines of ours as rows.
  std::ifstream locks("/proc/locks");
  int lines = 0;
  for (std::string line; std::getline(locks, line);) {
    for (const struct stat* s : {&sa, &sb, &sc}) {
      if (line.find(":" + std::to_string(s->st_ino) + " ") != std::string::npos) ++lines;
    }
  }
  CHECK(db.scalar("SELECT count(*) FROM proc_locks WHERE inode IN (" + std::to_string(sa.st_ino) +
                  ", " + std::to_string(sb.st_ino) + ", " + std::to_string(sc.st_ino) + ")") ==
        std::to_string(lines));

  // lslocks: TYPE, MODE (a waiter's marked '*'), START, END, PATH, BLOCKER.
  int status = -1;
  std::string out = live::run_command(
      "lslocks --noheadings --raw --notruncate -o PID,TYPE,MODE,START,END,BLOCKER,PATH 2>&1",
      &status);
  INFO("lslocks:\n" << out);
  REQUIRE(status == 0);
  std::set<std::string> theirs;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(me + " ", 0) == 0 || line.rfind(child + " ", 0) == 0) theirs.insert(line);
  }
  // lslocks prints END 0 for a lock to the end of the file, and '\x20' for
  // a space in a --raw PATH.
  auto raw = [](std::string p) {
    for (size_t i; (i = p.find(' ')) != std::string::npos;) p.replace(i, 1, "\\x20");
    return p;
  };
  std::set<std::string> ours;
  for (const auto& row : db.query("SELECT l.pid, l.type, l.mode || CASE WHEN l.waiting THEN '*' "
                                  "ELSE '' END, l.start, coalesce(l.\"end\", 0), "
                                  "coalesce(l.blocker_pid, ''), f.path FROM proc_locks l JOIN "
                                  "proc_fd f ON f.pid = l.pid AND f.file_dev = l.dev AND "
                                  "f.file_inode = l.inode WHERE l.pid IN (" +
                                  me + ", " + child + ")")) {
    std::string line = row[0] + " " + row[1] + " " + row[2] + " " + row[3] + " " + row[4] + " " +
                       row[5] + " " + raw(row[6]);
    ours.insert(line);
  }
  CHECK(ours == theirs);
}

TEST_CASE(
    "live: raw, packet and netlink sockets: proc_raw, proc_packet, proc_netlink and the "
    "sniffers query agree with ss",
    "[live][ss]") {
  require_program("ss");
  Owned raw(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
  if (raw.fd < 0 && (errno == EPERM || errno == EACCES)) {
    WARN("SKIPPED: raw and packet sockets need CAP_NET_RAW (run as root)");
    return;
  }
  REQUIRE(raw.fd >= 0);
  Owned raw6(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
  Owned packet(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
  Owned netlink(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));
  REQUIRE((packet.fd >= 0 && netlink.fd >= 0));
  sockaddr_nl nl{};
  nl.nl_family = AF_NETLINK;
  REQUIRE(bind(netlink.fd, reinterpret_cast<sockaddr*>(&nl), sizeof nl) == 0);
  socklen_t nl_len = sizeof nl;
  REQUIRE(getsockname(netlink.fd, reinterpret_cast<sockaddr*>(&nl), &nl_len) == 0);
  auto inode = [](int fd) {
    struct stat st;
    REQUIRE(fstat(fd, &st) == 0);
    return std::to_string(st.st_ino);
  };
  const std::string me = std::to_string(getpid());

  Db db;
  CHECK(db.query("SELECT family, protocol, protocol_name, local_address, state FROM proc_raw "
                 "WHERE inode = " +
                 inode(raw.fd)) == Rows{{"inet", "1", "icmp", "0.0.0.0", "CLOSE"}});
  if (raw6.fd >= 0) {
    CHECK(db.query("SELECT family, protocol, protocol_name FROM proc_raw WHERE inode = " +
                   inode(raw6.fd)) == Rows{{"inet6", "58", "icmpv6"}});
  }
  CHECK(db.query("SELECT type, protocol, protocol_name, ifindex, running FROM proc_packet WHERE "
                 "inode = " +
                 inode(packet.fd)) == Rows{{"raw", "3", "ALL", "0", "1"}});
  CHECK(db.query("SELECT protocol_name, portid FROM proc_netlink WHERE inode = " +
                 inode(netlink.fd)) == Rows{{"route", std::to_string(nl.nl_pid)}});
  // The sniffers query finds both with their owner.
  std::set<std::string> kinds;
  for (const auto& row : db.query(named_query("sniffers.sql"))) {
    if (row[3] == me) kinds.insert(row[0] + " " + row[1] + " " + row[6]);
  }
  CHECK(kinds.count("packet ALL " + std::to_string(packet.fd)) == 1);
  CHECK(kinds.count("raw icmp " + std::to_string(raw.fd)) == 1);

  // ss -0 (packet: with the inode), ss -w (raw: local "address:protocol"
  // and the owner's fd), ss -A netlink (proto:portid).
  std::string out = live::run_command("ss -0 -a -n -e -H 2>&1");
  CHECK(out.find("ino:" + inode(packet.fd)) != std::string::npos);
  out = live::run_command("ss -w -a -n -H -p 2>&1");
  CHECK(out.find("0.0.0.0:1 ") != std::string::npos);
  CHECK(out.find("pid=" + me + ",fd=" + std::to_string(raw.fd) + ")") != std::string::npos);
  out = live::run_command("ss -A netlink -a -n -H 2>&1");
  CHECK(out.find(" 0:" + std::to_string(nl.nl_pid) + " ") != std::string::npos);
}

TEST_CASE(
    "live: listening shows TCP and UDP listeners with process, user and namespace; a "
    "listener and a ping socket in a namespace of their own are told apart",
    "[live][ss][netns]") {
  require_program("ss");
  require_program("nsenter");
  // Ours: a TCP listener and an unconnected UDP socket on loopback.
  live::Fd tcp = live::listen_on(live::Family::IPv4);
  Owned udp(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(udp.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  const int tcp_port = live::local_endpoint(tcp.get()).port;
  const int udp_port = live::local_endpoint(udp.fd).port;
  // A child in a new network namespace (a container, as far as sockets go)
  // listening on the same port, with a ping socket (ping_group_range is per
  // namespace).
  Child contained([&]() -> std::string {
    if (unshare(CLONE_NEWNET) != 0) return std::string("unshare: ") + strerror(errno);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(static_cast<uint16_t>(tcp_port));
    if (bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 || listen(s, 1) != 0) {
      return "listen";
    }
    std::ofstream("/proc/sys/net/ipv4/ping_group_range") << "0 0\n";
    // Listed once bound (or first used): unbound ping sockets are in no hash.
    int ping = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    sockaddr_in none{};
    none.sin_family = AF_INET;
    if (ping < 0 || bind(ping, reinterpret_cast<sockaddr*>(&none), sizeof none) != 0) {
      return "ping socket";
    }
    return "";
  });
  if (contained.status().rfind("unshare", 0) == 0) {
    WARN("SKIPPED: " << contained.status() << " (a network namespace needs CAP_SYS_ADMIN)");
    return;
  }
  REQUIRE(contained.status() == "ok");
  const std::string me = std::to_string(getpid()), child = std::to_string(contained.pid());
  char link[64];
  ssize_t n = readlink(("/proc/" + child + "/ns/net").c_str(), link, sizeof link);
  REQUIRE(n > 5);
  const std::string child_ns = std::string(link + 5, static_cast<size_t>(n) - 6);  // net:[N]
  std::string comm;
  std::getline(std::ifstream("/proc/self/comm"), comm);

  Db db;
  std::set<std::string> ours;
  for (const auto& row : db.query(named_query("listening.sql"))) {
    // protocol family address port pid process user fd netns netns_name own
    if (row[4] == me || row[4] == child) {
      ours.insert(row[0] + " " + row[2] + ":" + row[3] + " " + row[4] + " " + row[5] + " " +
                  row[6] + " " + row[10] + (row[10] == "0" ? " " + row[8] : ""));
    }
  }
  const std::string user = getuid() == 0 ? "root" : "NULL";
  CHECK(ours.count("tcp 127.0.0.1:" + std::to_string(tcp_port) + " " + me + " " + comm + " " +
                   user + " 1") == 1);
  CHECK(ours.count("udp 127.0.0.1:" + std::to_string(udp_port) + " " + me + " " + comm + " " +
                   user + " 1") == 1);
  CHECK(ours.count("tcp 0.0.0.0:" + std::to_string(tcp_port) + " " + child + " " + comm + " " +
                   user + " 0 " + child_ns) == 1);
  // The child's namespace as ss sees it from inside: the same listeners.
  std::set<std::string> from_ss, from_sql;
  std::istringstream in(live::run_command("nsenter -t " + child + " -n ss -Htln 2>&1"));
  for (std::string line; std::getline(in, line);) {
    std::string tok[5];
    std::istringstream(line) >> tok[0] >> tok[1] >> tok[2] >> tok[3];
    from_ss.insert(tok[3]);
  }
  for (const auto& row : db.query("SELECT local_address || ':' || local_port FROM proc_tcp WHERE "
                                  "state = 'LISTEN' AND netns = " +
                                  child_ns)) {
    from_sql.insert(row[0]);
  }
  CHECK(from_sql == from_ss);
  // by-state counts per namespace: the child's has one listener.
  bool counted = false;
  for (const auto& row : db.query(named_query("connections_by_state.sql"))) {
    // netns netns_name own state family sockets
    if (row[0] == child_ns && row[3] == "LISTEN") counted = row[5] == "1" && row[2] == "0";
  }
  CHECK(counted);
  // The ping socket, in the child's namespace only.
  CHECK(db.scalar("SELECT count(*) FROM proc_icmp i JOIN proc_fd f USING (inode) WHERE f.pid = " +
                  child + " AND i.netns = " + child_ns) == "1");
}

TEST_CASE("live: proc_process.user and cgroup agree with passwd and /proc", "[live][process]") {
  Db db;
  const std::string me = std::to_string(getpid());
  std::ifstream in("/proc/self/cgroup");
  std::string text(std::istreambuf_iterator<char>(in), {});
  auto want = proctab::process_cgroup_path(text);
  REQUIRE(want.has_value());
  CHECK(db.scalar("SELECT cgroup FROM proc_process WHERE pid = " + me) == std::string(*want));
  // Our uid's first line in /etc/passwd.
  std::ifstream passwd("/etc/passwd");
  std::string name = "NULL";
  for (std::string line; std::getline(passwd, line);) {
    std::istringstream f(line);
    std::string user, x, uid;
    std::getline(f, user, ':');
    std::getline(f, x, ':');
    std::getline(f, uid, ':');
    if (uid == std::to_string(getuid())) {
      name = user;
      break;
    }
  }
  CHECK(db.scalar("SELECT user FROM proc_process WHERE pid = " + me) == name);
}

TEST_CASE("live: a listener in a namespace made with ip netns add shows its name in listening",
          "[live][netns]") {
  require_program("ip");
  const std::string name = "proctab-listen-" + std::to_string(getpid());
  int status = -1;
  live::run_command("ip netns add " + name + " 2>&1", &status);
  if (status != 0) {
    WARN("SKIPPED: ip netns add failed (needs root)");
    return;
  }
  struct Remove {
    std::string name;
    ~Remove() { live::run_command("ip netns del " + name + " 2>&1"); }
  } remove{name};
  const std::string path = "/run/netns/" + name;
  Child inside([&]() -> std::string {
    int ns = open(path.c_str(), O_RDONLY);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) return std::string("setns: ") + strerror(errno);
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 any{};
    any.sin6_family = AF_INET6;
    if (bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 || listen(s, 1) != 0) {
      return "listen";
    }
    return "";
  });
  REQUIRE(inside.status() == "ok");
  const std::string child = std::to_string(inside.pid());
  Db db;
  bool named = false;
  for (const auto& row : db.query(named_query("listening.sql"))) {
    // protocol family address port pid process user fd netns netns_name own
    if (row[4] == child)
      named = row[0] == "tcp" && row[1] == "inet6" && row[9] == name && row[10] == "0";
  }
  CHECK(named);
  CHECK(db.scalar("SELECT netns_name FROM proc_process WHERE pid = " + child) == name);
}
