/* Linux TAP interfaces (see tap.h). */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int tap_open(const char *name, tap_error *why, char *err, size_t n)
{
    tap_error dummy;
    if (!why)
        why = &dummy;
    if (!name || !*name || strlen(name) >= IFNAMSIZ)
    {
        *why = TAP_FAILED;
        snprintf(err, n, "bad TAP interface name '%s' (1..%d characters)", name ? name : "", IFNAMSIZ - 1);
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
    {
        int e = errno;
        if (e == ENOENT || e == ENXIO || e == ENODEV)
        {
            *why = TAP_NO_DEVICE;
            snprintf(err, n, "cannot create TAP interfaces: /dev/net/tun is missing (%s)", strerror(e));
        }
        else if (e == EACCES || e == EPERM)
        {
            *why = TAP_NO_PERMISSION;
            snprintf(err, n, "cannot open /dev/net/tun: %s (the bridge needs CAP_NET_ADMIN: run it as root)",
                     strerror(e));
        }
        else
        {
            *why = TAP_FAILED;
            snprintf(err, n, "cannot open /dev/net/tun: %s", strerror(e));
        }
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
    {
        int e = errno;
        close(fd);
        if (e == EPERM || e == EACCES)
        {
            *why = TAP_NO_PERMISSION;
            snprintf(err, n, "cannot create TAP interface %s: %s (the bridge needs CAP_NET_ADMIN: run it as root)",
                     name, strerror(e));
        }
        else
        {
            *why = TAP_FAILED;
            snprintf(err, n, "cannot create TAP interface %s: %s%s", name, strerror(e),
                     e == EBUSY || e == EINVAL ? " (the name is in use by another interface)" : "");
        }
        return -1;
    }
    *why = TAP_OK;
    return fd;
}

/* Interface ioctls go through any socket of the namespace the interface is in. */
static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    int rc = ioctl(s, req, ifr);
    int e = errno;
    close(s);
    errno = e;
    return rc;
}

int tap_set_mtu(const char *name, unsigned mtu)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_mtu = (int)mtu;
    return if_ioctl(SIOCSIFMTU, &ifr) < 0 ? -1 : 0;
}

int tap_set_up(const char *name, bool up)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (if_ioctl(SIOCGIFFLAGS, &ifr) < 0)
        return -1;
    if (up)
        ifr.ifr_flags |= IFF_UP;
    else
        ifr.ifr_flags &= ~IFF_UP;
    return if_ioctl(SIOCSIFFLAGS, &ifr) < 0 ? -1 : 0;
}

int tap_get_mac(const char *name, uint8_t mac[6])
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (if_ioctl(SIOCGIFHWADDR, &ifr) < 0)
        return -1;
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return 0;
}

void tap_close(int fd)
{
    if (fd >= 0)
        close(fd);
}
