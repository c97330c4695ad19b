// fuzz_inet_diag — parse_inet_diag_buffer / parse_inet_diag_message on
// arbitrary bytes, as a recv() of a sock_diag dump would hand them over:
// lengths, truncated and unknown attributes, a tcp_info of any size.
#include <sys/socket.h>

#include <cstring>
#include <string_view>

#include "fuzz_check.h"
#include "parse/inet_diag.h"

using namespace proctab;

namespace {

void check(const InetDiagMessage& m) {
  require(m.family == AF_INET || m.family == AF_INET6);
  require(m.skmem_count <= SK_MEMINFO_VARS);
  require(memchr(m.congestion, '\0', sizeof m.congestion) != nullptr);
  // Fields past what the kernel sent read as absent.
  if (m.info_len < sizeof m.info) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&m.info);
    for (size_t i = m.info_len; i < sizeof m.info; ++i) require(bytes[i] == 0);
  }
  if (PROCTAB_HAS_INFO_FIELD(m, tcpi_snd_wnd)) require(m.info_len >= 232);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t seen = 0;
  parse_inet_diag_buffer(bytes, [&](const InetDiagMessage& m) {
    check(m);
    ++seen;
  });
  require(seen <= size / 16 + 1);
  InetDiagMessage one;
  if (parse_inet_diag_message(bytes, one)) check(one);
  return 0;
}
