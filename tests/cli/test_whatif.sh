#!/usr/bin/env bash
# eligo whatif: the FEDER ITI call's equipment cap lowered to 50 000 €, by
# parameter and by rule file, lists exactly the projects it affects (the
# expected list computed here from the equipment amounts); nothing stored.
source "$(dirname "$0")/lib.sh"
CALL=feder-iti-inclusion-numerique-2018
import_seeds

# Variants of the seed project with other equipment amounts (services lowered
# by as much, so the plan still balances): cents.
AMOUNTS="3000000 5000000 5000001 6500000 8082000 8082001 9500000"
mkdir -p "$WORK/variants"
for e in $AMOUNTS; do
    s=$((56918000 + 8082000 - e))
    sed -e "s/\"80 820,00 €\" }/\"$((e / 100)).$(printf %02d $((e % 100)))\" }/" \
        -e "s/\"569 180,00 €\"/\"$((s / 100)).$(printf %02d $((s % 100)))\"/" \
        -e "s/^id: centres-sociaux-connectes-2018/id: csc-equipment-$e/" \
        "$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml" >"$WORK/variants/$e.yaml"
done
run eligo import "$WORK/variants"
assert_eq 0 "$RC" "import the variants ($ERR)"

# Expected, independently: eligible before when equipment <= 80 820 €, after
# when <= 50 000 €; listed when the two differ (the seed has 80 820 €).
expected=""
for p in centres-sociaux-connectes-2018:8082000 $(for e in $AMOUNTS; do echo "csc-equipment-$e:$e"; done); do
    id=${p%%:*} e=${p##*:}
    b=$((e <= 8082000)) a=$((e <= 5000000))
    [[ $b != "$a" ]] && expected+="$id "
done
expected=$(tr ' ' '\n' <<<"$expected" | sed '/^$/d' | sort | tr '\n' ' ')

cat >"$WORK/params.yaml" <<'YAML'
parameters:
  - { name: max_equipment, money: "50 000,00 €", source: "hypothèse" }
YAML
before=$(rows decisions)
run eligo whatif $CALL --params "$WORK/params.yaml" --format json
assert_eq 1 "$RC" "whatif exit: decisions change ($ERR)"
assert_eq "$expected" "$(jqr '[.changes[].project] | sort | join(" ")') " "the projects affected"
assert_eq "eligible>ineligible" "$(jqr '[.changes[] | "\(.before.outcome)>\(.after.outcome)"] | unique | join(" ")')" "direction"
assert_eq "plafond-materiel:pass>fail" "$(jqr '[.changes[].rules[] | "\(.id):\(.before)>\(.after)"] | unique | join(" ")')" "the rule responsible"
n=$(wc -w <<<"$expected")
assert_eq "8 $n $n 0" "$(jqr '.summary | "\(.projects) \(.changed) \(.to_ineligible) \(.to_eligible)"')" "summary"
assert_eq "$before" "$(rows decisions)" "nothing stored"
g=$(jqr '[.changes[].before.grantable] | add')
assert_eq "$g" "$(jqr '.summary.envelope_before.grantable - .summary.envelope_after.grantable')" "grantable before - after = what the changes lose"

run eligo whatif $CALL --params "$WORK/params.yaml"
assert_contains "$OUT" "centres-sociaux-connectes-2018 : ÉLIGIBLE → NON ÉLIGIBLE ; accordable 1 300 000,00 € → 0,00 €" "text line"
assert_contains "$OUT" "plafond-materiel (rules/calls/feder-iti-inclusion-numerique-2018.lua:16) : respectée → non respectée" "text rule"
assert_contains "$OUT" "après : Matériel : 80 820,00 € > plafond 50 000,00 € (dépassement 30 820,00 €)" "text message"
assert_contains "$OUT" "Résumé : 8 projet(s), $n décision(s) changent : $n éligible → inéligible" "text summary"

# The same cap written in an edited rule file.
mkdir -p "$WORK/rules"
cp -r "$SRC/rules/lib" "$SRC/rules/calls" "$WORK/rules/"
sed -i 's/max = param "max_equipment"/max = 5000000/' "$WORK/rules/calls/$CALL.lua"
run eligo whatif $CALL --rules "$WORK/rules" --format json
assert_eq 1 "$RC" "whatif --rules exit ($ERR)"
assert_eq "$expected" "$(jqr '[.changes[].project] | sort | join(" ")') " "--rules: the projects affected"

# The same comparison whatever the workers: in this process (--jobs 0), on
# one worker per side and on three; text and JSON byte for byte.
for fmt in text json; do
    run eligo whatif $CALL --params "$WORK/params.yaml" --format $fmt --jobs 0
    assert_eq 1 "$RC" "--jobs 0 --format $fmt ($ERR)"
    ref=$OUT
    for j in 1 3; do
        run eligo whatif $CALL --params "$WORK/params.yaml" --format $fmt --jobs $j
        assert_eq 1 "$RC" "--jobs $j --format $fmt ($ERR)"
        assert_eq "$ref" "$OUT" "--jobs $j gives what --jobs 0 gives ($fmt)"
    done
done
run eligo whatif $CALL --params "$WORK/params.yaml" --jobs x
assert_eq 2 "$RC" "--jobs takes a number"

# An edited rule that does not hand back in time (every instruction compares
# two equal 128 MiB texts; the in-process clock, read every 1 000
# instructions, would see the deadline seconds later): the supervisor stops it at
# --max-time and the project gets an error naming the rule and its line,
# instead of whatif taking those seconds for each project in turn.
# Regression: whatif decided in process.
mkdir -p "$WORK/slow"
cp -r "$SRC/rules/lib" "$SRC/rules/calls" "$WORK/slow/"
cat >>"$WORK/slow/calls/$CALL.lua" <<'LUA'
rule { id = "comparaison-lente", title = "Instructions lentes", check = function(p)
    local a, b = "x", "x"
    for _ = 1, 27 do a = a .. a end
    for _ = 1, 27 do b = b .. b end
    while true do local _ = a == b end
end }
LUA
line=$(grep -n '^rule { id = "comparaison-lente"' "$WORK/slow/calls/$CALL.lua" | cut -d: -f1)
t0=${EPOCHREALTIME/[.,]/}
run eligo --max-time 500 --max-memory 512 whatif $CALL --rules "$WORK/slow" --format json --jobs 2
t1=${EPOCHREALTIME/[.,]/}
assert_eq 1 "$RC" "a rule stopped at the deadline: decisions change ($ERR)"
(( (t1 - t0) / 1000 < 30000 )) || fail "whatif took $(( (t1 - t0) / 1000 )) ms: not stopped at the deadline"
assert_eq "8 8 8" "$(jqr '.summary | "\(.projects) \(.to_error) \(.killed)"')" "every project: an error, its worker stopped"
assert_eq "comparaison-lente:absent>error rules/calls/$CALL.lua:$line" \
    "$(jqr '[.changes[].rules[] | select(.id == "comparaison-lente") | "\(.id):\(.before)>\(.after) \(.source)"] | unique | join(" ")')" \
    "the rule responsible and its line"
assert_contains "$(jqr '.changes[0].rules[] | select(.id == "comparaison-lente") | .message_after')" \
    "le superviseur a arrêté l'évaluation dans la règle comparaison-lente" "the supervisor's message"

# Nothing changes: exit 0.
cat >"$WORK/same.yaml" <<'YAML'
parameters:
  - { name: max_equipment, money: "80 820,00 €" }
YAML
run eligo whatif $CALL --params "$WORK/same.yaml" --format json
assert_eq 0 "$RC" "no change: exit 0"
assert_eq 0 "$(jqr .summary.changed)" "no change"

# Bad input.
printf 'parameters: 3\n' >"$WORK/bad.yaml"
run eligo whatif $CALL --params "$WORK/bad.yaml"
assert_eq 3 "$RC" "a params file that is not a list"
assert_contains "$ERR" "bad.yaml:1:" "its location"
printf 'parameters:\n  - { name: max_equipment, money: "12,345" }\n' >"$WORK/bad2.yaml"
run eligo whatif $CALL --params "$WORK/bad2.yaml"
assert_eq 3 "$RC" "a bad amount"
assert_contains "$ERR" "parameters[1].money: trois décimales dans « 12,345 »" "names the parameter and the fault"
run eligo whatif $CALL
assert_eq 2 "$RC" "neither --rules nor --params"
run eligo whatif nope --params "$WORK/params.yaml"
assert_eq 3 "$RC" "unknown call"
finish
