/*
 * arena: memory handed out in growing blocks and freed all at once.
 *
 * The one idea: a decision (or a decoded document) is made of many small
 * strings and arrays that all live exactly as long as it does; allocating
 * them from one arena costs a pointer bump each and one free for all.
 * Blocks never move, so pointers stay valid until elg_arena_free.
 */
#ifndef ELG_ARENA_H
#define ELG_ARENA_H

#include <stddef.h>

typedef struct elg_arena elg_arena;

/* A new, empty arena; NULL when out of memory. */
elg_arena *elg_arena_new(void);
/* Frees every block. NULL does nothing. */
void elg_arena_free(elg_arena *a);

/* n bytes aligned for any type, zeroed; NULL when out of memory (or n
 * overflows). n == 0 returns a valid unique pointer. */
void *elg_arena_alloc(elg_arena *a, size_t n);
/* An array of count elements of size bytes, zeroed; NULL on overflow or
 * out of memory. */
void *elg_arena_array(elg_arena *a, size_t count, size_t size);
/* A NUL-terminated copy of s[0..len); NULL when out of memory. */
char *elg_arena_strndup(elg_arena *a, const char *s, size_t len);
/* A copy of s (NULL gives NULL). */
char *elg_arena_strdup(elg_arena *a, const char *s);

#endif
