/* placeholder: being written */
#ifndef NDISHOST_DDK_NTINTSAFE_H
#define NDISHOST_DDK_NTINTSAFE_H
#endif
