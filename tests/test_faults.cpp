// Fault injection below the tables: a ProcFs whose raw syscalls fail, get
// interrupted, deliver data in small pieces, serve files that change between
// reads, never end, or carry NUL and non-UTF-8 bytes. The documented policy:
//   - EINTR and short reads are invisible (same rows as a clean read);
//   - an unreadable net/tcp (or net/tcp6 other than ENOENT) is an SQL error
//     naming the path; an endless file is one too (EFBIG);
//   - a process or descriptor that vanished / may not be read is skipped;
//   - unreadable fdinfo gives NULLs;
// and never a crash, a hang, a half-parsed row or a leaked descriptor.
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "parse/tcp.h"
#include "test_support.h"

// Faults are written as designated initializers naming only what they set.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using testing::add_fd;
using testing::Db;
using testing::Rows;
using testing::TempTree;
using testing::kHeader;

namespace {

std::string tcp_line(int slot, int port, int st, int inode) {
  char line[256];
  snprintf(line, sizeof line,
           "%4d: 0100007F:%04X 00000000:0000 %02X 00000000:00000000 00:00000000 00000000  1000  "
           "      0 %d 1 ffff000000000001 100 0 0 10 0\n",
           slot, port, st, inode);
  return line;
}

std::string tcp_file(int rows, int first_inode = 1000) {
  std::string text = kHeader;
  for (int i = 0; i < rows; ++i) text += tcp_line(i, 8000 + i, i % 2 ? 1 : 10, first_inode + i);
  return text;
}

void write_tree(const TempTree& tree) {
  tree.write("net/tcp", tcp_file(4));
  tree.write("net/tcp6", kHeader);
  add_fd(tree, 100, 0, "/dev/null");
  add_fd(tree, 100, 3, "socket:[1000]");
  add_fd(tree, 100, 4, "socket:[1001]");
  add_fd(tree, 200, 3, "socket:[1002]");
  add_fd(tree, 200, 4, "pipe:[77]");
  tree.write("100/fdinfo/0", "pos:\t5\nflags:\t0100002\nmnt_id:\t23\n");
  tree.write("200/fdinfo/3", "pos:\t0\nflags:\t02\nmnt_id:\t9\n");
}

// Injects faults by path (relative to the root, as the tables name them).
// Faults are armed only after the tables are created, so creation-time
// checks see the clean tree.
class FaultyFs final : public proctab::ProcFs {
 public:
  struct FileFault {
    int open_errno = 0;                 // the open fails
    int read_errno = 0;                 // the first read fails
    int eintr = 0;                      // each read is interrupted this many times first
    size_t piece = 0;                   // at most this many bytes per read (0: no limit)
    std::vector<std::string> versions;  // served content: read k sees versions[min(k, n-1)]
    bool endless = false;               // never EOF
  };
  struct Faults {
    std::map<std::string, FileFault> files;        // read_file, open_dir, getdents
    std::map<std::string, int> link_errno;         // readlink fails
    std::map<std::string, std::string> link_text;  // readlink returns this instead
    int open_eintr = 0;                            // every open is interrupted this often
    size_t max_file_bytes = 0;                     // 0: ProcFs's default
  };

  FaultyFs(const std::string& root, std::shared_ptr<Faults> faults, std::shared_ptr<bool> armed)
      : ProcFs(root), faults_(std::move(faults)), armed_(std::move(armed)) {
    if (faults_->max_file_bytes) max_file_bytes_ = faults_->max_file_bytes;
  }

 protected:
  int sys_open(int dir_fd, const char* path, int flags) override {
    std::string full = join(dir_fd, path);
    if (*armed_) {
      if (open_eintr_left_.count(full) == 0) open_eintr_left_[full] = faults_->open_eintr;
      if (open_eintr_left_[full]-- > 0) return fail(EINTR);
      open_eintr_left_.erase(full);
      if (const FileFault* f = find(full); f && f->open_errno) return fail(f->open_errno);
    }
    int fd = ProcFs::sys_open(dir_fd, path, flags);
    if (fd >= 0) {
      paths_[fd] = full;
      state_[fd] = State{};
    }
    return fd;
  }

  long sys_read(int fd, char* buf, size_t size) override {
    const FileFault* f = *armed_ ? find(path_of(fd)) : nullptr;
    if (!f) return ProcFs::sys_read(fd, buf, size);
    State& s = state_[fd];
    if (s.eintr_done < f->eintr) {
      ++s.eintr_done;
      return fail(EINTR);
    }
    s.eintr_done = 0;
    if (f->read_errno && s.reads == 0) return fail(f->read_errno);
    if (f->piece) size = std::min(size, f->piece);
    if (f->endless) {
      memset(buf, 'x', size);
      ++s.reads;
      return static_cast<long>(size);
    }
    if (f->versions.empty()) {
      ++s.reads;
      return ProcFs::sys_read(fd, buf, size);
    }
    const std::string& text = f->versions[std::min<size_t>(s.reads, f->versions.size() - 1)];
    ++s.reads;
    if (s.offset >= text.size()) return 0;
    size_t n = std::min(size, text.size() - s.offset);
    memcpy(buf, text.data() + s.offset, n);
    s.offset += n;
    return static_cast<long>(n);
  }

  long sys_getdents(int fd, char* buf, size_t size) override {
    const FileFault* f = *armed_ ? find(path_of(fd)) : nullptr;
    if (f) {
      State& s = state_[fd];
      if (s.eintr_done < f->eintr) {
        ++s.eintr_done;
        return fail(EINTR);
      }
      s.eintr_done = 0;
      if (f->read_errno && s.reads++ == 0) return fail(f->read_errno);
    }
    return ProcFs::sys_getdents(fd, buf, size);
  }

  long sys_readlink(int dir_fd, const char* name, char* buf, size_t size) override {
    std::string full = join(dir_fd, name);
    if (*armed_) {
      auto e = faults_->link_errno.find(full);
      if (e != faults_->link_errno.end()) return fail(e->second);
      auto t = faults_->link_text.find(full);
      if (t != faults_->link_text.end()) {
        size_t n = std::min(size, t->second.size());
        memcpy(buf, t->second.data(), n);
        return static_cast<long>(n);
      }
    }
    return ProcFs::sys_readlink(dir_fd, name, buf, size);
  }

 private:
  struct State {
    size_t offset = 0;
    size_t reads = 0;
    int eintr_done = 0;
  };

  static int fail(int err) {
    errno = err;
    return -1;
  }
  std::string path_of(int fd) const {
    auto it = paths_.find(fd);
    return it == paths_.end() ? "" : it->second;
  }
  std::string join(int dir_fd, const char* path) const {
    std::string dir = dir_fd == root_fd() ? "" : path_of(dir_fd);
    if (dir.empty() || dir == ".") return path;
    return dir + "/" + path;
  }
  const FileFault* find(const std::string& path) const {
    auto it = faults_->files.find(path);
    return it == faults_->files.end() ? nullptr : &it->second;
  }

  std::shared_ptr<Faults> faults_;
  std::shared_ptr<bool> armed_;
  std::map<int, std::string> paths_;
  std::map<int, State> state_;
  std::map<std::string, int> open_eintr_left_;
};

// A fixture tree, a clean connection and a faulty one over it.
struct FaultFixture {
  TempTree tree;
  std::shared_ptr<FaultyFs::Faults> faults = std::make_shared<FaultyFs::Faults>();
  std::shared_ptr<bool> armed = std::make_shared<bool>(false);
  std::unique_ptr<Db> clean, faulty;
  int fds_before = testing::count_open_fds();

  FaultFixture() { write_tree(tree); }
  void open() {
    clean = std::make_unique<Db>();
    auto f = faults;
    auto a = armed;
    faulty = std::make_unique<Db>(
        [f, a](const std::string& root) { return std::make_shared<FaultyFs>(root, f, a); });
    for (Db* db : {clean.get(), faulty.get()}) {
      db->exec("CREATE VIRTUAL TABLE temp.tcp USING proc_tcp(root='" + tree.path() + "')");
      db->exec("CREATE VIRTUAL TABLE temp.fd USING proc_fd(root='" + tree.path() + "')");
    }
    *armed = true;
  }
  ~FaultFixture() {
    clean.reset();
    faulty.reset();
    CHECK(testing::count_open_fds() == fds_before);  // nothing leaked
  }
};

const char* kTcpAll = "SELECT * FROM tcp ORDER BY family, slot";
const char* kFdAll =
    "SELECT pid, fd, target, type, inode, pos, flags, mnt_id FROM fd ORDER BY pid, fd";

// Every row of proc_tcp is whole: known state, ports in range, a kind.
void check_tcp_rows_whole(const Db& db) {
  Rows rows = db.query("SELECT state, local_port, remote_port, kind, inode, family FROM tcp");
  for (const auto& r : rows) {
    INFO(r[0] << " " << r[1] << " " << r[3]);
    CHECK(proctab::tcp_state_number(r[0]) != 0);
    CHECK(std::stoll(r[1]) >= 0);
    CHECK(std::stoll(r[1]) <= 65535);
    CHECK(std::stoll(r[2]) >= 0);
    CHECK(std::set<std::string>{"socket", "request", "timewait"}.count(r[3]) == 1);
    CHECK(r[5] == "inet");
  }
}

}  // namespace

TEST_CASE("faults: EINTR everywhere and one-byte reads change nothing", "[faults]") {
  FaultFixture f;
  f.tree.write("net/tcp", tcp_file(300));  // several KB: many pieces
  f.faults->open_eintr = 2;
  f.faults->files["net/tcp"] = {.eintr = 3, .piece = 1};
  f.faults->files["net/tcp6"] = {.eintr = 1, .piece = 3};
  f.faults->files["."] = {.eintr = 2};  // the pid listing
  f.faults->files["100/fd"] = {.eintr = 2};
  f.faults->files["100/fdinfo/0"] = {.eintr = 5, .piece = 2};
  f.open();
  Rows clean = f.clean->query(kTcpAll);
  REQUIRE(clean.size() == 300);
  CHECK(f.faulty->query(kTcpAll) == clean);
  CHECK(f.faulty->query(kFdAll) == f.clean->query(kFdAll));
  CHECK(f.faulty->scalar("SELECT pos FROM fd WHERE pid = 100 AND fd = 0") == "5");
  CHECK(f.faulty->scalar("SELECT count(*) FROM tcp t JOIN fd USING (inode)") == "3");
}

TEST_CASE("faults: an unreadable net/tcp is an SQL error naming the path", "[faults]") {
  FaultFixture f;
  std::string path = f.tree.path() + "/net/tcp";
  SECTION("EACCES at open") {
    f.faults->files["net/tcp"] = {.open_errno = EACCES};
    f.open();
    CHECK(f.faulty->error_of(kTcpAll) == "proc_tcp: " + path + ": Permission denied");
  }
  SECTION("EIO at read") {
    f.faults->files["net/tcp"] = {.read_errno = EIO};
    f.open();
    CHECK(f.faulty->error_of(kTcpAll) == "proc_tcp: " + path + ": Input/output error");
  }
  SECTION("ENOENT: net/tcp vanished after CREATE") {
    f.faults->files["net/tcp"] = {.open_errno = ENOENT};
    f.open();
    CHECK(f.faulty->error_of(kTcpAll) == "proc_tcp: " + path + ": No such file or directory");
  }
  SECTION("net/tcp6: ENOENT means no IPv6, EACCES is an error") {
    f.faults->files["net/tcp6"] = {.open_errno = ENOENT};
    f.open();
    CHECK(f.faulty->scalar("SELECT count(*) FROM tcp") == "4");
    f.faults->files["net/tcp6"] = {.open_errno = EACCES};
    CHECK(f.faulty->error_of(kTcpAll) == "proc_tcp: " + path + "6: Permission denied");
    // family = 'inet' never opens tcp6.
    CHECK(f.faulty->scalar("SELECT count(*) FROM tcp WHERE family = 'inet'") == "4");
  }
  SECTION("the root's own listing fails: proc_fd names the root") {
    f.faults->files["."] = {.read_errno = EIO};
    f.open();
    CHECK(f.faulty->error_of(kFdAll) == "proc_fd: " + f.tree.path() + ": Input/output error");
  }
}

TEST_CASE("faults: vanished or forbidden processes and descriptors are skipped", "[faults]") {
  FaultFixture f;
  SECTION("fd directory: EACCES, ENOENT, ESRCH at open") {
    for (int err : {EACCES, ENOENT, ESRCH, EPERM}) {
      INFO(strerror(err));
      f.faults->files["200/fd"] = {.open_errno = err};
      if (!f.faulty) f.open();
      CHECK(f.faulty->query("SELECT pid, fd FROM fd ORDER BY pid, fd") ==
            Rows{{"100", "0"}, {"100", "3"}, {"100", "4"}});
      CHECK(f.faulty->scalar("SELECT count(*) FROM fd WHERE pid = 200") == "0");
      CHECK(f.faulty->scalar("SELECT count(*) FROM fd WHERE pid = 100") == "3");
    }
  }
  SECTION("the process exits while its fds are listed") {
    f.faults->files["100/fd"] = {.read_errno = ENOENT};
    f.open();
    CHECK(f.faulty->query("SELECT pid, fd FROM fd ORDER BY pid, fd") ==
          Rows{{"200", "3"}, {"200", "4"}});
  }
  SECTION("a descriptor closes between listing and readlink") {
    f.faults->link_errno["100/fd/3"] = ENOENT;
    f.open();
    CHECK(f.faulty->query("SELECT pid, fd FROM fd WHERE pid = 100 ORDER BY fd") ==
          Rows{{"100", "0"}, {"100", "4"}});
    CHECK(f.faulty->scalar("SELECT count(*) FROM fd") == "4");
    // The single-link path (pid and fd given) skips it too.
    CHECK(f.faulty->scalar("SELECT count(*) FROM fd WHERE pid = 100 AND fd = 3") == "0");
    CHECK(f.faulty->scalar("SELECT count(*) FROM fd WHERE pid = 100 AND fd = 4") == "1");
    // The socket join loses that row and nothing else.
    CHECK(f.faulty->scalar("SELECT count(*) FROM tcp JOIN fd USING (inode)") == "2");
  }
  SECTION("unreadable fdinfo: NULLs, the row stays") {
    f.faults->files["100/fdinfo/0"] = {.open_errno = EACCES};
    f.faults->files["200/fdinfo/3"] = {.read_errno = ESRCH};
    f.open();
    CHECK(f.faulty->query("SELECT pid, fd, pos, flags, mode, mnt_id FROM fd WHERE inode = 1002 "
                          "OR fd = 0 ORDER BY pid") ==
          Rows{{"100", "0", "NULL", "NULL", "NULL", "NULL"},
               {"200", "3", "NULL", "NULL", "NULL", "NULL"}});
  }
}

TEST_CASE("faults: a file that grows or shrinks between reads", "[faults]") {
  FaultFixture f;
  std::string small = tcp_file(3), big = tcp_file(40, 5000), tiny = tcp_file(1, 9000);
  // Every read sees a different version at the same offset, in 37-byte
  // pieces: lines are spliced from different versions, as a careless reader
  // of a changing file would see them.
  f.faults->files["net/tcp"] = {.piece = 37, .versions = {small, big, tiny, big, small, big}};
  f.open();
  Rows rows = f.faulty->query("SELECT slot, inode FROM tcp");
  CHECK(rows.size() <= 40);
  check_tcp_rows_whole(*f.faulty);
  // Whole-read semantics: every statement reads afresh (versions restart).
  CHECK_NOTHROW(f.faulty->query(kTcpAll));
}

TEST_CASE("faults: endless lines and endless files", "[faults]") {
  FaultFixture f;
  SECTION("a 10 MB line without a newline among good lines is skipped alone") {
    std::string text = tcp_file(2) + std::string(10 << 20, 'A') + "\n" + tcp_line(7, 9999, 1, 77);
    f.tree.write("net/tcp", text);
    f.faults->files["net/tcp"] = {.piece = 1 << 20};
    f.open();
    CHECK(f.faulty->query("SELECT local_port FROM tcp ORDER BY slot") ==
          Rows{{"8000"}, {"8001"}, {"9999"}});
    // The same, as the last and unterminated line.
    f.tree.write("net/tcp", tcp_file(1) + std::string(10 << 20, ' ') + "1");
    CHECK(f.faulty->scalar("SELECT count(*) FROM tcp") == "1");
  }
  SECTION("a file that never ends: EFBIG naming the path, no hang") {
    f.faults->max_file_bytes = 4 << 20;
    f.faults->files["net/tcp"] = {.piece = 64 << 10, .endless = true};
    f.faults->files["100/fdinfo/0"] = {.endless = true};
    f.open();
    CHECK(f.faulty->error_of(kTcpAll) == "proc_tcp: " + f.tree.path() + "/net/tcp: File too large");
    // fdinfo that never ends: NULLs, like any unreadable fdinfo.
    CHECK(f.faulty->scalar("SELECT quote(pos) FROM fd WHERE pid = 100 AND fd = 0") == "NULL");
  }
  SECTION("a FIFO as net/tcp does not block (O_NONBLOCK): no rows") {
    std::string path = f.tree.path() + "/net/tcp";
    REQUIRE(unlink(path.c_str()) == 0);
    REQUIRE(mkfifo(path.c_str(), 0600) == 0);
    f.open();
    CHECK(f.faulty->scalar("SELECT count(*) FROM tcp") == "0");
  }
}

TEST_CASE("faults: NUL and non-UTF-8 bytes in link targets and files", "[faults]") {
  FaultFixture f;
  const std::string nul_path("/tmp/a\0b", 8);
  const std::string latin1 = "/tmp/caf\xe9 \xff\xfe (deleted)";
  const std::string nul_socket("socket:[10\0002]", 13);
  f.faults->link_text["100/fd/0"] = nul_path;
  f.faults->link_text["100/fd/3"] = latin1;
  f.faults->link_text["100/fd/4"] = nul_socket;
  std::string tcp = tcp_file(2);
  tcp.insert(tcp.find("ffff000000000001"), std::string("\0", 1));  // first row: NUL inside
  tcp += "\xff\xfe\xfd garbage \xc3\x28\n" + tcp_line(9, 7777, 10, 4242);
  f.tree.write("net/tcp", tcp);
  static const char kInfo[] = "pos:\t\0 7\nflags:\t\xff\nmnt_id:\t3\0\n";
  f.tree.write("100/fdinfo/0", std::string(kInfo, sizeof kInfo - 1));
  f.open();

  Rows rows = f.faulty->query(
      "SELECT fd, hex(target), type, quote(inode), hex(path), deleted FROM fd WHERE pid = 100 "
      "ORDER BY fd");
  REQUIRE(rows.size() == 3);
  auto hex = [](const std::string& s) {
    std::string out;
    char b[3];
    for (unsigned char c : s) {
      snprintf(b, sizeof b, "%02X", c);
      out += b;
    }
    return out;
  };
  // Bytes are kept exactly, NULs included: the text is not cut at the NUL.
  CHECK(rows[0] ==
        std::vector<std::string>{"0", hex(nul_path), "file", "NULL", hex(nul_path), "0"});
  CHECK(rows[1] == std::vector<std::string>{"3", hex(latin1), "file", "NULL",
                                            hex("/tmp/caf\xe9 \xff\xfe"), "1"});
  // "socket:[10\0" "2]" is no socket: its digits are not all digits.
  CHECK(rows[2] == std::vector<std::string>{"4", hex(nul_socket), "other", "NULL", "", "NULL"});
  // The line with a NUL and the binary line are skipped; the others parse.
  CHECK(f.faulty->query("SELECT local_port FROM tcp ORDER BY slot") == Rows{{"8001"}, {"7777"}});
  // fdinfo with NULs and binary: the unparsable fields are NULL, no error.
  CHECK(f.faulty->query("SELECT quote(pos), quote(flags), quote(mnt_id) FROM fd WHERE pid = 100 "
                        "AND fd = 0") == Rows{{"NULL", "NULL", "NULL"}});
}
