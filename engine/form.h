/*
 * form: the compact form of a project, so that a stored project can be
 * evaluated without parsing its YAML again.
 *
 * The one idea: a project is encoded once, when it is imported, as
 * MessagePack (packed by msgpack-c), and decoded in one pass over the bytes,
 * read in place, into a single allocation that holds the elg_project and
 * every string and array it points to. The
 * encoding is [format, arena bytes, project]: format is ELG_FORM_FORMAT, arena
 * bytes the size of that single allocation's payload (so the decoder allocates
 * once, up front), and the project and each record inside it (applicant,
 * expense, resource, application, declared aid) an array of its fields in the
 * order of doc.h, absent strings as nil. Every field of elg_project is kept:
 * decoding gives back what was encoded, field for field.
 *
 * The form is derived data: the verbatim YAML in the store stays the truth,
 * and a form can always be made again from it. When the layout changes,
 * ELG_FORM_FORMAT changes with it, the decoder refuses the formats it does not
 * know, and a store migration re-encodes the stored projects.
 *
 * A form read back from disk is not trusted: a truncated or corrupt buffer is
 * reported as ELG_ESTORE with what is wrong and where, never read past its end.
 */
#ifndef ELG_FORM_H
#define ELG_FORM_H

#include <stddef.h>

#include "doc.h"
#include "error.h"

/* The layout version written in every form. */
/* 2: a resource line's grant_reference and grant_date. */
#define ELG_FORM_FORMAT 2

/* Encodes every field of p into *buf, malloc'ed (the caller frees it with
 * free), of *len bytes. ELG_EUSAGE when a field that every project has (id,
 * title, an applicant's name...) is NULL; ELG_ENOMEM when out of memory. *buf
 * and *len are written only on success. */
int elg_form_encode_project(const elg_project *p, char **buf, size_t *len, elg_error *err);

/* A decoded project and the memory behind it. */
typedef struct elg_form_project elg_form_project;

/* Decodes buf[0..len), made by elg_form_encode_project, into *out (free with
 * elg_form_project_free). The input is only read during the call: the result
 * owns copies of every string. ELG_ESTORE with a message naming the field when
 * the buffer is truncated, corrupt or of another format; *out is then NULL. */
int elg_form_decode_project(const void *buf, size_t len, elg_form_project **out, elg_error *err);

/* The project, borrowed: valid until elg_form_project_free. */
const elg_project *elg_form_project_get(const elg_form_project *f);

/* Frees the project and everything it points to. NULL does nothing. */
void elg_form_project_free(elg_form_project *f);

#endif
