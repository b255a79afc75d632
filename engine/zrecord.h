/*
 * zrecord: compression of stored decision records (zstd, Debian
 * libzstd-dev) with a dictionary trained on the first records of their
 * ruleset.
 *
 * Why: a decision's record is about 2.7 KB of JSON, most of it the same
 * keys, fact paths and message words from one decision to the next; the
 * store's cost per decision is mostly the bytes it writes (the write-ahead
 * log, then the checkpoint's copy, and SQLite's checksums of both). zstd at
 * level 1 with a dictionary made from 64 records of the same ruleset keeps
 * the reference call's records in about 400 bytes for 4.6 µs; without a
 * dictionary zstd gets 1 170 bytes for 14 µs, which saves nothing.
 *
 * A trainer keeps copies of the first ELG_ZREC_SAMPLES records; trained,
 * it gives a dictionary (some of them as content, zstd's entropy tables
 * fitted to all of them) (at most ELG_ZREC_DICT_MAX bytes) that the store
 * keeps beside the records it compressed (store.h). An encoder compresses
 * with one dictionary; a decoder gives back the exact bytes. Frames carry
 * their content size and checksum, so a damaged record is refused instead
 * of read wrong. Each object is used by one thread.
 */
#ifndef ELG_ZRECORD_H
#define ELG_ZRECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ELG_ZREC_SAMPLES 64
#define ELG_ZREC_DICT_MAX 16384
/* A record larger than this is refused by the decoder (its frame says its
 * size before anything is allocated): far beyond any stored record. */
#define ELG_ZREC_TEXT_MAX ((size_t)1 << 30)

typedef struct elg_zrec_trainer elg_zrec_trainer;

elg_zrec_trainer *elg_zrec_trainer_new(void);
void elg_zrec_trainer_free(elg_zrec_trainer *t);
/* Keeps a copy of text[0..len); ELG_ENOMEM when it cannot. Samples beyond
 * ELG_ZREC_SAMPLES are ignored. */
int elg_zrec_trainer_add(elg_zrec_trainer *t, const char *text, size_t len, elg_error *err);
size_t elg_zrec_trainer_count(const elg_zrec_trainer *t);
/* Trains a dictionary on the samples kept: *dict (malloc'ed) and *len.
 * ELG_EINPUT when zstd refuses to make one (not seen: empty or identical
 * samples still give one); the store then keeps the records as they are. */
int elg_zrec_train(const elg_zrec_trainer *t, void **dict, size_t *len, elg_error *err);

typedef struct elg_zrec_encoder elg_zrec_encoder;

/* The encoder copies what it needs of dict. */
int elg_zrec_encoder_new(const void *dict, size_t len, elg_zrec_encoder **out, elg_error *err);
void elg_zrec_encoder_free(elg_zrec_encoder *e);
/* Compresses text[0..len): *out and *out_len stay valid until the next call
 * on e. */
int elg_zrec_encode(elg_zrec_encoder *e, const char *text, size_t len, const void **out,
                    size_t *out_len, elg_error *err);

/*
 * A packer: what one writer of records (the store, a batch's worker) knows
 * of the last ELG_ZREC_RULESETS rulesets it compressed for (a call's
 * editions alternate in a batch). A ruleset met anew is asked of find (the
 * store looks in trace_dicts; NULL: none): with a dictionary, its records
 * are compressed from the first; without, its first ELG_ZREC_SAMPLES are
 * kept as text and sampled, then a dictionary is made from them and the
 * rest compressed with it. A ruleset whose dictionary cannot be made stays
 * text.
 */
#define ELG_ZREC_RULESETS 4

typedef struct elg_zrec_packer elg_zrec_packer;

/* find: *dict (malloc'ed, the packer frees it) and *tag when the ruleset
 * has a dictionary, *dict NULL when not. */
typedef int (*elg_zrec_find_fn)(void *ctx, const char *ruleset, void **dict, size_t *len,
                                int64_t *tag, elg_error *err);

typedef struct elg_zrec_packed {
    const void *z; /* the compressed record; NULL: keep the text */
    size_t z_len;
    /* Its dictionary, valid while the packer keeps the ruleset. */
    const void *dict;
    size_t dict_len;
    const char *dict_sha; /* sha256, hex */
    /* The writer's number for the dictionary (the store's id): found by
     * find, else for the writer to set when dict_new. */
    int64_t *tag;
    /* The first record with a dictionary the packer made: the writer
     * keeps or sends it now. */
    bool dict_new;
} elg_zrec_packed;

elg_zrec_packer *elg_zrec_packer_new(void); /* NULL: out of memory */
void elg_zrec_packer_free(elg_zrec_packer *p);
/* Forgets every ruleset (after a rollback that may have undone a kept
 * dictionary). */
void elg_zrec_packer_forget(elg_zrec_packer *p);
/* The form of text[0..len), a record of ruleset: *out valid until the next
 * call. */
int elg_zrec_pack(elg_zrec_packer *p, const char *ruleset, const char *text, size_t len,
                  elg_zrec_find_fn find, void *find_ctx, elg_zrec_packed *out, elg_error *err);

typedef struct elg_zrec_decoder elg_zrec_decoder;

int elg_zrec_decoder_new(const void *dict, size_t len, elg_zrec_decoder **out, elg_error *err);
void elg_zrec_decoder_free(elg_zrec_decoder *d);
/* Decompresses blob[0..len) into *text (malloc'ed, NUL-terminated) of
 * *text_len bytes. ELG_ESTORE for anything that is not a whole frame made
 * with this decoder's dictionary, whose checksum matches. */
int elg_zrec_decode(elg_zrec_decoder *d, const void *blob, size_t len, char **text,
                    size_t *text_len, elg_error *err);

#endif
