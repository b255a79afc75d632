/*
 * Unit tests for engine/money: every figure and message is asserted exactly.
 *
 * The edges that matter are the int64 limits (INT64_MIN has no positive
 * counterpart), French formatting with no-break spaces, and the texts we refuse
 * to guess about ("1,250", "1,250.50"); each has a case here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"

#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"
#define EURO "\xE2\x82\xAC"

static void parse_ok(const char *text, int allow_negative, elg_cents expected) {
    elg_error err;
    elg_error_clear(&err);
    elg_cents got = 12345;
    int rc = elg_money_parse(text, allow_negative, &got, &err);
    if (rc != 0)
        print_error("parse \"%s\" failed: %s\n", text, err.message);
    assert_int_equal(rc, 0);
    assert_int_equal(err.code, 0);
    assert_true(got == expected);
}

static void parse_fails(const char *text, int allow_negative, int code, const char *message) {
    elg_error err;
    elg_error_clear(&err);
    elg_cents got = 12345;
    assert_int_equal(elg_money_parse(text, allow_negative, &got, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, message);
    assert_string_equal(err.file, "");
    assert_int_equal(err.line, 0);
    assert_true(got == 12345);
}

static void test_parse_valid(void **state) {
    (void)state;
    parse_ok("0", 0, 0);
    parse_ok("0,01 " EURO, 0, 1);
    parse_ok("0,01", 0, 1);
    parse_ok("80 820,00 " EURO, 0, 8082000);
    parse_ok("80 820,00", 0, 8082000);
    parse_ok("80 820 " EURO, 0, 8082000);
    parse_ok("80820", 0, 8082000);
    parse_ok("1250.50", 0, 125050);
    parse_ok("1250,5", 0, 125050);
    parse_ok("1250.5", 0, 125050);
    parse_ok("1 250,50", 0, 125050);
    parse_ok("1 250.50", 0, 125050);
    parse_ok("1 234 567,89", 0, 123456789);
    parse_ok("12345678", 0, 1234567800);
    parse_ok("0001250", 0, 125000);
    parse_ok("000000000000000000000000000012", 0, 1200);
    parse_ok("80820" EURO, 0, 8082000);
    parse_ok("80820 EUR", 0, 8082000);
    parse_ok("80820EUR", 0, 8082000);
    parse_ok("  \t1 250,50 \n", 0, 125050);
}

static void test_parse_no_break_spaces(void **state) {
    (void)state;
    parse_ok("80" NBSP "820,00" NBSP EURO, 0, 8082000);
    parse_ok("80" NNBSP "820,00 " EURO, 0, 8082000);
    parse_ok("1" NNBSP "234" NBSP "567 890,12", 0, 123456789012);
    parse_ok(NBSP "5" NNBSP, 0, 500);
}

static void test_parse_limits(void **state) {
    (void)state;
    parse_ok("92233720368547758.07", 0, INT64_MAX);
    parse_ok("92 233 720 368 547 758,07 " EURO, 0, INT64_MAX);
    parse_ok("92233720368547758", 0, INT64_MAX - 7);
    parse_ok("-92233720368547758.08", 1, INT64_MIN);
    parse_ok("-92 233 720 368 547 758,08 " EURO, 1, INT64_MIN);
    parse_fails(
        "92233720368547758.08", 0, ELG_EOVERFLOW,
        "montant trop grand : « 92233720368547758.08 » (au plus 92 233 720 368 547 758,07 " EURO
        ")");
    parse_fails(
        "-92233720368547758.09", 1, ELG_EOVERFLOW,
        "montant trop grand : « -92233720368547758.09 » (au moins -92 233 720 368 547 758,08 " EURO
        ")");
    parse_fails(
        "92233720368547759", 0, ELG_EOVERFLOW,
        "montant trop grand : « 92233720368547759 » (au plus 92 233 720 368 547 758,07 " EURO ")");
    parse_fails(
        "100000000000000000000000", 0, ELG_EOVERFLOW,
        "montant trop grand : « 100000000000000000000000 » (au plus 92 233 720 368 547 758,07 " EURO
        ")");
}

static void test_parse_negative(void **state) {
    (void)state;
    parse_ok("-5", 1, -500);
    parse_ok("-0,01 " EURO, 1, -1);
    parse_ok("-1 234,56 " EURO, 1, -123456);
    parse_ok("-0", 1, 0);
    parse_fails("-5", 0, ELG_EINPUT, "montant négatif non autorisé : « -5 »");
    parse_fails("-0,01 " EURO, 0, ELG_EINPUT, "montant négatif non autorisé : « -0,01 " EURO " »");
    parse_fails("- 5", 1, ELG_EINPUT, "pas un montant : « - 5 »");
    parse_fails("--5", 1, ELG_EINPUT, "pas un montant : « --5 »");
    parse_fails("-", 1, ELG_EINPUT, "pas un montant : « - »");
}

static void test_parse_decimals(void **state) {
    (void)state;
    parse_fails("12,505", 0, ELG_EINPUT,
                "trois décimales dans « 12,505 » (si « , » sépare les milliers, écrivez 12505 ou "
                "« 12 505 »)");
    parse_fails("1,250", 0, ELG_EINPUT,
                "trois décimales dans « 1,250 » (si « , » sépare les milliers, écrivez 1250 ou "
                "« 1 250 »)");
    parse_fails("1.250 " EURO, 0, ELG_EINPUT,
                "trois décimales dans « 1.250 " EURO
                " » (si « . » sépare les milliers, écrivez 1250 ou "
                "« 1 250 »)");
    parse_fails("1 250,505", 0, ELG_EINPUT, "trois décimales dans « 1 250,505 »");
    parse_fails("1250,505", 0, ELG_EINPUT, "trois décimales dans « 1250,505 »");
    parse_fails("0,125", 0, ELG_EINPUT, "trois décimales dans « 0,125 »");
    parse_fails("1,2345", 0, ELG_EINPUT, "trop de décimales dans « 1,2345 » (deux au plus)");
    parse_fails("12,", 0, ELG_EINPUT, "pas un montant : « 12, »");
    parse_fails(",50", 0, ELG_EINPUT, "pas un montant : « ,50 »");
}

static void test_parse_ambiguous(void **state) {
    (void)state;
    parse_fails("1,250.50", 0, ELG_EINPUT,
                "montant ambigu « 1,250.50 » (écrivez 1250.50 ou « 1 250,50 »)");
    parse_fails("1.250,50", 0, ELG_EINPUT,
                "montant ambigu « 1.250,50 » (écrivez 1250.50 ou « 1 250,50 »)");
    parse_fails("1,250,000.5 " EURO, 0, ELG_EINPUT,
                "montant ambigu « 1,250,000.5 " EURO " » (écrivez 1250000.5 ou « 1 250 000,5 »)");
    parse_fails("1,250,000", 0, ELG_EINPUT,
                "montant ambigu « 1,250,000 » (écrivez 1250000 ou « 1 250 000 »)");
    parse_fails("-1,250.50", 1, ELG_EINPUT,
                "montant ambigu « -1,250.50 » (écrivez -1250.50 ou « -1 250,50 »)");
    parse_fails("1,2.50", 0, ELG_EINPUT, "pas un montant : « 1,2.50 »");
    parse_fails("1,250.505", 0, ELG_EINPUT, "pas un montant : « 1,250.505 »");
    parse_fails("1,250,00", 0, ELG_EINPUT, "pas un montant : « 1,250,00 »");
    parse_fails("1 250,000.50", 0, ELG_EINPUT, "pas un montant : « 1 250,000.50 »");
}

static void test_parse_separators(void **state) {
    (void)state;
    parse_fails("1 25,00", 0, ELG_EINPUT, "séparateur de milliers mal placé dans « 1 25,00 »");
    parse_fails("1 2500", 0, ELG_EINPUT, "séparateur de milliers mal placé dans « 1 2500 »");
    parse_fails("1234 567", 0, ELG_EINPUT, "séparateur de milliers mal placé dans « 1234 567 »");
    parse_fails("1  250", 0, ELG_EINPUT, "séparateur de milliers mal placé dans « 1  250 »");
    parse_fails("1 250 ,50", 0, ELG_EINPUT, "séparateur de milliers mal placé dans « 1 250 ,50 »");
    parse_fails("1" NBSP "25", 0, ELG_EINPUT,
                "séparateur de milliers mal placé dans « 1" NBSP "25 »");
    parse_fails("1,25 0", 0, ELG_EINPUT, "pas un montant : « 1,25 0 »");
}

static void test_parse_garbage(void **state) {
    (void)state;
    parse_fails("abc", 0, ELG_EINPUT, "pas un montant : « abc »");
    parse_fails("", 0, ELG_EINPUT, "montant vide");
    parse_fails("  " NBSP " ", 0, ELG_EINPUT, "montant vide");
    parse_fails(EURO, 0, ELG_EINPUT, "pas un montant : « " EURO " »");
    parse_fails(" EUR ", 0, ELG_EINPUT, "pas un montant : « EUR »");
    parse_fails("+5", 0, ELG_EINPUT, "pas un montant : « +5 »");
    parse_fails("1e3", 0, ELG_EINPUT, "pas un montant : « 1e3 »");
    parse_fails(EURO " 5", 0, ELG_EINPUT, "pas un montant : « " EURO " 5 »");
    parse_fails("5 " EURO " " EURO, 0, ELG_EINPUT, "pas un montant : « 5 " EURO " " EURO " »");
    parse_fails("12 abc", 0, ELG_EINPUT, "pas un montant : « 12 abc »");

    elg_error err;
    elg_error_clear(&err);
    assert_int_equal(elg_money_parse(NULL, 0, NULL, &err), ELG_EUSAGE);
}

static void format_is(elg_cents amount, const char *expected) {
    char buf[ELG_MONEY_FMT_MAX];
    assert_ptr_equal(elg_money_format(amount, buf, sizeof buf), buf);
    assert_string_equal(buf, expected);
}

static void test_format(void **state) {
    (void)state;
    format_is(0, "0,00 " EURO);
    format_is(1, "0,01 " EURO);
    format_is(-1, "-0,01 " EURO);
    format_is(99999, "999,99 " EURO);
    format_is(100000, "1 000,00 " EURO);
    format_is(8082000, "80 820,00 " EURO);
    format_is(-123456, "-1 234,56 " EURO);
    format_is(INT64_MAX, "92 233 720 368 547 758,07 " EURO);
    format_is(INT64_MIN, "-92 233 720 368 547 758,08 " EURO);
}

static void test_format_truncates(void **state) {
    (void)state;
    char buf[5];
    elg_money_format(8082000, buf, sizeof buf);
    assert_string_equal(buf, "80 8");
    char untouched[4] = "abc";
    elg_money_format(8082000, untouched, 0);
    assert_string_equal(untouched, "abc");
}

static void test_round_trip(void **state) {
    (void)state;
    const elg_cents values[] = {
        0,       1,       -1,     99,        100,       -100,          999999,       1000000,
        8082000, -123456, 125050, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[ELG_MONEY_FMT_MAX];
        elg_money_format(values[i], buf, sizeof buf);
        parse_ok(buf, 1, values[i]);
    }
}

static void test_add_sub(void **state) {
    (void)state;
    elg_error err;
    elg_cents r = 0;
    elg_error_clear(&err);
    assert_int_equal(elg_money_add(500, 700, &r, &err), 0);
    assert_true(r == 1200);
    assert_int_equal(elg_money_add(INT64_MAX, -1, &r, &err), 0);
    assert_true(r == INT64_MAX - 1);
    assert_int_equal(elg_money_sub(500, 700, &r, &err), 0);
    assert_true(r == -200);
    assert_int_equal(elg_money_sub(INT64_MIN + 1, 1, &r, &err), 0);
    assert_true(r == INT64_MIN);
    assert_int_equal(err.code, 0);

    r = 42;
    assert_int_equal(elg_money_add(INT64_MAX, 1, &r, &err), ELG_EOVERFLOW);
    assert_int_equal(err.code, ELG_EOVERFLOW);
    assert_string_equal(err.message,
                        "dépassement de capacité du montant : 92 233 720 368 547 758,07 " EURO
                        " + 0,01 " EURO);
    assert_true(r == 42);

    elg_error_clear(&err);
    assert_int_equal(elg_money_add(INT64_MIN, -1, &r, &err), ELG_EOVERFLOW);
    elg_error_clear(&err);
    assert_int_equal(elg_money_sub(INT64_MIN, 1, &r, &err), ELG_EOVERFLOW);
    assert_string_equal(err.message,
                        "dépassement de capacité du montant : -92 233 720 368 547 758,08 " EURO
                        " - 0,01 " EURO);
    elg_error_clear(&err);
    assert_int_equal(elg_money_sub(0, INT64_MIN, &r, &err), ELG_EOVERFLOW);
    elg_error_clear(&err);
    assert_int_equal(elg_money_sub(INT64_MAX, -1, &r, &err), ELG_EOVERFLOW);
    assert_true(r == 42);
}

static void rate_ok(const char *text, int64_t num, int64_t den) {
    elg_error err;
    elg_error_clear(&err);
    elg_rate r = {-1, -1};
    int rc = elg_rate_parse(text, &r, &err);
    if (rc != 0)
        print_error("rate \"%s\" failed: %s\n", text, err.message);
    assert_int_equal(rc, 0);
    assert_true(r.num == num);
    assert_true(r.den == den);
}

static void rate_fails(const char *text, int code, const char *message) {
    elg_error err;
    elg_error_clear(&err);
    elg_rate r = {-1, -1};
    assert_int_equal(elg_rate_parse(text, &r, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.message, message);
    assert_true(r.num == -1 && r.den == -1);
}

static void test_rate_parse(void **state) {
    (void)state;
    rate_ok("65 %", 65, 100);
    rate_ok("65%", 65, 100);
    rate_ok("65" NBSP "%", 65, 100);
    rate_ok(" 65 % ", 65, 100);
    rate_ok("0 %", 0, 100);
    rate_ok("150 %", 150, 100);
    rate_ok("12,5 %", 125, 1000);
    rate_ok("12.5 %", 125, 1000);
    rate_ok("12,50 %", 1250, 10000);
    rate_ok("3,125 %", 3125, 100000);
    rate_ok("1,5625 %", 15625, 1000000);
    rate_ok("0,0001 %", 1, 1000000);
    rate_ok("6500 bp", 6500, 10000);
    rate_ok("6500bp", 6500, 10000);
    rate_ok("6 500 bp", 6500, 10000);
    rate_ok("1/3", 1, 3);
    rate_ok(" 2 / 3 ", 2, 3);
    rate_ok("0/5", 0, 5);
    rate_ok("9223372036854775807/1", INT64_MAX, 1);
}

static void test_rate_parse_rejects(void **state) {
    (void)state;
    rate_fails(
        "0.65", ELG_EINPUT,
        "taux ambigu « 0.65 » (ajoutez « % » ou « bp », ou écrivez une fraction comme « 1/3 »)");
    rate_fails(
        "65", ELG_EINPUT,
        "taux ambigu « 65 » (ajoutez « % » ou « bp », ou écrivez une fraction comme « 1/3 »)");
    rate_fails("-5 %", ELG_EINPUT, "taux négatif : « -5 % »");
    rate_fails("-1/3", ELG_EINPUT, "taux négatif : « -1/3 »");
    rate_fails("", ELG_EINPUT, "taux vide");
    rate_fails("   ", ELG_EINPUT, "taux vide");
    rate_fails("1/0", ELG_EINPUT, "zéro au dénominateur du taux « 1/0 »");
    rate_fails("1/-3", ELG_EINPUT, "pas un taux : « 1/-3 »");
    rate_fails("1/", ELG_EINPUT, "pas un taux : « 1/ »");
    rate_fails("12,34567 %", ELG_EINPUT,
               "trop de décimales dans le taux « 12,34567 % » (quatre au plus)");
    rate_fails("12,5 bp", ELG_EINPUT, "pas un taux : « 12,5 bp »");
    rate_fails("%", ELG_EINPUT, "pas un taux : « % »");
    rate_fails("abc", ELG_EINPUT, "pas un taux : « abc »");
    rate_fails("12, %", ELG_EINPUT, "pas un taux : « 12, % »");
    rate_fails("9223372036854775808 bp", ELG_EOVERFLOW,
               "taux trop grand : « 9223372036854775808 bp »");
    rate_fails("92233720368547758,08 %", ELG_EOVERFLOW,
               "taux trop grand : « 92233720368547758,08 % »");
}

static void rate_format_is(int64_t num, int64_t den, const char *expected) {
    char buf[64];
    elg_rate r = {num, den};
    assert_ptr_equal(elg_rate_format(r, buf, sizeof buf), buf);
    assert_string_equal(buf, expected);
}

static void test_rate_format(void **state) {
    (void)state;
    rate_format_is(65, 100, "65 %");
    rate_format_is(125, 1000, "12,5 %");
    rate_format_is(6500, 10000, "65 %");
    rate_format_is(1250, 10000, "12,5 %");
    rate_format_is(1234, 10000, "12,34 %");
    rate_format_is(5, 10000, "0,05 %");
    rate_format_is(0, 100, "0 %");
    rate_format_is(1, 1, "100 %");
    rate_format_is(1, 8, "12,5 %");
    rate_format_is(1, 64, "1,5625 %");
    rate_format_is(1, 1000000, "0,0001 %");
    rate_format_is(1, 3, "1/3");
    rate_format_is(2, 6, "2/6");
    rate_format_is(1, 128, "1/128");
    rate_format_is(1, 10000000, "1/10000000");
    rate_format_is(INT64_MAX, 1, "922337203685477580700 %");
}

static void test_rate_round_trip(void **state) {
    (void)state;
    const char *texts[] = {"65 %", "12,5 %", "12,34 %", "3,125 %", "1,5625 %", "0 %", "1/3", "2/7"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        elg_error err;
        elg_error_clear(&err);
        elg_rate r;
        char buf[64];
        assert_int_equal(elg_rate_parse(texts[i], &r, &err), 0);
        assert_string_equal(elg_rate_format(r, buf, sizeof buf), texts[i]);
    }
}

static void apply_is(elg_cents amount, int64_t num, int64_t den, elg_cents floor_expected,
                     elg_cents ceil_expected) {
    elg_error err;
    elg_error_clear(&err);
    elg_rate r = {num, den};
    elg_cents got = 0;
    assert_int_equal(elg_money_apply_rate_floor(amount, r, &got, &err), 0);
    assert_true(got == floor_expected);
    assert_int_equal(elg_money_apply_rate_ceil(amount, r, &got, &err), 0);
    assert_true(got == ceil_expected);
}

static void test_apply_rate(void **state) {
    (void)state;
    apply_is(8082000, 65, 100, 5253300, 5253300);    /* exact */
    apply_is(-8082000, 65, 100, -5253300, -5253300); /* exact, negative */
    apply_is(1000, 1, 3, 333, 334);
    apply_is(-1000, 1, 3, -334, -333);
    apply_is(1, 65, 100, 0, 1);
    apply_is(-1, 65, 100, -1, 0);
    apply_is(12345, 125, 1000, 1543, 1544); /* 1543.125 */
    apply_is(0, 1, 3, 0, 0);
    apply_is(12345, 0, 100, 0, 0);
    /* The product exceeds int64 but the result fits. */
    apply_is(INT64_MAX, 100, 100, INT64_MAX, INT64_MAX);
    apply_is(INT64_MIN, 1, 1, INT64_MIN, INT64_MIN);
    apply_is(INT64_MAX, 2, 3, 6148914691236517204, 6148914691236517205);
    apply_is(INT64_MIN, 2, 3, -6148914691236517206, -6148914691236517205);
}

static void test_apply_rate_errors(void **state) {
    (void)state;
    elg_error err;
    elg_cents got = 42;
    elg_rate twice = {2, 1};
    elg_error_clear(&err);
    assert_int_equal(elg_money_apply_rate_floor(INT64_MAX, twice, &got, &err), ELG_EOVERFLOW);
    assert_string_equal(err.message,
                        "dépassement de capacité du montant : 92 233 720 368 547 758,07 " EURO
                        " fois 200 %");
    elg_error_clear(&err);
    assert_int_equal(elg_money_apply_rate_ceil(INT64_MIN, twice, &got, &err), ELG_EOVERFLOW);
    elg_error_clear(&err);
    elg_rate minus_one = {1, -1};
    assert_int_equal(elg_money_apply_rate_floor(-1, minus_one, &got, &err), ELG_EUSAGE);
    elg_error_clear(&err);
    elg_rate zero_den = {1, 0};
    assert_int_equal(elg_money_apply_rate_ceil(5, zero_den, &got, &err), ELG_EUSAGE);
    assert_true(got == 42);
}

static void test_ratio_cmp(void **state) {
    (void)state;
    elg_rate r65 = {65, 100}, third = {1, 3}, whole = {1, 1}, bp6500 = {6500, 10000};
    assert_int_equal(elg_money_ratio_cmp(65, 100, r65), 0);
    assert_int_equal(elg_money_ratio_cmp(5253300, 8082000, r65), 0);
    assert_int_equal(elg_money_ratio_cmp(5253300, 8082000, bp6500), 0);
    assert_int_equal(elg_money_ratio_cmp(5253301, 8082000, r65), 1);
    assert_int_equal(elg_money_ratio_cmp(5253299, 8082000, r65), -1);
    assert_int_equal(elg_money_ratio_cmp(1, 3, third), 0);
    assert_int_equal(elg_money_ratio_cmp(333, 1000, third), -1);
    assert_int_equal(elg_money_ratio_cmp(334, 1000, third), 1);
    assert_int_equal(elg_money_ratio_cmp(INT64_MAX, INT64_MAX, whole), 0);
    assert_int_equal(elg_money_ratio_cmp(INT64_MAX - 1, INT64_MAX, whole), -1);
    assert_int_equal(elg_money_ratio_cmp(INT64_MAX, INT64_MAX - 1, whole), 1);
    assert_int_equal(elg_money_ratio_cmp(0, 100, r65), -1);
    assert_int_equal(elg_money_ratio_cmp(-1, 100, r65), -1);
}

static void test_ratio_bp(void **state) {
    (void)state;
    assert_int_equal(elg_money_ratio_bp_half_up(5253300, 8082000), 6500);
    assert_int_equal(elg_money_ratio_bp_half_up(1, 3), 3333);
    assert_int_equal(elg_money_ratio_bp_half_up(2, 3), 6667);
    assert_int_equal(elg_money_ratio_bp_half_up(1, 20000), 1); /* 0.5 bp */
    assert_int_equal(elg_money_ratio_bp_half_up(1, 20001), 0); /* just under 0.5 */
    assert_int_equal(elg_money_ratio_bp_half_up(3, 40000), 1); /* 0.75 */
    assert_int_equal(elg_money_ratio_bp_half_up(1, 40000), 0); /* 0.25 */
    assert_int_equal(elg_money_ratio_bp_half_up(0, 5), 0);
    assert_int_equal(elg_money_ratio_bp_half_up(100, 100), 10000);
    assert_true(elg_money_ratio_bp_half_up(-1, 20000) == -1); /* away from zero */
    assert_true(elg_money_ratio_bp_half_up(-2, 3) == -6667);
    assert_true(elg_money_ratio_bp_half_up(INT64_MAX, INT64_MAX) == 10000);
    assert_true(elg_money_ratio_bp_half_up(INT64_MAX, 1) == INT64_MAX); /* clamped */
}

static void split_is(elg_cents total, const int64_t *weights, size_t n, const elg_cents *expected) {
    elg_error err;
    elg_error_clear(&err);
    elg_cents parts[8];
    assert_true(n <= 8);
    assert_int_equal(elg_money_split(total, weights, n, parts, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(parts[i] == expected[i]);
}

static void test_split(void **state) {
    (void)state;
    split_is(6000000, NULL, 2, (const elg_cents[]){3000000, 3000000});
    split_is(1, NULL, 3, (const elg_cents[]){1, 0, 0});
    split_is(100, (const int64_t[]){1, 1, 1}, 3, (const elg_cents[]){34, 33, 33});
    split_is(10, (const int64_t[]){1, 2}, 2, (const elg_cents[]){3, 7});
    split_is(101, (const int64_t[]){2, 1, 1, 1}, 4, (const elg_cents[]){41, 20, 20, 20});
    split_is(3, NULL, 5, (const elg_cents[]){1, 1, 1, 0, 0});
    split_is(0, NULL, 3, (const elg_cents[]){0, 0, 0});
    split_is(7, NULL, 1, (const elg_cents[]){7});
    /* Largest remainder, not earliest: 10 by 3,1,6 -> 3, 1, 6 exactly; 11 by
     * 3,1,6 -> 3.3, 1.1, 6.6 -> the cent goes to the third part. */
    split_is(11, (const int64_t[]){3, 1, 6}, 3, (const elg_cents[]){3, 1, 7});
    split_is(INT64_MAX, (const int64_t[]){INT64_MAX, INT64_MAX}, 2,
             (const elg_cents[]){4611686018427387904, 4611686018427387903});
}

static void test_split_sums_exactly(void **state) {
    (void)state;
    uint64_t seed = 42;
    for (int round = 0; round < 500; round++) {
        int64_t weights[8];
        elg_cents parts[8];
        size_t n = 1 + (size_t)(round % 8);
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            weights[i] = 1 + (int64_t)(seed >> 44);
            sum += weights[i];
        }
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        elg_cents total = (elg_cents)(seed >> 30);
        elg_error err;
        elg_error_clear(&err);
        assert_int_equal(elg_money_split(total, weights, n, parts, &err), 0);
        elg_cents got = 0;
        for (size_t i = 0; i < n; i++) {
            __int128 floor_part = (__int128)total * weights[i] / sum;
            assert_true(parts[i] == floor_part || parts[i] == floor_part + 1);
            got += parts[i];
        }
        assert_true(got == total);
    }
}

static void test_split_errors(void **state) {
    (void)state;
    elg_error err;
    elg_cents parts[3] = {0};
    elg_error_clear(&err);
    assert_int_equal(elg_money_split(100, NULL, 0, parts, &err), ELG_EUSAGE);
    elg_error_clear(&err);
    assert_int_equal(elg_money_split(-1, NULL, 3, parts, &err), ELG_EUSAGE);
    elg_error_clear(&err);
    assert_int_equal(elg_money_split(100, (const int64_t[]){1, 0, 1}, 3, parts, &err), ELG_EUSAGE);
    assert_string_equal(err.message, "répartition : weights[1] vaut 0 (doit être > 0)");
    elg_error_clear(&err);
    assert_int_equal(elg_money_split(100, (const int64_t[]){1, 2, -3}, 3, parts, &err), ELG_EUSAGE);
    assert_string_equal(err.message, "répartition : weights[2] vaut -3 (doit être > 0)");
}

/* elg_money_text_before finds what elg_money_format wrote, whole, after
 * any text; and whatever it finds in any text, elg_money_format gives back
 * exactly (record format 7 writes such amounts as references). */
static void test_text_before(void **state) {
    (void)state;
    static const elg_cents values[] = {
        0,          1,         -1,         5,         -5,        99,
        100,        -100,      999,        1000,      99999,     100000,
        -123456,    123456789, -100000000, INT64_MAX, INT64_MIN, INT64_MIN + 1,
        99999999999};
    char t[256];
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char f[ELG_MONEY_FMT_MAX];
        elg_money_format(values[i], f, sizeof f);
        elg_cents v = 42;
        assert_int_equal(elg_money_text_before(f, strlen(f), &v), 0);
        assert_true(v == values[i]);
        int n = snprintf(t, sizeof t, "Montant : %s", f);
        assert_int_equal(elg_money_text_before(t, (size_t)n, &v), strlen("Montant : "));
        assert_true(v == values[i]);
    }
    /* Not as elg_money_format writes them: nothing, or only the part it
     * writes. */
    static const struct {
        const char *text;
        long start; /* -1: nothing */
        elg_cents v;
    } odd[] = {
        {"01,00 \xE2\x82\xAC", -1, 0},
        {"1 23,00 \xE2\x82\xAC", 2, 2300},
        {"1234,00 \xE2\x82\xAC", 1, 23400},
        {"-0,00 \xE2\x82\xAC", 1, 0},
        {"1,0 \xE2\x82\xAC", -1, 0},
        {"1,000 \xE2\x82\xAC", -1, 0},
        {"1,00\xE2\x82\xAC", -1, 0},
        {"1,00 EUR", -1, 0},
        {",00 \xE2\x82\xAC", -1, 0},
        {"000 000,00 \xE2\x82\xAC", -1, 0},
        {"92 233 720 368 547 758,08 \xE2\x82\xAC", -1, 0},
        {"1\xC2\xA0"
         "234,00 \xE2\x82\xAC",
         3, 23400},
        {"x-5,00 \xE2\x82\xAC", 1, -500},
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        size_t len = strlen(odd[i].text);
        elg_cents v = 42;
        size_t at = elg_money_text_before(odd[i].text, len, &v);
        if (odd[i].start < 0) {
            if (at <= len)
                fail_msg("\"%s\": found at %zu", odd[i].text, at);
            continue;
        }
        if (at != (size_t)odd[i].start || v != odd[i].v)
            fail_msg("\"%s\": at %zu, %lld", odd[i].text, at, (long long)v);
    }
    /* Any text of digits, spaces, commas, dashes and euro signs, made of
     * pieces that often make amounts; enough of them are found. */
    static const char *const pieces[] = {"0",
                                         "1",
                                         "5",
                                         "9",
                                         "12",
                                         "345",
                                         "000",
                                         " ",
                                         ",",
                                         "-",
                                         "\xE2\x82\xAC",
                                         " \xE2\x82\xAC",
                                         ",00 \xE2\x82\xAC",
                                         ",07 \xE2\x82\xAC",
                                         ",5 \xE2\x82\xAC",
                                         "x"};
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    size_t found = 0;
    for (int round = 0; round < 100000; round++) {
        size_t n = 0, want = 2 + (size_t)(round % 12);
        for (size_t k = 0; k < want; k++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            const char *p = pieces[seed % (sizeof pieces / sizeof *pieces)];
            memcpy(t + n, p, strlen(p));
            n += strlen(p);
        }
        for (size_t end = 1; end <= n; end++) {
            elg_cents v;
            size_t at = elg_money_text_before(t, end, &v);
            if (at > end)
                continue;
            found++;
            char f[ELG_MONEY_FMT_MAX];
            elg_money_format(v, f, sizeof f);
            if (strlen(f) != end - at || memcmp(f, t + at, end - at) != 0)
                fail_msg("\"%.*s\": found \"%.*s\" as %lld, written \"%s\"", (int)end, t,
                         (int)(end - at), t + at, (long long)v, f);
        }
    }
    if (found < 10000)
        fail_msg("only %zu amounts found in the random texts", found);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_no_break_spaces),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_negative),
        cmocka_unit_test(test_parse_decimals),
        cmocka_unit_test(test_parse_ambiguous),
        cmocka_unit_test(test_parse_separators),
        cmocka_unit_test(test_parse_garbage),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_truncates),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_add_sub),
        cmocka_unit_test(test_rate_parse),
        cmocka_unit_test(test_rate_parse_rejects),
        cmocka_unit_test(test_rate_format),
        cmocka_unit_test(test_rate_round_trip),
        cmocka_unit_test(test_apply_rate),
        cmocka_unit_test(test_apply_rate_errors),
        cmocka_unit_test(test_ratio_cmp),
        cmocka_unit_test(test_ratio_bp),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_split_sums_exactly),
        cmocka_unit_test(test_split_errors),
        cmocka_unit_test(test_text_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
