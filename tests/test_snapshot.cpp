// One snapshot per statement execution, whatever the query's shape: every
// cursor a statement opens on a table shares one read of each file, and the
// next execution reads afresh. Proven with per-path read counters of the
// ProcFs seam over fixture roots. Also: every pushed-down equality is an
// index lookup (a 4-tuple self-join over 20,000 sockets gives the rows SQLite
// itself computes without pushdown).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "core/hash_index.h"
#include "test_support.h"

using testing::add_fd;
using testing::Db;
using testing::kHeader;
using testing::PathCountingFactory;
using testing::Rows;
using testing::TempTree;

namespace {

// "%08X:%04X" of 127.0.0.1 (little-endian host order, as the kernel prints it).
std::string loopback(unsigned port) {
  char buf[32];
  snprintf(buf, sizeof buf, "0100007F:%04X", port);
  return buf;
}

std::string tcp_line(unsigned slot, const std::string& local, const std::string& remote,
                     unsigned st, unsigned long inode) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "%4u: %s %s %02X 00000000:00000000 00:00000000 00000000  1000        0 %lu 1 "
           "ffff000000000001 20 4 30 10 -1\n",
           slot, local.c_str(), remote.c_str(), st, inode);
  return buf;
}

// `pairs` loopback connections 127.0.0.1:(20000 + i) <-> 127.0.0.1:8080 (both
// ends, inodes 100000 + 2i and + 2i + 1), a listener on 8080 (inode 99), and
// processes 100 (the listener and server ends) and 200 (client ends).
void write_connections(const TempTree& tree, unsigned pairs, bool with_fds) {
  std::string text = kHeader + tcp_line(0, loopback(8080), "00000000:0000", 10, 99);
  for (unsigned i = 0; i < pairs; ++i) {
    unsigned long server = 100000 + 2 * i, client = server + 1;
    text += tcp_line(2 * i + 1, loopback(8080), loopback(20000 + i), 1, server);
    text += tcp_line(2 * i + 2, loopback(20000 + i), loopback(8080), 1, client);
    if (with_fds) {
      add_fd(tree, 100, static_cast<int>(10 + i), "socket:[" + std::to_string(server) + "]");
      add_fd(tree, 200, static_cast<int>(10 + i), "socket:[" + std::to_string(client) + "]");
    }
  }
  tree.write("net/tcp", text);
  tree.write("net/tcp6", kHeader);
  add_fd(tree, 100, 3, "socket:[99]");
  add_fd(tree, 100, 4, "/var/log/x");
  tree.write("100/stat", "100 (server) S 1 100 100 0 -1 4194560 1 0 0 0 1 2 0 0 20 0 1 0 5 1 1");
  tree.write("200/stat", "200 (client) S 1 200 200 0 -1 4194560 1 0 0 0 1 2 0 0 20 0 1 0 5 1 1");
}

struct Fixture {
  TempTree tree;
  PathCountingFactory counts;
  Db db{counts.factory()};
  explicit Fixture(unsigned pairs = 5, bool with_fds = true) {
    write_connections(tree, pairs, with_fds);
    for (const char* table : {"proc_tcp", "proc_fd", "proc_process"}) {
      std::string name = std::string(table).substr(5);  // tcp, fd, process
      db.exec("CREATE VIRTUAL TABLE temp." + name + " USING " + table + "(root='" + tree.path() +
              "')");
    }
    counts.clear();
  }
  // Runs `sql`, and checks it read net/tcp (and tcp6) exactly once.
  Rows once(const std::string& sql) {
    counts.clear();
    Rows rows = db.query(sql);
    INFO(sql);
    CHECK(counts.read("net/tcp") == 1);
    CHECK(counts.read("net/tcp6") == 1);
    return rows;
  }
};

}  // namespace

TEST_CASE("every query shape reads net/tcp once per statement", "[snapshot][fixture]") {
  Fixture f;
  SECTION("a plain join, both orders") {
    CHECK(f.once("SELECT count(*) FROM tcp t JOIN fd d ON d.inode = t.inode")[0][0] == "11");
    CHECK(f.once("SELECT count(*) FROM fd d CROSS JOIN tcp t ON t.inode = d.inode")[0][0] == "11");
  }
  SECTION("a correlated scalar subquery, re-opened per outer row") {
    Rows rows = f.once(
        "SELECT d.fd, (SELECT t.state FROM tcp t WHERE t.inode = d.inode) FROM fd d "
        "WHERE d.pid = 200 ORDER BY d.fd");
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == std::vector<std::string>{"10", "ESTABLISHED"});
  }
  SECTION("EXISTS and NOT EXISTS") {
    CHECK(f.once("SELECT count(*) FROM fd d WHERE EXISTS (SELECT 1 FROM tcp t WHERE t.inode = "
                 "d.inode AND t.state = 'ESTABLISHED')")[0][0] == "10");
    CHECK(f.once("SELECT count(*) FROM fd d WHERE NOT EXISTS (SELECT 1 FROM tcp t WHERE "
                 "t.inode = d.inode)")[0][0] == "1");  // /var/log/x
  }
  SECTION("IN (SELECT ...), correlated or not") {
    CHECK(f.once("SELECT count(*) FROM fd WHERE inode IN (SELECT inode FROM tcp WHERE state = "
                 "'LISTEN')")[0][0] == "1");
    CHECK(f.once("SELECT count(*) FROM fd d WHERE d.fd IN (SELECT t.local_port - 20000 + 10 "
                 "FROM tcp t WHERE t.inode = d.inode)")[0][0] == "5");
  }
  SECTION("a self-join on the 4-tuple: each connection with its other end") {
    Rows rows = f.once(
        "SELECT a.inode, b.inode FROM tcp a JOIN tcp b ON b.local_port = a.remote_port AND "
        "b.remote_port = a.local_port AND b.local_address = a.remote_address AND "
        "b.remote_address = a.local_address WHERE a.local_port = 8080 ORDER BY a.inode");
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == std::vector<std::string>{"100000", "100001"});
  }
  SECTION("a view naming the table twice, used twice") {
    f.db.exec(
        "CREATE TEMP VIEW peers AS SELECT a.inode AS here, b.inode AS there FROM tcp a JOIN tcp "
        "b ON b.local_port = a.remote_port AND b.remote_port = a.local_port");
    CHECK(f.once("SELECT count(*) FROM peers")[0][0] == "10");
    CHECK(f.once("SELECT count(*) FROM peers x JOIN peers y ON y.here = x.there")[0][0] == "10");
  }
  SECTION("a CTE named twice, inlined or materialized") {
    CHECK(f.once("WITH l AS NOT MATERIALIZED (SELECT * FROM tcp WHERE state = 'LISTEN') "
                 "SELECT count(*) FROM l a, l b")[0][0] == "1");
    CHECK(f.once("WITH l AS MATERIALIZED (SELECT * FROM tcp) SELECT count(*) FROM l a JOIN l b "
                 "ON a.inode = b.inode")[0][0] == "11");
  }
  SECTION("UNION ALL and a scalar subquery in the select list") {
    CHECK(f.once("SELECT count(*) FROM (SELECT inode FROM tcp UNION ALL SELECT inode FROM tcp "
                 "WHERE state = 'LISTEN')")[0][0] == "12");
    CHECK(f.once("SELECT (SELECT count(*) FROM tcp), (SELECT max(inode) FROM tcp), count(*) "
                 "FROM tcp")[0] == std::vector<std::string>{"11", "100009", "11"});
  }
}

TEST_CASE("proc_fd and proc_process: one read per process per statement", "[snapshot][fixture]") {
  Fixture f;
  // A correlated count per process: each fd directory listed once.
  Rows rows = f.db.query(
      "SELECT p.pid, (SELECT count(*) FROM fd d WHERE d.pid = p.pid) FROM process p ORDER BY 1");
  CHECK(rows == Rows{{"100", "7"}, {"200", "5"}});
  CHECK(f.counts.opened("100/fd") == 1);
  CHECK(f.counts.opened("200/fd") == 1);
  CHECK(f.counts.read("100/stat") == 1);
  // The same process asked for by lookup and by a full walk in one statement.
  f.counts.clear();
  CHECK(f.db.query("SELECT (SELECT count(*) FROM fd WHERE pid = 100), count(*) FROM fd") ==
        Rows{{"7", "12"}});
  CHECK(f.counts.opened("100/fd") == 1);
  CHECK(f.db.query("SELECT (SELECT count(*) FROM fd WHERE pid = 100 AND fd = 3), "
                   "(SELECT count(*) FROM fd WHERE pid = 100), count(*) FROM fd") ==
        Rows{{"1", "7", "12"}});  // a single link read first, then its directory: no duplicate
}

TEST_CASE("the next execution reads afresh", "[snapshot][fixture]") {
  Fixture f(2);
  const std::string before = "5", after = "6";  // listener + 2 pairs, then one more line
  auto add_line = [&] {
    std::string text = kHeader + tcp_line(0, loopback(8080), "00000000:0000", 10, 99);
    for (unsigned i = 0; i < 2; ++i) {
      text += tcp_line(2 * i + 1, loopback(8080), loopback(20000 + i), 1, 100000 + 2 * i);
      text += tcp_line(2 * i + 2, loopback(20000 + i), loopback(8080), 1, 100001 + 2 * i);
    }
    text += tcp_line(9, loopback(9090), "00000000:0000", 10, 555);
    f.tree.write("net/tcp", text);
  };

  SECTION("a prepared statement reset and stepped again") {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(f.db.get(), "SELECT count(*) FROM tcp", -1, &stmt, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(std::to_string(sqlite3_column_int64(stmt, 0)) == before);
    sqlite3_reset(stmt);
    add_line();
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(std::to_string(sqlite3_column_int64(stmt, 0)) == after);
    sqlite3_finalize(stmt);
    CHECK(f.counts.read("net/tcp") == 2);
  }
  SECTION("the same SQL prepared again (a finalized statement's address is reused)") {
    for (int i = 0; i < 3; ++i) {
      CHECK(f.db.scalar("SELECT count(*) FROM tcp") == before);
    }
    CHECK(f.counts.read("net/tcp") == 3);
    add_line();
    CHECK(f.db.scalar("SELECT count(*) FROM tcp") == after);
  }
  SECTION("two statements stepped in turn each keep their own snapshot") {
    sqlite3_stmt* a = nullptr;
    sqlite3_stmt* b = nullptr;
    REQUIRE(sqlite3_prepare_v2(f.db.get(), "SELECT inode FROM tcp", -1, &a, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(f.db.get(), "SELECT count(*) FROM tcp", -1, &b, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_step(a) == SQLITE_ROW);  // a has read 5 rows
    add_line();
    REQUIRE(sqlite3_step(b) == SQLITE_ROW);
    CHECK(std::to_string(sqlite3_column_int64(b, 0)) == after);  // b read afresh
    int rows = 1;
    while (sqlite3_step(a) == SQLITE_ROW) ++rows;
    CHECK(std::to_string(rows) == before);  // a finished on its own snapshot
    sqlite3_finalize(a);
    sqlite3_finalize(b);
  }
}

TEST_CASE("a 4-tuple self-join over 20,000 sockets: index lookups, the rows SQLite computes",
          "[snapshot][fixture]") {
  Fixture f(10000, false);  // 20,001 sockets
  const std::string on =
      " ON b.local_port = a.remote_port AND b.remote_port = a.local_port AND "
      "b.local_address = a.remote_address AND b.remote_address = a.local_address";
  // SQLite cannot push constraints into a LIMIT -1 subquery: it compares
  // every pair itself (through an automatic index).
  const std::string plain = "(SELECT * FROM tcp LIMIT -1)";
  for (const char* join : {"JOIN", "LEFT JOIN"}) {
    INFO(join);
    std::string select = "SELECT a.inode, b.inode FROM ";
    Rows indexed = f.once(select + "tcp a " + join + " tcp b" + on + " ORDER BY 1, 2");
    Rows oracle =
        f.db.query(select + plain + " a " + join + " " + plain + " b" + on + " ORDER BY 1, 2");
    CHECK(indexed.size() == (std::string(join) == "JOIN" ? 20000u : 20001u));
    CHECK(indexed == oracle);
  }
}

TEST_CASE("hash index: rows of a key in row order, extended as rows arrive", "[snapshot][index]") {
  proctab::HashIndex index;
  index.reserve(8);
  // Keys 7, 3, 7, 9, 7 in rows 0..4; a NULL (skipped) row 5; then row 6 is 3.
  const uint64_t keys[] = {7, 3, 7, 9, 7};
  for (uint32_t r = 0; r < 5; ++r) index.add(keys[r], r);
  index.skip(5);
  CHECK(index.indexed() == 6);
  index.add(3, 6);
  std::vector<uint32_t> rows;
  index.rows_of(7, rows);
  CHECK(rows == std::vector<uint32_t>{0, 2, 4});
  index.rows_of(3, rows);  // appends
  CHECK(rows == std::vector<uint32_t>{0, 2, 4, 1, 6});
  rows.clear();
  index.rows_of(42, rows);
  CHECK(rows.empty());
  CHECK(index.count(7) == 3);
  CHECK(index.count(9) == 1);
  CHECK(index.count(42) == 0);
  // Many keys: the table grows and every chain survives.
  proctab::HashIndex big;
  for (uint32_t r = 0; r < 10000; ++r) big.add(r % 1000, r);
  rows.clear();
  big.rows_of(999, rows);
  REQUIRE(rows.size() == 10);
  for (size_t i = 0; i < rows.size(); ++i) CHECK(rows[i] == 999 + 1000 * i);
}

TEST_CASE("row key index: finds rows by the key they carry, forgets rows taken back",
          "[snapshot][index]") {
  std::vector<uint64_t> cookie;  // the "rows": row r's key is cookie[r]
  auto key_of = [&](uint32_t r) { return cookie[r]; };
  proctab::RowKeyIndex index;
  CHECK(index.find(5, key_of) == proctab::RowKeyIndex::kNone);
  for (uint32_t r = 0; r < 5000; ++r) {
    cookie.push_back(1000 + 7 * uint64_t{r});
    REQUIRE(index.find_or_insert(cookie[r], r, key_of) == proctab::RowKeyIndex::kNone);
  }
  CHECK(index.find(1000, key_of) == 0);
  CHECK(index.find(1000 + 7 * 4999, key_of) == 4999);
  CHECK(index.find(1001, key_of) == proctab::RowKeyIndex::kNone);
  // Rows 3000.. are taken back (a dump that restarted): forgotten, and
  // the rows kept are still found.
  index.truncate(3000);
  cookie.resize(3000);
  CHECK(index.find(1000 + 7 * 2999, key_of) == 2999);
  CHECK(index.find(1000 + 7 * 3000, key_of) == proctab::RowKeyIndex::kNone);
  // New rows reuse the numbers, with other keys.
  cookie.push_back(1);
  REQUIRE(index.find_or_insert(1, 3000, key_of) == proctab::RowKeyIndex::kNone);
  CHECK(index.find(1, key_of) == 3000);
  CHECK(index.find(1000 + 7 * 3001, key_of) == proctab::RowKeyIndex::kNone);
  // find_or_insert: a key seen before gives its row and adds nothing; a
  // new one is recorded for the row number given (the next row).
  CHECK(index.find_or_insert(1000 + 7 * 10, 3001, key_of) == 10);
  CHECK(index.find_or_insert(2, 3001, key_of) == proctab::RowKeyIndex::kNone);
  cookie.push_back(2);
  CHECK(index.find(2, key_of) == 3001);
  // Grown past many doublings by find_or_insert alone: every row found.
  for (uint32_t r = 3002; r < 70000; ++r) {
    REQUIRE(index.find_or_insert(uint64_t{r} << 32 | r, r, key_of) == proctab::RowKeyIndex::kNone);
    cookie.push_back(uint64_t{r} << 32 | r);
  }
  for (uint32_t r = 0; r < 70000; r += 997) CHECK(index.find(cookie[r], key_of) == r);
  CHECK(index.find(uint64_t{70000} << 32 | 70000, key_of) == proctab::RowKeyIndex::kNone);
}
