/*
 * doc: YAML documents (financer, call, project) turned into the typed model of doc.h.
 *
 * The one idea: the same bytes are read up to three times, each reader doing what it does
 * best. A libyaml scan reads the top-level `kind:` (and reports empty or non-mapping
 * documents); libcyaml loads the whole document against the strict schema of that kind into
 * "raw" structs made only of strings (unknown, missing or duplicate fields, wrong shapes);
 * this module then checks and converts the values (money, rates, dates, enumerations, ids)
 * into the public structs, which borrow their strings from the raw data. libcyaml says where
 * it failed only as a backtrace of the field path, and value checks know no position at all,
 * so every error goes through the locator, which walks the libyaml events once more to find
 * the line:column of a path. The locator runs only on the error path: a valid document costs
 * one partial scan and one load (plus one walk for calls with parameters, see mark_list_keys).
 *
 * Nothing here is global or static-mutable: libcyaml's log goes to a per-parse context, so
 * parsing is re-entrant.
 */
#include "doc.h"

#include <cyaml/cyaml.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Field paths are built from schema keys and indices only (a user's unknown key is at most
 * the last segment), and elg_error keeps 256 bytes of it: a bounded buffer is enough. */
#define FIELD_MAX 256

/* libcyaml logs one message, "Load: Backtrace:" and one line per nesting level; our schemas
 * nest six levels at most, so anything beyond this many lines is noise. */
#define LOG_MAX_LINES 64

/* snprintf for field paths and lists of names shown to people: they may be cut at the buffer's
 * size, as elg_error cuts them anyway. Returns the length written. */
static size_t bounded(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t bounded(char *buf, size_t size, const char *fmt, ...) {
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

/* ---- names -------------------------------------------------------------- */

static const char *const kind_names[] = {NULL, "financer", "call", "project"};
static const char *const nature_names[] = {
    NULL, "eu", "state", "local-authority", "social-security", "private", "self"};
static const char *const param_type_names[] = {NULL,   "money", "rate", "integer",
                                               "text", "date",  "list", "bool"};
static const char *const category_names[] = {NULL,     "staff",    "services", "equipment",
                                             "travel", "indirect", "other"};
static const char *const status_names[] = {NULL, "requested", "granted"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *table_name(const char *const *table, size_t n, int value) {
    return value > 0 && (size_t)value < n ? table[value] : NULL;
}

static int table_find(const char *const *table, size_t n, const char *text) {
    for (size_t i = 1; i < n; i++)
        if (strcmp(table[i], text) == 0)
            return (int)i;
    return 0;
}

const char *elg_doc_kind_name(elg_doc_kind kind) {
    return table_name(kind_names, COUNT(kind_names), (int)kind);
}

const char *elg_nature_name(elg_nature n) {
    return table_name(nature_names, COUNT(nature_names), (int)n);
}

bool elg_nature_is_public(elg_nature n) {
    return n == ELG_NATURE_EU || n == ELG_NATURE_STATE || n == ELG_NATURE_LOCAL_AUTHORITY ||
           n == ELG_NATURE_SOCIAL_SECURITY;
}

const char *elg_param_type_name(elg_param_type t) {
    return table_name(param_type_names, COUNT(param_type_names), (int)t);
}

const char *elg_category_name(elg_category c) {
    return table_name(category_names, COUNT(category_names), (int)c);
}

int elg_category_from_name(const char *name) {
    return name ? table_find(category_names, COUNT(category_names), name) : 0;
}

/* ---- dates --------------------------------------------------------------- */

static bool is_digit(char ch) {
    return ch >= '0' && ch <= '9';
}

bool elg_doc_date_valid(const char *date) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(date[i]))
            return false;
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    int m = (date[5] - '0') * 10 + (date[6] - '0');
    int d = (date[8] - '0') * 10 + (date[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

/* ---- raw documents, as libcyaml loads them -------------------------------- */

/* Every scalar is read as a string: money, dates and enumerations are checked by this module,
 * which can then name the value and its line in the user's terms. */
typedef struct raw_param {
    char *name;
    char *money;
    char *rate;
    char *integer;
    char *text;
    char *date;
    char **list;
    unsigned list_count;
    char *boolean;
    char *source;
    /* Not in the schema: set by mark_list_keys, because libcyaml loads `list: []` as a NULL
     * pointer, the same as no `list` at all. */
    bool list_key;
} raw_param;

typedef struct raw_edition {
    char *name;
    char *from;
    raw_param *parameters;
    unsigned parameters_count;
} raw_edition;

typedef struct raw_financer {
    char *kind;
    char *id;
    char *name;
    char *nature;
} raw_financer;

typedef struct raw_call {
    char *kind;
    char *id;
    char *title;
    char *financer;
    char *basis;
    char *basis_ref;
    char *opens;
    char *closes;
    char *envelope;
    char *rules;
    raw_param *parameters;
    unsigned parameters_count;
    raw_edition *editions;
    unsigned editions_count;
} raw_call;

typedef struct raw_applicant {
    char *name;
    char *status;
    char *siret;
    char *rna;
    char *commune;
    char *share;
    char **approvals;
    unsigned approvals_count;
} raw_applicant;

typedef struct raw_period {
    char *start;
    char *end;
} raw_period;

typedef struct raw_expense {
    char *category;
    char *label;
    char *amount;
    char *action;
} raw_expense;

typedef struct raw_resource {
    char *financer;
    char *amount;
    char *status;
    char *label;
    char *earmark;
    char *action;
} raw_resource;

typedef struct raw_aid {
    char *date;
    char *amount;
    char *source;
} raw_aid;

typedef struct raw_application {
    char *call;
    char *requested;
} raw_application;

typedef struct raw_project {
    char *kind;
    char *id;
    char *title;
    char *owner_status;
    raw_applicant *applicants;
    unsigned applicants_count;
    char **territory;
    unsigned territory_count;
    raw_period period;
    char *submitted;
    char **themes;
    unsigned themes_count;
    raw_expense *expenses;
    unsigned expenses_count;
    raw_resource *resources;
    unsigned resources_count;
    raw_application *applies_to;
    unsigned applies_to_count;
    raw_aid *de_minimis;
    unsigned de_minimis_count;
} raw_project;

/* ---- schemas ---------------------------------------------------------------
 * Keep in step with schemas/<kind>.schema.json. */

#define REQ CYAML_FLAG_POINTER
#define OPT (CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)
#define STR(key, flags, type, member)                                                              \
    CYAML_FIELD_STRING_PTR(key, flags, type, member, 0, CYAML_UNLIMITED)
#define SEQ(key, flags, type, member, entry)                                                       \
    CYAML_FIELD_SEQUENCE(key, flags, type, member, entry, 0, CYAML_UNLIMITED)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t financer_fields[] = {
    STR("kind", REQ, raw_financer, kind),
    STR("id", REQ, raw_financer, id),
    STR("name", REQ, raw_financer, name),
    STR("nature", REQ, raw_financer, nature),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t financer_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, raw_financer, financer_fields),
};

static const cyaml_schema_field_t param_fields[] = {
    STR("name", REQ, raw_param, name),
    STR("money", OPT, raw_param, money),
    STR("rate", OPT, raw_param, rate),
    STR("integer", OPT, raw_param, integer),
    STR("text", OPT, raw_param, text),
    STR("date", OPT, raw_param, date),
    SEQ("list", OPT, raw_param, list, &string_entry),
    STR("bool", OPT, raw_param, boolean),
    STR("source", OPT, raw_param, source),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t param_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_param, param_fields),
};

static const cyaml_schema_field_t edition_fields[] = {
    STR("name", REQ, raw_edition, name),
    STR("from", REQ, raw_edition, from),
    SEQ("parameters", REQ, raw_edition, parameters, &param_entry),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t edition_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_edition, edition_fields),
};

static const cyaml_schema_field_t call_fields[] = {
    STR("kind", REQ, raw_call, kind),
    STR("id", REQ, raw_call, id),
    STR("title", REQ, raw_call, title),
    STR("financer", REQ, raw_call, financer),
    STR("basis", REQ, raw_call, basis),
    STR("basis_ref", OPT, raw_call, basis_ref),
    STR("opens", OPT, raw_call, opens),
    STR("closes", OPT, raw_call, closes),
    STR("envelope", OPT, raw_call, envelope),
    STR("rules", REQ, raw_call, rules),
    SEQ("parameters", OPT, raw_call, parameters, &param_entry),
    SEQ("editions", OPT, raw_call, editions, &edition_entry),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t call_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, raw_call, call_fields),
};

static const cyaml_schema_field_t applicant_fields[] = {
    STR("name", REQ, raw_applicant, name),
    STR("status", REQ, raw_applicant, status),
    STR("siret", OPT, raw_applicant, siret),
    STR("rna", OPT, raw_applicant, rna),
    STR("commune", OPT, raw_applicant, commune),
    STR("share", OPT, raw_applicant, share),
    SEQ("approvals", OPT, raw_applicant, approvals, &string_entry),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t applicant_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_applicant, applicant_fields),
};

static const cyaml_schema_field_t period_fields[] = {
    STR("start", REQ, raw_period, start),
    STR("end", REQ, raw_period, end),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t expense_fields[] = {
    STR("category", REQ, raw_expense, category),
    STR("label", REQ, raw_expense, label),
    STR("amount", REQ, raw_expense, amount),
    STR("action", OPT, raw_expense, action),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t expense_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_expense, expense_fields),
};

static const cyaml_schema_field_t resource_fields[] = {
    STR("financer", REQ, raw_resource, financer),
    STR("amount", REQ, raw_resource, amount),
    STR("status", OPT, raw_resource, status),
    STR("label", OPT, raw_resource, label),
    STR("earmark", OPT, raw_resource, earmark),
    STR("action", OPT, raw_resource, action),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t resource_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_resource, resource_fields),
};

static const cyaml_schema_field_t application_fields[] = {
    STR("call", REQ, raw_application, call),
    STR("requested", REQ, raw_application, requested),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t application_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_application, application_fields),
};

static const cyaml_schema_field_t aid_fields[] = {
    STR("date", REQ, raw_aid, date),
    STR("amount", REQ, raw_aid, amount),
    STR("source", OPT, raw_aid, source),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t aid_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_aid, aid_fields),
};

static const cyaml_schema_field_t project_fields[] = {
    STR("kind", REQ, raw_project, kind),
    STR("id", REQ, raw_project, id),
    STR("title", REQ, raw_project, title),
    STR("owner_status", OPT, raw_project, owner_status),
    SEQ("applicants", REQ, raw_project, applicants, &applicant_entry),
    SEQ("territory", OPT, raw_project, territory, &string_entry),
    CYAML_FIELD_MAPPING("period", CYAML_FLAG_DEFAULT, raw_project, period, period_fields),
    STR("submitted", OPT, raw_project, submitted),
    SEQ("themes", OPT, raw_project, themes, &string_entry),
    SEQ("expenses", REQ, raw_project, expenses, &expense_entry),
    SEQ("resources", REQ, raw_project, resources, &resource_entry),
    SEQ("applies_to", REQ, raw_project, applies_to, &application_entry),
    SEQ("de_minimis", OPT, raw_project, de_minimis, &aid_entry),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t project_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, raw_project, project_fields),
};

/* libcyaml needs a configuration to free what it loaded; freeing logs nothing we need. */
static const cyaml_config_t free_config = {
    .log_fn = NULL,
    .mem_fn = cyaml_mem,
    .log_level = CYAML_LOG_ERROR,
    .flags = CYAML_CFG_NO_ALIAS,
};

/* ---- the document --------------------------------------------------------- */

struct elg_doc {
    elg_doc_kind kind;
    const cyaml_schema_value_t *schema; /* of raw, to free it */
    void *raw;                          /* owns every string the public structs point to */
    union {
        elg_financer financer;
        elg_call call;
        elg_project project;
    } as;
};

void elg_doc_free(elg_doc *doc) {
    if (!doc)
        return;
    switch (doc->kind) {
    case ELG_DOC_CALL:
        free(doc->as.call.params);
        for (size_t i = 0; i < doc->as.call.editions_count; i++)
            free(doc->as.call.editions[i].params);
        free(doc->as.call.editions);
        break;
    case ELG_DOC_PROJECT:
        free(doc->as.project.applicants);
        free(doc->as.project.expenses);
        free(doc->as.project.resources);
        free(doc->as.project.applies_to);
        free(doc->as.project.de_minimis);
        break;
    case ELG_DOC_FINANCER:
        break;
    }
    if (doc->raw)
        cyaml_free(&free_config, doc->schema, doc->raw, 0);
    free(doc);
}

elg_doc_kind elg_doc_kind_of(const elg_doc *doc) {
    return doc ? doc->kind : (elg_doc_kind)0;
}

const char *elg_doc_id(const elg_doc *doc) {
    if (!doc)
        return NULL;
    switch (doc->kind) {
    case ELG_DOC_FINANCER:
        return doc->as.financer.id;
    case ELG_DOC_CALL:
        return doc->as.call.id;
    case ELG_DOC_PROJECT:
        return doc->as.project.id;
    }
    return NULL;
}

const elg_financer *elg_doc_financer(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_FINANCER ? &doc->as.financer : NULL;
}

const elg_call *elg_doc_call(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_CALL ? &doc->as.call : NULL;
}

const elg_project *elg_doc_project(const elg_doc *doc) {
    return doc && doc->kind == ELG_DOC_PROJECT ? &doc->as.project : NULL;
}

/* ---- editions and parameters ------------------------------------------------ */

const elg_edition *elg_call_edition_at(const elg_call *call, const char *date) {
    if (!call || !date)
        return NULL;
    const elg_edition *found = NULL;
    /* Editions are sorted by `from`, and YYYY-MM-DD strings order like the dates. */
    for (size_t i = 0; i < call->editions_count; i++) {
        if (strcmp(call->editions[i].from, date) > 0)
            break;
        found = &call->editions[i];
    }
    return found;
}

static const elg_param *param_in(const elg_param *params, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(params[i].name, name) == 0)
            return &params[i];
    return NULL;
}

const elg_param *elg_call_param(const elg_call *call, const elg_edition *edition,
                                const char *name) {
    if (!call || !name)
        return NULL;
    const elg_param *p = edition ? param_in(edition->params, edition->params_count, name) : NULL;
    return p ? p : param_in(call->params, call->params_count, name);
}

/* ---- parse context and errors ------------------------------------------------ */

typedef struct parse_ctx {
    const char *name; /* for messages */
    const char *data;
    size_t len;
    elg_error *err;
} parse_ctx;

/* Records an error at a 1-based line:column (0 when unknown) and a field path. */
static int fail_v(parse_ctx *c, int code, int line, int column, const char *field, const char *fmt,
                  va_list ap) {
    elg_error_setv(c->err, code, fmt, ap);
    elg_error_at(c->err, c->name, line, column, field);
    return code;
}

static int fail_pos(parse_ctx *c, int line, int column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_pos(parse_ctx *c, int line, int column, const char *field, const char *fmt, ...) {
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

static int nomem(parse_ctx *c) {
    elg_error_set(c->err, ELG_ENOMEM, "out of memory while reading the document");
    elg_error_at(c->err, c->name, 0, 0, NULL);
    return ELG_ENOMEM;
}

/* ---- libyaml scanning -----------------------------------------------------------
 * Hand-written on libyaml's events because libcyaml has no API for positions: it is the
 * locator for errors, the reader of `kind:` and the diagnosis of what libcyaml reports only
 * as a code (syntax errors, aliases, complex keys, several documents). Nesting is followed
 * iteratively, never by recursion, so a hostile document cannot exhaust the stack. */

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

/* What the user wrote, in the user's terms. */
static const char *node_noun(yaml_event_type_t type, bool empty) {
    switch (type) {
    case YAML_SCALAR_EVENT:
        return empty ? "an empty value" : "a text value";
    case YAML_SEQUENCE_START_EVENT:
        return "a list";
    case YAML_MAPPING_START_EVENT:
        return "a mapping";
    case YAML_ALIAS_EVENT:
        return "an alias";
    default:
        return "nothing";
    }
}

static const char *event_noun(const yaml_event_t *ev) {
    return node_noun(ev->type, scalar_is_empty(ev));
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
        return nomem(c);
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
        return fail_pos(c, line, column, "", "invalid text: %s%s", problem,
                        utf8 ? " (save the file as UTF-8)" : "");
    }
    const char *problem = p->problem ? p->problem : "malformed YAML";
    /* libyaml's message for a tab is about tokens; say what to do. */
    const char *hint = byte_at(c, p->problem_mark) == '\t' ? "; indent with spaces, not tabs" : "";
    if (p->context)
        return fail_mark(c, p->problem_mark, "",
                         "syntax error: %s (%s started at line %d, column %d%s)", problem,
                         p->context, (int)p->context_mark.line + 1, (int)p->context_mark.column + 1,
                         hint);
    return fail_mark(c, p->problem_mark, "", "syntax error: %s%s", problem,
                     *hint ? " (indent with spaces, not tabs)" : "");
}

static int fail_too_deep(parse_ctx *c, yaml_mark_t mark) {
    return fail_mark(c, mark, "", "nesting too deep (the limit is %d levels)", ELG_DOC_MAX_DEPTH);
}

/* Reports why a scan stopped early. */
static int fail_scan(parse_ctx *c, const yscan *s) {
    return s->too_deep ? fail_too_deep(c, s->deep_mark) : fail_parser(c, &s->parser);
}

/* Where a path points. */
typedef struct yloc {
    int line;   /* 1-based, 0 when not found */
    int column; /* 1-based */
    yaml_event_type_t type;
    bool empty; /* a plain empty scalar: `field:` with nothing after it */
} yloc;

static void yloc_set(yloc *loc, const yaml_event_t *ev) {
    loc->line = (int)ev->start_mark.line + 1;
    loc->column = (int)ev->start_mark.column + 1;
    loc->type = ev->type;
    loc->empty = scalar_is_empty(ev);
}

/*
 * Finds the node at path ("expenses[2].amount", "" for the root). With key, finds instead
 * the occurrence-th key named key (1 = first) in the mapping at path and returns the key's
 * own position. Returns false, loc->line 0, when the path is not in the document.
 */
static bool locate(const parse_ctx *c, const char *path, const char *key, int occurrence,
                   yloc *loc) {
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
                yloc_set(loc, &s.event);
                found = true;
                goto out;
            }
            if (!yscan_skip(&s) || !yscan_next(&s) || !yscan_skip(&s))
                goto out;
        }
    }
    yloc_set(loc, &s.event);
    found = true;
out:
    yscan_close(&s);
    return found;
}

/* A value error: the message, at the position of the node at path (or of its key named key,
 * for errors about the key itself), with field as the path shown to the user. */
static int fail_at_v(parse_ctx *c, const char *field, const char *key, int occurrence,
                     const char *fmt, va_list ap) {
    yloc loc;
    locate(c, field, key, occurrence, &loc);
    return fail_v(c, ELG_EINPUT, loc.line, loc.column, field, fmt, ap);
}

static int fail_at(parse_ctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(parse_ctx *c, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at_v(c, field, NULL, 0, fmt, ap);
    va_end(ap);
    return ELG_EINPUT;
}

static int fail_at_key(parse_ctx *c, const char *field, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at_key(parse_ctx *c, const char *field, const char *key, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_at_v(c, field, key, 1, fmt, ap);
    va_end(ap);
    return ELG_EINPUT;
}

static int line_of(const parse_ctx *c, const char *path) {
    yloc loc;
    locate(c, path, NULL, 0, &loc);
    return loc.line;
}

int elg_doc_locate(const char *name, const char *data, size_t len, const char *field, int *line,
                   int *column) {
    parse_ctx c = {.name = name ? name : "", .data = data ? data : "", .len = data ? len : 0};
    yloc loc = {0};
    bool found = field && locate(&c, field, NULL, 0, &loc);
    if (line)
        *line = found ? loc.line : 0;
    if (column)
        *column = found ? loc.column : 0;
    return found ? 0 : ELG_ENOTFOUND;
}

/* ---- the kind ------------------------------------------------------------------- */

/* Reads the top-level `kind:` without loading the document, which libcyaml cannot do without
 * knowing the schema. Also the place where empty and non-mapping documents are reported. */
static int sniff_kind(parse_ctx *c, elg_doc_kind *kind) {
    yscan s;
    int rc = 0;
    if (!yscan_open(&s, c->data, c->len))
        return nomem(c);
    if (!yscan_root(&s)) {
        rc = fail_scan(c, &s);
        goto out;
    }
    if (s.event.type == YAML_STREAM_END_EVENT || scalar_is_empty(&s.event)) {
        rc = fail_pos(c, 0, 0, "", "empty document");
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
            rc =
                fail_mark(c, root, "", "missing field \"kind\" (expected financer, call, project)");
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
    for (int k = ELG_DOC_FINANCER; k <= ELG_DOC_PROJECT; k++) {
        if (scalar_is(&s.event, kind_names[k], strlen(kind_names[k]))) {
            *kind = (elg_doc_kind)k;
            goto out;
        }
    }
    rc = fail_mark(c, s.event.start_mark, "kind",
                   "unknown kind \"%.*s\" (expected financer, call, project)",
                   n > 200 ? 200 : (int)n, text);
out:
    yscan_close(&s);
    return rc;
}

/* ---- the walker ------------------------------------------------------------------
 * Follows every event with a stack of the open mappings and sequences, so that it knows the
 * path of any node. Used to diagnose what libcyaml reports without a usable path, and to see
 * keys libcyaml's data cannot show (mark_list_keys). */

typedef struct yframe {
    bool is_map;
    bool want_key; /* mapping: the next event is a key */
    size_t index;  /* sequence: index of the current entry */
    char *key;     /* mapping: the current key, owned */
} yframe;

typedef struct ywalk {
    yscan s;
    yframe *frames;
    size_t depth;
    size_t cap;
} ywalk;

/* Called for each scalar key, with the frames of the mapping holding it. */
typedef void (*walk_key_fn)(const ywalk *w, const char *key, void *ud);

static void walk_path(const ywalk *w, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < w->depth && n + 1 < size; i++) {
        const yframe *f = &w->frames[i];
        if (!f->is_map)
            n += bounded(buf + n, size - n, "[%zu]", f->index);
        else if (!f->want_key && f->key)
            n += bounded(buf + n, size - n, "%s%s", n ? "." : "", f->key);
    }
}

/* An entry or a value is complete: the parent moves to its next key or entry. */
static void walk_advance(ywalk *w) {
    if (w->depth == 0)
        return;
    yframe *f = &w->frames[w->depth - 1];
    if (f->is_map)
        f->want_key = true;
    else
        f->index++;
}

/* Walks the whole stream. Reports the first syntax error, alias, non-text key or second
 * document as an error and returns its code; returns 0 when there is none. */
static int walk(parse_ctx *c, walk_key_fn on_key, void *ud) {
    ywalk w = {0};
    char path[FIELD_MAX];
    size_t documents = 0;
    int rc = 0;
    if (!yscan_open(&w.s, c->data, c->len))
        return nomem(c);
    for (;;) {
        if (!yscan_next(&w.s)) {
            rc = fail_parser(c, &w.s.parser);
            goto out;
        }
        const yaml_event_t *ev = &w.s.event;
        yframe *top = w.depth ? &w.frames[w.depth - 1] : NULL;
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
            free(top->key);
            top->key = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
            if (!top->key) {
                rc = nomem(c);
                goto out;
            }
            top->want_key = false;
            if (on_key)
                on_key(&w, top->key, ud);
            continue;
        }
        if (ev->type == YAML_ALIAS_EVENT) {
            walk_path(&w, path, sizeof path);
            rc = fail_mark(c, ev->start_mark, path, "YAML aliases are not allowed");
            goto out;
        }
        if (ev->type == YAML_SCALAR_EVENT) {
            walk_advance(&w);
            continue;
        }
        if (w.depth == ELG_DOC_MAX_DEPTH) {
            rc = fail_too_deep(c, ev->start_mark);
            goto out;
        }
        if (w.depth == w.cap) {
            size_t cap = w.cap ? w.cap * 2 : 16;
            yframe *frames = realloc(w.frames, cap * sizeof *frames);
            if (!frames) {
                rc = nomem(c);
                goto out;
            }
            w.frames = frames;
            w.cap = cap;
        }
        w.frames[w.depth++] =
            (yframe){.is_map = ev->type == YAML_MAPPING_START_EVENT, .want_key = true};
    }
out:
    for (size_t i = 0; i < w.depth; i++)
        free(w.frames[i].key);
    free(w.frames);
    yscan_close(&w.s);
    return rc;
}

/* ---- libcyaml errors --------------------------------------------------------------- */

typedef struct cyaml_log_lines {
    char *lines[LOG_MAX_LINES];
    size_t count;
} cyaml_log_lines;

/* libcyaml's log_fn: keeps each message as one line, for report_cyaml. */
static void capture_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args) {
    cyaml_log_lines *log = ctx;
    (void)level;
    if (log->count == LOG_MAX_LINES)
        return;
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    char *line = malloc((size_t)n + 1);
    if (!line)
        return; /* the error is then reported without libcyaml's details */
    vsnprintf(line, (size_t)n + 1, fmt, args);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    log->lines[log->count++] = line;
}

static void log_free(cyaml_log_lines *log) {
    for (size_t i = 0; i < log->count; i++)
        free(log->lines[i]);
    log->count = 0;
}

static const char *starts_with(const char *s, const char *prefix) {
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/*
 * One line of libcyaml's backtrace, which lists the open containers innermost first:
 *   "  in mapping field 'items' (line: 3, column: 3)"  a mapping, at its field `items`
 *   "  in sequence entry '2' (line: 5, column: 5)"     a sequence, at its 2nd entry (1-based)
 *   "  in mapping (line: 6, column: 15)"               a mapping, between fields
 * Appends the frame's position to path; the line numbers are those of libcyaml's current
 * event, not of the node, so they are not used.
 */
static void backtrace_append(char *path, size_t size, const char *frame) {
    size_t n = strlen(path);
    const char *s = frame + strspn(frame, " ");
    const char *rest;
    if ((rest = starts_with(s, "in mapping field '"))) {
        const char *end = strstr(rest, "' (line:");
        int len = end ? (int)(end - rest) : (int)strlen(rest);
        bounded(path + n, size - n, "%s%.*s", n ? "." : "", len, rest);
    } else if ((rest = starts_with(s, "in sequence entry '"))) {
        unsigned long entry = strtoul(rest, NULL, 10);
        bounded(path + n, size - n, "[%lu]", entry ? entry - 1 : 0);
    }
}

/* Turns libcyaml's message for a failed load into a located error. */
static int report_cyaml(parse_ctx *c, cyaml_err_t cerr, const cyaml_log_lines *log) {
    if (cerr == CYAML_ERR_OOM)
        return nomem(c);
    size_t bt = 0;
    while (bt < log->count && strcmp(log->lines[bt], "Load: Backtrace:") != 0)
        bt++;
    const char *msg = bt > 0 && bt < log->count ? log->lines[bt - 1] : "";
    /* container: the path of the innermost open container; full: with the position inside
     * it, which is the node libcyaml was reading. */
    char container[FIELD_MAX] = "", full[FIELD_MAX] = "";
    if (bt < log->count) {
        for (size_t i = log->count - 1; i > bt + 1; i--)
            backtrace_append(container, sizeof container, log->lines[i]);
        bounded(full, sizeof full, "%s", container);
        if (bt + 1 < log->count)
            backtrace_append(full, sizeof full, log->lines[bt + 1]);
    }
    char field[FIELD_MAX];
    const char *arg;
    yloc loc;
    if ((arg = starts_with(msg, "Load: Unexpected key: "))) {
        locate(c, container, arg, 1, &loc);
        bounded(field, sizeof field, "%s%s%s", container, *container ? "." : "", arg);
        return fail_pos(c, loc.line, loc.column, field, "unknown field \"%s\"", arg);
    }
    if ((arg = starts_with(msg, "Load: Missing required mapping field: "))) {
        locate(c, container, NULL, 0, &loc);
        return fail_pos(c, loc.line, loc.column, container, "missing field \"%s\"", arg);
    }
    if ((arg = starts_with(msg, "Load: Mapping field already seen: "))) {
        locate(c, container, arg, 2, &loc);
        bounded(field, sizeof field, "%s%s%s", container, *container ? "." : "", arg);
        return fail_pos(c, loc.line, loc.column, field, "duplicate field \"%s\"", arg);
    }
    if ((arg = starts_with(msg, "Load: Expecting "))) {
        const char *expected = starts_with(arg, "STRING,")     ? "a text value"
                               : starts_with(arg, "MAPPING,")  ? "a mapping"
                               : starts_with(arg, "SEQUENCE,") ? "a list"
                                                               : "another kind of value";
        if (locate(c, full, NULL, 0, &loc))
            return fail_pos(c, loc.line, loc.column, full, "expected %s, found %s", expected,
                            node_noun(loc.type, loc.empty));
        return fail_pos(c, 0, 0, full, "expected %s", expected);
    }
    /* Syntax errors, aliases and complex keys: libcyaml gives a code and, at best, libyaml's
     * message without its position; the walker finds both. */
    int rc = walk(c, NULL, NULL);
    if (rc != 0)
        return rc;
    locate(c, full, NULL, 0, &loc);
    return fail_pos(c, loc.line, loc.column, full, "invalid document (%s)", cyaml_strerror(cerr));
}

/* Loads data with schema into *raw, or reports why not. */
static int load_raw(parse_ctx *c, const cyaml_schema_value_t *schema, void **raw) {
    cyaml_log_lines log = {.count = 0};
    cyaml_config_t config = {
        .log_fn = capture_log,
        .log_ctx = &log,
        .mem_fn = cyaml_mem,
        .log_level = CYAML_LOG_WARNING,
        .flags = CYAML_CFG_NO_ALIAS,
    };
    int rc = 0;
    *raw = NULL;
    cyaml_err_t cerr =
        cyaml_load_data((const uint8_t *)c->data, c->len, &config, schema, raw, NULL);
    if (cerr != CYAML_OK) {
        *raw = NULL;
        rc = report_cyaml(c, cerr, &log);
        goto out;
    }
    /* libcyaml loads the first document and only warns about the others; a file holding
     * two documents would then be stored with content nobody reads. */
    for (size_t i = 0; i < log.count; i++) {
        if (strstr(log.lines[i], "Ignoring documents after first")) {
            rc = walk(c, NULL, NULL);
            if (rc == 0)
                rc = fail_pos(c, 0, 0, "", "a file holds one document: remove the second one");
            cyaml_free(&free_config, schema, *raw, 0);
            *raw = NULL;
            goto out;
        }
    }
out:
    log_free(&log);
    return rc;
}

/* ---- value checks ----------------------------------------------------------------- */

static const char *path_key(char *buf, const char *base, const char *key) {
    bounded(buf, FIELD_MAX, "%s%s%s", base, *base ? "." : "", key);
    return buf;
}

static const char *path_index(char *buf, const char *base, size_t i) {
    bounded(buf, FIELD_MAX, "%s[%zu]", base, i);
    return buf;
}

/* A required or present optional text: an empty one is a forgotten one. */
static int check_text(parse_ctx *c, const char *path, const char *text) {
    if (text && !*text)
        return fail_at(c, path, "must not be empty");
    return 0;
}

static int check_texts(parse_ctx *c, const char *path, char *const *texts, size_t n) {
    char p[FIELD_MAX];
    for (size_t i = 0; i < n; i++) {
        int rc = check_text(c, path_index(p, path, i), texts[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* Ids and parameter names end up in file names, SQL keys and Lua lookups: keep them plain. */
static int check_ident(parse_ctx *c, const char *path, const char *what, const char *text) {
    bool ok = *text != '\0';
    for (const char *s = text; ok && *s; s++)
        ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || is_digit(*s) || *s == '.' ||
             *s == '_' || *s == '-';
    if (!ok)
        return fail_at(c, path, "invalid %s \"%s\" (use letters, digits, '.', '_' and '-')", what,
                       text);
    return 0;
}

static int check_date(parse_ctx *c, const char *path, const char *text) {
    if (elg_doc_date_valid(text))
        return 0;
    bool shaped = strlen(text) == 10 && text[4] == '-' && text[7] == '-';
    for (int i = 0; shaped && i < 10; i++)
        shaped = i == 4 || i == 7 || is_digit(text[i]);
    if (shaped)
        return fail_at(c, path, "invalid date \"%s\"", text);
    return fail_at(c, path, "invalid date \"%s\" (expected YYYY-MM-DD)", text);
}

/* The money module names what is wrong with the text; this adds where it is. */
static int conv_money(parse_ctx *c, const char *path, const char *text, elg_cents *out) {
    elg_error e;
    elg_error_clear(&e);
    if (elg_money_parse(text, 0, out, &e) == 0)
        return 0;
    return fail_at(c, path, "%s", e.message);
}

static int conv_rate(parse_ctx *c, const char *path, const char *text, elg_rate *out) {
    elg_error e;
    elg_error_clear(&e);
    if (elg_rate_parse(text, out, &e) == 0)
        return 0;
    return fail_at(c, path, "%s", e.message);
}

/* Enumerations: 0 for an absent optional value, else the index in table. */
static int conv_enum(parse_ctx *c, const char *path, const char *what, const char *const *table,
                     size_t n, const char *text, int *out) {
    *out = text ? table_find(table, n, text) : 0;
    if (!text || *out)
        return 0;
    char expected[FIELD_MAX] = "";
    size_t len = 0;
    for (size_t i = 1; i < n; i++)
        len += bounded(expected + len, sizeof expected - len, "%s%s", i > 1 ? ", " : "", table[i]);
    return fail_at(c, path, "unknown %s \"%s\" (expected %s)", what, text, expected);
}

static int conv_integer(parse_ctx *c, const char *path, const char *text, long long *out) {
    const char *s = text;
    bool negative = *s == '-';
    long long v = 0;
    if (negative)
        s++;
    if (!*s)
        goto bad;
    for (; *s; s++) {
        if (!is_digit(*s) || __builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, negative ? -(*s - '0') : *s - '0', &v))
            goto bad;
    }
    *out = v;
    return 0;
bad:
    return fail_at(c, path, "invalid integer \"%s\"", text);
}

static int conv_bool(parse_ctx *c, const char *path, const char *text, bool *out) {
    /* YAML 1.1's yes/no/on/off are refused: "no" is also Norway's country code. */
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        *out = text[0] == 't';
        return 0;
    }
    return fail_at(c, path, "invalid boolean \"%s\" (expected true or false)", text);
}

/* Rule files are read from the rules directory only: no absolute path, no "..". */
static int check_rules_path(parse_ctx *c, const char *path, const char *text) {
    bool ok = *text && *text != '/' && !strchr(text, '\\');
    for (const char *s = text; ok;) {
        size_t n = strcspn(s, "/");
        ok = !(n == 2 && s[0] == '.' && s[1] == '.');
        if (!s[n])
            break;
        s += n + 1;
    }
    if (!ok)
        return fail_at(
            c, path, "rules must be a relative path inside the rules directory, not \"%s\"", text);
    return 0;
}

/* Repeated keys in a list (parameter names, edition dates), found by sorting. */
typedef struct keyed {
    const char *key;
    size_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int d = strcmp(x->key, y->key);
    if (d)
        return d;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts items by key then index; finds the repeat that comes first in the document and the
 * first occurrence of its key. */
static bool first_repeat(keyed *items, size_t n, size_t *repeat, size_t *first) {
    bool found = false;
    if (n > 1)
        qsort(items, n, sizeof *items, keyed_cmp);
    for (size_t i = 1, group = 0; i < n; i++) {
        if (strcmp(items[i].key, items[group].key) != 0) {
            group = i;
            continue;
        }
        if (i == group + 1 && (!found || items[i].index < *repeat)) {
            *repeat = items[i].index;
            *first = items[group].index;
            found = true;
        }
    }
    return found;
}

/* ---- financer -------------------------------------------------------------------- */

static int conv_financer(parse_ctx *c, const raw_financer *r, elg_financer *f) {
    int nature = 0;
    int rc;
    f->id = r->id;
    f->name = r->name;
    if ((rc = check_ident(c, "id", "id", r->id)) || (rc = check_text(c, "name", r->name)) ||
        (rc = conv_enum(c, "nature", "nature", nature_names, COUNT(nature_names), r->nature,
                        &nature)))
        return rc;
    f->nature = (elg_nature)nature;
    return 0;
}

/* ---- call ---------------------------------------------------------------------- */

/* Keys a parameter may hold its value in, in the order of elg_param_type. */
#define PARAM_VALUE_KEYS "money, rate, integer, text, date, list, bool"

static int conv_param(parse_ctx *c, const char *path, const raw_param *r, elg_param *p) {
    char sub[FIELD_MAX];
    const char *present[ELG_PARAM_BOOL + 1];
    int n = 0;
    int rc;
    p->name = r->name;
    p->source = r->source;
    if ((rc = check_ident(c, path_key(sub, path, "name"), "parameter name", r->name)) ||
        (rc = check_text(c, path_key(sub, path, "source"), r->source)))
        return rc;
    const char *values[] = {NULL,    r->money, r->rate, r->integer,
                            r->text, r->date,  NULL,    r->boolean};
    for (int t = ELG_PARAM_MONEY; t <= ELG_PARAM_BOOL; t++) {
        bool has = t == ELG_PARAM_LIST ? r->list || r->list_key : values[t] != NULL;
        if (has) {
            present[n++] = param_type_names[t];
            p->type = (elg_param_type)t;
        }
    }
    if (n == 0)
        return fail_at(c, path, "parameter \"%s\" has no value; expected one of " PARAM_VALUE_KEYS,
                       r->name);
    if (n > 1) {
        char keys[FIELD_MAX];
        size_t len = 0;
        for (int i = 0; i < n; i++)
            len += bounded(keys + len, sizeof keys - len, "%s%s", i ? ", " : "", present[i]);
        return fail_at_key(c, path, present[1],
                           "parameter \"%s\" has %d values (%s); "
                           "expected exactly one of " PARAM_VALUE_KEYS,
                           r->name, n, keys);
    }
    const char *vpath = path_key(sub, path, param_type_names[p->type]);
    switch (p->type) {
    case ELG_PARAM_MONEY:
        return conv_money(c, vpath, r->money, &p->money);
    case ELG_PARAM_RATE:
        return conv_rate(c, vpath, r->rate, &p->rate);
    case ELG_PARAM_INTEGER:
        return conv_integer(c, vpath, r->integer, &p->integer);
    case ELG_PARAM_TEXT:
        p->text = r->text;
        return check_text(c, vpath, r->text);
    case ELG_PARAM_DATE:
        p->text = r->date;
        return check_date(c, vpath, r->date);
    case ELG_PARAM_LIST:
        p->list = r->list;
        p->list_count = r->list_count;
        return check_texts(c, vpath, r->list, r->list_count);
    case ELG_PARAM_BOOL:
        return conv_bool(c, vpath, r->boolean, &p->boolean);
    }
    return 0;
}

/* path: "parameters" or "editions[1].parameters". */
static int conv_params(parse_ctx *c, const char *path, const raw_param *raw, size_t n,
                       elg_param **out, size_t *out_count) {
    char sub[FIELD_MAX];
    keyed *names = NULL;
    int rc = 0;
    if (n == 0)
        return 0;
    *out = calloc(n, sizeof **out);
    names = calloc(n, sizeof *names);
    if (!*out || !names) {
        rc = nomem(c);
        goto out;
    }
    *out_count = n;
    for (size_t i = 0; i < n; i++) {
        if ((rc = conv_param(c, path_index(sub, path, i), &raw[i], &(*out)[i])))
            goto out;
        names[i] = (keyed){raw[i].name, i};
    }
    size_t repeat, first;
    if (first_repeat(names, n, &repeat, &first)) {
        char first_path[FIELD_MAX];
        bounded(first_path, sizeof first_path, "%s[%zu].name", path, first);
        bounded(sub, sizeof sub, "%s[%zu].name", path, repeat);
        rc = fail_at(c, sub, "duplicate parameter \"%s\" (first defined at line %d)",
                     raw[repeat].name, line_of(c, first_path));
        goto out;
    }
out:
    free(names);
    return rc;
}

/* Sees the `list:` keys of parameters, which the loaded data cannot show when the list is
 * empty (see raw_param.list_key). Paths: parameters[i].list, editions[j].parameters[i].list. */
static void mark_list_key(const ywalk *w, const char *key, void *ud) {
    raw_call *call = ud;
    const yframe *f = w->frames;
    if (strcmp(key, "list") != 0)
        return;
    if (w->depth == 3 && f[0].key && strcmp(f[0].key, "parameters") == 0 &&
        f[1].index < call->parameters_count)
        call->parameters[f[1].index].list_key = true;
    if (w->depth == 5 && f[0].key && strcmp(f[0].key, "editions") == 0 &&
        f[1].index < call->editions_count && f[2].key && strcmp(f[2].key, "parameters") == 0 &&
        f[3].index < call->editions[f[1].index].parameters_count)
        call->editions[f[1].index].parameters[f[3].index].list_key = true;
}

static int mark_list_keys(parse_ctx *c, raw_call *r) {
    bool any = r->parameters_count > 0;
    for (unsigned i = 0; i < r->parameters_count; i++)
        r->parameters[i].list_key = false;
    for (unsigned j = 0; j < r->editions_count; j++) {
        any = any || r->editions[j].parameters_count > 0;
        for (unsigned i = 0; i < r->editions[j].parameters_count; i++)
            r->editions[j].parameters[i].list_key = false;
    }
    return any ? walk(c, mark_list_key, r) : 0;
}

static int conv_editions(parse_ctx *c, const raw_call *r, elg_call *call) {
    char sub[FIELD_MAX], base[FIELD_MAX];
    keyed *froms = NULL;
    elg_edition *sorted = NULL;
    size_t n = r->editions_count;
    int rc = 0;
    if (n == 0)
        return 0;
    call->editions = calloc(n, sizeof *call->editions);
    froms = calloc(n, sizeof *froms);
    sorted = calloc(n, sizeof *sorted);
    if (!call->editions || !froms || !sorted) {
        rc = nomem(c);
        goto out;
    }
    call->editions_count = n;
    for (size_t i = 0; i < n; i++) {
        const raw_edition *re = &r->editions[i];
        elg_edition *e = &call->editions[i];
        path_index(base, "editions", i);
        e->name = re->name;
        e->from = re->from;
        if ((rc = check_text(c, path_key(sub, base, "name"), re->name)) ||
            (rc = check_date(c, path_key(sub, base, "from"), re->from)) ||
            (rc = conv_params(c, path_key(sub, base, "parameters"), re->parameters,
                              re->parameters_count, &e->params, &e->params_count)))
            goto out;
        froms[i] = (keyed){re->from, i};
    }
    size_t repeat, first;
    if (first_repeat(froms, n, &repeat, &first)) {
        bounded(base, sizeof base, "editions[%zu].from", first);
        bounded(sub, sizeof sub, "editions[%zu].from", repeat);
        rc = fail_at(c, sub, "duplicate edition date \"%s\" (first defined at line %d)",
                     r->editions[repeat].from, line_of(c, base));
        goto out;
    }
    /* froms is now in date order: lay the editions out the same way. */
    for (size_t i = 0; i < n; i++)
        sorted[i] = call->editions[froms[i].index];
    memcpy(call->editions, sorted, n * sizeof *sorted);
out:
    free(sorted);
    free(froms);
    return rc;
}

static int conv_call(parse_ctx *c, raw_call *r, elg_call *call) {
    int rc;
    call->id = r->id;
    call->title = r->title;
    call->financer = r->financer;
    call->basis = r->basis;
    call->basis_ref = r->basis_ref;
    call->opens = r->opens;
    call->closes = r->closes;
    call->rules = r->rules;
    if ((rc = check_ident(c, "id", "id", r->id)) || (rc = check_text(c, "title", r->title)) ||
        (rc = check_ident(c, "financer", "financer id", r->financer)) ||
        (rc = check_text(c, "basis", r->basis)) || (rc = check_text(c, "basis_ref", r->basis_ref)))
        return rc;
    if (r->opens && (rc = check_date(c, "opens", r->opens)))
        return rc;
    if (r->closes && (rc = check_date(c, "closes", r->closes)))
        return rc;
    if (r->opens && r->closes && strcmp(r->closes, r->opens) < 0)
        return fail_at(c, "closes", "the call closes (%s) before it opens (%s)", r->closes,
                       r->opens);
    if (r->envelope) {
        call->has_envelope = true;
        if ((rc = conv_money(c, "envelope", r->envelope, &call->envelope)))
            return rc;
    }
    if ((rc = check_rules_path(c, "rules", r->rules)) || (rc = mark_list_keys(c, r)) ||
        (rc = conv_params(c, "parameters", r->parameters, r->parameters_count, &call->params,
                          &call->params_count)))
        return rc;
    return conv_editions(c, r, call);
}

/* ---- project --------------------------------------------------------------------- */

static int conv_applicant(parse_ctx *c, const char *path, const raw_applicant *r,
                          elg_applicant *a) {
    char sub[FIELD_MAX];
    int rc;
    a->name = r->name;
    a->status = r->status;
    a->siret = r->siret;
    a->rna = r->rna;
    a->commune = r->commune;
    a->approvals = r->approvals;
    a->approvals_count = r->approvals_count;
    if ((rc = check_text(c, path_key(sub, path, "name"), r->name)) ||
        (rc = check_text(c, path_key(sub, path, "status"), r->status)) ||
        (rc = check_text(c, path_key(sub, path, "siret"), r->siret)) ||
        (rc = check_text(c, path_key(sub, path, "rna"), r->rna)) ||
        (rc = check_text(c, path_key(sub, path, "commune"), r->commune)))
        return rc;
    if (r->share) {
        a->has_share = true;
        if ((rc = conv_rate(c, path_key(sub, path, "share"), r->share, &a->share)))
            return rc;
        if (a->share.num > a->share.den)
            return fail_at(c, path_key(sub, path, "share"), "share \"%s\" is above 100 %%",
                           r->share);
    }
    return check_texts(c, path_key(sub, path, "approvals"), r->approvals, r->approvals_count);
}

static int conv_expense(parse_ctx *c, const char *path, const raw_expense *r, elg_expense *e) {
    char sub[FIELD_MAX];
    int category = 0;
    int rc;
    e->label = r->label;
    e->action = r->action;
    if ((rc = conv_enum(c, path_key(sub, path, "category"), "category", category_names,
                        COUNT(category_names), r->category, &category)) ||
        (rc = check_text(c, path_key(sub, path, "label"), r->label)) ||
        (rc = check_text(c, path_key(sub, path, "action"), r->action)) ||
        (rc = conv_money(c, path_key(sub, path, "amount"), r->amount, &e->amount)))
        return rc;
    e->category = (elg_category)category;
    return 0;
}

static int conv_resource(parse_ctx *c, const char *path, const raw_resource *r, elg_resource *res) {
    char sub[FIELD_MAX];
    int status = 0, earmark = 0;
    int rc;
    res->financer = r->financer;
    res->label = r->label;
    res->action = r->action;
    if ((rc = check_ident(c, path_key(sub, path, "financer"), "financer id", r->financer)) ||
        (rc = check_text(c, path_key(sub, path, "action"), r->action)) ||
        (rc = conv_money(c, path_key(sub, path, "amount"), r->amount, &res->amount)) ||
        (rc = conv_enum(c, path_key(sub, path, "status"), "status", status_names,
                        COUNT(status_names), r->status, &status)) ||
        (rc = check_text(c, path_key(sub, path, "label"), r->label)) ||
        (rc = conv_enum(c, path_key(sub, path, "earmark"), "category", category_names,
                        COUNT(category_names), r->earmark, &earmark)))
        return rc;
    res->status = status ? (elg_resource_status)status : ELG_RES_REQUESTED;
    res->earmark = (elg_category)earmark;
    return 0;
}

static int conv_application(parse_ctx *c, const char *path, const raw_application *r,
                            elg_application *a) {
    char sub[FIELD_MAX];
    int rc;
    a->call = r->call;
    if ((rc = check_ident(c, path_key(sub, path, "call"), "call id", r->call)))
        return rc;
    return conv_money(c, path_key(sub, path, "requested"), r->requested, &a->requested);
}

static int conv_aid(parse_ctx *c, const char *path, const raw_aid *r, elg_declared_aid *a) {
    char sub[FIELD_MAX];
    int rc;
    a->date = r->date;
    a->source = r->source;
    if ((rc = check_date(c, path_key(sub, path, "date"), r->date)) ||
        (rc = check_text(c, path_key(sub, path, "source"), r->source)))
        return rc;
    return conv_money(c, path_key(sub, path, "amount"), r->amount, &a->amount);
}

/* Allocates a public array of n entries (NULL when n is 0). */
static int alloc_array(parse_ctx *c, void **out, size_t *count, size_t n, size_t size) {
    *out = NULL;
    *count = 0;
    if (n == 0)
        return 0;
    *out = calloc(n, size);
    if (!*out)
        return nomem(c);
    *count = n;
    return 0;
}

static int conv_project(parse_ctx *c, const raw_project *r, elg_project *p) {
    char sub[FIELD_MAX];
    int rc;
    p->id = r->id;
    p->title = r->title;
    p->owner_status = r->owner_status;
    p->territory = r->territory;
    p->territory_count = r->territory_count;
    p->start = r->period.start;
    p->end = r->period.end;
    p->submitted = r->submitted;
    p->themes = r->themes;
    p->themes_count = r->themes_count;
    if ((rc = check_ident(c, "id", "id", r->id)) || (rc = check_text(c, "title", r->title)) ||
        (rc = check_text(c, "owner_status", r->owner_status)))
        return rc;
    if (r->applicants_count == 0)
        return fail_at(c, "applicants", "at least one applicant is required");
    if ((rc = alloc_array(c, (void **)&p->applicants, &p->applicants_count, r->applicants_count,
                          sizeof *p->applicants)))
        return rc;
    for (size_t i = 0; i < r->applicants_count; i++)
        if ((rc = conv_applicant(c, path_index(sub, "applicants", i), &r->applicants[i],
                                 &p->applicants[i])))
            return rc;
    if ((rc = check_texts(c, "territory", r->territory, r->territory_count)) ||
        (rc = check_date(c, "period.start", r->period.start)) ||
        (rc = check_date(c, "period.end", r->period.end)))
        return rc;
    if (strcmp(r->period.end, r->period.start) < 0)
        return fail_at(c, "period.end", "the period ends (%s) before it starts (%s)", r->period.end,
                       r->period.start);
    if (r->submitted && (rc = check_date(c, "submitted", r->submitted)))
        return rc;
    if ((rc = check_texts(c, "themes", r->themes, r->themes_count)))
        return rc;
    if ((rc = alloc_array(c, (void **)&p->expenses, &p->expenses_count, r->expenses_count,
                          sizeof *p->expenses)))
        return rc;
    for (size_t i = 0; i < r->expenses_count; i++)
        if ((rc =
                 conv_expense(c, path_index(sub, "expenses", i), &r->expenses[i], &p->expenses[i])))
            return rc;
    if ((rc = alloc_array(c, (void **)&p->resources, &p->resources_count, r->resources_count,
                          sizeof *p->resources)))
        return rc;
    for (size_t i = 0; i < r->resources_count; i++)
        if ((rc = conv_resource(c, path_index(sub, "resources", i), &r->resources[i],
                                &p->resources[i])))
            return rc;
    if ((rc = alloc_array(c, (void **)&p->applies_to, &p->applies_to_count, r->applies_to_count,
                          sizeof *p->applies_to)))
        return rc;
    for (size_t i = 0; i < r->applies_to_count; i++)
        if ((rc = conv_application(c, path_index(sub, "applies_to", i), &r->applies_to[i],
                                   &p->applies_to[i])))
            return rc;
    if ((rc = alloc_array(c, (void **)&p->de_minimis, &p->de_minimis_count, r->de_minimis_count,
                          sizeof *p->de_minimis)))
        return rc;
    for (size_t i = 0; i < r->de_minimis_count; i++)
        if ((rc = conv_aid(c, path_index(sub, "de_minimis", i), &r->de_minimis[i],
                           &p->de_minimis[i])))
            return rc;
    return 0;
}

/* ---- entry points ------------------------------------------------------------------ */

int elg_doc_parse(const char *name, const char *data, size_t len, elg_doc **out, elg_error *err) {
    parse_ctx c = {.name = name ? name : "", .data = data, .len = len, .err = err};
    elg_doc *doc = NULL;
    elg_doc_kind kind = 0;
    int rc = 0;
    if (!out || (!data && len > 0))
        return elg_error_set(err, ELG_EUSAGE, "elg_doc_parse: out and data must not be NULL");
    *out = NULL;
    if (!data)
        c.data = "";
    if (len > ELG_DOC_MAX_BYTES) {
        rc = fail_pos(&c, 0, 0, "", "document too large (the limit is %u MiB)",
                      (unsigned)(ELG_DOC_MAX_BYTES >> 20));
        goto out;
    }
    if ((rc = sniff_kind(&c, &kind)))
        goto out;
    doc = calloc(1, sizeof *doc);
    if (!doc) {
        rc = nomem(&c);
        goto out;
    }
    doc->kind = kind;
    doc->schema = kind == ELG_DOC_FINANCER ? &financer_schema
                  : kind == ELG_DOC_CALL   ? &call_schema
                                           : &project_schema;
    if ((rc = load_raw(&c, doc->schema, &doc->raw)))
        goto out;
    switch (kind) {
    case ELG_DOC_FINANCER:
        rc = conv_financer(&c, doc->raw, &doc->as.financer);
        break;
    case ELG_DOC_CALL:
        rc = conv_call(&c, doc->raw, &doc->as.call);
        break;
    case ELG_DOC_PROJECT:
        rc = conv_project(&c, doc->raw, &doc->as.project);
        break;
    }
    if (rc)
        goto out;
    *out = doc;
    doc = NULL;
out:
    elg_doc_free(doc);
    return rc;
}

int elg_doc_load_file(const char *path, elg_doc **out, elg_error *err) {
    char *data = NULL;
    size_t len = 0, cap = 0;
    FILE *f = NULL;
    int rc;
    if (!path || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_doc_load_file: path and out must not be NULL");
    *out = NULL;
    f = fopen(path, "rb");
    if (!f) {
        rc = elg_error_set(err, ELG_EIO, "cannot open: %s", strerror(errno));
        elg_error_at(err, path, 0, 0, NULL);
        goto out;
    }
    /* Read at most one byte past the limit: enough to know the file is too large without
     * reading all of it. */
    for (;;) {
        if (len == cap) {
            size_t want = cap ? cap * 2 : 64 * 1024;
            if (want > (size_t)ELG_DOC_MAX_BYTES + 1)
                want = (size_t)ELG_DOC_MAX_BYTES + 1;
            if (want == cap)
                break;
            char *grown = realloc(data, want);
            if (!grown) {
                rc = elg_error_set(err, ELG_ENOMEM, "out of memory while reading the file");
                elg_error_at(err, path, 0, 0, NULL);
                goto out;
            }
            data = grown;
            cap = want;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = elg_error_set(err, ELG_EIO, "cannot read: %s", strerror(errno));
        elg_error_at(err, path, 0, 0, NULL);
        goto out;
    }
    rc = elg_doc_parse(path, data, len, out, err);
out:
    if (f)
        fclose(f);
    free(data);
    return rc;
}
