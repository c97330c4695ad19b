// Churn: helper processes open and close loopback connections and fork
// short-lived children as fast as they can while several threads, each with
// its own SQLite connection, run queries back to back (scans, joins, lookups
// of pids that come and go). Nothing may error or crash, every row must be
// well formed, and the test process's descriptors and memory must end where
// they started. Bounded: about 8 s of churn, loopback only; it kills only the
// helpers it forked.
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "parse/tcp.h"
#include "test_support.h"

using testing::Db;

namespace {

using Clock = std::chrono::steady_clock;

long vm_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The helper's loop: connections on 127.0.0.1 (up to 8 open at a time,
// closed with RST so no TIME_WAIT piles up) and a forked child that exits at
// once, every few rounds, whose pid it publishes in `*child` (shared memory)
// for the queries to look up. Ends when `*stop` is set (shared memory), or by
// itself at the hard deadline.
[[noreturn]] void churn(const std::atomic<bool>* stop, Clock::time_point hard_deadline,
                        std::atomic<pid_t>* child) {
  int open_fds[16];
  int n_open = 0;
  for (int round = 0; round < 200000 && !stop->load() && Clock::now() < hard_deadline; ++round) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 4) != 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      _exit(2);
    }
    int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client < 0 || connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      _exit(3);
    int server = accept(listener, nullptr, nullptr);
    if (server < 0) _exit(4);
    linger hard{1, 0};
    setsockopt(client, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    setsockopt(server, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(listener);
    if (n_open + 2 > 16) {  // close the oldest pair
      close(open_fds[0]);
      close(open_fds[1]);
      for (int i = 2; i < n_open; ++i) open_fds[i - 2] = open_fds[i];
      n_open -= 2;
    }
    open_fds[n_open++] = client;
    open_fds[n_open++] = server;
    if (round % 4 == 0) {
      pid_t kid = fork();
      if (kid == 0) _exit(0);
      if (kid > 0) {
        child->store(kid, std::memory_order_relaxed);
        waitpid(kid, nullptr, 0);
      }
    }
  }
  _exit(0);
}

struct Results {
  std::atomic<long> queries{0}, rows{0}, bad_rows{0}, errors{0}, tcp_scans{0};
  std::mutex mutex;
  std::string first_problem;
  void problem(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex);
    if (first_problem.empty()) first_problem = what;
  }
};

// How long the query threads run: at least until `deadline`, then on until
// every thread together ran `min_queries` queries and `min_scans` full
// net/tcp reads -- a loaded machine gets more time rather than a failure --
// but at most kGrace past the deadline.
struct Until {
  Clock::time_point deadline;
  long min_queries = 0, min_scans = 0;
};
constexpr auto kGrace = std::chrono::seconds(60);

bool keep_going(const Until& until, const Results& out) {
  const auto now = Clock::now();
  if (now < until.deadline) return true;
  if (now > until.deadline + kGrace) return false;
  return out.queries < until.min_queries || out.tcp_scans < until.min_scans;
}

// One connection's loop: mostly lookups of pids that come and go, now and
// then a full scan or a join.
// `children[i]`: the latest short-lived child of helper i (may be gone).
void query_loop(int id, const std::vector<pid_t>& helpers, const std::atomic<pid_t>* children,
                Until until, Results& out) {
  Db db;
  const std::set<std::string> states = {
      "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",    "TIME_WAIT",     "CLOSE",
      "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV", "BOUND_INACTIVE"};
  const std::set<std::string> types = {"socket", "pipe", "anon_inode", "file", "other"};
  std::vector<sqlite3_stmt*> stmts;
  auto prepare = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &s, nullptr) != SQLITE_OK) {
      out.problem(std::string("prepare: ") + sqlite3_errmsg(db.get()));
    }
    stmts.push_back(s);
    return s;
  };
  sqlite3_stmt* by_pid = prepare("SELECT pid, fd, type, inode, target FROM proc_fd WHERE pid = ?1");
  sqlite3_stmt* by_pid_fd = prepare(
      "SELECT pid, fd, type, inode, target FROM proc_fd WHERE pid = ?1 AND fd IN (0, 3, 4)");
  sqlite3_stmt* join = prepare(
      "SELECT t.local_port, t.remote_port, t.state, f.pid FROM proc_fd f JOIN proc_tcp t USING "
      "(inode) WHERE f.pid IN (?1, ?2, ?3)");
  sqlite3_stmt* loopback = prepare(
      "SELECT local_port, remote_port, state, family, kind FROM proc_tcp WHERE local_address = "
      "'127.0.0.1' AND state != 'LISTEN'");
  if (!out.first_problem.empty()) return;

  auto check_fd_row = [&](sqlite3_stmt* s) {
    bool ok = sqlite3_column_int64(s, 0) > 0 && sqlite3_column_int64(s, 1) >= 0;
    const char* type = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    ok = ok && type && types.count(type);
    bool has_inode = sqlite3_column_type(s, 3) == SQLITE_INTEGER;
    ok = ok && has_inode == (std::string(type ? type : "") == "socket" ||
                             std::string(type ? type : "") == "pipe");
    ok = ok && sqlite3_column_bytes(s, 4) > 0;
    return ok;
  };
  auto check_tcp_row = [&](sqlite3_stmt* s) {
    sqlite3_int64 lport = sqlite3_column_int64(s, 0), rport = sqlite3_column_int64(s, 1);
    const char* state = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    return lport >= 0 && lport <= 65535 && rport >= 0 && rport <= 65535 && state &&
           states.count(state);
  };

  unsigned step = static_cast<unsigned>(id) * 7919u;
  for (long i = 0; i < 200000 && keep_going(until, out); ++i) {
    ++step;
    // A helper, or its latest child (alive, exiting or reaped).
    size_t h = step % helpers.size();
    pid_t pid = step % 3 ? children[h].load(std::memory_order_relaxed) : helpers[h];
    if (pid <= 0) pid = helpers[h];
    sqlite3_stmt* s;
    bool tcp = false;
    // Full net/tcp reads are rarer: on a host with 100k sockets one takes
    // a second, and the point is churn, not throughput.
    switch (step % 200) {
      case 0:
        s = join;
        sqlite3_bind_int(s, 1, helpers[0]);
        sqlite3_bind_int(s, 2, helpers[helpers.size() - 1]);
        sqlite3_bind_int(s, 3, pid);
        tcp = true;
        break;
      case 100:
        s = loopback;
        tcp = true;
        break;
      default:
        s = step % 2 ? by_pid : by_pid_fd;
        sqlite3_bind_int(s, 1, pid);
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      ++out.rows;
      bool ok = s == loopback || s == join ? check_tcp_row(s) : check_fd_row(s);
      if (s == loopback) {
        ok = ok && std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 3))) == "inet";
      }
      if (s == join) ok = ok && sqlite3_column_int64(s, 3) > 0;
      if (!ok) {
        ++out.bad_rows;
        out.problem(std::string("bad row from: ") + sqlite3_sql(s));
      }
    }
    if (rc != SQLITE_DONE) {
      ++out.errors;
      out.problem(std::string("error: ") + sqlite3_errmsg(db.get()) + " in " + sqlite3_sql(s));
    }
    sqlite3_reset(s);
    ++out.queries;
    if (tcp) ++out.tcp_scans;
  }
  for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
}

void run_threads(int threads, const std::vector<pid_t>& helpers, const std::atomic<pid_t>* children,
                 Until until, Results& out) {
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back(query_loop, i, std::cref(helpers), children, until, std::ref(out));
  }
  for (auto& t : pool) t.join();
}

}  // namespace

TEST_CASE("churn: sockets and processes come and go under concurrent queries", "[stress]") {
  const auto churn_time = std::chrono::seconds(8);
  const int kHelpers = 2, kThreads = 3;
  const long kMinQueries = 1000;

  // Warm up (SQLite, the allocator's per-thread arenas) before the baseline.
  {
    Results warm;
    std::vector<pid_t> self = {getpid()};
    std::atomic<pid_t> none[1] = {0};
    run_threads(kThreads, self, none, Until{Clock::now() + std::chrono::milliseconds(300)}, warm);
    REQUIRE(warm.first_problem == "");
  }
  malloc_trim(0);
  const int fds_before = testing::count_open_fds();
  const long rss_before = vm_rss_kb();

  // The helpers publish their children's pids here, and read when to stop.
  struct Shared {
    std::atomic<bool> stop{false};
    std::atomic<pid_t> children[kHelpers] = {};
  };
  void* shared =
      mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(shared != MAP_FAILED);
  auto* control = new (shared) Shared();
  const auto deadline = Clock::now() + churn_time;
  std::vector<pid_t> helpers;
  for (int i = 0; i < kHelpers; ++i) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) churn(&control->stop, deadline + kGrace, &control->children[i]);
    helpers.push_back(pid);
  }

  Results results;
  run_threads(kThreads, helpers, control->children, Until{deadline, kMinQueries, kThreads},
              results);
  control->stop = true;

  // The helpers stop when told to (or at the hard deadline); make sure, then reap.
  int helper_failures = 0;
  for (pid_t pid : helpers) {
    int status = 0;
    for (int i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; ++i) usleep(100 * 1000);
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);  // ours: forked above
      waitpid(pid, &status, 0);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++helper_failures;
  }

  munmap(shared, sizeof(Shared));
  INFO("queries " << results.queries << ", rows " << results.rows << ", tcp scans "
                  << results.tcp_scans << ": " << results.first_problem);
  CHECK(helper_failures == 0);
  CHECK(results.errors == 0);
  CHECK(results.bad_rows == 0);
  CHECK(results.first_problem == "");
  CHECK(results.queries >= kMinQueries);
  CHECK(results.tcp_scans >= kThreads);
  CHECK(results.rows > 0);

  malloc_trim(0);
  CHECK(testing::count_open_fds() == fds_before);
  const long rss_after = vm_rss_kb();
  INFO("VmRSS " << rss_before << " kB -> " << rss_after << " kB");
#if defined(__SANITIZE_ADDRESS__)
  // ASan keeps freed memory in quarantine: RSS says nothing there; its leak
  // checker does the job instead.
  (void)rss_after;
#else
  CHECK(rss_after < rss_before + 32 * 1024);  // roughly where it started
#endif
  WARN("churn: " << results.queries << " queries (" << results.tcp_scans << " tcp scans), "
                 << results.rows << " rows; VmRSS " << rss_before << " -> " << rss_after << " kB");
}
