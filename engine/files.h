/*
 * files: reading whole files and listing the files below a directory, for
 * the commands that take "FILE|DIR..." (test files, call documents, rule
 * files).
 *
 * The one idea: listings are deterministic (name order, hidden entries
 * skipped, depth bounded) so that what runs, and in which order, does not
 * depend on the file system.
 *
 * Only regular files are read (symbolic links to them included): opening a
 * FIFO blocks until a writer comes and a device may never end, so a file
 * that is not regular is never opened. Read directly it is refused; met in a
 * directory, it is left out of the listing.
 */
#ifndef ELG_FILES_H
#define ELG_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Reads path into a malloc'ed NUL-terminated buffer; ELG_EINPUT when it is
 * larger than max bytes or not a regular file ("cannot read x.yaml: not a
 * regular file (a FIFO)"; it is not opened, so this never blocks),
 * ELG_ENOTFOUND when it does not exist, ELG_EIO when it cannot be read. */
int elg_files_read(const char *path, size_t max, char **data, size_t *len, elg_error *err);

/* elg_files_read of a path that a directory listing gave as a regular file
 * (elg_files_walk's listed_regular): the stat before opening is left out.
 * The descriptor is still opened with O_NONBLOCK and checked with fstat, so
 * a path replaced since the listing by a FIFO or a device is refused with
 * the same error, without blocking (only the listing's word stands between
 * the two, as stat did before). One system call and one path lookup less
 * per document of a large import. */
int elg_files_read_listed(const char *path, size_t max, char **data, size_t *len, elg_error *err);

/* path itself when it is not a directory, else every regular file below it
 * (recursively, in name order) whose name ends with one of suffixes
 * (NULL-terminated list); FIFOs, sockets and devices so named are left out.
 * *paths is a malloc'ed array of malloc'ed strings ("dir/sub/x.yaml"). */
int elg_files_list(const char *path, const char *const *suffixes, char ***paths, size_t *count,
                   elg_error *err);
void elg_files_list_free(char **paths, size_t count);

/* The same files in the same order, handed to fn as the walk finds them:
 * only the names of the directories being walked are held, never the whole
 * list. path is borrowed for the call; fn returning non-zero stops the walk
 * and that value is returned. */
typedef int (*elg_files_fn)(void *ctx, const char *path);
int elg_files_each(const char *path, const char *const *suffixes, elg_files_fn fn, void *ctx,
                   elg_error *err);

/* elg_files_each that also tells skip (may be NULL), as the walk meets it,
 * of every file below a directory left out for not being a regular file,
 * with what it is: "a FIFO", "a socket", "a character device", "a block
 * device", or "a symbolic link to " one of these. Both strings are borrowed
 * for the call. */
typedef void (*elg_files_skip_fn)(void *ctx, const char *path, const char *what);
/* listed_regular: the directory listing said path is a regular file (not
 * a link), so elg_files_read_listed may read it; false for path itself and
 * for entries the walk had to stat. */
typedef int (*elg_files_entry_fn)(void *ctx, const char *path, bool listed_regular);
int elg_files_walk(const char *path, const char *const *suffixes, elg_files_entry_fn fn,
                   elg_files_skip_fn skip, void *ctx, elg_error *err);

/* dir + "/" + rel (one slash), or rel itself when absolute or dir is empty; malloc'ed. */
char *elg_files_join(const char *dir, const char *rel);

#endif
