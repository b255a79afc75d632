/*
 * cmd_explain: `eligo explain DECISION [--format html|pdf|text] [-o FILE]
 * [--as opinion|decision]`: the letter to the applicant explaining a stored
 * decision (engine/letter.h), as an HTML page, plain text, or a PDF.
 *
 * The PDF is printed by a real renderer, headless Chromium (Debian's
 * chromium; $ELIGO_CHROMIUM names another binary), from the HTML page
 * written in a private temporary directory with a fresh profile, no
 * network (the page holds no script: every text is escaped); A4 and the page numbers come from the
 * page's own print CSS. The engine never runs programs: this is the CLI's job.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "letter.h"
#include "tr.h"

/* Removes one entry of a tree (nftw callback, children first). */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) ? -1 : 0;
}

static int write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 16);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Runs argv with stdout and stderr to log, for at most seconds; returns its
 * exit status, or -1 when it cannot run or is killed for taking too long. */
static int run_for(char *const argv[], const char *log, int seconds) {
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        setpgid(0, 0); /* its helpers in one group, killed together on timeout */
        execvp(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid);
    struct timespec step = {0, 50 * 1000 * 1000};
    for (long waited = 0; waited < seconds * 20L; waited++) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0)
            return -1;
        nanosleep(&step, NULL);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* Prints html to a PDF with headless Chromium; *pdf malloc'ed. */
static int print_pdf(const char *html, char **pdf, size_t *pdf_len, elg_error *err) {
    const char *tmp = getenv("TMPDIR");
    char dir[4096], page[4200], out[4200], profile[4200], log[4200], url[4300], print[4300],
        user[4300];
    snprintf(dir, sizeof dir, "%s/eligo-explain.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return elg_error_set(err, ELG_EIO, "cannot create a temporary directory in %s: %s",
                             tmp && *tmp ? tmp : "/tmp", elg_strerror(errno));
    snprintf(page, sizeof page, "%s/letter.html", dir);
    snprintf(out, sizeof out, "%s/letter.pdf", dir);
    snprintf(profile, sizeof profile, "%s/profile", dir);
    snprintf(log, sizeof log, "%s/chromium.log", dir);
    snprintf(url, sizeof url, "file://%s", page);
    snprintf(print, sizeof print, "--print-to-pdf=%s", out);
    snprintf(user, sizeof user, "--user-data-dir=%s", profile);
    int rc = ELG_OK;
    if (write_file(page, html, strlen(html))) {
        rc = elg_error_set(err, ELG_EIO, "cannot write %s", page);
        goto out;
    }
    const char *bin = getenv("ELIGO_CHROMIUM");
    char *argv[] = {(char *)(bin && *bin ? bin : "chromium"),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-pdf-header-footer",
                    user,
                    print,
                    url,
                    NULL};
    int status = run_for(argv, log, 120);
    *pdf = status == 0 ? read_file(out, pdf_len) : NULL;
    if (!*pdf || *pdf_len < 5 || memcmp(*pdf, "%PDF-", 5) != 0) {
        free(*pdf);
        *pdf = NULL;
        rc = elg_error_set(err, ELG_ESTORE,
                           "the PDF could not be printed: %s %s (is chromium installed? "
                           "scripts/install-deps.sh --with-browser)",
                           argv[0], status == 127 ? elg_tr("cannot run") : elg_tr("failed"));
    }
out:
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}

int cmd_explain(cli_ctx *ctx, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"as", required_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *output = NULL;
    int pdf = 0, c;
    bool is_decision = false;
    elg_letter_format format = ELG_LETTER_HTML;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "html") == 0) {
                format = ELG_LETTER_HTML;
            } else if (strcmp(optarg, "text") == 0) {
                format = ELG_LETTER_TEXT;
            } else if (strcmp(optarg, "pdf") == 0) {
                format = ELG_LETTER_HTML;
                pdf = 1;
            } else {
                return cli_usage("explain : --format vaut html, pdf ou text, pas « %s »", optarg);
            }
            if (strcmp(optarg, "pdf") != 0)
                pdf = 0;
            break;
        case 'a':
            if (strcmp(optarg, "opinion") && strcmp(optarg, "decision"))
                return cli_usage("explain : --as vaut opinion ou decision, pas « %s »", optarg);
            is_decision = strcmp(optarg, "decision") == 0;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            return cli_help("explain");
        default:
            return cli_bad_option("explain", opts, argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage("explain : indiquez un numéro de décision (voir « eligo trace list »)");
    char *end;
    long long id = strtoll(argv[optind], &end, 10);
    if (*end || id <= 0 || end == argv[optind])
        return cli_usage("explain : « %s » n'est pas un numéro de décision (un nombre positif, "
                         "voir « eligo trace list »)",
                         argv[optind]);
    elg_store *store = NULL;
    int rc = cli_open_store_existing(ctx, &store);
    if (rc)
        return rc;
    elg_error err = {0};
    char *letter = NULL, *bytes = NULL;
    size_t len = 0;
    if (elg_letter_from_store(store, id, is_decision, format, &letter, &err)) {
        rc = cli_fail_in(ctx, &err);
        goto out;
    }
    if (pdf) {
        if (print_pdf(letter, &bytes, &len, &err)) {
            rc = cli_fail_in(ctx, &err);
            goto out;
        }
    } else if (format == ELG_LETTER_TEXT && !output) {
        /* A terminal: rule messages and document texts made harmless, line by line. */
        for (char *line = letter; *line;) {
            size_t n = strcspn(line, "\n");
            char saved = line[n];
            line[n] = '\0';
            cli_put_text(stdout, line);
            fputc('\n', stdout);
            line[n] = saved;
            line += n + (saved != '\0');
        }
        if (fflush(stdout)) {
            elg_error_set(&err, ELG_EIO, "cannot write standard output");
            rc = cli_fail_in(ctx, &err);
        }
        goto out;
    } else {
        bytes = letter;
        letter = NULL;
        len = strlen(bytes);
    }
    FILE *f = output ? fopen(output, "wb") : stdout;
    if (!f) {
        elg_error_set(&err, ELG_EIO, "cannot write %s: %s", output, elg_strerror(errno));
        rc = cli_fail_in(ctx, &err);
        goto out;
    }
    int bad = fwrite(bytes, 1, len, f) != len;
    bad |= output ? fclose(f) != 0 : fflush(f) != 0;
    if (bad) {
        elg_error_set(&err, ELG_EIO, "cannot write %s", output ? output : "standard output");
        rc = cli_fail_in(ctx, &err);
    } else if (output) {
        fprintf(stderr, elg_tr("letter for decision %lld written to %s\n"), id, output);
    }
out:
    free(letter);
    free(bytes);
    elg_store_close(store);
    return rc;
}
