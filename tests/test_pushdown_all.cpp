// Every pushed-down column of every table, read from the table definitions
// themselves (so a new column or table is covered the day it is added):
// each equality and IN shape, with the column's own values and hostile ones,
// gives exactly the rows of the same query with pushdown defeated.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "core/table.h"
#include "test_support.h"

using testing::Db;
using testing::TempTree;

namespace {

// A fixture root with a file for every table: two namespaces' worth is not
// needed (netns is NULL here), but every row kind and some repeated values.
void write_every_table(const TempTree& tree) {
  const std::string tcp_header = testing::kHeader;
  tree.write("net/tcp",
             tcp_header +
                 "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1001 1 ffff000000000001 100 0 0 10 0\n"
                 "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1002 1 ffff000000000002 20 4 30 10 -1\n"
                 "   2: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  "
                 "   0        0 1003 1 ffff000000000003 20 4 30 10 5\n"
                 "   3: 0100007F:0064 0100007F:1F90 06 00000000:00000000 03:00000BB8 00000000     "
                 "0        0 0 3 0000000000000000\n"
                 "   4: 0100007F:1F90 0100007F:0064 03 00000000:00000000 01:00000064 00000001  "
                 "1000        0 0 0 0000000000000000\n");
  tree.write("net/tcp6",
             tcp_header +
                 "   0: 00000000000000000000000001000000:0064 "
                 "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 "
                 "00000000   999        0 100 1 0000000000000000 100 0 0 10 0\n"
                 "   1: 0000000000000000FFFF00000100007F:1538 "
                 "0000000000000000FFFF00000100007F:D431 08 00000000:00000000 00:00000000 "
                 "00000000   999        0 2002 1 0000000000000000 20 4 30 10 -1\n");
  const std::string udp_header =
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode ref pointer drops\n";
  tree.write("net/udp",
             udp_header +
                 "  348: 0100007F:14E9 00000000:0000 07 00000000:00000A00 00:00000000 00000000   "
                 "104        0 17366 2 ffff8880aa55cc00 3\n"
                 "  349: 0100007F:0064 0100007F:0035 01 00000000:00000000 00:00000000 00000000   "
                 "  0        0 100 2 ffff8880aa55cc01 0\n");
  tree.write("net/udp6", udp_header);
  tree.write("net/unix",
             "Num       RefCount Protocol Flags    Type St Inode Path\n"
             "ffff000000000001: 00000002 00000000 00010000 0001 01  1001 /run/x.sock\n"
             "ffff000000000002: 00000003 00000000 00000000 0001 03  1002\n"
             "ffff000000000003: 00000003 00000000 00000000 0001 03  1003 @abstract\n"
             "ffff000000000004: 00000002 00000000 00000000 0002 01  100 /run/dgram sock\n");
  const std::pair<int, const char*> procs[] = {{100, "server"}, {200, "client"}, {300, "100"}};
  for (auto [pid, name] : procs) {
    std::string p = std::to_string(pid);
    tree.write(p + "/stat", p + " (" + name + ") S " + (pid == 100 ? "1" : "100") + " " + p + " " +
                                p + " 0 -1 4194560 1 0 0 0 100 200 0 0 20 0 1 0 5000 1000000 25");
    tree.write(p + "/status", "Name:\t" + std::string(name) + "\nUid:\t" +
                                  (pid == 300 ? "0\t0\t0\t0" : "1000\t1000\t1000\t1000") +
                                  "\nGid:\t100\t100\t100\t100\n");
    tree.write(p + "/cmdline", std::string(name) + std::string(1, '\0') + "--flag");
  }
  testing::add_fd(tree, 100, 0, "/dev/null");
  testing::add_fd(tree, 100, 3, "socket:[1001]");
  testing::add_fd(tree, 100, 4, "socket:[1002]");
  testing::add_fd(tree, 100, 100, "pipe:[100]");
  testing::add_fd(tree, 200, 3, "socket:[1003]");
  testing::add_fd(tree, 200, 4, "socket:[100]");
  testing::add_fd(tree, 200, 6, "/tmp/100 (deleted)");
  testing::add_fd(tree, 200, 7, "anon_inode:[eventfd]");
  testing::add_fd(tree, 300, 100, "/dev/null");
  tree.write("stat", "cpu 1 2 3\nbtime 1700000000\n");
  // proc_maps: two processes, shared and deleted files, pseudo names.
  tree.write("100/maps",
             "00400000-00452000 r-xp 00000000 fe:00 100      /usr/bin/server\n"
             "00652000-00653000 rw-p 00052000 fe:00 100      /usr/bin/server\n"
             "00e03000-00e24000 rw-p 00000000 00:00 0        [heap]\n"
             "7f0000000000-7f0000020000 r-xp 00000000 fe:00 2001 /usr/lib/libc.so.6 (deleted)\n"
             "7f0000020000-7f0000021000 rw-p 00000000 00:00 0 \n"
             "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0        [stack]\n");
  tree.write("200/maps",
             "00400000-00410000 r-xp 00000000 fe:00 300      /usr/bin/client\n"
             "7f0000000000-7f0000020000 r-xp 00000000 fe:00 2001 /usr/lib/libc.so.6\n"
             "7f0000030000-7f0000031000 rw-s 00000000 00:01 1028 /dev/zero (deleted)\n"
             "7f0000040000-7f0000041000 r--s 00000000 fe:00 100 /tmp/nl\\012x\n");
  tree.write(
      "100/smaps",
      "00400000-00452000 r-xp 00000000 fe:00 100      /usr/bin/server\n"
      "Rss:                 100 kB\nPss:                  50 kB\nSwap:                 0 kB\n");
  tree.write("100/cgroup", "0::/system.slice/server.service\n");
  tree.write("200/cgroup", "0::/user.slice\n");
  tree.write("locks",
             "1: POSIX  ADVISORY  WRITE 100 fe:00:100 0 EOF\n"
             "1: -> POSIX  ADVISORY  WRITE 200 fe:00:100 0 EOF\n"
             "2: FLOCK  ADVISORY  READ 200 fe:00:300 0 EOF\n"
             "3: OFDLCK ADVISORY  WRITE -1 fe:00:100 100 199\n"
             "4: LEASE  ACTIVE    READ 300 00:2d:17 0 EOF\n");
  tree.write("net/raw",
             udp_header +
                 "    1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     "
                 "0        0 1003 2 0000000000000000 0\n"
                 "  255: 0100007F:00FF 00000000:0000 07 00000000:00000000 00:00000000 00000000  "
                 "1000        0 100 2 0000000000000000 5\n");
  tree.write("net/raw6", udp_header);
  tree.write("net/icmp",
             udp_header +
                 "   64: 00000000:0064 00000000:0000 07 00000000:00000000 00:00000000 00000000  "
                 "1000        0 1002 2 0000000000000000 0\n");
  tree.write("net/icmp6", udp_header);
  tree.write("net/packet",
             "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
             "0000000000000000 3      3    0003   0     1 0      0      1001\n"
             "0000000000000000 3      2    0800   2     1 0      1000   100\n");
  tree.write(
      "net/netlink",
      "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
      "Inode\n"
      "0000000000000000 0   0          00000000 0        0        0     2        0        4\n"
      "0000000000000000 0   100        00000001 0        0        0     2        0        "
      "100\n");
  tree.write("etc/passwd",
             "root:x:0:0:root:/root:/bin/bash\n"
             "server:x:1000:100:The Server,,,:/srv:/usr/sbin/nologin\n"
             "client:x:100:100::/home/client:/bin/sh\n");
  tree.write("etc/group", "root:x:0:\nusers:x:100:server,client\nempty:x:1000:\n");
}

// The module arguments that point a table at the fixture: root= for those
// reading procfs, etc= for those reading passwd and group.
std::string fixture_args(const proctab::TableDef& def, const TempTree& tree) {
  std::string args;
  if (def.arguments & proctab::kArgRoot) args = "root='" + tree.path() + "'";
  if (def.arguments & proctab::kArgEtc) {
    args += (args.empty() ? "" : ", ") + std::string("etc='") + tree.path() + "/etc'";
  }
  return args;
}

// Values to compare a column with besides its own: type confusion, NULL,
// blobs, collations, numbers as text and text as numbers.
const std::vector<std::string> kHostile = {"NULL",
                                           "''",
                                           "'100'",
                                           "100.0",
                                           "'1e2'",
                                           "x'313030'",
                                           "-1",
                                           "0",
                                           "'100 '",
                                           "'LISTEN'",
                                           "'listen'",
                                           "9223372036854775807",
                                           "'inet' COLLATE NOCASE",
                                           "(SELECT 100)"};

std::string quote(const std::string& value, const std::string& type) {
  if (value == "NULL") return value;
  if (type == "integer" || type == "real") return value;
  std::string q = "'";
  for (char c : value) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

testing::Rows sorted(testing::Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

TEST_CASE("every pushed-down column of every table: pushed results equal unpushed ones",
          "[hostile][pushdown]") {
  TempTree tree;
  write_every_table(tree);
  Db db;
  int compared = 0, columns = 0;
  for (const proctab::TableDef* def : proctab::all_tables()) {
    const std::string table = std::string("t_") + def->name;
    INFO("table " << def->name
                  << " (a new table needs its files in write_every_table, test_pushdown_all.cpp)");
    REQUIRE(db.error_of("CREATE VIRTUAL TABLE temp." + table + " USING " + def->name + "(" +
                        fixture_args(*def, tree) + ")") == "");
    const std::string unpushed = "(SELECT * FROM " + table + " LIMIT -1)";
    for (const proctab::ColumnInfo& col : def->columns) {
      if (!col.pushdown) continue;
      ++columns;
      const std::string c = col.name;
      // The column's own values (every one, in its stored type) and hostile ones.
      std::set<std::string> values(kHostile.begin(), kHostile.end());
      for (const auto& row :
           db.query("SELECT DISTINCT " + c + ", typeof(" + c + ") FROM " + unpushed)) {
        values.insert(quote(row[0], row[1]));
        if (row[1] == "integer") values.insert("'" + row[0] + "'");  // numeric text
      }
      for (const std::string& v : values) {
        for (const std::string& shape :
             {c + " = " + v, c + " IN (" + v + ")", c + " IN (" + v + ", 100, 'CLOSE')",
              v + " = " + c, c + " = " + v + " AND " + c + " IN (" + v + ")"}) {
          const std::string where = " WHERE " + shape;
          INFO(where);
          // Every column, as a multiset of rows (rowid is not comparable).
          CHECK(sorted(db.query("SELECT * FROM " + table + where)) ==
                sorted(db.query("SELECT * FROM " + unpushed + where)));
          ++compared;
        }
      }
    }
    // A self-join on each pushed-down column: both cursors share one snapshot.
    for (const proctab::ColumnInfo& col : def->columns) {
      if (!col.pushdown) continue;
      const std::string on = " ON b." + std::string(col.name) + " = a." + col.name;
      INFO("self-join" << on);
      CHECK(db.query("SELECT count(*) FROM " + table + " a JOIN " + table + " b" + on) ==
            db.query("SELECT count(*) FROM " + unpushed + " a JOIN " + unpushed + " b" + on));
    }
  }
  CHECK(columns >= 30);
  CHECK(compared > 2000);
}

TEST_CASE("every column of every table yields its declared type or NULL", "[pushdown]") {
  TempTree tree;
  write_every_table(tree);
  Db db;
  for (const proctab::TableDef* def : proctab::all_tables()) {
    const std::string table = std::string("t_") + def->name;
    REQUIRE(db.error_of("CREATE VIRTUAL TABLE temp." + table + " USING " + def->name + "(" +
                        fixture_args(*def, tree) + ")") == "");
    for (const proctab::ColumnInfo& col : def->columns) {
      const std::string want = col.affinity == proctab::Affinity::kInteger ? "integer" : "text";
      INFO(def->name << "." << col.name);
      auto types = db.query("SELECT DISTINCT typeof(" + std::string(col.name) + ") FROM " + table);
      for (const auto& t : types) CHECK((t[0] == want || t[0] == "null"));
    }
  }
}
