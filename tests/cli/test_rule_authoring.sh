# The rule author's path (issue 4, "done when"): a new user copies a call,
# changes a ceiling and adds one rule; eligo lint and eligo test point at
# the exact line of a misspelt helper, a missing parameter, a rule that
# always passes in the tests (coverage) and a wrong expected figure.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/rules" "$WORK/rules"
cp -r "$SRC/seeds" "$WORK/seeds"
export ELIGO_RULES=$WORK/rules
cd "$WORK"

# The copy: a 2019 call whose equipment ceiling is 90 000 €.
sed -e 's/^id: mel-strategie-digitale-2018/id: mel-numerique-2019/' \
    -e 's|^rules: calls/mel-strategie-digitale-2018.lua|rules: calls/mel-numerique-2019.lua|' \
    -e 's/money: "80 820,00 €"/money: "90 000,00 €"/' \
    seeds/calls/mel-strategie-digitale-2018.yaml >seeds/calls/mel-numerique-2019.yaml
cp rules/calls/mel-strategie-digitale-2018.lua rules/calls/mel-numerique-2019.lua
# The added rule, with a misspelt helper and a parameter the call does not define.
cat >>rules/calls/mel-numerique-2019.lua <<'LUA'

-- Nouvelle règle : la demande à la MEL est d'au moins 5 000 €.
local minimum = param "demande_minimale"
rule {
    id = "demande-minimale",
    title = "La demande à la MEL est d'au moins 5 000 €",
    check = function(p)
        local demande = resources_off(p, "MEL")
        if demande >= minimum then
            return pass("Demande " .. fmt(demande))
        end
        return fail("Demande " .. fmt(demande) .. " < " .. fmt(minimum))
    end,
}
LUA
# Their test cases; the first still expects the old ceiling.
cat >rules/tests/mel-numerique-2019.yaml <<'YAML'
call: mel-numerique-2019
documents: [../../seeds]
cases:
  - name: "Projet de référence : éligible"
    project: centres-sociaux-connectes-2018
    expect:
      outcome: eligible
      figures:
        plafond-materiel.amount: "80 820,00 €"
        plafond-materiel.max: "80 820,00 €"
  - name: "Matériel à 95 000 €"
    project: centres-sociaux-connectes-2018
    set:
      expenses[6].amount: "95 000,00 €"
      expenses[5].amount: "555 000,00 €"
    expect: { outcome: ineligible, rules: { plafond-materiel: fail } }
  - name: "MEL non fléchée"
    project: centres-sociaux-connectes-2018
    remove:
      - resources[4].earmark
    expect: { rules: { flechage-personnel-mel: fail } }
  - name: "MEL à 70 000 €"
    project: centres-sociaux-connectes-2018
    set:
      resources[4].amount: "70 000,00 €"
      resources[3].amount: "130 000,00 €"
    expect: { rules: { montant-mel: fail } }
  - name: "Déséquilibre"
    project: centres-sociaux-connectes-2018
    set:
      resources[0].amount: "1 300 000,01 €"
    expect: { rules: { equilibre: fail } }
YAML
lua=rules/calls/mel-numerique-2019.lua
line_of() { grep -n -- "$1" "$2" | head -1 | cut -d: -f1; }

# 1. lint: the misspelt helper and the missing parameter, each at its line.
run eligo lint seeds/calls/mel-numerique-2019.yaml
assert_eq 1 "$RC" "lint exit code with findings"
assert_contains "$OUT" "$lua:$(line_of resources_off $lua): « resources_off » n'est ni une fonction de la bibliothèque de règles ni une variable définie dans ce fichier (vouliez-vous dire « resources_of » ?) [global-inconnue]" "misspelt helper at its line"
assert_contains "$OUT" "$lua:$(line_of 'param "demande_minimale"' $lua): paramètre « demande_minimale » non défini par l'appel « mel-numerique-2019 » ; paramètres définis : max_equipment, mel_grant" "missing parameter at its line"
# eligo test says the same about the parameter, as a rule-file load error.
run eligo test rules/tests/mel-numerique-2019.yaml
assert_eq 1 "$RC" "test exit code when the rules do not load"
assert_contains "$OUT" "le paramètre \"demande_minimale\" n'est pas défini par l'appel \"mel-numerique-2019\"" "test run names the parameter"
assert_contains "$OUT" "le cas ne peut pas être évalué : les règles de l'appel ne se chargent pas : $lua:$(line_of 'param "demande_minimale"' $lua): le paramètre" "test run points at the parameter line"

# 2. The user fixes both; lint is clean.
sed -i 's/resources_off/resources_of/' $lua
cat >>seeds/calls/mel-numerique-2019.yaml <<'YAML'
  - name: demande_minimale
    money: "5 000,00 €"
YAML
run eligo lint seeds/calls/mel-numerique-2019.yaml
assert_eq 0 "$RC" "lint clean after the fixes ($OUT)"

# 3. test: the copied expectation of the old ceiling is now a wrong figure.
run eligo test rules/tests/mel-numerique-2019.yaml
assert_eq 1 "$RC" "test exit code with a failing case"
fig=$(line_of 'plafond-materiel.max: "80 820,00 €"' rules/tests/mel-numerique-2019.yaml)
case1=$(line_of 'name: "Projet de référence' rules/tests/mel-numerique-2019.yaml)
assert_contains "$OUT" "ÉCHEC  rules/tests/mel-numerique-2019.yaml:$case1  Projet de référence : éligible
       rules/tests/mel-numerique-2019.yaml:$fig: chiffre plafond-materiel.max
           attendu : 80 820,00 €
           obtenu  : 90 000,00 €
           règle   : $lua:6 — Matériel : 80 820,00 € ≤ plafond 90 000,00 €" "wrong expected figure, side by side"
assert_contains "$OUT" "ok     rules/tests/mel-numerique-2019.yaml:$(line_of 'name: "Matériel à 95' rules/tests/mel-numerique-2019.yaml)  Matériel à 95 000 €" "other cases still run"
assert_contains "$OUT" "5 cas : 4 ok, 1 en échec" "summary"

# 4. coverage: the new rule never fails in the cases.
sed -i 's/plafond-materiel.max: "80 820,00 €"/plafond-materiel.max: "90 000,00 €"/' rules/tests/mel-numerique-2019.yaml
run eligo test --coverage rules/tests/mel-numerique-2019.yaml
assert_eq 1 "$RC" "coverage gap exit code ($OUT)"
assert_contains "$OUT" "0 en échec" "all cases pass"
assert_contains "$OUT" "$lua:$(line_of '^rule {' $lua): demande-minimale : jamais en échec dans les cas de test" "always-passing rule at its line"
# A case that makes it fail closes the gap.
cat >>rules/tests/mel-numerique-2019.yaml <<'YAML'

  - name: "Demande à la MEL de 4 000 €"
    project: centres-sociaux-connectes-2018
    set:
      resources[4].amount: "4 000,00 €"
      resources[3].amount: "196 000,00 €"
    expect:
      outcome: ineligible
      rules: { demande-minimale: fail, flechage-personnel-mel: pass }
YAML
run eligo test --coverage rules/tests/mel-numerique-2019.yaml
assert_not_contains "$OUT" "demande-minimale : jamais" "the new case closes the gap"
finish
