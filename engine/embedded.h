/*
 * embedded: text files compiled into the engine by cmake/embed.cmake.
 * Each is NUL-terminated; _len excludes the NUL.
 */
#ifndef ELG_EMBEDDED_H
#define ELG_EMBEDDED_H

extern const char elg_embed_store_sql[];
extern const unsigned long elg_embed_store_sql_len;
extern const char elg_embed_prelude_lua[];
extern const unsigned long elg_embed_prelude_lua_len;

#endif
