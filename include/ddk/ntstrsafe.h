/* placeholder: being written */
#ifndef NDISHOST_DDK_NTSTRSAFE_H
#define NDISHOST_DDK_NTSTRSAFE_H
#endif
