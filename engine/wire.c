/*
 * wire: length-prefixed fields (see wire.h).
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static int reserve(elg_text *t, size_t more, elg_error *err) {
    if (t->cap - t->len > more)
        return 0;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap - t->len <= more) {
        if (cap > SIZE_MAX / 2)
            return elg_error_set(err, ELG_ENOMEM, "out of memory encoding a decision");
        cap *= 2;
    }
    char *d = realloc(t->data, cap);
    if (!d)
        return elg_error_set(err, ELG_ENOMEM, "out of memory encoding a decision");
    t->data = d;
    t->cap = cap;
    return 0;
}

int elg_wire_put_raw(elg_text *out, const void *data, size_t len, elg_error *err) {
    int rc = reserve(out, len, err);
    if (rc)
        return rc;
    if (len)
        memcpy(out->data + out->len, data, len);
    out->len += len;
    out->data[out->len] = '\0';
    return 0;
}

int elg_wire_put(elg_text *out, const void *data, size_t len, elg_error *err) {
    if (len > UINT32_MAX)
        return elg_error_set(err, ELG_ESTORE, "a field of %zu bytes is too long to encode", len);
    int rc = reserve(out, 4 + len + 1, err);
    if (rc)
        return rc;
    unsigned char *p = (unsigned char *)out->data + out->len;
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(len >> (8 * i));
    if (len)
        memcpy(p + 4, data, len);
    p[4 + len] = '\0';
    out->len += 4 + len + 1;
    out->data[out->len] = '\0';
    return 0;
}

int elg_wire_put_str(elg_text *out, const char *s, elg_error *err) {
    return elg_wire_put(out, s ? s : "", s ? strlen(s) : 0, err);
}

int elg_wire_put_u64(elg_text *out, uint64_t v, elg_error *err) {
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return elg_wire_put(out, b, sizeof b, err);
}

int elg_wire_get(elg_wire_reader *r, const char **data, size_t *len, elg_error *err) {
    if (r->end - r->p < 4)
        return elg_error_set(err, ELG_ESTORE, "truncated message from a worker");
    const unsigned char *p = (const unsigned char *)r->p;
    size_t n = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
    if ((size_t)(r->end - r->p) - 4 < n + 1 || r->p[4 + n] != '\0')
        return elg_error_set(err, ELG_ESTORE, "truncated message from a worker");
    *data = r->p + 4;
    *len = n;
    r->p += 4 + n + 1;
    return 0;
}

int elg_wire_get_u64(elg_wire_reader *r, uint64_t *v, elg_error *err) {
    const char *d = NULL;
    size_t n = 0;
    int rc = elg_wire_get(r, &d, &n, err);
    if (rc)
        return rc;
    if (n != 8)
        return elg_error_set(err, ELG_ESTORE, "malformed number from a worker");
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | (unsigned char)d[i];
    *v = x;
    return 0;
}
