/*
 * export scdl and import scdl: the SCDL « Subventions » open data of grant decisions, written
 * from the stored awards and read from other funders' published files (engine/scdl.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cerfa.h"
#include "cli.h"
#include "doc.h"
#include "files.h"
#include "scdl.h"

int cmd_export(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"call", required_argument, 0, 'c'},
                                         {"funder", required_argument, 0, 'f'},
                                         {"since", required_argument, 0, 's'},
                                         {"until", required_argument, 0, 'u'},
                                         {"output", required_argument, 0, 'o'},
                                         {"data-subvention", no_argument, 0, 'd'},
                                         {0, 0, 0, 0}};
    elg_award_filter filter = {0};
    unsigned flags = 0;
    const char *output = NULL;
    int c;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2)
            return cli_usage("export : quel format ? export scdl");
        return cli_help("export");
    }
    if (strcmp(argv[1], "scdl") != 0)
        return cli_unknown_command("export", argv[1]);
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            return cli_help("export scdl");
        case 'c':
            filter.call = optarg;
            break;
        case 'f':
            filter.funder_siret = optarg;
            break;
        case 's':
            filter.since = optarg;
            break;
        case 'u':
            filter.until = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'd':
            flags |= ELG_SCDL_DATA_SUBVENTION;
            break;
        default:
            return cli_usage("export scdl: unknown option");
        }
    }
    if (optind < argc)
        return cli_usage("export scdl takes no arguments, only options");
    elg_store *store;
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    elg_error err = {0};
    char *csv = NULL;
    size_t len = 0, rows = 0;
    if (elg_scdl_export_with(store, &filter, flags, &csv, &len, &rows, &err)) {
        rc = cli_fail(&err);
        fprintf(stderr, elg_tr("eligo: nothing was written\n"));
        elg_store_close(store);
        return rc;
    }
    elg_store_close(store);
    FILE *out = output ? fopen(output, "wb") : stdout;
    if (!out || fwrite(csv, 1, len, out) != len || (output && fclose(out) != 0)) {
        fprintf(stderr, elg_tr("eligo: cannot write %s\n"), output ? output : "stdout");
        free(csv);
        return EXIT_INPUT;
    }
    free(csv);
    if (output)
        fprintf(stderr, elg_tr("%zu row(s) written to %s\n"), rows, output);
    return 0;
}

typedef struct import_out {
    int quiet;
    elg_scdl_writer *w;
    elg_error *err;
} import_out;

static int print_reject(void *ctx, const elg_error *why) {
    import_out *o = ctx;
    char buf[1400];
    if (!o->quiet) {
        fputs(elg_tr("rejected: "), stdout);
        cli_put_text(stdout, elg_error_format(why, buf, sizeof buf));
        fputc('\n', stdout);
    }
    return 0;
}

static int write_row(void *ctx, const elg_scdl_row *row) {
    import_out *o = ctx;
    return o->w ? elg_scdl_writer_row(o->w, row->cells, o->err) : 0;
}

int cmd_import_scdl(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"normalize", required_argument, 0, 'n'},
                                         {"strict", no_argument, 0, 's'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    const char *normalize = NULL;
    int strict = 0, c;
    import_out o = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        if (c == 'h') {
            return cli_help("import scdl");
        } else if (c == 'n') {
            normalize = optarg;
        } else if (c == 's') {
            strict = 1;
        } else if (c == 'q') {
            o.quiet = 1;
        } else {
            return cli_usage("import scdl: unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage("import scdl needs exactly one file");
    const char *path = argv[optind];
    elg_error err = {0};
    elg_scdl_summary sum;
    size_t added = 0;
    int rc = 0;
    o.err = &err;
    if (normalize && !(o.w = elg_scdl_writer_new())) {
        fprintf(stderr, elg_tr("eligo: out of memory\n"));
        return EXIT_STORE;
    }
    if (strict || normalize) {
        /* Reading only: the strict check stores nothing; --normalize reads the file a first
         * time to write what it accepts. */
        char *data = NULL;
        size_t len = 0;
        if (elg_files_read(path, 64u << 20, &data, &len, &err) ||
            elg_scdl_read(path, data, len, strict, write_row, print_reject, &o, &sum, &err)) {
            free(data);
            elg_scdl_writer_free(o.w);
            return cli_fail(&err);
        }
        free(data);
    }
    if (!strict) {
        elg_store *store;
        if ((rc = cli_open_store(ctx, &store))) {
            elg_scdl_writer_free(o.w);
            return rc;
        }
        import_out quiet = o;
        quiet.quiet = o.quiet || normalize; /* the rejects are already printed */
        if (elg_scdl_import(store, path, print_reject, &quiet, &sum, &added, &err)) {
            rc = cli_fail(&err);
            fprintf(stderr, elg_tr("eligo: nothing was imported\n"));
            elg_store_close(store);
            elg_scdl_writer_free(o.w);
            return rc;
        }
        elg_store_close(store);
    }
    if (o.w) {
        size_t len = 0;
        char *csv = elg_scdl_writer_finish(o.w, &len);
        FILE *out = csv ? fopen(normalize, "wb") : NULL;
        if (!out || fwrite(csv, 1, len, out) != len || fclose(out) != 0) {
            fprintf(stderr, elg_tr("eligo: cannot write %s\n"), normalize);
            free(csv);
            return EXIT_INPUT;
        }
        free(csv);
    }
    printf(elg_tr("%s: %s, '%c' delimited: %zu row(s) read, %zu %s, %zu rejected"), path,
           elg_tr(sum.encoding), sum.delimiter, sum.read, sum.accepted,
           strict ? elg_tr("valid") : elg_tr("imported"), sum.rejected);
    if (!strict)
        printf(elg_tr(" (%zu new, %zu already stored)"), added, sum.accepted - added);
    printf("\n");
    if (sum.siret_as_number)
        printf(elg_tr("  %zu SIRET(s) written as numbers, all digits there: kept\n"),
               sum.siret_as_number);
    if (sum.funder_siret_unusable)
        printf(
            elg_tr("  %zu row(s) whose funder SIRET is unusable (digits lost): kept without it\n"),
            sum.funder_siret_unusable);
    if (sum.ignored_columns)
        printf(elg_tr("  %zu column(s) not in the schema: ignored\n"), sum.ignored_columns);
    if (sum.header_errors)
        printf(elg_tr("  %zu header error(s)\n"), sum.header_errors);
    return strict && (sum.rejected || sum.header_errors) ? EXIT_INPUT : 0;
}

int cmd_import_cerfa(cli_ctx *ctx, int argc, char **argv) {
    enum {
        O_ID = 256,
        O_TITLE,
        O_APPLICANT,
        O_STATUS,
        O_SIRET,
        O_RNA,
        O_COMMUNE,
        O_START,
        O_END,
        O_CALL,
        O_FINANCER
    };
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"output", required_argument, 0, 'o'},
                                         {"id", required_argument, 0, O_ID},
                                         {"title", required_argument, 0, O_TITLE},
                                         {"applicant", required_argument, 0, O_APPLICANT},
                                         {"status", required_argument, 0, O_STATUS},
                                         {"siret", required_argument, 0, O_SIRET},
                                         {"rna", required_argument, 0, O_RNA},
                                         {"commune", required_argument, 0, O_COMMUNE},
                                         {"start", required_argument, 0, O_START},
                                         {"end", required_argument, 0, O_END},
                                         {"call", required_argument, 0, O_CALL},
                                         {"financer", required_argument, 0, O_FINANCER},
                                         {0, 0, 0, 0}};
    elg_cerfa_options o = {0};
    elg_cerfa_financer_map maps[32];
    const char *output = NULL;
    char *owned_financer = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            return cli_help("import cerfa");
        case 'o':
            output = optarg;
            break;
        case O_ID:
            o.id = optarg;
            break;
        case O_TITLE:
            o.title = optarg;
            break;
        case O_APPLICANT:
            o.applicant = optarg;
            break;
        case O_STATUS:
            o.status = optarg;
            break;
        case O_SIRET:
            o.siret = optarg;
            break;
        case O_RNA:
            o.rna = optarg;
            break;
        case O_COMMUNE:
            o.commune = optarg;
            break;
        case O_START:
            o.start = optarg;
            break;
        case O_END:
            o.end = optarg;
            break;
        case O_CALL:
            o.call = optarg;
            break;
        case O_FINANCER: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1])
                return cli_usage("--financer needs KEYWORD=ID, not \"%s\"", optarg);
            if (o.financers_count == sizeof maps / sizeof maps[0])
                return cli_usage("at most 32 --financer mappings");
            *eq = '\0';
            maps[o.financers_count++] = (elg_cerfa_financer_map){optarg, eq + 1};
            break;
        }
        default:
            return cli_usage("import cerfa: unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage("import cerfa needs exactly one file");
    if ((o.start == NULL) != (o.end == NULL))
        return cli_usage("import cerfa: give both --start and --end");
    o.financers = maps;
    const char *path = argv[optind];
    elg_error err = {0};
    int rc = 0;
    if (o.call) {
        /* The call's financer, from the store: its lines are the request. */
        elg_store *store;
        elg_stored_doc sd = {0};
        elg_doc *doc = NULL;
        if ((rc = cli_open_store(ctx, &store)))
            return rc;
        if (elg_store_get_doc(store, "call", o.call, 0, &sd, &err) ||
            elg_doc_parse(sd.source, sd.body, sd.body_len, &doc, &err)) {
            rc = cli_fail(&err);
            elg_store_doc_release(&sd);
            elg_store_close(store);
            return rc;
        }
        owned_financer = strdup(elg_doc_call(doc)->financer);
        o.call_financer = owned_financer;
        elg_doc_free(doc);
        elg_store_doc_release(&sd);
        elg_store_close(store);
        if (!owned_financer) {
            fprintf(stderr, elg_tr("eligo: out of memory\n"));
            return EXIT_STORE;
        }
    }
    char *data = NULL, *yaml = NULL;
    size_t len = 0, yaml_len = 0;
    elg_cerfa_totals t;
    if (elg_files_read(path, 16u << 20, &data, &len, &err) ||
        elg_cerfa_to_project(path, data, len, &o, &yaml, &yaml_len, &t, &err)) {
        free(data);
        free(owned_financer);
        return cli_fail(&err);
    }
    free(data);
    free(owned_financer);
    FILE *out = output ? fopen(output, "wb") : stdout;
    if (!out || fwrite(yaml, 1, yaml_len, out) != yaml_len || (output && fclose(out) != 0)) {
        fprintf(stderr, elg_tr("eligo: cannot write %s\n"), output ? output : "stdout");
        free(yaml);
        return EXIT_INPUT;
    }
    free(yaml);
    char a[ELG_MONEY_FMT_MAX], b[ELG_MONEY_FMT_MAX], s[ELG_MONEY_FMT_MAX], k[ELG_MONEY_FMT_MAX];
    fprintf(
        stderr,
        elg_tr("%s: %zu expense(s), %zu resource(s): charges %s = produits %s, of which 74: %s; "
               "in kind (86 = 87): %s\n"),
        path, t.expenses, t.resources, elg_money_format(t.charges, a, sizeof a),
        elg_money_format(t.produits, b, sizeof b), elg_money_format(t.subsidies, s, sizeof s),
        elg_money_format(t.in_kind_charges, k, sizeof k));
    return 0;
}
