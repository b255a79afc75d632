/*
 * hash: SHA-256 through OpenSSL's EVP interface (see hash.h).
 */
#include "hash.h"

#include <openssl/evp.h>
#include <stdlib.h>

struct elg_sha256_ctx {
    EVP_MD_CTX *md;
};

static void to_hex(const unsigned char *d, unsigned n, char *hex) {
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = '\0';
}

void elg_sha256_hex(const void *data, size_t len, char hex[ELG_SHA256_HEX]) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
    to_hex(d, n, hex);
}

elg_sha256_ctx *elg_sha256_begin(void) {
    elg_sha256_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->md = EVP_MD_CTX_new();
    if (!ctx->md || !EVP_DigestInit_ex(ctx->md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx->md);
        free(ctx);
        return NULL;
    }
    return ctx;
}

void elg_sha256_update(elg_sha256_ctx *ctx, const void *data, size_t len) {
    if (ctx)
        EVP_DigestUpdate(ctx->md, data, len);
}

void elg_sha256_end(elg_sha256_ctx *ctx, char hex[ELG_SHA256_HEX]) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    hex[0] = '\0';
    if (!ctx)
        return;
    if (EVP_DigestFinal_ex(ctx->md, d, &n))
        to_hex(d, n, hex);
    EVP_MD_CTX_free(ctx->md);
    free(ctx);
}
