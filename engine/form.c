/*
 * form: compact MessagePack form of a project (see form.h).
 *
 * The one idea: the layout is written down once, as the field tables below,
 * and both directions walk the same tables, so the encoder and the decoder
 * cannot disagree on the order or the type of a field. The encoder also counts,
 * exactly as the decoder will take them, the bytes of every string and array,
 * and writes that total in the form: the decoder makes one allocation and
 * checks every step against it.
 */
#include "form.h"
#include "tr.h"

#include <msgpack.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the layout ------------------------------------------------------------ */

typedef enum ftype {
    F_TEXT,     /* char *, never NULL */
    F_OPT_TEXT, /* char *, NULL as nil */
    F_TEXTS,    /* char ** with a size_t count */
    F_BOOL,     /* bool */
    F_INT64,    /* int64_t: elg_cents, elg_rate's terms */
    F_ENUM,     /* an enum stored as an int, within [min, max] */
    F_RECORDS,  /* an array of records with a size_t count */
} ftype;

typedef struct record record;

typedef struct field {
    const char *name; /* as in doc.h, for messages */
    ftype type;
    size_t offset;       /* of the member in its struct */
    size_t count_offset; /* F_TEXTS, F_RECORDS: of the member's _count */
    const record *of;    /* F_RECORDS: the layout of one element */
    int min, max;        /* F_ENUM */
} field;

struct record {
    size_t size; /* sizeof the struct */
    const field *fields;
    size_t count;
};

#define TEXT(s, m)                                                                                 \
    { #m, F_TEXT, offsetof(s, m), 0, NULL, 0, 0 }
#define OPT_TEXT(s, m)                                                                             \
    { #m, F_OPT_TEXT, offsetof(s, m), 0, NULL, 0, 0 }
#define TEXTS(s, m)                                                                                \
    { #m, F_TEXTS, offsetof(s, m), offsetof(s, m##_count), NULL, 0, 0 }
#define BOOL(s, m)                                                                                 \
    { #m, F_BOOL, offsetof(s, m), 0, NULL, 0, 0 }
#define INT64(s, m)                                                                                \
    { #m, F_INT64, offsetof(s, m), 0, NULL, 0, 0 }
#define ENUM(s, m, lo, hi)                                                                         \
    { #m, F_ENUM, offsetof(s, m), 0, NULL, lo, hi }
#define RECORDS(s, m, r)                                                                           \
    { #m, F_RECORDS, offsetof(s, m), offsetof(s, m##_count), &r, 0, 0 }
#define RECORD(s, f)                                                                               \
    { sizeof(s), f, sizeof f / sizeof f[0] }

/* Enums are read and written as int. */
_Static_assert(sizeof(elg_category) == sizeof(int), "elg_category is not int-sized");
_Static_assert(sizeof(elg_resource_status) == sizeof(int), "elg_resource_status is not int-sized");

/* A field added to one of these structs must be added to its table (and
 * ELG_FORM_FORMAT raised), or the form would lose it: on the usual 64-bit
 * targets, a changed size stops the build here as a reminder. */
#if UINTPTR_MAX == UINT64_MAX
/* 184: with aid_received and published (24 bytes), which the engine fills and the form never
 * holds. */
_Static_assert(sizeof(elg_project) == 184, "elg_project changed: update project_fields");
_Static_assert(sizeof(elg_applicant) == 88, "elg_applicant changed: update applicant_fields");
_Static_assert(sizeof(elg_expense) == 32, "elg_expense changed: update expense_fields");
_Static_assert(sizeof(elg_resource) == 56, "elg_resource changed: update resource_fields");
_Static_assert(sizeof(elg_declared_aid) == 24, "elg_declared_aid changed: update aid_fields");
_Static_assert(sizeof(elg_application) == 16, "elg_application changed: update application_fields");
#endif

static const field applicant_fields[] = {
    TEXT(elg_applicant, name),        OPT_TEXT(elg_applicant, status),
    OPT_TEXT(elg_applicant, siret),   OPT_TEXT(elg_applicant, rna),
    OPT_TEXT(elg_applicant, commune), OPT_TEXT(elg_applicant, insee),
    BOOL(elg_applicant, has_share),   INT64(elg_applicant, share.num),
    INT64(elg_applicant, share.den),  TEXTS(elg_applicant, approvals),
};
static const record applicant_record = RECORD(elg_applicant, applicant_fields);

static const field expense_fields[] = {
    ENUM(elg_expense, category, ELG_CAT_STAFF, ELG_CAT_OTHER),
    TEXT(elg_expense, label),
    INT64(elg_expense, amount),
    OPT_TEXT(elg_expense, action),
};
static const record expense_record = RECORD(elg_expense, expense_fields);

static const field resource_fields[] = {
    TEXT(elg_resource, financer),
    OPT_TEXT(elg_resource, label),
    INT64(elg_resource, amount),
    ENUM(elg_resource, status, ELG_RES_REQUESTED, ELG_RES_GRANTED),
    ENUM(elg_resource, earmark, 0, ELG_CAT_OTHER), /* 0: not earmarked */
    OPT_TEXT(elg_resource, action),
    OPT_TEXT(elg_resource, grant_reference),
    OPT_TEXT(elg_resource, grant_date),
};
static const record resource_record = RECORD(elg_resource, resource_fields);

static const field application_fields[] = {
    TEXT(elg_application, call),
    INT64(elg_application, requested),
};
static const record application_record = RECORD(elg_application, application_fields);

static const field aid_fields[] = {
    TEXT(elg_declared_aid, date),
    INT64(elg_declared_aid, amount),
    OPT_TEXT(elg_declared_aid, source),
};
static const record aid_record = RECORD(elg_declared_aid, aid_fields);

static const field project_fields[] = {
    TEXT(elg_project, id),
    TEXT(elg_project, title),
    OPT_TEXT(elg_project, owner_status),
    RECORDS(elg_project, applicants, applicant_record),
    TEXTS(elg_project, territory),
    TEXT(elg_project, start),
    TEXT(elg_project, end),
    OPT_TEXT(elg_project, submitted),
    TEXTS(elg_project, themes),
    RECORDS(elg_project, expenses, expense_record),
    RECORDS(elg_project, resources, resource_record),
    RECORDS(elg_project, applies_to, application_record),
    RECORDS(elg_project, de_minimis, aid_record),
};
static const record project_record = RECORD(elg_project, project_fields);

/* Records nest once: the project, then the elements of its arrays. */
#define MAX_DEPTH 2

/* Arrays are aligned for any type; strings need no alignment. */
#define ARRAY_ALIGN alignof(max_align_t)

/* The offset at which the next block of the arena starts. */
static size_t align_up(size_t used, size_t align) {
    return (used + align - 1) / align * align;
}

/* Member access by the tables' offsets. */
static void *member(const void *obj, size_t offset) {
    return (char *)obj + offset;
}

static size_t count_of(const void *obj, const field *f) {
    size_t n;
    memcpy(&n, member(obj, f->count_offset), sizeof n);
    return n;
}

/* ---- encoding -------------------------------------------------------------- */

typedef struct writer {
    msgpack_packer pk;
    bool failed;         /* a write into the buffer ran out of memory */
    const char *missing; /* a required field that is NULL */
    size_t arena;        /* bytes the decoder will take, in its order */
} writer;

static void put_text(writer *w, const char *s, const char *name, bool optional) {
    size_t n;

    if (!s) {
        if (!optional && !w->missing)
            w->missing = name;
        w->failed |= msgpack_pack_nil(&w->pk) != 0;
        return;
    }
    n = strlen(s);
    w->arena += n + 1;
    w->failed |= msgpack_pack_str_with_body(&w->pk, s, n) != 0;
}

static void put_record(writer *w, const record *r, const void *obj);

/* An array header, and the block the decoder will take for its elements. */
static void put_array(writer *w, size_t count, size_t elem_size) {
    if (count)
        w->arena = align_up(w->arena, ARRAY_ALIGN) + count * elem_size;
    w->failed |= msgpack_pack_array(&w->pk, count) != 0;
}

static void put_field(writer *w, const field *f, const void *obj) {
    const void *at = member(obj, f->offset);
    char *const *texts;
    const char *elems;
    int64_t i64;
    int e;
    bool b;

    switch (f->type) {
    case F_TEXT:
    case F_OPT_TEXT:
        put_text(w, *(char *const *)at, f->name, f->type == F_OPT_TEXT);
        break;
    case F_TEXTS:
        texts = *(char *const *const *)at;
        put_array(w, count_of(obj, f), sizeof(char *));
        for (size_t i = 0; i < count_of(obj, f); i++)
            put_text(w, texts[i], f->name, false);
        break;
    case F_BOOL:
        memcpy(&b, at, sizeof b);
        w->failed |= (b ? msgpack_pack_true(&w->pk) : msgpack_pack_false(&w->pk)) != 0;
        break;
    case F_INT64:
        memcpy(&i64, at, sizeof i64);
        w->failed |= msgpack_pack_int64(&w->pk, i64) != 0;
        break;
    case F_ENUM:
        memcpy(&e, at, sizeof e);
        w->failed |= msgpack_pack_int(&w->pk, e) != 0;
        break;
    case F_RECORDS:
        elems = *(const char *const *)at;
        put_array(w, count_of(obj, f), f->of->size);
        for (size_t i = 0; i < count_of(obj, f); i++)
            put_record(w, f->of, elems + i * f->of->size);
        break;
    }
}

static void put_record(writer *w, const record *r, const void *obj) {
    w->failed |= msgpack_pack_array(&w->pk, r->count) != 0;
    for (size_t i = 0; i < r->count; i++)
        put_field(w, &r->fields[i], obj);
}

int elg_form_encode_project(const elg_project *p, char **buf, size_t *len, elg_error *err) {
    msgpack_sbuffer sb;
    writer w = {.failed = false};
    size_t arena_at;
    uint32_t arena;
    int rc = ELG_OK;

    if (!p || !buf || !len)
        return elg_error_set(err, ELG_EUSAGE, "elg_form_encode_project: missing argument");
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&w.pk, &sb, msgpack_sbuffer_write);

    w.failed |= msgpack_pack_array(&w.pk, 3) != 0;
    w.failed |= msgpack_pack_unsigned_int(&w.pk, ELG_FORM_FORMAT) != 0;
    /* The arena size is known only at the end: a fixed-width placeholder,
     * filled in below. */
    arena_at = sb.size;
    w.failed |= msgpack_pack_fix_uint32(&w.pk, 0) != 0;
    put_record(&w, &project_record, p);

    if (w.failed) {
        rc = elg_error_set(err, ELG_ENOMEM, "encoding project \"%s\": out of memory",
                           p->id ? p->id : "");
        goto fail;
    }
    if (w.missing) {
        rc = elg_error_set(err, ELG_EUSAGE, "encoding project \"%s\": its %s is missing",
                           p->id ? p->id : "", w.missing);
        goto fail;
    }
    if (w.arena > UINT32_MAX) {
        rc = elg_error_set(err, ELG_EUSAGE, "encoding project \"%s\": too large for its form",
                           p->id ? p->id : "");
        goto fail;
    }
    arena = (uint32_t)w.arena;
    /* 0xce, then the value big-endian (MessagePack uint 32). */
    for (int i = 0; i < 4; i++)
        sb.data[arena_at + 1 + i] = (char)(arena >> (24 - 8 * i) & 0xff);
    *len = sb.size;
    *buf = msgpack_sbuffer_release(&sb);
    return ELG_OK;

fail:
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

/* ---- decoding -------------------------------------------------------------- */

struct elg_form_project {
    elg_project project;
    max_align_t arena[]; /* every string and array of project */
};

typedef struct reader {
    unsigned char *base; /* the arena */
    size_t used, cap;
    /* Where the walk is, for messages: the field at each depth and the index
     * within it when it is an array (SIZE_MAX otherwise). */
    const field *at[MAX_DEPTH];
    size_t index[MAX_DEPTH];
    int depth;
    elg_error *err;
} reader;

/* what: a msgid (test_i18n extracts corrupt's second argument). */
static int corrupt(reader *r, const char *what) {
    char path[160] = "";
    what = elg_tr(what);
    size_t n = 0;

    for (int d = 0; d <= r->depth && d < MAX_DEPTH && r->at[d]; d++) {
        int k = snprintf(path + n, sizeof path - n, "%s%s", d ? "." : "", r->at[d]->name);
        if (k > 0 && (size_t)k < sizeof path - n)
            n += (size_t)k;
        if (r->index[d] != SIZE_MAX) {
            k = snprintf(path + n, sizeof path - n, "[%zu]", r->index[d]);
            if (k > 0 && (size_t)k < sizeof path - n)
                n += (size_t)k;
        }
    }
    if (!n)
        return elg_error_set(r->err, ELG_ESTORE, "corrupt compact project form: %s", what);
    return elg_error_set(r->err, ELG_ESTORE, "corrupt compact project form: %s: %s", path, what);
}

/* The next n bytes of the arena at the given alignment, or NULL when the form
 * claimed fewer bytes than its content takes. */
static void *take(reader *r, size_t n, size_t align) {
    size_t start = align_up(r->used, align);

    if (start < r->used || start > r->cap || n > r->cap - start)
        return NULL;
    r->used = start + n;
    return r->base + start;
}

static int get_text(reader *r, const msgpack_object *o, bool optional, char **out) {
    char *s;

    if (o->type == MSGPACK_OBJECT_NIL && optional) {
        *out = NULL;
        return ELG_OK;
    }
    if (o->type != MSGPACK_OBJECT_STR)
        return optional ? corrupt(r, "expected text or nil") : corrupt(r, "expected text");
    /* A NUL inside would silently cut the text short. */
    if (memchr(o->via.str.ptr, '\0', o->via.str.size))
        return corrupt(r, "text contains a NUL byte");
    if (!(s = take(r, (size_t)o->via.str.size + 1, 1)))
        return corrupt(r, "content larger than the size it declares");
    memcpy(s, o->via.str.ptr, o->via.str.size);
    s[o->via.str.size] = '\0';
    *out = s;
    return ELG_OK;
}

static int get_int64(reader *r, const msgpack_object *o, int64_t *out) {
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX)
        *out = (int64_t)o->via.u64;
    else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        *out = o->via.i64;
    else
        return corrupt(r, "expected a 64-bit integer");
    return ELG_OK;
}

/* The elements' block of an array field: NULL for an empty array. */
static int get_array(reader *r, const msgpack_object *o, size_t elem_size, void **block,
                     size_t *count) {
    size_t n;

    if (o->type != MSGPACK_OBJECT_ARRAY)
        return corrupt(r, "expected an array");
    n = o->via.array.size;
    *count = n;
    *block = NULL;
    if (n == 0)
        return ELG_OK;
    if (n > SIZE_MAX / elem_size || !(*block = take(r, n * elem_size, ARRAY_ALIGN)))
        return corrupt(r, "content larger than the size it declares");
    return ELG_OK;
}

static int get_record(reader *r, const record *rec, const msgpack_object *o, void *obj, int depth);

static int get_field(reader *r, const field *f, const msgpack_object *o, void *obj, int depth) {
    void *at = member(obj, f->offset), *block = NULL;
    size_t n = 0;
    int64_t i64 = 0;
    int rc = ELG_OK, e;
    bool b;

    switch (f->type) {
    case F_TEXT:
    case F_OPT_TEXT:
        return get_text(r, o, f->type == F_OPT_TEXT, at);
    case F_TEXTS:
        if ((rc = get_array(r, o, sizeof(char *), &block, &n)))
            return rc;
        for (size_t i = 0; i < n && rc == ELG_OK; i++) {
            r->index[depth] = i;
            rc = get_text(r, &o->via.array.ptr[i], false, (char **)block + i);
        }
        break;
    case F_BOOL:
        if (o->type != MSGPACK_OBJECT_BOOLEAN)
            return corrupt(r, "expected true or false");
        b = o->via.boolean;
        memcpy(at, &b, sizeof b);
        return ELG_OK;
    case F_INT64:
        if ((rc = get_int64(r, o, &i64)))
            return rc;
        memcpy(at, &i64, sizeof i64);
        return ELG_OK;
    case F_ENUM:
        if ((rc = get_int64(r, o, &i64)))
            return rc;
        if (i64 < f->min || i64 > f->max)
            return corrupt(r, "value out of range");
        e = (int)i64;
        memcpy(at, &e, sizeof e);
        return ELG_OK;
    case F_RECORDS:
        if ((rc = get_array(r, o, f->of->size, &block, &n)))
            return rc;
        for (size_t i = 0; i < n && rc == ELG_OK; i++) {
            r->index[depth] = i;
            rc = get_record(r, f->of, &o->via.array.ptr[i], (char *)block + i * f->of->size,
                            depth + 1);
        }
        break;
    }
    if (rc == ELG_OK) {
        memcpy(at, &block, sizeof block);
        memcpy(member(obj, f->count_offset), &n, sizeof n);
    }
    return rc;
}

static int get_record(reader *r, const record *rec, const msgpack_object *o, void *obj, int depth) {
    int rc = ELG_OK;

    if (depth >= MAX_DEPTH)
        return corrupt(r, "records nested too deep"); /* the tables never nest deeper */
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != rec->count) {
        char what[64];
        snprintf(what, sizeof what, elg_tr("expected a record of %zu fields"), rec->count);
        return corrupt(r, what);
    }
    for (size_t i = 0; i < rec->count && rc == ELG_OK; i++) {
        r->depth = depth;
        r->at[depth] = &rec->fields[i];
        r->index[depth] = SIZE_MAX;
        rc = get_field(r, &rec->fields[i], &o->via.array.ptr[i], obj, depth);
    }
    return rc;
}

/* The form's header: its format and the arena size it declares. */
static int get_header(reader *r, const msgpack_object *root, size_t len, size_t *arena) {
    const msgpack_object *v;

    if (root->type != MSGPACK_OBJECT_ARRAY || root->via.array.size != 3)
        return corrupt(r, "expected [format, size, project]");
    v = root->via.array.ptr;
    if (v[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return corrupt(r, "no format number");
    if (v[0].via.u64 != ELG_FORM_FORMAT)
        return elg_error_set(r->err, ELG_ESTORE,
                             "compact project form of format %llu, this eligo reads format %d",
                             (unsigned long long)v[0].via.u64, ELG_FORM_FORMAT);
    /* The densest content (a list of empty strings) takes 12 arena bytes per
     * byte of form; a larger claim is corruption, not a reason to allocate. */
    if (v[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER || v[1].via.u64 > UINT32_MAX ||
        v[1].via.u64 / 32 > len)
        return corrupt(r, "implausible size");
    *arena = (size_t)v[1].via.u64;
    return ELG_OK;
}

int elg_form_decode_project(const void *buf, size_t len, elg_form_project **out, elg_error *err) {
    msgpack_unpacked u;
    elg_form_project *f = NULL;
    reader r = {.err = err};
    size_t off = 0, arena = 0;
    int rc;

    if (out)
        *out = NULL;
    if (!buf || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_form_decode_project: missing argument");
    msgpack_unpacked_init(&u);
    switch (msgpack_unpack_next(&u, buf, len, &off)) {
    case MSGPACK_UNPACK_SUCCESS:
        rc = off == len ? ELG_OK : corrupt(&r, "bytes after the end");
        break;
    case MSGPACK_UNPACK_CONTINUE:
        rc = corrupt(&r, "truncated");
        break;
    case MSGPACK_UNPACK_NOMEM_ERROR:
        /* msgpack-c allocates what an array header announces before
         * reading its elements, so a corrupt count ends here too. */
        rc = corrupt(&r, "an array larger than memory allows");
        break;
    default:
        rc = corrupt(&r, "not MessagePack");
        break;
    }
    if (rc || (rc = get_header(&r, &u.data, len, &arena)))
        goto out;

    if (!(f = malloc(offsetof(elg_form_project, arena) + arena))) {
        rc = elg_error_set(err, ELG_ENOMEM, "decoding a compact project form: out of memory");
        goto out;
    }
    /* The engine-filled members (aid_received, published) are not in the form: empty. */
    memset(&f->project, 0, sizeof f->project);
    r.base = (unsigned char *)f->arena;
    r.cap = arena;
    if ((rc = get_record(&r, &project_record, &u.data.via.array.ptr[2], &f->project, 0)))
        goto out;
    r.depth = -1; /* what follows is about the whole form */
    if (r.used != arena) {
        rc = corrupt(&r, "content smaller than the size it declares");
        goto out;
    }
    *out = f;
    f = NULL;

out:
    free(f);
    msgpack_unpacked_destroy(&u);
    return rc;
}

const elg_project *elg_form_project_get(const elg_form_project *f) {
    return f ? &f->project : NULL;
}

void elg_form_project_free(elg_form_project *f) {
    free(f);
}
