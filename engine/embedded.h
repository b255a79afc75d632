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
/* The templates `eligo new` prints (schemas/templates/). */
extern const char elg_embed_financer_yaml[];
extern const unsigned long elg_embed_financer_yaml_len;
extern const char elg_embed_call_yaml[];
extern const unsigned long elg_embed_call_yaml_len;
extern const char elg_embed_project_yaml[];
extern const unsigned long elg_embed_project_yaml_len;
extern const char elg_embed_award_yaml[];
extern const unsigned long elg_embed_award_yaml_len;
extern const char elg_embed_rules_lua[];
extern const unsigned long elg_embed_rules_lua_len;

#endif
