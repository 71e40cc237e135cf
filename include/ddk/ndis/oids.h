/* placeholder: being written */
#ifndef NDISHOST_DDK_NDIS_OIDS_H
#define NDISHOST_DDK_NDIS_OIDS_H
#endif
