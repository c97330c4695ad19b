// udp.cpp — see udp.h. The 12 shared fields are inet.h's.
#include "parse/udp.h"

namespace proctab {

using namespace text;

bool parse_udp_line(std::string_view line, int family, UdpRow& row) {
  std::string_view tok[kInetMaxTokens];
  row = UdpRow{};
  if (parse_inet_line(line, family, tok, row) < 13) return false;
  uint64_t drops;
  if (!parse_dec_u64(tok[12], drops) || drops > UINT32_MAX) return false;
  row.drops = static_cast<uint32_t>(drops);
  return true;
}

ParseStats parse_udp_table(std::string_view text, int family, std::vector<UdpRow>& out) {
  return parse_rows(text, "sl", out, [family](std::string_view line, UdpRow& row) {
    return parse_udp_line(line, family, row);
  });
}

}  // namespace proctab
