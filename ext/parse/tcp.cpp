// tcp.cpp — see tcp.h. No sscanf, no strtol, no allocation per row.
#include "parse/tcp.h"

namespace proctab {

using namespace text;

bool parse_tcp_line(std::string_view line, int family, TcpRow& row) {
  std::string_view tok[kInetMaxTokens];
  row = TcpRow{};
  size_t n = parse_inet_line(line, family, tok, row);
  if (n != 12 && n < 17) return false;

  if (n == 12) {
    // Short rows: the state tells which printer produced them.
    if (row.st == 3) {
      row.kind = TcpKind::kRequest;
    } else if (row.st == 5 || row.st == 6) {
      row.kind = TcpKind::kTimewait;
    } else {
      return false;
    }
    return true;
  }

  row.kind = TcpKind::kSocket;
  int32_t quick_pingpong;
  if (!parse_dec_u64(tok[12], row.rto_ticks) || !parse_dec_u64(tok[13], row.ato_ticks) ||
      !dec_i32(tok[14], quick_pingpong) || quick_pingpong < 0 || !dec_as(tok[15], row.snd_cwnd) ||
      !dec_i32(tok[16], row.ssthresh)) {
    return false;
  }
  // (icsk_ack.quick << 1) | inet_csk_in_pingpong_mode(sk); quick is a u8.
  if (quick_pingpong > 0x1ff) return false;
  row.quick = static_cast<uint8_t>(quick_pingpong >> 1);
  row.pingpong = (quick_pingpong & 1) != 0;
  return true;
}

ParseStats parse_tcp_table(std::string_view text, int family, std::vector<TcpRow>& out) {
  return parse_rows(text, "sl", out, [family](std::string_view line, TcpRow& row) {
    return parse_tcp_line(line, family, row);
  });
}

}  // namespace proctab
