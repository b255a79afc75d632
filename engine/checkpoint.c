/*
 * checkpoint: see checkpoint.h.
 */
#include "checkpoint.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct elg_ckpt {
    sqlite3 *db;  /* the writer's connection (borrowed) */
    sqlite3 *own; /* the checkpointer's */
    int pages, high, autocheckpoint;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    bool asked; /* a commit asked for a checkpoint since the last one began */
    bool stop;
    bool held;    /* no checkpoint may begin (elg_ckpt_hold) */
    bool running; /* a checkpoint is under way */
};

static void *run(void *arg) {
    elg_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->held || (!c->stop && !c->asked))
            pthread_cond_wait(&c->wake, &c->mu);
        if (!c->asked)
            break; /* stopped, nothing asked */
        c->asked = false;
        c->running = true;
        pthread_mutex_unlock(&c->mu);
        /* A failure (busy, I/O) leaves the frames for the next one. */
        (void)sqlite3_wal_checkpoint_v2(c->own, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->running = false;
        pthread_cond_broadcast(&c->done);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* The writer's commit hook: called after each commit, with the pages now
 * in the log. Past ELG_CKPT_HIGH the writer checkpoints itself, the thread
 * held: a checkpoint on another connection copies only the frames before
 * the writer's read mark, so the log was never found whole copied when the
 * writer's next transaction began, and never restarted (it reached 229 MB
 * in a 100 000-project batch); the writer's own copies the rest (the thread
 * has copied the bulk of it) and its next transaction restarts the log. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages) {
    elg_ckpt *c = arg;
    if (pages < c->pages)
        return SQLITE_OK;
    if (pages < c->high) {
        pthread_mutex_lock(&c->mu);
        c->asked = true;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->mu);
        return SQLITE_OK;
    }
    elg_ckpt_hold(c, 1);
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    elg_ckpt_hold(c, 0);
    return SQLITE_OK;
}

int elg_ckpt_start(sqlite3 *db, int pages, int high, int autocheckpoint, elg_ckpt **out,
                   elg_error *err) {
    *out = NULL;
    const char *path = sqlite3_db_filename(db, "main");
    if (!path || !*path)
        return 0; /* in memory, or a temporary database: no log */
    elg_ckpt *c = calloc(1, sizeof *c);
    if (!c)
        return elg_error_set(err, ELG_ENOMEM, "out of memory starting the checkpointer");
    c->db = db;
    c->pages = pages;
    c->high = high;
    c->autocheckpoint = autocheckpoint;
    int rc = sqlite3_open_v2(path, &c->own, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(c->own, 5000);
    /* SQLite opens a connection's log at its first read: a checkpoint on a
     * connection that has read nothing finds no log and returns at once,
     * successfully, having copied nothing (every copy was then the
     * writer's own, past `high`, its commits waiting for it). */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->own, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        elg_error_set(err, ELG_ESTORE, "opening the store for its checkpoints: %s",
                      c->own ? sqlite3_errmsg(c->own) : sqlite3_errstr(rc));
        sqlite3_close_v2(c->own);
        free(c);
        return ELG_ESTORE;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->done, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        pthread_cond_destroy(&c->done);
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close_v2(c->own);
        free(c);
        return elg_error_set(err, ELG_ENOMEM, "starting the checkpointer's thread");
    }
    /* Replaces the autocheckpoint's own hook (sqlite3_wal_autocheckpoint
     * installs one): the writer checkpoints no more. */
    sqlite3_wal_hook(db, on_commit, c);
    *out = c;
    return 0;
}

void elg_ckpt_stop(elg_ckpt *c) {
    if (!c)
        return;
    sqlite3_wal_hook(c->db, NULL, NULL);
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    /* Installs the autocheckpoint's hook again. */
    sqlite3_wal_autocheckpoint(c->db, c->autocheckpoint);
    sqlite3_close_v2(c->own);
    pthread_cond_destroy(&c->done);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void elg_ckpt_hold(elg_ckpt *c, int hold) {
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->held = hold != 0;
    if (hold)
        while (c->running)
            pthread_cond_wait(&c->done, &c->mu);
    else
        pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
}
