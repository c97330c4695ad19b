// SQL over fixture roots for the lsof / lslocks / ss -0 -w tables: proc_maps,
// proc_locks, proc_raw, proc_icmp, proc_packet, proc_netlink, etc_passwd,
// etc_group, proc_process.user / cgroup and proc_fd's statx columns — every
// column, what is read when (per-path read counters), the etc='...' seam,
// and the errors.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <functional>
#include <map>

#include "sqlite/args.h"
#include "test_support.h"

using testing::add_fd;
using testing::CountingFactory;
using testing::Db;
using testing::PathCountingFactory;
using testing::Rows;
using testing::TempTree;

namespace {

const char* kDgramHeader =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode ref pointer drops\n";

void write_process(const TempTree& tree, int pid, const std::string& name, int uid) {
  const std::string p = std::to_string(pid);
  tree.write(p + "/stat", p + " (" + name +
                              ") S 1 1 1 0 -1 4194560 1 0 0 0 100 200 0 0 20 0 1 0 5000 "
                              "1000000 25");
  tree.write(p + "/status", "Name:\t" + name + "\nUid:\t" + std::to_string(uid) + "\t" +
                                std::to_string(uid) + "\t0\t0\nGid:\t0\t0\t0\t0\n");
}

void write_maps(const TempTree& tree) {
  write_process(tree, 100, "server", 1000);
  write_process(tree, 200, "client", 0);
  tree.write("100/maps",
             "00400000-00452000 r-xp 00000000 fe:00 100      /usr/bin/server\n"
             "00e03000-00e24000 rw-p 00000000 00:00 0        [heap]\n"
             "7f0000000000-7f0000020000 r-xp 00001000 fe:00 2001   /usr/lib/lib a.so (deleted)\n"
             "7f0000020000-7f0000021000 rw-p 00000000 00:00 0 \n"
             "7f0000030000-7f0000031000 r--s 00000000 103:1f 2002 /tmp/nl\\012x (deleted) y\n"
             "this line is broken\n"
             "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n");
  tree.write(
      "100/smaps",
      "00400000-00452000 r-xp 00000000 fe:00 100      /usr/bin/server\n"
      "Rss:                 100 kB\nPss:                  50 kB\nSwap:                 4 kB\n"
      "00e03000-00e24000 rw-p 00000000 00:00 0        [heap]\n"
      "Rss:                   8 kB\n");
  tree.write("200/maps",
             "00400000-00410000 r-xp 00000000 fe:00 300      /usr/bin/client\n"
             "7f0000000000-7f0000020000 r-xp 00001000 fe:00 2001   /usr/lib/lib a.so\n");
}

}  // namespace

TEST_CASE("proc_maps: every column on a fixture", "[maps][fixture]") {
  TempTree tree;
  write_maps(tree);
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.m USING proc_maps(root='" + tree.path() + "')");
  CHECK(db.query("SELECT pid, start, \"end\", size, perms, \"offset\", dev, inode, path, deleted, "
                 "kind FROM m WHERE pid = 100") ==
        Rows{{"100", "00400000", "00452000", "335872", "r-xp", "0", "254:0", "100",
              "/usr/bin/server", "0", "file"},
             {"100", "00e03000", "00e24000", "135168", "rw-p", "0", "0:0", "0", "[heap]", "0",
              "heap"},
             {"100", "7f0000000000", "7f0000020000", "131072", "r-xp", "4096", "254:0", "2001",
              "/usr/lib/lib a.so", "1", "file"},
             {"100", "7f0000020000", "7f0000021000", "4096", "rw-p", "0", "0:0", "0", "NULL", "0",
              "anon"},
             {"100", "7f0000030000", "7f0000031000", "4096", "r--s", "0", "259:31", "2002",
              "/tmp/nl\nx (deleted) y", "0", "file"},
             {"100", "ffffffffff600000", "ffffffffff601000", "4096", "--xp", "0", "0:0", "0",
              "[vsyscall]", "0", "vsyscall"}});
  // smaps figures, in bytes; NULL where smaps lacks the mapping or the line.
  CHECK(db.query("SELECT start, rss, pss, swap FROM m WHERE pid = 100 AND kind IN ('file', "
                 "'heap') ORDER BY start") == Rows{{"00400000", "102400", "51200", "4096"},
                                                   {"00e03000", "8192", "NULL", "NULL"},
                                                   {"7f0000000000", "NULL", "NULL", "NULL"},
                                                   {"7f0000030000", "NULL", "NULL", "NULL"}});
  CHECK(db.scalar("SELECT count(*) FROM m") == "8");
  CHECK(db.query("SELECT DISTINCT pid, path FROM m WHERE kind = 'file' AND deleted") ==
        Rows{{"100", "/usr/lib/lib a.so"}});
  CHECK(db.scalar("SELECT count(*) FROM m WHERE pid = 999") == "0");  // no such process
}

TEST_CASE("proc_maps: pid = reads one maps file; smaps only for rss/pss/swap", "[maps][fixture]") {
  TempTree tree;
  write_maps(tree);
  PathCountingFactory counts;
  Db db(counts.factory());
  db.exec("CREATE VIRTUAL TABLE temp.m USING proc_maps(root='" + tree.path() + "')");
  counts.clear();
  CHECK(db.scalar("SELECT count(*) FROM m WHERE pid = 200") == "2");
  CHECK(counts.read("200/maps") == 1);
  CHECK(counts.read("100/maps") == 0);
  CHECK(counts.read("200/smaps") == 0);
  counts.clear();
  CHECK(db.scalar("SELECT sum(rss) FROM m WHERE pid IN (100, 200)") == "110592");
  CHECK(counts.read("100/smaps") == 1);  // once per process, not per row
  CHECK(counts.read("200/smaps") == 1);
  // A self-join on inode reads each maps file once.
  counts.clear();
  CHECK(db.scalar("SELECT count(*) FROM m a JOIN m b ON a.inode = b.inode AND a.inode <> 0 AND "
                  "a.pid <> b.pid") == "2");  // lib a.so, mapped by both
  CHECK(counts.read("100/maps") == 1);
  CHECK(counts.read("200/maps") == 1);
}

TEST_CASE("proc_locks: held locks, waiters and their blockers", "[locks][fixture]") {
  TempTree tree;
  tree.write("locks",
             "1: POSIX  ADVISORY  WRITE 100 fe:00:2001 0 EOF\n"
             "1: -> POSIX  ADVISORY  WRITE 200 fe:00:2001 0 EOF\n"
             "2: FLOCK  ADVISORY  READ  200 fe:00:300 0 EOF\n"
             "3: OFDLCK ADVISORY  WRITE -1 fe:00:100 100 199\n"
             "4: LEASE  BREAKING  UNLCK 300 00:2d:17 0 EOF\n"
             "5: POSIX  MANDATORY READ 7 <none>:0 5 9\n"
             "broken\n");
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.l USING proc_locks(root='" + tree.path() + "')");
  CHECK(db.query("SELECT id, pid, type, mode, mandatory, lease_state, dev, inode, start, \"end\", "
                 "waiting, blocker_pid FROM l") ==
        Rows{{"1", "100", "POSIX", "WRITE", "0", "NULL", "254:0", "2001", "0", "NULL", "0", "NULL"},
             {"1", "200", "POSIX", "WRITE", "0", "NULL", "254:0", "2001", "0", "NULL", "1", "100"},
             {"2", "200", "FLOCK", "READ", "0", "NULL", "254:0", "300", "0", "NULL", "0", "NULL"},
             {"3", "-1", "OFDLCK", "WRITE", "0", "NULL", "254:0", "100", "100", "199", "0", "NULL"},
             {"4", "300", "LEASE", "UNLCK", "NULL", "BREAKING", "0:45", "17", "0", "NULL", "0",
              "NULL"},
             {"5", "7", "POSIX", "READ", "1", "NULL", "NULL", "NULL", "5", "9", "0", "NULL"}});
  CHECK(db.scalar("SELECT count(*) FROM l WHERE pid = 200 AND type = 'FLOCK'") == "1");
  // A root without locks is refused at CREATE, naming the file.
  TempTree empty;
  CHECK_THAT(
      db.error_of("CREATE VIRTUAL TABLE temp.l2 USING proc_locks(root='" + empty.path() + "')"),
      Catch::Contains("has no readable locks"));
}

TEST_CASE("proc_raw, proc_icmp, proc_packet, proc_netlink on a fixture", "[packet][fixture]") {
  TempTree tree;
  const std::string h = kDgramHeader;
  tree.write("net/raw", h + "    1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 "
                            "00000000     0        0 5001 2 0000000000000000 0\n"
                            "  255: 0100007F:00FF 0200007F:0000 01 00000010:00000020 00:00000000 "
                            "00000000  1000        0 5002 2 0000000000000000 3\n");
  tree.write("net/raw6", h + "   58: 00000000000000000000000001000000:003A "
                             "00000000000000000000000000000000:0000 07 00000000:00000000 "
                             "00:00000000 00000000     0        0 5003 2 0000000000000000 0\n");
  tree.write("net/icmp", h + "   64: 00000000:1234 00000000:0000 07 00000000:00000000 00:00000000 "
                             "00000000  1000        0 5004 2 0000000000000000 0\n");
  // net/icmp6 missing: IPv6 disabled means no inet6 rows, not an error.
  tree.write("net/packet",
             "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
             "ffff8880058e8800 3      3    0003   0     1 0      0      5005\n"
             "0000000000000000 3      2    88cc   2     0 4096   104    5006\n");
  tree.write(
      "net/netlink",
      "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
      "Inode\n"
      "0000000000000000 0   0          00000000 0        0        0     2        0        4\n"
      "0000000000000000 9   100        00000001 4352     0        1     2        7        "
      "5007\n");
  Db db;
  for (const char* t : {"proc_raw", "proc_icmp", "proc_packet", "proc_netlink"}) {
    db.exec(std::string("CREATE VIRTUAL TABLE temp.t_") + t + " USING " + t + "(root='" +
            tree.path() + "')");
  }
  CHECK(db.query("SELECT family, local_address, protocol, protocol_name, remote_address, state, "
                 "tx_queue, rx_queue, uid, inode, netns, bucket, drops FROM t_proc_raw") ==
        Rows{{"inet", "0.0.0.0", "1", "icmp", "0.0.0.0", "CLOSE", "0", "0", "0", "5001", "NULL",
              "1", "0"},
             {"inet", "127.0.0.1", "255", "raw", "127.0.0.2", "ESTABLISHED", "16", "32", "1000",
              "5002", "NULL", "255", "3"},
             {"inet6", "::1", "58", "icmpv6", "::", "CLOSE", "0", "0", "0", "5003", "NULL", "58",
              "0"}});
  CHECK(db.query("SELECT family, ident, uid, inode FROM t_proc_icmp") ==
        Rows{{"inet", "4660", "1000", "5004"}});
  CHECK(db.query("SELECT pointer, refcount, type, protocol, protocol_name, ifindex, running, "
                 "rx_queue, uid, inode FROM t_proc_packet") ==
        Rows{{"ffff8880058e8800", "3", "raw", "3", "ALL", "0", "1", "0", "0", "5005"},
             {"0000000000000000", "3", "dgram", "35020", "LLDP", "2", "0", "4096", "104", "5006"}});
  CHECK(db.query("SELECT protocol, protocol_name, portid, groups, rx_queue, tx_queue, dumping, "
                 "refcount, drops, inode FROM t_proc_netlink") ==
        Rows{{"0", "route", "0", "0", "0", "0", "0", "2", "0", "4"},
             {"9", "audit", "100", "1", "4352", "0", "1", "2", "7", "5007"}});
  CHECK(db.scalar("SELECT count(*) FROM t_proc_raw WHERE family = 'inet'") == "2");
  CHECK(db.scalar("SELECT count(*) FROM t_proc_raw WHERE protocol = 255") == "1");
}

TEST_CASE("etc_passwd, etc_group and proc_process.user read the etc root", "[accounts][fixture]") {
  TempTree tree;
  write_process(tree, 100, "server", 1000);
  write_process(tree, 200, "client", 0);
  write_process(tree, 300, "ldap-user", 5000);
  tree.write("100/cgroup", "0::/system.slice/server.service\n");
  tree.write("200/cgroup", "4:memory:/docker/abc\n0::/\n");
  tree.write("etc/passwd",
             "root:x:0:0:root:/root:/bin/bash\n"
             "server:x:1000:1000:The Server:/srv:/usr/sbin/nologin\n"
             "dup:x:1000:1000:second line of uid 1000:/:/bin/sh\n");
  tree.write("etc/group", "root:x:0:\nusers:x:100:server,root\n");
  PathCountingFactory counts;
  Db db(counts.factory());
  const std::string etc = tree.path() + "/etc";
  db.exec("CREATE VIRTUAL TABLE temp.p USING proc_process(root='" + tree.path() + "', etc='" + etc +
          "')");
  db.exec("CREATE VIRTUAL TABLE temp.u USING etc_passwd(etc='" + etc + "')");
  db.exec("CREATE VIRTUAL TABLE temp.g USING etc_group(etc='" + etc + "')");
  counts.clear();
  CHECK(db.query("SELECT pid, name FROM p") ==
        Rows{{"100", "server"}, {"200", "client"}, {"300", "ldap-user"}});
  CHECK(counts.read("passwd") == 0);  // no user asked: passwd is not read
  CHECK(db.query("SELECT pid, user, cgroup FROM p") ==
        Rows{{"100", "server", "/system.slice/server.service"},
             {"200", "root", "/docker/abc"},
             {"300", "NULL", "NULL"}});
  CHECK(counts.read("passwd") == 1);  // once per statement, not per row
  CHECK(db.scalar("SELECT pid FROM p WHERE user = 'root'") == "200");
  CHECK(db.query("SELECT * FROM u WHERE uid = 1000") ==
        Rows{{"server", "1000", "1000", "The Server", "/srv", "/usr/sbin/nologin"},
             {"dup", "1000", "1000", "second line of uid 1000", "/", "/bin/sh"}});
  CHECK(db.query("SELECT p.pid, u.username FROM p JOIN u USING (uid) WHERE u.username = 'root'") ==
        Rows{{"200", "root"}});
  CHECK(db.query("SELECT * FROM g") == Rows{{"root", "0", ""}, {"users", "100", "server,root"}});
}

TEST_CASE("etc='...': arguments and errors", "[accounts][fixture]") {
  TempTree tree;
  tree.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  Db db;
  // A table that reads no etc file has no etc argument, and the etc tables no root.
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.t USING proc_tcp(etc='/etc')"),
             Catch::Contains("unknown argument 'etc' (known keys: root, netns_dir, source)"));
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.t USING etc_passwd(root='/proc')"),
             Catch::Contains("unknown argument 'root' (known keys: etc)"));
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.t USING proc_process(etc='/etc', etc='/x')"),
             Catch::Contains("etc given twice"));
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.t USING etc_passwd(etc='')"),
             Catch::Contains("argument etc is empty"));
  // A named etc root that does not exist fails at CREATE, for every table using it.
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.t USING proc_process(etc='/nonexistent')"),
             Catch::Contains("proc_process: etc '/nonexistent': No such file or directory"));
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.t USING etc_passwd(etc='/nonexistent')"),
             Catch::Contains("etc_passwd: etc '/nonexistent'"));
  // An etc root without the file: etc_group cannot be created, etc_passwd can.
  CHECK_THAT(
      db.error_of("CREATE VIRTUAL TABLE temp.t USING etc_group(etc='" + tree.path() + "/etc')"),
      Catch::Contains("/etc/group: No such file or directory"));
  CHECK(db.error_of("CREATE VIRTUAL TABLE temp.t USING etc_passwd(etc='" + tree.path() +
                    "/etc')") == "");
  CHECK(db.scalar("SELECT username FROM t") == "root");
  // An unreadable default etc root is no error for proc_process: user is NULL.
  Db no_etc([](const std::string& root) -> std::shared_ptr<proctab::ProcFs> {
    return std::make_shared<proctab::ProcFs>(root == "/etc" ? "/nonexistent" : root);
  });
  CHECK(no_etc.scalar("SELECT count(*) FROM proc_process WHERE pid = " + std::to_string(getpid()) +
                      " AND user IS NULL") == "1");
}

namespace {

// A ProcFs whose statx answers from a table (fixture fd links cannot be
// followed beneath the root), counting its calls.
class FakeStatFs final : public proctab::ProcFs {
 public:
  explicit FakeStatFs(const std::string& root) : ProcFs(root) {}
  int calls = 0;

 protected:
  long sys_statx(int, const char*, int, unsigned, proctab::FileStat& out) override {
    ++calls;
    out.dev_major = 254;
    out.dev_minor = 1;
    out.inode = 77;
    out.size = 1 << 20;
    out.links = 0;
    out.mode = 0100644;  // S_IFREG
    return 0;
  }
  // The fixture's fd links point outside the root: pretend they resolve,
  // but for fd 4, closed meanwhile.
  int sys_open(int dir_fd, const char* path, int flags) override {
    const std::string p(path);
    if ((flags & O_PATH) && !(flags & O_DIRECTORY)) {
      if (p.size() > 2 && p.compare(p.size() - 2, 2, "/4") == 0) {
        errno = ENOENT;
        return -1;
      }
      return ::dup(dir_fd);
    }
    return ProcFs::sys_open(dir_fd, path, flags);
  }
};

}  // namespace

TEST_CASE("proc_fd: file_dev, file_inode, size, links, file_type via statx, only when used",
          "[fd][fixture]") {
  TempTree tree;
  add_fd(tree, 100, 3, "/var/log/big.log (deleted)");
  add_fd(tree, 100, 4, "/tmp/gone");
  add_fd(tree, 100, 5, "socket:[77]");
  add_fd(tree, 100, 6, "socket:[78]");  // closed and its number reused: statx sees inode 77
  std::shared_ptr<FakeStatFs> fs;
  Db db([&](const std::string& root) -> std::shared_ptr<proctab::ProcFs> {
    auto made = std::make_shared<FakeStatFs>(root);
    if (!fs) fs = made;
    return made;
  });
  db.exec("CREATE VIRTUAL TABLE temp.f USING proc_fd(root='" + tree.path() + "')");
  CHECK(db.scalar("SELECT count(*) FROM f WHERE deleted = 1") == "1");
  CHECK(fs->calls == 0);  // no statx column: no statx
  CHECK(db.query("SELECT fd, file_dev, file_inode, size, links, file_type FROM f ORDER BY fd") ==
        Rows{{"3", "254:1", "77", "1048576", "0", "REG"},
             {"4", "NULL", "NULL", "NULL", "NULL", "NULL"},
             {"5", "254:1", "77", "1048576", "0", "REG"},
             {"6", "NULL", "NULL", "NULL", "NULL", "NULL"}});
  CHECK(fs->counters.links_stated == 4);  // once per row, for all five columns
  CHECK(fs->calls == 3);                  // fd 4 was gone before its statx
}

TEST_CASE("proc_fd: statx beneath a fixture root never follows a link out of it", "[fd][fixture]") {
  TempTree tree;
  tree.write("data/file", std::string(1234, 'x'));
  add_fd(tree, 100, 3, "/etc/passwd");                   // absolute: outside the root
  add_fd(tree, 100, 4, "../../data/file");               // relative, inside the root
  add_fd(tree, 100, 5, "../../../../../../etc/passwd");  // relative, climbing out
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.f USING proc_fd(root='" + tree.path() + "')");
  CHECK(db.query("SELECT fd, size, links, file_type FROM f ORDER BY fd") ==
        Rows{{"3", "NULL", "NULL", "NULL"},
             {"4", "1234", "1", "REG"},
             {"5", "NULL", "NULL", "NULL"}});
}

namespace {

// A ProcFs whose reads of some paths fail with an errno, after handing over
// half the file (a process that exits while its file is read), or at once.
class FailingReadsFs final : public proctab::ProcFs {
 public:
  struct Fault {
    int err;
    bool half_first;
  };
  FailingReadsFs(const std::string& root, std::map<std::string, Fault> faults)
      : ProcFs(root), faults_(std::move(faults)) {}
  int read_chunks(int dir_fd, const char* path,
                  const std::function<void(std::string_view)>& sink) override {
    auto it = faults_.find(path);
    if (it == faults_.end()) return ProcFs::read_chunks(dir_fd, path, sink);
    if (it->second.half_first) {
      std::string text;
      ProcFs::read_chunks(dir_fd, path, [&](std::string_view c) { text.append(c); });
      sink(std::string_view(text).substr(0, text.size() / 2));
    }
    return it->second.err;
  }

 private:
  std::map<std::string, Fault> faults_;
};

}  // namespace

TEST_CASE(
    "faults: a process vanishing or unreadable mid-scan is skipped, never half-read; "
    "an unreadable locks or passwd is an error naming it",
    "[faults][fixture]") {
  TempTree tree;
  write_maps(tree);
  write_process(tree, 300, "third", 0);
  tree.write("300/maps", "00400000-00410000 r-xp 00000000 fe:00 300      /usr/bin/third\n");
  tree.write("locks", "1: POSIX  ADVISORY  WRITE 100 fe:00:2001 0 EOF\n");
  tree.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  std::map<std::string, FailingReadsFs::Fault> faults = {
      {"100/maps", {EACCES, false}},  // not ours to read
      {"200/maps", {ESRCH, true}},    // exited after half of its maps
      {"locks", {EIO, true}},
      {"passwd", {EIO, false}},
  };
  bool armed = false;
  Db db([&](const std::string& root) -> std::shared_ptr<proctab::ProcFs> {
    if (!armed) return std::make_shared<proctab::ProcFs>(root);
    return std::make_shared<FailingReadsFs>(root, faults);
  });
  armed = true;  // CREATE-time checks see a clean tree, queries the faults
  const std::string etc = tree.path() + "/etc";
  db.exec("CREATE VIRTUAL TABLE temp.m USING proc_maps(root='" + tree.path() + "')");
  db.exec("CREATE VIRTUAL TABLE temp.l USING proc_locks(root='" + tree.path() + "')");
  db.exec("CREATE VIRTUAL TABLE temp.p USING proc_process(root='" + tree.path() + "', etc='" + etc +
          "')");
  db.exec("CREATE VIRTUAL TABLE temp.u USING etc_passwd(etc='" + etc + "')");
  CHECK(db.query("SELECT pid, path FROM m") == Rows{{"300", "/usr/bin/third"}});
  CHECK(db.scalar("SELECT count(*) FROM m WHERE pid IN (100, 200)") == "0");
  CHECK_THAT(db.error_of("SELECT * FROM l"),
             Catch::Contains("proc_locks: " + tree.path() + "/locks: Input/output error"));
  CHECK_THAT(db.error_of("SELECT * FROM u"),
             Catch::Contains("etc_passwd: " + etc + "/passwd: Input/output error"));
  CHECK(db.query("SELECT pid, user FROM p WHERE pid = 300") == Rows{{"300", "NULL"}});
}

TEST_CASE("proc_fd statx columns and proc_maps leak no descriptor", "[fd][maps][live]") {
  Db db;
  const std::string me = std::to_string(getpid());
  auto queries = [&] {
    db.query("SELECT size, links, file_dev, file_type FROM proc_fd WHERE pid = " + me);
    db.query("SELECT count(*), sum(rss) FROM proc_maps WHERE pid = " + me);
    db.query("SELECT count(*) FROM proc_fd WHERE links = 0");
  };
  // The first use connects the tables (each holds its root open for the
  // connection's life) and leaves the last snapshot (freed by the next
  // statement on the table: with it the fd directory statx used).
  queries();
  const int before = testing::count_open_fds();
  for (int i = 0; i < 3; ++i) queries();
  CHECK(testing::count_open_fds() == before);
}

TEST_CASE("ProcFs::stat_link_target on /proc follows only the last link", "[fd][live]") {
  proctab::ProcFs fs("/proc");
  REQUIRE(fs.is_procfs());
  char tmpl[] = "/tmp/proctab-statx-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "12345", 5) == 5);
  const std::string me = std::to_string(getpid());
  proctab::FileStat st;
  CHECK(fs.stat_link_target(fs.root_fd(), (me + "/fd/" + std::to_string(fd)).c_str(), st) == 0);
  CHECK(st.size == 5);
  CHECK(st.links == 1);
  // Not only pids and "fd": its directories resolve beneath the root first.
  CHECK(fs.stat_link_target(fs.root_fd(), ("self/fd/" + std::to_string(fd)).c_str(), st) == 0);
  CHECK(st.size == 5);
  // A magic link on the way (root) is not followed out of the root — where
  // the kernel has openat2 (valgrind answers ENOSYS for it: there, as on
  // kernels before 5.6, paths resolve with plain openat, as README says).
  struct open_how how = {};
  how.flags = O_PATH;
  how.resolve = RESOLVE_BENEATH;
  long probe = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  if (probe >= 0) close(static_cast<int>(probe));
  if (probe >= 0 || errno != ENOSYS) {
    CHECK(fs.stat_link_target(fs.root_fd(), (me + "/root/etc/passwd").c_str(), st) != 0);
  }
  unlink(tmpl);
  close(fd);
}

TEST_CASE("source='...': one of the table's sources, 'auto' by default", "[args]") {
  proctab::TableDef def{"proc_x", "", {}, proctab::kArgRoot | proctab::kArgSource, nullptr, {}};
  def.sources = {"auto", "netlink", "proc"};
  auto parse = [&](std::vector<const char*> user) {
    std::vector<const char*> argv = {"proc_x", "main", "t"};
    argv.insert(argv.end(), user.begin(), user.end());
    return proctab::parse_table_args(def, static_cast<int>(argv.size()), argv.data(),
                                     proctab::Seams{});
  };
  CHECK(parse({}).source == "auto");
  // One spelling of a root: '/proc/' and '//proc' are the live /proc (its
  // kernel sources and named namespaces), as '/proc' is.
  for (const char* root : {"root='/proc/'", "root='//proc'", "root='/proc//'"}) {
    proctab::TableArgs a = parse({root});
    CHECK(a.root == "/proc");
    CHECK(a.netns_dir == "/run/netns");
  }
  CHECK(parse({"root='/'"}).root == "/");
  CHECK(parse({"root='/host//proc/'"}).root == "/host/proc");
  CHECK(parse({"source='proc'"}).source == "proc");
  CHECK(parse({" source = \"netlink\" ", "root='/proc'"}).source == "netlink");
  auto error = [&](std::vector<const char*> user) -> std::string {
    try {
      parse(user);
    } catch (const proctab::Error& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error({"source='bpf'"}) ==
        "proc_x: argument source must be one of 'auto', 'netlink', 'proc' (got 'bpf')");
  CHECK(error({"source=proc"}) ==
        "proc_x: argument source must be a quoted string, as in source='proc'");
  CHECK(error({"source='proc'", "source='auto'"}) == "proc_x: argument source given twice");
  CHECK_THAT(error({"etc='/etc'"}), Catch::Contains("(known keys: root, source)"));
  // A table without sources takes no source argument.
  def.arguments = proctab::kArgRoot;
  CHECK_THAT(error({"source='proc'"}), Catch::Contains("unknown argument 'source'"));
}
