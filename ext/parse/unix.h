// unix.h — pure parser for /proc/net/unix text.
//
// Printer: net/unix/af_unix.c unix_seq_show. Header
//   Num       RefCount Protocol Flags    Type St Inode Path
// then one line per socket:
//   "%pK: %08X %08X %08X %04X %02X %5lu" and, if the socket has an address,
//   " " followed by the path.
// Path text: a filesystem path verbatim (spaces included: the path is the
// rest of the line after exactly one space), or an abstract name printed with
// a leading '@' (the leading NUL) and every embedded NUL printed as '@'.
// The kernel does not escape paths, so a path containing '\n' breaks its row
// in two: the row keeps the text up to the newline and the rest is skipped
// as a malformed line. Lines that do not have this shape (NUL-filled or
// truncated reads, psutil #766) are skipped, never half-parsed.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/row_parser.h"
#include "text/scan.h"

namespace proctab {

struct UnixRow {
  uint32_t refcount = 0;
  uint32_t protocol = 0;  // always 0
  uint32_t flags = 0;     // __SO_ACCEPTCON (0x10000) when listening
  uint16_t type = 0;      // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5
  uint8_t st = 0;         // SS_UNCONNECTED 1 .. SS_DISCONNECTING 4
  bool has_path = false;
  bool abstract = false;  // path starts with '@' (an abstract name)
  uint64_t inode = 0;
  // The path, as a view into the parsed text (only valid while it lives).
  std::string_view path;
  text::KernelPointer pointer;  // %pK text, opaque
};

constexpr uint32_t kUnixAcceptCon = 0x10000;  // __SO_ACCEPTCON

// One line without its '\n'. False if it is not a well-formed row.
bool parse_unix_line(std::string_view line, UnixRow& row);

// A whole file, appending rows (whose paths point into `text`); the first
// line is the header if it starts with "Num".
text::ParseStats parse_unix_table(std::string_view text, std::vector<UnixRow>& out);

// "stream", "dgram", "seqpacket", "raw", "rdm"; nullptr for other numbers.
const char* unix_type_name(uint32_t type);
// "UNCONNECTED", "CONNECTING", "CONNECTED", "DISCONNECTING"; nullptr otherwise.
const char* unix_state_name(uint32_t st);

}  // namespace proctab
