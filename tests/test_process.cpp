// proc_process: the stat/status/cmdline parsers on fixtures, the table over
// fixture roots (columns, skipped processes, pushdown, lazy reads) and over
// the live /proc (our own process, a child with known arguments, threads).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "parse/process.h"
#include "test_support.h"
#include "text/scan.h"

using proctab::format_cmdline;
using proctab::parse_btime;
namespace text = proctab::text;
using proctab::parse_proc_stat;
using proctab::parse_proc_status;
using proctab::ProcStat;
using testing::CountingFactory;
using testing::Db;
using testing::Rows;
using testing::TempTree;

namespace {

// A stat line as fs/proc/array.c prints it (52 fields).
std::string stat_line(int pid, const std::string& comm, char state = 'S', int ppid = 1,
                      int threads = 1, unsigned long long starttime = 12345) {
  return std::to_string(pid) + " (" + comm + ") " + state + " " + std::to_string(ppid) +
         " 4242 4243 34816 4242 4194560 1234 0 5 0 250 75 0 0 20 -5 " + std::to_string(threads) +
         " 0 " + std::to_string(starttime) +
         " 123456789 321 18446744073709551615 1 1 0 0 0 0 0 4096 1260 0 0 0 17 1 0 0 0 0 0 "
         "0 0 0 0 0 0 0 0\n";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// ---- parsers -----------------------------------------------------------------

TEST_CASE("stat: every field read, from a real-shaped line", "[process][parse]") {
  std::string line = stat_line(100, "bash", 'S', 7, 3, 98765);
  ProcStat s;
  REQUIRE(parse_proc_stat(line, s));
  CHECK(s.pid == 100);
  CHECK(s.comm == "bash");
  CHECK(s.state == 'S');
  CHECK(s.ppid == 7);
  CHECK(s.pgrp == 4242);
  CHECK(s.session == 4243);
  CHECK(s.utime == 250);
  CHECK(s.stime == 75);
  CHECK(s.nice == -5);
  CHECK(s.num_threads == 3);
  CHECK(s.starttime == 98765);
  CHECK(s.vsize == 123456789);
  CHECK(s.rss == 321);
  // Our own stat parses, and agrees with what we know.
  REQUIRE(parse_proc_stat(read_text("/proc/self/stat"), s));
  CHECK(s.pid == getpid());
  CHECK(s.ppid == getppid());
}

TEST_CASE("stat: comm is delimited by the first '(' and the LAST ')'", "[process][parse]") {
  ProcStat s;
  const char* comms[] = {
      "a b",
      "x) S 1 2",
      "(",
      ")",
      "()",
      ") (",
      "a) b (c",
      "  spaces  ",
      "",
      "new\nline",
      "kworker/R-kvfree_rcu_reclaim",
      "tab\there",
  };
  for (const char* comm : comms) {
    INFO("comm: " << comm);
    std::string line = stat_line(5, comm, 'R', 9);  // s.comm points into it
    REQUIRE(parse_proc_stat(line, s));
    CHECK(s.comm == comm);
    CHECK(s.state == 'R');
    CHECK(s.ppid == 9);
  }
  std::string long_comm(300, 'x');
  long_comm[10] = ')';
  std::string line = stat_line(5, long_comm);
  REQUIRE(parse_proc_stat(line, s));
  CHECK(s.comm == long_comm);
}

TEST_CASE("stat: malformed and truncated lines are rejected", "[process][parse]") {
  ProcStat s;
  std::string good = stat_line(42, "ok");
  REQUIRE(parse_proc_stat(good, s));
  // Every prefix that ends before rss, the 24th field, is rejected (a cut
  // inside the last field read cannot be told from a shorter number); no
  // prefix crashes.
  size_t rss_start = good.find(" 321 ") + 1;
  for (size_t n = 0; n < good.size(); ++n) {
    INFO("prefix length " << n);
    bool ok = parse_proc_stat(std::string_view(good).substr(0, n), s);
    if (n <= rss_start) CHECK_FALSE(ok);
  }
  CHECK_FALSE(parse_proc_stat("", s));
  CHECK_FALSE(parse_proc_stat("42 ok S 1", s));                                   // no parentheses
  CHECK_FALSE(parse_proc_stat("42 (ok S 1 2 3", s));                              // no ')'
  CHECK_FALSE(parse_proc_stat(")42 (ok", s));                                     // ')' before '('
  CHECK_FALSE(parse_proc_stat("x (ok) " + good.substr(good.find(") ") + 2), s));  // pid
  CHECK_FALSE(parse_proc_stat("(ok) " + good.substr(good.find(") ") + 2), s));    // no pid
  CHECK_FALSE(parse_proc_stat("42(ok) " + good.substr(good.find(") ") + 2), s));  // no space
  CHECK_FALSE(parse_proc_stat("42 (ok)S" + good.substr(good.find(") ") + 3), s));
  std::string two_letter = good;
  two_letter.replace(good.find(") S") + 2, 1, "SS");
  CHECK_FALSE(parse_proc_stat(two_letter, s));
  std::string not_number = good;
  not_number.replace(good.find(" 123456789 "), 11, " 12345x789 ");
  CHECK_FALSE(parse_proc_stat(not_number, s));
  std::string nul = good;
  nul[good.find("ok")] = '\0';
  CHECK_FALSE(parse_proc_stat(nul, s));
  std::string nul_late = good;
  nul_late[good.size() - 3] = '\0';
  CHECK_FALSE(parse_proc_stat(nul_late, s));
  // Extra trailing fields (a newer kernel) are fine.
  CHECK(parse_proc_stat(good.substr(0, good.size() - 1) + " 7 8 9\n", s));
}

TEST_CASE("stat: state names", "[process][parse]") {
  CHECK(std::string(proctab::process_state_name('R')) == "running");
  CHECK(std::string(proctab::process_state_name('Z')) == "zombie");
  CHECK(std::string(proctab::process_state_name('I')) == "idle");
  CHECK(std::string(proctab::process_state_name('t')) == "tracing stop");
  CHECK(proctab::process_state_name('?') == nullptr);
}

TEST_CASE("status: Uid and Gid lines", "[process][parse]") {
  auto st = parse_proc_status(
      "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\n"
      "Gid:\t100\t101\t102\t103\nGroups:\t4 24\n");
  REQUIRE(st.uid);
  REQUIRE(st.gid);
  CHECK(*st.uid == std::array<int64_t, 4>{1000, 1001, 1002, 1003});
  CHECK(*st.gid == std::array<int64_t, 4>{100, 101, 102, 103});
  CHECK(*parse_proc_status("Uid:\t4294967295\t0\t0\t0").uid ==
        std::array<int64_t, 4>{4294967295, 0, 0, 0});
  CHECK_FALSE(parse_proc_status("Uid:\t1\t2\t3\n").uid);        // 3 numbers
  CHECK_FALSE(parse_proc_status("Uid:\t1\t2\t3\t4\t5\n").uid);  // 5 numbers
  CHECK_FALSE(parse_proc_status("Uid:\t1\t-2\t3\t4\n").uid);
  CHECK_FALSE(parse_proc_status("Uid:\t4294967296\t0\t0\t0\n").uid);
  CHECK_FALSE(parse_proc_status("Name:\tUid:\t1\t2\t3\t4\n").uid);  // not at line start
  // Tgid: the process a /proc/TID entry belongs to.
  CHECK(st.tgid == std::nullopt);
  CHECK(parse_proc_status("Name:\tx\nTgid:\t4321\nPid:\t4322\n").tgid == 4321);
  CHECK_FALSE(parse_proc_status("Tgid:\t-1\n").tgid);
  CHECK_FALSE(parse_proc_status("Tgid:\t4294967296\n").tgid);
  CHECK_FALSE(parse_proc_status("Name:\tTgid:\t1\n").tgid);  // not at line start
  CHECK_FALSE(parse_proc_status("").gid);
}

TEST_CASE("cmdline, ns links, btime", "[process][parse]") {
  using namespace std::string_literals;
  CHECK(format_cmdline("python3\0-m\0http.server\0a b\0"s) == "python3 -m http.server a b");
  CHECK(format_cmdline(""s) == "");
  CHECK(format_cmdline("\0\0"s) == "");
  CHECK(format_cmdline("nginx: worker process"s) == "nginx: worker process");  // setproctitle
  CHECK(format_cmdline("a\0\0b\0"s) == "a  b");  // an empty argument keeps its place

  CHECK(text::parse_tagged_number("net:[4026531840]", "net") == 4026531840u);
  CHECK_FALSE(text::parse_tagged_number("mnt:[4026531840]", "net"));
  CHECK_FALSE(text::parse_tagged_number("net:[]", "net"));
  CHECK_FALSE(text::parse_tagged_number("net:[12", "net"));
  CHECK_FALSE(text::parse_tagged_number("net:[1x]", "net"));
  CHECK_FALSE(text::parse_tagged_number("net", "net"));
  CHECK_FALSE(text::parse_tagged_number("", "net"));

  CHECK(parse_btime("cpu  1 2 3\nintr 5\nctxt 9\nbtime 1700000000\nprocesses 77\n") == 1700000000);
  CHECK_FALSE(parse_btime("cpu 1\nbtimex 5\n"));
  CHECK_FALSE(parse_btime("btime x\n"));
  REQUIRE(parse_btime(read_text("/proc/stat")));
  CHECK(*parse_btime(read_text("/proc/stat")) <= time(nullptr));
}

// ---- fixture roots ------------------------------------------------------------

namespace {

struct ProcFixture {
  TempTree tree;
  CountingFactory counts;
  std::unique_ptr<Db> db;
  ProcFixture() {
    using namespace std::string_literals;
    tree.write("stat", "cpu  1 2 3 4\nbtime 1700000000\nprocesses 9\n");
    // 100: a full process whose name has spaces and parentheses.
    tree.write("100/stat", stat_line(100, "my (odd)) name", 'S', 1, 4, 12345));
    tree.write("100/status",
               "Name:\tmy (odd)) name\nUid:\t1000\t1001\t1002\t1003\n"
               "Gid:\t50\t51\t52\t53\n");
    tree.write("100/cmdline", "python3\0-m\0http.server\0a b\0"s);
    tree.symlink("100/exe", "/usr/bin/python3.11");
    tree.symlink("100/cwd", "/srv/www");
    tree.symlink("100/root", "/");
    tree.symlink("100/ns/net", "net:[4026531999]");
    // 200: a zombie: empty cmdline, no exe, no status, no ns.
    tree.write("200/stat", stat_line(200, "defunct", 'Z', 100, 1, 500));
    tree.write("200/cmdline", "");
    // 300: stat does not parse: skipped.
    tree.write("300/stat", "300 (broken S 1\n");
    // 400: vanished (no stat): skipped. 500: stat says another pid: skipped.
    tree.mkdir("400");
    tree.write("500/stat", stat_line(501, "liar"));
    tree.mkdir("self");  // not a process
    db = std::make_unique<Db>(counts.factory());
    db->exec("CREATE VIRTUAL TABLE temp.p USING proc_process(root='" + tree.path() + "')");
  }
};

}  // namespace

TEST_CASE("proc_process over a fixture root", "[process][fixture]") {
  ProcFixture f;
  long hz = sysconf(_SC_CLK_TCK);
  Rows rows = f.db->query(
      "SELECT pid, ppid, name, state, state_name, pgrp, session, nice, threads, start_time, "
      "start_ticks, user_time_ms, system_time_ms, virtual_size, uid, euid, suid, gid, egid, "
      "sgid, cmdline, exe, cwd, root, netns FROM p");
  REQUIRE(rows.size() == 2);  // 300, 400, 500 skipped; in pid order
  CHECK(rows[0] == std::vector<std::string>{"100",
                                            "1",
                                            "my (odd)) name",
                                            "S",
                                            "sleeping",
                                            "4242",
                                            "4243",
                                            "-5",
                                            "4",
                                            std::to_string(1700000000 + 12345 / hz),
                                            "12345",
                                            std::to_string(250 * 1000 / hz),
                                            std::to_string(75 * 1000 / hz),
                                            "123456789",
                                            "1000",
                                            "1001",
                                            "1002",
                                            "50",
                                            "51",
                                            "52",
                                            "python3 -m http.server a b",
                                            "/usr/bin/python3.11",
                                            "/srv/www",
                                            "/",
                                            "4026531999"});
  CHECK(rows[1] == std::vector<std::string>{"200",
                                            "100",
                                            "defunct",
                                            "Z",
                                            "zombie",
                                            "4242",
                                            "4243",
                                            "-5",
                                            "1",
                                            std::to_string(1700000000 + 500 / hz),
                                            "500",
                                            std::to_string(250 * 1000 / hz),
                                            std::to_string(75 * 1000 / hz),
                                            "123456789",
                                            "NULL",
                                            "NULL",
                                            "NULL",
                                            "NULL",
                                            "NULL",
                                            "NULL",
                                            "",
                                            "NULL",
                                            "NULL",
                                            "NULL",
                                            "NULL"});
  CHECK(f.db->scalar("SELECT resident_size FROM p WHERE pid = 100") ==
        std::to_string(321 * sysconf(_SC_PAGESIZE)));
  // Children of 100, through a self-join on the snapshot.
  CHECK(f.db->scalar("SELECT group_concat(c.name) FROM p c JOIN p parent ON c.ppid = parent.pid "
                     "WHERE parent.name = 'my (odd)) name'") == "defunct");
}

TEST_CASE("proc_process: no btime means NULL start_time, not an error", "[process][fixture]") {
  TempTree tree;
  tree.write("7/stat", stat_line(7, "x"));
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.p USING proc_process(root='" + tree.path() + "')");
  CHECK(db.query("SELECT start_time, start_ticks FROM p") == Rows{{"NULL", "12345"}});
  CHECK(
      db.error_of("CREATE VIRTUAL TABLE temp.q USING proc_process(root='" + tree.path() + "/nope')")
          .find("nope") != std::string::npos);
}

TEST_CASE("proc_process pushdown: pid = X reads only that process", "[process][fixture]") {
  ProcFixture f;
  uint64_t files = f.counts.files_read(), dirs = f.counts.dirs_listed(),
           links = f.counts.links_read();
  CHECK(f.db->scalar("SELECT name FROM p WHERE pid = 200") == "defunct");
  // 200/status (is it a process, not a thread? its Tgid), then 200/stat.
  CHECK(f.counts.files_read() - files == 2);
  CHECK(f.counts.dirs_listed() - dirs == 0);  // no listing of the root
  CHECK(f.counts.links_read() - links == 0);

  files = f.counts.files_read();
  CHECK(f.db->scalar("SELECT group_concat(pid) FROM p WHERE pid IN (100, 200, 400, 999)") ==
        "100,200");
  CHECK(f.counts.files_read() - files == 8);  // a status and a stat attempt each; 400, 999 fail
  CHECK(f.counts.dirs_listed() - dirs == 0);

  // A join on pid: each process read once per statement, whichever side.
  files = f.counts.files_read();
  CHECK(f.db->scalar("SELECT count(*) FROM p a CROSS JOIN p b ON b.pid = a.pid") == "2");
  // The outer scan tries the 5 listed stats; the inner cursor shares the
  // statement's snapshot and reads nothing more.
  CHECK(f.counts.files_read() - files == 5);
  CHECK(f.counts.dirs_listed() - dirs == 1);
}

TEST_CASE("proc_process reads status, cmdline and links only when used", "[process][fixture]") {
  ProcFixture f;
  uint64_t files = f.counts.files_read(), links = f.counts.links_read();
  CHECK(f.db->scalar("SELECT count(*) FROM p WHERE name <> '' AND threads > 0") == "2");
  CHECK(f.counts.files_read() - files == 5);  // a stat attempt per listed pid, nothing else
  CHECK(f.counts.links_read() - links == 0);

  files = f.counts.files_read();
  CHECK(f.db->scalar("SELECT cmdline FROM p WHERE name = 'my (odd)) name'") ==
        "python3 -m http.server a b");
  CHECK(f.counts.files_read() - files == 5 + 1);  // stats, then one cmdline: the kept row's
  CHECK(f.counts.links_read() - links == 0);

  files = f.counts.files_read();
  CHECK(f.db->query("SELECT uid, euid, gid, egid, uid FROM p WHERE pid = 100") ==
        Rows{{"1000", "1001", "50", "51", "1000"}});
  // status (the Tgid check, whose parse also serves all five columns), stat.
  CHECK(f.counts.files_read() - files == 2);
  CHECK(f.counts.links_read() - links == 0);

  CHECK(f.db->query("SELECT exe, netns FROM p WHERE pid = 100") ==
        Rows{{"/usr/bin/python3.11", "4026531999"}});
  CHECK(f.counts.links_read() - links == 2);

  files = f.counts.files_read();
  CHECK(f.db->scalar("SELECT count(start_time) FROM p") == "2");
  CHECK(f.counts.files_read() - files == 5 + 1);  // <root>/stat once for btime
}

// ---- the live /proc ----------------------------------------------------------

TEST_CASE("proc_process: our own process", "[process][live]") {
  Db db;
  pid_t me = getpid();
  std::string where = " FROM proc_process WHERE pid = " + std::to_string(me);
  std::string comm = read_text("/proc/self/comm");
  comm.pop_back();  // '\n'
  CHECK(db.scalar("SELECT name" + where) == comm);
  CHECK(db.scalar("SELECT ppid" + where) == std::to_string(getppid()));
  CHECK(db.scalar("SELECT uid" + where) == std::to_string(getuid()));
  CHECK(db.scalar("SELECT euid" + where) == std::to_string(geteuid()));
  CHECK(db.scalar("SELECT gid" + where) == std::to_string(getgid()));
  CHECK(db.scalar("SELECT egid" + where) == std::to_string(getegid()));
  CHECK(db.scalar("SELECT state" + where) == "R");  // we are reading our own stat
  CHECK(db.scalar("SELECT pgrp" + where) == std::to_string(getpgrp()));
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
  REQUIRE(n > 0);
  CHECK(db.scalar("SELECT exe" + where) == std::string(exe, static_cast<size_t>(n)));
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd));
  CHECK(db.scalar("SELECT cwd" + where) == cwd);
  struct stat ns {};
  REQUIRE(stat("/proc/self/ns/net", &ns) == 0);
  CHECK(db.scalar("SELECT netns" + where) == std::to_string(ns.st_ino));
  std::string cmdline = format_cmdline(read_text("/proc/self/cmdline"));
  CHECK(db.scalar("SELECT cmdline" + where) == cmdline);
  // Started after boot, not in the future.
  int64_t start = std::stoll(db.scalar("SELECT start_time" + where));
  CHECK(start >= *parse_btime(read_text("/proc/stat")));
  CHECK(start <= time(nullptr));
  // A full scan sees us too, and every pid is unique.
  CHECK(db.scalar("SELECT count(*) FROM proc_process WHERE pid + 0 = " + std::to_string(me)) ==
        "1");
  CHECK(db.scalar("SELECT count(*) = count(DISTINCT pid) FROM proc_process") == "1");
  CHECK(db.scalar("SELECT count(*) FROM proc_process WHERE pid = 1") == "1");
}

TEST_CASE("proc_process: a child's name and arguments", "[process][live]") {
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // sh waits in its builtin `read` until we close the pipe.
    dup2(fds[0], 0);
    execl("/bin/sh", "sh", "-c", "read x", "arg with  spaces", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[0]);
  Db db;
  std::string where = " FROM proc_process WHERE pid = " + std::to_string(child);
  std::string expected = "sh -c read x arg with  spaces";
  std::string seen;
  for (int i = 0; i < 500 && seen != expected; ++i) {  // until exec is done (≤ 5 s)
    seen = db.scalar("SELECT cmdline" + where);
    if (seen != expected) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(seen == expected);
  CHECK(db.scalar("SELECT name" + where) == "sh");
  CHECK(db.scalar("SELECT ppid" + where) == std::to_string(getpid()));
  CHECK(db.scalar("SELECT count(*) FROM proc_process WHERE ppid = " + std::to_string(getpid()) +
                  " AND name = 'sh'") == "1");
  close(fds[1]);  // EOF: sh exits
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(db.scalar("SELECT count(*)" + where) == "0");  // reaped: gone
}

TEST_CASE("proc_process: threads counts a thread we start", "[process][live]") {
  Db db;
  std::string sql = "SELECT threads FROM proc_process WHERE pid = " + std::to_string(getpid());
  int before = std::stoi(db.scalar(sql));
  std::mutex m;
  std::condition_variable cv;
  bool started = false, stop = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> lock(m);
    started = true;
    cv.notify_all();
    cv.wait(lock, [&] { return stop; });
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return started; });
  }
  CHECK(std::stoi(db.scalar(sql)) == before + 1);
  {
    std::lock_guard<std::mutex> lock(m);
    stop = true;
  }
  cv.notify_all();
  t.join();
  CHECK(std::stoi(db.scalar(sql)) == before);
}
