/*
 * luamsg: Lua's own error messages, in French (see luamsg.h).
 *
 * A pattern is Lua's format with each conversion written %s; its French
 * refers to what each %s matched as %1..%4 (as it is), %t1 (a type name
 * with its article: "une valeur nil", "un nombre"), %T1 (a type name
 * alone), %k1 (a token of the parser: 'x' becomes « x », <eof> "la fin du
 * fichier") or %r1 (a message of its own, translated in turn: the reason
 * inside "bad argument #1 to 'ipairs' (table expected, got nil)").
 * Written by hand: Lua ships no catalogue, and gettext cannot translate
 * messages built at run time.
 */
#include "luamsg.h"

#include <stdbool.h>
#include <string.h>

#define MAX_CAPS 4

typedef struct pattern {
    const char *en;
    const char *fr;
} pattern;

/* Tried in order: longer patterns before those they contain. */
static const pattern runtime[] = {
    {"attempt to compare two %s values", "tentative de comparer deux valeurs de type %T1"},
    {"attempt to compare %s with %s", "tentative de comparer %t1 avec %t2"},
    {"attempt to perform 'n//0'", "division entière par zéro (n//0)"},
    {"attempt to perform 'n%%0'", "reste d'une division par zéro (n%%0)"},
    {"attempt to divide by zero", "division par zéro"},
    {"attempt to assign to const variable '%s'", "affectation de la constante « %1 »"},
    {"number has no integer representation", "le nombre n'a pas de représentation entière"},
    {"'for' initial value must be a number",
     "la valeur initiale d'une boucle for doit être un nombre"},
    {"'for' limit must be a number", "la limite d'une boucle for doit être un nombre"},
    {"'for' step must be a number", "le pas d'une boucle for doit être un nombre"},
    {"'for' step is zero", "le pas d'une boucle for est nul"},
    {"table index is nil", "index de table nil"},
    {"table index is NaN", "index de table NaN"},
    {"C stack overflow", "débordement de la pile C (récursion trop profonde ?)"},
    {"stack overflow", "débordement de pile (récursion trop profonde ?)"},
    {"error in error handling", "erreur pendant le traitement d'une erreur"},
    {"not enough memory", "mémoire insuffisante"},
    {"string length overflow", "texte trop long"},
    {"resulting string too large", "texte résultant trop long"},
    {"bad argument #%s to '%s' (%s)", "mauvais argument n° %1 de « %2 » (%r3)"},
    {"bad argument #%s (%s)", "mauvais argument n° %1 (%r2)"},
    {"calling '%s' on bad self (%s)", "appel de « %1 » sur un mauvais self (%r2)"},
    {"%s expected, got %s", "attendu : %T1, reçu : %T2"},
    {"value expected", "une valeur est attendue"},
    {"invalid option '%s'", "option invalide « %1 »"},
    {"invalid value (%s) at index %s in table for 'concat'",
     "valeur invalide (%T1) à l'index %2 dans la table passée à « concat »"},
    {"wrong number of arguments to 'insert'", "mauvais nombre d'arguments pour « insert »"},
    {"position out of bounds", "position hors limites"},
    {"invalid order function for sorting", "fonction d'ordre invalide pour le tri"},
    {"array too big", "tableau trop grand"},
    {"malformed pattern (ends with '%%')", "motif mal formé (finit par « % »)"},
    {"malformed pattern (missing ']')", "motif mal formé (« ] » manquant)"},
    {"missing '[' after '%%f' in pattern", "« [ » manquant après « %%f » dans le motif"},
    {"invalid pattern capture", "capture de motif invalide"},
    {"unfinished capture", "capture inachevée"},
    {"pattern too complex", "motif trop complexe"},
    {"invalid conversion '%s' to 'format'", "conversion invalide « %1 » pour « format »"},
    {"invalid conversion specification: '%s'", "spécification de conversion invalide : « %1 »"},
    {"assertion failed!", "assertion non vérifiée !"},
    {"base out of range", "base hors limites"},
    {"object length is not an integer", "la longueur de l'objet n'est pas un entier"},
    {"'__index' chain too long; possible loop", "chaîne « __index » trop longue : boucle probable"},
    {"'__newindex' chain too long; possible loop",
     "chaîne « __newindex » trop longue : boucle probable"},
    {"'tostring' must return a string", "« tostring » doit rendre un texte"},
    {"no value", "aucune valeur"},
};

/* The parser's messages, before their " near TOKEN". */
static const pattern parser[] = {
    {"'%s' expected (to close '%s' at line %s)",
     "« %1 » attendu (pour fermer « %2 » de la ligne %3)"},
    {"'=' or 'in' expected", "« = » ou « in » attendu"},
    {"<name> or '...' expected", "un nom ou « ... » attendu"},
    {"function arguments expected", "arguments de fonction attendus"},
    {"%s expected", "%k1 attendu"},
    {"unexpected symbol", "symbole inattendu"},
    {"syntax error", "erreur de syntaxe"},
    {"unfinished long string (starting at line %s)", "texte long inachevé (commencé ligne %1)"},
    {"unfinished long comment (starting at line %s)",
     "commentaire long inachevé (commencé ligne %1)"},
    {"unfinished string", "texte inachevé"},
    {"malformed number", "nombre mal formé"},
    {"invalid escape sequence", "séquence d'échappement invalide"},
    {"decimal escape too large", "échappement décimal trop grand"},
    {"UTF-8 value too large", "valeur UTF-8 trop grande"},
    {"cannot use '...' outside a vararg function",
     "« ... » hors d'une fonction à nombre variable d'arguments"},
    {"break outside loop at line %s", "break hors d'une boucle à la ligne %1"},
    {"no visible label '%s' for <goto> at line %s",
     "pas d'étiquette « %1 » visible pour le goto de la ligne %2"},
    {"label '%s' already defined on line %s", "étiquette « %1 » déjà définie ligne %2"},
    {"control structure too long", "structure de contrôle trop longue"},
    {"chunk has too many syntax levels", "trop de niveaux d'imbrication"},
};

/* "attempt to OP a TYPE value": Lua's operations, in French with their
 * elision. */
static const pattern operations[] = {
    {"index", "d'indexer"},
    {"call", "d'appeler"},
    {"perform arithmetic on", "de faire un calcul sur"},
    {"perform bitwise operation on", "de faire une opération bit à bit sur"},
    {"concatenate", "de concaténer"},
    {"get length of", "de prendre la longueur d'"},
};

/* What Lua says of the value's name (ldebug.c varinfo). */
static const pattern kinds[] = {
    {"global", "variable globale"},
    {"local", "variable locale"},
    {"field", "champ"},
    {"upvalue", "variable englobante"},
    {"method", "méthode"},
    {"constant", "constante"},
    {"for iterator", "itérateur de boucle for"},
};

/* Lua's type names: alone, then with their article. */
static const struct {
    const char *en, *bare, *article;
} types[] = {
    {"nil", "nil", "une valeur nil"},
    {"boolean", "booléen", "un booléen"},
    {"number", "nombre", "un nombre"},
    {"string", "texte", "un texte"},
    {"table", "table", "une table"},
    {"function", "fonction", "une fonction"},
    {"userdata", "userdata", "une valeur userdata"},
    {"thread", "thread", "un thread"},
    {"no value", "aucune valeur", "aucune valeur"},
};

/* ---- the caller's buffer ---------------------------------------------- */

typedef struct text {
    char *s;
    size_t len, cap;
    bool over; /* the French does not fit */
} text;

static void add(text *t, const char *s, size_t n) {
    if (t->over || t->len + n + 1 > t->cap) {
        t->over = true;
        return;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void adds(text *t, const char *s) {
    add(t, s, strlen(s));
}

/* ---- matching ------------------------------------------------------------ */

typedef struct span {
    const char *s;
    size_t n;
} span;

/* Whether s[0..n) is pattern p, each %s matching one or more bytes (the
 * first split that lets the rest match); "%%" in p is one '%'. */
static bool match(const char *p, const char *s, size_t n, span *caps, int *ncaps) {
    while (*p) {
        if (p[0] == '%' && p[1] == 's') {
            p += 2;
            int k = (*ncaps)++;
            if (k >= MAX_CAPS || n == 0)
                return false;
            if (!*p) { /* the rest */
                caps[k] = (span){s, n};
                return true;
            }
            /* The literal that follows, up to the next conversion: only
             * where it occurs can the capture end. */
            char lit[64];
            size_t ll = 0;
            for (const char *q = p; *q && ll < sizeof lit; ll++) {
                if (q[0] == '%' && q[1] == 's')
                    break;
                lit[ll] = q[0];
                q += q[0] == '%' && q[1] == '%' ? 2 : 1;
            }
            for (size_t take = 1; take + ll <= n; take++) {
                if (memcmp(s + take, lit, ll) != 0)
                    continue;
                int saved = *ncaps;
                if (match(p, s + take, n - take, caps, ncaps)) {
                    caps[k] = (span){s, take};
                    return true;
                }
                *ncaps = saved;
            }
            return false;
        }
        char c = p[0] == '%' && p[1] == '%' ? '%' : p[0];
        p += p[0] == '%' && p[1] == '%' ? 2 : 1;
        if (n == 0 || *s != c)
            return false;
        s++;
        n--;
    }
    return n == 0;
}

static const char *type_word(span v, bool article) {
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strlen(types[i].en) == v.n && memcmp(types[i].en, v.s, v.n) == 0)
            return article ? types[i].article : types[i].bare;
    return NULL;
}

static bool translate_body(const char *s, size_t n, text *out);

/* A token of the parser, as « x » or in words. */
static void add_token(text *out, span v) {
    if (v.n == 5 && memcmp(v.s, "<eof>", 5) == 0)
        adds(out, "la fin du fichier");
    else if (v.n == 6 && memcmp(v.s, "<name>", 6) == 0)
        adds(out, "un nom");
    else if (v.n >= 2 && v.s[0] == '\'' && v.s[v.n - 1] == '\'') {
        adds(out, "« ");
        add(out, v.s + 1, v.n - 2);
        adds(out, " »");
    } else
        add(out, v.s, v.n);
}

/* Writes fr with the captures in place. */
static void expand(const char *fr, const span *caps, int ncaps, text *out) {
    for (const char *p = fr; *p;) {
        const char *q = strchr(p, '%');
        if (!q) {
            adds(out, p);
            return;
        }
        add(out, p, (size_t)(q - p));
        char how = q[1];
        if (how == '%') {
            add(out, "%", 1);
            p = q + 2;
            continue;
        }
        bool typed = how == 't' || how == 'T' || how == 'k' || how == 'r';
        int k = (typed ? q[2] : q[1]) - '1';
        p = q + (typed ? 3 : 2);
        if (k < 0 || k >= ncaps)
            continue;
        span v = caps[k];
        const char *word = how == 't' || how == 'T' ? type_word(v, how == 't') : NULL;
        if (word)
            adds(out, word);
        else if (how == 'k')
            add_token(out, v);
        else if (how != 'r' || !translate_body(v.s, v.n, out))
            add(out, v.s, v.n);
    }
}

static bool try_table(const pattern *t, size_t count, const char *s, size_t n, text *out) {
    for (size_t i = 0; i < count; i++) {
        span caps[MAX_CAPS];
        int ncaps = 0;
        if (match(t[i].en, s, n, caps, &ncaps)) {
            expand(t[i].fr, caps, ncaps, out);
            return true;
        }
    }
    return false;
}

static bool starts(const char *s, size_t n, const char *word) {
    size_t k = strlen(word);
    return n >= k && memcmp(s, word, k) == 0;
}

/* "attempt to OP a TYPE value" with Lua's " (KIND 'name')" when it has one. */
static bool attempt(const char *s, size_t n, text *out) {
    if (!starts(s, n, "attempt to "))
        return false;
    s += 11;
    n -= 11;
    for (size_t i = 0; i < sizeof operations / sizeof *operations; i++) {
        size_t k = strlen(operations[i].en);
        if (!starts(s, n, operations[i].en) || !starts(s + k, n - k, " a "))
            continue;
        const char *type = s + k + 3, *end = s + n;
        const char *value = NULL;
        for (const char *v = type; v + 6 <= end; v++)
            if (memcmp(v, " value", 6) == 0) {
                value = v;
                break;
            }
        if (!value)
            return false;
        const char *word = type_word((span){type, (size_t)(value - type)}, true);
        const char *rest = value + 6;
        size_t rn = (size_t)(end - rest);
        span caps[MAX_CAPS];
        int ncaps = 0;
        const char *kind = NULL;
        span name = {0};
        if (rn > 0) {
            for (size_t j = 0; j < sizeof kinds / sizeof *kinds && !kind; j++) {
                char pat[64];
                size_t pl = strlen(kinds[j].en);
                memcpy(pat, " (", 2);
                memcpy(pat + 2, kinds[j].en, pl);
                memcpy(pat + 2 + pl, " '%s')", 7);
                ncaps = 0;
                if (match(pat, rest, rn, caps, &ncaps)) {
                    kind = kinds[j].fr;
                    name = caps[0];
                }
            }
            if (!kind)
                return false;
        }
        if (!word)
            return false;
        adds(out, "tentative ");
        adds(out, operations[i].fr);
        /* "de prendre la longueur d'" + "une table": elided already */
        if (operations[i].fr[strlen(operations[i].fr) - 1] != '\'')
            adds(out, " ");
        adds(out, word);
        if (kind) {
            adds(out, " (");
            adds(out, kind);
            adds(out, " « ");
            add(out, name.s, name.n);
            adds(out, " »)");
        }
        return true;
    }
    return false;
}

/* One message without its position. */
static bool translate_body(const char *s, size_t n, text *out) {
    if (attempt(s, n, out) || try_table(runtime, sizeof runtime / sizeof *runtime, s, n, out))
        return true;
    /* The parser's: "MESSAGE near TOKEN". */
    const char *near = NULL;
    for (const char *p = s; p + 6 <= s + n; p++)
        if (memcmp(p, " near ", 6) == 0)
            near = p;
    size_t core = near ? (size_t)(near - s) : n;
    if (!try_table(parser, sizeof parser / sizeof *parser, s, core, out))
        return false;
    if (near) {
        adds(out, " près de ");
        add_token(out, (span){near + 6, (size_t)(s + n - near - 6)});
    }
    return true;
}

/* The length of a "source:line: " prefix at s, or 0. */
static size_t position(const char *s) {
    const char *nl = strchr(s, '\n');
    for (const char *p = s; *p && (!nl || p < nl); p++) {
        if (p[0] != ':' || p[1] < '0' || p[1] > '9')
            continue;
        const char *q = p + 1;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q[0] == ':' && q[1] == ' ')
            return (size_t)(q + 2 - s);
    }
    return 0;
}

/* Lua's own messages are short: a longer one is a rule's own text. */
#define MAX_MESSAGE 2048

bool elg_luamsg_french(const char *msg, char *out, size_t size) {
    if (!msg || strlen(msg) > MAX_MESSAGE || size == 0)
        return false;
    text t = {out, 0, size, false};
    out[0] = '\0';
    const char *s = msg;
    for (size_t k; (k = position(s)) > 0; s += k)
        add(&t, s, k);
    if (translate_body(s, strlen(s), &t) && !t.over)
        return true;
    out[0] = '\0';
    return false;
}
