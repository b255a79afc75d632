# Every decision the other CLI scenarios store replays to the same outcome,
# figures and rule results (each scenario runs again here with its store
# kept, then every decision in it is replayed). Replaying and reading leave
# the decisions untouched, and no eligo source writes an UPDATE or DELETE
# of decisions: they are append-only (the store's triggers are tested in
# test_import.sh and test_trace_replay.sh).
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
total=0
for script in "$here"/test_*.sh; do
    name=$(basename "$script" .sh)
    [[ $name == test_trace_replay_all ]] && continue
    db=$WORK/$name.db
    ELIGO_TEST_DB=$db bash "$script" >"$WORK/$name.log" 2>&1 || true
    [[ -f $db ]] || continue
    ids=$(sqlite3 "$db" "SELECT id FROM decisions ORDER BY id" 2>/dev/null)
    [[ -n $ids ]] || continue
    before=$(sqlite3 "$db" "SELECT * FROM decisions; SELECT * FROM decision_rule_files" | sha256sum)
    for id in $ids; do
        run eligo --db "$db" replay "$id" --format json
        assert_eq "0 true" "$RC $(jqr .same 2>/dev/null)" "$name: decision $id replays the same ($ERR $(jqr -c .diff 2>/dev/null | head -c 600))"
        total=$((total + 1))
    done
    eligo --db "$db" trace list >/dev/null
    eligo --db "$db" trace show "${ids%%$'\n'*}" >/dev/null
    eligo --db "$db" trace export "${ids%%$'\n'*}" --html -o "$WORK/x.html" 2>/dev/null
    assert_eq "$before" "$(sqlite3 "$db" "SELECT * FROM decisions; SELECT * FROM decision_rule_files" | sha256sum)" \
        "$name: replay, list, show and export leave decisions unchanged"
done
# The scenarios this suite has at least store these decisions.
[[ $total -ge 10 ]] || fail "only $total decisions replayed: did the scenarios run?"
echo "$total decisions replayed"

# No code path of eligo rewrites a decision.
found=$(grep -rniE "(update|delete +from|replace +into|insert +or +replace +into) +(decisions|decision_rule_files|rule_sources)\b|drop +trigger" \
    "$SRC/engine" "$SRC/cli" --include='*.c' --include='*.h' || true)
assert_eq "" "$found" "no SQL in eligo updates or deletes decisions"
finish
