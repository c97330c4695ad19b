// task_file_record.h — the binary record the task_file iterator writes (one
// per open descriptor of a thread-group leader, bpf_seq_write), shared by the
// BPF program and the user-space decoder (parse/task_file.h). Fixed size,
// native byte order, no padding: the decoder checks the size and every field
// that can be out of range.
#pragma once

#ifdef __bpf__
typedef unsigned int proctab_u32;
typedef unsigned short proctab_u16;
typedef unsigned char proctab_u8;
typedef unsigned long long proctab_u64;
typedef long long proctab_s64;
#else
#include <stdint.h>
typedef uint32_t proctab_u32;
typedef uint16_t proctab_u16;
typedef uint8_t proctab_u8;
typedef uint64_t proctab_u64;
typedef int64_t proctab_s64;
#endif

// kind: what the descriptor's /proc link would read as (fs/d_path.c): a path,
// or a name a pseudo filesystem makes up (d_dname) on a file system the
// decoder knows by its magic, or one it does not (user space reads the link).
enum {
  PROCTAB_TF_PATH = 0,   // d_path: "/..." (a file, deleted or not)
  PROCTAB_TF_DNAME = 1,  // d_dname: "socket:[N]", "pipe:[N]", "anon_inode:..."; see magic
};

struct proctab_task_file_record {
  proctab_u32 tgid;    // process id (initial pid namespace)
  proctab_u32 fd;      // descriptor number
  proctab_u64 ino;     // inode number of the open file (i_ino)
  proctab_s64 pos;     // file offset (f_pos), as fdinfo 'pos'
  proctab_u32 flags;   // f_flags, | O_CLOEXEC if close-on-exec, as fdinfo 'flags'
  proctab_u32 mnt_id;  // mount id, as fdinfo 'mnt_id'
  proctab_u32 magic;   // s_magic of the file's super block
  proctab_u16 mode;    // i_mode (type and permission bits)
  proctab_u8 kind;     // PROCTAB_TF_*
  proctab_u8 version;  // PROCTAB_TF_VERSION
};

#define PROCTAB_TF_VERSION 1
#define PROCTAB_TF_RECORD_SIZE 40
