/*
 * tr: the compiled French catalogue (engine/tr.h) and the messages it
 * translates through elg_error_set.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "tr.h"

/* The lookup is a binary search: the table must be sorted as strcmp sees
 * the strings the compiler built (a msgid with PRIu64 sorts as "%lu"). */
static void test_sorted_and_found(void **state) {
    (void)state;
    assert_true(elg_tr_fr_count > 400);
    for (size_t i = 0; i < elg_tr_fr_count; i++) {
        if (i > 0)
            assert_true(strcmp(elg_tr_fr[i - 1].msgid, elg_tr_fr[i].msgid) < 0);
        assert_ptr_equal(elg_tr(elg_tr_fr[i].msgid), elg_tr_fr[i].msgstr);
    }
}

static void test_lookup(void **state) {
    (void)state;
    assert_string_equal(elg_tr("out of memory"), "mémoire insuffisante");
    /* A message without translation (already French, or built at run time)
     * comes back as it is. */
    const char *fr = "déjà en français";
    assert_ptr_equal(elg_tr(fr), fr);
    assert_null(elg_tr(NULL));
    /* A context tells two translations of one msgid apart; without its
     * entry, the msgid is shown without the context. */
    assert_string_equal(elg_trc("opening quote", "\""), "« ");
    assert_string_equal(elg_trc("closing quote", "\""), " »");
    assert_string_equal(elg_trc("no such context", "x"), "x");
}

/* elg_error_set formats with the French translation and the msgid's
 * arguments, PRIu64 conversions included. */
static void test_error_set(void **state) {
    (void)state;
    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(elg_error_set(&err, ELG_ENOTFOUND, "no decision %lld in the store", 42LL),
                     ELG_ENOTFOUND);
    assert_string_equal(err.message, "pas de décision n° 42 dans le magasin");
    elg_error_clear(&err);
    elg_error_set(&err, ELG_ENOTFOUND, "no version %d of project \"%s\" in the store", 3, "p1");
    assert_string_equal(err.message, "pas de version 3 du projet « p1 » dans le magasin");
    elg_error_clear(&err);
    elg_error_set(&err, ELG_EINPUT, "split: weights[%zu] is %" PRId64 " (must be > 0)", (size_t)1,
                  (int64_t)-4);
    assert_string_equal(err.message, "répartition : weights[1] vaut -4 (doit être > 0)");
    /* The first error still wins. */
    elg_error_set(&err, ELG_ENOMEM, "out of memory");
    assert_string_equal(err.message, "répartition : weights[1] vaut -4 (doit être > 0)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_and_found),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_error_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
