// scan.h — the scanners every /proc parser is built from: numbers, blank-
// separated tokens, trimming, and the kernel's %pK pointer text.
//
// Pure: bytes in, values out; no allocation, no locale, no errno. Each
// number scanner parses the whole of its input or returns false, so a
// parser never accepts a token it half-understood.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace proctab::text {

// The hot scanners are inline: a /proc/net/tcp line is about 30 calls of
// them, and a call each cost a tenth of a scan when they were not.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// 1..16 hex digits, either case.
inline bool parse_hex_u64(std::string_view s, uint64_t& value) {
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

// 1..20 digits, no sign, no overflow.
inline bool parse_dec_u64(std::string_view s, uint64_t& value) {
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

// An optional '-', then digits.
inline bool parse_dec_i64(std::string_view s, int64_t& value) {
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

inline bool dec_i32(std::string_view s, int32_t& out) {
  int64_t v;
  if (!parse_dec_i64(s, v) || v < INT32_MIN || v > INT32_MAX) return false;
  out = static_cast<int32_t>(v);
  return true;
}

// Splits `line` on runs of blanks (space, tab, CR) into at most `max` tokens;
// returns the count, or max + 1 if there are more.
inline size_t split_fields(std::string_view line, std::string_view* tokens, size_t max) {
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

// Splits "a:b" at its only colon; false if there is none or more than one.
// (A plain loop: these tokens are a few bytes, too short for memchr's setup.)
inline bool split_colon(std::string_view s, std::string_view& a, std::string_view& b) {
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

// Unsigned scanners that also check the value fits T (uint8_t .. uint64_t).
template <typename T, bool (*Parse)(std::string_view, uint64_t&)>
bool parse_as(std::string_view s, T& out) {
  uint64_t v;
  if (!Parse(s, v) || v > static_cast<uint64_t>(static_cast<T>(~T{0}))) return false;
  out = static_cast<T>(v);
  return true;
}
template <typename T>
bool hex_as(std::string_view s, T& out) {
  return parse_as<T, parse_hex_u64>(s, out);
}
template <typename T>
bool dec_as(std::string_view s, T& out) {
  return parse_as<T, parse_dec_u64>(s, out);
}

// `s` without leading and trailing blanks (space, tab, CR, LF).
std::string_view trim(std::string_view s);

// The N of "TAG:[N]" (a decimal number), as the kernel names anonymous
// inodes: "socket:[123]", "pipe:[9]", "net:[4026531840]". nullopt if the
// whole of `s` does not have that shape for `tag`.
std::optional<uint64_t> parse_tagged_number(std::string_view s, std::string_view tag);

// A kernel pointer as printed by %pK: 1..16 hex digits, hashed or zeroed
// under kptr_restrict. Kept as opaque text: copies it into `out` (16 bytes).
struct KernelPointer {
  char text[16] = {};
  uint8_t length = 0;
  std::string_view view() const { return std::string_view(text, length); }
};
bool parse_kernel_pointer(std::string_view s, KernelPointer& out);

}  // namespace proctab::text
