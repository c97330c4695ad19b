/*
 * holder: hold a given number of real loopback TCP sockets open until killed.
 *
 *   holder ID NSOCKETS [V6_PERCENT]
 *
 * Creates listeners on 127.<1+ID/200>.<ID%200+1>.1 (and ::1 when V6_PERCENT > 0)
 * on ports below the ephemeral range, then makes connected pairs
 * (connect + accept, both ends kept in this process) until NSOCKETS sockets
 * (listeners + both ends of each connection) are open.  Each listener takes
 * at most PER_LISTENER connections, so no (src, dst, dport) tuple comes near
 * the ~28k ephemeral ports; holders use distinct destination addresses.
 *
 * Every socket gets SO_LINGER {1, 0}: when this process dies, all its
 * sockets are reset, so nothing lingers in TIME_WAIT to pollute the next run.
 *
 * Prints "READY <sockets> <listeners> <connections>" on stdout once every
 * connection is established (and accepted), then sleeps.  Dies with its
 * parent (PR_SET_PDEATHSIG) and on SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PER_LISTENER 4000
#define MAX_LISTENERS 64
#define PORT_BASE 17000

static void die(const char *what) {
    fprintf(stderr, "holder: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void no_linger(int fd) {
    struct linger l = {1, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) < 0) die("SO_LINGER");
}

struct lst {
    int fd;
    int family;
    struct sockaddr_storage addr;
    socklen_t len;
};

/* Bind a listener on addr, trying ports from PORT_BASE + id*16 upwards. */
static void make_listener(struct lst *L, int family, const char *ip, int id, int k) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket(listener)");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    no_linger(fd);
    memset(&L->addr, 0, sizeof L->addr);
    for (int port = PORT_BASE + id * 64 + k; port < 32000; port += 4096) {
        if (family == AF_INET) {
            struct sockaddr_in *a = (struct sockaddr_in *)&L->addr;
            a->sin_family = AF_INET;
            a->sin_port = htons(port);
            inet_pton(AF_INET, ip, &a->sin_addr);
            L->len = sizeof *a;
        } else {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&L->addr;
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(port);
            inet_pton(AF_INET6, ip, &a->sin6_addr);
            L->len = sizeof *a;
        }
        if (bind(fd, (struct sockaddr *)&L->addr, L->len) == 0) {
            if (listen(fd, 1024) < 0) die("listen");
            L->fd = fd;
            L->family = family;
            return;
        }
        if (errno != EADDRINUSE) die("bind");
    }
    die("no free listener port");
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: holder ID NSOCKETS [V6_PERCENT]\n");
        return 2;
    }
    int id = atoi(argv[1]);
    long nsock = atol(argv[2]);
    int v6pct = argc > 3 ? atoi(argv[3]) : 0;
    pid_t parent = getppid();

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("prctl");
    if (getppid() != parent) return 1; /* parent already gone */

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    getrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)nsock + 16 > rl.rlim_cur) {
        fprintf(stderr, "holder: %ld sockets exceed the fd limit %lu\n", nsock,
                (unsigned long)rl.rlim_cur);
        return 1;
    }

    char ip4[32];
    snprintf(ip4, sizeof ip4, "127.%d.%d.1", 1 + id / 200, id % 200 + 1);

    /* Plan: connections c, listeners l, with 2c + l == nsock (± 1). */
    long conns6 = 0, conns4 = 0;
    int l4 = 0, l6 = 0;
    {
        long c = nsock / 2;
        for (int it = 0; it < 4; it++) { /* fixpoint for the listener count */
            long c6 = v6pct > 0 ? c * v6pct / 100 : 0;
            long c4 = c - c6;
            l6 = c6 > 0 ? (int)((c6 + PER_LISTENER - 1) / PER_LISTENER) : 0;
            l4 = c4 > 0 ? (int)((c4 + PER_LISTENER - 1) / PER_LISTENER) : 1;
            c = (nsock - l4 - l6) / 2;
            if (c < 0) c = 0;
            conns6 = v6pct > 0 ? c * v6pct / 100 : 0;
            conns4 = c - conns6;
        }
    }
    /* one idle listener more when the parity does not work out, so that
     * exactly NSOCKETS sockets are held */
    int spare = (int)(nsock - 2 * (conns4 + conns6) - l4 - l6);
    if (spare < 0) spare = 0;
    if (l4 + l6 + spare > MAX_LISTENERS) {
        fprintf(stderr, "holder: too many listeners\n");
        return 1;
    }

    struct lst L[MAX_LISTENERS];
    int nl = 0;
    for (int k = 0; k < l4; k++) make_listener(&L[nl++], AF_INET, ip4, id, k);
    for (int k = 0; k < l6; k++) make_listener(&L[nl++], AF_INET6, "::1", id, 32 + k);
    struct lst idle[MAX_LISTENERS];
    for (int k = 0; k < spare; k++) make_listener(&idle[k], AF_INET, ip4, id, 16 + k);

    long made = 0;
    for (int li = 0; li < nl; li++) {
        long want = L[li].family == AF_INET ? conns4 : conns6;
        int nsame = L[li].family == AF_INET ? l4 : l6;
        int idx = L[li].family == AF_INET ? li : li - l4;
        long share = want / nsame + (idx < want % nsame ? 1 : 0);
        for (long j = 0; j < share; j++) {
            int c = socket(L[li].family, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (c < 0) die("socket");
            no_linger(c);
            while (connect(c, (struct sockaddr *)&L[li].addr, L[li].len) < 0) {
                if (errno == EINTR) continue;
                die("connect");
            }
            int s;
            while ((s = accept4(L[li].fd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
                if (errno == EINTR) continue;
                die("accept");
            }
            no_linger(s);
            made++;
        }
    }

    printf("READY %ld %d %ld\n", 2 * made + nl + spare, nl + spare, made);
    fflush(stdout);

    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    for (;;) pause();
}
