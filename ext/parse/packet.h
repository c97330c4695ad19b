// packet.h — pure parsers for /proc/net/packet and /proc/net/netlink text:
// both print one line of blank-separated fields per socket after a header
// starting with "sk".
//
// /proc/net/packet (net/packet/af_packet.c packet_seq_show):
//   sk               RefCnt Type Proto  Iface R Rmem   User   Inode
//   "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu"
// Type is SOCK_RAW 3 (frames with their link-layer header) or SOCK_DGRAM 2
// (cooked); Proto the bound ethertype in host order (0003 ETH_P_ALL: every
// frame; 0000: not receiving yet); Iface the bound interface index (0: every
// interface); R 1 while the socket is hooked into the receive path; Rmem the
// receive-queue bytes; User the owner's uid in the reader's user namespace.
//
// /proc/net/netlink (net/netlink/af_netlink.c netlink_seq_show):
//   sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
//   "%pK %-3d %-10u %08x %-8d %-8d %-5d %-8d %-8u %-8lu"
// Eth is the netlink protocol (NETLINK_ROUTE 0, NETLINK_AUDIT 9, ...), Pid
// the port id (the owner's pid for the first socket of a process, 0 for the
// kernel's own), Groups the first 32 multicast groups (hex), Dump 1 while a
// dump is running, Locks the reference count.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/row_parser.h"
#include "text/scan.h"

namespace proctab {

struct PacketRow {
  text::KernelPointer pointer;
  int32_t refcount = 0;
  uint16_t type = 0;      // SOCK_RAW 3, SOCK_DGRAM 2
  uint16_t protocol = 0;  // ethertype, host order (ETH_P_ALL 3)
  int32_t ifindex = 0;    // 0: any interface
  bool running = false;
  uint32_t uid = 0;
  uint64_t rmem = 0;
  uint64_t inode = 0;
};

// One line without its '\n'. False if it is not a well-formed row (the
// header included). Lines with more fields (a future kernel) still parse.
bool parse_packet_line(std::string_view line, PacketRow& row);
text::ParseStats parse_packet_table(std::string_view text, std::vector<PacketRow>& out);

// "ALL", "IP", "IPv6", "ARP", ... for common ethertypes; nullptr otherwise.
const char* ethertype_name(uint16_t protocol);
// "raw" (SOCK_RAW), "dgram" (SOCK_DGRAM); nullptr otherwise.
const char* packet_type_name(uint16_t type);

struct NetlinkRow {
  text::KernelPointer pointer;
  int32_t protocol = 0;
  uint32_t portid = 0;
  uint32_t groups = 0;
  int32_t rmem = 0;
  int32_t wmem = 0;
  int32_t dump = 0;
  int32_t refcount = 0;
  uint32_t drops = 0;
  uint64_t inode = 0;
};

bool parse_netlink_line(std::string_view line, NetlinkRow& row);
text::ParseStats parse_netlink_table(std::string_view text, std::vector<NetlinkRow>& out);

// "route", "audit", "kobject_uevent", ... (include/uapi/linux/netlink.h);
// nullptr for other numbers.
const char* netlink_protocol_name(int32_t protocol);

}  // namespace proctab
