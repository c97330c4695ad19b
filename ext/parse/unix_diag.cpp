// unix_diag.cpp — see unix_diag.h. libmnl frames the messages and walks
// the attributes (mnl_nlmsg_ok / mnl_attr_parse_payload visit only what
// fits), as parse/inet_diag.cpp does; the fields are read with memcpy from
// lengths checked here.
#include "parse/unix_diag.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace proctab {

namespace {

constexpr uint8_t kTcpEstablished = 1;  // include/net/tcp_states.h
constexpr uint8_t kTcpListen = 10;
// socket_state (include/uapi/linux/net.h), as /proc/net/unix's St prints it.
constexpr uint8_t kSsUnconnected = 1, kSsConnecting = 2, kSsConnected = 3, kSsDisconnecting = 4;

template <typename T>
T load(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

// A u32 attribute: kept only if it is long enough.
void take_u32(std::string_view data, bool& has, uint32_t& value) {
  if (data.size() < 4) return;
  has = true;
  value = load<uint32_t>(data.data());
}

// Two u32 (unix_diag_vfs, unix_diag_rqlen): kept only if both are there.
void take_u32_pair(std::string_view data, bool& has, uint32_t& first, uint32_t& second) {
  if (data.size() < 8) return;
  has = true;
  first = load<uint32_t>(data.data());
  second = load<uint32_t>(data.data() + 4);
}

void take_attribute(uint16_t type, std::string_view data, UnixDiagExtra& d) {
  switch (type) {
    case UNIX_DIAG_NAME:
      d.raw_name = data;
      break;
    case UNIX_DIAG_VFS:
      static_assert(offsetof(unix_diag_vfs, udiag_vfs_ino) == 0 &&
                    offsetof(unix_diag_vfs, udiag_vfs_dev) == 4);
      take_u32_pair(data, d.has_vfs, d.vfs_inode, d.vfs_dev);
      break;
    case UNIX_DIAG_PEER:
      take_u32(data, d.has_peer, d.peer_inode);
      break;
    case UNIX_DIAG_ICONS:
      // A list of u32; a trailing partial entry is no inode.
      d.has_icons = true;
      d.icons = static_cast<uint32_t>(data.size() / 4);
      break;
    case UNIX_DIAG_RQLEN:
      static_assert(offsetof(unix_diag_rqlen, udiag_rqueue) == 0 &&
                    offsetof(unix_diag_rqlen, udiag_wqueue) == 4);
      take_u32_pair(data, d.has_rqlen, d.rqueue, d.wqueue);
      break;
    case UNIX_DIAG_MEMINFO: {
      // Kernels have grown the array (BACKLOG in 4.x, DROPS in 4.x): take
      // what came, up to what we name; an entry not sent stays unknown.
      const size_t n = std::min<size_t>(data.size() / 4, kMemVars);
      d.has_meminfo = n > 0;
      d.meminfo_count = static_cast<uint8_t>(n);
      for (size_t i = 0; i < n; ++i) d.meminfo[i] = load<uint32_t>(data.data() + 4 * i);
      break;
    }
    case UNIX_DIAG_SHUTDOWN:
      if (data.empty()) return;
      d.has_shutdown = true;
      d.shutdown = static_cast<uint8_t>(data[0]);
      break;
    case UNIX_DIAG_UID:
      take_u32(data, d.has_uid, d.uid);
      break;
    default:
      break;  // a newer kernel's attribute: not ours to read
  }
}

}  // namespace

bool parse_unix_diag_message(std::string_view payload, UnixDiagRow& row) {
  row = UnixDiagRow{};
  if (payload.size() < sizeof(unix_diag_msg)) return false;
  const char* p = payload.data();
  if (static_cast<uint8_t>(p[offsetof(unix_diag_msg, udiag_family)]) != AF_UNIX) return false;
  row.from_netlink = true;
  row.type = static_cast<uint8_t>(p[offsetof(unix_diag_msg, udiag_type)]);
  const uint8_t sk_state = static_cast<uint8_t>(p[offsetof(unix_diag_msg, udiag_state)]);
  row.inode = load<uint32_t>(p + offsetof(unix_diag_msg, udiag_ino));
  const uint32_t cookie_lo = load<uint32_t>(p + offsetof(unix_diag_msg, udiag_cookie));
  const uint32_t cookie_hi = load<uint32_t>(p + offsetof(unix_diag_msg, udiag_cookie) + 4);
  row.diag.cookie = (uint64_t{cookie_hi} << 32) | cookie_lo;
  row.diag.sk_state = sk_state;
  // unix_seq_show's Flags and St. A socket has a file exactly when its
  // inode is not 0 (sock_i_ino is 0 only without sk_socket: an embryo
  // waiting in a listener's queue, or an orphan).
  row.flags = sk_state == kTcpListen ? kUnixAcceptCon : 0;
  const bool has_file = row.inode != 0;
  const bool established = sk_state == kTcpEstablished;
  row.st = has_file ? (established ? kSsConnected : kSsUnconnected)
                    : (established ? kSsConnecting : kSsDisconnecting);

  // The attributes start at the aligned end of unix_diag_msg.
  const size_t attrs = NLMSG_ALIGN(sizeof(unix_diag_msg));
  if (payload.size() > attrs) {
    mnl_attr_parse_payload(
        p + attrs, payload.size() - attrs,
        [](const nlattr* attr, void* data) {
          take_attribute(mnl_attr_get_type(attr),
                         std::string_view(static_cast<const char*>(mnl_attr_get_payload(attr)),
                                          mnl_attr_get_payload_len(attr)),
                         *static_cast<UnixDiagExtra*>(data));
          return MNL_CB_OK;
        },
        &row.diag);
  }
  if (!row.diag.raw_name.empty()) {
    row.has_path = true;
    row.abstract = row.diag.raw_name[0] == '\0';
  }
  return true;
}

size_t unix_diag_path_text(std::string_view raw, char* out) {
  if (raw.empty()) return 0;
  size_t n = 0;
  size_t i = 0;
  size_t end = raw.size();
  if (raw[0] != '\0') {
    --end;  // a pathname's terminating NUL (unix_seq_show: len--)
  } else {
    out[n++] = '@';
    i = 1;
  }
  for (; i < end; ++i) out[n++] = raw[i] ? raw[i] : '@';
  return n;
}

UnixDiagStats parse_unix_diag_reply(std::string_view bytes, std::vector<UnixDiagRow>& out) {
  UnixDiagStats stats;
  // libmnl counts in int: a larger buffer is read up to INT_MAX.
  int left = static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX));
  auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
  for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
    // mnl_nlmsg_ok compares (int)nlmsg_len: a length of 2^31 or more passes
    // as negative. The kernel sends none; arbitrary bytes can.
    if (nlh->nlmsg_len > static_cast<uint32_t>(left)) break;
    const std::string_view payload(static_cast<const char*>(mnl_nlmsg_get_payload(nlh)),
                                   nlh->nlmsg_len - sizeof(nlmsghdr));
    if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) stats.interrupted = true;
    if (nlh->nlmsg_type == NLMSG_DONE) {
      stats.done = true;
      return stats;
    }
    if (nlh->nlmsg_type == NLMSG_ERROR) {
      // struct nlmsgerr: a negative errno first (0 is an acknowledgement).
      int err = payload.size() >= sizeof(int) ? load<int>(payload.data()) : 0;
      stats.error = err < 0 && err > -4096 ? -err : (err == 0 ? 0 : EPROTO);
      return stats;
    }
    if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      if (parse_unix_diag_message(payload, out.emplace_back())) {
        ++stats.rows;
      } else {
        out.pop_back();
        ++stats.skipped;
      }
    }
  }
  // Bytes left that are no whole message: the buffer ended inside one.
  stats.truncated = left > 0;
  return stats;
}

std::string unix_diag_request(uint32_t states, uint32_t show) {
  unix_diag_req req{};
  req.sdiag_family = AF_UNIX;
  req.udiag_states = states;
  req.udiag_show = show;
  return std::string(reinterpret_cast<const char*>(&req), sizeof req);
}

uint32_t unix_diag_states_for_st(uint64_t st) {
  switch (st) {
    case kSsConnected:
    case kSsConnecting:
      return 1u << kTcpEstablished;
    case kSsUnconnected:
    case kSsDisconnecting:
      return ~(1u << kTcpEstablished);
  }
  return 0;
}

}  // namespace proctab
