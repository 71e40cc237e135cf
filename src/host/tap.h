/* Linux TAP interfaces for the bridge: a TAP is an Ethernet interface whose "wire" is a file
 * descriptor. Each read() returns one frame the kernel transmitted on the interface; each write()
 * of one frame is received by the kernel as if it came from the wire. The interface lives as long
 * as the descriptor (not persistent), so the kernel removes it when the host exits, however it
 * exits. Moving it into a network namespace is left to the caller (`ip link set NAME netns NS`):
 * the descriptor keeps working wherever the interface is. All functions need CAP_NET_ADMIN. */
#ifndef NDISHOST_HOST_TAP_H
#define NDISHOST_HOST_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why tap_open failed, for the caller's exit status and message. */
typedef enum tap_error
{
    TAP_OK = 0,
    TAP_NO_DEVICE,     /* no /dev/net/tun (no tun module, or not in this container) */
    TAP_NO_PERMISSION, /* opening /dev/net/tun or TUNSETIFF refused: CAP_NET_ADMIN is missing */
    TAP_FAILED,        /* anything else (name in use by another kind of interface, ...) */
} tap_error;

/* Creates the TAP interface `name` (IFF_TAP | IFF_NO_PI: frames without a packet-information
 * header), non-blocking and close-on-exec. Returns the descriptor, or -1 with *why set and one
 * line in `err`. */
int tap_open(const char *name, tap_error *why, char *err, size_t n);
/* Sets the interface's MTU (bytes of payload after the 14-byte Ethernet header). 0 or -1. */
int tap_set_mtu(const char *name, unsigned mtu);
/* Brings the interface up (or down). 0 or -1. */
int tap_set_up(const char *name, bool up);
/* The interface's own MAC address (the kernel's, random per interface). 0 or -1. */
int tap_get_mac(const char *name, uint8_t mac[6]);
/* Closes the descriptor: the kernel removes the interface, in whatever namespace it is. */
void tap_close(int fd);

#endif
