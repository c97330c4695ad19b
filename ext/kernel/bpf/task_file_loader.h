/* task_file_loader.h — loads the task_file program through its bpftool light
 * skeleton (`bpftool gen skeleton -L`). The kernel relocates the program
 * against its own BTF (a loader program does the CO-RE work inside the
 * kernel), so nothing of libbpf runs here: no libbpf.so, no libelf, and no
 * parsing of the 5 MB /sys/kernel/btf/vmlinux per load (that was 15-20 ms of
 * every statement with the regular skeleton). In C: the generated header is
 * C, not C++. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

struct proctab_task_file;

/* Loads the program: 0 with *out set, or a negative errno. */
int proctab_task_file_load(struct proctab_task_file** out);
/* The program's fd, owned by the handle. */
int proctab_task_file_prog_fd(const struct proctab_task_file* skel);
/* Closes the program. */
void proctab_task_file_destroy(struct proctab_task_file* skel);

#ifdef __cplusplus
}
#endif
