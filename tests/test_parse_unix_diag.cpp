// Parser unit tests for UNIX_DIAG replies (parse/unix_diag.h) on hand-built
// messages: every attribute, the /proc text of names, and the shapes that
// must be skipped or cut short (truncated, unknown, lying lengths).
#ifdef PROCTAB_HAVE_LIBMNL  // the sock_diag reply parsers are built with libmnl

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "parse/unix_diag.h"

using namespace proctab;

namespace {

// Builds one SOCK_DIAG_BY_FAMILY message, attribute by attribute.
class Message {
 public:
  Message(uint8_t type, uint8_t sk_state, uint32_t inode, uint64_t cookie = 0) {
    unix_diag_msg m{};
    m.udiag_family = AF_UNIX;
    m.udiag_type = type;
    m.udiag_state = sk_state;
    m.udiag_ino = inode;
    m.udiag_cookie[0] = static_cast<uint32_t>(cookie);
    m.udiag_cookie[1] = static_cast<uint32_t>(cookie >> 32);
    body_.append(reinterpret_cast<const char*>(&m), sizeof m);
  }
  Message& attr(uint16_t type, std::string_view data) {
    nlattr a{static_cast<uint16_t>(sizeof(nlattr) + data.size()), type};
    body_.append(reinterpret_cast<const char*>(&a), sizeof a);
    body_.append(data);
    body_.append((4 - data.size() % 4) % 4, '\0');
    return *this;
  }
  template <typename T>
  Message& attr_of(uint16_t type, const T& value) {
    return attr(type, std::string_view(reinterpret_cast<const char*>(&value), sizeof value));
  }
  // Raw bytes after the last attribute (a lying or cut attribute).
  Message& raw(std::string_view bytes) {
    body_.append(bytes);
    return *this;
  }
  const std::string& payload() const { return body_; }
  std::string framed(uint16_t flags = NLM_F_MULTI) const {
    nlmsghdr h{static_cast<uint32_t>(sizeof(nlmsghdr) + body_.size()), SOCK_DIAG_BY_FAMILY, flags,
               1, 0};
    std::string out(reinterpret_cast<const char*>(&h), sizeof h);
    out += body_;
    out.append(NLMSG_ALIGN(out.size()) - out.size(), '\0');
    return out;
  }

 private:
  std::string body_;
};

std::string done_message() {
  nlmsghdr h{sizeof(nlmsghdr) + 4, NLMSG_DONE, NLM_F_MULTI, 1, 0};
  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  out.append(4, '\0');
  return out;
}

std::string path_text(std::string_view raw) {
  std::string out(raw.size() + 1, '?');
  out.resize(unix_diag_path_text(raw, out.data()));
  return out;
}

}  // namespace

TEST_CASE("unix_diag: a bound listener with every attribute", "[unix_diag]") {
  unix_diag_vfs vfs{4242, (8u << 20) | 1};
  unix_diag_rqlen rq{3, 128};
  uint32_t icons[3] = {501, 502, 503};
  uint32_t mem[9] = {1, 212992, 3, 212992, 5, 6, 7, 8, 9};
  uint32_t uid = 1000;
  Message m(SOCK_STREAM, 10, 777, 0x1122334455667788ull);
  m.attr(UNIX_DIAG_NAME, std::string_view("/run/a b.sock\0", 14))
      .attr_of(UNIX_DIAG_VFS, vfs)
      .attr_of(UNIX_DIAG_RQLEN, rq)
      .attr(UNIX_DIAG_ICONS, std::string_view(reinterpret_cast<const char*>(icons), sizeof icons))
      .attr_of(UNIX_DIAG_MEMINFO, mem)
      .attr(UNIX_DIAG_SHUTDOWN, std::string_view("\x00", 1))
      .attr_of(UNIX_DIAG_UID, uid);
  UnixDiagRow row;
  REQUIRE(parse_unix_diag_message(m.payload(), row));
  CHECK(row.from_netlink);
  CHECK(row.type == SOCK_STREAM);
  CHECK(row.inode == 777);
  CHECK(row.flags == kUnixAcceptCon);
  CHECK(row.st == 1);  // UNCONNECTED, as /proc prints a listener
  CHECK(row.has_path);
  CHECK_FALSE(row.abstract);
  CHECK(path_text(row.diag.raw_name) == "/run/a b.sock");
  CHECK(row.diag.cookie == 0x1122334455667788ull);
  CHECK(row.diag.has_vfs);
  CHECK(row.diag.vfs_inode == 4242);
  CHECK(row.diag.vfs_dev == ((8u << 20) | 1));
  CHECK(row.diag.has_rqlen);
  CHECK(row.diag.rqueue == 3);
  CHECK(row.diag.wqueue == 128);
  CHECK(row.diag.has_icons);
  CHECK(row.diag.icons == 3);
  CHECK(row.diag.has_meminfo);
  CHECK(row.diag.meminfo_count == 9);
  CHECK(row.diag.meminfo[kMemRcvbuf] == 212992);
  CHECK(row.diag.meminfo[kMemDrops] == 9);
  CHECK(row.diag.has_shutdown);
  CHECK(row.diag.shutdown == 0);
  CHECK(row.diag.has_uid);
  CHECK(row.diag.uid == 1000);
  CHECK_FALSE(row.diag.has_peer);
}

TEST_CASE("unix_diag: St as /proc/net/unix prints it, from sk_state and the file", "[unix_diag]") {
  struct Case {
    uint8_t sk_state;
    uint32_t inode;
    uint8_t st;
    uint32_t flags;
  };
  for (Case c : {Case{1, 5, 3, 0}, Case{7, 5, 1, 0}, Case{10, 5, 1, kUnixAcceptCon},
                 Case{1, 0, 2, 0}, Case{7, 0, 4, 0}}) {
    UnixDiagRow row;
    REQUIRE(parse_unix_diag_message(Message(SOCK_SEQPACKET, c.sk_state, c.inode).payload(), row));
    CHECK(row.st == c.st);
    CHECK(row.flags == c.flags);
    CHECK_FALSE(row.has_path);
    CHECK(row.refcount == 0);
  }
  // The pushdown masks: every sk_state that can print as that St.
  CHECK(unix_diag_states_for_st(3) == (1u << 1));
  CHECK(unix_diag_states_for_st(2) == (1u << 1));
  CHECK((unix_diag_states_for_st(1) & (1u << 7)) != 0);
  CHECK((unix_diag_states_for_st(1) & (1u << 10)) != 0);
  CHECK((unix_diag_states_for_st(1) & (1u << 1)) == 0);
  CHECK(unix_diag_states_for_st(0) == 0);
  CHECK(unix_diag_states_for_st(99) == 0);
}

TEST_CASE("unix_diag: names print as /proc/net/unix prints them", "[unix_diag]") {
  CHECK(path_text(std::string_view("/tmp/x\0", 7)) == "/tmp/x");
  CHECK(path_text(std::string_view("\0abstract", 9)) == "@abstract");
  CHECK(path_text(std::string_view("\0a\0b", 4)) == "@a@b");
  CHECK(path_text(std::string_view("\0", 1)) == "@");
  CHECK(path_text(std::string_view("/tmp/new\nline\0", 14)) == "/tmp/new\nline");
  CHECK(path_text("") == "");
  // An autobind name: NUL then 5 hex digits. (The row's raw name is a view
  // into the message, so the message must outlive it.)
  Message autobind(SOCK_DGRAM, 7, 9);
  autobind.attr(UNIX_DIAG_NAME, std::string_view("\0"
                                                 "0001f",
                                                 6));
  UnixDiagRow row;
  REQUIRE(parse_unix_diag_message(autobind.payload(), row));
  CHECK(row.abstract);
  CHECK(path_text(row.diag.raw_name) == "@0001f");
}

TEST_CASE("unix_diag: a socketpair end names its peer", "[unix_diag]") {
  uint32_t peer = 31337;
  unix_diag_rqlen rq{12, 768};
  UnixDiagRow row;
  REQUIRE(parse_unix_diag_message(Message(SOCK_STREAM, 1, 31336)
                                      .attr_of(UNIX_DIAG_PEER, peer)
                                      .attr_of(UNIX_DIAG_RQLEN, rq)
                                      .attr(UNIX_DIAG_SHUTDOWN, std::string_view("\x03", 1))
                                      .payload(),
                                  row));
  CHECK(row.st == 3);
  CHECK(row.diag.has_peer);
  CHECK(row.diag.peer_inode == 31337);
  CHECK(row.diag.rqueue == 12);
  CHECK(row.diag.wqueue == 768);
  CHECK(row.diag.shutdown == 3);
}

TEST_CASE("unix_diag: short, unknown and lying attributes", "[unix_diag]") {
  UnixDiagRow row;
  SECTION("too short for unix_diag_msg, or another family: no row") {
    Message m(SOCK_STREAM, 1, 5);
    CHECK_FALSE(parse_unix_diag_message(m.payload().substr(0, sizeof(unix_diag_msg) - 1), row));
    std::string other = m.payload();
    other[0] = AF_INET;
    CHECK_FALSE(parse_unix_diag_message(other, row));
    CHECK_FALSE(parse_unix_diag_message("", row));
  }
  SECTION("an attribute shorter than its payload is skipped, the next one kept") {
    uint32_t uid = 42;
    REQUIRE(parse_unix_diag_message(Message(SOCK_STREAM, 1, 5)
                                        .attr(UNIX_DIAG_PEER, "ab")
                                        .attr(UNIX_DIAG_VFS, "abcd")
                                        .attr(UNIX_DIAG_RQLEN, "abcdef")
                                        .attr(UNIX_DIAG_UID, "")
                                        .attr(UNIX_DIAG_SHUTDOWN, "")
                                        .attr(UNIX_DIAG_MEMINFO, "abc")
                                        .attr(99, "an attribute of a future kernel")
                                        .attr_of(UNIX_DIAG_UID, uid)
                                        .payload(),
                                    row));
    CHECK_FALSE(row.diag.has_peer);
    CHECK_FALSE(row.diag.has_vfs);
    CHECK_FALSE(row.diag.has_rqlen);
    CHECK_FALSE(row.diag.has_shutdown);
    CHECK_FALSE(row.diag.has_meminfo);
    CHECK(row.diag.has_uid);
    CHECK(row.diag.uid == 42);
  }
  SECTION("a longer MEMINFO keeps the entries we name; a shorter one what came") {
    uint32_t mem[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    REQUIRE(parse_unix_diag_message(
        Message(SOCK_DGRAM, 7, 5).attr_of(UNIX_DIAG_MEMINFO, mem).payload(), row));
    CHECK(row.diag.meminfo_count == kMemVars);
    CHECK(row.diag.meminfo[kMemDrops] == 9);
    REQUIRE(parse_unix_diag_message(
        Message(SOCK_DGRAM, 7, 5)
            .attr(UNIX_DIAG_MEMINFO, std::string_view(reinterpret_cast<const char*>(mem), 16))
            .payload(),
        row));
    CHECK(row.diag.meminfo_count == 4);
  }
  SECTION("a length past the message ends the walk, keeping what came before") {
    uint32_t peer = 7;
    nlattr lying{200, UNIX_DIAG_UID};
    REQUIRE(parse_unix_diag_message(
        Message(SOCK_STREAM, 1, 5)
            .attr_of(UNIX_DIAG_PEER, peer)
            .raw(std::string_view(reinterpret_cast<const char*>(&lying), sizeof lying))
            .raw("1234")
            .payload(),
        row));
    CHECK(row.diag.has_peer);
    CHECK_FALSE(row.diag.has_uid);
  }
  SECTION("a length below the header ends the walk (no endless loop)") {
    nlattr zero{0, UNIX_DIAG_PEER};
    REQUIRE(parse_unix_diag_message(
        Message(SOCK_STREAM, 1, 5)
            .raw(std::string_view(reinterpret_cast<const char*>(&zero), sizeof zero))
            .raw("1234")
            .payload(),
        row));
    CHECK_FALSE(row.diag.has_peer);
  }
  SECTION("the last attribute unpadded still counts") {
    uint32_t peer = 9;
    Message m(SOCK_STREAM, 1, 5);
    m.attr(UNIX_DIAG_SHUTDOWN, std::string_view("\x01", 1));
    std::string payload = m.payload();
    payload.resize(payload.size() - 3);  // drop the padding
    REQUIRE(parse_unix_diag_message(payload, row));
    CHECK(row.diag.shutdown == 1);
    (void)peer;
  }
}

TEST_CASE("unix_diag: a reply buffer of several messages", "[unix_diag]") {
  uint32_t peer_a = 11, peer_b = 10;
  std::string reply = Message(SOCK_STREAM, 1, 10).attr_of(UNIX_DIAG_PEER, peer_a).framed() +
                      Message(SOCK_STREAM, 1, 11).attr_of(UNIX_DIAG_PEER, peer_b).framed();
  std::vector<UnixDiagRow> rows;
  SECTION("ends at NLMSG_DONE") {
    reply += done_message() + Message(SOCK_DGRAM, 7, 12).framed();  // after DONE: ignored
    UnixDiagStats stats = parse_unix_diag_reply(reply, rows);
    CHECK(stats.done);
    CHECK(stats.rows == 2);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].diag.peer_inode == rows[1].inode);
    CHECK(rows[1].diag.peer_inode == rows[0].inode);
    CHECK_FALSE(stats.interrupted);
    CHECK_FALSE(stats.truncated);
  }
  SECTION("an interrupted dump is flagged") {
    reply += Message(SOCK_DGRAM, 7, 12).framed(NLM_F_MULTI | NLM_F_DUMP_INTR);
    UnixDiagStats stats = parse_unix_diag_reply(reply, rows);
    CHECK(stats.interrupted);
    CHECK(stats.rows == 3);
    CHECK_FALSE(stats.done);
  }
  SECTION("NLMSG_ERROR carries the errno") {
    nlmsghdr h{sizeof(nlmsghdr) + sizeof(nlmsgerr), NLMSG_ERROR, 0, 1, 0};
    nlmsgerr e{};
    e.error = -EPERM;
    reply.append(reinterpret_cast<const char*>(&h), sizeof h);
    reply.append(reinterpret_cast<const char*>(&e), sizeof e);
    UnixDiagStats stats = parse_unix_diag_reply(reply, rows);
    CHECK(stats.error == EPERM);
    CHECK(stats.rows == 2);
  }
  SECTION("a length of 2^31 or more is no message (libmnl's check takes it as negative)") {
    std::string huge = Message(SOCK_DGRAM, 7, 12).framed();
    const uint32_t len = 0xFFFFFFF0u;
    memcpy(huge.data(), &len, sizeof len);
    UnixDiagStats stats = parse_unix_diag_reply(reply + huge, rows);
    CHECK(stats.truncated);
    CHECK(stats.rows == 2);
  }
  SECTION("a cut last message is no row, and the cut is reported") {
    std::string third = Message(SOCK_DGRAM, 7, 12).framed();
    reply += third.substr(0, third.size() - 5);
    UnixDiagStats stats = parse_unix_diag_reply(reply, rows);
    CHECK(stats.truncated);
    CHECK(stats.rows == 2);
  }
  SECTION("a message of another type is passed over; a short diag message is skipped") {
    nlmsghdr noop{sizeof(nlmsghdr), NLMSG_NOOP, 0, 1, 0};
    std::string mixed(reinterpret_cast<const char*>(&noop), sizeof noop);
    nlmsghdr shortmsg{sizeof(nlmsghdr) + 4, SOCK_DIAG_BY_FAMILY, 0, 1, 0};
    mixed.append(reinterpret_cast<const char*>(&shortmsg), sizeof shortmsg);
    mixed.append("\x01\x01\x01\x00", 4);
    UnixDiagStats stats = parse_unix_diag_reply(mixed + reply, rows);
    CHECK(stats.rows == 2);
    CHECK(stats.skipped == 1);
    CHECK(rows.size() == 2);
  }
}

#endif  // PROCTAB_HAVE_LIBMNL
