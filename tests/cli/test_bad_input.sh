# Bad documents: the error names the file, the line and the field, the exit
# code is 3, and nothing at all is written to the store.
source "$(dirname "$0")/lib.sh"
import_seeds
docs_before=$(rows documents)
seed=$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml

# A misspelt field ("amont") on line 30 of a copy of the seed project.
sed -e 's/^id: centres-sociaux-connectes-2018/id: csc-typo/' \
    -e '30s/amount:/amont:/' "$seed" >"$WORK/typo.yaml"
assert_contains "$(sed -n 30p "$WORK/typo.yaml")" "amont:" "test setup: line 30 has the typo"
run eligo import "$WORK/typo.yaml"
assert_eq 3 "$RC" "exit code for a malformed document"
assert_contains "$ERR" "$WORK/typo.yaml:30:" "error names file and line"
assert_contains "$ERR" "expenses[" "error names the field path"
assert_contains "$ERR" "amont" "error names the unknown field"
assert_contains "$ERR" "rien n'a été importé" "says nothing was imported"
assert_eq "$docs_before" "$(rows documents)" "no document written"

# A batch with one good and one bad document writes nothing.
sed -e 's/^id: centres-sociaux-connectes-2018/id: csc-good/' "$seed" >"$WORK/batch-good.yaml"
sed -e 's/^id: centres-sociaux-connectes-2018/id: csc-bad/' -e 's/"300 000,00 €"/"300 000,005 €"/' \
    "$seed" >"$WORK/batch-bad.yaml"
run eligo import "$WORK/batch-good.yaml" "$WORK/batch-bad.yaml"
assert_eq 3 "$RC" "exit code for a batch with a bad amount"
assert_contains "$ERR" "batch-bad.yaml:" "bad file named"
assert_contains "$ERR" "300 000,005" "bad amount quoted"
assert_eq "$docs_before" "$(rows documents)" "all or nothing: the good document is not written either"

# An unknown financer reference.
sed -e 's/^id: centres-sociaux-connectes-2018/id: csc-ref/' -e 's/financer: CAF,/financer: CAFF,/' \
    "$seed" >"$WORK/ref.yaml"
run eligo import "$WORK/ref.yaml"
assert_eq 3 "$RC" "unknown financer"
assert_contains "$ERR" "resources[3].financer" "field of the unknown reference"
assert_contains "$ERR" "CAFF" "unknown id quoted"
assert_eq "$docs_before" "$(rows documents)" "nothing written"

# Every document of the bad-input corpus (tests/data/docs/invalid, each stating its expected
# error on its first line) is refused by the import at that line and column, with that field
# and message, and nothing is stored: shares above 100 %, a call twice, over-long ids and
# texts, control characters and YAML tags among them.
for f in "$SRC"/tests/data/docs/invalid/*.yaml; do
    expect=$(head -1 "$f")
    expect=${expect#"# expect: "}
    loc=${expect%% | *}
    rest=${expect#* | }
    field=${rest%% | *}
    message=${rest#* | }
    where="$f:$loc: ${field:+$field: }"
    [[ $loc == 0:0 ]] && where="$f: "
    run eligo import "$f"
    assert_eq 3 "$RC" "$(basename "$f"): exit code"
    assert_eq "eligo: $where$message" "$(head -1 <<<"$ERR")" "$(basename "$f"): the located error"
    assert_contains "$ERR" "rien n'a été importé" "$(basename "$f"): says nothing was imported"
done
assert_eq "$docs_before" "$(rows documents)" "no document of the bad-input corpus written"

# Unknown project / call / decision.
run eligo check no-such-project
assert_eq 3 "$RC" "unknown project"
assert_contains "$ERR" "no-such-project" "names the project"
run eligo check centres-sociaux-connectes-2018 --call no-such-call
assert_eq 3 "$RC" "unknown call"
assert_eq 0 "$(rows decisions)" "no decision stored for an unknown call"
run eligo trace show 99
assert_eq 3 "$RC" "unknown decision"

# Usage errors.
run eligo frobnicate
assert_eq 2 "$RC" "unknown command"
run eligo check centres-sociaux-connectes-2018 --format xml
assert_eq 2 "$RC" "bad format"
run eligo check
assert_eq 2 "$RC" "missing project"
run eligo trace show abc
assert_eq 2 "$RC" "bad decision id"
run eligo import "$WORK/does-not-exist.yaml"
assert_eq 3 "$RC" "missing file"
finish
