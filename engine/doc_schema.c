/*
 * doc_schema: the libcyaml side of the doc module. The schemas that load a document into the
 * raw structs of doc_internal.h, the load itself, libcyaml's log turned into located errors,
 * and the matching free.
 *
 * libcyaml enforces the structure (unknown, missing or duplicate fields, wrong shapes) but
 * says where it failed only as a backtrace of the field path; the locator of doc_locate.c
 * finds the line:column of that path.
 */
#include "doc_internal.h"
#include "tr.h"

#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

/* libcyaml logs one message, "Load: Backtrace:" and one line per nesting level; our schemas
 * nest six levels at most, so anything beyond this many lines is noise. */
#define LOG_MAX_LINES 64

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

/* One field a line, as in the other tables (clang-format would pair them). */
// clang-format off
static const cyaml_schema_field_t financer_fields[] = {
    STR("kind", REQ, raw_financer, kind),
    STR("id", REQ, raw_financer, id),
    STR("name", REQ, raw_financer, name),
    STR("nature", REQ, raw_financer, nature),
    STR("siret", OPT, raw_financer, siret),
    CYAML_FIELD_END,
};
// clang-format on
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
    STR("status", OPT, raw_applicant, status),
    STR("siret", OPT, raw_applicant, siret),
    STR("rna", OPT, raw_applicant, rna),
    STR("commune", OPT, raw_applicant, commune),
    STR("insee", OPT, raw_applicant, insee),
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
    STR("grant_reference", OPT, raw_resource, grant_reference),
    STR("grant_date", OPT, raw_resource, grant_date),
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

static const cyaml_schema_field_t award_funder_fields[] = {
    STR("name", REQ, raw_award_funder, name),
    STR("siret", REQ, raw_award_funder, siret),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t award_amounts_fields[] = {
    STR("requested", OPT, raw_award_amounts, requested),
    STR("proposed", OPT, raw_award_amounts, proposed),
    STR("voted", REQ, raw_award_amounts, voted),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t award_convention_fields[] = {
    STR("date", REQ, raw_award_convention, date),
    STR("reference", OPT, raw_award_convention, reference),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t award_payment_fields[] = {
    STR("conditions", REQ, raw_award_payment, conditions),
    STR("from", REQ, raw_award_payment, from),
    STR("to", OPT, raw_award_payment, to),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t beneficiary_fields[] = {
    STR("name", REQ, raw_beneficiary, name),
    STR("siret", OPT, raw_beneficiary, siret),
    STR("rna", OPT, raw_beneficiary, rna),
    STR("amount", OPT, raw_beneficiary, amount),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t beneficiary_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_beneficiary, beneficiary_fields),
};

static const cyaml_schema_field_t award_fields[] = {
    STR("kind", REQ, raw_award, kind),
    STR("id", REQ, raw_award, id),
    STR("project", REQ, raw_award, project),
    STR("call", REQ, raw_award, call),
    STR("decision", OPT, raw_award, decision),
    CYAML_FIELD_MAPPING("funder", CYAML_FLAG_DEFAULT, raw_award, funder, award_funder_fields),
    STR("object", REQ, raw_award, object),
    CYAML_FIELD_MAPPING("amounts", CYAML_FLAG_DEFAULT, raw_award, amounts, award_amounts_fields),
    CYAML_FIELD_MAPPING("convention", CYAML_FLAG_DEFAULT, raw_award, convention,
                        award_convention_fields),
    SEQ("nature", REQ, raw_award, nature, &string_entry),
    CYAML_FIELD_MAPPING("payment", CYAML_FLAG_DEFAULT, raw_award, payment, award_payment_fields),
    STR("eu_notification", REQ, raw_award, eu_notification),
    STR("scheme", OPT, raw_award, scheme),
    STR("rae", OPT, raw_award, rae),
    SEQ("beneficiaries", REQ, raw_award, beneficiaries, &beneficiary_entry),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t award_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, raw_award, award_fields),
};

static const cyaml_schema_value_t *schema_of(elg_doc_kind kind) {
    return kind == ELG_DOC_FINANCER ? &financer_schema
           : kind == ELG_DOC_CALL   ? &call_schema
           : kind == ELG_DOC_AWARD  ? &award_schema
                                    : &project_schema;
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
        doc_bounded(path + n, size - n, "%s%.*s", n ? "." : "", len, rest);
    } else if ((rest = starts_with(s, "in sequence entry '"))) {
        unsigned long entry = strtoul(rest, NULL, 10);
        doc_bounded(path + n, size - n, "[%lu]", entry ? entry - 1 : 0);
    }
}

/* The fields of the mapping at path ("", "period", "expenses[2]", "editions[0].parameters[1]")
 * in the schema whose value is root, or NULL when the path leads to no mapping. */
static const cyaml_schema_field_t *fields_at(const cyaml_schema_value_t *root, const char *path) {
    const cyaml_schema_value_t *v = root;
    const char *s = path;
    while (*s) {
        if (*s == '.')
            s++;
        if (*s == '[') {
            if (v->type != CYAML_SEQUENCE)
                return NULL;
            v = v->sequence.entry;
            s = strchr(s, ']');
            if (!s)
                return NULL;
            s++;
            continue;
        }
        if (v->type != CYAML_MAPPING)
            return NULL;
        size_t n = strcspn(s, ".[");
        const cyaml_schema_field_t *f = v->mapping.fields;
        while (f->key && !(strlen(f->key) == n && strncmp(f->key, s, n) == 0))
            f++;
        if (!f->key)
            return NULL;
        v = &f->value;
        s += n;
    }
    return v->type == CYAML_MAPPING ? v->mapping.fields : NULL;
}

/* The known field closest to key in the mapping at container, or NULL. */
static const char *field_suggestion(elg_doc_kind kind, const char *container, const char *key) {
    const cyaml_schema_field_t *f = fields_at(schema_of(kind), container);
    const char *names[32];
    size_t n = 0;
    for (; f && f->key && n < sizeof names / sizeof names[0]; f++)
        names[n++] = f->key;
    return elg_suggest(key, names, n);
}

/* Turns libcyaml's message for a failed load into a located error. */
static int report_cyaml(parse_ctx *c, elg_doc_kind kind, cyaml_err_t cerr,
                        const cyaml_log_lines *log) {
    if (cerr == CYAML_ERR_OOM)
        return doc_nomem(c);
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
        doc_bounded(full, sizeof full, "%s", container);
        if (bt + 1 < log->count)
            backtrace_append(full, sizeof full, log->lines[bt + 1]);
    }
    char field[FIELD_MAX];
    const char *arg;
    doc_loc loc;
    if ((arg = starts_with(msg, "Load: Unexpected key: "))) {
        /* The key is the user's, quoted safely: it may hold escapes a terminal would run. */
        char key[FIELD_MAX];
        doc_quote(key, sizeof key, arg, strlen(arg), 64);
        doc_locate(c, container, arg, 1, &loc);
        doc_bounded(field, sizeof field, "%s%s%s", container, *container ? "." : "", key);
        const char *near = field_suggestion(kind, container, arg);
        if (near)
            return doc_fail_pos(c, loc.line, loc.column, field,
                                "champ inconnu « %s » : vous vouliez dire « %s » ?", key, near);
        return doc_fail_pos(c, loc.line, loc.column, field, "champ inconnu « %s »", key);
    }
    if ((arg = starts_with(msg, "Load: Missing required mapping field: "))) {
        doc_locate(c, container, NULL, 0, &loc);
        return doc_fail_pos(c, loc.line, loc.column, container, "missing field \"%s\"", arg);
    }
    if ((arg = starts_with(msg, "Load: Mapping field already seen: "))) {
        doc_locate(c, container, arg, 2, &loc);
        doc_bounded(field, sizeof field, "%s%s%s", container, *container ? "." : "", arg);
        return doc_fail_pos(c, loc.line, loc.column, field, "duplicate field \"%s\"", arg);
    }
    if ((arg = starts_with(msg, "Load: Expecting "))) {
        const char *expected = starts_with(arg, "STRING,")     ? elg_tr("a text value")
                               : starts_with(arg, "MAPPING,")  ? elg_tr("a mapping")
                               : starts_with(arg, "SEQUENCE,") ? elg_tr("a list")
                                                               : elg_tr("another kind of value");
        if (doc_locate(c, full, NULL, 0, &loc))
            return doc_fail_pos(c, loc.line, loc.column, full, "expected %s, found %s", expected,
                                loc.found);
        return doc_fail_pos(c, 0, 0, full, "expected %s", expected);
    }
    /* Syntax errors, aliases and complex keys: libcyaml gives a code and, at best, libyaml's
     * message without its position; the walker finds both. */
    int rc = doc_walk(c, NULL, NULL);
    if (rc != 0)
        return rc;
    doc_locate(c, full, NULL, 0, &loc);
    return doc_fail_pos(c, loc.line, loc.column, full, "invalid document (%s)",
                        cyaml_strerror(cerr));
}

/* ---- the loaded strings ------------------------------------------------------------- */

/* The schemas nest six levels at most (editions[].parameters[].list[]). */
#define RAW_DEPTH 16

typedef struct raw_walk {
    doc_frame frames[RAW_DEPTH];
    doc_raw_text_fn fn;
    void *ud;
} raw_walk;

/* A sequence or mapping field's entry count, stored in count_size bytes. */
static size_t raw_count(const void *base, const cyaml_schema_field_t *f) {
    const char *at = (const char *)base + f->count_offset;
    switch (f->count_size) {
    case 1:
        return *(const uint8_t *)at;
    case 2:
        return *(const uint16_t *)at;
    case 4:
        return *(const uint32_t *)at;
    default:
        return (size_t) * (const uint64_t *)at;
    }
}

/* The value of schema v stored at data (the pointer's address for a pointer value), at depth
 * open frames. Recursion follows the schemas, which are ours and bounded, never the document. */
static int raw_each(raw_walk *w, const cyaml_schema_value_t *v, const void *data, size_t depth) {
    if (v->flags & CYAML_FLAG_POINTER) {
        data = *(const void *const *)data;
        if (!data)
            return 0; /* an optional field that is absent */
    }
    if (v->type == CYAML_STRING)
        return w->fn(w->frames, depth, data, w->ud);
    if (v->type != CYAML_MAPPING || depth == RAW_DEPTH)
        return 0;
    w->frames[depth] = (doc_frame){.is_map = true};
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key; f++) {
        const char *at = (const char *)data + f->data_offset;
        int rc;
        /* Read only: the frames of this walk never own their keys. */
        w->frames[depth].key = (char *)f->key;
        if (f->value.type != CYAML_SEQUENCE) {
            rc = raw_each(w, &f->value, at, depth + 1);
        } else {
            const cyaml_schema_value_t *e = f->value.sequence.entry;
            const char *entries =
                f->value.flags & CYAML_FLAG_POINTER ? *(const char *const *)at : at;
            size_t n = entries ? raw_count(data, f) : 0;
            size_t size = e->flags & CYAML_FLAG_POINTER ? sizeof(void *) : e->data_size;
            rc = 0;
            if (depth + 1 == RAW_DEPTH)
                continue;
            w->frames[depth + 1] = (doc_frame){.is_map = false};
            for (size_t i = 0; i < n && rc == 0; i++) {
                w->frames[depth + 1].index = i;
                rc = raw_each(w, e, entries + i * size, depth + 2);
            }
        }
        if (rc)
            return rc;
    }
    return 0;
}

int doc_raw_each_text(elg_doc_kind kind, const void *raw, doc_raw_text_fn fn, void *ud) {
    raw_walk w = {.fn = fn, .ud = ud};
    return raw_each(&w, schema_of(kind), &raw, 0);
}

/* ---- loading and freeing ------------------------------------------------------------ */

/* libcyaml needs a configuration to free what it loaded; freeing logs nothing we need. */
static const cyaml_config_t free_config = {
    .log_fn = NULL,
    .mem_fn = cyaml_mem,
    .log_level = CYAML_LOG_ERROR,
    .flags = CYAML_CFG_NO_ALIAS,
};

void doc_free_raw(elg_doc_kind kind, void *raw) {
    if (raw)
        cyaml_free(&free_config, schema_of(kind), raw, 0);
}

int doc_load_raw(parse_ctx *c, elg_doc_kind kind, void **raw) {
    const cyaml_schema_value_t *schema = schema_of(kind);
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
        rc = report_cyaml(c, kind, cerr, &log);
        goto out;
    }
    /* libcyaml loads the first document and only warns about the others; a file holding
     * two documents would then be stored with content nobody reads. */
    for (size_t i = 0; i < log.count; i++) {
        if (strstr(log.lines[i], "Ignoring documents after first")) {
            rc = doc_walk(c, NULL, NULL);
            if (rc == 0)
                rc = doc_fail_pos(c, 0, 0, "", "a file holds one document: remove the second one");
            cyaml_free(&free_config, schema, *raw, 0);
            *raw = NULL;
            goto out;
        }
    }
out:
    log_free(&log);
    return rc;
}
