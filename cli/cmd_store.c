/*
 * init and import: creating the store and bringing documents into it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "import.h"

int cmd_init(cli_ctx *ctx, int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: eligo init\nCreates the store (--db PATH, $ELIGO_DB or ./eligo.db) and "
             "brings its schema up to date.");
        return 0;
    }
    if (argc > 1)
        return cli_usage("init takes no arguments");
    elg_store *store;
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    printf("store %s ready (schema version %d)\n", ctx->db_path, elg_store_schema_version());
    elg_store_close(store);
    return 0;
}

int cmd_import(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"quiet", no_argument, 0, 'q'}, {0, 0, 0, 0}};
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        if (c == 'h') {
            puts("usage: eligo import [--quiet] FILE|DIR...\n"
                 "Imports YAML documents (directories: every *.yaml/*.yml below, in name order).\n"
                 "Every document is validated before anything is written: one bad document and\n"
                 "nothing is imported. Re-importing an identical document changes nothing; a\n"
                 "changed one becomes a new version.");
            return 0;
        }
        if (c == 'q')
            quiet = 1;
        else
            return cli_usage("import: unknown option");
    }
    if (optind >= argc)
        return cli_usage("import needs at least one file or directory");
    elg_store *store;
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    elg_import_report report;
    elg_error err = {0};
    if (elg_import_paths(store, (const char *const *)argv + optind, (size_t)(argc - optind),
                         &report, &err)) {
        rc = cli_fail(&err);
        fprintf(stderr, "eligo: nothing was imported\n");
        elg_store_close(store);
        return rc;
    }
    size_t created = 0;
    for (size_t i = 0; i < report.count; i++) {
        const elg_import_item *it = &report.items[i];
        created += it->created ? 1 : 0;
        if (!quiet)
            printf("%-9s %-40s v%d %s\n", it->kind, it->id, it->version,
                   it->created ? (it->version == 1 ? "new" : "new version") : "unchanged");
    }
    if (!quiet)
        printf("%zu document(s) read, %zu new version(s) stored\n", report.count, created);
    elg_import_report_release(&report);
    elg_store_close(store);
    return 0;
}
