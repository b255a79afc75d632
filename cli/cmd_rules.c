/*
 * test and lint: the rule authors' commands. `eligo test` runs the rule
 * test cases (rules/tests/, YAML) and, with --coverage, says which rules
 * no case made pass or fail; `eligo lint` checks call documents and their
 * rule files without any project. Output is in French, like the rules'
 * messages: the people who read it write the rules.
 *
 * Lint's static pass needs the bytecode listing of each rule file; it is
 * produced here by running `luac5.4 -p -l -l` (Debian package lua5.4, or
 * $ELIGO_LUAC), because the engine runs no program.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "lint.h"
#include "ruletest.h"
#include "tr.h"

extern char **environ;

static void print_json(json_t *j) {
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (s)
        puts(s);
    free(s);
}

/* path relative to the current directory when it lies below it (defaults
 * are absolute: the source tree's rules/): shorter, and what people type. */
static const char *shown_path(const char *path) {
    static char cwd[4096];
    if (!cwd[0] && !getcwd(cwd, sizeof cwd))
        return path;
    size_t n = strlen(cwd);
    if (strncmp(path, cwd, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

/* ---- eligo test ------------------------------------------------------------ */

/* Member key of o as text safe for a terminal (rule messages and test
 * files may hold control characters), copied into a. */
static const char *text_of(elg_arena *a, json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? cli_escape(a, s) : NULL;
}

static void print_case_in(elg_arena *a, json_t *c) {
    int ok = json_is_true(json_object_get(c, "ok"));
    /* "ÉCHEC" is 6 bytes for 5 letters: pad by hand. */
    printf("%s %s  %s\n", ok ? "ok    " : "ÉCHEC ", text_of(a, c, "at"), text_of(a, c, "name"));
    if (ok)
        return;
    const char *error = text_of(a, c, "error");
    if (error)
        printf("       le cas ne peut pas être évalué : %s\n", error);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(c, "mismatches"), i, m) {
        printf("       %s: %s\n", text_of(a, m, "at"), text_of(a, m, "what"));
        printf("           attendu : %s\n", text_of(a, m, "expected"));
        printf("           obtenu  : %s\n", text_of(a, m, "actual"));
        const char *source = text_of(a, m, "source");
        const char *msg = text_of(a, m, "message");
        const char *error_at = text_of(a, m, "error_at");
        if (source)
            printf("           règle   : %s — %s\n", source, msg ? msg : "");
        if (error_at && error_at[0])
            printf("           erreur  : %s\n", error_at);
        /* The stack of a rule error, rule files only, innermost first. */
        const char *tb = json_string_value(json_object_get(m, "traceback"));
        for (const char *l = tb; l && *l;) {
            const char *nl = strchr(l, '\n');
            int n = nl ? (int)(nl - l) : (int)strlen(l);
            char *line = n > 0 ? elg_arena_strndup(a, l, (size_t)n) : NULL;
            if (line)
                printf("             %s\n", cli_escape(a, line));
            l += n + (nl ? 1 : 0);
        }
    }
}

static void print_case(json_t *c) {
    elg_arena *a = elg_arena_new();
    if (!a)
        return;
    print_case_in(a, c);
    elg_arena_free(a);
}

static json_int_t count(json_t *row, const char *status) {
    return json_integer_value(json_object_get(row, status));
}

/* path below the rules directory, as "calls/x.lua". */
static const char *below_rules(const cli_ctx *ctx, const char *path) {
    size_t n = strlen(ctx->rules_dir);
    while (n > 0 && ctx->rules_dir[n - 1] == '/')
        n--;
    path += n;
    while (*path == '/')
        path++;
    return path;
}

static void add_gap(json_t *gaps, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_gap(json_t *gaps, const char *where, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(gaps, json_sprintf("%s: %s", where, msg));
}

/* The coverage gaps as "file:line: what" lines: calls without cases, rules
 * never made to pass or to fail, rule files no call of the tests uses. */
static json_t *coverage_gaps(const cli_ctx *ctx, json_t *cov) {
    json_t *calls = json_object_get(cov, "calls");
    json_t *gaps = json_array();
    size_t i, k;
    json_t *call, *row;
    json_array_foreach(calls, i, call) {
        if (count(call, "cases") == 0)
            add_gap(gaps, json_string_value(json_object_get(call, "rules_file")),
                    "appel %s : aucun cas de test (ses règles ne sont jamais exercées)",
                    json_string_value(json_object_get(call, "id")));
    }
    json_array_foreach(json_object_get(cov, "rules"), k, row) {
        json_t *c = NULL;
        json_array_foreach(calls, i, call) {
            if (json_equal(json_object_get(call, "id"), json_object_get(row, "call")))
                c = call;
        }
        if (!c || count(c, "cases") == 0)
            continue;
        const char *src = json_string_value(json_object_get(row, "source"));
        const char *id = json_string_value(json_object_get(row, "id"));
        /* A notice rule (convention...) adds notices and never fails by design. */
        const char *kind = json_string_value(json_object_get(row, "kind"));
        int is_notice = kind && strcmp(kind, "notice") == 0;
        if (count(row, "pass") == 0 && count(row, "fail") == 0)
            add_gap(gaps, src, "%s : jamais exercée (aucun cas ne la fait réussir ni échouer)", id);
        else if (count(row, "fail") == 0 && !is_notice)
            add_gap(gaps, src,
                    "%s : jamais en échec dans les cas de test : ajoutez un cas qui montre "
                    "qu'elle refuse un projet",
                    id);
        else if (count(row, "pass") == 0)
            add_gap(gaps, src,
                    "%s : jamais réussie dans les cas de test : ajoutez un cas qu'elle accepte",
                    id);
    }
    char *calls_dir = elg_files_join(ctx->rules_dir, "calls");
    static const char *const lua[] = {".lua", NULL};
    char **files = NULL;
    size_t n = 0;
    elg_error err = {0};
    if (calls_dir && elg_files_list(calls_dir, lua, &files, &n, &err) == 0) {
        for (size_t f = 0; f < n; f++) {
            char shown[4096];
            snprintf(shown, sizeof shown, "rules/%s", below_rules(ctx, files[f]));
            int used = 0;
            json_array_foreach(calls, i, call) {
                used |= strcmp(json_string_value(json_object_get(call, "rules_file")), shown) == 0;
            }
            if (!used)
                add_gap(gaps, shown,
                        "aucun appel des documents des tests n'utilise ce fichier : "
                        "ses règles ne sont pas testées");
        }
    }
    elg_files_list_free(files, n);
    free(calls_dir);
    return gaps;
}

/* Characters (not bytes) of UTF-8 text: for aligning columns. */
static int width_of(const char *s) {
    int n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Prints s then spaces up to width characters, and one more. */
static void cell(const char *s, int width) {
    printf("%s%*s", s, width - width_of(s) + 1, "");
}

/* Prints the coverage table and its gaps. */
static void print_coverage(json_t *cov, json_t *gaps) {
    json_t *rows = json_object_get(cov, "rules");
    size_t i, k;
    json_t *call, *row;
    int wid = width_of("règle"), wsrc = width_of("déclarée en");
    json_array_foreach(rows, k, row) {
        int a = width_of(json_string_value(json_object_get(row, "id")));
        int b = width_of(json_string_value(json_object_get(row, "source")));
        wid = a > wid ? a : wid;
        wsrc = b > wsrc ? b : wsrc;
    }
    printf("\nCouverture : nombre de cas où chaque règle est réussie / en échec / sans objet / "
           "en erreur\n  ");
    cell("règle", wid);
    cell("déclarée en", wsrc);
    printf("réu. éch. s.o. err.\n");
    json_array_foreach(json_object_get(cov, "calls"), i, call) {
        printf("%s (%s, %lld cas)\n", json_string_value(json_object_get(call, "id")),
               json_string_value(json_object_get(call, "rules_file")),
               (long long)count(call, "cases"));
        json_array_foreach(rows, k, row) {
            if (!json_equal(json_object_get(row, "call"), json_object_get(call, "id")))
                continue;
            printf("  ");
            cell(json_string_value(json_object_get(row, "id")), wid);
            cell(json_string_value(json_object_get(row, "source")), wsrc);
            printf("%4lld %4lld %4lld %4lld\n", (long long)count(row, "pass"),
                   (long long)count(row, "fail"), (long long)count(row, "not-applicable"),
                   (long long)count(row, "error"));
        }
    }
    printf("\nLacunes :\n");
    json_array_foreach(gaps, i, row) puts(json_string_value(row));
    if (json_array_size(gaps) == 0)
        printf("aucune : chaque règle réussit et échoue dans au moins un cas\n");
}

int cmd_test(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"coverage", no_argument, 0, 'c'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int coverage = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "cf:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            coverage = 1;
            break;
        case 'f':
            if ((json = cli_format(optarg, 0)) < 0)
                return EXIT_USAGE;
            break;
        case 'h':
            return cli_help("test");
        default:
            return cli_bad_option("test", opts, argv);
        }
    }
    elg_rules *rules = NULL;
    int rc = cli_open_rules(ctx, &rules);
    if (rc)
        return rc;
    char *default_dir = NULL;
    const char *const *paths = (const char *const *)argv + optind;
    size_t npaths = (size_t)(argc - optind);
    if (npaths == 0) {
        default_dir = elg_files_join(ctx->rules_dir, "tests");
        paths = (const char *const *)&default_dir;
        npaths = 1;
    }
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    elg_error err = {0};
    json_t *runs = json_array();
    elg_ruletest **tests = NULL;
    size_t ntests = 0;
    int input_error = 0;
    size_t passed = 0, failed = 0;
    for (size_t p = 0; p < npaths; p++) {
        char **files = NULL;
        size_t n = 0;
        elg_error e = {0};
        if (elg_files_list(paths[p], yaml, &files, &n, &e)) {
            cli_fail(&e);
            input_error = 1;
            continue;
        }
        elg_ruletest **nt = realloc(tests, (ntests + n + 1) * sizeof *nt);
        if (!nt) {
            elg_files_list_free(files, n);
            rc = EXIT_STORE;
            goto out;
        }
        tests = nt;
        for (size_t f = 0; f < n; f++) {
            elg_ruletest *t = NULL;
            json_t *run = NULL;
            elg_error fe = {0};
            if (elg_ruletest_load(shown_path(files[f]), &t, &fe)) {
                cli_fail(&fe);
                input_error = 1;
                continue;
            }
            tests[ntests++] = t;
            if (elg_ruletest_run(t, rules, &run, &fe)) {
                rc = cli_fail(&fe);
                elg_files_list_free(files, n);
                goto out;
            }
            json_array_append_new(runs, run);
            passed += (size_t)json_integer_value(json_object_get(run, "passed"));
            failed += (size_t)json_integer_value(json_object_get(run, "failed"));
            if (!json) {
                size_t i;
                json_t *cs;
                json_array_foreach(json_object_get(run, "cases"), i, cs) print_case(cs);
            }
        }
        elg_files_list_free(files, n);
    }
    json_t *cov = NULL, *gaps = NULL;
    if (coverage) {
        if (elg_ruletest_coverage(rules, tests, ntests, runs, &cov, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
        gaps = coverage_gaps(ctx, cov);
        json_object_set(cov, "gaps", gaps);
    }
    if (json) {
        json_t *all = json_pack("{s:O,s:i,s:i}", "runs", runs, "passed", (json_int_t)passed,
                                "failed", (json_int_t)failed);
        if (cov)
            json_object_set(all, "coverage", cov);
        print_json(all);
        json_decref(all);
    } else {
        printf("%zu cas : %zu ok, %zu en échec\n", passed + failed, passed, failed);
        if (cov)
            print_coverage(cov, gaps);
    }
    size_t ngaps = json_array_size(gaps);
    json_decref(gaps);
    json_decref(cov);
    rc = input_error ? EXIT_INPUT : (failed || ngaps) ? 1 : 0;
out:
    for (size_t i = 0; i < ntests; i++)
        elg_ruletest_free(tests[i]);
    free(tests);
    json_decref(runs);
    elg_rules_free(rules);
    free(default_dir);
    return rc;
}

/* ---- eligo lint -------------------------------------------------------------- */

/* Runs `luac5.4 -p -l -l -- path` and returns its standard output
 * (malloc'ed), or NULL with a message in why (compile errors are left to
 * the sandbox, which reports them with the rule file's line). */
static char *luac_listing(const char *path, char *why, size_t why_size) {
    const char *luac = getenv("ELIGO_LUAC");
    if (!luac || !*luac)
        luac = "luac5.4";
    int out[2];
    if (pipe(out) != 0) {
        snprintf(why, why_size, "pipe: %s", elg_strerror(errno));
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, out[1]);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    char *args[] = {(char *)luac, "-p", "-l", "-l", "--", (char *)path, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, luac, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        snprintf(why, why_size,
                 elg_tr("cannot run %s (%s): install the Debian package lua5.4 or set "
                        "ELIGO_LUAC"),
                 luac, elg_strerror(rc));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[8192];
    ssize_t got;
    while ((got = read(out[0], chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0 && m)
            fwrite(chunk, 1, (size_t)got, m);
    close(out[0]);
    if (m)
        fclose(m);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !buf) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            snprintf(why, why_size,
                     elg_tr("cannot run %s: install the Debian package lua5.4 or set "
                            "ELIGO_LUAC"),
                     luac);
        else
            why[0] = '\0'; /* a syntax error: the sandbox reports it */
        free(buf);
        return NULL;
    }
    return buf;
}

typedef struct listed {
    char *rel;      /* "calls/x.lua" */
    json_t *params; /* static param asks */
} listed;

/* Static pass over rules_dir/rel once; returns its static params (borrowed). */
static int lint_file(const cli_ctx *ctx, const char *rel, json_t *allowed, json_t *findings,
                     listed **done, size_t *ndone, json_t **params) {
    for (size_t i = 0; i < *ndone; i++) {
        if (strcmp((*done)[i].rel, rel) == 0) {
            *params = (*done)[i].params;
            return 0;
        }
    }
    char *full = elg_files_join(ctx->rules_dir, rel);
    char shown[4096], why[512] = "";
    snprintf(shown, sizeof shown, "rules/%s", rel);
    if (!full) {
        fprintf(stderr, elg_tr("eligo: out of memory\n"));
        return EXIT_STORE;
    }
    json_t *ps = NULL;
    char *listing = luac_listing(full, why, sizeof why);
    free(full);
    if (!listing && why[0]) {
        fprintf(stderr, "eligo: %s\n", why);
        return EXIT_STORE;
    }
    elg_error err = {0};
    /* The rule library has one name of its own: tr, the catalogue's lookup
     * of its messages (engine/lua/prelude.lua); rule files do not. */
    json_t *names = allowed;
    if (strncmp(rel, "lib/", 4) == 0 && (names = json_copy(allowed)))
        json_array_append_new(names, json_string("tr"));
    if (listing && elg_lint_listing(shown, listing, names ? names : allowed, findings, &ps, &err)) {
        if (names != allowed)
            json_decref(names);
        free(listing);
        return cli_fail(&err);
    }
    if (names != allowed)
        json_decref(names);
    free(listing);
    listed *nd = realloc(*done, (*ndone + 1) * sizeof *nd);
    if (!nd) {
        json_decref(ps);
        return EXIT_STORE;
    }
    *done = nd;
    nd[*ndone].rel = strdup(rel);
    nd[*ndone].params = ps ? ps : json_array();
    *params = nd[*ndone].params;
    (*ndone)++;
    return 0;
}

static int lint_call_doc(const cli_ctx *ctx, elg_rules *rules, const char *path, int explicit,
                         json_t *allowed, json_t *findings, listed **done, size_t *ndone) {
    char *text = NULL;
    size_t len = 0;
    elg_doc *doc = NULL;
    elg_error err = {0};
    int rc = 0;
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".lua") == 0) {
        fprintf(stderr,
                elg_tr("eligo: %s is a rule file: lint takes call documents (YAML) or "
                       "directories of them; give the call document that names it in "
                       "`rules:`\n"),
                path);
        return EXIT_INPUT;
    }
    if (elg_files_read(path, ELG_DOC_MAX_BYTES, &text, &len, &err) ||
        elg_doc_parse(path, text, len, &doc, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    const elg_call *call = elg_doc_call(doc);
    if (!call) {
        if (explicit) {
            fprintf(stderr,
                    elg_tr("eligo: %s: a %s document, not a call: lint takes call documents\n"),
                    path, elg_doc_kind_name(elg_doc_kind_of(doc)));
            rc = EXIT_INPUT;
        }
        goto out;
    }
    json_t *params = NULL;
    if ((rc = lint_file(ctx, call->rules, allowed, findings, done, ndone, &params)))
        goto out;
    if (elg_lint_call(rules, call, path, text, len, params, findings, &err))
        rc = cli_fail(&err);
out:
    elg_doc_free(doc);
    free(text);
    return rc;
}

int cmd_lint(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"globals", no_argument, 0, 'g'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int json = 0, globals = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:gh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((json = cli_format(optarg, 0)) < 0)
                return EXIT_USAGE;
            break;
        case 'g':
            globals = 1;
            break;
        case 'h':
            return cli_help("lint");
        default:
            return cli_bad_option("lint", opts, argv);
        }
    }
    elg_rules *rules = NULL;
    elg_error err = {0};
    json_t *findings = json_array(), *allowed = NULL;
    listed *done = NULL;
    size_t ndone = 0;
    char *default_dir = NULL;
    int rc = cli_open_rules(ctx, &rules);
    if (rc)
        goto out;
    allowed = elg_rules_globals(rules);
    if (globals && json) {
        print_json(allowed);
        goto out;
    }
    if (globals) {
        size_t i;
        json_t *g;
        json_array_foreach(allowed, i, g) puts(json_string_value(g));
        goto out;
    }
    /* The rule library first. */
    static const char *const lua[] = {".lua", NULL};
    char *lib = elg_files_join(ctx->rules_dir, "lib");
    char **files = NULL;
    size_t n = 0;
    if (!lib || elg_files_list(lib, lua, &files, &n, &err)) {
        free(lib);
        rc = cli_fail(&err);
        goto out;
    }
    free(lib);
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *ignored;
        rc = lint_file(ctx, below_rules(ctx, files[i]), allowed, findings, &done, &ndone, &ignored);
    }
    elg_files_list_free(files, n);
    if (rc)
        goto out;

    const char *const *paths = (const char *const *)argv + optind;
    size_t npaths = (size_t)(argc - optind);
    if (npaths == 0) {
        char *copy = strdup(ctx->rules_dir);
        default_dir = copy ? elg_files_join(dirname(copy), "seeds/calls") : NULL;
        free(copy);
        if (!default_dir) {
            fprintf(stderr, elg_tr("eligo: out of memory\n"));
            rc = EXIT_STORE;
            goto out;
        }
        paths = (const char *const *)&default_dir;
        npaths = 1;
    }
    static const char *const yaml[] = {".yaml", ".yml", NULL};
    for (size_t p = 0; p < npaths && rc == 0; p++) {
        struct stat st;
        int explicit = stat(paths[p], &st) == 0 && !S_ISDIR(st.st_mode);
        if (elg_files_list(paths[p], yaml, &files, &n, &err)) {
            rc = cli_fail(&err);
            break;
        }
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = lint_call_doc(ctx, rules, shown_path(files[i]), explicit, allowed, findings, &done,
                               &ndone);
        elg_files_list_free(files, n);
    }
    if (rc)
        goto out;
    elg_lint_sort(findings);
    if (json) {
        print_json(findings);
    } else {
        size_t i;
        json_t *f;
        json_array_foreach(findings, i, f) {
            cli_put_text(stdout, json_string_value(json_object_get(f, "file")));
            printf(":%lld: ", (long long)json_integer_value(json_object_get(f, "line")));
            cli_put_text(stdout, json_string_value(json_object_get(f, "message")));
            printf(" [%s]\n", json_string_value(json_object_get(f, "check")));
        }
        if (json_array_size(findings) == 0)
            printf("aucun problème trouvé\n");
        else
            printf("%zu problème(s)\n", json_array_size(findings));
    }
    rc = json_array_size(findings) ? 1 : 0;
out:
    for (size_t i = 0; i < ndone; i++) {
        free(done[i].rel);
        json_decref(done[i].params);
    }
    free(done);
    json_decref(allowed);
    json_decref(findings);
    elg_rules_free(rules);
    free(default_dir);
    return rc;
}
