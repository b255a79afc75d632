/*
 * batch: a whole call evaluated and stored (see batch.h).
 */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "pool.h"
#include "wire.h"

/* ---- the evaluating half ---------------------------------------------------- */

struct elg_batch_worker {
    elg_check_call *cc;
    elg_store *store; /* the aid received is read from it (borrowed; NULL: none) */
    elg_check_encoder *enc;
    elg_text dec; /* the encoded decision, reused */
};

elg_batch_worker *elg_batch_worker_new(elg_check_call *cc, elg_rules *rules, elg_store *store) {
    elg_batch_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->cc = cc;
    w->store = store;
    if (!(w->enc = elg_check_encoder_new(rules))) {
        free(w);
        return NULL;
    }
    return w;
}

void elg_batch_worker_free(elg_batch_worker *w) {
    if (!w)
        return;
    elg_check_encoder_free(w->enc);
    elg_text_release(&w->dec);
    free(w);
}

int elg_batch_work(elg_batch_worker *w, const char *id, int version, const char *sha256,
                   const void *form, size_t form_len, elg_text *out, elg_error *err) {
    elg_form_project *fp = NULL;
    elg_decision *d = NULL;
    int rc = elg_form_decode_project(form, form_len, &fp, err);
    if (rc)
        return rc;
    const elg_project *p = elg_form_project_get(fp);
    elg_eval_project in = {p, version, sha256};
    if ((rc = elg_check_decide_in(w->cc, w->store, &in, &d, err)))
        goto out;
    w->dec.len = 0;
    if ((rc = elg_check_encode(w->enc, d, &w->dec, err)))
        goto out;
    const elg_figures *f = &d->figures;
    const char *edition = d->ruleset->edition_name;
    (void)id;
    if ((rc = elg_wire_put_str(out, d->project, err)) ||
        (rc = elg_wire_put_u64(out, (uint64_t)d->project_version, err)) ||
        (rc = elg_wire_put_u64(out, edition ? 1 : 0, err)) ||
        (rc = elg_wire_put_str(out, edition, err)) ||
        (rc = elg_wire_put_str(out, elg_envelope_submission_date(p), err)) ||
        (rc = elg_wire_put_u64(out, (uint64_t)d->outcome, err)) ||
        (rc = elg_wire_put_u64(out, f->has_requested ? 1 : 0, err)) ||
        (rc = elg_wire_put_u64(out, (uint64_t)f->requested, err)) ||
        (rc = elg_wire_put_u64(out, (uint64_t)elg_envelope_grantable(d), err)))
        goto out;
    rc = elg_wire_put(out, w->dec.data, w->dec.len, err);
out:
    elg_decision_free(d);
    elg_form_project_free(fp);
    return rc;
}

int elg_batch_read_result(elg_wire_reader *r, elg_batch_result *out, elg_error *err) {
    uint64_t v[7];
    size_t n;
    const char *ed;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = elg_wire_get(r, &out->project, &n, err)) || (rc = elg_wire_get_u64(r, &v[0], err)) ||
        (rc = elg_wire_get_u64(r, &v[1], err)) || (rc = elg_wire_get(r, &ed, &n, err)) ||
        (rc = elg_wire_get(r, &out->date, &n, err)) || (rc = elg_wire_get_u64(r, &v[2], err)) ||
        (rc = elg_wire_get_u64(r, &v[3], err)) || (rc = elg_wire_get_u64(r, &v[4], err)) ||
        (rc = elg_wire_get_u64(r, &v[5], err)) ||
        (rc = elg_wire_get(r, &out->decision, &out->decision_len, err)))
        return rc;
    if (v[2] >= ELG_OUTCOME_COUNT)
        return elg_error_set(err, ELG_ESTORE, "malformed result from a worker");
    out->version = (int)v[0];
    out->edition = v[1] ? ed : NULL;
    out->outcome = (elg_outcome)v[2];
    out->has_requested = v[3] != 0;
    out->requested = (elg_cents)v[4];
    out->grantable = (elg_cents)v[5];
    return 0;
}

/* ---- the storing half ----------------------------------------------------------- */

typedef struct run {
    elg_store *store;
    elg_rules *rules;
    elg_check_call *cc;
    const elg_batch_opts *opts;
    elg_batch_summary *sum;
    elg_batch_worker *self; /* jobs == 0 */
    elg_pool *pool;         /* jobs >= 1 */
    elg_text buf;           /* jobs == 0: one result */
    int64_t total, in_unit;
    int in_tx;
    elg_error *err;
    int unkeyed;     /* check: every decision stored, none noted for an envelope */
    int64_t last_id; /* check: the decision just stored */
} run;

static int begin(run *R) {
    int rc = elg_store_begin(R->store, R->err);
    R->in_tx = rc == 0;
    R->in_unit = 0;
    return rc;
}

static int commit(run *R) {
    R->in_tx = 0;
    int rc = elg_store_commit(R->store, R->err);
    if (rc == 0)
        R->sum->transactions++;
    return rc;
}

/* Stores one result (elg_batch_work's bytes at *r) and notes it. */
static int consume(void *vctx, elg_wire_reader *r) {
    run *R = vctx;
    elg_batch_result res;
    elg_check_inserted ins;
    int rc = elg_batch_read_result(r, &res, R->err);
    if (rc)
        return rc;
    elg_wire_reader dr = {res.decision, res.decision + res.decision_len};
    if (!R->in_tx && (rc = begin(R)))
        return rc;
    if ((rc = elg_check_insert(R->store, &dr, !R->unkeyed, &ins, R->err)))
        return rc;
    R->last_id = ins.id;
    if (R->unkeyed)
        return 0;
    elg_batch_summary *s = R->sum;
    if (R->opts->tally) {
        elg_batch_item it = {
            .seq = s->projects,
            .project = res.project,
            .version = res.version,
            .edition = res.edition,
            .outcome = elg_outcome_name(res.outcome),
            .has_requested = res.has_requested,
            .requested = res.requested,
            .grantable = res.grantable,
            .decision_id = ins.id,
            .reused = !ins.created,
        };
        if ((rc = elg_envelope_tally_add(R->opts->tally, &it, res.date, R->err)))
            return rc;
    }
    s->projects++;
    s->by_outcome[res.outcome]++;
    if (ins.created)
        s->stored++;
    else
        s->reused++;
    if ((res.has_requested && __builtin_add_overflow(s->requested, res.requested, &s->requested)) ||
        __builtin_add_overflow(s->grantable, res.grantable, &s->grantable))
        return elg_error_set(R->err, ELG_EOVERFLOW,
                             "the batch's total does not fit in int64 cents");
    if (s->projects % 256 == 0 && R->opts->progress)
        R->opts->progress(R->opts->progress_ctx, s->projects, R->total);
    if (++R->in_unit >= (int64_t)(R->opts->unit ? R->opts->unit : ELG_BATCH_UNIT))
        return commit(R);
    return 0;
}

static void progress(run *R) {
    if (R->opts->progress)
        R->opts->progress(R->opts->progress_ctx, R->sum->projects, R->total);
}

static bool wanted(const elg_batch_opts *o, const char *id) {
    if (!o->projects)
        return true;
    for (size_t i = 0; i < o->projects_count; i++)
        if (strcmp(o->projects[i], id) == 0)
            return true;
    return false;
}

static int on_form(void *vctx, const elg_stored_form *f) {
    run *R = vctx;
    if (!wanted(R->opts, f->id))
        return 0;
    if (R->pool)
        return elg_pool_submit(R->pool, f->id, f->version, f->sha256, f->form, f->form_len, R->err);
    R->buf.len = 0;
    int rc = elg_batch_work(R->self, f->id, f->version, f->sha256, f->form, f->form_len, &R->buf,
                            R->err);
    if (rc)
        return rc;
    elg_wire_reader r = {R->buf.data, R->buf.data + R->buf.len};
    return consume(R, &r);
}

/* Every --project is stored and applies to the call. */
static int check_filter(run *R) {
    const char *call = elg_check_call_doc(R->cc)->id;
    for (size_t i = 0; i < R->opts->projects_count; i++) {
        elg_stored_form f = {0};
        elg_form_project *fp = NULL;
        int rc = elg_store_get_project_form(R->store, R->opts->projects[i], 0, &f, R->err);
        if (rc == 0)
            rc = elg_form_decode_project(f.form, f.form_len, &fp, R->err);
        bool applies = false;
        for (size_t k = 0; rc == 0 && k < elg_form_project_get(fp)->applies_to_count; k++)
            applies = applies || strcmp(elg_form_project_get(fp)->applies_to[k].call, call) == 0;
        if (rc == 0 && !applies)
            rc = elg_error_set(R->err, ELG_EUSAGE, "project \"%s\" does not apply to call \"%s\"",
                               R->opts->projects[i], call);
        elg_form_project_free(fp);
        elg_store_form_release(&f);
        if (rc)
            return rc;
    }
    return 0;
}

static void around_fork(void *vctx, int before) {
    run *R = vctx;
    elg_store_checkpoints_hold(R->store, before);
}

int elg_batch_run(elg_store *store, elg_rules *rules, elg_check_call *cc,
                  const elg_batch_opts *opts, elg_batch_summary *out, elg_error *err) {
    run R = {.store = store, .rules = rules, .cc = cc, .opts = opts, .sum = out, .err = err};
    const elg_call *call = elg_check_call_doc(cc);
    memset(out, 0, sizeof *out);
    int rc = opts->projects ? check_filter(&R) : 0;
    /* The total is for the progress only: counting a call's projects costs a
     * twentieth of the batch. */
    if (rc == 0 && opts->projects)
        R.total = (int64_t)opts->projects_count;
    else if (rc == 0 && opts->progress)
        rc = elg_store_count_projects_for_call(store, call->id, &R.total, err);
    if (rc == 0)
        rc = elg_store_batch_items_clear(store, err);
    if (rc)
        return rc;
    if (opts->jobs <= 0) {
        if (!(R.self = elg_batch_worker_new(cc, rules, store)))
            return elg_error_set(err, ELG_ENOMEM, "out of memory starting the batch");
    } else {
        elg_pool_opts po = {opts->jobs, opts->max_time_ms, opts->max_memory, consume,
                            &R,         opts->db_path,     around_fork,      5};
        if ((rc = elg_pool_open(cc, rules, &po, &R.pool, err)))
            return rc;
    }
    /* Started once the workers are: forks from then on (a worker replaced)
     * hold the checkpointer still (around_fork). */
    if ((rc = elg_store_checkpoints_start(store, err))) {
        elg_pool_close(R.pool);
        elg_batch_worker_free(R.self);
        return rc;
    }
    progress(&R);
    rc = elg_store_each_project_form_for_call_since(store, call->id, opts->since, on_form, &R, err);
    if (rc == 0 && R.pool)
        rc = elg_pool_finish(R.pool, err);
    if (R.pool)
        out->killed = elg_pool_killed(R.pool);
    if (rc == 0 && R.in_tx)
        rc = commit(&R);
    if (R.in_tx)
        elg_store_rollback(store);
    elg_store_checkpoints_stop(store);
    if (rc == 0)
        progress(&R);
    elg_pool_close(R.pool);
    elg_batch_worker_free(R.self);
    elg_text_release(&R.buf);
    return rc;
}

/* ---- one project, supervised (eligo check) ------------------------------------ */

typedef struct decide_ctx {
    elg_check_decoder *dec;
    elg_decision *d;
    elg_error *err;
} decide_ctx;

int elg_batch_read_decision(elg_wire_reader *r, elg_check_decoder *dec, elg_batch_result *res,
                            elg_decision **out, elg_error *err) {
    *out = NULL;
    int rc = elg_batch_read_result(r, res, err);
    if (rc)
        return rc;
    elg_wire_reader dr = {res->decision, res->decision + res->decision_len};
    return elg_check_decode(dec, &dr, out, err);
}

static int decide_consume(void *vctx, elg_wire_reader *r) {
    decide_ctx *c = vctx;
    elg_batch_result res;
    if (c->d)
        return elg_error_set(c->err, ELG_ESTORE, "a worker sent two decisions for one project");
    return elg_batch_read_decision(r, c->dec, &res, &c->d, c->err);
}

int elg_batch_decide(elg_check_call *cc, elg_rules *rules, const elg_stored_form *f,
                     const elg_batch_opts *opts, elg_decision **out, elg_error *err) {
    decide_ctx c = {elg_check_decoder_new(), NULL, err};
    elg_pool_opts po = {
        1, opts->max_time_ms, opts->max_memory, decide_consume, &c, opts->db_path, NULL, 0};
    elg_pool *pool = NULL;
    *out = NULL;
    int rc = c.dec ? 0 : elg_error_set(err, ELG_ENOMEM, "out of memory deciding a project");
    if (rc == 0 && (rc = elg_pool_open(cc, rules, &po, &pool, err)) == 0 &&
        (rc = elg_pool_submit(pool, f->id, f->version, f->sha256, f->form, f->form_len, err)) == 0)
        rc = elg_pool_finish(pool, err);
    elg_pool_close(pool);
    if (rc == 0 && !c.d)
        rc = elg_error_set(err, ELG_ESTORE, "a worker sent no decision");
    if (rc == 0)
        *out = c.d;
    else
        elg_decision_free(c.d);
    elg_check_decoder_free(c.dec);
    return rc;
}

static void free_all(elg_decision **ds, size_t n) {
    for (size_t i = 0; i < n; i++)
        elg_decision_free(ds[i]);
    free(ds);
}

/* Decides f against call_id in a worker and stores the decision; *id. */
static int check_one(run *R, const char *call_id, const elg_stored_form *f, int64_t *id) {
    elg_check_call *cc = NULL;
    int rc = elg_check_call_open(R->store, R->rules, call_id, 0, NULL, 0, &cc, R->err);
    if (rc)
        return rc;
    elg_pool_opts po = {
        1, R->opts->max_time_ms, R->opts->max_memory, consume, R, R->opts->db_path, NULL, 0};
    elg_pool *pool = NULL;
    R->cc = cc;
    R->last_id = 0;
    if ((rc = elg_pool_open(cc, R->rules, &po, &pool, R->err)) == 0 &&
        (rc = elg_pool_submit(pool, f->id, f->version, f->sha256, f->form, f->form_len, R->err)) ==
            0)
        rc = elg_pool_finish(pool, R->err);
    elg_pool_close(pool);
    elg_check_call_close(cc);
    *id = R->last_id;
    return rc;
}

int elg_batch_check(elg_store *store, elg_rules *rules, const char *project_id, const char *call_id,
                    const elg_batch_opts *opts, elg_decision ***decisions, size_t *count,
                    elg_error *err) {
    elg_batch_summary sum = {0};
    run R = {.store = store, .rules = rules, .opts = opts, .sum = &sum, .err = err, .unkeyed = 1};
    elg_stored_form f = {0};
    elg_form_project *fp = NULL;
    elg_decision **out = NULL;
    int64_t *ids = NULL;
    size_t n = 0, ncalls = 0;
    *decisions = NULL;
    *count = 0;
    int rc = elg_store_get_project_form(store, project_id, 0, &f, err);
    if (rc)
        return rc;
    if ((rc = elg_form_decode_project(f.form, f.form_len, &fp, err)))
        goto out;
    const elg_project *p = elg_form_project_get(fp);
    ncalls = call_id ? 1 : p->applies_to_count;
    if (ncalls == 0) {
        rc = elg_error_set(err, ELG_EUSAGE,
                           "project \"%s\" applies to no call: name one with --call", project_id);
        goto out;
    }
    out = calloc(ncalls, sizeof *out);
    ids = calloc(ncalls, sizeof *ids);
    if (!out || !ids) {
        rc = elg_error_set(err, ELG_ENOMEM, "out of memory");
        goto out;
    }
    /* Every decision of the check in one transaction, as before. */
    if ((rc = begin(&R)))
        goto out;
    for (size_t i = 0; i < ncalls && rc == 0; i++)
        rc = check_one(&R, call_id ? call_id : p->applies_to[i].call, &f, &ids[i]);
    if (rc == 0)
        rc = commit(&R);
    for (n = 0; rc == 0 && n < ncalls; n++)
        rc = elg_check_load_decision(store, ids[n], &out[n], err);
    if (rc)
        goto out;
    *decisions = out;
    *count = ncalls;
    out = NULL;
out:
    if (R.in_tx)
        elg_store_rollback(store);
    if (out)
        free_all(out, ncalls);
    free(ids);
    elg_form_project_free(fp);
    elg_store_form_release(&f);
    return rc;
}
