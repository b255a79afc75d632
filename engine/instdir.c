/*
 * instdir: the installed data files, found relative to the running binary
 * (see instdir.h).
 */
#define _GNU_SOURCE
#include "instdir.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

#ifndef ELIGO_RULES_FROM_BINDIR
#define ELIGO_RULES_FROM_BINDIR "../share/eligo/rules"
#endif
#ifndef ELIGO_RULES_FROM_LIBDIR
#define ELIGO_RULES_FROM_LIBDIR "../share/eligo/rules"
#endif

char *elg_instdir_program(void) {
    return realpath("/proc/self/exe", NULL);
}

char *elg_instdir_library(void) {
    Dl_info info;
    if (!dladdr((void *)elg_instdir_library, &info) || !info.dli_fname || !info.dli_fname[0])
        return NULL;
    /* For a program, dli_fname is argv[0] as run, possibly a bare name. */
    if (!strchr(info.dli_fname, '/'))
        return elg_instdir_program();
    return realpath(info.dli_fname, NULL);
}

char *elg_instdir_beside(const char *file, const char *rel) {
    const char *slash = strrchr(file, '/');
    if (!slash)
        return strdup(rel);
    size_t n = (size_t)(slash - file);
    /* Each leading "../" of rel takes the last component off the directory
     * (file is a resolved path: no symbolic link is skipped this way). */
    while (strncmp(rel, "../", 3) == 0) {
        while (n > 0 && file[n - 1] != '/')
            n--;
        while (n > 1 && file[n - 1] == '/')
            n--;
        if (n == 1 && file[0] == '/')
            n = 0;
        rel += 3;
    }
    char *dir = malloc(n + 2);
    if (!dir)
        return NULL;
    memcpy(dir, file, n);
    /* The directory is the root itself. */
    if (n == 0)
        dir[n++] = '/';
    dir[n] = '\0';
    char *out = elg_files_join(dir, rel);
    free(dir);
    return out;
}

int elg_instdir_has_rules(const char *dir) {
    char *init = elg_files_join(dir, "lib/init.lua");
    struct stat st;
    int ok = init && stat(init, &st) == 0 && S_ISREG(st.st_mode) && access(init, R_OK) == 0;
    free(init);
    return ok;
}

char *elg_instdir_rules(const char *binary, int from_bindir, char *tried, size_t tried_size) {
    if (tried && tried_size)
        tried[0] = '\0';
    if (!binary)
        return NULL;
    char *dir =
        elg_instdir_beside(binary, from_bindir ? ELIGO_RULES_FROM_BINDIR : ELIGO_RULES_FROM_LIBDIR);
    if (!dir)
        return NULL;
    /* Shown and kept without the "bin/.." detour. */
    char *clean = realpath(dir, NULL);
    if (clean && elg_instdir_has_rules(clean)) {
        free(dir);
        return clean;
    }
    if (tried && tried_size)
        snprintf(tried, tried_size, "%s", clean ? clean : dir);
    free(clean);
    free(dir);
    return NULL;
}
