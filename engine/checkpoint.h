/*
 * checkpoint: the write-ahead log of an SQLite connection checkpointed by a
 * thread of its own, so that the connection's commits never wait for the
 * disk.
 *
 * Why: a batch's one writer (engine/batch.h) checkpointed the log itself
 * every 4 MiB (wal_autocheckpoint): two fsyncs each, 2 to 15 ms, some 150
 * times in a 100 000-project batch, during which it stored nothing and
 * gave the workers nothing to do (perf sched: a third of each worker's time
 * waiting for its next chunk). With a checkpointer, the writer's commits
 * only append to the log (synchronous = NORMAL syncs nothing at commit in
 * WAL mode) and the checkpointer copies them into the database and syncs,
 * on the other core.
 *
 * The one idea: the writer's connection stops checkpointing (its
 * autocheckpoint is off) and installs a commit hook (sqlite3_wal_hook) that
 * wakes the checkpointer once the log holds `pages` pages. The
 * checkpointer, on a connection of its own to the same file, runs PASSIVE
 * checkpoints (never waiting for the writer). Such a checkpoint copies the
 * frames before the writer's read mark only, so the log is never found
 * whole copied when the writer's next transaction begins, and SQLite never
 * restarts it (it grew to 229 MB in a 100 000-project batch): past `high`
 * pages the writer checkpoints once itself, the thread held, which copies
 * the little left and lets its next transaction restart the log. The log
 * stays under `high` pages and a transaction whatever the batch's size.
 *
 * Stopping joins the thread and gives the connection its autocheckpoint
 * back. The connection must stay open until then; one checkpointer per
 * connection. An error of the checkpointer's own (it cannot open the file)
 * is reported at start; a checkpoint that fails later (busy, I/O) is
 * retried at the next commit, and the writer's own checkpointing resumes at
 * stop.
 */
#ifndef ELG_CHECKPOINT_H
#define ELG_CHECKPOINT_H

#include <sqlite3.h>

#include "error.h"

/* The store's: a checkpoint every 250 pages of log, as its
 * wal_autocheckpoint (store.c); the writer's own past 4 096 (64 MiB of
 * 16 KiB pages). */
#define ELG_CKPT_PAGES 250
#define ELG_CKPT_HIGH 4096

typedef struct elg_ckpt elg_ckpt;

/* Starts checkpointing db's main database in a thread, every `pages` pages
 * of log, the writer itself past `high`. *out NULL (and 0 returned) when it
 * has no log to checkpoint (an in-memory database). autocheckpoint: the
 * pages to give back to sqlite3_wal_autocheckpoint at stop. */
int elg_ckpt_start(sqlite3 *db, int pages, int high, int autocheckpoint, elg_ckpt **out,
                   elg_error *err);
/* Stops and frees c (NULL ok). */
void elg_ckpt_stop(elg_ckpt *c);
/* Around a fork (NULL ok): hold (1) waits for the checkpoint under way and
 * keeps the thread from starting another, so that it holds none of
 * SQLite's locks or the allocator's when the process is copied; release (0)
 * lets it go on. The child must not use c. */
void elg_ckpt_hold(elg_ckpt *c, int hold);

#endif
