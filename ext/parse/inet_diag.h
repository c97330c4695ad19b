// inet_diag.h — pure parser of NETLINK_SOCK_DIAG inet_diag replies (one per
// TCP / UDP socket of a dump: include/uapi/linux/inet_diag.h), and the
// builder of the dump request. Bytes in, a struct out: no I/O, no SQLite;
// unit-tested and fuzzed (fuzz/fuzz_inet_diag.cpp).
//
// A reply is a netlink message: nlmsghdr, struct inet_diag_msg, then
// attributes (walked and bounds-checked with libmnl). Defensive by rule:
//   - a message shorter than its header + inet_diag_msg, or whose nlmsg_len
//     exceeds the bytes given, is refused (false);
//   - attributes are walked only while each fits (a truncated last one ends
//     the walk; what came before is kept); unknown types are skipped;
//   - a fixed-size attribute (u8, u32, u64) of the wrong size is ignored;
//   - a struct attribute (tcp_info, meminfo, skmeminfo) shorter or longer
//     than our header's struct copies min(len, sizeof) and zeroes the rest,
//     and says how many bytes the kernel sent, so a field the kernel did
//     not send reads as absent rather than 0 (has_info_field);
//   - the congestion name is copied up to its NUL, at most 15 bytes.
#pragma once

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proctab {

struct InetDiagMessage {
  // struct inet_diag_msg
  uint8_t family = 0;  // AF_INET / AF_INET6
  uint8_t state = 0;   // TCP state number (UDP: 7 CLOSE, 1 ESTABLISHED)
  uint8_t timer = 0;   // 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe
  uint8_t retrans = 0;
  uint16_t local_port = 0;  // host order
  uint16_t remote_port = 0;
  uint8_t local_addr[16] = {};  // network order, as in in6_addr (IPv4: first 4)
  uint8_t remote_addr[16] = {};
  uint32_t ifindex = 0;
  uint64_t cookie = 0;  // the kernel's socket cookie: unique while it lives
  uint32_t expires_ms = 0;
  uint32_t rqueue = 0;
  uint32_t wqueue = 0;
  uint32_t uid = 0;
  uint32_t inode = 0;

  // Attributes. INET_DIAG_SHUTDOWN is sent for every full socket and never
  // for a timewait or request sock: it tells which kind the message is.
  bool has_shutdown = false;
  uint8_t shutdown = 0;
  uint16_t info_len = 0;  // bytes of INET_DIAG_INFO the kernel sent (0: none)
  struct tcp_info info {};
  uint16_t meminfo_len = 0;
  inet_diag_meminfo meminfo{};
  uint8_t skmem_count = 0;  // u32 values of INET_DIAG_SKMEMINFO sent (0: none)
  uint32_t skmem[SK_MEMINFO_VARS] = {};
  bool has_cgroup_id = false;
  uint64_t cgroup_id = 0;
  char congestion[16] = {};  // "" without INET_DIAG_CONG
  bool has_tos = false;
  uint8_t tos = 0;
  bool has_tclass = false;
  uint8_t tclass = 0;
  bool has_v6only = false;
  uint8_t v6only = 0;
  bool has_mark = false;
  uint32_t mark = 0;
};

// Whether the kernel sent tcp_info's `field` (ends within info_len).
#define PROCTAB_HAS_INFO_FIELD(m, field) \
  ((m).info_len >= offsetof(struct tcp_info, field) + sizeof((m).info.field))

// Parses one whole reply message (nlmsghdr included). False if it is no
// well-formed inet_diag reply (see above); `out` is then unspecified.
bool parse_inet_diag_message(std::string_view message, InetDiagMessage& out);

// Parses a buffer of consecutive messages (what one recv returns), calling
// on_message for each well-formed inet_diag reply; returns how many were
// refused. Stops at NLMSG_DONE / NLMSG_ERROR.
template <typename OnMessage>
size_t parse_inet_diag_buffer(std::string_view buffer, OnMessage&& on_message);

// The extensions a request may ask (idiag_ext is a u8: 1..8 only; CGROUP_ID
// and SOCKOPT come unasked).
inline constexpr uint8_t diag_ext(int attribute) {
  return attribute >= 1 && attribute <= 8 ? static_cast<uint8_t>(1u << (attribute - 1)) : 0;
}

// The payload of a SOCK_DIAG_BY_FAMILY dump request (inet_diag_req_v2 and,
// when `bytecode` is not empty, an INET_DIAG_REQ_BYTECODE attribute).
std::string inet_diag_request(uint8_t family, uint8_t protocol, uint32_t states, uint8_t ext,
                              std::string_view bytecode);

// The payload of a TCPDIAG_GETSOCK dump request (the pre-v2 struct
// inet_diag_req): the kernel dumps it as AF_UNSPEC, both families in one walk
// of each hash (SOCK_DIAG_BY_FAMILY dispatches on one family). TCP only.
inline constexpr uint16_t kTcpDiagGetSock = 18;
std::string tcp_diag_both_request(uint32_t states, uint8_t ext, std::string_view bytecode);

// inet_diag bytecode keeping sockets whose local port is one of `local`
// (any, if empty) and whose remote port is one of `remote` (any, if empty),
// in the form the kernel's inet_diag_bc_audit accepts (iproute2's ss
// compiles its filters the same way: OR chains joined by AND). "" if both
// are empty or a list is too long to encode (the caller then filters).
std::string port_bytecode(const std::vector<uint16_t>& local, const std::vector<uint16_t>& remote);

// ---- implementation of the template ---------------------------------------

size_t inet_diag_message_length(std::string_view buffer);  // 0: no further message

template <typename OnMessage>
size_t parse_inet_diag_buffer(std::string_view buffer, OnMessage&& on_message) {
  size_t refused = 0;
  InetDiagMessage m;
  while (size_t len = inet_diag_message_length(buffer)) {
    std::string_view one = buffer.substr(0, len);
    uint16_t type;
    __builtin_memcpy(&type, one.data() + 4, sizeof type);
    if (type == 3 /* NLMSG_DONE */ || type == 2 /* NLMSG_ERROR */) break;
    m = InetDiagMessage{};
    if (parse_inet_diag_message(one, m)) {
      on_message(m);
    } else {
      ++refused;
    }
    // Messages are 4-byte aligned; the last may end without padding.
    const size_t step = (len + 3) & ~size_t{3};
    if (step >= buffer.size()) break;
    buffer.remove_prefix(step);
  }
  return refused;
}

}  // namespace proctab
