/*
 * fdwalk: the floor for a full proc_fd scan.
 *
 * Reads /proc with getdents64, and for every numeric entry (a pid) opens
 * /proc/PID/fd with openat, reads it with getdents64 and calls readlinkat on
 * every entry.  This is the least work any tool must do to learn the target
 * of every open fd on the machine.  Processes or fds that vanish meanwhile
 * are skipped, as a real tool would.
 *
 * Prints "<entries> <total target bytes>" so its result can be checked
 * against SELECT count(target), sum(length(target)) FROM proc_fd.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static char procbuf[1 << 16];
static char fdbuf[1 << 16];

int main(void) {
    int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) {
        perror("open /proc");
        return 1;
    }
    unsigned long long entries = 0, bytes = 0;
    char path[64], target[4096];
    for (;;) {
        long n = syscall(SYS_getdents64, proc, procbuf, sizeof procbuf);
        if (n <= 0) break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(procbuf + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (name[0] < '1' || name[0] > '9') continue;
            int len = 0;
            while (name[len] >= '0' && name[len] <= '9') len++;
            if (name[len] != '\0') continue;
            snprintf(path, sizeof path, "%s/fd", name);
            int fdd = openat(proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fdd < 0) continue;
            for (;;) {
                long m = syscall(SYS_getdents64, fdd, fdbuf, sizeof fdbuf);
                if (m <= 0) break;
                for (long o = 0; o < m;) {
                    struct linux_dirent64 *e = (struct linux_dirent64 *)(fdbuf + o);
                    o += e->d_reclen;
                    if (e->d_name[0] == '.') continue;
                    ssize_t r = readlinkat(fdd, e->d_name, target, sizeof target);
                    if (r < 0) continue;
                    entries++;
                    bytes += (unsigned long long)r;
                }
            }
            close(fdd);
        }
    }
    close(proc);
    printf("%llu %llu\n", entries, bytes);
    return 0;
}
