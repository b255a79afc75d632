/*
 * ytree: a YAML document as a libyaml node tree (yaml_document_t), read
 * and edited by field path, and written back as YAML text.
 *
 * The one idea: paths are those of document error messages,
 * "expenses[6].amount" (0-based indices), so a rule test case can change
 * one field of a project or call document and the edited text is then
 * parsed by elg_doc_parse with every check a document gets. Nodes are
 * named by their id (an int, 0 for none): adding a node may move every
 * node of the tree, so node pointers are only valid until the next edit.
 */
#ifndef ELG_YTREE_H
#define ELG_YTREE_H

#include <stddef.h>
#include <yaml.h>

/* The node of id (NULL for 0). Valid until the tree changes. */
yaml_node_t *elg_ytree_node(yaml_document_t *d, int id);
/* Its 1-based line in the text it was read from (0 for a node added since). */
int elg_ytree_line(yaml_document_t *d, int id);
/* The text of a scalar node, NULL for any other node. Borrowed. */
const char *elg_ytree_scalar(yaml_document_t *d, int id);
/* The pair of key in mapping map (NULL when absent or map is not a mapping);
 * its value id, 0 when absent. */
yaml_node_pair_t *elg_ytree_pair(yaml_document_t *d, int map, const char *key);
int elg_ytree_get(yaml_document_t *d, int map, const char *key);
/* The length of sequence seq (which must be a sequence). */
size_t elg_ytree_len(yaml_document_t *d, int seq);

/* Copies node id of src, and what it holds, into dst; its id there, 0 on failure. */
int elg_ytree_copy(yaml_document_t *dst, yaml_document_t *src, int id);

/* The node path names below root ("" is root), 0 when absent. */
int elg_ytree_find(yaml_document_t *d, int root, const char *path);
/*
 * Sets path below root to a copy of node value of src. The last step may
 * name a mapping key that does not exist (added) or the index equal to a
 * sequence's length (appended). On failure returns -1 with a French
 * explanation in why ("la liste n'a que 7 élément(s)...").
 */
int elg_ytree_set(yaml_document_t *d, int root, const char *path, yaml_document_t *src, int value,
                  char *why, size_t why_size);
/* Removes the key or sequence item path names; -1 with why when absent. */
int elg_ytree_remove(yaml_document_t *d, int root, const char *path, char *why, size_t why_size);

/* Writes the tree as YAML text (malloc'ed, UTF-8, no line folding). The
 * tree is consumed on success and on failure, as yaml_emitter_dump does. */
int elg_ytree_emit(yaml_document_t *doc, char **text, size_t *len);

#endif
