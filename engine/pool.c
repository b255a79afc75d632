/*
 * pool: worker processes under a supervisor (see pool.h).
 */
#include "pool.h"

int elg_pool_open(elg_check_call *cc, elg_rules *rules, const elg_pool_opts *opts, elg_pool **out,
                  elg_error *err) {
    (void)cc;
    (void)rules;
    (void)opts;
    *out = NULL;
    return elg_error_set(err, ELG_EUSAGE, "worker processes are not built yet");
}

int elg_pool_submit(elg_pool *p, const char *id, int version, const char *sha256, const void *form,
                    size_t form_len, elg_error *err) {
    (void)p, (void)id, (void)version, (void)sha256, (void)form, (void)form_len;
    return elg_error_set(err, ELG_EUSAGE, "worker processes are not built yet");
}

int elg_pool_finish(elg_pool *p, elg_error *err) {
    (void)p;
    return elg_error_set(err, ELG_EUSAGE, "worker processes are not built yet");
}

int64_t elg_pool_killed(const elg_pool *p) {
    (void)p;
    return 0;
}

void elg_pool_close(elg_pool *p) {
    (void)p;
}
