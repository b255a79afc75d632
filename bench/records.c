/*
 * records: what a stored decision record would weigh under other ways of
 * compressing it (README "Speed", "What a smaller record would take").
 *
 * Reads the records a batch stored compressed with the store's record
 * dictionary that serves the most (trace_z, engine/zrecord.h), gives them
 * back their bytes, and compresses them again at the store's level (-3)
 * in two other ways:
 *   - against dictionaries trained on the first 64, 256, 1 024 and 4 096
 *     records, of 12, 32, 64 and 110 KB (the store trains 12 KB on 64);
 *   - as frames of 1, 16, 64 and 256 records (blocks of a batch) against
 *     the store's dictionary.
 * Prints, for each, the bytes a record and the microseconds a record
 * (one process, wall clock; the sizes are exact, the times move with the
 * machine's load). Read-only: the store is opened read-only.
 *
 * Usage: eligo_bench_records DB
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zdict.h>
#include <zstd.h>

#define LEVEL (-3) /* engine/zrecord.c */
#define MAX_RECORD (1u << 20)

typedef struct records {
    char *bytes;   /* every record, one after the other */
    size_t *len;   /* per record */
    size_t *start; /* per record, its offset in bytes */
    size_t count, used, cap, lcap;
    size_t stored; /* the compressed bytes as stored */
} records;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const char *why) {
    fprintf(stderr, "records: %s: %s\n", what, why);
    return 1;
}

static int add_record(records *r, const void *data, size_t len) {
    if (r->count == r->lcap) {
        size_t cap = r->lcap ? r->lcap * 2 : 1024;
        size_t *l = realloc(r->len, cap * sizeof *l);
        if (!l)
            return -1;
        r->len = l;
        size_t *s = realloc(r->start, cap * sizeof *s);
        if (!s)
            return -1;
        r->start = s;
        r->lcap = cap;
    }
    if (!r->bytes || r->used + len > r->cap) {
        size_t cap = r->cap ? r->cap : 1u << 20;
        while (cap < r->used + len)
            cap *= 2;
        char *b = realloc(r->bytes, cap);
        if (!b)
            return -1;
        r->bytes = b;
        r->cap = cap;
    }
    memcpy(r->bytes + r->used, data, len);
    r->start[r->count] = r->used;
    r->len[r->count++] = len;
    r->used += len;
    return 0;
}

/* That dictionary (into *dict) and the records made with it. */
static int load(sqlite3 *db, void **dict, size_t *dict_len, records *r) {
    sqlite3_stmt *st = NULL;
    int rc = 1;
    ZSTD_DDict *dd = NULL;
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    char *out = malloc(MAX_RECORD);
    if (!dc || !out)
        goto out;
    /* The dictionary of most records: each worker of a batch trains its own. */
    if (sqlite3_prepare_v2(db,
                           "SELECT t.id, t.dict FROM trace_dicts AS t JOIN (SELECT trace_dict,"
                           " count(*) AS n FROM decisions WHERE trace_dict IS NOT NULL"
                           " GROUP BY trace_dict) AS c ON c.trace_dict = t.id"
                           " ORDER BY c.n DESC, t.id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = fail("reading the dictionaries", sqlite3_errmsg(db));
        goto out;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fail("the store", "no record dictionary (run `eligo batch` on 64 projects or more)");
        goto out;
    }
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    *dict_len = (size_t)sqlite3_column_bytes(st, 1);
    if (!(*dict = malloc(*dict_len ? *dict_len : 1)))
        goto out;
    memcpy(*dict, sqlite3_column_blob(st, 1), *dict_len);
    sqlite3_finalize(st);
    st = NULL;
    if (!(dd = ZSTD_createDDict(*dict, *dict_len))) {
        rc = fail("the dictionary", "refused by zstd");
        goto out;
    }
    if (sqlite3_prepare_v2(db, "SELECT trace_z FROM decisions WHERE trace_dict = ?1 ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = fail("reading the records", sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t zlen = (size_t)sqlite3_column_bytes(st, 0);
        size_t n =
            ZSTD_decompress_usingDDict(dc, out, MAX_RECORD, sqlite3_column_blob(st, 0), zlen, dd);
        if (ZSTD_isError(n)) {
            rc = fail("a stored record", ZSTD_getErrorName(n));
            goto out;
        }
        if (add_record(r, out, n)) {
            rc = fail("reading the records", "out of memory");
            goto out;
        }
        r->stored += zlen;
    }
    if (step != SQLITE_DONE) {
        rc = fail("reading the records", sqlite3_errmsg(db));
        goto out;
    }
    rc = r->count ? 0 : fail("the store", "no compressed record");
out:
    sqlite3_finalize(st);
    ZSTD_freeDDict(dd);
    ZSTD_freeDCtx(dc);
    free(out);
    return rc;
}

/* Compresses the records from `from` on, `per` to a frame, against dict;
 * the bytes a record in *size, the microseconds a record in *us. */
static int compress_all(const records *r, size_t from, size_t per, const void *dict,
                        size_t dict_len, double *size, double *us) {
    int rc = 1;
    size_t total = 0, biggest = 0;
    for (size_t i = from; i < r->count; i++)
        biggest = r->len[i] > biggest ? r->len[i] : biggest;
    size_t cap = ZSTD_compressBound(biggest * per);
    char *out = malloc(cap), *frame = malloc(biggest * per + 1);
    ZSTD_CDict *cd = ZSTD_createCDict(dict, dict_len, LEVEL);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    if (!out || !frame || !cd || !cc ||
        ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_refCDict(cc, cd)))
        goto out;
    double t0 = now_s();
    for (size_t i = from; i < r->count; i += per) {
        /* One record is compressed where it lies, as the store does; a
         * frame of several is first put together. */
        const char *in = r->bytes + r->start[i];
        size_t len = r->len[i];
        if (per > 1) {
            len = 0;
            for (size_t k = i; k < i + per && k < r->count; k++) {
                memcpy(frame + len, r->bytes + r->start[k], r->len[k]);
                len += r->len[k];
            }
            in = frame;
        }
        size_t n = ZSTD_compress2(cc, out, cap, in, len);
        if (ZSTD_isError(n)) {
            fail("compressing", ZSTD_getErrorName(n));
            goto out;
        }
        total += n;
    }
    double t = now_s() - t0;
    *size = (double)total / (double)(r->count - from);
    *us = t * 1e6 / (double)(r->count - from);
    rc = 0;
out:
    ZSTD_freeCCtx(cc);
    ZSTD_freeCDict(cd);
    free(out);
    free(frame);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: eligo_bench_records DB\n");
        return 2;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int rc = fail(argv[1], db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return rc;
    }
    records r = {0};
    void *dict = NULL;
    size_t dict_len = 0;
    int rc = load(db, &dict, &dict_len, &r);
    sqlite3_close(db);
    if (rc)
        goto out;
    printf("%zu records: %.0f bytes each, %.1f as stored (dictionary %zu bytes, level %d)\n",
           r.count, (double)r.used / (double)r.count, (double)r.stored / (double)r.count, dict_len,
           LEVEL);

    /* Dictionaries trained on the first records, tried on the records past
     * the largest sample (the same ones for every dictionary). */
    static const size_t samples[] = {64, 256, 1024, 4096};
    static const size_t sizes[] = {12 * 1024, 32 * 1024, 64 * 1024, 110 * 1024};
    size_t from = r.count > 2 * 4096 ? 4096 : r.count / 2;
    printf("dictionaries (records %zu to %zu):\n", from + 1, r.count);
    for (size_t a = 0; a < sizeof samples / sizeof *samples && rc == 0; a++) {
        size_t want = samples[a] < from ? samples[a] : from;
        if (a > 0 && samples[a - 1] >= from)
            break; /* the same sample again */
        for (size_t b = 0; b < sizeof sizes / sizeof *sizes && rc == 0; b++) {
            void *d = malloc(sizes[b]);
            if (!d) {
                rc = fail("training", "out of memory");
                break;
            }
            size_t got = ZDICT_trainFromBuffer(d, sizes[b], r.bytes, r.len, (unsigned)want);
            double size = 0, us = 0;
            if (ZDICT_isError(got))
                printf("  trained on %5zu, %6zu bytes: %s\n", want, sizes[b],
                       ZDICT_getErrorName(got));
            else if ((rc = compress_all(&r, from, 1, d, got, &size, &us)) == 0)
                printf("  trained on %5zu, %6zu bytes (%6zu made): %6.1f bytes, %5.2f us a "
                       "record\n",
                       want, sizes[b], got, size, us);
            free(d);
        }
    }
    static const size_t per[] = {1, 16, 64, 256};
    printf("frames of several records, the store's dictionary (all %zu records):\n", r.count);
    for (size_t i = 0; i < sizeof per / sizeof *per && rc == 0; i++) {
        double size = 0, us = 0;
        if ((rc = compress_all(&r, 0, per[i], dict, dict_len, &size, &us)) == 0)
            printf("  %3zu a frame: %6.1f bytes, %5.2f us a record\n", per[i], size, us);
    }
out:
    free(dict);
    free(r.bytes);
    free(r.len);
    free(r.start);
    return rc;
}
