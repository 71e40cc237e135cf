/* Devices registered with NdisRegisterDeviceEx, seen from the host: find them, open and close
 * them like a user-mode program would, and NDIS's dispatch routine for the driver object. IRPs to
 * an open device are sent with kernel_irp_send (src/kernel/kernel_ex.h). */
#ifndef NDISHOST_NDIS_DEVICE_OBJECT_H
#define NDISHOST_NDIS_DEVICE_OBJECT_H

#include <ndis.h>
#include <stdbool.h>
#include <stddef.h>

struct ndis_adapter;

/* Registered devices, in registration order; by name (the DeviceName, UTF-8, e.g.
 * "\\Device\\tap0"; NULL when none). */
size_t ndis_device_count(void);
PDEVICE_OBJECT ndis_device_at(size_t i);
PDEVICE_OBJECT ndis_device_find(const char *name);

/* Opens the device as CreateFile would: a FILE_OBJECT and an IRP_MJ_CREATE. Returns the create's
 * completion status; *file receives the open file when it succeeded. */
NTSTATUS ndis_device_open(PDEVICE_OBJECT device, PFILE_OBJECT *file);
/* Closes it as CloseHandle would: IRP_MJ_CLEANUP, IRP_MJ_CLOSE, then the FILE_OBJECT is freed. A
 * device deregistered while open goes away with its last open file. */
NTSTATUS ndis_device_close(PFILE_OBJECT file);

/* NDIS's dispatch routine: IRPs for a device from NdisRegisterDeviceEx go to the driver's own
 * table for it; other devices (the adapter's) get NDIS's default answer. Installed into every empty
 * MajorFunction slot of a miniport's DRIVER_OBJECT by ndis_device_install_dispatch. */
/* The adapter's device stack for NdisMGetDeviceProperty: its PDO (also the next-lower device) and
 * its FDO (of the miniport's DRIVER_OBJECT), created on first use and kept for the adapter's life;
 * false when out of memory. ndis_device_adapter_destroy frees them with the adapter object. */
bool ndis_device_adapter_stack(struct ndis_adapter *a, PDEVICE_OBJECT *pdo, PDEVICE_OBJECT *fdo);
void ndis_device_adapter_destroy(struct ndis_adapter *a);

DRIVER_DISPATCH ndis_device_dispatch;
void ndis_device_install_dispatch(PDRIVER_OBJECT driver);

#endif
