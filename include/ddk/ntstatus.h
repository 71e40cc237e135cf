/* placeholder: being written */
#ifndef NDISHOST_DDK_NTSTATUS_H
#define NDISHOST_DDK_NTSTATUS_H
#endif
