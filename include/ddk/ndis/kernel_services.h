/* placeholder: being written */
#ifndef NDISHOST_DDK_NDIS_KERNEL_SERVICES_H
#define NDISHOST_DDK_NDIS_KERNEL_SERVICES_H
#endif
