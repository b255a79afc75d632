# Every rule test case in the repository passes, every rule of every call
# is made to pass and to fail by some case (coverage complete), and lint
# finds nothing in the rules and call documents.
source "$(dirname "$0")/lib.sh"
cd "$SRC"
run eligo test --coverage
assert_eq 0 "$RC" "eligo test --coverage over rules/tests ($OUT $ERR)"
assert_contains "$OUT" "0 en échec" "no failing case"
assert_contains "$OUT" "aucune : chaque règle réussit et échoue" "coverage complete"
# Each call document of the seeds has a test file.
for call in seeds/calls/*.yaml; do
    id=$(sed -n 's/^id: *//p' "$call")
    assert_eq 1 "$(grep -l "^call: *$id *$" rules/tests/*.yaml | wc -l)" "a test file for call $id"
done
run eligo lint
assert_eq 0 "$RC" "eligo lint over seeds/calls and rules/ ($OUT $ERR)"
assert_eq "aucun problème trouvé" "$OUT" "lint output"
finish
