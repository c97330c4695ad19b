// proc_netlink.cpp — proc_netlink: one row per line of <root>/net/netlink, in
// every network namespace: the netlink sockets between processes and the
// kernel (routing, audit, uevents, sock_diag, ...) — ss -f netlink.
//
// Usage:
//   SELECT n.protocol_name, f.pid, p.name FROM proc_netlink n
//     JOIN proc_fd f USING (inode) JOIN proc_process p USING (pid);
//   SELECT * FROM proc_netlink WHERE protocol_name = 'audit';   -- who reads the audit log
//
// How it works: as proc_packet (tables/socket.h, parse/packet.h). The
// kernel's own end of each protocol is a row with port id 0 and no process.
#include "parse/packet.h"
#include "tables/socket.h"

namespace proctab {

namespace {

struct Netlink;  // the format: defined after the columns, which it names
using NetlinkSource = LineSocketSource<NetlinkRow, Netlink>;

using C = Column<NetlinkSource>;
using A = Affinity;
using Row = NetlinkSource::Row;

constexpr std::array kColumns = {
    with_doc(socket_columns::pointer<NetlinkSource>,
             "Kernel address of the socket as printed ('sk', %pK: hashed, or zeros under "
             "kptr_restrict). Opaque text."),
    C{"protocol", A::kInteger, pushed(1.0 / 10),
      "Netlink protocol number ('Eth'): 0 NETLINK_ROUTE, 4 SOCK_DIAG, 9 AUDIT, 15 "
      "KOBJECT_UEVENT, 16 GENERIC, ...",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.protocol); }},
    C{"protocol_name", A::kText, kNotPushed,
      "That protocol's name, lower case without NETLINK_: 'route', 'sock_diag', 'audit', "
      "'kobject_uevent', 'generic', ...; NULL for another number.",
      [](const NetlinkSource&, const Row& r, ResultSink& out) {
        const char* name = netlink_protocol_name(r.protocol);
        name ? out.text(name) : out.null();
      }},
    C{"portid", A::kInteger, pushed(1.0 / 50),
      "The socket's port id ('Pid'): by default the owner's pid for its first socket of a "
      "protocol, another number for the next ones; 0 for the kernel's own socket.",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.portid); }},
    C{"groups", A::kInteger, kNotPushed,
      "Bit mask of the first 32 multicast groups the socket listens to ('Groups').",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.groups); }},
    C{"rx_queue", A::kInteger, kNotPushed, "Bytes of receive-buffer memory in use ('Rmem').",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.rmem); }},
    C{"tx_queue", A::kInteger, kNotPushed, "Bytes of send-buffer memory in use ('Wmem').",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.wmem); }},
    C{"dumping", A::kInteger, kNotPushed,
      "1 while a dump (a multi-part answer) is being produced for the socket ('Dump').",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.dump ? 1 : 0); }},
    with_doc(socket_columns::refcount<NetlinkSource>, "Socket reference count ('Locks')."),
    C{"drops", A::kInteger, kNotPushed,
      "Messages dropped because the receive buffer was full ('Drops').",
      [](const NetlinkSource&, const Row& r, ResultSink& out) { out.integer(r.drops); }},
    socket_columns::inode<NetlinkSource>,
    socket_columns::netns<NetlinkSource>,
    socket_columns::netns_name<NetlinkSource>,
};

struct Netlink {
  static constexpr const char* kTable = "proc_netlink";
  static constexpr const char* kFile = "net/netlink";
  static constexpr const char* kHeader = "sk";
  static bool parse_line(std::string_view line, NetlinkRow& row) {
    return parse_netlink_line(line, row);
  }
  static constexpr int kNetns = column_index(kColumns, "netns");
  static constexpr Plan kPlan = {100, 100};
};

}  // namespace

const TableDef& proc_netlink_def() {
  static const TableDef def = define_table<NetlinkSource, kColumns>(
      "proc_netlink",
      "One row per line of /proc/net/netlink of every network namespace: every netlink socket "
      "(routing, audit, uevents, sock_diag, ...; ss -f netlink).");
  return def;
}

}  // namespace proctab
