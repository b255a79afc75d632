/*
 * native: the rule library's common constructors evaluated in C.
 *
 * The one idea: a rule declared by one of the library's constructors
 * (balance, ceiling, earmark, rate_ceiling, applicants, territory, window)
 * is data: the constructor hands the engine a plain descriptor beside its
 * Lua check. When every rule of a prepared call has one, the engine decides
 * a project without entering Lua: it reads the project's C structure,
 * records the same facts in the same order, computes the same figures and
 * writes the same messages as the Lua check would. The Lua check stays the
 * reference: whenever the native code meets a case it does not reproduce
 * exactly (a missing field, an amount that overflows, a line an exclusive
 * earmark refuses, a name too long for its buffers), it says so and the whole project is decided in
 * Lua. ELIGO_NATIVE=0 turns the native path off; ELIGO_NATIVE=check decides every project both ways
 * and reports any difference as an engine error (the test suite runs so).
 */
#ifndef ELG_NATIVE_H
#define ELG_NATIVE_H

#include <lua.h>
#include <stdbool.h>

#include "arena.h"
#include "decision.h"
#include "doc.h"
#include "figures.h"

typedef struct elg_native elg_native;

/* How eval uses native rules (ELIGO_NATIVE): off, on (default), check. */
typedef enum elg_native_mode { ELG_NATIVE_OFF, ELG_NATIVE_ON, ELG_NATIVE_CHECK } elg_native_mode;
elg_native_mode elg_native_mode_get(void);

/*
 * Compiles the descriptor at stack index desc (a plain table built by the
 * prelude from a constructor's `native` field) and the facts read while
 * the rule was declared (a list of {path, value} at index declared) into
 * *out, allocated in a. Returns 0, or 1 when the descriptor is not one this
 * engine evaluates (the rule then runs in Lua). Raises only on memory:
 * call protected.
 */
int elg_native_compile(lua_State *L, int desc, int declared, elg_arena *a, elg_native **out);

typedef struct elg_native_input {
    const elg_project *project;
    const elg_call *call;
    const elg_edition *edition; /* NULL: base parameters */
    const elg_financer *const *financers;
    size_t financers_count;
} elg_native_input;

enum { ELG_NATIVE_DONE = 0, ELG_NATIVE_FALLBACK = 1, ELG_NATIVE_NOMEM = -1 };

/*
 * Evaluates rule n on in into x (status, message, figures, facts, missing;
 * the declaration fields are the caller's), with copies in a. A maximum
 * grantable amount the rule reports goes to *grant (*has_grant set).
 * ELG_NATIVE_FALLBACK: this project needs the Lua check (x is then
 * meaningless); ELG_NATIVE_NOMEM: out of memory.
 */
int elg_native_run(const elg_native *n, const elg_native_input *in, elg_arena *a,
                   elg_rule_result *x, elg_cents *grant, bool *has_grant);

#endif
