/*
 * html: text made safe inside HTML, for every page eligo writes (the audit
 * page, the applicant's letter).
 *
 * The one idea: one escaping function, so that no page can let a document,
 * a rule message or a stored text become markup. It escapes the five
 * characters that matter in text and in quoted attribute values, and drops
 * NUL bytes; everything else (UTF-8 included) is written as it is.
 */
#ifndef ELG_HTML_H
#define ELG_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Writes s[0..n) to f HTML-escaped: & < > " ' as entities, NUL dropped. */
void elg_html_text(FILE *f, const char *s, size_t n);

#endif
