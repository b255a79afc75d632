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

#include <msgpack.h> /* the encoder's packer */
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

/* ---- MessagePack, read in place ---------------------------------------------
 *
 * msgpack-c reads only into a tree of msgpack_object made in a zone, which the
 * tables' walk then read again: that was half of a decision's project
 * decoding, for the few MessagePack types a form holds. The walk below reads
 * the bytes in place, in one pass, each value's head checked against the
 * bytes left: a form that ends early is "truncated", a byte MessagePack never
 * uses (0xc1) "not MessagePack", bytes past the project "bytes after the end",
 * and what the tables do not expect is refused by name as before. */

typedef enum mp_kind {
    MP_NIL,
    MP_BOOL,
    MP_UINT, /* a non-negative integer, as msgpack-c's POSITIVE_INTEGER */
    MP_NINT, /* a negative one */
    MP_STR,
    MP_ARRAY,
    MP_OTHER, /* float, bin, map, ext: never in a form */
} mp_kind;

/* One value's head: its kind, its integer, boolean, text length or count. */
typedef struct mp_head {
    mp_kind kind;
    uint64_t u; /* MP_UINT, MP_BOOL (0 or 1), MP_STR's length, MP_ARRAY's count */
    int64_t i;  /* MP_NINT */
} mp_head;

typedef struct mp_cursor {
    const unsigned char *p, *end;
    int fail; /* 0, or 1 when the bytes ended early, 2 for a byte MessagePack never uses */
} mp_cursor;

static uint64_t be(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v = v << 8 | p[k];
    return v;
}

/* The types past the fixed ones (0xc0 to 0xdf): their kind and the bytes of
 * their fixed part after the type byte. */
static const struct {
    unsigned char kind, size;
} mp_types[32] = {
    [0x00] = {MP_NIL, 0},   [0x01] = {MP_OTHER, 0}, [0x02] = {MP_BOOL, 0},  [0x03] = {MP_BOOL, 0},
    [0x04] = {MP_OTHER, 1}, [0x05] = {MP_OTHER, 2},                         /* bin */
    [0x06] = {MP_OTHER, 4}, [0x07] = {MP_OTHER, 1}, [0x08] = {MP_OTHER, 2}, /* ext */
    [0x09] = {MP_OTHER, 4}, [0x0a] = {MP_OTHER, 4}, [0x0b] = {MP_OTHER, 8}, /* float */
    [0x0c] = {MP_UINT, 1},  [0x0d] = {MP_UINT, 2},  [0x0e] = {MP_UINT, 4},  [0x0f] = {MP_UINT, 8},
    [0x10] = {MP_NINT, 1},  [0x11] = {MP_NINT, 2},  [0x12] = {MP_NINT, 4},  [0x13] = {MP_NINT, 8},
    [0x14] = {MP_OTHER, 2}, /* fixext */
    [0x15] = {MP_OTHER, 3}, [0x16] = {MP_OTHER, 5}, [0x17] = {MP_OTHER, 9}, [0x18] = {MP_OTHER, 17},
    [0x19] = {MP_STR, 1},   [0x1a] = {MP_STR, 2},   [0x1b] = {MP_STR, 4},   [0x1c] = {MP_ARRAY, 2},
    [0x1d] = {MP_ARRAY, 4}, [0x1e] = {MP_OTHER, 2}, [0x1f] = {MP_OTHER, 4}, /* map */
};

/* The head of the next value, the cursor past it (a text's bytes are then at
 * c->p, and checked to be there). false when the bytes end early or hold
 * 0xc1 (c->fail says which); a value of a type a form never holds is
 * MP_OTHER, and the walk stops at it. */
static bool mp_next(mp_cursor *c, mp_head *h) {
    if (c->p >= c->end) {
        c->fail = 1;
        return false;
    }
    unsigned v = *c->p++;
    if (v <= 0x7f) {
        *h = (mp_head){MP_UINT, v, 0};
        return true;
    }
    if (v >= 0xe0) {
        *h = (mp_head){MP_NINT, 0, (int8_t)v};
        return true;
    }
    size_t left = (size_t)(c->end - c->p);
    if ((v & 0xe0) == 0xa0) {
        *h = (mp_head){MP_STR, v & 0x1f, 0};
    } else if ((v & 0xf0) == 0x90) {
        *h = (mp_head){MP_ARRAY, v & 0x0f, 0};
        return true;
    } else if ((v & 0xf0) == 0x80) {
        *h = (mp_head){MP_OTHER, 0, 0}; /* fixmap */
        return true;
    } else {
        unsigned t = v - 0xc0, n = mp_types[t].size;
        if (t == 0x01) {
            c->fail = 2;
            return false;
        }
        if (n > left) {
            c->fail = 1;
            return false;
        }
        uint64_t x = n && n <= 8 ? be(c->p, (int)n) : 0;
        c->p += n;
        left -= n;
        *h = (mp_head){(mp_kind)mp_types[t].kind, x, 0};
        if (t == 0x02 || t == 0x03) {
            h->u = t == 0x03;
        } else if (h->kind == MP_NINT) {
            int64_t i = n == 1 ? (int8_t)x : n == 2 ? (int16_t)x : n == 4 ? (int32_t)x : (int64_t)x;
            /* msgpack-c reads a signed encoding of a value >= 0 as positive. */
            *h = i >= 0 ? (mp_head){MP_UINT, (uint64_t)i, 0} : (mp_head){MP_NINT, 0, i};
        }
        if (h->kind != MP_STR)
            return true;
    }
    if (h->u > left) {
        c->fail = 1;
        return false;
    }
    return true;
}

/* The cursor's failure (the bytes ended early, or are not MessagePack),
 * about the whole form; else what: what the value read is not. */
static int unexpected(reader *r, const mp_cursor *c, const char *what) {
    if (c->fail) {
        r->depth = -1; /* about the whole form */
        return c->fail == 1 ? corrupt(r, "truncated") : corrupt(r, "not MessagePack");
    }
    return corrupt(r, what);
}

static int get_text(reader *r, mp_cursor *c, bool optional, char **out) {
    char *s;
    mp_head h;

    if (mp_next(c, &h) && h.kind == MP_NIL && optional) {
        *out = NULL;
        return ELG_OK;
    }
    if (c->fail || h.kind != MP_STR)
        return optional ? unexpected(r, c, "expected text or nil")
                        : unexpected(r, c, "expected text");
    const char *text = (const char *)c->p;
    size_t n = (size_t)h.u;
    c->p += n;
    /* A NUL inside would silently cut the text short. */
    if (memchr(text, '\0', n))
        return corrupt(r, "text contains a NUL byte");
    if (!(s = take(r, n + 1, 1)))
        return corrupt(r, "content larger than the size it declares");
    memcpy(s, text, n);
    s[n] = '\0';
    *out = s;
    return ELG_OK;
}

static int get_int64(reader *r, mp_cursor *c, int64_t *out) {
    mp_head h;
    if (!mp_next(c, &h))
        return unexpected(r, c, NULL);
    if (h.kind == MP_UINT && h.u <= INT64_MAX)
        *out = (int64_t)h.u;
    else if (h.kind == MP_NINT)
        *out = h.i;
    else
        return corrupt(r, "expected a 64-bit integer");
    return ELG_OK;
}

/* The elements' block of an array field: NULL for an empty array. Each
 * element takes a byte at least: a count past the bytes left is a
 * truncation, found before its block is taken. */
static int get_array(reader *r, mp_cursor *c, size_t elem_size, void **block, size_t *count) {
    mp_head h;
    size_t n;

    if (!mp_next(c, &h) || h.kind != MP_ARRAY)
        return unexpected(r, c, "expected an array");
    if (h.u > (uint64_t)(c->end - c->p)) {
        c->fail = 1;
        return unexpected(r, c, NULL);
    }
    n = (size_t)h.u;
    *count = n;
    *block = NULL;
    if (n == 0)
        return ELG_OK;
    if (n > SIZE_MAX / elem_size || !(*block = take(r, n * elem_size, ARRAY_ALIGN)))
        return corrupt(r, "content larger than the size it declares");
    return ELG_OK;
}

static int get_record(reader *r, const record *rec, mp_cursor *c, void *obj, int depth);

static int get_field(reader *r, const field *f, mp_cursor *c, void *obj, int depth) {
    void *at = member(obj, f->offset), *block = NULL;
    size_t n = 0;
    int64_t i64 = 0;
    int rc = ELG_OK, e;
    bool b;
    mp_head h;

    switch (f->type) {
    case F_TEXT:
    case F_OPT_TEXT:
        return get_text(r, c, f->type == F_OPT_TEXT, at);
    case F_TEXTS:
        if ((rc = get_array(r, c, sizeof(char *), &block, &n)))
            return rc;
        for (size_t i = 0; i < n && rc == ELG_OK; i++) {
            r->index[depth] = i;
            rc = get_text(r, c, false, (char **)block + i);
        }
        break;
    case F_BOOL:
        if (!mp_next(c, &h) || h.kind != MP_BOOL)
            return unexpected(r, c, "expected true or false");
        b = h.u != 0;
        memcpy(at, &b, sizeof b);
        return ELG_OK;
    case F_INT64:
        if ((rc = get_int64(r, c, &i64)))
            return rc;
        memcpy(at, &i64, sizeof i64);
        return ELG_OK;
    case F_ENUM:
        if ((rc = get_int64(r, c, &i64)))
            return rc;
        if (i64 < f->min || i64 > f->max)
            return corrupt(r, "value out of range");
        e = (int)i64;
        memcpy(at, &e, sizeof e);
        return ELG_OK;
    case F_RECORDS:
        if ((rc = get_array(r, c, f->of->size, &block, &n)))
            return rc;
        for (size_t i = 0; i < n && rc == ELG_OK; i++) {
            r->index[depth] = i;
            rc = get_record(r, f->of, c, (char *)block + i * f->of->size, depth + 1);
        }
        break;
    }
    if (rc == ELG_OK) {
        memcpy(at, &block, sizeof block);
        memcpy(member(obj, f->count_offset), &n, sizeof n);
    }
    return rc;
}

static int get_record(reader *r, const record *rec, mp_cursor *c, void *obj, int depth) {
    int rc = ELG_OK;
    mp_head h;

    if (depth >= MAX_DEPTH)
        return corrupt(r, "records nested too deep"); /* the tables never nest deeper */
    if (!mp_next(c, &h) || h.kind != MP_ARRAY || h.u != rec->count) {
        char what[64];
        snprintf(what, sizeof what, elg_tr("expected a record of %zu fields"), rec->count);
        return unexpected(r, c, what);
    }
    for (size_t i = 0; i < rec->count && rc == ELG_OK; i++) {
        r->depth = depth;
        r->at[depth] = &rec->fields[i];
        r->index[depth] = SIZE_MAX;
        rc = get_field(r, &rec->fields[i], c, obj, depth);
    }
    return rc;
}

/* Whether the values from c on (the rest of the form) end before its bytes
 * do: what tells a form cut short from a corrupt size when the size is too
 * large for the bytes (sets c->fail; only on that path). */
static bool ends_early(mp_cursor *c) {
    mp_cursor k = *c;
    uint64_t pending = 1; /* the project */
    mp_head h;
    while (pending && mp_next(&k, &h)) {
        pending--;
        if (h.kind == MP_STR)
            k.p += h.u;
        else if (h.kind == MP_ARRAY)
            pending += h.u;
        else if (h.kind == MP_OTHER)
            return false; /* a type no form holds: corrupt, not short */
    }
    c->fail = k.fail;
    return k.fail == 1;
}

/* The form's header: its format and the arena size it declares; the cursor
 * is left at the project. */
static int get_header(reader *r, mp_cursor *c, size_t len, size_t *arena) {
    mp_head root, v0, v1;

    if (!mp_next(c, &root) || root.kind != MP_ARRAY || root.u != 3)
        return unexpected(r, c, "expected [format, size, project]");
    if (!mp_next(c, &v0) || v0.kind != MP_UINT)
        return unexpected(r, c, "no format number");
    if (v0.u != ELG_FORM_FORMAT)
        return elg_error_set(r->err, ELG_ESTORE,
                             "compact project form of format %llu, this eligo reads format %d",
                             (unsigned long long)v0.u, ELG_FORM_FORMAT);
    /* The densest content (a list of empty strings) takes 12 arena bytes per
     * byte of form; a larger claim is corruption, not a reason to allocate. */
    if (!mp_next(c, &v1) || v1.kind != MP_UINT || v1.u > UINT32_MAX)
        return unexpected(r, c, "implausible size");
    if (v1.u / 32 > len)
        return ends_early(c) ? unexpected(r, c, NULL) : corrupt(r, "implausible size");
    *arena = (size_t)v1.u;
    return ELG_OK;
}

int elg_form_decode_project(const void *buf, size_t len, elg_form_project **out, elg_error *err) {
    elg_form_project *f = NULL;
    reader r = {.err = err, .depth = -1};
    size_t arena = 0;
    int rc;

    if (out)
        *out = NULL;
    if (!buf || !out)
        return elg_error_set(err, ELG_EUSAGE, "elg_form_decode_project: missing argument");
    mp_cursor c = {buf, (const unsigned char *)buf + len, 0};
    if ((rc = get_header(&r, &c, len, &arena)))
        goto out;

    if (!(f = malloc(offsetof(elg_form_project, arena) + arena))) {
        rc = elg_error_set(err, ELG_ENOMEM, "decoding a compact project form: out of memory");
        goto out;
    }
    /* The engine-filled members (aid_received, published) are not in the form: empty. */
    memset(&f->project, 0, sizeof f->project);
    r.base = (unsigned char *)f->arena;
    r.cap = arena;
    if ((rc = get_record(&r, &project_record, &c, &f->project, 0)))
        goto out;
    r.depth = -1; /* what follows is about the whole form */
    if (c.p != c.end)
        rc = corrupt(&r, "bytes after the end");
    else if (r.used != arena)
        rc = corrupt(&r, "content smaller than the size it declares");
    if (rc)
        goto out;
    *out = f;
    f = NULL;

out:
    free(f);
    return rc;
}

const elg_project *elg_form_project_get(const elg_form_project *f) {
    return f ? &f->project : NULL;
}

void elg_form_project_free(elg_form_project *f) {
    free(f);
}
