/*
 * sleeper: keep COUNT cheap processes alive (this one plus COUNT-1 forked
 * children), all paused, until killed.
 *
 *   sleeper COUNT
 *
 * Prints "READY <count>" on stdout once every child exists.  Each child dies
 * when this process dies and this process dies with its own parent
 * (PR_SET_PDEATHSIG), so killing this one pid reaps them all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 1;
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return 1;
    if (getppid() != parent) return 1;

    pid_t self = getpid();
    pid_t *kids = calloc(count > 0 ? count : 1, sizeof *kids);
    if (!kids) return 1;
    /* Close stdout in the children so the runner's pipe gets EOF as soon as
     * this root exits, and keep each child as small as possible. */
    for (long i = 1; i < count; i++) {
        pid_t p = fork();
        if (p < 0) {
            fprintf(stderr, "sleeper: fork #%ld: %s\n", i, strerror(errno));
            return 1;
        }
        if (p == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != self) _exit(0);
            fclose(stdout);
            for (;;) pause();
        }
        kids[i] = p;
    }
    printf("READY %ld\n", count);
    fflush(stdout);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    while (!stop) pause();
    /* Kill and reap our own children (they would also get SIGKILL from
     * PR_SET_PDEATHSIG, but then someone else would have to reap them). */
    for (long i = 1; i < count; i++) kill(kids[i], SIGKILL);
    for (long i = 1; i < count; i++) waitpid(kids[i], NULL, 0);
    return 0;
}
