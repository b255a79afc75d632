/*
 * files: reading whole files and listing the files below a directory, for
 * the commands that take "FILE|DIR..." (test files, call documents, rule
 * files).
 *
 * The one idea: listings are deterministic (name order, hidden entries
 * skipped, depth bounded) so that what runs, and in which order, does not
 * depend on the file system.
 */
#ifndef ELG_FILES_H
#define ELG_FILES_H

#include <stddef.h>

#include "error.h"

/* Reads path into a malloc'ed NUL-terminated buffer; ELG_EINPUT when it is
 * larger than max bytes, ELG_ENOTFOUND when it does not exist, ELG_EIO
 * when it cannot be read. */
int elg_files_read(const char *path, size_t max, char **data, size_t *len, elg_error *err);

/* path itself when it is a file, else every file below it (recursively, in
 * name order) whose name ends with one of suffixes (NULL-terminated list).
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

/* dir + "/" + rel (one slash), or rel itself when absolute or dir is empty; malloc'ed. */
char *elg_files_join(const char *dir, const char *rel);

#endif
