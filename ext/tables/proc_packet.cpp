// proc_packet.cpp — proc_packet: one row per line of <root>/net/packet, in
// every network namespace: the AF_PACKET sockets, which receive link-layer
// frames — tcpdump, wireshark, DHCP clients, LLDP daemons (ss -0).
//
// Usage:
//   SELECT k.protocol_name, k.ifindex, f.pid, p.name FROM proc_packet k
//     JOIN proc_fd f USING (inode) JOIN proc_process p USING (pid);  -- who sniffs
//
// How it works: as the other socket tables (tables/socket.h): the file is read
// once per network namespace into the statement's snapshot, parsed by
// parse/packet.h as it is read; pushed-down equalities are hash lookups,
// `netns =` limits the namespaces read. An interface is named by its index
// (`ip -o link` lists them): /proc has no file that maps every index to a name.
#include "parse/packet.h"
#include "tables/socket.h"

namespace proctab {

namespace {

struct Packet;  // the format: defined after the columns, which it names
using PacketSource = LineSocketSource<PacketRow, Packet>;

using C = Column<PacketSource>;
using A = Affinity;
using Row = PacketSource::Row;

constexpr std::array kColumns = {
    with_doc(socket_columns::pointer<PacketSource>,
             "Kernel address of the socket as printed ('sk', %pK: hashed, or zeros under "
             "kptr_restrict). Opaque text."),
    with_doc(socket_columns::refcount<PacketSource>, "Socket reference count ('RefCnt')."),
    C{"type", A::kText, pushed(1.0 / 2),
      "'raw' (SOCK_RAW: whole frames, link-layer header included) or 'dgram' (SOCK_DGRAM: "
      "cooked, the header removed); another number as its decimal text.",
      [](const PacketSource&, const Row& r, ResultSink& out) {
        if (const char* name = packet_type_name(r.type)) return out.text(name);
        out.text(std::to_string(r.type));
      }},
    C{"protocol", A::kInteger, pushed(1.0 / 5),
      "The ethertype the socket is bound to receive ('Proto', host order): 3 ETH_P_ALL (every "
      "frame: a sniffer), 2048 IP, 2054 ARP, 34525 IPv6, ...; 0 receives nothing yet.",
      [](const PacketSource&, const Row& r, ResultSink& out) { out.integer(r.protocol); }},
    C{"protocol_name", A::kText, kNotPushed,
      "That ethertype's name: 'ALL', 'IP', 'ARP', 'IPv6', '802.1Q', 'LLDP', 'EAPOL', ..., 'none' "
      "for 0; NULL for another.",
      [](const PacketSource&, const Row& r, ResultSink& out) {
        const char* name = ethertype_name(r.protocol);
        name ? out.text(name) : out.null();
      }},
    C{"ifindex", A::kInteger, kNotPushed,
      "Index of the interface the socket is bound to ('Iface'; `ip -o link` names it); 0 for "
      "every interface.",
      [](const PacketSource&, const Row& r, ResultSink& out) { out.integer(r.ifindex); }},
    C{"running", A::kInteger, kNotPushed,
      "1 while the socket is hooked into the receive path ('R': bound to a protocol and "
      "interface that is up), else 0.",
      [](const PacketSource&, const Row& r, ResultSink& out) { out.integer(r.running ? 1 : 0); }},
    C{"rx_queue", A::kInteger, kNotPushed,
      "Bytes of receive-buffer memory in use ('Rmem': queued frames, overhead included).",
      [](const PacketSource&, const Row& r, ResultSink& out) {
        out.integer(static_cast<int64_t>(r.rmem));
      }},
    C{"uid", A::kInteger, pushed(1.0 / 10),
      "Owner's user id ('User'), mapped into the reader's user namespace.",
      [](const PacketSource&, const Row& r, ResultSink& out) { out.integer(r.uid); }},
    socket_columns::inode<PacketSource>,
    socket_columns::netns<PacketSource>,
    socket_columns::netns_name<PacketSource>,
};

struct Packet {
  static constexpr const char* kTable = "proc_packet";
  static constexpr const char* kFile = "net/packet";
  static constexpr const char* kHeader = "sk";
  static bool parse_line(std::string_view line, PacketRow& row) {
    return parse_packet_line(line, row);
  }
  static constexpr int kNetns = column_index(kColumns, "netns");
  static constexpr Plan kPlan = {20, 20};
};

}  // namespace

const TableDef& proc_packet_def() {
  static const TableDef def = define_table<PacketSource, kColumns>(
      "proc_packet",
      "One row per line of /proc/net/packet of every network namespace: every AF_PACKET socket, "
      "which receives link-layer frames (sniffers, DHCP clients; ss -0).");
  return def;
}

}  // namespace proctab
