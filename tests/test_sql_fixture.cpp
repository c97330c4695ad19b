// SQL-level tests over fixture /proc trees: columns, pushdown semantics,
// the one-read-per-statement rule in both join orders, errors.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/table.h"
#include "test_support.h"

using testing::add_fd;
using testing::CountingFactory;
using testing::Db;
using testing::Rows;
using testing::TempTree;
using testing::kHeader;

namespace {

// 4 sockets owned by fake processes 100 and 200, a TIME_WAIT, a request.
void write_tcp(const TempTree& tree) {
  tree.write("net/tcp",
             std::string(kHeader) +
                 // LISTEN 127.0.0.1:8080, inode 1001
                 "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1001 1 ffff000000000001 100 0 0 10 0\n"
                 // ESTABLISHED 127.0.0.1:8080 <- 127.0.0.1:50000, inode 1002
                 "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1002 1 ffff000000000002 20 4 30 10 -1\n"
                 // the client side, inode 1003
                 "   2: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1003 1 ffff000000000003 20 4 30 10 5\n"
                 // TIME_WAIT
                 "   3: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00000BB8 00000000     "
                 "0        0 0 3 0000000000000000\n"
                 // SYN_RECV request sock
                 "   4: 0100007F:1F90 0100007F:C352 03 00000000:00000000 01:00000064 00000001  "
                 "1000        0 0 0 0000000000000000\n"
                 // malformed: skipped
                 "   5: this line is broken\n");
  tree.write("net/tcp6",
             std::string(kHeader) +
                 // LISTEN [::1]:5432, inode 2001
                 "   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 "
                 "0A 00000000:00000000 00:00000000 00000000   999        0 2001 1 "
                 "0000000000000000 100 0 0 10 0\n"
                 // v4-mapped ESTABLISHED, inode 2002
                 "   1: 0000000000000000FFFF00000100007F:1538 0000000000000000FFFF00000100007F:D431 "
                 "08 00000000:00000000 00:00000000 00000000   999        0 2002 1 "
                 "0000000000000000 20 4 30 10 -1\n");
}

void write_fds(const TempTree& tree) {
  add_fd(tree, 100, 0, "/dev/null");
  add_fd(tree, 100, 3, "socket:[1001]");
  add_fd(tree, 100, 4, "socket:[1002]");
  add_fd(tree, 100, 5, "pipe:[777]");
  add_fd(tree, 200, 3, "socket:[1003]");
  add_fd(tree, 200, 4, "socket:[2001]");
  add_fd(tree, 200, 5, "socket:[2002]");
  add_fd(tree, 200, 6, "/tmp/gone (deleted)");
  add_fd(tree, 200, 7, "anon_inode:[eventfd]");
  add_fd(tree, 200, 8, "net:[4026531840]");
  tree.write("200/fdinfo/6", "pos:\t12\nflags:\t0100001\nmnt_id:\t30\nino:\t55\n");
  tree.mkdir("self");  // non-numeric entries are not processes
}

struct Fixture {
  TempTree tree;
  CountingFactory counts;
  std::unique_ptr<Db> db;
  Fixture() {
    write_tcp(tree);
    write_fds(tree);
    db = std::make_unique<Db>(counts.factory());
    db->exec("CREATE VIRTUAL TABLE temp.tcp USING proc_tcp(root='" + tree.path() + "')");
    db->exec("CREATE VIRTUAL TABLE temp.fd USING proc_fd(root='" + tree.path() + "')");
  }
};

}  // namespace

TEST_CASE("proc_tcp over a fixture root: every row kind and family", "[sql][fixture]") {
  Fixture f;
  Rows rows = f.db->query(
      "SELECT family, local_address, local_port, remote_address, remote_port, st, state, uid, "
      "inode, kind FROM tcp ORDER BY family, slot");
  REQUIRE(rows.size() == 7);  // the malformed line is skipped
  CHECK(rows[0] == std::vector<std::string>{"inet", "127.0.0.1", "8080", "0.0.0.0", "0", "10",
                                            "LISTEN", "1000", "1001", "socket"});
  CHECK(rows[3] == std::vector<std::string>{"inet", "127.0.0.1", "50001", "127.0.0.1", "8080",
                                            "6", "TIME_WAIT", "NULL", "0", "timewait"});
  CHECK(rows[4] == std::vector<std::string>{"inet", "127.0.0.1", "8080", "127.0.0.1", "50002",
                                            "3", "SYN_RECV", "1000", "0", "request"});
  CHECK(rows[5] == std::vector<std::string>{"inet6", "::1", "5432", "::", "0", "10", "LISTEN",
                                            "999", "2001", "socket"});
  CHECK(rows[6] == std::vector<std::string>{"inet6", "::ffff:127.0.0.1", "5432",
                                            "::ffff:127.0.0.1", "54321", "8", "CLOSE_WAIT", "999",
                                            "2002", "socket"});
}

TEST_CASE("proc_tcp detail columns: NULL where a row kind does not print them",
          "[sql][fixture]") {
  Fixture f;
  Rows rows = f.db->query(
      "SELECT inode, rto_ms, ato_ms, snd_cwnd, ssthresh, fastopen_queue_max, timer, "
      "timer_expires_ms, pointer FROM tcp WHERE family = 'inet' ORDER BY slot");
  REQUIRE(rows.size() == 5);
  long hz = sysconf(_SC_CLK_TCK);
  REQUIRE(hz == 100);  // the conversions below assume USER_HZ = 100, as on x86 and arm
  CHECK(rows[0] == std::vector<std::string>{"1001", "1000", "0", "10", "NULL", "0", "none", "0",
                                            "ffff000000000001"});
  CHECK(rows[1] == std::vector<std::string>{"1002", "200", "40", "10", "NULL", "NULL", "none",
                                            "0", "ffff000000000002"});  // ssthresh -1 → NULL
  CHECK(rows[2][4] == "5");
  CHECK(rows[3] == std::vector<std::string>{"0", "NULL", "NULL", "NULL", "NULL", "NULL",
                                            "timewait", "30000", "0000000000000000"});
  CHECK(rows[4][6] == "retransmit");
}

TEST_CASE("proc_fd over a fixture root: types, inodes, files, fdinfo", "[sql][fixture]") {
  Fixture f;
  Rows rows = f.db->query("SELECT pid, fd, target, type, inode, path, deleted FROM fd ORDER BY "
                          "pid, fd");
  REQUIRE(rows.size() == 10);
  CHECK(rows[0] ==
        std::vector<std::string>{"100", "0", "/dev/null", "file", "NULL", "/dev/null", "0"});
  CHECK(rows[1] ==
        std::vector<std::string>{"100", "3", "socket:[1001]", "socket", "1001", "NULL", "NULL"});
  CHECK(rows[3] == std::vector<std::string>{"100", "5", "pipe:[777]", "pipe", "777", "NULL", "NULL"});
  CHECK(rows[7] == std::vector<std::string>{"200", "6", "/tmp/gone (deleted)", "file", "NULL",
                                            "/tmp/gone", "1"});
  CHECK(rows[8][3] == "anon_inode");
  CHECK(rows[9][3] == "other");

  Rows info = f.db->query("SELECT pos, flags, mode, mnt_id FROM fd WHERE pid = 200 AND fd = 6");
  REQUIRE(info.size() == 1);
  CHECK(info[0] == std::vector<std::string>{"12", std::to_string(0100001), "write", "30"});
  // No fdinfo file: NULLs, not an error.
  CHECK(f.db->query("SELECT pos, flags, mode FROM fd WHERE pid = 100 AND fd = 3")[0] ==
        std::vector<std::string>{"NULL", "NULL", "NULL"});
}

TEST_CASE("the socket-owner join and the seed's question", "[sql][fixture]") {
  Fixture f;
  Rows rows = f.db->query(
      "SELECT f.pid, f.fd, t.state, t.local_port FROM tcp t JOIN fd f ON f.inode = t.inode "
      "ORDER BY f.pid, f.fd");
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == std::vector<std::string>{"100", "3", "LISTEN", "8080"});
  CHECK(rows[4] == std::vector<std::string>{"200", "5", "CLOSE_WAIT", "5432"});
  CHECK(f.db->scalar("SELECT t.state FROM fd f JOIN tcp t USING (inode) WHERE f.pid = 200 AND "
                     "f.fd = 3") == "ESTABLISHED");
  // A pipe's inode never matches a socket.
  CHECK(f.db->scalar("SELECT count(*) FROM fd f JOIN tcp t USING (inode) WHERE f.type = 'pipe'") ==
        "0");
}

TEST_CASE("pushdown gives the same answers SQLite's own comparison would", "[sql][fixture]") {
  Fixture f;
  auto count = [&](const std::string& where) {
    return f.db->scalar("SELECT count(*) FROM tcp WHERE " + where);
  };
  CHECK(count("state = 'LISTEN'") == "2");
  CHECK(count("state = 'listen'") == "0");
  CHECK(count("state = 'listen' COLLATE NOCASE") == "2");  // not pushed: SQLite compares
  CHECK(count("state IN ('LISTEN', 'CLOSE_WAIT')") == "3");
  CHECK(count("st = 10") == "2");
  CHECK(count("st = '10'") == "2");  // numeric affinity on an INTEGER column
  CHECK(count("st = 10.0") == "2");
  CHECK(count("st = 10.5") == "0");
  CHECK(count("st = 'abc'") == "0");
  CHECK(count("st = NULL") == "0");
  CHECK(count("st IN ()") == "0");
  CHECK(count("st IN (10, NULL)") == "2");
  CHECK(count("local_port = 8080") == "3");
  CHECK(count("local_port IN (8080, 5432)") == "5");
  CHECK(count("remote_port = 8080 AND state = 'TIME_WAIT'") == "1");
  CHECK(count("family = 'inet6'") == "2");
  CHECK(count("family = 'INET6'") == "0");
  CHECK(count("inode = 1002") == "1");
  CHECK(count("inode = 0") == "2");
  CHECK(count("inode = -1") == "0");
  CHECK(count("inode = x'01'") == "0");
  CHECK(count("inode IN (1001, 2002, 999999)") == "2");
  CHECK(count("inode = 9223372036854775807") == "0");
  CHECK(count("inode = 1e300") == "0");

  auto fd_count = [&](const std::string& where) {
    return f.db->scalar("SELECT count(*) FROM fd WHERE " + where);
  };
  CHECK(fd_count("pid = 100") == "4");
  CHECK(fd_count("pid = '200'") == "6");
  CHECK(fd_count("pid = 'abc'") == "0");
  CHECK(fd_count("pid = -5") == "0");
  CHECK(fd_count("pid = 99999999999") == "0");
  CHECK(fd_count("pid IN (100, 200, 300)") == "10");
  CHECK(fd_count("pid = 100 AND fd = 4") == "1");
  CHECK(fd_count("pid = 100 AND fd IN (0, 5, 9)") == "2");
  CHECK(fd_count("fd = 3") == "2");
  CHECK(fd_count("inode = 1003") == "1");
  CHECK(fd_count("inode IN (777, 2001)") == "2");
  CHECK(fd_count("pid = 300") == "0");
}

TEST_CASE("one read of each /proc file per statement, whichever join order", "[sql][fixture]") {
  Fixture f;
  const char* orders[] = {
      // proc_tcp outside, proc_fd looked up by inode inside (and the reverse)
      "SELECT count(*) FROM tcp t CROSS JOIN fd f ON f.inode = t.inode",
      "SELECT count(*) FROM fd f CROSS JOIN tcp t ON f.inode = t.inode",
      // SQLite's own choice
      "SELECT count(*) FROM tcp t JOIN fd f ON f.inode = t.inode",
  };
  for (const char* sql : orders) {
    INFO(sql);
    uint64_t files = f.counts.files_read(), dirs = f.counts.dirs_listed(),
             links = f.counts.links_read();
    CHECK(f.db->scalar(sql) == "5");
    CHECK(f.counts.files_read() - files == 2);  // net/tcp and net/tcp6, once each
    // proc_fd: the root, 100/fd, 200/fd; proc_tcp's namespace discovery: the
    // root once more (both families share it).
    CHECK(f.counts.dirs_listed() - dirs == 4);
    // Every fd link once; discovery: self/ns/net, 100/ns/net, 200/ns/net (no
    // such links here: the processes are skipped, one readlink each).
    CHECK(f.counts.links_read() - links == 13);
  }

  // A second execution of the same statement reads afresh.
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(f.db->get(), orders[0], -1, &stmt, nullptr) == SQLITE_OK);
  for (int run = 0; run < 2; ++run) {
    uint64_t files = f.counts.files_read();
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(sqlite3_column_int(stmt, 0) == 5);
    REQUIRE(sqlite3_step(stmt) == SQLITE_DONE);
    CHECK(f.counts.files_read() - files == 2);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
}

TEST_CASE("pid pushdown reads only the processes asked for", "[sql][fixture]") {
  Fixture f;
  uint64_t dirs = f.counts.dirs_listed(), links = f.counts.links_read();
  CHECK(f.db->scalar("SELECT count(*) FROM fd WHERE pid = 100") == "4");
  CHECK(f.counts.dirs_listed() - dirs == 1);  // 100/fd only, not the root
  CHECK(f.counts.links_read() - links == 4);

  dirs = f.counts.dirs_listed();
  links = f.counts.links_read();
  CHECK(f.db->scalar("SELECT target FROM fd WHERE pid = 200 AND fd = 4") == "socket:[2001]");
  CHECK(f.counts.dirs_listed() - dirs == 0);  // one link, no listing
  CHECK(f.counts.links_read() - links == 1);

  // family = 'inet' does not read net/tcp6.
  uint64_t files = f.counts.files_read();
  CHECK(f.db->scalar("SELECT count(*) FROM tcp WHERE family = 'inet'") == "5");
  CHECK(f.counts.files_read() - files == 1);

  // fdinfo is read only when its columns are.
  files = f.counts.files_read();
  f.db->query("SELECT pid, fd, target FROM fd");
  CHECK(f.counts.files_read() - files == 0);
  f.db->query("SELECT pos FROM fd");
  CHECK(f.counts.files_read() - files == 10);
}

TEST_CASE("a join whose outer side names pids reads each pid once", "[sql][fixture]") {
  Fixture f;
  uint64_t dirs = f.counts.dirs_listed();
  // The inner proc_fd is filtered by pid for every outer row: 5 rows of pid
  // 100/200 outside, but each fd directory is listed once.
  CHECK(f.db->scalar("SELECT count(*) FROM (SELECT 100 AS p UNION ALL SELECT 100 UNION ALL "
                     "SELECT 200 UNION ALL SELECT 200 UNION ALL SELECT 100) o CROSS JOIN fd f ON "
                     "f.pid = o.p") == "24");
  CHECK(f.counts.dirs_listed() - dirs == 2);
}

TEST_CASE("a process that vanished or is not ours is skipped", "[sql][fixture]") {
  Fixture f;
  // 300: fd directory missing (vanished between listing and opening).
  f.tree.mkdir("300");
  // 400: unreadable fd directory. Root ignores permission bits, so this
  // only bites as a non-root user; the fault-injection tests cover EACCES.
  f.tree.mkdir("400/fd");
  chmod((f.tree.path() + "/400/fd").c_str(), 0);
  // 500: a dangling link is still a link: readlink works.
  add_fd(f.tree, 500, 1, "socket:[424242]");
  CHECK(f.db->scalar("SELECT count(*) FROM fd") == "11");
  CHECK(f.db->scalar("SELECT count(*) FROM fd WHERE pid IN (300, 400)") == "0");
}

TEST_CASE("module arguments and roots: clear errors", "[sql][errors]") {
  TempTree tree;
  write_tcp(tree);
  Db db;
  auto create = [&](const std::string& args) {
    return db.error_of("CREATE VIRTUAL TABLE temp.t USING proc_tcp(" + args + ")");
  };
  CHECK_THAT(create("bogus='x'"), Catch::Contains("unknown argument 'bogus'"));
  CHECK_THAT(create("root='/a', root='/b'"), Catch::Contains("root given twice"));
  CHECK_THAT(create("root=''"), Catch::Contains("root is empty"));
  CHECK_THAT(create("root=/proc"), Catch::Contains("must be a quoted string"));
  CHECK_THAT(create("root"), Catch::Contains("not of the form key='value'"));
  CHECK_THAT(create("root='" + std::string(5000, 'a') + "'"), Catch::Contains("PATH_MAX"));
  CHECK_THAT(create("root='/nonexistent/proc'"),
             Catch::Contains("root '/nonexistent/proc'") &&
                 Catch::Contains("No such file or directory"));
  TempTree empty;
  CHECK_THAT(create("root='" + empty.path() + "'"), Catch::Contains("has no readable net/tcp"));
  CHECK(create("root='" + tree.path() + "'") == "");
  CHECK(db.scalar("SELECT count(*) FROM t") == "7");
  CHECK(db.error_of("CREATE VIRTUAL TABLE temp.f USING proc_fd(root=\"" + tree.path() + "\")") ==
        "");
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE temp.g USING proc_fd(root='/no/such')"),
             Catch::Contains("proc_fd: root '/no/such'"));
}

TEST_CASE("an unreadable net/tcp at query time names the path", "[sql][errors]") {
  TempTree tree;
  write_tcp(tree);
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(root='" + tree.path() + "')");
  // Replace net/tcp by a directory: read() fails with EISDIR even for root.
  std::string tcp = tree.path() + "/net/tcp";
  REQUIRE(unlink(tcp.c_str()) == 0);
  REQUIRE(mkdir(tcp.c_str(), 0755) == 0);
  CHECK_THAT(db.error_of("SELECT * FROM t"),
             Catch::Contains("proc_tcp: " + tcp + ": Is a directory"));
  // A missing tcp6 alone is not an error.
  TempTree v4only;
  write_tcp(v4only);
  REQUIRE(unlink((v4only.path() + "/net/tcp6").c_str()) == 0);
  db.exec("CREATE VIRTUAL TABLE temp.v4 USING proc_tcp(root='" + v4only.path() + "')");
  CHECK(db.scalar("SELECT count(*) FROM v4") == "5");
}

TEST_CASE("read-only, direct-only, and no descriptor leaks", "[sql][errors]") {
  int fds_before = testing::count_open_fds();
  {
    Db db;
    CHECK_THAT(db.error_of("DELETE FROM proc_tcp"), Catch::Contains("may not be modified"));
    CHECK_THAT(db.error_of("INSERT INTO proc_fd(pid) VALUES (1)"),
               Catch::Contains("may not be modified"));
    // A view stored in the database may not use the tables; a TEMP view may.
    db.exec("CREATE VIEW stored AS SELECT count(*) FROM proc_tcp");
    CHECK_THAT(db.error_of("SELECT * FROM stored"), Catch::Contains("unsafe use of virtual table \"proc_tcp\""));
    db.exec("CREATE TEMP VIEW mine AS SELECT count(*) AS n FROM proc_tcp");
    CHECK(std::stoll(db.scalar("SELECT n FROM mine")) >= 0);
    for (int i = 0; i < 3; ++i) db.query("SELECT * FROM proc_fd f JOIN proc_tcp t USING (inode)");
  }
  CHECK(testing::count_open_fds() == fds_before);
}

TEST_CASE("a socket the kernel printed twice (resumed hash walk) is one row", "[sql][fixture]") {
  TempTree tree;
  const std::string listen =
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 "
      "1001 1 ffff000000000001 100 0 0 10 0\n";
  const std::string timewait =
      "   1: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00000BB8 00000000     0        0 "
      "0 3 0000000000000000\n";
  // The same socket twice (as a read() resumed after the hash chain moved
  // would print it), and two distinct inode-0 timewait rows.
  tree.write("net/tcp", std::string(kHeader) + listen + timewait + listen + timewait);
  add_fd(tree, 100, 3, "socket:[1001]");
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.t USING proc_tcp(root='" + tree.path() + "')");
  db.exec("CREATE VIRTUAL TABLE temp.f USING proc_fd(root='" + tree.path() + "')");
  CHECK(db.scalar("SELECT count(*) FROM t WHERE inode = 1001") == "1");
  CHECK(db.scalar("SELECT count(*) FROM t") == "3");
  CHECK(db.scalar("SELECT count(*) FROM t JOIN f USING (inode)") == "1");
}

TEST_CASE("proctab_doc() returns the TableDef's documentation", "[sql][doc]") {
  Db db;
  // Every table and every column, as the launcher's --help and a user ask.
  for (const proctab::TableDef* def : proctab::all_tables()) {
    const std::string name = def->name;
    CHECK(db.scalar("SELECT proctab_doc('" + name + "')") == def->doc);
    CHECK(db.scalar("SELECT count(*) FROM pragma_module_list WHERE name = '" + name + "'") == "1");
    for (const proctab::ColumnInfo& col : def->columns) {
      CHECK(db.scalar("SELECT proctab_doc('" + name + "', '" + col.name + "')") == col.doc);
    }
    // Names compare as SQL identifiers do: case-insensitively.
    CHECK(db.scalar("SELECT proctab_doc(upper('" + name + "'))") == def->doc);
  }
  CHECK(db.scalar("SELECT proctab_doc('sqlite_master')") == "NULL");
  CHECK(db.scalar("SELECT proctab_doc('proc_tcp', 'no_such_column')") == "NULL");
  CHECK(db.scalar("SELECT proctab_doc(NULL)") == "NULL");
  CHECK(db.scalar("SELECT proctab_doc('proc_tcp', NULL)") == "NULL");
  // The columns of a table with their docs, as README and --help suggest.
  CHECK(db.scalar("SELECT count(*) FROM pragma_table_info('proc_fd') "
                  "WHERE proctab_doc('proc_fd', name) IS NULL") == "0");
  CHECK_THAT(db.error_of("SELECT proctab_doc()"), Catch::Contains("wrong number of arguments"));
}
