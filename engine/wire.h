/*
 * wire: length-prefixed fields in a byte buffer, the format in which
 * decisions cross from the process that makes them to the one that stores
 * them (engine/check.h, engine/pool.h).
 *
 * The one idea: a field is a 4-byte little-endian length and that many
 * bytes, followed by a NUL that the length does not count, so that a reader
 * hands out text in place, NUL-terminated, without copying or parsing it.
 * Numbers are fields too (8 bytes, little-endian). A reader never reads past
 * its end: a truncated or malformed buffer is an error, never a crash.
 */
#ifndef ELG_WIRE_H
#define ELG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "decision.h"
#include "error.h"

/* Appends one field (data may be NULL when len is 0) / a number. */
int elg_wire_put(elg_text *out, const void *data, size_t len, elg_error *err);
int elg_wire_put_str(elg_text *out, const char *s, elg_error *err); /* NULL: "" */
int elg_wire_put_u64(elg_text *out, uint64_t v, elg_error *err);
/* Appends bytes as they are: fields already encoded, or a message's frame. */
int elg_wire_put_raw(elg_text *out, const void *data, size_t len, elg_error *err);

typedef struct elg_wire_reader {
    const char *p, *end;
} elg_wire_reader;

/* Reads the next field: *data points into the buffer (NUL-terminated),
 * *len its length. ELG_ESTORE when the buffer ends early. */
int elg_wire_get(elg_wire_reader *r, const char **data, size_t *len, elg_error *err);
int elg_wire_get_u64(elg_wire_reader *r, uint64_t *v, elg_error *err);

#endif
