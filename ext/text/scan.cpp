// scan.cpp — see scan.h. Hand-rolled loops: these tokens are a few bytes,
// too short for strtoul's or memchr's setup to pay (profiled: a tenth of a
// /proc/net/tcp scan's user time went to memchr in split_colon).
#include "text/scan.h"

#include <cstring>

namespace proctab::text {

namespace {

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

}  // namespace

bool parse_hex_u64(std::string_view s, uint64_t& value) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = hex_digit(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  value = v;
  return true;
}

bool parse_dec_u64(std::string_view s, uint64_t& value) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  value = v;
  return true;
}

bool parse_dec_i64(std::string_view s, int64_t& value) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  uint64_t magnitude;
  if (!parse_dec_u64(s, magnitude)) return false;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    value = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    value = static_cast<int64_t>(magnitude);
  }
  return true;
}

bool dec_i32(std::string_view s, int32_t& out) {
  int64_t v;
  if (!parse_dec_i64(s, v) || v < INT32_MIN || v > INT32_MAX) return false;
  out = static_cast<int32_t>(v);
  return true;
}

size_t split_fields(std::string_view line, std::string_view* tokens, size_t max) {
  size_t count = 0;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && is_blank(line[i])) ++i;
    if (i >= n) break;
    size_t start = i;
    while (i < n && !is_blank(line[i])) ++i;
    if (count == max) return max + 1;
    tokens[count++] = line.substr(start, i - start);
  }
  return count;
}

bool split_colon(std::string_view s, std::string_view& a, std::string_view& b) {
  size_t colon = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ':') continue;
    if (colon != std::string_view::npos) return false;
    colon = i;
  }
  if (colon == std::string_view::npos) return false;
  a = s.substr(0, colon);
  b = s.substr(colon + 1);
  return true;
}

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
