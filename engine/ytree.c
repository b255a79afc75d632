/*
 * ytree: YAML document trees edited by field path (see ytree.h).
 */
#include "ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64 /* nesting copied; documents are refused deeper than this anyway */

/* Formats a message into a bounded buffer, truncating long user text
 * (paths) on purpose: messages are for people. */
static void say(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

yaml_node_t *elg_ytree_node(yaml_document_t *d, int id) {
    return id ? yaml_document_get_node(d, id) : NULL;
}

int elg_ytree_line(yaml_document_t *d, int id) {
    yaml_node_t *n = elg_ytree_node(d, id);
    return n ? (int)n->start_mark.line + 1 : 0;
}

/* The text of a scalar node, NULL for anything else. */
const char *elg_ytree_scalar(yaml_document_t *d, int id) {
    yaml_node_t *n = elg_ytree_node(d, id);
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The pair of `key` in mapping map, NULL when absent. */
yaml_node_pair_t *elg_ytree_pair(yaml_document_t *d, int map, const char *key) {
    yaml_node_t *m = elg_ytree_node(d, map);
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = elg_ytree_scalar(d, p->key);
        if (k && strcmp(k, key) == 0)
            return p;
    }
    return NULL;
}

int elg_ytree_get(yaml_document_t *d, int map, const char *key) {
    yaml_node_pair_t *p = elg_ytree_pair(d, map, key);
    return p ? p->value : 0;
}

size_t elg_ytree_len(yaml_document_t *d, int seq) {
    yaml_node_t *s = elg_ytree_node(d, seq);
    return (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
}

/* Copies node id of src (and what it holds) into dst; returns its id there, 0 on failure. */
static int elg_ytree_copy_at(yaml_document_t *dst, yaml_document_t *src, int id, int depth) {
    yaml_node_t *n = elg_ytree_node(src, id);
    if (!n || depth > MAX_DEPTH)
        return 0;
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return yaml_document_add_scalar(dst, n->tag, n->data.scalar.value,
                                        (int)n->data.scalar.length, n->data.scalar.style);
    case YAML_SEQUENCE_NODE: {
        int s = yaml_document_add_sequence(dst, n->tag, n->data.sequence.style);
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (size_t i = 0; s && i < count; i++) {
            int item = elg_ytree_node(src, id)->data.sequence.items.start[i];
            int c = elg_ytree_copy_at(dst, src, item, depth + 1);
            if (!c || !yaml_document_append_sequence_item(dst, s, c))
                return 0;
        }
        return s;
    }
    case YAML_MAPPING_NODE: {
        int m = yaml_document_add_mapping(dst, n->tag, n->data.mapping.style);
        size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        for (size_t i = 0; m && i < count; i++) {
            yaml_node_pair_t p = elg_ytree_node(src, id)->data.mapping.pairs.start[i];
            int k = elg_ytree_copy_at(dst, src, p.key, depth + 1);
            int v = k ? elg_ytree_copy_at(dst, src, p.value, depth + 1) : 0;
            if (!v || !yaml_document_append_mapping_pair(dst, m, k, v))
                return 0;
        }
        return m;
    }
    default:
        return 0;
    }
}

int elg_ytree_copy(yaml_document_t *dst, yaml_document_t *src, int id) {
    return elg_ytree_copy_at(dst, src, id, 0);
}

static int write_buf(void *data, unsigned char *buffer, size_t size) {
    FILE *f = data;
    return fwrite(buffer, 1, size, f) == size;
}

/* Writes the tree as YAML text (malloc'ed); the tree is consumed, as
 * yaml_emitter_dump always does. */
int elg_ytree_emit(yaml_document_t *doc, char **text, size_t *len) {
    yaml_emitter_t em;
    FILE *f = open_memstream(text, len);
    if (!f) {
        yaml_document_delete(doc);
        return -1;
    }
    int ok = yaml_emitter_initialize(&em);
    if (ok) {
        yaml_emitter_set_output(&em, write_buf, f);
        yaml_emitter_set_unicode(&em, 1);
        yaml_emitter_set_width(&em, -1);
        ok = yaml_emitter_open(&em) && yaml_emitter_dump(&em, doc) && yaml_emitter_close(&em) &&
             yaml_emitter_flush(&em);
        yaml_emitter_delete(&em);
    } else {
        yaml_document_delete(doc);
    }
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        free(*text);
        *text = NULL;
    }
    return ok ? 0 : -1;
}

/* ---- paths ("expenses[6].amount") ------------------------------------------------- */

typedef struct seg {
    char key[128]; /* "" for an index */
    long index;
} seg;

/* Parses a field path into at most max segments; returns the count, -1 when malformed. */
static int parse_path(const char *path, seg *segs, int max) {
    int n = 0;
    const char *s = path;
    while (*s) {
        if (n == max)
            return -1;
        seg *g = &segs[n++];
        g->key[0] = '\0';
        g->index = -1;
        if (*s == '[') {
            char *end;
            g->index = strtol(s + 1, &end, 10);
            if (end == s + 1 || *end != ']' || g->index < 0)
                return -1;
            s = end + 1;
        } else {
            size_t k = 0;
            while (*s && *s != '.' && *s != '[') {
                if (k + 1 >= sizeof g->key)
                    return -1;
                g->key[k++] = *s++;
            }
            g->key[k] = '\0';
            if (k == 0)
                return -1;
        }
        if (*s == '.') {
            s++;
            if (!*s || *s == '.' || *s == '[')
                return -1;
        } else if (*s && *s != '[') {
            return -1;
        }
    }
    return n;
}

#define MAX_SEGS 16

/* Where a path leads in a tree: the container and the slot in it. */
typedef struct slot {
    int container;          /* node id of the mapping or sequence */
    yaml_node_pair_t *pair; /* mapping: the pair, NULL when the key is absent */
    long index;             /* sequence: the index (may be == length) */
} slot;

/* Follows path in doc from root; on failure writes a French explanation in why. */
static int find_slot(yaml_document_t *d, int root, const char *path, slot *out, char *why,
                     size_t why_size) {
    seg segs[MAX_SEGS];
    int n = parse_path(path, segs, MAX_SEGS);
    if (n <= 0) {
        say(why, why_size, "chemin « %s » mal formé (exemple : expenses[6].amount)", path);
        return -1;
    }
    int cur = root;
    for (int i = 0; i < n; i++) {
        yaml_node_t *c = elg_ytree_node(d, cur);
        memset(out, 0, sizeof *out);
        out->container = cur;
        int last = i == n - 1;
        if (segs[i].key[0]) {
            if (!c || c->type != YAML_MAPPING_NODE) {
                say(why, why_size,
                    "« %s » : pas de champ %s ici (ce n'est pas un "
                    "ensemble de champs)",
                    path, segs[i].key);
                return -1;
            }
            out->pair = elg_ytree_pair(d, cur, segs[i].key);
            if (!out->pair && !last) {
                say(why, why_size, "« %s » : le champ %s n'existe pas", path, segs[i].key);
                return -1;
            }
            if (!last)
                cur = out->pair->value;
        } else {
            if (!c || c->type != YAML_SEQUENCE_NODE) {
                say(why, why_size, "« %s » : [%ld] s'applique à une liste", path, segs[i].index);
                return -1;
            }
            size_t len = elg_ytree_len(d, cur);
            out->index = segs[i].index;
            if ((size_t)segs[i].index > len || (!last && (size_t)segs[i].index == len)) {
                say(why, why_size,
                    "« %s » : la liste n'a que %zu élément(s) (indices 0 à "
                    "%zu ; [%zu] en ajoute un)",
                    path, len, len ? len - 1 : 0, len);
                return -1;
            }
            if (!last)
                cur = c->data.sequence.items.start[segs[i].index];
        }
    }
    return 0;
}

/* The node a path names, 0 when absent. */
int elg_ytree_find(yaml_document_t *d, int root, const char *path) {
    slot s;
    char why[8];
    if (!path[0])
        return root;
    if (find_slot(d, root, path, &s, why, sizeof why))
        return 0;
    if (elg_ytree_node(d, s.container)->type == YAML_MAPPING_NODE)
        return s.pair ? s.pair->value : 0;
    if ((size_t)s.index >= elg_ytree_len(d, s.container))
        return 0;
    return elg_ytree_node(d, s.container)->data.sequence.items.start[s.index];
}

/* Sets path to a copy of node value of src. */
int elg_ytree_set(yaml_document_t *d, int root, const char *path, yaml_document_t *src, int value,
                  char *why, size_t why_size) {
    slot s;
    if (find_slot(d, root, path, &s, why, why_size))
        return -1;
    int v = elg_ytree_copy(d, src, value);
    if (!v) {
        say(why, why_size, "mémoire insuffisante");
        return -1;
    }
    yaml_node_t *c = elg_ytree_node(d, s.container); /* after the copy: nodes may have moved */
    if (c->type == YAML_MAPPING_NODE) {
        const char *last = strrchr(path, '.');
        last = last ? last + 1 : path;
        yaml_node_pair_t *p = elg_ytree_pair(d, s.container, last);
        if (p) {
            p->value = v;
            return 0;
        }
        int k = yaml_document_add_scalar(d, NULL, (yaml_char_t *)last, -1, YAML_ANY_SCALAR_STYLE);
        if (!k || !yaml_document_append_mapping_pair(d, s.container, k, v)) {
            say(why, why_size, "mémoire insuffisante");
            return -1;
        }
        return 0;
    }
    if ((size_t)s.index == elg_ytree_len(d, s.container)) {
        if (!yaml_document_append_sequence_item(d, s.container, v)) {
            say(why, why_size, "mémoire insuffisante");
            return -1;
        }
        return 0;
    }
    c->data.sequence.items.start[s.index] = v;
    return 0;
}

int elg_ytree_remove(yaml_document_t *d, int root, const char *path, char *why, size_t why_size) {
    slot s;
    if (find_slot(d, root, path, &s, why, why_size))
        return -1;
    yaml_node_t *c = elg_ytree_node(d, s.container);
    if (c->type == YAML_MAPPING_NODE) {
        if (!s.pair) {
            say(why, why_size, "« %s » : ce champ n'existe pas", path);
            return -1;
        }
        memmove(s.pair, s.pair + 1,
                (size_t)(c->data.mapping.pairs.top - s.pair - 1) * sizeof *s.pair);
        c->data.mapping.pairs.top--;
        return 0;
    }
    size_t len = elg_ytree_len(d, s.container);
    if ((size_t)s.index >= len) {
        say(why, why_size, "« %s » : la liste n'a que %zu élément(s)", path, len);
        return -1;
    }
    yaml_node_item_t *it = c->data.sequence.items.start + s.index;
    memmove(it, it + 1, (len - (size_t)s.index - 1) * sizeof *it);
    c->data.sequence.items.top--;
    return 0;
}
