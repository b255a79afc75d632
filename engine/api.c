/*
 * api: the public interface of libeligo (include/eligo/eligo.h), a thin
 * layer over the store, import and check modules: it holds the handle's
 * store, rule set and last message, and maps engine error codes to the
 * program's exit codes. Only the functions marked ELIGO_API are exported
 * from the shared library (the rest is built with hidden visibility).
 */
#include "eligo/eligo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "import.h"
#include "instdir.h"

struct eligo {
    elg_store *store;
    elg_rules *rules;
    char message[1400];
};

static int code_of(int engine_code) {
    switch (engine_code) {
    case ELG_OK:
        return ELIGO_OK;
    case ELG_EUSAGE:
        return ELIGO_EUSAGE;
    case ELG_EINPUT:
    case ELG_ENOTFOUND:
    case ELG_EIO:
    case ELG_EOVERFLOW:
        return ELIGO_EINPUT;
    case ELG_ERULE:
        return ELIGO_ERULE;
    default:
        return ELIGO_ESTORE;
    }
}

/* Keeps err's message in e and returns the public code. */
static int fail(eligo *e, const elg_error *err) {
    elg_error_format(err, e->message, sizeof e->message);
    return code_of(err->code);
}

const char *eligo_version(void) {
    return ELIGO_VERSION;
}

int eligo_open(const char *db_path, const char *rules_dir, eligo **out) {
    if (!out)
        return ELIGO_EUSAGE;
    eligo *e = *out = calloc(1, sizeof *e);
    if (!e)
        return ELIGO_ESTORE;
    elg_error err = {0};
    if (!db_path || !*db_path) {
        snprintf(e->message, sizeof e->message, "eligo_open : aucun chemin de magasin donné");
        return ELIGO_EUSAGE;
    }
    char *found = NULL;
    if (!rules_dir) {
        char tried[1024];
        char *lib = elg_instdir_library();
        found = elg_instdir_rules(lib, 0, tried, sizeof tried);
        free(lib);
        if (!found) {
            snprintf(e->message, sizeof e->message,
                     "bibliothèque de règles introuvable (cherchée en %s) : donnez son "
                     "répertoire à eligo_open",
                     tried[0] ? tried : "l'emplacement de libeligo, inconnu");
            return ELIGO_ERULE;
        }
        rules_dir = found;
    } else if (!elg_instdir_has_rules(rules_dir)) {
        snprintf(e->message, sizeof e->message,
                 "%s : pas de bibliothèque de règles (lib/init.lua absent ou illisible)",
                 rules_dir);
        return ELIGO_ERULE;
    }
    int rc = 0;
    if (elg_store_open(db_path, &e->store, &err) ||
        elg_rules_open_dir(rules_dir, NULL, &e->rules, &err))
        rc = fail(e, &err);
    free(found);
    return rc;
}

void eligo_close(eligo *e) {
    if (!e)
        return;
    elg_rules_free(e->rules);
    elg_store_close(e->store);
    free(e);
}

const char *eligo_errmsg(const eligo *e) {
    return e ? e->message : "eligo: pas de poignée (mémoire épuisée ?)";
}

static int usable(eligo *e) {
    if (!e)
        return 0;
    e->message[0] = '\0';
    if (!e->store || !e->rules) {
        snprintf(e->message, sizeof e->message, "poignée eligo non ouverte");
        return 0;
    }
    return 1;
}

int eligo_import(eligo *e, const char *const *paths, size_t count, size_t *stored) {
    if (!usable(e) || !paths || count == 0)
        return ELIGO_EUSAGE;
    elg_import_report report = {0};
    elg_error err = {0};
    if (elg_import_paths(e->store, paths, count, &report, &err))
        return fail(e, &err);
    if (stored) {
        *stored = 0;
        for (size_t i = 0; i < report.count; i++)
            *stored += report.items[i].created ? 1 : 0;
    }
    elg_import_report_release(&report);
    return ELIGO_OK;
}

int eligo_check(eligo *e, const char *project_id, const char *call_id, eligo_outcome *outcome,
                char **json) {
    if (json)
        *json = NULL;
    if (!usable(e) || !project_id || !outcome)
        return ELIGO_EUSAGE;
    elg_decision **ds = NULL;
    size_t n = 0;
    elg_error err = {0};
    if (elg_check_project(e->store, e->rules, project_id, call_id, &ds, &n, &err))
        return fail(e, &err);
    elg_outcome worst = ELG_OUTCOME_ELIGIBLE;
    elg_text all = {0}, one = {0};
    int rc = ELIGO_OK;
    for (size_t i = 0; i < n; i++) {
        worst = elg_outcome_worst(worst, ds[i]->outcome);
        if (!json || rc)
            continue;
        one.len = 0;
        if (elg_decision_write_json(ds[i], &one, &err)) {
            rc = fail(e, &err);
            continue;
        }
        size_t need = all.len + one.len + 2;
        if (need > all.cap) {
            char *p = realloc(all.data, need * 2);
            if (!p) {
                rc = ELIGO_ESTORE;
                continue;
            }
            all.data = p;
            all.cap = need * 2;
        }
        memcpy(all.data + all.len, one.data, one.len);
        all.len += one.len;
        all.data[all.len++] = '\n';
        all.data[all.len] = '\0';
    }
    elg_text_release(&one);
    for (size_t i = 0; i < n; i++)
        elg_decision_free(ds[i]);
    free(ds);
    *outcome = worst == ELG_OUTCOME_ERROR        ? ELIGO_RULE_ERROR
               : worst == ELG_OUTCOME_INELIGIBLE ? ELIGO_INELIGIBLE
               : worst == ELG_OUTCOME_INCOMPLETE ? ELIGO_INCOMPLETE
                                                 : ELIGO_ELIGIBLE;
    if (rc) {
        free(all.data);
        return rc;
    }
    if (json)
        *json = all.data ? all.data : strdup("");
    else
        free(all.data);
    return ELIGO_OK;
}

void eligo_free(void *p) {
    free(p);
}
