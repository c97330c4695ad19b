// unix_diag.h — pure parser of UNIX_DIAG replies (NETLINK_SOCK_DIAG,
// sdiag_family AF_UNIX): the kernel's binary answer to what `ss -x` asks,
// into rows shaped like parse/unix.h's /proc/net/unix rows plus what only
// netlink has (peer, queues, bound file, memory, owner, shutdown).
//
// Sender: net/unix/diag.c sk_diag_fill. One netlink message per socket:
//   struct nlmsghdr | struct unix_diag_msg | attributes (struct nlattr, each
//   padded to 4 bytes)
// Attributes, each sent only when the request's udiag_show asked for it
// (UNIX_DIAG_SHUTDOWN always):
//   UNIX_DIAG_NAME      sun_path bytes (addr->len - 2): a pathname with its
//                       terminating NUL, or an abstract name starting with NUL
//   UNIX_DIAG_VFS       struct unix_diag_vfs {ino, dev}: the bound file (the
//                       dev in the kernel's encoding: major << 20 | minor)
//   UNIX_DIAG_PEER      u32 inode of the other end
//   UNIX_DIAG_ICONS     u32[] inodes of the clients a listener has not
//                       accepted yet
//   UNIX_DIAG_RQLEN     struct unix_diag_rqlen: a listener's queued
//                       connections and backlog limit, else bytes queued to
//                       read and send memory in use
//   UNIX_DIAG_MEMINFO   u32[SK_MEMINFO_VARS] (9 on 6.x; older kernels fewer)
//   UNIX_DIAG_SHUTDOWN  u8 sk_shutdown (1 RCV_SHUTDOWN, 2 SEND_SHUTDOWN)
//   UNIX_DIAG_UID       u32, mapped into the reader's user namespace
//
// The bytes come from the kernel but are treated as untrusted: every length
// is checked, a message shorter than unix_diag_msg is no row, an attribute
// whose length runs past its message ends the attribute walk (the attributes
// before it are kept), an attribute shorter than its type's payload and an
// unknown attribute are skipped, never half-read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/unix.h"

namespace proctab {

// SK_MEMINFO_* (include/uapi/linux/sock_diag.h), the indexes of
// UNIX_DIAG_MEMINFO's array that the table shows.
enum UnixMeminfo : uint8_t {
  kMemRmemAlloc = 0,  // receive queue memory in use
  kMemRcvbuf = 1,     // receive buffer limit (SO_RCVBUF)
  kMemWmemAlloc = 2,  // send memory in use
  kMemSndbuf = 3,     // send buffer limit (SO_SNDBUF)
  kMemDrops = 8,      // packets dropped (5.x+)
  kMemVars = 9,
};

// What a UNIX_DIAG message adds to a /proc/net/unix row. Each `has_` says
// whether the attribute came (asked for, and the socket has it).
struct UnixDiagExtra {
  uint8_t sk_state = 0;  // the kernel's sk_state: 1 ESTABLISHED, 7 CLOSE, 10 LISTEN
  uint64_t cookie = 0;   // udiag_cookie: a socket's unique id in this boot
  // UNIX_DIAG_NAME's bytes as sent: a view into the message.
  std::string_view raw_name;
  bool has_peer = false;
  uint32_t peer_inode = 0;
  bool has_rqlen = false;
  uint32_t rqueue = 0, wqueue = 0;
  bool has_vfs = false;
  uint32_t vfs_inode = 0, vfs_dev = 0;
  bool has_icons = false;
  uint32_t icons = 0;  // how many inodes the list holds
  bool has_meminfo = false;
  uint8_t meminfo_count = 0;  // entries sent (kept up to kMemVars)
  uint32_t meminfo[kMemVars] = {};
  bool has_shutdown = false;
  uint8_t shutdown = 0;
  bool has_uid = false;
  uint32_t uid = 0;
};

// A row of either source: /proc/net/unix fills the UnixRow part, UNIX_DIAG
// fills both (its refcount and pointer stay empty: it does not send them).
struct UnixDiagRow : UnixRow {
  bool from_netlink = false;
  UnixDiagExtra diag;
};

// One message's payload (the bytes after its struct nlmsghdr). Fills every
// field UNIX_DIAG determines, as /proc/net/unix would print it: flags
// (__SO_ACCEPTCON for a listener), type, st (SS_* derived from sk_state and
// whether the socket has a file, as unix_seq_show does), inode; the path is
// left to unix_diag_path_text (it needs storage). False if the payload is
// not a UNIX_DIAG message (too short, or another family).
bool parse_unix_diag_message(std::string_view payload, UnixDiagRow& row);

// How /proc/net/unix prints UNIX_DIAG_NAME's bytes (unix_seq_show): a
// pathname without its terminating NUL, an abstract name as '@' then the
// name, every other NUL as '@'. Writes at most raw.size() + 1 bytes to out;
// returns how many.
size_t unix_diag_path_text(std::string_view raw, char* out);

// Walks a buffer of netlink messages as recv() returns them.
struct UnixDiagStats {
  size_t rows = 0;
  size_t skipped = 0;        // messages of the diag type that were no row
  bool done = false;         // NLMSG_DONE seen
  int error = 0;             // a positive errno from NLMSG_ERROR (0: none)
  bool interrupted = false;  // a message flagged NLM_F_DUMP_INTR
  bool truncated = false;    // the buffer ended inside a message
};
// Appends a row per well-formed SOCK_DIAG_BY_FAMILY message; stops at
// NLMSG_DONE, NLMSG_ERROR, or a header whose length is impossible.
UnixDiagStats parse_unix_diag_reply(std::string_view bytes, std::vector<UnixDiagRow>& out);

// The request payload of a dump (struct unix_diag_req in wire form):
// sockets whose sk_state is in `states` (bit 1 << sk_state), with the
// attributes `show` (UDIAG_SHOW_* bits) asks for.
std::string unix_diag_request(uint32_t states, uint32_t show);

// udiag_states bits (1 << sk_state) that can give a row whose 'St' column
// (SS_* as /proc prints it) is `st`: 0 for a number no row has.
uint32_t unix_diag_states_for_st(uint64_t st);
inline constexpr uint32_t kUnixDiagAllStates = ~0u;
inline constexpr uint32_t kUnixDiagListen = 1u << 10;  // TCP_LISTEN

}  // namespace proctab
