/*
 * Tests of the decision diff: what counts as a change (status, message,
 * figures and facts key by key, key figures by path, rules on one side
 * only, parameters and their edition) and what never does (timings, ids,
 * timestamps, engine version for elg_diff_same).
 *
 * Decisions are typed data: each test edits a full decision document
 * (format 1) as JSON, reads it with elg_decision_read, and compares the
 * decisions read; what JSON cannot carry (text that is not UTF-8, as a rule
 * can build) is set on the typed decision directly.
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
    "\"call_version\":1,\"call_sha256\":\"cc\",\"call_title\":\"Appel\","
    "\"engine_version\":\"0.1.0\",\"outcome\":\"eligible\",\"ruleset_sha256\":\"rr\","
    "\"edition\":null,\"basis\":\"b\",\"limits\":{\"instructions\":1000,\"memory\":2000},"
    "\"figures\":{\"call_financer\":\"MEL\",\"eligible_cost\":100,\"total_resources\":100,"
    "\"balance\":0,\"expenses_by_category\":{\"staff\":60,\"equipment\":40},"
    "\"financers\":[{\"financer\":\"MEL\",\"nature\":\"local\",\"public\":true,\"amount\":70,"
    "\"requested\":70,\"granted\":0,\"earmarked\":{},\"share_bp\":7000,\"max_grantable\":null},"
    "{\"financer\":\"SELF\",\"nature\":\"self\",\"public\":false,\"amount\":30,\"requested\":0,"
    "\"granted\":0,\"earmarked\":{},\"share_bp\":3000,\"max_grantable\":null}],"
    "\"public_amount\":70,\"public_share_bp\":7000,\"requested\":70,\"max_grantable\":null,"
    "\"max_grantable_rule\":null},"
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

/* What decision_write.c writes for text that is not valid UTF-8. */
#define INVALID_UTF8 "(text that is not valid UTF-8)"

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

/* The decision document j (consumed) read as a typed decision. */
static elg_decision *decide(json_t *j) {
    char *text = json_dumps(j, JSON_COMPACT);
    elg_decision *d = NULL;
    elg_error err = {0};
    int rc = elg_decision_read(text, strlen(text), NULL, NULL, NULL, &d, &err);
    free(text);
    json_decref(j);
    if (rc != ELG_OK)
        fail_msg("elg_decision_read: %s", err.message);
    return d;
}

static json_t *diff_of(const elg_decision *a, const elg_decision *b) {
    elg_error err = {0};
    json_t *diff = elg_diff_decisions(a, b, &err);
    if (!diff)
        fail_msg("elg_diff_decisions: %s", err.message);
    return diff;
}

/* The diff of documents ja and jb (both consumed). */
static json_t *diff_docs(json_t *ja, json_t *jb) {
    elg_decision *a = decide(ja), *b = decide(jb);
    json_t *diff = diff_of(a, b);
    elg_decision_free(a);
    elg_decision_free(b);
    return diff;
}

static const char *s(json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

/* "path:change" of every entry of a [{path, change, ...}] list, joined by
 * spaces, in a static buffer. */
static const char *paths(json_t *list) {
    static char buf[2048];
    size_t i, n = 0;
    json_t *e;
    buf[0] = '\0';
    json_array_foreach(list, i, e) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%s", i ? " " : "", s(e, "path"),
                              s(e, "change"));
        assert_true(n < sizeof buf);
    }
    return buf;
}

/* The compact JSON of v, for exact comparisons (key order included). */
static void assert_json(json_t *v, const char *expected) {
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(text);
    assert_string_equal(text, expected);
    free(text);
}

static void test_identical_but_timings(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(b, "decision_id", json_integer(2));
    json_object_set_new(b, "created_at", json_string("2025-01-01T00:00:00.000Z"));
    json_object_set_new(rule(b, 0), "duration_us", json_integer(99999));
    json_object_set_new(b, "engine_version", json_string("0.2.0"));
    json_t *diff = diff_docs(a, b);
    assert_true(json_is_null(json_object_get(diff, "outcome")));
    assert_int_equal(elg_diff_rules_changed(diff), 0);
    assert_int_equal(json_array_size(json_object_get(diff, "rules_unchanged")), 2);
    /* The engine version is reported but does not make decisions differ. */
    json_t *dec = json_object_get(diff, "decision");
    assert_int_equal(json_array_size(dec), 1);
    assert_string_equal(s(json_array_get(dec, 0), "field"), "engine_version");
    assert_true(elg_diff_same(diff));
    json_decref(diff);
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
    json_t *diff = diff_docs(a, b);
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
    json_t *diff = diff_docs(a, b);
    json_t *f = json_object_get(diff, "figures");
    assert_int_equal(json_array_size(f), 2);
    assert_string_equal(s(json_array_get(f, 0), "path"), "expenses_by_category.equipment");
    assert_string_equal(s(json_array_get(f, 1), "path"), "financers[MEL].amount");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(f, 1), "new")), 85);
    assert_int_equal(elg_diff_rules_changed(diff), 0);
    assert_false(elg_diff_same(diff));
    json_decref(diff);
}

/* Every member of the key figures has its path, earmarks and null shares
 * included; financers that one name does not tell apart go by index. */
static void test_key_figures_members(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_t *fig = json_object_get(b, "figures");
    json_t *mel = json_array_get(json_object_get(fig, "financers"), 0);
    json_object_set_new(json_object_get(mel, "earmarked"), "staff", json_integer(20));
    json_object_set_new(mel, "share_bp", json_null());
    json_object_set_new(mel, "max_grantable", json_integer(80));
    json_object_set_new(fig, "max_grantable_rule", json_string("plafond"));
    json_object_set_new(fig, "call_financer", json_null());
    json_t *diff = diff_docs(a, b);
    assert_string_equal(paths(json_object_get(diff, "figures")),
                        "call_financer:changed financers[MEL].earmarked:removed "
                        "financers[MEL].share_bp:changed financers[MEL].max_grantable:changed "
                        "max_grantable_rule:changed financers[MEL].earmarked.staff:added");
    json_t *share = json_array_get(json_object_get(diff, "figures"), 2);
    assert_int_equal(json_integer_value(json_object_get(share, "old")), 7000);
    assert_true(json_is_null(json_object_get(share, "new")));
    json_decref(diff);

    /* Two financers named alike: named by their position. */
    a = load(base);
    b = load(base);
    fig = json_object_get(b, "figures");
    json_object_set_new(json_array_get(json_object_get(fig, "financers"), 1), "financer",
                        json_string("MEL"));
    diff = diff_docs(a, b);
    assert_string_equal(
        paths(json_object_get(diff, "figures")),
        "financers[MEL].financer:removed financers[MEL].nature:removed "
        "financers[MEL].public:removed financers[MEL].amount:removed "
        "financers[MEL].requested:removed financers[MEL].granted:removed "
        "financers[MEL].earmarked:removed financers[MEL].share_bp:removed "
        "financers[MEL].max_grantable:removed financers[SELF].financer:removed "
        "financers[SELF].nature:removed financers[SELF].public:removed "
        "financers[SELF].amount:removed financers[SELF].requested:removed "
        "financers[SELF].granted:removed financers[SELF].earmarked:removed "
        "financers[SELF].share_bp:removed financers[SELF].max_grantable:removed "
        "financers[0].financer:added financers[0].nature:added financers[0].public:added "
        "financers[0].amount:added financers[0].requested:added financers[0].granted:added "
        "financers[0].earmarked:added financers[0].share_bp:added financers[0].max_grantable:added "
        "financers[1].financer:added financers[1].nature:added financers[1].public:added "
        "financers[1].amount:added financers[1].requested:added financers[1].granted:added "
        "financers[1].earmarked:added financers[1].share_bp:added "
        "financers[1].max_grantable:added");
    json_decref(diff);
}

static void test_rules_on_one_side(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_array_remove(json_object_get(b, "rules"), 1); /* equilibre only in a */
    json_t *extra = json_pack("{sssssssssssss{}s{}s[]s[]}", "id", "nouvelle", "title", "Nouvelle",
                              "status", "fail", "message", "non", "basis", "", "source",
                              "rules/calls/c.lua:12", "facts", "figures", "notices", "missing");
    json_array_append_new(json_object_get(b, "rules"), extra);
    json_t *diff = diff_docs(a, b);
    json_t *rules = json_object_get(diff, "rules");
    assert_int_equal(json_array_size(rules), 2);
    assert_string_equal(s(json_array_get(rules, 0), "id"), "nouvelle");
    assert_string_equal(s(json_array_get(rules, 0), "change"), "added");
    assert_string_equal(s(json_array_get(rules, 0), "status"), "fail");
    assert_string_equal(s(json_array_get(rules, 1), "id"), "equilibre");
    assert_string_equal(s(json_array_get(rules, 1), "change"), "removed");
    assert_string_equal(s(json_array_get(rules, 1), "message"), "ok");
    /* A rule on one side only carries its status and message, nothing else. */
    assert_json(rules, "[{\"id\":\"nouvelle\",\"change\":\"added\",\"status\":\"fail\","
                       "\"message\":\"non\"},{\"id\":\"equilibre\",\"change\":\"removed\","
                       "\"status\":\"pass\",\"message\":\"ok\"}]");
    assert_int_equal(elg_diff_rules_changed(diff), 2);
    assert_json(json_object_get(diff, "rules_unchanged"), "[\"plafond\"]");
    assert_false(elg_diff_same(diff));
    json_decref(diff);
}

/* Rules are matched by id, reported in b's order then a's leftovers: a
 * reordering alone is no change. */
static void test_rules_matched_by_id(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_t *rules = json_object_get(b, "rules");
    json_t *first = json_incref(json_array_get(rules, 0));
    json_array_remove(rules, 0);
    json_array_append_new(rules, first);
    json_object_set_new(rule(b, 0), "message", json_string("équilibré"));
    json_t *diff = diff_docs(a, b);
    assert_json(json_object_get(diff, "rules"),
                "[{\"id\":\"equilibre\",\"change\":\"changed\",\"fields\":[{\"field\":\"message\","
                "\"old\":\"ok\",\"new\":\"équilibré\"}],\"figures\":[],\"facts\":[]}]");
    assert_json(json_object_get(diff, "rules_unchanged"), "[\"plafond\"]");
    json_decref(diff);
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
    json_t *diff = diff_docs(a, b);
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
}

/* Rule files go by path wherever they loaded; an added file and a
 * financer version recorded on one side only are reported by name. */
static void test_rule_files_and_financers_by_name(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_t *files = json_object_get(b, "rule_files");
    json_t *lib = json_incref(json_array_get(files, 0));
    json_array_remove(files, 0);
    json_array_append_new(files, lib);
    json_array_append_new(files,
                          json_pack("{ssss}", "path", "rules/lib/budget.lua", "sha256", "b1"));
    json_array_append_new(json_object_get(b, "financer_versions"),
                          json_pack("{sssiss}", "financer", "CAF", "version", 3, "sha256", "f3"));
    json_t *diff = diff_docs(a, b);
    assert_json(json_object_get(diff, "rule_files"),
                "[{\"path\":\"rules/lib/budget.lua\",\"change\":\"added\",\"new\":\"b1\"}]");
    assert_string_equal(paths(json_object_get(diff, "financer_versions")),
                        "CAF.financer:added CAF.version:added CAF.sha256:added");
    assert_false(elg_diff_same(diff));
    json_decref(diff);
}

/* Parameters from an edition: the edition itself is a decision field (an
 * object), each parameter is compared by name, member by member, a rate's
 * fraction included. */
static void test_parameters_from_edition(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(b, "edition", json_pack("{ssss}", "name", "2019", "from", "2019-01-01"));
    json_t *params = json_object_get(b, "parameters");
    json_t *max = json_array_get(params, 0);
    json_object_set_new(max, "value", json_integer(60));
    json_object_set_new(max, "edition", json_string("2019"));
    json_array_append_new(params, json_pack("{sssss{sisi}ss}", "name", "taux", "type", "rate",
                                            "value", "den", 100, "num", 80, "edition", "2019"));
    json_t *diff = diff_docs(a, b);
    assert_json(json_object_get(diff, "decision"),
                "[{\"field\":\"edition\",\"old\":null,\"new\":{\"name\":\"2019\","
                "\"from\":\"2019-01-01\"}}]");
    json_t *p = json_object_get(diff, "parameters");
    assert_string_equal(paths(p), "max_equipment.value:changed max_equipment.edition:changed "
                                  "taux.name:added taux.type:added taux.value.den:added "
                                  "taux.value.num:added taux.edition:added");
    assert_true(json_is_null(json_object_get(json_array_get(p, 1), "old")));
    assert_string_equal(s(json_array_get(p, 1), "new"), "2019");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(p, 5), "new")), 80);
    assert_false(elg_diff_same(diff));
    json_decref(diff);

    /* The same edition under another date, and a list parameter. */
    a = load(base);
    b = load(base);
    json_object_set_new(a, "edition", json_pack("{ssss}", "name", "2019", "from", "2019-01-01"));
    json_object_set_new(b, "edition", json_pack("{ssss}", "name", "2019", "from", "2019-03-01"));
    json_array_append_new(json_object_get(a, "parameters"),
                          json_pack("{sssss[ss]sn}", "name", "zones", "type", "list", "value",
                                    "QPV", "ZRR", "edition"));
    json_array_append_new(
        json_object_get(b, "parameters"),
        json_pack("{sssss[s]sn}", "name", "zones", "type", "list", "value", "ZRR", "edition"));
    diff = diff_docs(a, b);
    assert_json(json_object_get(diff, "decision"),
                "[{\"field\":\"edition\",\"old\":{\"name\":\"2019\",\"from\":\"2019-01-01\"},"
                "\"new\":{\"name\":\"2019\",\"from\":\"2019-03-01\"}}]");
    assert_json(json_object_get(diff, "parameters"),
                "[{\"path\":\"zones.value[0]\",\"change\":\"changed\",\"old\":\"QPV\","
                "\"new\":\"ZRR\"},{\"path\":\"zones.value[1]\",\"change\":\"removed\","
                "\"old\":\"ZRR\"}]");
    json_decref(diff);
}

/* The other top-level fields, in the report's order, objects whole. */
static void test_decision_fields(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(b, "limits", json_pack("{sisi}", "instructions", 1000, "memory", 4000));
    json_object_set_new(b, "basis", json_string("b2"));
    json_object_set_new(b, "call_title", json_null());
    json_object_set_new(b, "call_version", json_integer(2));
    json_object_set_new(b, "format", json_integer(1));
    json_t *diff = diff_docs(a, b);
    assert_json(json_object_get(diff, "decision"),
                "[{\"field\":\"call_version\",\"old\":1,\"new\":2},"
                "{\"field\":\"call_title\",\"old\":\"Appel\",\"new\":null},"
                "{\"field\":\"basis\",\"old\":\"b\",\"new\":\"b2\"},"
                "{\"field\":\"limits\",\"old\":{\"instructions\":1000,\"memory\":2000},"
                "\"new\":{\"instructions\":1000,\"memory\":4000}}]");
    assert_false(elg_diff_same(diff));
    json_decref(diff);

    /* A limit recorded on one side only (decisions stored before it was). */
    a = load(base);
    b = load(base);
    json_object_set_new(json_object_get(b, "limits"), "time_ms", json_integer(500));
    diff = diff_docs(a, b);
    assert_json(json_object_get(diff, "decision"),
                "[{\"field\":\"limits\",\"old\":{\"instructions\":1000,\"memory\":2000},"
                "\"new\":{\"instructions\":1000,\"memory\":2000,\"time_ms\":500}}]");
    json_decref(diff);
}

/* Two leaves at one path (a fact "a.b" beside a fact a holding b) are one
 * key, as in a JSON object: the later value, at the earlier place. */
static void test_colliding_paths(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base), *c = load(base);
    json_object_set_new(rule(a, 1), "facts", load("{\"a\":{\"b\":1},\"a.b\":2,\"z\":0}"));
    json_object_set_new(rule(b, 1), "facts", load("{\"a\":{\"b\":1},\"a.b\":3,\"z\":0}"));
    json_object_set_new(rule(c, 1), "facts", load("{\"a\":{\"b\":9},\"a.b\":2,\"z\":0}"));
    elg_decision *da = decide(a), *db = decide(b), *dc = decide(c);
    json_t *diff = diff_of(da, db);
    json_t *facts = json_object_get(json_array_get(json_object_get(diff, "rules"), 0), "facts");
    assert_json(facts, "[{\"path\":\"a.b\",\"change\":\"changed\",\"old\":2,\"new\":3}]");
    json_decref(diff);
    diff = diff_of(da, dc); /* a.b shows 2 on both sides: the 9 is hidden */
    assert_true(elg_diff_same(diff));
    json_decref(diff);
    elg_decision_free(da);
    elg_decision_free(db);
    elg_decision_free(dc);
}

/* A rule figure that is a list: elements named by their id when every one
 * has a different one, else by index; a list of texts goes by index. */
static void test_list_figures(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(json_object_get(rule(a, 0), "figures"), "lines",
                        load("[{\"id\":\"l1\",\"amount\":10},{\"id\":\"l2\",\"amount\":20}]"));
    json_object_set_new(json_object_get(rule(b, 0), "figures"), "lines",
                        load("[{\"id\":\"l2\",\"amount\":25},{\"id\":\"l3\",\"amount\":5},"
                             "{\"id\":\"l1\",\"amount\":10}]"));
    json_object_set_new(json_object_get(rule(a, 0), "figures"), "zones", load("[\"QPV\"]"));
    json_object_set_new(json_object_get(rule(b, 0), "figures"), "zones", load("[\"ZRR\",\"QPV\"]"));
    json_t *diff = diff_docs(a, b);
    json_t *figs = json_object_get(json_array_get(json_object_get(diff, "rules"), 0), "figures");
    assert_string_equal(paths(figs), "lines[l2].amount:changed zones[0]:changed "
                                     "lines[l3].amount:added lines[l3].id:added zones[1]:added");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(figs, 0), "old")), 20);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(figs, 0), "new")), 25);
    json_decref(diff);

    /* Two elements with one id: by index. An empty list is a value. */
    a = load(base);
    b = load(base);
    json_object_set_new(json_object_get(rule(a, 0), "figures"), "lines",
                        load("[{\"id\":\"l1\",\"amount\":10},{\"id\":\"l2\",\"amount\":20}]"));
    json_object_set_new(json_object_get(rule(b, 0), "figures"), "lines",
                        load("[{\"id\":\"l1\",\"amount\":10},{\"id\":\"l1\",\"amount\":20}]"));
    json_object_set_new(json_object_get(rule(a, 0), "figures"), "zones", load("[]"));
    json_object_set_new(json_object_get(rule(b, 0), "figures"), "zones", load("[\"QPV\"]"));
    diff = diff_docs(a, b);
    figs = json_object_get(json_array_get(json_object_get(diff, "rules"), 0), "figures");
    assert_json(figs, "[{\"path\":\"lines[l1].amount\",\"change\":\"removed\",\"old\":10},"
                      "{\"path\":\"lines[l1].id\",\"change\":\"removed\",\"old\":\"l1\"},"
                      "{\"path\":\"lines[l2].amount\",\"change\":\"removed\",\"old\":20},"
                      "{\"path\":\"lines[l2].id\",\"change\":\"removed\",\"old\":\"l2\"},"
                      "{\"path\":\"zones\",\"change\":\"removed\",\"old\":[]},"
                      "{\"path\":\"lines[0].amount\",\"change\":\"added\",\"new\":10},"
                      "{\"path\":\"lines[0].id\",\"change\":\"added\",\"new\":\"l1\"},"
                      "{\"path\":\"lines[1].amount\",\"change\":\"added\",\"new\":20},"
                      "{\"path\":\"lines[1].id\",\"change\":\"added\",\"new\":\"l1\"},"
                      "{\"path\":\"zones[0]\",\"change\":\"added\",\"new\":\"QPV\"}]");
    json_decref(diff);
}

/* A fact the project does not have is read as null and listed as missing:
 * providing it changes the fact and the missing list. */
static void test_missing_fact(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(json_object_get(rule(a, 1), "facts"), "resources[2].amount", json_null());
    json_object_set_new(rule(a, 1), "missing", load("[\"resources[2].amount\"]"));
    json_object_set_new(json_object_get(rule(b, 1), "facts"), "resources[2].amount",
                        json_integer(1500));
    json_t *diff = diff_docs(a, b);
    json_t *c = json_array_get(json_object_get(diff, "rules"), 0);
    assert_string_equal(s(c, "id"), "equilibre");
    assert_json(json_object_get(c, "fields"),
                "[{\"field\":\"missing\",\"old\":[\"resources[2].amount\"],\"new\":[]}]");
    json_t *facts = json_object_get(c, "facts");
    assert_json(facts, "[{\"path\":\"resources[2].amount\",\"change\":\"changed\",\"old\":null,"
                       "\"new\":1500}]");
    /* old is there, as null: the fact was read, without a value. */
    assert_non_null(json_object_get(json_array_get(facts, 0), "old"));
    json_decref(diff);

    /* A rule that read no fact, then one: the empty facts are a value. */
    a = load(base);
    b = load(base);
    json_object_set_new(rule(a, 1), "facts", json_object());
    diff = diff_docs(a, b);
    c = json_array_get(json_object_get(diff, "rules"), 0);
    assert_string_equal(paths(json_object_get(c, "facts")),
                        "(value):removed expenses[0].amount:added");
    json_decref(diff);
}

/* An erring rule carries where it failed and its traceback: fields that
 * are absent on the other side, shown there as null. */
static void test_error_fields(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_t *r = rule(b, 0);
    json_object_set_new(b, "outcome", json_string("error"));
    json_object_set_new(r, "status", json_string("error"));
    json_object_set_new(r, "message", json_string("attempt to index a nil value"));
    json_object_set_new(r, "error_at", json_string("rules/calls/c.lua:3"));
    json_object_set_new(r, "traceback", json_string("stack traceback:\n\tc.lua:3"));
    json_object_set_new(r, "notices", load("[\"arrondi\"]"));
    json_t *diff = diff_docs(a, b);
    json_t *fields = json_object_get(json_array_get(json_object_get(diff, "rules"), 0), "fields");
    assert_json(fields, "[{\"field\":\"status\",\"old\":\"pass\",\"new\":\"error\"},"
                        "{\"field\":\"message\",\"old\":\"40 <= 50\","
                        "\"new\":\"attempt to index a nil value\"},"
                        "{\"field\":\"notices\",\"old\":[],\"new\":[\"arrondi\"]},"
                        "{\"field\":\"error_at\",\"old\":null,\"new\":\"rules/calls/c.lua:3\"},"
                        "{\"field\":\"traceback\",\"old\":null,"
                        "\"new\":\"stack traceback:\\n\\tc.lua:3\"}]");
    json_decref(diff);
}

/* A rule can build text that is not UTF-8; the stored decision holds the
 * writer's notice instead. A fresh evaluation and the stored decision are
 * then the same (replay), and the report shows the notice. */
static void test_text_not_utf8(void **state) {
    (void)state;
    json_t *ja = load(base);
    json_object_set_new(rule(ja, 0), "message", json_string(INVALID_UTF8));
    elg_decision *stored = decide(ja), *fresh = decide(load(base));
    fresh->rules[0].message = "40 \xff 50";
    json_t *diff = diff_of(stored, fresh);
    assert_true(elg_diff_same(diff));
    assert_int_equal(json_array_size(json_object_get(diff, "rules_unchanged")), 2);
    json_decref(diff);

    elg_decision *valid = decide(load(base));
    diff = diff_of(valid, fresh);
    json_t *fields = json_object_get(json_array_get(json_object_get(diff, "rules"), 0), "fields");
    assert_json(fields,
                "[{\"field\":\"message\",\"old\":\"40 <= 50\",\"new\":\"" INVALID_UTF8 "\"}]");
    json_decref(diff);
    elg_decision_free(stored);
    elg_decision_free(fresh);
    elg_decision_free(valid);
}

/* The whole report: its keys, in order. */
static void test_report_shape(void **state) {
    (void)state;
    json_t *a = load(base), *b = load(base);
    json_object_set_new(json_object_get(rule(b, 0), "figures"), "max", json_integer(60));
    json_t *diff = diff_docs(a, b);
    assert_json(diff, "{\"decision\":[],\"figures\":[],\"parameters\":[],\"rule_files\":[],"
                      "\"financer_versions\":[],\"rules\":[{\"id\":\"plafond\",\"change\":"
                      "\"changed\",\"fields\":[],\"figures\":[{\"path\":\"max\",\"change\":"
                      "\"changed\",\"old\":50,\"new\":60}],\"facts\":[]}],"
                      "\"rules_unchanged\":[\"equilibre\"],\"outcome\":null}");
    assert_int_equal(elg_diff_rules_changed(diff), 1);
    assert_false(elg_diff_same(diff));
    json_decref(diff);
}

static void test_not_decisions(void **state) {
    (void)state;
    /* What is not a decision never becomes one: the reader refuses it. */
    elg_decision *junk = NULL;
    elg_error err = {0};
    assert_int_equal(elg_decision_read("{\"rules\":3}", 11, NULL, NULL, NULL, &junk, &err),
                     ELG_ESTORE);
    assert_null(junk);
    elg_error_clear(&err);
    elg_decision *a = decide(load(base));
    assert_null(elg_diff_decisions(NULL, a, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    elg_error_clear(&err);
    assert_null(elg_diff_decisions(a, NULL, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    /* A decision without its ruleset is not a whole decision either. */
    elg_decision *bare = elg_decision_new(NULL);
    assert_non_null(bare);
    elg_error_clear(&err);
    assert_null(elg_diff_decisions(a, bare, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    elg_decision_free(bare);
    elg_decision_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_but_timings),
        cmocka_unit_test(test_rule_status_figures_facts),
        cmocka_unit_test(test_key_figures_by_path),
        cmocka_unit_test(test_key_figures_members),
        cmocka_unit_test(test_rules_on_one_side),
        cmocka_unit_test(test_rules_matched_by_id),
        cmocka_unit_test(test_inputs_compared),
        cmocka_unit_test(test_rule_files_and_financers_by_name),
        cmocka_unit_test(test_parameters_from_edition),
        cmocka_unit_test(test_decision_fields),
        cmocka_unit_test(test_colliding_paths),
        cmocka_unit_test(test_list_figures),
        cmocka_unit_test(test_missing_fact),
        cmocka_unit_test(test_error_fields),
        cmocka_unit_test(test_text_not_utf8),
        cmocka_unit_test(test_report_shape),
        cmocka_unit_test(test_not_decisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
