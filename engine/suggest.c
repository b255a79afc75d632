/*
 * suggest: closest names for "did you mean" (see suggest.h).
 */
#include "suggest.h"

#include <string.h>

#define NAME_MAX_LEN 64

size_t elg_suggest_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > NAME_MAX_LEN || m > NAME_MAX_LEN)
        return 99;
    size_t d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m];
}

int elg_suggest_close(const char *name, size_t d) {
    return d < 3 && d * 2 < strlen(name);
}

const char *elg_suggest(const char *name, const char *const *candidates, size_t n) {
    const char *best = NULL;
    size_t best_d = 99;
    for (size_t i = 0; i < n; i++) {
        const char *s = candidates[i];
        if (!s)
            continue;
        if (strcmp(s, name) == 0)
            return NULL;
        size_t d = elg_suggest_distance(name, s);
        if (d < best_d && elg_suggest_close(name, d)) {
            best = s;
            best_d = d;
        }
    }
    return best;
}
