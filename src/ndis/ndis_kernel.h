/* Internal queries of the NDIS kernel-service wrappers (timer objects, IO work items) for the
 * host and the halt checks. The lead's ndis_kernel_check_instance_end (ndis_kernel_hooks.h) is
 * implemented on top of these in work_item.c. */
#ifndef NDISHOST_NDIS_KERNEL_H
#define NDISHOST_NDIS_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../verifier/verifier.h"

/* Timer objects of `owner` (NULL: all owners) that are set (armed), and whose callback is
 * queued or running now. */
typedef struct ndis_timer_counts
{
    size_t armed;
    size_t callback_in_flight;
} ndis_timer_counts;
void ndis_timer_objects_count(const vf_owner *owner, ndis_timer_counts *out);
/* Reports, for each timer object of `owner` that is still set or whose callback is queued or
 * running, a finding `rule` naming `when`. Returns the number reported. */
size_t ndis_timer_objects_report_in_flight(vf_owner *owner, const char *rule, const char *when);
/* Waits until no callback of a timer object of `owner` is queued or running (the caller must
 * not be such a callback). Timers still set may fire again later. */
void ndis_timer_objects_wait_idle(const vf_owner *owner);

/* IO work items of `owner` (NULL: all) queued or running now. */
size_t ndis_work_items_in_flight(const vf_owner *owner);
/* Reports each queued or running IO work item of `owner` as `rule`; returns the number. */
size_t ndis_work_items_report_in_flight(vf_owner *owner, const char *rule, const char *when);
/* Waits until no IO work item of `owner` (NULL: any) is queued or running. Must not be called
 * from a work item of that owner. */
void ndis_work_items_wait_idle(const vf_owner *owner);

#endif
