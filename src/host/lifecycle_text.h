/* The human-readable lifecycle lines shared by the commands that drive adapters (run, bridge). */
#ifndef NDISHOST_HOST_LIFECYCLE_TEXT_H
#define NDISHOST_HOST_LIFECYCLE_TEXT_H

#include <stdarg.h>
#include <stdio.h>

#include "ndis/ndis_internal.h"

/* One step: "    adapter 0  MiniportRestart                SUCCESS", or a driver-wide step
 * ("  DriverEntry ...") when `a` is NULL. */
void lifecycle_step(FILE *out, const ndis_adapter *a, const char *what, const char *fmt, va_list ap);
/* The NDIS_STATUS_ name without its prefix ("SUCCESS"), or the hex value. */
const char *lifecycle_status_name(NDIS_STATUS st);

/* The verifier's finding hook for the human output (arg: the FILE). */
void lifecycle_print_finding(const vf_finding *f, void *arg);
/* ndis_log_hook for -vv: one line per driver log message, on stdout. */
void lifecycle_log_line(const ndis_adapter *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
