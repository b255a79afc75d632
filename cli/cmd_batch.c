/*
 * batch: evaluate and store every project of a call, then report the
 * outcomes and the consumption of the call's envelope (engine/batch.h,
 * engine/envelope.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"

enum { FMT_TEXT, FMT_JSON, FMT_CSV };

/* ---- progress (stderr, only on a terminal) ---------------------------------- */

typedef struct bar {
    struct timespec start;
    int shown;
} bar;

static double since_s(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, int64_t done, int64_t total) {
    bar *b = ctx;
    double s = since_s(&b->start);
    double rate = s > 0 ? (double)done / s : 0;
    int width = 30, fill = total > 0 ? (int)(width * done / total) : width;
    char line[160];
    int n = snprintf(line, sizeof line, "\r[");
    for (int i = 0; i < width; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s", i < fill ? "#" : ".");
    if (rate > 0 && total > done)
        snprintf(line + n, sizeof line - (size_t)n,
                 "] %" PRId64 "/%" PRId64 "  %.0f projets/s  reste %.0f s ", done, total, rate,
                 (double)(total - done) / rate);
    else
        snprintf(line + n, sizeof line - (size_t)n, "] %" PRId64 "/%" PRId64 "  %.0f projets/s   ",
                 done, total, rate);
    fputs(line, stderr);
    b->shown = 1;
}

/* ---- output ---------------------------------------------------------------------- */

static const char *eur(elg_cents c, char *buf, size_t size) {
    return elg_money_format(c, buf, size);
}

typedef struct out_ctx {
    int format;
    int header_done;
    size_t beyond_shown; /* projects beyond the envelope printed so far */
    FILE *out;           /* where the lines go: stdout, or a file printed after the summary */
} out_ctx;

/* One project in allocation order: csv rows for all, text and json the
 * projects beyond the envelope. */
static int on_line(void *vctx, const elg_envelope_line *l) {
    out_ctx *o = vctx;
    const elg_batch_item *it = l->item;
    char a[64], b[64];
    if (o->format == FMT_CSV) {
        /* Fields are ids, numbers and outcome names: [A-Za-z0-9._-] only
         * (document checks), so none needs quoting. */
        fprintf(o->out, "%s,%d,%s,%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%" PRId64 ",%s\n",
                it->project, it->version, it->edition ? it->edition : "", it->outcome,
                it->has_requested ? (snprintf(a, sizeof a, "%" PRId64, it->requested), a) : "",
                it->grantable, l->cumulative, l->covered, l->within ? "yes" : "no", it->decision_id,
                it->reused ? "yes" : "no");
        return 0;
    }
    if (l->within)
        return 0;
    if (o->format == FMT_JSON) {
        /* Streamed: all of a large call's projects may be beyond. */
        json_t *row = json_pack("{s:s, s:s?, s:I, s:I, s:I}", "project", it->project, "edition",
                                it->edition, "grantable", (json_int_t)it->grantable, "covered",
                                (json_int_t)l->covered, "cumulative", (json_int_t)l->cumulative);
        char *text = row ? json_dumps(row, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        json_decref(row);
        if (!text)
            return -1;
        fprintf(o->out, "%s%s", o->beyond_shown++ ? "," : "", text);
        free(text);
        return 0;
    }
    if (o->beyond_shown++ == 0)
        fputs("Au-delà de l'enveloppe (dans l'ordre d'attribution) :\n", o->out);
    fprintf(o->out, "  ");
    cli_put_text(o->out, it->project);
    if (it->edition) {
        fprintf(o->out, " (");
        cli_put_text(o->out, it->edition);
        fprintf(o->out, ")");
    }
    fprintf(o->out, " : %s accordables", eur(it->grantable, a, sizeof a));
    if (l->covered > 0)
        fprintf(o->out, ", dont %s couverts", eur(l->covered, b, sizeof b));
    fprintf(o->out, " (cumul %s)\n", eur(l->cumulative, b, sizeof b));
    return 0;
}

static json_t *total_json(const elg_envelope_total *t) {
    json_t *o =
        json_pack("{s:s?, s:I, s:I, s:I, s:I}", "edition", t->name, "projects",
                  (json_int_t)t->projects, "granted_projects", (json_int_t)t->granted, "requested",
                  (json_int_t)t->requested, "grantable", (json_int_t)t->grantable);
    if (t->has_envelope) {
        json_object_set_new(o, "envelope", json_integer(t->envelope));
        json_object_set_new(o, "covered", json_integer(t->covered));
        json_object_set_new(o, "overrun", json_integer(t->overrun));
        json_object_set_new(o, "beyond", json_integer((json_int_t)t->beyond));
    }
    return o;
}

static void print_total_text(const char *label, const elg_envelope_total *t) {
    char a[64], b[64];
    printf("%s : %zu projet(s), %zu accordable(s), %s", label, t->projects, t->granted,
           eur(t->grantable, a, sizeof a));
    if (t->has_envelope) {
        if (t->overrun > 0)
            printf(" pour une enveloppe de %s : dépassement %s", eur(t->envelope, b, sizeof b),
                   eur(t->overrun, a, sizeof a));
        else
            printf(" dans l'enveloppe de %s (reste %s)", eur(t->envelope, b, sizeof b),
                   eur(t->envelope - t->grantable, a, sizeof a));
    }
    putchar('\n');
}

static void print_summary_text(const elg_call *call, const elg_batch_summary *s,
                               const elg_envelope_report *r) {
    char a[64];
    printf("Appel : ");
    cli_put_text(stdout, call->id);
    printf("\nProjets : %" PRId64 " — %" PRId64 " éligible(s), %" PRId64 " inéligible(s), %" PRId64
           " incomplet(s), %" PRId64 " en erreur\n",
           s->projects, s->by_outcome[ELG_OUTCOME_ELIGIBLE], s->by_outcome[ELG_OUTCOME_INELIGIBLE],
           s->by_outcome[ELG_OUTCOME_INCOMPLETE], s->by_outcome[ELG_OUTCOME_ERROR]);
    printf("Décisions : %" PRId64 " enregistrée(s), %" PRId64
           " déjà enregistrée(s) avec les mêmes entrées, en %" PRId64 " transaction(s)\n",
           s->stored, s->reused, s->transactions);
    if (s->killed)
        printf("Projets arrêtés à l'échéance : %" PRId64 "\n", s->killed);
    printf("Total demandé : %s\n", eur(s->requested, a, sizeof a));
    printf("Total accordable : %s\n", eur(s->grantable, a, sizeof a));
    const elg_envelope_policy *p = &r->policy;
    if (p->has_envelope)
        printf("Enveloppe : %s %s ; ordre d'attribution : %s\n", eur(p->envelope, a, sizeof a),
               p->scope == ELG_ENVELOPE_EDITION ? "par édition" : "pour tout l'appel",
               elg_allocation_order_name(p->order));
    else
        puts("Enveloppe : aucune (l'appel n'en déclare pas)");
    if (p->scope == ELG_ENVELOPE_CALL)
        print_total_text("Appel", &r->call);
    for (size_t i = 0; i < r->editions_count; i++) {
        elg_envelope_total t = r->editions[i];
        if (t.projects == 0)
            continue;
        /* Per edition, the edition's own envelope when there is one per edition. */
        for (size_t g = 0; g < r->groups_count && p->scope == ELG_ENVELOPE_EDITION; g++)
            if (r->groups[g].name == t.name)
                t = r->groups[g];
        char label[200];
        if (t.name) {
            size_t n = cli_escaped_size(t.name);
            char *esc = malloc(n);
            if (esc) {
                cli_escape_into(t.name, esc, n);
                snprintf(label, sizeof label, "Édition %s", esc);
                free(esc);
            }
        } else {
            snprintf(label, sizeof label, "Sans édition");
        }
        print_total_text(label, &t);
    }
}

/* The summary object but its last member, "beyond", left open: the
 * projects beyond the envelope are streamed into it, then "]}" closes it. */
static void print_summary_json(const elg_call *call, const elg_batch_summary *s,
                               const elg_envelope_report *r) {
    json_t *eds = json_array(), *groups = json_array();
    for (size_t i = 0; i < r->editions_count; i++)
        if (r->editions[i].projects)
            json_array_append_new(eds, total_json(&r->editions[i]));
    for (size_t i = 0; i < r->groups_count; i++)
        json_array_append_new(groups, total_json(&r->groups[i]));
    const elg_envelope_policy *p = &r->policy;
    json_t *o = json_pack(
        "{s:s, s:I, s:{s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:o, s:s, s:s},"
        " s:o, s:o, s:o, s:o}",
        "call", call->id, "projects", (json_int_t)s->projects, "outcomes", "eligible",
        (json_int_t)s->by_outcome[ELG_OUTCOME_ELIGIBLE], "ineligible",
        (json_int_t)s->by_outcome[ELG_OUTCOME_INELIGIBLE], "incomplete",
        (json_int_t)s->by_outcome[ELG_OUTCOME_INCOMPLETE], "error",
        (json_int_t)s->by_outcome[ELG_OUTCOME_ERROR], "stored", (json_int_t)s->stored, "reused",
        (json_int_t)s->reused, "transactions", (json_int_t)s->transactions, "killed",
        (json_int_t)s->killed, "requested", (json_int_t)s->requested, "grantable",
        (json_int_t)s->grantable, "envelope", "amount",
        p->has_envelope ? json_integer(p->envelope) : json_null(), "scope",
        elg_envelope_scope_name(p->scope), "order", elg_allocation_order_name(p->order), "total",
        total_json(&r->call), "groups", groups, "editions", eds, "beyond", json_array());
    char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    size_t n = text ? strlen(text) : 0;
    /* json_dumps keeps the members in insertion order: "beyond":[]} ends it. */
    if (n > 3 && strcmp(text + n - 3, "[]}") == 0)
        printf("%.*s", (int)(n - 2), text);
    free(text);
    json_decref(o);
}

static void print_summary(int format, const elg_call *call, const elg_batch_summary *s,
                          const elg_envelope_report *r) {
    if (format == FMT_TEXT)
        print_summary_text(call, s, r);
    else
        print_summary_json(call, s, r);
}

/* Copies the lines written to f (a temporary file) to stdout. */
static int copy_out(FILE *f) {
    char buf[1 << 16];
    size_t n;
    elg_error err = {0};
    if (fflush(f) == 0 && fseek(f, 0, SEEK_SET) == 0) {
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            if (fwrite(buf, 1, n, stdout) != n)
                break;
        if (!ferror(f) && !ferror(stdout))
            return 0;
    }
    elg_error_set(&err, ELG_EIO, "reading back the projects beyond the envelope: %s",
                  elg_strerror(errno));
    return cli_fail(&err);
}

/* ---- the command -------------------------------------------------------------------- */

int cli_parse_jobs(const char *v, int *out) {
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 0 || n > 256)
        return -1;
    *out = (int)n;
    return 0;
}

int cli_default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int cmd_batch(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"project", required_argument, 0, 'p'},
                                         {"since", required_argument, 0, 's'},
                                         {"format", required_argument, 0, 'f'},
                                         {"jobs", required_argument, 0, 'j'},
                                         {"unit", required_argument, 0, 'u'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    elg_batch_opts bo = {0};
    const char **projects = NULL;
    int format = FMT_TEXT, c;
    bo.jobs = cli_default_jobs();
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:s:f:j:u:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': {
            const char **p = realloc(projects, (bo.projects_count + 1) * sizeof *p);
            if (!p) {
                free(projects);
                return EXIT_STORE;
            }
            projects = p;
            projects[bo.projects_count++] = optarg;
            break;
        }
        case 's':
            bo.since = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                format = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                format = FMT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                format = FMT_CSV;
            else {
                free(projects);
                return cli_usage("batch : --format vaut text, json ou csv, pas « %s »", optarg);
            }
            break;
        case 'j':
            if (cli_parse_jobs(optarg, &bo.jobs)) {
                free(projects);
                return cli_usage("batch : --jobs attend un nombre de 0 à 256, pas « %s »", optarg);
            }
            break;
        case 'u': {
            char *end;
            long long n = strtoll(optarg, &end, 10);
            if (*end || n < 1 || n > 1000000) {
                free(projects);
                return cli_usage("batch : --unit attend un nombre de 1 à 1000000, pas « %s »",
                                 optarg);
            }
            bo.unit = (size_t)n;
            break;
        }
        case 'h':
            free(projects);
            return cli_help("batch");
        default:
            free(projects);
            return cli_bad_option("batch", opts, argv);
        }
    }
    if (optind != argc - 1) {
        free(projects);
        return cli_usage("batch : indiquez un appel, et un seul");
    }
    bo.projects = projects;
    bo.max_time_ms = ctx->limits.time_ms;
    bo.max_memory = ctx->limits.memory;
    bo.db_path = ctx->db_path;
    const char *call_id = argv[optind];
    elg_store *store = NULL;
    elg_rules *rules = NULL;
    elg_check_call *cc = NULL;
    elg_batch_summary sum;
    elg_envelope_report rep = {0};
    elg_envelope_tally *tally = NULL;
    elg_error err = {0};
    bar b = {0};
    out_ctx o = {format, 0, 0, stdout};
    int rc = cli_open_store_existing(ctx, &store);
    if (rc) {
        free(projects);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &b.start);
    if (isatty(STDERR_FILENO)) {
        bo.progress = on_progress;
        bo.progress_ctx = &b;
    }
    if ((rc = cli_open_rules(ctx, &rules))) {
        elg_store_close(store);
        free(projects);
        return rc;
    }
    if (elg_check_call_open(store, rules, call_id, 0, NULL, 0, &cc, &err) ||
        elg_envelope_tally_new(store, 0, elg_check_call_doc(cc), format == FMT_CSV, &tally, &err) ||
        (bo.tally = tally, elg_batch_run(store, rules, cc, &bo, &sum, &err))) {
        if (b.shown)
            fputc('\n', stderr);
        rc = cli_fail_in(ctx, &err);
        goto out;
    }
    if (b.shown)
        fputc('\n', stderr);
    if (format == FMT_CSV)
        puts("project,version,edition,outcome,requested,grantable,cumulative,covered,within,"
             "decision,reused");
    const elg_call *call = elg_check_call_doc(cc);
    /* The summary comes first, and the projects beyond the envelope after it in allocation
     * order: one walk of the allocation (the items the tally kept sorted once, by SQLite's
     * sorter: without CSV, only the grants under an envelope) writes those lines to a temporary
     * file that is copied out after the summary. Without one, the allocation is walked twice; the
     * lines are never held in memory (all of a large call's projects may be beyond). */
    FILE *lines = format != FMT_CSV ? tmpfile() : NULL;
    if (lines)
        o.out = lines;
    if (format != FMT_CSV && !lines) {
        if ((rc = elg_envelope_allocate(tally, NULL, NULL, &rep, &err)))
            goto fail;
        print_summary(format, call, &sum, &rep);
        elg_envelope_report_release(&rep);
    }
    if ((rc = elg_envelope_allocate(tally, on_line, &o, &rep, &err))) {
        if (lines)
            fclose(lines);
        goto fail;
    }
    if (lines) {
        print_summary(format, call, &sum, &rep);
        rc = copy_out(lines);
        fclose(lines);
        if (rc)
            goto out;
    }
    if (format == FMT_JSON)
        puts("]}");
    rc = 0;
    goto out;
fail:
    rc = cli_fail_in(ctx, &err);
out:
    elg_envelope_report_release(&rep);
    elg_envelope_tally_free(tally);
    elg_check_call_close(cc);
    elg_rules_free(rules);
    elg_store_close(store);
    free(projects);
    return rc;
}
