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
    if (outcome == ELG_OUTCOME_INCOMPLETE)
        return EXIT_INCOMPLETE;
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
            if ((json = cli_format(optarg, 0)) < 0)
                return EXIT_USAGE;
            break;
        case 'h':
            return cli_help("check");
        default:
            return cli_bad_option("check", opts, argv);
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
    int rc = cli_open_store_existing(ctx, &store);
    if (rc)
        return rc;
    /* Each decision is made in a worker process under a supervisor that
     * holds the deadline (engine/pool.h). */
    elg_batch_opts bo = {.max_time_ms = ctx->limits.time_ms,
                         .max_memory = ctx->limits.memory,
                         .db_path = ctx->db_path};
    if ((rc = cli_open_rules(ctx, &rules)))
        goto out;
    if (elg_batch_check(store, rules, project, call, &bo, &decisions, &count, &err)) {
        rc = cli_fail_in(ctx, &err);
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
