/*
 * arena: bump allocation in blocks that double (see arena.h).
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_BLOCK 4096

typedef struct block {
    struct block *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
} block;

struct elg_arena {
    block *head;
};

elg_arena *elg_arena_new(void) {
    return calloc(1, sizeof(elg_arena));
}

void elg_arena_free(elg_arena *a) {
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *elg_arena_alloc(elg_arena *a, size_t n) {
    const size_t align = alignof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = (n + align - 1) & ~(align - 1);
    if (need == 0)
        need = align;
    block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = b ? b->size * 2 : FIRST_BLOCK;
        while (size < need)
            size *= 2;
        block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->next = b;
        nb->size = size;
        nb->used = 0;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need);
    return p;
}

void *elg_arena_array(elg_arena *a, size_t count, size_t size) {
    if (size && count > SIZE_MAX / 2 / size)
        return NULL;
    return elg_arena_alloc(a, count * size);
}

char *elg_arena_strndup(elg_arena *a, const char *s, size_t len) {
    if (len == SIZE_MAX)
        return NULL;
    char *p = elg_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *elg_arena_strdup(elg_arena *a, const char *s) {
    return s ? elg_arena_strndup(a, s, strlen(s)) : NULL;
}
