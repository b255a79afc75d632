/*
 * money: exact amounts in integer cents, exact rates, and every rounding named.
 *
 * The one idea: no amount or rate ever passes through a float. Amounts are
 * int64 cents; rates are a numerator/denominator pair of int64 (65 % is 65/100,
 * 6 500 bp is 6500/10000, a third is 1/3). Every operation that can overflow
 * reports ELG_EOVERFLOW instead of wrapping, and every operation that must
 * round says which way in its name (_floor, _ceil, _half_up).
 */
#ifndef ELG_MONEY_H
#define ELG_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef int64_t elg_cents;

typedef struct elg_rate {
    int64_t num; /* >= 0 */
    int64_t den; /* > 0 */
} elg_rate;

/*
 * Parses an amount in euros into cents. Accepted forms:
 *   80820   1250.50   1250,5   "80 820,00"   "80 820,00 €"   "80 820 €"   "0,01 €"
 * (spaces, no-break spaces U+00A0 and narrow no-break spaces U+202F as
 * thousands separators, in groups of three; '.' or ',' as decimal mark with
 * one or two decimals; an optional trailing "€" or "EUR"; a leading '-' only
 * when allow_negative). Rejected: three or more decimals, both '.' and ','
 * ("1,250.50" is ambiguous), misplaced separators, empty text, values beyond
 * int64 cents. On error fills err (message naming the text) and returns
 * ELG_EINPUT or ELG_EOVERFLOW.
 */
int elg_money_parse(const char *text, int allow_negative, elg_cents *out, elg_error *err);

/* Formats cents the French way: "80 820,00 €", "-0,01 €", "0,00 €".
 * The thousands separator is a plain space (U+0020) so output stays ASCII
 * apart from the euro sign. Writes at most size bytes; returns buf. A buffer
 * of ELG_MONEY_FMT_MAX bytes always suffices. Stored records of binary
 * format 7 hold amounts of their messages as values that this function
 * writes back when they are read (decision.h): a change of its output
 * changes what they read back, and needs a new record format. */
#define ELG_MONEY_FMT_MAX 40
const char *elg_money_format(elg_cents amount, char *buf, size_t size);
/* The amount whose elg_money_format text ends at s[end - 1] (its euro
 * sign's last byte), as a suffix of s[0..end): where that text starts,
 * its value in *amount; end + 1 when s[0..end) does not end with such a
 * text. Whatever it finds, elg_money_format(*amount) is exactly
 * s[start..end) (record format 7 relies on it, decision_write.c). */
size_t elg_money_text_before(const char *s, size_t end, elg_cents *amount);

/* Checked arithmetic: 0 or ELG_EOVERFLOW (err filled). */
int elg_money_add(elg_cents a, elg_cents b, elg_cents *out, elg_error *err);
int elg_money_sub(elg_cents a, elg_cents b, elg_cents *out, elg_error *err);

/*
 * Parses a rate: "65 %", "65%", "12,5 %", "6500 bp", "1/3", "0.65" is rejected
 * (a bare decimal is ambiguous between a fraction and a percentage).
 * Percentages become n/100 (or n/1000, n/10000 with decimals); bp n/10000.
 */
int elg_rate_parse(const char *text, elg_rate *out, elg_error *err);

/* "65 %", "12,5 %", "1/3" (exact, no rounding: a non-decimal fraction prints as a/b). */
const char *elg_rate_format(elg_rate rate, char *buf, size_t size);

/* amount * rate, rounded down to the cent (towards minus infinity). Used for
 * ceilings expressed as a rate: the cap never exceeds the rate. */
int elg_money_apply_rate_floor(elg_cents amount, elg_rate rate, elg_cents *out, elg_error *err);
/* amount * rate, rounded up to the cent. Used for minimums expressed as a
 * rate (a minimum self-financing): the minimum is never under the rate. */
int elg_money_apply_rate_ceil(elg_cents amount, elg_rate rate, elg_cents *out, elg_error *err);

/* Compares part/whole with rate exactly: returns -1, 0 or 1 as
 * part/whole <, =, > rate. whole must be > 0. Uses 128-bit products. */
int elg_money_ratio_cmp(elg_cents part, elg_cents whole, elg_rate rate);

/* part/whole in basis points, rounded half up (for display only: decisions
 * compare with elg_money_ratio_cmp). whole must be > 0. */
int64_t elg_money_ratio_bp_half_up(elg_cents part, elg_cents whole);

/*
 * Splits total into n parts proportional to weights (all weights > 0, or all
 * weights NULL for parity). Each part is floor(total * w / sum w); the
 * leftover cents (fewer than n) go one each to the parts with the largest
 * remainders, ties to the earliest part (largest remainder method). The parts
 * always sum exactly to total. total >= 0.
 */
int elg_money_split(elg_cents total, const int64_t *weights, size_t n, elg_cents *parts,
                    elg_error *err);

#endif
