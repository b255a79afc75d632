#!/usr/bin/env bash
# The supervisor's deadline (engine/pool.h): a rule that spends its time
# where the in-process limits do not reach in time (instructions that each
# run long in C: the in-process clock is read every 1 000 instructions) is
# killed with its worker at --max-time; the project's decision is an `error`
# naming the rule and its file:line, and the batch (and `eligo check`) goes on.
source "$(dirname "$0")/lib.sh"
# A decision stopped at the deadline is not meant to replay the same in
# general (a rule near the deadline may end on one run and not on another):
# test_trace_replay_all leaves this test's decisions out; the replay below is
# of a rule far beyond it.
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    echo "skipped under test_trace_replay_all: its decisions are stopped at a deadline"
    finish
fi
rule_call_fixture slow
cat >"$RULES/calls/slow.lua" <<'LUA'
rule { id = "avant", title = "Avant", check = function(p) return pass("avant") end }
rule { id = "comparaison-lente", title = "Instructions lentes", check = function(p)
    if p.id ~= "p2" then return pass("rapide") end
    -- Every instruction compares two equal 128 MiB texts (a full memcmp,
    -- some 10 ms): the in-process clock, read every 1 000 instructions,
    -- would see the deadline only seconds after the supervisor. The texts
    -- are doubled by concatenation (string.rep would be charged over the
    -- library budget), each built apart so that they are two objects.
    local a, b = "x", "x"
    for _ = 1, 27 do a = a .. a end
    for _ = 1, 27 do b = b .. b end
    while true do local _ = a == b end
end }
rule { id = "apres", title = "Après", check = function(p) return pass("après") end }
LUA
for i in 2 3 4 5; do
    sed -e "s/^id: p$/id: p$i/" "$WORK/project.yaml" >"$WORK/project-$i.yaml"
done
run eligo import "$WORK"/project-*.yaml
assert_eq 0 "$RC" "import ($ERR)"

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
for jobs in 1 2; do
    t0=$(now_ms)
    run eligo --max-time 1000 --max-memory 512 batch slow --jobs $jobs --format json
    ms=$(($(now_ms) - t0))
    assert_eq 0 "$RC" "--jobs $jobs: the batch goes on ($ERR)"
    CHECKS=$((CHECKS + 1))
    [[ $ms -lt 6000 ]] || fail "--jobs $jobs: took $ms ms (1 000 ms deadline)"
    assert_eq "4 0 1 1" "$(jqr '"\(.outcomes.eligible) \(.outcomes.ineligible) \(.outcomes.error) \(.killed)"')" \
        "--jobs $jobs: one error, the others eligible"
done
id=$(sqlite3 "$ELIGO_DB" "SELECT id FROM decisions WHERE project = 'p2' ORDER BY id LIMIT 1")
run eligo trace show "$id" --format json
assert_eq "error error error" "$(jqr '[.rules[].status] | join(" ")')" "every rule of p2 in error"
assert_eq "limite de temps dépassée (1000 ms) : le superviseur a arrêté l'évaluation dans la règle comparaison-lente (rules/calls/slow.lua:2)" \
    "$(jqr '.rules[1].message')" "the rule that was running, with its file:line"
assert_eq "rules/calls/slow.lua:2" "$(jqr '.rules[1].error_at')" "error_at"
assert_contains "$(jqr '.rules[0].message')" "non exécutée : limite de temps dépassée (1000 ms) : le superviseur a arrêté l'évaluation dans la règle comparaison-lente" "the other rules say why"
assert_eq 1000 "$(jqr '.limits.time_ms')" "the limit is recorded"

# Replay decides on a supervised worker too: the decision stopped at the
# deadline replays the same, within the bound. Regression: replay decided in
# process and ran the rule until the in-process clock saw it (about a minute).
t0=$(now_ms)
run eligo replay "$id"
ms=$(($(now_ms) - t0))
assert_eq 0 "$RC" "replay: the same decision ($OUT $ERR)"
CHECKS=$((CHECKS + 1))
[[ $ms -lt 6000 ]] || fail "replay took $ms ms (1 000 ms deadline recorded)"

# eligo check takes the same supervised path.
t0=$(now_ms)
run eligo --max-time 1000 --max-memory 512 check p2
ms=$(($(now_ms) - t0))
assert_eq 4 "$RC" "check: a rule error"
CHECKS=$((CHECKS + 1))
[[ $ms -lt 6000 ]] || fail "check took $ms ms (1 000 ms deadline)"
assert_contains "$OUT" "le superviseur a arrêté l'évaluation dans la règle comparaison-lente" "check: the message"
run eligo --max-time 1000 check p3
assert_eq 0 "$RC" "check: the next project is unaffected ($ERR)"
# Several chunks a worker (engine/pool.c sends each worker two before their
# replies): the worker killed on p2, in the second chunk of 64, had the
# fourth waiting in its pipe; that one goes to the new worker, and every
# project is decided once, the same with one and with two workers.
# Regression test for the two chunks in flight.
export ELIGO_DB=$WORK/chunks.db
for i in $(seq 2 200); do
    sed -e "s/^id: p$/id: p$i/" "$WORK/project.yaml" >"$WORK/many-$i.yaml"
done
run eligo import "$SRC/seeds/financers" "$WORK/call.yaml" "$WORK/project.yaml" "$WORK"/many-*.yaml
assert_eq 0 "$RC" "import of 200 projects ($ERR)"
for jobs in 1 2; do
    cp "$ELIGO_DB" "$WORK/chunks-$jobs.db"
    ELIGO_DB=$WORK/chunks-$jobs.db run eligo --max-time 1000 --max-memory 512 batch slow \
        --jobs $jobs --format json
    assert_eq 0 "$RC" "200 projects, --jobs $jobs: the batch goes on ($ERR)"
    assert_eq "199 0 1 1 200" \
        "$(jqr '"\(.outcomes.eligible) \(.outcomes.ineligible) \(.outcomes.error) \(.killed) \(.stored)"')" \
        "200 projects, --jobs $jobs: one error, every project decided once"
    sqlite3 "$WORK/chunks-$jobs.db" "SELECT id, project, outcome FROM decisions ORDER BY id" \
        >"$WORK/chunks-$jobs.txt"
done
assert_eq "200" "$(wc -l <"$WORK/chunks-2.txt")" "200 decisions stored"
CHECKS=$((CHECKS + 1))
cmp -s "$WORK/chunks-1.txt" "$WORK/chunks-2.txt" ||
    fail "the decisions differ between --jobs 1 and --jobs 2: $(diff "$WORK/chunks-1.txt" "$WORK/chunks-2.txt" | head -5)"
assert_eq "error" "$(sqlite3 "$WORK/chunks-2.db" "SELECT outcome FROM decisions WHERE project = 'p2'")" \
    "p2 is the one in error"
finish
