// Hostile or careless SQL and hostile roots: constraints of every type and
// shape (compared with the same query with pushdown defeated), joins of a
// table with itself, many cursors, subqueries, prepared statements re-run
// after their processes exited, module arguments, DIRECTONLY through a real
// database file, writes, and roots whose links point outside.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "test_support.h"

using testing::add_fd;
using testing::CountingFactory;
using testing::Db;
using testing::Rows;
using testing::TempTree;
using testing::kHeader;

namespace {

void write_tree(const TempTree& tree) {
  tree.write("net/tcp",
             std::string(kHeader) +
                 "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1001 1 ffff000000000001 100 0 0 10 0\n"
                 "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1002 1 ffff000000000002 20 4 30 10 -1\n"
                 "   2: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1003 1 ffff000000000003 20 4 30 10 5\n"
                 "   3: 0100007F:0064 0100007F:1F90 06 00000000:00000000 03:00000BB8 00000000     "
                 "0        0 0 3 0000000000000000\n"
                 "   4: 0100007F:1F90 0100007F:0064 03 00000000:00000000 01:00000064 00000001  "
                 "1000        0 0 0 0000000000000000\n");
  tree.write(
      "net/tcp6",
      std::string(kHeader) +
          "   0: 00000000000000000000000001000000:0064 00000000000000000000000000000000:0000 "
          "0A 00000000:00000000 00:00000000 00000000   999        0 100 1 "
          "0000000000000000 100 0 0 10 0\n");
  add_fd(tree, 100, 0, "/dev/null");
  add_fd(tree, 100, 3, "socket:[1001]");
  add_fd(tree, 100, 4, "socket:[1002]");
  add_fd(tree, 100, 100, "pipe:[100]");
  add_fd(tree, 200, 3, "socket:[1003]");
  add_fd(tree, 200, 4, "socket:[100]");
  add_fd(tree, 200, 5, "pipe:[100]");
  add_fd(tree, 200, 6, "/tmp/100 (deleted)");
  add_fd(tree, 200, 7, "anon_inode:[eventfd]");
  tree.write("100/fdinfo/0", "pos:\t100\nflags:\t0100002\nmnt_id:\t100\n");
}

struct Fixture {
  TempTree tree;
  CountingFactory counts;
  std::unique_ptr<Db> db;
  Fixture() {
    write_tree(tree);
    db = std::make_unique<Db>(counts.factory());
    db->exec("CREATE VIRTUAL TABLE temp.tcp USING proc_tcp(root='" + tree.path() + "')");
    db->exec("CREATE VIRTUAL TABLE temp.fd USING proc_fd(root='" + tree.path() + "')");
  }

  // Rows (or the error) of `sql`, which names its table as {T}.
  std::string run(const std::string& sql, const std::string& table) const {
    std::string s = sql;
    for (size_t at; (at = s.find("{T}")) != std::string::npos;) s.replace(at, 3, table);
    try {
      std::string out;
      for (const auto& row : db->query(s)) {
        for (const auto& v : row) out += v + "|";
        out += "\n";
      }
      return out;
    } catch (const std::exception& e) {
      return std::string("error: ") + e.what();
    }
  }
};

// The same table with pushdown defeated: a materialized subquery with a
// LIMIT is neither flattened nor given the outer WHERE (SQLite's push-down
// optimization skips LIMITed subqueries), and its columns keep their
// declared affinity, so comparisons mean the same.
std::string unpushed(const std::string& table) {
  return "(SELECT * FROM " + table + " LIMIT -1)";
}

const std::vector<std::string> kNumbers = {
    "100",
    "'100'",
    "' 100 '",
    "'100 x'",
    "100.0",
    "'100.0'",
    "'1e2'",
    "1e2",
    "100.5",
    "-100",
    "0",
    "-0.0",
    "'0x64'",
    "0x64",
    "'+100'",
    "true",
    "NULL",
    "''",
    "'abc'",
    "x''",
    "x'313030'",
    "zeroblob(2)",
    "char(0)",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "1e19",
    "-1e300",
    "1e300",
    "'9223372036854775807'",
    "CAST(100 AS REAL)",
    "'100' COLLATE NOCASE",
    "(SELECT 100)",
    "abs(-100)",
    "1/0",
    "'٣'",  // a non-ASCII digit
};
const std::vector<std::string> kTexts = {
    "'LISTEN'",
    "'listen'",
    "'LISTEN '",
    "' LISTEN'",
    "'LISTEN' || char(0)",
    "x'4C495354454E'",
    "'inet'",
    "'inet6'",
    "'INET'",
    "10",
    "'10'",
    "10.0",
    "NULL",
    "''",
    "'ESTABLISHED'",
    "'13'",
    "'0A'",
    "'LISTEN' COLLATE NOCASE",
    "'LIST%'",
};

}  // namespace

TEST_CASE("hostile constraints: pushed-down results equal unpushed ones", "[hostile]") {
  Fixture f;
  const std::map<std::string, std::pair<std::string, std::vector<std::string>>> tables = {
      {"tcp", {"family, slot", {"local_port", "remote_port", "st", "inode", "slot", "uid"}}},
      {"fd", {"pid, fd", {"pid", "fd", "inode", "pos", "mnt_id"}}},
  };
  int compared = 0;
  for (const auto& [table, spec] : tables) {
    const auto& [key, columns] = spec;
    for (const auto& column : columns) {
      for (const auto& v : kNumbers) {
        for (const std::string& shape :
             {column + " = " + v, column + " IN (" + v + ")", column + " IN (" + v + ", 3, 1002)",
              column + " == " + v + " AND " + column + " = " + v, v + " = " + column,
              column + " IS " + v, column + " != " + v, column + " > " + v}) {
          std::string sql = "SELECT " + key + " FROM {T} WHERE " + shape + " ORDER BY " + key;
          INFO(sql);
          CHECK(f.run(sql, table) == f.run(sql, unpushed(table)));
          ++compared;
        }
      }
    }
  }
  for (std::string column : {"family", "state", "kind", "local_address"}) {
    for (const auto& v : kTexts) {
      for (const std::string& shape : {column + " = " + v, column + " IN (" + v + ", 'CLOSE')",
                                       column + " = " + v + " COLLATE BINARY"}) {
        std::string sql = "SELECT family, slot FROM {T} WHERE " + shape + " ORDER BY 1, 2";
        INFO(sql);
        CHECK(f.run(sql, "tcp") == f.run(sql, unpushed("tcp")));
        ++compared;
      }
    }
  }
  CHECK(compared > 1000);
  // Spot checks that the comparison is not vacuous.
  CHECK(f.run("SELECT count(*) FROM {T} WHERE pid = '100'", "fd") == "4|\n");
  CHECK(f.run("SELECT count(*) FROM {T} WHERE inode = 100", "fd") == "3|\n");
  CHECK(f.run("SELECT count(*) FROM {T} WHERE local_port = '1e2'", "tcp") == "2|\n");
  // And that the reference really reads everything (no pushdown): pid = 100
  // lists one directory directly, the root and both pids unpushed.
  uint64_t dirs = f.counts.dirs_listed();
  f.run("SELECT * FROM {T} WHERE pid = 100", "fd");
  CHECK(f.counts.dirs_listed() - dirs == 1);
  dirs = f.counts.dirs_listed();
  f.run("SELECT * FROM {T} WHERE pid = 100", unpushed("fd"));
  CHECK(f.counts.dirs_listed() - dirs == 3);
}

TEST_CASE("hostile constraints: LIKE, GLOB, ranges on every column", "[hostile]") {
  Fixture f;
  for (const auto& [table, key] : std::vector<std::pair<std::string, std::string>>{
           {"tcp", "family, slot"}, {"fd", "pid, fd"}}) {
    Rows columns = f.db->query("SELECT name FROM pragma_table_info('" + table + "')");
    REQUIRE(columns.size() >= 11);
    for (const auto& c : columns) {
      const std::string& col = c[0];
      for (const std::string& shape :
           {col + " LIKE '%1%'", col + " GLOB '*0*'", col + " LIKE '_'", col + " GLOB '[a-z]*'",
            col + " BETWEEN 1 AND 1002", col + " IS NULL", col + " IS NOT NULL", col + " < 'm'",
            col + " LIKE " + col}) {
        std::string sql = "SELECT " + key + " FROM {T} WHERE " + shape + " ORDER BY " + key;
        INFO(sql);
        CHECK(f.run(sql, table) == f.run(sql, unpushed(table)));
      }
    }
  }
}

TEST_CASE("hostile queries: self-joins, subqueries, many cursors", "[hostile]") {
  Fixture f;
  const std::vector<std::string> queries = {
      // The same table twice, joined on pushed-down columns.
      "SELECT a.pid, a.fd, b.pid, b.fd FROM {T} a JOIN {T} b ON a.inode = b.inode AND "
      "(a.pid, a.fd) < (b.pid, b.fd) ORDER BY 1, 2, 3, 4",
      "SELECT a.pid, a.fd, b.fd FROM {T} a JOIN {T} b ON b.pid = a.pid AND b.fd = a.fd + 1 "
      "ORDER BY 1, 2",
      "SELECT a.pid, a.fd FROM {T} a JOIN {T} b ON b.pid = a.fd ORDER BY 1, 2",
      "SELECT a.pid, a.fd FROM {T} a, {T} b, {T} c WHERE a.inode = b.inode AND b.pid = c.pid AND "
      "c.fd = a.fd ORDER BY 1, 2",
      // Correlated and nested subqueries.
      "SELECT o.pid, o.fd, (SELECT count(*) FROM fd x WHERE x.pid = o.pid) FROM {T} o ORDER BY "
      "1, 2",
      "SELECT pid, fd FROM {T} o WHERE EXISTS (SELECT 1 FROM fd i WHERE i.inode = o.inode AND "
      "i.pid != o.pid) ORDER BY 1, 2",
      "SELECT pid, fd FROM {T} WHERE inode IN (SELECT inode FROM tcp WHERE local_port IN (SELECT "
      "fd FROM fd WHERE pid = (SELECT max(pid) FROM fd))) ORDER BY 1, 2",
      "SELECT pid, fd FROM {T} WHERE pid IN (SELECT pid FROM fd WHERE fd IN (SELECT inode FROM "
      "fd)) ORDER BY 1, 2",
      "SELECT pid, count(*) FROM {T} GROUP BY pid HAVING count(*) > (SELECT count(*) FROM tcp "
      "WHERE inode = 0) ORDER BY 1",
  };
  for (const auto& sql : queries) {
    INFO(sql);
    std::string direct = f.run(sql, "fd");
    CHECK(direct.find("error") == std::string::npos);
    CHECK(direct == f.run(sql, unpushed("fd")));
  }
  // The inode column is the bare number: socket:[100] and pipe:[100] meet.
  CHECK(f.run(queries[0], "fd") == "100|100|200|4|\n100|100|200|5|\n200|4|200|5|\n");

  // Many cursors open at once, stepped in lockstep.
  std::vector<sqlite3_stmt*> stmts;
  for (int i = 0; i < 64; ++i) {
    const char* sql = i % 2 ? "SELECT inode FROM tcp ORDER BY family, slot"
                            : "SELECT inode FROM fd WHERE pid IN (100, 200) ORDER BY pid, fd";
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(f.db->get(), sql, -1, &s, nullptr) == SQLITE_OK);
    stmts.push_back(s);
  }
  std::vector<std::string> seen(stmts.size());
  bool any = true;
  while (any) {
    any = false;
    for (size_t i = 0; i < stmts.size(); ++i) {
      if (!stmts[i]) continue;
      int rc = sqlite3_step(stmts[i]);
      if (rc == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(stmts[i], 0);
        seen[i] += (t ? reinterpret_cast<const char*>(t) : "NULL") + std::string(",");
        any = true;
      } else {
        CHECK(rc == SQLITE_DONE);
        sqlite3_finalize(stmts[i]);
        stmts[i] = nullptr;
      }
    }
  }
  CHECK(seen[1] == "1001,1002,1003,0,0,100,");
  CHECK(seen[0] == "NULL,1001,1002,100,1003,100,100,NULL,NULL,");
  for (size_t i = 2; i < seen.size(); ++i) CHECK(seen[i] == seen[i % 2]);
}

TEST_CASE("prepared statements re-run after their processes exited", "[hostile]") {
  SECTION("fixture: a pid directory removed between runs") {
    Fixture f;
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(f.db->get(),
                               "SELECT count(*) FROM fd WHERE pid = ?1 OR pid IN (?1, ?2)", -1, &s,
                               nullptr) == SQLITE_OK);
    sqlite3_bind_int(s, 1, 100);
    sqlite3_bind_int(s, 2, 200);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) == 9);
    sqlite3_reset(s);
    std::filesystem::remove_all(f.tree.path() + "/100");
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) == 5);
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, "not a pid", -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 2, 200.5);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) == 0);
    sqlite3_finalize(s);
  }
  SECTION("live: children that exit between runs") {
    Db db;
    pid_t kids[2];
    for (pid_t& kid : kids) {
      kid = fork();
      REQUIRE(kid >= 0);
      if (kid == 0) {
        pause();
        _exit(0);
      }
    }
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.get(),
                               "SELECT count(*), count(DISTINCT pid) FROM proc_fd WHERE pid IN "
                               "(?1, ?2) AND fd >= 0",
                               -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_int(s, 1, kids[0]);
    sqlite3_bind_int(s, 2, kids[1]);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) >= 6);  // stdin/out/err at least, each
    CHECK(sqlite3_column_int(s, 1) == 2);
    for (int i = 0; i < 2; ++i) {
      sqlite3_reset(s);
      kill(kids[i], SIGKILL);
      waitpid(kids[i], nullptr, 0);
      REQUIRE(sqlite3_step(s) == SQLITE_ROW);
      CHECK(sqlite3_column_int(s, 1) == 1 - i);
    }
    sqlite3_finalize(s);
  }
}

TEST_CASE("module arguments: more careless shapes", "[hostile][errors]") {
  TempTree tree;
  write_tree(tree);
  Db db;
  auto create = [&](const std::string& args) {
    std::string err = db.error_of("CREATE VIRTUAL TABLE temp.t USING proc_tcp(" + args + ")");
    if (err.empty()) db.exec("DROP TABLE temp.t");
    return err;
  };
  const std::string root = tree.path();
  CHECK(create("") == "");  // no arguments: /proc
  CHECK(create("  root  =  '" + root + "'  ") == "");
  CHECK_THAT(create("ROOT='" + root + "'"), Catch::Contains("unknown argument 'ROOT'"));
  CHECK_THAT(create("='x'"), Catch::Contains("unknown argument ''"));
  CHECK_THAT(create("root='" + root + "' extra"), Catch::Contains("must be a quoted string"));
  CHECK_THAT(create("root='a' 'b'"), Catch::Contains("unbalanced quote"));
  CHECK_THAT(create("root='it''s'"), Catch::Contains("root 'it's'"));       // unquoted correctly
  CHECK_THAT(create("root='a'b'"), Catch::Contains("unrecognized token"));  // SQLite's own
  CHECK_THAT(create("root=''''"), Catch::Contains("root '''"));
  CHECK_THAT(create("root='" + root + "', root='" + root + "'"), Catch::Contains("twice"));
  CHECK_THAT(create("root=proc"), Catch::Contains("must be a quoted string"));
  std::string many;
  for (int i = 0; i < 200; ++i)
    many += std::string(i ? "," : "") + "k" + std::to_string(i) + "='v'";
  CHECK_THAT(create(many), Catch::Contains("unknown argument 'k0'"));
  CHECK_THAT(create("root='" + std::string(4096, '/') + "'"), Catch::Contains("PATH_MAX"));
  CHECK_THAT(create("root='" + std::string(4095, '/') + "'"),  // "/": no net/tcp
             Catch::Contains("has no readable net/tcp"));
  CHECK(create("root='" + std::string(200, '/') + root + "'") == "");  // many slashes: same dir
  // A path component of 300 bytes (NAME_MAX is 255).
  CHECK_THAT(create("root='/tmp/" + std::string(300, 'n') + "'"),
             Catch::Contains("File name too long"));
  // A root that is a file, not a directory.
  CHECK_THAT(create("root='" + root + "/net/tcp'"), Catch::Contains("Not a directory"));
  // ".." in the root is the user's own choice of directory: allowed.
  tree.mkdir("sub");
  CHECK(create("root='" + root + "/sub/..'") == "");
  // The same for proc_fd.
  CHECK_THAT(
      db.error_of("CREATE VIRTUAL TABLE temp.g USING proc_fd(root='" + root + "', bogus='1')"),
      Catch::Contains("proc_fd: unknown argument 'bogus'"));
}

TEST_CASE("DIRECTONLY through a database file: stored views and triggers fail", "[hostile]") {
  TempTree dir;
  const std::string path = dir.path() + "/crafted.db";
  for (int pass = 0; pass < 2; ++pass) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(proctab::register_all(db, proctab::Seams{}) == SQLITE_OK);
    auto exec = [&](const std::string& sql) {
      char* err = nullptr;
      int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
      std::string message = rc == SQLITE_OK ? "" : (err ? err : "error");
      sqlite3_free(err);
      return message;
    };
    if (pass == 0) {
      // What a crafted database would carry.
      REQUIRE(exec("PRAGMA synchronous = OFF; CREATE TABLE t(x); CREATE TABLE log(n);"
                   "CREATE VIEW v_tcp AS SELECT count(*) FROM proc_tcp;"
                   "CREATE VIEW v_fd AS SELECT target FROM proc_fd;"
                   "CREATE TRIGGER trg AFTER INSERT ON t BEGIN "
                   "  INSERT INTO log SELECT count(*) FROM proc_fd; END;") == "");
    } else {
      // Reopened: the schema comes from the file.
      CHECK_THAT(exec("SELECT * FROM v_tcp"),
                 Catch::Contains("unsafe use of virtual table \"proc_tcp\""));
      CHECK_THAT(exec("SELECT * FROM v_fd"),
                 Catch::Contains("unsafe use of virtual table \"proc_fd\""));
      CHECK_THAT(exec("INSERT INTO t VALUES (1)"),
                 Catch::Contains("unsafe use of virtual table \"proc_fd\""));
      CHECK(exec("SELECT count(*) FROM log") == "");
      // The user's own TEMP objects and direct queries still work.
      CHECK(exec("CREATE TEMP VIEW mine AS SELECT count(*) FROM proc_tcp; SELECT * FROM mine") ==
            "");
      CHECK(exec("DROP TRIGGER trg") == "");  // the file's owner may remove it
      CHECK(exec("CREATE TEMP TRIGGER t2 AFTER INSERT ON t BEGIN INSERT INTO log SELECT "
                 "count(*) FROM proc_tcp; END; INSERT INTO t VALUES (2)") == "");
      // Writes fail.
      for (const char* w : {"DELETE FROM proc_tcp", "UPDATE proc_fd SET pid = 1",
                            "INSERT INTO proc_tcp(family) VALUES ('inet')"}) {
        CHECK_THAT(exec(w), Catch::Contains("may not be modified"));
      }
    }
    sqlite3_close(db);
  }
}

TEST_CASE("hostile roots: nothing outside the root is followed", "[hostile]") {
  TempTree inside, outside;
  write_tree(outside);  // what an escaping link would reach
  Db db;
  auto create = [&](const std::string& table, const std::string& root) {
    return db.error_of("CREATE VIRTUAL TABLE temp." + table + " USING " +
                       (table[0] == 't' ? "proc_tcp" : "proc_fd") + "(root='" + root + "')");
  };
  SECTION("net/tcp as an absolute symlink out: refused at CREATE") {
    inside.symlink("net/tcp", outside.path() + "/net/tcp");
    CHECK_THAT(create("t", inside.path()), Catch::Contains("leads outside the root"));
  }
  SECTION("net as a relative symlink climbing out with ..") {
    inside.symlink("net",
                   "../" + std::filesystem::path(outside.path()).filename().string() + "/net");
    REQUIRE(std::filesystem::exists(inside.path() + "/net/tcp"));  // the OS would follow it
    CHECK_THAT(create("t", inside.path()), Catch::Contains("leads outside the root"));
  }
  SECTION("procfs's own shape, net -> self/net -> PID/net: followed, it stays inside") {
    write_tree(inside);
    std::filesystem::rename(inside.path() + "/net", inside.path() + "/100/net");
    inside.symlink("self", "100");
    inside.symlink("net", "self/net");
    CHECK(create("t", inside.path()) == "");
    CHECK(db.scalar("SELECT count(*) FROM t") == "6");
  }
  SECTION("fd directories, pid directories and fdinfo linking out are skipped") {
    write_tree(inside);
    inside.symlink("300", outside.path() + "/100");  // a pid directory
    std::filesystem::remove_all(inside.path() + "/200/fd");
    inside.symlink("200/fd", outside.path() + "/200/fd");  // an fd directory
    std::filesystem::remove_all(inside.path() + "/100/fdinfo");
    inside.symlink("100/fdinfo", outside.path() + "/100/fdinfo");
    REQUIRE(create("f", inside.path()) == "");
    CHECK(db.query("SELECT pid, count(*) FROM f GROUP BY pid") == Rows{{"100", "4"}});
    CHECK(db.scalar("SELECT count(*) FROM f WHERE pid IN (200, 300)") == "0");
    CHECK(db.scalar("SELECT count(*) FROM f WHERE pid = 300 AND fd = 0") == "0");  // single link
    CHECK(db.scalar("SELECT quote(pos) FROM f WHERE pid = 100 AND fd = 0") == "NULL");
    // Through the outside tree directly, the same queries see those rows.
    REQUIRE(create("o", outside.path()) == "");
    CHECK(db.scalar("SELECT pos FROM o WHERE pid = 100 AND fd = 0") == "100");
  }
  SECTION("the real /proc: nothing is written, every open is read-only") {
    // ProcFs is the only code that opens files; record its flags.
    struct RecordingFs final : proctab::ProcFs {
      using ProcFs::ProcFs;
      std::shared_ptr<std::vector<int>> flags = std::make_shared<std::vector<int>>();
      int sys_open(int dir_fd, const char* path, int f) override {
        flags->push_back(f);
        return ProcFs::sys_open(dir_fd, path, f);
      }
    };
    auto all_flags = std::make_shared<std::vector<int>>();
    Db live([all_flags](const std::string& root) {
      auto fs = std::make_shared<RecordingFs>(root);
      fs->flags = all_flags;
      return fs;
    });
    write_tree(inside);
    auto listing = [&] {
      std::string out;
      for (auto& e : std::filesystem::recursive_directory_iterator(inside.path())) {
        out += e.path().string() + "\n";
      }
      return out;
    };
    std::string before = listing();
    live.exec("CREATE VIRTUAL TABLE temp.fx USING proc_fd(root='" + inside.path() + "')");
    live.query("SELECT f.pid, f.target, t.state FROM proc_fd f LEFT JOIN proc_tcp t USING (inode)");
    live.query("SELECT * FROM proc_fd WHERE pid = " + std::to_string(getpid()));
    live.query("SELECT * FROM fx");
    live.query("SELECT * FROM proc_fd WHERE pid = " + std::to_string(getpid()) + " AND fd = 0");
    REQUIRE(all_flags->size() > 3);
    for (int fl : *all_flags) {
      CHECK((fl & O_ACCMODE) == O_RDONLY);
      CHECK((fl & (O_CREAT | O_TRUNC | O_APPEND)) == 0);
    }
    CHECK(listing() == before);
  }
}
