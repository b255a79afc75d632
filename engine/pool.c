/*
 * pool: worker processes under a supervisor (see pool.h).
 *
 * Messages, both ways, are a 4-byte little-endian length then wire fields
 * (engine/wire.h). To a worker: the chunk's number, its project count, and
 * per project its mode (0: evaluate; 1: stopped: every rule skipped, the
 * rule at `rule` with `message`), then id, version, sha256 and compact form.
 * From a worker: the chunk's number, a status (0, or an engine error code
 * with its message) and the results in order (elg_batch_work's bytes).
 *
 * The page a worker shares with the supervisor (one per worker, MAP_SHARED
 * anonymous, created before the fork) holds the project it is on (its
 * index in the chunk and when it started) and the rule it runs (position,
 * id, declaration); the supervisor reads it to enforce the deadline and,
 * once the worker is dead, to say where it stopped.
 */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "sandbox.h"
#include "tr.h"

#define CHUNK_PROJECTS 64
#define CHUNK_BYTES (1u << 20)
#define PIPE_BYTES (1u << 20) /* F_SETPIPE_SZ asked of each pipe */
#define GRACE_MS 250          /* the in-process deadline fires first when it can */
#define MAX_MESSAGE (512u << 20)

/* The rules whose names a page keeps, each in its own slot: written
 * once, then only the running rule's number is (see on_rule). */
#define PAGE_SLOTS 32

typedef struct page {
    volatile int64_t started_us; /* 0: not on a project */
    volatile uint64_t chunk;     /* the chunk it is on (its number) */
    volatile int32_t index;      /* the project, in its chunk */
    volatile int32_t rule;       /* 0: no rule running yet */
    volatile int32_t in_slot;    /* the rule's names are in slot[rule - 1], not id and source */
    char id[129];
    char source[300];
    struct {
        char id[129];
        char source[300];
    } slot[PAGE_SLOTS];
} page;

/* The running rule's id and source as the worker published them. */
static void page_rule(const page *pg, const char **id, const char **source) {
    bool slot = pg->in_slot && pg->rule >= 1 && pg->rule <= PAGE_SLOTS;
    *id = slot ? pg->slot[pg->rule - 1].id : pg->id;
    *source = slot ? pg->slot[pg->rule - 1].source : pg->source;
}

/* A chunk of projects, kept until its results are consumed (a worker that
 * dies takes it again from the start). */
typedef struct project_ref {
    size_t at, len; /* its fields in body */
    int stopped;    /* evaluate with every rule skipped */
    int rule;
    char *message;
} project_ref;

typedef struct chunk {
    uint64_t number;
    elg_text body; /* id, version, sha256, form of each project */
    project_ref *projects;
    size_t count, cap;
    int worker;      /* -1: waiting */
    elg_text result; /* the worker's message, once done */
    int done;
    int restarts;
    struct chunk *next;
} chunk;

/* Chunks sent to a worker before its replies come back: while the
 * supervisor stores one chunk's results, or waits for the disk at a
 * checkpoint of the store's log (2 to 15 ms), the worker goes on with the
 * next ones from its pipe instead of waiting to be given them. With one,
 * each worker sat idle about half of a batch; with two, a third (perf sched:
 * some 200 waits of 5 ms each, most at a checkpoint); four chunks are some
 * 6 ms of work. */
#define DEPTH 4

typedef struct worker {
    pid_t pid;
    int to, from; /* pipes: requests to it, results from it */
    page *pg;
    chunk *on[DEPTH]; /* sent, in order; on[0] is the one it works on */
    int queued;       /* how many of on[] are set; 0: idle */
    elg_text in;      /* bytes read of its replies */
    /* Requests not yet taken by its pipe: the supervisor never blocks on a
     * write (its end is non-blocking), since a worker writing a reply larger
     * than its pipe does not read its next request until that reply is read. */
    elg_text out;
    size_t out_at;
} worker;

struct elg_pool {
    elg_check_call *cc;
    elg_rules *rules;
    elg_pool_opts o;
    uint64_t deadline_ms;
    size_t memory;
    char *db_path; /* copied from the options; NULL: no aid received */
    worker *w;
    int n;
    chunk *head, *tail, *filling;
    size_t inflight;
    uint64_t next_number;
    int64_t killed;
    struct sigaction old_pipe;
    /* in a worker */
    int stopping;
    int stop_rule;
    const char *stop_message;
    char not_run[512];
    int64_t cpu_armed_us; /* when limit_cpu last set the limit; 0: never */
    /* The declaration, and its generation, each page slot holds (this
     * worker's own: a worker started again writes them again). */
    const elg_rule_decl *slot_decl[PAGE_SLOTS];
    uint64_t slot_generation[PAGE_SLOTS];
};

static int64_t now_us(void) {
    return elg_sandbox_now_us();
}

/* ---- the worker side ---------------------------------------------------------------- */

/* s into dst[size], cut at size - 1 bytes: called before every rule of
 * every project, where snprintf was 4 % of a worker's instructions. */
static void publish(char *dst, size_t size, const char *s) {
    size_t n = s ? strnlen(s, size - 1) : 0;
    memcpy(dst, s ? s : "", n);
    dst[n] = '\0';
}

/* The prepared call's rules are the same for every project: each one's
 * names are copied into its page slot the first time it runs, and after
 * that only its number is written, where copying both names before every
 * rule was 2 % of a worker's time. A declaration made for one project (or
 * past the slots) has its names copied each time. */
static const char *on_rule(void *ctx, int index, const elg_rule_decl *decl, uint64_t generation) {
    elg_pool *p = ctx;
    page *pg = p->w[0].pg; /* a worker sees its own slot as w[0] (see spawn) */
    if (generation && index >= 1 && index <= PAGE_SLOTS) {
        int k = index - 1;
        if (p->slot_decl[k] != decl || p->slot_generation[k] != generation) {
            publish(pg->slot[k].id, sizeof pg->slot[k].id, decl->id);
            publish(pg->slot[k].source, sizeof pg->slot[k].source, decl->source);
            p->slot_decl[k] = decl;
            p->slot_generation[k] = generation;
        }
        pg->in_slot = 1;
    } else {
        publish(pg->id, sizeof pg->id, decl->id);
        publish(pg->source, sizeof pg->source, decl->source);
        pg->in_slot = 0;
    }
    pg->rule = index;
    if (!p->stopping)
        return NULL;
    if (index == p->stop_rule)
        return p->stop_message;
    return p->not_run;
}

static int read_full(int fd, void *buf, size_t len) {
    char *b = buf;
    while (len) {
        ssize_t r = read(fd, b, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len) {
    const char *b = buf;
    while (len) {
        ssize_t r = write(fd, b, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

static void put_len(unsigned char *b, size_t n) {
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(n >> (8 * i));
}

static size_t get_len(const unsigned char *b) {
    return (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
}

/* Second line of defence, behind the supervisor's watchdog: CPU seconds
 * for the next project (the deadline and a margin, on top of what the
 * worker has used) and address space. Armed with REARM_S seconds more and
 * again only once REARM_S seconds of wall time have passed: a process uses
 * no more CPU than wall time, so every project still starts with at least
 * the margin it had when this was armed for each one. Armed for each one,
 * its three system calls were nearly all of a worker's (300 000 for
 * 100 000 projects). */
#define REARM_S 10
static void limit_cpu(uint64_t deadline_ms, int64_t now, int64_t *armed_us) {
    if (*armed_us && now - *armed_us < (int64_t)REARM_S * 1000000)
        return;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec);
    struct rlimit rl;
    if (getrlimit(RLIMIT_CPU, &rl) != 0)
        return;
    rlim_t want = used + 2 + (rlim_t)(deadline_ms / 1000) * 2 + REARM_S;
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
        want = rl.rlim_max;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_CPU, &rl) == 0)
        *armed_us = now;
}

static void limit_memory(size_t memory) {
#if defined(__SANITIZE_ADDRESS__)
    (void)memory; /* ASan reserves terabytes of address space */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    (void)memory;
#else
    struct rlimit rl = {0, 0};
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY) {
        rl.rlim_cur = (rlim_t)memory * 8 + ((rlim_t)1 << 30);
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
#else
    struct rlimit rl = {0, 0};
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY) {
        /* The sandbox's cap 8 times over, and a gigabyte for the program. */
        rl.rlim_cur = (rlim_t)memory * 8 + ((rlim_t)1 << 30);
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
}

/* Handles one request; -1 when the supervisor is gone. */
static int serve(elg_pool *p, elg_batch_worker *bw, worker *self, elg_text *req, elg_text *out) {
    elg_wire_reader r = {req->data, req->data + req->len};
    elg_error err = {0};
    uint64_t number = 0, count = 0;
    int rc = elg_wire_get_u64(&r, &number, &err);
    if (rc == 0)
        rc = elg_wire_get_u64(&r, &count, &err);
    out->len = 0;
    elg_text results = {0};
    for (uint64_t i = 0; i < count && rc == 0; i++) {
        uint64_t mode = 0, rule = 0, version = 0;
        const char *msg, *id, *sha, *form;
        size_t n, form_len;
        if ((rc = elg_wire_get_u64(&r, &mode, &err)) || (rc = elg_wire_get_u64(&r, &rule, &err)) ||
            (rc = elg_wire_get(&r, &msg, &n, &err)) || (rc = elg_wire_get(&r, &id, &n, &err)) ||
            (rc = elg_wire_get_u64(&r, &version, &err)) ||
            (rc = elg_wire_get(&r, &sha, &n, &err)) ||
            (rc = elg_wire_get(&r, &form, &form_len, &err)))
            break;
        p->stopping = mode == 1;
        p->stop_rule = (int)rule;
        p->stop_message = msg;
        if (p->stopping)
            snprintf(p->not_run, sizeof p->not_run, elg_tr("not run: %.480s"), msg);
        self->pg->chunk = number;
        self->pg->index = (int32_t)i;
        self->pg->rule = 0;
        self->pg->in_slot = 0;
        self->pg->id[0] = self->pg->source[0] = '\0';
        int64_t start = now_us();
        limit_cpu(p->deadline_ms, start, &p->cpu_armed_us);
        __atomic_store_n(&self->pg->started_us, start, __ATOMIC_SEQ_CST);
        rc = elg_batch_work(bw, id, (int)version, sha, form, form_len, &results, &err);
        __atomic_store_n(&self->pg->started_us, 0, __ATOMIC_SEQ_CST);
    }
    p->stopping = 0;
    unsigned char hdr[4] = {0};
    int bad = elg_wire_put_u64(out, number, &err);
    if (rc == 0) {
        bad = bad || elg_wire_put_u64(out, 0, &err) ||
              elg_wire_put(out, results.data, results.len, &err);
    } else {
        char text[1400];
        elg_error_format(&err, text, sizeof text);
        elg_error e2 = {0};
        bad = bad || elg_wire_put_u64(out, (uint64_t)(int64_t)rc, &e2) ||
              elg_wire_put_str(out, text, &e2);
    }
    elg_text_release(&results);
    if (bad)
        return -1;
    put_len(hdr, out->len);
    if (write_full(self->from, hdr, 4) || write_full(self->from, out->data, out->len))
        return -1;
    return 0;
}

static void worker_main(elg_pool *p, worker *self) {
    signal(SIGPIPE, SIG_DFL);
    if (p->o.niceness > 0)
        (void)setpriority(PRIO_PROCESS, 0, p->o.niceness);
    elg_eval *ev = elg_check_call_eval(p->cc);
    elg_eval_set_rule_hook(ev, on_rule, p);
    limit_memory(p->memory);
    /* Its own connection, opened after fork, for the aid received. */
    elg_store *store = NULL;
    elg_error ignored = {0};
    if (p->db_path && elg_store_open_existing(p->db_path, &store, &ignored))
        _exit(3);
    elg_batch_worker *bw = elg_batch_worker_new(p->cc, p->rules, store);
    elg_text req = {0}, out = {0};
    if (!bw)
        _exit(3);
    for (;;) {
        unsigned char hdr[4];
        if (read_full(self->to, hdr, 4))
            _exit(0); /* the supervisor closed the pipe: done */
        size_t n = get_len(hdr);
        if (n > MAX_MESSAGE)
            _exit(4);
        if (req.cap < n + 1) {
            char *d = realloc(req.data, n + 1);
            if (!d)
                _exit(3);
            req.data = d;
            req.cap = n + 1;
        }
        if (read_full(self->to, req.data, n))
            _exit(0);
        req.len = n;
        if (serve(p, bw, self, &req, &out))
            _exit(0);
    }
}

/* ---- the supervisor side --------------------------------------------------------------- */

static void close_fd(int *fd) {
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Starts worker i (again). */
static int spawn(elg_pool *p, int i, elg_error *err) {
    worker *w = &p->w[i];
    int to[2], from[2];
    if (pipe(to))
        return elg_error_set(err, ELG_EIO, "starting a worker: pipe: %s", elg_strerror(errno));
    if (pipe(from)) {
        close(to[0]);
        close(to[1]);
        return elg_error_set(err, ELG_EIO, "starting a worker: pipe: %s", elg_strerror(errno));
    }
    /* A chunk's results (64 records, some 200 KiB) in one write and one
     * read where the system allows it: through the default 64 KiB pipe each
     * chunk took several wake-ups of both processes. A refusal (a lower
     * pipe-max-size) only costs those wake-ups. */
    (void)fcntl(from[1], F_SETPIPE_SZ, PIPE_BYTES);
    (void)fcntl(to[1], F_SETPIPE_SZ, PIPE_BYTES);
    int fl = fcntl(to[1], F_GETFL);
    if (fl < 0 || fcntl(to[1], F_SETFL, fl | O_NONBLOCK) < 0) {
        int e = errno;
        close(to[0]), close(to[1]), close(from[0]), close(from[1]);
        return elg_error_set(err, ELG_EIO, "starting a worker: fcntl: %s", elg_strerror(e));
    }
    memset((void *)w->pg, 0, sizeof *w->pg);
    fflush(NULL);
    pid_t parent = getpid();
    if (p->o.around_fork)
        p->o.around_fork(p->o.ctx, 1);
    pid_t pid = fork();
    if (pid != 0 && p->o.around_fork)
        p->o.around_fork(p->o.ctx, 0);
    if (pid < 0) {
        close(to[0]), close(to[1]), close(from[0]), close(from[1]);
        return elg_error_set(err, ELG_EIO, "starting a worker: fork: %s", elg_strerror(errno));
    }
    if (pid == 0) {
        /* A worker dies with its supervisor (Linux), even in the middle of
         * a chunk; if the supervisor is already gone, at once. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        /* The worker keeps its own pipe ends only: a worker holding another
         * one's would hide that worker's death from the supervisor. */
        for (int k = 0; k < p->n; k++)
            if (k != i) {
                close_fd(&p->w[k].to);
                close_fd(&p->w[k].from);
            }
        close(to[1]);
        close(from[0]);
        worker self = *w;
        self.to = to[0];
        self.from = from[1];
        p->w[0] = self; /* on_rule reads its page there */
        worker_main(p, &p->w[0]);
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    w->pid = pid;
    w->to = to[1];
    w->from = from[0];
    w->queued = 0;
    w->in.len = 0;
    w->out.len = w->out_at = 0;
    return 0;
}

static void chunk_free(chunk *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        free(c->projects[i].message);
    free(c->projects);
    elg_text_release(&c->body);
    elg_text_release(&c->result);
    free(c);
}

/* Writes what worker i's pipe takes of its pending requests. A worker that
 * died shows up as a failed write (EPIPE) or at the next poll of its
 * replies: either way its chunks are taken again, so what it did not take
 * is dropped. */
static void flush_out(worker *w) {
    while (w->out_at < w->out.len) {
        ssize_t r = write(w->to, w->out.data + w->out_at, w->out.len - w->out_at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return;
        if (r <= 0) {
            w->out_at = w->out.len;
            break;
        }
        w->out_at += (size_t)r;
    }
    w->out.len = w->out_at = 0;
}

/* Sends chunk c to worker i, which has room for it. */
static int send_chunk(elg_pool *p, int i, chunk *c, elg_error *err) {
    worker *w = &p->w[i];
    /* The bytes its pipe took are dropped first: what is kept stays the
     * requests it has not read, at most DEPTH of them. */
    if (w->out_at) {
        memmove(w->out.data, w->out.data + w->out_at, w->out.len - w->out_at);
        w->out.len -= w->out_at;
        w->out_at = 0;
    }
    size_t start = w->out.len;
    /* Its length, written once the message is complete. */
    int rc = elg_wire_put_raw(&w->out, "\0\0\0\0", 4, err);
    if (rc == 0)
        rc = elg_wire_put_u64(&w->out, c->number, err);
    if (rc == 0)
        rc = elg_wire_put_u64(&w->out, c->count, err);
    for (size_t k = 0; k < c->count && rc == 0; k++) {
        project_ref *pr = &c->projects[k];
        if ((rc = elg_wire_put_u64(&w->out, pr->stopped ? 1 : 0, err)) ||
            (rc = elg_wire_put_u64(&w->out, (uint64_t)pr->rule, err)) ||
            (rc = elg_wire_put_str(&w->out, pr->message, err)))
            break;
        /* The project's own fields, as they were encoded. */
        rc = elg_wire_put_raw(&w->out, c->body.data + pr->at, pr->len, err);
    }
    if (rc) {
        w->out.len = start;
        return rc;
    }
    put_len((unsigned char *)w->out.data + start, w->out.len - start - 4);
    flush_out(w);
    w->on[w->queued++] = c;
    c->worker = i;
    return 0;
}

static int dispatch(elg_pool *p, elg_error *err) {
    for (chunk *c = p->head; c; c = c->next) {
        if (c->done || c->worker >= 0)
            continue;
        /* The least busy worker: an idle one first. */
        int idle = -1;
        for (int i = 0; i < p->n; i++)
            if (p->w[i].queued < DEPTH && (idle < 0 || p->w[i].queued < p->w[idle].queued))
                idle = i;
        if (idle < 0)
            return 0;
        int rc = send_chunk(p, idle, c, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Consumes the results of the finished chunks at the head, in order. */
static int consume_done(elg_pool *p, elg_error *err) {
    while (p->head && p->head->done) {
        chunk *c = p->head;
        elg_wire_reader r = {c->result.data, c->result.data + c->result.len};
        uint64_t number, status;
        const char *results = NULL;
        size_t len = 0;
        int rc = elg_wire_get_u64(&r, &number, err);
        if (rc == 0)
            rc = elg_wire_get_u64(&r, &status, err);
        if (rc == 0 && status != 0) {
            const char *text;
            if (elg_wire_get(&r, &text, &len, err) == 0)
                rc = elg_error_set(err, (int)(int64_t)status, "%s", text);
            return rc ? rc : ELG_ESTORE;
        }
        if (rc == 0)
            rc = elg_wire_get(&r, &results, &len, err);
        elg_wire_reader rr = {results, results + len};
        for (size_t k = 0; rc == 0 && k < c->count; k++)
            rc = p->o.consume(p->o.ctx, &rr);
        if (rc)
            return rc;
        p->head = c->next;
        if (!p->head)
            p->tail = NULL;
        p->inflight--;
        chunk_free(c);
    }
    return 0;
}

static void reap(worker *w) {
    close_fd(&w->to);
    close_fd(&w->from);
    if (w->pid > 0) {
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    w->pid = 0;
}

/* Hands the replies complete in worker i's buffer to their chunks, in the
 * order the chunks were sent; a partial one stays for the next read. */
static int take_replies(elg_pool *p, int i, elg_error *err) {
    worker *w = &p->w[i];
    size_t at = 0;
    while (w->in.len - at >= 4) {
        size_t n = get_len((const unsigned char *)w->in.data + at);
        if (n > MAX_MESSAGE)
            return elg_error_set(err, ELG_ESTORE, "a worker sent a message of %zu bytes", n);
        if (w->in.len - at < 4 + n)
            break;
        if (w->queued == 0)
            return elg_error_set(err, ELG_ESTORE, "a worker sent more than its replies");
        chunk *c = w->on[0];
        /* The reply itself, without its length (a plain copy). */
        c->result.len = 0;
        if (c->result.cap < n + 1) {
            char *d = realloc(c->result.data, n + 1);
            if (!d)
                return elg_error_set(err, ELG_ENOMEM, "out of memory");
            c->result.data = d;
            c->result.cap = n + 1;
        }
        memcpy(c->result.data, w->in.data + at + 4, n);
        c->result.len = n;
        c->result.data[n] = '\0';
        c->done = 1;
        memmove(w->on, w->on + 1, (DEPTH - 1) * sizeof *w->on);
        w->on[--w->queued] = NULL;
        at += 4 + n;
    }
    if (at) {
        memmove(w->in.data, w->in.data + at, w->in.len - at);
        w->in.len -= at;
    }
    return 0;
}

/* Reads what worker i has sent (once); *lost when it died. */
static int read_reply(elg_pool *p, int i, int *lost, elg_error *err) {
    worker *w = &p->w[i];
    /* Read straight into the reply's buffer, room for a full pipe. */
    if (w->in.cap - w->in.len <= PIPE_BYTES) {
        size_t cap = w->in.cap ? w->in.cap : PIPE_BYTES * 2;
        while (cap - w->in.len <= PIPE_BYTES)
            cap *= 2;
        char *d = realloc(w->in.data, cap);
        if (!d)
            return elg_error_set(err, ELG_ENOMEM, "out of memory reading a worker's results");
        w->in.data = d;
        w->in.cap = cap;
    }
    ssize_t r = read(w->from, w->in.data + w->in.len, w->in.cap - w->in.len - 1);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (r <= 0) {
        *lost = 1;
        return 0;
    }
    w->in.len += (size_t)r;
    return take_replies(p, i, err);
}

/* Marks the project of chunk c that worker page pg was on when its worker
 * ended (killed at the deadline, or dead of a limit or a crash): it is
 * decided again with every rule stopped, the one running named. */
static int blame(elg_pool *p, chunk *c, const page *pg_in, int killed, int status, elg_error *err) {
    page pg = *pg_in;
    if (pg.started_us == 0 || pg.chunk != c->number || pg.index < 0 ||
        (size_t)pg.index >= c->count) {
        /* Between projects: nothing to blame, the chunk is taken again. */
        if (++c->restarts > 3)
            return elg_error_set(err, ELG_ERULE, "a worker ended %d times between projects",
                                 c->restarts);
        return 0;
    }
    project_ref *pr = &c->projects[pg.index];
    if (pr->stopped)
        return elg_error_set(err, ELG_ERULE,
                             "the evaluation of a project was stopped again outside its rules "
                             "(%s)",
                             pr->message ? pr->message : "");
    char msg[900];
    const char *rule_id, *rule_source;
    page_rule(&pg, &rule_id, &rule_source);
    if (killed)
        snprintf(msg, sizeof msg,
                 elg_tr("time limit exceeded (%" PRIu64 " ms): the supervisor stopped the "
                        "evaluation in rule %s (%s)"),
                 p->deadline_ms, pg.rule ? rule_id : elg_tr("(none: before or after the rules)"),
                 pg.rule ? rule_source : "-");
    else if (WIFSIGNALED(status))
        snprintf(
            msg, sizeof msg,
            "the worker process evaluating this project ended by signal %d (%s) in rule %s (%s)",
            WTERMSIG(status), strsignal(WTERMSIG(status)), pg.rule ? rule_id : "(none)",
            pg.rule ? rule_source : "-");
    else
        snprintf(msg, sizeof msg,
                 "the worker process evaluating this project ended (exit %d) in rule %s (%s)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, pg.rule ? rule_id : "(none)",
                 pg.rule ? rule_source : "-");
    pr->stopped = 1;
    pr->rule = pg.rule;
    free(pr->message);
    pr->message = strdup(msg);
    if (!pr->message)
        return elg_error_set(err, ELG_ENOMEM, "out of memory");
    if (killed)
        p->killed++;
    return 0;
}

/* Worker i ended before its replies: its chunks go, in the order it had
 * them, to the worker started in its place, so that every worker is given
 * its chunks in the order they are stored (a worker's records refer to the
 * dictionary it sent with an earlier one, engine/zrecord.h). */
static int worker_lost(elg_pool *p, int i, int killed, elg_error *err) {
    worker *w = &p->w[i];
    int status = 0;
    if (w->pid > 0) {
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
        w->pid = 0;
    }
    /* The replies it wrote before it ended are kept: the pipe is read to
     * its end (the worker is gone, so the end comes), and the chunk left at
     * the front of its queue is the one it was on. */
    int lost = 0, rc = 0;
    while (rc == 0 && !lost && w->queued && w->from >= 0)
        rc = read_reply(p, i, &lost, err);
    if (rc)
        return rc;
    chunk *pending[DEPTH];
    int n = w->queued;
    memcpy(pending, w->on, sizeof pending);
    memset(w->on, 0, sizeof w->on);
    w->queued = 0;
    w->out.len = w->out_at = 0;
    close_fd(&w->to);
    close_fd(&w->from);
    page pg = *w->pg;
    if ((rc = spawn(p, i, err)))
        return rc;
    if (n && (rc = blame(p, pending[0], &pg, killed, status, err)))
        return rc;
    for (int k = 0; k < n && rc == 0; k++)
        rc = send_chunk(p, i, pending[k], err);
    return rc;
}

/* One round of waiting: replies read, requests written, workers past the
 * deadline killed. */
static int pump(elg_pool *p, elg_error *err) {
    struct pollfd fds[512];
    int who[512], nf = 0;
    int64_t now = now_us(), wait_ms = 200;
    int64_t limit_us = (int64_t)(p->deadline_ms + GRACE_MS) * 1000;
    for (int i = 0; i < p->n; i++) {
        worker *w = &p->w[i];
        if (!w->queued)
            continue;
        int64_t started = __atomic_load_n(&w->pg->started_us, __ATOMIC_SEQ_CST);
        if (started && now - started > limit_us) {
            kill(w->pid, SIGKILL);
            int rc = worker_lost(p, i, 1, err);
            if (rc)
                return rc;
            continue;
        }
        if (started) {
            int64_t left = (started + limit_us - now) / 1000 + 1;
            if (left < wait_ms)
                wait_ms = left;
        }
        fds[nf] = (struct pollfd){w->from, POLLIN, 0};
        who[nf++] = i;
        if (w->out_at < w->out.len) {
            fds[nf] = (struct pollfd){w->to, POLLOUT, 0};
            who[nf++] = -1 - i;
        }
    }
    if (nf == 0)
        return 0;
    int r = poll(fds, (nfds_t)nf, (int)wait_ms);
    if (r < 0 && errno != EINTR)
        return elg_error_set(err, ELG_EIO, "waiting for the workers: %s", elg_strerror(errno));
    for (int k = 0; r > 0 && k < nf; k++) {
        if (!(fds[k].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)))
            continue;
        if (who[k] < 0) {
            /* A worker lost at an earlier entry has a new pipe: nothing to
             * write for it here. */
            worker *w = &p->w[-1 - who[k]];
            if (w->to == fds[k].fd)
                flush_out(w);
            continue;
        }
        int lost = 0;
        int rc = read_reply(p, who[k], &lost, err);
        if (rc == 0 && lost)
            rc = worker_lost(p, who[k], 0, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int step(elg_pool *p, elg_error *err) {
    int rc = dispatch(p, err);
    if (rc == 0)
        rc = pump(p, err);
    /* A worker whose chunk just came back gets the next one before its
     * results are stored: evaluation and storage then overlap (on one job,
     * the worker waited for every insert before: 1.3x slower). */
    if (rc == 0)
        rc = dispatch(p, err);
    if (rc == 0)
        rc = consume_done(p, err);
    return rc;
}

int elg_pool_open(elg_check_call *cc, elg_rules *rules, const elg_pool_opts *opts, elg_pool **out,
                  elg_error *err) {
    *out = NULL;
    if (opts->jobs < 1 || opts->jobs > 256)
        return elg_error_set(err, ELG_EUSAGE, "between 1 and 256 workers, not %d", opts->jobs);
    elg_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->w = calloc((size_t)opts->jobs, sizeof *p->w))) {
        free(p);
        return elg_error_set(err, ELG_ENOMEM, "out of memory starting the workers");
    }
    p->cc = cc;
    p->rules = rules;
    p->o = *opts;
    p->n = opts->jobs;
    p->deadline_ms = opts->max_time_ms ? opts->max_time_ms : ELG_DEFAULT_TIME_MS;
    p->memory = opts->max_memory ? opts->max_memory : ELG_DEFAULT_MEMORY;
    if (opts->db_path && !(p->db_path = strdup(opts->db_path))) {
        free(p->w);
        free(p);
        return elg_error_set(err, ELG_ENOMEM, "out of memory starting the workers");
    }
    struct sigaction ign = {0};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &p->old_pipe);
    for (int i = 0; i < p->n; i++)
        p->w[i].to = p->w[i].from = -1;
    int rc = 0;
    for (int i = 0; i < p->n && rc == 0; i++) {
        p->w[i].pg =
            mmap(NULL, sizeof(page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p->w[i].pg == MAP_FAILED) {
            p->w[i].pg = NULL;
            rc = elg_error_set(err, ELG_ENOMEM, "mapping a worker's page: %s", elg_strerror(errno));
        }
    }
    for (int i = 0; i < p->n && rc == 0; i++)
        rc = spawn(p, i, err);
    if (rc) {
        elg_pool_close(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* Queues the chunk being filled. */
static int seal(elg_pool *p, elg_error *err) {
    chunk *c = p->filling;
    if (!c)
        return 0;
    p->filling = NULL;
    if (p->tail)
        p->tail->next = c;
    else
        p->head = c;
    p->tail = c;
    p->inflight++;
    /* At most DEPTH + 1 chunks per worker wait, run or wait to be stored:
     * memory stays bounded. */
    int rc = dispatch(p, err);
    while (rc == 0 && p->inflight > (size_t)p->n * (DEPTH + 1))
        rc = step(p, err);
    return rc;
}

int elg_pool_submit(elg_pool *p, const char *id, int version, const char *sha256, const void *form,
                    size_t form_len, elg_error *err) {
    if (!p->filling) {
        chunk *c = calloc(1, sizeof *c);
        if (!c)
            return elg_error_set(err, ELG_ENOMEM, "out of memory queueing projects");
        c->number = p->next_number++;
        c->worker = -1;
        p->filling = c;
    }
    chunk *c = p->filling;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : CHUNK_PROJECTS;
        project_ref *r = realloc(c->projects, cap * sizeof *r);
        if (!r)
            return elg_error_set(err, ELG_ENOMEM, "out of memory queueing projects");
        c->projects = r;
        c->cap = cap;
    }
    size_t at = c->body.len;
    int rc = elg_wire_put_str(&c->body, id, err);
    if (rc == 0)
        rc = elg_wire_put_u64(&c->body, (uint64_t)version, err);
    if (rc == 0)
        rc = elg_wire_put_str(&c->body, sha256, err);
    if (rc == 0)
        rc = elg_wire_put(&c->body, form, form_len, err);
    if (rc)
        return rc;
    c->projects[c->count++] = (project_ref){at, c->body.len - at, 0, 0, NULL};
    if (c->count >= CHUNK_PROJECTS || c->body.len >= CHUNK_BYTES)
        return seal(p, err);
    return 0;
}

int elg_pool_finish(elg_pool *p, elg_error *err) {
    int rc = seal(p, err);
    while (rc == 0 && p->head)
        rc = step(p, err);
    return rc;
}

int64_t elg_pool_killed(const elg_pool *p) {
    return p->killed;
}

void elg_pool_close(elg_pool *p) {
    if (!p)
        return;
    /* Every worker is killed, idle ones too: an idle worker would end when
     * its pipe closes, but the workers of another pool of this process
     * (whatif has one per side) inherited the supervisor's end of that pipe
     * at their fork, so it may never close for it. A worker has nothing to
     * finish: every result was consumed, and it would _exit anyway. */
    for (int i = 0; i < p->n; i++) {
        worker *w = &p->w[i];
        if (w->pid > 0)
            kill(w->pid, SIGKILL);
        close_fd(&w->to);
    }
    for (int i = 0; i < p->n; i++) {
        reap(&p->w[i]);
        elg_text_release(&p->w[i].in);
        elg_text_release(&p->w[i].out);
        if (p->w[i].pg)
            munmap(p->w[i].pg, sizeof(page));
    }
    chunk *c = p->head;
    while (c) {
        chunk *next = c->next;
        chunk_free(c);
        c = next;
    }
    chunk_free(p->filling);
    sigaction(SIGPIPE, &p->old_pipe, NULL);
    free(p->w);
    free(p->db_path);
    free(p);
}
