/*
 * Tests of the applicant's letter on its own: from a decision alone (no
 * project or call document), the result, the sentence of a failing cap
 * with the gap in euros, a fact put into words, the appeal; no field path,
 * rule file or hash in the body; every text escaped in HTML.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "letter.h"

#define NB "\xc2\xa0" /* the no-break space inside amounts */

static const char decision_json[] =
    "{\"decision_id\":4,\"created_at\":\"2024-07-01T10:00:00.000Z\",\"format\":1,"
    "\"project\":\"p\",\"project_version\":3,\"project_sha256\":\"aa\",\"call\":\"c\","
    "\"call_version\":1,\"call_sha256\":\"cc\",\"call_title\":\"Appel <b>\","
    "\"engine_version\":\"0.1.0\",\"outcome\":\"ineligible\",\"ruleset_sha256\":\"rr\","
    "\"basis\":\"Délibération\",\"figures\":{\"call_financer\":\"MEL\",\"eligible_cost\":9500,"
    "\"total_resources\":9500,\"balance\":0,\"expenses_by_category\":{},\"public_amount\":0,"
    "\"public_share_bp\":0,\"requested\":9500,\"max_grantable\":null,\"financers\":[]},"
    "\"parameters\":[{\"name\":\"max_equipment\",\"type\":\"money\",\"value\":5000,"
    "\"edition\":null}],\"rule_files\":[{\"path\":\"rules/calls/c.lua\",\"sha256\":\"c1\"}],"
    "\"rules\":[{\"id\":\"plafond\",\"title\":\"Plafond du matériel\",\"status\":\"fail\","
    "\"message\":\"<img src=x> trop\",\"basis\":\"\",\"source\":\"rules/calls/c.lua:3\","
    "\"facts\":{\"expenses[0].category\":\"equipment\",\"expenses[0].amount\":9500,"
    "\"params.max_equipment\":5000,\"weird.field\":\"x\"},"
    "\"figures\":{\"amount\":9500,\"max\":5000},\"notices\":[\"<img src=x> note\"],\"missing\":[],"
    "\"duration_us\":2}]}";

static char *render(elg_letter_format format, const char *sha) {
    elg_decision *d = NULL;
    elg_error err = {0};
    if (elg_decision_read(decision_json, strlen(decision_json), NULL, NULL, NULL, &d, &err))
        fail_msg("elg_decision_read: %s", err.message);
    elg_letter_financer mel = {"MEL", "Métropole Européenne de Lille"};
    elg_letter_input in = {
        .decision = d, .financers = &mel, .financers_count = 1, .decision_sha256 = sha};
    char *s = elg_letter_render(&in, format, &err);
    if (!s)
        fail_msg("elg_letter_render: %s", err.message);
    elg_decision_free(d);
    return s;
}

/* s with each line break and the indentation after it as one space: the
 * text form wraps at 78 columns, which does not change what it says. */
static char *flat(const char *s) {
    char *out = malloc(strlen(s) + 1), *o = out;
    assert_non_null(out);
    while (*s) {
        if (*s == '\n') {
            while (*s == '\n' || *s == ' ')
                s++;
            *o++ = ' ';
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static void contains(const char *text, const char *needle) {
    char *s = flat(text);
    bool found = strstr(s, needle) != NULL;
    free(s);
    s = (char *)text;
    if (!found) {
        fprintf(stderr, "%s\n---\n", s); /* the whole letter: cmocka cuts its messages */
        fail_msg("not in the letter: %s", needle);
    }
}

static void test_text(void **state) {
    (void)state;
    char *s =
        render(ELG_LETTER_TEXT, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    contains(s, "Votre projet n'est pas éligible en l'état : la condition de l'appel n'est pas");
    contains(s, "Métropole Européenne de Lille");
    /* Amounts with no-break spaces never cut; here small enough to check as is. */
    contains(s, "Dépenses de matériel : 95,00" NB "€ (ligne n° 1)");
    contains(s, "Plafond des dépenses de matériel : 50,00" NB "€ (valeur de base de l'appel)");
    contains(s, "Le montant concerné, 95,00" NB "€, dépasse le plafond de 50,00" NB "€ de 45,00" NB
                "€.");
    contains(s, "Plafond du matériel : réduire le montant concerné d'au moins 45,00" NB "€.");
    contains(s, "Autre donnée du dossier : x");
    contains(s, "Voies et délais de recours");
    contains(s, "Avis : n° 4 du 01/07/2024 à 12:00:00 (10:00:00 UTC)");
    /* The hash once, in the footer after "--"; no path in the body. */
    const char *foot = strstr(s, "\n--\n");
    assert_non_null(foot);
    const char *hash =
        strstr(s, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert_non_null(hash);
    assert_true(hash > foot);
    assert_null(strstr(s, "expenses["));
    assert_null(strstr(s, "weird.field"));
    assert_null(strstr(s, "rules/calls"));
    assert_null(strstr(s, "params."));
    free(s);
}

static void test_html(void **state) {
    (void)state;
    char *s = render(ELG_LETTER_HTML, NULL);
    assert_true(strncmp(s, "<!DOCTYPE html>", 15) == 0);
    contains(s, "<html lang=\"fr\">");
    contains(s, "Appel &lt;b&gt;");
    contains(s, "À noter&nbsp;: &lt;img src=x&gt; note.");
    assert_null(strstr(s, "<img"));
    assert_null(strstr(s, "<b>"));
    assert_null(strstr(s, "<script"));
    contains(s, "@page{size:A4");
    contains(s, "counter(page)");
    /* French typography: no-break spaces before the colon and inside guillemets. */
    contains(s, "Base légale&nbsp;: le texte de l&#39;appel (voir «&nbsp;Vos références&nbsp;»)");
    free(s);
}

static void test_not_a_decision(void **state) {
    (void)state;
    elg_error err = {0};
    assert_null(elg_letter_render(NULL, ELG_LETTER_TEXT, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
    elg_letter_input in = {0};
    err = (elg_error){0};
    assert_null(elg_letter_render(&in, ELG_LETTER_HTML, &err));
    assert_int_equal(err.code, ELG_EUSAGE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_not_a_decision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
