#!/usr/bin/env bash
# eligo batch: the seed call of note 004 with its envelope (whole call and
# per edition), the same output and decisions whatever --jobs, a rerun that
# stores nothing twice, a batch killed with SIGKILL and run again, filters,
# formats.
source "$(dirname "$0")/lib.sh"
CALL=mel-appel-projets-territoires
JOBS=${BATCH_TEST_JOBS:-"1 2 3"}

import_seeds

# --- the whole call, envelope for the whole call (the seed's default) ---------
run eligo batch $CALL --jobs 0 --format json
assert_eq 0 "$RC" "batch exit ($ERR)"
assert_eq 5 "$(jqr .projects)" "projects of the call"
assert_eq "5 0 0" "$(jqr '"\(.outcomes.eligible) \(.outcomes.ineligible) \(.outcomes.error)"')" "outcomes"
assert_eq 5 "$(jqr .stored)" "decisions stored"
assert_eq 17166300 "$(jqr .requested)" "total requested (cents)"
assert_eq 17166300 "$(jqr .grantable)" "total grantable: 171 663,00 €"
assert_eq "11000000 call submission" "$(jqr '"\(.envelope.amount) \(.envelope.scope) \(.envelope.order)"')" "policy"
assert_eq 6166300 "$(jqr .total.overrun)" "overrun 61 663,00 €"
assert_eq "2012 7773000 2013 9393300" "$(jqr '[.editions[] | "\(.edition) \(.grantable)"] | join(" ")')" \
    "per edition: 2012 73 000 + 4 730 = 77 730 €, 2013 73 000 + 5 933 + 15 000 = 93 933 €"
# Submission order (start dates, then id): cine-cite-social, lille 2012, hem,
# lille 2013 (crosses 110 000 €: 17 270 € of it covered), val de marque.
assert_eq "lille-transfert-savoir-faire-2013:1727000 val-de-marque-agriculture-durable:0" \
    "$(jqr '[.beyond[] | "\(.project):\(.covered)"] | join(" ")')" "projects beyond the envelope"
assert_eq 5 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM decisions WHERE inputs_key IS NOT NULL")" \
    "five keyed decisions"

run eligo batch $CALL --jobs 0
assert_eq "" "$ERR" "no progress bar on a pipe"
assert_contains "$OUT" "Total accordable : 171 663,00 €" "text: total grantable"
assert_contains "$OUT" "171 663,00 € pour une enveloppe de 110 000,00 € : dépassement 61 663,00 €" \
    "text: the overrun"
assert_contains "$OUT" "Édition 2012 : 2 projet(s), 2 accordable(s), 77 730,00 €" "text: 2012"
assert_contains "$OUT" "Édition 2013 : 3 projet(s), 3 accordable(s), 93 933,00 €" "text: 2013"
assert_contains "$OUT" "lille-transfert-savoir-faire-2013 (2013) : 73 000,00 € accordables, dont 17 270,00 € couverts" \
    "text: beyond the envelope"
assert_contains "$OUT" "0 enregistrée(s), 5 déjà enregistrée(s)" "a rerun stores nothing again"
assert_eq 5 "$(rows decisions)" "no decision stored twice"

run eligo batch $CALL --jobs 0 --format csv
assert_eq 6 "$(wc -l <<<"$OUT")" "csv: a header and a row per project"
assert_eq "lille-transfert-savoir-faire-2013,1,2013,eligible,7300000,7300000,16573000,1727000,no" \
    "$(grep '^lille-transfert-savoir-faire-2013,' <<<"$OUT" | cut -d, -f1-9)" "csv row"

# --- the envelope per edition: a call parameter -----------------------------------
sed -e 's/^parameters:$/parameters:\n  - { name: envelope_scope, text: edition }/' \
    "$SRC/seeds/calls/$CALL.yaml" >"$WORK/per-edition.yaml"
run eligo import "$WORK/per-edition.yaml"
assert_eq 0 "$RC" "import the call with envelope_scope: edition ($ERR)"
run eligo batch $CALL --jobs 0 --format json
assert_eq "edition" "$(jqr .envelope.scope)" "scope"
assert_eq 5 "$(jqr .stored)" "a new call version: new decisions"
assert_eq "2012:7773000:0:0 2013:9393300:0:0" \
    "$(jqr '[.groups[] | "\(.edition):\(.grantable):\(.overrun):\(.beyond)"] | join(" ")')" \
    "each edition within its 110 000 €"
assert_eq 0 "$(jqr '.beyond | length')" "nothing beyond"
run eligo batch $CALL --jobs 0
assert_contains "$OUT" "Édition 2012 : 2 projet(s), 2 accordable(s), 77 730,00 € dans l'enveloppe de 110 000,00 € (reste 32 270,00 €)" "text per edition 2012"
assert_contains "$OUT" "Édition 2013 : 3 projet(s), 3 accordable(s), 93 933,00 € dans l'enveloppe de 110 000,00 € (reste 16 067,00 €)" "text per edition 2013"

# --- allocation order: a ranking parameter ---------------------------------------------
sed -e 's/^parameters:$/parameters:\n  - { name: allocation_order, text: largest-request }/' \
    "$SRC/seeds/calls/$CALL.yaml" >"$WORK/ranked.yaml"
run eligo import "$WORK/ranked.yaml"
run eligo batch $CALL --jobs 0 --format json
# Largest first: 73 000 (lille 2012), 73 000 (lille 2013, crosses), 15 000, 5 933, 4 730.
assert_eq "lille-transfert-savoir-faire-2013:3700000 hem-mde-val-de-marque-ess:0 val-de-marque-agriculture-durable:0 cine-cite-social:0" \
    "$(jqr '[.beyond[] | "\(.project):\(.covered)"] | join(" ")')" "largest-request order"
sed -e 's/^parameters:$/parameters:\n  - { name: allocation_order, text: lottery }/' \
    "$SRC/seeds/calls/$CALL.yaml" >"$WORK/bad.yaml"
run eligo import "$WORK/bad.yaml"
run eligo batch $CALL --jobs 0
assert_eq 3 "$RC" "unknown allocation order"
assert_contains "$ERR" 'allocation_order vaut « lottery » : il doit valoir submission, smallest-request ou largest-request' "its message"
run eligo import "$WORK/ranked.yaml"

# --- filters ------------------------------------------------------------------------------
run eligo batch $CALL --jobs 0 --project cine-cite-social --project hem-mde-val-de-marque-ess --format json
assert_eq 2 "$(jqr .projects)" "--project twice"
run eligo batch $CALL --jobs 0 --project centres-sociaux-connectes-2018
assert_eq 2 "$RC" "a project that does not apply"
assert_contains "$ERR" 'le projet « centres-sociaux-connectes-2018 » ne candidate pas à l'"'"'appel « mel-appel-projets-territoires »' "its message"
run eligo batch $CALL --jobs 0 --project nope
assert_eq 3 "$RC" "an unknown project"
run eligo batch $CALL --jobs 0 --since 2999-01-01 --format json
assert_eq 0 "$(jqr .projects)" "--since in the future: nothing"
run eligo batch $CALL --jobs 0 --since 2000 --format json
assert_eq 5 "$(jqr .projects)" "--since in the past: every project"
# A new version of one project, and of one of another call: --since a time
# between the imports reads the first only, at its new version.
SINCE=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
sleep 0.05
sed -e 's/^title: "Soutien/title: "Nouvelle version : soutien/' \
    "$SRC/seeds/projects/cine-cite-social.yaml" >"$WORK/cine-v2.yaml"
sed -e 's/^title: /title: Autre /' \
    "$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml" >"$WORK/centres-v2.yaml"
run eligo import "$WORK/cine-v2.yaml" "$WORK/centres-v2.yaml"
assert_eq 0 "$RC" "new versions imported"
run eligo batch $CALL --jobs 0 --since "$SINCE" --format json
assert_eq 1 "$(jqr .projects)" "--since between imports: the project imported since"
assert_eq 1 "$(jqr .stored)" "its new version decided"
run eligo trace list --project cine-cite-social --format json
assert_contains "$OUT" '"project_version":2,' "at its new version"
run eligo batch nope
assert_eq 3 "$RC" "unknown call"
run eligo batch $CALL --format xml
assert_eq 2 "$RC" "bad format"

# test_trace_replay_all.sh replays the decisions above; the hundreds below
# would only take its time.
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    finish
fi

# --- the same output and decisions whatever --jobs ----------------------------------------
# Many projects: copies of a seed project with their own ids and amounts.
mkdir -p "$WORK/many"
for i in $(seq -w 1 240); do
    sed -e "s/^id: cine-cite-social/id: ccs-$i/" -e "s/4 730,00 €/$((1000 + 10#$i * 37)),00 €/g" \
        "$SRC/seeds/projects/cine-cite-social.yaml" >"$WORK/many/ccs-$i.yaml"
done
run eligo import "$WORK/many"
assert_eq 0 "$RC" "import 240 projects ($ERR)"
# The stored decisions in order, without what is not an input (each rule's
# duration_us): their records through `trace list --record` (most are
# stored compressed: SQL no longer reads them), their inputs keys by SQL.
dump() {
    eligo trace list --call $CALL --format json --record |
        jq -c --argjson last "$1" 'select(.decision_id > $last)' | jq -c -s 'sort_by(.decision_id)[] |
        {project, outcome, figures, ruleset, record: (.record | del(.rules[].duration_us))}'
    sqlite3 "$ELIGO_DB" "SELECT inputs_key FROM decisions WHERE id > $1 ORDER BY id"
}
last=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions")
run eligo batch $CALL --jobs 0 --format csv --unit 7
cut -d, -f1-9 <<<"$OUT" >"$WORK/csv.0"
dump "$last" >"$WORK/dec.0"
assert_eq 480 "$(($(wc -l <"$WORK/dec.0")))" "240 new decisions stored (the five seeds already are), each with its inputs key"
assert_eq 176 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM decisions WHERE id > $last AND trace_z IS NOT NULL AND trace = ''")" \
    "the records after the ruleset's first 64 are stored compressed"
# Those 176 are binary records (format 7), listed as the JSON records they
# read back to; the first 64, sampled for the dictionary, are JSON.
assert_eq "64 176" "$(eligo trace list --call $CALL --format json --record |
    jq -rs --argjson last "$last" '[.[] | select(.decision_id > $last)] |
    "\(map(select(.record_format == 4 and .record.format == 4)) | length) \(map(select(.record_format == 7 and .record.format == 4)) | length)"')" \
    "64 records stored as JSON, 176 in binary"
# The binary ones hold their key figures (since format 6) and leave the column
# empty; listed, every decision shows them, from one place or the other.
assert_eq "176 0" "$(sqlite3 "$ELIGO_DB" "SELECT sum(figures = '') || ' ' || sum(figures = '' AND trace_z IS NULL) FROM decisions WHERE id > $last")" \
    "a compressed record's figures are in the record, the column empty"
assert_eq "240 240" "$(eligo trace list --call $CALL --format json |
    jq -rs --argjson last "$last" '[.[] | select(.decision_id > $last)] |
    "\(length) \(map(select(.figures.eligible_cost | type == "number")) | length)"')" \
    "trace list shows every decision's key figures"
zf=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions WHERE trace_z IS NOT NULL")
assert_eq "$(eligo trace show "$zf" --format json | jq -r '.figures.eligible_cost')" \
    "$(eligo trace list --call $CALL --format csv | awk -F, -v id="$zf" '$1 == id {print $8}')" \
    "the CSV listing's cost of a compressed decision is its record's"
# A compressed decision shows, replays and diffs as any other.
z=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions WHERE trace_z IS NOT NULL")
t=$(sqlite3 "$ELIGO_DB" "SELECT min(id) FROM decisions WHERE id > $last AND trace_z IS NULL")
run eligo replay "$z"
assert_eq 0 "$RC" "replay of compressed decision $z ($ERR)"
assert_contains "$OUT" "rejouée : identique" "compressed decision $z replays identically"
run eligo trace show "$z" --format json
assert_eq "ccs-240 mel-appel-projets-territoires" "$(jqr '"\(.project) \(.call)"')" "trace show of compressed decision $z"
run eligo trace diff "$t" "$z" --format json
assert_eq 0 "$RC" "diff of a stored and a compressed decision ($ERR)"
assert_eq "false" "$(jqr '.same')" "two projects' decisions differ"
run eligo trace list --record
assert_eq 2 "$RC" "--record without --format json is refused"
assert_contains "$ERR" "--record demande --format json" "and says why"
run eligo trace show "$z" --record
assert_eq 2 "$RC" "--record is trace list's only"
for j in $JOBS; do
    # A store as it was before the batch: the same decisions must be made.
    cp "$ELIGO_DB" "$WORK/j.db"
    sqlite3 "$WORK/j.db" "PRAGMA foreign_keys=OFF; DROP TRIGGER decisions_no_delete; DELETE FROM decisions WHERE id > $last"
    ELIGO_DB=$WORK/j.db run eligo batch $CALL --jobs "$j" --format csv --unit 7
    assert_eq 0 "$RC" "--jobs $j ($ERR)"
    cut -d, -f1-9 <<<"$OUT" >"$WORK/csv.$j"
    ELIGO_DB=$WORK/j.db dump "$last" >"$WORK/dec.$j"
    assert_eq "" "$(diff "$WORK/csv.0" "$WORK/csv.$j")" "--jobs $j: the same output"
    assert_eq "" "$(diff "$WORK/dec.0" "$WORK/dec.$j" | head -c 600)" "--jobs $j: the same decisions, in the same order"
    # The workers compress their records past their first 64, each with a
    # dictionary of its own that it sends; the writer compresses those 64
    # with the dictionary the store already has (from the --jobs 0 run).
    assert_eq 0 "$(sqlite3 "$WORK/j.db" "SELECT count(*) FROM decisions WHERE id > $last AND trace_z IS NULL")" \
        "--jobs $j: every record stored compressed"
    dicts=$(sqlite3 "$WORK/j.db" "SELECT count(*) FROM trace_dicts")
    [[ $dicts -ge 2 && $dicts -le $((1 + j)) ]] || fail "--jobs $j: $dicts record dictionaries"
done

# --- a progress bar on a terminal (stderr), with the rate ------------------------------------
if command -v script >/dev/null; then
    script -qec "$ELIGO_BIN batch $CALL --jobs 2 >/dev/null" /dev/null >"$WORK/tty" 2>&1
    assert_contains "$(cat "$WORK/tty")" "] 245/245  " "progress bar on a terminal"
    assert_contains "$(cat "$WORK/tty")" "projets/s" "with the rate"
fi

# --- SIGKILL during a batch, then a rerun: every decision stored once ------------------
sed -e 's/^parameters:$/parameters:\n  - { name: allocation_order, text: smallest-request }/' \
    "$SRC/seeds/calls/$CALL.yaml" >"$WORK/killed.yaml"
run eligo import "$WORK/killed.yaml"
# start_and_kill JOBS: starts a batch, kills it with SIGKILL once it has
# committed 20 decisions; sets before, mid (decisions before and after) and
# workers (its worker processes then).
# The call's rules with one more, slow one (some 10 ms per project), so that
# the kill comes in the middle of the batch: at a few ms, two workers with
# their next chunks queued could finish all 245 before the poll below saw 20.
mkdir -p "$WORK/slow"
cp -r "$SRC/rules/lib" "$SRC/rules/calls" "$WORK/slow/"
cat >>"$WORK/slow/calls/$CALL.lua" <<'LUA'
rule { id = "lente", title = "Lente", check = function(p)
    local x = 0
    for i = 1, 2000000 do x = x + i end
    return pass("lente " .. x)
end }
LUA
start_and_kill() {
    before=$(rows decisions)
    ELIGO_RULES=$WORK/slow "$ELIGO_BIN" batch $CALL --jobs "$1" --unit 5 >/dev/null 2>&1 &
    local pid=$! n
    for _ in $(seq 1 200); do
        n=$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM decisions" 2>/dev/null || echo 0)
        [[ $n -gt $((before + 20)) ]] && break
        sleep 0.02
    done
    workers=$(cat /proc/$pid/task/*/children 2>/dev/null)
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    mid=$(rows decisions)
    CHECKS=$((CHECKS + 1))
    [[ $mid -gt $before && $mid -lt $((before + 245)) ]] ||
        fail "the kill came at $((mid - before)) of 245 decisions, not during the batch"
}
start_and_kill 0
assert_eq ok "$(sqlite3 "$ELIGO_DB" "PRAGMA integrity_check")" "store intact after SIGKILL"
ELIGO_RULES=$WORK/slow run eligo batch $CALL --jobs 0 --format json
assert_eq 0 "$RC" "rerun after SIGKILL ($ERR)"
assert_eq "$((before + 245))" "$(rows decisions)" "every decision stored exactly once"
assert_eq "$((mid - before))" "$(jqr .reused)" "the committed ones reused"
assert_eq 0 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM (SELECT inputs_key FROM decisions WHERE inputs_key IS NOT NULL GROUP BY inputs_key HAVING count(*) > 1)")" "no key twice"
# Every stored decision loads and replays.
id=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions")
ELIGO_RULES=$WORK/slow run eligo replay "$id"
assert_eq 0 "$RC" "the last batch decision replays ($OUT $ERR)"

# --- the same with workers: the supervisor killed, its workers end too -----------------
sed -e 's/^parameters:$/parameters:\n  - { name: allocation_order, text: submission }/' \
    "$SRC/seeds/calls/$CALL.yaml" >"$WORK/killed2.yaml"
run eligo import "$WORK/killed2.yaml"
start_and_kill 2
CHECKS=$((CHECKS + 1))
[[ -n $workers ]] || fail "the batch had worker processes"
sleep 1
for w in $workers; do
    CHECKS=$((CHECKS + 1))
    [[ ! -d /proc/$w ]] || [[ $(awk '{ print $3 }' /proc/$w/stat 2>/dev/null) == Z ]] ||
        fail "worker $w still runs after its supervisor was killed"
done
assert_eq ok "$(sqlite3 "$ELIGO_DB" "PRAGMA integrity_check")" "store intact after SIGKILL (workers)"
ELIGO_RULES=$WORK/slow run eligo batch $CALL --jobs 2 --format json
assert_eq 0 "$RC" "rerun after SIGKILL, --jobs 2 ($ERR)"
assert_eq "$((before + 245))" "$(rows decisions)" "--jobs 2: every decision stored exactly once"
assert_eq "$((mid - before))" "$(jqr .reused)" "--jobs 2: the committed ones reused"

finish
