#include "zrecord.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

#include "hash.h"

/* Level -3, one of zstd's fast levels: on the reference call's records
 * (1.6 KB, against their 12 KB dictionary) it compresses one in 3.7 µs to
 * 559 bytes, where level 1 took 6.1 µs for 475 bytes and level -5 3.4 µs
 * for 629 (measured on 10 000 records, one process). A batch's workers
 * spent a third of their time here at level 1; the store grows by 3 %.
 * Callgrind hides most of the difference: it is in cache misses on the
 * larger hash tables of level 1, not in instructions. */
#define LEVEL (-3)

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

typedef struct pack_slot {
    char ruleset[65]; /* "" when unused */
    elg_zrec_trainer *trainer;
    elg_zrec_encoder *enc;
    void *dict;
    size_t dict_len;
    char dict_sha[ELG_SHA256_HEX];
    int64_t tag;
    bool made, announced, off;
} pack_slot;

struct elg_zrec_packer {
    pack_slot slot[ELG_ZREC_RULESETS];
    unsigned next;
};

static void slot_clear(pack_slot *s) {
    elg_zrec_trainer_free(s->trainer);
    elg_zrec_encoder_free(s->enc);
    free(s->dict);
    memset(s, 0, sizeof *s);
}

elg_zrec_packer *elg_zrec_packer_new(void) {
    return calloc(1, sizeof(elg_zrec_packer));
}

void elg_zrec_packer_forget(elg_zrec_packer *p) {
    for (size_t i = 0; i < ELG_ZREC_RULESETS; i++)
        slot_clear(&p->slot[i]);
    p->next = 0;
}

void elg_zrec_packer_free(elg_zrec_packer *p) {
    if (!p)
        return;
    elg_zrec_packer_forget(p);
    free(p);
}

/* Takes dict (malloc'ed) as the slot's dictionary and readies its encoder. */
static int slot_use(pack_slot *s, void *dict, size_t len, elg_error *err) {
    s->dict = dict;
    s->dict_len = len;
    elg_sha256_hex(dict, len, s->dict_sha);
    return elg_zrec_encoder_new(dict, len, &s->enc, err);
}

/* The slot of ruleset: kept, else started in place of the oldest. */
static int slot_of(elg_zrec_packer *p, const char *ruleset, elg_zrec_find_fn find, void *ctx,
                   pack_slot **out, elg_error *err) {
    for (size_t i = 0; i < ELG_ZREC_RULESETS; i++) {
        if (p->slot[i].ruleset[0] && strcmp(p->slot[i].ruleset, ruleset) == 0) {
            *out = &p->slot[i];
            return 0;
        }
    }
    pack_slot *s = &p->slot[p->next++ % ELG_ZREC_RULESETS];
    slot_clear(s);
    void *dict = NULL;
    size_t len = 0;
    int rc = find ? find(ctx, ruleset, &dict, &len, &s->tag, err) : 0;
    if (rc == 0 && dict)
        rc = slot_use(s, dict, len, err);
    else if (rc == 0 && !(s->trainer = elg_zrec_trainer_new()))
        rc = elg_error_set(err, ELG_ENOMEM, "storing a decision: out of memory");
    if (rc) {
        if (!s->dict)
            free(dict);
        slot_clear(s);
        return rc;
    }
    snprintf(s->ruleset, sizeof s->ruleset, "%s", ruleset);
    *out = s;
    return 0;
}

/* Samples text; at the last sample, makes the dictionary (or gives up). */
static int slot_sample(pack_slot *s, const char *text, size_t len, elg_error *err) {
    int rc = elg_zrec_trainer_add(s->trainer, text, len, err);
    if (rc || elg_zrec_trainer_count(s->trainer) < ELG_ZREC_SAMPLES)
        return rc;
    void *dict = NULL;
    size_t dlen = 0;
    elg_error why = {0};
    int trained = elg_zrec_train(s->trainer, &dict, &dlen, &why);
    elg_zrec_trainer_free(s->trainer);
    s->trainer = NULL;
    s->off = true;
    if (trained == ELG_ENOMEM)
        return elg_error_set(err, ELG_ENOMEM, "storing a decision: out of memory");
    if (trained)
        return 0; /* the ruleset stays text */
    if ((rc = slot_use(s, dict, dlen, err)))
        return rc;
    s->off = false;
    s->made = true;
    return 0;
}

int elg_zrec_pack(elg_zrec_packer *p, const char *ruleset, const char *text, size_t len,
                  elg_zrec_find_fn find, void *find_ctx, elg_zrec_packed *out, elg_error *err) {
    pack_slot *s;
    memset(out, 0, sizeof *out);
    int rc = slot_of(p, ruleset, find, find_ctx, &s, err);
    if (rc || s->off)
        return rc;
    if (!s->enc)
        return slot_sample(s, text, len, err);
    if ((rc = elg_zrec_encode(s->enc, text, len, &out->z, &out->z_len, err)))
        return rc;
    out->dict = s->dict;
    out->dict_len = s->dict_len;
    out->dict_sha = s->dict_sha;
    out->tag = &s->tag;
    out->dict_new = s->made && !s->announced;
    s->announced = true;
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
