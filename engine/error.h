/*
 * error: the one error type every engine function fills on failure.
 *
 * Functions that can fail return 0 or a negative ELG_E* code and fill a
 * caller-provided elg_error. The first error wins: elg_error_set does nothing
 * when the error already holds one, so cleanup paths cannot overwrite it.
 * Messages are bounded (truncated, never overflowing): they are for people.
 * The format given to elg_error_set is an English msgid: the message is
 * formatted with its French translation from po/fr.po (see tr.h).
 */
#ifndef ELG_ERROR_H
#define ELG_ERROR_H

#include <stdarg.h>

enum {
    ELG_OK = 0,
    ELG_EUSAGE = -1,    /* caller passed something meaningless */
    ELG_EINPUT = -2,    /* a document or file is malformed */
    ELG_ENOTFOUND = -3, /* a named document, decision or file does not exist */
    ELG_ERULE = -4,     /* a rule file cannot be loaded or run */
    ELG_ESTORE = -5,    /* the SQLite store failed */
    ELG_ENOMEM = -6,    /* allocation failed */
    ELG_EOVERFLOW = -7, /* an amount does not fit in int64 cents */
    ELG_EIO = -8,       /* reading or writing a file failed */
};

typedef struct elg_error {
    int code;          /* 0 when no error is held */
    char message[512]; /* what is wrong, in the user's terms */
    char file[256];    /* document or rule file, "" when none */
    int line;          /* 1-based, 0 when unknown */
    int column;        /* 1-based, 0 when unknown */
    char field[256];   /* field path such as "resources[2].amount", "" when none */
} elg_error;

/* Clears err to "no error". */
void elg_error_clear(elg_error *err);

/* Records an error unless err already holds one; returns code, so callers can
 * write `return elg_error_set(err, ELG_EINPUT, "...")`. err may be NULL. */
int elg_error_set(elg_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int elg_error_setv(elg_error *err, int code, const char *fmt, va_list ap);

/* Sets the location of the held error (only fields not already set). */
void elg_error_at(elg_error *err, const char *file, int line, int column, const char *field);

/* Formats "file:line:column: field: message" into buf (bounded). */
const char *elg_error_format(const elg_error *err, char *buf, unsigned size);

#endif
