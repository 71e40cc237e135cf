/* A driver's INF file as the source of an adapter's registry (docs/inf.md).
 *
 * The parser reads an INF in UTF-16 (LE or BE, with a byte-order mark, or without one when the
 * first character shows it) or UTF-8 (with or without a BOM; a file that is not valid UTF-8 is
 * read as Windows-1252), follows [Manufacturer] -> Models -> DDInstall and collects what the
 * install section's AddReg directives write below HKR, the device's software key: the adapter's
 * registry on Windows. Each Ndi\params\<Name> with a Default (and not Optional) becomes the
 * adapter's value <Name>, as the network class installer writes it at installation.
 *
 * A parsed INF is immutable and can be applied to any number of adapter stores. */
#ifndef NDISHOST_NDIS_INF_H
#define NDISHOST_NDIS_INF_H

#include <stddef.h>

#include "config.h"

typedef struct ndis_inf ndis_inf;

/* Parses the INF at `path` and selects the device: the model whose hardware or compatible ID
 * equals `hwid` (ASCII case ignored), or with `hwid` NULL the first model of the first
 * manufacturer. Returns NULL with a one-line "file:line: message" (or "file: message") in err on
 * a missing, unreadable or malformed file. */
ndis_inf *ndis_inf_load_file(const char *path, const char *hwid, char *err, size_t errlen);
/* Same for `len` bytes in memory; `name` stands for the file name in error messages. */
ndis_inf *ndis_inf_load_buffer(const void *data, size_t len, const char *name, const char *hwid, char *err,
                               size_t errlen);
void ndis_inf_free(ndis_inf *inf);

/* Writes every key and value the INF installs into the store (over what is there). 0, or -1 when
 * the store refuses a value (out of memory). */
int ndis_inf_apply(const ndis_inf *inf, ndis_config_store *s);

/* The selection, for messages: the DDInstall section used (with its platform extension, if
 * any) and the hardware ID of the chosen model (may be ""). */
const char *ndis_inf_install_section(const ndis_inf *inf);
const char *ndis_inf_hardware_id(const ndis_inf *inf);
/* Number of registry values the INF installs (Ndi tree and adapter parameters alike). */
size_t ndis_inf_value_count(const ndis_inf *inf);

#endif
