/*
 * text: what reaches a terminal from documents and rules, made harmless.
 *
 * A rule message, a notice or a document field can hold any bytes; printed
 * raw, ESC and BEL sequences would retitle the window, clear the screen or
 * forge lines of the trace. Every such text goes through cli_escape: C0
 * controls (newline included: a message is one line), DEL, the C1 controls
 * in their UTF-8 form and bytes that are not valid UTF-8 are shown as \xNN.
 * JSON output needs none of this (the JSON writer escapes), nor does HTML
 * (the report escapes for HTML).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Length of the valid UTF-8 sequence at s (1 to 4), 0 when invalid. */
static size_t utf8_len(const unsigned char *s) {
    unsigned c = s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || (n == 2 && c < 0xC2))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* C1 controls, and the invisible marks that reorder or hide what a
 * terminal shows (bidirectional overrides and isolates, U+200E/F, U+2028/9,
 * U+061C, U+FEFF): shown as their bytes too. */
static int is_c1(const unsigned char *s, size_t n) {
    if (n == 2)
        return (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F) || (s[0] == 0xD8 && s[1] == 0x9C);
    if (n == 3 && s[0] == 0xE2 && s[1] == 0x80)
        return s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xA8 && s[2] <= 0xAE);
    if (n == 3 && s[0] == 0xE2 && s[1] == 0x81)
        return s[2] >= 0xA6 && s[2] <= 0xA9;
    return n == 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
}

size_t cli_escaped_size(const char *text) {
    const unsigned char *s = (const unsigned char *)text;
    size_t out = 1;
    while (*s) {
        size_t n = utf8_len(s);
        if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7F))) {
            out += 4;
            s++;
        } else if (is_c1(s, n)) {
            out += 4 * n;
            s += n;
        } else {
            out += n;
            s += n;
        }
    }
    return out;
}

void cli_escape_into(const char *text, char *buf, size_t size) {
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0;
    while (*s && o + 1 < size) {
        size_t n = utf8_len(s);
        if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7F)) || is_c1(s, n)) {
            size_t k = n >= 2 && is_c1(s, n) ? n : 1; /* a marked sequence: all its bytes */
            for (size_t i = 0; i < k && o + 5 <= size; i++)
                o += (size_t)snprintf(buf + o, size - o, "\\x%02X", s[i]);
            s += k;
        } else {
            if (o + n + 1 > size)
                break;
            memcpy(buf + o, s, n);
            o += n;
            s += n;
        }
    }
    buf[o] = '\0';
}

const char *cli_escape(elg_arena *a, const char *text) {
    if (!text)
        return "";
    size_t size = cli_escaped_size(text);
    char *buf = elg_arena_alloc(a, size);
    if (!buf)
        return "(?)";
    cli_escape_into(text, buf, size);
    return buf;
}

void cli_put_text(FILE *out, const char *text) {
    char small[512];
    size_t size = cli_escaped_size(text ? text : "");
    if (size <= sizeof small) {
        cli_escape_into(text ? text : "", small, sizeof small);
        fputs(small, out);
        return;
    }
    elg_arena *a = elg_arena_new();
    fputs(a ? cli_escape(a, text) : "(?)", out);
    elg_arena_free(a);
}
