// inet_diag_source.cpp — the non-template parts of the sock_diag row source
// (tables/inet_diag_source.h).
#include "tables/inet_diag_source.h"

#include "parse/inet.h"

namespace proctab {

DiagMode diag_mode(const TableDef& def, const TableArgs& args) {
  if (args.source == "proc") return DiagMode::kProc;
  // A netlink socket answers for this process's kernel: only the live /proc
  // describes the same sockets.
  const bool live = args.root == "/proc";  // normalised by parse_table_args
  if (args.source == "netlink") {
    if (!sock_diag_built()) {
      throw Error(std::string(def.name) +
                  ": source='netlink': this build has no sock_diag support (built without "
                  "libmnl; source='proc' or 'auto' read /proc text)");
    }
    if (!live) {
      throw Error(std::string(def.name) +
                  ": source='netlink' reads this machine's kernel, not "
                  "root='" +
                  args.root + "' (use source='proc' or 'auto' with root=)");
    }
    return DiagMode::kNetlink;
  }
  return live && sock_diag_built() ? DiagMode::kAuto : DiagMode::kProc;
}

bool diag_falls_back(int err) {
  switch (err) {
    case EPERM:            // setns refused, or a seccomp filter
    case EACCES:           // an LSM refused the socket
    case EPROTONOSUPPORT:  // no NETLINK_SOCK_DIAG in this kernel
    case EAFNOSUPPORT:
    case ENOENT:   // no inet_diag / udp_diag handler (module not loaded)
    case EINTR:    // interrupted dumps, kMaxRestarts times over
    case ENOBUFS:  // overflowing, kMaxRestarts times over
      return true;
    default:
      return false;
  }
}

uint32_t wanted_states(const Constraint* state, const Constraint* st) {
  uint32_t mask = ~0u;
  if (state) {
    uint32_t m = 0;
    for (const Value& v : state->values) {
      const uint32_t n = tcp_state_number(v.text);
      if (n > 0 && n < 32) m |= 1u << n;
    }
    mask &= m;
  }
  if (st) {
    uint32_t m = 0;
    for (const Value& v : st->values) {
      if (v.integer > 0 && v.integer < 32) m |= 1u << v.integer;
    }
    mask &= m;
  }
  return mask;
}

uint32_t kernel_states(uint32_t wanted) {
  constexpr uint32_t kSynRecv = 1u << 3, kNewSynRecv = 1u << 12;
  constexpr uint32_t kFinWait2 = 1u << 5, kTimeWait = 1u << 6;
  uint32_t k = wanted;
  if (k & kSynRecv) k |= kNewSynRecv;
  if (k & (kFinWait2 | kTimeWait)) k |= kFinWait2 | kTimeWait;
  return k;
}

std::optional<std::vector<uint16_t>> wanted_ports(const Constraint* port) {
  if (!port) return std::nullopt;
  std::vector<uint16_t> ports;
  for (const Value& v : port->values) {
    if (v.integer >= 0 && v.integer <= 65535) ports.push_back(static_cast<uint16_t>(v.integer));
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

#ifdef PROCTAB_HAVE_LIBMNL
void fill_inet(const InetDiagMessage& m, InetSocketRow& row) {
  row.family = m.family == AF_INET ? 4 : 6;
  row.timer = m.timer;
  row.local_port = m.local_port;
  row.remote_port = m.remote_port;
  row.st = m.state;
  row.uid = m.uid;
  // idiag_retrans is icsk_retransmits under the retransmit timer and
  // icsk_probes_out under the probe or keepalive timer: /proc prints those
  // two apart (tcp_info, when asked, gives both exactly).
  row.retransmits = m.timer == 1 || m.timer == 3 ? m.retrans : 0;
  row.probes = m.timer == 2 || m.timer == 4 ? m.retrans : 0;
  row.tx_queue = m.wqueue;
  row.rx_queue = m.rqueue;
  row.timer_ticks = m.expires_ms;
  row.inode = m.inode;
  memcpy(row.local_addr, m.local_addr, sizeof row.local_addr);
  memcpy(row.remote_addr, m.remote_addr, sizeof row.remote_addr);
}
#endif

}  // namespace proctab
