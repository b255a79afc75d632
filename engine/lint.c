/*
 * lint: static and dynamic checks of a call's rules (see lint.h).
 *
 * Why a bytecode listing and not a scanner of our own: which name is a
 * global depends on Lua's scoping rules (locals, upvalues, `local function`,
 * the scope of `repeat ... until`, for-loop variables, attributes, goto),
 * and a hand-written scanner would re-implement them and drift. The Lua
 * compiler resolves them exactly: in its listing every global read is a
 * GETTABUP on the upvalue _ENV and every global write a SETTABUP, each with
 * its source line. When a function has more than 255 constants the compiler
 * falls back to GETUPVAL _ENV + LOADK name + GETTABLE/SETTABLE, which is
 * followed here with a little register tracking. The listing format is
 * luac's (stable across Lua 5.4 releases); Debian ships it in package lua5.4.
 */
#include "lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define NREGS 256 /* Lua functions have at most 255 registers */

void elg_lint_add(json_t *findings, const char *file, int line, const char *check, const char *fmt,
                  ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *f =
        json_pack("{s:s,s:i,s:s,s:s}", "file", file, "line", line, "check", check, "message", msg);
    if (!f) /* text that is not UTF-8 (a name in a rule file): keep the finding */
        f = json_pack("{s:s,s:i,s:s,s:s}", "file", file, "line", line, "check", check, "message",
                      "(message illisible : texte qui n'est pas de l'UTF-8)");
    json_array_append_new(findings, f);
}

static int cmp_findings(const void *a, const void *b) {
    json_t *const *x = a, *const *y = b;
    int c = strcmp(json_string_value(json_object_get(*x, "file")),
                   json_string_value(json_object_get(*y, "file")));
    if (c)
        return c;
    json_int_t lx = json_integer_value(json_object_get(*x, "line"));
    json_int_t ly = json_integer_value(json_object_get(*y, "line"));
    if (lx != ly)
        return lx < ly ? -1 : 1;
    json_int_t ox = json_integer_value(json_object_get(*x, "order"));
    json_int_t oy = json_integer_value(json_object_get(*y, "order"));
    return ox < oy ? -1 : ox > oy;
}

void elg_lint_sort(json_t *findings) {
    size_t n = json_array_size(findings);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        v[i] = json_incref(json_array_get(findings, i));
        json_object_set_new(v[i], "order", json_integer((json_int_t)i));
    }
    qsort(v, n, sizeof *v, cmp_findings);
    json_array_clear(findings);
    for (size_t i = 0; i < n; i++) {
        json_object_del(v[i], "order");
        json_array_append_new(findings, v[i]);
    }
    free(v);
}

/* ---- suggestions ---------------------------------------------------------- */

const char *elg_lint_suggest(const char *name, json_t *candidates) {
    const char *best = NULL;
    size_t best_d = 3;
    size_t i;
    json_t *c;
    json_array_foreach(candidates, i, c) {
        const char *s = json_string_value(c);
        if (!s || strcmp(s, name) == 0)
            continue;
        size_t d = elg_suggest_distance(name, s);
        if (d < best_d && elg_suggest_close(name, d)) {
            best = s;
            best_d = d;
        }
    }
    return best;
}

/* " (vouliez-vous dire « x » ?)" or "". */
static const char *did_you_mean(char *buf, size_t size, const char *name, json_t *candidates) {
    const char *s = elg_lint_suggest(name, candidates);
    if (!s)
        return "";
    snprintf(buf, size, " (vouliez-vous dire « %s » ?)", s);
    return buf;
}

static int in_list(json_t *list, const char *name) {
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return 1;
    }
    return 0;
}

/* ---- the listing ------------------------------------------------------------ */

/* One instruction of a listing line such as
 *   "\t3\t[2]\tGETTABUP \t1 0 0\t; _ENV \"ceiling\"" */
typedef struct insn {
    int line;
    char op[16];
    int a[3];
    int nargs;
    const char *comment; /* after "; ", NULL when none */
} insn;

static int parse_insn(const char *s, insn *in) {
    char *end;
    if (*s != '\t')
        return 0;
    strtol(s + 1, &end, 10); /* instruction number */
    if (end == s + 1 || end[0] != '\t' || end[1] != '[')
        return 0;
    in->line = (int)strtol(end + 2, &end, 10);
    if (*end != ']')
        return 0;
    s = end + 1;
    while (*s == '\t' || *s == ' ')
        s++;
    size_t n = 0;
    while (s[n] >= 'A' && s[n] <= 'Z' && n < sizeof in->op - 1)
        n++;
    memcpy(in->op, s, n);
    in->op[n] = '\0';
    s += n;
    in->nargs = 0;
    in->comment = NULL;
    while (*s && *s != '\n') {
        if (*s == ';') {
            in->comment = s + 1 + (s[1] == ' ');
            break;
        }
        if ((*s == '-' || (*s >= '0' && *s <= '9')) && in->nargs < 3) {
            in->a[in->nargs++] = (int)strtol(s, &end, 10);
            s = end;
            if (*s == 'k')
                s++;
            continue;
        }
        s++;
    }
    return n > 0;
}

/* Reads a quoted string as luac prints it ("...", with \" \\ \n \ddd
 * escapes) into buf; returns the position after it, or NULL. */
static const char *read_quoted(const char *s, char *buf, size_t size) {
    if (*s != '"')
        return NULL;
    size_t n = 0;
    for (s++; *s && *s != '"' && *s != '\n'; s++) {
        char ch = *s;
        if (ch == '\\' && s[1]) {
            s++;
            if (*s >= '0' && *s <= '9') {
                int v = 0;
                for (int k = 0; k < 3 && *s >= '0' && *s <= '9'; k++, s++)
                    v = v * 10 + (*s - '0');
                s--;
                ch = (char)v;
            } else {
                ch = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s;
            }
        }
        if (n + 1 < size)
            buf[n++] = ch;
    }
    buf[n] = '\0';
    return *s == '"' ? s + 1 : NULL;
}

/* "_ENV \"name\"" -> name. */
static int env_key(const char *comment, char *buf, size_t size) {
    if (!comment || strncmp(comment, "_ENV \"", 6) != 0)
        return 0;
    return read_quoted(comment + 5, buf, size) != NULL;
}

static int writes_register_a(const char *op) {
    static const char *const non_writers[] = {
        "SETTABUP", "SETTABLE", "SETI",   "SETFIELD", "SETUPVAL", "SETLIST",    "JMP",
        "EQ",       "LT",       "LE",     "EQK",      "EQI",      "LTI",        "LEI",
        "GTI",      "GEI",      "TEST",   "RETURN",   "RETURN0",  "RETURN1",    "CLOSE",
        "TBC",      "MMBIN",    "MMBINI", "MMBINK",   "EXTRAARG", "VARARGPREP", NULL,
    };
    for (const char *const *p = non_writers; *p; p++)
        if (strcmp(op, *p) == 0)
            return 0;
    return 1;
}

/* Per function: what each register is known to hold. */
typedef struct regs {
    unsigned char env[NREGS]; /* holds _ENV */
    char *str[NREGS];         /* holds this string constant */
    char *fn[NREGS];          /* holds global function param / param_or */
} regs;

static void reg_clear(regs *r, int from, int to) {
    for (int i = from; i < to && i < NREGS; i++) {
        if (i < 0)
            continue;
        r->env[i] = 0;
        free(r->str[i]);
        free(r->fn[i]);
        r->str[i] = r->fn[i] = NULL;
    }
}

typedef struct access {
    char *name;
    int line;
    int write;
} access;

typedef struct accesses {
    access *v;
    size_t n, cap;
} accesses;

static int add_access(accesses *a, const char *name, int line, int write) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        access *nv = realloc(a->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        a->v = nv;
        a->cap = cap;
    }
    a->v[a->n].name = strdup(name);
    if (!a->v[a->n].name)
        return -1;
    a->v[a->n].line = line;
    a->v[a->n].write = write;
    a->n++;
    return 0;
}

static int scan_listing(const char *listing, accesses *acc, json_t *params) {
    regs r;
    memset(&r, 0, sizeof r);
    char key[256];
    int rc = 0;
    for (const char *s = listing; s && *s;) {
        const char *nl = strchr(s, '\n');
        insn in;
        if (strncmp(s, "main <", 6) == 0 || strncmp(s, "function <", 10) == 0) {
            reg_clear(&r, 0, NREGS);
        } else if (parse_insn(s, &in)) {
            int A = in.nargs > 0 ? in.a[0] : -1;
            int B = in.nargs > 1 ? in.a[1] : -1;
            int C = in.nargs > 2 ? in.a[2] : -1;
            char *pending_fn = NULL; /* set in A after clearing */
            char *pending_str = NULL;
            int pending_env = 0;
            int okB = B >= 0 && B < NREGS, okC = C >= 0 && C < NREGS, okA = A >= 0 && A < NREGS;
            if (strcmp(in.op, "GETTABUP") == 0 && env_key(in.comment, key, sizeof key)) {
                rc |= add_access(acc, key, in.line, 0);
                if (strcmp(key, "param") == 0 || strcmp(key, "param_or") == 0)
                    pending_fn = strdup(key);
            } else if (strcmp(in.op, "SETTABUP") == 0 && env_key(in.comment, key, sizeof key)) {
                rc |= add_access(acc, key, in.line, 1);
            } else if (strcmp(in.op, "GETUPVAL") == 0 && in.comment &&
                       strncmp(in.comment, "_ENV", 4) == 0 &&
                       (in.comment[4] == '\0' || in.comment[4] == '\n')) {
                pending_env = 1;
            } else if (strcmp(in.op, "LOADK") == 0 && in.comment &&
                       read_quoted(in.comment, key, sizeof key)) {
                pending_str = strdup(key);
                if (okA && A > 0 && r.fn[A - 1]) {
                    json_array_append_new(params, json_pack("{s:s,s:i,s:b}", "name", key, "line",
                                                            in.line, "optional",
                                                            strcmp(r.fn[A - 1], "param_or") == 0));
                }
            } else if (strcmp(in.op, "GETTABLE") == 0 && okB && okC && r.env[B] && r.str[C]) {
                rc |= add_access(acc, r.str[C], in.line, 0);
                if (strcmp(r.str[C], "param") == 0 || strcmp(r.str[C], "param_or") == 0)
                    pending_fn = strdup(r.str[C]);
            } else if (strcmp(in.op, "GETFIELD") == 0 && okB && r.env[B] &&
                       read_quoted(in.comment ? in.comment : "", key, sizeof key)) {
                rc |= add_access(acc, key, in.line, 0);
            } else if (strcmp(in.op, "SETTABLE") == 0 && okA && okB && r.env[A] && r.str[B]) {
                rc |= add_access(acc, r.str[B], in.line, 1);
            } else if (strcmp(in.op, "SETFIELD") == 0 && okA && r.env[A] &&
                       read_quoted(in.comment ? in.comment : "", key, sizeof key)) {
                rc |= add_access(acc, key, in.line, 1);
            }
            if (strcmp(in.op, "CALL") == 0 || strcmp(in.op, "TFORCALL") == 0 ||
                strcmp(in.op, "VARARG") == 0 || strcmp(in.op, "LOADNIL") == 0)
                reg_clear(&r, A, NREGS);
            else if (writes_register_a(in.op))
                reg_clear(&r, A, A + 1);
            if (okA) {
                r.env[A] = (unsigned char)pending_env;
                if (pending_fn)
                    r.fn[A] = pending_fn;
                if (pending_str)
                    r.str[A] = pending_str;
                pending_fn = pending_str = NULL;
            }
            free(pending_fn);
            free(pending_str);
        }
        s = nl ? nl + 1 : NULL;
    }
    reg_clear(&r, 0, NREGS);
    return rc ? -1 : 0;
}

int elg_lint_listing(const char *file, const char *listing, json_t *allowed, json_t *findings,
                     json_t **params, elg_error *err) {
    accesses acc = {0};
    json_t *ps = json_array();
    json_t *written = json_array();
    int rc = 0;
    if (params)
        *params = NULL;
    if (!ps || !written || scan_listing(listing, &acc, ps)) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory reading the listing of %s", file);
        goto out;
    }
    for (size_t i = 0; i < acc.n; i++)
        if (acc.v[i].write && !in_list(written, acc.v[i].name))
            json_array_append_new(written, json_string(acc.v[i].name));
    for (size_t i = 0; i < acc.n; i++) {
        const access *a = &acc.v[i];
        int dup = 0; /* one finding per name and line */
        for (size_t k = 0; k < i && !dup; k++)
            dup = acc.v[k].line == a->line && acc.v[k].write == a->write &&
                  strcmp(acc.v[k].name, a->name) == 0;
        if (dup)
            continue;
        char hint[300];
        if (a->write && in_list(allowed, a->name)) {
            elg_lint_add(findings, file, a->line, "global-masquee",
                         "« %s » est un nom de la bibliothèque de règles : l'affecter le masque "
                         "dans tout le fichier (choisissez un autre nom, ou écrivez `local %s`)",
                         a->name, a->name);
        } else if (!a->write && !in_list(allowed, a->name) && !in_list(written, a->name)) {
            elg_lint_add(findings, file, a->line, "global-inconnue",
                         "« %s » n'est ni une fonction de la bibliothèque de règles ni une "
                         "variable définie dans ce fichier%s",
                         a->name, did_you_mean(hint, sizeof hint, a->name, allowed));
        }
    }
    if (params) {
        *params = ps;
        ps = NULL;
    }
out:
    for (size_t i = 0; i < acc.n; i++)
        free(acc.v[i].name);
    free(acc.v);
    json_decref(ps);
    json_decref(written);
    return rc;
}

/* ---- the dynamic pass ---------------------------------------------------------- */

/* Splits "rules/calls/x.lua:12" into file and line. */
static void split_where(const char *where, char *file, size_t size, int *line) {
    const char *colon = strrchr(where, ':');
    size_t n = colon ? (size_t)(colon - where) : strlen(where);
    if (n >= size)
        n = size - 1;
    memcpy(file, where, n);
    file[n] = '\0';
    *line = colon ? atoi(colon + 1) : 0;
}

static int blank(const char *s) {
    if (!s)
        return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* The names the call defines, base and editions. */
static json_t *defined_params(const elg_call *call) {
    json_t *names = json_array();
    for (size_t i = 0; i < call->params_count; i++)
        if (!in_list(names, call->params[i].name))
            json_array_append_new(names, json_string(call->params[i].name));
    for (size_t e = 0; e < call->editions_count; e++)
        for (size_t i = 0; i < call->editions[e].params_count; i++)
            if (!in_list(names, call->editions[e].params[i].name))
                json_array_append_new(names, json_string(call->editions[e].params[i].name));
    return names;
}

static void report_undefined(json_t *findings, const char *file, int line, const char *name,
                             const elg_call *call, json_t *defined) {
    char hint[300];
    char *list = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&list, &len);
    size_t i;
    json_t *v;
    if (m) {
        json_array_foreach(defined, i, v) fprintf(m, "%s%s", i ? ", " : "", json_string_value(v));
        fclose(m);
    }
    elg_lint_add(findings, file, line, "parametre-inconnu",
                 "paramètre « %s » non défini par l'appel « %s »%s ; paramètres définis : %s", name,
                 call->id, did_you_mean(hint, sizeof hint, name, defined),
                 list && list[0] ? list : "aucun");
    free(list);
}

/* Line of a parameter's name in the call document (0 when not found). */
static int param_line(const elg_call *call, const char *call_file, const char *text, size_t len,
                      const char *name) {
    char field[128];
    int line = 0, col = 0;
    for (size_t i = 0; i < call->params_count; i++) {
        if (strcmp(call->params[i].name, name) == 0) {
            snprintf(field, sizeof field, "parameters[%zu].name", i);
            if (elg_doc_locate(call_file, text, len, field, &line, &col) == 0)
                return line;
        }
    }
    for (size_t e = 0; e < call->editions_count; e++) {
        for (size_t i = 0; i < call->editions[e].params_count; i++) {
            if (strcmp(call->editions[e].params[i].name, name) == 0) {
                snprintf(field, sizeof field, "editions[%zu].parameters[%zu].name", e, i);
                if (elg_doc_locate(call_file, text, len, field, &line, &col) == 0)
                    return line;
            }
        }
    }
    return 0;
}

/* Is there a finding at file:line already? */
static int has_finding_at(json_t *findings, const char *file, int line) {
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        if (json_integer_value(json_object_get(f, "line")) == line &&
            strcmp(json_string_value(json_object_get(f, "file")), file) == 0)
            return 1;
    }
    return 0;
}

int elg_lint_call(elg_rules *r, const elg_call *call, const char *call_file, const char *call_text,
                  size_t call_len, json_t *static_params, json_t *findings, elg_error *err) {
    const elg_edition *latest =
        call->editions_count ? &call->editions[call->editions_count - 1] : NULL;
    json_t *res = NULL;
    int rc = elg_rules_declare(r, call, latest, &res, err);
    if (rc)
        return rc;
    char rules_file[300];
    snprintf(rules_file, sizeof rules_file, "rules/%s", call->rules);
    json_t *defined = defined_params(call);
    json_t *asked = json_array();
    char file[300];
    int line;
    size_t i;
    json_t *v;

    int loaded = json_array_size(json_object_get(res, "rules")) == 0;

    /* Declared rules: duplicates, titles, bases. */
    json_t *ids = json_object();
    json_array_foreach(json_object_get(res, "declared"), i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        const char *src = json_string_value(json_object_get(v, "source"));
        split_where(src, file, sizeof file, &line);
        json_t *first = json_object_get(ids, id);
        if (first)
            elg_lint_add(findings, file, line, "id-double",
                         "identifiant de règle « %s » en double (déjà déclaré en %s)", id,
                         json_string_value(first));
        else
            json_object_set_new(ids, id, json_string(src));
        if (blank(json_string_value(json_object_get(v, "title"))))
            elg_lint_add(findings, file, line, "titre-manquant",
                         "la règle « %s » n'a pas de titre : ajoutez title = \"...\" (la phrase "
                         "montrée aux porteurs de projet)",
                         id);
        if (blank(json_string_value(json_object_get(v, "basis"))))
            elg_lint_add(findings, file, line, "base-manquante",
                         "la règle « %s » n'a pas de base légale : ajoutez basis = \"...\" à la "
                         "règle ou basis: au document d'appel %s",
                         id, call_file);
    }
    json_decref(ids);

    /* Parameters asked for while declaring, then those seen statically. */
    json_array_foreach(json_object_get(res, "asked"), i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        json_array_append_new(asked, json_string(name));
        if (in_list(defined, name) || json_is_true(json_object_get(v, "optional")))
            continue;
        split_where(json_string_value(json_object_get(v, "at")), file, sizeof file, &line);
        report_undefined(findings, file, line, name, call, defined);
    }
    json_array_foreach(static_params, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        if (in_list(asked, name))
            continue;
        json_array_append_new(asked, json_string(name));
        if (in_list(defined, name) || json_is_true(json_object_get(v, "optional")))
            continue;
        report_undefined(findings, rules_file, (int)json_integer_value(json_object_get(v, "line")),
                         name, call, defined);
    }
    /* A load error: the rules after it were not declared. Not repeated when
     * a finding at its line already explains it (a misspelt constructor,
     * an undefined parameter). */
    json_array_foreach(json_object_get(res, "rules"), i, v) {
        const char *where = json_string_value(json_object_get(v, "error_at"));
        const char *msg = json_string_value(json_object_get(v, "message"));
        split_where(where && where[0] ? where : rules_file, file, sizeof file, &line);
        /* The location the message starts with is where the error was
         * raised for (a constructor blames the line that calls it, not its
         * own line in rules/lib): it wins, and is not repeated. */
        char at[300];
        size_t wl = strcspn(msg, " ");
        if (strncmp(msg, "rules/", 6) == 0 && wl > 1 && wl < sizeof at && msg[wl - 1] == ':') {
            snprintf(at, sizeof at, "%.*s", (int)(wl - 1), msg);
            split_where(at, file, sizeof file, &line);
            msg += wl + 1;
        }
        if (!has_finding_at(findings, file, line))
            elg_lint_add(findings, file, line, "chargement",
                         "le fichier de règles ne se charge pas : %s (les règles déclarées plus "
                         "loin n'ont pas été vérifiées)",
                         msg);
    }

    if (loaded) {
        json_array_foreach(defined, i, v) {
            const char *name = json_string_value(v);
            if (in_list(asked, name))
                continue;
            elg_lint_add(
                findings, call_file, param_line(call, call_file, call_text, call_len, name),
                "parametre-inutilise", "le paramètre « %s » n'est demandé par aucune règle de %s",
                name, rules_file);
        }
    }
    json_decref(asked);
    json_decref(defined);
    json_decref(res);
    return 0;
}
