/* bench_tapfwd: the minimal C TAP-to-TAP forwarder the TAP bridge is compared against
 * (bench/tap.sh). Two TAP interfaces, one poll loop, each frame read from one written to the
 * other: the least a user-space forwarder between two TAPs can do, so that the ratio of
 * `ndishost bridge`'s packets per second to this one's is the cost of the miniport and the host.
 *
 *   bench_tapfwd TAP0 TAP1 [--duration SECONDS]
 *
 * Prints "tapfwd: ready" once both TAPs exist (the caller then moves them into namespaces) and, at
 * the end (SIGINT, SIGTERM or the duration), the frames forwarded each way. Needs CAP_NET_ADMIN
 * and /dev/net/tun: exit status 2 without them. Named bench_* so that the build makes it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int tap_open(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
    {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc < 3)
    {
        fprintf(stderr, "usage: bench_tapfwd TAP0 TAP1 [--duration SECONDS]\n");
        return 2;
    }
    double duration = 0;
    if (argc >= 5 && !strcmp(argv[3], "--duration"))
        duration = atof(argv[4]);
    int fd[2] = {tap_open(argv[1]), tap_open(argv[2])};
    if (fd[0] < 0 || fd[1] < 0)
    {
        fprintf(stderr, "tapfwd: cannot create TAP interfaces %s/%s: %s (needs CAP_NET_ADMIN and /dev/net/tun)\n",
                argv[1], argv[2], strerror(errno));
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("tapfwd: ready\n");
    fflush(stdout);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long long frames[2] = {0, 0}, dropped = 0;
    static unsigned char buf[65536];
    struct pollfd p[2] = {{.fd = fd[0], .events = POLLIN}, {.fd = fd[1], .events = POLLIN}};
    while (!stop)
    {
        int r = poll(p, 2, 200);
        if (r < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++)
        {
            if (!(p[i].revents & POLLIN))
                continue;
            /* Drain what is queued, a bounded number at a time so that the other side is served. */
            for (int k = 0; k < 64; k++)
            {
                ssize_t n = read(fd[i], buf, sizeof buf);
                if (n <= 0)
                    break;
                if (write(fd[1 - i], buf, (size_t)n) == n)
                    frames[i]++;
                else
                    dropped++;
            }
        }
        if (duration > 0)
        {
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 >= duration)
                break;
        }
    }
    printf("tapfwd: forwarded %llu frames %s->%s, %llu %s->%s, %llu dropped\n", frames[0], argv[1], argv[2], frames[1],
           argv[2], argv[1], dropped);
    close(fd[0]);
    close(fd[1]);
    return 0;
}
