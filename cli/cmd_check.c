/*
 * check: evaluate a project against its calls, store and print decisions.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"

/* Prints decisions as text, or as JSON Lines (one compact object each). */
static void print_decisions(const cli_ctx *ctx, json_t *decisions, int json) {
    size_t i;
    json_t *d;
    json_array_foreach(decisions, i, d) {
        if (json) {
            char *s = json_dumps(d, JSON_COMPACT);
            if (s)
                puts(s);
            free(s);
        } else {
            if (i > 0)
                putchar('\n');
            cli_render_decision(stdout, ctx, d);
        }
    }
}

static int exit_for_outcome(const char *outcome) {
    if (strcmp(outcome, "error") == 0)
        return EXIT_RULE;
    if (strcmp(outcome, "ineligible") == 0)
        return EXIT_INELIGIBLE;
    return EXIT_ELIGIBLE;
}

/* Parses --format text|json; returns 1 for json, 0 for text, -1 when invalid. */
static int parse_format(const char *v) {
    if (strcmp(v, "json") == 0)
        return 1;
    if (strcmp(v, "text") == 0)
        return 0;
    return -1;
}

int cmd_check(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"call", required_argument, 0, 'c'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *call = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': call = optarg; break;
        case 'f':
            json = parse_format(optarg);
            if (json < 0)
                return cli_usage("--format must be text or json, not \"%s\"", optarg);
            break;
        case 'h':
            puts("usage: eligo check PROJECT [--call CALL] [--format text|json]\n"
                 "Evaluates the latest version of PROJECT against every call it applies to\n"
                 "(or CALL only), stores each decision with its trace and prints it.\n"
                 "JSON: one decision object per line. Exit: 0 eligible, 1 ineligible,\n"
                 "3 unknown project or call, 4 a rule errored.");
            return 0;
        default: return cli_usage("check: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage("check needs exactly one project id");
    const char *project = argv[optind];

    elg_store *store = NULL;
    elg_rules *rules = NULL;
    json_t *decisions = NULL;
    elg_error err = {0};
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    if (elg_rules_open_dir(ctx->rules_dir, NULL, &rules, &err) ||
        elg_check_project(store, rules, project, call, &decisions, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    print_decisions(ctx, decisions, json);
    rc = exit_for_outcome(elg_check_worst_outcome(decisions));
out:
    json_decref(decisions);
    elg_rules_free(rules);
    elg_store_close(store);
    return rc;
}

int cmd_trace(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int json = 0, c;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        puts("usage: eligo trace show DECISION [--format text|json]");
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "show") != 0)
        return cli_usage("unknown trace command \"%s\"", argv[1]);
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            json = parse_format(optarg);
            if (json < 0)
                return cli_usage("--format must be text or json, not \"%s\"", optarg);
            break;
        case 'h': puts("usage: eligo trace show DECISION [--format text|json]"); return 0;
        default: return cli_usage("trace show: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage("trace show needs exactly one decision id");
    char *end;
    long long id = strtoll(argv[optind], &end, 10);
    if (*end || id <= 0)
        return cli_usage("\"%s\" is not a decision id", argv[optind]);
    elg_store *store = NULL;
    json_t *decision = NULL;
    elg_error err = {0};
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    if (elg_check_load_decision(store, id, &decision, &err)) {
        rc = cli_fail(&err);
    } else {
        json_t *arr = json_array();
        json_array_append(arr, decision);
        print_decisions(ctx, arr, json);
        json_decref(arr);
        rc = 0;
    }
    json_decref(decision);
    elg_store_close(store);
    return rc;
}
