/*
 * hash: SHA-256 of byte buffers as lowercase hex (OpenSSL's EVP digest).
 * Used for document versions, rule sources and rule sets.
 */
#ifndef ELG_HASH_H
#define ELG_HASH_H

#include <stddef.h>

#define ELG_SHA256_HEX 65 /* 64 hex digits + NUL */

/* Writes the hex digest of data[0..len) into hex (ELG_SHA256_HEX bytes). */
void elg_sha256_hex(const void *data, size_t len, char hex[ELG_SHA256_HEX]);

/* Incremental form, for hashing a set of files in a fixed order. */
typedef struct elg_sha256_ctx elg_sha256_ctx;
elg_sha256_ctx *elg_sha256_begin(void);
void elg_sha256_update(elg_sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and frees ctx. */
void elg_sha256_end(elg_sha256_ctx *ctx, char hex[ELG_SHA256_HEX]);

#endif
