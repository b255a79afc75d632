/*
 * Tests of the background checkpointer (engine/checkpoint.h): a writer's
 * log stays bounded over many commits (the writer checkpoints itself past
 * `high`, so the log restarts), the thread itself copies the log into the
 * database (`high` out of reach), every row committed is there after stop and
 * after reopening, the writer's own checkpointing is back after stop, a
 * held checkpointer lets a forked child use the file, and an in-memory
 * database has none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "checkpoint.h"

static char dir[] = "/tmp/eligo-ckpt-XXXXXX";
static char path[256], wal[300];

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static sqlite3 *open_wal(void) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_busy_timeout(db, 5000), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                  " CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, b BLOB);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static off_t wal_size(void) {
    struct stat st;
    return stat(wal, &st) == 0 ? st.st_size : 0;
}

/* n transactions of rows rows of 4 KiB each. */
static void commits(sqlite3 *db, int n, int rows) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO t (b) VALUES (randomblob(4096))", -1, &st, NULL),
        SQLITE_OK);
    for (int i = 0; i < n; i++) {
        assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        for (int k = 0; k < rows; k++) {
            assert_int_equal(sqlite3_step(st), SQLITE_DONE);
            sqlite3_reset(st);
        }
        assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_finalize(st);
}

static int64_t count(sqlite3 *db) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A new database at path, its log checkpointed by a checkpointer. */
static sqlite3 *fresh(int pages, int high, int autocheckpoint, elg_ckpt **c) {
    unlink(path);
    sqlite3 *db = open_wal();
    elg_error err = {0};
    *c = NULL;
    assert_int_equal(elg_ckpt_start(db, pages, high, autocheckpoint, c, &err), 0);
    assert_non_null(*c);
    return db;
}

/* The largest log seen over n commits of 10 rows. */
static off_t largest_log(sqlite3 *db, int n) {
    off_t most = 0;
    for (int i = 0; i < n; i++) {
        commits(db, 1, 10);
        if (wal_size() > most)
            most = wal_size();
    }
    return most;
}

static void test_bounded_and_complete(void **state) {
    (void)state;
    elg_ckpt *c;
    /* 4 KiB pages: a checkpoint every 64 (256 KiB), the writer's own past
     * 512 (2 MiB); 300 commits of 10 rows write some 12 MiB. */
    sqlite3 *db = fresh(64, 512, 1000, &c);
    off_t most = largest_log(db, 300);
    /* Under high pages and one transaction (10 rows, their pages and the
     * index's), with the frames' headers. */
    assert_true(most < (off_t)(512 + 40) * (4096 + 24) + 32);
    elg_ckpt_stop(c);
    assert_int_equal(count(db), 3000);
    sqlite3_close(db);
    db = open_wal();
    assert_int_equal(count(db), 3000);
    assert_int_equal(sqlite3_exec(db, "PRAGMA integrity_check", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static off_t db_size(void) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* The thread itself copies the log into the database: with `high` out of
 * reach the writer never checkpoints, so the database file grows only
 * through the thread's checkpoints. A checkpointer whose connection had
 * never read the database did nothing: SQLite opens a connection's log at
 * its first read, and a checkpoint on a connection without one returns at
 * once, successfully (every copy was the writer's own, past `high`). */
static void test_thread_copies(void **state) {
    (void)state;
    elg_ckpt *c;
    sqlite3 *db = fresh(64, 1 << 30, 1000, &c);
    off_t before = db_size();
    commits(db, 100, 10); /* 1 000 rows, some 4 MiB */
    /* The thread copies at most up to the last commit it was asked after:
     * one more commit past `pages` asks for the rest, hold waits for it. */
    for (int waited = 0; waited < 500 && db_size() < before + 3 * 1024 * 1024; waited++) {
        elg_ckpt_hold(c, 1);
        elg_ckpt_hold(c, 0);
        usleep(10000);
    }
    assert_true(db_size() >= before + 3 * 1024 * 1024);
    elg_ckpt_stop(c);
    assert_int_equal(count(db), 1000);
    sqlite3_close(db);
}

static void test_autocheckpoint_back(void **state) {
    (void)state;
    elg_ckpt *c;
    sqlite3 *db = fresh(64, 512, 100, &c);
    commits(db, 5, 10);
    elg_ckpt_stop(c);
    /* The connection checkpoints itself again every 100 pages: the log
     * restarts and stays small. */
    off_t most = largest_log(db, 200);
    assert_true(most < (off_t)(100 + 40 + 64) * (4096 + 24) + 32);
    assert_int_equal(count(db), 2050);
    sqlite3_close(db);
}

static void test_hold_around_fork(void **state) {
    (void)state;
    elg_ckpt *c;
    sqlite3 *db = fresh(8, 4096, 1000, &c);
    for (int round = 0; round < 20; round++) {
        commits(db, 2, 5);
        elg_ckpt_hold(c, 1);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* A connection of the child's own, as a batch's worker opens. */
            sqlite3 *own = NULL;
            int ok = sqlite3_open(path, &own) == SQLITE_OK &&
                     sqlite3_exec(own, "SELECT count(*) FROM t", NULL, NULL, NULL) == SQLITE_OK;
            sqlite3_close(own);
            _exit(ok ? 0 : 1);
        }
        elg_ckpt_hold(c, 0);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    elg_ckpt_stop(c);
    assert_int_equal(count(db), 200);
    sqlite3_close(db);
}

static void test_memory_has_none(void **state) {
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    elg_ckpt *c = (elg_ckpt *)1;
    elg_error err = {0};
    assert_int_equal(elg_ckpt_start(db, 64, 512, 1000, &c, &err), 0);
    assert_null(c);
    elg_ckpt_stop(NULL);
    elg_ckpt_hold(NULL, 1);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_and_complete), cmocka_unit_test(test_thread_copies),
        cmocka_unit_test(test_autocheckpoint_back),  cmocka_unit_test(test_hold_around_fork),
        cmocka_unit_test(test_memory_has_none),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
