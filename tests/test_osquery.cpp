// sql/osquery.sql: osquery's processes, process_open_sockets,
// listening_ports and process_open_files as TEMP views. Published osquery
// queries run unchanged, and the views agree with sockets, pipes and files
// this test opens itself.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "test_support.h"

using testing::Db;
using testing::Rows;

namespace {

void load_views(const Db& db) {
  std::ifstream in(std::string(PROCTAB_SOURCE_DIR) + "/sql/osquery.sql");
  REQUIRE(in);
  db.exec(std::string(std::istreambuf_iterator<char>(in), {}));
}

// Runs a statement to completion; "" or SQLite's error.
std::string run(const Db& db, const std::string& sql, int* rows = nullptr) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return sqlite3_errmsg(db.get());
  }
  int rc, n = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ++n;
  std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db.get());
  sqlite3_finalize(stmt);
  if (rows) *rows = n;
  return error;
}

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

int bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  return ntohs(addr.sin_port);
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

// Verbatim queries that use these four tables, with their sources. Left out
// (they need tables or functions proctab does not have): osquery's
// incident-response `logged_in_users` (logged_in_users), palantir's
// `runtime_perf` (osquery_info, os_version, time, file, osquery_flags),
// chainguard's detection/c2/unexpected-listening-port-linux.sql and
// net/unexpected-talkers.sql (hash; CONCAT needs SQLite 3.44),
// process/missing-from-disk-linux.sql (process_namespaces),
// detection/evasion/touched-executable-linux.sql (file, hash).
const char* const kPackQueries[] = {
    // osquery/osquery README.md
    "SELECT DISTINCT processes.name, listening_ports.port, processes.pid\n"
    "  FROM listening_ports JOIN processes USING (pid)\n"
    "  WHERE listening_ports.address = '0.0.0.0';",
    "SELECT * FROM processes WHERE on_disk = 0;",
    // osquery/osquery packs/incident-response.conf: open_sockets, open_files, listening_ports
    "select distinct pid, family, protocol, local_address, local_port, remote_address, "
    "remote_port, path from process_open_sockets where path <> '' or remote_address <> '';",
    "select distinct pid, path from process_open_files where path not like "
    "'/private/var/folders%' and path not like '/System/Library/%' and path not in "
    "('/dev/null', '/dev/urandom', '/dev/random');",
    "select * from listening_ports;",
    // osquery/osquery specs: the tables' own examples
    "select * from processes where pid = 1",
    "select * from process_open_sockets where pid = 1",
    "select * from process_open_files where pid = 1",
    // palantir/osquery-configuration Servers/Linux/osquery.conf: osquery_cpu_pct,
    // processes_snapshot
    "SELECT ((osqueryd_time*100)/(SUM(system_time) + SUM(user_time))) AS pct FROM processes, "
    "(SELECT (SUM(processes.system_time)+SUM(processes.user_time)) AS osqueryd_time FROM "
    "processes WHERE name='osqueryd');",
    "select name, path, cmdline, cwd, on_disk from processes;",
    // chainguard-dev/osquery-defense-kit detection/c2/unexpected-icmp-socket.sql
    "SELECT\n  pop.pid,\n  p.path,\n  p.cmdline\nFROM\n  process_open_sockets pop\n"
    "  JOIN processes p ON pop.pid = p.pid\nWHERE\n  family = 2 -- PF_INET\n"
    "  AND protocol = 1 -- ICMP\n  AND p.name NOT IN ('ping')\n",
    // zeek/zeek-agent-framework osquery-framework/tables/process_open_sockets.zeek
    "SELECT pid, fd, family, protocol, local_address, remote_address, local_port, remote_port "
    "FROM process_open_sockets WHERE family=2",
    // elastic/detection-rules hunting: Persistence Through Reverse/Bind Shells (3 queries)
    "SELECT (\n  CASE family \n  WHEN 2 THEN 'IP4' \n  WHEN 10 THEN 'IP6' \n  ELSE family END\n"
    ") AS family, (\n  CASE protocol \n  WHEN 6 THEN 'TCP' \n  WHEN 17 THEN 'UDP' \n"
    "  ELSE protocol END\n) AS protocol, local_address, local_port, \n"
    "  remote_address, remote_port \nFROM process_open_sockets \nWHERE family IN (2, 10) \n"
    "AND protocol IN (6, 17) \n",
    "SELECT cmdline, name, path, pid, state, threads, total_size \nFROM processes \n"
    "WHERE cmdline != ''\n",
    "SELECT pid, address, port, socket, protocol, path FROM listening_ports\n",
    // osquery schema docs (processes, listening_ports): the classic examples
    "SELECT DISTINCT process.name, listening.port, process.pid \nFROM processes AS process "
    "JOIN listening_ports AS listening ON process.pid = listening.pid \nWHERE "
    "listening.address = '0.0.0.0' ORDER BY process.name;",
    "SELECT pid, name, cmdline, parent FROM processes;",
    // osquery/osquery specs/users.table, process_memory_map.table: the tables' own examples
    "select * from users where uid = 1000",
    "select * from users where username = 'root'",
    "select count(*) from users u, user_groups ug where u.uid = ug.uid",
    "select * from process_memory_map where pid = 1",
    "select * from groups",
};

TEST_CASE("osquery views: published queries run unchanged", "[osquery]") {
  Db db;
  load_views(db);
  for (const char* sql : kPackQueries) {
    INFO(sql);
    int rows = -1;
    CHECK(run(db, sql, &rows) == "");
    CHECK(rows >= 0);
  }
  // Re-reading the file replaces the views.
  load_views(db);
  CHECK(db.scalar("SELECT count(*) FROM processes WHERE pid = " + std::to_string(getpid())) == "1");
}

TEST_CASE("osquery views: the columns osquery declares", "[osquery]") {
  Db db;
  load_views(db);
  auto columns = [&](const std::string& view) {
    Rows rows = db.query("SELECT group_concat(name, ',') FROM pragma_table_info('" + view + "')");
    return rows.at(0).at(0);
  };
  CHECK(columns("process_open_sockets") ==
        "pid,fd,socket,family,protocol,local_address,remote_address,local_port,remote_port,"
        "path,state,net_namespace");
  CHECK(columns("listening_ports") ==
        "pid,port,protocol,family,address,fd,socket,path,net_namespace");
  CHECK(columns("process_open_files") == "pid,fd,path");
  CHECK(columns("processes") ==
        "pid,name,path,cmdline,state,cwd,root,uid,gid,euid,egid,suid,sgid,on_disk,wired_size,"
        "resident_size,total_size,user_time,system_time,disk_bytes_read,disk_bytes_written,"
        "start_time,parent,pgroup,threads,nice,cgroup_path");
  CHECK(columns("users") ==
        "uid,gid,uid_signed,gid_signed,username,description,directory,shell,uuid");
  CHECK(columns("groups") == "gid,gid_signed,groupname");
  CHECK(columns("user_groups") == "uid,gid");
  CHECK(columns("process_memory_map") ==
        "pid,start,end,permissions,offset,device,inode,path,pseudo");
}

TEST_CASE("osquery users, groups, user_groups: the passwd and group files", "[osquery]") {
  testing::TempTree etc;
  etc.write("passwd",
            "root:x:0:0:root:/root:/bin/bash\n"
            "alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\n"
            "nobody:x:4294967294:4294967294::/nonexistent:/usr/sbin/nologin\n");
  etc.write("group", "root:x:0:\nalice:x:1000:\nsudo:x:27:alice,bob\nnogroup:x:4294967294:\n");
  Db db;
  // The views name the eponymous tables; a TEMP table of the same name over
  // the fixture shadows them (temp comes first in name resolution).
  db.exec("CREATE VIRTUAL TABLE temp.etc_passwd USING etc_passwd(etc='" + etc.path() + "')");
  db.exec("CREATE VIRTUAL TABLE temp.etc_group USING etc_group(etc='" + etc.path() + "')");
  load_views(db);
  CHECK(db.query("SELECT uid, gid, uid_signed, gid_signed, username, description, directory, "
                 "shell, uuid FROM users ORDER BY uid") ==
        Rows{{"0", "0", "0", "0", "root", "root", "/root", "/bin/bash", ""},
             {"1000", "1000", "1000", "1000", "alice", "Alice,,,", "/home/alice", "/bin/zsh", ""},
             {"4294967294", "4294967294", "-2", "-2", "nobody", "", "/nonexistent",
              "/usr/sbin/nologin", ""}});
  CHECK(db.query("SELECT gid, gid_signed, groupname FROM groups WHERE gid > 1000") ==
        Rows{{"4294967294", "-2", "nogroup"}});
  // alice: her primary group and sudo (as a member); bob has no passwd line.
  CHECK(db.query("SELECT uid, gid FROM user_groups ORDER BY uid, gid") ==
        Rows{{"0", "0"}, {"1000", "27"}, {"1000", "1000"}, {"4294967294", "4294967294"}});
  CHECK(db.scalar("select count(*) from users u, user_groups ug where u.uid = ug.uid") == "4");
}

TEST_CASE("osquery views agree with sockets, pipes and files we open", "[osquery][live]") {
  Db db;
  load_views(db);
  const std::string me = std::to_string(getpid());

  // A listener on 127.0.0.1, a connected pair through it.
  Fd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(listener.fd >= 0);
  sockaddr_in any = loopback(0);
  REQUIRE(bind(listener.fd, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
  REQUIRE(listen(listener.fd, 4) == 0);
  const int port = bound_port(listener.fd);
  const std::string p = std::to_string(port);

  Rows lp = db.query(
      "SELECT pid, fd, family, protocol, address, path IS NULL FROM "
      "listening_ports WHERE port = " +
      p);
  CHECK(lp == Rows{{me, std::to_string(listener.fd), "2", "6", "127.0.0.1", "1"}});

  int client_port = 0;
  {
    Fd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in to = loopback(port);
    REQUIRE(connect(client.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    Fd served(accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(served.fd >= 0);
    client_port = bound_port(client.fd);
    Rows est = db.query(
        "SELECT pid, fd, state, remote_port FROM process_open_sockets WHERE local_port = " +
        std::to_string(client_port) + " AND remote_port = " + p);
    CHECK(est == Rows{{me, std::to_string(client.fd), "ESTABLISHED", p}});
    CHECK(db.scalar(
              "SELECT fd FROM process_open_sockets WHERE pid = " + me + " AND local_port = " + p +
              " AND remote_port = " + std::to_string(client_port)) == std::to_string(served.fd));
    // Connected sockets are not listening ports; the listener still is.
    CHECK(db.scalar("SELECT count(*) FROM listening_ports WHERE port = " + p) == "1");
    // The client closes first: its side goes to TIME_WAIT, owned by nobody.
    close(client.fd);
    client.fd = -1;
  }
  std::string tw;
  for (int i = 0; i < 200 && tw != "1"; ++i) {  // ≤ 2 s for the FIN exchange
    tw = db.scalar(
        "SELECT count(*) FROM process_open_sockets WHERE pid = -1 AND fd = -1 AND socket = 0 "
        "AND state = 'TIME_WAIT' AND local_port = " +
        std::to_string(client_port) + " AND remote_port = " + p);
    if (tw != "1") std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(tw == "1");

  // process_open_files: our pipe and sockets are not files, an open file is.
  int pipe_fds[2];
  REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
  Fd pipe_r(pipe_fds[0]), pipe_w(pipe_fds[1]);
  char tmpl[] = "/tmp/proctab-osquery-XXXXXX";
  Fd file(mkstemp(tmpl));
  REQUIRE(file.fd >= 0);
  unlink(tmpl);
  Rows files =
      db.query("SELECT fd, path FROM process_open_files WHERE pid = " + me + " ORDER BY fd");
  bool saw_file = false;
  for (const auto& row : files) {
    CHECK(row[1].rfind("socket:", 0) != 0);
    CHECK(row[1].rfind("pipe:", 0) != 0);
    CHECK(row[1].rfind("anon_inode:", 0) != 0);
    if (row[0] == std::to_string(file.fd)) {
      saw_file = true;
      CHECK(row[1] == std::string(tmpl) + " (deleted)");  // verbatim, as osquery
    }
  }
  CHECK(saw_file);
  CHECK(db.scalar("SELECT count(*) FROM process_open_files WHERE pid = " + me + " AND fd IN (" +
                  std::to_string(pipe_r.fd) + "," + std::to_string(listener.fd) + ")") == "0");

  // processes: our own row.
  std::ifstream comm_in("/proc/self/comm");
  std::string comm;
  std::getline(comm_in, comm);
  Rows self = db.query(
      "SELECT name, parent, uid, euid, gid, state, threads > 0, start_time > 0, "
      "on_disk FROM processes WHERE pid = " +
      me);
  CHECK(self == Rows{{comm, std::to_string(getppid()), std::to_string(getuid()),
                      std::to_string(geteuid()), std::to_string(getgid()), "R", "1", "1", "1"}});
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
  REQUIRE(n > 0);
  CHECK(db.scalar("SELECT path FROM processes WHERE pid = " + me) ==
        std::string(exe, static_cast<size_t>(n)));
  CHECK(db.scalar("SELECT cmdline = trim(cmdline) AND cmdline <> '' FROM processes WHERE pid = " +
                  me) == "1");
}
