# trace diff between the seed project and a copy with its equipment at
# 95 000 € (services lowered by 14 180 € so totals are unchanged) names
# exactly what changed: the equipment cap (status, message, figures, the
# equipment amount it read) and the balance rule, whose result is the same
# but which read the two changed expense amounts. Nothing else.
source "$(dirname "$0")/lib.sh"
import_seeds
equipment_variant "$WORK/equipment.yaml"
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
eligo check csc-materiel-95000 --call mel-strategie-digitale-2018 >/dev/null

run eligo trace diff 1 2 --format json
assert_eq 0 "$RC" "diff exits 0 when decisions differ ($ERR)"
assert_eq 1 "$(wc -l <<<"$OUT")" "one JSON object"
assert_eq "1 2 false" "$(jqr '"\(.a) \(.b) \(.same)"')" "ids and same"
assert_eq "eligible→ineligible" "$(jqr '"\(.outcome.old)→\(.outcome.new)"')" "outcome"
assert_eq "plafond-materiel equilibre" "$(jqr '[.rules[].id] | join(" ")')" "exactly the rules that changed"
assert_eq "changed changed" "$(jqr '[.rules[].change] | join(" ")')" "present on both sides"
others=$(eligo trace show 1 --format json |
    jq -r '[.rules[].id | select(. != "plafond-materiel" and . != "equilibre")] | join(" ")')
assert_contains "$others" "flechage-personnel-mel montant-mel" "the call's other rules"
assert_eq "$others" "$(jqr '.rules_unchanged | join(" ")')" "every other rule unchanged"
assert_eq "status:pass→fail message" "$(jqr '.rules[0].fields | map(if .field == "status" then "status:\(.old)→\(.new)" else .field end) | join(" ")')" \
    "the cap's status and message changed"
assert_eq "Matériel : 95 000,00 € > plafond 80 820,00 € (dépassement 14 180,00 €)" \
    "$(jqr '.rules[0].fields[1].new')" "new message"
assert_eq "amount:8082000→9500000" "$(jqr '[.rules[0].figures[] | "\(.path):\(.old)→\(.new)"] | join(" ")')" \
    "only the amount figure changed (the cap did not)"
assert_eq "expenses[6].amount:8082000→9500000" \
    "$(jqr '[.rules[0].facts[] | "\(.path):\(.old)→\(.new)"] | join(" ")')" "the fact that differs is the equipment amount"
assert_eq "0 0" "$(jqr '"\(.rules[1].fields | length) \(.rules[1].figures | length)"')" \
    "balance: same status, message and figures (totals unchanged)"
assert_eq "expenses[5].amount:56918000→55500000 expenses[6].amount:8082000→9500000" \
    "$(jqr '[.rules[1].facts[] | "\(.path):\(.old)→\(.new)"] | join(" ")')" "balance read the two changed amounts"
assert_eq "expenses_by_category.services expenses_by_category.equipment" "$(jqr '[.figures[].path] | join(" ")')" \
    "key figures: only the category totals (eligible cost unchanged)"
assert_eq "project project_sha256" "$(jqr '[.decision[].field] | join(" ")')" "decision fields that differ"
assert_eq "0 0 0" "$(jqr '"\(.parameters | length) \(.rule_files | length) \(.financer_versions | length)"')" \
    "same parameters, rules and financers"

run eligo trace diff 1 2
assert_eq 0 "$RC" "text diff"
assert_contains "$OUT" "Résultat : ÉLIGIBLE → NON ÉLIGIBLE" "outcome line"
assert_contains "$OUT" "  expenses_by_category.equipment : 80 820,00 € → 95 000,00 €" "key figure as money"
assert_contains "$OUT" $'  plafond-materiel\n    status : "pass" → "fail"' "rule and status"
assert_contains "$OUT" "    chiffre amount : 80 820,00 € → 95 000,00 €" "figure line"
assert_contains "$OUT" "    donnée lue expenses[6].amount : 80 820,00 € → 95 000,00 €" "fact line, amounts in euros"
assert_contains "$OUT" "Règles inchangées : flechage-personnel-mel, montant-mel" "unchanged rules"
assert_not_contains "$OUT" "Règles inchangées : plafond" "the cap is not among them"
assert_not_contains "$OUT" "  montant-mel"$'\n' "an unchanged rule has no block"

# A decision against itself, and one against a re-check of the same project.
run eligo trace diff 1 1 --format json
assert_eq "true 0" "$(jqr '"\(.same) \(.rules | length)"')" "a decision is the same as itself"
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
run eligo trace diff 1 3 --format json
assert_eq "true" "$(jqr .same)" "timings and timestamps are not differences"
run eligo trace diff 1 3
assert_contains "$OUT" "Résultat : ÉLIGIBLE (inchangé)" "unchanged outcome in text"

# Rules present on one side only.
rules=$WORK/rules
cp -r "$SRC/rules" "$rules"
printf '\nrule { id = "nouvelle-regle", title = "Nouvelle", check = function(p) return fail("non") end }\n' \
    >>"$rules/calls/mel-strategie-digitale-2018.lua"
eligo --rules "$rules" check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
run eligo trace diff 1 4 --format json
assert_eq "nouvelle-regle:added:fail" "$(jqr '[.rules[] | "\(.id):\(.change):\(.status)"] | join(" ")')" \
    "a rule only in the second decision"
assert_eq "rules/calls/mel-strategie-digitale-2018.lua:changed" \
    "$(jqr '[.rule_files[] | "\(.path):\(.change)"] | join(" ")')" "the rule file changed"
run eligo trace diff 4 1 --format json
assert_eq "nouvelle-regle:removed" "$(jqr '[.rules[] | "\(.id):\(.change)"] | join(" ")')" "only in the first"
run eligo trace diff 4 1
assert_contains "$OUT" "nouvelle-regle seulement dans la première décision (fail : non)" "text for a removed rule"

run eligo trace diff 1
assert_eq 2 "$RC" "one id only"
run eligo trace diff 1 x
assert_eq 2 "$RC" "not a number"
run eligo trace diff 1 99
assert_eq 3 "$RC" "unknown decision"
assert_contains "$ERR" "pas de décision n° 99 dans le magasin" "names it"
assert_eq 4 "$(rows decisions)" "diff stores nothing"
finish
