// Parser unit tests for /proc/net/tcp and tcp6 text (no I/O, no SQLite).
#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <string>

#include "parse/tcp.h"

using namespace proctab;
using namespace proctab::text;

namespace {

std::string ntop(int family, const uint8_t* bytes) {
  char text[INET6_ADDRSTRLEN];
  REQUIRE(inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text));
  return text;
}

const char* kHeader4 =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode                                                     \n";

// A full LISTEN socket, as the kernel prints it (padded to 149 bytes).
const char* kListen4 =
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000080 00:00000000 00000000  1000        0 "
    "12345 1 ffff8881234a0000 100 0 0 10 0                     ";

}  // namespace

TEST_CASE("full IPv4 socket: every field", "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line(
      "   1: 0100007F:1F90 0200007F:C350 01 00000010:00000020 01:00000014 00000002  1000        3 "
      "12346 3 ffff888100aa0000 20 4 31 10 7",
      4, r));
  CHECK(r.kind == TcpKind::kSocket);
  CHECK(r.family == 4);
  CHECK(r.slot == 1);
  CHECK(ntop(4, r.local_addr) == "127.0.0.1");
  CHECK(r.local_port == 8080);
  CHECK(ntop(4, r.remote_addr) == "127.0.0.2");
  CHECK(r.remote_port == 50000);
  CHECK(r.st == 1);
  CHECK(r.tx_queue == 16);
  CHECK(r.rx_queue == 32);
  CHECK(r.timer == 1);
  CHECK(r.timer_ticks == 20);
  CHECK(r.retransmits == 2);
  CHECK(r.uid == 1000);
  CHECK(r.probes == 3);
  CHECK(r.inode == 12346);
  CHECK(r.refcount == 3);
  CHECK(std::string(r.pointer.view()) == "ffff888100aa0000");
  CHECK(r.rto_ticks == 20);
  CHECK(r.ato_ticks == 4);
  CHECK(r.quick == 15);  // 31 = (15 << 1) | 1
  CHECK(r.pingpong);
  CHECK(r.snd_cwnd == 10);
  CHECK(r.ssthresh == 7);
}

TEST_CASE("LISTEN line with kernel padding and the seed article's lines", "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line(kListen4, 4, r));
  CHECK(r.st == 10);
  CHECK(r.rx_queue == 128);
  CHECK(r.ssthresh == 0);

  // From the seed article: a TIME_WAIT row and an ESTABLISHED row.
  REQUIRE(parse_tcp_line("  1: D3F35D48:0050 36CB79C8:D94F 06 00000000:00000000 03:00000B71 "
                         "00000000     0        0 0 3 ffff8809d09b81c0",
                         4, r));
  CHECK(r.kind == TcpKind::kTimewait);
  CHECK(r.st == 6);
  CHECK(ntop(4, r.local_addr) == "72.93.243.211");
  CHECK(r.local_port == 80);
  CHECK(ntop(4, r.remote_addr) == "200.121.203.54");
  CHECK(r.timer == 3);
  CHECK(r.timer_ticks == 0xB71);
  CHECK(r.inode == 0);
  REQUIRE(parse_tcp_line("  2: D3F35D48:0050 F8C5E6C9:6C14 01 00000000:00000000 00:00000000 "
                         "00000000     0        0 265916098 1 ffff880ed4353000 66 4 7 12 -1",
                         4, r));
  CHECK(r.kind == TcpKind::kSocket);
  CHECK(r.inode == 265916098);
  CHECK(r.ssthresh == -1);
  CHECK(r.snd_cwnd == 12);
}

TEST_CASE("request sock (SYN_RECV) and FIN_WAIT2 timewait rows have 12 fields",
          "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line("   3: 0100007F:1F90 0100007F:C352 03 00000000:00000000 01:00000064 "
                         "00000001  1000        0 0 0 0000000000000000",
                         4, r));
  CHECK(r.kind == TcpKind::kRequest);
  CHECK(r.st == 3);
  CHECK(r.uid == 1000);
  CHECK(r.retransmits == 1);
  CHECK(r.inode == 0);

  REQUIRE(parse_tcp_line("   4: 0100007F:C353 0100007F:1F90 05 00000000:00000000 03:00000BB8 "
                         "00000000     0        0 0 3 0000000000000000",
                         4, r));
  CHECK(r.kind == TcpKind::kTimewait);
  CHECK(r.st == 5);

  // A 12-field line in a state no short printer emits is malformed.
  CHECK_FALSE(parse_tcp_line("   4: 0100007F:C353 0100007F:1F90 01 00000000:00000000 03:00000BB8 "
                             "00000000     0        0 0 3 0000000000000000",
                             4, r));
}

TEST_CASE("IPv6: loopback, any, v4-mapped, and a full address", "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line(
      "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000  1000        0 22345 1 0000000000000000 100 0 0 10 0",
      6, r));
  CHECK(r.family == 6);
  CHECK(ntop(6, r.local_addr) == "::1");
  CHECK(ntop(6, r.remote_addr) == "::");
  CHECK(r.local_port == 8080);

  REQUIRE(parse_tcp_line(
      "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000200007F:D431 01 "
      "00000000:00000000 00:00000000 00000000     0        0 22346 1 0000000000000000 20 4 30 "
      "10 -1",
      6, r));
  CHECK(ntop(6, r.local_addr) == "::ffff:127.0.0.1");
  CHECK(ntop(6, r.remote_addr) == "::ffff:127.0.0.2");
  CHECK(r.remote_port == 0xD431);

  // 2001:db8::1:2 → words 2001:0db8, 0, 0, 0001:0002, each printed host-order.
  REQUIRE(parse_tcp_line(
      "   2: B80D0120000000000000000002000100:0016 B80D0120000000000000000003000100:D000 01 "
      "00000000:00000000 00:00000000 00000000     0        0 22347 1 0000000000000000 20 4 30 "
      "10 -1",
      6, r));
  CHECK(ntop(6, r.local_addr) == "2001:db8::1:2");
  CHECK(ntop(6, r.remote_addr) == "2001:db8::1:3");

  // An IPv4-width address in the tcp6 file (or the reverse) is malformed.
  CHECK_FALSE(parse_tcp_line(kListen4, 6, r));
}

TEST_CASE("widened columns, big values and 64-bit inodes", "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line("123456: 0100007F:FFFF 0100007F:0001 01 FFFFFFFF:FFFFFFFF 02:"
                         "FFFFFFFFFFFFFFFF FFFFFFFF 4294967294 -2147483648 18446744073709551615 "
                         "2147483647 0000000000000000 4294967295 4294967295 511 4294967295 "
                         "2147483647",
                         4, r));
  CHECK(r.slot == 123456);
  CHECK(r.local_port == 65535);
  CHECK(r.tx_queue == 0xFFFFFFFFull);
  CHECK(r.timer_ticks == UINT64_MAX);
  CHECK(r.retransmits == 0xFFFFFFFFu);
  CHECK(r.uid == 4294967294u);
  CHECK(r.probes == INT32_MIN);
  CHECK(r.inode == UINT64_MAX);
  CHECK(r.quick == 255);
  CHECK(r.pingpong);
  CHECK(r.snd_cwnd == 4294967295u);

  REQUIRE(parse_tcp_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                         "00000000     0        0 12884901888 1 0 100 0 0 10 0",
                         4, r));
  CHECK(r.inode == 12884901888ull);  // beyond 32 bits
}

TEST_CASE("unknown states parse; names map both ways", "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line("   0: 0100007F:1F90 00000000:0000 2A 00000000:00000000 00:00000000 "
                         "00000000     0        0 1 1 0 100 0 0 10 0",
                         4, r));
  CHECK(r.st == 42);
  CHECK(tcp_state_name(42) == nullptr);
  CHECK(std::string(tcp_state_name(10)) == "LISTEN");
  CHECK(std::string(tcp_state_name(12)) == "NEW_SYN_RECV");
  CHECK(std::string(tcp_state_name(13)) == "BOUND_INACTIVE");
  CHECK(tcp_state_name(0) == nullptr);
  CHECK(tcp_state_number("CLOSE_WAIT") == 8);
  CHECK(tcp_state_number("close_wait") == 0);
  CHECK(std::string(tcp_timer_name(4)) == "probe");
  CHECK(tcp_timer_name(5) == nullptr);
}

TEST_CASE("a future kernel's extra fields are ignored, not fatal", "[parser][tcp]") {
  TcpRow r;
  REQUIRE(parse_tcp_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                         "00000000     0        0 77 1 0 100 0 0 10 0 99 98",
                         4, r));
  CHECK(r.inode == 77);
}

TEST_CASE("malformed lines are skipped whole", "[parser][tcp]") {
  TcpRow r;
  const std::string good =
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
      "77 1 0 100 0 0 10 0";
  REQUIRE(parse_tcp_line(good, 4, r));
  CHECK_FALSE(parse_tcp_line("", 4, r));
  CHECK_FALSE(parse_tcp_line("   ", 4, r));
  CHECK_FALSE(parse_tcp_line(kHeader4, 4, r));
  CHECK_FALSE(parse_tcp_line(good.substr(0, 60), 4, r));             // truncated
  CHECK_FALSE(parse_tcp_line(good + " 1 2 3 4 5 6 7 8", 4, r));      // too many fields
  std::string bad = good;
  bad[8] = 'G';  // non-hex in the address
  CHECK_FALSE(parse_tcp_line(bad, 4, r));
  bad = good;
  bad[6] = '\0';  // a NUL inside the address
  CHECK_FALSE(parse_tcp_line(bad, 4, r));
  CHECK_FALSE(parse_tcp_line(std::string(1 << 20, 'A'), 4, r));     // overlong
  // 14 fields: neither a short nor a full row.
  CHECK_FALSE(parse_tcp_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                             "00000000     0        0 77 1 0 100 0",
                             4, r));
  // Values out of their field's range.
  CHECK_FALSE(parse_tcp_line("   0: 0100007F:11F90 00000000:0000 0A 00000000:00000000 "
                             "00:00000000 00000000     0        0 77 1 0 100 0 0 10 0",
                             4, r));  // port of 5 hex digits
  CHECK_FALSE(parse_tcp_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
                             "00:00000000 00000000     0        0 18446744073709551616 1 0 100 0 "
                             "0 10 0",
                             4, r));  // inode beyond 64 bits
  CHECK_FALSE(parse_tcp_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
                             "00:00000000 00000000     -1        0 77 1 0 100 0 0 10 0",
                             4, r));  // negative uid
  CHECK_FALSE(parse_tcp_line("   0 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
                             "00:00000000 00000000     0        0 77 1 0 100 0 0 10 0",
                             4, r));  // sl without its colon
}

TEST_CASE("parse_tcp_table: header, good rows, counted garbage", "[parser][tcp]") {
  std::string text = std::string(kHeader4) + kListen4 + "\n" + "garbage line\n" + "\n" +
                     std::string("\0\0\0\0", 4) + "\n" +
                     "   1: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00001770 "
                     "00000000     0        0 0 3 0000000000000000\n";
  std::vector<TcpRow> rows;
  text::ParseStats stats = parse_tcp_table(text, 4, rows);
  CHECK(stats.rows == 2);
  CHECK(stats.skipped == 2);  // the garbage line and the NUL line; blank lines are not counted
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].inode == 12345);
  CHECK(rows[1].kind == TcpKind::kTimewait);

  rows.clear();
  stats = parse_tcp_table(kHeader4, 4, rows);  // header only
  CHECK(stats.rows == 0);
  CHECK(stats.skipped == 0);
  stats = parse_tcp_table("", 4, rows);
  CHECK(stats.rows == 0);
  // No trailing newline on the last row.
  stats = parse_tcp_table(std::string(kHeader4) + kListen4, 4, rows);
  CHECK(stats.rows == 1);
}

TEST_CASE("number scanners reject what they must", "[parser][tcp]") {
  uint64_t u;
  int64_t i;
  CHECK(parse_hex_u64("ffffFFFFffffFFFF", u));
  CHECK(u == UINT64_MAX);
  CHECK_FALSE(parse_hex_u64("1ffffFFFFffffFFFF", u));
  CHECK_FALSE(parse_hex_u64("", u));
  CHECK_FALSE(parse_hex_u64("0x1", u));
  CHECK(parse_dec_u64("18446744073709551615", u));
  CHECK_FALSE(parse_dec_u64("18446744073709551616", u));
  CHECK_FALSE(parse_dec_u64("+1", u));
  CHECK(parse_dec_i64("-9223372036854775808", i));
  CHECK(i == INT64_MIN);
  CHECK_FALSE(parse_dec_i64("9223372036854775808", i));
  CHECK_FALSE(parse_dec_i64("-", i));
  CHECK_FALSE(parse_dec_i64("--1", i));
}
