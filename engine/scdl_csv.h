/*
 * scdl_csv: CSV files as spreadsheets and open-data portals save them, read with libcsv, for
 * the funders' formats (engine/scdl.h, engine/cerfa.h).
 *
 * Encoding: UTF-8 with or without a BOM, else Windows-1252, converted to UTF-8 with iconv (a
 * byte neither allows is an error). Delimiter: ',' or ';', the one the first line holds more of
 * (a tie is ','). Spaces around unquoted fields are kept (published names keep theirs). Each
 * row is handed over with the physical line it starts on (the bytes are fed to libcsv one line
 * at a time, so a quoted field spanning lines is still one row at its first line); rows of
 * empty cells only are skipped. libcsv runs in strict mode: a quote inside an unquoted cell, or
 * one left open at the end of the file (it would swallow every row after it), is a CSV syntax
 * error at its line, not a guess.
 */
#ifndef ELG_SCDL_CSV_H
#define ELG_SCDL_CSV_H

#include <stddef.h>

#include "error.h"

typedef struct elg_csv_info {
    const char *encoding; /* "UTF-8", "UTF-8 with BOM", "Windows-1252"... (static) */
    char delimiter;
    size_t rows; /* rows handed over, the first included */
} elg_csv_info;

/* A row: count fields, NUL-terminated UTF-8, borrowed for the call. A non-zero return stops the
 * read and is returned. */
typedef int (*elg_csv_row_fn)(void *ctx, int line, char *const *fields, size_t count);

/* Reads data[0..len) (path names it in errors). A whole-file problem (encoding, CSV syntax) is
 * ELG_EINPUT with the file and line. */
int elg_csv_read(const char *path, const char *data, size_t len, elg_csv_row_fn fn, void *ctx,
                 elg_csv_info *info, elg_error *err);

#endif
