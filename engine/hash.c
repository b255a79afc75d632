/*
 * hash: SHA-256 through OpenSSL's EVP interface (see hash.h).
 *
 * The one global: SHA-256's implementation, fetched from OpenSSL once per
 * process (pthread_once). EVP_sha256() is looked up again on every digest in
 * OpenSSL 3, which was most of the cost of hashing a 1 KB document.
 */
#include "hash.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_fetched; /* NULL when the fetch failed: EVP_sha256() then */

static void fetch_sha256(void) {
    sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256_md(void) {
    pthread_once(&sha256_once, fetch_sha256);
    return sha256_fetched ? sha256_fetched : EVP_sha256();
}

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
    EVP_Digest(data, len, d, &n, sha256_md(), NULL);
    to_hex(d, n, hex);
}

elg_sha256_ctx *elg_sha256_begin(void) {
    elg_sha256_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->md = EVP_MD_CTX_new();
    if (!ctx->md || !EVP_DigestInit_ex(ctx->md, sha256_md(), NULL)) {
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
