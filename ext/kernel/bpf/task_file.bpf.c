// SPDX-License-Identifier: GPL-2.0
// task_file.bpf.c — the iter/task_file program behind proc_fd's 'bpf' source.
//
// The kernel calls it once per (task, fd, file) of every task the iterator
// visits; it writes one fixed-size record (task_file_record.h) per descriptor
// into the iterator's seq_file, which user space read()s from the iterator
// fd. Only thread-group leaders are reported: /proc/PID/fd lists the leader's
// file table, and a thread sharing it would repeat every row (the kernel
// already skips threads whose table is their leader's; one that unshared its
// table, which /proc/PID/fd does not show either, is skipped here).
//
// GPL: bpf_seq_write is a GPL-only helper, and so are tracing programs.
// The kernel types first: libbpf's headers use them.
// clang-format off
#include "kernel_types.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "task_file_record.h"

char LICENSE[] SEC("license") = "GPL";

#define O_CLOEXEC 02000000

SEC("iter/task_file")
int proctab_task_file(struct bpf_iter__task_file* ctx) {
  struct seq_file* seq = ctx->meta->seq;
  struct task_struct* task = ctx->task;
  struct file* file = ctx->file;
  if (!task || !file) return 0;  // the end-of-iteration call
  if (task->pid != task->tgid) return 0;

  struct proctab_task_file_record r = {};
  struct inode* inode = file->f_inode;
  u32 fd = ctx->fd;
  r.tgid = (u32)task->tgid;
  r.fd = fd;
  r.ino = inode->i_ino;
  r.mode = inode->i_mode;
  r.magic = (u32)inode->i_sb->s_magic;
  r.pos = file->f_pos;
  r.flags = file->f_flags;
  r.version = PROCTAB_TF_VERSION;

  // fdinfo's 'flags' adds O_CLOEXEC from the table's close-on-exec bitmap
  // (fs/proc/fd.c); the bit lives in the task's current fdtable.
  unsigned long* bits = task->files->fdt->close_on_exec;
  unsigned long word = 0;
  if (bpf_probe_read_kernel(&word, sizeof word, bits + fd / 64) == 0 && (word >> (fd % 64) & 1)) {
    r.flags |= O_CLOEXEC;
  }

  // mnt_id is the struct mount around the file's vfsmount (real_mount()).
  struct vfsmount* mnt = file->f_path.mnt;
  struct mount* m = (struct mount*)((char*)mnt - bpf_core_field_offset(struct mount, mnt));
  r.mnt_id = (u32)BPF_CORE_READ(m, mnt_id);

  // d_path uses the file system's d_dname, if it has one, unless the dentry
  // is the root of the mount it is reached through (a bind-mounted
  // namespace file reads as its path). The same test here.
  struct dentry* dentry = file->f_path.dentry;
  const struct dentry_operations* ops = dentry->d_op;
  r.kind = PROCTAB_TF_PATH;
  if (ops && ops->d_dname && (dentry->d_parent != dentry || dentry != mnt->mnt_root)) {
    r.kind = PROCTAB_TF_DNAME;
  }

  bpf_seq_write(seq, &r, sizeof r);
  return 0;
}
