/*
 * scdl_csv: spreadsheet CSV read with libcsv and iconv (scdl_csv.h).
 */
#include "scdl_csv.h"
#include "tr.h"

#include <csv.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Converts data from charset `from` to UTF-8 with iconv; NULL when a byte is not valid there. */
static char *convert(const char *from, const char *data, size_t len, size_t *out_len) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    /* Windows-1252 takes at most 3 UTF-8 bytes a character (the euro sign). */
    size_t cap = len * 3 + 1, left = cap - 1;
    char *out = malloc(cap), *dst = out;
    char *src = (char *)data;
    size_t in_left = len;
    if (out && iconv(cd, &src, &in_left, &dst, &left) == (size_t)-1) {
        free(out);
        out = NULL;
    }
    iconv_close(cd);
    if (!out)
        return NULL;
    *dst = '\0';
    *out_len = (size_t)(dst - out);
    return out;
}

typedef struct feed {
    const char *path;
    elg_csv_row_fn fn;
    void *ctx;
    elg_csv_info *info;
    elg_error *err;
    int rc;        /* first failure: stops the read */
    int line;      /* physical line being fed */
    int row_line;  /* where the current row started */
    bool row_open; /* a field of the current row has been seen */
    char **fields;
    size_t count, cap;
} feed;

static void on_field(void *data, size_t len, void *ud) {
    feed *r = ud;
    if (r->rc)
        return;
    if (!r->row_open) {
        r->row_open = true;
        r->row_line = r->line;
    }
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        char **grown = realloc(r->fields, cap * sizeof *grown);
        if (!grown) {
            r->rc = elg_error_set(r->err, ELG_ENOMEM, "out of memory reading %s", r->path);
            return;
        }
        r->fields = grown;
        r->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        r->rc = elg_error_set(r->err, ELG_ENOMEM, "out of memory reading %s", r->path);
        return;
    }
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    r->fields[r->count++] = copy;
}

static void clear_fields(feed *r) {
    for (size_t i = 0; i < r->count; i++)
        free(r->fields[i]);
    r->count = 0;
    r->row_open = false;
}

static void on_row(int c, void *ud) {
    feed *r = ud;
    (void)c;
    if (r->rc == 0 && r->row_open) {
        /* A row of empty cells (";;;;" at the end of a spreadsheet) is no row. */
        bool empty = true;
        for (size_t i = 0; i < r->count && empty; i++)
            empty = r->fields[i][strspn(r->fields[i], " ")] == '\0';
        if (!empty) {
            r->info->rows++;
            r->rc = r->fn(r->ctx, r->row_line, r->fields, r->count);
        }
    }
    clear_fields(r);
}

static int no_space(unsigned char c) {
    (void)c;
    return 0;
}

static int syntax(feed *r, struct csv_parser *p) {
    int rc = elg_error_set(r->err, ELG_EINPUT, "CSV syntax: %s", csv_strerror(csv_error(p)));
    elg_error_at(r->err, r->path, r->line, 0, NULL);
    return rc;
}

int elg_csv_read(const char *path, const char *data, size_t len, elg_csv_row_fn fn, void *ctx,
                 elg_csv_info *info, elg_error *err) {
    elg_csv_info local;
    struct csv_parser p;
    char *converted = NULL;
    const char *text = data;
    size_t n = len, check_len = 0;
    int rc;

    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    if (!path || !fn || (!data && len))
        return elg_error_set(err, ELG_EUSAGE, "elg_csv_read: missing argument");
    if (!text)
        text = "";
    info->encoding = "UTF-8";
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        n -= 3;
        info->encoding = ELG_N("UTF-8 with BOM");
    }
    char *check = convert("UTF-8", text, n, &check_len); /* iconv refuses invalid UTF-8 */
    if (check) {
        free(check);
    } else {
        converted = convert("WINDOWS-1252", text, n, &n);
        if (!converted) {
            rc = elg_error_set(err, ELG_EINPUT,
                               "neither UTF-8 nor Windows-1252 (a byte is not a character)");
            elg_error_at(err, path, 0, 0, NULL);
            return rc;
        }
        text = converted;
        info->encoding = strcmp(info->encoding, "UTF-8") == 0
                             ? "Windows-1252"
                             : ELG_N("Windows-1252 after a UTF-8 BOM");
    }
    /* data need not end in a NUL: every scan here is bounded by n. */
    size_t commas = 0, semis = 0;
    for (size_t i = 0; i < n && text[i] != '\r' && text[i] != '\n'; i++) {
        commas += text[i] == ',';
        semis += text[i] == ';';
    }
    info->delimiter = semis > commas ? ';' : ',';

    feed r = {.path = path, .fn = fn, .ctx = ctx, .info = info, .err = err};
    if (csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(converted);
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    }
    csv_set_delim(&p, (unsigned char)info->delimiter);
    csv_set_space_func(&p, no_space);
    for (size_t at = 0; at < n && r.rc == 0;) {
        const char *nl = memchr(text + at, '\n', n - at);
        size_t chunk = nl ? (size_t)(nl - (text + at)) + 1 : n - at;
        r.line++;
        if (csv_parse(&p, text + at, chunk, on_field, on_row, &r) != chunk) {
            r.rc = syntax(&r, &p);
            break;
        }
        at += chunk;
    }
    if (r.rc == 0 && csv_fini(&p, on_field, on_row, &r) != 0)
        r.rc = syntax(&r, &p);
    rc = r.rc;
    clear_fields(&r);
    free(r.fields);
    csv_free(&p);
    free(converted);
    return rc;
}
