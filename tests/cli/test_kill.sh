# SIGKILL loses nothing (issue 9). An import of a few thousand documents is
# killed at several moments, from its first milliseconds to just before its
# commit; after each kill the store opens and passes PRAGMA integrity_check,
# holds either none or all of that import (one import is one transaction),
# and importing again stores every document exactly once. Then `eligo check`
# runs are killed in a loop: every decision stored is whole (it loads with
# `trace show` and replays the same) and a check's decisions come all
# together (one transaction per check) or not at all.
source "$(dirname "$0")/lib.sh"
# test_trace_replay_all.sh runs every scenario again to replay the decisions
# it stored: this one replays its own, and takes long.
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    echo "skipped under test_trace_replay_all: every decision is replayed below"
    finish
fi

N=3000 # projects; with the seed financers and calls, one import takes about 0.6 s
DOCS=$WORK/docs
mkdir -p "$DOCS"
cp "$SRC"/seeds/financers/*.yaml "$SRC"/seeds/calls/*.yaml "$DOCS/"
TOTAL=$((N + $(ls "$DOCS" | wc -l)))
# The seed project under N ids (p0001...), written by the shell itself: no
# process per file.
seed=$(<"$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml")
old_id=$'\nid: centres-sociaux-connectes-2018\n'
for ((i = 1; i <= N; i++)); do
    printf -v p 'p%04d' "$i"
    printf '%s\n' "${seed/"$old_id"/$'\n'id: $p$'\n'}" >"$DOCS/$p.yaml"
done
NCALLS=$(grep -c '^  - { call: ' "$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml")
assert_eq 2 "$NCALLS" "test setup: the seed project applies to two calls"

now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }
seconds() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
fresh_store() { rm -f "$ELIGO_DB" "$ELIGO_DB-wal" "$ELIGO_DB-shm"; }

# store_sound WHAT: the store left by a kill passes SQLite's checks and eligo
# opens it (migrating it if the kill came first).
store_sound() {
    assert_eq ok "$(sqlite3 "$ELIGO_DB" 'PRAGMA integrity_check' 2>&1)" "$1: integrity_check"
    assert_eq "" "$(sqlite3 "$ELIGO_DB" 'PRAGMA foreign_key_check' 2>&1)" "$1: foreign_key_check"
    run eligo init
    assert_eq 0 "$RC" "$1: the store opens ($ERR)"
}

# stored_once WHAT: every document of $DOCS stored, each exactly once, every
# project with its compact form and listed under its calls.
stored_once() {
    assert_eq "$TOTAL documents, $TOTAL ids, 0 later versions, $N forms, $((N * NCALLS)) listings" \
        "$(sqlite3 "$ELIGO_DB" "SELECT (SELECT count(*) FROM documents) || ' documents, '
            || (SELECT count(DISTINCT kind || '/' || id) FROM documents) || ' ids, '
            || (SELECT count(*) FROM documents WHERE version <> 1) || ' later versions, '
            || (SELECT count(*) FROM project_forms) || ' forms, '
            || (SELECT count(*) FROM project_calls) || ' listings'")" "$1: stored once"
}

# The whole import once, to know how long it takes here (an ASan build is
# slower): the last kills are placed just before its end.
fresh_store
t0=$(now_us)
run eligo import --quiet "$DOCS"
full_us=$(($(now_us) - t0))
assert_eq 0 "$RC" "the whole import ($ERR)"
stored_once "the whole import"
echo "one import of $TOTAL documents: $(seconds "$full_us") s"

# ---- imports killed ------------------------------------------------------
killed=0 finished=0 nothing=0 everything=0
for at in 50000 200000 500000 $((full_us / 2)) $((full_us * 9 / 10)) $((full_us * 97 / 100)); do
    what="import killed after $(seconds "$at") s"
    fresh_store
    "$ELIGO_BIN" import --quiet "$DOCS" >/dev/null 2>"$WORK/import.err" &
    pid=$!
    sleep "$(seconds "$at")"
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null # no "Killed" line from the shell
    status=$?
    if [[ $status == 137 ]]; then
        killed=$((killed + 1))
    else
        finished=$((finished + 1))
        assert_eq 0 "$status" "$what: it ended by itself, successfully ($(<"$WORK/import.err"))"
    fi
    store_sound "$what"
    docs=$(rows documents)
    forms=$(rows project_forms)
    CHECKS=$((CHECKS + 1))
    if [[ $docs == 0 && $forms == 0 ]]; then
        nothing=$((nothing + 1))
    elif [[ $docs == "$TOTAL" && $forms == "$N" ]]; then
        everything=$((everything + 1))
    else
        fail "$what: a partial import is stored: $docs documents, $forms forms"
    fi
    echo "$what: exit $status, $docs documents stored"

    run eligo import "$DOCS"
    assert_eq 0 "$RC" "$what: importing again ($ERR)"
    assert_contains "$OUT" "$TOTAL document(s) lu(s), $((TOTAL - docs)) nouvelle(s) version(s) enregistrée(s)" \
        "$what: importing again stores what was missing"
    stored_once "$what, imported again"
done
echo "imports: $killed killed, $finished ended first; $nothing left nothing, $everything everything"
# Without a kill that came before the commit, the checks above prove nothing.
CHECKS=$((CHECKS + 1))
[[ $killed -gt 0 && $nothing -gt 0 ]] || fail "no import was killed before its commit"

# ---- checks killed -------------------------------------------------------
# Kills from before the store is open to after the decisions are written (one
# check takes 10 to 30 ms here).
# One check left whole, for the number of rules each call's trace holds.
printf -v reference 'p%04d' "$N"
run eligo check "$reference" --format json
assert_eq 0 "$RC" "a check not killed ($ERR)"
declare -A nrules
while read -r call n; do nrules[$call]=$n; done < <(jq -r '"\(.call) \(.rules | length)"' <<<"$OUT")
assert_eq "$NCALLS" "${#nrules[@]}" "test setup: one decision per call"
delays=(0 0.002 0.004 0.006 0.008 0.010 0.013 0.016 0.020 0.025 0.030 0.040)
runs=48
killed=0
for ((i = 1; i <= runs; i++)); do
    printf -v p 'p%04d' "$i"
    "$ELIGO_BIN" check "$p" >/dev/null 2>&1 &
    pid=$!
    sleep "${delays[i % ${#delays[@]}]}"
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    [[ $? == 137 ]] && killed=$((killed + 1))
done
store_sound "after $runs checks, $killed killed"
decided=$(sqlite3 "$ELIGO_DB" 'SELECT count(DISTINCT project) FROM decisions')
echo "checks: $killed of $runs killed, $decided projects decided, $(rows decisions) decisions"
CHECKS=$((CHECKS + 1))
[[ $killed -gt 0 ]] || fail "no check was killed"
assert_eq "" "$(sqlite3 "$ELIGO_DB" "SELECT project || ': ' || count(*) FROM decisions
    GROUP BY project HAVING count(*) <> $NCALLS OR count(DISTINCT call) <> $NCALLS")" \
    "a check's decisions are stored all together or not at all"
assert_eq 0 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM decisions
    WHERE NOT json_valid(trace) OR NOT json_valid(figures) OR ruleset IS NULL
       OR ruleset NOT IN (SELECT sha256 FROM rulesets)")" "every decision row is whole"

# Every stored decision loads and replays the same.
while IFS='|' read -r id stored; do
    run eligo trace show "$id" --format json
    assert_eq 0 "$RC" "decision $id loads ($ERR)"
    IFS='|' read -r shown call n <<<"$(jqr '"\(.decision_id) \(.project) \(.call) \(.outcome)|\(.call)|\(.rules | length)"')"
    assert_eq "$id $stored" "$shown" "decision $id as stored"
    assert_eq "${nrules[$call]}" "$n" "decision $id: every rule in its trace"
    run eligo replay "$id"
    assert_eq 0 "$RC" "decision $id replays the same (exit 0: $OUT $ERR)"
done < <(sqlite3 "$ELIGO_DB" "SELECT id, project || ' ' || call || ' ' || outcome FROM decisions ORDER BY id")

# Checking again the projects a kill left undecided stores their decisions once.
for p in $(sqlite3 "$ELIGO_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $runs)
    SELECT printf('p%04d', i) FROM n WHERE printf('p%04d', i) NOT IN (SELECT project FROM decisions)"); do
    run eligo check "$p"
    assert_eq 0 "$RC" "checking $p again ($ERR)"
done
assert_eq "$(((runs + 1) * NCALLS)) $((runs + 1))" \
    "$(sqlite3 "$ELIGO_DB" "SELECT count(*) || ' ' || count(DISTINCT project) FROM decisions")" \
    "every project checked has its decisions exactly once"
assert_eq ok "$(sqlite3 "$ELIGO_DB" 'PRAGMA integrity_check')" "integrity_check at the end"
finish
