/*
 * Tests of the decision diff: what counts as a change (status, message,
 * figures and facts key by key, key figures by path, rules on one side
 * only) and what never does (timings, ids, timestamps, engine version for
 * elg_diff_same).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diff.h"

static const char base[] =
    "{\"decision_id\":1,\"created_at\":\"2024-01-01T00:00:00.000Z\",\"format\":1,"
    "\"project\":\"p\",\"project_version\":1,\"project_sha256\":\"aa\",\"call\":\"c\","
    "\"call_version\":1,\"call_sha256\":\"cc\",\"engine_version\":\"0.1.0\",\"outcome\":"
    "\"eligible\",\"ruleset_sha256\":\"rr\",\"edition\":null,\"basis\":\"b\","
    "\"figures\":{\"eligible_cost\":100,\"expenses_by_category\":{\"staff\":60,\"equipment\":40},"
    "\"financers\":[{\"financer\":\"MEL\",\"amount\":70,\"share_bp\":7000},"
    "{\"financer\":\"SELF\",\"amount\":30,\"share_bp\":3000}]},"
    "\"parameters\":[{\"name\":\"max_equipment\",\"type\":\"money\",\"value\":50,\"edition\":null}]"
    ","
    "\"rule_files\":[{\"path\":\"rules/lib/init.lua\",\"sha256\":\"l1\"},"
    "{\"path\":\"rules/calls/c.lua\",\"sha256\":\"c1\"}],"
    "\"financer_versions\":[{\"financer\":\"MEL\",\"version\":1,\"sha256\":\"m1\"}],"
    "\"rules\":["
    "{\"id\":\"plafond\",\"title\":\"Plafond\",\"status\":\"pass\",\"message\":\"40 <= 50\","
    "\"basis\":\"b\",\"source\":\"rules/calls/c.lua:1\",\"facts\":{\"expenses[1].amount\":40,"
    "\"params.max_equipment\":50},\"figures\":{\"amount\":40,\"max\":50},\"notices\":[],"
    "\"missing\":[],\"duration_us\":12},"
    "{\"id\":\"equilibre\",\"title\":\"Équilibre\",\"status\":\"pass\",\"message\":\"ok\","
    "\"basis\":\"b\",\"source\":\"rules/calls/c.lua:7\",\"facts\":{\"expenses[0].amount\":60},"
    "\"figures\":{},\"notices\":[],\"missing\":[],\"duration_us\":3}]}";

static json_t *load(const char *text) {
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("fixture is not JSON: %s (line %d)", e.text, e.line);
    return j;
}

static json_t *rule(json_t *d, size_t i) {
    return json_array_get(json_object_get(d, "rules"), i);
}

static json_t *diff_of(json_t *a, json_t *b) {
    elg_error err = {0};
    json_t *diff = elg_diff_decisions(a, b, &err);
    if (!diff)
        fail_msg("elg_diff_decisions: %s", err.message);
    return diff;
}

static const char *s(json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

static void test_identical_but_timings(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(b, "decision_id", json_integer(2));
    json_object_set_new(b, "created_at", json_string("2025-01-01T00:00:00.000Z"));
    json_object_set_new(rule(b, 0), "duration_us", json_integer(99999));
    json_object_set_new(b, "engine_version", json_string("0.2.0"));
    json_t *diff = diff_of(a, b);
    assert_true(json_is_null(json_object_get(diff, "outcome")));
    assert_int_equal(elg_diff_rules_changed(diff), 0);
    assert_int_equal(json_array_size(json_object_get(diff, "rules_unchanged")), 2);
    /* The engine version is reported but does not make decisions differ. */
    json_t *dec = json_object_get(diff, "decision");
    assert_int_equal(json_array_size(dec), 1);
    assert_string_equal(s(json_array_get(dec, 0), "field"), "engine_version");
    assert_true(elg_diff_same(diff));
    json_decref(diff);
    json_decref(a);
    json_decref(b);
}

static void test_rule_status_figures_facts(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_t *r = rule(b, 0);
    json_object_set_new(b, "outcome", json_string("ineligible"));
    json_object_set_new(r, "status", json_string("fail"));
    json_object_set_new(r, "message", json_string("95 > 50"));
    json_object_set_new(json_object_get(r, "figures"), "amount", json_integer(95));
    json_object_set_new(json_object_get(r, "figures"), "gap", json_integer(45));
    json_object_set_new(json_object_get(r, "facts"), "expenses[1].amount", json_integer(95));
    json_object_del(json_object_get(r, "facts"), "params.max_equipment");
    json_t *diff = diff_of(a, b);
    json_t *o = json_object_get(diff, "outcome");
    assert_string_equal(s(o, "old"), "eligible");
    assert_string_equal(s(o, "new"), "ineligible");
    assert_int_equal(elg_diff_rules_changed(diff), 1);
    json_t *c = json_array_get(json_object_get(diff, "rules"), 0);
    assert_string_equal(s(c, "id"), "plafond");
    assert_string_equal(s(c, "change"), "changed");
    json_t *fields = json_object_get(c, "fields");
    assert_int_equal(json_array_size(fields), 2);
    assert_string_equal(s(json_array_get(fields, 0), "field"), "status");
    assert_string_equal(s(json_array_get(fields, 0), "old"), "pass");
    assert_string_equal(s(json_array_get(fields, 0), "new"), "fail");
    assert_string_equal(s(json_array_get(fields, 1), "field"), "message");
    json_t *figs = json_object_get(c, "figures");
    assert_int_equal(json_array_size(figs), 2);
    assert_string_equal(s(json_array_get(figs, 0), "path"), "amount");
    assert_string_equal(s(json_array_get(figs, 0), "change"), "changed");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(figs, 0), "old")), 40);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(figs, 0), "new")), 95);
    assert_string_equal(s(json_array_get(figs, 1), "path"), "gap");
    assert_string_equal(s(json_array_get(figs, 1), "change"), "added");
    assert_null(json_object_get(json_array_get(figs, 1), "old"));
    json_t *facts = json_object_get(c, "facts");
    assert_int_equal(json_array_size(facts), 2);
    assert_string_equal(s(json_array_get(facts, 0), "path"), "expenses[1].amount");
    assert_string_equal(s(json_array_get(facts, 0), "change"), "changed");
    assert_string_equal(s(json_array_get(facts, 1), "path"), "params.max_equipment");
    assert_string_equal(s(json_array_get(facts, 1), "change"), "removed");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(facts, 1), "old")), 50);
    json_t *same = json_object_get(diff, "rules_unchanged");
    assert_int_equal(json_array_size(same), 1);
    assert_string_equal(json_string_value(json_array_get(same, 0)), "equilibre");
    assert_false(elg_diff_same(diff));
    json_decref(diff);
    json_decref(a);
    json_decref(b);
}

static void test_key_figures_by_path(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_t *fig = json_object_get(b, "figures");
    json_object_set_new(json_object_get(fig, "expenses_by_category"), "equipment",
                        json_integer(55));
    /* Financers are matched by id, not position: swapping them is no change. */
    json_t *fins = json_object_get(fig, "financers");
    json_t *mel = json_incref(json_array_get(fins, 0));
    json_array_remove(fins, 0);
    json_array_append_new(fins, mel);
    json_object_set_new(mel, "amount", json_integer(85));
    json_t *diff = diff_of(a, b);
    json_t *f = json_object_get(diff, "figures");
    assert_int_equal(json_array_size(f), 2);
    assert_string_equal(s(json_array_get(f, 0), "path"), "expenses_by_category.equipment");
    assert_string_equal(s(json_array_get(f, 1), "path"), "financers[MEL].amount");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(f, 1), "new")), 85);
    assert_int_equal(elg_diff_rules_changed(diff), 0);
    assert_false(elg_diff_same(diff));
    json_decref(diff);
    json_decref(a);
    json_decref(b);
}

static void test_rules_on_one_side(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_array_remove(json_object_get(b, "rules"), 1); /* equilibre only in a */
    json_t *extra = json_pack("{ssssssss}", "id", "nouvelle", "title", "Nouvelle", "status", "fail",
                              "message", "non");
    json_array_append_new(json_object_get(b, "rules"), extra);
    json_t *diff = diff_of(a, b);
    json_t *rules = json_object_get(diff, "rules");
    assert_int_equal(json_array_size(rules), 2);
    assert_string_equal(s(json_array_get(rules, 0), "id"), "nouvelle");
    assert_string_equal(s(json_array_get(rules, 0), "change"), "added");
    assert_string_equal(s(json_array_get(rules, 0), "status"), "fail");
    assert_string_equal(s(json_array_get(rules, 1), "id"), "equilibre");
    assert_string_equal(s(json_array_get(rules, 1), "change"), "removed");
    assert_string_equal(s(json_array_get(rules, 1), "message"), "ok");
    assert_false(elg_diff_same(diff));
    json_decref(diff);
    json_decref(a);
    json_decref(b);
}

static void test_inputs_compared(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(json_array_get(json_object_get(b, "rule_files"), 1), "sha256",
                        json_string("c2"));
    json_object_set_new(json_array_get(json_object_get(b, "parameters"), 0), "value",
                        json_integer(60));
    json_object_set_new(json_array_get(json_object_get(b, "financer_versions"), 0), "version",
                        json_integer(2));
    json_object_set_new(b, "project_sha256", json_string("ab"));
    json_t *diff = diff_of(a, b);
    json_t *files = json_object_get(diff, "rule_files");
    assert_int_equal(json_array_size(files), 1);
    assert_string_equal(s(json_array_get(files, 0), "path"), "rules/calls/c.lua");
    assert_string_equal(s(json_array_get(files, 0), "old"), "c1");
    assert_string_equal(s(json_array_get(files, 0), "new"), "c2");
    json_t *params = json_object_get(diff, "parameters");
    assert_int_equal(json_array_size(params), 1);
    assert_string_equal(s(json_array_get(params, 0), "path"), "max_equipment.value");
    json_t *fv = json_object_get(diff, "financer_versions");
    assert_string_equal(s(json_array_get(fv, 0), "path"), "MEL.version");
    json_t *dec = json_object_get(diff, "decision");
    assert_int_equal(json_array_size(dec), 1);
    assert_string_equal(s(json_array_get(dec, 0), "field"), "project_sha256");
    assert_false(elg_diff_same(diff));
    json_decref(diff);
    json_decref(a);
    json_decref(b);
}

static void test_not_decisions(void **state) {
    (void)state;
    json_t *a = load(base), *junk = load("{\"rules\":3}");
    elg_error err = {0};
    assert_null(elg_diff_decisions(a, junk, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    elg_error_clear(&err);
    assert_null(elg_diff_decisions(NULL, a, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    json_decref(a);
    json_decref(junk);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_but_timings),
        cmocka_unit_test(test_rule_status_figures_facts),
        cmocka_unit_test(test_key_figures_by_path),
        cmocka_unit_test(test_rules_on_one_side),
        cmocka_unit_test(test_inputs_compared),
        cmocka_unit_test(test_not_decisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
