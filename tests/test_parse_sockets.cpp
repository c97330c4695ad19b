// Parser unit tests for /proc/net/udp(6) and /proc/net/unix on fixture text,
// including the shapes that must be skipped (malformed, NUL-filled, torn).
#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "parse/udp.h"
#include "parse/unix.h"

using namespace proctab;
using namespace proctab::text;

namespace {

const char* kUdpHeader =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode ref pointer drops\n";

}  // namespace

TEST_CASE("udp: an unconnected IPv4 socket", "[udp]") {
  UdpRow row;
  REQUIRE(
      parse_udp_line("  348: 0100007F:14E9 00000000:0000 07 00000000:00000A00 00:00000000 "
                     "00000000   104        0 17366 2 ffff8880aa55cc00 3",
                     4, row));
  CHECK(row.family == 4);
  CHECK(row.slot == 348);
  CHECK(row.local_port == 5353);
  uint8_t loopback[4] = {127, 0, 0, 1};
  CHECK(std::memcmp(row.local_addr, loopback, 4) == 0);
  CHECK(row.remote_port == 0);
  CHECK(row.st == 7);
  CHECK(row.tx_queue == 0);
  CHECK(row.rx_queue == 0xA00);
  CHECK(row.uid == 104);
  CHECK(row.inode == 17366);
  CHECK(row.refcount == 2);
  CHECK(std::string(row.pointer.view()) == "ffff8880aa55cc00");
  CHECK(row.drops == 3);
}

TEST_CASE("udp6: a connected socket and a whole table", "[udp]") {
  std::string text = std::string(kUdpHeader) +
                     "  259: 00000000000000000000000001000000:A1B2 "
                     "00000000000000000000000001000000:0035 01 00000000:00000000 00:00000000 "
                     "00000000     0        0 4242 2 0000000000000000 0\n" +
                     // the same bucket again: sl repeats in UDP
                     "  259: 00000000000000000000000000000000:14E9 "
                     "00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 "
                     "00000000     0        0 4243 2 0000000000000000 4294967295\n" +
                     // 12 tokens: a TCP request-sock shape, not UDP
                     "  260: 00000000000000000000000000000000:14E9 "
                     "00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 "
                     "00000000     0        0 4244 2 0000000000000000\n" +
                     // drops out of range
                     "  261: 00000000000000000000000000000000:14E9 "
                     "00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 "
                     "00000000     0        0 4245 2 0000000000000000 4294967296\n" +
                     // a v4-length address in the v6 file
                     "  262: 0100007F:14E9 00000000:0000 07 00000000:00000000 00:00000000 "
                     "00000000     0        0 4246 2 0000000000000000 0\n" +
                     "\n";
  std::vector<UdpRow> rows;
  text::ParseStats stats = parse_udp_table(text, 6, rows);
  REQUIRE(rows.size() == 2);
  CHECK(stats.rows == 2);
  CHECK(stats.skipped == 3);
  CHECK(rows[0].slot == 259);
  CHECK(rows[1].slot == 259);
  CHECK(rows[0].st == 1);
  CHECK(rows[0].local_port == 0xA1B2);
  CHECK(rows[0].remote_port == 53);
  char text6[INET6_ADDRSTRLEN];
  REQUIRE(inet_ntop(AF_INET6, rows[0].remote_addr, text6, sizeof text6));
  CHECK(std::string(text6) == "::1");
  CHECK(rows[1].drops == 4294967295u);
}

TEST_CASE("udp: future fields appended still parse; garbage does not", "[udp]") {
  UdpRow row;
  CHECK(
      parse_udp_line("   1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 "
                     "00000000     0        0 99 2 0000000000000000 0 17 extra",
                     4, row));
  CHECK(row.inode == 99);
  CHECK_FALSE(parse_udp_line("", 4, row));
  CHECK_FALSE(parse_udp_line(std::string(200, '\0'), 4, row));
  CHECK_FALSE(parse_udp_line(kUdpHeader, 4, row));
  CHECK_FALSE(
      parse_udp_line("   1: 0100007F:0035 00000000:0000 07 00000000:00000000 "
                     "00:00000000 00000000     0        0 99 2 0000000000000000 -1",
                     4, row));
}

TEST_CASE("unix: named, unnamed, listening, abstract", "[unix]") {
  std::string text =
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
      "0000000000000000: 00000002 00000000 00010000 0001 01 17365 /run/dbus/system_bus_socket\n"
      "ffff88810a2b3c00: 00000003 00000000 00000000 0001 03 19925\n"
      "0000000000000000: 00000002 00000000 00010000 0005 01   123 @/tmp/.X11-unix/X0\n"
      "0000000000000000: 00000002 00000000 00000000 0002 01 4000000000 /tmp/a b  c.sock\n"
      "0000000000000000: 00000002 00000000 00000000 0002 01 55 @name@with@nuls\n";
  std::vector<UnixRow> rows;
  text::ParseStats stats = parse_unix_table(text, rows);
  CHECK(stats.skipped == 0);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].flags == kUnixAcceptCon);
  CHECK(rows[0].type == 1);
  CHECK(rows[0].st == 1);
  CHECK(rows[0].inode == 17365);
  CHECK(rows[0].has_path);
  CHECK_FALSE(rows[0].abstract);
  CHECK(rows[0].path == "/run/dbus/system_bus_socket");
  CHECK(std::string(rows[1].pointer.view()) == "ffff88810a2b3c00");
  CHECK(rows[1].refcount == 3);
  CHECK(rows[1].st == 3);
  CHECK_FALSE(rows[1].has_path);
  CHECK(rows[2].type == 5);
  CHECK(rows[2].inode == 123);  // %5lu pads with blanks
  CHECK(rows[2].abstract);
  CHECK(rows[2].path == "@/tmp/.X11-unix/X0");
  CHECK(rows[3].inode == 4000000000u);
  CHECK(rows[3].path == "/tmp/a b  c.sock");  // spaces kept, doubled ones too
  CHECK(rows[4].path == "@name@with@nuls");
  CHECK(std::string(unix_type_name(5)) == "seqpacket");
  CHECK(unix_type_name(9) == nullptr);
  CHECK(std::string(unix_state_name(4)) == "DISCONNECTING");
  CHECK(unix_state_name(0) == nullptr);
}

TEST_CASE("unix: malformed, NUL-filled and torn lines are skipped, never half-parsed", "[unix]") {
  const std::string good = "0000000000000000: 00000002 00000000 00000000 0001 01 777 /tmp/ok\n";
  std::string text = "Num       RefCount Protocol Flags    Type St Inode Path\n" + good +
                     std::string(300, '\0') + "\n" +            // a NUL-filled line (psutil #766)
                     "0000000000000000: 00000002 00000000\n" +  // torn
                     "0000000000000000: 0000000G 00000000 00000000 0001 01 5\n" +   // bad hex
                     "0000000000000000: 00000002 00000000 00000000 001 01 5\n" +    // short field
                     "0000000000000000: 00000002 00000000 00000000 0001 01 5 \n" +  // empty path
                     "0000000000000000: 00000002 00000000 00000000 0001 01 \n" +    // no inode
                     "0000000000000000 00000002 00000000 00000000 0001 01 5\n" +    // no colon
                     "00000000000000000: 00000002 00000000 00000000 0001 01 5\n" +  // 17 digits
                     "a path\nwith a newline\n" + good;
  // A NUL inside a path: built explicitly (a literal would stop at it).
  std::string nul_line = "0000000000000000: 00000002 00000000 00000000 0001 01 778 /tmp/n";
  nul_line += '\0';
  nul_line += "ul\n";
  text += nul_line;
  std::vector<UnixRow> rows;
  text::ParseStats stats = parse_unix_table(text, rows);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].path == "/tmp/ok");
  CHECK(rows[1].path == "/tmp/ok");
  CHECK(stats.skipped == 11);
  UnixRow row;
  CHECK_FALSE(parse_unix_line(nul_line.substr(0, nul_line.size() - 1), row));
  CHECK_FALSE(parse_unix_line("", row));
  CHECK_FALSE(parse_unix_line(":", row));
  CHECK_FALSE(parse_unix_line(": 00000002 00000000 00000000 0001 01 5", row));
}
