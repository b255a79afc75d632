/*
 * suggest: "did you mean" for names people type (document fields, enumerated values, rule
 * library helpers). The closest candidate by optimal string alignment distance
 * (Damerau-Levenshtein where no substring is edited twice), when it is close enough to be a
 * typo: at most 2 edits, and fewer than half the name's length, so that a short name is not
 * matched to anything. Pure functions, no allocation.
 */
#ifndef ELG_SUGGEST_H
#define ELG_SUGGEST_H

#include <stddef.h>

/* The edit distance between a and b; names longer than 64 bytes are 99 apart from anything. */
size_t elg_suggest_distance(const char *a, const char *b);

/* Whether a name at distance d from name is close enough to be suggested for it. */
int elg_suggest_close(const char *name, size_t d);

/* The candidate closest to name among candidates[0..n) (NULL entries skipped), or NULL when
 * none is close enough or name itself is one of them. Borrowed from candidates; the first of
 * equally close candidates wins. */
const char *elg_suggest(const char *name, const char *const *candidates, size_t n);

#endif
