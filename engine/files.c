/*
 * files: whole-file reads and deterministic listings (see files.h).
 */
#define _GNU_SOURCE
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 16

int elg_files_read(const char *path, size_t max, char **data, size_t *len, elg_error *err) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    *data = NULL;
    *len = 0;
    if (!f)
        return elg_error_set(err, errno == ENOENT ? ELG_ENOTFOUND : ELG_EIO, "cannot read %s: %s",
                             path, strerror(errno));
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 16384;
            char *nb = realloc(buf, cap);
            if (!nb) {
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory reading %s", path);
                goto out;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            rc = elg_error_set(err, ELG_EINPUT, "%s is larger than %zu bytes", path, max);
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = elg_error_set(err, ELG_EIO, "error reading %s", path);
        goto out;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
out:
    fclose(f);
    free(buf);
    return rc;
}

char *elg_files_join(const char *dir, const char *rel) {
    char *out = NULL;
    size_t n = strlen(dir);
    if (rel[0] == '/' || n == 0)
        return strdup(rel);
    if (asprintf(&out, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel) < 0)
        return NULL;
    return out;
}

typedef struct list {
    char **v;
    size_t n, cap;
} list;

static int push(list *l, char *s) {
    if (!s)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            free(s);
            return -1;
        }
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *name, const char *const *suffixes) {
    size_t n = strlen(name);
    for (; *suffixes; suffixes++) {
        size_t m = strlen(*suffixes);
        if (n > m && strcmp(name + n - m, *suffixes) == 0)
            return 1;
    }
    return 0;
}

static int walk(const char *path, const char *const *suffixes, int depth, list *out,
                elg_error *err) {
    struct stat st;
    if (stat(path, &st) != 0)
        return elg_error_set(err, errno == ENOENT ? ELG_ENOTFOUND : ELG_EIO, "cannot read %s: %s",
                             path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return push(out, strdup(path)) ? elg_error_set(err, ELG_ENOMEM, "out of memory") : 0;
    if (depth > MAX_DEPTH)
        return elg_error_set(err, ELG_EINPUT, "%s: directories nested too deep", path);
    DIR *dir = opendir(path);
    if (!dir)
        return elg_error_set(err, ELG_EIO, "cannot open directory %s: %s", path, strerror(errno));
    list names = {0};
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)))
        if (e->d_name[0] != '.' && push(&names, strdup(e->d_name)))
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
    closedir(dir);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        char *full = elg_files_join(path, names.v[i]);
        if (!full) {
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
            break;
        }
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(full, suffixes, depth + 1, out, err);
        else if (has_suffix(names.v[i], suffixes)) {
            /* push owns full from here, success or not (it frees on failure). */
            if (push(out, full))
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
            full = NULL;
        }
        free(full);
    }
    elg_files_list_free(names.v, names.n);
    return rc;
}

int elg_files_list(const char *path, const char *const *suffixes, char ***paths, size_t *count,
                   elg_error *err) {
    list out = {0};
    int rc = walk(path, suffixes, 0, &out, err);
    if (rc) {
        elg_files_list_free(out.v, out.n);
        *paths = NULL;
        *count = 0;
        return rc;
    }
    *paths = out.v;
    *count = out.n;
    return 0;
}

void elg_files_list_free(char **paths, size_t count) {
    for (size_t i = 0; i < count; i++)
        free(paths[i]);
    free(paths);
}
