/*
 * error: bounded, first-error-wins error records (see error.h).
 */
#include "error.h"
#include "tr.h"

#include <stdio.h>
#include <string.h>

void elg_error_clear(elg_error *err) {
    if (err)
        memset(err, 0, sizeof *err);
}

int elg_error_setv(elg_error *err, int code, const char *fmt, va_list ap) {
    if (!err || err->code != 0)
        return code;
    err->code = code;
    /* The format is the English msgid; its French translation keeps the same
     * conversions (checked by cmake/po2c.c), so the arguments fit it. */
    vsnprintf(err->message, sizeof err->message, elg_tr(fmt), ap);
    return code;
}

int elg_error_set(elg_error *err, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    elg_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void elg_error_at(elg_error *err, const char *file, int line, int column, const char *field) {
    if (!err)
        return;
    if (file && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", file);
    if (line > 0 && err->line == 0) {
        err->line = line;
        err->column = column;
    }
    if (field && !err->field[0])
        snprintf(err->field, sizeof err->field, "%s", field);
}

const char *elg_error_format(const elg_error *err, char *buf, unsigned size) {
    int n = 0;
    buf[0] = '\0';
    if (err->file[0]) {
        n = snprintf(buf, size, "%s", err->file);
        if (err->line > 0 && n >= 0 && (unsigned)n < size)
            n += snprintf(buf + n, size - n, ":%d", err->line);
        if (err->column > 0 && n >= 0 && (unsigned)n < size)
            n += snprintf(buf + n, size - n, ":%d", err->column);
        if (n >= 0 && (unsigned)n < size)
            n += snprintf(buf + n, size - n, ": ");
    }
    if (err->field[0] && n >= 0 && (unsigned)n < size)
        n += snprintf(buf + n, size - n, "%s: ", err->field);
    if (n >= 0 && (unsigned)n < size)
        snprintf(buf + n, size - n, "%s", err->message);
    return buf;
}
