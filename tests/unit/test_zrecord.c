/*
 * Unit tests for engine/zrecord: a dictionary made from samples, records
 * given back byte for byte (empty, ordinary, larger than the window), and
 * what is refused: a frame made with another dictionary, bytes that are no
 * whole frame, a byte changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zrecord.h"

static void sample(char *buf, size_t size, int i) {
    snprintf(buf, size,
             "{\"status\":\"%s\",\"message\":\"Dépenses %d,%02d € = ressources\",\"facts\":[%d,"
             "%d],\"figures\":{\"amount\":%d}}",
             i % 2 ? "pass" : "fail", i * 17, i % 100, i, i + 1, i * 991);
}

static void make_dict(int seed, void **dict, size_t *len) {
    elg_zrec_trainer *t = elg_zrec_trainer_new();
    elg_error err = {0};
    char buf[512];
    assert_non_null(t);
    for (int i = 0; i < ELG_ZREC_SAMPLES + 10; i++) {
        sample(buf, sizeof buf, seed + i);
        assert_int_equal(elg_zrec_trainer_add(t, buf, strlen(buf), &err), 0);
    }
    assert_int_equal(elg_zrec_trainer_count(t), ELG_ZREC_SAMPLES);
    if (elg_zrec_train(t, dict, len, &err))
        fail_msg("training: %s", err.message);
    assert_true(*len > 0 && *len <= ELG_ZREC_DICT_MAX);
    elg_zrec_trainer_free(t);
}

static void round_trip(elg_zrec_encoder *e, elg_zrec_decoder *d, const char *text, size_t len) {
    const void *z;
    size_t zlen, back_len;
    char *back;
    elg_error err = {0};
    assert_int_equal(elg_zrec_encode(e, text, len, &z, &zlen, &err), 0);
    if (elg_zrec_decode(d, z, zlen, &back, &back_len, &err))
        fail_msg("decoding %zu bytes: %s", len, err.message);
    assert_int_equal(back_len, len);
    assert_memory_equal(back, text, len);
    assert_int_equal(back[len], '\0');
    free(back);
}

static void test_round_trips(void **state) {
    (void)state;
    void *dict;
    size_t len;
    elg_zrec_encoder *e;
    elg_zrec_decoder *d;
    elg_error err = {0};
    char buf[512];
    make_dict(0, &dict, &len);
    assert_int_equal(elg_zrec_encoder_new(dict, len, &e, &err), 0);
    assert_int_equal(elg_zrec_decoder_new(dict, len, &d, &err), 0);
    round_trip(e, d, "", 0);
    for (int i = 1000; i < 1100; i++) {
        sample(buf, sizeof buf, i);
        round_trip(e, d, buf, strlen(buf));
    }
    /* Larger than the 128 KiB window, and not text. */
    size_t big = 3u << 20;
    unsigned char *bytes = malloc(big);
    assert_non_null(bytes);
    uint32_t x = 12345;
    for (size_t i = 0; i < big; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = i % 5000 < 2500 ? (unsigned char)(x >> 24) : (unsigned char)"ab"[i % 2];
    }
    round_trip(e, d, (const char *)bytes, big);
    free(bytes);
    elg_zrec_encoder_free(e);
    elg_zrec_decoder_free(d);
    free(dict);
}

static void test_refused(void **state) {
    (void)state;
    void *dict, *other;
    size_t len, other_len, back_len;
    elg_zrec_encoder *e;
    elg_zrec_decoder *d, *od;
    elg_error err = {0};
    const void *z;
    size_t zlen;
    char *back = NULL, buf[512];
    make_dict(0, &dict, &len);
    make_dict(5000, &other, &other_len);
    assert_int_equal(elg_zrec_encoder_new(dict, len, &e, &err), 0);
    assert_int_equal(elg_zrec_decoder_new(dict, len, &d, &err), 0);
    assert_int_equal(elg_zrec_decoder_new(other, other_len, &od, &err), 0);
    sample(buf, sizeof buf, 77);
    assert_int_equal(elg_zrec_encode(e, buf, strlen(buf), &z, &zlen, &err), 0);
    unsigned char *copy = malloc(zlen + 1);
    assert_non_null(copy);
    memcpy(copy, z, zlen);

    elg_error_clear(&err);
    assert_int_equal(elg_zrec_decode(od, copy, zlen, &back, &back_len, &err), ELG_ESTORE);
    assert_null(back);
    assert_non_null(strstr(err.message, "dictionnaire"));
    for (size_t cut = 0; cut < zlen; cut++) {
        elg_error_clear(&err);
        assert_int_equal(elg_zrec_decode(d, copy, cut, &back, &back_len, &err), ELG_ESTORE);
        assert_null(back);
    }
    copy[zlen] = 0;
    elg_error_clear(&err);
    assert_int_equal(elg_zrec_decode(d, copy, zlen + 1, &back, &back_len, &err), ELG_ESTORE);
    /* Every single byte changed: refused, or (a change zstd's checksum
     * cannot see, none expected) the same text. */
    for (size_t i = 0; i < zlen; i++) {
        copy[i] ^= 0x20;
        elg_error_clear(&err);
        int rc = elg_zrec_decode(d, copy, zlen, &back, &back_len, &err);
        if (rc == 0) {
            assert_int_equal(back_len, strlen(buf));
            assert_memory_equal(back, buf, back_len);
            free(back);
        } else {
            assert_int_equal(rc, ELG_ESTORE);
        }
        copy[i] ^= 0x20;
    }
    free(copy);
    elg_zrec_encoder_free(e);
    elg_zrec_decoder_free(d);
    elg_zrec_decoder_free(od);
    free(dict);
    free(other);
}

/* Samples with nothing to learn from (empty, or all the same) still give
 * a dictionary that gives records back exactly. */
static void test_degenerate_samples(void **state) {
    (void)state;
    static const char *const samples[] = {"", "{}"};
    for (size_t k = 0; k < 2; k++) {
        elg_zrec_trainer *t = elg_zrec_trainer_new();
        elg_zrec_encoder *e;
        elg_zrec_decoder *d;
        elg_error err = {0};
        void *dict = NULL;
        size_t len = 0;
        char buf[512];
        assert_non_null(t);
        for (int i = 0; i < ELG_ZREC_SAMPLES; i++)
            assert_int_equal(elg_zrec_trainer_add(t, samples[k], strlen(samples[k]), &err), 0);
        if (elg_zrec_train(t, &dict, &len, &err))
            fail_msg("training on \"%s\": %s", samples[k], err.message);
        elg_zrec_trainer_free(t);
        assert_int_equal(elg_zrec_encoder_new(dict, len, &e, &err), 0);
        assert_int_equal(elg_zrec_decoder_new(dict, len, &d, &err), 0);
        round_trip(e, d, samples[k], strlen(samples[k]));
        sample(buf, sizeof buf, 3);
        round_trip(e, d, buf, strlen(buf));
        elg_zrec_encoder_free(e);
        elg_zrec_decoder_free(d);
        free(dict);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_degenerate_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
