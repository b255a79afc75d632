/*
 * luamsg: Lua's own error messages, in French.
 *
 * A rule that errs gets the message Lua gave ("rules/calls/x.lua:12:
 * attempt to index a nil value (field 'status')"); a rule file that does not
 * compile, the parser's ("'}' expected (to close '{' at line 1) near
 * 'rule'"). Lua 5.4 has no message catalogue, so its messages are matched
 * here against the patterns of its sources (ldebug.c, lvm.c, lauxlib.c,
 * lparser.c, llex.c and the libraries a rule may call) and rewritten in
 * French, the "source:line: " prefix kept as it is. A message that matches
 * no pattern (a rule author's own error text, or a Lua message this table
 * does not know) is left unchanged.
 */
#ifndef ELG_LUAMSG_H
#define ELG_LUAMSG_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the French of msg into out (size bytes) and returns true; false,
 * out left empty, when msg is not one of Lua's known messages, or its French
 * does not fit (keep msg then). Allocates nothing, so it may be called where
 * Lua can raise. */
bool elg_luamsg_french(const char *msg, char *out, size_t size);

/* A buffer that holds the French of any message it translates. */
#define ELG_LUAMSG_MAX 8192

#endif
