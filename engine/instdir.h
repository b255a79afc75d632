/*
 * instdir: where an installed eligo finds its data files. The rule library
 * is looked for relative to the binary that runs (the program through
 * /proc/self/exe, libeligo through dladdr), never through a path compiled in
 * from the source tree, so that an installation can be moved (cmake
 * --install --prefix, DESTDIR, a .deb) and a build tree works without
 * installing.
 *
 * The relative paths come from the build (ELIGO_RULES_FROM_BINDIR,
 * ELIGO_RULES_FROM_LIBDIR: "../share/eligo/rules" for the default layout).
 */
#ifndef ELG_INSTDIR_H
#define ELG_INSTDIR_H

#include <stddef.h>

/* The file of the running program (/proc/self/exe resolved); malloc'ed,
 * NULL when unknown. */
char *elg_instdir_program(void);

/* The file of the shared library (or program) holding this module: where
 * libeligo is installed; malloc'ed, NULL when unknown. */
char *elg_instdir_library(void);

/* The directory of file joined with rel, rel's leading "../" resolved
 * ("/usr/bin/eligo" and "../share/eligo/rules": "/usr/share/eligo/rules");
 * malloc'ed. */
char *elg_instdir_beside(const char *file, const char *rel);

/* Whether dir holds a rule library (dir/lib/init.lua is a readable file). */
int elg_instdir_has_rules(const char *dir);

/* The rule library relative to the file of a binary installed in the
 * binaries' directory (from_bindir = 1: the program) or the libraries'
 * (from_bindir = 0: libeligo), when it is there; malloc'ed, else NULL with
 * the path tried in tried (may be NULL). */
char *elg_instdir_rules(const char *binary, int from_bindir, char *tried, size_t tried_size);

#endif
