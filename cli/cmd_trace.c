/*
 * trace and replay: reading stored decisions back. `trace list` and
 * `trace show` print them, `trace diff` compares two, `trace export` writes
 * the HTML page, and `replay` evaluates one again from the store. None of
 * them writes to the store: decisions are append-only, and only check adds.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "diff.h"
#include "labels.h"
#include "replay.h"
#include "report.h"
#include "tr.h"

enum { EXIT_DIVERGED = 1 }; /* replay: the decision does not come out the same */

/* Parses a decision id; prints a usage error and returns 0 when invalid. */
static int64_t decision_id(const char *s) {
    char *end;
    long long id = strtoll(s, &end, 10);
    if (*end || id <= 0 || end == s) {
        cli_usage("\"%s\" is not a decision id (a positive number, see `eligo trace list`)", s);
        return 0;
    }
    return id;
}

/* Options shared by the subcommands: --format, --help, and what each adds. */
typedef struct trace_opts {
    int json; /* CLI_TEXT, CLI_JSON or (trace list) CLI_CSV */
    int html;
    int record; /* trace list --record */
    const char *output;
    elg_decision_filter filter;
} trace_opts;

/* A date filter: an ISO 8601 UTC prefix such as 2024, 2024-03-01 or
 * 2024-03-01T09:30. */
static int date_prefix_ok(const char *s) {
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    size_t n = strlen(s);
    if (n < 4 || n > sizeof shape - 1)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    }
    return 1;
}

static const char *option_name(const struct option *opts, int c) {
    for (; opts->name; opts++)
        if (opts->val == c)
            return opts->name;
    return "?";
}

/* Parses argv (argv[0] is the subcommand); positional arguments are left
 * from argv[optind]. Returns -1 after printing what's help, EXIT_USAGE on
 * error. */
static int parse_opts(int argc, char **argv, const char *what, trace_opts *o) {
    enum { O_PROJECT = 256, O_CALL, O_OUTCOME, O_SINCE, O_UNTIL, O_HTML, O_RECORD };
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {"output", required_argument, 0, 'o'},
                                         {"project", required_argument, 0, O_PROJECT},
                                         {"call", required_argument, 0, O_CALL},
                                         {"outcome", required_argument, 0, O_OUTCOME},
                                         {"since", required_argument, 0, O_SINCE},
                                         {"until", required_argument, 0, O_UNTIL},
                                         {"html", no_argument, 0, O_HTML},
                                         {"record", no_argument, 0, O_RECORD},
                                         {0, 0, 0, 0}};
    int c, listing = strcmp(what, "trace list") == 0, exporting = strcmp(what, "trace export") == 0;
    memset(o, 0, sizeof *o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:ho:", opts, NULL)) != -1) {
        int filter = c >= O_PROJECT && c <= O_UNTIL;
        if (((filter || c == O_RECORD) && !listing) || ((c == 'o' || c == O_HTML) && !exporting) ||
            (c == 'f' && exporting))
            return cli_usage("%s: option --%s does not apply", what, option_name(opts, c));
        switch (c) {
        case 'f':
            if ((o->json = cli_format(optarg, listing)) < 0)
                return EXIT_USAGE;
            break;
        case 'h':
            cli_help(what);
            return -1;
        case 'o':
            o->output = optarg;
            break;
        case O_HTML:
            o->html = 1;
            break;
        case O_RECORD:
            o->record = 1;
            break;
        case O_PROJECT:
            o->filter.project = optarg;
            break;
        case O_CALL:
            o->filter.call = optarg;
            break;
        case O_OUTCOME:
            if (strcmp(optarg, "eligible") && strcmp(optarg, "ineligible") &&
                strcmp(optarg, "incomplete") && strcmp(optarg, "error"))
                return cli_usage(
                    "--outcome must be eligible, ineligible, incomplete or error, not \"%s\"",
                    optarg);
            o->filter.outcome = optarg;
            break;
        case O_SINCE:
        case O_UNTIL:
            if (!date_prefix_ok(optarg))
                return cli_usage("--%s needs an ISO 8601 date such as 2024-03-01 (or a prefix "
                                 "such as 2024-03), not \"%s\"",
                                 c == O_SINCE ? "since" : "until", optarg);
            *(c == O_SINCE ? &o->filter.since : &o->filter.until) = optarg;
            break;
        default:
            return cli_bad_option(what, opts, argv);
        }
    }
    return 0;
}

/* For the commands on one decision: parses the options, the id and opens
 * the store. Returns -1 after printing help (exit 0), else an exit code. */
static int one_decision(cli_ctx *ctx, int argc, char **argv, const char *what, trace_opts *o,
                        int64_t *id, elg_store **store) {
    int rc = parse_opts(argc, argv, what, o);
    if (rc)
        return rc;
    if (optind != argc - 1)
        return cli_usage("%s needs exactly one decision id", what);
    if (!(*id = decision_id(argv[optind])))
        return EXIT_USAGE;
    return cli_open_store_existing(ctx, store);
}

/* ---- list ----------------------------------------------------------------- */

typedef struct list_ctx {
    int json;
    int record;
    size_t count;
    elg_error err; /* why the listing stopped */
    elg_store *store;
    elg_ruleset *ruleset; /* --record: the last one read */
} list_ctx;

/* Prints s in width columns (counting UTF-8 characters, not bytes), left
 * aligned, or right aligned when width is negative. */
static void print_padded(const char *s, int width) {
    int chars = 0, w = width < 0 ? -width : width;
    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (width < 0)
        printf("%*s", chars < w ? w - chars : 0, "");
    fputs(s, stdout);
    if (width > 0)
        printf("%*s", chars < w ? w - chars : 0, "");
}

/* An outcome in the words of the listing's column (the JSON and CSV keep
 * the English value). */
static const char *outcome_word(const char *o) {
    if (strcmp(o, "eligible") == 0)
        return elg_trc("outcome", "eligible");
    if (strcmp(o, "ineligible") == 0)
        return elg_trc("outcome", "ineligible");
    if (strcmp(o, "incomplete") == 0)
        return elg_trc("outcome", "incomplete");
    if (strcmp(o, "error") == 0)
        return elg_trc("outcome", "error");
    return o;
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
 * break, quotes doubled. Ids are restricted to [A-Za-z0-9._-] by the
 * documents, so this is a safeguard. */
static void csv_field(const char *s) {
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* The key figures as `trace list --format json` prints them: the full
 * form, from the row's column or its record (docs/trace.md); NULL when
 * they cannot be read (l->err says why). */
static json_t *full_figures(list_ctx *l, const elg_stored_decision *d) {
    elg_text t = {0};
    json_t *j = NULL;
    if (elg_check_row_figures(l->store, d, &l->ruleset, &t, &l->err) == 0)
        j = json_loadb(t.data, t.len, 0, NULL);
    elg_text_release(&t);
    return j;
}

static int list_one(void *vctx, const elg_stored_decision *d) {
    list_ctx *l = vctx;
    char m[ELG_MONEY_FMT_MAX];
    json_t *figures = full_figures(l, d);
    if (!figures)
        return l->err.code ? l->err.code
                           : elg_error_set(&l->err, ELG_ESTORE,
                                           "decision %lld: its key figures cannot be read",
                                           (long long)d->id);
    if (l->json == CLI_CSV) {
        json_t *cost = json_object_get(figures, "eligible_cost");
        printf("%lld,", (long long)d->id);
        csv_field(d->created_at);
        printf(",%s,", d->outcome);
        csv_field(d->project);
        printf(",%d,", d->project_version);
        csv_field(d->call);
        printf(",%d,", d->call_version);
        if (json_is_integer(cost))
            printf("%lld", (long long)json_integer_value(cost));
        printf(",%s\r\n", d->ruleset_sha256);
    } else if (l->json) {
        json_t *o = json_pack("{sIsssssssisssssisssssssO?}", "decision_id", (json_int_t)d->id,
                              "created_at", d->created_at, "outcome", d->outcome, "project",
                              d->project, "project_version", d->project_version, "project_sha256",
                              d->project_sha256, "call", d->call, "call_version", d->call_version,
                              "ruleset_sha256", d->ruleset_sha256, "engine_version",
                              d->engine_version, "call_sha256", d->call_sha256, "figures", figures);
        /* The row's record as the store keeps it (docs/trace.md), which a
         * compressed row no longer shows to SQL, and the ruleset it
         * completes. */
        if (o && l->record) {
            elg_text text = {0};
            int format = 0;
            int rc = elg_check_record_json(l->store, d, &l->ruleset, &text, &format, &l->err);
            json_t *rec = rc == 0 ? json_loadb(text.data, text.len, 0, NULL) : NULL;
            elg_text_release(&text);
            if (!rec) {
                json_decref(o);
                json_decref(figures);
                return rc ? rc
                          : elg_error_set(&l->err, ELG_ESTORE,
                                          "decision %lld: its stored record is not JSON",
                                          (long long)d->id);
            }
            if (!format)
                format = (int)json_integer_value(json_object_get(rec, "format"));
            json_object_set_new(o, "ruleset", d->ruleset ? json_string(d->ruleset) : json_null());
            json_object_set_new(o, "record", rec);
            json_object_set_new(o, "record_format", json_integer(format));
        }
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (s)
            puts(s);
        free(s);
        json_decref(o);
    } else {
        if (l->count == 0) {
            print_padded("n°", -6);
            fputs("  ", stdout);
            print_padded("date (UTC)", 24);
            fputs("  ", stdout);
            print_padded("résultat", 10);
            fputs("  ", stdout);
            print_padded("coût éligible", -16);
            puts("  projet (version) → appel");
        }
        printf("%6lld  %-24s  ", (long long)d->id, d->created_at);
        print_padded(outcome_word(d->outcome), 10);
        fputs("  ", stdout);
        print_padded(cli_money(json_object_get(figures, "eligible_cost"), m, sizeof m), -16);
        fputs("  ", stdout);
        cli_put_text(stdout, d->project);
        printf(" (v%d) → ", d->project_version);
        cli_put_text(stdout, d->call);
        putchar('\n');
    }
    json_decref(figures);
    l->count++;
    return 0;
}

static int trace_list(cli_ctx *ctx, int argc, char **argv) {
    trace_opts o;
    int rc = parse_opts(argc, argv, "trace list", &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind != argc)
        return cli_usage("trace list takes no arguments, only filters (--project, --call, "
                         "--outcome, --since, --until)");
    if (o.record && o.json != CLI_JSON)
        return cli_usage("trace list: --record needs --format json");
    elg_store *store;
    if ((rc = cli_open_store_existing(ctx, &store)))
        return rc;
    list_ctx l = {o.json, o.record, 0, {0}, store, NULL};
    elg_error err = {0};
    if (o.json == CLI_CSV)
        fputs("decision_id,created_at,outcome,project,project_version,call,call_version,"
              "eligible_cost,ruleset_sha256\r\n",
              stdout);
    if (elg_store_each_decision(store, &o.filter, list_one, &l, &err))
        rc = cli_fail_in(ctx, l.err.code ? &l.err : &err);
    else if (o.json == CLI_TEXT)
        printf("%zu décision%s\n", l.count, l.count > 1 ? "s" : "");
    elg_ruleset_unref(l.ruleset);
    elg_store_close(store);
    return rc;
}

/* ---- show ----------------------------------------------------------------- */

static int trace_show(cli_ctx *ctx, int argc, char **argv) {
    trace_opts o;
    elg_store *store = NULL;
    elg_decision *decision = NULL;
    int64_t id = 0;
    elg_error err = {0};
    int rc = one_decision(ctx, argc, argv, "trace show", &o, &id, &store);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (elg_check_load_decision(store, id, &decision, &err))
        rc = cli_fail_in(ctx, &err);
    else
        cli_print_decisions(ctx, &decision, 1, o.json);
    elg_decision_free(decision);
    elg_store_close(store);
    return rc;
}

/* ---- export --------------------------------------------------------------- */

static int trace_export(cli_ctx *ctx, int argc, char **argv) {
    trace_opts o;
    elg_store *store = NULL;
    int64_t id = 0;
    int rc = one_decision(ctx, argc, argv, "trace export", &o, &id, &store);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!o.html) {
        elg_store_close(store);
        return cli_usage("trace export needs a format: --html (the only one so far)");
    }
    char *html = NULL;
    elg_error err = {0};
    if (elg_report_decision_html(store, id, &html, &err)) {
        rc = cli_fail_in(ctx, &err);
        goto out;
    }
    FILE *f = o.output ? fopen(o.output, "wb") : stdout;
    if (!f) {
        elg_error_set(&err, ELG_EIO, "cannot write %s: %s", o.output, elg_strerror(errno));
        rc = cli_fail(&err);
        goto out;
    }
    size_t len = strlen(html);
    int bad = fwrite(html, 1, len, f) != len;
    bad |= o.output ? fclose(f) != 0 : fflush(f) != 0;
    if (bad) {
        elg_error_set(&err, ELG_EIO, "cannot write %s", o.output ? o.output : "standard output");
        rc = cli_fail(&err);
    } else if (o.output) {
        fprintf(stderr, elg_tr("decision %lld written to %s\n"), (long long)id, o.output);
    }
out:
    free(html);
    elg_store_close(store);
    return rc;
}

/* ---- diff ----------------------------------------------------------------- */

static const char *outcome_fr(const char *o) {
    if (!o)
        return "—";
    elg_outcome out;
    return elg_outcome_parse(o, &out) ? elg_labels_outcome(out) : "ERREUR DE RÈGLE";
}

/* A value of a diff entry: amounts (integers of key figures and rule
 * figures, by the traces' convention) as money, the rest as compact JSON. */
static void print_value(json_t *v, int money) {
    char m[ELG_MONEY_FMT_MAX];
    if (!v) {
        fputs("(absent)", stdout);
    } else if (money && json_is_integer(v)) {
        fputs(cli_money(v, m, sizeof m), stdout);
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fputs(s ? s : "?", stdout);
        free(s);
    }
}

static int path_is_money(const char *path) {
    size_t n = strlen(path);
    return !(n >= 3 && strcmp(path + n - 3, "_bp") == 0) &&
           !(n >= 7 && strcmp(path + n - 7, "version") == 0);
}

enum { AS_IS, FIGURES, FACTS };

static void print_changes(const char *indent, const char *label, json_t *list, int kind) {
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        const char *path = json_string_value(json_object_get(c, "path"));
        int money =
            kind == FIGURES ? path_is_money(path) : kind == FACTS && cli_path_is_amount(path);
        printf("%s%s", indent, label);
        cli_put_text(stdout, path);
        fputs(" : ", stdout);
        print_value(json_object_get(c, "old"), money);
        fputs(" → ", stdout);
        print_value(json_object_get(c, "new"), money);
        putchar('\n');
    }
}

static void print_section(const char *title, json_t *list, int money) {
    if (json_array_size(list) == 0)
        return;
    printf("%s :\n", title);
    print_changes("  ", "", list, money ? FIGURES : AS_IS);
}

static void print_rule_changes(json_t *diff) {
    size_t i, k;
    json_t *r, *fld;
    if (elg_diff_rules_changed(diff) > 0)
        puts("Règles :");
    json_array_foreach(json_object_get(diff, "rules"), i, r) {
        const char *change = json_string_value(json_object_get(r, "change"));
        const char *id = json_string_value(json_object_get(r, "id"));
        if (strcmp(change, "changed") != 0) {
            fputs("  ", stdout);
            cli_put_text(stdout, id);
            printf(" %s (%s : ",
                   strcmp(change, "added") == 0 ? "seulement dans la seconde décision"
                                                : "seulement dans la première décision",
                   json_string_value(json_object_get(r, "status")));
            cli_put_text(stdout, json_string_value(json_object_get(r, "message")));
            puts(")");
            continue;
        }
        fputs("  ", stdout);
        cli_put_text(stdout, id);
        putchar('\n');
        json_array_foreach(json_object_get(r, "fields"), k, fld) {
            printf("    %s : ", json_string_value(json_object_get(fld, "field")));
            print_value(json_object_get(fld, "old"), 0);
            fputs(" → ", stdout);
            print_value(json_object_get(fld, "new"), 0);
            putchar('\n');
        }
        print_changes("    ", "chiffre ", json_object_get(r, "figures"), FIGURES);
        print_changes("    ", "donnée lue ", json_object_get(r, "facts"), FACTS);
    }
}

/* Everything a diff reports but the outcome and the unchanged rules. */
static void print_differences(json_t *diff) {
    size_t i;
    json_t *fld;
    if (json_array_size(json_object_get(diff, "decision")))
        puts("Décision :");
    json_array_foreach(json_object_get(diff, "decision"), i, fld) {
        printf("  %s : ", json_string_value(json_object_get(fld, "field")));
        print_value(json_object_get(fld, "old"), 0);
        fputs(" → ", stdout);
        print_value(json_object_get(fld, "new"), 0);
        putchar('\n');
    }
    print_section("Chiffres clés", json_object_get(diff, "figures"), 1);
    print_section("Paramètres", json_object_get(diff, "parameters"), 0);
    print_section("Fichiers de règles", json_object_get(diff, "rule_files"), 0);
    print_section("Financeurs", json_object_get(diff, "financer_versions"), 0);
    print_rule_changes(diff);
}

static void print_diff(const elg_decision *a, const elg_decision *b, json_t *diff) {
    printf("Décision n° %" PRId64 " → n° %" PRId64 "\n", a->id, b->id);
    json_t *o = json_object_get(diff, "outcome");
    if (json_is_object(o))
        printf("Résultat : %s → %s\n", outcome_fr(json_string_value(json_object_get(o, "old"))),
               outcome_fr(json_string_value(json_object_get(o, "new"))));
    else
        printf("Résultat : %s (inchangé)\n", outcome_fr(elg_outcome_name(a->outcome)));
    print_differences(diff);
    size_t i;
    json_t *same = json_object_get(diff, "rules_unchanged");
    if (json_array_size(same)) {
        fputs("Règles inchangées :", stdout);
        json_t *id;
        json_array_foreach(same, i, id) {
            printf("%s ", i ? "," : "");
            cli_put_text(stdout, json_string_value(id));
        }
        putchar('\n');
    }
}

static int trace_diff(cli_ctx *ctx, int argc, char **argv) {
    trace_opts o;
    int rc = parse_opts(argc, argv, "trace diff", &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind != argc - 2)
        return cli_usage("trace diff needs two decision ids");
    int64_t ida = decision_id(argv[optind]), idb;
    if (!ida || !(idb = decision_id(argv[optind + 1])))
        return EXIT_USAGE;
    elg_store *store;
    if ((rc = cli_open_store_existing(ctx, &store)))
        return rc;
    elg_decision *a = NULL, *b = NULL;
    json_t *diff = NULL;
    elg_error err = {0};
    if (elg_check_load_decision(store, ida, &a, &err) ||
        elg_check_load_decision(store, idb, &b, &err) || !(diff = elg_diff_decisions(a, b, &err))) {
        rc = cli_fail_in(ctx, &err);
    } else if (o.json) {
        json_object_set_new(diff, "a", json_integer(ida));
        json_object_set_new(diff, "b", json_integer(idb));
        json_object_set_new(diff, "same", json_boolean(elg_diff_same(diff)));
        char *s = json_dumps(diff, JSON_COMPACT);
        if (s)
            puts(s);
        free(s);
    } else {
        print_diff(a, b, diff);
    }
    json_decref(diff);
    elg_decision_free(a);
    elg_decision_free(b);
    elg_store_close(store);
    return rc;
}

int cmd_trace(cli_ctx *ctx, int argc, char **argv) {
    static const struct {
        const char *name;
        int (*fn)(cli_ctx *, int, char **);
    } subs[] = {
        {"list", trace_list},
        {"show", trace_show},
        {"diff", trace_diff},
        {"export", trace_export},
    };
    if (argc < 2) {
        cli_help_print(stderr, cli_command_find("trace"));
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cli_help("trace");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(ctx, argc - 1, argv + 1);
    return cli_unknown_command("trace", argv[1]);
}

/* ---- replay --------------------------------------------------------------- */

int cmd_replay(cli_ctx *ctx, int argc, char **argv) {
    trace_opts o;
    elg_store *store = NULL;
    int64_t id = 0;
    int rc = one_decision(ctx, argc, argv, "replay", &o, &id, &store);
    if (rc)
        return rc < 0 ? 0 : rc;
    json_t *report = NULL;
    elg_error err = {0};
    if (elg_replay_decision(store, &ctx->limits, id, &report, &err)) {
        rc = cli_fail_in(ctx, &err);
        goto out;
    }
    int same = json_is_true(json_object_get(report, "same"));
    json_t *diff = json_object_get(report, "diff");
    if (o.json) {
        char *s = json_dumps(report, JSON_COMPACT);
        if (s)
            puts(s);
        free(s);
    } else {
        printf("Décision n° %lld rejouée : %s — %s\n", (long long)id,
               same ? "identique" : "DIVERGENCE",
               outcome_fr(json_string_value(json_object_get(report, "replayed_outcome"))));
        size_t i;
        json_t *n;
        json_array_foreach(json_object_get(report, "notes"), i, n)
            printf("note : %s\n", json_string_value(n));
        if (!same) {
            json_t *o2 = json_object_get(diff, "outcome");
            if (json_is_object(o2))
                printf("Résultat stocké %s, rejoué %s\n",
                       outcome_fr(json_string_value(json_object_get(o2, "old"))),
                       outcome_fr(json_string_value(json_object_get(o2, "new"))));
            print_differences(diff);
        }
    }
    rc = same ? 0 : EXIT_DIVERGED;
out:
    json_decref(report);
    elg_store_close(store);
    return rc;
}
