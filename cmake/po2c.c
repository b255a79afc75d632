/*
 * po2c: turns the French catalogue po/fr.po into a C table compiled into the
 * engine (engine/tr.h), sorted by msgid for a binary search.
 *
 * It refuses, and so fails the build, a catalogue that a user would notice:
 * an entry left untranslated or marked fuzzy, a msgid given twice, and a
 * translation whose printf conversions are not those of its msgid in the same
 * order (the message is formatted with the translation and the msgid's
 * arguments, so a difference would print garbage or crash).
 *
 * Usage: po2c fr.po out.c
 * Reads the subset of the PO format the catalogue uses: comments, flags,
 * msgctxt, msgid and msgstr with continued "..." lines, the C escapes \n \t \" \\.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *id, *str; /* id: "context\004msgid" for an entry with a msgctxt, as in gettext */
    int line, fuzzy;
} entry;

static entry *entries;
static size_t count, cap;
static const char *po_name;

static void die(int line, const char *what, const char *id) {
    fprintf(stderr, "%s:%d: %s%s%s%s\n", po_name, line, what, id ? " (msgid \"" : "", id ? id : "",
            id ? "\")" : "");
    exit(1);
}

/* Appends the unescaped contents of the quoted string at p to *buf. */
static void append_quoted(char **buf, size_t *len, const char *p, int line) {
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '"')
        die(line, "expected a quoted string", NULL);
    p++;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            switch (c) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case '"':
            case '\\':
                break;
            default:
                die(line, "unsupported escape in a string", NULL);
            }
        }
        *buf = realloc(*buf, *len + 2);
        if (!*buf)
            die(line, "out of memory", NULL);
        (*buf)[(*len)++] = c;
        (*buf)[*len] = '\0';
    }
    if (*p != '"')
        die(line, "unterminated string", NULL);
}

/* Writes the printf conversions of fmt ("%s", "%zu", "%.*s"...) in order,
 * without flags' positions mattering less than their types: the whole
 * conversion text is kept, so "%5.2f" and "%f" differ too. */
static void conversions(const char *fmt, char *out, size_t size) {
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *start = p++;
        while (*p && strchr("-+ #0123456789.*'hljztL", *p))
            p++;
        if (*p == '<') /* %<PRIu64>: xgettext's name for a <inttypes.h> conversion */
            while (*p && *p != '>')
                p++;
        if (!*p)
            break;
        size_t len = (size_t)(p - start) + 1;
        if (n + len + 2 < size) {
            memcpy(out + n, start, len);
            n += len;
            out[n++] = ' ';
            out[n] = '\0';
        }
    }
}

/* Replaces xgettext's "%<PRIu64>" by what <inttypes.h> makes of "%" PRIu64
 * here ("%lu"): the table is searched with the strings the compiler built,
 * so it must be sorted, and compared, as they are. */
static char *expand_pri(char *s, int line) {
    static const struct {
        const char *name, *value;
    } pri[] = {{"PRId64", PRId64}, {"PRIu64", PRIu64}, {"PRIi64", PRIi64},   {"PRIx64", PRIx64},
               {"PRId32", PRId32}, {"PRIu32", PRIu32}, {"PRIdMAX", PRIdMAX}, {"PRIuMAX", PRIuMAX}};
    char *p;
    while ((p = strstr(s, "<PRI"))) {
        char *end = strchr(p, '>');
        size_t i, n = sizeof pri / sizeof *pri;
        for (i = 0; i < n; i++)
            if (end && (size_t)(end - p - 1) == strlen(pri[i].name) &&
                strncmp(p + 1, pri[i].name, strlen(pri[i].name)) == 0)
                break;
        if (i == n)
            die(line, "unknown <inttypes.h> conversion", s);
        size_t vlen = strlen(pri[i].value), tail = strlen(end + 1);
        char *out = malloc((size_t)(p - s) + vlen + tail + 1);
        if (!out)
            die(line, "out of memory", NULL);
        memcpy(out, s, (size_t)(p - s));
        memcpy(out + (p - s), pri[i].value, vlen);
        memcpy(out + (p - s) + vlen, end + 1, tail + 1);
        free(s);
        s = out;
    }
    return s;
}

static void add(char *id, char *str, int line, int fuzzy) {
    if (!id)
        return;
    if (id[0] == '\0') { /* the header */
        free(id);
        free(str);
        return;
    }
    if (!str || !str[0])
        die(line, "untranslated entry", id);
    if (fuzzy)
        die(line, "fuzzy entry: review it and remove the flag", id);
    id = expand_pri(id, line);
    str = expand_pri(str, line);
    char a[1024], b[1024];
    conversions(id, a, sizeof a);
    conversions(str, b, sizeof b);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "%s:%d: conversions differ: msgid has [%s], msgstr has [%s]\n", po_name,
                line, a, b);
        die(line, "the translation must keep the msgid's printf conversions in order", id);
    }
    if (count == cap) {
        cap = cap ? cap * 2 : 256;
        entries = realloc(entries, cap * sizeof *entries);
        if (!entries)
            die(line, "out of memory", NULL);
    }
    entries[count++] = (entry){id, str, line, fuzzy};
}

static int by_id(const void *a, const void *b) {
    return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

/* Writes s as a C string literal. */
static void put_c_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\004')
            fputs("\\004\"\"", out); /* ends the escape before the msgid's text */
        else if (c == '?')
            fputs("\\?", out); /* no trigraphs */
        else
            fputc(c, out);
    }
    fputc('"', out);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: po2c fr.po out.c\n");
        return 2;
    }
    po_name = argv[1];
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    char buf[8192];
    char *id = NULL, *str = NULL, **cur = NULL;
    size_t idlen = 0, strlen_ = 0, *curlen = NULL;
    int line = 0, entry_line = 0, fuzzy = 0, next_fuzzy = 0, ctxt = 0;
    while (fgets(buf, sizeof buf, in)) {
        line++;
        buf[strcspn(buf, "\n")] = '\0';
        if (strncmp(buf, "#,", 2) == 0) {
            if (strstr(buf, "fuzzy"))
                next_fuzzy = 1;
            continue;
        }
        if (buf[0] == '#' || buf[0] == '\0')
            continue;
        int is_ctxt = strncmp(buf, "msgctxt ", 8) == 0;
        int is_id = strncmp(buf, "msgid ", 6) == 0;
        if (is_ctxt || (is_id && !ctxt)) { /* a new entry: the previous one is complete */
            add(id, str, entry_line, fuzzy);
            str = NULL;
            idlen = strlen_ = 0;
            fuzzy = next_fuzzy;
            next_fuzzy = 0;
            entry_line = line;
            id = calloc(1, 1);
            if (!id)
                die(line, "out of memory", NULL);
        } else if (is_id) { /* after its context: the context, then \004, then the msgid */
            id = realloc(id, idlen + 2);
            if (!id)
                die(line, "out of memory", NULL);
            id[idlen++] = '\004';
            id[idlen] = '\0';
        }
        if (is_ctxt || is_id) {
            ctxt = is_ctxt;
            cur = &id;
            curlen = &idlen;
            append_quoted(cur, curlen, buf + (is_ctxt ? 8 : 6), line);
        } else if (strncmp(buf, "msgstr ", 7) == 0) {
            if (!id || str)
                die(line, "msgstr without its msgid", NULL);
            str = calloc(1, 1);
            cur = &str;
            curlen = &strlen_;
            append_quoted(cur, curlen, buf + 7, line);
        } else if (buf[0] == '"') {
            if (!cur)
                die(line, "string outside an entry", NULL);
            append_quoted(cur, curlen, buf, line);
        } else {
            die(line, "unsupported line (plural forms and contexts are not used)", NULL);
        }
    }
    fclose(in);
    add(id, str, entry_line, fuzzy);
    qsort(entries, count, sizeof *entries, by_id);
    for (size_t i = 1; i < count; i++)
        if (strcmp(entries[i - 1].id, entries[i].id) == 0)
            die(entries[i].line, "msgid given twice", entries[i].id);

    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    fprintf(out,
            "/* Generated by cmake/po2c.c from po/fr.po: edit the catalogue, not this file. */\n"
            "#include \"tr.h\"\n\n"
            "const elg_tr_entry elg_tr_fr[] = {\n");
    for (size_t i = 0; i < count; i++) {
        fputs("    {", out);
        put_c_string(out, entries[i].id);
        fputs(",\n     ", out);
        put_c_string(out, entries[i].str);
        fputs("},\n", out);
    }
    if (count == 0)
        fputs("    {\"\", \"\"},\n", out);
    fprintf(out, "};\nconst size_t elg_tr_fr_count = %zu;\n", count);
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
