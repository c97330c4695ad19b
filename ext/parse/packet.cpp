// packet.cpp — see packet.h.
#include "parse/packet.h"

namespace proctab {

using namespace text;

namespace {

constexpr size_t kMaxTokens = 24;

bool dec_u32(std::string_view s, uint32_t& out) {
  return dec_as(s, out);
}

}  // namespace

bool parse_packet_line(std::string_view line, PacketRow& row) {
  row = PacketRow{};
  std::string_view tok[kMaxTokens];
  size_t n = split_fields(line, tok, kMaxTokens);
  if (n < 9 || n > kMaxTokens) return false;
  uint32_t running;
  if (!parse_kernel_pointer(tok[0], row.pointer) || !dec_i32(tok[1], row.refcount) ||
      !dec_as(tok[2], row.type) || tok[3].size() > 4 || !hex_as(tok[3], row.protocol) ||
      !dec_i32(tok[4], row.ifindex) || !dec_u32(tok[5], running) || running > 1 ||
      !dec_as(tok[6], row.rmem) || !dec_u32(tok[7], row.uid) || !parse_dec_u64(tok[8], row.inode)) {
    return false;
  }
  row.running = running == 1;
  return true;
}

ParseStats parse_packet_table(std::string_view text, std::vector<PacketRow>& out) {
  return parse_rows(text, "sk", out, parse_packet_line);
}

const char* ethertype_name(uint16_t protocol) {
  switch (protocol) {
    case 0x0000:
      return "none";
    case 0x0003:
      return "ALL";
    case 0x0800:
      return "IP";
    case 0x0806:
      return "ARP";
    case 0x86DD:
      return "IPv6";
    case 0x8100:
      return "802.1Q";
    case 0x88CC:
      return "LLDP";
    case 0x888E:
      return "EAPOL";
    case 0x8035:
      return "RARP";
    case 0x88A8:
      return "802.1AD";
    case 0x8863:
      return "PPPoE discovery";
    case 0x8864:
      return "PPPoE session";
  }
  return nullptr;
}

const char* packet_type_name(uint16_t type) {
  switch (type) {
    case 2:
      return "dgram";
    case 3:
      return "raw";
    case 10:
      return "packet";  // SOCK_PACKET, the obsolete interface
  }
  return nullptr;
}

bool parse_netlink_line(std::string_view line, NetlinkRow& row) {
  row = NetlinkRow{};
  std::string_view tok[kMaxTokens];
  size_t n = split_fields(line, tok, kMaxTokens);
  if (n < 10 || n > kMaxTokens) return false;
  return parse_kernel_pointer(tok[0], row.pointer) && dec_i32(tok[1], row.protocol) &&
         dec_u32(tok[2], row.portid) && tok[3].size() <= 8 && hex_as(tok[3], row.groups) &&
         dec_i32(tok[4], row.rmem) && dec_i32(tok[5], row.wmem) && dec_i32(tok[6], row.dump) &&
         dec_i32(tok[7], row.refcount) && dec_u32(tok[8], row.drops) &&
         parse_dec_u64(tok[9], row.inode);
}

ParseStats parse_netlink_table(std::string_view text, std::vector<NetlinkRow>& out) {
  return parse_rows(text, "sk", out, parse_netlink_line);
}

const char* netlink_protocol_name(int32_t protocol) {
  static const char* const kNames[] = {
      "route",         "unused",   "usersock", "firewall",       "sock_diag",  "nflog",
      "xfrm",          "selinux",  "iscsi",    "audit",          "fib_lookup", "connector",
      "netfilter",     "ip6_fw",   "dnrtmsg",  "kobject_uevent", "generic",    nullptr,
      "scsitransport", "ecryptfs", "rdma",     "crypto",         "smc",
  };
  if (protocol < 0 || protocol >= static_cast<int32_t>(sizeof kNames / sizeof kNames[0])) {
    return nullptr;
  }
  return kNames[protocol];
}

}  // namespace proctab
