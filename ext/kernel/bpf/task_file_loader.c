/* task_file_loader.c — see task_file_loader.h. */
#include "task_file_loader.h"

#include <errno.h>

#include "task_file.lskel.h" /* generated in the build tree (cmake/bpf.cmake) */

int proctab_task_file_load(struct proctab_task_file** out) {
  *out = 0;
  struct proctab_task_file* skel = proctab_task_file__open();
  if (!skel) return -ENOMEM;
  /* -errno of the failing step (loader map, loader program, or the loader's
   * own result: a relocation the kernel could not make, say). */
  int err = proctab_task_file__load(skel);
  if (err) {
    proctab_task_file__destroy(skel);
    return err < 0 ? err : -EINVAL;
  }
  *out = skel;
  return 0;
}

int proctab_task_file_prog_fd(const struct proctab_task_file* skel) {
  return skel->progs.proctab_task_file.prog_fd;
}

void proctab_task_file_destroy(struct proctab_task_file* skel) {
  proctab_task_file__destroy(skel);
}
