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

namespace {

// "a.b.c.d" of 4 bytes; returns the end. (glibc's inet_ntop formats IPv4
// with sprintf: a tenth of a self-join's time went there.)
char* format_ipv4(const uint8_t* b, char* out) {
  for (int i = 0; i < 4; ++i) {
    if (i) *out++ = '.';
    unsigned v = b[i];
    if (v >= 100) *out++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *out++ = static_cast<char>('0' + v / 10 % 10);
    *out++ = static_cast<char>('0' + v % 10);
  }
  return out;
}

}  // namespace

void inet_address(int family, const uint8_t* bytes, ResultSink& out) {
  char text[INET6_ADDRSTRLEN];
  if (family == 4) {
    return out.text(std::string_view(text, static_cast<size_t>(format_ipv4(bytes, text) - text)));
  }
  if (!inet_ntop(AF_INET6, bytes, text, sizeof text)) return out.null();
  out.text(text);
}

void tcp_state_text(uint32_t st, ResultSink& out) {
  if (const char* name = tcp_state_name(st)) return out.text(name);
  out.text(std::to_string(st));
}

}  // namespace proctab
