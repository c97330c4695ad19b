// inet_diag.cpp — see inet_diag.h.
#include "parse/inet_diag.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cstring>

namespace proctab {

namespace {

constexpr uint16_t kSockDiagByFamily = SOCK_DIAG_BY_FAMILY;

// Copies min(len, size) bytes of the attribute into `dst`, which the caller
// zeroed; returns the attribute's length (what the kernel sent).
uint16_t copy_struct(const nlattr* attr, void* dst, size_t size) {
  const uint16_t len = mnl_attr_get_payload_len(attr);
  memcpy(dst, mnl_attr_get_payload(attr), std::min<size_t>(len, size));
  return len;
}

template <typename T>
bool fixed(const nlattr* attr, T& out) {
  if (mnl_attr_get_payload_len(attr) != sizeof(T)) return false;  // wrong size: ignored
  memcpy(&out, mnl_attr_get_payload(attr), sizeof(T));
  return true;
}

int on_attribute(const nlattr* attr, void* data) {
  auto& m = *static_cast<InetDiagMessage*>(data);
  switch (mnl_attr_get_type(attr)) {
    case INET_DIAG_SHUTDOWN:
      m.has_shutdown = fixed(attr, m.shutdown);
      break;
    case INET_DIAG_INFO:
      memset(&m.info, 0, sizeof m.info);
      m.info_len = copy_struct(attr, &m.info, sizeof m.info);
      break;
    case INET_DIAG_MEMINFO:
      memset(&m.meminfo, 0, sizeof m.meminfo);
      m.meminfo_len = copy_struct(attr, &m.meminfo, sizeof m.meminfo);
      break;
    case INET_DIAG_SKMEMINFO: {
      memset(m.skmem, 0, sizeof m.skmem);
      const uint16_t len = copy_struct(attr, m.skmem, sizeof m.skmem);
      m.skmem_count =
          static_cast<uint8_t>(std::min<size_t>(len / sizeof(uint32_t), SK_MEMINFO_VARS));
      break;
    }
    case INET_DIAG_CONG: {
      const uint16_t len = mnl_attr_get_payload_len(attr);
      const char* name = static_cast<const char*>(mnl_attr_get_payload(attr));
      const size_t n = strnlen(name, std::min<size_t>(len, sizeof m.congestion - 1));
      memcpy(m.congestion, name, n);
      m.congestion[n] = '\0';
      break;
    }
    case INET_DIAG_CGROUP_ID:
      m.has_cgroup_id = fixed(attr, m.cgroup_id);
      break;
    case INET_DIAG_TOS:
      m.has_tos = fixed(attr, m.tos);
      break;
    case INET_DIAG_TCLASS:
      m.has_tclass = fixed(attr, m.tclass);
      break;
    case INET_DIAG_SKV6ONLY:
      m.has_v6only = fixed(attr, m.v6only);
      break;
    case INET_DIAG_MARK:
      m.has_mark = fixed(attr, m.mark);
      break;
    default:
      break;  // unknown or unused: skipped
  }
  return MNL_CB_OK;
}

}  // namespace

size_t inet_diag_message_length(std::string_view buffer) {
  if (buffer.size() < NLMSG_HDRLEN) return 0;
  uint32_t len;
  memcpy(&len, buffer.data(), sizeof len);
  if (len < NLMSG_HDRLEN || len > buffer.size()) return 0;
  return len;
}

bool parse_inet_diag_message(std::string_view message, InetDiagMessage& m) {
  // nlmsg_len bounds the message: 0 means it is shorter than its header or
  // than nlmsg_len says (truncated); bytes past nlmsg_len are not ours.
  // (Empty input too: the first fuzzing run found it read a header that
  // was not there.)
  m = InetDiagMessage{};  // no attribute of an earlier message survives
  // (memset too: the unused bits of tcp_info's bitfield byte are padding,
  // which assignment need not clear; "the rest zero" means every byte.)
  memset(&m.info, 0, sizeof m.info);
  const size_t len = inet_diag_message_length(message);
  if (len == 0) return false;
  message = message.substr(0, len);
  nlmsghdr hdr;
  memcpy(&hdr, message.data(), sizeof hdr);
  if (hdr.nlmsg_type != kSockDiagByFamily && hdr.nlmsg_type != kTcpDiagGetSock) return false;
  const size_t body = NLMSG_HDRLEN;
  if (message.size() < body + sizeof(inet_diag_msg)) return false;
  inet_diag_msg msg;
  memcpy(&msg, message.data() + body, sizeof msg);
  if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6) return false;
  m.family = msg.idiag_family;
  m.state = msg.idiag_state;
  m.timer = msg.idiag_timer;
  m.retrans = msg.idiag_retrans;
  m.local_port = ntohs(msg.id.idiag_sport);
  m.remote_port = ntohs(msg.id.idiag_dport);
  const size_t addr_len = msg.idiag_family == AF_INET ? 4 : 16;
  memset(m.local_addr, 0, sizeof m.local_addr);
  memset(m.remote_addr, 0, sizeof m.remote_addr);
  memcpy(m.local_addr, msg.id.idiag_src, addr_len);
  memcpy(m.remote_addr, msg.id.idiag_dst, addr_len);
  m.ifindex = msg.id.idiag_if;
  m.cookie = static_cast<uint64_t>(msg.id.idiag_cookie[1]) << 32 | msg.id.idiag_cookie[0];
  m.expires_ms = msg.idiag_expires;
  m.rqueue = msg.idiag_rqueue;
  m.wqueue = msg.idiag_wqueue;
  m.uid = msg.idiag_uid;
  m.inode = msg.idiag_inode;

  // The attributes start at the aligned end of inet_diag_msg.
  const size_t attrs = body + NLMSG_ALIGN(sizeof(inet_diag_msg));
  if (message.size() > attrs) {
    // mnl_attr_parse_payload walks only attributes that fit (mnl_attr_ok).
    mnl_attr_parse_payload(message.data() + attrs, message.size() - attrs, on_attribute, &m);
  }
  return true;
}

namespace {

// The request struct and its optional bytecode attribute, laid out by libmnl.
template <typename Req>
std::string with_bytecode(const Req& req, std::string_view bytecode) {
  std::vector<char> buf(MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof req) + MNL_ATTR_HDRLEN +
                        MNL_ALIGN(bytecode.size()) + 64);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof req), &req, sizeof req);
  if (!bytecode.empty()) {
    mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bytecode.size(), bytecode.data());
  }
  return std::string(static_cast<const char*>(mnl_nlmsg_get_payload(nlh)),
                     nlh->nlmsg_len - MNL_NLMSG_HDRLEN);
}

}  // namespace

std::string inet_diag_request(uint8_t family, uint8_t protocol, uint32_t states, uint8_t ext,
                              std::string_view bytecode) {
  inet_diag_req_v2 req{};
  req.sdiag_family = family;
  req.sdiag_protocol = protocol;
  req.idiag_ext = ext;
  req.idiag_states = states;
  // No cookie: a dump of every socket, not the lookup of one.
  req.id.idiag_cookie[0] = req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  return with_bytecode(req, bytecode);
}


std::string tcp_diag_both_request(uint32_t states, uint8_t ext, std::string_view bytecode) {
  inet_diag_req req{};
  req.idiag_family = AF_UNSPEC;  // ignored by the kernel, which dumps both
  req.idiag_ext = ext;
  req.idiag_states = states;
  req.id.idiag_cookie[0] = req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  return with_bytecode(req, bytecode);
}

namespace {

using Code = std::vector<inet_diag_bc_op>;

// One port comparison: {S_EQ|D_EQ, yes: next op, no: reject} + {port}.
Code port_eq(uint8_t code, uint16_t port) {
  return {{code, 8, 12}, {0, 0, port}};
}

int byte_len(const Code& c) {
  return static_cast<int>(c.size() * sizeof(inet_diag_bc_op));
}

// In `a`, turns every jump to "reject" (just past a's end) into a jump
// `reloc` bytes further: what joining `a AND b` needs (ss's ssfilter_patch).
void patch_rejects(Code& a, int reloc) {
  int len = byte_len(a);
  size_t i = 0;
  while (len > 0 && i < a.size()) {
    inet_diag_bc_op& op = a[i];
    if (op.no == len + 4) op.no = static_cast<uint16_t>(op.no + reloc);
    len -= op.yes;
    i += op.yes / sizeof(inet_diag_bc_op);
  }
}

// a OR b: a's accept jumps over b (a JMP), a's reject lands on b.
Code either(Code a, const Code& b) {
  const int lb = byte_len(b);
  a.push_back({INET_DIAG_BC_JMP, 4, static_cast<uint16_t>(lb + 4)});
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// a AND b: a's accept falls through to b, a's reject jumps past b too.
Code both(Code a, const Code& b) {
  patch_rejects(a, byte_len(b));
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Code any_of(uint8_t code, const std::vector<uint16_t>& ports) {
  Code c;
  for (size_t i = ports.size(); i-- > 0;) {
    c = c.empty() ? port_eq(code, ports[i]) : either(port_eq(code, ports[i]), c);
  }
  return c;
}

}  // namespace

std::string port_bytecode(const std::vector<uint16_t>& local, const std::vector<uint16_t>& remote) {
  // Jumps are u16 byte offsets: 12 bytes per port keeps a few thousand.
  if (local.size() + remote.size() > 2000) return "";
  Code code;
  if (!local.empty()) code = any_of(INET_DIAG_BC_S_EQ, local);
  if (!remote.empty()) {
    Code r = any_of(INET_DIAG_BC_D_EQ, remote);
    code = code.empty() ? r : both(code, r);
  }
  return std::string(reinterpret_cast<const char*>(code.data()),
                     code.size() * sizeof(inet_diag_bc_op));
}

}  // namespace proctab
