#!/usr/bin/env bash
# A granted resource line that names the act that granted it (grant_reference, grant_date) is
# tied to what its financer (whose document gives its siret) published under that act in an
# imported SCDL file: the share checks (rate_ceiling, a financer's ceiling) count the published
# amount when it is more than the line, and say so; nothing else changes, and a plan tied to no
# published grant keeps the trace it had. Replay reads the published rows as they stood.
source "$(dirname "$0")/lib.sh"
rule_call_fixture parts
cat >"$RULES/calls/parts.lua" <<'LUA'
rate_ceiling { id = "taux-ville", financer = "VILLE", max = pct(50) }
ceiling { id = "plafond-ville", financer = "VILLE", max = eur(50000) }
rate_ceiling { id = "taux-public", public = true, max = pct(80) }
balance {}
LUA
cat >"$WORK/ville.yaml" <<'YAML'
kind: financer
id: VILLE
name: Ville A
nature: local-authority
siret: "21060004500392"
YAML
# 25 000 € of the town, granted by its act DEL-2017-12 of 2017-03-01; 35 000 € of own funds.
cat >"$WORK/q.yaml" <<'YAML'
kind: project
id: q
title: Projet lié
applicants: [{ name: Scop X, status: scop, siret: "52499120500013" }]
period: { start: 2017-06-01, end: 2017-12-31 }
submitted: 2017-06-01
expenses: [{ category: equipment, label: PC, amount: "60 000" }]
resources:
  - { financer: VILLE, amount: "25 000", status: granted, grant_reference: DEL-2017-12,
      grant_date: 2017-03-01 }
  - { financer: SELF, amount: "35 000" }
applies_to: [{ call: parts, requested: "25 000" }]
YAML
run eligo import "$WORK/ville.yaml" "$WORK/q.yaml"
assert_eq 0 "$RC" "import the financer and the project ($ERR)"

run eligo check q --format json
assert_eq 0 "$RC" "nothing published yet: 25 000 <= 30 000 ($ERR)"
assert_eq "VILLE : 25 000,00 € pour un coût éligible de 60 000,00 €, soit 41,67 % (plafond 50 % : 30 000,00 €)" \
    "$(jqr '.rules[0].message')" "the line as written"
assert_eq "[]" "$(jq -c '[.rules[].facts | keys[] | select(test("published"))]' <<<"$OUT")" \
    "no published fact is read while nothing is tied"
first=$(jqr '.decision_id')
run eligo batch parts --jobs 1
assert_eq 0 "$RC" "a batch before anything is published ($ERR)"

# What the funders published. Only the second row is the line's grant: the first is another
# act of the same funder under the same reference (another date), the third the same reference
# of another funder, the fourth another beneficiary, the fifth another reference.
cat >"$WORK/published.csv" <<'CSV'
nomAttribuant;idAttribuant;dateConvention;referenceDecision;nomBeneficiaire;idBeneficiaire;objet;montant;pourcentageSubvention
Ville A;21060004500392;2016-01-10;DEL-2017-12;SCOP X;52499120500013;Autre acte;99999;1
Ville A;21060004500392;2017/03/01;DEL-2017-12;SCOP X;52499120500013;Projet;"45 000,00";1
Département B;22800001400016;2017-03-01;DEL-2017-12;SCOP X;52499120500013;Autre financeur;70000;1
Ville A;21060004500392;2017-03-01;DEL-2017-12;AUTRE;38033590100027;Autre bénéficiaire;80000;1
Ville A;21060004500392;2017-03-01;DEL-2017-99;SCOP X;52499120500013;Autre référence;90000;1
CSV
run eligo import scdl "$WORK/published.csv"
assert_eq 0 "$RC" "import the published grants ($ERR)"
assert_contains "$OUT" "5 ligne(s) lue(s), 5 importée(s), 0 rejetée(s)" "all five rows"

run eligo check q --format json
assert_eq 1 "$RC" "45 000 published > 30 000 ($ERR)"
assert_eq "fail" "$(jqr '.rules[0].status')" "the town's rate fails on what it published"
assert_eq "VILLE : 45 000,00 € (dont 20 000,00 € de subventions publiées (SCDL) au-delà du plan) pour un coût éligible de 60 000,00 €, soit 75,00 % (plafond 50 % : 30 000,00 €), dépassement 15 000,00 €" \
    "$(jqr '.rules[0].message')" "the published amount counted, and said"
assert_eq 4500000 "$(jqr '.rules[0].figures.amount')" "amount counted"
assert_eq 2000000 "$(jqr '.rules[0].figures.published_beyond')" "published beyond the plan"
assert_eq 4500000 "$(jqr '.rules[0].facts["resources[0].published"]')" "the published amount is a fact"
assert_eq "Ville A ($WORK/published.csv:3)" "$(jqr '.rules[0].facts["resources[0].published_source"]')" \
    "and where it was read"
assert_eq "VILLE : 45 000,00 € (dont 20 000,00 € de subventions publiées (SCDL) au-delà du plan) ≤ plafond 50 000,00 €" \
    "$(jqr '.rules[1].message')" "a financer's ceiling counts it too"
assert_eq 4500000 "$(jqr '.rules[2].figures.amount')" "and so does the public share"
assert_eq "Dépenses 60 000,00 € = ressources 60 000,00 €" "$(jqr '.rules[3].message')" \
    "the plan's balance compares the plan's own figures"
id=$(jqr '.decision_id')
run eligo explain "$id" --format text
assert_eq 0 "$RC" "the applicant's letter ($ERR)"
assert_contains "$(sed 's/\xc2\xa0/ /g' <<<"$OUT" | tr '\n' ' ' | tr -s ' ')" \
    "(le montant compte 20 000,00 € que le financeur a publiés en open data pour cette aide au-delà de votre plan de financement)" \
    "the letter says what was counted beyond the plan"
run eligo replay "$id"
assert_eq 0 "$RC" "replay gives the same decision ($OUT $ERR)"
run eligo replay "$first"
assert_eq 0 "$RC" "the decision made before the import replays as it was made ($OUT $ERR)"

# Without grant_date, every row of that funder under that reference for the applicant adds up
# (two here); a line above what was published counts as written, the published amount a fact.
cat >"$WORK/r.yaml" <<'YAML'
kind: project
id: r
title: Projet lié sans date
applicants: [{ name: Scop X, status: scop, siret: "52499120500013" }]
period: { start: 2017-06-01, end: 2017-12-31 }
expenses: [{ category: equipment, label: PC, amount: "60 000" }]
resources:
  - { financer: VILLE, amount: "25 000", status: granted, grant_reference: DEL-2017-12 }
  - { financer: SELF, amount: "35 000" }
applies_to: [{ call: parts, requested: "25 000" }]
YAML
sed -e 's/^id: r$/id: s/' -e 's/amount: "25 000", status: granted, grant_reference: DEL-2017-12 }/amount: "46 000", status: granted, grant_reference: DEL-2017-12, grant_date: 2017-03-01 }/' \
    -e 's/amount: "35 000"/amount: "14 000"/' "$WORK/r.yaml" >"$WORK/s.yaml"
run eligo import "$WORK/r.yaml" "$WORK/s.yaml"
assert_eq 0 "$RC" "import r and s ($ERR)"
run eligo check r --format json
assert_eq 14499900 "$(jqr '.rules[0].figures.amount')" "99 999 + 45 000 under the same reference"
assert_eq "Ville A ($WORK/published.csv:2) + 1" "$(jqr '.rules[0].facts["resources[0].published_source"]')" \
    "the first row, and how many more"
run eligo check s --format json
assert_eq "VILLE : 46 000,00 € pour un coût éligible de 60 000,00 €, soit 76,67 % (plafond 50 % : 30 000,00 €), dépassement 16 000,00 €" \
    "$(jqr '.rules[0].message')" "45 000 published under 46 000 written: the line counts"
assert_eq null "$(jqr '.rules[0].figures.published_beyond')" "nothing beyond the plan"
assert_eq 4500000 "$(jqr '.rules[0].facts["resources[0].published"]')" "what was published is still a fact"

# A whole call ties them the same way in worker processes. The batch made before the import is
# not taken for this one: the aid a project was given is part of its decision's inputs key.
run eligo batch parts --jobs 2 --format json
assert_eq 0 "$RC" "batch ($ERR)"
last=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions WHERE project = 'r'")
run eligo trace show "$last" --format json
assert_eq 14499900 "$(jqr '.rules[0].figures.amount')" "batch --jobs 2 counts the published rows"
keyed() { sqlite3 "$ELIGO_DB" "SELECT count(*) FROM decisions WHERE project = '$1' AND inputs_key IS NOT NULL"; }
assert_eq 2 "$(keyed q)" "q decided again in batch once its aid was published"
last=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions WHERE project = 'q' AND inputs_key IS NOT NULL")
run eligo trace show "$last" --format json
assert_eq fail "$(jqr '.rules[0].status')" "with the published grant"
run eligo batch parts --jobs 1
assert_eq 0 "$RC" "the same batch again ($ERR)"
assert_eq "2 1 1" "$(keyed q) $(keyed r) $(keyed s)" "nothing decided twice from the same inputs"

# On a real published file: the schema's valid example names Antibes' convention « CONV N°
# 2074-15 2015-06-19 » of 2015-07-07 for SIRET 52499120500013, 5 % of 99 786,57 € (docs/formats.md).
cat >"$WORK/antibes.yaml" <<'YAML'
kind: financer
id: ANTIBES
name: Ville d'Antibes
nature: local-authority
siret: "21060004500392"
YAML
cat >"$WORK/cea.yaml" <<'YAML'
kind: project
id: cea
title: Fonctionnement
applicants: [{ name: CEA, status: association, siret: "52499120500013" }]
period: { start: 2015-07-01, end: 2015-12-31 }
expenses: [{ category: services, label: Fonctionnement, amount: "9 000" }]
resources:
  - { financer: ANTIBES, amount: "4 000", status: granted,
      grant_reference: "CONV N° 2074-15 2015-06-19", grant_date: 2015-07-07 }
  - { financer: SELF, amount: "5 000" }
applies_to: [{ call: parts, requested: "4 000" }]
YAML
cat >>"$RULES/calls/parts.lua" <<'LUA'
rate_ceiling { id = "taux-antibes", financer = "ANTIBES", max = pct(50) }
LUA
run eligo import "$WORK/antibes.yaml" "$WORK/cea.yaml"
assert_eq 0 "$RC" "import Antibes and its project ($ERR)"
run eligo import scdl "$SRC/tests/data/scdl/exemple_valide.csv"
assert_eq 0 "$RC" "import the schema's valid example ($ERR)"
run eligo check cea --format json
assert_eq "ANTIBES : 4 989,33 € (dont 989,33 € de subventions publiées (SCDL) au-delà du plan) pour un coût éligible de 9 000,00 €, soit 55,44 % (plafond 50 % : 4 500,00 €), dépassement 489,33 €" \
    "$(jq -r '.rules[] | select(.id == "taux-antibes") | .message' <<<"$OUT")" \
    "the published 5 % of 99 786,57 € counted against the line's 4 000 €"

# What the tie needs is checked at import, located.
sed -e 's/, grant_date: 2017-03-01 }/ }/' -e 's/status: granted, //' "$WORK/q.yaml" >"$WORK/bad1.yaml"
sed -i 's/^id: q$/id: bad1/' "$WORK/bad1.yaml"
run eligo import "$WORK/bad1.yaml"
assert_eq 3 "$RC" "a requested line naming a granting act is refused"
assert_contains "$ERR" "bad1.yaml:9:" "at its line"
assert_contains "$ERR" "resources[0].grant_reference" "naming the field"
assert_contains "$ERR" "ajoutez status: granted" "saying what to do"
sed -e 's/grant_reference: DEL-2017-12,//' -e 's/^id: q$/id: bad2/' "$WORK/q.yaml" >"$WORK/bad2.yaml"
run eligo import "$WORK/bad2.yaml"
assert_eq 3 "$RC" "a date without its act is refused"
assert_contains "$ERR" "resources[0].grant_date" "naming the field"
sed -e 's/21060004500392/21060004500391/' -e 's/^id: VILLE$/id: VILLE2/' "$WORK/ville.yaml" >"$WORK/bad3.yaml"
run eligo import "$WORK/bad3.yaml"
assert_eq 3 "$RC" "a financer SIRET with a wrong check digit is refused"
assert_contains "$ERR" "bad3.yaml:5:" "at its line"
assert_contains "$ERR" "siret" "naming the field"
assert_eq 0 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM documents WHERE id IN ('bad1', 'bad2', 'VILLE2')")" \
    "nothing of them stored"
finish
