/*
 * eligo.h: the public C interface of libeligo, for programs that embed the
 * eligo rules engine (pkg-config --cflags --libs eligo).
 *
 * The one idea: a handle holds one store (an SQLite file) and one rule
 * library; documents are imported into the store, and evaluating a stored
 * project against its calls stores each decision and hands it back as its
 * JSON document (the data contract described in eligo(1) and README.md).
 * A handle is used by one thread at a time. Every function that can fail
 * returns one of the ELIGO_E* codes (the eligo program's exit codes) and
 * leaves a message, in the handle, that eligo_errmsg returns.
 */
#ifndef ELIGO_ELIGO_H
#define ELIGO_ELIGO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ELIGO_API __attribute__((visibility("default")))
#else
#define ELIGO_API
#endif

/* Return codes: the same numbers as the eligo program's exit codes. */
enum {
    ELIGO_OK = 0,
    ELIGO_EUSAGE = 2, /* a meaningless argument (NULL handle, empty id...) */
    ELIGO_EINPUT = 3, /* a malformed document, a missing file, an unknown id */
    ELIGO_ERULE = 4,  /* the rule library cannot load */
    ELIGO_ESTORE = 5  /* the store failed, or memory ran out */
};

/* The outcome of an evaluation: the worst of its decisions. */
typedef enum eligo_outcome {
    ELIGO_ELIGIBLE = 0,
    ELIGO_INELIGIBLE = 1,
    ELIGO_RULE_ERROR = 4, /* a rule failed to run: decision outcome "error" */
    ELIGO_INCOMPLETE = 6  /* facts a rule needs are absent, no rule fails: "incomplete" */
} eligo_outcome;

typedef struct eligo eligo;

/* The library's version, "0.1.0". */
ELIGO_API const char *eligo_version(void);

/*
 * Opens (creating it when needed) the store at db_path and the rule library
 * in rules_dir; rules_dir NULL means the library installed with libeligo
 * (pkg-config --variable=rulesdir eligo). *out is set whenever memory
 * allows, even on failure, so that eligo_errmsg can say why: close it in
 * every case.
 */
ELIGO_API int eligo_open(const char *db_path, const char *rules_dir, eligo **out);
ELIGO_API void eligo_close(eligo *e); /* NULL ok */

/* The message of the last failure on e ("" when none); valid until the
 * next call on e. */
ELIGO_API const char *eligo_errmsg(const eligo *e);

/* Imports financer, call and project documents (files, or directories
 * walked for *.yaml / *.yml), all or nothing. *stored (may be NULL)
 * receives the number of new document versions. */
ELIGO_API int eligo_import(eligo *e, const char *const *paths, size_t count, size_t *stored);

/*
 * Evaluates the latest version of stored project project_id against call_id,
 * or every call it applies to when call_id is NULL, and stores the
 * decisions. *outcome receives the worst outcome; *json (may be NULL) a
 * malloc'ed text of one decision JSON object per line, to free with
 * eligo_free.
 */
ELIGO_API int eligo_check(eligo *e, const char *project_id, const char *call_id,
                          eligo_outcome *outcome, char **json);

ELIGO_API void eligo_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
