// A thread is not a process: /proc answers /proc/TID of every thread (it
// lists only the thread-group leaders), so a pushed-down `pid = TID` must not
// show the thread's view of its process's descriptors, maps and status as a
// second process. Live: a thread of this test process; and a fixture root
// whose status files say which pid leads which group.
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "test_support.h"

using namespace testing;

namespace {

// A thread that waits until the test is done with it, and its kernel id.
class WaitingThread {
 public:
  WaitingThread() : thread_([this] { run(); }) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return tid_ != 0; });
  }
  ~WaitingThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  pid_t tid() const { return tid_; }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    tid_ = static_cast<pid_t>(syscall(SYS_gettid));
    cv_.notify_all();
    cv_.wait(lock, [&] { return done_; });
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  pid_t tid_ = 0;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

TEST_CASE("live: pid = a thread id matches no process in proc_fd, proc_process, proc_maps",
          "[live][threads]") {
  WaitingThread thread;
  const std::string pid = std::to_string(getpid());
  const std::string tid = std::to_string(thread.tid());
  REQUIRE(tid != pid);
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.walk USING proc_fd(source='proc')");
  // The thread's own /proc entry is there: the kernel would answer it.
  REQUIRE(access(("/proc/" + tid + "/fd").c_str(), F_OK) == 0);
  for (const char* table : {"proc_fd", "walk", "proc_process", "proc_maps"}) {
    INFO(table);
    CHECK(std::stoll(
              db.scalar(std::string("SELECT count(*) FROM ") + table + " WHERE pid = " + pid)) > 0);
    CHECK(db.scalar(std::string("SELECT count(*) FROM ") + table + " WHERE pid = " + tid) == "0");
    // IN lists and the unpushed form agree: the process once, never the thread.
    CHECK(db.scalar(std::string("SELECT count(DISTINCT pid) FROM ") + table + " WHERE pid IN (" +
                    pid + ", " + tid + ")") == "1");
    CHECK(db.scalar(std::string("SELECT count(*) FROM ") + table + " WHERE pid + 0 = " + tid) ==
          "0");
  }
}

TEST_CASE(
    "fixture: a status whose Tgid is another pid is a thread; no status or Tgid counts as "
    "a process",
    "[fixture][threads]") {
  TempTree tree;
  tree.write("stat", "cpu 1 2 3\nbtime 1700000000\n");
  auto process = [&](int pid, const std::string& status) {
    const std::string p = std::to_string(pid);
    tree.write(p + "/stat", p + " (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1000 10\n");
    if (!status.empty()) tree.write(p + "/status", status);
    add_fd(tree, pid, 3, "/tmp/file" + p);
  };
  process(100, "Name:\tx\nUmask:\t0022\nState:\tS\nTgid:\t100\nPid:\t100\n");
  process(101, "Name:\tx\nUmask:\t0022\nState:\tS\nTgid:\t100\nPid:\t101\n");  // thread of 100
  process(102, "");                                                            // no status
  process(103, "Name:\tx\nPid:\t103\n");                                       // no Tgid line
  Db db;
  db.exec("CREATE VIRTUAL TABLE temp.f USING proc_fd(root='" + tree.path() + "')");
  db.exec("CREATE VIRTUAL TABLE temp.p USING proc_process(root='" + tree.path() + "')");
  CHECK(db.query("SELECT pid FROM f WHERE pid IN (100, 101, 102, 103) ORDER BY pid") ==
        Rows{{"100"}, {"102"}, {"103"}});
  CHECK(db.query("SELECT pid FROM p WHERE pid IN (100, 101, 102, 103) ORDER BY pid") ==
        Rows{{"100"}, {"102"}, {"103"}});
}
