/*
 * rules_internal: what rules.c (documents <-> Lua) shares with eval.c (the
 * decision path). Not a public header: only those two include it.
 */
#ifndef ELG_RULES_INTERNAL_H
#define ELG_RULES_INTERNAL_H

#include <lua.h>

#include "decision.h"
#include "doc.h"
#include "rules.h"
#include "sandbox.h"

typedef struct compiled {
    char *path;
    int ref; /* compiled chunk in the registry */
} compiled;

struct elg_rules {
    elg_sandbox *sb;
    char *dir; /* for the directory loader, else NULL */
    compiled *chunks;
    size_t chunks_count, chunks_cap;
    int next_slot; /* numbers the (prepared call, edition) pairs for the prelude */
};

/* [-0, +1] The compiled chunk of a call's rule file, compiling it once.
 * Runs its own protected call: not from inside a protected function. */
int rules_push_chunk(elg_rules *r, const char *path, elg_error *err);

/* [-0, +1] The project as a plain table; resources carry their financer's
 * nature and whether it is public money. May raise (memory): call from a
 * protected function. */
void rules_push_project(lua_State *L, const elg_project *p, const elg_financer *const *financers,
                        size_t financers_count);
/* [-0, +1] The call as a plain table, with the edition in force. */
void rules_push_call(lua_State *L, const elg_call *c, const elg_edition *edition);
/* [-0, +0] Sets or clears call.requested (what p asks of this call) in the
 * call table at call_idx. */
void rules_set_requested(lua_State *L, int call_idx, const elg_call *c, const elg_project *p);
/* [-0, +1] name -> value, the edition's values over the base ones. */
void rules_push_params(lua_State *L, const elg_call *c, const elg_edition *edition);

/* Spends n bytes of *budget (NULL: no bound); false when it does not have
 * them. rules_over_output sets err to the "larger than the output limit"
 * error and returns ELG_ERULE. */
bool rules_spend(size_t *budget, size_t n);
int rules_over_output(elg_error *err);

/* [-0, +0] Converts the value at idx into *out, copied into a. Raw access
 * only (no metamethod runs). A float, a function, a table with keys that
 * are not text or nested deeper than 32 is ELG_ERULE with a message, and so
 * is a value larger than *budget bytes (texts count their length, every
 * other value 8 bytes; the budget is spent as the value is copied, so a
 * table holding the same large text a thousand times stops at once).
 * budget may be NULL (no bound). May raise on memory: call from a
 * protected function. */
int rules_to_value(lua_State *L, int idx, elg_arena *a, elg_value *out, int depth, size_t *budget,
                   elg_error *err);

#endif
