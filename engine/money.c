/*
 * money: parsing, formatting and exact arithmetic on int64 cents and
 * numerator/denominator rates (see money.h).
 *
 * The one idea: nothing here touches a float. Amounts are parsed digit by
 * digit into unsigned 64-bit magnitudes with checked arithmetic, products of
 * an amount and a rate are taken in __int128 (both factors fit in 63 bits, so
 * the product cannot overflow 127), and every division says which way it
 * rounds. Parsing is hand-written because no library parses French-formatted
 * euro amounts into integer cents without going through a double.
 */
#include "money.h"
#include "tr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest slice of user text quoted in a message; messages are bounded anyway. */
#define QUOTE_MAX 200

/* Bytes needed for a uint64 in decimal with thousands spaces, plus NUL. */
#define GROUPED_MAX 28

/* Bytes needed for an unsigned __int128 in decimal, plus NUL. */
#define U128_MAX_DIGITS 40

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Length of the thousands separator at p (space, U+00A0, U+202F), 0 if none. */
static size_t sep_len(const char *p, const char *e) {
    const unsigned char *u = (const unsigned char *)p;
    if (e - p >= 1 && u[0] == ' ')
        return 1;
    if (e - p >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (e - p >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
        return 3;
    return 0;
}

static int is_ascii_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips leading whitespace, including no-break spaces. */
static const char *skip_blanks(const char *p, const char *e) {
    for (;;) {
        size_t n = sep_len(p, e);
        if (n == 0 && p < e && is_ascii_blank(*p))
            n = 1;
        if (n == 0)
            return p;
        p += n;
    }
}

/* Returns the end of [s, e) without trailing whitespace, including no-break spaces. */
static const char *trim_blanks(const char *s, const char *e) {
    for (;;) {
        if (e > s && is_ascii_blank(e[-1]))
            e -= 1;
        else if (e - s >= 2 && sep_len(e - 2, e) == 2)
            e -= 2;
        else if (e - s >= 3 && sep_len(e - 3, e) == 3)
            e -= 3;
        else
            return e;
    }
}

static int ends_with(const char *s, const char *e, const char *suffix) {
    size_t n = strlen(suffix);
    return (size_t)(e - s) >= n && memcmp(e - n, suffix, n) == 0;
}

/* Drops one trailing "€" or "EUR" and the blanks before it. */
static const char *strip_currency(const char *s, const char *e) {
    if (ends_with(s, e, "\xE2\x82\xAC") || ends_with(s, e, "EUR"))
        e -= 3;
    return trim_blanks(s, e);
}

static int quote_len(const char *s, const char *e) {
    size_t n = (size_t)(e - s);
    return n > QUOTE_MAX ? QUOTE_MAX : (int)n;
}

/* Writes v in decimal with a space between thousands ("80 820"); returns buf. */
static char *group_u64(uint64_t v, char buf[GROUPED_MAX]) {
    char rev[GROUPED_MAX];
    size_t n = 0;
    unsigned digits = 0;
    do {
        if (digits > 0 && digits % 3 == 0)
            rev[n++] = ' ';
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
        digits++;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

static char *u128_str(unsigned __int128 v, char buf[U128_MAX_DIGITS]) {
    char rev[U128_MAX_DIGITS];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + (unsigned)(v % 10));
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

static void add_digit(uint64_t *v, int *overflow, char c) {
    if (__builtin_mul_overflow(*v, 10, v) || __builtin_add_overflow(*v, (uint64_t)(c - '0'), v))
        *overflow = 1;
}

/* What scan_number found in a number without sign or currency. */
typedef struct number_scan {
    uint64_t units;    /* integer part */
    int overflow;      /* the integer part does not fit in 64 bits */
    size_t int_digits; /* digits in the integer part */
    size_t groups;     /* thousands separators in the integer part */
    int bad_group;     /* a separator not between well-formed groups of three */
    char mark;         /* decimal mark '.' or ',', 0 when none */
    const char *frac;  /* digits after the mark */
    size_t frac_len;
} number_scan;

enum {
    SCAN_OK,   /* [s, e) is digits, separators, and at most one mark and decimals */
    SCAN_JUNK, /* something that is not part of a number */
    SCAN_MORE, /* a second decimal mark or more after the decimals: "1,250.50" */
};

/*
 * Scans [s, e) as: digits with optional thousands separators (first group of
 * 1-3 digits, then groups of exactly 3), then an optional decimal mark and
 * digits. Grouping errors are reported in bad_group rather than as junk so the
 * caller can name them.
 */
static int scan_number(const char *s, const char *e, number_scan *ns) {
    const char *p = s;
    size_t group = 0;
    memset(ns, 0, sizeof *ns);
    while (p < e) {
        size_t n;
        if (is_digit(*p)) {
            add_digit(&ns->units, &ns->overflow, *p);
            ns->int_digits++;
            group++;
            p++;
        } else if ((n = sep_len(p, e)) != 0) {
            if (ns->int_digits == 0)
                return SCAN_JUNK;
            if (group == 0 || (ns->groups == 0 ? group > 3 : group != 3))
                ns->bad_group = 1;
            ns->groups++;
            group = 0;
            p += n;
        } else {
            break;
        }
    }
    if (ns->int_digits == 0)
        return SCAN_JUNK;
    if (ns->groups > 0 && group != 3)
        ns->bad_group = 1;
    if (p == e)
        return SCAN_OK;
    if (*p != '.' && *p != ',')
        return SCAN_JUNK;
    ns->mark = *p++;
    ns->frac = p;
    while (p < e && is_digit(*p))
        p++;
    ns->frac_len = (size_t)(p - ns->frac);
    if (p == e)
        return SCAN_OK;
    return (*p == '.' || *p == ',') && ns->frac_len > 0 ? SCAN_MORE : SCAN_JUNK;
}

static int not_an_amount(const char *q, int qn, elg_error *err) {
    return elg_error_set(err, ELG_EINPUT, "not an amount: \"%.*s\"", qn, q);
}

/*
 * [s, e) has several decimal marks. When it reads as "1,250.50" or
 * "1.250,50" (one mark between groups of three, another before one or two
 * decimals) or "1,250,000" (one mark between groups of three), the user wrote
 * English or German grouping: say it is ambiguous and show the two spellings
 * we accept. Anything else is just not an amount.
 */
static int diagnose_marks(const char *s, const char *e, int neg, const char *q, int qn,
                          elg_error *err) {
    char first_mark = 0, prev_mark = 0;
    uint64_t units = 0;
    int overflow = 0;
    size_t run_index = 0;
    const char *p = s;
    const char *last_run = NULL;
    size_t last_len = 0;
    for (;;) {
        const char *run = p;
        while (p < e && is_digit(*p))
            p++;
        size_t len = (size_t)(p - run);
        if (len == 0)
            return not_an_amount(q, qn, err);
        if (p == e) {
            last_run = run;
            last_len = len;
            break;
        }
        if (*p != '.' && *p != ',')
            return not_an_amount(q, qn, err);
        /* This run is followed by a mark, so it is a thousands group. */
        if (run_index == 0 ? len > 3 : len != 3)
            return not_an_amount(q, qn, err);
        if (run_index == 0)
            first_mark = *p;
        else if (prev_mark != first_mark)
            return not_an_amount(q, qn, err);
        for (const char *d = run; d < p; d++)
            add_digit(&units, &overflow, *d);
        prev_mark = *p++;
        run_index++;
    }
    int decimals = prev_mark != first_mark;
    if (decimals ? last_len > 2 : last_len != 3)
        return not_an_amount(q, qn, err);
    if (!decimals)
        for (const char *d = last_run; d < e; d++)
            add_digit(&units, &overflow, *d);
    if (overflow)
        return elg_error_set(err, ELG_EINPUT, "ambiguous amount \"%.*s\"", qn, q);
    char grouped[GROUPED_MAX];
    group_u64(units, grouped);
    const char *sign = neg ? "-" : "";
    if (decimals)
        return elg_error_set(
            err, ELG_EINPUT, "ambiguous amount \"%.*s\" (use %s%" PRIu64 ".%.*s or \"%s%s,%.*s\")",
            qn, q, sign, units, (int)last_len, last_run, sign, grouped, (int)last_len, last_run);
    return elg_error_set(err, ELG_EINPUT,
                         "ambiguous amount \"%.*s\" (use %s%" PRIu64 " or \"%s%s\")", qn, q, sign,
                         units, sign, grouped);
}

/* Three decimals: "12,505". When the integer part could be a thousands group
 * ("1,250"), the mark may have been meant as a separator: say so. */
static int three_decimals(const number_scan *ns, const char *digits, int neg, const char *q, int qn,
                          elg_error *err) {
    if (ns->groups == 0 && ns->int_digits <= 3 && digits[0] != '0') {
        uint64_t whole = ns->units * 1000 + (uint64_t)(ns->frac[0] - '0') * 100 +
                         (uint64_t)(ns->frac[1] - '0') * 10 + (uint64_t)(ns->frac[2] - '0');
        char grouped[GROUPED_MAX];
        const char *sign = neg ? "-" : "";
        return elg_error_set(err, ELG_EINPUT,
                             "three decimals in \"%.*s\" (if \"%c\" separates thousands, write "
                             "%s%" PRIu64 " or \"%s%s\")",
                             qn, q, ns->mark, sign, whole, sign, group_u64(whole, grouped));
    }
    return elg_error_set(err, ELG_EINPUT, "three decimals in \"%.*s\"", qn, q);
}

int elg_money_parse(const char *text, int allow_negative, elg_cents *out, elg_error *err) {
    if (!text || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_money_parse: text and out must not be NULL");
    const char *end = text + strlen(text);
    const char *s = skip_blanks(text, end);
    const char *e = trim_blanks(s, end);
    if (s == e)
        return elg_error_set(err, ELG_EINPUT, "empty amount");
    const char *q = s; /* quoted in messages: the text as written, trimmed */
    int qn = quote_len(s, e);

    e = strip_currency(s, e);
    int neg = 0;
    if (s < e && *s == '-') {
        neg = 1;
        s++;
    }
    number_scan ns;
    switch (scan_number(s, e, &ns)) {
    case SCAN_JUNK:
        return not_an_amount(q, qn, err);
    case SCAN_MORE:
        return diagnose_marks(s, e, neg, q, qn, err);
    default:
        break;
    }
    if (ns.bad_group)
        return elg_error_set(err, ELG_EINPUT, "misplaced thousands separator in \"%.*s\"", qn, q);
    if (ns.mark && ns.frac_len == 0)
        return not_an_amount(q, qn, err);
    if (ns.frac_len == 3)
        return three_decimals(&ns, s, neg, q, qn, err);
    if (ns.frac_len > 3)
        return elg_error_set(err, ELG_EINPUT, "too many decimals in \"%.*s\" (at most two)", qn, q);

    uint64_t frac = 0;
    if (ns.frac_len >= 1)
        frac += (uint64_t)(ns.frac[0] - '0') * 10;
    if (ns.frac_len == 2)
        frac += (uint64_t)(ns.frac[1] - '0');
    uint64_t cents = 0;
    /* The magnitude of INT64_MIN is one more than INT64_MAX. */
    uint64_t limit = (uint64_t)INT64_MAX + (neg ? 1 : 0);
    if (ns.overflow || __builtin_mul_overflow(ns.units, 100, &cents) ||
        __builtin_add_overflow(cents, frac, &cents) || cents > limit) {
        char bound[ELG_MONEY_FMT_MAX];
        return elg_error_set(err, ELG_EOVERFLOW, "amount too large: \"%.*s\" (%s %s)", qn, q,
                             neg ? elg_tr("at least") : elg_tr("at most"),
                             elg_money_format(neg ? INT64_MIN : INT64_MAX, bound, sizeof bound));
    }
    if (neg && !allow_negative)
        return elg_error_set(err, ELG_EINPUT, "negative amount not allowed: \"%.*s\"", qn, q);
    /* Negate in unsigned arithmetic: -(2^63) has no positive int64 counterpart. */
    *out = neg ? (elg_cents)(0 - cents) : (elg_cents)cents;
    return 0;
}

/* Built by hand: the native rules format several amounts per rule, and
 * snprintf was most of their cost. Cut, like snprintf, to size - 1 bytes. */
const char *elg_money_format(elg_cents amount, char *buf, size_t size) {
    uint64_t mag = amount < 0 ? 0 - (uint64_t)amount : (uint64_t)amount;
    char grouped[GROUPED_MAX], text[GROUPED_MAX + 16];
    size_t n = 0;
    if (!buf || size == 0)
        return buf;
    if (amount < 0)
        text[n++] = '-';
    group_u64(mag / 100, grouped);
    size_t g = strlen(grouped);
    memcpy(text + n, grouped, g);
    n += g;
    unsigned cents = (unsigned)(mag % 100);
    text[n++] = ',';
    text[n++] = (char)('0' + cents / 10);
    text[n++] = (char)('0' + cents % 10);
    memcpy(text + n, " \xE2\x82\xAC", 4);
    n += 4;
    if (n > size - 1)
        n = size - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return buf;
}

/* Read backwards from the euro sign, in elg_money_format's grammar only:
 * [-] (0 | [1-9][0-9]{0,2} ( [0-9]{3})*) , [0-9]{2} U+0020 U+20AC, the '-'
 * not before zero; digits before the leading group stay outside the text. */
size_t elg_money_text_before(const char *s, size_t end, elg_cents *amount) {
    const size_t none = end + 1;
    if (end < 8 || memcmp(s + end - 4, " \xE2\x82\xAC", 4) != 0 || s[end - 7] != ',' ||
        !is_digit(s[end - 6]) || !is_digit(s[end - 5]))
        return none;
    uint64_t cents = (uint64_t)(s[end - 6] - '0') * 10 + (uint64_t)(s[end - 5] - '0');
    size_t at = end - 7; /* the comma: the integer part ends here */
    uint64_t units = 0, scale = 1;
    size_t start;
    for (;;) {
        size_t k = 0;
        while (k < 3 && at > 0 && is_digit(s[at - 1])) {
            at--;
            k++;
        }
        if (k == 0)
            return none;
        uint64_t group = 0;
        for (size_t i = 0; i < k; i++)
            group = group * 10 + (uint64_t)(s[at + i] - '0');
        uint64_t add;
        if (__builtin_mul_overflow(group, scale, &add) ||
            __builtin_add_overflow(units, add, &units))
            return none;
        /* Another group before this one: three digits, a space, a digit. */
        if (k == 3 && at >= 2 && s[at - 1] == ' ' && is_digit(s[at - 2])) {
            if (__builtin_mul_overflow(scale, 1000, &scale))
                return none;
            at--;
            continue;
        }
        /* The leading group: no leading zero, unless it is the one digit 0. */
        if (s[at] == '0' && !(k == 1 && scale == 1))
            return none;
        start = at;
        break;
    }
    uint64_t mag;
    if (__builtin_mul_overflow(units, 100, &mag) || __builtin_add_overflow(mag, cents, &mag))
        return none;
    int neg = start > 0 && s[start - 1] == '-' && mag != 0;
    if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
        return none;
    if (neg)
        start--;
    *amount = neg ? (elg_cents)(0 - mag) : (elg_cents)mag;
    return start;
}

int elg_money_add(elg_cents a, elg_cents b, elg_cents *out, elg_error *err) {
    elg_cents r;
    if (__builtin_add_overflow(a, b, &r)) {
        char fa[ELG_MONEY_FMT_MAX], fb[ELG_MONEY_FMT_MAX];
        return elg_error_set(err, ELG_EOVERFLOW, "amount overflow: %s + %s",
                             elg_money_format(a, fa, sizeof fa),
                             elg_money_format(b, fb, sizeof fb));
    }
    *out = r;
    return 0;
}

int elg_money_sub(elg_cents a, elg_cents b, elg_cents *out, elg_error *err) {
    elg_cents r;
    if (__builtin_sub_overflow(a, b, &r)) {
        char fa[ELG_MONEY_FMT_MAX], fb[ELG_MONEY_FMT_MAX];
        return elg_error_set(err, ELG_EOVERFLOW, "amount overflow: %s - %s",
                             elg_money_format(a, fa, sizeof fa),
                             elg_money_format(b, fb, sizeof fb));
    }
    *out = r;
    return 0;
}

/* Parses whole digits (thousands separators allowed) into an int64. */
static int rate_integer(const char *s, const char *e, int64_t *out, const char *q, int qn,
                        elg_error *err) {
    number_scan ns;
    if (scan_number(s, e, &ns) != SCAN_OK || ns.mark || ns.bad_group)
        return elg_error_set(err, ELG_EINPUT, "not a rate: \"%.*s\"", qn, q);
    if (ns.overflow || ns.units > (uint64_t)INT64_MAX)
        return elg_error_set(err, ELG_EOVERFLOW, "rate too large: \"%.*s\"", qn, q);
    *out = (int64_t)ns.units;
    return 0;
}

static int rate_percent(const char *s, const char *e, elg_rate *out, const char *q, int qn,
                        elg_error *err) {
    number_scan ns;
    if (scan_number(s, e, &ns) != SCAN_OK || ns.bad_group || (ns.mark && ns.frac_len == 0))
        return elg_error_set(err, ELG_EINPUT, "not a rate: \"%.*s\"", qn, q);
    /* Up to four decimals, so that everything elg_rate_format prints reads back. */
    if (ns.frac_len > 4)
        return elg_error_set(err, ELG_EINPUT, "too many decimals in rate \"%.*s\" (at most four)",
                             qn, q);
    uint64_t num = ns.units;
    int overflow = ns.overflow;
    for (size_t i = 0; i < ns.frac_len; i++)
        add_digit(&num, &overflow, ns.frac[i]);
    if (overflow || num > (uint64_t)INT64_MAX)
        return elg_error_set(err, ELG_EOVERFLOW, "rate too large: \"%.*s\"", qn, q);
    out->num = (int64_t)num;
    out->den = 100;
    for (size_t i = 0; i < ns.frac_len; i++)
        out->den *= 10;
    return 0;
}

int elg_rate_parse(const char *text, elg_rate *out, elg_error *err) {
    if (!text || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_rate_parse: text and out must not be NULL");
    const char *end = text + strlen(text);
    const char *s = skip_blanks(text, end);
    const char *e = trim_blanks(s, end);
    if (s == e)
        return elg_error_set(err, ELG_EINPUT, "empty rate");
    const char *q = s;
    int qn = quote_len(s, e);
    if (*s == '-')
        return elg_error_set(err, ELG_EINPUT, "negative rate: \"%.*s\"", qn, q);

    if (ends_with(s, e, "%"))
        return rate_percent(s, trim_blanks(s, e - 1), out, q, qn, err);
    if (ends_with(s, e, "bp")) {
        /* Initialised for gcc -O3, which cannot see that rate_integer sets it when it returns 0
         * (the error path returns elg_error_set's result, from another file). */
        int64_t bp = 0;
        int rc = rate_integer(s, trim_blanks(s, e - 2), &bp, q, qn, err);
        if (rc != 0)
            return rc;
        out->num = bp;
        out->den = 10000;
        return 0;
    }
    const char *slash = memchr(s, '/', (size_t)(e - s));
    if (slash) {
        int64_t num = 0, den = 0; /* as bp above */
        int rc = rate_integer(s, trim_blanks(s, slash), &num, q, qn, err);
        if (rc == 0)
            rc = rate_integer(skip_blanks(slash + 1, e), e, &den, q, qn, err);
        if (rc != 0)
            return rc;
        if (den == 0)
            return elg_error_set(err, ELG_EINPUT, "zero denominator in rate \"%.*s\"", qn, q);
        out->num = num;
        out->den = den;
        return 0;
    }
    number_scan ns;
    if (scan_number(s, e, &ns) == SCAN_OK)
        return elg_error_set(err, ELG_EINPUT,
                             "ambiguous rate \"%.*s\" (add \"%%\" or \"bp\", or write a fraction "
                             "such as \"1/3\")",
                             qn, q);
    return elg_error_set(err, ELG_EINPUT, "not a rate: \"%.*s\"", qn, q);
}

const char *elg_rate_format(elg_rate rate, char *buf, size_t size) {
    if (rate.den > 0 && rate.num >= 0) {
        /* The smallest number of decimals (up to four) that shows the percentage exactly. */
        __int128 scaled = (__int128)rate.num * 100;
        unsigned scale = 1;
        for (int k = 0; k <= 4; k++, scaled *= 10, scale *= 10) {
            if (scaled % rate.den != 0)
                continue;
            unsigned __int128 pct = (unsigned __int128)(scaled / rate.den);
            char whole[U128_MAX_DIGITS];
            u128_str(pct / scale, whole);
            if (k == 0)
                snprintf(buf, size, "%s %%", whole);
            else
                snprintf(buf, size, "%s,%0*u %%", whole, k, (unsigned)(pct % scale));
            return buf;
        }
    }
    snprintf(buf, size, "%" PRId64 "/%" PRId64, rate.num, rate.den);
    return buf;
}

static int apply_rate(elg_cents amount, elg_rate rate, int round_up, elg_cents *out,
                      elg_error *err) {
    if (!out || rate.den <= 0 || rate.num < 0)
        return elg_error_set(err, ELG_EUSAGE, "invalid rate %" PRId64 "/%" PRId64, rate.num,
                             rate.den);
    __int128 product = (__int128)amount * rate.num;
    __int128 quotient = product / rate.den; /* C truncates towards zero */
    if (product % rate.den != 0) {
        if (!round_up && product < 0)
            quotient -= 1;
        else if (round_up && product > 0)
            quotient += 1;
    }
    if (quotient > INT64_MAX || quotient < INT64_MIN) {
        char fa[ELG_MONEY_FMT_MAX], fr[U128_MAX_DIGITS + 8];
        return elg_error_set(err, ELG_EOVERFLOW, "amount overflow: %s times %s",
                             elg_money_format(amount, fa, sizeof fa),
                             elg_rate_format(rate, fr, sizeof fr));
    }
    *out = (elg_cents)quotient;
    return 0;
}

int elg_money_apply_rate_floor(elg_cents amount, elg_rate rate, elg_cents *out, elg_error *err) {
    return apply_rate(amount, rate, 0, out, err);
}

int elg_money_apply_rate_ceil(elg_cents amount, elg_rate rate, elg_cents *out, elg_error *err) {
    return apply_rate(amount, rate, 1, out, err);
}

/*
 * The header requires whole > 0 and rate.den > 0; negative denominators are
 * normalised anyway, and a zero one compares as equal (0) because there is no
 * way to report an error here: callers must check the whole before comparing.
 */
int elg_money_ratio_cmp(elg_cents part, elg_cents whole, elg_rate rate) {
    __int128 p = part, w = whole, n = rate.num, d = rate.den;
    if (w < 0) {
        p = -p;
        w = -w;
    }
    if (d < 0) {
        n = -n;
        d = -d;
    }
    if (w == 0 || d == 0)
        return 0;
    __int128 lhs = p * d, rhs = n * w;
    return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

/*
 * Half up means half away from zero, so a negative ratio shows the same
 * digits as its opposite. A whole of 0 gives 0 (the header excludes it); a
 * result beyond int64 (part far larger than whole) is clamped.
 */
int64_t elg_money_ratio_bp_half_up(elg_cents part, elg_cents whole) {
    __int128 p = part, w = whole;
    if (w < 0) {
        p = -p;
        w = -w;
    }
    if (w == 0)
        return 0;
    int neg = p < 0;
    __int128 x = (neg ? -p : p) * 10000;
    __int128 r = (2 * x + w) / (2 * w);
    if (neg)
        r = -r;
    if (r > INT64_MAX)
        return INT64_MAX;
    if (r < INT64_MIN)
        return INT64_MIN;
    return (int64_t)r;
}

typedef struct split_rest {
    __int128 rest; /* total * weight mod sum of weights */
    size_t index;
} split_rest;

/* Largest remainder first, ties to the earliest part. */
static int cmp_rest(const void *a, const void *b) {
    const split_rest *x = a, *y = b;
    if (x->rest != y->rest)
        return x->rest > y->rest ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

int elg_money_split(elg_cents total, const int64_t *weights, size_t n, elg_cents *parts,
                    elg_error *err) {
    if (n == 0 || !parts)
        return elg_error_set(err, ELG_EUSAGE, "split: no parts to split into");
    if (total < 0)
        return elg_error_set(err, ELG_EUSAGE, "split: negative total %" PRId64, total);
    /* Weights are < 2^63 each and an array of them holds < 2^61 entries, so
     * the sum stays below 2^124. */
    __int128 sum = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t w = weights ? weights[i] : 1;
        if (w <= 0)
            return elg_error_set(err, ELG_EUSAGE,
                                 "split: weights[%zu] is %" PRId64 " (must be > 0)", i, w);
        sum += w;
    }
    elg_cents given = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t w = weights ? weights[i] : 1;
        parts[i] = (elg_cents)((__int128)total * w / sum);
        given += parts[i];
    }
    /* Sum of the remainders divided by sum: an integer below n. */
    elg_cents leftover = total - given;
    if (leftover == 0)
        return 0;
    split_rest *rests = calloc(n, sizeof *rests);
    if (!rests)
        return elg_error_set(err, ELG_ENOMEM, "out of memory splitting an amount");
    for (size_t i = 0; i < n; i++) {
        int64_t w = weights ? weights[i] : 1;
        rests[i].rest = (__int128)total * w % sum;
        rests[i].index = i;
    }
    qsort(rests, n, sizeof *rests, cmp_rest);
    for (elg_cents j = 0; j < leftover; j++)
        parts[rests[j].index] += 1;
    free(rests);
    return 0;
}
