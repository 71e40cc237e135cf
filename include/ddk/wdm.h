/* placeholder: being written */
#ifndef NDISHOST_DDK_WDM_H
#define NDISHOST_DDK_WDM_H
#endif
