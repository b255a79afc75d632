/*
 * Tests of the one JSON writer of decisions (engine/decision_write.c): its
 * text escaping, which copies plain bytes eight at a time and jumps to the
 * first byte that needs a look, against a byte-by-byte reference of the same
 * rules (quote, backslash, the short escapes, \u00XX for other control
 * characters, UTF-8 copied as it is, text that is not UTF-8 replaced by a
 * fixed notice), on every mix of such bytes at every offset of a block;
 * and its integers, written two digits at a time, against snprintf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <inttypes.h>

#include "decision.h"

#define INVALID_UTF8 "\"(text that is not valid UTF-8)\""

/* The length of the UTF-8 sequence at s[i], 0 when it is not one (lead
 * byte and continuation bytes only, as the writer checks). */
static size_t seq_len(const unsigned char *s, size_t i, size_t len) {
    unsigned char c = s[i];
    size_t more = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 9;
    if (more == 9)
        return 0;
    for (size_t k = 1; k <= more; k++)
        if (i + k >= len || (s[i + k] >> 6) != 0x2)
            return 0;
    return more + 1;
}

/* The reference: one byte at a time. */
static void reference(const char *text, size_t len, char *out) {
    const unsigned char *s = (const unsigned char *)text;
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t n = seq_len(s, i, len);
            if (!n) {
                strcpy(out, INVALID_UTF8);
                return;
            }
            memcpy(o, s + i, n);
            o += n;
            i += n;
            continue;
        }
        const char *short_esc = c == '"'    ? "\\\""
                                : c == '\\' ? "\\\\"
                                : c == '\b' ? "\\b"
                                : c == '\f' ? "\\f"
                                : c == '\n' ? "\\n"
                                : c == '\r' ? "\\r"
                                : c == '\t' ? "\\t"
                                            : NULL;
        if (short_esc)
            o += sprintf(o, "%s", short_esc);
        else if (c < 0x20)
            o += sprintf(o, "\\u%04X", c);
        else
            *o++ = (char)c;
        i++;
    }
    *o++ = '"';
    *o = '\0';
}

static void check(const char *text, size_t len) {
    elg_value v = {.type = ELG_VALUE_STRING, .u.str = {text, len}};
    elg_text out = {0};
    elg_error err = {0};
    char want[1024];
    assert_true(len < 120);
    reference(text, len, want);
    assert_int_equal(elg_value_write_json(&v, &out, &err), 0);
    if (strcmp(out.data, want) != 0)
        fail_msg("escaping differs for %zu bytes: got [%s], want [%s]", len, out.data, want);
    elg_text_release(&out);
}

/* Pieces that need a look, each put at every offset of a 24-byte text
 * padded with plain bytes, alone and two by two. */
static void test_escaping(void **state) {
    (void)state;
    static const char *const pieces[] = {
        "\xC3\xA9",         /* é */
        "\xE2\x82\xAC",     /* € */
        "\xE2\x80\xAF",     /* narrow no-break space, in every amount */
        "\xF0\x9F\x98\x80", /* 4 bytes */
        "\"",
        "\\",
        "\n",
        "\t",
        "\x01",
        "\x1F",
        "\x7F",
        "\xC3",     /* a lead byte cut short: not UTF-8 */
        "\x80",     /* a continuation byte alone */
        "\xE2\x82", /* a 3-byte sequence cut short */
    };
    size_t np = sizeof pieces / sizeof *pieces;
    char text[128];
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b <= np; b++)
            for (size_t at = 0; at < 20; at++)
                for (size_t gap = 0; gap < 10; gap += 3) {
                    size_t n = 0;
                    memset(text, 'x', at);
                    n = at;
                    memcpy(text + n, pieces[a], strlen(pieces[a]));
                    n += strlen(pieces[a]);
                    if (b < np) {
                        memset(text + n, 'y', gap);
                        n += gap;
                        memcpy(text + n, pieces[b], strlen(pieces[b]));
                        n += strlen(pieces[b]);
                    }
                    memset(text + n, 'z', 9);
                    n += 9;
                    check(text, n);
                    check(text, n - 9); /* the text ending on the piece */
                }
    check("", 0);
    check("plain text longer than a block, nothing to escape at all", 57);
}

static void check_int(int64_t v) {
    elg_value x = {.type = ELG_VALUE_INT, .u.integer = v};
    elg_text out = {0};
    elg_error err = {0};
    assert_int_equal(elg_value_write_json(&x, &out, &err), 0);
    char want[32];
    snprintf(want, sizeof want, "%" PRId64, v);
    assert_string_equal(out.data, want);
    elg_text_release(&out);
}

static void test_integers(void **state) {
    (void)state;
    for (int64_t v = -1000; v <= 100000; v++)
        check_int(v);
    /* Every power of ten and its neighbours, both signs, and the ends. */
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10)
        for (int64_t d = -1; d <= 1; d++) {
            check_int(p * 10 + d);
            check_int(-(p * 10 + d));
        }
    check_int(INT64_MAX);
    check_int(INT64_MIN);
    check_int(INT64_MIN + 1);
    check_int(30510734); /* an amount in cents */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_integers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
