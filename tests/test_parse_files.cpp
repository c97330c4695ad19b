// Parser unit tests for the lsof / lslocks / ss -0 -w formats: /proc/PID/maps
// and smaps, /proc/locks, /proc/net/packet and netlink, passwd and group
// files, /proc/PID/cgroup — on fixture text, odd names included (spaces,
// tabs, newlines, " (deleted)" inside a name), and the shapes that must be
// skipped whole.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "parse/cgroup.h"
#include "parse/locks.h"
#include "parse/maps.h"
#include "parse/packet.h"
#include "parse/passwd.h"

using namespace proctab;

TEST_CASE("maps: a file mapping, every field", "[maps]") {
  MapsRow row;
  REQUIRE(
      parse_maps_line("7f9f3162d000-7f9f31653000 r-xp 00026000 fe:00 332835                 "
                      "    /usr/lib/x86_64-linux-gnu/libc.so.6",
                      row));
  CHECK(row.start == 0x7f9f3162d000);
  CHECK(row.end == 0x7f9f31653000);
  CHECK(std::string(row.perms, 4) == "r-xp");
  CHECK(row.offset == 0x26000);
  CHECK(row.dev_major == 0xfe);
  CHECK(row.dev_minor == 0);
  CHECK(row.inode == 332835);
  CHECK(row.name == "/usr/lib/x86_64-linux-gnu/libc.so.6");
  CHECK_FALSE(row.deleted);
  CHECK(row.kind == MapKind::kFile);
}

TEST_CASE("maps: anonymous, pseudo names and shared memory kinds", "[maps]") {
  struct Case {
    const char* line;
    MapKind kind;
    const char* name;
    bool deleted;
  };
  const Case cases[] = {
      // anonymous: the line ends after the inode's space, or with no space
      {"7f9f3162a000-7f9f3162d000 rw-p 00000000 00:00 0 ", MapKind::kAnon, "", false},
      {"7f9f3162a000-7f9f3162d000 rw-p 00000000 00:00 0", MapKind::kAnon, "", false},
      {"5604cc67e000-5604cc69f000 rw-p 00000000 00:00 0                          [heap]",
       MapKind::kHeap, "[heap]", false},
      {"7ffcf096c000-7ffcf098d000 rw-p 00000000 00:00 0                          [stack]",
       MapKind::kStack, "[stack]", false},
      {"7ffcf096c000-7ffcf098d000 rw-p 00000000 00:00 0 [stack:1234]", MapKind::kStack,
       "[stack:1234]", false},
      {"7f9f31822000-7f9f31824000 r-xp 00000000 00:00 0                          [vdso]",
       MapKind::kVdso, "[vdso]", false},
      {"7f9f3181c000-7f9f31820000 r--p 00000000 00:00 0                          [vvar_vclock]",
       MapKind::kVvar, "[vvar_vclock]", false},
      {"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
       MapKind::kVsyscall, "[vsyscall]", false},
      {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 [anon:jemalloc pages]", MapKind::kAnonNamed,
       "[anon:jemalloc pages]", false},
      {"7f0000000000-7f0000001000 rw-s 00000000 00:01 5 /memfd:wayland-shm (deleted)",
       MapKind::kMemfd, "/memfd:wayland-shm", true},
      {"7f0000000000-7f0000001000 rw-s 00000000 00:01 32769 /SYSV0000002a (deleted)",
       MapKind::kSysvShm, "/SYSV0000002a", true},
      {"7f0000000000-7f0000001000 rw-s 00000000 00:01 1028 /dev/zero (deleted)",
       MapKind::kSharedAnon, "/dev/zero", true},
      // /dev/zero mapped privately is a device file, not shared memory
      {"7f0000000000-7f0000001000 rw-p 00000000 00:05 4 /dev/zero", MapKind::kFile, "/dev/zero",
       false},
      {"7f0000000000-7f0000001000 r--s 00000000 00:0c 9 anon_inode:[perf_event]", MapKind::kOther,
       "anon_inode:[perf_event]", false},
      {"7f0000000000-7f0000001000 rw-s 00000000 00:08 77 socket:[77]", MapKind::kOther,
       "socket:[77]", false},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    MapsRow row;
    REQUIRE(parse_maps_line(c.line, row));
    CHECK(row.kind == c.kind);
    CHECK(row.name == c.name);
    CHECK(row.deleted == c.deleted);
  }
  CHECK(std::string(map_kind_name(MapKind::kSharedAnon)) == "shared_anon");
  CHECK(std::string(map_kind_name(MapKind::kAnonNamed)) == "anon_named");
}

TEST_CASE("maps: odd names: spaces, tabs, escaped newlines, ' (deleted)' inside", "[maps]") {
  MapsRow row;
  // Padding is not part of the name; inner spaces and tabs are.
  REQUIRE(
      parse_maps_line("7f96ad1ba000-7f96ad1bb000 r--s 00000000 fe:00 11018732            "
                      "       /tmp/a  b\tc (deleted)",
                      row));
  CHECK(row.name == "/tmp/a  b\tc");
  CHECK(row.deleted);
  // " (deleted)" inside a name is part of it.
  REQUIRE(
      parse_maps_line("7f96ac6e2000-7f96ac6e3000 r--s 00000000 fe:00 11018735 "
                      "/tmp/x (deleted) y",
                      row));
  CHECK(row.name == "/tmp/x (deleted) y");
  CHECK_FALSE(row.deleted);
  // ... and a deleted file whose own name ends in " (deleted)" keeps one.
  REQUIRE(
      parse_maps_line("7f96ac6e2000-7f96ac6e3000 r--s 00000000 fe:00 5 "
                      "/tmp/x (deleted) (deleted)",
                      row));
  CHECK(row.name == "/tmp/x (deleted)");
  CHECK(row.deleted);
  // A newline is printed as \012, and decoded.
  REQUIRE(
      parse_maps_line("7f96ac6e4000-7f96ac6e5000 r--s 00000000 fe:00 11018733 "
                      "/tmp/nl\\012x",
                      row));
  CHECK(row.name == "/tmp/nl\\012x");
  CHECK(maps_name_escaped(row.name));
  CHECK(decode_maps_name(row.name) == "/tmp/nl\nx");
  CHECK(decode_maps_name("/a\\012\\012b\\01") == "/a\n\nb\\01");
  CHECK_FALSE(maps_name_escaped("/usr/lib/libc.so.6"));
  // The name " (deleted)" alone, at the root: a file named that.
  REQUIRE(parse_maps_line("1000-2000 r--p 00000000 fe:00 5 / (deleted)", row));
  CHECK(row.name == "/");
  CHECK(row.deleted);
  // Wide fields: 16-digit addresses and offsets, 3-digit majors, 64-bit inodes.
  REQUIRE(
      parse_maps_line("ffffffffff600000-ffffffffff601000 r--s ffffffffffff0000 103:1f "
                      "18446744073709551615 /x",
                      row));
  CHECK(row.start == 0xffffffffff600000ull);
  CHECK(row.offset == 0xffffffffffff0000ull);
  CHECK(row.dev_major == 0x103);
  CHECK(row.dev_minor == 0x1f);
  CHECK(row.inode == UINT64_MAX);
}

TEST_CASE("maps: malformed lines are skipped whole", "[maps]") {
  const char* bad[] = {
      "",
      "7f9f3162d000 r-xp 00026000 fe:00 332835 /x",           // no end address
      "7f9f3162d000-7f9f31653000 rwxq 00026000 fe:00 1 /x",   // bad perms
      "7f9f3162d000-7f9f31653000 r-x 00026000 fe:00 1 /x",    // short perms
      "7f9f3162d000-7f9f31653000 r-xp 0002600g fe:00 1 /x",   // bad offset
      "7f9f3162d000-7f9f31653000 r-xp 00026000 fe00 1 /x",    // bad device
      "7f9f3162d000-7f9f31653000 r-xp 00026000 fe:00 -1 /x",  // bad inode
      "7f9f31653000-7f9f3162d000 r-xp 00026000 fe:00 1 /x",   // end before start
      "7f9f3162d000-7f9f31653000  r-xp 00026000 fe:00 1 /x",  // two spaces
      "Rss:                   8 kB",                          // an smaps field line
      "VmFlags: rd mr mw me",
  };
  for (const char* line : bad) {
    INFO(line);
    MapsRow row;
    CHECK_FALSE(parse_maps_line(line, row));
  }
  MapsRow row;
  const char nul[] = "1000-2000 r--p 0 00:00 0 /a\0b";
  CHECK_FALSE(parse_maps_line(std::string_view(nul, sizeof nul - 1), row));
}

TEST_CASE("maps: a whole file streams into rows pointing into the text", "[maps]") {
  const std::string text =
      "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
      "garbage\n"
      "00e03000-00e24000 rw-p 00000000 00:00 0           [heap]\n"
      "7fff0000-7fff1000 rw-p 00000000 00:00 0";  // last line without '\n'
  std::vector<MapsRow> rows;
  auto stats = parse_maps_table(text, rows);
  REQUIRE(rows.size() == 3);
  CHECK(stats.skipped == 1);
  CHECK(rows[0].name == "/usr/bin/dbus-daemon");
  CHECK(rows[0].dev_major == 8);
  CHECK(rows[0].dev_minor == 2);
  CHECK(rows[1].kind == MapKind::kHeap);
  CHECK(rows[2].kind == MapKind::kAnon);
}

TEST_CASE("smaps: figures per mapping, in bytes", "[maps]") {
  const std::string text =
      "562e065a1000-562e065a3000 r--p 00000000 fe:00 247498                     /usr/bin/head\n"
      "Size:                  8 kB\n"
      "KernelPageSize:        4 kB\n"
      "Rss:                   8 kB\n"
      "Pss:                   4 kB\n"
      "SwapPss:               9 kB\n"
      "Swap:                  0 kB\n"
      "THPeligible:    0\n"
      "VmFlags: rd mr mw me \n"
      "7ffcf096c000-7ffcf098d000 rw-p 00000000 00:00 0                          [stack]\n"
      "Rss:                 12 kB\n"
      "Pss:               junk kB\n";
  auto figures = parse_smaps(text);
  REQUIRE(figures.size() == 2);
  CHECK(figures[0].start == 0x562e065a1000);
  CHECK(figures[0].rss == 8192);
  CHECK(figures[0].pss == 4096);
  CHECK(figures[0].swap == 0);
  CHECK(figures[1].rss == 12288);
  CHECK(figures[1].pss == -1);
  CHECK(figures[1].swap == -1);
  CHECK(parse_smaps("Rss: 8 kB\n").empty());  // a field before any mapping
}

TEST_CASE("locks: every type, held and waiting, ranges and EOF", "[locks]") {
  const std::string text =
      "1: POSIX  ADVISORY  WRITE 10781 fe:00:404740 0 EOF\n"
      "1: -> POSIX  ADVISORY  WRITE 10999 fe:00:404740 0 EOF\n"
      "1:  -> POSIX  ADVISORY  READ 11000 fe:00:404740 0 99\n"
      "1: -> FLOCK  ADVISORY  WRITE 11001 fe:00:404740 0 EOF\n"
      "2: FLOCK  ADVISORY  READ 10901 fe:00:409352 0 EOF\n"
      "3: OFDLCK ADVISORY  WRITE -1 103:1f:18446744073709551615 100 199\n"
      "4: LEASE  BREAKING  UNLCK 800 00:2d:17 0 EOF\n"
      "5: DELEG  ACTIVE    READ 0 00:2d:18 0 EOF\n"
      "6: POSIX  *NOINODE* WRITE 77 <none>:0 0 EOF\n"
      "7: FLOCK  MSNFS     RW 12 fe:00:1 0 EOF\n"
      "garbage\n"
      "8: -> POSIX  ADVISORY  WRITE 42 fe:00:9 0 EOF\n";  // a waiter whose lock was not read
  std::vector<LockRow> rows;
  auto stats = parse_locks_table(text, rows);
  REQUIRE(rows.size() == 11);
  CHECK(stats.skipped == 1);
  const LockRow& held = rows[0];
  CHECK(held.id == 1);
  CHECK(held.depth == 0);
  CHECK(held.type.view() == "POSIX");
  CHECK(held.detail.view() == "ADVISORY");
  CHECK(held.mode.view() == "WRITE");
  CHECK(held.pid == 10781);
  CHECK(held.has_inode);
  CHECK(held.dev_major == 0xfe);
  CHECK(held.dev_minor == 0);
  CHECK(held.inode == 404740);
  CHECK(held.start == 0);
  CHECK_FALSE(held.end.has_value());
  CHECK_FALSE(held.blocker_pid.has_value());
  // Waiters: blocked on the holder; a chained one on the waiter above it.
  CHECK(rows[1].depth == 1);
  CHECK(rows[1].blocker_pid == 10781);
  CHECK(rows[2].depth == 2);
  CHECK(rows[2].blocker_pid == 10999);
  CHECK(rows[2].end == 99);
  CHECK(rows[3].depth == 1);
  CHECK(rows[3].type.view() == "FLOCK");
  CHECK(rows[3].blocker_pid == 10781);
  CHECK(rows[5].type.view() == "OFDLCK");
  CHECK(rows[5].pid == -1);
  CHECK(rows[5].dev_major == 0x103);
  CHECK(rows[5].dev_minor == 0x1f);
  CHECK(rows[5].inode == UINT64_MAX);
  CHECK(rows[5].start == 100);
  CHECK(rows[5].end == 199);
  CHECK(rows[6].type.view() == "LEASE");
  CHECK(rows[6].detail.view() == "BREAKING");
  CHECK(rows[6].mode.view() == "UNLCK");
  CHECK(rows[7].type.view() == "DELEG");
  CHECK_FALSE(rows[8].has_inode);
  CHECK(rows[8].detail.view() == "*NOINODE*");
  CHECK(rows[9].mode.view() == "RW");
  CHECK(rows[10].depth == 1);
  CHECK_FALSE(rows[10].blocker_pid.has_value());
}

TEST_CASE("locks: malformed lines are skipped whole", "[locks]") {
  const char* bad[] = {
      "",
      "POSIX  ADVISORY  WRITE 1 fe:00:1 0 EOF",           // no id
      "1:POSIX  ADVISORY  WRITE 1 fe:00:1 0 EOF",         // no space after the id
      "-1: POSIX  ADVISORY  WRITE 1 fe:00:1 0 EOF",       // negative id
      "1: POSIX  ADVISORY  WRITE 1 fe:00 0 EOF",          // no inode
      "1: POSIX  ADVISORY  WRITE 1 fe:00:x 0 EOF",        // bad inode
      "1: POSIX  ADVISORY  WRITE one fe:00:1 0 EOF",      // bad pid
      "1: POSIX  ADVISORY  WRITE 1 fe:00:1 0",            // no end
      "1: POSIX  ADVISORY  WRITE 1 fe:00:1 0 EOF extra",  // a field too many
      "1: POSIX  ADVISORY  WRITE 1 fe:00:1 x EOF",        // bad start
      "1: POSIX  ADVISORY  WRITE 1 fe:00:1 0 eof",        // bad end
      "1: posix  ADVISORY  WRITE 1 fe:00:1 0 EOF",        // not a kernel word
      "1: ->POSIX  ADVISORY  WRITE 1 fe:00:1 0 EOF",      // no space after ->
      "1: VERYLONGTYPENAME ADVISORY WRITE 1 fe:00:1 0 EOF",
  };
  for (const char* line : bad) {
    INFO(line);
    LockRow row;
    CHECK_FALSE(parse_locks_line(line, row));
  }
}

TEST_CASE("packet: sniffers and cooked sockets", "[packet]") {
  const std::string text =
      "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
      "ffff8880058e8800 3      3    0003   0     1 0      0      2195813\n"
      "0000000000000000 3      2    88cc   2     0 4096   104    77\n"
      "0000000000000000 3      3    0003   0     2 0      0      78\n"      // R is 0 or 1
      "0000000000000000 3      3    10003  0     1 0      0      79\n"      // proto > 16 bits
      "0000000000000000 3      3    0003   0     1 0      0\n"              // no inode
      "0000000000000000 3      3    0800   7     1 0      0      80 99\n";  // future field
  std::vector<PacketRow> rows;
  auto stats = parse_packet_table(text, rows);
  REQUIRE(rows.size() == 3);
  CHECK(stats.skipped == 3);
  CHECK(rows[0].pointer.view() == "ffff8880058e8800");
  CHECK(rows[0].refcount == 3);
  CHECK(rows[0].type == 3);
  CHECK(rows[0].protocol == 3);
  CHECK(rows[0].ifindex == 0);
  CHECK(rows[0].running);
  CHECK(rows[0].inode == 2195813);
  CHECK(rows[1].type == 2);
  CHECK(rows[1].protocol == 0x88cc);
  CHECK(rows[1].ifindex == 2);
  CHECK_FALSE(rows[1].running);
  CHECK(rows[1].rmem == 4096);
  CHECK(rows[1].uid == 104);
  CHECK(rows[2].protocol == 0x0800);
  CHECK(std::string(ethertype_name(3)) == "ALL");
  CHECK(std::string(ethertype_name(0x86dd)) == "IPv6");
  CHECK(ethertype_name(0x1234) == nullptr);
  CHECK(std::string(packet_type_name(3)) == "raw");
  CHECK(packet_type_name(1) == nullptr);
}

TEST_CASE("netlink: kernel and process sockets", "[packet]") {
  const std::string text =
      "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
      "00000000bf602d19 0   0          00000000 0        0        0     2        0        4\n"
      "000000001bd75e4b 9   4242       00000001 4352     0        1     2        7        560\n"
      "000000001bd75e4b 9   4242       000000001 0       0        0     2        0        561\n";
  std::vector<NetlinkRow> rows;
  parse_netlink_table(text, rows);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].protocol == 0);
  CHECK(rows[0].portid == 0);
  CHECK(rows[0].inode == 4);
  CHECK(rows[1].protocol == 9);
  CHECK(rows[1].portid == 4242);
  CHECK(rows[1].groups == 1);
  CHECK(rows[1].rmem == 4352);
  CHECK(rows[1].dump == 1);
  CHECK(rows[1].drops == 7);
  CHECK(std::string(netlink_protocol_name(9)) == "audit");
  CHECK(std::string(netlink_protocol_name(4)) == "sock_diag");
  CHECK(netlink_protocol_name(17) == nullptr);
  CHECK(netlink_protocol_name(-1) == nullptr);
  CHECK(netlink_protocol_name(99) == nullptr);
}

TEST_CASE("passwd: accounts, and the lines that are not", "[accounts]") {
  const std::string text =
      std::string(
          "root:x:0:0:root:/root:/bin/bash\n"
          "# a comment\n"
          "\n"
          "alice:x:1000:1000:Alice Liddell,Room 1,,:/home/alice smith:/bin/zsh\r\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
          "empty::4294967295:0:::\n"
          "+@netgroup::::::\n"
          "-bob:::::: \n"
          "toolong:x:4294967296:0::/:/bin/sh\n"
          "neg:x:-1:0::/:/bin/sh\n"
          "short:x:1:1:/:/bin/sh\n"
          "many:x:1:1::/:/bin/sh:extra\n"
          ":x:1:1::/:/bin/sh\n") +
      std::string("nul:x:1:1::/\0:/bin/sh\n", 22);
  std::vector<PasswdEntry> rows;
  auto stats = parse_passwd_file(std::string_view(text.data(), text.size()), rows);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].name == "root");
  CHECK(rows[0].uid == 0);
  CHECK(rows[0].shell == "/bin/bash");
  CHECK(rows[1].name == "alice");
  CHECK(rows[1].uid == 1000);
  CHECK(rows[1].gecos == "Alice Liddell,Room 1,,");
  CHECK(rows[1].directory == "/home/alice smith");
  CHECK(rows[1].shell == "/bin/zsh");  // the CR of a CRLF file is not part of it
  CHECK(rows[2].uid == 65534);
  CHECK(rows[3].name == "empty");
  CHECK(rows[3].uid == 4294967295u);
  CHECK(rows[3].gecos.empty());
  CHECK(rows[3].shell.empty());
  CHECK(stats.skipped == 9);  // comment, NIS entries and malformed lines
}

TEST_CASE("group: members lists", "[accounts]") {
  const std::string text =
      "root:x:0:\n"
      "sudo:x:27:alice,bob\n"
      "weird group:x:4000:a b,c\n"
      "bad:x:abc:\n"
      "short:x:1\n";
  std::vector<GroupEntry> rows;
  parse_group_file(text, rows);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].name == "root");
  CHECK(rows[0].gid == 0);
  CHECK(rows[0].members.empty());
  CHECK(rows[1].members == "alice,bob");
  CHECK(rows[2].name == "weird group");
}

TEST_CASE("cgroup: v2, v1, hybrid, and the path chosen", "[cgroup]") {
  CgroupEntry e;
  REQUIRE(parse_cgroup_line("0::/system.slice/ssh.service", e));
  CHECK(e.hierarchy == 0);
  CHECK(e.controllers.empty());
  CHECK(e.path == "/system.slice/ssh.service");
  REQUIRE(parse_cgroup_line("2:cpu,cpuacct:/a:b c", e));
  CHECK(e.controllers == "cpu,cpuacct");
  CHECK(e.path == "/a:b c");  // the rest of the line, colons and spaces included
  CHECK_FALSE(parse_cgroup_line("x::/", e));
  CHECK_FALSE(parse_cgroup_line("0:/", e));
  CHECK_FALSE(parse_cgroup_line("0::relative", e));
  CHECK_FALSE(parse_cgroup_line("", e));

  CHECK(process_cgroup_path("0::/user.slice/user-1000.slice/session-2.scope\n") ==
        "/user.slice/user-1000.slice/session-2.scope");
  // Hybrid, as in a sandbox: v2 says "/" for everyone, a controller knows better.
  CHECK(process_cgroup_path("9:name=systemd:/\n4:memory:/process_api/0f9c\n3:cpuset:/\n0::/\n") ==
        "/process_api/0f9c");
  CHECK(process_cgroup_path("9:name=systemd:/docker/abc\n4:memory:/docker/abc\n0::/\n") ==
        "/docker/abc");
  CHECK(process_cgroup_path("9:name=systemd:/init.scope\n0::/init.scope\n") == "/init.scope");
  CHECK(process_cgroup_path("0::/\n") == "/");
  CHECK_FALSE(process_cgroup_path("garbage\n").has_value());
  CHECK_FALSE(process_cgroup_path("").has_value());
}
