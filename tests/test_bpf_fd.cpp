// proc_fd's BPF task_file source against its /proc readlink walk, on
// processes this test starts: the same rows on every column both fill, the
// same (pid, fd, inode) over full scans, the choice 'auto' makes, the
// failures of the iterator (through Seams::task_file) and what each source
// policy does with them, and that nothing stays loaded, attached or open
// after a statement.
//
// The iterator needs root (or CAP_BPF + CAP_PERFMON) and kernel BTF; where
// it cannot run, the tests that need it say so (WARN) and check only the
// fallback: a build or a machine without BPF must still pass.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "live_sockets.h"
#include "parse/task_file.h"
#include "test_support.h"

using testing::Child;
using testing::Db;
using testing::Rows;

namespace {

// Whether this process is in the initial pid namespace: where proc_fd may
// use the iterator at all (scripts/test.sh runs the valgrind part in a pid
// namespace of its own).
bool in_initial_pidns() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/ns/pid", ec).string() == "pid:[4026531836]";
}

// Whether proc_fd can use the real iterator here (root, BTF, a build with
// BPF, the initial pid namespace).
bool bpf_runs() {
  if (!in_initial_pidns()) {
    WARN("not in the initial pid namespace: proc_fd does not use the BPF iterator here");
    return false;
  }
  auto iter = proctab::default_task_file();
  proctab::TaskFileError err = iter->run(getpid(), [](std::string_view) {});
  if (err) WARN("the BPF iterator cannot run here: " << err.why);
  return !err;
}

// Descriptors of every kind: a TCP listener, a UNIX socketpair, a pipe, a
// regular file at offset 3 (close-on-exec), /dev/null read-write, a deleted
// file, an eventfd, a pidfd and a network namespace file (the last two: file
// systems whose names the decoder does not know, so the link decides).
std::string hold_descriptors(const std::string& dir) {
  try {
    static live::Fd listener = live::listen_on(live::Family::IPv4);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return "socketpair";
    int p[2];
    if (pipe(p) != 0) return "pipe";
    int file = open((dir + "/regular").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (file < 0 || write(file, "0123456789", 10) != 10 || lseek(file, 3, SEEK_SET) != 3) {
      return "regular file";
    }
    if (open("/dev/null", O_RDWR) < 0) return "/dev/null";
    int gone = open((dir + "/deleted").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (gone < 0 || unlink((dir + "/deleted").c_str()) != 0) return "deleted file";
    if (eventfd(0, 0) < 0) return "eventfd";
    // (valgrind 3.19 answers ENOSYS to pidfd_open: a second eventfd then.)
    if (syscall(SYS_pidfd_open, getpid(), 0) < 0 && (errno != ENOSYS || eventfd(0, 0) < 0)) {
      return "pidfd_open";
    }
    if (open("/proc/self/ns/net", O_RDONLY) < 0) return "ns/net";
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

struct Holder {
  std::string dir;
  Child child;
  Holder() : dir(make_dir()), child([this] { return hold_descriptors(dir); }) {
    REQUIRE(child.status() == "ok");
  }
  ~Holder() { std::filesystem::remove_all(dir); }
  static std::string make_dir() {
    char tmpl[] = "/tmp/proctab-bpf-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    return tmpl;
  }
  std::string pid() const { return std::to_string(child.pid()); }
};

// The columns both sources fill (the iterator's own and the per-row reads).
constexpr const char* kShared =
    "fd, type, inode, pos, flags, mode, mnt_id, netns, file_dev, file_inode, size, file_type, "
    "links";

void make_tables(const Db& db) {
  db.exec("CREATE VIRTUAL TABLE b USING proc_fd(source='bpf')");
  db.exec("CREATE VIRTUAL TABLE p USING proc_fd(source='proc')");
}

// This process's descriptors of BPF objects (programs, links, maps,
// iterators): none may outlive a statement.
int bpf_fds() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (target.rfind("anon_inode:bpf", 0) == 0) ++n;
  }
  return n;
}

// A TaskFileIterator that fails the way a test says.
struct FailingIterator final : proctab::TaskFileIterator {
  int err;
  std::string why;
  FailingIterator(int e, std::string w) : err(e), why(std::move(w)) {}
  proctab::TaskFileError run(int32_t, const std::function<void(std::string_view)>&) override {
    return {err, why};
  }
};

// The real iterator, its stream changed by `edit` before the decoder sees it.
struct EditedIterator final : proctab::TaskFileIterator {
  std::function<void(std::string&)> edit;
  explicit EditedIterator(std::function<void(std::string&)> e) : edit(std::move(e)) {}
  proctab::TaskFileError run(int32_t pid,
                             const std::function<void(std::string_view)>& bytes) override {
    std::string all;
    auto real = proctab::default_task_file();
    proctab::TaskFileError err = real->run(pid, [&](std::string_view b) { all.append(b); });
    if (err) return err;
    edit(all);
    bytes(all);
    return {};
  }
};

proctab::Seams with_iterator(std::function<std::unique_ptr<proctab::TaskFileIterator>()> make) {
  proctab::Seams seams;
  seams.task_file = std::move(make);
  return seams;
}

}  // namespace

TEST_CASE("bpf: the iterator's rows equal the /proc walk's for a child's every kind of descriptor",
          "[live][bpf]") {
  if (!bpf_runs()) return;
  Holder h;
  Db db;
  make_tables(db);
  const std::string cols = kShared;
  // pid pushed down (the iterator visits one process) and not (a full run).
  for (const char* where : {"pid = ", "pid + 0 = "}) {
    INFO(where);
    Rows bpf = db.query("SELECT " + cols + " FROM b WHERE " + where + h.pid() + " ORDER BY fd");
    Rows proc = db.query("SELECT " + cols + " FROM p WHERE " + where + h.pid() + " ORDER BY fd");
    REQUIRE(bpf.size() >= 12);
    CHECK(bpf == proc);
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM b WHERE " + std::string(where) +
                    h.pid()) == "bpf");
  }
  // Every kind is there, typed as its link reads (an independent look at /proc).
  std::multiset<std::string> kinds;
  for (const auto& row : db.query("SELECT type FROM b WHERE pid = " + h.pid())) {
    kinds.insert(row[0]);
  }
  CHECK(kinds.count("socket") == 3);      // listener, socketpair
  CHECK(kinds.count("pipe") >= 3);        // our pipe, the Child's hold pipe
  CHECK(kinds.count("anon_inode") == 2);  // eventfd, pidfd (or another eventfd)
  CHECK(kinds.count("other") == 1);       // net:[N]
  CHECK(kinds.count("file") >= 3);        // regular, /dev/null, deleted
  for (const auto& row : db.query("SELECT fd, type, inode FROM b WHERE pid = " + h.pid())) {
    std::error_code ec;
    std::string link = std::filesystem::read_symlink("/proc/" + h.pid() + "/fd/" + row[0], ec);
    INFO(link);
    if (row[1] == "socket" || row[1] == "pipe") {
      CHECK(link == row[1] + ":[" + row[2] + "]");
    } else if (row[1] == "file") {
      CHECK(link[0] == '/');
      CHECK(row[2] == "NULL");
    } else if (row[1] == "anon_inode") {
      CHECK(link.rfind("anon_inode:", 0) == 0);
    }
  }
  // The regular file: its offset and close-on-exec flag, from the kernel.
  Rows regular =
      db.query("SELECT b.pos, b.flags & " + std::to_string(O_CLOEXEC) + ", b.mode FROM b JOIN p " +
               "USING (pid, fd) WHERE pid = " + h.pid() + " AND p.path LIKE '%/regular'");
  REQUIRE(regular.size() == 1);
  CHECK(regular[0] == std::vector<std::string>{"3", std::to_string(O_CLOEXEC), "read/write"});
}

TEST_CASE("bpf: full scans of both sources give the same (pid, fd, inode) for stable processes",
          "[live][bpf]") {
  if (!bpf_runs()) return;
  Holder a, b2;
  Db db;
  make_tables(db);
  const std::string pids = a.pid() + ", " + b2.pid();
  // pid + 0: no pushdown, so both scan the whole machine.
  const std::string q = " WHERE pid + 0 IN (" + pids + ") ORDER BY pid, fd";
  Rows bpf = db.query("SELECT pid, fd, inode, type FROM b" + q);
  Rows proc = db.query("SELECT pid, fd, inode, type FROM p" + q);
  REQUIRE(bpf.size() >= 24);
  CHECK(bpf == proc);
  // The whole machine: every process the walk lists is one the iterator
  // lists (but for this one, whose descriptors differ between statements,
  // and processes that come and go).
  Rows walk_pids = db.query("SELECT DISTINCT pid FROM p WHERE pid + 0 <> " +
                            std::to_string(getpid()) + " ORDER BY pid");
  Rows iter_pids = db.query("SELECT DISTINCT pid FROM b ORDER BY pid");
  std::set<std::vector<std::string>> iter_set(iter_pids.begin(), iter_pids.end());
  size_t missing = 0;
  for (const auto& p : walk_pids) missing += iter_set.count(p) ? 0 : 1;
  CHECK(missing <= 2);  // a process that exited between the two statements
  CHECK(walk_pids.size() >= 2);
}

TEST_CASE("bpf: a process that is gone has no rows, and no error", "[live][bpf]") {
  if (!bpf_runs()) return;
  pid_t gone = fork();
  REQUIRE(gone >= 0);
  if (gone == 0) _exit(0);
  REQUIRE(waitpid(gone, nullptr, 0) == gone);
  Holder h;  // alive beside it: its rows come, the other's do not
  Db db;
  make_tables(db);
  const std::string pid = std::to_string(gone);
  CHECK(db.scalar("SELECT count(*) FROM b WHERE pid = " + pid) == "0");
  CHECK(db.scalar("SELECT count(*) FROM b WHERE pid IN (" + pid + ", " + h.pid() + ")") ==
        db.scalar("SELECT count(*) FROM p WHERE pid = " + h.pid()));
  CHECK(db.scalar("SELECT count(*) FROM b WHERE pid + 0 = " + pid) == "0");
}

TEST_CASE("bpf: one row per process, not per thread", "[live][bpf]") {
  if (!bpf_runs()) return;
  // This process runs Catch2 plus a thread here: its descriptors once.
  std::atomic<bool> stop{false};
  std::thread t([&] {
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  Db db;
  make_tables(db);
  const std::string me = std::to_string(getpid());
  CHECK(db.scalar("SELECT count(*) - count(DISTINCT fd) FROM b WHERE pid = " + me) == "0");
  CHECK(db.scalar("SELECT count(*) - count(DISTINCT fd) FROM b WHERE pid + 0 = " + me) == "0");
  CHECK(db.scalar("SELECT count(*) FROM b WHERE pid = " + me) != "0");
  stop = true;
  t.join();
}

TEST_CASE("bpf: 'auto' uses the iterator only for the columns and constraints it serves",
          "[live][bpf]") {
  const bool runs = bpf_runs();
  Holder h;
  Db db;
  const std::string expect = runs ? "bpf" : "proc";
  CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_fd WHERE pid + 0 = " + h.pid()) ==
        expect);
  CHECK(db.scalar("SELECT count(*) FROM proc_fd WHERE pid + 0 = " + h.pid()) ==
        db.scalar("SELECT count(*) FROM proc_fd WHERE pid = " + h.pid()));
  // A pid constraint: the walk of one process beats loading a program.
  CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_fd WHERE pid = " + h.pid()) ==
        "proc");
  // Link text: only the walk has it.
  for (const char* col : {"target", "path", "deleted"}) {
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_fd WHERE pid + 0 = " + h.pid() +
                    " AND " + col + " IS NOT NULL") == "proc");
  }
  // The owner join reads pid, fd, inode: the iterator's.
  CHECK(db.scalar("SELECT group_concat(DISTINCT f.source) FROM proc_tcp t JOIN proc_fd f USING "
                  "(inode) WHERE f.pid + 0 = " +
                  h.pid()) == expect);
  // A self-join whose one side reads target: the iterator's rows read their
  // links on demand, and agree with the walk.
  Rows mixed = db.query(
      "SELECT a.target FROM proc_fd a JOIN proc_fd b USING (pid, fd) WHERE "
      "a.pid + 0 = " +
      h.pid() + " AND b.inode IS NOT NULL ORDER BY a.fd");
  Rows walk = db.query("SELECT target FROM proc_fd WHERE pid = " + h.pid() +
                       " AND inode IS NOT NULL ORDER BY fd");
  CHECK(mixed == walk);
}

TEST_CASE("bpf: source='proc', a root='...' tree and the errors of source='bpf'", "[bpf]") {
  Db db;
  db.exec("CREATE VIRTUAL TABLE p USING proc_fd(source='proc')");
  CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM p WHERE pid + 0 = " +
                  std::to_string(getpid())) == "proc");
  testing::TempTree tree;
  testing::add_fd(tree, 7, 3, "socket:[99]");
  db.exec("CREATE VIRTUAL TABLE fx USING proc_fd(root='" + tree.path() + "')");
  CHECK(db.query("SELECT pid, fd, inode, source FROM fx") == Rows{{"7", "3", "99", "proc"}});
  CHECK_THAT(
      db.error_of("CREATE VIRTUAL TABLE fb USING proc_fd(root='" + tree.path() +
                  "', source='bpf')"),
      Catch::Contains("source='bpf' reads the live machine") && Catch::Contains(tree.path()));
  db.exec("CREATE VIRTUAL TABLE b USING proc_fd(source='bpf')");
  for (const char* col : {"target", "path", "deleted"}) {
    CHECK_THAT(db.error_of(std::string("SELECT ") + col + " FROM b"),
               Catch::Contains("source='bpf'") &&
                   Catch::Contains(std::string("column ") + col + " needs the /proc walk"));
  }
  CHECK_THAT(db.error_of("CREATE VIRTUAL TABLE bad USING proc_fd(source='netlink')"),
             Catch::Contains("netlink"));
}

TEST_CASE("bpf: a failing iterator: 'auto' falls back to the walk, 'bpf' names why",
          "[bpf][faults]") {
  struct Case {
    const char* name;
    std::function<std::unique_ptr<proctab::TaskFileIterator>()> make;
    const char* message;
  };
  std::vector<Case> cases = {
      {"EPERM",
       [] {
         return std::make_unique<FailingIterator>(
             EPERM,
             "loading the BPF program: Operation not permitted (needs root, or CAP_BPF "
             "and CAP_PERFMON)");
       },
       "needs root, or CAP_BPF and CAP_PERFMON"},
      {"no BTF",
       [] {
         return std::make_unique<FailingIterator>(
             ENOENT, "the kernel has no BTF (/sys/kernel/btf/vmlinux: No such file or directory)");
       },
       "no BTF"},
      {"load failure",
       [] {
         return std::make_unique<FailingIterator>(EINVAL,
                                                  "loading the BPF program: Invalid argument");
       },
       "loading the BPF program"},
  };
  if (bpf_runs()) {
    cases.push_back({"truncated stream",
                     [] {
                       return std::make_unique<EditedIterator>(
                           [](std::string& s) { s.resize(s.size() - 9); });
                     },
                     "ends inside a record"});
    cases.push_back({"malformed stream",
                     [] {
                       return std::make_unique<EditedIterator>([](std::string& s) {
                         s[proctab::kTaskFileRecordSize + 39] = 9;  // the version byte
                       });
                     },
                     "malformed (after 1 records)"});
  }
  Holder h;
  if (!in_initial_pidns()) {
    // The iterator is never asked: the pid namespace rules it out first.
    Db db(with_iterator([] { return std::make_unique<FailingIterator>(EPERM, "unused"); }));
    db.exec("CREATE VIRTUAL TABLE b USING proc_fd(source='bpf')");
    CHECK_THAT(db.error_of("SELECT count(*) FROM b"),
               Catch::Contains("not in the initial pid namespace"));
    CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_fd") == "proc");
    return;
  }
  for (const Case& c : cases) {
    SECTION(c.name) {
      int calls = 0;
      auto make = c.make;
      Db db(with_iterator([&calls, make] {
        ++calls;
        return make();
      }));
      db.exec("CREATE VIRTUAL TABLE b USING proc_fd(source='bpf')");
      CHECK_THAT(db.error_of("SELECT count(*) FROM b WHERE pid + 0 = " + h.pid()),
                 Catch::Contains("proc_fd: source='bpf': ") && Catch::Contains(c.message));
      CHECK(calls == 1);
      // 'auto': the walk's rows, all of them, none twice.
      calls = 0;
      CHECK(db.scalar("SELECT group_concat(DISTINCT source) FROM proc_fd WHERE pid + 0 = " +
                      h.pid()) == "proc");
      CHECK(calls == 1);
      CHECK(db.scalar("SELECT count(*) FROM proc_fd WHERE pid + 0 = " + h.pid()) ==
            db.scalar("SELECT count(*) FROM proc_fd WHERE pid = " + h.pid()));
    }
  }
}

TEST_CASE("bpf: the iterator runs once per statement, and never for what the walk serves",
          "[bpf][faults]") {
  int calls = 0;
  Db db(with_iterator([&calls] {
    ++calls;
    return proctab::default_task_file();
  }));
  Holder h;
  db.query("SELECT a.fd FROM proc_fd a JOIN proc_fd b USING (inode) WHERE a.pid + 0 = " + h.pid());
  CHECK(calls == (in_initial_pidns() ? 1 : 0));
  calls = 0;
  db.query("SELECT fd FROM proc_fd WHERE pid = " + h.pid());
  db.query("SELECT target FROM proc_fd WHERE pid + 0 = " + h.pid());
  db.exec("CREATE VIRTUAL TABLE p USING proc_fd(source='proc')");
  db.query("SELECT fd FROM p");
  CHECK(calls == 0);
}

TEST_CASE("bpf: source='bpf' on a join's inner side: one run for the first pid, then one for all",
          "[live][bpf]") {
  if (!bpf_runs()) return;
  int calls = 0;
  Db db(with_iterator([&calls] {
    ++calls;
    return proctab::default_task_file();
  }));
  Holder a, b, c;
  db.exec("CREATE VIRTUAL TABLE temp.f USING proc_fd(source='bpf')");
  const std::string pids = a.pid() + ", " + b.pid() + ", " + c.pid();
  // One pid: a run over that process only.
  CHECK(db.scalar("SELECT count(*) > 0 FROM f WHERE pid = " + a.pid()) == "1");
  CHECK(calls == 1);
  // For each of three processes (the inner side, pid = ?): two runs, not
  // three; the rows are the walk's.
  calls = 0;
  db.exec("CREATE TEMP TABLE holders(pid INTEGER)");
  db.exec("INSERT INTO holders VALUES (" + a.pid() + "), (" + b.pid() + "), (" + c.pid() + ")");
  const std::string q =
      "SELECT h.pid, count(x.fd) FROM holders h CROSS JOIN %s x ON x.pid = h.pid GROUP BY 1 "
      "ORDER BY 1";
  auto with = [&](const char* table) {
    std::string s = q;
    return s.replace(s.find("%s"), 2, table);
  };
  Rows bpf = db.query(with("f"));
  CHECK(calls == 2);
  db.exec("CREATE VIRTUAL TABLE temp.w USING proc_fd(source='proc')");
  CHECK(bpf == db.query(with("w")));
  CHECK(bpf.size() == 3);
  // A constant pid on the inner side, asked once per outer row: one run.
  calls = 0;
  CHECK(db.query("SELECT count(x.fd) > 0 FROM holders h CROSS JOIN f x ON x.pid = " + a.pid()) ==
        Rows{{"1"}});
  CHECK(calls == 1);
  // Several pids at once: one run.
  calls = 0;
  db.query("SELECT count(*) FROM f WHERE pid IN (" + pids + ")");
  CHECK(calls == 1);
}

TEST_CASE("bpf: nothing stays loaded, attached or open after a statement", "[live][bpf]") {
  if (!bpf_runs()) return;
  // While the iterator runs, its program, link and iterator are open here
  // (so the check below can fail).
  int during = 0;
  struct Watching final : proctab::TaskFileIterator {
    int& during;
    explicit Watching(int& d) : during(d) {}
    proctab::TaskFileError run(int32_t pid,
                               const std::function<void(std::string_view)>& bytes) override {
      return proctab::default_task_file()->run(pid, [&](std::string_view b) {
        during = std::max(during, bpf_fds());
        bytes(b);
      });
    }
  };
  Db db(with_iterator([&during] { return std::make_unique<Watching>(during); }));
  db.exec("CREATE VIRTUAL TABLE b USING proc_fd(source='bpf')");
  db.query("SELECT count(*) FROM b");  // the first run opens libbpf for good
  const int fds = testing::count_open_fds();
  for (int i = 0; i < 3; ++i) {
    CHECK(db.scalar("SELECT count(*) FROM b WHERE pid = " + std::to_string(getpid())) != "0");
    CHECK(db.scalar("SELECT count(*) FROM b") != "0");
  }
  CHECK(during >= 2);  // at least the program and the link
  CHECK(bpf_fds() == 0);
  CHECK(testing::count_open_fds() == fds);
  // The kernel's view: no program of ours left (bpftool lists a program's
  // holders as "pids NAME(PID)").
  int status = 0;
  std::string progs = live::run_command("bpftool prog list 2>&1", &status);
  if (status == 0) {
    CHECK(progs.find("(" + std::to_string(getpid()) + ")") == std::string::npos);
  } else {
    WARN("bpftool prog list: " << progs);
  }
  std::string links = live::run_command("bpftool link list 2>&1", &status);
  if (status == 0) CHECK(links.find("(" + std::to_string(getpid()) + ")") == std::string::npos);
}
