// scan.cpp — see scan.h: the scanners that are not on a hot path.
#include "text/scan.h"

#include <cstring>

namespace proctab::text {

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> parse_tagged_number(std::string_view s, std::string_view tag) {
  if (s.size() < tag.size() + 4 || s.substr(0, tag.size()) != tag ||
      s.substr(tag.size(), 2) != ":[" || s.back() != ']') {
    return std::nullopt;
  }
  uint64_t n;
  if (!parse_dec_u64(s.substr(tag.size() + 2, s.size() - tag.size() - 3), n)) return std::nullopt;
  return n;
}

bool parse_kernel_pointer(std::string_view s, KernelPointer& out) {
  if (s.empty() || s.size() > sizeof out.text) return false;
  for (char c : s) {
    if (hex_digit(c) < 0) return false;
  }
  std::memcpy(out.text, s.data(), s.size());
  out.length = static_cast<uint8_t>(s.size());
  return true;
}

}  // namespace proctab::text
