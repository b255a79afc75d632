/*
 * Tests for engine/scdl and engine/scdl_csv: rows and their lines (a quoted cell spanning
 * lines), the tolerant reader's normalisation and rejections, the schema's cell checks, and the
 * writer's quoting. The real files are tested end to end by tests/cli/test_scdl.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scdl.h"

typedef struct seen {
    int lines[8];
    char cells[8][ELG_SCDL_FIELDS][128];
    elg_cents amounts[8];
    char siren[8][10];
    int rows;
    char rejects[8][512];
    int rejected;
} seen;

static int on_row(void *ctx, const elg_scdl_row *row) {
    seen *s = ctx;
    if (s->rows < 8) {
        s->lines[s->rows] = row->line;
        for (int f = 0; f < ELG_SCDL_FIELDS; f++)
            snprintf(s->cells[s->rows][f], 128, "%s", row->cells[f] ? row->cells[f] : "");
        s->amounts[s->rows] = row->aid.amount;
        snprintf(s->siren[s->rows], 10, "%s", row->aid.siren ? row->aid.siren : "");
    }
    s->rows++;
    return 0;
}

static int on_reject(void *ctx, const elg_error *why) {
    seen *s = ctx;
    if (s->rejected < 8)
        elg_error_format(why, s->rejects[s->rejected], sizeof s->rejects[0]);
    s->rejected++;
    return 0;
}

static void test_read_lines_and_values(void **state) {
    (void)state;
    static const char csv[] =
        "COLL_NOM;COLL_SIRET;ACTE_DATE;ATTRIB_NOM;ATTRIB_SIRET;SUB_OBJ;SUB_MONTANT;"
        "pourcentageSubvention;datesPeriodeVersement;notificationUE\r\n"
        "Ville;21060004500392;2017/09/08;\"Asso\nsur deux lignes\";52499120500013;Objet;"
        "\"26 956,00\";0,5;2017/09/08_2021/09/07;NON\r\n"
        "Ville;21060004500392;2017-09-08;B;52499120500014;Objet;10;;;\r\n"
        ";;;;;;;;;\r\n"
        "Ville;21060004500392;2017-09-08;C;52499120500013.0;Objet;10,01;0.333;;oui\r\n";
    seen s = {0};
    elg_scdl_summary sum;
    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(
        elg_scdl_read("t.csv", csv, sizeof csv - 1, false, on_row, on_reject, &s, &sum, &err), 0);
    assert_int_equal(sum.delimiter, ';');
    assert_string_equal(sum.encoding, "UTF-8");
    assert_int_equal(sum.read, 3); /* the row of empty cells is no row */
    assert_int_equal(sum.accepted, 2);
    assert_int_equal(sum.rejected, 1);
    assert_int_equal(s.lines[0], 2);
    assert_string_equal(s.cells[0][4], "Asso\nsur deux lignes");
    assert_string_equal(s.cells[0][2], "2017-09-08");
    assert_string_equal(s.cells[0][8], "26956");
    assert_string_equal(s.cells[0][11], "2017-09-08/2021-09-07");
    assert_string_equal(s.cells[0][13], "non");
    assert_string_equal(s.cells[0][14], "0.5");
    assert_int_equal(s.amounts[0], 1347800); /* 26 956 € x 0.5 */
    assert_string_equal(s.siren[0], "524991205");
    /* The second row starts on line 4: the first spans lines 2 and 3. */
    assert_string_equal(
        s.rejects[0],
        "t.csv:4:5: idBeneficiaire: SIRET « 52499120500014 » a une clé de contrôle fausse");
    /* 10,01 € x 0.333 = 3,33333 €: half up to 3,33 €; the SIRET written as a number is whole. */
    assert_int_equal(s.lines[1], 6);
    assert_int_equal(s.amounts[1], 333);
    assert_string_equal(s.cells[1][5], "52499120500013");
    assert_int_equal(sum.siret_as_number, 1);
}

static void test_read_file_errors(void **state) {
    (void)state;
    seen s = {0};
    elg_error err;
    elg_error_clear(&err);
    static const char unclosed[] = "nomAttribuant,dateConvention,nomBeneficiaire,montant,"
                                   "rnaBeneficiaire\nA,2017-01-01,\"B,10,W123456789\n";
    assert_int_equal(elg_scdl_read("u.csv", unclosed, sizeof unclosed - 1, false, on_row, on_reject,
                                   &s, NULL, &err),
                     ELG_EINPUT); /* a quote left open would swallow every row after it */
    assert_string_equal(err.file, "u.csv");
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "syntaxe CSV : "));
    elg_error_clear(&err);
    static const char stray[] = "nomAttribuant,dateConvention,nomBeneficiaire,montant,"
                                "rnaBeneficiaire\nA,2017-01-01,B,10,W123456789\n"
                                "A,2017-01-01,B 12\" pouces,10,W123456789\n";
    assert_int_equal(
        elg_scdl_read("s.csv", stray, sizeof stray - 1, false, on_row, on_reject, &s, NULL, &err),
        ELG_EINPUT);
    assert_int_equal(err.line, 3);
    elg_error_clear(&err);
    assert_int_equal(elg_scdl_read("e.csv", "", 0, false, on_row, on_reject, &s, NULL, &err),
                     ELG_EINPUT);
    assert_string_equal(err.message, "pas de ligne d'en-tête : le fichier est vide");
    elg_error_clear(&err);
    static const char dup[] = "montant,SUB_MONTANT\n1,2\n";
    assert_int_equal(
        elg_scdl_read("d.csv", dup, sizeof dup - 1, false, on_row, on_reject, &s, NULL, &err),
        ELG_EINPUT);
    assert_string_equal(err.message,
                        "la colonne « SUB_MONTANT » est encore montant (déjà en colonne 1)");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 2);
}

static void test_cells(void **state) {
    (void)state;
    char why[256];
    assert_true(elg_scdl_check_cell(14, "1", why, sizeof why));
    assert_true(elg_scdl_check_cell(14, "0.01", why, sizeof why));
    assert_true(elg_scdl_check_cell(14, "0.3334", why, sizeof why));
    assert_false(elg_scdl_check_cell(14, "0.009", why, sizeof why));
    assert_false(elg_scdl_check_cell(14, "1.0001", why, sizeof why));
    assert_false(elg_scdl_check_cell(14, "0,5", why, sizeof why));
    assert_false(elg_scdl_check_cell(14, "", why, sizeof why));
    assert_string_equal(why, "obligatoire, mais vide");
    assert_true(elg_scdl_check_cell(8, "99786.57", why, sizeof why));
    assert_false(elg_scdl_check_cell(8, "99 786.57", why, sizeof why));
    assert_true(elg_scdl_check_cell(11, "2017-03-30/2017-05-24", why, sizeof why));
    assert_true(elg_scdl_check_cell(11, "2017-03-30", why, sizeof why));
    assert_false(elg_scdl_check_cell(11, "2017-03-30_2017-05-24", why, sizeof why));
    assert_false(elg_scdl_check_cell(2, "2017-02-30", why, sizeof why));
    assert_true(elg_scdl_check_cell(9, "aide en nature;aide en numéraire", why, sizeof why));
    assert_false(elg_scdl_check_cell(13, "NON", why, sizeof why));
    assert_true(elg_scdl_check_cell(15, "", why, sizeof why)); /* dispositifAide is optional */
    assert_string_equal(elg_scdl_field_name(0), "nomAttribuant");
    assert_null(elg_scdl_field_name(16));
}

static void test_writer(void **state) {
    (void)state;
    elg_error err;
    elg_error_clear(&err);
    elg_scdl_writer *w = elg_scdl_writer_new();
    assert_non_null(w);
    const char *cells[ELG_SCDL_FIELDS] = {"A, B", "say \"x\"", "line\nbreak", NULL, "plain"};
    assert_int_equal(elg_scdl_writer_row(w, cells, &err), 0);
    size_t len = 0;
    char *csv = elg_scdl_writer_finish(w, &len);
    assert_non_null(csv);
    const char *row = strchr(csv, '\n') + 1;
    assert_string_equal(row, "\"A, B\",\"say \"\"x\"\"\",\"line\nbreak\",,plain,,,,,,,,,,,\n");
    assert_int_equal(len, strlen(csv));
    free(csv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_lines_and_values),
        cmocka_unit_test(test_read_file_errors),
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
