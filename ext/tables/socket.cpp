// socket.cpp — see socket.h.
#include "tables/socket.h"

namespace proctab {

NetnsFilter netns_filter(const Constraint* netns) {
  if (!netns) return NetnsFilter();
  std::vector<uint64_t> only;
  for (const Value& v : netns->values) {
    if (v.integer >= 0) only.push_back(static_cast<uint64_t>(v.integer));
  }
  return NetnsFilter(std::move(only));
}

void inet_address(int family, const uint8_t* bytes, ResultSink& out) {
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text)) return out.null();
  out.text(text);
}

void tcp_state_text(uint32_t st, ResultSink& out) {
  if (const char* name = tcp_state_name(st)) return out.text(name);
  out.text(std::to_string(st));
}

}  // namespace proctab
