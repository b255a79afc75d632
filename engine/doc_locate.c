/*
 * doc_locate: where things stand in the YAML text, read with libyaml, and the errors that say
 * so (file:line:column and field path).
 *
 * Hand-written on libyaml's events because libcyaml has no API for positions: it is the
 * locator for errors, the reader of `kind:` and the diagnosis of what libcyaml reports only
 * as a code (syntax errors, aliases, complex keys, several documents). Nesting is followed
 * iteratively, never by recursion, so a hostile document cannot exhaust the stack. The
 * locator runs only on the error path.
 */
#include "doc_internal.h"
#include "tr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- field paths and errors ------------------------------------------------ */

size_t doc_bounded(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    if (size == 0)
        return 0;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)n < size ? (size_t)n : size - 1;
}

/* Records an error at a 1-based line:column (0 when unknown) and a field path. */
static int fail_v(parse_ctx *c, int code, int line, int column, const char *field, const char *fmt,
                  va_list ap) {
    elg_error_setv(c->err, code, fmt, ap);
    elg_error_at(c->err, c->name, line, column, field);
    return code;
}

int doc_fail_pos(parse_ctx *c, int line, int column, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_v(c, ELG_EINPUT, line, column, field, fmt, ap);
    va_end(ap);
    return ELG_EINPUT;
}

static int fail_mark(parse_ctx *c, yaml_mark_t mark, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_mark(parse_ctx *c, yaml_mark_t mark, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_v(c, ELG_EINPUT, (int)mark.line + 1, (int)mark.column + 1, field, fmt, ap);
    va_end(ap);
    return ELG_EINPUT;
}

int doc_nomem(parse_ctx *c) {
    elg_error_set(c->err, ELG_ENOMEM, "out of memory while reading the document");
    elg_error_at(c->err, c->name, 0, 0, NULL);
    return ELG_ENOMEM;
}

/* ---- libyaml scanning ----------------------------------------------------------- */

typedef struct yscan {
    yaml_parser_t parser;
    yaml_event_t event;
    bool have_event;
    bool too_deep; /* stopped at ELG_DOC_MAX_DEPTH, at deep_mark */
    yaml_mark_t deep_mark;
} yscan;

static bool yscan_open(yscan *s, const char *data, size_t len) {
    memset(s, 0, sizeof *s);
    if (!yaml_parser_initialize(&s->parser))
        return false;
    yaml_parser_set_input_string(&s->parser, (const unsigned char *)data, len);
    return true;
}

static void yscan_close(yscan *s) {
    if (s->have_event)
        yaml_event_delete(&s->event);
    yaml_parser_delete(&s->parser);
}

/* Replaces the current event with the next one; false on a parser error. */
static bool yscan_next(yscan *s) {
    if (s->have_event)
        yaml_event_delete(&s->event);
    s->have_event = yaml_parser_parse(&s->parser, &s->event) != 0;
    return s->have_event;
}

/* The current event starts a node: consumes the rest of it, up to its end event. Gives up
 * below ELG_DOC_MAX_DEPTH levels: libyaml's scanner spends time proportional to the flow
 * nesting on every token, so a 4 MiB "[[[[..." would take hours to skip. */
static bool yscan_skip(yscan *s) {
    size_t depth = 0;
    for (;;) {
        switch (s->event.type) {
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (++depth > ELG_DOC_MAX_DEPTH) {
                s->too_deep = true;
                s->deep_mark = s->event.start_mark;
                return false;
            }
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (depth == 0)
            return true;
        if (!yscan_next(s))
            return false;
    }
}

/* Moves to the root node of the first document; false on a parser error. */
static bool yscan_root(yscan *s) {
    do {
        if (!yscan_next(s))
            return false;
    } while (s->event.type == YAML_STREAM_START_EVENT ||
             s->event.type == YAML_DOCUMENT_START_EVENT);
    return true;
}

static bool scalar_is(const yaml_event_t *ev, const char *text, size_t len) {
    return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == len &&
           memcmp(ev->data.scalar.value, text, len) == 0;
}

static bool scalar_is_empty(const yaml_event_t *ev) {
    return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == 0 &&
           ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* libyaml's own words for the problems a person most often makes, in the
 * catalogue (po/fr.po) like eligo's; any other problem is shown as libyaml
 * says it. */
static const char *const yaml_problems[] = {
    ELG_N("control characters are not allowed"),
    ELG_N("invalid leading UTF-8 octet"),
    ELG_N("invalid trailing UTF-8 octet"),
    ELG_N("incomplete UTF-8 octet sequence"),
    ELG_N("invalid Unicode character"),
    ELG_N("found unexpected end of stream"),
    ELG_N("found character that cannot start any token"),
    ELG_N("mapping values are not allowed in this context"),
    ELG_N("did not find expected key"),
    ELG_N("did not find expected node content"),
    ELG_N("did not find expected '-' indicator"),
    ELG_N("did not find expected ',' or ']'"),
    ELG_N("did not find expected ',' or '}'"),
    ELG_N("could not find expected ':'"),
    ELG_N("found a tab character that violates indentation"),
    ELG_N("found unknown escape character"),
    ELG_N("while scanning a quoted scalar"),
    ELG_N("while scanning a simple key"),
    ELG_N("while scanning a plain scalar"),
    ELG_N("while parsing a block mapping"),
    ELG_N("while parsing a block collection"),
    ELG_N("while parsing a flow mapping"),
    ELG_N("while parsing a flow sequence"),
    ELG_N("while parsing a flow node"),
    ELG_N("while parsing a block node"),
    ELG_N("while scanning for the next token"),
    ELG_N("while scanning a directive"),
    ELG_N("while scanning an anchor"),
    ELG_N("while scanning an alias"),
    ELG_N("while scanning a tag"),
    ELG_N("while scanning a block scalar"),
    ELG_N("while parsing a node"),
    ELG_N("while parsing a tag"),
    ELG_N("block sequence entries are not allowed in this context"),
    ELG_N("mapping keys are not allowed in this context"),
    ELG_N("found unexpected document indicator"),
    ELG_N("did not find expected alphabetic or numeric character"),
    ELG_N("did not find expected whitespace or line break"),
    ELG_N("did not find expected comment or line break"),
    ELG_N("found undefined tag handle"),
    ELG_N("found an indentation indicator equal to 0"),
    ELG_N("found a tab character where an indentation space is expected"),
    ELG_N("did not find expected hexdecimal number"),
    ELG_N("found invalid Unicode character escape code"),
    ELG_N("found unexpected ':'"),
    ELG_N("did not find expected <document start>"),
    ELG_N("malformed YAML"),
};

static const char *yaml_words(const char *text) {
    for (size_t i = 0; text && i < sizeof yaml_problems / sizeof yaml_problems[0]; i++)
        if (strcmp(text, yaml_problems[i]) == 0)
            return elg_tr(text);
    return text;
}

/* What the user wrote, in the user's terms. */
static const char *event_noun(const yaml_event_t *ev) {
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return scalar_is_empty(ev) ? elg_tr("an empty value") : elg_tr("a text value");
    case YAML_SEQUENCE_START_EVENT:
        return elg_tr("a list");
    case YAML_MAPPING_START_EVENT:
        return elg_tr("a mapping");
    case YAML_ALIAS_EVENT:
        return elg_tr("an alias");
    default:
        return elg_tr("nothing");
    }
}

/* The byte at a libyaml mark (0-based line, column in characters), or 0 past the end. */
static char byte_at(const parse_ctx *c, yaml_mark_t mark) {
    size_t i = 0;
    for (size_t line = 0; line < mark.line && i < c->len; i++)
        if (c->data[i] == '\n')
            line++;
    for (size_t col = 0; i < c->len; i++) {
        if (((unsigned char)c->data[i] & 0xC0) != 0x80 && col++ == mark.column)
            return c->data[i];
    }
    return 0;
}

/* Reports a libyaml parser failure at the position libyaml gives. */
static int fail_parser(parse_ctx *c, const yaml_parser_t *p) {
    if (p->error == YAML_MEMORY_ERROR)
        return doc_nomem(c);
    if (p->error == YAML_READER_ERROR) {
        /* The reader gives a byte offset, not a mark; for a bad trailing octet it is the
         * offset of that octet, while people look for the character it should belong to. */
        size_t at = p->problem_offset < c->len ? p->problem_offset : c->len;
        const char *problem = p->problem ? p->problem : "unreadable input";
        bool utf8 = strstr(problem, "UTF-8") != NULL;
        for (int k = 0; utf8 && k < 3 && at > 0 && ((unsigned char)c->data[at - 1] & 0x80) &&
                        (at == c->len || ((unsigned char)c->data[at] & 0xC0) != 0xC0);
             k++)
            at--;
        int line = 1, column = 1;
        for (size_t i = 0; i < at; i++) {
            unsigned char ch = (unsigned char)c->data[i];
            if (ch == '\n') {
                line++;
                column = 1;
            } else if ((ch & 0xC0) != 0x80) {
                column++;
            }
        }
        return doc_fail_pos(c, line, column, "", "invalid text: %s%s", yaml_words(problem),
                            utf8 ? elg_tr(" (save the file as UTF-8)") : "");
    }
    const char *problem = yaml_words(p->problem ? p->problem : "malformed YAML");
    /* libyaml's message for a tab is about tokens; say what to do. */
    const char *hint =
        byte_at(c, p->problem_mark) == '\t' ? ELG_N("; indent with spaces, not tabs") : "";
    if (p->context)
        return fail_mark(c, p->problem_mark, "",
                         "syntax error: %s (%s started at line %d, column %d%s)", problem,
                         yaml_words(p->context), (int)p->context_mark.line + 1,
                         (int)p->context_mark.column + 1, *hint ? elg_tr(hint) : "");
    return fail_mark(c, p->problem_mark, "", "syntax error: %s%s", problem,
                     *hint ? elg_tr(" (indent with spaces, not tabs)") : "");
}

static int fail_too_deep(parse_ctx *c, yaml_mark_t mark) {
    return fail_mark(c, mark, "", "nesting too deep (the limit is %d levels)", ELG_DOC_MAX_DEPTH);
}

/* Reports why a scan stopped early. */
static int fail_scan(parse_ctx *c, const yscan *s) {
    return s->too_deep ? fail_too_deep(c, s->deep_mark) : fail_parser(c, &s->parser);
}

static void loc_set(doc_loc *loc, const yaml_event_t *ev) {
    loc->line = (int)ev->start_mark.line + 1;
    loc->column = (int)ev->start_mark.column + 1;
    loc->found = event_noun(ev);
}

bool doc_locate(const parse_ctx *c, const char *path, const char *key, int occurrence,
                doc_loc *loc) {
    yscan s;
    bool found = false;
    memset(loc, 0, sizeof *loc);
    if (!yscan_open(&s, c->data, c->len))
        return false;
    if (!yscan_root(&s))
        goto out;
    const char *p = path;
    while (*p) {
        if (*p == '.')
            p++;
        if (*p == '[') {
            char *end;
            unsigned long long want = strtoull(p + 1, &end, 10);
            if (*end != ']' || s.event.type != YAML_SEQUENCE_START_EVENT)
                goto out;
            p = end + 1;
            for (unsigned long long i = 0;; i++) {
                if (!yscan_next(&s) || s.event.type == YAML_SEQUENCE_END_EVENT)
                    goto out;
                if (i == want)
                    break;
                if (!yscan_skip(&s))
                    goto out;
            }
        } else {
            size_t n = strcspn(p, ".[");
            if (s.event.type != YAML_MAPPING_START_EVENT)
                goto out;
            for (;;) {
                if (!yscan_next(&s) || s.event.type == YAML_MAPPING_END_EVENT)
                    goto out;
                bool match = scalar_is(&s.event, p, n);
                if (!yscan_skip(&s) || !yscan_next(&s))
                    goto out;
                if (match)
                    break;
                if (!yscan_skip(&s))
                    goto out;
            }
            p += n;
        }
    }
    if (key) {
        size_t n = strlen(key);
        int seen = 0;
        if (s.event.type != YAML_MAPPING_START_EVENT)
            goto out;
        for (;;) {
            if (!yscan_next(&s) || s.event.type == YAML_MAPPING_END_EVENT)
                goto out;
            if (scalar_is(&s.event, key, n) && ++seen == occurrence) {
                loc_set(loc, &s.event);
                found = true;
                goto out;
            }
            if (!yscan_skip(&s) || !yscan_next(&s) || !yscan_skip(&s))
                goto out;
        }
    }
    loc_set(loc, &s.event);
    found = true;
out:
    yscan_close(&s);
    return found;
}

/* A value error: the message, at the position of the node at path (or of its key named key,
 * for errors about the key itself), with field as the path shown to the user. */
static int fail_at_v(parse_ctx *c, const char *field, const char *key, int occurrence,
                     const char *fmt, va_list ap) {
    doc_loc loc;
    doc_locate(c, field, key, occurrence, &loc);
    return fail_v(c, ELG_EINPUT, loc.line, loc.column, field, fmt, ap);
}

int doc_fail_at(parse_ctx *c, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at_v(c, field, NULL, 0, fmt, ap);
    va_end(ap);
    return ELG_EINPUT;
}

int doc_fail_at_key(parse_ctx *c, const char *field, const char *key, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at_v(c, field, key, 1, fmt, ap);
    va_end(ap);
    return ELG_EINPUT;
}

int doc_line_of(const parse_ctx *c, const char *path) {
    doc_loc loc;
    doc_locate(c, path, NULL, 0, &loc);
    return loc.line;
}

int elg_doc_locate(const char *name, const char *data, size_t len, const char *field, int *line,
                   int *column) {
    parse_ctx c = {.name = name ? name : "", .data = data ? data : "", .len = data ? len : 0};
    doc_loc loc = {0};
    bool found = field && doc_locate(&c, field, NULL, 0, &loc);
    if (line)
        *line = found ? loc.line : 0;
    if (column)
        *column = found ? loc.column : 0;
    return found ? 0 : ELG_ENOTFOUND;
}

/* ---- the kind ------------------------------------------------------------------- */

int doc_sniff_kind(parse_ctx *c, elg_doc_kind *kind) {
    yscan s;
    int rc = 0;
    if (!yscan_open(&s, c->data, c->len))
        return doc_nomem(c);
    if (!yscan_root(&s)) {
        rc = fail_scan(c, &s);
        goto out;
    }
    if (s.event.type == YAML_STREAM_END_EVENT || scalar_is_empty(&s.event)) {
        rc = doc_fail_pos(c, 0, 0, "", "empty document");
        goto out;
    }
    if (s.event.type == YAML_ALIAS_EVENT) {
        rc = fail_mark(c, s.event.start_mark, "", "YAML aliases are not allowed");
        goto out;
    }
    if (s.event.type != YAML_MAPPING_START_EVENT) {
        rc = fail_mark(c, s.event.start_mark, "",
                       "expected a mapping of fields (key: value), found %s", event_noun(&s.event));
        goto out;
    }
    yaml_mark_t root = s.event.start_mark;
    for (;;) {
        if (!yscan_next(&s)) {
            rc = fail_scan(c, &s);
            goto out;
        }
        if (s.event.type == YAML_MAPPING_END_EVENT) {
            rc = fail_mark(c, root, "",
                           "missing field \"kind\" (expected financer, call, project, award)");
            goto out;
        }
        bool is_kind = scalar_is(&s.event, "kind", 4);
        if (!yscan_skip(&s) || !yscan_next(&s)) {
            rc = fail_scan(c, &s);
            goto out;
        }
        if (is_kind)
            break;
        if (!yscan_skip(&s)) {
            rc = fail_scan(c, &s);
            goto out;
        }
    }
    if (s.event.type == YAML_ALIAS_EVENT) {
        rc = fail_mark(c, s.event.start_mark, "kind", "YAML aliases are not allowed");
        goto out;
    }
    if (s.event.type != YAML_SCALAR_EVENT) {
        rc = fail_mark(c, s.event.start_mark, "kind", "expected a text value, found %s",
                       event_noun(&s.event));
        goto out;
    }
    const char *text = (const char *)s.event.data.scalar.value;
    size_t n = s.event.data.scalar.length;
    for (int k = ELG_DOC_FINANCER; k <= ELG_DOC_AWARD; k++) {
        const char *name = elg_doc_kind_name((elg_doc_kind)k);
        if (scalar_is(&s.event, name, strlen(name))) {
            *kind = (elg_doc_kind)k;
            goto out;
        }
    }
    char shown[FIELD_MAX];
    doc_quote(shown, sizeof shown, text, n, 64);
    rc = fail_mark(c, s.event.start_mark, "kind",
                   "unknown kind \"%s\" (expected financer, call, project, award)", shown);
out:
    yscan_close(&s);
    return rc;
}

/* ---- the walker ------------------------------------------------------------------
 * Follows every event with a stack of the open mappings and sequences, so that it knows the
 * path of any node. */

typedef struct ywalk {
    yscan s;
    doc_frame *frames;
    size_t depth;
    size_t cap;
} ywalk;

void doc_frames_path(const doc_frame *frames, size_t depth, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < depth && n + 1 < size; i++) {
        const doc_frame *f = &frames[i];
        if (!f->is_map)
            n += doc_bounded(buf + n, size - n, "[%zu]", f->index);
        else if (!f->want_key && f->key)
            n += doc_bounded(buf + n, size - n, "%s%s", n ? "." : "", f->key);
    }
}

static void walk_path(const ywalk *w, char *buf, size_t size) {
    doc_frames_path(w->frames, w->depth, buf, size);
}

/* An entry or a value is complete: the parent moves to its next key or entry. */
static void walk_advance(ywalk *w) {
    if (w->depth == 0)
        return;
    doc_frame *f = &w->frames[w->depth - 1];
    if (f->is_map)
        f->want_key = true;
    else
        f->index++;
}

/* ---- tags ----------------------------------------------------------------------
 * libcyaml ignores tags, so "!!binary" or "!custom" would be stored as if they were not there,
 * with a meaning nobody checked. Only the standard tags of what these schemas hold pass. */

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* The tags each kind of node may carry, and how a message names them. */
static const char *const scalar_tags[] = {"str", "int", "float", "bool", "timestamp", NULL};
static const char *const mapping_tags[] = {"map", NULL};
static const char *const sequence_tags[] = {"seq", NULL};

/* The tag as people write it: "!!binary" for the standard prefix, else as it stands. */
static void tag_display(char *buf, size_t size, const char *tag) {
    size_t n = sizeof YAML_TAG_PREFIX - 1;
    if (strncmp(tag, YAML_TAG_PREFIX, n) == 0) {
        buf[0] = '!';
        buf[1] = '!';
        doc_quote(buf + 2, size - 2, tag + n, strlen(tag + n), 64);
    } else {
        doc_quote(buf, size, tag, strlen(tag), 64);
    }
}

static bool tag_in(const char *tag, const char *const *names) {
    size_t n = sizeof YAML_TAG_PREFIX - 1;
    if (strncmp(tag, YAML_TAG_PREFIX, n) != 0)
        return false;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(tag + n, names[i]) == 0)
            return true;
    return false;
}

/* Refuses the tag of a scalar, mapping or sequence event unless it is a standard one for that
 * kind of node, at the node, whose path the walk gives. */
static int check_tag(parse_ctx *c, const yaml_event_t *ev, const ywalk *w) {
    const char *tag = NULL, *where = "", *allowed = "";
    const char *const *names = NULL;
    if (ev->type == YAML_SCALAR_EVENT) {
        tag = (const char *)ev->data.scalar.tag;
        names = scalar_tags;
        where = elg_tr("a value");
        allowed = "!!str, !!int, !!float, !!bool, !!timestamp";
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        tag = (const char *)ev->data.mapping_start.tag;
        names = mapping_tags;
        where = elg_tr("a mapping");
        allowed = "!!map";
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        tag = (const char *)ev->data.sequence_start.tag;
        names = sequence_tags;
        where = elg_tr("a list");
        allowed = "!!seq";
    }
    if (!tag || tag_in(tag, names))
        return 0;
    char shown[FIELD_MAX], path[FIELD_MAX];
    tag_display(shown, sizeof shown, tag);
    walk_path(w, path, sizeof path);
    return fail_mark(c, ev->start_mark, path, "YAML tag \"%s\" not allowed on %s (only %s)", shown,
                     where, allowed);
}

/* A field name libcyaml accepted may still hold a NUL (it reads "name\0x" as "name") or another
 * character no text may hold: refused too, at the key. */
static int check_key(parse_ctx *c, const yaml_event_t *ev, const char *path) {
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    for (size_t i = 0; i < len;) {
        unsigned long cp;
        i += doc_utf8_next(text + i, len - i, &cp);
        if (doc_char_refused(cp) || cp == '\t' || cp == '\n')
            return fail_mark(c, ev->start_mark, path,
                             "control character U+%04lX not allowed in a field name", cp);
    }
    return 0;
}

/* ---- the walk ------------------------------------------------------------------ */

static int walk(parse_ctx *c, doc_key_fn on_key, doc_value_fn on_value, bool tags, void *ud) {
    ywalk w = {0};
    char path[FIELD_MAX];
    size_t documents = 0;
    int rc = 0;
    if (!yscan_open(&w.s, c->data, c->len))
        return doc_nomem(c);
    for (;;) {
        if (!yscan_next(&w.s)) {
            rc = fail_parser(c, &w.s.parser);
            goto out;
        }
        const yaml_event_t *ev = &w.s.event;
        doc_frame *top = w.depth ? &w.frames[w.depth - 1] : NULL;
        switch (ev->type) {
        case YAML_STREAM_END_EVENT:
            goto out;
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_NO_EVENT:
            continue;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                rc = fail_mark(c, ev->start_mark, "",
                               "a file holds one document: remove the second one");
                goto out;
            }
            continue;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            if (!top)
                continue;
            free(top->key);
            w.depth--;
            walk_advance(&w);
            continue;
        default:
            break;
        }
        if (top && top->is_map && top->want_key) {
            walk_path(&w, path, sizeof path);
            if (ev->type == YAML_ALIAS_EVENT) {
                rc = fail_mark(c, ev->start_mark, path, "YAML aliases are not allowed");
                goto out;
            }
            if (ev->type != YAML_SCALAR_EVENT) {
                rc = fail_mark(c, ev->start_mark, path,
                               "a field name must be a text value, found %s", event_noun(ev));
                goto out;
            }
            rc = tags ? check_key(c, ev, path) : 0;
            if (rc == 0 && tags)
                rc = check_tag(c, ev, &w);
            if (rc)
                goto out;
            free(top->key);
            top->key = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
            if (!top->key) {
                rc = doc_nomem(c);
                goto out;
            }
            top->want_key = false;
            if (on_key)
                on_key(w.frames, w.depth, top->key, ud);
            continue;
        }
        if (ev->type == YAML_ALIAS_EVENT) {
            walk_path(&w, path, sizeof path);
            rc = fail_mark(c, ev->start_mark, path, "YAML aliases are not allowed");
            goto out;
        }
        rc = tags ? check_tag(c, ev, &w) : 0;
        if (rc)
            goto out;
        if (ev->type == YAML_SCALAR_EVENT) {
            if (on_value) {
                doc_scalar value = {
                    .text = (const char *)ev->data.scalar.value,
                    .len = ev->data.scalar.length,
                    .line = (int)ev->start_mark.line + 1,
                    .column = (int)ev->start_mark.column + 1,
                };
                rc = on_value(c, w.frames, w.depth, &value, ud);
                if (rc)
                    goto out;
            }
            walk_advance(&w);
            continue;
        }
        if (w.depth == ELG_DOC_MAX_DEPTH) {
            rc = fail_too_deep(c, ev->start_mark);
            goto out;
        }
        if (w.depth == w.cap) {
            size_t cap = w.cap ? w.cap * 2 : 16;
            doc_frame *frames = realloc(w.frames, cap * sizeof *frames);
            if (!frames) {
                rc = doc_nomem(c);
                goto out;
            }
            w.frames = frames;
            w.cap = cap;
        }
        w.frames[w.depth++] =
            (doc_frame){.is_map = ev->type == YAML_MAPPING_START_EVENT, .want_key = true};
    }
out:
    for (size_t i = 0; i < w.depth; i++)
        free(w.frames[i].key);
    free(w.frames);
    yscan_close(&w.s);
    return rc;
}

int doc_walk(parse_ctx *c, doc_key_fn on_key, void *ud) {
    return walk(c, on_key, NULL, false, ud);
}

int doc_walk_values(parse_ctx *c, doc_key_fn on_key, doc_value_fn on_value, void *ud) {
    return walk(c, on_key, on_value, true, ud);
}
