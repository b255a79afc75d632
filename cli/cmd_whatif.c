/*
 * whatif: the decisions of a call that edited rules or parameters would
 * change, before -> after, and the envelope before -> after
 * (engine/whatif.h). Nothing is stored.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "files.h"
#include "labels.h"
#include "tr.h"
#include "whatif.h"

typedef struct out_ctx {
    int json;
    json_t *changes;
} out_ctx;

static const char *eur(elg_cents c, char *buf, size_t size) {
    return elg_money_format(c, buf, size);
}

static json_t *side_json(const elg_decision *d, elg_cents grantable) {
    const elg_figures *f = &d->figures;
    return json_pack("{s:s, s:I, s:o, s:o, s:I}", "outcome", elg_outcome_name(d->outcome),
                     "grantable", (json_int_t)grantable, "max_grantable",
                     f->has_max_grantable ? json_integer(f->max_grantable) : json_null(),
                     "requested", f->has_requested ? json_integer(f->requested) : json_null(),
                     "eligible_cost", (json_int_t)f->eligible_cost);
}

static const char *status_of(const elg_rule_result *r) {
    return r ? elg_rule_status_name(r->status) : "absent";
}

/* The same, in the words of the text output (the JSON keeps status_of's). */
static const char *status_fr(const elg_rule_result *r) {
    return r ? elg_labels_status(r->status) : elg_tr("absent");
}

static int on_change(void *vctx, const elg_whatif_change *c) {
    out_ctx *o = vctx;
    const elg_decision *a = c->before, *b = c->after;
    if (o->json) {
        json_t *rules = json_array();
        for (size_t i = 0; i < c->rules_count; i++) {
            const elg_rule_result *x = c->rules[i].before, *y = c->rules[i].after;
            json_array_append_new(rules, json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?}", "id",
                                                   (y ? y : x)->id, "source", (y ? y : x)->source,
                                                   "before", status_of(x), "after", status_of(y),
                                                   "message_before", x ? x->message : NULL,
                                                   "message_after", y ? y->message : NULL));
        }
        json_array_append_new(o->changes,
                              json_pack("{s:s, s:i, s:s?, s:o, s:o, s:o}", "project", a->project,
                                        "version", a->project_version, "edition",
                                        b->ruleset->edition_name, "before",
                                        side_json(a, c->grantable_before), "after",
                                        side_json(b, c->grantable_after), "rules", rules));
        return 0;
    }
    char x1[64], x2[64];
    cli_put_text(stdout, a->project);
    printf(" : %s → %s ; accordable %s → %s", elg_labels_outcome(a->outcome),
           elg_labels_outcome(b->outcome), eur(c->grantable_before, x1, sizeof x1),
           eur(c->grantable_after, x2, sizeof x2));
    if (a->figures.has_max_grantable != b->figures.has_max_grantable ||
        a->figures.max_grantable != b->figures.max_grantable)
        printf(" ; maximum %s → %s",
               a->figures.has_max_grantable ? eur(a->figures.max_grantable, x1, sizeof x1) : "—",
               b->figures.has_max_grantable ? eur(b->figures.max_grantable, x2, sizeof x2) : "—");
    putchar('\n');
    for (size_t i = 0; i < c->rules_count; i++) {
        const elg_rule_result *x = c->rules[i].before, *y = c->rules[i].after;
        printf("  ");
        cli_put_text(stdout, (y ? y : x)->id);
        printf(" (");
        cli_put_text(stdout, (y ? y : x)->source);
        printf(") : %s → %s\n", status_fr(x), status_fr(y));
        if (x && x->message && *x->message) {
            printf("    avant : ");
            cli_put_text(stdout, x->message);
            putchar('\n');
        }
        if (y && y->message && *y->message) {
            printf("    après : ");
            cli_put_text(stdout, y->message);
            putchar('\n');
        }
    }
    return 0;
}

static json_t *env_json(const elg_envelope_report *r) {
    const elg_envelope_total *t = &r->call;
    return json_pack("{s:I, s:I, s:I, s:I}", "grantable", (json_int_t)t->grantable, "covered",
                     (json_int_t)t->covered, "overrun", (json_int_t)t->overrun, "beyond",
                     (json_int_t)t->beyond);
}

static int read_file(const char *path, char **body, size_t *len, elg_error *err) {
    return elg_files_read(path, ELG_DOC_MAX_BYTES, body, len, err);
}

int cmd_whatif(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"params", required_argument, 0, 'p'},
                                         {"format", required_argument, 0, 'f'},
                                         {"jobs", required_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *params = NULL;
    int json = 0, c, jobs = cli_default_jobs();
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:f:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            params = optarg;
            break;
        case 'f':
            json = cli_parse_format(optarg);
            if (json < 0)
                return cli_usage("whatif : --format vaut text ou json, pas « %s »", optarg);
            break;
        case 'j':
            if (cli_parse_jobs(optarg, &jobs))
                return cli_usage("whatif : --jobs attend un nombre de 0 à 256, pas « %s »", optarg);
            break;
        case 'h':
            return cli_help("whatif");
        default:
            return cli_bad_option("whatif", opts, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage("whatif : indiquez un appel, et un seul");
    if (!ctx->rules_base || !ctx->rules_dir) {
        /* The rules before the edit, or the edited ones, are not found. */
        elg_rules *none = NULL;
        if (!ctx->rules_dir)
            return cli_open_rules(ctx, &none);
        fprintf(stderr,
                "eligo: whatif : pas de bibliothèque de règles en usage à comparer "
                "(cherchée en %s) ; indiquez-la avec la variable ELIGO_RULES\n",
                ctx->rules_tried[0] ? ctx->rules_tried : "?");
        return EXIT_RULE;
    }
    int edited_rules = strcmp(ctx->rules_dir, ctx->rules_base) != 0;
    if (!params && !edited_rules)
        return cli_usage("whatif : indiquez --rules RÉPERTOIRE (d'autres règles que celles en "
                         "usage) ou --params FICHIER");
    const char *call_id = argv[optind];
    elg_store *store = NULL;
    elg_rules *rules[2] = {NULL, NULL};
    elg_check_call *cc[2] = {NULL, NULL};
    elg_envelope_report rep[2];
    memset(rep, 0, sizeof rep);
    elg_whatif_opts wo = {0};
    elg_whatif_summary sum;
    elg_error err = {0};
    char *pbody = NULL, *edited = NULL;
    size_t plen = 0, elen = 0;
    out_ctx o = {json, json ? json_array() : NULL};
    int rc = cli_open_store_existing(ctx, &store);
    if (rc) {
        json_decref(o.changes);
        return rc;
    }
    if (elg_rules_open_dir(ctx->rules_base, &ctx->limits, &rules[0], &err) ||
        elg_rules_open_dir(ctx->rules_dir, &ctx->limits, &rules[1], &err) ||
        elg_check_call_open(store, rules[0], call_id, 0, NULL, 0, &cc[0], &err))
        goto fail;
    if (params) {
        const elg_stored_doc *sd = NULL;
        elg_stored_doc doc = {0};
        if (elg_store_get_doc(store, "call", call_id, 0, &doc, &err))
            goto fail;
        sd = &doc;
        int r = read_file(params, &pbody, &plen, &err);
        if (r == 0)
            r = elg_whatif_edit_params(sd->body, sd->body_len, params, pbody, plen, &edited, &elen,
                                       &err);
        char name[300];
        snprintf(name, sizeof name, elg_tr("%s (call %s with its parameters)"), params, call_id);
        if (r == 0)
            r = elg_check_call_open_text(store, rules[1], name, sd->version, edited, elen, &cc[1],
                                         &err);
        elg_store_doc_release(&doc);
        if (r)
            goto fail;
    } else if (elg_check_call_open(store, rules[1], call_id, 0, NULL, 0, &cc[1], &err)) {
        goto fail;
    }
    wo.jobs = jobs;
    wo.max_time_ms = ctx->limits.time_ms;
    wo.max_memory = ctx->limits.memory;
    wo.db_path = ctx->db_path;
    wo.rules_before = rules[0];
    wo.rules_after = rules[1];
    for (int k = 0; k < 2; k++)
        if (elg_envelope_tally_new(store, k, elg_check_call_doc(cc[k]), false, &wo.tally[k], &err))
            goto fail;
    if (elg_whatif_run(store, cc[0], cc[1], &wo, on_change, &o, &sum, &err))
        goto fail;
    for (int k = 0; k < 2; k++)
        if (elg_envelope_allocate(wo.tally[k], NULL, NULL, &rep[k], &err))
            goto fail;
    if (json) {
        json_t *s = json_pack(
            "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "call", call_id,
            "projects", (json_int_t)sum.projects, "changed", (json_int_t)sum.changed,
            "to_ineligible", (json_int_t)sum.to_ineligible, "to_eligible",
            (json_int_t)sum.to_eligible, "to_error", (json_int_t)sum.to_error, "from_error",
            (json_int_t)sum.from_error, "to_incomplete", (json_int_t)sum.to_incomplete,
            "from_incomplete", (json_int_t)sum.from_incomplete, "figures_only",
            (json_int_t)sum.figures_only, "killed", (json_int_t)sum.killed, "envelope_before",
            env_json(&rep[0]), "envelope_after", env_json(&rep[1]));
        json_t *doc = json_pack("{s:o, s:o}", "changes", o.changes, "summary", s);
        o.changes = NULL;
        char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
        if (text)
            puts(text);
        free(text);
        json_decref(doc);
    } else {
        char a[64], b[64];
        printf("Résumé : %" PRId64 " projet(s), %" PRId64 " décision(s) changent : %" PRId64
               " éligible → inéligible, %" PRId64 " inéligible → éligible, %" PRId64
               " vers une erreur, %" PRId64 " sortent d'une erreur, %" PRId64
               " deviennent incomplètes, %" PRId64 " ne le sont plus, %" PRId64
               " montants seulement\n",
               sum.projects, sum.changed, sum.to_ineligible, sum.to_eligible, sum.to_error,
               sum.from_error, sum.to_incomplete, sum.from_incomplete, sum.figures_only);
        printf("Accordable : %s → %s\n", eur(rep[0].call.grantable, a, sizeof a),
               eur(rep[1].call.grantable, b, sizeof b));
        if (sum.killed)
            printf("Projets arrêtés à l'échéance : %" PRId64 "\n", sum.killed);
        if (sum.before.has_envelope || sum.after.has_envelope)
            printf("Enveloppe : dépassement %s → %s ; projets au-delà %zu → %zu\n",
                   eur(rep[0].call.overrun, a, sizeof a), eur(rep[1].call.overrun, b, sizeof b),
                   rep[0].call.beyond, rep[1].call.beyond);
    }
    rc = sum.changed ? EXIT_INELIGIBLE : 0;
    goto out;
fail:
    rc = cli_fail_in(ctx, &err);
out:
    json_decref(o.changes);
    for (int k = 0; k < 2; k++) {
        elg_envelope_report_release(&rep[k]);
        elg_envelope_tally_free(wo.tally[k]);
        elg_check_call_close(cc[k]);
        elg_rules_free(rules[k]);
    }
    free(pbody);
    free(edited);
    elg_store_close(store);
    return rc;
}
