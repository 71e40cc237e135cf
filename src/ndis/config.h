/* An adapter's registry: the keys and values NdisOpenConfigurationEx and friends read and write.
 *
 * One store per adapter, created by the host before the adapter is initialized and kept across
 * initialize/halt cycles, so what the driver writes with NdisWriteConfiguration is there on the
 * next MiniportInitializeEx, as in the Windows registry. It is loaded from a registry file (format:
 * docs/registry-file.md) and can be seeded by the host. Keyword names are compared without regard
 * to ASCII case. All functions are thread-safe. */
#ifndef NDISHOST_NDIS_CONFIG_H
#define NDISHOST_NDIS_CONFIG_H

#include <ndis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../verifier/verifier.h"

typedef struct ndis_config_store ndis_config_store;

ndis_config_store *ndis_config_store_new(void);
/* Frees the store and every key and value. Configuration handles still open on it must have been
 * closed or reclaimed first. */
void ndis_config_store_free(ndis_config_store *s);
/* UTF-8 for one Unicode code point into out (1 to 4 bytes); returns the byte count. */
size_t ndis_utf8_encode(uint32_t cp, char out[4]);

/* Loads the sections of the registry file at `path` that apply to adapter `adapter_index`: `[*]`
 * first, then `[adapter N]` overriding it, whatever their order in the file. The whole file is
 * checked (other adapters' sections too). Returns 0, or -1 with a one-line "file:line: message"
 * in err; on error the store is left unchanged. */
int ndis_config_store_load_file(ndis_config_store *s, const char *path, unsigned adapter_index, char *err,
                                size_t errlen);
/* Same for text held in memory; `name` stands for the file name in error messages. */
int ndis_config_store_load_string(ndis_config_store *s, const char *text, const char *name, unsigned adapter_index,
                                  char *err, size_t errlen);

/* Host-side access. `subkey` is NULL or "" for the adapter's own key, else a path such as
 * "Ndi\\Params" (created as needed by the setters). Names and strings are UTF-8. The setters
 * return 0, or -1 on invalid UTF-8 or out of memory. */
int ndis_config_set_dword(ndis_config_store *s, const char *subkey, const char *name, uint32_t value);
int ndis_config_set_qword(ndis_config_store *s, const char *subkey, const char *name, uint64_t value);
int ndis_config_set_sz(ndis_config_store *s, const char *subkey, const char *name, const char *value);
int ndis_config_set_binary(ndis_config_store *s, const char *subkey, const char *name, const void *data, size_t len);
/* A REG_MULTI_SZ of `count` UTF-8 strings (count 0: the empty list). */
int ndis_config_set_multi_sz(ndis_config_store *s, const char *subkey, const char *name, const char *const *items,
                             size_t count);
/* Creates the subkey path (and its parents) without values; 0, or -1 on invalid UTF-8 or no memory. */
int ndis_config_create_key(ndis_config_store *s, const char *subkey);
bool ndis_config_has(ndis_config_store *s, const char *subkey, const char *name);
/* Getters return 0 when the value exists with that registry type, -1 otherwise. */
int ndis_config_get_dword(ndis_config_store *s, const char *subkey, const char *name, uint32_t *out);
/* Copies at most len-1 bytes of UTF-8 and a NUL. */
int ndis_config_get_sz(ndis_config_store *s, const char *subkey, const char *name, char *buf, size_t len);
/* *outlen receives the full size even when it exceeds len (then only len bytes are copied). */
int ndis_config_get_binary(ndis_config_store *s, const char *subkey, const char *name, void *buf, size_t len,
                           size_t *outlen);

/* Opens a configuration handle on the store's root key charged to `owner` (ledger kind
 * VF_RES_CONFIG). This is what NdisOpenConfigurationEx does once it has validated its arguments;
 * tests call it directly. */
NDIS_STATUS ndis_config_open_store(ndis_config_store *s, vf_owner *owner, void *site, NDIS_HANDLE *out);
/* Number of configuration handles (root and subkey) open on the store. */
size_t ndis_config_open_handle_count(ndis_config_store *s);

#endif
