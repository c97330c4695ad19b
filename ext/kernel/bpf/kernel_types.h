// kernel_types.h — the few kernel structures task_file.bpf.c reads, declared
// with only the fields it uses. preserve_access_index makes every access a
// CO-RE relocation: libbpf finds each field by name in the running kernel's
// BTF (/sys/kernel/btf/vmlinux) at load time, whatever its offset there. So
// the build needs no BTF of its own (no generated 3 MB vmlinux.h, the same
// object for every kernel), and a kernel whose structures lack a field fails
// the load, which proctab reports and falls back from.
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;
typedef u16 umode_t;
// What libbpf's bpf_helper_defs.h names (vmlinux.h would declare them).
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef s64 __s64;
typedef u16 __be16;
typedef u32 __be32;
typedef u32 __wsum;
typedef s64 loff_t;

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct seq_file;

struct bpf_iter_meta {
  struct seq_file* seq;
  u64 seq_num;
};

struct super_block {
  unsigned long s_magic;
};

struct inode {
  umode_t i_mode;
  struct super_block* i_sb;
  unsigned long i_ino;
};

struct dentry;

struct dentry_operations {
  char* (*d_dname)(struct dentry*, char*, int);
};

struct dentry {
  struct dentry* d_parent;
  const struct dentry_operations* d_op;
};

struct vfsmount {
  struct dentry* mnt_root;
};

struct mount {
  struct vfsmount mnt;
  int mnt_id;
};

struct path {
  struct vfsmount* mnt;
  struct dentry* dentry;
};

struct file {
  struct path f_path;
  struct inode* f_inode;
  unsigned int f_flags;
  loff_t f_pos;
};

struct fdtable {
  unsigned long* close_on_exec;
};

struct files_struct {
  struct fdtable* fdt;
};

struct task_struct {
  s32 pid;
  s32 tgid;
  struct files_struct* files;
};

struct bpf_iter__task_file {
  struct bpf_iter_meta* meta;
  struct task_struct* task;
  u32 fd;
  struct file* file;
};

#pragma clang attribute pop
