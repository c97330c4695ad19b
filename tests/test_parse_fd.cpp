// Parser unit tests for fd link targets and fdinfo text.
#include <fcntl.h>

#include <catch2/catch.hpp>
#include <string>

#include "parse/fd.h"

using namespace proctab;

TEST_CASE("fd targets are classified with their inode", "[parser][fd]") {
  FdTarget t = classify_fd_target("socket:[12345]");
  CHECK(t.type == FdType::kSocket);
  CHECK(t.has_inode);
  CHECK(t.inode == 12345);

  t = classify_fd_target("pipe:[18446744073709551615]");
  CHECK(t.type == FdType::kPipe);
  CHECK(t.inode == UINT64_MAX);

  t = classify_fd_target("anon_inode:[eventfd]");
  CHECK(t.type == FdType::kAnonInode);
  CHECK_FALSE(t.has_inode);
  CHECK(classify_fd_target("anon_inode:inotify").type == FdType::kAnonInode);

  t = classify_fd_target("/var/log/syslog");
  CHECK(t.type == FdType::kFile);
  CHECK_FALSE(t.deleted);
  CHECK(t.path == "/var/log/syslog");

  t = classify_fd_target("/tmp/a file (deleted)");
  CHECK(t.type == FdType::kFile);
  CHECK(t.deleted);
  CHECK(t.path == "/tmp/a file");

  t = classify_fd_target("/memfd:wayland-shm (deleted)");
  CHECK(t.type == FdType::kFile);
  CHECK(t.deleted);
  CHECK(t.path == "/memfd:wayland-shm");

  CHECK(classify_fd_target("net:[4026531840]").type == FdType::kOther);
  CHECK_FALSE(classify_fd_target("net:[4026531840]").has_inode);
  CHECK(std::string(fd_type_name(FdType::kOther)) == "other");
}

TEST_CASE("odd fd targets never become sockets by accident", "[parser][fd]") {
  CHECK(classify_fd_target("").type == FdType::kOther);
  CHECK(classify_fd_target("socket:[]").type == FdType::kOther);
  CHECK(classify_fd_target("socket:[12a]").type == FdType::kOther);
  CHECK(classify_fd_target("socket:[123").type == FdType::kOther);
  CHECK(classify_fd_target("socket:123").type == FdType::kOther);
  CHECK(classify_fd_target("socket:[99999999999999999999]").type == FdType::kOther);
  CHECK(classify_fd_target("xsocket:[1]").type == FdType::kOther);
  CHECK(classify_fd_target(std::string("socket:[1\0]", 11)).type == FdType::kOther);
  // " (deleted)" alone after "/" still leaves a path.
  FdTarget t = classify_fd_target("/ (deleted)");
  CHECK(t.deleted);
  CHECK(t.path == "/");
}

TEST_CASE("fdinfo: pos, octal flags, mnt_id, ino; junk ignored", "[parser][fd]") {
  FdInfo info = parse_fdinfo("pos:\t4096\nflags:\t0100002\nmnt_id:\t25\nino:\t1234\n"
                             "lock:\t1: POSIX  ADVISORY  WRITE 123 00:1a:1234 0 EOF\n");
  REQUIRE(info.pos);
  CHECK(*info.pos == 4096);
  REQUIRE(info.flags);
  CHECK(*info.flags == 0100002u);
  CHECK((*info.flags & O_ACCMODE) == O_RDWR);
  CHECK(std::string(fd_access_mode(*info.flags)) == "read/write");
  CHECK(*info.mnt_id == 25);
  CHECK(*info.ino == 1234);

  info = parse_fdinfo("pos:\tabc\nflags:\t089\nmnt_id:\n");
  CHECK_FALSE(info.pos);
  CHECK_FALSE(info.flags);
  CHECK_FALSE(info.mnt_id);
  CHECK_FALSE(parse_fdinfo("").pos);
  CHECK(std::string(fd_access_mode(O_WRONLY)) == "write");
  CHECK(std::string(fd_access_mode(O_RDONLY)) == "read");
  CHECK(fd_access_mode(3) == nullptr);
}
