/*
 * labels: the French words of the presentation (see labels.h).
 *
 * Each table is a list of {key, words} rows searched linearly: they hold a
 * few dozen rows, read a few times per page.
 */
#include "labels.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    const char *key;
    const char *words;
} row;

static const char *find(const row *t, size_t n, const char *key) {
    for (size_t i = 0; key && i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return t[i].words;
    return NULL;
}
#define FIND(t, key) find(t, sizeof t / sizeof t[0], key)

static const row categories[] = {
    {"staff", "Frais de personnel"}, {"services", "Prestations de services"},
    {"equipment", "Matériel"},       {"travel", "Déplacements"},
    {"indirect", "Coûts indirects"}, {"other", "Autres dépenses"},
};

static const row category_expenses[] = {
    {"staff", "Dépenses de personnel"},    {"services", "Dépenses de prestations de services"},
    {"equipment", "Dépenses de matériel"}, {"travel", "Frais de déplacement"},
    {"indirect", "Coûts indirects"},       {"other", "Autres dépenses"},
};

static const row natures[] = {
    {"eu", "Union européenne"},
    {"state", "État"},
    {"local-authority", "Collectivité"},
    {"social-security", "Sécurité sociale"},
    {"private", "Privé"},
    {"self", "Autofinancement"},
};

/* The keys the rule library's constructors put in their figures. */
static const row figures[] = {
    {"amount", "montant"},
    {"max", "plafond"},
    {"min", "minimum"},
    {"cap", "plafond"},
    {"rate", "taux"},
    {"eligible_cost", "coût éligible"},
    {"earmarked", "montant fléché"},
    {"expenses", "dépenses"},
    {"resources", "ressources"},
    {"gap", "écart"},
    {"parts", "parts"},
    {"threshold", "seuil"},
    {"committed", "déjà engagé"},
    {"envelope", "enveloppe"},
    {"remaining", "reste disponible"},
    {"requested", "demandé"},
    {"actions", "actions"},
    {"action", "action"},
    {"differences", "nombre d'écarts"},
    {"rows", "lignes comparées"},
    {"computed", "somme des lignes"},
    {"declared", "déclaré"},
    {"difference", "écart"},
    {"label", "libellé"},
    {"name", "nom"},
    {"share", "part"},
    {"public", "financements publics"},
    {"owner", "part du maître d'ouvrage"},
    {"total", "total"},
    {"published_beyond", "publié (SCDL) au-delà du plan"},
};

static const char *const count_figures[] = {"differences"};

/* The parameter names of the seed calls; a call's own names fall back to
 * the quotation of the text they come from (the letter) or the name (the
 * audit page). */
static const row params[] = {
    {"max_equipment", "Plafond des dépenses de matériel"},
    {"mel_grant", "Montant maximal du soutien de la MEL"},
    {"eligible_statuses", "Statuts juridiques éligibles"},
    {"max_rate_feder", "Taux maximal d'intervention du FEDER"},
    {"communes", "Communes du territoire de l'appel"},
    {"declared_city", "Montant déclaré pour la ville"},
    {"declared_external", "Montant déclaré pour l'opérateur externe"},
    {"declared_mel", "Montant déclaré pour la Métropole"},
    {"declared_total", "Total déclaré"},
    {"declared_ville", "Montant déclaré pour la ville"},
    {"ess_approval", "Agrément requis (économie sociale et solidaire)"},
    {"ess_statuses", "Statuts de l'économie sociale et solidaire"},
    {"investment", "Opération d'investissement"},
    {"period_start", "Début de la période de l'édition"},
    {"period_end", "Fin de la période de l'édition"},
    {"volets", "Volets de l'appel"},
};

/* Fields of an applicant, an expense line, a resource line, an aid. */
static const row applicant_fields[] = {
    {"name", "Nom"},
    {"status", "Statut juridique"},
    {"siret", "Numéro SIRET"},
    {"rna", "Numéro au répertoire national des associations (RNA)"},
    {"commune", "Commune"},
    {"insee", "Code INSEE de la commune"},
    {"share", "Part déclarée de la subvention"},
    {"approvals", "Agréments"},
};
static const row expense_fields[] = {
    {"category", "Catégorie"},
    {"label", "Libellé"},
    {"amount", "Montant"},
    {"action", "Action du projet"},
};
static const row resource_fields[] = {
    {"financer", "Financeur"}, {"label", "Libellé"},           {"amount", "Montant"},
    {"status", "Statut"},      {"earmark", "Fléchage"},        {"action", "Action du projet"},
    {"nature", "Nature"},      {"public", "Caractère public"},
};
static const row aid_fields[] = {
    {"date", "Date"},
    {"amount", "Montant"},
    {"source", "Origine"},
};
/* Fields without an index. */
static const row plain_fields[] = {
    {"id", "Identifiant du dossier"},
    {"title", "Intitulé du projet"},
    {"owner_status", "Statut du maître d'ouvrage"},
    {"period.start", "Date de début du projet"},
    {"period.end", "Date de fin du projet"},
    {"period", "Période du projet"},
    {"submitted", "Date de dépôt de la demande"},
    {"territory", "Communes du territoire du projet"},
    {"themes", "Thèmes du projet"},
    {"expenses", "Dépenses du projet"},
    {"resources", "Ressources du projet"},
    {"applicants", "Porteurs du projet"},
    {"applies_to", "Appels visés"},
    {"de_minimis", "Aides de minimis déclarées"},
    {"call.requested", "Montant demandé au titre de l'appel"},
    {"call.opens", "Date d'ouverture de l'appel"},
    {"call.closes", "Date de clôture de l'appel"},
    {"call.envelope", "Enveloppe de l'appel"},
    {"call.financer", "Financeur de l'appel"},
    {"call.edition", "Édition de l'appel"},
    {"call.edition_from", "Date de l'édition de l'appel"},
    {"call.id", "Référence de l'appel"},
    {"call.title", "Intitulé de l'appel"},
    {"call.basis", "Base légale de l'appel"},
};

const char *elg_labels_category(const char *category) {
    const char *w = FIND(categories, category);
    return w ? w : category ? category : "";
}

const char *elg_labels_category_expenses(const char *category) {
    const char *w = FIND(category_expenses, category);
    return w ? w : "Dépenses";
}

const char *elg_labels_nature(const char *nature) {
    const char *w = FIND(natures, nature);
    return w ? w : nature ? nature : "";
}

const char *elg_labels_status(elg_rule_status s) {
    switch (s) {
    case ELG_RULE_PASS:
        return "respectée";
    case ELG_RULE_FAIL:
        return "non respectée";
    case ELG_RULE_NA:
        return "sans objet";
    case ELG_RULE_MISSING:
        return "données manquantes";
    case ELG_RULE_ERROR:
        break;
    }
    return "erreur";
}

const char *elg_labels_outcome(elg_outcome o) {
    switch (o) {
    case ELG_OUTCOME_ELIGIBLE:
        return "ÉLIGIBLE";
    case ELG_OUTCOME_INELIGIBLE:
        return "NON ÉLIGIBLE";
    case ELG_OUTCOME_INCOMPLETE:
        return "DOSSIER INCOMPLET";
    case ELG_OUTCOME_ERROR:
        break;
    }
    return "ERREUR DE RÈGLE";
}

const char *elg_labels_figure(const char *key) {
    return FIND(figures, key);
}

bool elg_labels_figure_is_count(const char *key) {
    for (size_t i = 0; key && i < sizeof count_figures / sizeof count_figures[0]; i++)
        if (strcmp(count_figures[i], key) == 0)
            return true;
    return false;
}

const char *elg_labels_param(const char *name) {
    return FIND(params, name);
}

bool elg_labels_split_path(const char *path, char *head, size_t head_size, long *index,
                           const char **rest) {
    size_t n = strcspn(path, "[.");
    *index = -1;
    *rest = "";
    if (n == 0 || head_size == 0)
        return false;
    snprintf(head, head_size, "%.*s", (int)n, path);
    const char *p = path + n;
    if (*p == '[') {
        char *end;
        long i = strtol(p + 1, &end, 10);
        if (*end != ']' || i < 0)
            return false;
        *index = i;
        p = end + 1;
    }
    if (*p == '.')
        *rest = p + 1;
    return true;
}

/* Appends to buf[0..size) at *at, cutting on a UTF-8 boundary. */
static void put(char *buf, size_t size, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *at, const char *fmt, ...) {
    if (*at + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, size - *at, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= size - *at) {
        /* Cut: drop the last character if vsnprintf left only part of it. */
        size_t end = size - 1, start = end;
        while (start > *at && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
            start--;
        if (start > *at) {
            unsigned char lead = (unsigned char)buf[start - 1];
            size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (start - 1 + len > end)
                end = start - 1;
        }
        buf[end] = '\0';
        *at = size; /* full: what follows is cut too */
    } else {
        *at += (size_t)n;
    }
}

/* The first part of a sub-path: "share.num" -> "share". */
static void first_name(const char *rest, char *out, size_t size) {
    snprintf(out, size, "%.*s", (int)strcspn(rest, ".["), rest);
}

const char *elg_labels_field(const char *path, const elg_project *p, char *buf, size_t size) {
    char head[64], sub[64];
    long i;
    const char *rest;
    size_t at = 0;
    if (size)
        buf[0] = '\0';
    if (!path || !elg_labels_split_path(path, head, sizeof head, &i, &rest)) {
        put(buf, size, &at, "Autre donnée du dossier");
        return buf;
    }
    first_name(rest, sub, sizeof sub);
    const char *w;
    if (strcmp(head, "params") == 0) {
        w = elg_labels_param(sub);
        put(buf, size, &at, "%s", w ? w : "Paramètre de l'appel");
    } else if (strcmp(head, "applicants") == 0 && i >= 0) {
        w = FIND(applicant_fields, sub);
        put(buf, size, &at, "%s", *sub ? w ? w : "Donnée" : "Porteur");
        put(buf, size, &at, "%s", *sub ? " du porteur" : "");
        if (p && (size_t)i < p->applicants_count && p->applicants[i].name)
            put(buf, size, &at, " « %s »", p->applicants[i].name);
        else
            put(buf, size, &at, " n° %ld", i + 1);
    } else if (strcmp(head, "expenses") == 0 && i >= 0) {
        w = FIND(expense_fields, sub);
        put(buf, size, &at, "%s", *sub ? w ? w : "Donnée" : "Ligne de dépense");
        put(buf, size, &at, "%s", *sub ? " de la ligne de dépense" : "");
        if (p && (size_t)i < p->expenses_count && p->expenses[i].label)
            put(buf, size, &at, " « %s »", p->expenses[i].label);
        else
            put(buf, size, &at, " n° %ld", i + 1);
    } else if (strcmp(head, "resources") == 0 && i >= 0) {
        w = FIND(resource_fields, sub);
        put(buf, size, &at, "%s", *sub ? w ? w : "Donnée" : "Ligne de ressource");
        put(buf, size, &at, "%s", *sub ? " de la ligne de ressource" : "");
        if (p && (size_t)i < p->resources_count && p->resources[i].label)
            put(buf, size, &at, " « %s »", p->resources[i].label);
        else if (p && (size_t)i < p->resources_count && p->resources[i].financer)
            put(buf, size, &at, " du financeur %s", p->resources[i].financer);
        else
            put(buf, size, &at, " n° %ld", i + 1);
    } else if (strcmp(head, "de_minimis") == 0 && i >= 0) {
        w = FIND(aid_fields, sub);
        put(buf, size, &at, "%s de l'aide de minimis déclarée n° %ld", w ? w : "Donnée", i + 1);
    } else if (strcmp(head, "territory") == 0 || strcmp(head, "themes") == 0) {
        put(buf, size, &at, "%s", FIND(plain_fields, head));
        if (i >= 0)
            put(buf, size, &at, " (n° %ld)", i + 1);
    } else {
        char two[140];
        snprintf(two, sizeof two, "%s.%s", head, sub);
        w = *sub ? FIND(plain_fields, two) : NULL;
        if (!w)
            w = FIND(plain_fields, head);
        put(buf, size, &at, "%s", w ? w : "Autre donnée du dossier");
    }
    return buf;
}

static const row legal_statuses[] = {
    {"association", "association"},
    {"commune", "commune"},
    {"epci", "établissement public de coopération intercommunale"},
    {"company", "entreprise"},
    {"scic", "société coopérative d'intérêt collectif"},
    {"scop", "société coopérative et participative"},
    {"department", "département"},
    {"region", "région"},
    {"public-body", "établissement public"},
    {"foundation", "fondation"},
    {"cooperative", "coopérative"},
    {"mutual", "mutuelle"},
    {"mutuelle", "mutuelle"},
    {"fondation", "fondation"},
    {"collectivite-territoriale", "collectivité territoriale"},
    {"departement", "département"},
};

static const row approvals[] = {
    {"esus", "agrément « entreprise solidaire d'utilité sociale » (ESUS)"},
};

const char *elg_labels_approval(const char *approval) {
    const char *w = FIND(approvals, approval);
    return w ? w : approval ? approval : "";
}

const char *elg_labels_legal_status(const char *status) {
    const char *w = FIND(legal_statuses, status);
    return w ? w : status ? status : "";
}

const char *elg_labels_date(const char *iso, char *buf, size_t size) {
    if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
        snprintf(buf, size, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(buf, size, "%s", iso ? iso : "");
    return buf;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* The day number of the last Sunday of a 31-day month. */
static long last_sunday(long y, long m) {
    long last = days_from_civil(y, m, 31);
    long weekday = ((last + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return last - weekday;
}

static bool digits(const char *s, size_t n, long *out) {
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

const char *elg_labels_time_paris(const char *iso, bool with_utc, char *buf, size_t size) {
    long y, mo, d, h, mi, s;
    if (!iso || strlen(iso) < 19 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' ||
        iso[13] != ':' || iso[16] != ':' || !digits(iso, 4, &y) || !digits(iso + 5, 2, &mo) ||
        !digits(iso + 8, 2, &d) || !digits(iso + 11, 2, &h) || !digits(iso + 14, 2, &mi) ||
        !digits(iso + 17, 2, &s) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        s > 60) {
        snprintf(buf, size, "%s", iso ? iso : "");
        return buf;
    }
    long day = days_from_civil(y, mo, d);
    long secs = day * 86400 + h * 3600 + mi * 60 + s;
    long summer_from = last_sunday(y, 3) * 86400 + 3600,
         summer_to = last_sunday(y, 10) * 86400 + 3600;
    long offset = y >= 1996 && secs >= summer_from && secs < summer_to ? 7200 : 3600;
    long local = secs + offset;
    long ly, lm, ld, ldays = local / 86400, rem = local % 86400;
    if (rem < 0) {
        rem += 86400;
        ldays--;
    }
    civil_from_days(ldays, &ly, &lm, &ld);
    int n = snprintf(buf, size, "%02ld/%02ld/%04ld à %02ld:%02ld:%02ld", ld, lm, ly, rem / 3600,
                     rem / 60 % 60, rem % 60);
    if (with_utc && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " (%02ld:%02ld:%02ld UTC)", h, mi, s);
    return buf;
}
