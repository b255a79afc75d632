/*
 * Tests of the envelope's allocation (engine/envelope.h) over a store's
 * batch items, of the call parameters that set its policy, and of the
 * wire fields (engine/wire.h) in which decisions cross between processes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "envelope.h"
#include "wire.h"

static elg_param param_text(const char *name, const char *value) {
    return (elg_param){.name = (char *)name, .type = ELG_PARAM_TEXT, .text = (char *)value};
}

static void test_policy(void **state) {
    (void)state;
    elg_param ps[2] = {param_text("envelope_scope", "edition"),
                       param_text("allocation_order", "largest-request")};
    elg_call call = {
        .id = "c", .has_envelope = true, .envelope = 1000, .params = ps, .params_count = 2};
    elg_envelope_policy p;
    elg_error err = {0};
    assert_int_equal(elg_envelope_policy_of(&call, &p, &err), 0);
    assert_int_equal(p.scope, ELG_ENVELOPE_EDITION);
    assert_int_equal(p.order, ELG_ALLOC_LARGEST_REQUEST);
    call.params_count = 0;
    assert_int_equal(elg_envelope_policy_of(&call, &p, &err), 0);
    assert_int_equal(p.scope, ELG_ENVELOPE_CALL);
    assert_int_equal(p.order, ELG_ALLOC_SUBMISSION);
    ps[0] = param_text("envelope_scope", "year");
    call.params_count = 1;
    assert_int_equal(elg_envelope_policy_of(&call, &p, &err), ELG_EINPUT);
    assert_string_equal(err.message,
                        "appel c : envelope_scope vaut « year » : il doit valoir call ou edition");
    elg_error_clear(&err);
    ps[0] = (elg_param){.name = "envelope_scope", .type = ELG_PARAM_BOOL};
    assert_int_equal(elg_envelope_policy_of(&call, &p, &err), ELG_EINPUT);
    assert_string_equal(
        err.message, "appel c : le paramètre envelope_scope doit être un texte, pas de type bool");
}

static void test_grantable(void **state) {
    (void)state;
    elg_decision d = {.outcome = ELG_OUTCOME_ELIGIBLE};
    d.figures.has_requested = true;
    d.figures.requested = 7300000;
    assert_int_equal(elg_envelope_grantable(&d), 7300000);
    d.figures.has_max_grantable = true;
    d.figures.max_grantable = 5000000; /* capped by the decision's maximum */
    assert_int_equal(elg_envelope_grantable(&d), 5000000);
    d.outcome = ELG_OUTCOME_INELIGIBLE;
    assert_int_equal(elg_envelope_grantable(&d), 0);
    d.outcome = ELG_OUTCOME_ELIGIBLE;
    d.figures.has_requested = false;
    assert_int_equal(elg_envelope_grantable(&d), 0);
}

static void test_keys(void **state) {
    (void)state;
    elg_envelope_policy p = {true, 100, ELG_ENVELOPE_CALL, ELG_ALLOC_SUBMISSION};
    const char *group;
    char a[32], b[32];
    elg_envelope_item_keys(&p, "2013", "2013-01-02", true, 5, &group, a);
    assert_string_equal(group, "");
    assert_string_equal(a, "2013-01-02");
    p.scope = ELG_ENVELOPE_EDITION;
    p.order = ELG_ALLOC_SMALLEST_REQUEST;
    elg_envelope_item_keys(&p, "2013", NULL, true, 900, &group, a);
    elg_envelope_item_keys(&p, "2013", NULL, true, 10000, &group, b);
    assert_string_equal(group, "2013");
    assert_true(strcmp(a, b) < 0); /* 900 before 10 000: numbers, not text */
    p.order = ELG_ALLOC_LARGEST_REQUEST;
    elg_envelope_item_keys(&p, NULL, NULL, true, 900, &group, a);
    elg_envelope_item_keys(&p, NULL, NULL, true, 10000, &group, b);
    assert_string_equal(group, "");
    assert_true(strcmp(b, a) < 0);
    /* The keys' exact text, as "%020" PRId64 and "%.10s" wrote them. */
    p.order = ELG_ALLOC_SMALLEST_REQUEST;
    elg_envelope_item_keys(&p, NULL, NULL, true, 900, &group, a);
    assert_string_equal(a, "00000000000000000900");
    elg_envelope_item_keys(&p, NULL, NULL, false, 0, &group, a);
    assert_string_equal(a, "09223372036854775807"); /* no request: last */
    p.order = ELG_ALLOC_LARGEST_REQUEST;
    elg_envelope_item_keys(&p, NULL, NULL, true, 900, &group, a);
    assert_string_equal(a, "09223372036854774907");
    p.order = ELG_ALLOC_SUBMISSION;
    elg_envelope_item_keys(&p, NULL, "2013-01-02T10:00:00Z", true, 5, &group, a);
    assert_string_equal(a, "2013-01-02");
    elg_envelope_item_keys(&p, NULL, "2013", true, 5, &group, a);
    assert_string_equal(a, "2013");
}

static int count_item(void *ctx, const elg_batch_item *it) {
    (void)it;
    ++*(int *)ctx;
    return 0;
}

typedef struct lines {
    int count;
    char beyond[256];
} lines;

/* Counts the lines walked and notes those beyond as project:covered:cumulative. */
static int on_line(void *ctx, const elg_envelope_line *l) {
    lines *c = ctx;
    c->count++;
    if (!l->within) {
        size_t n = strlen(c->beyond);
        snprintf(c->beyond + n, sizeof c->beyond - n, "%s:%lld:%lld ", l->item->project,
                 (long long)l->covered, (long long)l->cumulative);
    }
    return 0;
}

/* Three grants of 60, 50 and 30 against 100: the second crosses it (40 of
 * it covered), the third is beyond; per edition, each within. */
static void test_allocate(void **state) {
    (void)state;
    char path[] = "/tmp/eligo-test-envelope-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    elg_store *s = NULL;
    elg_error err = {0};
    assert_int_equal(elg_store_open(path, &s, &err), 0);
    elg_edition eds[2] = {{.name = "2012", .from = "2012-01-01"},
                          {.name = "2013", .from = "2013-01-01"}};
    elg_call call = {
        .id = "c", .has_envelope = true, .envelope = 100, .editions = eds, .editions_count = 2};
    const struct {
        const char *project, *edition, *date;
        elg_cents grantable;
    } rows[] = {{"b", "2013", "2013-02-01", 50},
                {"a", "2012", "2012-05-01", 60},
                {"c", "2013", "2013-03-01", 30},
                {"d", "2013", "2013-01-01", 0}};
    for (int mode = 0; mode < 6; mode++) {
        int scope = mode % 2, every_line = mode / 2 % 2, envelope = mode < 4;
        /* The tally takes the policy the call declares. */
        elg_param edition = param_text("envelope_scope", "edition");
        call.has_envelope = envelope;
        call.params = scope ? &edition : NULL;
        call.params_count = scope ? 1 : 0;
        elg_envelope_tally *t = NULL;
        assert_int_equal(elg_store_batch_items_clear(s, &err), 0);
        assert_int_equal(elg_envelope_tally_new(s, 0, &call, every_line, &t, &err), 0);
        for (int i = 0; i < 4; i++) {
            elg_batch_item it = {.seq = i,
                                 .project = rows[i].project,
                                 .version = 1,
                                 .edition = rows[i].edition,
                                 .outcome = rows[i].grantable ? "eligible" : "ineligible",
                                 .has_requested = true,
                                 .requested = rows[i].grantable + 1,
                                 .grantable = rows[i].grantable};
            assert_int_equal(elg_envelope_tally_add(t, &it, rows[i].date, &err), 0);
        }
        /* Kept for the sort: every item when every line is asked, else
         * only the grants under an envelope (never d's 0, nothing without
         * an envelope). */
        int kept = 0;
        assert_int_equal(elg_store_batch_items_each(s, 0, count_item, &kept, &err), 0);
        assert_int_equal(kept, every_line ? 4 : envelope ? 3 : 0);
        for (int again = 0; again < 2; again++) { /* a tally walks again */
            elg_envelope_report r;
            lines l = {0};
            assert_int_equal(elg_envelope_allocate(t, on_line, &l, &r, &err), 0);
            assert_int_equal(l.count, kept);
            assert_int_equal(r.call.grantable, 140);
            assert_int_equal(r.call.requested, 144);
            assert_int_equal(r.call.projects, 4);
            assert_int_equal(r.call.granted, 3);
            assert_int_equal(r.editions[0].grantable, 60);
            assert_int_equal(r.editions[1].grantable, 80);
            assert_int_equal(r.editions[1].projects, 3);
            if (!envelope) {
                assert_int_equal(r.call.covered, 140);
                assert_int_equal(r.call.overrun, 0);
                assert_int_equal(r.call.beyond, 0);
            } else if (scope == 0) {
                assert_int_equal(r.groups_count, 1);
                assert_int_equal(r.call.overrun, 40);
                assert_int_equal(r.call.covered, 100); /* 60 + 40 of b */
                assert_int_equal(r.call.beyond, 2);
                /* In submission order a (60), b (50: 40 covered), c. */
                assert_string_equal(l.beyond, "b:40:110 c:0:140 ");
            } else {
                assert_int_equal(r.groups_count, 2);
                assert_int_equal(r.call.overrun, 0);
                assert_int_equal(r.call.beyond, 0);
                assert_int_equal(r.call.covered, 140);
                assert_string_equal(r.groups[0].name, "2012");
                assert_string_equal(r.groups[1].name, "2013");
                assert_int_equal(r.groups[1].grantable, 80);
                assert_int_equal(r.groups[1].projects, 3);
            }
            elg_envelope_report_release(&r);
        }
        elg_envelope_tally_free(t);
    }
    /* A policy the call gets wrong is refused when the tally is made. */
    elg_param year = param_text("envelope_scope", "year");
    call.params = &year;
    call.params_count = 1;
    elg_envelope_tally *bad = (elg_envelope_tally *)&call;
    assert_int_equal(elg_envelope_tally_new(s, 0, &call, false, &bad, &err), ELG_EINPUT);
    assert_null(bad);
    elg_error_clear(&err);
    elg_store_close(s);
    unlink(path);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void test_wire(void **state) {
    (void)state;
    elg_text t = {0};
    elg_error err = {0};
    assert_int_equal(elg_wire_put_str(&t, "abc", &err), 0);
    assert_int_equal(elg_wire_put_u64(&t, 1234567890123ULL, &err), 0);
    assert_int_equal(elg_wire_put(&t, NULL, 0, &err), 0);
    elg_wire_reader r = {t.data, t.data + t.len};
    const char *s;
    size_t n;
    uint64_t v;
    assert_int_equal(elg_wire_get(&r, &s, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(s, "abc");
    assert_int_equal(elg_wire_get_u64(&r, &v, &err), 0);
    assert_true(v == 1234567890123ULL);
    assert_int_equal(elg_wire_get(&r, &s, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(elg_wire_get(&r, &s, &n, &err), ELG_ESTORE); /* the end */
    /* Every truncation is an error, never a read past the end. */
    for (size_t cut = 0; cut < t.len; cut++) {
        elg_wire_reader c = {t.data, t.data + cut};
        elg_error e = {0};
        int rc = elg_wire_get(&c, &s, &n, &e);
        if (rc == 0)
            rc = elg_wire_get_u64(&c, &v, &e);
        if (rc == 0)
            rc = elg_wire_get(&c, &s, &n, &e);
        assert_int_equal(rc, ELG_ESTORE);
        assert_string_equal(e.message, "message tronqué reçu d'un processus d'évaluation");
    }
    elg_text_release(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy), cmocka_unit_test(test_grantable),
        cmocka_unit_test(test_keys),   cmocka_unit_test(test_allocate),
        cmocka_unit_test(test_wire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
