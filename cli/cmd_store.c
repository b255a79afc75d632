/*
 * init and import: creating the store and bringing documents into it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "import.h"

int cmd_init(cli_ctx *ctx, int argc, char **argv) {
    int json, rc = cli_format_only("init", argc, argv, &json);
    if (rc)
        return rc < 0 ? 0 : rc;
    elg_store *store;
    if ((rc = cli_open_store(ctx, &store)))
        return rc;
    if (json)
        cli_put_json(json_pack("{sssi}", "store", ctx->db_path, "schema_version",
                               elg_store_schema_version()));
    else
        printf(elg_tr("store %s ready (schema version %d)\n"), ctx->db_path,
               elg_store_schema_version());
    elg_store_close(store);
    return 0;
}

typedef struct import_out {
    int quiet, json;
    size_t read, created;
} import_out;

/* One line per document, printed as the store hands them back after the
 * commit, so that a large import keeps nothing in memory. */
static int print_item(void *ctx, const elg_import_item *it) {
    import_out *out = ctx;
    out->read++;
    out->created += it->created ? 1 : 0;
    const char *status = it->created ? (it->version == 1 ? elg_tr("new") : elg_tr("new version"))
                                     : elg_tr("unchanged");
    if (out->json)
        cli_put_json(json_pack(
            "{sssssiss}", "kind", it->kind, "id", it->id, "version", it->version, "status",
            it->created ? (it->version == 1 ? "new" : "new-version") : "unchanged"));
    else if (!out->quiet)
        printf("%-9s %-40s v%d %s\n", it->kind, it->id, it->version, status);
    return 0;
}

/* A file of a directory left out because reading it could block or never
 * end: said at once, on stderr, whatever the import's outcome. */
static void note_skipped(void *ctx, const char *path, const char *what) {
    (void)ctx;
    fputs(elg_tr("eligo: note: skipped "), stderr);
    cli_put_text(stderr, path);
    fprintf(stderr, elg_tr(": not a regular file (%s)\n"), what);
}

int cmd_import(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    import_out out = {0};
    int c;
    /* `import scdl FILE`, `import cerfa FILE`: the funders' formats (a directory named scdl
     * or cerfa is imported as ./scdl). */
    if (argc > 2 && strcmp(argv[1], "scdl") == 0)
        return cmd_import_scdl(ctx, argc - 1, argv + 1);
    if (argc > 2 && strcmp(argv[1], "cerfa") == 0)
        return cmd_import_cerfa(ctx, argc - 1, argv + 1);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:hq", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help("import");
        if (c == 'q')
            out.quiet = 1;
        else if (c == 'f') {
            if ((out.json = cli_format(optarg, 0)) < 0)
                return EXIT_USAGE;
        } else
            return cli_bad_option("import", opts, argv);
    }
    if (optind >= argc)
        return cli_usage("import needs at least one file or directory");
    elg_store *store;
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    elg_error err = {0};
    if (elg_import_each_noting(store, (const char *const *)argv + optind, (size_t)(argc - optind),
                               print_item, note_skipped, &out, &err)) {
        rc = cli_fail(&err);
        fprintf(stderr, elg_tr("eligo: nothing was imported\n"));
        elg_store_close(store);
        return rc;
    }
    if (!out.quiet && !out.json)
        printf(elg_tr("%zu document(s) read, %zu new version(s) stored\n"), out.read, out.created);
    elg_store_close(store);
    return 0;
}
