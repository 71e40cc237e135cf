/* placeholder: being written */
#ifndef NDISHOST_DDK_NTDDK_H
#define NDISHOST_DDK_NTDDK_H
#endif
