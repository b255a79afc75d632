/*
 * Tests of the HTML report: the outcome comes first, every rule is there
 * with its excerpt of source, the plan is a table, and every text from a
 * document, a rule or the store is escaped (a project title or a rule
 * message cannot inject markup). Also the excerpt range on its own.
 * Decisions are typed data (decision.h), read from a full decision
 * document as `trace show --format json` prints it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

static const char call_src[] = "-- a cap\n"
                               "-- « dans une limite de 50 € »\n"
                               "ceiling {\n"
                               "    id = \"plafond\",\n"
                               "    max = param \"max\",\n"
                               "}\n"
                               "\n"
                               "rule { id = \"x<y\", check = function(p) return true end }\n";

static const char decision_json[] =
    "{\"decision_id\":7,\"created_at\":\"2024-01-01T00:00:00.000Z\",\"format\":1,"
    "\"project\":\"p<script>\",\"project_version\":1,\"project_sha256\":\"aa\",\"call\":\"c\","
    "\"call_version\":1,\"call_sha256\":\"cc\",\"call_title\":\"Appel & co\","
    "\"engine_version\":\"0.1.0\",\"outcome\":\"ineligible\",\"ruleset_sha256\":\"rr\","
    "\"edition\":{\"name\":\"2019\",\"from\":\"2019-01-01\"},\"basis\":\"Délibération\","
    "\"figures\":{\"eligible_cost\":9500,\"total_resources\":9500,\"balance\":0,"
    "\"expenses_by_category\":{\"equipment\":9500},\"public_amount\":9500,"
    "\"public_share_bp\":10000,\"requested\":9500,\"max_grantable\":null,"
    "\"financers\":[{\"financer\":\"MEL\",\"nature\":\"local-authority\",\"public\":true,"
    "\"amount\":9500,\"requested\":9500,\"granted\":0,\"share_bp\":10000,"
    "\"earmarked\":{\"staff\":9500},\"max_grantable\":null}]},"
    "\"parameters\":[{\"name\":\"max\",\"type\":\"money\",\"value\":5000,\"edition\":\"2019\"}],"
    "\"rule_files\":[{\"path\":\"rules/calls/c.lua\",\"sha256\":\"c1\"}],"
    "\"limits\":{\"instructions\":1000,\"memory\":2097152,\"time_ms\":50,\"output\":4096},"
    "\"rules\":["
    "{\"id\":\"x<y\",\"title\":\"T\",\"status\":\"pass\",\"message\":\"ok\",\"basis\":\"\","
    "\"source\":\"rules/calls/c.lua:8\",\"facts\":{},\"figures\":{},\"notices\":[],"
    "\"missing\":[],\"duration_us\":1},"
    "{\"id\":\"plafond\",\"title\":\"Plafond\",\"status\":\"fail\","
    "\"message\":\"<img src=x onerror=alert(1)> 95,00 € > 50,00 €\",\"basis\":\"Art. 1\","
    "\"source\":\"rules/calls/c.lua:3\",\"facts\":{\"expenses[0].amount\":9500,"
    "\"params.max\":5000,\"expenses[0].category\":\"equipment\",\"expenses[1]\":null},"
    "\"figures\":{\"amount\":9500,\"max\":5000,\"rate\":{\"num\":1,\"den\":3},"
    "\"parts\":[{\"amount\":4750,\"name\":\"A<\"},{\"amount\":4750,\"name\":\"B\"}],"
    "\"capped\":true},"
    "\"notices\":[\"convention requise\"],\"missing\":[],\"duration_us\":2}]}";

static int sources(void *ctx, const char *sha, char **body, size_t *len, elg_error *err) {
    (void)ctx;
    if (strcmp(sha, "c1") != 0)
        return elg_error_set(err, ELG_ENOTFOUND, "no source %s", sha);
    *body = strdup(call_src);
    *len = strlen(call_src);
    return 0;
}

/* The page of a decision read from a full (format 1) decision document. */
static char *render(const char *json, elg_report_source_fn fn) {
    elg_decision *d = NULL;
    elg_error err = {0};
    if (elg_decision_read(json, strlen(json), NULL, NULL, NULL, &d, &err))
        fail_msg("elg_decision_read: %s", err.message);
    char *html = elg_report_html(d, NULL, fn, NULL, &err);
    if (!html)
        fail_msg("elg_report_html: %s", err.message);
    elg_decision_free(d);
    return html;
}

static void contains(const char *html, const char *needle) {
    if (!strstr(html, needle))
        fail_msg("not in the page: %s", needle);
}

static void test_outcome_first_and_rules(void **state) {
    (void)state;
    char *html = render(decision_json, sources);
    const char *outcome = strstr(html, "NON ÉLIGIBLE</span></h1>");
    const char *plan = strstr(html, "Plan de financement");
    assert_non_null(outcome);
    assert_non_null(plan);
    assert_true(outcome < plan);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    contains(html, "<html lang=\"fr\">");
    contains(html, "<meta charset=\"utf-8\">");
    contains(html, "@media print");
    /* Times in Paris (UTC+1 in winter) with UTC beside. */
    contains(html, "<dt>Décidé le</dt><dd>01/01/2024 à 01:00:00, heure de Paris (00:00:00 UTC)");
    /* Failing rule listed up front with its message, and first among rules. */
    contains(html, "<li><a href=\"#regle-plafond\"><code>plafond</code></a> (non respectée)");
    const char *fail_rule = strstr(html, "id=\"regle-plafond\"");
    const char *pass_rule = strstr(html, "id=\"regle-x&lt;y\"");
    assert_non_null(fail_rule);
    assert_non_null(pass_rule);
    assert_true(fail_rule < pass_rule);
    /* Figures as money, rates as rates, parameters with their edition. */
    contains(html, "<td class=\"num\"><span class=\"m\">95,00 €</span></td>");
    contains(html, "1/3");
    /* Lists and records of figures on several lines, amounts as money; a
     * record's keys in order (a decision's records are sorted by key). */
    contains(html, "<tr><td>parts <code class=\"small\">parts</code></td><td><ul class=\"v\"><li>"
                   "montant : <span class=\"m\">47,50 €</span><br>nom : A&lt;</li>");
    /* Figure keys under their French label; an unknown key as it is. */
    contains(html, "<tr><td>plafond <code class=\"small\">max</code></td><td class=\"num\">"
                   "<span class=\"m\">50,00 €</span></td></tr>");
    contains(html, "<tr><td>capped <code class=\"small\">capped</code></td><td class=\"num\">oui"
                   "</td></tr>");
    /* Without the project document, expenses by category from the figures. */
    contains(html,
             "<tr><td>Matériel</td><td></td><td class=\"num\"><span class=\"m\">95,00 €</span>"
             "</td></tr>");
    assert_null(strstr(html, "Sous-total"));
    contains(html, "convention requise");
    /* Facts with their field in words, then their path, then their value. */
    contains(html, "<tr><td>Ligne de dépense n° 2</td><td><code>expenses[1]</code></td><td>"
                   "<em>absente</em></td></tr>");
    contains(html, "<tr><td>Paramètre de l&#39;appel</td><td><code>params.max</code></td><td>"
                   "<span class=\"m\">50,00 €</span></td></tr>");
    contains(html, "<tr><td>Catégorie de la ligne de dépense n° 1</td><td><code>"
                   "expenses[0].category</code></td><td>equipment</td></tr>");
    contains(html, "Frais de personnel : <span class=\"m\">95,00 €</span>");
    contains(html, "<td>2019</td>");
    contains(html, "édition 2019 du 01/01/2019");
    /* No script, no external asset. */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<link"));
    free(html);
}

/* The reviewers' layout: a summary first (applicants with SIRET and RNA,
 * the act's reference, what failed with its figures in French, what is
 * missing, the maximum grantable), the plan, then the rules with their
 * facts and source folded, the limits and the decision's own hash. */
static void test_reviewer_layout(void **state) {
    (void)state;
    static const char json[] =
        "{\"decision_id\":9,\"created_at\":\"2024-07-01T10:00:00.000Z\",\"format\":1,"
        "\"project\":\"p\",\"project_version\":2,\"project_sha256\":\"aa\",\"call\":\"c\","
        "\"call_version\":1,\"call_sha256\":\"cc\",\"call_title\":\"Appel\","
        "\"engine_version\":\"0.1.0\",\"outcome\":\"ineligible\",\"ruleset_sha256\":\"rr\","
        "\"basis\":\"Délibération\",\"figures\":{\"eligible_cost\":9500,\"total_resources\":9500,"
        "\"balance\":0,\"expenses_by_category\":{},\"public_amount\":0,\"public_share_bp\":0,"
        "\"requested\":9500,\"max_grantable\":5000,\"max_grantable_rule\":\"plafond\","
        "\"financers\":[]},\"parameters\":[],\"rule_files\":[],"
        "\"limits\":{\"instructions\":1000,\"memory\":2097152,\"time_ms\":50,\"output\":4096},"
        "\"rules\":[{\"id\":\"plafond\",\"title\":\"Plafond\",\"status\":\"fail\","
        "\"message\":\"trop\",\"basis\":\"\",\"source\":\"rules/calls/c.lua:3\","
        "\"facts\":{\"applicants[0].siret\":null},\"figures\":{\"amount\":9500,\"max\":5000},"
        "\"notices\":[],\"missing\":[\"applicants[0].siret\"],\"duration_us\":2}]}";
    elg_decision *d = NULL;
    elg_error err = {0};
    if (elg_decision_read(json, strlen(json), NULL, NULL, NULL, &d, &err))
        fail_msg("elg_decision_read: %s", err.message);
    elg_applicant applicant = {.name = (char *)"Asso <A>",
                               .status = (char *)"association",
                               .siret = (char *)"77567227200029",
                               .rna = (char *)"W595000123"};
    elg_project project = {.id = (char *)"p",
                           .title = (char *)"Projet",
                           .applicants = &applicant,
                           .applicants_count = 1};
    elg_call call = {.id = (char *)"c", .basis_ref = (char *)"Délibération n° 18 C 0042"};
    elg_report_context ctx = {.project = &project, .call = &call, .decision_sha256 = "d3adb33f"};
    char *html = elg_report_page(d, &ctx, &err);
    assert_non_null(html);
    /* Summer: Paris is UTC+2. */
    contains(html, "01/07/2024 à 12:00:00, heure de Paris (10:00:00 UTC)");
    contains(html, "Asso &lt;A&gt; — association, SIRET <code>77567227200029</code>, RNA "
                   "<code>W595000123</code>");
    contains(html, "<dt>Référence de l'acte</dt><dd id=\"basis-ref\">Délibération n° 18 C "
                   "0042</dd>");
    contains(html, "<li><a href=\"#regle-plafond\"><code>plafond</code></a> (non respectée) : trop "
                   "<span class=\"small\">[montant : <span class=\"m\">95,00 €</span> ; plafond : "
                   "<span class=\"m\">50,00 €</span>]</span></li>");
    contains(html, "<ul id=\"manquants\">\n<li>Numéro SIRET du porteur « Asso &lt;A&gt; » (<code>"
                   "applicants[0].siret</code>), pour la règle <code>plafond</code></li>");
    contains(html, "<dd id=\"max-grantable\"><span class=\"m\">50,00 €</span> (règle <code>plafond"
                   "</code>)</dd>");
    contains(html, "<details><summary>Données lues (1), absentes (1) et code source</summary>");
    assert_null(strstr(html, "<details open"));
    contains(html, "<span id=\"limits\">1000 instructions Lua par règle, 2 Mio de mémoire, 50 ms "
                   "par projet, 4 Kio de résultat par règle</span>");
    contains(html, "id=\"decision-sha256\">d3adb33f</span>");
    contains(html, "<code>eligo trace show 9 --format json</code>");
    /* The order: summary, plan, rules, parameters, traceability. */
    const char *s = strstr(html, "id=\"resume\""), *p = strstr(html, "id=\"plan\""),
               *r = strstr(html, "id=\"regles\""), *t = strstr(html, "id=\"tracabilite\"");
    assert_non_null(s);
    assert_non_null(p);
    assert_non_null(r);
    assert_non_null(t);
    assert_true(s < p && p < r && r < t);
    /* Print: A4, page numbers, headings kept with what follows. */
    contains(html, "@page{size:A4");
    contains(html, "counter(page)");
    contains(html, "h2,h3,h4,summary,thead,.intro{break-after:avoid");
    free(html);
    elg_decision_free(d);
}

static void test_everything_escaped(void **state) {
    (void)state;
    char *html = render(decision_json, sources);
    contains(html, "p&lt;script&gt;");
    contains(html, "Appel &amp; co");
    contains(html, "&lt;img src=x onerror=alert(1)&gt;");
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "p<script>"));
    free(html);
}

static void test_source_excerpt(void **state) {
    (void)state;
    char *html = render(decision_json, sources);
    /* The two comment lines above the declaration, up to its closing brace. */
    contains(html, "lignes 1 à 6");
    contains(html, "<span class=\"ln\">   2</span>  -- « dans une limite de 50 € »");
    contains(html, "<span class=\"decl\"><span class=\"ln\">   3</span>  ceiling {</span>");
    contains(html, "<span class=\"ln\">   6</span>  }");
    /* The one-line rule: its line only, escaped. */
    contains(html, "lignes 8 à 8");
    contains(html, "rule { id = &quot;x&lt;y&quot;, check");
    free(html);
    /* Without sources the page still renders and says so. */
    html = render(decision_json, NULL);
    contains(html, "Extrait du code source non disponible.");
    free(html);
}

static void test_excerpt_range(void **state) {
    (void)state;
    int first, last;
    elg_report_excerpt_range(call_src, strlen(call_src), 3, &first, &last);
    assert_int_equal(first, 1);
    assert_int_equal(last, 6);
    elg_report_excerpt_range(call_src, strlen(call_src), 8, &first, &last);
    assert_int_equal(first, 8);
    assert_int_equal(last, 8);
    /* Brackets inside strings and comments do not count. */
    static const char tricky[] = "rule { id = \"}\", -- }\n  x = '{',\n}\nmore\n";
    elg_report_excerpt_range(tricky, strlen(tricky), 1, &first, &last);
    assert_int_equal(first, 1);
    assert_int_equal(last, 3);
    elg_report_excerpt_range(call_src, strlen(call_src), 0, &first, &last);
    assert_int_equal(first, 0);
    elg_report_excerpt_range(call_src, strlen(call_src), 99, &first, &last);
    assert_int_equal(first, 0);
}

static void test_not_a_decision(void **state) {
    (void)state;
    /* JSON that is not a decision never becomes one... */
    static const char not_json[] = "{\"rules\":1}";
    elg_decision *d = NULL;
    elg_error err = {0};
    assert_int_equal(elg_decision_read(not_json, strlen(not_json), NULL, NULL, NULL, &d, &err),
                     ELG_ESTORE);
    assert_null(d);
    /* ...and a decision without its ruleset (the call's half) is refused. */
    d = elg_decision_new(NULL);
    assert_non_null(d);
    err = (elg_error){0};
    assert_null(elg_report_html(d, NULL, NULL, NULL, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    elg_decision_free(d);
    err = (elg_error){0};
    assert_null(elg_report_html(NULL, NULL, NULL, NULL, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcome_first_and_rules), cmocka_unit_test(test_everything_escaped),
        cmocka_unit_test(test_source_excerpt),          cmocka_unit_test(test_excerpt_range),
        cmocka_unit_test(test_not_a_decision),          cmocka_unit_test(test_reviewer_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
