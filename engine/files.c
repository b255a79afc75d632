/*
 * files: whole-file reads and deterministic listings (see files.h).
 */
#define _GNU_SOURCE
#include "files.h"
#include "tr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 16

/* What a file that is not a regular file is, in the user's words, for the
 * messages (mode is what stat, which follows links, found at path). */
static const char *what_is(const char *path, mode_t mode) {
    struct stat l;
    int link = lstat(path, &l) == 0 && S_ISLNK(l.st_mode);

    if (S_ISFIFO(mode))
        return link ? elg_tr("a symbolic link to a FIFO") : elg_tr("a FIFO");
    if (S_ISSOCK(mode))
        return link ? elg_tr("a symbolic link to a socket") : elg_tr("a socket");
    if (S_ISCHR(mode))
        return link ? elg_tr("a symbolic link to a character device")
                    : elg_tr("a character device");
    if (S_ISBLK(mode))
        return link ? elg_tr("a symbolic link to a block device") : elg_tr("a block device");
    if (S_ISDIR(mode))
        return link ? elg_tr("a symbolic link to a directory") : elg_tr("a directory");
    return link ? elg_tr("a symbolic link to a special file") : elg_tr("a special file");
}

/* Opens path for reading only if it is a regular file. Opening a FIFO
 * blocks until a writer comes, reading a device may never end: stat says
 * what path is without opening it, and the descriptor is opened with
 * O_NONBLOCK and checked again with fstat, in case path was replaced in
 * between. The flag stays: regular files ignore it (open(2)). *size is the
 * file's size at the fstat, a hint for the buffer. */
static int open_regular(const char *path, bool listed, int *out, size_t *size, elg_error *err) {
    struct stat st;
    int fd;

    if (!listed && stat(path, &st) != 0)
        return elg_error_set(err, errno == ENOENT ? ELG_ENOTFOUND : ELG_EIO, "cannot read %s: %s",
                             path, elg_strerror(errno));
    if (!listed && !S_ISREG(st.st_mode))
        return elg_error_set(err, ELG_EINPUT, "cannot read %s: not a regular file (%s)", path,
                             what_is(path, st.st_mode));
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return elg_error_set(err, errno == ENOENT ? ELG_ENOTFOUND : ELG_EIO, "cannot read %s: %s",
                             path, elg_strerror(errno));
    if (fstat(fd, &st) != 0) {
        close(fd);
        return elg_error_set(err, ELG_EIO, "cannot read %s: %s", path, elg_strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return elg_error_set(err, ELG_EINPUT, "cannot read %s: not a regular file (%s)", path,
                             what_is(path, st.st_mode));
    }
    *out = fd;
    *size = st.st_size > 0 ? (size_t)st.st_size : 0;
    return 0;
}

/* The buffer starts at the size fstat gave, plus room to see the end of the
 * file in the same buffer; it doubles if the file grew since. Straight read(2)
 * calls: stdio's buffer would only copy the bytes once more. */
static int read_file(const char *path, bool listed, size_t max, char **data, size_t *len,
                     elg_error *err) {
    char *buf = NULL;
    size_t n = 0, cap = 0, size = 0;
    int fd = -1, rc;
    *data = NULL;
    *len = 0;
    rc = open_regular(path, listed, &fd, &size, err);
    if (rc)
        return rc;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t want = cap ? cap * 2 : (size < max ? size : max) + 4096 + 1;
            char *nb = realloc(buf, want);
            if (!nb) {
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory reading %s", path);
                goto out;
            }
            buf = nb;
            cap = want;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = elg_error_set(err, ELG_EIO, "error reading %s", path);
            goto out;
        }
        n += (size_t)got;
        if (n > max) {
            rc = elg_error_set(err, ELG_EINPUT, "%s is larger than %zu bytes", path, max);
            goto out;
        }
        if (got == 0)
            break;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
out:
    close(fd);
    free(buf);
    return rc;
}

int elg_files_read(const char *path, size_t max, char **data, size_t *len, elg_error *err) {
    return read_file(path, false, max, data, len, err);
}

int elg_files_read_listed(const char *path, size_t max, char **data, size_t *len, elg_error *err) {
    return read_file(path, true, max, data, len, err);
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

static int has_suffix(const char *name, const char *const *suffixes) {
    size_t n = strlen(name);
    for (; *suffixes; suffixes++) {
        size_t m = strlen(*suffixes);
        if (n > m && strcmp(name + n - m, *suffixes) == 0)
            return 1;
    }
    return 0;
}

/* The visible entries of one directory, sorted. The names sit end to end in
 * one buffer, addressed by offset, so that a directory of 100 000 files costs
 * little more than its names. Each name is preceded by the entry's d_type,
 * one byte. */
typedef struct names {
    char *text;  /* every name with its type before it and its NUL after */
    size_t *off; /* of each name in text, sorted by name */
    size_t n, used, cap, ncap;
} names;

static int cmp_name(const void *a, const void *b, void *text) {
    return strcmp((const char *)text + *(const size_t *)a, (const char *)text + *(const size_t *)b);
}

static int read_names(DIR *dir, names *out) {
    struct dirent *e;

    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name) + 1;
        if (e->d_name[0] == '.')
            continue;
        if (out->used + 1 + len > out->cap) {
            size_t cap = (out->used + 1 + len) * 2;
            char *text = realloc(out->text, cap);
            if (!text)
                return -1;
            out->text = text;
            out->cap = cap;
        }
        if (out->n == out->ncap) {
            size_t cap = out->ncap ? out->ncap * 2 : 32;
            size_t *off = realloc(out->off, cap * sizeof *off);
            if (!off)
                return -1;
            out->off = off;
            out->ncap = cap;
        }
        out->text[out->used++] = (char)e->d_type;
        memcpy(out->text + out->used, e->d_name, len);
        out->off[out->n++] = out->used;
        out->used += len;
    }
    if (out->n)
        qsort_r(out->off, out->n, sizeof *out->off, cmp_name, out->text);
    return 0;
}

static int walk(const char *path, const char *const *suffixes, int depth, elg_files_entry_fn fn,
                elg_files_skip_fn skip, void *ctx, elg_error *err) {
    struct stat st;
    if (stat(path, &st) != 0)
        return elg_error_set(err, errno == ENOENT ? ELG_ENOTFOUND : ELG_EIO, "cannot read %s: %s",
                             path, elg_strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fn(ctx, path, false); /* named by the caller: elg_files_read says what it is */
    if (depth > MAX_DEPTH)
        return elg_error_set(err, ELG_EINPUT, "%s: directories nested too deep", path);
    DIR *dir = opendir(path);
    if (!dir)
        return elg_error_set(err, ELG_EIO, "cannot open directory %s: %s", path,
                             elg_strerror(errno));
    names entries = {0};
    int rc = 0;
    if (read_names(dir, &entries))
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
    closedir(dir);
    for (size_t i = 0; i < entries.n && rc == 0; i++) {
        const char *name = entries.text + entries.off[i];
        char *full = elg_files_join(path, name);
        if (!full) {
            rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
            break;
        }
        /* stat never opens, so a FIFO or a device is seen for what it is
         * without blocking; an entry stat cannot see (a dangling link) goes
         * to fn, whose read then says why it cannot be read. An entry the
         * directory itself says is a regular file (not a link) needs no
         * stat: one system call less per document of a large import. */
        int regular = (unsigned char)entries.text[entries.off[i] - 1] == DT_REG;
        int seen = !regular && stat(full, &st) == 0;
        if (regular) {
            if (has_suffix(name, suffixes))
                rc = fn(ctx, full, true);
        } else if (seen && S_ISDIR(st.st_mode))
            rc = walk(full, suffixes, depth + 1, fn, skip, ctx, err);
        else if (has_suffix(name, suffixes)) {
            if (!seen || S_ISREG(st.st_mode))
                rc = fn(ctx, full, false);
            else if (skip)
                skip(ctx, full, what_is(full, st.st_mode));
        }
        free(full);
    }
    free(entries.off);
    free(entries.text);
    return rc;
}

int elg_files_walk(const char *path, const char *const *suffixes, elg_files_entry_fn fn,
                   elg_files_skip_fn skip, void *ctx, elg_error *err) {
    return walk(path, suffixes, 0, fn, skip, ctx, err);
}

typedef struct each_ctx {
    elg_files_fn fn;
    void *ctx;
} each_ctx;

static int each_entry(void *vctx, const char *path, bool listed_regular) {
    each_ctx *e = vctx;
    (void)listed_regular;
    return e->fn(e->ctx, path);
}

int elg_files_each(const char *path, const char *const *suffixes, elg_files_fn fn, void *ctx,
                   elg_error *err) {
    each_ctx e = {fn, ctx};
    return walk(path, suffixes, 0, each_entry, NULL, &e, err);
}

typedef struct list {
    char **v;
    size_t n, cap;
    elg_error *err;
} list;

static int push(void *ctx, const char *path, bool listed_regular) {
    list *l = ctx;
    (void)listed_regular;
    char *s = strdup(path);
    if (!s)
        return elg_error_set(l->err, ELG_ENOMEM, "out of memory");
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            free(s);
            return elg_error_set(l->err, ELG_ENOMEM, "out of memory");
        }
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

int elg_files_list(const char *path, const char *const *suffixes, char ***paths, size_t *count,
                   elg_error *err) {
    list out = {.err = err};
    int rc = walk(path, suffixes, 0, push, NULL, &out, err);
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
