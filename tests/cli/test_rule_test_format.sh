# eligo test: the test-case format in its details: projects by id, file or
# inline; set and remove by path; errors located in the test file or the
# base project; outcome, statuses, figures (money, rates, decision figures)
# and messages; JSON output; coverage of calls without cases; exit codes.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/rules" "$WORK/rules"
export ELIGO_RULES=$WORK/rules
cd "$WORK"
mkdir -p t
seeds=$SRC/seeds
t=t/essai.yaml
write() { cat >"$t"; }
line_of() { grep -n -- "$1" "$t" | head -1 | cut -d: -f1; }

# A project from a file, with a relative path; decision figures; a share in bp.
sed 's/^id: centres-sociaux-connectes-2018/id: copie/' "$seeds/projects/centres-sociaux-connectes-2018.yaml" >t/copie.yaml
write <<YAML
call: mel-strategie-digitale-2018
documents: [$seeds/financers, $seeds/calls]
cases:
  - name: "Depuis un fichier"
    file: copie.yaml
    expect:
      outcome: eligible
      figures:
        decision.eligible_cost: 2000000
        decision.public_share_bp: "100 %"
        decision.expenses_by_category.equipment: "80 820 €"
        equilibre.resources: "2 000 000,00 EUR"
YAML
run eligo test "$t"
assert_eq 0 "$RC" "case from a file ($OUT$ERR)"
assert_contains "$OUT" "ok     $t:4  Depuis un fichier" "one line per case"
assert_contains "$OUT" "1 cas : 1 ok, 0 en échec" "summary"

# Mismatches of every kind, each at its line.
write <<YAML
call: mel-strategie-digitale-2018
documents: [$seeds]
cases:
  - name: "Tout faux"
    project: centres-sociaux-connectes-2018
    expect:
      outcome: ineligible
      rules: { plafond-materiel: na, equilibre: fail }
      figures:
        decision.public_share_bp: "98 %"
        plafond-materiel.amount: "80 000 €"
        plafond-materiel.inconnu: "1 €"
        equilibre.gap: "un euro"
      messages: { montant-mel: "plafond 70 000" }
YAML
run eligo test "$t"
assert_eq 1 "$RC" "failing case exit code"
assert_eq "ÉCHEC  $t:4  Tout faux
       $t:7: résultat
           attendu : ineligible
           obtenu  : eligible
       $t:8: statut de plafond-materiel
           attendu : not-applicable
           obtenu  : pass
           règle   : rules/calls/mel-strategie-digitale-2018.lua:6 — Matériel : 80 820,00 € ≤ plafond 80 820,00 €
       $t:8: statut de equilibre
           attendu : fail
           obtenu  : pass
           règle   : rules/calls/mel-strategie-digitale-2018.lua:30 — Dépenses 2 000 000,00 € = ressources 2 000 000,00 €
       $t:10: chiffre decision.public_share_bp
           attendu : 98 %
           obtenu  : 100 %
       $t:11: chiffre plafond-materiel.amount
           attendu : 80 000 €
           obtenu  : 80 820,00 €
           règle   : rules/calls/mel-strategie-digitale-2018.lua:6 — Matériel : 80 820,00 € ≤ plafond 80 820,00 €
       $t:12: chiffre plafond-materiel.inconnu
           attendu : 1 €
           obtenu  : (absent)
           règle   : rules/calls/mel-strategie-digitale-2018.lua:6 — Matériel : 80 820,00 € ≤ plafond 80 820,00 €
       $t:13: chiffre equilibre.gap
           attendu : un euro
           obtenu  : 0,00 € — valeur attendue illisible : pas un montant : « un euro »
           règle   : rules/calls/mel-strategie-digitale-2018.lua:30 — Dépenses 2 000 000,00 € = ressources 2 000 000,00 €
       $t:14: message de montant-mel (doit contenir le texte attendu)
           attendu : plafond 70 000
           obtenu  : MEL : 60 000,00 € ≤ plafond 60 000,00 €
           règle   : rules/calls/mel-strategie-digitale-2018.lua:23 — MEL : 60 000,00 € ≤ plafond 60 000,00 €
1 cas : 0 ok, 1 en échec" "$OUT" "every mismatch with expected and actual"

# An unknown rule id, with the closest one suggested.
write <<YAML
call: mel-strategie-digitale-2018
documents: [$seeds]
cases:
  - name: "Faute de frappe"
    project: centres-sociaux-connectes-2018
    expect: { rules: { plafond-materiell: pass } }
YAML
run eligo test "$t"
assert_contains "$OUT" "(aucune règle « plafond-materiell » dans cet appel ; vouliez-vous dire « plafond-materiel » ?)" "unknown rule id"

# set / remove errors at the line that caused them; a bad value set; a
# base project error located in the base project; an inline project error.
write <<YAML
call: mel-strategie-digitale-2018
documents: [$seeds]
cases:
  - name: "Indice hors liste"
    project: centres-sociaux-connectes-2018
    set:
      expenses[9].amount: "1 €"
    expect: { outcome: eligible }
  - name: "Montant illisible"
    project: centres-sociaux-connectes-2018
    set:
      expenses[0].amount: "1,250.50"
    expect: { outcome: eligible }
  - name: "Champ inconnu ajouté"
    project: centres-sociaux-connectes-2018
    set:
      expenses[0].montant: "1 €"
    expect: { outcome: eligible }
  - name: "Suppression impossible"
    project: centres-sociaux-connectes-2018
    remove:
      - resources[4].absent
    expect: { outcome: eligible }
  - name: "Ajout d'une ligne"
    project: centres-sociaux-connectes-2018
    set:
      expenses[7]: { category: travel, label: "Déplacements", amount: "1 000 €" }
      resources[5]: { financer: SELF, amount: "1 000 €", status: granted }
    expect: { outcome: eligible, figures: { decision.eligible_cost: "2 001 000 €" } }
  - name: "Projet en ligne invalide"
    project:
      id: en-ligne
      title: "En ligne"
      applicants: [{ name: A, status: association }]
      period: { start: 2018-01-01, end: 2018-12-31 }
      expenses:
        - { category: staff, label: X, amount: "10 000,001 €" }
      resources: []
      applies_to: []
    expect: { outcome: eligible }
YAML
run eligo test "$t"
assert_eq 1 "$RC" "exit code"
assert_contains "$OUT" "le cas ne peut pas être évalué : $t:$(line_of 'expenses\[9\]'): set: « expenses[9].amount » : la liste n'a que 7 élément(s) (indices 0 à 6 ; [7] en ajoute un)" "index out of range"
assert_contains "$OUT" "le cas ne peut pas être évalué : $t:$(line_of '1,250.50'): set: expenses[0].amount: " "bad value at the set line"
assert_contains "$OUT" "$t:$(line_of 'montant:'): set: expenses[0].montant: " "unknown field at the set line"
assert_contains "$OUT" "$t:$(line_of 'resources\[4\].absent'): remove: « resources[4].absent » : ce champ n'existe pas" "remove error"
assert_contains "$OUT" "ok     $t:$(line_of "Ajout d'une ligne")  Ajout d'une ligne" "appending lines"
assert_contains "$OUT" "le cas ne peut pas être évalué : $t:$(line_of '10 000,001'): project: expenses[0].amount: " "inline project error at its line"
assert_contains "$OUT" "6 cas : 1 ok, 5 en échec" "all cases run"

# call_set edits the call document for one case (another ceiling, envelope...).
write <<YAML
call: mel-strategie-digitale-2018
documents: [$seeds]
cases:
  - name: "Plafond relevé à 95 000 €"
    project: centres-sociaux-connectes-2018
    set:
      expenses[6].amount: "95 000,00 €"
      expenses[5].amount: "555 000,00 €"
    call_set:
      parameters[0].money: "95 000 €"
    expect:
      rules: { plafond-materiel: pass }
      figures: { plafond-materiel.max: "95 000 €" }
  - name: "Plafond illisible"
    project: centres-sociaux-connectes-2018
    call_set:
      parameters[0].money: "95 000,001 €"
    expect: { rules: { plafond-materiel: pass } }
YAML
run eligo test "$t"
assert_contains "$OUT" "ok     $t:4  Plafond relevé à 95 000 €" "call_set applies to the case"
assert_contains "$OUT" "le cas ne peut pas être évalué : $t:$(line_of '95 000,001'): call_set: parameters[0].money: " "call_set error at its line"

# Malformed test files: exit 3, located.
printf 'call: mel-strategie-digitale-2018\ndocuments: [%s]\ncases:\n  - name: x\n    project: centres-sociaux-connectes-2018\n    expect: { rules: { equilibre: passe } }\n' "$seeds" >"$t"
run eligo test "$t"
assert_eq 3 "$RC" "bad status exit code"
assert_contains "$ERR" "$t:6: expect.rules.equilibre : « passe » n'est pas un statut" "bad status located"
printf 'call: inconnu\ndocuments: [%s]\ncases: []\n' "$seeds" >"$t"
run eligo test "$t"
assert_eq 3 "$RC" "unknown call"
assert_contains "$ERR" "$t:1: l'appel « inconnu » ne figure pas parmi les documents" "unknown call located"
printf 'call: mel-strategie-digitale-2018\ndocuments: [absent]\nexpect: 1\n' >"$t"
run eligo test "$t"
assert_contains "$ERR" "$t:3: fichier de tests : champ inconnu « expect »" "unknown top-level field"
printf 'call: mel-strategie-digitale-2018\ndocuments: [absent]\ncases: [{name: x}]\n' >"$t"
run eligo test "$t"
assert_contains "$ERR" "$t:2: documents : impossible de lire t/absent : Aucun fichier ou dossier de ce type" "missing documents"
printf 'call: mel-strategie-digitale-2018\ndocuments: [%s]\ncases:\n  - name: x\n    project: absent\n    expect: { outcome: eligible }\n' "$seeds" >"$t"
run eligo test "$t"
assert_contains "$ERR" "$t:4: cas « x » : le projet « absent » ne figure pas parmi les documents" "unknown project"

# JSON output and coverage of a call that has no cases.
mkdir -p calls2
sed -e 's/^id: mel-strategie-digitale-2018/id: sans-cas/' -e 's|^rules: .*|rules: calls/sans-cas.lua|' \
    "$seeds/calls/mel-strategie-digitale-2018.yaml" >calls2/sans-cas.yaml
printf 'balance { id = "equilibre-bis" }\n' >rules/calls/sans-cas.lua
printf 'balance { id = "orphelin" }\n' >rules/calls/orphelin.lua
write <<YAML
call: mel-strategie-digitale-2018
documents: [$seeds, ../calls2]
cases:
  - name: "Base"
    project: centres-sociaux-connectes-2018
    expect: { outcome: eligible }
YAML
run eligo test --coverage --format json "$t"
assert_eq 1 "$RC" "coverage gaps exit code"
assert_eq "true" "$(jqr '.runs[0].cases[0].ok')" "json case"
assert_eq "equilibre:8:0" "$(jqr '.coverage.rules[] | select(.call == "mel-strategie-digitale-2018" and .id == "equilibre") | "\(.id):\(.pass + 7):\(.fail)"')" "json coverage counts"
run eligo test --coverage "$t"
assert_contains "$OUT" "rules/calls/mel-strategie-digitale-2018.lua:30: equilibre : jamais en échec dans les cas de test" "gap: never fails"
assert_contains "$OUT" "rules/calls/sans-cas.lua: appel sans-cas : aucun cas de test (ses règles ne sont jamais exercées)" "call without cases"
assert_contains "$OUT" "rules/calls/orphelin.lua: aucun appel des documents des tests n'utilise ce fichier : ses règles ne sont pas testées" "rule file no call uses"

# notices: one of the rule's notices contains the text.
write <<YAML
call: mons-fabrica-2015
documents: [$seeds]
cases:
  - name: "Remarques"
    project: mons-fabrica-prefiguration-2015
    expect:
      notices:
        convention-objectifs: "Convention obligatoire avec Association Nord Internet Solidaire"
        equilibre: "convention"
YAML
run eligo test "$t"
assert_eq "ÉCHEC  $t:4  Remarques
       $t:9: remarques de equilibre (l'une doit contenir le texte attendu)
           attendu : convention
           obtenu  : (aucune remarque)
           règle   : rules/calls/mons-fabrica-2015.lua:$(grep -n '^balance' "$SRC/rules/calls/mons-fabrica-2015.lua" | cut -d: -f1) — Dépenses 30 000,00 € = ressources 30 000,00 €
1 cas : 0 ok, 1 en échec" "$OUT" "notices expected"

# `na` stands for not-applicable.
write <<YAML
call: sans-cas
documents: [$seeds, ../calls2]
cases:
  - name: "na"
    project: centres-sociaux-connectes-2018
    expect: { rules: { equilibre-bis: na } }
YAML
run eligo test "$t"
assert_contains "$OUT" "           attendu : not-applicable
           obtenu  : pass" "na is not-applicable"
finish
