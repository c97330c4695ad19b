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

bool parse_hex_u64(std::string_view s, uint64_t& value);  // 1..16 hex digits, either case
bool parse_dec_u64(std::string_view s, uint64_t& value);  // 1..20 digits, no sign, no overflow
bool parse_dec_i64(std::string_view s, int64_t& value);   // an optional '-', then digits

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
bool dec_i32(std::string_view s, int32_t& out);

// Splits `line` on runs of blanks (space, tab, CR) into at most `max` tokens;
// returns the count, or max + 1 if there are more.
size_t split_fields(std::string_view line, std::string_view* tokens, size_t max);

// Splits "a:b" at its only colon; false if there is none or more than one.
bool split_colon(std::string_view s, std::string_view& a, std::string_view& b);

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
