/*
 * check: evaluate a project against its calls, store and print decisions
 * (printing stored decisions is cmd_trace.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "cli.h"

static int exit_for_outcome(elg_outcome outcome) {
    if (outcome == ELG_OUTCOME_ERROR)
        return EXIT_RULE;
    if (outcome == ELG_OUTCOME_INELIGIBLE)
        return EXIT_INELIGIBLE;
    return EXIT_ELIGIBLE;
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
        case 'c':
            call = optarg;
            break;
        case 'f':
            json = cli_parse_format(optarg);
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
        default:
            return cli_usage("check: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage("check needs exactly one project id");
    const char *project = argv[optind];

    elg_store *store = NULL;
    elg_rules *rules = NULL;
    elg_decision **decisions = NULL;
    size_t count = 0;
    elg_error err = {0};
    int rc = cli_open_store(ctx, &store);
    if (rc)
        return rc;
    /* Each decision is made in a worker process under a supervisor that
     * holds the deadline (engine/pool.h). */
    elg_batch_opts bo = {.max_time_ms = ctx->limits.time_ms, .max_memory = ctx->limits.memory};
    if (elg_rules_open_dir(ctx->rules_dir, &ctx->limits, &rules, &err) ||
        elg_batch_check(store, rules, project, call, &bo, &decisions, &count, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    cli_print_decisions(ctx, decisions, count, json);
    elg_outcome worst = ELG_OUTCOME_ELIGIBLE;
    for (size_t i = 0; i < count; i++)
        worst = elg_outcome_worst(worst, decisions[i]->outcome);
    rc = exit_for_outcome(worst);
out:
    for (size_t i = 0; i < count; i++)
        elg_decision_free(decisions[i]);
    free(decisions);
    elg_rules_free(rules);
    elg_store_close(store);
    return rc;
}
