/*
 * strhash: a fast hash of short texts (fact paths, path shapes) for the
 * in-memory tables of one decision. Never stored nor compared across
 * processes, so it may change with the engine.
 *
 * Why not FNV-1a, byte by byte as before: a decision hashes some two hundred
 * paths of about twenty bytes (recording the facts, then writing the
 * record), and the byte loop was a twentieth of a worker's instructions.
 * This one takes eight bytes a step (a multiply and a shift), which is all
 * an open-addressing table of a few dozen entries needs.
 */
#ifndef ELG_STRHASH_H
#define ELG_STRHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t elg_strhash(const char *s, size_t len) {
    const uint64_t m = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)len * m;
    for (; len >= 8; s += 8, len -= 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        h = (h ^ x) * m;
        h ^= h >> 29;
    }
    if (len) {
        uint64_t x = 0;
        for (size_t i = 0; i < len; i++)
            x |= (uint64_t)(unsigned char)s[i] << (8 * i);
        h = (h ^ x) * m;
        h ^= h >> 29;
    }
    return h ^ (h >> 32);
}

#endif
