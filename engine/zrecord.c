#include "zrecord.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

/* Level 1: the fastest of zstd's usual levels; with a dictionary the
 * higher ones shrink the reference call's records by 5 % for 12 % more
 * time. */
#define LEVEL 1

struct elg_zrec_trainer {
    char *buf;
    size_t used, cap;
    size_t lens[ELG_ZREC_SAMPLES];
    size_t count;
};

elg_zrec_trainer *elg_zrec_trainer_new(void) {
    return calloc(1, sizeof(elg_zrec_trainer));
}

void elg_zrec_trainer_free(elg_zrec_trainer *t) {
    if (!t)
        return;
    free(t->buf);
    free(t);
}

int elg_zrec_trainer_add(elg_zrec_trainer *t, const char *text, size_t len, elg_error *err) {
    if (t->count == ELG_ZREC_SAMPLES)
        return 0;
    if (len > t->cap - t->used) {
        size_t cap = t->cap ? t->cap : 65536;
        while (len > cap - t->used) {
            if (cap > SIZE_MAX / 2)
                return elg_error_set(err, ELG_ENOMEM, "keeping a record to compress: too large");
            cap *= 2;
        }
        char *buf = realloc(t->buf, cap);
        if (!buf)
            return elg_error_set(err, ELG_ENOMEM, "keeping a record to compress: out of memory");
        t->buf = buf;
        t->cap = cap;
    }
    if (len) /* an empty record: nothing to copy, maybe no buffer yet */
        memcpy(t->buf + t->used, text, len);
    t->used += len;
    t->lens[t->count++] = len;
    return 0;
}

size_t elg_zrec_trainer_count(const elg_zrec_trainer *t) {
    return t->count;
}

int elg_zrec_train(const elg_zrec_trainer *t, void **dict, size_t *len, elg_error *err) {
    *dict = NULL;
    *len = 0;
    /* Not ZDICT_trainFromBuffer: its search for the best segments holds
     * about 10 MiB (it doubled the evaluation's peak RSS) for records 7 %
     * smaller. The dictionary's content is one sample in eight, in order, as
     * many as fit beside its entropy tables; ZDICT_finalizeDictionary fits
     * those tables to every sample (under a millisecond). */
    enum { TABLES = 1024, STRIDE = 8 };
    unsigned char *d = malloc(ELG_ZREC_DICT_MAX), *content = malloc(ELG_ZREC_DICT_MAX - TABLES);
    size_t used = 0, at = 0;
    if (!d || !content) {
        free(d);
        free(content);
        return elg_error_set(err, ELG_ENOMEM, "training a record dictionary: out of memory");
    }
    for (size_t i = 0; i < t->count; i++) {
        size_t n = t->lens[i];
        if (i % STRIDE == 0 && n && used < ELG_ZREC_DICT_MAX - TABLES) {
            size_t room = ELG_ZREC_DICT_MAX - TABLES - used;
            memcpy(content + used, t->buf + at, n < room ? n : room);
            used += n < room ? n : room;
        }
        at += n;
    }
    ZDICT_params_t params = {.compressionLevel = LEVEL};
    size_t n = ZDICT_finalizeDictionary(d, ELG_ZREC_DICT_MAX, content, used, t->buf, t->lens,
                                        (unsigned)t->count, params);
    free(content);
    if (ZDICT_isError(n)) {
        free(d);
        return elg_error_set(err, ELG_EINPUT, "training a record dictionary: %s",
                             ZDICT_getErrorName(n));
    }
    *dict = d;
    *len = n;
    return 0;
}

struct elg_zrec_encoder {
    ZSTD_CCtx *cctx;
    ZSTD_CDict *cdict;
    unsigned char *out;
    size_t cap;
};

void elg_zrec_encoder_free(elg_zrec_encoder *e) {
    if (!e)
        return;
    ZSTD_freeCCtx(e->cctx);
    ZSTD_freeCDict(e->cdict);
    free(e->out);
    free(e);
}

int elg_zrec_encoder_new(const void *dict, size_t len, elg_zrec_encoder **out, elg_error *err) {
    *out = NULL;
    elg_zrec_encoder *e = calloc(1, sizeof *e);
    if (!e || !(e->cctx = ZSTD_createCCtx())) {
        elg_zrec_encoder_free(e);
        return elg_error_set(err, ELG_ENOMEM, "preparing record compression: out of memory");
    }
    /* zstd's stable interface only. The dictionary digested once into a
     * CDict at zstd's own parameters for the level (a record is then
     * compressed against it in place: 4.5 µs on the reference call, where
     * ZSTD_CCtx_loadDictionary with smaller tables took 5.3 to 6.3). Every
     * frame carries its content size and a checksum: the decoder refuses a
     * damaged record rather than give back other text. */
    static const struct {
        ZSTD_cParameter p;
        int v;
    } params[] = {
        {ZSTD_c_contentSizeFlag, 1},
        {ZSTD_c_checksumFlag, 1},
        {ZSTD_c_dictIDFlag, 1},
    };
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        size_t r = ZSTD_CCtx_setParameter(e->cctx, params[i].p, params[i].v);
        if (ZSTD_isError(r)) {
            elg_zrec_encoder_free(e);
            return elg_error_set(err, ELG_ESTORE, "preparing record compression: %s",
                                 ZSTD_getErrorName(r));
        }
    }
    if (!(e->cdict = ZSTD_createCDict(dict, len, LEVEL))) {
        elg_zrec_encoder_free(e);
        return elg_error_set(err, ELG_ENOMEM,
                             "preparing record compression: the dictionary is refused");
    }
    size_t r = ZSTD_CCtx_refCDict(e->cctx, e->cdict);
    if (ZSTD_isError(r)) {
        elg_zrec_encoder_free(e);
        return elg_error_set(err, ELG_ESTORE, "preparing record compression: %s",
                             ZSTD_getErrorName(r));
    }
    *out = e;
    return 0;
}

int elg_zrec_encode(elg_zrec_encoder *e, const char *text, size_t len, const void **out,
                    size_t *out_len, elg_error *err) {
    size_t bound = ZSTD_compressBound(len);
    if (bound > e->cap) {
        unsigned char *b = realloc(e->out, bound);
        if (!b)
            return elg_error_set(err, ELG_ENOMEM, "compressing a record: out of memory");
        e->out = b;
        e->cap = bound;
    }
    size_t n = ZSTD_compress2(e->cctx, e->out, e->cap, text, len);
    if (ZSTD_isError(n))
        return elg_error_set(err, ELG_ESTORE, "compressing a record: %s", ZSTD_getErrorName(n));
    *out = e->out;
    *out_len = n;
    return 0;
}

struct elg_zrec_decoder {
    ZSTD_DCtx *dctx;
    ZSTD_DDict *ddict;
};

void elg_zrec_decoder_free(elg_zrec_decoder *d) {
    if (!d)
        return;
    ZSTD_freeDDict(d->ddict);
    ZSTD_freeDCtx(d->dctx);
    free(d);
}

int elg_zrec_decoder_new(const void *dict, size_t len, elg_zrec_decoder **out, elg_error *err) {
    *out = NULL;
    elg_zrec_decoder *d = calloc(1, sizeof *d);
    if (!d)
        return elg_error_set(err, ELG_ENOMEM, "preparing record decompression: out of memory");
    d->ddict = ZSTD_createDDict(dict, len);
    d->dctx = ZSTD_createDCtx();
    if (!d->ddict || !d->dctx) {
        elg_zrec_decoder_free(d);
        return elg_error_set(err, ELG_ENOMEM,
                             "preparing record decompression: the dictionary is refused");
    }
    *out = d;
    return 0;
}

int elg_zrec_decode(elg_zrec_decoder *d, const void *blob, size_t len, char **text,
                    size_t *text_len, elg_error *err) {
    *text = NULL;
    *text_len = 0;
    /* One whole frame, nothing after it. */
    size_t frame = ZSTD_findFrameCompressedSize(blob, len);
    if (ZSTD_isError(frame) || frame != len)
        return elg_error_set(err, ELG_ESTORE, "the stored record is not one zstd frame");
    unsigned long long size = ZSTD_getFrameContentSize(blob, len);
    if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR)
        return elg_error_set(err, ELG_ESTORE, "the stored record does not give its size");
    if (size > ELG_ZREC_TEXT_MAX)
        return elg_error_set(err, ELG_ESTORE, "the stored record says it holds %llu bytes", size);
    if (ZSTD_getDictID_fromFrame(blob, len) != ZSTD_getDictID_fromDDict(d->ddict))
        return elg_error_set(err, ELG_ESTORE,
                             "the stored record was compressed with another dictionary");
    char *t = malloc((size_t)size + 1);
    if (!t)
        return elg_error_set(err, ELG_ENOMEM, "reading a stored record: out of memory");
    size_t n = ZSTD_decompress_usingDDict(d->dctx, t, (size_t)size, blob, len, d->ddict);
    if (ZSTD_isError(n) || n != size) {
        free(t);
        return elg_error_set(err, ELG_ESTORE, "the stored record does not decompress: %s",
                             ZSTD_isError(n) ? ZSTD_getErrorName(n) : "wrong size");
    }
    t[n] = '\0';
    *text = t;
    *text_len = n;
    return 0;
}
